#!/bin/sh
# redteam17.sh - what a red-team pass found in the operational features of
# issue 17 (control socket and --status, -o FILE followed by name, the
# fail2ban filter's journal match).  Each case runs its native control
# first, then the attack against symtrace, and checks exact counts.
#
#   status: an untraced uid 2001 process named "symtrace" serves
#     /run/user/2001/symtrace/PID.sock (its own XDG_RUNTIME_DIR, as
#     logind makes it) with a forged answer holding terminal escapes (ESC,
#     a lone 0x9b CSI).  root's "symtrace --status PID" must print no byte
#     of it raw and say whose symtrace answered ("(of uid 2001)").
#   notice: -o FILE --json renamed (logrotate), then a rules file
#     changes: the rules_reloaded notice (written by the control thread)
#     must reach the new FILE (control: without the rename it is there).
#     It was written to FILE's closed descriptor number: lost.
#   fifo: -o DIR/log where DIR is writable by uid 2001: after a rename,
#     uid 2001 puts a FIFO at the name (control: a writer opening it
#     blocks), then its own regular file.  symtrace must neither block
#     (it did: in open(), every traced process with it, SIGTERM
#     ignored) nor write into uid 2001's file; the records stay in the
#     old file until a file of root's is there again.
#   journal: any local user can send a record with SYSLOG_IDENTIFIER=
#     symtrace SYMTRACE_ACTION=deny to the journal (control: journalctl
#     selects it), whose MESSAGE names another uid: contrib/fail2ban's
#     journalmatch must not select it (journald's trusted _UID), but
#     must select root's symtrace's own denial.  Runs a journald of its
#     own on a private /run; skipped where there is no systemd-journald.
#
# Needs root, ptrace, unshare(1) and setpriv(1); runs in a mount namespace
# of its own with a private tmpfs on /run (and /var/log/journal).
. "$TESTSRC/lib.sh"

LC_ALL=C
export LC_ALL

if [ -z "${REDTEAM17_NS:-}" ]; then
	[ "$(id -u)" -eq 0 ] || skip "needs root (uid 2001, a mount namespace)"
	skip_unless_ptrace
	for c in unshare setpriv mount; do
		command -v $c >/dev/null 2>&1 || skip "needs $c"
	done
	unshare -m true 2>/dev/null || skip "cannot make a mount namespace"
	REDTEAM17_NS=1
	export REDTEAM17_NS
	unshare -m /bin/sh "$0" "$@"
	st=$?
	[ $st -eq 0 ] && check_no_leftovers
	exit $st
fi

mount --make-rprivate / || fail "cannot make the mounts private"
mount -t tmpfs -o mode=0755 symtrace-test /run || fail "cannot mount /run"
[ -d /var/log/journal ] && { mount -t tmpfs -o mode=0755 symtrace-test \
	/var/log/journal || fail "cannot mount /var/log/journal"; }
as2001="setpriv --reuid=2001 --regid=2001 --clear-groups"
chmod 0711 "$tmp" || fail chmod
enter_w
chmod 0755 "$w" || fail chmod
bad=0
pass() { echo "PASS: $1"; }
bad() { echo "FAIL: $1" >&2; bad=1; }
pids=''
end_trap()
{
	_s=$?
	# shellcheck disable=SC2086
	[ -n "$pids" ] && kill -KILL $pids 2>/dev/null
	(exit $_s)
	cleanup
}
trap end_trap EXIT

# ---- status: a forged answer to root's --status ----------------------------
mkdir -m 0700 /run/user /run/user/2001 && chown 2001:2001 /run/user/2001 &&
	chmod 0755 /run/user || fail "/run/user/2001"
$as2001 mkdir -m 0700 /run/user/2001/symtrace || fail "uid 2001's symtrace dir"
# shellcheck disable=SC2016
$as2001 "$TESTBIN/redteam17" fakesym /run/user/2001/symtrace \
	'ok\nmode: deny\nrules: 12\n\e]0;pwned\x07\e[2J\x9b31mred\n' \
	>"$tmp/fake.log" 2>&1 &
pids="$pids $!"
wait_for_file "$tmp/fake.log" || fail "fakesym did not start"
fp=$(sed -n 's/^ready //p' "$tmp/fake.log")
[ -n "$fp" ] || { show log "$tmp/fake.log"; fail "fakesym: no pid"; }
"$SYMTRACE" --status "$fp" >"$tmp/st.out" 2>"$tmp/st.err"
st=$?
# The raw reply holds 3 escape bytes (ESC ESC 0x9b) and a BEL: none may
# reach the terminal.
raw=$(od -An -c "$tmp/st.out" | grep -c '033\|233\|\\a')
printf '%s\n' "pid $fp: symtrace $fp (of uid 2001)" "mode: deny" \
	"rules: 12" '\x1b]0;pwned\x07\x1b[2J\x9b31mred' >"$tmp/st.want"
if [ $st -eq 0 ] && [ "$raw" -eq 0 ] && cmp -s "$tmp/st.want" "$tmp/st.out" &&
	[ ! -s "$tmp/st.err" ]; then
	pass "status: the forged answer is escaped and marked as uid 2001's"
else
	show stdout "$tmp/st.out"
	show stderr "$tmp/st.err"
	bad "status: exit $st, $raw raw control byte(s), or not the lines expected"
fi

# A tracer of uid 2001's named with escapes: --status of its tracee names
# it, escaped.
$as2001 "$TESTBIN/redteam17" tracer '\e[2J\x9b31m' >"$tmp/tr.log" 2>&1 &
trp=$!
pids="$pids $trp"
wait_for_file "$tmp/tr.log" || fail "tracer did not start"
trc=$(sed -n 's/^ready //p' "$tmp/tr.log")
"$SYMTRACE" --status "$trc" >"$tmp/st.out" 2>"$tmp/st.err"
st=$?
raw=$(od -An -c "$tmp/st.err" | grep -c '033\|233')
want="symtrace: pid $trc is traced by $trp (\\x1b[2J\\x9b31m), not by symtrace"
if [ $st -eq 1 ] && [ "$raw" -eq 0 ] && [ "$(cat "$tmp/st.err")" = "$want" ] &&
	[ ! -s "$tmp/st.out" ]; then
	pass "status: a tracer's name is escaped"
else
	show stderr "$tmp/st.err"
	bad "status of a tracee: exit $st, $raw raw control byte(s), or not: $want"
fi
kill "$trp"

# ---- notice: the control thread's notices after a rotation -----------------
printf 'deny target=/etc/**\n' >"$tmp/r.rules"
cat >"$tmp/notice.sh" <<END
ln -s /etc/passwd n1
[ "\$1" = rotate ] && mv "$w/nlog" "$w/nlog.1"
ln -s /etc/passwd n2
printf '%s\n' 'deny target=/etc/**' 'deny target=/usr/**' >"$tmp/r.rules"
n=50
until grep -q 'rules reloaded' "$tmp/n.err"; do
	n=\$((n - 1)); [ \$n -le 0 ] && break; sleep 0.1
done
ln -s /usr n3
END
for mode in plain rotate; do
	printf 'deny target=/etc/**\n' >"$tmp/r.rules"
	rm -f "$w"/nlog* "$w"/n[123]
	"$SYMTRACE" --json --rules="$tmp/r.rules" -o "$w/nlog" -- \
		sh "$tmp/notice.sh" $mode 2>"$tmp/n.err"
	st=$?
	cat "$w"/nlog* >"$tmp/n.all" 2>/dev/null
	calls=$(grep -c '"syscall":"symlinkat"' "$tmp/n.all")
	notes=$(grep -c '"event":"rules_reloaded"' "$w/nlog")
	# (exit 1: the last ln fails)
	if [ $st -eq 1 ] && [ "$calls" -eq 3 ] && [ "$notes" -eq 1 ]; then
		pass "notice ($mode): 3 calls, 1 rules_reloaded notice in nlog"
	else
		show stderr "$tmp/n.err"
		show log "$tmp/n.all"
		bad "notice ($mode): exit $st, $calls calls, $notes notice(s) in nlog (want 1, 3, 1)"
	fi
done

# ---- fifo: a FIFO, then a file of uid 2001's, at the name of -o FILE -------
mkdir -m 0777 "$w/logs" || fail mkdir
$as2001 mkfifo "$w/logs/ctl" || fail mkfifo
timeout 2 sh -c "echo x >'$w/logs/ctl'"
[ $? -eq 124 ] || fail "native control: a writer of the FIFO did not block"
rm -f "$w/logs/ctl"
# The traced script makes a denied link, then waits for the test (an
# untraced process) to change what is at the name; each record is written
# when symtrace is next idle, after the change.
cat >"$tmp/fifo.sh" <<END
step() { touch "$w/ready\$1"; n=100; until [ -e "$w/go\$1" ]; do
	n=\$((n - 1)); [ \$n -le 0 ] && exit 9; sleep 0.1; done; }
ln -s /etc/passwd f1
sleep 0.5
step 1
ln -s /etc/passwd f2
sleep 0.5
step 2
ln -s /etc/passwd f3
sleep 0.5
step 3
ln -s /etc/passwd f4
END
# drive N: wait for the script's step N, do the rest of the arguments, go.
drive()
{
	_k=$1
	shift
	wait_for_file_exists "$w/ready$_k" || return 1
	"$@"
	touch "$w/go$_k"
}
wait_for_file_exists()
{
	_n=150
	until [ -e "$1" ]; do
		_n=$((_n - 1))
		[ $_n -le 0 ] && return 1
		sleep 0.1
	done
}
timeout -k 1 20 "$SYMTRACE" -r 'deny target=/etc/**' -o "$w/logs/log" -- \
	sh "$tmp/fifo.sh" >"$tmp/f.out" 2>"$tmp/f.err" &
spid=$!
pids="$pids $spid"
drive 1 sh -c "mv '$w/logs/log' '$w/logs/log.1' &&
	$as2001 mkfifo '$w/logs/log'" &&
	drive 2 sh -c "rm '$w/logs/log' && $as2001 touch '$w/logs/log'" &&
	drive 3 sh -c "wc -c <'$w/logs/log' >'$tmp/theirs' && rm '$w/logs/log'"
wait $spid
st=$?
# (Only regular files are read: a FIFO left at the name would block.)
count() { [ -f "$1" ] && grep -c 'symlinkat(' "$1"; }
old=$(count "$w/logs/log.1")
new=$(count "$w/logs/log")
theirs=$(cat "$tmp/theirs" 2>/dev/null)
if [ $st -eq 1 ] && [ "$old" = 3 ] && [ "$new" = 1 ] && [ "$theirs" = 0 ]; then
	pass "fifo: not blocked; 3 records in the old file, 0 bytes in uid 2001's, 1 in the new"
else
	show stderr "$tmp/f.err"
	bad "fifo: exit $st (want 1: ln failed), records old=$old new=$new theirs=$theirs (want 3 1 0)"
fi

# ---- journal: a record forged by uid 2001 and the fail2ban journalmatch ----
jd=/lib/systemd/systemd-journald
filter=$TESTSRC/../contrib/fail2ban/filter.d/symtrace.conf
if [ -x "$jd" ] && command -v journalctl >/dev/null 2>&1 &&
	command -v logger >/dev/null 2>&1; then
	mkdir -p /run/systemd/journal || fail "mkdir /run/systemd/journal"
	"$jd" >"$tmp/jd.log" 2>&1 &
	jpid=$!
	pids="$pids $jpid"
	n=50
	until [ -S /run/systemd/journal/socket ]; do
		n=$((n - 1))
		[ $n -le 0 ] && { show log "$tmp/jd.log"; fail "no journald"; }
		sleep 0.1
	done
	forged='pid=1 tid=1 uid=2002 user=site2 euid=2002 call=symlink abi=x86_64 ret=-1 errno=EPERM action=deny rule=forged comm=ln exe=/bin/ln link=l path=/p target=/etc/passwd target_resolved=/etc/passwd target_physical=-'
	printf '%s\n' SYSLOG_IDENTIFIER=symtrace SYMTRACE_ACTION=deny \
		"MESSAGE=$forged" | $as2001 logger --journald ||
		fail "logger --journald"
	"$SYMTRACE" --journal -r 'deny target=/etc/**' -- \
		ln -s /etc/passwd "$w/j1" 2>"$tmp/j.err"
	jm=$(sed -n 's/^journalmatch = //p' "$filter")
	[ -n "$jm" ] || fail "no journalmatch in $filter"
	n=50
	until journalctl -q --no-pager -o cat SYSLOG_IDENTIFIER=symtrace |
		grep -q 'link=/'; do
		n=$((n - 1))
		[ $n -le 0 ] && fail "symtrace's record is not in the journal"
		sleep 0.1
	done
	# shellcheck disable=SC2086
	journalctl -q --no-pager -o cat $jm >"$tmp/j.sel" 2>&1
	ctl=$(journalctl -q --no-pager -o cat SYSLOG_IDENTIFIER=symtrace \
		SYMTRACE_ACTION=deny | grep -c ' rule=forged ')
	forged_n=$(grep -c ' rule=forged ' "$tmp/j.sel")
	real_n=$(grep -c "uid=0 .* action=deny .* link=$w/j1 " "$tmp/j.sel")
	if [ "$ctl" -eq 1 ] && [ "$forged_n" -eq 0 ] && [ "$real_n" -eq 1 ]; then
		pass "journal: the forged record is not selected, symtrace's is"
	else
		show selected "$tmp/j.sel"
		bad "journal: control $ctl (want 1), forged $forged_n (want 0), real $real_n (want 1) selected by '$jm'"
	fi
	kill "$jpid"
	wait "$jpid" 2>/dev/null
else
	echo "SKIP: journal (no systemd-journald, journalctl or logger)"
fi

[ $bad -eq 0 ] || fail "some cases failed"
exit 0
