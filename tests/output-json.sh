#!/bin/sh
# output-json.sh - --json on real commands (ln -s, cp -a of a tree with
# symlinks, python's os.symlink with bytes that are not UTF-8, the helper
# with a directory fd and with int $0x80), with allow, audit, deny and kill
# rules: every line is valid JSON (python json.loads, python -m json.tool,
# jq -e), has the 23 documented keys in order with the right types and
# values, target_b64 gives back the exact bytes, and -v adds "exited" and
# "killed" notices.
. "$TESTSRC/lib.sh"

skip_unless_ptrace
find_python || skip "no python3"

w=$tmp/w
mkdir "$w" "$w/tree" "$w/tree/sub" "$w/sub" && cd "$w" ||
	fail "cannot set up $w"
echo f >tree/f && ln -s f tree/s1 && ln -s ../f tree/sub/s2 ||
	fail "cannot make the tree"

cat >"$tmp/mk.py" <<'EOF'
import os
os.symlink(b"\xff\xfe\x01\n\"\\", b"x")
EOF

# Lines of the form "ACTION RULE RULE_AT ERRNO RET ABI SYSCALL NEWDIRFD DIR LINKPATH
# PATH TARGET TARGET_RESOLVED COMM" (JSON values), one per call, and the
# notices as they are; after checking every key of every line.
cat >"$tmp/check.py" <<'EOF'
import base64, datetime, json, re, sys

KEYS = ["time", "pid", "tid", "ppid", "uid", "euid", "gid", "egid",
        "comm", "exe", "abi", "syscall", "target", "newdirfd", "dir",
        "linkpath", "path", "target_resolved", "ret", "errno", "action",
        "rule", "tags"]
STRS = ["target", "dir", "linkpath", "path", "target_resolved",
        "target_exit", "linkpath_exit", "disk_target", "target_physical"]
EXTRA = set(STRS[5:]) | {k + s for k in STRS
                         for s in ("_b64", "_addr", "_truncated")} | {
            "rule_at", "target_unjudged", "flags"}
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
ids = [int(a) for a in sys.argv[1:5]]
now = datetime.datetime.now(datetime.timezone.utc)
errors = []

def bad(n, msg):
    errors.append("line %d: %s" % (n, msg))

def check_time(n, t):
    if not isinstance(t, str) or not TIME.match(t):
        return bad(n, "time %r is not RFC 3339 UTC with microseconds" % t)
    d = datetime.datetime.strptime(t, "%Y-%m-%dT%H:%M:%S.%fZ")
    d = d.replace(tzinfo=datetime.timezone.utc)
    if abs((now - d).total_seconds()) > 60:
        bad(n, "time %s is far from now (%s)" % (t, now.isoformat()))

def isint(v):
    return isinstance(v, int) and not isinstance(v, bool)

for n, line in enumerate(sys.stdin.buffer.read().split(b"\n")[:-1], 1):
    o = json.loads(line)          # raises on invalid JSON
    if not isinstance(o, dict):
        bad(n, "not an object")
        continue
    if "event" in o:
        check_time(n, o.get("time"))
        print(json.dumps({k: v for k, v in o.items() if k != "time"}))
        continue
    # The documented keys in their order; the optional ones may follow
    # the string they are about (target, target_b64, newdirfd, ...).
    keys = list(o)
    if [k for k in keys if k in KEYS] != KEYS:
        bad(n, "keys %s, expected %s in this order" % (keys, KEYS))
    for i, k in enumerate(keys):
        if k in KEYS:
            continue
        if k not in EXTRA:
            bad(n, "unexpected key %s" % k)
        elif k.rsplit("_", 1)[1] in ("b64", "addr", "truncated") and \
                keys[i - 1] != k.rsplit("_", 1)[0]:
            bad(n, "key %s not right after its string" % k)
    check_time(n, o.get("time"))
    for k in ("pid", "tid", "ppid", "uid", "euid", "gid", "egid"):
        if not isint(o.get(k)):
            bad(n, "%s is not an integer" % k)
    if [o.get(k) for k in ("uid", "euid", "gid", "egid")] != ids:
        bad(n, "ids %s, expected %s" % ([o.get(k) for k in
            ("uid", "euid", "gid", "egid")], ids))
    if o.get("pid") != o.get("tid"):
        bad(n, "pid != tid in a single-threaded process")
    if not isinstance(o.get("comm"), str):
        bad(n, "comm is not a string")
    if not (o.get("exe") is None or isinstance(o.get("exe"), str)):
        bad(n, "exe is neither a string nor null")
    if o.get("abi") not in ("x86_64", "i386", "x32"):
        bad(n, "abi %r" % o.get("abi"))
    if not isinstance(o.get("syscall"), str):
        bad(n, "syscall is not a string")
    for k in STRS:
        if k in o and not (o[k] is None or isinstance(o[k], str)):
            bad(n, "%s is neither a string nor null" % k)
        if k + "_b64" in o:
            raw = base64.b64decode(o[k + "_b64"], validate=True)
            try:
                raw.decode("utf-8")
                bad(n, "%s_b64 for a valid UTF-8 string" % k)
            except UnicodeDecodeError:
                pass
            if raw.decode("utf-8", "replace") != o[k]:
                bad(n, "%s does not match %s_b64" % (k, k))
    fd = o.get("newdirfd")
    if o.get("syscall") == "symlink":
        if fd is not None:
            bad(n, "newdirfd %r for symlink, expected null" % fd)
    elif not isint(fd):
        bad(n, "newdirfd is not an integer")
    if not (o.get("ret") is None or isint(o.get("ret"))):
        bad(n, "ret is neither an integer nor null")
    if not (o.get("errno") is None or isinstance(o.get("errno"), str)):
        bad(n, "errno is neither a string nor null")
    if (o.get("ret") or 0) < 0 and not o.get("errno"):
        bad(n, "ret < 0 without errno")
    if o.get("ret") == 0 and o.get("errno") is not None:
        bad(n, "ret 0 with an errno")
    if o.get("action") not in ("allow", "deny", "kill", "audit"):
        bad(n, "action %r" % o.get("action"))
    if not (o.get("rule") is None or isint(o.get("rule"))):
        bad(n, "rule is neither an integer nor null")
    if ("rule_at" in o) != (o.get("rule") is not None) or \
            not isinstance(o.get("rule_at", ""), str) or \
            ("rule_at" in o and keys[keys.index("rule_at") - 1] != "rule"):
        bad(n, "rule_at is not a string right after a rule number")
    tags = o.get("tags")
    if not isinstance(tags, list) or any(t not in ("TOCTOU", "SHARED",
                                         "UNVERIFIED") for t in tags):
        bad(n, "tags %r" % tags)
    print("CALL " + " ".join(json.dumps(o.get(k)) for k in
          ("action", "rule", "rule_at", "errno", "ret", "abi", "syscall",
           "newdirfd", "dir", "linkpath", "path", "target",
           "target_resolved", "comm", "ppid")))
for e in errors:
    print(e, file=sys.stderr)
sys.exit(1 if errors else 0)
EOF

# validate FILE: every line is JSON for python (twice) and jq.
validate()
{
	"$PYTHON" -c 'import json,sys; [json.loads(l) for l in sys.stdin]' \
		<"$1" || { show output "$1"; fail "$1: invalid JSON (json.loads)"; }
	"$PYTHON" -m json.tool --json-lines <"$1" >/dev/null ||
		{ show output "$1"; fail "$1: invalid JSON (json.tool)"; }
	if command -v jq >/dev/null 2>&1; then
		jq -e . <"$1" >/dev/null ||
			{ show output "$1"; fail "$1: invalid JSON (jq)"; }
		[ "$(jq -c . <"$1" | wc -l)" -eq "$(wc -l <"$1")" ] ||
			fail "$1: jq does not see one object per line"
	else
		echo "NOTE: $me: no jq, checked with python only" >&2
	fi
}

H=$TESTBIN/symhelper
"$SYMTRACE" -v --json -o "$tmp/out" \
	-r 'deny:EACCES target=/etc/shadow' -r 'audit target=/etc/passwd' \
	-r 'kill target=/kill/**' -- sh -c '
	echo $$ >"$0"
	ln -s /etc/passwd a
	ln -s a a 2>/dev/null
	cp -a tree tree2
	"$1" "$2"
	"$3" symlinkat rel "$4/sub" lat >/dev/null
	"$3" int80 i86 li >/dev/null
	ln -s /etc/shadow d 2>/dev/null
	ln -s /kill/me k
	exit 3' "$tmp/sh.pid" "$PYTHON" "$tmp/mk.py" "$H" "$w" \
	>"$tmp/stdout" 2>"$tmp/err"
st=$?
[ $st -eq 3 ] || { show stderr "$tmp/err"; fail "exit status $st, expected 3"; }
sh=$(cat "$tmp/sh.pid")
validate "$tmp/out"
"$PYTHON" "$tmp/check.py" "$(id -ru)" "$(id -u)" "$(id -rg)" "$(id -g)" \
	<"$tmp/out" >"$tmp/got" || { show output "$tmp/out"; fail "bad keys"; }

# The calls, in order (cp's two may come in any order: sorted here).
sed "s|@W@|$w|g; s|@SH@|$sh|g" >"$tmp/want" <<'EOF'
CALL "audit" 2 "-r 2" null 0 "x86_64" "symlinkat" -100 "@W@" "a" "@W@/a" "/etc/passwd" "/etc/passwd" "ln" @SH@
CALL "allow" null null "EEXIST" -17 "x86_64" "symlinkat" -100 "@W@" "a" "@W@/a" "a" "@W@/a" "ln" @SH@
CALL "allow" null null null 0 "x86_64" "symlinkat" -100 "@W@" "tree2/s1" "@W@/tree2/s1" "f" "@W@/tree2/f" "cp" @SH@
CALL "allow" null null null 0 "x86_64" "symlinkat" -100 "@W@" "tree2/sub/s2" "@W@/tree2/sub/s2" "../f" "@W@/tree2/f" "cp" @SH@
CALL "allow" null null null 0 "x86_64" "symlink" null "@W@" "x" "@W@/x" "\ufffd\ufffd\u0001\n\"\\" "@W@/\ufffd\ufffd\u0001\n\"\\" "python" @SH@
CALL "allow" null null null 0 "x86_64" "symlinkat" 3 "@W@/sub" "lat" "@W@/sub/lat" "rel" "@W@/sub/rel" "symhelper" @SH@
CALL "allow" null null null 0 "i386" "symlink" null "@W@" "li" "@W@/li" "i86" "@W@/i86" "symhelper" @SH@
CALL "deny" 1 "-r 1" "EACCES" -13 "x86_64" "symlinkat" -100 "@W@" "d" "@W@/d" "/etc/shadow" "/etc/shadow" "ln" @SH@
CALL "kill" 3 "-r 3" null null "x86_64" "symlinkat" -100 "@W@" "k" "@W@/k" "/kill/me" "/kill/me" "ln" @SH@
EOF
grep '^CALL' "$tmp/got" >"$tmp/calls"
# Sort cp's two lines (lines 3-4) as in the expected list.
{ sed -n 1,2p "$tmp/calls"; sed -n 3,4p "$tmp/calls" | sort
  sed -n '5,$p' "$tmp/calls"; } >"$tmp/calls.s"
# python's comm depends on how it was installed: compare without it.
sed 's/ "[^"]*" [0-9]*$//' "$tmp/want" >"$tmp/want.nc"
sed 's/ "[^"]*" [0-9]*$//' "$tmp/calls.s" >"$tmp/calls.nc"
diff -u "$tmp/want.nc" "$tmp/calls.nc" >&2 || fail "calls differ"
# comm and ppid, python's line aside.
grep -v '"x"' "$tmp/want" >"$tmp/want.c"
grep -v '"x"' "$tmp/calls.s" >"$tmp/calls.c"
diff -u "$tmp/want.c" "$tmp/calls.c" >&2 || fail "comm or ppid differ"

# The exact bytes: target_b64 (and target_exit_b64) give back the link.
"$PYTHON" - "$tmp/out" <<'EOF' || fail "target_b64 does not round-trip"
import base64, json, os, sys
want = os.readlink(b"x")
assert want == b"\xff\xfe\x01\n\"\\", want
found = 0
for line in open(sys.argv[1], "rb"):
    o = json.loads(line)
    if o.get("linkpath") == "x":
        found += 1
        for k in ("target_b64", "target_exit_b64"):
            got = base64.b64decode(o[k])
            assert got == want, (k, got, want)
        # Deny mode made the link itself, from the judged copy (the
        # readlink above): there is no kernel's link to read back.
        assert "disk_target" not in o and "disk_target_b64" not in o
        assert base64.b64decode(o["target_resolved_b64"]) == \
            os.getcwd().encode() + b"/" + want
        assert "linkpath_b64" not in o and "path_b64" not in o
        assert o["target"] == "\ufffd\ufffd\x01\n\"\\", o["target"]
assert found == 1, found
EOF
if command -v jq >/dev/null 2>&1; then
	# The documented jq recipe finds the base64 of that line only.
	[ "$(jq -r '.target_b64 // empty' <"$tmp/out")" = "//4BCiJc" ] ||
		fail "jq: .target_b64 is not //4BCiJc"
fi

# The notices: one exited per process (ln's exit 1, the shell's 3), the
# killed ln.
grep -v '^CALL' "$tmp/got" >"$tmp/events"
[ "$(grep -c '"event": "exited"' "$tmp/events")" -eq 8 ] ||
	{ show events "$tmp/events"; fail "expected 8 exited events"; }
[ "$(grep -c '"event": "killed"' "$tmp/events")" -eq 1 ] ||
	{ show events "$tmp/events"; fail "expected 1 killed event"; }
grep -q '^{"event": "killed", "pid": [0-9]*, "signal": "SIGKILL", "core": false}$' \
	"$tmp/events" || { show events "$tmp/events"; fail "bad killed event"; }
[ "$(tail -n 1 "$tmp/events")" = \
	"{\"event\": \"exited\", \"pid\": $sh, \"status\": 3}" ] ||
	{ show events "$tmp/events"; fail "the last line is not the shell's exit 3"; }
[ "$(grep -c '"status": 1}$' "$tmp/events")" -eq 2 ] ||
	{ show events "$tmp/events"; fail "expected two exits with status 1"; }

# Without -v: calls only, no event; also for a command that fails.
"$SYMTRACE" -j -o "$tmp/out2" -- sh -c 'ln -s t j1; exit 1' 2>"$tmp/err"
st=$?
[ $st -eq 1 ] || fail "without -v: exit $st"
[ -s "$tmp/err" ] && { show stderr "$tmp/err"; fail "without -v: stderr"; }
validate "$tmp/out2"
[ "$(wc -l <"$tmp/out2")" -eq 1 ] && ! grep -q '"event"' "$tmp/out2" ||
	{ show output "$tmp/out2"; fail "without -v: not one call line"; }

# To standard error by default: still one object per line.
"$SYMTRACE" -j -- ln -s t j2 2>"$tmp/err3" >/dev/null || fail "stderr: exit $?"
validate "$tmp/err3"
[ "$(wc -l <"$tmp/err3")" -eq 1 ] || { show stderr "$tmp/err3"; fail "stderr"; }

cd "$tmp" || fail cd
check_no_leftovers
exit 0
