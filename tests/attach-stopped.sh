#!/bin/sh
# attach-stopped.sh - symtrace -p on a process stopped by SIGSTOP: it stays
# stopped while traced and after SIGINT detaches (state T, no link made);
# after SIGCONT it runs on, makes links, answers SIGUSR1, exits 7 on SIGTERM.
. "$TESTSRC/lib.sh"

skip_unless_ptrace

w=$tmp/w
mkdir "$w" && cd "$w" || fail "cannot set up $w"

# Kill what we started if a check fails half-way.
hpid='' spid=''
reap()
{
	_st=$?
	# shellcheck disable=SC2086
	[ -n "$spid$hpid" ] && kill -KILL $spid $hpid 2>/dev/null
	return $_st
}
trap 'reap; cleanup' EXIT

# wait_grep PATTERN FILE [TENTHS]: wait until FILE has a line matching
# the extended regex PATTERN.
wait_grep()
{
	_n=${3:-100}
	until grep -Eq "$1" "$2" 2>/dev/null; do
		_n=$((_n - 1))
		[ $_n -le 0 ] && return 1
		sleep 0.1
	done
}

# tracer_of PID: the TracerPid of PID.
tracer_of()
{
	sed -n 's/^TracerPid:[[:space:]]*//p' /proc/"$1"/status 2>/dev/null
}

# attach OPTS...: start "symtrace OPTS -p $hpid -o $tmp/out" in the
# background (spid) and wait until it traces $hpid.
attach()
{
	"$SYMTRACE" "$@" -p "$hpid" -o "$tmp/out" 2>"$tmp/err" &
	spid=$!
	_n=100
	until [ "$(tracer_of "$hpid")" = "$spid" ]; do
		_n=$((_n - 1))
		[ $_n -le 0 ] && { show stderr "$tmp/err"; fail "not attached"; }
		sleep 0.1
	done
}

# detach: SIGINT to symtrace, which must exit 0 and leave $hpid untraced.
detach()
{
	kill -INT "$spid"
	wait "$spid"
	_st=$?
	spid=
	[ $_st -eq 0 ] || { show stderr "$tmp/err"; fail "SIGINT: exit $_st"; }
	[ "$(tracer_of "$hpid")" = 0 ] || fail "still traced after detaching"
}

# wait_lines N: wait until symtrace has printed at least N lines.
wait_lines()
{
	_n=100
	while [ "$(grep -c . "$tmp/out" 2>/dev/null)" -lt "$1" ]; do
		_n=$((_n - 1))
		[ $_n -le 0 ] && {
			show output "$tmp/out"
			fail "fewer than $1 lines in 10 s"
		}
		sleep 0.1
	done
}

# finish STATUS: SIGTERM the helper, which must exit STATUS without having
# reported a failure.
finish()
{
	kill -TERM "$hpid"
	wait "$hpid"
	_st=$?
	hpid=
	grep -q '^FAIL' "$tmp/log" && { show log "$tmp/log"; fail "helper failed"; }
	[ $_st -eq "$1" ] ||
		{ show log "$tmp/log"; fail "helper exit $_st, expected $1"; }
}

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
