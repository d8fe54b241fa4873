#!/bin/sh
# attach.sh - symtrace -p on a running single-threaded process that creates
# a link every 50 ms: the lines printed while attached are exactly the
# links it created meanwhile (contiguous, none twice, no [pid N] prefix for
# a single task), the attached/detached notices are on stderr (not with
# -q), SIGINT detaches and exits 0, and the process then runs on: its links
# still succeed (not ENOSYS), it answers SIGUSR1 and exits 7 on SIGTERM.
# When every attached process has exited, symtrace exits 0 by itself.
. "$TESTSRC/attach-lib.sh"

# last_link LOG: the highest N of the "lN" lines the helper printed.
last_link()
{
	sed -n 's/^l\([0-9][0-9]*\)$/\1/p' "$1" | tail -n 1
}

# run_once OPTS: attach with OPTS to a fresh "attachee loop", let it make
# at least 10 links while attached, detach with SIGINT, check the output,
# then check the process still works.
run_once()
{
	what="symtrace $* -p"
	log=$tmp/log out=$tmp/out err=$tmp/err
	rm -f "$w"/l* "$log" "$out" "$err"
	"$TESTBIN/attachee" loop "$w" >"$log" 2>&1 &
	hpid=$!
	wait_for_file "$log" || fail "the helper did not start"
	before=$(last_link "$log")

	attach "$@"
	# Let it make at least 10 links while traced.
	wait_lines 10
	detach

	# Notices: exactly these two, unless -q.
	case " $* " in
	*" -q "* | *" --quiet "*)
		[ -s "$err" ] && { show stderr "$err"; fail "$what: stderr"; }
		;;
	*)
		printf 'symtrace: attached to process %d (1 thread)\n%s\n' \
			"$hpid" "symtrace: detached from 1 task" >"$tmp/want"
		diff -u "$tmp/want" "$err" >&2 || fail "$what: notices differ"
		;;
	esac

	# Every line is one of the helper's links, in order, none missing
	# and none twice, made after the attach began; no [pid N] prefix.
	first=$(sed -n '1s/.*\/l\([0-9]*\)") = 0$/\1/p' "$out")
	[ -n "$first" ] || { show output "$out"; fail "$what: bad first line"; }
	[ "$first" -gt "${before:--1}" ] ||
		fail "$what: l$first was made before attaching (l$before)"
	i=$first
	: >"$tmp/want"
	lines=$(grep -c . "$out")
	while [ $i -lt $((first + lines)) ]; do
		printf 'symlinkat("loop", AT_FDCWD<%s>, "%s/l%d") = 0\n' \
			"$w" "$w" $i >>"$tmp/want"
		i=$((i + 1))
	done
	diff -u "$tmp/want" "$out" >&2 ||
		fail "$what: the lines are not the links made while attached"
	last=$((first + lines - 1))
	grep -qx "l$last" "$log" || fail "$what: the helper did not make l$last"

	# It runs on: two more links, made successfully.
	wait_grep "^l$((last + 2))\$" "$log" ||
		{ show log "$log"; fail "$what: no link made after detaching"; }
	check_link "$w/l$((last + 1))" loop
	check_link "$w/l$((last + 2))" loop
	[ "$(wc -l <"$out")" -eq "$lines" ] ||
		fail "$what: output grew after symtrace exited"
	# It answers a signal and exits with its usual status.
	kill -USR1 "$hpid"
	wait_grep '^usr1 1$' "$log" ||
		{ show log "$log"; fail "$what: SIGUSR1 not seen after detach"; }
	kill -TERM "$hpid"
	wait "$hpid"
	st=$?
	hpid=
	[ $st -eq 7 ] || { show log "$log"; fail "$what: helper exit $st"; }
	grep -q '^FAIL' "$log" && { show log "$log"; fail "$what: helper failed"; }
	grep -qx "term usr1=1 links=[0-9]*" "$log" ||
		{ show log "$log"; fail "$what: bad last line"; }
}

run_once
run_once -q
run_once --quiet

# A process that keeps symtrace busy (attach mode stops at every syscall:
# symtrace never goes idle) must not have its lines held back in -o's
# buffer: each reaches the file within OBUF_MAX_AGE_US (0.2 s) of the next
# stop.  The links are 100 ms apart, 40 bytes a line: 32 KiB (the size
# flush) would take over a minute.  The first line of a link made after the
# attach must be in the file within 3 s, while symtrace still runs.
rm -f "$w"/b* "$tmp/log"
log=$tmp/log
"$TESTBIN/attachee" busy "$w" >"$log" 2>&1 &
hpid=$!
wait_for_file "$log" || fail "busy: the helper did not start"
before=$(sed -n 's/^b\([0-9]*\)$/\1/p' "$log" | tail -n 1)
attach -q
wait_grep "^b$((before + 3))\$" "$log" ||
	{ show log "$log"; fail "busy: no progress while attached"; }
n=30
until grep -q '^symlinkat("busy", AT_FDCWD<' "$tmp/out" 2>/dev/null; do
	n=$((n - 1))
	[ $n -le 0 ] && fail "busy: no line in -o within 3 s while attached"
	sleep 0.1
done
kill -0 "$spid" || fail "busy: symtrace is gone"
detach
finish 7
# Every line is one of its links, each made after the attach began.
grep -v '^symlinkat("busy", AT_FDCWD<[^>]*>, "[^"]*/b[0-9]*") = 0$' \
	"$tmp/out" >"$tmp/bad"
[ -s "$tmp/bad" ] && { show bad "$tmp/bad"; fail "busy: unexpected lines"; }
first=$(sed -n '1s/.*\/b\([0-9]*\)") = 0$/\1/p' "$tmp/out")
[ "$first" -gt "${before:--1}" ] ||
	fail "busy: b$first was made before attaching (b$before)"
echo "busy process: lines reach -o while attached: ok" >&2

# symtrace exits 0 by itself when every attached process has exited.
log=$tmp/log
rm -f "$w"/l* "$log"
"$TESTBIN/attachee" loop "$w" >"$log" 2>&1 &
hpid=$!
wait_for_file "$log" || fail "the helper did not start"
"$SYMTRACE" -v -p "$hpid" -o "$tmp/out" 2>"$tmp/err" &
spid=$!
wait_grep "^symtrace: attached to process $hpid " "$tmp/err" ||
	{ show stderr "$tmp/err"; fail "exit: not attached"; }
wait_for_file "$tmp/out" || fail "exit: no line while attached"
kill -TERM "$hpid"
wait "$hpid"
st=$?
hpid=
[ $st -eq 7 ] || fail "exit: helper exit $st, expected 7"
what=exit
exits_alone
[ "$(tail -n 1 "$tmp/out")" = "+++ exited with 7 +++" ] ||
	{ show output "$tmp/out"; fail "exit: no '+++ exited with 7 +++'"; }

cd "$tmp" || fail cd
check_no_leftovers
exit 0
