#!/bin/sh
# output-fail2ban.sh - contrib/fail2ban/filter.d/symtrace.conf against
# real symtrace kv lines, with fail2ban's own fail2ban-regex (skipped
# when fail2ban is not installed): the denied and killed calls match, with
# the caller's real uid as the failure id and its name as the user; the
# allowed ones do not - also one whose target and link path spell a
# whole denial of uid 0 (a user framing root, or hiding in the noise).
# The same lines as syslog writes them (a "HOST symtrace[PID]: " prefix
# after the date) match the same way, also when cut short after rule=
# (a syslog daemon keeps 8 KiB of a message).
. "$TESTSRC/lib.sh"

skip_unless_ptrace
command -v fail2ban-regex >/dev/null 2>&1 ||
	skip "fail2ban-regex is not installed (Debian: apt-get install fail2ban)"
command -v setpriv >/dev/null 2>&1 || skip "no setpriv"
filter=$TESTSRC/../contrib/fail2ban/filter.d/symtrace.conf
[ -f "$filter" ] || fail "no $filter"

enter_w
chmod 777 "$w" || fail chmod
mk=$TESTBIN/mklink
printf '%s\n' 'deny target=/etc/**' 'kill target=/kill/**' >"$tmp/rules"
fake='pid=1 tid=1 uid=0 user=root euid=0 call=symlink abi=x86_64 ret=-1 errno=EPERM action=deny rule=x comm=ln exe=/bin/ln link=l path=/p target=/etc/passwd target_resolved=/etc/passwd target_physical=-'
cat >"$tmp/script" <<'END'
mk=$1 fake=$2
as() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
"$mk" symlink /tmp a1                        # root, allowed
"$mk" symlink /etc/passwd d1                 # root, denied
as "$mk" symlink /etc/shadow d2              # nobody, denied
as "$mk" symlink /kill/x k1                  # nobody, killed
as "$mk" symlink "x $fake" "y\" $fake"       # nobody, allowed: framing
as "$mk" symlink "z $fake" "x $fake\" e"     # nobody, allowed
as "$mk" symlink /etc/x "q\" uid=0 user=root" # nobody, denied
exit 0
END
"$SYMTRACE" --format=kv -o "$tmp/kv.log" --rules="$tmp/rules" -- \
	sh "$tmp/script" "$mk" "$fake" >"$tmp/stdout" 2>"$tmp/err"
st=$?
[ $st -eq 0 ] || { show stderr "$tmp/err"; fail "exit status $st"; }
[ "$(wc -l <"$tmp/kv.log")" -eq 7 ] || { show log "$tmp/kv.log"; fail "not 7 lines"; }
# The framing text is in the lines, in quoted values; the calls were
# allowed (they failed: no such directories).
[ "$(grep -c ' action=allow ' "$tmp/kv.log")" -eq 3 ] ||
	fail "not 3 allowed calls"
[ "$(grep -c 'uid=0 user=root euid=0 call=symlink abi=x86_64 ret=-1 errno=EPERM action=deny rule=x comm=ln' "$tmp/kv.log")" -eq 2 ] ||
	fail "the framing text is not in the lines"
# each line once as syslog writes it
sed 's/^/Nov 27 17:06:14 myhost symtrace[42]: /' "$tmp/kv.log" >"$tmp/sys.log"
# and cut 3 bytes into comm=, as a syslog daemon cuts a long message
# (what follows rule= is not needed)
sed 's/^\(.* rule=[^ ]* comm=...\).*/Nov 27 17:06:14 myhost symtrace[42]: \1/' \
	"$tmp/kv.log" >"$tmp/cut.log"
[ "$(grep -c ' comm=...$' "$tmp/cut.log")" -eq 7 ] || fail "cut.log"

for log in kv sys cut; do
	fail2ban-regex -o id "$tmp/$log.log" "$filter" >"$tmp/$log.id" 2>&1 ||
		{ show out "$tmp/$log.id"; fail "$log: fail2ban-regex failed"; }
	printf '0\n65534\n65534\n65534\n' | diff -u - "$tmp/$log.id" >&2 ||
		{ show log "$tmp/kv.log"; fail "$log: wrong failure ids"; }
	fail2ban-regex -o user "$tmp/$log.log" "$filter" >"$tmp/$log.user" 2>&1
	printf 'root\nnobody\nnobody\nnobody\n' | diff -u - "$tmp/$log.user" >&2 ||
		fail "$log: wrong users"
	fail2ban-regex "$tmp/$log.log" "$filter" >"$tmp/$log.sum" 2>&1
	grep -qx 'Lines: 7 lines, 0 ignored, 4 matched, 3 missed' "$tmp/$log.sum" ||
		{ show summary "$tmp/$log.sum"; fail "$log: wrong counts"; }
done

# The jail of the filter's comment loads, with the uid action.
if [ -d /etc/fail2ban ]; then
	cp -r /etc/fail2ban "$tmp/conf" && rm -f "$tmp/conf"/jail.d/* &&
		cp "$filter" "$tmp/conf/filter.d/" &&
		cp "${filter%/filter.d/*}/action.d/symtrace-uid.conf" \
			"$tmp/conf/action.d/" || fail "cannot make a config"
	printf '%s\n' '[DEFAULT]' 'enabled = false' '[symtrace]' \
		'enabled = true' 'filter = symtrace' "logpath = $tmp/kv.log" \
		'backend = polling' 'action = symtrace-uid' >"$tmp/conf/jail.local"
	fail2ban-client -c "$tmp/conf" -t >"$tmp/t.out" 2>&1
	grep -q '^OK: configuration test is successful' "$tmp/t.out" ||
		{ show out "$tmp/t.out"; fail "the jail does not load"; }
fi

check_no_leftovers
exit 0
