#!/bin/sh
# systemd-units.sh - the drop-ins of contrib/systemd/ (issue 17):
#  1. each passes "systemd-analyze verify" with its distribution's unit,
#     with no output at all (no error, no warning such as an unknown key
#     or a second ExecStart=), in a root of its own (--root) holding the
#     host's targets, the unit, the drop-in and a stub for every program
#     the two name;
#  2. the drop-in is really read: the same root without the symtrace stub
#     gives exactly "Command /usr/local/bin/symtrace is not executable";
#  3. the command symtrace runs (after "--") is the unit's own ExecStart,
#     exactly (apache2: apache2 -DFOREGROUND, as the drop-in explains);
#  4. every drop-in runs symtrace with --exit-with-command and
#     --rules=/etc/symtrace/symtrace.rules;
#  5. symtrace accepts each
#     drop-in's options as written: "symtrace OPTIONS --check-rules" with
#     the rules file and the log directory moved to this test's copies;
#  6. a unit that is Type=notify stays so, with NotifyAccess=main (the
#     drop-in says both; symtrace relays the daemon's READY=1, see
#     tests/notify.sh); apache2 (forking) becomes exec, cron keeps its
#     type; no drop-in touches ExecStartPost=, ExecStopPost= or
#     ExecReload= (the unit's helpers, Debian's php-fpm socket helper
#     included, run as shipped).
# The unit is the one installed here when its package is (Debian: php-fpm,
# apache2, cron; see .ci/run), otherwise a stand-in below with what the
# distribution's unit says (RHEL's are always stand-ins).
. "$TESTSRC/lib.sh"

command -v systemd-analyze >/dev/null 2>&1 ||
	skip "needs systemd-analyze (Debian: apt-get install systemd)"
dropins=$TESTSRC/../contrib/systemd
sysdir=
for d in /lib/systemd/system /usr/lib/systemd/system; do
	[ -f $d/multi-user.target ] && { sysdir=$d; break; }
done
[ -n "$sysdir" ] || skip "no systemd unit directory with multi-user.target"

# The stand-ins: the distribution's unit, as shipped (Debian 12:
# php8.2-fpm 8.2.36, apache2 2.4.x, cron 3.0pl1; RHEL 9: php-fpm, httpd).
standin()
{
	case $1 in
	php8.2-fpm) cat <<'UNIT'
[Unit]
Description=The PHP 8.2 FastCGI Process Manager
After=network.target

[Service]
Type=notify
ExecStart=/usr/sbin/php-fpm8.2 --nodaemonize --fpm-config /etc/php/8.2/fpm/php-fpm.conf
ExecStartPost=-/usr/lib/php/php-fpm-socket-helper install /run/php/php-fpm.sock /etc/php/8.2/fpm/pool.d/www.conf 82
ExecStopPost=-/usr/lib/php/php-fpm-socket-helper remove /run/php/php-fpm.sock /etc/php/8.2/fpm/pool.d/www.conf 82
ExecReload=/bin/kill -USR2 $MAINPID

[Install]
WantedBy=multi-user.target
UNIT
	;;
	apache2) cat <<'UNIT'
[Unit]
Description=The Apache HTTP Server
After=network.target remote-fs.target nss-lookup.target

[Service]
Type=forking
Environment=APACHE_STARTED_BY_SYSTEMD=true
ExecStart=/usr/sbin/apachectl start
ExecStop=/usr/sbin/apachectl graceful-stop
ExecReload=/usr/sbin/apachectl graceful
KillMode=mixed
PrivateTmp=true
Restart=on-abort
OOMPolicy=continue

[Install]
WantedBy=multi-user.target
UNIT
	;;
	cron) cat <<'UNIT'
[Unit]
Description=Regular background program processing daemon
After=remote-fs.target nss-user-lookup.target

[Service]
EnvironmentFile=-/etc/default/cron
ExecStart=/usr/sbin/cron -f $EXTRA_OPTS
IgnoreSIGPIPE=false
KillMode=process
Restart=on-failure

[Install]
WantedBy=multi-user.target
UNIT
	;;
	php-fpm) cat <<'UNIT'
[Unit]
Description=The PHP FastCGI Process Manager
After=network.target

[Service]
Type=notify
ExecStart=/usr/sbin/php-fpm --nodaemonize
ExecReload=/bin/kill -USR2 $MAINPID
PrivateTmp=true
ProtectSystem=full
PrivateDevices=true
ProtectKernelModules=true
ProtectKernelTunables=true
ProtectControlGroups=true
RestrictRealtime=true
RestrictAddressFamilies=AF_INET AF_INET6 AF_NETLINK AF_UNIX
RestrictNamespaces=true

[Install]
WantedBy=multi-user.target
UNIT
	;;
	httpd) cat <<'UNIT'
[Unit]
Description=The Apache HTTP Server
After=network.target remote-fs.target nss-lookup.target

[Service]
Type=notify
Environment=LANG=C
ExecStart=/usr/sbin/httpd $OPTIONS -DFOREGROUND
ExecReload=/usr/sbin/httpd $OPTIONS -k graceful
KillSignal=SIGWINCH
KillMode=mixed
PrivateTmp=true
OOMPolicy=continue

[Install]
WantedBy=multi-user.target
UNIT
	;;
	*) return 1 ;;
	esac
}

# The programs a unit file's Exec*= lines name (prefixes -@:+! dropped).
programs()
{
	sed -n 's/^Exec[A-Za-z]*=[-@:+!]*\([^ ]*\).*/\1/p' "$@" | sort -u
}

# The command after "--" of the last ExecStart= of a drop-in, and the last
# ExecStart= of a unit.
wrapped() { sed -n 's/^ExecStart=.* -- //p' "$1" | tail -n 1; }
execstart() { sed -n 's/^ExecStart=//p' "$1" | grep . | tail -n 1; }

verify()
{
	systemd-analyze verify --root="$1" --man=no --generators=no \
		"$2.service" >"$tmp/verify.out" 2>&1
	echo "rc=$?" >>"$tmp/verify.out"
}

failed=0
bad()
{
	echo "FAIL: $me: $*" >&2
	failed=1
}

# Option check 5: the symtrace options of a drop-in, with the rules file
# and the log directory moved here, accepted by --check-rules.
mkdir -p "$tmp/etc/rules.d" "$tmp/log" || fail "mkdir"
cp "$TESTSRC/../contrib/etc-symtrace/symtrace.rules" "$tmp/etc/" &&
cp "$TESTSRC/../contrib/shared-hosting.rules" \
	"$tmp/etc/rules.d/10-shared-hosting.rules" || fail "cannot copy the rules"
check_options()
{
	opts=$(sed -n 's|^ExecStart=/usr/local/bin/symtrace \(.*\) -- .*|\1|p' "$1" |
		sed "s|/etc/symtrace/|$tmp/etc/|g; s|/var/log/symtrace/|$tmp/log/|g")
	# shellcheck disable=SC2086 # the options are words without spaces
	"$SYMTRACE" $opts --check-rules >"$tmp/opts.out" 2>&1 || {
		cat "$tmp/opts.out" >&2
		bad "$2: symtrace does not accept the drop-in's options: $opts"
	}
}

n=0
for u in php8.2-fpm apache2 cron php-fpm httpd; do
	conf=$dropins/$u.service.d/symtrace.conf
	[ -r "$conf" ] || { bad "no $conf"; continue; }
	root=$tmp/root-$u
	mkdir -p "$root/lib/systemd/system" "$root/etc/systemd/system/$u.service.d" ||
		fail "mkdir"
	cp "$sysdir"/*.target "$sysdir"/*.slice "$root/lib/systemd/system/" ||
		fail "cannot copy the targets of $sysdir"
	cp "$conf" "$root/etc/systemd/system/$u.service.d/" || fail "cp $conf"
	if [ -f "$sysdir/$u.service" ]; then
		base="installed $sysdir/$u.service"
		cp "$sysdir/$u.service" "$root/lib/systemd/system/" || fail "cp"
	else
		base="stand-in"
		standin $u >"$root/lib/systemd/system/$u.service" || fail "standin $u"
	fi
	unit=$root/lib/systemd/system/$u.service
	for p in $(programs "$unit" "$conf"); do
		case $p in
		/*) ;;
		*) bad "$u: a program without an absolute path: $p"; continue ;;
		esac
		mkdir -p "$root${p%/*}" && printf '#!/bin/sh\n' >"$root$p" &&
			chmod 755 "$root$p" || fail "cannot make the stub $root$p"
	done

	# 1: verify, no output.
	verify "$root" $u
	[ "$(cat "$tmp/verify.out")" = "rc=0" ] || {
		cat "$tmp/verify.out" >&2
		bad "$u ($base): systemd-analyze verify printed the above"
	}
	# 2: without symtrace, the drop-in's ExecStart is what fails.
	rm "$root/usr/local/bin/symtrace" || fail "no symtrace stub for $u"
	verify "$root" $u
	printf '%s\n' "$u.service: Command /usr/local/bin/symtrace is not executable: No such file or directory" \
		rc=1 >"$tmp/verify.exp"
	diff -u "$tmp/verify.exp" "$tmp/verify.out" >&2 ||
		bad "$u: verify without symtrace did not name the drop-in's command"
	# 3: the wrapped command.
	case $u in
	apache2) expect="/bin/sh -c '. /etc/apache2/envvars && exec /usr/sbin/apache2 -DFOREGROUND'" ;;
	*) expect=$(execstart "$unit") ;;
	esac
	[ "$(wrapped "$conf")" = "$expect" ] ||
		bad "$u: the drop-in runs '$(wrapped "$conf")', the unit '$expect'"
	# 4: the options every drop-in has.
	for o in --exit-with-command --rules=/etc/symtrace/symtrace.rules; do
		grep -q "^ExecStart=/usr/local/bin/symtrace .*$o .* -- " "$conf" ||
			bad "$u: the drop-in's symtrace has no $o"
	done
	# 5
	check_options "$conf" $u
	# 6: the type the unit has with the drop-in (the last Type= read).
	utype=$(sed -n 's/^Type=//p' "$unit" | tail -n 1)
	type=$(sed -n 's/^Type=//p' "$unit" "$conf" | tail -n 1)
	access=$(sed -n 's/^NotifyAccess=//p' "$unit" "$conf" | tail -n 1)
	case $u in
	apache2) want="exec/" ;;
	cron) want="$utype/" ;;
	*)
		[ "$utype" = notify ] || bad "$u: the unit is Type=$utype, not notify"
		want="notify/main"
		grep -qx 'Type=notify' "$conf" && grep -qx 'NotifyAccess=main' "$conf" ||
			bad "$u: the drop-in does not say Type=notify and NotifyAccess=main"
		;;
	esac
	[ "$type/$access" = "$want" ] ||
		bad "$u: Type=$type NotifyAccess=$access with the drop-in, not $want"
	grep -E '^Exec(StartPost|StopPost|Reload)=' "$conf" >&2 &&
		bad "$u: the drop-in changes the unit's helpers (above)"
	echo "verified: $u.service ($base) + $u.service.d/symtrace.conf" >&2
	n=$((n + 1))
done
[ $n -eq 5 ] || bad "$n of 5 drop-ins checked"
exit $failed
