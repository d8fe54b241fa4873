#!/bin/sh
# attach-read.sh - symtrace -p on a process blocked in read(0): after
# SIGINT detaches, it is still blocked (no EINTR seen), answers SIGUSR1
# (SA_RESTART), then reads what we write, makes the link named after it
# and exits 5.  Also with a call made while attached (a first reader).
. "$TESTSRC/attach-lib.sh"

mkfifo "$tmp/fifo" || fail "mkfifo"

# start_reader: the helper reads from the fifo; fd 3 is our writing end.
start_reader()
{
	rm -f "$tmp/log"
	"$TESTBIN/attachee" reader <"$tmp/fifo" >"$tmp/log" 2>&1 &
	hpid=$!
	exec 3>"$tmp/fifo"
	wait_grep '^ready$' "$tmp/log" || fail "the reader did not start"
	# Wait until it sleeps in read.
	sleep 0.2
}

# 1. Attach, detach while it is blocked, then feed it.
start_reader
attach
sleep 0.3
detach
[ -s "$tmp/out" ] && { show output "$tmp/out"; fail "1: a call reported"; }
sleep 0.2
st=$(proc_state "$hpid")
[ "$st" = S ] || { show log "$tmp/log"; fail "1: state '$st', expected S"; }
kill -USR1 "$hpid"
wait_grep '^usr1$' "$tmp/log" || { show log "$tmp/log"; fail "1: no usr1"; }
echo first >&3
exec 3>&-
wait "$hpid"
st=$?
hpid=
printf 'ready\nusr1\nmade first\n' >"$tmp/want"
diff -u "$tmp/want" "$tmp/log" >&2 || fail "1: the reader's output differs"
[ $st -eq 5 ] || fail "1: reader exit $st, expected 5"
check_link "$w/first" read

# 2. Attach, feed it while attached: the call is reported, symtrace exits
# by itself when the reader has exited.
start_reader
attach -q
sleep 0.2
echo second >&3
exec 3>&-
wait "$hpid"
st=$?
hpid=
[ $st -eq 5 ] || { show log "$tmp/log"; fail "2: reader exit $st"; }
what=2
exits_alone
printf 'symlinkat("read", AT_FDCWD<%s>, "./second") = 0\n' "$w" >"$tmp/want"
diff -u "$tmp/want" "$tmp/out" >&2 || fail "2: wrong output"
printf 'ready\nmade second\n' >"$tmp/want"
diff -u "$tmp/want" "$tmp/log" >&2 || fail "2: the reader's output differs"
check_link "$w/second" read

cd "$tmp" || fail cd
check_no_leftovers
exit 0
