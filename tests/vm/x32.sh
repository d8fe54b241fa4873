#!/bin/sh
# x32.sh - a real x32 program (symhelperx32: symhelper.c built with
# gcc -mx32 -static by tests/vm/run.sh) under symtrace, on a kernel that runs
# x32 code (make check-vm boots Debian's 6.1 with syscall.x32=y): its calls
# are decoded with the <x32> tag in every tracing mode, by its children and
# after exec too, its int $0x80 calls as <i386>, and deny mode refuses or
# makes its links as for any other ABI.  Skips where the kernel has no x32
# (the program cannot even be executed) or there is no x32 helper.
. "$TESTSRC/deny-lib.sh"

H=$TESTBIN/symhelperx32
[ -x "$H" ] || skip "no $H (gcc -mx32 -static could not build it)"
"$H" symlink t "$w/probe" >/dev/null 2>&1 && [ -L "$w/probe" ] ||
	skip "this kernel does not run x32 programs (Debian: boot with syscall.x32=y)"
rm -f "$w/probe"

HELPER=$H
n=0
for mode in "" "--no-seccomp" "--no-syscall-info" \
	    "--no-seccomp --no-syscall-info"; do
	ST_OPTS=$mode
	n=$((n + 1))
	d=$w/m$n
	mkdir "$d" "$d/d" && cd "$d" || fail "cannot set up $d"

	run_match symlink t1 l1
	want "symlink(\"t1\", \"l1\"<$d/l1>) = 0 <x32>"
	diff -u "$tmp/want" "$tmp/expected" >&2 || fail "$mode: symlink: helper line"
	check_link l1 t1

	run_match symlinkat /etc/passwd cwd l2
	want "symlinkat(\"/etc/passwd\", AT_FDCWD<$d>, \"l2\") = 0 <x32>"
	diff -u "$tmp/want" "$tmp/expected" >&2 || fail "$mode: symlinkat: helper line"
	check_link l2 /etc/passwd

	run_match symlinkat ../t3 d l3
	check_link d/l3 ../t3

	run_match symlinkat t4 bad l4
	want 'symlinkat("t4", 999, "l4") = -1 EBADF (Bad file descriptor) <x32>'
	diff -u "$tmp/want" "$tmp/expected" >&2 || fail "$mode: EBADF: helper line"
	[ -L l4 ] && fail "$mode: l4 made"

	run_match symlink t5 l1
	check_link l1 t1

	run_match fault l11
	[ -L l11 ] && fail "$mode: l11 made"

	# An x32 process's int $0x80 calls are i386 calls.
	run_match int80 t8 l8
	want "symlink(\"t8\", \"l8\"<$d/l8>) = 0 <i386>"
	diff -u "$tmp/want" "$tmp/expected" >&2 || fail "$mode: int80: helper line"
	check_link l8 t8

	for how in fork vfork clone exec; do
		run_match $how "t_$how" "l_$how"
		check_link "l_$how" "t_$how"
	done
	cd "$w" || fail cd
done

# Deny mode: refused under --deny; under a target rule /etc/passwd is
# refused and another target made by symtrace for the x32 caller.
cd "$w" || fail cd
st "x32 --deny" --deny -- "$H" symlink t1 dl1
want "symlink(\"t1\", \"dl1\"<$w/dl1>) = $eperm <x32> <denied rule --deny>"
check 0 "" "symlink(\"t1\", \"dl1\"<$w/dl1>) = $eperm <x32>"
absent dl1

st "x32 --no-seccomp --deny" --no-seccomp --deny -- "$H" symlinkat t2 cwd dl2
want "symlinkat(\"t2\", AT_FDCWD<$w>, \"dl2\") = $eperm <x32> <denied rule --deny>"
check 0 "" "symlinkat(\"t2\", AT_FDCWD<$w>, \"dl2\") = $eperm <x32>"
absent dl2

st "x32 target /etc/passwd" -r 'deny target=/etc/**' -- "$H" symlinkat /etc/passwd cwd dl3
want "symlinkat(\"/etc/passwd\", AT_FDCWD<$w>, \"dl3\") = $eperm <x32> <denied rule -r 1>"
check 0 "" "symlinkat(\"/etc/passwd\", AT_FDCWD<$w>, \"dl3\") = $eperm <x32>"
absent dl3

st "x32 target /tmp/ok" -r 'deny target=/etc/**' -- "$H" symlinkat /tmp/ok cwd dl4
want "symlinkat(\"/tmp/ok\", AT_FDCWD<$w>, \"dl4\") = 0 <x32>"
check 0 "" "symlinkat(\"/tmp/ok\", AT_FDCWD<$w>, \"dl4\") = 0 <x32>"
check_link dl4 /tmp/ok

cd "$tmp" || fail cd
check_no_leftovers
exit 0
