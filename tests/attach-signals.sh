#!/bin/sh
# attach-signals.sh - signals sent to an attached process are delivered
# exactly once: 10 SIGUSR1 while attached are counted 10 times; a SIGUSR1
# sent just before symtrace detaches (on SIGINT, SIGTERM or SIGHUP, each of
# which must make it detach and exit 0) is neither lost nor doubled; after
# detaching the process still answers signals and exits 7 on SIGTERM.
. "$TESTSRC/attach-lib.sh"

# count: the number of SIGUSR1 the helper has reported.
count()
{
	_c=$(sed -n 's/^usr1 \([0-9]*\)$/\1/p' "$tmp/log" | tail -n 1)
	echo "${_c:-0}"
}

# expect_count N: the count reaches N and, a while later, is still N.
expect_count()
{
	wait_grep "^usr1 $1\$" "$tmp/log" ||
		{ show log "$tmp/log"; fail "$what: SIGUSR1 count $(count), expected $1"; }
	sleep 0.3
	[ "$(count)" -eq "$1" ] ||
		{ show log "$tmp/log"; fail "$what: SIGUSR1 count $(count), expected $1"; }
}

"$TESTBIN/attachee" loop "$w" >"$tmp/log" 2>&1 &
hpid=$!
wait_for_file "$tmp/log" || fail "the helper did not start"

what="10 x SIGUSR1 while attached"
attach
wait_lines 1
k=1
while [ $k -le 10 ]; do
	kill -USR1 "$hpid"
	wait_grep "^usr1 $k\$" "$tmp/log" ||
		{ show log "$tmp/log"; fail "$what: SIGUSR1 number $k not seen"; }
	sleep 0.05
	k=$((k + 1))
done
detach
expect_count 10
[ "$(grep -c '^symlinkat(.*) = 0$' "$tmp/out")" -eq "$(grep -c . "$tmp/out")" ] ||
	{ show output "$tmp/out"; fail "$what: a call did not succeed"; }

# A signal sent right before the detach request.
n=10
for sig in INT TERM HUP INT TERM HUP; do
	what="SIGUSR1 just before SIG$sig to symtrace"
	attach -q
	wait_lines 1
	kill -USR1 "$hpid"
	kill -"$sig" "$spid"
	wait "$spid"
	st=$?
	spid=
	[ $st -eq 0 ] || { show stderr "$tmp/err"; fail "$what: exit $st"; }
	[ "$(tracer_of "$hpid")" = 0 ] || fail "$what: still traced"
	n=$((n + 1))
	expect_count $n
	rm -f "$tmp/out"
done

# Untraced now: it still answers, and exits with its usual status.
what="after detaching"
kill -USR1 "$hpid"
expect_count $((n + 1))
last=$(sed -n 's/^l\([0-9]*\)$/\1/p' "$tmp/log" | tail -n 1)
wait_grep "^l$((last + 2))\$" "$tmp/log" || fail "$what: no more links"
check_link "$w/l$((last + 1))" loop
finish 7
grep -qx "term usr1=$((n + 1)) links=[0-9]*" "$tmp/log" ||
	{ show log "$tmp/log"; fail "bad last line"; }

cd "$tmp" || fail cd
check_no_leftovers
exit 0
