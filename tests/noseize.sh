#!/bin/sh
# noseize.sh - the PTRACE_ATTACH/TRACEME back end (kernels before 3.4)
# forced on this kernel with SYMTRACE_NO_SEIZE=1: silent (no notice: the
# kernel has PTRACE_SEIZE), -p refuses a stopped process with its reason
# and leaves it stopped and untraced, 20 attach/detach cycles on a process
# that forks all the time leave no child stopped, and a set of integration
# tests pass with it: forks, threads, signals (section 3 expects the documented
# difference: a SIGSTOP does not keep the command stopped; Ctrl-Z and fg
# work), attach (a call reported, detached on SIGINT, the process lives
# on), attach-threads, attach-fork, attach-tree, attach-signals,
# deny-basic, exitstatus.  tests/kernels.sh runs the levels without
# PTRACE_SEIZE through the simulator.
TEST_TIMEOUT=${TEST_TIMEOUT:-600}
. "$TESTSRC/lib.sh"

skip_unless_ptrace

SYMTRACE_NO_SEIZE=1
export SYMTRACE_NO_SEIZE

# ---- silent: a test knob, not a missing feature ----
"$SYMTRACE" -- true >"$tmp/out" 2>&1
st=$?
[ $st -eq 0 ] || { show out "$tmp/out"; fail "true: exit status $st"; }
[ -s "$tmp/out" ] && { show out "$tmp/out"; fail "true: said something"; }

# ---- -p of a stopped process: refused, left stopped, untraced ----
stopped_sleep
"$SYMTRACE" -q -p $zpid >"$tmp/out" 2>"$tmp/err"
st=$?
cat >"$tmp/want" <<EOT
symtrace: cannot attach to $zpid: it is stopped (job control), and without PTRACE_SEIZE (Linux 3.4) attaching would make it run; continue it (kill -CONT) and attach again
symtrace: no process could be attached
EOT
diff -u "$tmp/want" "$tmp/err" >&2 || { kill -9 $zpid; fail "-p stopped: stderr"; }
[ $st -eq 125 ] || { kill -9 $zpid; fail "-p stopped: exit status $st"; }
s=$(proc_state $zpid)
tr=$(sed -n 's/^TracerPid:[[:space:]]*//p' /proc/$zpid/status)
kill -9 $zpid
wait $zpid 2>/dev/null
[ "$s" = T ] || fail "-p stopped: the process is in state $s"
[ "$tr" = 0 ] || fail "-p stopped: the process is traced by $tr"

# ---- detach while children are forked: none is left stopped ----
# A child whose parent's fork event was seen but whose first stop was not
# is traced, not yet in the table: symtrace used to exit without waiting
# for it, and its pending start SIGSTOP then stopped it for good (found
# about once in 30 cycles here; with the fix removed this section failed
# in 1 of 3 runs: a probabilistic check).
mkdir "$tmp/f" || fail "mkdir"
"$TESTBIN/attachee" forker "$tmp/f" >"$tmp/flog" 2>&1 &
fpid=$!
c=0
while [ $c -lt 20 ]; do
	c=$((c + 1))
	"$SYMTRACE" -q -o /dev/null -p $fpid 2>"$tmp/err" &
	spid=$!
	i=0
	until [ "$(sed -n 's/^TracerPid:[[:space:]]*//p' /proc/$fpid/status)" = $spid ]
	do
		i=$((i + 1))
		[ $i -gt 100 ] && { kill -9 $fpid $spid; fail "forker: not attached"; }
		sleep 0.02
	done
	sleep 0.$((c % 3 + 1))
	kill -INT $spid
	wait $spid
	st=$?
	[ $st -eq 0 ] || { kill -9 $fpid; show stderr "$tmp/err"; fail "forker: cycle $c: exit status $st"; }
	n=$(wc -l <"$tmp/flog")
	i=0
	until [ "$(wc -l <"$tmp/flog")" -ge $((n + 2)) ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && {
			ps -o pid,stat,comm --ppid $fpid >&2
			kill -9 $fpid
			fail "forker: cycle $c: no child made after the detach"
		}
		sleep 0.02
	done
done
kill -TERM $fpid
wait $fpid
st=$?
[ $st -eq 7 ] || fail "forker: exit status $st"
grep -v -e '^c[0-9]* [0-9]* 0$' -e '^term$' "$tmp/flog" >&2 &&
	fail "forker: a child failed"

# ---- the integration tests with the back end ----
for t in forks threads signals attach attach-threads attach-fork \
	attach-tree attach-signals deny-basic exitstatus; do
	# (Bounded and in a process group of its own, as under make check:
	# its check_no_leftovers looks at that group.)
	env -u SYMTRACE_TEST_BOUNDED TEST_TIMEOUT=120 /bin/sh \
		"$TESTSRC/$t.sh" >"$tmp/log" 2>&1
	st=$?
	[ $st -eq 77 ] && { echo "$t.sh skipped: $(tail -n 1 "$tmp/log")" >&2; continue; }
	[ $st -eq 0 ] || { show "$t.sh" "$tmp/log"; fail "$t.sh: exit status $st"; }
done
exit 0
