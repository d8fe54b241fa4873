#!/bin/sh
# deny-protected.sh - with fs.protected_symlinks=1 (the default of most
# distributions), a symlink owned by another user in a sticky
# world-writable directory may not be followed as a path's last
# component, but may be as a directory on the way: symlink("x",
# "sticky/ln/new") works natively.  Deny mode walks the link's directory
# itself and must do the same (it did not: its walk ended on "ln", and
# got EACCES).  The sysctl is global: set for the test, put back after.
. "$TESTSRC/lib.sh"

skip_unless_ptrace
[ "$(id -u)" -eq 0 ] || skip "not root"
ps=/proc/sys/fs/protected_symlinks
old=$(cat "$ps" 2>/dev/null) || skip "no $ps"
echo 1 >"$ps" 2>/dev/null || skip "cannot set $ps"
trap 'echo "$old" >"$ps"; cleanup' EXIT

w=$(cd "$tmp" && pwd -P) || fail "cannot enter $tmp"
mkdir "$w/sticky" "$w/target" && chmod 1777 "$w/sticky" &&
	ln -s "$w/target" "$w/sticky/ln" && chown -h 65534:65534 "$w/sticky/ln" ||
	fail "cannot set up"

# Native control: the walk through the other user's link works.
ln -s x "$w/sticky/ln/native" || fail "native: ln failed"
[ -L "$w/target/native" ] || fail "native: no link in target"

# run NAME SYMTRACE-ARGS...: ln -s x sticky/ln/NAME under symtrace; the
# link must land in target/ and be reported so.
run()
{
	name=$1
	shift
	"$SYMTRACE" "$@" -o "$tmp/out" -- ln -s x "$w/sticky/ln/$name" \
		>"$tmp/stdout" 2>&1 || {
		show output "$tmp/stdout"
		fail "$name: ln failed under symtrace"
	}
	[ -L "$w/target/$name" ] || fail "$name: no link in target"
	want="symlinkat(\"x\", AT_FDCWD<$w>, \"$w/sticky/ln/$name\") = 0"
	[ "$(sed 's/^\[pid [0-9]*\] //' "$tmp/out")" = "$want" ] || {
		show report "$tmp/out"
		fail "$name: wrong report"
	}
}

cd "$w" || fail "cd $w"
run deny -r 'deny target=/nowhere/**'
run deny-noseccomp --no-seccomp -r 'deny target=/nowhere/**'
run trace
run trace-noseccomp --no-seccomp
exit 0
