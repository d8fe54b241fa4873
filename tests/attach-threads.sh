#!/bin/sh
# attach-threads.sh - symtrace -p on a process of 5 threads, 4 of which
# create a link every 50 ms: every thread is attached and each one's calls
# are reported with its own [pid TID]; after SIGINT every thread runs on
# (its links still succeed) and the process exits 7 on SIGTERM.
. "$TESTSRC/attach-lib.sh"

"$TESTBIN/attachee" threads "$w" >"$tmp/log" 2>&1 &
hpid=$!
wait_grep '^t3_' "$tmp/log" || { show log "$tmp/log"; fail "no thread 3"; }
attach
wait_grep "^symtrace: attached to process $hpid \\(5 threads\\)\$" \
	"$tmp/err" || { show stderr "$tmp/err"; fail "bad attach notice"; }
# At least 5 calls of each thread.
n=100
until [ "$(grep -c '"thread", AT_FDCWD<.*/t[0-3]_[0-9]*") = 0$' "$tmp/out")" \
	-ge 20 ] && [ "$(sed -n 's/.*\/t\([0-3]\)_.*/\1/p' "$tmp/out" |
	sort | uniq -c | awk '$1 >= 5' | wc -l)" -eq 4 ]; do
	n=$((n - 1))
	[ $n -le 0 ] && { show output "$tmp/out"; fail "not 4 x 5 calls"; }
	sleep 0.1
done
detach
grep -qx 'symtrace: detached from 5 tasks' "$tmp/err" ||
	{ show stderr "$tmp/err"; fail "bad detach notice"; }

# Every line: "[pid TID] symlinkat(...t<i>_<n>) = 0" where the helper
# says thread i is TID and made t<i>_<n>.
bad=$(grep -cv '^\[pid [0-9]*\] symlinkat("thread", AT_FDCWD<'"$w"'>, "'"$w"'/t[0-3]_[0-9]*") = 0$' "$tmp/out")
[ "$bad" -eq 0 ] || { show output "$tmp/out"; fail "$bad malformed lines"; }
sed 's/^\[pid \([0-9]*\)\] .*\/\(t[0-3]_[0-9]*\)") = 0$/\2 \1/' \
	"$tmp/out" | sort >"$tmp/seen"
sort "$tmp/log" >"$tmp/made"
comm -23 "$tmp/seen" "$tmp/made" >"$tmp/diff"
[ -s "$tmp/diff" ] && { show "reported, not made by that tid" "$tmp/diff"; \
	fail "lines not matching the helper's links and threads"; }
[ "$(sort -u "$tmp/seen" | wc -l)" -eq "$(wc -l <"$tmp/seen")" ] ||
	{ show output "$tmp/out"; fail "a call reported twice"; }
tids=$(awk '{ print $2 }' "$tmp/seen" | sort -u | wc -l)
[ "$tids" -eq 4 ] || { show output "$tmp/out"; fail "$tids tids, expected 4"; }
# For each thread, its calls form one contiguous run (none missed).
for i in 0 1 2 3; do
	sed -n "s/^t${i}_\\([0-9]*\\) .*/\\1/p" "$tmp/seen" | sort -n >"$tmp/ns"
	lo=$(head -n 1 "$tmp/ns") hi=$(tail -n 1 "$tmp/ns")
	[ $((hi - lo + 1)) -eq "$(wc -l <"$tmp/ns")" ] ||
		{ show output "$tmp/out"; fail "thread $i: a call is missing"; }
	# It runs on: two more links of this thread, made successfully.
	wait_grep "^t${i}_$((hi + 2)) " "$tmp/log" ||
		{ show log "$tmp/log"; fail "thread $i stopped after detach"; }
	check_link "$w/t${i}_$((hi + 1))" thread
done
[ "$(ls /proc/"$hpid"/task | wc -l)" -eq 5 ] || fail "a thread is gone"
finish 7

cd "$tmp" || fail cd
check_no_leftovers
exit 0
