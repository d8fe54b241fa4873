#!/bin/sh
# attach-tree.sh - symtrace -p MASTER on a master whose 3 workers (two
# children, one grandchild) are already running, each trying a symlink to
# /etc/passwd on SIGUSR1 (issue 17: "-p <master> guards the master only:
# 3 of 3 attacks passed").
#   native: the 3 links are made;
#   -p MASTER with a deny rule (--tree is the default then, and the
#   prefilter is injected into each process: after the detach their calls
#   fail with ENOSYS): the 3 calls
#     fail with EPERM, each reported by its worker's pid, nothing made;
#     the notices count the descendants; exit 0 after SIGINT;
#   --no-tree: the old behaviour, no warning, the 3 links are made;
#   a worker already traced by another symtrace: a warning naming it, its
#     comm, its parent and the reason; the notice says 1 is NOT traced;
#     its call goes through, the other 2 are denied; exit 1;
#   --tree in trace mode: the 3 calls are reported;
#   SYMTRACE_PROC_SCAN=1: the same through the scan of /proc (the
#     fallback where /proc/PID/task/TID/children is missing);
#   -j -v: the "tree" notice as a JSON object.
. "$TESTSRC/attach-lib.sh"

rule='deny target=/etc/**'
opid=''
# (The other symtrace too; the test's status is kept for cleanup.)
end_trap()
{
	_s=$?
	[ -n "$opid" ] && kill -KILL "$opid" 2>/dev/null
	(exit $_s)
	reap
	cleanup
}
trap end_trap EXIT

# start_tree: a fresh master ($hpid) and its workers ($w0 $w1 $w2).
start_tree()
{
	rm -f "$w"/w*_* "$tmp/log"
	"$TESTBIN/attachee" tree "$w" >"$tmp/log" 2>&1 &
	hpid=$!
	wait_grep '^ready$' "$tmp/log" || { show log "$tmp/log"; fail "no ready"; }
	w0=$(sed -n 's/^w0 \([0-9]*\) .*/\1/p' "$tmp/log")
	w1=$(sed -n 's/^w1 \([0-9]*\) .*/\1/p' "$tmp/log")
	w2=$(sed -n 's/^w2 \([0-9]*\) .*/\1/p' "$tmp/log")
	grep -qx "w0 $w0 $hpid" "$tmp/log" && grep -qx "w1 $w1 $hpid" "$tmp/log" &&
		grep -qx "w2 $w2 $w1" "$tmp/log" ||
		{ show log "$tmp/log"; fail "the workers are not as expected"; }
	round=0
}

# tree_taken: wait for the notice that the descendants were taken in
# (attach only waits for the master).
tree_taken()
{
	wait_grep ' descendants? of process ' "$tmp/err" ||
		{ show stderr "$tmp/err"; fail "$what: no notice of the tree"; }
}

# attack WANT0 WANT1 WANT2: SIGUSR1 to each worker; each must answer
# "wK ROUND WANTK" and leave DIR/wK_ROUND made (OK) or not.
attack()
{
	kill -USR1 "$w0" "$w1" "$w2"
	k=0
	for want in "$@"; do
		wait_grep "^w$k $round " "$tmp/log" 50 ||
			{ show log "$tmp/log"; fail "${what}: w$k did not answer"; }
		grep -qx "w$k $round $want" "$tmp/log" ||
			{ show log "$tmp/log"; fail "${what}: w$k: not $want"; }
		if [ "$want" = OK ]; then
			check_link "$w/w${k}_$round" /etc/passwd
		else
			[ -e "$w/w${k}_$round" ] || [ -L "$w/w${k}_$round" ] &&
				fail "${what}: w${k}_$round was made"
		fi
		k=$((k + 1))
	done
	round=$((round + 1))
}

# denied PID N: the report has the line of PID's denied call of round N.
denied()
{
	grep -qx "\\[pid $1\\] symlinkat(\"/etc/passwd\", AT_FDCWD<$w>, \"$w/w$2\") = -1 EPERM (Operation not permitted) <denied rule -r 1>" "$tmp/out" ||
		{ show output "$tmp/out"; fail "${what}: no denied line for $1"; }
}

# ---- native control: the attack works without symtrace.
what=native
start_tree
attack OK OK OK
finish 7

# ---- deny mode: the tree is taken by default.
what="deny -p master"
start_tree
attach -r "$rule"
tree_taken
attack EPERM EPERM EPERM
# (With the prefilter a denied call is reported at its only stop, and
# the line may reach the file after the worker's answer.)
wait_lines 3
sleep 0.2
[ "$(grep -c . "$tmp/out")" -eq 3 ] || { show output "$tmp/out"; fail "$what: not 3 lines"; }
denied "$w0" 0_0
denied "$w1" 1_0
denied "$w2" 2_0
detach
printf '%s\n' "symtrace: attached to process $hpid (1 thread)" \
	"symtrace: attached to 3 descendants of process $hpid (3 threads)" \
	"symtrace: detached from 4 tasks" >"$tmp/want"
diff -u "$tmp/want" "$tmp/err" >&2 || fail "$what: wrong messages"
# Detached: the prefilter injected into each process stays, and the
# guarded calls fail closed (issue 19).
what="after detaching"
for p in "$hpid" "$w0" "$w1" "$w2"; do
	grep -q '^Seccomp:[[:space:]]*2' /proc/"$p"/status ||
		fail "$what: $p has no filter"
done
attack "Function not implemented" "Function not implemented" \
	"Function not implemented"
finish 7

# ---- --no-tree: the old behaviour, without a warning.
what="deny --no-tree"
start_tree
attach -r "$rule" --no-tree
attack OK OK OK
[ -s "$tmp/out" ] && { show output "$tmp/out"; fail "$what: output"; }
detach
printf '%s\n' "symtrace: attached to process $hpid (1 thread)" \
	"symtrace: detached from 1 task" >"$tmp/want"
diff -u "$tmp/want" "$tmp/err" >&2 || fail "$what: wrong messages"
finish 7

# ---- a worker that cannot be taken in: already traced (by a symtrace in
# trace mode attached to w2 alone).  Its command name, which it chose,
# has an escape sequence: the warning escapes it.
what="deny, w2 traced already"
ATTACHEE_W2_COMM=$(printf 'w2\033[2J') start_tree
"$SYMTRACE" --no-tree -p "$w2" -o "$tmp/out.other" 2>"$tmp/err.other" &
opid=$!
n=100
until [ "$(tracer_of "$w2")" = "$opid" ]; do
	n=$((n - 1))
	[ $n -le 0 ] && { show stderr "$tmp/err.other"; fail "$what: w2 not traced"; }
	sleep 0.1
done
attach -r "$rule"
tree_taken
attack EPERM EPERM OK
wait_lines 2
sleep 0.2
[ "$(grep -c . "$tmp/out")" -eq 2 ] || { show output "$tmp/out"; fail "$what: not 2 lines"; }
denied "$w0" 0_0
denied "$w1" 1_0
kill -INT "$spid"
wait "$spid"
st=$?
spid=
[ $st -eq 1 ] || { show stderr "$tmp/err"; fail "$what: exit $st, expected 1"; }
printf '%s\n' "symtrace: attached to process $hpid (1 thread)" \
	"symtrace: cannot attach to $w2 (\"w2\\33[2J\"), a child of $w1: Operation not permitted (it is already traced by another process) [tracer pid $opid]" \
	"symtrace: attached to 2 descendants of process $hpid (2 threads); 1 could not be: they are NOT traced" \
	"symtrace: detached from 3 tasks" >"$tmp/want"
diff -u "$tmp/want" "$tmp/err" >&2 || fail "$what: wrong messages"
[ "$(tracer_of "$hpid")" = 0 ] || fail "$what: still traced"
kill -INT "$opid"
wait "$opid" || fail "$what: the other symtrace: exit $?"
opid=
grep -qx "symlinkat(\"/etc/passwd\", AT_FDCWD<$w>, \"$w/w2_0\") = 0" \
	"$tmp/out.other" || { show output "$tmp/out.other"; fail "$what: w2's call not seen by the other"; }
finish 7

# ---- trace mode: --tree asked for; then the fallback scan of /proc.
for scan in 0 1; do
	what="trace --tree (scan=$scan)"
	start_tree
	SYMTRACE_PROC_SCAN=$scan attach --tree
	tree_taken
	attack OK OK OK
	detach
	printf '%s\n' "symtrace: attached to process $hpid (1 thread)" \
		"symtrace: attached to 3 descendants of process $hpid (3 threads)" \
		"symtrace: detached from 4 tasks" >"$tmp/want"
	diff -u "$tmp/want" "$tmp/err" >&2 || fail "$what: wrong messages"
	k=0
	for p in "$w0" "$w1" "$w2"; do
		grep -qx "\\[pid $p\\] symlinkat(\"/etc/passwd\", AT_FDCWD<$w>, \"$w/w${k}_0\") = 0" \
			"$tmp/out" || { show output "$tmp/out"; fail "$what: no line for w$k"; }
		k=$((k + 1))
	done
	[ "$(grep -c . "$tmp/out")" -eq 3 ] || { show output "$tmp/out"; fail "$what: not 3 lines"; }
	finish 7
done

# ---- the notice in JSON (-j -v), and nothing on stderr with -q.
what="trace --tree -j -v -q"
start_tree
attach --tree -j -v -q
wait_grep '"event":"tree"' "$tmp/out" || { show output "$tmp/out"; fail "$what: no tree object"; }
detach
sed -n 's/^{"time":"[^"]*",\("event":"\(attached\|tree\|detached\)".*\)/{\1/p' \
	"$tmp/out" >"$tmp/notices"
printf '%s\n' "{\"event\":\"attached\",\"pid\":$hpid,\"threads\":1}" \
	"{\"event\":\"tree\",\"pid\":$hpid,\"descendants\":3,\"threads\":3,\"failed\":0}" \
	"{\"event\":\"detached\",\"tasks\":4}" >"$tmp/want"
diff -u "$tmp/want" "$tmp/notices" >&2 || fail "$what: wrong notices"
[ -s "$tmp/err" ] && { show stderr "$tmp/err"; fail "$what: stderr"; }
finish 7

# ---- bad command line.
"$SYMTRACE" --tree -- true >"$tmp/o" 2>"$tmp/e"
st=$?
[ $st -eq 125 ] || fail "--tree with a COMMAND: exit $st"
printf '%s\n' "symtrace: --tree and --no-tree need -p PID" \
	"Try 'symtrace --help' for more information." >"$tmp/want"
diff -u "$tmp/want" "$tmp/e" >&2 || fail "--tree with a COMMAND: wrong message"

cd "$tmp" || fail cd
check_no_leftovers
exit 0
