#!/bin/sh
# exitstatus.sh - symtrace exits with the command's status (128+N when it
# is killed by signal N), 125/126/127 for its own failures, and -v reports
# how the command ended.
. "$TESTSRC/lib.sh"

skip_unless_ptrace

cd "$tmp" || fail cd
H=$TESTBIN/symhelper

# st_is WANT ARGS...: symtrace ARGS exits with WANT; output in $tmp/out,
# stderr in $tmp/err.
st_is()
{
	_want=$1
	shift
	: >"$tmp/out"
	"$SYMTRACE" "$@" >"$tmp/stdout" 2>"$tmp/err"
	_st=$?
	[ $_st -eq "$_want" ] || {
		show stderr "$tmp/err"
		fail "symtrace $*: exit status $_st, expected $_want"
	}
}

for n in 0 1 42 255; do
	st_is $n -o "$tmp/out" -- "$H" exit $n
	[ -s "$tmp/out" ] && { show output "$tmp/out"; fail "exit $n: output"; }
	[ -s "$tmp/err" ] && { show stderr "$tmp/err"; fail "exit $n: stderr"; }
	st_is $n --no-seccomp -o "$tmp/out" -- "$H" exit $n
done

st_is 143 -o "$tmp/out" -- "$H" kill 15
[ -s "$tmp/out" ] && { show output "$tmp/out"; fail "kill 15: output"; }
st_is 137 -o "$tmp/out" -- "$H" kill 9
st_is 137 --no-seccomp -o "$tmp/out" -- "$H" kill 9

# Without -o the report goes to stderr; -v adds the exit lines.
st_is 42 -v -- "$H" exit 42
[ "$(cat "$tmp/err")" = "+++ exited with 42 +++" ] ||
	{ show stderr "$tmp/err"; fail "-v exit 42: wrong report"; }
st_is 42 -v -o "$tmp/out" -- "$H" exit 42
[ "$(cat "$tmp/out")" = "+++ exited with 42 +++" ] ||
	{ show output "$tmp/out"; fail "-v -o exit 42: wrong report"; }
st_is 143 -v -o "$tmp/out" -- "$H" kill 15
[ "$(cat "$tmp/out")" = "+++ killed by SIGTERM +++" ] ||
	{ show output "$tmp/out"; fail "-v kill 15: wrong report"; }
st_is 0 -v -o "$tmp/out" -- "$H" symlink t "$tmp/l"
printf '%s\n' "symlink(\"t\", \"$tmp/l\") = 0" "+++ exited with 0 +++" \
	>"$tmp/want"
diff -u "$tmp/want" "$tmp/out" >&2 || fail "-v symlink: wrong report"

# Nothing but calls without -v.
st_is 0 -o "$tmp/out" -- true
[ -s "$tmp/out" ] && { show output "$tmp/out"; fail "true: output"; }
[ -s "$tmp/err" ] && { show stderr "$tmp/err"; fail "true: stderr"; }
st_is 0 -- true
[ -s "$tmp/err" ] && { show stderr "$tmp/err"; fail "true: stderr"; }

# -A appends.
echo first >"$tmp/out2"
"$SYMTRACE" -A -o "$tmp/out2" -- "$H" symlink t "$tmp/l2" >/dev/null ||
	fail "-A: exit status $?"
printf '%s\n' first "symlink(\"t\", \"$tmp/l2\") = 0" >"$tmp/want"
diff -u "$tmp/want" "$tmp/out2" >&2 || fail "-A did not append"

# symtrace's own failures.
st_is 127 -o "$tmp/out" -- symtrace-no-such-command-$$
grep -q "cannot run" "$tmp/err" || { show stderr "$tmp/err"; fail "127 msg"; }
grep -q "symtrace-no-such-command-$$" "$tmp/err" ||
	{ show stderr "$tmp/err"; fail "127: the message does not name it"; }
st_is 127 -o "$tmp/out" -- "$tmp/no-such-file"
grep -q "cannot run" "$tmp/err" || { show stderr "$tmp/err"; fail "127 msg"; }

printf '#!/bin/sh\nexit 0\n' >"$tmp/noexec"
chmod 644 "$tmp/noexec"
st_is 126 -o "$tmp/out" -- "$tmp/noexec"
grep -q "cannot run" "$tmp/err" || { show stderr "$tmp/err"; fail "126 msg"; }
mkdir "$tmp/adir"
st_is 126 -o "$tmp/out" -- "$tmp/adir"

st_is 125
st_is 125 -o "$tmp/out"
st_is 125 -o "$tmp/out" --
st_is 125 --no-such-option -- true
st_is 125 -Q -- true
st_is 125 -A -- true
st_is 125 -o "$tmp/no/such/dir/out" -- true
st_is 125 --deny=ENOSUCHERRNO -- true
st_is 125 -r 'no-such-action' -- true
# The failing command was never run.
st_is 125 -A -- "$H" symlink t "$tmp/l125"
[ -L "$tmp/l125" ] && fail "-A without -o: the command ran anyway"

check_no_leftovers
exit 0
