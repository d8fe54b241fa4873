#!/bin/sh
# attach-fork.sh - symtrace -p on a process that forks a child every 100 ms,
# each child making one link: the children forked after the attach are
# traced, their calls reported with their own [pid N]; after SIGINT new
# children run untraced and their links still succeed; the process exits 7
# on SIGTERM.
. "$TESTSRC/attach-lib.sh"

"$TESTBIN/attachee" forker "$w" >"$tmp/log" 2>&1 &
hpid=$!
wait_for_file "$tmp/log" || fail "the helper did not start"
attach
wait_lines 5
detach
grep -Eqx 'symtrace: detached from [0-9]+ tasks?' "$tmp/err" ||
	{ show stderr "$tmp/err"; fail "bad detach notice"; }

# Every line is "[pid CHILD] symlinkat("child", ..., "$w/cN") = 0" where
# the helper says its child CHILD made cN; the Ns are contiguous.
bad=$(grep -cv '^\[pid [0-9]*\] symlinkat("child", AT_FDCWD<'"$w"'>, "'"$w"'/c[0-9]*") = 0$' "$tmp/out")
[ "$bad" -eq 0 ] || { show output "$tmp/out"; fail "$bad malformed lines"; }
sed 's/^\[pid \([0-9]*\)\] .*\/\(c[0-9]*\)") = 0$/\2 \1 0/' "$tmp/out" \
	>"$tmp/seen"
# A child reported by symtrace may not be reaped yet: wait for its line.
last=$(tail -n 1 "$tmp/seen" | sed 's/^c\([0-9]*\) .*/\1/')
wait_grep "^c$((last + 2)) " "$tmp/log" ||
	{ show log "$tmp/log"; fail "no child made a link after detach"; }
sort "$tmp/seen" >"$tmp/seen.s"
sort "$tmp/log" >"$tmp/made"
comm -23 "$tmp/seen.s" "$tmp/made" >"$tmp/diff"
[ -s "$tmp/diff" ] && { show "reported, not made by that child" "$tmp/diff"
	fail "lines not matching the helper's children"; }
first=$(head -n 1 "$tmp/seen" | sed 's/^c\([0-9]*\) .*/\1/')
i=$first
while read -r name _; do
	[ "$name" = "c$i" ] || { show output "$tmp/out"; fail "c$i missing"; }
	i=$((i + 1))
done <"$tmp/seen"
[ "$(awk '{ print $2 }' "$tmp/seen" | sort -u | wc -l)" -eq \
	"$(wc -l <"$tmp/seen")" ] || fail "two calls with the same pid"
grep -q "^\\[pid $hpid\\]" "$tmp/out" && fail "a child reported as the parent"
check_link "$w/c$((last + 1))" child
check_link "$w/c$((last + 2))" child
finish 7

cd "$tmp" || fail cd
check_no_leftovers
exit 0
