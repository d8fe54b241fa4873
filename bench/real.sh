#!/bin/sh
# bench/real.sh - trace mode on real workloads (issue 20): tar -x, cpio -i,
# cp -a, rsync -a and git clone of one tree of mixed symlinks, tar -x of
# regular files, and the synthetic loop, fork-heavy and --no-seccomp
# scenarios, each under native, the floors (mintrace one-stop, --exit
# two-stop, --every), symtrace and strace --seccomp-bpf, tools in
# alternation; medians and the issue's ratios, all from one run.
#
# usage: [SYMTRACE=path] [ROUNDS=7] [QUICK=1] [BASELINE=path] sh bench/real.sh
#
# BASELINE: another symtrace binary (an older build) run as one more tool,
# "baseline", in the same alternation: symtrace / baseline shows what a
# change gained under the same load.
#
# Environment as bench/run.sh (SYMTRACE, ROUNDS, QUICK, CC, BENCH_BIN,
# BENCH_DIR, STRACE).  QUICK=1: 3 rounds and smaller synthetic runs (the
# tree keeps its 5000 links).  A workload whose program is not installed
# (rsync, cpio, git) is skipped with a note.
set -eu

LC_ALL=C
export LC_ALL

benchdir=$(cd "$(dirname "$0")" && pwd)
ROUNDS_GIVEN=${ROUNDS:-}
ROUNDS=${ROUNDS:-7}
QUICK=${QUICK:-0}
CC=${CC:-cc}
STRACE=${STRACE-strace}
N_LINKS=${N_LINKS:-5000}

die() {
	echo "bench: $*" >&2
	exit 1
}

if [ -z "${SYMTRACE:-}" ]; then
	for c in ./src/symtrace ../src/symtrace; do
		if [ -x "$c" ]; then
			SYMTRACE=$c
			break
		fi
	done
fi
[ -n "${SYMTRACE:-}" ] && [ -x "$SYMTRACE" ] ||
	die "no symtrace: set SYMTRACE=/path/to/symtrace"
SYMTRACE=$(cd "$(dirname "$SYMTRACE")" && pwd)/$(basename "$SYMTRACE")
if [ -n "$STRACE" ] && command -v "$STRACE" >/dev/null 2>&1; then
	STRACE=$(command -v "$STRACE")
else
	STRACE=
fi

if [ "$QUICK" = 1 ]; then
	N_SYMLINK=5000 N_FORK=300 N_SYSCALLS=25000
	ROUNDS=${ROUNDS_GIVEN:-3}
else
	N_SYMLINK=20000 N_FORK=1000 N_SYSCALLS=100000
fi

BIN=${BENCH_BIN:-$benchdir/bin}
tmpbin=
if ! mkdir -p "$BIN" 2>/dev/null || ! [ -w "$BIN" ]; then
	tmpbin=$(mktemp -d "${TMPDIR:-/tmp}/symtrace-bench-bin.XXXXXX")
	BIN=$tmpbin
fi
for w in timeit mintrace w_symlink w_fork w_syscalls; do
	$CC -O2 -o "$BIN/$w" "$benchdir/$w.c" || die "cannot build $w"
done
TIMEIT=$BIN/timeit

fstype() { stat -f -c %T "$1" 2>/dev/null || echo unknown; }
if [ -n "${BENCH_DIR:-}" ]; then
	base=$BENCH_DIR
elif [ -d /dev/shm ] && [ -w /dev/shm ] &&
	[ "$(fstype /dev/shm)" = tmpfs ]; then
	base=/dev/shm
else
	base=${TMPDIR:-/tmp}
fi
work=$(mktemp -d "$base/symtrace-real.XXXXXX")
cleanup() {
	rm -rf "$work"
	[ -z "$tmpbin" ] || rm -rf "$tmpbin"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
results=$work/results
: >"$results"
XDIR=$work/x
LINKDIR=$work/links
mkdir "$LINKDIR"

# ---- the tree -------------------------------------------------------------
# N_LINKS links in 10 x 5 nested directories, 500 files; a quarter each:
# relative in the same directory, relative across directories (../..),
# absolute (into the tree and out of it), dangling.
tree=$work/src/tree
awk -v root="$tree" -v n="$N_LINKS" 'BEGIN {
	for (d = 0; d < 10; d++)
		for (e = 0; e < 5; e++)
			printf "mkdir -p %s/d%d/e%d\n", root, d, e
}' | sh
awk -v root="$tree" -v n="$N_LINKS" 'BEGIN {
	for (i = 0; i < 500; i++)
		printf "echo file %d >%s/d%d/e%d/f%d\n", i, root, i % 10, i % 5, i
}' | sh
awk -v root="$tree" -v n="$N_LINKS" 'BEGIN {
	for (i = 0; i < n; i++) {
		d = i % 10; e = int(i / 10) % 5; k = i % 4
		if (k == 0)
			t = sprintf("f%d", (i * 7) % 500)
		else if (k == 1)
			t = sprintf("../../d%d/e%d/f%d", (d + 1) % 10, e, i % 500)
		else if (k == 2)
			t = (i % 8 == 2) ? "/etc/hostname" : sprintf("/srv/tree/d%d/e%d", d, e)
		else
			t = sprintf("missing/no-%d", i)
		printf "%s\t%s/d%d/e%d/l%d\n", t, root, d, e, i
	}
}' >"$work/links.list"
# ln -s for each, in one process per 500 (xargs would split on the tab).
while IFS='	' read -r t l; do
	ln -s "$t" "$l"
done <"$work/links.list"
nlinks=$(find "$tree" -type l | wc -l)
nfiles=$(find "$tree" -type f | wc -l)
tar -C "$work/src" -cf "$work/links.tar" tree
(cd "$work/src" && find tree | cpio -o -H newc --quiet >"$work/links.cpio") ||
	true
HAVE_GIT=
if command -v git >/dev/null 2>&1; then
	(cd "$tree" && git init -q && git add -A &&
		git -c user.name=bench -c user.email=bench@example.invalid \
			commit -q -m tree) && HAVE_GIT=1
fi
# The write-heavy one: 5000 regular files of 100 bytes in 10 directories.
line=$(printf '%099d' 0)
awk -v root="$work/src/r" 'BEGIN {
	for (d = 0; d < 10; d++) printf "mkdir -p %s/d%d\n", root, d }' | sh
i=0
while [ "$i" -lt 5000 ]; do
	printf '%s\n' "$line" >"$work/src/r/d$((i % 10))/f$i"
	i=$((i + 1))
done
tar -C "$work/src" -cf "$work/regular.tar" r

# ---- header ---------------------------------------------------------------
cpu=$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo | head -n 1)
echo "# symtrace benchmark: real workloads (issue 20)"
echo "machine:  $(nproc) CPUs, ${cpu:-unknown CPU}, Linux $(uname -r)"
echo "symtrace: $SYMTRACE ($("$SYMTRACE" --version 2>/dev/null | head -n 1))"
[ -z "${BASELINE:-}" ] || echo "baseline: $BASELINE"
[ -n "$STRACE" ] && echo "strace:   $STRACE ($("$STRACE" -V | head -n 1))" ||
	echo "strace:   not installed: its columns and ratios are skipped"
for p in tar cpio rsync git cp; do
	if command -v $p >/dev/null 2>&1; then
		printf '          %s: %s\n' $p "$($p --version 2>/dev/null | head -n 1)"
	else
		printf '          %s: not installed, its workload is skipped\n' $p
	fi
done
echo "load:     $(cut -d' ' -f1-3 /proc/loadavg) (at start)"
echo "scratch:  $work ($(fstype "$work"))"
echo "tree:     $nlinks symlinks (relative, ../.., absolute, dangling) and" \
     "$nfiles files in 50 nested directories"
echo "rounds:   1 warm-up + $ROUNDS measured (fork $((2 * ROUNDS))), tools" \
     "in alternation $( [ "$QUICK" = 1 ] && echo '(QUICK=1)')"
echo

timed() {
	log=$1
	shift
	if ! "$TIMEIT" "$@" </dev/null >/dev/null 2>"$log"; then
		echo "bench: failed: $*" >&2
		tail -n 5 "$log" >&2
		return 1
	fi
	sed -n 's/^timeit: wall=\([^ ]*\) .*/\1/p' "$log" | tail -n 1
}
set_tools() {
	TOOLS=
	for t in "$@"; do
		case $t in strace*) [ -n "$STRACE" ] || continue ;; esac
		TOOLS="$TOOLS$t
"
	done
}
pre_run() { :; }
post_run() { :; }
# scenario NAME [N]: the tools round-robin, 1 warm-up + N rounds; appends
# "NAME LABEL wall ROUND" to $results.
scenario() {
	name=$1
	nr=${2:-$ROUNDS}
	r=0
	printf '%-10s' "$name" >&2
	while [ "$r" -le "$nr" ]; do
		printf '%s' "$TOOLS" | while IFS='|' read -r label cmd; do
			[ -n "$label" ] || continue
			# A run that fails (a fork refused on a machine out of
			# processes, say) is tried again up to twice, then left
			# out of the medians and counted.
			m=
			for try in 1 2 3; do
				pre_run
				# shellcheck disable=SC2086
				m=$(timed "$work/log" $cmd) || m=
				post_run
				[ -z "$m" ] || break
				sleep 1
			done
			if [ -z "$m" ]; then
				echo "$name $label" >>"$work/failed"
			elif [ "$r" -ne 0 ]; then
				echo "$name $label $m $r" >>"$results"
			fi
		done
		printf ' %s' "$r" >&2
		r=$((r + 1))
	done
	echo >&2
}

POLL=${SYMTRACE_POLL:-100}
MT="$BIN/mintrace --poll=$POLL"
ST="$SYMTRACE -o /dev/null --"
SF="$STRACE -f -qq --seccomp-bpf -e trace=symlink,symlinkat -o /dev/null"
BL=
if [ -n "${BASELINE:-}" ]; then
	[ -x "$BASELINE" ] || die "BASELINE=$BASELINE is not an executable file"
	BL="$BASELINE -o /dev/null --"
fi
SE="$STRACE -f -qq -e trace=symlink,symlinkat -o /dev/null"
five() {
	set_tools "native|$1" "mintrace|$MT $1" "two-stop|$MT --exit $1" \
		"symtrace|$ST $1" "strace|$SF $1" ${BL:+"baseline|$BL $1"}
}

echo "running (round 0 is the warm-up):" >&2
pre_run() { mkdir "$XDIR"; }
post_run() { rm -rf "$XDIR"; }
SCEN=
five "tar -xf $work/links.tar -C $XDIR"
scenario tar && SCEN="$SCEN tar"
if command -v cpio >/dev/null 2>&1 && [ -s "$work/links.cpio" ]; then
	five "cpio -i -d --quiet -F $work/links.cpio -D $XDIR"
	scenario cpio && SCEN="$SCEN cpio"
fi
five "cp -a $tree $XDIR/tree"
scenario cp && SCEN="$SCEN cp"
if command -v rsync >/dev/null 2>&1; then
	five "rsync -a $tree/ $XDIR/tree/"
	scenario rsync && SCEN="$SCEN rsync"
fi
if [ -n "$HAVE_GIT" ]; then
	five "git clone -q --no-hardlinks $tree $XDIR/clone"
	scenario git && SCEN="$SCEN git"
fi
five "tar -xf $work/regular.tar -C $XDIR"
scenario tar-reg && SCEN="$SCEN tar-reg"
pre_run() { :; }
post_run() { :; }
five "$BIN/w_symlink $N_SYMLINK $LINKDIR"
scenario symlink && SCEN="$SCEN symlink"
five "$BIN/w_fork $N_FORK $LINKDIR"
scenario fork $((2 * ROUNDS)) && SCEN="$SCEN fork"
W="$BIN/w_syscalls $N_SYSCALLS"
set_tools "native|$W" "every|$MT --every $W" \
	"symtrace|$SYMTRACE -o /dev/null --no-seccomp -- $W" "strace|$SE $W"
scenario every
echo >&2

# ---- report ---------------------------------------------------------------
med() {
	awk -v s="$1" -v l="$2" '
		$1 == s && $2 == l { v[n++] = $3 }
		END {
			if (!n) exit
			for (i = 0; i < n; i++)
				for (j = i + 1; j < n; j++)
					if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
			printf "%.4f\n", (n % 2) ? v[int(n / 2)] : (v[n / 2 - 1] + v[n / 2]) / 2
		}' "$results"
}
# pratio S A B: median over the rounds of A / B in the same round, and the
# lowest and highest of those ratios ("0.812 0.75-0.90"); "- -" if absent.
pratio() {
	awk -v s="$1" -v a="$2" -v b="$3" '
		$1 == s && $2 == a { x[$4] = $3 }
		$1 == s && $2 == b { y[$4] = $3 }
		END {
			for (r in x) if ((r in y) && y[r] > 0) v[n++] = x[r] / y[r]
			if (!n) { print "- -"; exit }
			for (i = 0; i < n; i++)
				for (j = i + 1; j < n; j++)
					if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
			m = (n % 2) ? v[int(n / 2)] : (v[n / 2 - 1] + v[n / 2]) / 2
			printf "%.3f %.3f-%.3f\n", m, v[0], v[n - 1]
		}' "$results"
}
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -s "$work/failed" ]; then
	echo "runs that failed 3 times and are left out: $(wc -l <"$work/failed")" \
	     "($(sort "$work/failed" | uniq -c | awk '{ printf "%s%s %s x%d", NR > 1 ? ", " : "", $2, $3, $1 }'))"
fi
echo
echo "## Medians (wall seconds)"
echo
printf '| %-8s | %8s | %8s | %8s | %8s | %8s |%s\n' scenario native mintrace \
	two-stop symtrace strace "${BL:+ baseline |}"
echo "|----------|---------:|---------:|---------:|---------:|---------:|${BL:+---------:|}"
for s in $SCEN; do
	printf '| %-8s | %8s | %8s | %8s | %8s | %8s |%s\n' "$s" \
		"$(med $s native)" "$(med $s mintrace)" "$(med $s two-stop)" \
		"$(med $s symtrace)" "$(med $s strace)" \
		"${BL:+ $(printf '%8s' "$(med $s baseline)") |}"
done
printf '| %-8s | %8s | %8s | %8s | %8s | %8s |\n' every "$(med every native)" \
	"$(med every every)" - "$(med every symtrace)" "$(med every strace)"
echo "(every: mintrace --every, symtrace --no-seccomp, strace without" \
     "--seccomp-bpf; $N_SYSCALLS getppid)"
echo
echo "## Ratios (median of the per-round ratios; lowest-highest round)"
echo
# row LABEL S A B LIMIT
row() {
	set -- "$1" "$2" "$3" "$4" "$5" $(pratio "$2" "$3" "$4")
	ok=-
	[ "$6" = - ] || [ "$5" = - ] ||
		ok=$(awk -v v="$6" -v l="$5" 'BEGIN { print v <= l ? "yes" : "NO" }')
	printf '| %-34s | %6s | %-7s | %-4s | %-13s |\n' "$1" "$6" \
		"$( [ "$5" = - ] && echo - || echo "<= $5")" "$ok" "$7"
}
printf '| %-34s | %6s | %-7s | %-4s | %-13s |\n' measure value target met rounds
echo "|------------------------------------|-------:|---------|------|---------------|"
for s in $SCEN; do
	case $s in
	tar-reg) row "$s: symtrace / strace" $s symtrace strace - ;;
	fork) row "$s: symtrace / strace" $s symtrace strace 0.70 ;;
	*) row "$s: symtrace / strace" $s symtrace strace 0.85 ;;
	esac
done
for s in $SCEN; do
	case $s in
	tar-reg | fork) row "$s: symtrace / two-stop" $s symtrace two-stop - ;;
	*) row "$s: symtrace / two-stop" $s symtrace two-stop 1.15 ;;
	esac
done
row "every: symtrace / mintrace --every" every symtrace every 1.05
if [ -n "$BL" ]; then
	for s in $SCEN; do
		row "$s: symtrace / baseline" $s symtrace baseline -
	done
	for s in $SCEN; do
		case $s in tar-reg | fork) continue ;; esac
		row "$s: baseline / strace" $s baseline strace -
	done
fi
for s in $SCEN; do
	row "$s: two-stop / strace (floor)" $s two-stop strace -
done
echo
echo "Per link (symlink loop: per pair), us above native:"
for s in $SCEN; do
	case $s in
	symlink) n=$N_SYMLINK ;;
	fork) n=$N_FORK ;;
	tar-reg) continue ;;
	*) n=$nlinks ;;
	esac
	printf '  %-8s' "$s"
	for l in mintrace two-stop symtrace strace ${BL:+baseline}; do
		printf ' %s %s' "$l" "$(awk -v a="$(med $s $l)" -v b="$(med $s native)" \
			-v n="$n" 'BEGIN { if (a != "") printf "%.1f", (a - b) / n * 1e6; else print "-" }')"
	done
	echo
done
