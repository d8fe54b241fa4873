#!/bin/sh
# output-time.sh - time stamps: -t (HH:MM:SS), -tt (HH:MM:SS.uuuuuu),
# -ttt (seconds.uuuuuu since the epoch) after the [pid N] prefix, and the
# JSON "time" (RFC 3339, UTC, microseconds): right format on every line,
# non-decreasing over 200 calls, and within the run's start and end.
. "$TESTSRC/lib.sh"

skip_unless_ptrace
find_python || skip "no python3"

enter_w

# check.py MODE START END < OUTPUT: the checks above; START and END are
# epoch seconds around the run.  Time of day is read as UTC (TZ=UTC).
cat >"$tmp/check.py" <<'EOF'
import datetime, json, re, sys

mode, start, end = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
pat = {
    "-t": r"(\d\d):(\d\d):(\d\d)",
    "-tt": r"(\d\d):(\d\d):(\d\d)\.(\d{6})",
    "-ttt": r"(\d{10,})\.(\d{6})",
}
call = r' symlinkat\("target", AT_FDCWD<[^>]*>, "\./t0_(\d+)"\) = 0$'
lines = sys.stdin.read().split("\n")
assert lines[-1] == "", "the output does not end with a newline"
lines = lines[:-1]
assert len(lines) == 200, "%d lines, expected 200" % len(lines)
day0 = datetime.datetime.fromtimestamp(start, datetime.timezone.utc)
day0 = day0.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
prev = None
for n, line in enumerate(lines):
    if mode == "json":
        o = json.loads(line)
        t = o["time"]
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", t), t
        d = datetime.datetime.strptime(t, "%Y-%m-%dT%H:%M:%S.%fZ")
        ts = d.replace(tzinfo=datetime.timezone.utc).timestamp()
        assert o["linkpath"] == "./t0_%d" % n, line
    else:
        m = re.match(r"^\[pid \d+\] " + pat[mode] + call, line)
        assert m, "line %d: %r does not match %s" % (n + 1, line, mode)
        g = m.groups()
        assert int(g[-1]) == n, "line %d: call t0_%s" % (n + 1, g[-1])
        if mode == "-ttt":
            ts = int(g[0]) + int(g[1]) / 1e6
        else:
            h, mi, s = int(g[0]), int(g[1]), int(g[2])
            assert h < 24 and mi < 60 and s < 61, line
            ts = day0 + h * 3600 + mi * 60 + s
            if mode == "-tt":
                ts += int(g[3]) / 1e6
            if ts < start - 43200:      # the run crossed midnight
                ts += 86400
    # -t truncates to the second.
    lo = int(start) if mode == "-t" else start
    assert lo - 0.001 <= ts <= end + 0.001, \
        "line %d: time %f not within the run (%f to %f)" % (n + 1, ts,
                                                          start, end)
    assert prev is None or ts >= prev, \
        "line %d: time %f before the previous one %f" % (n + 1, ts, prev)
    prev = ts
EOF

now() { "$PYTHON" -c 'import time; print("%.6f" % time.time())'; }

for mode in -t -tt -ttt json; do
	case $mode in
	json) opts="-j -tt" ;;		# -t does not change JSON
	*) opts=$mode ;;
	esac
	start=$(now)
	# One thread makes 200 calls one after the other.
	# shellcheck disable=SC2086 # a list of options
	TZ=UTC "$SYMTRACE" $opts -o "$tmp/out" -- \
		"$TESTBIN/symhelper" threads 1 200 . >"$tmp/stdout" 2>"$tmp/err"
	st=$?
	end=$(now)
	[ $st -eq 0 ] || { show stderr "$tmp/err"; fail "$mode: exit $st"; }
	[ -s "$tmp/err" ] && { show stderr "$tmp/err"; fail "$mode: stderr"; }
	[ "$(cat "$tmp/stdout")" = 200 ] || fail "$mode: the helper failed"
	"$PYTHON" "$tmp/check.py" "$mode" "$start" "$end" <"$tmp/out" || {
		head -n 5 "$tmp/out" >&2
		fail "$mode: bad time stamps"
	}
done

# Without -t, no time stamp.
"$SYMTRACE" -o "$tmp/out" -- ln -s a b 2>"$tmp/err" || fail "no -t: exit $?"
printf 'symlinkat("a", AT_FDCWD<%s>, "b") = 0\n' "$w" >"$tmp/want"
diff -u "$tmp/want" "$tmp/out" >&2 || fail "no -t: unexpected output"

cd "$tmp" || fail cd
check_no_leftovers
exit 0
