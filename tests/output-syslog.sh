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
# syslog_run PRIS RULES SCRIPT: run "symtrace --syslog --rules=FILE -- sh -c
# SCRIPT", FILE holding RULES, with /dev/log replaced; its calls must be logged, in order, with
# the priorities PRIS (e.g. "84 86"), each message being
# "<PRI>TIMESTAMP symtrace[PID]: LINE", LINE the --format=kv output line.
syslog_run()
{
	pris=$1 script=$3
	printf '%s\n' "$2" >"$tmp/rules"
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
		sh -c "$script" \
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
	"$PYTHON" - "$tmp/msgs" "$tmp/out" "$spid" $pris <<'EOF' ||
import ast, re, sys
msgs = [ast.literal_eval(l) for l in open(sys.argv[1])]
out = open(sys.argv[2]).read().splitlines()
spid, pris = sys.argv[3], [int(p) for p in sys.argv[4:]]
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
    assert body == line, "message %r, output line %r" % (body, line)
EOF
	{ show messages "$tmp/msgs"; show output "$tmp/out"
	  fail "$script: bad messages"; }
}

# Denied: authpriv.warning (4 * 8 + 4); allowed: authpriv.info (4 * 8 + 6).
syslog_run "84 86" 'deny target=/etc/**' \
	'ln -s /etc/passwd x 2>/dev/null; ln -s /tmp y'
check_link y /tmp
[ -L x ] && fail "the denied link exists"
grep -q ' target=/etc/passwd .* action=deny rule='"$tmp"'/rules:1' \
	"$tmp/msgs" || fail "the denied message lacks rule=$tmp/rules:1"
grep -q ' target=/tmp .* action=allow rule=-' "$tmp/msgs" ||
	fail "no message for y"

# Audited: notice (85); killed: warning (84).  (The shell's "Killed"
# message is silenced.)
syslog_run "85 84" "audit target=/audit
kill target=/kill" 'exec 2>/dev/null; ln -s /audit a; ln -s /kill k; exit 0'
check_link a /audit
[ -L k ] && fail "the killed call made its link"
grep -q ' target=/audit .* action=audit rule='"$tmp"'/rules:1' \
	"$tmp/msgs" || fail "no audit rule=$tmp/rules:1"
grep -q ' target=/kill .* ret=? errno=- action=kill rule='"$tmp"'/rules:2' \
	"$tmp/msgs" || fail "no kill rule=$tmp/rules:2"

cd "$tmp" || fail cd
check_no_leftovers
exit 0
