#!/bin/sh
# php-fpm.sh - a real php-fpm (Debian's php-fpm8.2) under symtrace with the
# rules make install puts in /etc/symtrace (contrib/etc-symtrace/
# symtrace.rules including rules.d/10-shared-hosting.rules, copied to this
# test's directory), talked to over FastCGI with cgi-fcgi (libfcgi-bin),
# no web server (issue 17, "Done when").  One pool, site1 (uid 2001,
# home /srv/www/site1), pm=static with 2 workers, on a unix socket here;
# the site code is tests/php-symlink.php.  In a mount namespace of its own
# with a private tmpfs on /srv and copies of /etc/passwd and /etc/group
# bind-mounted, as shared-hosting.sh: the host is not touched.
#
# check_native   without symtrace, the script's symlink() to /etc/passwd
#                works: the link is made and leads to /etc/passwd.
# check_denied   under symtrace the same call returns false with
#                "Operation not permitted", no link is made, and the log
#                has exactly one line for it, naming the deciding rule
#                (10-shared-hosting.rules:LINE); a link inside the site
#                is made and logged as allowed.
# check_notify   (with python3) php-fpm's master, a child of symtrace,
#                sends READY=1 with MAINPID=<master>; under symtrace with
#                a stand-in for systemd's NOTIFY_SOCKET, what arrives is
#                READY=1 and the STATUS, sent by symtrace's pid, without
#                MAINPID (the relay: the drop-ins' Type=notify), and
#                symtrace says once that MAINPID was not passed on.
# check_usr2     kill -USR2 <symtrace>: php-fpm reloads (the master
#                re-executes itself, same pid, new workers), symtrace
#                lives on, requests work and are still guarded.
# check_quit     kill -QUIT <symtrace>: php-fpm stops gracefully, symtrace
#                exits 0, nothing is left.
# check_kill_master  (--exit-with-command) SIGKILL to the master: symtrace
#                kills the workers and exits 137.
# check_logrotate    (-o follows a rename) after a logrotate-style rename
#                of the log the next denial goes to a new file of the
#                same name, the old lines stay in the renamed one.
# check_rules_reload (automatic rules reload) a changed symtrace.rules
#                takes effect without a restart; a broken one does not
#                (the last good rules stay and the error is reported).
# check_attach   (issue 19) symtrace -p MASTER on a php-fpm started
#                without it: the master and its 2 workers (--tree, the
#                default in deny mode) get the prefilter (Seccomp: 2 each;
#                the workers, uid 2001, get no_new_privs, said once each),
#                the attack is denied and logged once, the site's own
#                link made; after the detach the prefilter stays and the
#                workers' symlink() fails with ENOSYS.
. "$TESTSRC/lib.sh"

LC_ALL=C
export LC_ALL

FPM=
for f in /usr/sbin/php-fpm8.2 /usr/sbin/php-fpm[0-9]* /usr/sbin/php-fpm; do
	[ -x "$f" ] && { FPM=$f; break; }
done

# ---- outside: the checks, then the same script in a mount namespace -------
if [ -z "${PHP_FPM_NS:-}" ]; then
	[ -n "$FPM" ] || skip "needs php-fpm (Debian: apt-get install php-fpm)"
	command -v cgi-fcgi >/dev/null 2>&1 ||
		skip "needs cgi-fcgi (Debian: apt-get install libfcgi-bin)"
	[ "$(id -u)" -eq 0 ] || skip "needs root (a site user, a mount namespace)"
	skip_unless_ptrace
	for c in unshare mount getent; do
		command -v $c >/dev/null 2>&1 || skip "needs $c"
	done
	[ -d /srv ] || skip "no /srv to mount a private tmpfs on"
	unshare -m true 2>/dev/null || skip "cannot make a mount namespace"
	PHP_FPM_NS=1
	export PHP_FPM_NS
	unshare -m /bin/sh "$0" "$@"
	st=$?
	[ $st -eq 0 ] && check_no_leftovers
	exit $st
fi

# ---- inside the mount namespace --------------------------------------------
mount --make-rprivate / || fail "cannot make the mounts private"
mount -t tmpfs -o mode=0755 symtrace-test /srv || fail "cannot mount /srv"
S1=/srv/www/site1
grep -Ev '^site1:|^[^:]*:[^:]*:2001:' /etc/passwd >"$tmp/passwd" &&
	echo "site1:x:2001:2001:site one:$S1:/bin/sh" >>"$tmp/passwd" &&
	grep -Ev '^site1:|^[^:]*:[^:]*:2001:' /etc/group >"$tmp/group" &&
	echo site1:x:2001: >>"$tmp/group" || fail "passwd, group"
chmod 644 "$tmp/passwd" "$tmp/group"
mount --bind "$tmp/passwd" /etc/passwd && mount --bind "$tmp/group" /etc/group ||
	fail "cannot bind-mount passwd and group"
[ "$(getent passwd site1)" = "site1:x:2001:2001:site one:$S1:/bin/sh" ] ||
	skip "the password database does not read /etc/passwd (nscd, sssd?)"

mkdir -p $S1/releases/42 && cp "$TESTSRC/php-symlink.php" $S1/link.php &&
	chown -R 2001:2001 /srv/www/site1 && chmod 750 $S1 || fail "the site"

# The rules as installed, in a directory of their own.
ETC=$tmp/etc
mkdir -p "$ETC/rules.d" &&
	cp "$TESTSRC/../contrib/etc-symtrace/symtrace.rules" "$ETC/" &&
	cp "$TESTSRC/../contrib/shared-hosting.rules" \
		"$ETC/rules.d/10-shared-hosting.rules" || fail "cannot copy the rules"
rule_line()
{
	grep -n -x -- "$1" "$ETC/rules.d/10-shared-hosting.rules" | cut -d: -f1
}
ETC_RULE=$(rule_line 'deny target=/etc/\*\*')
SITE_RULE=$(rule_line 'allow uid=1000- link=~/\*\* target=~/\*\* dotdot=leading')
[ -n "$ETC_RULE" ] && [ -n "$SITE_RULE" ] || fail "rules not found in the rules file"

# php-fpm: one pool, a unix socket here; no php.ini (-n).
FD=$tmp/fpm
SOCK=$FD/site1.sock
mkdir -p "$FD" || fail mkdir
cat >"$FD/php-fpm.conf" <<EOF2 || fail "php-fpm.conf"
[global]
pid = $FD/php-fpm.pid
error_log = $FD/error.log
daemonize = no

[site1]
user = site1
group = site1
listen = $SOCK
pm = static
pm.max_children = 2
EOF2
FPMCMD="$FPM -n --nodaemonize --fpm-config $FD/php-fpm.conf"
LOG=$tmp/symtrace.log

run()
{
	"$@"
	echo "ok: $1" >&2
}

# The pids whose parent is $1, one a line, sorted.
children_of()
{
	for _f in /proc/[0-9]*/stat; do
		read -r _l 2>/dev/null <"$_f" || continue
		_r=${_l##*) }
		# shellcheck disable=SC2086
		set -- $_r
		[ "$2" = "$_p" ] && echo "${_l%% *}"
	done | sort -n
}
kids()
{
	_p=$1
	children_of
}

# wait_until TENTHS COMMAND...: until COMMAND succeeds.
wait_until()
{
	_n=$1
	shift
	until "$@"; do
		_n=$((_n - 1))
		[ $_n -le 0 ] && return 1
		sleep 0.1
	done
}
alive()
{
	_s=$(proc_state "$1" 2>/dev/null)
	[ -n "$_s" ] && [ "$_s" != Z ]
}
dead() { ! alive "$1"; }
has_kids() { [ -n "$(kids "$1")" ]; }
two_workers() { [ "$(kids "$master" | wc -l)" -eq 2 ]; }

# start [SYMTRACE OPTIONS...]: php-fpm, under symtrace when options are
# given; sets $top (the process started), $master, $workers.
start()
{
	rm -f "$SOCK"
	if [ $# -eq 0 ]; then
		$FPMCMD 2>>"$FD/stderr" &
		top=$!
		master=$top
	else
		"$SYMTRACE" "$@" -- $FPMCMD 2>>"$tmp/symtrace.stderr" &
		top=$!
		wait_until 50 has_kids $top ||
			{ cat "$tmp/symtrace.stderr" >&2; fail "no php-fpm under symtrace (pid $top)"; }
		master=$(kids $top)
	fi
	wait_until 100 test -S "$SOCK" || fail "php-fpm made no socket $SOCK"
	wait_until 100 two_workers || fail "php-fpm started no 2 workers"
	workers=$(kids "$master")
	cleanup_pids="$cleanup_pids $top $master $workers"
}

# fcgi TARGET LINK: the site's symlink(TARGET, LINK) through FastCGI; the
# body of the response in $body.
fcgi()
{
	env -i SCRIPT_FILENAME=$S1/link.php SCRIPT_NAME=/link.php \
		REQUEST_METHOD=GET QUERY_STRING="target=$1&link=$2" \
		SERVER_PROTOCOL=HTTP/1.1 GATEWAY_INTERFACE=CGI/1.1 \
		"$CGI_FCGI" -bind -connect "$SOCK" >"$tmp/resp" 2>"$tmp/resp.err" ||
		fail "cgi-fcgi failed: $(cat "$tmp/resp.err")"
	body=$(tr -d '\r' <"$tmp/resp" | sed '1,/^$/d')
}
CGI_FCGI=$(command -v cgi-fcgi)

# expect_body ok|false [MESSAGE]: the body is "ok W" or "false W MESSAGE"
# for a worker W of the current master.
expect_body()
{
	_w=${body#* }
	_w=${_w%% *}
	printf '%s\n' $workers | grep -qx "$_w" ||
		fail "the response '$body' does not name a worker ($workers)"
	case $1 in
	ok) [ "$body" = "ok $_w" ] || fail "expected 'ok $_w', got '$body'" ;;
	*) [ "$body" = "false $_w $2" ] ||
		fail "expected 'false $_w $2', got '$body'" ;;
	esac
	worker=$_w
}

# log_is EXPECT FILE: FILE has EXPECT's lines exactly, once it has as many
# (symtrace writes a line after the call's result is handed back, so the
# response can come first).
log_is()
{
	_want=$(wc -l <"$1")
	log_has() { [ "$(wc -l <"$2" 2>/dev/null || echo 0)" -ge "$_want" ]; }
	wait_until 50 log_has "$1" "$2"
	sleep 0.1
	diff -u "$1" "$2" >&2
}

stop()
{
	kill -QUIT "$top"
	wait "$top"
	st=$?
}

check_native()
{
	start
	fcgi /etc/passwd $S1/pw
	expect_body ok
	[ "$(readlink $S1/pw)" = /etc/passwd ] ||
		fail "native: no link $S1/pw to /etc/passwd"
	[ "$(head -n 1 $S1/pw)" = "$(head -n 1 /etc/passwd)" ] ||
		fail "native: $S1/pw does not lead to /etc/passwd"
	stop
	[ $st -eq 0 ] || fail "native php-fpm exited with $st after SIGQUIT"
	rm -f $S1/pw
}

check_denied()
{
	fcgi /etc/passwd $S1/pw
	expect_body false "symlink(): Operation not permitted"
	[ -e $S1/pw ] || [ -L $S1/pw ] && fail "$S1/pw was made under symtrace"
	echo "[pid $worker] symlink(\"/etc/passwd\", \"$S1/pw\") = -1 EPERM (Operation not permitted) <denied rule $ETC/rules.d/10-shared-hosting.rules:$ETC_RULE>" >>"$tmp/expect"
	fcgi releases/42 $S1/current
	expect_body ok
	[ "$(readlink $S1/current)" = releases/42 ] ||
		fail "the site's own link $S1/current was not made"
	echo "[pid $worker] symlink(\"releases/42\", \"$S1/current\") = 0" >>"$tmp/expect"
	log_is "$tmp/expect" "$LOG" || fail "the log is not as expected"
}

check_notify()
{
	# the datagram and the sender's pid (SCM_CREDENTIALS), in $tmp/notify.out
	"$PYTHON" - "$FD/notify" "$tmp/notify.out" <<'PY' &
import socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
s.bind(sys.argv[1])
s.settimeout(20)
msg, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(12))
pid = [struct.unpack("iII", d[:12])[0] for (l, t, d) in anc
       if l == socket.SOL_SOCKET and t == socket.SCM_CREDENTIALS]
with open(sys.argv[2] + ".tmp", "w") as f:
    f.write("sender=%s\n%s\n" % (pid[0] if pid else "?", msg.decode()))
import os
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
PY
	listener=$!
	wait_until 50 test -S "$FD/notify" || fail "no notify socket"
}
check_notify_result()
{
	wait_until 100 test -s "$tmp/notify.out" ||
		fail "php-fpm sent nothing to NOTIFY_SOCKET"
	wait $listener
	printf '%s\n' "sender=$top" "READY=1" \
		"STATUS=Ready to handle connections" >"$tmp/notify.exp"
	diff -u "$tmp/notify.exp" "$tmp/notify.out" >&2 ||
		fail "php-fpm's notification is not as expected (symtrace is $top, the master $master)"
	[ "$master" != "$top" ] || fail "the master is symtrace?"
	[ "$(grep -c 'sd_notify' "$tmp/symtrace.stderr")" -eq 1 ] &&
		grep -qF "symtrace: sd_notify: not passed on to systemd: MAINPID (" \
			"$tmp/symtrace.stderr" ||
		fail "symtrace did not say once that MAINPID was not passed on"
}

check_usr2()
{
	old=$workers
	kill -USR2 "$top" || fail "kill -USR2 symtrace"
	new_workers() {
		_k=$(kids "$master")
		[ "$(echo "$_k" | wc -l)" -eq 2 ] &&
			[ -z "$(printf '%s\n' $old $_k | sort | uniq -d)" ]
	}
	wait_until 100 new_workers ||
		fail "no 2 new workers after USR2 (old: $old; now: $(kids "$master"))"
	alive "$top" || fail "symtrace ended after USR2"
	[ "$(kids "$top")" = "$master" ] ||
		fail "the master is not $master after USR2: $(kids "$top")"
	[ "$(grep -c 'Reloading in progress' "$FD/error.log")" -eq 1 ] ||
		fail "php-fpm's log does not say it reloaded once"
	wait_until 50 test -S "$SOCK" || fail "no socket after the reload"
	workers=$(kids "$master")
	fcgi /etc/passwd $S1/pw2
	expect_body false "symlink(): Operation not permitted"
	[ -L $S1/pw2 ] && fail "$S1/pw2 was made after the reload"
	echo "[pid $worker] symlink(\"/etc/passwd\", \"$S1/pw2\") = -1 EPERM (Operation not permitted) <denied rule $ETC/rules.d/10-shared-hosting.rules:$ETC_RULE>" >>"$tmp/expect"
	log_is "$tmp/expect" "$LOG" || fail "the log after USR2 is not as expected"
}

check_logrotate()
{
	mv "$LOG" "$LOG.1" || fail "mv"
	cp "$tmp/expect" "$tmp/expect.1"
	fcgi /etc/passwd $S1/pw3
	expect_body false "symlink(): Operation not permitted"
	echo "[pid $worker] symlink(\"/etc/passwd\", \"$S1/pw3\") = -1 EPERM (Operation not permitted) <denied rule $ETC/rules.d/10-shared-hosting.rules:$ETC_RULE>" >"$tmp/expect"
	diff -u "$tmp/expect.1" "$LOG.1" >&2 ||
		fail "the renamed log changed after the rename"
	log_is "$tmp/expect" "$LOG" ||
		fail "the new log is not the one line after the rename"
}

check_rules_reload()
{
	cp "$ETC/symtrace.rules" "$ETC/symtrace.rules.orig" || fail "cannot save the rules"
	# A rule before the include: links named acc* under /srv/www, EACCES.
	{ echo 'deny:EACCES link=/srv/www/**/acc*'; cat "$ETC/symtrace.rules"; } \
		>"$ETC/symtrace.rules.new" && mv "$ETC/symtrace.rules.new" "$ETC/symtrace.rules" ||
		fail "cannot change the rules"
	changed()
	{
		fcgi releases/42 $S1/acc$_i
		_i=$((_i + 1))
		case $body in
		"false "*" symlink(): Permission denied") return 0 ;;
		"ok "*) return 1 ;;
		*) fail "unexpected response '$body'" ;;
		esac
	}
	_i=1
	wait_until 50 changed || fail "the changed rules file was not read within 5 s"
	[ -L $S1/acc$((_i - 1)) ] && fail "acc$((_i - 1)) was made under the new rules"
	# Broken: the last good rules stay, the error is reported.
	{ echo 'deny:EACCES link=/srv/www/**/acc*'; echo 'frobnicate everything';
		cat "$ETC/symtrace.rules"; } >"$ETC/symtrace.rules.new" &&
		mv "$ETC/symtrace.rules.new" "$ETC/symtrace.rules" || fail "cannot break the rules"
	reported()
	{
		grep -qF "symtrace: rules not reloaded (a change of $ETC/symtrace.rules): bad rule in $ETC/symtrace.rules, line 2, column 1:" \
			"$tmp/symtrace.stderr"
	}
	wait_until 50 reported ||
		fail "the broken rules file was not reported with its line and column"
	fcgi releases/42 $S1/accb
	expect_body false "symlink(): Permission denied"
	fcgi /etc/passwd $S1/pw4
	expect_body false "symlink(): Operation not permitted"
	[ -L $S1/accb ] || [ -L $S1/pw4 ] && fail "a link was made under the broken rules"
	# The checks after this one start with the installed rules.
	mv "$ETC/symtrace.rules.orig" "$ETC/symtrace.rules" || fail "cannot restore the rules"
}

check_quit()
{
	stop
	[ $st -eq 0 ] || fail "symtrace exited with $st after SIGQUIT (php-fpm's graceful stop)"
	[ ! -e "$SOCK" ] || fail "php-fpm did not remove its socket: not a graceful stop"
	for p in $master $workers; do
		dead $p || fail "$p is left after the graceful stop"
	done
}

check_attach()
{
	start
	alog=$tmp/attach.log
	"$SYMTRACE" -v -o "$alog" --rules="$ETC/symtrace.rules" -p "$master" \
		2>"$tmp/attach.stderr" &
	apid=$!
	filtered() {
		for _p in $master $workers; do
			grep -q '^Seccomp:[[:space:]]*2' /proc/"$_p"/status ||
				return 1
		done
	}
	wait_until 100 filtered || { cat "$tmp/attach.stderr" >&2; fail \
		"attach: not every php-fpm process got the prefilter"; }
	for p in $workers; do
		grep -qx "symtrace: process $p lacks CAP_SYS_ADMIN: no_new_privs set for the prefilter (set-id programs it runs lose their privileges)" \
			"$tmp/attach.stderr" || { cat "$tmp/attach.stderr" >&2; \
			fail "attach: no_new_privs of worker $p not said"; }
	done
	rm -f $S1/pw
	fcgi /etc/passwd $S1/pw
	expect_body false "symlink(): Operation not permitted"
	[ -e $S1/pw ] || [ -L $S1/pw ] && fail "attach: $S1/pw was made"
	echo "[pid $worker] symlink(\"/etc/passwd\", \"$S1/pw\") = -1 EPERM (Operation not permitted) <denied rule $ETC/rules.d/10-shared-hosting.rules:$ETC_RULE>" >"$tmp/expect.a"
	fcgi releases/42 $S1/current-a
	expect_body ok
	[ "$(readlink $S1/current-a)" = releases/42 ] ||
		fail "attach: the site's own link was not made"
	echo "[pid $worker] symlink(\"releases/42\", \"$S1/current-a\") = 0" >>"$tmp/expect.a"
	log_is "$tmp/expect.a" "$alog" || fail "attach: the log is not as expected"
	kill -INT "$apid"
	wait "$apid" || fail "attach: symtrace exited $? after SIGINT"
	fcgi /etc/passwd $S1/pw
	expect_body false "symlink(): Function not implemented"
	[ -e $S1/pw ] || [ -L $S1/pw ] && fail "attach: $S1/pw made after the detach"
	stop
	[ $st -eq 0 ] || fail "attach: php-fpm exited with $st after SIGQUIT"
}

check_kill_master()
{
	start --exit-with-command -o "$LOG.kill" --rules="$ETC/symtrace.rules"
	kill -KILL "$master"
	wait "$top"
	st=$?
	[ $st -eq 137 ] || fail "symtrace exited with $st when the master was killed, not 137"
	for p in $workers; do
		wait_until 20 dead $p || fail "worker $p is left after the master was killed"
	done
}

begin=$(date +%s)
run check_native
find_python || PYTHON=
if [ -n "$PYTHON" ]; then
	check_notify
	NOTIFY_SOCKET=$FD/notify
	export NOTIFY_SOCKET
else
	echo "NOTE: $me: no python3: check_notify not run" >&2
fi
: >"$tmp/expect"
start -o "$LOG" --rules="$ETC/symtrace.rules"
unset NOTIFY_SOCKET
[ -n "$PYTHON" ] && run check_notify_result
run check_denied
run check_usr2
run check_logrotate
run check_rules_reload
run check_quit
run check_kill_master
run check_attach
echo "$me: $(($(date +%s) - begin)) s" >&2
exit 0
