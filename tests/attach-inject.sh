#!/bin/sh
# attach-inject.sh - issue 19: -p injects the prefilter into a busy
# process of 4 threads (one blocked in read on a FIFO, one in a 3 s
# nanosleep, one calling getpid without pause, the main one in sigwait):
# every thread shows "Seccomp: 2", no thread sees EINTR or loses data
# (the read gets exactly what is written after the attach), the sleep
# lasts its full 3 s, every family call made after the attach is reported
# (exactly 10), the process's other calls no longer stop (the spinner's
# getpid: symtrace's CPU time), and after the detach the guarded calls
# fail with ENOSYS (deny mode: fail closed).  Then: a process with a
# seccomp filter of its own (both apply), one whose filter would kill
# it at the injected seccomp() and one whose filter can answer with user
# notifications (both left every-stop, with a warning), a process without
# CAP_SYS_ADMIN
# (no_new_privs is set, and said), trace mode without --prefilter
# (nothing installed) and with it.
. "$TESTSRC/attach-lib.sh"

DENY="deny target=/nonexistent/**"
mkfifo "$tmp/fifo" || fail mkfifo

# seccomp_of PID: the Seccomp: values of all its threads, one a line.
seccomp_of()
{
	for _s in /proc/"$1"/task/*/status; do
		sed -n 's/^Seccomp:[[:space:]]*//p' "$_s"
	done
}

# start [own|own-kill|own-notif] [PREFIX...]: the helper in the background.
start()
{
	_own=
	case ${1:-} in own*) _own=$1; shift ;; esac
	rm -f "$w"/m*
	# (Emptied here: the helper's own redirection comes later, and an
	# old "ready" must not be taken for its.)
	: >"$tmp/log"
	"$@" "$TESTBIN/attachee" inject "$w" "$tmp/fifo" $_own \
		>"$tmp/log" 2>&1 &
	hpid=$!
	wait_grep '^ready$' "$tmp/log" || { show log "$tmp/log"; fail \
		"${what:+$what: }helper not ready"; }
}

# round N RESULT: SIGUSR1 to the helper, which must print round N's result.
round()
{
	kill -USR1 "$hpid"
	wait_grep "^round $1: " "$tmp/log" || { show log "$tmp/log"; fail \
		"$what: no round $1"; }
	grep -qx "round $1: $2" "$tmp/log" || { show log "$tmp/log"; fail \
		"$what: round $1 is not $2"; }
}

# ---- 1. deny mode: injected by default ------------------------------------
what="deny mode"
start
attach -v -r "$DENY"
wait_grep "^symtrace: prefilter installed in process $hpid \\(4 threads\\)\$" \
	"$tmp/err" || { show stderr "$tmp/err"; fail "$what: no prefilter notice"; }
[ "$(seccomp_of "$hpid" | sort -u)" = 2 ] ||
	{ seccomp_of "$hpid" >&2; fail "$what: not every thread has Seccomp: 2"; }
[ "$(seccomp_of "$hpid" | wc -l)" -eq 4 ] || fail "$what: not 4 threads"
round 0 OK
grep -qx 'getpgid OK' "$tmp/log" || { show log "$tmp/log"; fail "$what: getpgid"; }
# Exactly the 10 calls of the round, each reported once.
wait_lines 10
sleep 0.3
# (-v: the sleeper's end is a line too.)
[ "$(grep -c 'symlinkat(' "$tmp/out")" -eq 10 ] || { show output "$tmp/out"; \
	fail "$what: not exactly 10 calls reported"; }
k=0
while [ $k -lt 10 ]; do
	grep -qx "\\[pid $hpid\\] symlinkat(\"inject\", AT_FDCWD<[^>]*>, \"$w/m0_$k\") = 0" \
		"$tmp/out" || { show output "$tmp/out"; fail "$what: m0_$k"; }
	check_link "$w/m0_$k" inject
	k=$((k + 1))
done
# The read gets what is written after the injection, whole.
printf 'after-attach\n' >"$tmp/fifo"
wait_grep '^read 13:after-attach$' "$tmp/log" ||
	{ show log "$tmp/log"; fail "$what: data not read"; }
# The sleep was not cut short.
wait_grep '^slept [0-9]*$' "$tmp/log" 50 ||
	{ show log "$tmp/log"; fail "$what: no end of the sleep"; }
ms=$(sed -n 's/^slept //p' "$tmp/log")
[ "$ms" -ge 3000 ] || fail "$what: slept $ms ms"
# The spinner's calls do not stop: symtrace stays nearly idle over 1 s.
t0=$(awk '{ print $14 + $15 }' /proc/"$spid"/stat)
sleep 1
t1=$(awk '{ print $14 + $15 }' /proc/"$spid"/stat)
[ $((t1 - t0)) -le 20 ] || fail "$what: symtrace used $((t1 - t0)) ticks in 1 s"
detach
[ "$(seccomp_of "$hpid" | sort -u)" = 2 ] || fail "$what: filter gone"
# After the detach the guarded calls fail closed; the rest works.
round 1 ENOSYS
[ "$(grep -c '^getpgid OK$' "$tmp/log")" -eq 2 ] ||
	{ show log "$tmp/log"; fail "$what: getpgid after detach"; }
printf 'after-detach\n' >"$tmp/fifo"
wait_grep '^read 13:after-detach$' "$tmp/log" ||
	{ show log "$tmp/log"; fail "$what: data not read after detach"; }
finish 7
grep -q 'EINTR\|nterrupted' "$tmp/log" && { show log "$tmp/log"; fail \
	"$what: EINTR seen"; }

# ---- 2. a filter of its own: both apply ------------------------------------
what="own filter"
start own
attach -v -r "$DENY"
wait_grep "^symtrace: prefilter installed in process $hpid " "$tmp/err" ||
	{ show stderr "$tmp/err"; fail "$what: no prefilter notice"; }
for s in /proc/"$hpid"/task/*/status; do
	grep -qx 'Seccomp_filters:[[:space:]]*2' "$s" ||
		{ cat "$s" >&2; fail "$what: not 2 filters in $s"; }
done
round 0 OK
grep -qx 'getpgid EXDEV' "$tmp/log" || { show log "$tmp/log"; fail \
	"$what: its own filter no longer applies"; }
wait_lines 10
detach
round 1 ENOSYS
finish 7

# ---- 2b. own filters that forbid the injection: every-stop, said ---------
# One that would kill the process at seccomp(): the injected call would.
# One that answers a call with user notifications: they outrank the
# prefilter's SECCOMP_RET_TRACE, so a family call it answered would never
# stop for symtrace.  Both processes stay traced at every call (their
# calls reported), keep their one filter, and work on after the detach.
for kind in own-kill own-notif; do
	what="$kind"
	start "$kind"
	attach -v -r "$DENY"
	case $kind in
	own-kill) why="its own seccomp filter would kill it (or send SIGSYS) for seccomp()" ;;
	*) why="it has a seccomp filter of its own that can answer with user notifications, which outrank the prefilter's" ;;
	esac
	wait_grep "^symtrace: cannot install the prefilter in process $hpid: " \
		"$tmp/err" || { show stderr "$tmp/err"; fail "$what: no warning"; }
	grep -qx "symtrace: cannot install the prefilter in process $hpid: $why; every system call of it stops (slower)" \
		"$tmp/err" || { show stderr "$tmp/err"; fail "$what: wrong warning"; }
	round 0 OK
	wait_lines 10
	for s in /proc/"$hpid"/task/*/status; do
		grep -qx 'Seccomp_filters:[[:space:]]*1' "$s" ||
			{ cat "$s" >&2; fail "$what: not 1 filter in $s"; }
	done
	detach
	round 1 OK
	finish 7
done

# ---- 3. without CAP_SYS_ADMIN: no_new_privs ---------------------------------
what="no CAP_SYS_ADMIN"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	chmod 777 "$w" "$tmp"
	chmod 666 "$tmp/fifo"
	start setpriv --reuid=65534 --regid=65534 --clear-groups
	grep -q '^NoNewPrivs:[[:space:]]*0' /proc/"$hpid"/status ||
		fail "$what: no_new_privs set before"
	attach -v -r "$DENY"
	wait_grep "^symtrace: prefilter installed in process $hpid " \
		"$tmp/err" || { show stderr "$tmp/err"; fail "$what: no notice"; }
	grep -qx "symtrace: process $hpid lacks CAP_SYS_ADMIN: no_new_privs set for the prefilter (set-id programs it runs lose their privileges)" \
		"$tmp/err" || { show stderr "$tmp/err"; fail "$what: no_new_privs not said"; }
	for s in /proc/"$hpid"/task/*/status; do
		grep -q '^NoNewPrivs:[[:space:]]*1' "$s" ||
			fail "$what: no_new_privs not in $s"
	done
	[ "$(seccomp_of "$hpid" | sort -u)" = 2 ] || fail "$what: Seccomp"
	round 0 OK
	wait_lines 10
	detach
	finish 7
fi

# ---- 3b. children forked after the injection inherit the filter --------------
# (attachee forker: a child every 100 ms, one link each.)  Each child's
# call is reported; the filter is found inherited (our program among its
# filters, PTRACE_SECCOMP_GET_FILTER as root): injected once, into the
# parent only.
what="forks"
: >"$tmp/log"
"$TESTBIN/attachee" forker "$w" >"$tmp/log" 2>&1 &
hpid=$!
wait_grep '^c1 ' "$tmp/log" || { show log "$tmp/log"; fail "$what: no child"; }
attach -v -r "$DENY"
wait_grep "^symtrace: prefilter installed in process $hpid " "$tmp/err" ||
	{ show stderr "$tmp/err"; fail "$what: no prefilter notice"; }
n0=$(grep -c '^c' "$tmp/log")
wait_grep "^c$((n0 + 5)) " "$tmp/log" || { show log "$tmp/log"; fail "$what: no 5 more children"; }
for k in 1 2 3 4; do
	c=$(sed -n "s/^c$((n0 + k)) \\([0-9]*\\) 0\$/\\1/p" "$tmp/log")
	[ -n "$c" ] || { show log "$tmp/log"; fail "$what: c$((n0 + k)) failed"; }
	grep -qx "\\[pid $c\\] symlinkat(\"child\", AT_FDCWD<[^>]*>, \"$w/c$((n0 + k))\") = 0" \
		"$tmp/out" || { show output "$tmp/out"; fail "$what: c$((n0 + k)) not reported"; }
done
[ "$(id -u)" = 0 ] && [ "$(grep -c 'prefilter installed' "$tmp/err")" -ne 1 ] &&
	{ show stderr "$tmp/err"; fail "$what: injected more than once"; }
detach
finish 7

# ---- 4. trace mode: nothing unless --prefilter ------------------------------
what="trace mode"
start
attach
wait_grep "^symtrace: attached to process $hpid " "$tmp/err"
round 0 OK
wait_lines 10
[ "$(seccomp_of "$hpid" | sort -u)" = 0 ] || fail "$what: a filter installed"
grep -q prefilter "$tmp/err" && { show stderr "$tmp/err"; fail "$what: notice"; }
detach
round 1 OK
finish 7

what="trace mode --prefilter"
start
attach -v --prefilter
wait_grep "^symtrace: prefilter installed in process $hpid \\(4 threads\\)\$" \
	"$tmp/err" || { show stderr "$tmp/err"; fail "$what: no prefilter notice"; }
round 0 OK
wait_lines 10
[ "$(grep -c ' = 0$' "$tmp/out")" -eq 10 ] || { show output "$tmp/out"; fail \
	"$what: not 10 calls"; }
detach
round 1 ENOSYS
finish 7

what="deny mode --no-prefilter"
start
attach -r "$DENY" --no-prefilter
round 0 OK
wait_lines 10
[ "$(seccomp_of "$hpid" | sort -u)" = 0 ] || fail "$what: a filter installed"
detach
round 1 OK
finish 7

cd "$tmp" || fail cd
check_no_leftovers
exit 0
