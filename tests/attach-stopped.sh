#!/bin/sh
# attach-stopped.sh - symtrace -p on a process stopped by SIGSTOP: it stays
# stopped while traced and after SIGINT detaches (state T, no link made);
# after SIGCONT it runs on, makes links, answers SIGUSR1, exits 7 on SIGTERM.
. "$TESTSRC/attach-lib.sh"

# state_is PID LETTER [TENTHS]: wait until PID's state is LETTER.
state_is()
{
	_n=${3:-50}
	until [ "$(proc_state "$1")" = "$2" ]; do
		_n=$((_n - 1))
		[ $_n -le 0 ] && return 1
		sleep 0.1
	done
}

"$TESTBIN/attachee" loop "$w" >"$tmp/log" 2>&1 &
hpid=$!
wait_for_file "$tmp/log" || fail "the helper did not start"
kill -STOP "$hpid"
state_is "$hpid" T || fail "not stopped by SIGSTOP: $(proc_state "$hpid")"
sleep 0.1
lines=$(wc -l <"$tmp/log")

attach
sleep 0.5
[ -s "$tmp/out" ] && { show output "$tmp/out"; fail "it ran while attached"; }
detach
[ -s "$tmp/out" ] && { show output "$tmp/out"; fail "it ran while attached"; }
grep -qx "symtrace: attached to process $hpid (1 thread)" "$tmp/err" &&
	grep -qx "symtrace: detached from 1 task" "$tmp/err" ||
	{ show stderr "$tmp/err"; fail "bad notices"; }
# Still stopped, a while later.
sleep 0.5
st=$(proc_state "$hpid")
[ "$st" = T ] || fail "state '$st' after detaching, expected T (stopped)"
[ "$(wc -l <"$tmp/log")" -eq "$lines" ] ||
	{ show log "$tmp/log"; fail "it ran after detaching, before SIGCONT"; }

# Attach and detach once more with -q, while stopped: same.
attach -q
sleep 0.2
detach
[ -s "$tmp/err" ] && { show stderr "$tmp/err"; fail "-q: stderr"; }
sleep 0.3
st=$(proc_state "$hpid")
[ "$st" = T ] || fail "state '$st' after the 2nd detach, expected T"

kill -CONT "$hpid"
last=$(sed -n 's/^l\([0-9]*\)$/\1/p' "$tmp/log" | tail -n 1)
wait_grep "^l$((last + 3))\$" "$tmp/log" ||
	{ show log "$tmp/log"; fail "no links after SIGCONT"; }
check_link "$w/l$((last + 1))" loop
kill -USR1 "$hpid"
wait_grep '^usr1 1$' "$tmp/log" ||
	{ show log "$tmp/log"; fail "SIGUSR1 not seen after SIGCONT"; }
finish 7
grep -qx 'term usr1=1 links=[0-9]*' "$tmp/log" ||
	{ show log "$tmp/log"; fail "bad last line"; }

cd "$tmp" || fail cd
check_no_leftovers
exit 0
