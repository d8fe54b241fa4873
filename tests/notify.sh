#!/bin/sh
# notify.sh - the sd_notify relay (issue 17, item 5: Type=notify units).
# A stand-in for systemd's notify socket (tests/notifier listen, with
# SO_PASSCRED: it prints each message with its sender's pid and uid and
# the number of descriptors that came with it) and a command that sends
# to $NOTIFY_SOCKET as sd_notify() does (notifier send; it ends with a
# barrier, so what it sent has been handled before it exits).  Each case
# has its native control (the same command without symtrace), then:
#  1. the main process's READY=1, STATUS=x, MAINPID=123 reach systemd's
#     socket as READY=1, STATUS=x, sent by symtrace's pid; MAINPID goes,
#     with one notice;
#  2. a child of the main process (a worker), same uid, sends STOPPING=1:
#     nothing arrives; one notice;
#  3. root only: a worker of another uid (2001) cannot reach the relay's
#     socket (the 0700 directory); with CAP_DAC_OVERRIDE past it, its
#     message is dropped (not the main pid); the main process, a shell
#     that execs the sender (same pid), is heard; --status counts both;
#  4. a descriptor sent with READY=1: READY=1 arrives without it, and
#     symtrace has closed it;
#  5. a '\r' cannot hide MAINPID=1 behind STATUS=a; a message of 4097
#     bytes is dropped, one of 4096 passes;
#  6. an abstract NOTIFY_SOCKET (@name);
#  7. the command's NOTIFY_SOCKET is symtrace's socket, which is gone
#     after the exit; --no-notify leaves systemd's to the command, and
#     its messages reach systemd unchanged (MAINPID included);
#  8. with systemd-notify installed: a shell script's systemd-notify (a
#     child of the main process) is dropped - as systemd's own
#     NotifyAccess=main refuses it;
#  9. NOTIFY_SOCKET in a form symtrace cannot relay to (vsock:): exit 125
#     with the reason, nothing run;
# 10. WATCHDOG_PID=<symtrace> (WatchdogSec=) becomes the command's own pid,
#     so that sd_watchdog_enabled() there says yes; another value, and
#     with --no-notify, is left alone.
. "$TESTSRC/lib.sh"

skip_unless_ptrace

LC_ALL=C
export LC_ALL
N=$TESTBIN/notifier
uid=$(id -u)
if [ "$uid" -eq 0 ]; then
	rundir=/run/symtrace
else
	# The relay's directory without root.
	mkdir -m 0700 "$tmp/xdg" || fail mkdir
	XDG_RUNTIME_DIR=$tmp/xdg
	export XDG_RUNTIME_DIR
	rundir=$XDG_RUNTIME_DIR/symtrace
fi
mkdir -m 0755 "$tmp/pub" && chmod 0755 "$tmp" || fail mkdir
FAKE=$tmp/pub/notify

listener=
# listen ADDR: the stand-in for systemd's socket, its output in $tmp/got.
listen()
{
	addr=$1
	case $addr in /*) rm -f "$addr" ;; esac
	rm -f "$tmp/got.raw"
	"$N" listen "$addr" >"$tmp/got.raw" 2>&1 &
	listener=$!
	_n=100
	until [ "$(head -n 1 "$tmp/got.raw" 2>/dev/null)" = listening ]; do
		_n=$((_n - 1))
		[ $_n -gt 0 ] || fail "the stand-in for systemd did not start: $(cat "$tmp/got.raw")"
		sleep 0.1
	done
	case $addr in /*) chmod 0666 "$addr" ;; esac
}
# got LINE...: the messages that reached it, exactly.
got()
{
	got_raw
	if [ $# -eq 0 ]; then
		: >"$tmp/got.exp"
	else
		printf '%s\n' "$@" >"$tmp/got.exp"
	fi
	diff -u "$tmp/got.exp" "$tmp/got" >&2 ||
		fail "$what: what reached systemd's socket is not as expected"
}
got_raw()
{
	NOTIFY_SOCKET=$addr "$N" send -B X-TEST-END=1 >/dev/null ||
		fail "cannot end the stand-in"
	wait $listener || { cat "$tmp/got.raw" >&2; fail "$what: the stand-in failed"; }
	sed 1d "$tmp/got.raw" >"$tmp/got"
}
# so LINE...: the command's stdout; se LINE...: symtrace's stderr.
so()
{
	printf '%s\n' "$@" | diff -u - "$tmp/so" >&2 || fail "$what: the command's output"
}
se()
{
	if [ $# -eq 0 ]; then
		[ -s "$tmp/se" ] && { show stderr "$tmp/se"; fail "$what: stderr"; }
	else
		printf '%s\n' "$@" | diff -u - "$tmp/se" >&2 || fail "$what: stderr"
	fi
	return 0
}
# native CMD...: without symtrace; sym [OPTS] -- CMD...: under symtrace
# (its pid in $sym, its status in $st).
native()
{
	NOTIFY_SOCKET=$addr "$@" >"$tmp/so" 2>"$tmp/se"
	st=$?
}
sym()
{
	NOTIFY_SOCKET=$addr "$SYMTRACE" "$@" >"$tmp/so" 2>"$tmp/se" &
	sym=$!
	wait $sym
	st=$?
}
# The pids the notifier printed.
mainpid() { sed -n 's/^main pid=//p' "$tmp/so"; }
sentpid() { sed -n 's/^sent pid=//p' "$tmp/so"; }
field_notice="symtrace: sd_notify: not passed on to systemd: MAINPID (symtrace passes on READY=1, RELOADING=1, STOPPING=1, WATCHDOG=1, STATUS=, ERRNO=, BUSERROR=, EXTEND_TIMEOUT_USEC=, MONOTONIC_USEC= and stays the main process; further ones are counted: --status)"
other_notice()
{
	echo "symtrace: sd_notify: dropped a message from pid $1 (uid $2): only the command's main process (pid $3) may notify systemd through symtrace (further ones are counted: --status)"
}

# ---- 1: the main process --------------------------------------------------
what="1 native"
listen "$FAKE"
native "$N" send READY=1 STATUS=x MAINPID=123
m=$(mainpid)
got "message pid=$m uid=$uid fds=0" READY=1 STATUS=x MAINPID=123 \
	"message pid=$m uid=$uid fds=1" BARRIER=1
what="1 relay"
listen "$FAKE"
sym -- "$N" send READY=1 STATUS=x MAINPID=123
[ $st -eq 0 ] || fail "$what: exit status $st"
m=$(mainpid)
[ -n "$m" ] && [ "$m" != "$sym" ] || fail "$what: main pid '$m', symtrace $sym"
so "main pid=$m" "sent pid=$m" "barrier ok"
se "$field_notice"
got "message pid=$sym uid=$uid fds=0" READY=1 STATUS=x

# ---- 2: a worker, same uid ------------------------------------------------
what="2 native"
listen "$FAKE"
native "$N" send -f STOPPING=1
m=$(mainpid) c=$(sentpid)
got "message pid=$c uid=$uid fds=0" STOPPING=1 \
	"message pid=$m uid=$uid fds=1" BARRIER=1
what="2 relay"
listen "$FAKE"
sym -- "$N" send -f STOPPING=1
m=$(mainpid) c=$(sentpid)
[ -n "$c" ] && [ "$c" != "$m" ] || fail "$what: sender '$c', main '$m'"
so "main pid=$m" "sent pid=$c" "barrier ok"
se "$(other_notice "$c" "$uid" "$m")"
got

# ---- 3: a worker of another uid; exec keeps the main pid; --status --------
if [ "$uid" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
	as2001="setpriv --reuid=2001 --regid=2001 --clear-groups"
	caps="--inh-caps=+dac_override --ambient-caps=+dac_override"
	what="3 native"
	listen "$FAKE"
	native $as2001 "$N" send -B STOPPING=1
	c=$(sentpid)
	got "message pid=$c uid=2001 fds=0" STOPPING=1
	what="3 relay, no way in"
	listen "$FAKE"
	sym -- sh -c "$as2001 $N send -B STOPPING=1; exec $N send READY=1"
	c=$(sed -n '1s/^main pid=//p' "$tmp/so")
	m=$(sed -n '3s/^main pid=//p' "$tmp/so")
	so "main pid=$c" "send pid=$c: Permission denied" "main pid=$m" \
		"sent pid=$m" "barrier ok"
	se
	got "message pid=$sym uid=0 fds=0" READY=1
	what="3 relay, past the directory"
	listen "$FAKE"
	rm -f "$tmp/go" "$tmp/so"
	sym -- sh -c "$as2001 $caps $N send -B STOPPING=1; exec $N send -w $tmp/go READY=1" &
	symsh=$!
	_n=100
	until grep -q "barrier ok" "$tmp/so" 2>/dev/null; do
		_n=$((_n - 1))
		[ $_n -gt 0 ] || fail "$what: no barrier: $(cat "$tmp/so")"
		sleep 0.1
	done
	c=$(sed -n '1s/^main pid=//p' "$tmp/so")
	m=$(sed -n '3s/^main pid=//p' "$tmp/so")
	s=$(sed -n 's/^PPid:[[:space:]]*//p' /proc/$m/status)
	"$SYMTRACE" --status "$m" >"$tmp/status" 2>&1 || { cat "$tmp/status" >&2; fail "$what: --status"; }
	touch "$tmp/go"
	wait $symsh
	so "main pid=$c" "sent pid=$c" "main pid=$m" "sent pid=$m" "barrier ok"
	se "$(other_notice "$c" 2001 "$m")"
	got "message pid=$s uid=0 fds=0" READY=1
	grep '^notify:' "$tmp/status" >"$tmp/status.notify"
	echo "notify: relayed to NOTIFY_SOCKET for pid $m: 1 passed on, 1 from other processes dropped, 0 ignored, 0 lines dropped, 0 descriptors closed, 0 not delivered" |
		diff -u - "$tmp/status.notify" >&2 || fail "$what: --status"
else
	echo "NOTE: $me: case 3 needs root and setpriv" >&2
fi

# ---- 4: a descriptor ------------------------------------------------------
what="4 native"
listen "$FAKE"
native "$N" send -F READY=1
m=$(mainpid)
got "message pid=$m uid=$uid fds=1" READY=1 \
	"message pid=$m uid=$uid fds=1" BARRIER=1
what="4 relay"
listen "$FAKE"
sym -- "$N" send -F READY=1
m=$(mainpid)
so "main pid=$m" "sent pid=$m" "fd closed" "barrier ok"
se "symtrace: sd_notify: closed 1 file descriptor sent with a message by pid $m: none is passed on to systemd (further ones are counted: --status)"
got "message pid=$sym uid=$uid fds=0" READY=1

# ---- 5: '\r', sizes -------------------------------------------------------
cr=$(printf 'STATUS=a\rMAINPID=1')
what="5 native"
listen "$FAKE"
native "$N" send -B "$cr"
got "message pid=$(mainpid) uid=$uid fds=0" 'STATUS=a\rMAINPID=1'
what="5 relay"
listen "$FAKE"
sym -- "$N" send "$cr"
se "$field_notice"
got "message pid=$sym uid=$uid fds=0" STATUS=a
what="5 relay, 4097 bytes"
listen "$FAKE"
sym -- "$N" send -s 4097 READY=1 STATUS=
se "symtrace: sd_notify: dropped a message of the main process that systemd would ignore (longer than 4096 bytes)"
got
what="5 relay, 4096 bytes"
listen "$FAKE"
sym -- "$N" send -s 4096 READY=1 STATUS=
se
status=$(printf 'STATUS=%4081s' '' | tr ' ' x)
[ ${#status} -eq 4088 ] || fail "$what: the test's own STATUS"
got "message pid=$sym uid=$uid fds=0" READY=1 "$status"

# ---- 6: an abstract socket ------------------------------------------------
what="6 relay, abstract"
listen "@symtrace-test-notify-$$"
sym -- "$N" send READY=1
se
got "message pid=$sym uid=$uid fds=0" READY=1

# ---- 7: the command's NOTIFY_SOCKET; --no-notify ---------------------------
what="7 relay, the command's NOTIFY_SOCKET"
listen "$FAKE"
sym -- sh -c 'echo "$NOTIFY_SOCKET"; [ -S "$NOTIFY_SOCKET" ] && echo socket'
so "$rundir/$sym.notify" socket
se
[ -e "$rundir/$sym.notify" ] && fail "$what: $rundir/$sym.notify left behind"
got
what="7 --no-notify"
listen "$FAKE"
sym --no-notify -- sh -c 'echo "$NOTIFY_SOCKET"'
so "$FAKE"
se
sym --no-notify -- "$N" send READY=1 MAINPID=123
m=$(mainpid)
se
got "message pid=$m uid=$uid fds=0" READY=1 MAINPID=123 \
	"message pid=$m uid=$uid fds=1" BARRIER=1

# ---- 8: systemd-notify from a shell script ---------------------------------
# systemd-notify sends "from" its parent (the script, the main process)
# when it may claim another pid (CAP_SYS_ADMIN: root), else from its own
# pid: systemd's NotifyAccess=main takes the first and refuses the second,
# and so does the relay.  The native run says which this one does.
if command -v systemd-notify >/dev/null 2>&1; then
	what="8 native systemd-notify in a script"
	listen "$FAKE"
	native sh -c 'systemd-notify --ready --status=y; echo $$'
	got_raw
	from=$(sed -n '1s/^message pid=\([0-9]*\) .*/\1/p' "$tmp/got")
	# (The barrier is sent from systemd-notify's own pid.)
	sed -i '4s/^message pid=[0-9]* /message pid=B /' "$tmp/got"
	printf '%s\n' "message pid=$from uid=$uid fds=0" READY=1 STATUS=y \
		"message pid=B uid=$uid fds=1" BARRIER=1 |
		diff -u - "$tmp/got" >&2 || fail "$what: not as expected"
	native_from_main=no
	[ "$from" = "$(cat "$tmp/so")" ] && native_from_main=yes
	what="8 systemd-notify in a script"
	listen "$FAKE"
	sym -- sh -c 'systemd-notify --ready --status=y; echo $$'
	m=$(cat "$tmp/so")
	if [ $native_from_main = yes ]; then
		se
		got "message pid=$sym uid=$uid fds=0" READY=1 STATUS=y
	else
		sed 's/from pid [0-9]* /from pid N /' "$tmp/se" >"$tmp/se.n"
		mv "$tmp/se.n" "$tmp/se"
		se "$(other_notice N "$uid" "$m")"
		got
	fi
else
	echo "NOTE: $me: no systemd-notify: case 8 not run" >&2
fi

# ---- 9: a NOTIFY_SOCKET symtrace cannot relay to ----------------------------
what="9 vsock"
addr=vsock:2:1234
sym -- sh -c 'echo ran'
[ $st -eq 125 ] || fail "$what: exit status $st, not 125"
[ -s "$tmp/so" ] && fail "$what: the command ran"
se "symtrace: cannot relay the command's sd_notify messages: NOTIFY_SOCKET 'vsock:2:1234' is not a path or an abstract socket name (@NAME) (--no-notify leaves NOTIFY_SOCKET to the command unchanged)"

# ---- 10: WATCHDOG_PID ---------------------------------------------------------
what="10 WATCHDOG_PID"
addr=$FAKE
# (exec: symtrace gets the shell's pid, which WATCHDOG_PID names.)
wd()
{
	NOTIFY_SOCKET=$addr sh -c \
		'echo $$; WATCHDOG_PID=${1:-$$}; export WATCHDOG_PID; shift; exec "$@"' \
		sh "$@" >"$tmp/so" 2>"$tmp/se"
}
show_pids='echo "$WATCHDOG_PID $$"'
wd "" "$SYMTRACE" -- sh -c "$show_pids"
s=$(sed -n 1p "$tmp/so") c=$(sed -n '2s/.* //p' "$tmp/so")
[ -n "$c" ] && [ "$c" != "$s" ] || fail "$what: pids '$s' '$c'"
so "$s" "$c $c"
se
wd "" "$SYMTRACE" --no-notify -- sh -c "$show_pids"
s=$(sed -n 1p "$tmp/so") c=$(sed -n '2s/.* //p' "$tmp/so")
so "$s" "$s $c"
wd 1 "$SYMTRACE" -- sh -c "$show_pids"
s=$(sed -n 1p "$tmp/so") c=$(sed -n '2s/.* //p' "$tmp/so")
so "$s" "1 $c"
exit 0
