#!/bin/sh
# threads.sh - 8 threads making 1000 calls each: every call is reported
# once, with the tid of the thread that made it, with and without the
# seccomp prefilter.
. "$TESTSRC/lib.sh"

skip_unless_ptrace

nth=8
w=$tmp/w
mkdir "$w" "$w/d" && cd "$w" || fail "cannot set up $w"

for mode in "" "--no-seccomp"; do
	ncalls=1000
	t0=$(date +%s)
	rm -f "$tmp/main.pid"
	# shellcheck disable=SC2086
	"$SYMTRACE" $mode -o "$tmp/out" -- sh -c 'echo $$ >"$0"; exec "$@"' \
		"$tmp/main.pid" "$TESTBIN/symhelper" threads $nth $ncalls \
		"$w/d" >"$tmp/count" 2>"$tmp/err"
	st=$?
	t1=$(date +%s)
	what="threads ${mode:-(seccomp)}"
	[ $st -eq 0 ] || { show stderr "$tmp/err"; fail "$what: exit $st"; }
	[ -s "$tmp/err" ] && { show stderr "$tmp/err"; fail "$what: stderr"; }
	total=$((nth * ncalls))
	[ "$(cat "$tmp/count")" = $total ] || fail "$what: helper count"
	main=$(cat "$tmp/main.pid")
	# Every line exact; each thread's calls all carry one tid, a
	# different one per thread, never the main thread's; each name once.
	awk -v w="$w" -v nth=$nth -v n=$ncalls -v main="$main" '
	{
		if (!match($0, /^\[pid [0-9]+\] /)) {
			print "no pid prefix: " $0; bad = 1; next
		}
		tid = substr($0, 6, RLENGTH - 7)
		rest = substr($0, RLENGTH + 1)
		pre = "symlinkat(\"target\", AT_FDCWD<" w ">, \"" w "/d/t"
		if (substr(rest, 1, length(pre)) != pre ||
		    substr(rest, length(rest) - 5) != "\") = 0") {
			print "bad line: " $0; bad = 1; next
		}
		name = substr(rest, length(pre) + 1)
		name = substr(name, 1, length(name) - 6)
		split(name, p, "_")
		if (name != p[1] "_" p[2] || p[1] !~ /^[0-9]+$/ ||
		    p[2] !~ /^[0-9]+$/ || p[1] >= nth || p[2] >= n) {
			print "bad name: " $0; bad = 1; next
		}
		if (seen[name]++) { print "twice: " $0; bad = 1 }
		if (!(p[1] in tidof)) tidof[p[1]] = tid
		else if (tidof[p[1]] != tid) {
			print "thread " p[1] " as " tid " and " tidof[p[1]]
			bad = 1
		}
		if (tid == main) { print "main thread: " $0; bad = 1 }
		count[tid]++
		lines++
	}
	END {
		for (t in count) {
			ntids++
			if (count[t] != n) {
				print "tid " t ": " count[t] " lines"; bad = 1
			}
		}
		if (ntids != nth) { print ntids " tids, not " nth; bad = 1 }
		if (lines != nth * n) { print lines " lines"; bad = 1 }
		exit bad
	}' "$tmp/out" >"$tmp/check" || {
		head -20 "$tmp/check" >&2
		fail "$what: wrong output"
	}
	[ -z "$(ls "$w/d")" ] || fail "$what: links left in $w/d"
	echo "$what: $((t1 - t0)) s" >&2
done

cd "$tmp" || fail cd
check_no_leftovers
exit 0
