#!/bin/sh
# lifecycle.sh - when the command ends (run mode).
# With --exit-with-command symtrace kills what is left of the tree - a
# background child, a stopped one, a double-forked daemon now parented by
# init - and exits at once with the command's status (128+N for signal N),
# saying how many processes it killed.  Without it, symtrace waits for
# every traced process (the old behaviour, documented): it is still
# running while the background child lives and exits with the command's
# status once that child has been killed by us.
. "$TESTSRC/lib.sh"

skip_unless_ptrace

cd "$tmp" || fail cd
D=$tmp
export D

bg=
# Kill what we started if a check fails half-way.
reap()
{
	_st=$?
	# shellcheck disable=SC2086 # one or two pids
	[ -n "$bg" ] && kill -KILL $bg 2>/dev/null
	return $_st
}
trap 'reap; cleanup' EXIT

# wait_exit PID SECONDS: wait for the background symtrace PID, at most
# SECONDS; sets st to its exit status.
wait_exit()
{
	_n=$(($2 * 10))
	while kill -0 "$1" 2>/dev/null; do
		[ "$(proc_state "$1")" = Z ] && break
		_n=$((_n - 1))
		if [ $_n -le 0 ]; then
			kill -KILL "$1" 2>/dev/null
			wait "$1"
			show stderr "$tmp/err"
			fail "$what: symtrace did not finish within $2 s"
		fi
		sleep 0.1
	done
	wait "$1"
	st=$?
}

# dead PID: PID is gone or a zombie within 1 s.
dead()
{
	_n=10
	while :; do
		_s=$(proc_state "$1")
		[ -z "$_s" ] || [ "$_s" = Z ] && return 0
		_n=$((_n - 1))
		[ $_n -le 0 ] && return 1
		sleep 0.1
	done
}

# start OPTS -- SCRIPT: run "symtrace OPTS -- sh -c SCRIPT" in the
# background (spid); SCRIPT writes its own pid to $D/pid and the pid of
# what it leaves behind to $D/bg; wait for both files.
start()
{
	rm -f "$D/pid" "$D/bg" "$tmp/out"
	what="symtrace $*"
	"$SYMTRACE" -o "$tmp/out" "$@" 2>"$tmp/err" &
	spid=$!
	wait_for_file "$D/pid" && wait_for_file "$D/bg" || {
		kill -KILL $spid
		show stderr "$tmp/err"
		fail "$what: the command did not start"
	}
	cmd=$(cat "$D/pid")
	bg=$(cat "$D/bg")
}

# expect_err LINE...: symtrace's stderr is exactly these lines.
expect_err()
{
	printf '%s\n' "$@" >"$tmp/want"
	[ $# -eq 0 ] && : >"$tmp/want"
	diff -u "$tmp/want" "$tmp/err" >&2 || fail "$what: wrong messages"
}

bgsleep='sleep 1000 & echo $! >"$D/bg"; echo $$ >"$D/pid"'

# ---- 1. A background child; the command exits 3.
start --exit-with-command -- sh -c "$bgsleep; exit 3"
wait_exit $spid 3
[ $st -eq 3 ] || { show stderr "$tmp/err"; fail "$what: exit $st, expected 3"; }
dead "$bg" || fail "$what: the background child $bg survived"
bg=
expect_err "symtrace: the command (pid $cmd) exited with 3: killed the 1 process left (--exit-with-command)"
[ -s "$tmp/out" ] && { show output "$tmp/out"; fail "$what: output"; }

# ---- 2. The same without the option: symtrace waits for the child.
start -- sh -c "$bgsleep; exit 3"
sleep 1.5
s=$(proc_state $spid)
[ "$s" = S ] || [ "$s" = R ] ||
	fail "$what: symtrace did not wait for the background child (state '$s')"
[ -n "$(proc_state "$bg")" ] || fail "$what: the background child is gone"
[ -d "/proc/$cmd" ] && [ "$(proc_state "$cmd")" != Z ] &&
	fail "$what: the command is still running"
kill -KILL "$bg"
bg=
wait_exit $spid 5
[ $st -eq 3 ] || { show stderr "$tmp/err"; fail "$what: exit $st, expected 3"; }
expect_err

# ---- 3. The command killed by SIGKILL: 137, and the tree killed.
start --exit-with-command -- sh -c "$bgsleep; kill -KILL \$\$"
wait_exit $spid 3
[ $st -eq 137 ] || { show stderr "$tmp/err"; fail "$what: exit $st, expected 137"; }
dead "$bg" || fail "$what: the background child $bg survived"
bg=
expect_err "symtrace: the command (pid $cmd) was killed by SIGKILL: killed the 1 process left (--exit-with-command)"

# ---- 4. Stopped ones too: two children, one of them stopped (SIGSTOP)
# before the command exits 0.
start --exit-with-command -- sh -c '
	sleep 1000 & s=$!
	kill -STOP $s
	until grep -q "^State:[[:space:]]*[Tt]" /proc/$s/status; do
		sleep 0.05
	done
	sleep 1000 & echo "$s $!" >"$D/bg"; echo $$ >"$D/pid"; exit 0'
set -- $bg
wait_exit $spid 3
[ $st -eq 0 ] || { show stderr "$tmp/err"; fail "$what: exit $st, expected 0"; }
dead "$1" || fail "$what: the stopped child $1 survived"
dead "$2" || fail "$what: the running child $2 survived"
bg=
expect_err "symtrace: the command (pid $cmd) exited with 0: killed the 2 processes left (--exit-with-command)"

# ---- 5. A daemon that double-forks away: its parent exits, it is
# parented by init (or the nearest subreaper), and is still traced:
# without the option symtrace waits for it, with it, it is killed.
daemon='(sleep 1000 & echo $! >"$D/bg.new"); mv "$D/bg.new" "$D/bg"; echo $$ >"$D/pid"'
start -- sh -c "$daemon; exit 5"
n=50
while [ "$(sed -n 's/^PPid:[[:space:]]*//p' /proc/"$bg"/status)" != 1 ]; do
	n=$((n - 1))
	[ $n -le 0 ] && {
		echo "NOTE: $me: the daemon's parent is not init (a subreaper?)" >&2
		break
	}
	sleep 0.1
done
[ "$(sed -n 's/^TracerPid:[[:space:]]*//p' /proc/"$bg"/status)" = $spid ] ||
	fail "$what: the daemon $bg is not traced by symtrace"
sleep 1
s=$(proc_state $spid)
[ "$s" = S ] || [ "$s" = R ] ||
	fail "$what: symtrace did not wait for the daemon (state '$s')"
kill -KILL "$bg"
bg=
wait_exit $spid 5
[ $st -eq 5 ] || { show stderr "$tmp/err"; fail "$what: exit $st, expected 5"; }
expect_err

start --exit-with-command -- sh -c "$daemon; exit 5"
wait_exit $spid 3
[ $st -eq 5 ] || { show stderr "$tmp/err"; fail "$what: exit $st, expected 5"; }
dead "$bg" || fail "$what: the daemon $bg survived"
bg=
expect_err "symtrace: the command (pid $cmd) exited with 5: killed the 1 process left (--exit-with-command)"

# ---- 6. -q: no notice; --json -v: the notice as an object; nothing
# left: no notice.
start -q --exit-with-command -- sh -c "$bgsleep; exit 3"
wait_exit $spid 3
[ $st -eq 3 ] || fail "$what: exit $st, expected 3"
dead "$bg" || fail "$what: the background child $bg survived"
bg=
expect_err

start --json -v -q --exit-with-command -- sh -c "$bgsleep; exit 3"
wait_exit $spid 3
[ $st -eq 3 ] || fail "$what: exit $st, expected 3"
dead "$bg" || fail "$what: the background child $bg survived"
sed 's/^{"time":"[^"]*",/{/' "$tmp/out" >"$tmp/out.s"
printf '%s\n' "{\"event\":\"exited\",\"pid\":$cmd,\"status\":3}" \
	"{\"event\":\"killed\",\"pid\":$bg,\"signal\":\"SIGKILL\",\"core\":false}" \
	"{\"event\":\"ended\",\"pid\":$cmd,\"status\":3,\"processes\":1}" \
	>"$tmp/want"
bg=
diff -u "$tmp/want" "$tmp/out.s" >&2 || fail "$what: wrong JSON notices"
expect_err

"$SYMTRACE" --exit-with-command -- sh -c 'exit 4' 2>"$tmp/err"
st=$?
what="--exit-with-command, nothing left"
[ $st -eq 4 ] || fail "$what: exit $st, expected 4"
expect_err

# ---- 7. Bad command lines.
what="--exit-with-command -p"
"$SYMTRACE" --exit-with-command -p $$ >"$tmp/o" 2>"$tmp/err"
st=$?
[ $st -eq 125 ] || fail "$what: exit $st, expected 125"
expect_err "symtrace: --exit-with-command needs a COMMAND, not -p" \
	"Try 'symtrace --help' for more information."

check_no_leftovers
exit 0
