#!/bin/sh
# stress.sh - 64 processes x 8 threads creating, racing (EEXIST) and
# removing links, forking, vforking, exec'ing (/bin/true and the helper
# itself), double-forking daemons, and victims killed by SIGKILL while they
# make calls (tests/stress.c, mode "run").  Every task counts its own calls
# (failures included) in a tally file; symtrace must report exactly that
# many calls, per task, exit with the workload's status, and leave no task
# stopped or zombie.  Run in trace mode and in deny mode (-r: every call
# freezes all the other tasks).
#
# Sizes: STRESS_NCALLS (calls per thread, default 300) in trace mode,
# STRESS_DENY_NCALLS (default 40) in deny mode; STRESS_LIMIT seconds per run
# (default 120) before the run counts as hung.  The workload alone is
# heavy and its time varies: without symtrace, 22 s wall (40 s of system
# time) on the 2-vCPU test machine; traced, 14 to 45 s in ten runs.
: "${TEST_TIMEOUT:=300}"
export TEST_TIMEOUT
. "$TESTSRC/lib.sh"

skip_unless_ptrace

nproc=64
nthr=8
limit=${STRESS_LIMIT:-120}

# Kill what a hung run left behind (by pid: the processes of this test
# whose command line names our directory).
kill_ours()
{
	for _d in /proc/[0-9]*; do
		_p=${_d#/proc/}
		[ "$_p" = $$ ] && continue
		tr "\\0" " " 2>/dev/null <"$_d/cmdline" | grep -qF "$tmp/" &&
			kill -9 "$_p" 2>/dev/null
	done
	sleep 1
}

# check_counts WHAT OUT TALLY: symtrace's lines per tid equal the tally.
check_counts()
{
	awk -v what="$1" '
	FILENAME == ARGV[1] {
		if (NF != 2 || $1 !~ /^[0-9]+$/ || $2 !~ /^[0-9]+$/) {
			print what ": bad tally line: " $0; bad = 1; next
		}
		want[$1] += $2; total += $2; next
	}
	{
		tid = "main"
		rest = $0
		if (match($0, /^\[pid [0-9]+\] /)) {
			tid = substr($0, 6, RLENGTH - 7)
			rest = substr($0, RLENGTH + 1)
		}
		if (rest !~ /^symlink(at)?\(/) {
			print what ": unexpected line: " $0; bad = 1; next
		}
		if (rest ~ /\) = \?$/) unfinished++
		got[tid]++; lines++
	}
	END {
		for (t in want)
			if (got[t] != want[t]) {
				if (nbad++ < 20)
					print what ": tid " t ": tally " want[t] \
					    ", reported " got[t] + 0
				bad = 1
			}
		for (t in got)
			if (!(t in want)) {
				if (nbad++ < 20)
					print what ": tid " t ": reported " \
					    got[t] ", not in the tally"
				bad = 1
			}
		printf "%s: tally %d, reported %d (%d unfinished \"= ?\")\n",
		    what, total, lines, unfinished
		if (total != lines || total == 0) bad = 1
		exit bad
	}' "$3" "$2"
}

run_stress()
{
	what=$1 ncalls=$2
	shift 2
	d=$tmp/d.$what
	rm -rf "$d" && mkdir "$d" || fail "cannot create $d"
	t0=$(date +%s)
	# shellcheck disable=SC2086 # the options are a list
	timeout -k 5 "$limit" "$SYMTRACE" "$@" -o "$tmp/out.$what" -- \
		"$TESTBIN/stress" run $nproc $nthr "$ncalls" "$d" "$d/tally" \
		$deny >"$tmp/stdout.$what" 2>"$tmp/err.$what"
	st=$?
	t1=$(date +%s)
	echo "$what: $((t1 - t0)) s, exit status $st" >&2
	if [ $st -eq 124 ] || [ $st -eq 137 ]; then
		lines=$(grep -c '^\[pid' "$tmp/out.$what")
		calls=$(awk '{ s += $2 } END { print s + 0 }' "$d/tally")
		kill_ours
		show stderr "$tmp/err.$what"
		fail "$what: symtrace did not finish within $limit s" \
			"($nproc x $nthr x $ncalls calls; $lines lines" \
			"reported, $calls calls tallied so far)"
	fi
	wst=$(cat "$d/status" 2>/dev/null)
	if [ -s "$tmp/err.$what" ]; then
		show stderr "$tmp/err.$what"
		fail "$what: output on stderr (symtrace or workload)"
	fi
	[ "$wst" = 3 ] || fail "$what: the workload failed (status '$wst')"
	[ $st -eq "$wst" ] ||
		fail "$what: symtrace exited $st, the workload $wst"
	check_counts "$what" "$tmp/out.$what" "$d/tally" >"$tmp/check" || {
		cat "$tmp/check" >&2
		fail "$what: reported calls differ from the tally"
	}
	cat "$tmp/check" >&2
	# The racing pairs and children clean up after themselves.
	for w in "$d"/w*; do
		[ -z "$(ls -A "$w")" ] || fail "$what: links left in $w"
	done
}

deny=
run_stress trace "${STRESS_NCALLS:-300}"
check_no_leftovers

# Deny mode: calls with target /nonexistent/x are denied (the workload
# checks it gets EPERM), all others allowed.
deny=deny
run_stress deny "${STRESS_DENY_NCALLS:-40}" -r 'deny target=/nonexistent/**'
grep '"/nonexistent/x"' "$tmp/out.deny" | grep -v \
	'= -1 EPERM (Operation not permitted) <denied rule -r 1>$' |
	head -5 >"$tmp/bad"
[ -s "$tmp/bad" ] && { cat "$tmp/bad" >&2; fail "deny: not denied"; }
grep '^\[pid [0-9]*\] symlink.*("t"' "$tmp/out.deny" | grep denied |
	head -5 >"$tmp/bad"
[ -s "$tmp/bad" ] && { cat "$tmp/bad" >&2; fail "deny: wrongly denied"; }
check_no_leftovers
exit 0
