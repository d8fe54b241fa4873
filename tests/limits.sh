#!/bin/sh
# limits.sh - symtrace's resources stay bounded: flat memory over 200,000
# calls (VmRSS at 10% and 90% of the run), no descriptor leak over 500
# children (its /proc/PID/fd early and late), and correct work with
# RLIMIT_NOFILE at 16, also for a command that forks 50 processes.
: "${TEST_TIMEOUT:=200}"
export TEST_TIMEOUT
. "$TESTSRC/lib.sh"

skip_unless_ptrace

S=$TESTBIN/stress
enter_w

# sampled RUN_NAME PID SYNCDIR WHAT: at each of the workload's stops (p10,
# p90), record WHAT for symtrace (PID) in $tmp/RUN_NAME.p10 / .p90.
sample()
{
	case $4 in
	rss) awk '/^VmRSS:/ { print $2 }' /proc/"$2"/status ;;
	fds) ls /proc/"$2"/fd | wc -l ;;
	esac
}

sampled()
{
	for _p in p10 p90; do
		wait_for_file_exists "$3/$_p" ||
			fail "$1: the workload did not reach $_p"
		sample "$1" "$2" "$3" "$4" >"$tmp/$1.$_p"
		: >"$3/$_p.ack"
	done
}

# wait_for_file_exists FILE: up to 60 s.
wait_for_file_exists()
{
	_n=0
	while [ ! -e "$1" ]; do
		_n=$((_n + 1))
		[ $_n -gt 1200 ] && return 1
		[ -n "${spid:-}" ] && ! kill -0 "$spid" 2>/dev/null && return 1
		sleep 0.05
	done
	return 0
}

# run_sampled NAME WHAT ARGS...: symtrace ARGS in the background, sampled.
run_sampled()
{
	_name=$1 _what=$2
	shift 2
	sync=$tmp/sync.$_name
	mkdir "$sync" || fail "mkdir $sync"
	t0=$(date +%s)
	"$SYMTRACE" "$@" >"$tmp/stdout" 2>"$tmp/err" &
	spid=$!
	sampled "$_name" $spid "$sync" "$_what"
	wait $spid
	st=$?
	t1=$(date +%s)
	spid=
	[ $st -eq 0 ] || { show stderr "$tmp/err"; fail "$_name: status $st"; }
	[ -s "$tmp/err" ] && { show stderr "$tmp/err"; fail "$_name: stderr"; }
	early=$(cat "$tmp/$_name.p10")
	late=$(cat "$tmp/$_name.p90")
}

# rss_flat WHAT: the late sample is at most 512 KiB above the early one.
# Not under AddressSanitizer, whose quarantine keeps freed memory on
# purpose (the plain build, which CI also runs, checks it).
rss_flat()
{
	if [ -n "${SYMTRACE_SANITIZED:-}" ]; then
		echo "memory ($1): not checked under the sanitizers" >&2
		return
	fi
	[ "$late" -le $((early + 512)) ] ||
		fail "memory ($1): VmRSS grew from $early to $late kB"
}

# ---- memory: 200,000 calls (100,000 in deny mode) -----------------------
for mode in trace deny; do
	# Deny mode does more per call: half as many.
	n=200000
	if [ $mode = deny ]; then
		n=100000
		run_sampled rss-$mode rss -r 'deny target=/nonexistent/**' \
			-o /dev/null -- "$S" loop $n "$w" "$tmp/sync.rss-$mode"
	else
		run_sampled rss-$mode rss -o /dev/null -- \
			"$S" loop $n "$w" "$tmp/sync.rss-$mode"
	fi
	[ "$(cat "$tmp/stdout")" = $n ] || fail "rss $mode: the loop failed"
	echo "memory ($mode, $n calls, $((t1 - t0)) s): VmRSS $early kB at" \
		"10%, $late kB at 90%" >&2
	rss_flat "$mode"
done

# Also with the report formatted (text and JSON) rather than discarded.
run_sampled rss-json rss -j -o "$tmp/json" -- "$S" loop 50000 "$w" \
	"$tmp/sync.rss-json"
echo "memory (json, 50000 calls): VmRSS $early kB at 10%, $late kB at" \
	"90%" >&2
rss_flat json
[ "$(grep -c '"syscall":"symlinkat"' "$tmp/json")" = 50000 ] ||
	fail "memory (json): not 50000 lines"
rm -f "$tmp/json"

# ---- descriptors: 500 children -----------------------------------------
for mode in trace deny; do
	if [ $mode = deny ]; then
		run_sampled fds-$mode fds -r 'deny target=/nonexistent/**' \
			-o "$tmp/out" -- "$S" forks 500 "$w" "$tmp/sync.fds-$mode"
	else
		run_sampled fds-$mode fds -o "$tmp/out" -- \
			"$S" forks 500 "$w" "$tmp/sync.fds-$mode"
	fi
	[ "$(grep -c 'symlinkat("t"' "$tmp/out")" = 500 ] ||
		fail "fds $mode: $(grep -c . "$tmp/out") calls, not 500"
	echo "descriptors ($mode, 500 children, $((t1 - t0)) s): $early open" \
		"after 50 children, $late after 450" >&2
	[ "$early" = "$late" ] ||
		fail "descriptors ($mode): $early open early, $late late"
done

# ---- RLIMIT_NOFILE 16 --------------------------------------------------
for mode in trace deny; do
	opt=
	[ $mode = deny ] && opt=--deny=EACCES
	# One call, exact line.
	sh -c 'ulimit -n 16 && exec "$@"' sh "$SYMTRACE" $opt -o "$tmp/out" \
		-- "$TESTBIN/symhelper" symlink la lb$mode >"$tmp/expected" \
		2>"$tmp/err"
	st=$?
	[ $st -eq 0 ] || { show stderr "$tmp/err"; fail "nofile 16 ($mode): $st"; }
	[ -s "$tmp/err" ] && { show stderr "$tmp/err"; fail "nofile 16 ($mode)"; }
	# --deny adds a last rule, named "--deny".
	[ $mode = deny ] && sed -i 's/$/ <denied rule --deny>/' "$tmp/expected"
	sed 's/^\[pid [0-9]*\] //' "$tmp/out" | diff -u "$tmp/expected" - >&2 ||
		fail "nofile 16 ($mode): output differs"
	# 50 processes alive at once, one call each.
	rm -rf "$w/p" && mkdir "$w/p" || fail mkdir
	sh -c 'ulimit -n 16 && exec "$@"' sh timeout -k 5 60 "$SYMTRACE" \
		$opt -o "$tmp/out" -- "$S" forks-par 50 "$w/p" \
		>"$tmp/stdout" 2>"$tmp/err"
	st=$?
	if [ $mode = deny ]; then
		# Every call denied: each child exits 1, so the command does.
		[ $st -eq 1 ] || { show stderr "$tmp/err"; fail "nofile 16, 50" \
			"processes ($mode): status $st, expected 1"; }
		n=$(grep -c 'symlinkat("t", .* = -1 EACCES' "$tmp/out")
	else
		[ $st -eq 0 ] || { show stderr "$tmp/err"; fail "nofile 16, 50" \
			"processes ($mode): status $st"; }
		n=$(grep -c 'symlinkat("t", .*) = 0$' "$tmp/out")
	fi
	[ "$n" = 50 ] || {
		show stderr "$tmp/err"
		fail "nofile 16, 50 processes ($mode): $n calls reported"
	}
	echo "RLIMIT_NOFILE 16 ($mode): ok" >&2
done

check_no_leftovers
exit 0
