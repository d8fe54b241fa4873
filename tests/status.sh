#!/bin/sh
# status.sh - symtrace --status PID and --reload PID (issue 17, item 3:
# monitoring): a guarded process, symtrace itself, trace mode, after a
# reload; not traced, traced by another tracer, a symtrace without a
# control socket, no such process; exit codes and exact lines.  Security:
# another user (uid 2001) cannot query or reload - not through the
# client, not with a raw connection, not even with CAP_DAC_OVERRIDE past
# the socket's directory (the SO_PEERCRED check) - and a connection that
# sends nothing does not block the control thread.  The socket goes away
# when symtrace exits.
. "$TESTSRC/lib.sh"

skip_unless_ptrace

LC_ALL=C
export LC_ALL

[ "$(id -u)" -eq 0 ] || skip "needs root (the control socket of root's symtrace, setpriv)"
command -v setpriv >/dev/null 2>&1 || skip "needs setpriv"
enter_w
printf 'deny link=%s/*\n' "$w" >"$tmp/main.rules"
as2001="setpriv --reuid=2001 --regid=2001 --clear-groups"

what=
# ask WHAT [AS...] -- ARGS: symtrace ARGS (run by AS...), stdout in
# $tmp/so (times as T, client pids as N), stderr in $tmp/se, status $st.
ask()
{
	what=$1
	shift
	_as=
	while [ "$1" != -- ]; do
		_as="$_as $1"
		shift
	done
	shift
	$_as "$SYMTRACE" "$@" >"$tmp/so.raw" 2>"$tmp/se"
	st=$?
	sed -e 's/[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9:]*Z/T/' \
		-e 's/--reload by pid [0-9]*/--reload by pid N/' \
		"$tmp/so.raw" >"$tmp/so"
}

# is STATUS STDERR STDOUT-LINE...: the last ask's results, exactly.
is()
{
	[ "$st" -eq "$1" ] || {
		show stdout "$tmp/so"
		show stderr "$tmp/se"
		fail "$what: exit status $st, expected $1"
	}
	if [ -n "$2" ]; then
		printf '%s\n' "$2" | diff -u - "$tmp/se" >&2 ||
			fail "$what: wrong stderr"
	else
		[ -s "$tmp/se" ] && { show stderr "$tmp/se"; fail "$what: stderr"; }
	fi
	shift 2
	if [ $# -gt 0 ]; then
		printf '%s\n' "$@" | diff -u - "$tmp/so" >&2 ||
			fail "$what: wrong stdout"
	else
		[ -s "$tmp/so" ] && { show stdout "$tmp/so"; fail "$what: stdout"; }
	fi
	return 0
}

# start VAR ARGS...: symtrace ARGS -- sleep 60 in the background; VAR_s is
# symtrace's pid, VAR_c the sleep's, once symtrace answers (10 s at most).
start()
{
	_v=$1
	shift
	"$SYMTRACE" "$@" -- sleep 60 2>"$tmp/$_v.stderr" &
	eval "${_v}_s=$!"
	_n=100
	while :; do
		eval "_c=\$(cat /proc/\$${_v}_s/task/\$${_v}_s/children 2>/dev/null)"
		_c=${_c% }
		[ -n "$_c" ] && [ "$(cat /proc/"$_c"/comm 2>/dev/null)" = sleep ] &&
			"$SYMTRACE" --status "$_c" >/dev/null 2>&1 && break
		_n=$((_n - 1))
		[ $_n -le 0 ] && fail "start $_v: no answer"
		sleep 0.1
	done
	eval "${_v}_c=$_c"
}

start d --rules="$tmp/main.rules" -r 'audit comm=x'
start t
sock=/run/symtrace/$d_s.sock
[ -S "$sock" ] || fail "no socket $sock"
[ "$(stat -c '%U %a' /run/symtrace)" = "root 700" ] ||
	fail "/run/symtrace: $(stat -c '%U %a' /run/symtrace)"

body="mode: deny
rules: 2
rules file: $tmp/main.rules
loaded: T (start)
last reload: none"
ask "guarded" -- --status "$d_c"
is 0 "" "pid $d_c: traced by symtrace $d_s" "$body"
ask "symtrace itself" -- --status "$d_s"
is 0 "" "pid $d_s: symtrace $d_s" "$body"
ask "trace mode" -- --status "$t_c"
is 0 "" "pid $t_c: traced by symtrace $t_s" "mode: trace" "rules: 0" \
	"loaded: T (start)" "last reload: none"

ask "--reload" -- --reload "$d_c"
is 0 "" "symtrace $d_s reloaded its rules: 2 rules in force"
ask "after the reload" -- --status "$d_c"
is 0 "" "pid $d_c: traced by symtrace $d_s" "mode: deny" "rules: 2" \
	"rules file: $tmp/main.rules" "loaded: T (reload 1)" \
	"last reload: T ok, 2 rules (--reload by pid N)"

# Not guarded.
sleep 60 &
free=$!
ask "not traced" -- --status "$free"
is 1 "symtrace: pid $free is not traced: not guarded by symtrace"
ask "not traced, --reload" -- --reload "$free"
is 1 "symtrace: pid $free is not traced: not guarded by symtrace"
sh -c 'exit 0' &
gone=$!
wait $gone
ask "no process" -- --status "$gone"
is 1 "symtrace: no process $gone"
if command -v strace >/dev/null 2>&1; then
	strace -o /dev/null sleep 60 &
	str=$!
	_n=100
	until other=$(cat /proc/$str/task/$str/children 2>/dev/null) &&
		other=${other% } && [ -n "$other" ] &&
		[ "$(cat /proc/"$other"/comm)" = sleep ]; do
		_n=$((_n - 1))
		[ $_n -le 0 ] && fail "strace: no child"
		sleep 0.1
	done
	ask "traced by strace" -- --status "$other"
	is 1 "symtrace: pid $other is traced by $str (strace), not by symtrace"
	kill "$str"
fi
# A symtrace of uid 2001 without XDG_RUNTIME_DIR has no socket.
# (Its pid is $!: the subshell, env and setpriv each exec the next; not
# pgrep -u 2001: another symtrace of that uid may run beside this test.)
(cd / && exec env -u XDG_RUNTIME_DIR $as2001 "$SYMTRACE" -- sleep 60) \
	2>"$tmp/u.stderr" &
u_s=$!
cleanup_pids="$cleanup_pids $u_s"
_n=100
until [ "$(cat /proc/$u_s/comm 2>/dev/null)" = symtrace ] &&
	u_c=$(cat /proc/"$u_s"/task/"$u_s"/children 2>/dev/null) &&
	u_c=${u_c% } && [ -n "$u_c" ] &&
	[ "$(cat /proc/"$u_c"/comm)" = sleep ]; do
	_n=$((_n - 1))
	[ $_n -le 0 ] && fail "uid 2001 symtrace did not start"
	sleep 0.1
done
ask "no socket" -- --status "$u_c"
is 1 "symtrace: pid $u_c is traced by symtrace $u_s, which has no control socket ('/run/user/2001': No such file or directory)"
kill "$u_s"

# Another user cannot ask or reload: the directory keeps it out...
ask "uid 2001 --status" $as2001 -- --status "$d_c"
is 1 "symtrace: cannot ask symtrace $d_s ($sock): Permission denied (only its user and root may)"
ask "uid 2001 --reload" $as2001 -- --reload "$d_c"
is 1 "symtrace: cannot ask symtrace $d_s ($sock): Permission denied (only its user and root may)"
# ... and past it (CAP_DAC_OVERRIDE), the peer's uid is refused.
caps="--inh-caps=+dac_override,+dac_read_search --ambient-caps=+dac_override,+dac_read_search"
if $as2001 $caps true 2>/dev/null; then
	ask "uid 2001 with CAP_DAC_OVERRIDE, --status" $as2001 $caps -- \
		--status "$d_c"
	is 1 "symtrace: symtrace $d_s did not answer: permission denied"
	ask "uid 2001 with CAP_DAC_OVERRIDE, --reload" $as2001 $caps -- \
		--reload "$d_c"
	is 1 "symtrace: symtrace $d_s did not reload its rules: permission denied"
fi
if find_python; then
	raw='import socket, sys
s = socket.socket(socket.AF_UNIX)
try:
    s.connect(sys.argv[1])
except OSError as e:
    print("connect:", e.strerror); sys.exit(0)
# Refused before anything is read: the answer comes unasked.
print(s.recv(100))'
	what="raw connect, uid 2001"
	out=$($as2001 "$PYTHON" -c "$raw" "$sock")
	[ "$out" = "connect: Permission denied" ] || fail "$what: $out"
	if $as2001 $caps true 2>/dev/null; then
		what="raw connect, uid 2001 with CAP_DAC_OVERRIDE"
		out=$($as2001 $caps "$PYTHON" -c "$raw" "$sock")
		[ "$out" = "b'error: permission denied\\n'" ] || fail "$what: $out"
	fi
	# A connection that sends nothing holds the thread 2 s at most.
	"$PYTHON" -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); time.sleep(8)' \
		"$sock" &
	hold=$!
	sleep 0.5
	t0=$(date +%s)
	ask "while a connection is idle" -- --status "$d_c"
	t1=$(date +%s)
	is 0 "" "pid $d_c: traced by symtrace $d_s" "mode: deny" "rules: 2" \
		"rules file: $tmp/main.rules" "loaded: T (reload 1)" \
		"last reload: T ok, 2 rules (--reload by pid N)"
	[ $((t1 - t0)) -le 4 ] || fail "$what: took $((t1 - t0)) s"
	kill "$hold" 2>/dev/null
fi
# No reload happened for them: one notice only (root's --reload).
sed 's/--reload by pid [0-9]*/--reload by pid N/' "$tmp/d.stderr" |
	diff -u - /dev/stdin >&2 <<EOF || fail "wrong notices"
symtrace: rules reloaded (--reload by pid N): 2 rules in force
EOF

# Usage.
ask "bad pid" -- --status x1
is 125 "symtrace: --status/--reload: 'x1' is not a process id
Try 'symtrace --help' for more information."
ask "with a command" -- --status "$d_c" -- true
is 125 "symtrace: --status and --reload take no COMMAND, -p or --check-rules
Try 'symtrace --help' for more information."

# The socket goes with symtrace.
kill "$d_c" "$t_c" "$free"
wait "$d_s" "$t_s"
[ -e "$sock" ] && fail "$sock left behind"
[ -e "/run/symtrace/$t_s.sock" ] && fail "/run/symtrace/$t_s.sock left behind"
exit 0
