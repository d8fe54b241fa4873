#!/bin/sh
# bench/run.sh - symtrace's benchmark: native, mintrace (the floor), symtrace
# and strace in alternation, medians and the ratios of issues 7 and 14.
#
# usage: [SYMTRACE=path/to/symtrace] [ROUNDS=5] [QUICK=1] sh bench/run.sh
#
# Environment:
#   SYMTRACE   the symtrace binary (default: the first of ./src/symtrace,
#              ../src/symtrace)
#   ROUNDS     measured rounds per scenario after one warm-up round (5)
#   QUICK=1    smaller workloads and 3 rounds unless ROUNDS is set,
#              ~1 minute instead of ~6
#   CC         the compiler for the workloads (cc)
#   BENCH_BIN  where to build the workloads (bench/bin, or a temporary
#              directory if that is not writable)
#   BENCH_DIR  where the workloads make their links (default: a fresh
#              directory in /dev/shm if it is tmpfs, else in /tmp)
#   STRACE     the strace binary (strace; empty or missing: skipped)
#
# Every run is timed by bench/timeit (CLOCK_MONOTONIC around fork/exec/
# wait4); its rusage is the child's plus that of the descendants it waited
# for, so for "timeit symtrace CMD" the CPU time includes the traced
# command's and the peak RSS is the larger of the two (upper bounds of
# symtrace's own).
set -eu

LC_ALL=C
export LC_ALL

benchdir=$(cd "$(dirname "$0")" && pwd)
ROUNDS_GIVEN=${ROUNDS:-}
ROUNDS=${ROUNDS:-5}
QUICK=${QUICK:-0}
CC=${CC:-cc}
STRACE=${STRACE-strace}

die() {
	echo "bench: $*" >&2
	exit 1
}

# ---- symtrace -------------------------------------------------------------
if [ -z "${SYMTRACE:-}" ]; then
	for c in ./src/symtrace ../src/symtrace; do
		if [ -x "$c" ]; then
			SYMTRACE=$c
			break
		fi
	done
fi
[ -n "${SYMTRACE:-}" ] ||
	die "no symtrace: build it (make src/symtrace) and run from the build" \
	    "directory, or set SYMTRACE=/path/to/symtrace"
[ -x "$SYMTRACE" ] || die "SYMTRACE=$SYMTRACE is not an executable file"
SYMTRACE=$(cd "$(dirname "$SYMTRACE")" && pwd)/$(basename "$SYMTRACE")

if [ -n "$STRACE" ] && command -v "$STRACE" >/dev/null 2>&1; then
	STRACE=$(command -v "$STRACE")
else
	STRACE=
fi

# ---- sizes ----------------------------------------------------------------
if [ "$QUICK" = 1 ]; then
	N_GETPPID=500000 N_STAT=50000
	N_SYMLINK=10000 N_DENY=5000 N_FORK=300
	N_SYSCALLS=25000 N_TAR=5000 N_TARREG=5000 IDLE_SECS=2
	ROUNDS=${ROUNDS_GIVEN:-3}
else
	N_GETPPID=2000000 N_STAT=200000
	N_SYMLINK=50000 N_DENY=20000 N_FORK=1000
	N_SYSCALLS=100000 N_TAR=5000 N_TARREG=5000 IDLE_SECS=5
fi
# Rounds of the scenarios whose target ratio lies within the machine's
# run-to-run noise of its limit (see README.md, "Rounds"): nosym, symlink,
# every and deny-floor 3 x ROUNDS, fork and tar-reg 6 x ROUNDS (their runs
# are short); nosym adds mintrace/symtrace pairs up to 12 x ROUNDS in all.
NOSYM_ROUNDS=$((3 * ROUNDS))
NOSYM_PAIRS=$((12 * ROUNDS))
FORK_ROUNDS=$((6 * ROUNDS))
MT_THREADS=4

# ---- build ----------------------------------------------------------------
BIN=${BENCH_BIN:-$benchdir/bin}
tmpbin=
if ! mkdir -p "$BIN" 2>/dev/null || ! [ -w "$BIN" ]; then
	tmpbin=$(mktemp -d "${TMPDIR:-/tmp}/symtrace-bench-bin.XXXXXX")
	BIN=$tmpbin
fi
for w in timeit mintrace w_nosym w_syscalls w_symlink w_fork attachrun; do
	$CC -O2 -o "$BIN/$w" "$benchdir/$w.c" || die "cannot build $w"
done
# proccost times the PROCMAP_QUERY call as symtrace declares it.
$CC -O2 -I "$benchdir/../src" -o "$BIN/proccost" "$benchdir/proccost.c" ||
	die "cannot build proccost"
$CC -O2 -pthread -o "$BIN/w_symlink_mt" "$benchdir/w_symlink_mt.c" ||
	die "cannot build w_symlink_mt"
TIMEIT=$BIN/timeit

# ---- scratch directory ----------------------------------------------------
fstype() { stat -f -c %T "$1" 2>/dev/null || echo unknown; }
if [ -n "${BENCH_DIR:-}" ]; then
	base=$BENCH_DIR
elif [ -d /dev/shm ] && [ -w /dev/shm ] &&
	[ "$(fstype /dev/shm)" = tmpfs ]; then
	base=/dev/shm
else
	base=${TMPDIR:-/tmp}
fi
work=$(mktemp -d "$base/symtrace-bench.XXXXXX")
cleanup() {
	rm -rf "$work"
	[ -z "$tmpbin" ] || rm -rf "$tmpbin"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
LINKDIR=$work/links
mkdir "$LINKDIR"
results=$work/results
: >"$results"

# ---- header ---------------------------------------------------------------
cpu=$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo | head -n 1)
echo "# symtrace benchmark"
echo "machine:  $(nproc) CPUs, ${cpu:-unknown CPU}, Linux $(uname -r)" \
     "($(uname -m))"
echo "symtrace: $SYMTRACE ($("$SYMTRACE" --version 2>/dev/null | head -n 1))"
if [ -n "$STRACE" ]; then
	echo "strace:   $STRACE ($("$STRACE" -V 2>/dev/null | head -n 1))"
else
	echo "strace:   not installed: its columns and ratios are skipped"
fi
echo "compiler: $CC ($($CC --version 2>/dev/null | head -n 1))"
# cpu_ticks: "total steal" jiffies of all CPUs so far, from /proc/stat.
cpu_ticks() {
	awk '$1 == "cpu" { t = 0; for (i = 2; i <= NF; i++) t += $i; print t, $9 }' \
		/proc/stat 2>/dev/null
}
ticks_start=$(cpu_ticks)
echo "load:     $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min, at start;" \
     "other work on the machine skews the times)"
echo "scratch:  $LINKDIR ($(fstype "$LINKDIR"))"
[ "$(fstype "$LINKDIR")" = tmpfs ] ||
	echo "          (not tmpfs: filesystem costs are part of the times)"
echo "rounds:   1 warm-up + $ROUNDS measured, tools in alternation" \
     "$( [ "$QUICK" = 1 ] && echo '(QUICK=1)')"
echo "          (nosym, symlink, every, deny-floor $NOSYM_ROUNDS;" \
     "fork, tar-reg $FORK_ROUNDS; nosym mintrace/symtrace pairs $NOSYM_PAIRS)"
# nosym stops nowhere: its runs are pinned to one CPU (all four tools
# alike), which halves the spread of the paired ratios here (standard
# deviation 0.06 instead of 0.10-0.12 in 40-60 pairs).  The scenarios
# with stops are not pinned: where the tracer and the tracee run is part
# of what they measure.
PIN=
if command -v taskset >/dev/null 2>&1 &&
	pin_cpu=$(taskset -cp $$ 2>/dev/null | sed 's/.*: *//; s/.*[,-]//') &&
	[ -n "$pin_cpu" ]; then
	PIN="taskset -c $pin_cpu"
	echo "pinning:  nosym runs on CPU $pin_cpu (taskset), every tool alike"
else
	echo "pinning:  no taskset: nosym runs unpinned (noisier)"
fi
echo

# ---- running --------------------------------------------------------------
# timed LOGFILE CMD...: run CMD under timeit, stdout discarded; print
# "wall user sys maxrss" or fail loudly.
timed() {
	log=$1
	shift
	if ! "$TIMEIT" "$@" </dev/null >/dev/null 2>"$log"; then
		echo "bench: failed: $*" >&2
		tail -n 5 "$log" >&2
		exit 1
	fi
	sed -n 's/^timeit: wall=\([^ ]*\) user=\([^ ]*\) sys=\([^ ]*\) maxrss_kb=\([^ ]*\) .*/\1 \2 \3 \4/p' \
		"$log" | tail -n 1
}

# Tools of the current scenario: "label|command words" (commands are
# word-split, no quoting inside; paths have no spaces).
set_tools() {
	TOOLS=
	for t in "$@"; do
		case $t in strace*) [ -n "$STRACE" ] || continue ;; esac
		TOOLS="$TOOLS$t
"
	done
}

# Run before every measured command (e.g. a fresh extraction directory)
# and after it; default: nothing.
pre_run() { :; }
post_run() { :; }

# scenario NAME [N [FIRST]]: run TOOLS round-robin, 1 warm-up + N (default
# ROUNDS) rounds; with FIRST, N more rounds numbered from FIRST, no warm-up
# (more pairs for a scenario already run; NAME then ends in "+", which is
# not recorded).  Each measurement is appended to $results as
# "NAME LABEL wall user sys rss ROUND".
scenario() {
	name=$1
	rec=${1%+}
	nr=${2:-$ROUNDS}
	r=0
	last=$nr
	if [ -n "${3:-}" ]; then
		r=$3
		last=$(($3 + nr - 1))
	fi
	printf '%-10s' "$name" >&2
	while [ "$r" -le "$last" ]; do
		printf '%s' "$TOOLS" | while IFS='|' read -r label cmd; do
			[ -n "$label" ] || continue
			pre_run
			# shellcheck disable=SC2086
			m=$(timed "$work/log" $cmd)
			post_run
			[ "$r" -eq 0 ] || echo "$rec $label $m $r" >>"$results"
		done
		printf ' %s' "$r" >&2
		r=$((r + 1))
	done
	echo >&2
}

ST="$SYMTRACE -o /dev/null --"
SF="$STRACE -f -qq --seccomp-bpf -e trace=symlink,symlinkat -o /dev/null"
SE="$STRACE -f -qq -e trace=symlink,symlinkat -o /dev/null"
# The floors wait as symtrace does (SYMTRACE_POLL polls with sched_yield
# before blocking; 100 by default), so that symtrace / floor is the cost
# of symtrace's own work, not of a different way of waiting.
POLL=${SYMTRACE_POLL:-100}
MT="$BIN/mintrace --poll=$POLL"

# The deny rule contains a space, which set_tools' word splitting would
# break; a tiny wrapper script passes it as one argument.
cat >"$BIN/symtrace-deny" <<EOF
#!/bin/sh
exec "$SYMTRACE" -o /dev/null -r 'deny target=/nonexistent/**' -- "\$@"
EOF
chmod +x "$BIN/symtrace-deny"
STD=$BIN/symtrace-deny
# The wrapper's exec keeps the pid, so timeit still measures symtrace.
# The same rule for attach mode (attachrun adds "-p PID").
cat >"$BIN/symtrace-deny-p" <<EOF
#!/bin/sh
exec "$SYMTRACE" -o /dev/null -r 'deny target=/nonexistent/**' "\$@"
EOF
chmod +x "$BIN/symtrace-deny-p"

echo "running (round 0 is the warm-up):" >&2

W="$BIN/w_nosym $N_GETPPID $N_STAT"
set_tools "native|$PIN $W" "mintrace|$PIN $MT $W" "symtrace|$PIN $ST $W" \
	"strace|$PIN $SF $W"
# A ratio near 1 between two 0.5 s runs needs many pairs to rise above the
# machine's noise: after the rounds of all four tools, pairs of the two the
# target compares.
scenario nosym $NOSYM_ROUNDS
if [ "$NOSYM_PAIRS" -gt "$NOSYM_ROUNDS" ]; then
	set_tools "mintrace|$PIN $MT $W" "symtrace|$PIN $ST $W"
	scenario nosym+ $((NOSYM_PAIRS - NOSYM_ROUNDS)) \
		$((NOSYM_ROUNDS + 1))
fi

# mintrace-exit: 2 stops per call (entry and exit), like symtrace and
# strace; plain mintrace stops once.
# Its target ratio lies near the floor's, and the per-round ratios spread
# by a quarter on a shared machine: 3 x ROUNDS as well.
W="$BIN/w_symlink $N_SYMLINK $LINKDIR"
set_tools "native|$W" "mintrace|$MT $W" "mintrace-exit|$MT --exit $W" \
	"symtrace|$ST $W" "strace|$SF $W"
scenario symlink $NOSYM_ROUNDS

# Short runs whose time depends on the scheduler more than any other:
# 6 x ROUNDS.  Each child's one call stops twice under symtrace and
# strace (entry and exit): mintrace-exit is the floor of the target.
W="$BIN/w_fork $N_FORK $LINKDIR"
set_tools "native|$W" "mintrace|$MT $W" "mintrace-exit|$MT --exit $W" \
	"symtrace|$ST $W" "strace|$SF $W"
scenario fork $FORK_ROUNDS

W="$BIN/w_syscalls $N_SYSCALLS"
set_tools "native|$W" "mintrace|$MT --every $W" \
	"symtrace|$SYMTRACE -o /dev/null --no-seccomp -- $W" "strace|$SE $W"
# Its floor / strace moves between 0.3 and 0.65 from run to run (strace's
# speed relative to a bare tracer is what moves): 3 x ROUNDS.
scenario every $NOSYM_ROUNDS

W="$BIN/w_symlink $N_DENY $LINKDIR"
set_tools "native|$W" "trace|$ST $W" "deny|$STD $W"
scenario deny

W="$BIN/w_symlink_mt $MT_THREADS $N_DENY $LINKDIR"
set_tools "native|$W" "trace|$ST $W" "deny|$STD $W"
scenario deny-mt

# deny-floor (issue 14): a judged call in deny mode stops once (the seccomp
# stop; symtrace makes the call itself, no exit stop), so its floor is the
# one-stop mintrace; strace --seccomp-bpf stops twice.  The deny / floor
# ratio lies near its limit: 3 x ROUNDS.
W="$BIN/w_symlink $N_DENY $LINKDIR"
# mtdeleg (mintrace --delegate) is the floor of "the tracer makes the
# call": one stop, the strings read once, the call made by the tracer
# and the skip, nothing judged - what delegation itself costs here.
set_tools "native|$W" "mintrace|$MT $W" "mtdeleg|$MT --delegate $W" \
	"trace|$ST $W" "deny|$STD $W" "strace|$SF $W"
scenario deny-floor $NOSYM_ROUNDS

# attach-sys, attach-sym (issue 19): the workloads under "symtrace -p"
# with the prefilter injected, against run mode.  bench/attachrun starts
# the workload's process stopped before its exec, attaches symtrace to
# it, waits until its status shows the filter, then lets it exec: the
# time includes symtrace's start, the attach and the injection, as run
# mode's includes symtrace's start.  Trace mode (--prefilter) and deny
# mode (injected by default).  Ratios near 1: 3 x ROUNDS.  attach-sys
# runs the full-size w_nosym even with QUICK=1: at QUICK's size (under
# 0.1 s) the attach's fixed cost and the machine's noise were as large as
# the 5 % the target allows.
AR="$BIN/attachrun --filter"
N_ATTACH_GETPPID=2000000 N_ATTACH_STAT=200000
for sc in attach-sys attach-sym; do
	case $sc in
	attach-sys) W="$BIN/w_nosym $N_ATTACH_GETPPID $N_ATTACH_STAT" ;;
	*) W="$BIN/w_symlink $N_SYMLINK $LINKDIR" ;;
	esac
	set_tools "native|$W" "run|$ST $W" \
		"attach|$AR $SYMTRACE -o /dev/null --prefilter -- $W" \
		"run-deny|$STD $W" "attach-deny|$AR $BIN/symtrace-deny-p -- $W"
	scenario $sc $NOSYM_ROUNDS
done

# tar: an archive of N_TAR symlinks and N_TAR/10 small files, made once.
tsrc=$work/tarsrc
mkdir -p "$tsrc/d"
i=0
while [ "$i" -lt $((N_TAR / 10)) ]; do
	echo "file $i" >"$tsrc/d/f$i"
	i=$((i + 1))
done
(cd "$tsrc/d" && i=0 && while [ "$i" -lt "$N_TAR" ]; do
	ln -s "f$((i % (N_TAR / 10)))" "l$i"
	i=$((i + 1))
done)
tar -C "$tsrc" -cf "$work/links.tar" d
rm -rf "$tsrc"
XDIR=$work/x
pre_run() { mkdir "$XDIR"; }
post_run() { rm -rf "$XDIR"; }
W="tar -xf $work/links.tar -C $XDIR"
set_tools "native|$W" "mintrace|$MT $W" "mintrace-exit|$MT --exit $W" \
	"symtrace|$ST $W" "strace|$SF $W"
scenario tar

# tar-reg (issue 14): tar -x of N_TARREG regular files of 100 bytes in 10
# directories, no symlinks: nothing in it is judged, so deny mode must cost
# what trace mode costs (writing opens are not trapped).  Short runs whose
# ratio lies near its limit: 6 x ROUNDS.
tsrc=$work/tarsrc
line=$(printf '%099d' 0)
i=0
while [ "$i" -lt 10 ]; do
	mkdir -p "$tsrc/r/d$i"
	i=$((i + 1))
done
i=0
while [ "$i" -lt "$N_TARREG" ]; do
	printf '%s\n' "$line" >"$tsrc/r/d$((i % 10))/f$i"
	i=$((i + 1))
done
tar -C "$tsrc" -cf "$work/regular.tar" r
rm -rf "$tsrc"
W="tar -xf $work/regular.tar -C $XDIR"
set_tools "native|$W" "trace|$ST $W" "deny|$STD $W"
scenario tar-reg $FORK_ROUNDS
pre_run() { :; }
post_run() { :; }

# Idle: symtrace's own CPU time while its tracee sleeps.
m=$(timed "$work/log" $ST sleep "$IDLE_SECS")
echo "idle symtrace $m" >>"$results"
echo "idle       done" >&2

# The cost of each operation symtrace makes per call, for the floors with
# those reads added (report) and the last table.
proccost_out=$work/proccost
if "$BIN/proccost" 100000 "$LINKDIR" >"$proccost_out" 2>&1; then
	echo "proccost   done" >&2
else
	echo "proccost   failed (status $?)" >&2
fi
echo >&2

# ---- report ---------------------------------------------------------------
# med SCENARIO LABEL [FIELD]: median of FIELD (3 = wall, 6 = maxrss) or
# empty if the tool did not run.
med() {
	awk -v s="$1" -v l="$2" -v f="${3:-3}" '
		$1 == s && $2 == l { v[n++] = $f }
		END {
			if (!n) exit
			for (i = 0; i < n; i++)
				for (j = i + 1; j < n; j++)
					if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
			m = (n % 2) ? v[int(n / 2)] : (v[n / 2 - 1] + v[n / 2]) / 2
			printf (f == 3 ? "%.4f\n" : "%d\n"), m
		}' "$results"
}
maxof() {
	awk -v s="$1" -v l="$2" -v f="$3" '
		$1 == s && $2 == l && $f > m { m = $f } END { if (m) print m }' \
		"$results"
}

echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
# Steal: the share of CPU time the hypervisor gave to other guests while
# this ran.  A high one means the times (and, less, the ratios) are noisy.
echo "$ticks_start $(cpu_ticks)" | awk 'NF == 4 && $3 > $1 {
	printf "cpu steal during the run: %.1f%% (from /proc/stat)\n",
		($4 - $2) / ($3 - $1) * 100 }'
echo
echo "## Medians (wall seconds; ${ROUNDS} runs each; nosym, symlink, every," \
     "deny-floor $NOSYM_ROUNDS, nosym's mintrace and symtrace $NOSYM_PAIRS," \
     "fork, tar-reg $FORK_ROUNDS)"
echo
printf '| %-9s | %10s | %10s | %10s | %10s | %s |\n' \
	scenario native mintrace symtrace strace workload
echo "|-----------|-----------:|-----------:|-----------:|-----------:|----------|"
row() {
	printf '| %-9s | %10s | %10s | %10s | %10s | %s |\n' "$1" \
		"$(med "$1" native)" "$(med "$1" "$2")" "$(med "$1" "$3")" \
		"$(med "$1" strace)" "$4"
}
row nosym mintrace symtrace "$N_GETPPID getppid + $N_STAT stat"
row symlink mintrace symtrace "$N_SYMLINK symlinkat+unlinkat"
row fork mintrace symtrace "$N_FORK forks, 1 symlinkat each"
row every mintrace symtrace \
	"$N_SYSCALLS getppid; mintrace --every, symtrace --no-seccomp, strace without --seccomp-bpf"
row tar mintrace symtrace "tar -xf, $N_TAR symlinks + $((N_TAR / 10)) files"
echo
printf '| %-9s | %10s | %10s | %10s | %s |\n' scenario native trace deny workload
echo "|-----------|-----------:|-----------:|-----------:|----------|"
for s in deny deny-mt tar-reg; do
	case $s in
	deny) wl="$N_DENY symlinkat+unlinkat" ;;
	deny-mt) wl="$MT_THREADS threads, $N_DENY symlinkat+unlinkat in all" ;;
	*) wl="tar -xf, $N_TARREG regular files of 100 bytes in 10 directories" ;;
	esac
	printf '| %-9s | %10s | %10s | %10s | %s |\n' "$s" \
		"$(med $s native)" "$(med $s trace)" "$(med $s deny)" "$wl"
done
echo
printf '| %-10s | %10s | %10s | %10s | %10s | %10s | %s |\n' scenario native \
	mintrace trace deny strace workload
echo "|------------|-----------:|-----------:|-----------:|-----------:|-----------:|----------|"
printf '| %-10s | %10s | %10s | %10s | %10s | %10s | %s |\n' deny-floor \
	"$(med deny-floor native)" "$(med deny-floor mintrace)" \
	"$(med deny-floor trace)" "$(med deny-floor deny)" \
	"$(med deny-floor strace)" "$N_DENY symlinkat+unlinkat"
echo

# ratio NUM DEN: NUM/DEN to 3 places, or "-".
ratio() {
	if [ -n "$1" ] && [ -n "$2" ]; then
		awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "-" }'
	else
		echo -
	fi
}
# check VALUE OP LIMIT: yes/no/-
check() {
	if [ "$1" = - ] || [ -z "$1" ]; then
		echo -
		return
	fi
	awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
		ok = (op == "<=") ? v <= l : v < l
		print ok ? "yes" : "NO"
	}'
}
# pratio SCENARIO A B [range]: the median over rounds of A's time / B's
# time in the same round (runs next to each other share the machine's state
# of the moment), to 3 places, or "-"; with "range", the lowest and the
# highest of those per-round ratios instead ("0.612-0.744").
pratio() {
	awk -v s="$1" -v a="$2" -v b="$3" -v range="${4:-}" '
		$1 == s && $2 == a { x[$7] = $3 }
		$1 == s && $2 == b { y[$7] = $3 }
		END {
			for (r in x)
				if ((r in y) && y[r] > 0)
					v[n++] = x[r] / y[r]
			if (!n) { print "-"; exit }
			for (i = 0; i < n; i++)
				for (j = i + 1; j < n; j++)
					if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
			if (range != "")
				printf "%.3f-%.3f\n", v[0], v[n - 1]
			else
				printf "%.3f\n", (n % 2) ? v[int(n / 2)] : (v[n / 2 - 1] + v[n / 2]) / 2
		}' "$results"
}
# fline MEASURE VALUE OP LIMIT FLOOR [SPREAD]: a target line whose verdict
# is "floor" when VALUE misses LIMIT and so does FLOOR, the same measure
# taken with the minimal tracer in symtrace's place: no tracer that stops
# where symtrace must stop can meet that target on this machine.  SPREAD:
# the lowest and highest per-round ratio (pratio ... range).
fline() {
	v=$(check "$2" "$3" "$4")
	if [ "$v" = NO ] && [ "$(check "$5" "$3" "$4")" = NO ]; then
		v=floor
	fi
	printf '| %-52s | %10s | %-10s | %-5s | %-11s |\n' "$1" "$2" "$3 $4" \
		"$v" "${6:--}"
}
echo "## Targets (issue 7)"
echo
echo "Ratios are medians over rounds of the ratio within a round (paired runs);"
echo "\"rounds\": the lowest and highest of those per-round ratios."
echo "\"floor\": missed, and missed as well by the minimal tracer (mintrace,"
echo "waiting as symtrace does) in symtrace's place: see \"Floors\" below."
echo
printf '| %-52s | %10s | %-10s | %-5s | %-11s |\n' measure value target met \
	"rounds"
echo "|------------------------------------------------------|-----------:|------------|-------|-------------|"
# ptarget MEASURE SCENARIO A B OP LIMIT FLOOR-TOOL: fline for A / B, the
# floor being FLOOR-TOOL / B ("-": none).
ptarget() {
	fl_v=-
	[ "$7" = - ] || fl_v=$(pratio "$2" "$7" "$4")
	fline "$1" "$(pratio "$2" "$3" "$4")" "$5" "$6" "$fl_v" \
		"$(pratio "$2" "$3" "$4" range)"
}
ptarget "nosym: symtrace / mintrace" nosym symtrace mintrace "<=" 1.02 mintrace
ptarget "symlink: symtrace / strace --seccomp-bpf" symlink symtrace strace \
	"<=" 0.50 mintrace-exit
ptarget "fork: symtrace / strace --seccomp-bpf" fork symtrace strace \
	"<=" 0.70 mintrace-exit
ptarget "every: symtrace --no-seccomp / strace" every symtrace strace \
	"<=" 0.50 mintrace
ptarget "deny: deny / trace" deny deny trace "<=" 1.5 -
ptarget "tar: symtrace / native" tar symtrace native "<=" 1.15 mintrace-exit
rss_s=$(maxof symlink symtrace 6)
rss_f=$(maxof fork symtrace 6)
fline "symlink: peak RSS, KiB, symtrace or its tracee" "${rss_s:--}" "<=" 4097 -
fline "fork: peak RSS, KiB, symtrace or a tracee" "${rss_f:--}" "<=" 4098 -
idle=$(awk '$1 == "idle" { printf "%.3f", ($4 + $5) / $3 * 100 }' "$results")
fline "idle: CPU % of symtrace and sleep $IDLE_SECS" "$idle" "<" 1 -
echo
echo "## Targets (issue 14: deny mode makes the judged calls itself)"
echo
echo "deny = symtrace -o /dev/null -r 'deny target=/nonexistent/**', trace ="
echo "symtrace -o /dev/null; the deny-floor floor is mintrace with one stop"
echo "per call (no --exit).  \"floor\": missed, and missed as well by"
echo "mintrace in deny's place."
echo
printf '| %-52s | %10s | %-10s | %-5s | %-11s |\n' measure value target met \
	"rounds"
echo "|------------------------------------------------------|-----------:|------------|-------|-------------|"
ptarget "tar-reg: deny / trace ($N_TARREG regular files)" tar-reg deny trace \
	"<=" 1.15 -
ptarget "deny-mt: deny / trace ($MT_THREADS threads)" deny-mt deny trace \
	"<=" 1.1 -
ptarget "deny-floor: deny / 1-stop floor (mintrace)" deny-floor deny \
	mintrace "<=" 1.2 -
ptarget "deny-floor: deny / strace --seccomp-bpf" deny-floor deny strace \
	"<=" 0.7 mintrace
echo
echo "## Targets (issue 19: attach mode with the prefilter injected)"
echo
echo "attach = bench/attachrun --filter symtrace -o /dev/null --prefilter -p PID"
echo "(symtrace's start, the attach and the injection included), run ="
echo "symtrace -o /dev/null -- CMD; the -deny pair with the deny rule above."
echo
printf '| %-52s | %10s | %-10s | %-5s | %-11s |\n' measure value target met \
	"rounds"
echo "|------------------------------------------------------|-----------:|------------|-------|-------------|"
ptarget "attach-sys: attach / run (w_nosym)" attach-sys attach run \
	"<=" 1.05 -
ptarget "attach-sys: attach-deny / run-deny" attach-sys attach-deny \
	run-deny "<=" 1.05 -
ptarget "attach-sym: attach / run (w_symlink)" attach-sym attach run \
	"<=" 1.1 -
ptarget "attach-sym: attach-deny / run-deny" attach-sym attach-deny \
	run-deny "<=" 1.1 -
echo
printf '| %-10s | %10s | %10s | %10s | %10s | %11s | %s |\n' scenario \
	native run attach run-deny attach-deny workload
echo "|------------|-----------:|-----------:|-----------:|-----------:|------------:|----------|"
for s in attach-sys attach-sym; do
	case $s in
	attach-sys) wl="$N_ATTACH_GETPPID getppid + $N_ATTACH_STAT stat" ;;
	*) wl="$N_SYMLINK symlinkat+unlinkat" ;;
	esac
	printf '| %-10s | %10s | %10s | %10s | %10s | %11s | %s |\n' "$s" \
		"$(med $s native)" "$(med $s run)" "$(med $s attach)" \
		"$(med $s run-deny)" "$(med $s attach-deny)" "$wl"
done
echo
echo "## Floors: the minimal tracer in symtrace's place"
echo
echo "mintrace stops where symtrace must stop and does nothing else (no"
echo "reads, no output); it waits as symtrace does (--poll=$POLL).  A target the"
echo "floor misses cannot be met by any tracer that stops there; symtrace /"
echo "floor is the cost of symtrace's own work at those stops."
echo
printf '| %-52s | %10s |\n' measure value
echo "|------------------------------------------------------|-----------:|"
fl() { printf '| %-52s | %10s |\n' "$1" "$2"; }
fl "symlink: 2-stop floor (mintrace --exit) / strace" \
	"$(pratio symlink mintrace-exit strace)"
fl "symlink: 1-stop floor (mintrace) / strace" \
	"$(pratio symlink mintrace strace)"
fl "symlink: symtrace / 2-stop floor" "$(pratio symlink symtrace mintrace-exit)"
fl "symlink: strace / 2-stop floor" "$(pratio symlink strace mintrace-exit)"
fl "every: floor (mintrace --every) / strace" "$(pratio every mintrace strace)"
fl "every: symtrace / floor" "$(pratio every symtrace mintrace)"
fl "tar: 2-stop floor (mintrace --exit) / native" \
	"$(pratio tar mintrace-exit native)"
fl "tar: 1-stop floor (mintrace) / native" "$(pratio tar mintrace native)"
fl "tar: symtrace / 2-stop floor" "$(pratio tar symtrace mintrace-exit)"
fl "fork: 2-stop floor (mintrace --exit) / strace" \
	"$(pratio fork mintrace-exit strace)"
fl "fork: 1-stop floor (mintrace) / strace" "$(pratio fork mintrace strace)"
fl "fork: symtrace / 2-stop floor" "$(pratio fork symtrace mintrace-exit)"
fl "nosym: mintrace / native (the filter's own cost)" \
	"$(pratio nosym mintrace native)"
fl "nosym: symtrace / mintrace, ratio of the medians" \
	"$(ratio "$(med nosym symtrace)" "$(med nosym mintrace)")"
# pc TABLE LABEL: a microseconds value from proccost's output: TABLE 1 is
# the cached operations, 2 the first accesses on a new process.
pc() {
	awk -F'|' -v t="$1" -v l="$2" '/first access/ { n = 1 }
		{ x = $2; gsub(/^ +| +$/, "", x) }
		x == l && n + 1 == t { v = $3; gsub(/ /, "", v); print v; exit }' \
		"$proccost_out" 2>/dev/null
}
# The 2-stop floor plus what proccost says symtrace's reads cost, per call
# (for fork: plus a new process's first open of its maps and the close of
# that fd; its cwd and root were looked up once already while it ran: the
# prefetch, not on the path of a call), as a ratio to strace's median: the
# least a tracer that stops twice and reads what symtrace reports can cost
# here.
call_us=$(pc 1 "one call: the sum (2x the first three)")
if [ -n "$call_us" ]; then
	newproc_us=$(awk -v c="$call_us" \
		-v m="$(pc 2 "first call: open /proc/PID/maps")" \
		-v cl="$(pc 2 "exit or exec: close the maps fd")" \
		'BEGIN { printf "%.2f", c + m + cl }')
	wfloor() { # SCENARIO N US-PER-CALL
		awk -v f="$(med "$1" mintrace-exit)" -v s="$(med "$1" strace)" \
			-v n="$2" -v u="$3" 'BEGIN {
				if (f == "" || s == "" || s <= 0) print "-"
				else printf "%.3f", (f + n * u / 1e6) / s }'
	}
	fl "symlink: 2-stop floor + the reads' cost / strace" \
		"$(wfloor symlink "$N_SYMLINK" "$call_us")"
	fl "fork: 2-stop floor + the reads' cost / strace" \
		"$(wfloor fork "$N_FORK" "$newproc_us")"
	fl "reads per call, us (proccost)" "$call_us"
	fl "reads per call of a new process, us (proccost)" "$newproc_us"
fi
echo
echo "## For reference (not targets)"
echo
printf '| %-52s | %10s |\n' measure value
echo "|------------------------------------------------------|-----------:|"
# deny-mt's ratio of the medians (the issue-14 target is the median of
# the per-round ratios).
printf '| %-52s | %10s |\n' "deny-mt: deny / trace, ratio of the medians" \
	"$(ratio "$(med deny-mt deny)" "$(med deny-mt trace)")"
printf '| %-52s | %10s |\n' "deny-floor: deny / trace" \
	"$(pratio deny-floor deny trace)"
printf '| %-52s | %10s |\n' "deny-floor: 1-stop floor (mintrace) / strace" \
	"$(pratio deny-floor mintrace strace)"
# Per call above native: the ptrace work alone, without the workload's.
printf '| %-52s | %10s |\n' "deny-floor: deny / floor, overhead above native" \
	"$(awk -v d="$(med deny-floor deny)" -v m="$(med deny-floor mintrace)" \
		-v b="$(med deny-floor native)" 'BEGIN {
			if (d == "" || m == "" || b == "" || m <= b) print "-"
			else printf "%.3f", (d - b) / (m - b) }')"
printf '| %-52s | %10s |\n' \
	"deny-floor: delegating floor (mtdeleg) / mintrace" \
	"$(pratio deny-floor mtdeleg mintrace)"
printf '| %-52s | %10s |\n' "deny-floor: deny / delegating floor (mtdeleg)" \
	"$(pratio deny-floor deny mtdeleg)"
for t in native mintrace mtdeleg trace deny strace; do
	v=$(med deny-floor $t)
	[ -z "$v" ] || printf '| %-52s | %10s |\n' "deny-floor: $t, us per pair" \
		"$(awk -v v="$v" -v n="$N_DENY" 'BEGIN { printf "%.1f", v / n * 1e6 }')"
done
for s in nosym symlink fork every tar; do
	for t in mintrace symtrace strace; do
		v=$(ratio "$(med $s $t)" "$(med $s native)")
		[ "$v" = - ] || printf '| %-52s | %10s |\n' "$s: $t / native" "$v"
	done
done
n=$N_SYMLINK
for t in native mintrace mintrace-exit symtrace strace; do
	v=$(med symlink $t)
	[ -z "$v" ] || printf '| %-52s | %10s |\n' "symlink: $t, us per pair" \
		"$(awk -v v="$v" -v n="$n" 'BEGIN { printf "%.1f", v / n * 1e6 }')"
done
for t in mintrace mintrace-exit symtrace strace; do
	v=$(med symlink $t)
	b=$(med symlink native)
	[ -z "$v" ] || printf '| %-52s | %10s |\n' \
		"symlink: $t overhead, us per traced call" \
		"$(awk -v v="$v" -v b="$b" -v n="$n" 'BEGIN { printf "%.1f", (v - b) / n * 1e6 }')"
done
printf '| %-52s | %10s |\n' "symlink: symtrace + tracee CPU (user+sys) s, median" \
	"$(awk '$1 == "symlink" && $2 == "symtrace" { print $4 + $5 }' "$results" |
		sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')"

# ---- the cost of symtrace's work per call ---------------------------------
echo
echo "## Cost of the work per call (bench/proccost)"
echo
echo "Each operation symtrace makes for a traced symlink call in trace mode,"
echo "timed alone against a stopped process on this machine (mean of"
echo "100000; the first accesses: of 500 new processes).  Per call: 2 x"
echo "GET_SYSCALL_INFO, 2 x process_vm_readv (entry, second read), 2 x"
echo "PROCMAP_QUERY (SHARED), the cwd or dirfd readlink, the root readlink,"
echo "the directory (absolute, no symlinks: openat2 + close, in the sum;"
echo "relative or with symlinks: open + readlink + close; a plain name: none),"
echo "and the readlink of the new link; a new process also opens and closes"
echo "its maps, and symtrace looks up its cwd and root once right after its"
echo "first stop (prefetch), while it runs."
echo
cat "$proccost_out"
