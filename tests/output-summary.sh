#!/bin/sh
# output-summary.sh - -c gives exact counts per syscall and ABI (calls,
# allowed, errors, denied, killed, audited, toctou) and the processes and
# threads seen, and no per-call line; -C gives the calls and the table;
# -c --json gives one JSON object with the same numbers.
. "$TESTSRC/lib.sh"

skip_unless_ptrace
find_python || skip "no python3"

enter_w

# 3 symlinkat that succeed (one audited), 2 that fail with EEXIST, 1 i386
# symlink (int $0x80), 1 denied, 1 killed, 2 from two threads of a tenth
# process.  The shell forks each command (the last one is "exit").
run()
{
	rm -f l* t0_* t1_*
	"$SYMTRACE" "$@" -o "$tmp/out" -r 'deny target=/etc/**' \
		-r 'audit target=**/t3' -r 'kill target=/kill/**' -- sh -c '
		"$0" symlinkat t1 cwd l1
		"$0" symlinkat t2 cwd l2
		"$0" symlinkat t3 cwd l3
		"$0" symlinkat t1 cwd l1
		"$0" symlinkat t2 cwd l2
		"$0" int80 t4 l4
		"$0" symlinkat /etc/passwd cwd l5
		"$0" symlinkat /kill/x cwd l6
		"$0" threads 2 1 .
		exit 0' "$TESTBIN/symhelper" >"$tmp/stdout" 2>"$tmp/err"
	st=$?
	[ $st -eq 0 ] || { show stderr "$tmp/err"; fail "$*: exit $st"; }
	# The shell reports the killed helper ("Killed"); nothing else.
	grep -v Killed "$tmp/err" >&2 && fail "$*: stderr"
	check_link l3 t3
	check_link l4 t4
	[ -e l5 ] || [ -L l5 ] && fail "$*: the denied link exists"
	[ -e l6 ] || [ -L l6 ] && fail "$*: the killed call made its link"
}

cat >"$tmp/table" <<'EOF'
syscall abi calls allowed errors denied killed audited toctou
symlink i386 1 1 0 0 0 0 0
symlinkat x86_64 9 7 2 1 1 1 0
total 10 8 2 1 1 1 0
processes: 10, threads: 2
EOF

# -c: the table alone.
run -c
tr -s ' ' <"$tmp/out" >"$tmp/got"
diff -u "$tmp/table" "$tmp/got" >&2 || fail "-c: wrong table"
run --summary
tr -s ' ' <"$tmp/out" >"$tmp/got"
diff -u "$tmp/table" "$tmp/got" >&2 || fail "--summary: wrong table"

# -C: the ten calls, then the table.
run -C
[ "$(grep -c '^\[pid [0-9]*\] symlinka*t*(' "$tmp/out")" -eq 10 ] ||
	{ show output "$tmp/out"; fail "-C: expected 10 call lines"; }
sed -n '1,10p' "$tmp/out" | grep -v '^\[pid [0-9]*\] symlinka*t*(' &&
	fail "-C: the calls do not come first"
sed '1,10d' "$tmp/out" | tr -s ' ' >"$tmp/got"
diff -u "$tmp/table" "$tmp/got" >&2 || fail "-C: wrong table"
grep -q '"/etc/passwd".* <denied rule -r 1>$' "$tmp/out" || fail "-C: no denied"
grep -q '"/kill/x".* = ? <killed rule -r 3>$' "$tmp/out" ||
	{ show output "$tmp/out"; fail "-C: no killed"; }
grep -q ' <i386>$' "$tmp/out" || fail "-C: no i386"
run --summary-also
[ "$(wc -l <"$tmp/out")" -eq 15 ] || fail "--summary-also: not 15 lines"

# -c --json: one object.
run -c --json
[ "$(wc -l <"$tmp/out")" -eq 1 ] || { show output "$tmp/out"; fail "-c -j: lines"; }
"$PYTHON" -c '
import json, sys
o = json.loads(sys.stdin.read())
k = ["syscall", "abi", "calls", "allowed", "errors", "denied", "killed",
     "audited", "toctou"]
want = {"event": "summary", "processes": 10, "threads": 2, "syscalls": [
    dict(zip(k, ["symlink", "i386", 1, 1, 0, 0, 0, 0, 0])),
    dict(zip(k, ["symlinkat", "x86_64", 9, 7, 2, 1, 1, 1, 0]))]}
o["syscalls"].sort(key=lambda r: (r["syscall"], r["abi"]))
assert o == want, o
' <"$tmp/out" || { show output "$tmp/out"; fail "-c --json: wrong object"; }
if command -v jq >/dev/null 2>&1; then
	jq -e '.event == "summary"' <"$tmp/out" >/dev/null || fail "-c -j: jq"
fi
# -C --json: the calls as JSON lines, then the summary object.
run -C -j
[ "$(wc -l <"$tmp/out")" -eq 11 ] || fail "-C -j: not 11 lines"
"$PYTHON" -c 'import json,sys; [json.loads(l) for l in sys.stdin]' \
	<"$tmp/out" || fail "-C -j: invalid JSON"
tail -n 1 "$tmp/out" | grep -q '^{"event":"summary",' || fail "-C -j: last"

# Nothing traced: an empty table.
"$SYMTRACE" -c -o "$tmp/out" -- true || fail "-c true: exit $?"
printf '%s\n' "syscall abi calls allowed errors denied killed audited toctou" \
	"total 0 0 0 0 0 0 0" "processes: 1, threads: 0" >"$tmp/want"
tr -s ' ' <"$tmp/out" | sed 's/ $//' >"$tmp/got"
diff -u "$tmp/want" "$tmp/got" >&2 || fail "-c true: wrong table"

cd "$tmp" || fail cd
check_no_leftovers
exit 0
