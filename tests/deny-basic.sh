#!/bin/sh
# deny-basic.sh - deny mode with real programs: --deny and its errno, the
# actions deny:ERRNO, kill and audit, the keys uid/ruid/gid, target, comm
# and exe, first match wins, --rules FILE, and deny mode used as a testing
# tool (a program that copes with a failing symlink).
. "$TESTSRC/deny-lib.sh"

ln_eperm="ln: failed to create symbolic link 'x': Operation not permitted"
ln_eacces="ln: failed to create symbolic link 'x': Permission denied"

# ---- --deny: EPERM by default ----
st "--deny" --deny -- ln -s /etc/passwd x
want "symlinkat(\"/etc/passwd\", AT_FDCWD<$w>, \"x\") = $eperm <denied rule --deny>"
check 1 "$ln_eperm"
absent x

# ---- other errnos: deny:NAME, --deny=NAME, --deny=NUMBER ----
for opt in "-r deny:EACCES" "-r deny:13" --deny=EACCES --deny=13; do
	# shellcheck disable=SC2086 # $opt is one or two words
	case $opt in -r*) who="-r 1" ;; *) who=--deny ;; esac
	st "$opt" $opt -- ln -s /etc/passwd x
	want "symlinkat(\"/etc/passwd\", AT_FDCWD<$w>, \"x\") = $eacces <denied rule $who>"
	check 1 "$ln_eacces"
	absent x
done

# ---- kill: the process dies of SIGKILL before the link is made ----
st "kill" -r kill -- ln -s a z
want "symlinkat(\"a\", AT_FDCWD<$w>, \"z\") = ? <killed rule -r 1>"
check 137 ""
absent z

# ---- audit: allowed, but tagged ----
st "audit" -r audit -- ln -s a z
want "symlinkat(\"a\", AT_FDCWD<$w>, \"z\") = 0 <audit rule -r 1>"
check 0 ""
check_link z a
rm -f z

# ---- a rule that does not match lets the call through, untagged ----
st "no match" -r 'deny target=/nowhere/**' -- ln -s a z
want "symlinkat(\"a\", AT_FDCWD<$w>, \"z\") = 0"
check 0 ""
check_link z a
rm -f z

# ---- uid, ruid, gid (run as another user with setpriv) ----
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
	chmod 755 "$tmp" && chmod 777 "$w" ||
		fail "cannot open $w to other users"
	nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
	# Control: without symtrace the other user may make the link, so a
	# refusal below is symtrace's doing.
	$nobody ln -s a ctl 2>"$tmp/stderr" || {
		show stderr "$tmp/stderr"
		fail "control: user 65534 cannot make a link in $w"
	}
	check_link ctl a
	rm -f ctl

	# shellcheck disable=SC2086 # $nobody is a command line
	st "allow uid=0 as 65534" -r 'allow uid=0' --deny -- $nobody ln -s a x
	want "symlinkat(\"a\", AT_FDCWD<$w>, \"x\") = $eperm <denied rule --deny>"
	check 1 "$ln_eperm"
	absent x

	st "allow uid=0 as root" -r 'allow uid=0' --deny -- ln -s a x
	want "symlinkat(\"a\", AT_FDCWD<$w>, \"x\") = 0"
	check 0 ""
	check_link x a
	rm -f x

	# Real uid 0, effective uid 65534: uid= sees 65534, ruid= sees 0.
	st "deny uid=0-100, euid 65534" -r 'deny uid=0-100' -- \
		setpriv --euid=65534 ln -s a x
	want "symlinkat(\"a\", AT_FDCWD<$w>, \"x\") = 0"
	check 0 ""
	check_link x a
	rm -f x
	st "deny ruid=0, euid 65534" -r 'deny ruid=0' -- \
		setpriv --euid=65534 ln -s a x
	want "symlinkat(\"a\", AT_FDCWD<$w>, \"x\") = $eperm <denied rule -r 1>"
	check 1 "$ln_eperm"
	absent x
	st "deny uid=65534-, euid 65534" -r 'deny uid=65534-' -- \
		setpriv --euid=65534 ln -s a x
	want "symlinkat(\"a\", AT_FDCWD<$w>, \"x\") = $eperm <denied rule -r 1>"
	check 1 "$ln_eperm"
	absent x

	st "deny gid=65534-" -r 'deny gid=65534-' -- \
		setpriv --egid=65534 --clear-groups ln -s a x
	want "symlinkat(\"a\", AT_FDCWD<$w>, \"x\") = $eperm <denied rule -r 1>"
	check 1 "$ln_eperm"
	absent x
	st "deny gid=-65533" -r 'deny gid=-65533' -- \
		setpriv --egid=65534 --clear-groups ln -s a x
	want "symlinkat(\"a\", AT_FDCWD<$w>, \"x\") = 0"
	check 0 ""
	check_link x a
	rm -f x
else
	echo "$me: not root or no setpriv: uid/ruid/gid rules not tested" >&2
fi

# ---- target=: resolved lexically against the link's directory ----
mkdir -p "$w/d1/d2/d3/d4" || fail "cannot create d1/d2/d3/d4"
cd "$w/d1/d2/d3/d4" || fail "cannot enter d1/d2/d3/d4"
d4=$w/d1/d2/d3/d4
rule='deny target=/etc/**'
st "$rule, relative" -r "$rule" -- ln -s ../../../../../../../../etc/passwd x
want "symlinkat(\"../../../../../../../../etc/passwd\", AT_FDCWD<$d4>, \"x\") = $eperm <denied rule -r 1>"
check 1 "$ln_eperm"
absent x
st "$rule, /etc itself" -r "$rule" -- ln -s /etc x
want "symlinkat(\"/etc\", AT_FDCWD<$d4>, \"x\") = $eperm <denied rule -r 1>"
check 1 "$ln_eperm"
absent x
st "$rule, link elsewhere" -r "$rule" -- ln -s /tmp/a y
want "symlinkat(\"/tmp/a\", AT_FDCWD<$d4>, \"y\") = 0"
check 0 ""
check_link y /tmp/a
# "etc" relative to d4 is not /etc.
st "$rule, relative etc" -r "$rule" -- ln -s etc/passwd z
want "symlinkat(\"etc/passwd\", AT_FDCWD<$d4>, \"z\") = 0"
check 0 ""
check_link z etc/passwd
cd "$w" || fail "cannot enter $w"

# ---- first match wins ----
st "allow comm=ln, deny" -r 'allow comm=ln' -r deny -- ln -s a x
want "symlinkat(\"a\", AT_FDCWD<$w>, \"x\") = 0"
check 0 ""
check_link x a
rm -f x
st "deny, allow comm=ln" -r deny -r 'allow comm=ln' -- ln -s a x
want "symlinkat(\"a\", AT_FDCWD<$w>, \"x\") = $eperm <denied rule -r 1>"
check 1 "$ln_eperm"
absent x

# ---- comm= and exe= ----
st "deny comm=ln" -r 'deny comm=ln' -- ln -s a x
want "symlinkat(\"a\", AT_FDCWD<$w>, \"x\") = $eperm <denied rule -r 1>"
check 1 "$ln_eperm"
absent x
st "deny comm=l?" -r 'deny comm=l?' -- ln -s a x
want "symlinkat(\"a\", AT_FDCWD<$w>, \"x\") = $eperm <denied rule -r 1>"
check 1 "$ln_eperm"
absent x
st "deny comm=sh" -r 'deny comm=sh' -- ln -s a x
want "symlinkat(\"a\", AT_FDCWD<$w>, \"x\") = 0"
check 0 ""
check_link x a
rm -f x

lnexe=$(readlink -f "$(command -v ln)") || fail "where is ln?"
lndir=${lnexe%/*}
st "deny exe=$lnexe" -r "deny exe=$lnexe" -- ln -s a x
want "symlinkat(\"a\", AT_FDCWD<$w>, \"x\") = $eperm <denied rule -r 1>"
check 1 "$ln_eperm"
absent x
st "deny exe=$lndir/*" -r "deny exe=$lndir/*" -- ln -s a x
want "symlinkat(\"a\", AT_FDCWD<$w>, \"x\") = $eperm <denied rule -r 1>"
check 1 "$ln_eperm"
absent x
st "deny exe=/**/ln" -r 'deny exe=/**/ln' -- ln -s a x
want "symlinkat(\"a\", AT_FDCWD<$w>, \"x\") = $eperm <denied rule -r 1>"
check 1 "$ln_eperm"
absent x
# "*" does not cross "/".
st "deny exe=/*/ln" -r 'deny exe=/*/ln' -- ln -s a x
if [ "$lndir" = "${lndir#/*/}" ]; then
	# ln is in a top-level directory such as /bin: "/*/ln" matches.
	want "symlinkat(\"a\", AT_FDCWD<$w>, \"x\") = $eperm <denied rule -r 1>"
	check 1 "$ln_eperm"
	absent x
else
	want "symlinkat(\"a\", AT_FDCWD<$w>, \"x\") = 0"
	check 0 ""
	check_link x a
	rm -f x
fi
st "deny exe=/nonexistent/ln" -r 'deny exe=/nonexistent/ln' -- ln -s a x
want "symlinkat(\"a\", AT_FDCWD<$w>, \"x\") = 0"
check 0 ""
check_link x a
rm -f x

# ---- --rules FILE: comments, blank lines, several rules ----
cat >"$tmp/rules" <<EOF
# Rules for deny-basic.sh

   # an indented comment
allow link=$w/keep*

deny:EACCES target=/etc/**
	audit
EOF
st "--rules" --rules "$tmp/rules" -- sh -c \
	'ln -s /etc/passwd keep1; ln -s /etc/passwd x; ln -s /tmp/z y'
want "symlinkat(\"/etc/passwd\", AT_FDCWD<$w>, \"keep1\") = 0" \
	"symlinkat(\"/etc/passwd\", AT_FDCWD<$w>, \"x\") = $eacces <denied rule $tmp/rules:6>" \
	"symlinkat(\"/tmp/z\", AT_FDCWD<$w>, \"y\") = 0 <audit rule $tmp/rules:7>"
# sh exits with the status of its last command.
check 0 "$ln_eacces"
check_link keep1 /etc/passwd
absent x
check_link y /tmp/z
rm -f keep1 y

# -r rules come before --deny whatever the order on the command line.
st "--deny -r allow" --deny -r 'allow link=**/keep*' -- ln -s a keep2
want "symlinkat(\"a\", AT_FDCWD<$w>, \"keep2\") = 0"
check 0 ""
check_link keep2 a
rm -f keep2

# ---- link=: a linkpath too long to join to /proc/PID/cwd ----
# The link's directory is found by opening /proc/PID/cwd/DIRPART; when that
# is longer than PATH_MAX (the linkpath alone is not), the directory is
# opened in two steps - never guessed lexically, which would miss the
# symlink "via" and let the link into the guarded directory.
mkdir guard || fail "cannot create $w/guard"
ln -s guard via || fail "cannot create $w/via"
long=$(printf './%.0s' $(seq 2043))
st "link=, long linkpath" -r "deny link=$w/guard/**" -- \
	"$TESTBIN/symhelper" symlink t "${long}via/x"
want "symlink(\"t\", \"${long}via/x\"<$w/guard/x>) = $eperm <denied rule -r 1>"
check 0 ""
absent guard/x

# ---- link=: absolute linkpaths, with and without symlinks on the way ----
# Without a symlink in the directory part, its lexical form ("." "..",
# "//" folded) is the real one (found with openat2 RESOLVE_NO_SYMLINKS);
# with one, the kernel's answer is used.  Either way the rule sees where
# the link lands.
# via2 -> guard/inner: "via2/.." is guard, though lexically it is $w.
mkdir free guard/inner || fail "cannot create $w/free, $w/guard/inner"
ln -s guard/inner via2 || fail "cannot create $w/via2"
for lp in "$w/free/..//guard/./a1" "$w/via/a2" "$w/via2/../a3"; do
	st "link=, $lp" -r "deny link=$w/guard/**" -- ln -s t "$lp"
	want "symlinkat(\"t\", AT_FDCWD<$w>, \"$lp\"<$w/guard/${lp##*/}>) = $eperm <denied rule -r 1>"
	check 1 "ln: failed to create symbolic link '$lp': Operation not permitted"
done
absent guard/a1
absent guard/a2
absent guard/a3
st "link=, $w/guard/../free/a4" -r "deny link=$w/guard/**" -- \
	ln -s t "$w/guard/../free/a4"
want "symlinkat(\"t\", AT_FDCWD<$w>, \"$w/guard/../free/a4\"<$w/free/a4>) = 0"
check 0 ""
check_link free/a4 t
rm -rf guard via via2 free

# ---- deny mode as a testing tool: the program's fallback path runs ----
printf 'the contents\n' >"$tmp/src" || fail "cannot write $tmp/src"
st "fallback" --deny=EACCES -- "$TESTBIN/sidedoor" fallback "$tmp/src" dst
want "symlink(\"$tmp/src\", \"dst\"<$w/dst>) = $eacces <denied rule --deny>"
check 0 ""
printf '%s\n' 'fallback: symlink failed (EACCES), copying' \
	'fallback: copied' >"$tmp/want.out"
diff -u "$tmp/want.out" "$tmp/stdout" >&2 || fail "fallback: wrong output"
[ -f dst ] && [ ! -L dst ] || fail "fallback: dst is not a regular file"
cmp "$tmp/src" dst || fail "fallback: dst differs from $tmp/src"

check_no_leftovers
exit 0
