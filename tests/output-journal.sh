#!/bin/sh
# output-journal.sh - --journal sends one record per call to the systemd
# journal by its native protocol: without systemd, in a private mount
# namespace with a tmpfs on /run, tests/journalrecv binds
# /run/systemd/journal/socket and decodes what arrives.  Checked: the
# exact fields of an allowed and a denied call (SYMTRACE_ACTION=deny is
# what "journalctl SYMTRACE_ACTION=deny" selects), the binary form of a
# field holding a newline, a record too large for a datagram passed as a
# sealed memfd, the choice of the journal by $JOURNAL_STREAM (and not
# with -o or --no-journal), and --journal without a journal (125).
. "$TESTSRC/lib.sh"

skip_unless_ptrace
command -v unshare >/dev/null 2>&1 || skip "no unshare"
unshare -m true 2>/dev/null || skip "unshare -m is not permitted here"

enter_w
recv=$TESTBIN/journalrecv
mk=$TESTBIN/mklink
sock=/run/systemd/journal/socket
printf '%s\n' 'deny target=/etc/**' >"$tmp/rules"

# jrun NAME ENV-AND-SYMTRACE-ARGS...: in a private mount namespace with a
# fresh /run, start the receiver (records to $tmp/NAME.rec), run
# "env ... symtrace ARGS" with stderr to $tmp/NAME.err, stdout to
# $tmp/NAME.out, its status to $tmp/NAME.st, then stop the receiver.
jrun()
{
	_n=$1
	shift
	rm -f "$tmp/$_n.ready"
	unshare -m sh -c '
		recv=$1 sock=$2 t=$3; shift 3
		mount --make-rprivate / 2>/dev/null
		mount -t tmpfs tmpfs /run || exit 99
		mkdir -p /run/systemd/journal || exit 99
		"$recv" listen "$sock" "$t.rec" "$t.ready" &
		r=$!
		n=100
		while [ ! -s "$t.ready" ] && [ $n -gt 0 ]; do
			sleep 0.1; n=$((n - 1))
		done
		env "$@" >"$t.out" 2>"$t.err"
		echo $? >"$t.st"
		"$recv" send "$sock" QUIT
		wait $r' sh "$recv" "$sock" "$tmp/$_n" "$@"
	[ $? -eq 99 ] && skip "cannot mount a tmpfs on /run"
	[ -s "$tmp/$_n.ready" ] || fail "$_n: the receiver did not start"
	[ -f "$tmp/$_n.st" ] || fail "$_n: symtrace did not run"
}
# pids and the time vary: masked.
mask()
{
	sed -e 's/^SYMTRACE_\(PID\|TID\)=[0-9]*$/SYMTRACE_\1=N/' \
	    -e 's/^MESSAGE=time=[^ ]* pid=[0-9]* tid=[0-9]* /MESSAGE=T /' "$1"
}

# ---- --journal: an allowed and a denied call; a newline in a name ----
jrun basic TZ=UTC "$SYMTRACE" --journal -o "$tmp/basic.trace" \
	--rules="$tmp/rules" -- sh -c \
	'"$1" symlinkat /etc/passwd cwd pw; "$1" symlink "a
b" ok' sh "$mk"
[ "$(cat "$tmp/basic.st")" = 0 ] || { show stderr "$tmp/basic.err"
	fail "basic: exit status $(cat "$tmp/basic.st")"; }
[ -s "$tmp/basic.err" ] && { show stderr "$tmp/basic.err"; fail "stderr"; }
check_link ok "a
b"
u=$(id -u) n=$(id -un)
cat >"$tmp/basic.want" <<END
-- empty
MESSAGE=T uid=$u user=$n euid=$u call=symlinkat abi=x86_64 ret=-1 errno=EPERM action=deny rule=$tmp/rules:1 comm=mklink exe=$mk link=pw path=$w/pw target=/etc/passwd target_resolved=/etc/passwd target_physical=/etc/passwd
PRIORITY=4
SYSLOG_FACILITY=10
SYSLOG_IDENTIFIER=symtrace
SYMTRACE_ACTION=deny
SYMTRACE_CALL=symlinkat
SYMTRACE_LINK=pw
SYMTRACE_PATH=$w/pw
SYMTRACE_TARGET=/etc/passwd
SYMTRACE_TARGET_RESOLVED=/etc/passwd
SYMTRACE_TARGET_PHYSICAL=/etc/passwd
SYMTRACE_RET=-1
SYMTRACE_ERRNO=EPERM
SYMTRACE_RULE=$tmp/rules:1
SYMTRACE_UID=$u
SYMTRACE_USER=$n
SYMTRACE_EUID=$u
SYMTRACE_PID=N
SYMTRACE_TID=N
SYMTRACE_COMM=mklink
SYMTRACE_EXE=$mk
--
MESSAGE=T uid=$u user=$n euid=$u call=symlink abi=x86_64 ret=0 errno=- action=allow rule=- comm=mklink exe=$mk link=ok path=$w/ok target="a\\\\nb" target_resolved="$w/a\\\\nb" target_physical="$w/a\\\\nb"
PRIORITY=6
SYSLOG_FACILITY=10
SYSLOG_IDENTIFIER=symtrace
SYMTRACE_ACTION=allow
SYMTRACE_CALL=symlink
SYMTRACE_LINK=ok
SYMTRACE_PATH=$w/ok
SYMTRACE_TARGET=a\\nb
SYMTRACE_TARGET_RESOLVED=$w/a\\nb
SYMTRACE_TARGET_PHYSICAL=$w/a\\nb
SYMTRACE_RET=0
SYMTRACE_UID=$u
SYMTRACE_USER=$n
SYMTRACE_EUID=$u
SYMTRACE_PID=N
SYMTRACE_TID=N
SYMTRACE_COMM=mklink
SYMTRACE_EXE=$mk
--
END
mask "$tmp/basic.rec" | diff -u "$tmp/basic.want" - >&2 ||
	fail "basic: wrong records"
# The raw datagram of the second record used the binary form for the
# target (its value holds a newline): journalrecv would have said BAD
# otherwise, and decoded "\n" only from it.
grep -q BAD "$tmp/basic.rec" && fail "basic: a malformed datagram"
# -o got the usual text lines meanwhile (--journal is "also").
[ "$(wc -l <"$tmp/basic.trace")" -eq 2 ] || fail "basic: the -o file"

# ---- a record too large for a datagram: a sealed memfd ----
long=$(printf '%03000d' 0 | tr 0 x)
jrun big SYMTRACE_JOURNAL_SNDBUF=4096 "$SYMTRACE" --journal -o /dev/null \
	-- "$mk" symlink "$long" big
[ "$(cat "$tmp/big.st")" = 0 ] || { show stderr "$tmp/big.err"; fail "big"; }
[ "$(grep -c '^--' "$tmp/big.rec")" -eq 2 ] || { show rec "$tmp/big.rec"
	fail "big: not 2 datagrams"; }
grep -qx -- '-- memfd sealed' "$tmp/big.rec" ||
	{ show rec "$tmp/big.rec"; fail "big: no sealed memfd"; }
grep -qx "SYMTRACE_TARGET=$long" "$tmp/big.rec" || fail "big: the target"
rm -f big

# ---- the journal chosen by $JOURNAL_STREAM naming stderr ----
# (jrun sends stderr to $tmp/NAME.err: name that file's dev:ino)
for c in auto auto-o auto-no; do
	: >"$tmp/$c.err"
done
js() { stat -c '%d:%i' "$tmp/$1.err"; }
jrun auto JOURNAL_STREAM="$(js auto)" "$SYMTRACE" -- "$mk" symlink t a1
jrun auto-o JOURNAL_STREAM="$(js auto-o)" "$SYMTRACE" -o "$tmp/auto-o.trace" \
	-- "$mk" symlink t a2
jrun auto-no JOURNAL_STREAM="$(js auto-no)" "$SYMTRACE" --no-journal -- \
	"$mk" symlink t a3
for c in auto auto-o auto-no; do
	[ "$(cat "$tmp/$c.st")" = 0 ] || { show stderr "$tmp/$c.err"
		fail "$c: exit status $(cat "$tmp/$c.st")"; }
done
# chosen: one record, nothing on stderr
[ -s "$tmp/auto.err" ] && { show stderr "$tmp/auto.err"; fail "auto: stderr"; }
grep -qx 'SYMTRACE_LINK=a1' "$tmp/auto.rec" || fail "auto: no record"
[ "$(grep -c '^--$' "$tmp/auto.rec")" -eq 1 ] || fail "auto: records"
# not chosen with -o or --no-journal: no record (not even the probe)
printf '%s\n' 'symlink("t", "a2"<'"$w"'/a2>) = 0' |
	diff -u - "$tmp/auto-o.trace" >&2 || fail "auto-o: the -o file"
[ -s "$tmp/auto-o.rec" ] && fail "auto-o: records sent"
printf '%s\n' 'symlink("t", "a3"<'"$w"'/a3>) = 0' |
	diff -u - "$tmp/auto-no.err" >&2 || fail "auto-no: stderr"
[ -s "$tmp/auto-no.rec" ] && fail "auto-no: records sent"

# ---- --journal with no journal: 125 before anything runs ----
unshare -m sh -c '
	mount --make-rprivate / 2>/dev/null
	mount -t tmpfs tmpfs /run || exit 99
	exec "$@"' sh "$SYMTRACE" --journal -- "$mk" symlink t none \
	>"$tmp/none.out" 2>"$tmp/none.err"
st=$?
[ $st -eq 125 ] || fail "--journal without a journal: status $st"
echo "symtrace: --journal: cannot send to $sock: No such file or directory" |
	diff -u - "$tmp/none.err" >&2 || fail "--journal without a journal"
[ -L none ] && fail "the command ran"

check_no_leftovers
exit 0
