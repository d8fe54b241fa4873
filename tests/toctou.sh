#!/bin/sh
# TOCTOU attacks (tests/race.c): a thread, a CLONE_VM child or a process
# sharing a MAP_SHARED page flips the target or the link path of a looping
# symlinkat between an allowed and a forbidden value; a CLONE_FS child
# moves the shared cwd, a CLONE_FILES child the shared dirfd, between an
# allowed and a forbidden directory.
# Deny mode: zero links to /etc/passwd or into the guarded directory, and
# the counts add up.  Trace mode: every call whose on-disk link differs
# from the string read at entry is tagged TOCTOU; quiet calls never are.
. "$TESTSRC/lib.sh"
skip_unless_ptrace

RACE=$TESTBIN/race
# (Fewer under the sanitizers, which slow every call down several times.)
if [ -n "${SYMTRACE_SANITIZED:-}" ]; then
	N=${TOCTOU_CALLS:-1000}
else
	N=${TOCTOU_CALLS:-3000}
fi

# count PATTERN FILE: number of matching lines (0 when none).
count()
{
	grep -c -- "$1" "$2" || true
}

# Control: without symtrace the attack gets through (else this test could
# not fail).  Retried, since it depends on scheduling.
control_escapes=0
for try in 1 2 3; do
	d=$tmp/control$try
	mkdir -p "$d"
	"$RACE" thread target 2000 "$d" >/dev/null || fail "race failed natively"
	control_escapes=$(find "$d" -type l -lname '/etc/*' | wc -l)
	[ "$control_escapes" -gt 0 ] && break
done
[ "$control_escapes" -gt 0 ] ||
	fail "the race never succeeded without symtrace: the attack is broken"
echo "control: $control_escapes of 2000 links point to /etc without symtrace"
for mode in clonefs clonefiles; do
	for try in 1 2 3; do
		d=$tmp/control-$mode$try
		mkdir -p "$d/allowed" "$d/guarded"
		"$RACE" "$mode" link 2000 "$d" >/dev/null ||
			fail "race $mode failed natively"
		control_guarded=$(find "$d/guarded" -type l | wc -l)
		[ "$control_guarded" -gt 0 ] && break
	done
	[ "$control_guarded" -gt 0 ] ||
		fail "$mode never moved a link without symtrace: the attack is broken"
	echo "control: $mode put $control_guarded of 2000 links in guarded/"
done

# same_on_disk TRACE: every call reported successful made exactly the link
# the report shows (the judged strings), and every TOCTOU tag shows a
# second read that differs.
same_on_disk()
{
	python3 - "$1" <<'PY'
import os, re, sys
bad = 0
for line in open(sys.argv[1]):
    m = re.search(r'symlinkat\("([^"]*)", AT_FDCWD<([^>]*)>, "([^"]*)"\) = 0',
                  line)
    if not m:
        continue
    try:
        disk = os.readlink(os.path.join(m.group(2), m.group(3)))
    except OSError as e:
        disk = str(e)
    if disk != m.group(1):
        bad += 1
        print("differs on disk (%s):" % disk, line.rstrip())
sys.exit(1 if bad else 0)
PY
}

for mode in thread clonevm shared clonefs clonefiles; do
	for what in target link; do
		case $mode-$what in clone*-target) continue ;; esac
		d=$tmp/$mode-$what
		mkdir -p "$d/allowed" "$d/guarded"
		res=$("$SYMTRACE" -C -o "$d/trace" -r 'deny target=/etc/**' \
			-r "deny link=$d/guarded/**" -- \
			"$RACE" "$mode" "$what" "$N" "$d") ||
			fail "$mode $what: symtrace exited $?"
		# "calls N ok A failed F"
		set -- $res
		[ "$1 $2" = "calls $N" ] || fail "$mode $what: race said '$res'"
		ok=$4 failed=$6
		escapes=$(find "$d" -type l -lname '/etc/*' | wc -l)
		guarded=$(find "$d/guarded" -mindepth 1 | wc -l)
		lines=$(count '^\(\[pid [0-9]*\] \)\{0,1\}symlinkat(' "$d/trace")
		denied=$(count '<denied rule' "$d/trace")
		allowed_ok=$(count 'symlinkat(.*) = 0\( \|$\)' "$d/trace")
		allowed_err=$(grep 'symlinkat(' "$d/trace" | grep -v '<denied' |
			grep -c ' = -1 ' || true)
		killed=$(count '<killed' "$d/trace")
		toctou=$(count 'TOCTOU' "$d/trace")
		echo "$mode $what: calls $N ok $ok failed $failed denied $denied" \
			"escapes $escapes guarded $guarded toctou $toctou"
		[ "$escapes" -eq 0 ] ||
			fail "$mode $what: $escapes links to /etc got through"
		[ "$guarded" -eq 0 ] ||
			fail "$mode $what: $guarded links in the guarded dir"
		[ "$lines" -eq "$N" ] ||
			fail "$mode $what: $lines lines reported, $N calls made"
		[ $((denied + allowed_ok + allowed_err)) -eq "$N" ] ||
			fail "$mode $what: denied $denied + allowed $allowed_ok" \
				"+ failed $allowed_err != $N"
		[ "$allowed_ok" -eq "$ok" ] ||
			fail "$mode $what: $allowed_ok reported successes," \
				"the program counted $ok"
		[ $((denied + allowed_err)) -eq "$failed" ] ||
			fail "$mode $what: failures do not add up"
		# Deny mode makes each call itself from the copy it judged:
		# a rewrite of the strings meanwhile is only detected (tagged
		# TOCTOU), it never reaches the kernel, and nobody is killed.
		[ "$killed" -eq 0 ] ||
			fail "$mode $what: $killed callers killed"
		same_on_disk "$d/trace" ||
			fail "$mode $what: a link on disk is not what was judged"
		# The summary counts the same.
		grep -q "^symlinkat  *x86_64  *$N  *$((N - denied))  *$allowed_err  *$denied  *0 " \
			"$d/trace" || {
			tail -5 "$d/trace" >&2
			fail "$mode $what: summary does not match"
		}
		case $mode in
		clonefs | clonefiles) ;;
		*) [ "$what" = link ] && continue ;;
		esac
		[ "$denied" -gt 0 ] ||
			fail "$mode $what: nothing was denied (no race?)"
	done
done

# Trace mode: detection.  Every successful call whose link on disk differs
# from the target read at entry must be tagged.
d=$tmp/trace
mkdir -p "$d"
"$SYMTRACE" -o "$d/trace" -- "$RACE" thread target "$N" "$d" >/dev/null ||
	fail "trace mode: symtrace failed"
python3 - "$d/trace" <<'PY' || fail "trace mode: an undetected race (see above)"
import os, re, sys
differ = missed = tagged = 0
for line in open(sys.argv[1]):
    m = re.search(r'symlinkat\("([^"]*)", AT_FDCWD<[^>]*>, "([^"]*)"\) = 0',
                  line)
    if not m:
        continue
    disk = os.readlink(m.group(2))
    tagged += 'TOCTOU' in line
    if disk != m.group(1):
        differ += 1
        if 'TOCTOU' not in line:
            missed += 1
            print("untagged:", line.rstrip())
print("trace mode: %d calls changed on disk, %d tagged, %d missed"
      % (differ, tagged, missed))
sys.exit(1 if missed or not differ else 0)
PY

# No false positives: 10,000 quiet calls.
d=$tmp/quiet
mkdir -p "$d"
"$SYMTRACE" -o "$d/trace" -- "$RACE" quiet target 10000 "$d" >/dev/null ||
	fail "quiet: symtrace failed"
[ "$(count 'symlinkat(' "$d/trace")" -eq 10000 ] || fail "quiet: line count"
[ "$(count 'TOCTOU' "$d/trace")" -eq 0 ] || fail "quiet: false TOCTOU"
[ "$(count 'SHARED' "$d/trace")" -eq 0 ] || fail "quiet: false SHARED"

# Strings in a MAP_SHARED mapping are tagged SHARED.
d=$tmp/shared
mkdir -p "$d"
"$SYMTRACE" -o "$d/trace" -- "$RACE" shared target 200 "$d" >/dev/null ||
	fail "shared: symtrace failed"
[ "$(count '<SHARED>' "$d/trace")" -eq 200 ] ||
	fail "shared: $(count '<SHARED>' "$d/trace") of 200 tagged SHARED"
exit 0
