#!/bin/sh
# output-file.sh - -o FILE truncates FILE, -A (--append) appends to it,
# -o with --json gives a JSON-lines file; with -o nothing goes to stderr;
# a file that cannot be opened is an error (125) before anything runs.
. "$TESTSRC/lib.sh"

skip_unless_ptrace
find_python || skip "no python3"

enter_w
line() { printf 'symlinkat("%s", AT_FDCWD<%s>, "%s") = 0\n' "$1" "$w" "$2"; }

# run NAME OPTS...: symtrace OPTS -- ln -s t_NAME NAME, which must exit 0
# and print nothing on stderr.
run()
{
	_n=$1
	shift
	"$SYMTRACE" "$@" -- ln -s "t_$_n" "$_n" >"$tmp/stdout" 2>"$tmp/err"
	_st=$?
	[ $_st -eq 0 ] || { show stderr "$tmp/err"; fail "$*: exit $_st"; }
	[ -s "$tmp/err" ] && { show stderr "$tmp/err"; fail "$*: stderr"; }
	[ -s "$tmp/stdout" ] && { show stdout "$tmp/stdout"; fail "$*: stdout"; }
	check_link "$_n" "t_$_n"
}

# Truncation: an old line, then a run with -o: only the new line.
echo "old line" >"$tmp/out"
run a -o "$tmp/out"
line t_a a >"$tmp/want"
diff -u "$tmp/want" "$tmp/out" >&2 || fail "-o did not truncate"
run b --output="$tmp/out"
line t_b b >"$tmp/want"
diff -u "$tmp/want" "$tmp/out" >&2 || fail "--output did not truncate"

# Append: the first run's line is still there after the second and third.
run c -A -o "$tmp/out"
run d --append --output="$tmp/out"
run e -o "$tmp/out" -A
{ line t_b b; line t_c c; line t_d d; line t_e e; } >"$tmp/want"
diff -u "$tmp/want" "$tmp/out" >&2 || fail "-A did not append"
# -A creates a missing file.
run f -A -o "$tmp/new"
line t_f f >"$tmp/want"
diff -u "$tmp/want" "$tmp/new" >&2 || fail "-A on a missing file"

# JSON-lines files, truncated and appended.
echo "not json" >"$tmp/json"
run g --json -o "$tmp/json"
run h -j -A -o "$tmp/json"
run i -A -j -o "$tmp/json"
[ "$(wc -l <"$tmp/json")" -eq 3 ] || { show json "$tmp/json"; fail "json: 3 lines"; }
"$PYTHON" -c '
import json, sys
names = [json.loads(l)["linkpath"] for l in sys.stdin]
assert names == ["g", "h", "i"], names
' <"$tmp/json" || { show json "$tmp/json"; fail "json: not g, h, i"; }
if command -v jq >/dev/null 2>&1; then
	[ "$(jq -r .linkpath <"$tmp/json" | tr -d '\n')" = ghi ] ||
		fail "json: jq does not read it"
fi
# Text appended after JSON: both kinds, each line whole.
run j -A -o "$tmp/json"
[ "$(tail -n 1 "$tmp/json")" = "$(line t_j j)" ] || fail "text after json"

# A file that cannot be opened: 125, the command is not run.
for bad in "$tmp/nodir/out" "$w"; do
	"$SYMTRACE" -o "$bad" -- ln -s t never >/dev/null 2>"$tmp/err"
	st=$?
	[ $st -eq 125 ] || { show stderr "$tmp/err"; fail "-o $bad: exit $st"; }
	grep -q "$bad" "$tmp/err" || { show stderr "$tmp/err"; fail "-o $bad: message"; }
	[ -L never ] && fail "-o $bad: the command ran"
done

cd "$tmp" || fail cd
check_no_leftovers
exit 0
