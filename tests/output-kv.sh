#!/bin/sh
# output-kv.sh - --format=kv: one key=value line per call, every field in
# its place, values quoted and escaped as text lines quote strings when
# they need it; the time in ISO 8601 with the zone's offset.  Real calls:
# allowed, denied by a rules file line, and a link whose name and target
# hold a newline, a space, a quote, 0x9b and 0xff.
. "$TESTSRC/lib.sh"

skip_unless_ptrace
enter_w

printf '%s\n' '# rules' 'deny target=/etc/**' >"$tmp/rules"
mk=$TESTBIN/mklink
odd=$(printf 'a b"\233\377\nz')

TZ=XYZ-1 "$SYMTRACE" --format=kv -o "$tmp/out" --rules="$tmp/rules" -- \
	sh -c '"$1" symlinkat /etc/passwd cwd pw; "$1" symlink "$2" "$2"' \
	sh "$mk" "$odd" >"$tmp/stdout" 2>"$tmp/err"
st=$?
[ $st -eq 0 ] || { show stderr "$tmp/err"; fail "exit status $st"; }
[ -s "$tmp/err" ] && { show stderr "$tmp/err"; fail "stderr"; }
printf 'ret=-1 errno=EPERM\nret=0\n' | diff -u - "$tmp/stdout" >&2 ||
	fail "the helper's results"
check_link "$odd" "$odd"

# time=YYYY-MM-DDTHH:MM:SS.UUUUUU+01:00 first; then the rest, exactly.
grep -c '^time=20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\.[0-9]\{6\}+01:00 ' \
	"$tmp/out" | grep -qx 2 || { show out "$tmp/out"; fail "bad time"; }
user=$(id -un)
uid=$(id -u)
# (pids differ: each mklink is a process of its own)
sed 's/^time=[^ ]* pid=[0-9]* tid=[0-9]* /PIDS /' "$tmp/out" >"$tmp/got"
q='"a b\"\233\377\nz"'
cat >"$tmp/want" <<END
PIDS uid=$uid user=$user euid=$uid call=symlinkat abi=x86_64 ret=-1 errno=EPERM action=deny rule=$tmp/rules:2 comm=mklink exe=$mk link=pw path=$w/pw target=/etc/passwd target_resolved=/etc/passwd target_physical=/etc/passwd
PIDS uid=$uid user=$user euid=$uid call=symlink abi=x86_64 ret=0 errno=- action=allow rule=- comm=mklink exe=$mk link=$q path="$w/a b\"\233\377\nz" target=$q target_resolved="$w/a b\"\233\377\nz" target_physical="$w/a b\"\233\377\nz"
END
diff -u "$tmp/want" "$tmp/got" >&2 || fail "wrong kv lines"
# pid and tid are the helper's own: equal (single-threaded)
grep -c ' pid=\([0-9]*\) tid=\1 ' "$tmp/out" | grep -qx 2 ||
	fail "pid and tid differ"
if LC_ALL=C grep -n '[^ -~]' "$tmp/out" >&2; then
	fail "raw bytes in a kv line"
fi

# -v: the end of each task as a kv line too.
"$SYMTRACE" --format=kv -v -o "$tmp/out2" -- "$mk" symlink t l2 \
	>/dev/null 2>"$tmp/err" || fail "-v run: $(cat "$tmp/err")"
sed -n '2s/^time=[^ ]* event=exited pid=[0-9]* status=0$/ok/p' \
	"$tmp/out2" | grep -qx ok || { show out "$tmp/out2"; fail "-v line"; }
# --format: unknown names are refused; -j after --format=kv wins.
"$SYMTRACE" --format=xml -- true 2>"$tmp/err"
[ $? -eq 125 ] || fail "--format=xml accepted"
grep -q "unknown format 'xml'" "$tmp/err" || fail "--format=xml message"
"$SYMTRACE" --format=kv -j -o "$tmp/out3" -- "$mk" symlink t l3 \
	>/dev/null 2>&1 || fail "-j run"
grep -q '^{"time":' "$tmp/out3" || fail "-j after --format=kv is not JSON"

check_no_leftovers
exit 0
