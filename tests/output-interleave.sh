#!/bin/sh
# output-interleave.sh - no line is ever interleaved with another: 8 threads
# making 1000 calls each give exactly 8000 whole, well-formed lines, each
# call once, to a -o file, to a pipe (stderr), and as JSON.
. "$TESTSRC/lib.sh"

skip_unless_ptrace
find_python || skip "no python3"

enter_w

# check.py MODE DIR < OUTPUT: 8000 lines, each whole and well-formed,
# naming each of the 8000 calls once, with 8 distinct thread ids.
cat >"$tmp/check.py" <<'EOF'
import json, re, sys

mode, w = sys.argv[1], sys.argv[2]
data = sys.stdin.buffer.read()
assert data.endswith(b"\n"), "no final newline"
lines = data.decode("utf-8").split("\n")[:-1]
assert len(lines) == 8000, "%d lines, expected 8000" % len(lines)
pat = re.compile(r'^\[pid (\d+)\] symlinkat\("target", AT_FDCWD<'
                 + re.escape(w) + r'>, "\./t([0-7])_(\d+)"\) = 0$')
seen, tids = set(), {}
for n, line in enumerate(lines, 1):
    if mode == "json":
        o = json.loads(line)
        assert o["ret"] == 0 and o["target"] == "target", line
        m = re.match(r"^\./t([0-7])_(\d+)$", o["linkpath"])
        assert m, line
        tid, key = o["tid"], m.groups()
    else:
        m = pat.match(line)
        assert m, "line %d is not well-formed: %r" % (n, line)
        tid, key = int(m.group(1)), m.groups()[1:]
    assert key not in seen, "line %d: t%s_%s twice" % (n, key[0], key[1])
    seen.add(key)
    assert tids.setdefault(key[0], tid) == tid, \
        "thread %s has two tids" % key[0]
assert len(seen) == 8000 and len(set(tids.values())) == 8, tids
EOF
check()
{
	"$PYTHON" "$tmp/check.py" "$1" "$w" <"$2" ||
		{ head -n 3 "$2" >&2; fail "$1: bad output"; }
}

H=$TESTBIN/symhelper
"$SYMTRACE" -o "$tmp/out" -- "$H" threads 8 1000 . >"$tmp/stdout" 2>"$tmp/err"
st=$?
[ $st -eq 0 ] || { show stderr "$tmp/err"; fail "-o: exit $st"; }
[ "$(cat "$tmp/stdout")" = 8000 ] || fail "-o: the helper failed"
[ -s "$tmp/err" ] && { show stderr "$tmp/err"; fail "-o: stderr"; }
check file "$tmp/out"

# To stderr, a pipe.
st=$({ { "$SYMTRACE" -- "$H" threads 8 1000 . 2>&1 >"$tmp/stdout" 3>&-
	echo $? >&3; } | cat >"$tmp/pipe"; } 3>&1)
[ "$st" = 0 ] || fail "pipe: exit $st"
[ "$(cat "$tmp/stdout")" = 8000 ] || fail "pipe: the helper failed"
check pipe "$tmp/pipe"

"$SYMTRACE" -j -o "$tmp/json" -- "$H" threads 8 1000 . >"$tmp/stdout" \
	2>"$tmp/err" || { show stderr "$tmp/err"; fail "json: exit $?"; }
check json "$tmp/json"

cd "$tmp" || fail cd
check_no_leftovers
exit 0
