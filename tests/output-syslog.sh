#!/bin/sh
# output-syslog.sh - --syslog sends one message per call to /dev/log,
# facility authpriv, the kv line as the message (the same as
# --format=kv's line): a denied call at warning (<84>) with
# "action=deny rule=FILE:1", an allowed one at info (<86>), tagged
# "symtrace[PID]:".  /dev/log is
# replaced, in a private mount namespace, by a socket a small python
# receiver listens on.
. "$TESTSRC/lib.sh"

skip_unless_ptrace
find_python || skip "no python3"
command -v unshare >/dev/null 2>&1 || skip "no unshare"
unshare -m true 2>/dev/null || skip "unshare -m is not permitted here"

enter_w

# The bind mount needs a file at /dev/log; make an empty one if there is
# none, and remove it at the end, also on failure.
made_devlog=
rpid=
devlog_cleanup()
{
	_st=$?
	[ -n "$rpid" ] && kill "$rpid" 2>/dev/null
	if [ -n "$made_devlog" ] && [ -f /dev/log ] && [ ! -s /dev/log ]; then
		rm -f /dev/log
	fi
	return $_st
}
trap 'devlog_cleanup; cleanup' EXIT
if [ ! -e /dev/log ] && [ ! -L /dev/log ]; then
	: >/dev/log 2>/dev/null || skip "cannot create /dev/log"
	made_devlog=yes
fi

# The receiver: writes each datagram as one line (repr of the bytes) to
# its output; "ready" once bound; quits after 10 s or when told.
cat >"$tmp/recv.py" <<'EOF'
import os, socket, sys
sock_path, out, ready = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sock_path)
open(ready, "w").write("ready\n")
s.settimeout(10)
with open(out, "w") as f:
    while True:
        try:
            d = s.recv(65536)
        except socket.timeout:
            break
        if d == b"quit":
            break
        f.write(repr(d) + "\n")
        f.flush()
EOF
# syslog_run PRIS RULES SCRIPT [ARG...]: run "symtrace --syslog
# --rules=FILE -- sh -c SCRIPT ARG...", FILE holding RULES, with /dev/log
# replaced; its calls must be logged, in order, with the priorities PRIS
# (e.g. "84 86"), each message being "<PRI>TIMESTAMP symtrace[PID]: LINE",
# LINE the --format=kv output line (with $cut set to the deciding rule's
# FILE:LINE: LINE cut as the python check below says).
cut=
syslog_run()
{
	pris=$1 script=$3
	printf '%s\n' "$2" >"$tmp/rules"
	shift 3
	rm -f "$tmp/log.sock" "$tmp/ready" "$tmp/msgs"
	"$PYTHON" "$tmp/recv.py" "$tmp/log.sock" "$tmp/msgs" "$tmp/ready" &
	rpid=$!
	wait_for_file "$tmp/ready" || fail "the receiver did not start"

	# In a private mount namespace: /dev/log is our socket; the shell
	# records symtrace's pid, then becomes symtrace.
	unshare -m sh -c '
		mount --make-rprivate / 2>/dev/null
		mount --bind "$1" /dev/log || exit 99
		shift
		echo $$ >"$1"
		shift
		exec "$@"' sh "$tmp/log.sock" "$tmp/st.pid" \
		"$SYMTRACE" --syslog --format=kv -o "$tmp/out" \
		--rules="$tmp/rules" -- \
		sh -c "$script" "$@" \
		>"$tmp/stdout" 2>"$tmp/err"
	st=$?
	[ $st -eq 99 ] &&
		{ show stderr "$tmp/err"; skip "cannot bind-mount /dev/log"; }
	[ $st -eq 0 ] || { show stderr "$tmp/err"; fail "exit status $st"; }
	[ -s "$tmp/err" ] && { show stderr "$tmp/err"; fail "stderr"; }
	spid=$(cat "$tmp/st.pid")
	# Stop the receiver (the messages were sent before symtrace exited).
	"$PYTHON" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(b"quit", sys.argv[1])' "$tmp/log.sock" ||
		fail "cannot stop the receiver"
	wait "$rpid"
	rpid=
	SYSLOG_CUT=$cut "$PYTHON" - "$tmp/msgs" "$tmp/out" "$spid" $pris <<'EOF' ||
import ast, os, re, sys
msgs = [ast.literal_eval(l) for l in open(sys.argv[1])]
out = open(sys.argv[2]).read().splitlines()
spid, pris = sys.argv[3], [int(p) for p in sys.argv[4:]]
cut = os.environ.get("SYSLOG_CUT")
assert len(out) == len(pris), "%d output lines" % len(out)
assert len(msgs) == len(pris), "%d messages, expected %d" % (len(msgs),
                                                            len(pris))
for m, pri, line in zip(msgs, pris, out):
    m = m.decode().rstrip("\0\n")
    r = re.match(r"^<(\d+)>(.*?)symtrace\[(\d+)\]: (.*)$", m, re.S)
    assert r, "not a syslog message: %r" % m
    assert int(r.group(1)) == pri, "priority <%s>, expected <%d>: %r" % (
        r.group(1), pri, m)
    assert r.group(3) == spid, "pid %s, expected %s" % (r.group(3), spid)
    body = r.group(4)
    assert re.match(r"^time=\S+ pid=\d+ tid=\d+ uid=0 user=root ", body), \
        "not a kv line: %r" % body
    if not cut:
        assert body == line, "message %r, output line %r" % (body, line)
        continue
    # A record longer than a syslog daemon keeps (rsyslog: 8 KiB): the
    # decision in its first 8192 bytes; the message cut to fit, marked;
    # the -o line whole.
    assert (" action=deny rule=%s " % cut) in m[:8192], \
        "action=deny rule=%s not in the first 8192 bytes" % cut
    assert len(m) <= 8192, "a message of %d bytes" % len(m)
    assert body.endswith(" truncated=yes"), "not marked: %r" % body[-200:]
    assert len(line) > 8192 and "truncated" not in line, "the line is cut"
    head = line[:line.index(" comm=")]
    assert body.startswith(head + " comm="), "%r != %r" % (body, line)
EOF
	{ show messages "$tmp/msgs"; show output "$tmp/out"
	  fail "$script: bad messages"; }
}

# Denied: authpriv.warning (4 * 8 + 4); allowed: authpriv.info (4 * 8 + 6).
syslog_run "84 86" 'deny target=/etc/**' \
	'ln -s /etc/passwd x 2>/dev/null; ln -s /tmp y'
check_link y /tmp
[ -L x ] && fail "the denied link exists"
grep -q ' action=deny rule='"$tmp"'/rules:1 .* target=/etc/passwd ' \
	"$tmp/msgs" || fail "the denied message lacks rule=$tmp/rules:1"
grep -q ' action=allow rule=- .* target=/tmp ' "$tmp/msgs" ||
	fail "no message for y"

# Audited: notice (85); killed: warning (84).  (The shell's "Killed"
# message is silenced.)
syslog_run "85 84" "audit target=/audit
kill target=/kill" 'exec 2>/dev/null; ln -s /audit a; ln -s /kill k; exit 0'
check_link a /audit
[ -L k ] && fail "the killed call made its link"
grep -q ' action=audit rule='"$tmp"'/rules:1 .* target=/audit ' \
	"$tmp/msgs" || fail "no audit rule=$tmp/rules:1"
grep -q ' ret=? errno=- action=kill rule='"$tmp"'/rules:2 .* target=/kill ' \
	"$tmp/msgs" || fail "no kill rule=$tmp/rules:2"

# A denied call with a link path of 3000 bytes (12 names of 250 bytes
# 0xff, 4 bytes each escaped: link= and path= hold 12 KB each): the
# syslog message keeps action=deny and rule= in its first 8192 bytes
# (they came after link= and path=, at byte 24000 or so, before), and is
# cut to 8 KiB, marked truncated=yes; the -o line has the whole path.
n=$(printf '\377%.0s' $(seq 250))
long=$n/$n/$n/$n/$n/$n/$n/$n/$n/$n/$n/$n
[ "$(printf %s "$long" | wc -c)" -eq 3011 ] || fail "the long path's length"
mkdir -p "${long%/*}" || fail "mkdir the long path"
cut=$tmp/rules:1
syslog_run "84" 'deny target=/etc/**' \
	'ln -s /etc/passwd "$0" 2>/dev/null; exit 0' "$long"
[ -L "$long" ] && fail "the long denied link exists"
rm -r "${long%%/*}" || fail "rm the long path"

cd "$tmp" || fail cd
check_no_leftovers
exit 0
