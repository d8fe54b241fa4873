#!/bin/sh
# deny-rulekeys.sh - the rule keys that look names up, end to end:
# user=NAME (the euid), group=NAME (the egid or a supplementary group),
# '~' (the caller's home from the password database: as root, as a user
# whose home does not exist, as a uid with no passwd entry - deny rules
# then fail closed), when= (deny mode as a test tool: only some calls
# fail), and reports naming a rule from an included file.  Each refusal
# has a control that the same call succeeds without the rule.
. "$TESTSRC/deny-lib.sh"

# t WHAT STATUS SYMTRACE-ARGS... -- COMMAND: symtrace exits STATUS.
t()
{
	_want_st=$2
	_what=$1
	shift 2
	st "$_what" "$@"
	status_is "$_want_st"
}

# ---- when=: the 2nd call, then every 2nd after it, fails ----
t "when=2+2" 0 -r 'deny:EACCES when=2+2' -- sh -c \
	'for i in 1 2 3 4 5; do ln -s a l$i 2>/dev/null; done; exit 0'
report_is "symlinkat(\"a\", AT_FDCWD<$w>, \"l1\") = 0" \
	"symlinkat(\"a\", AT_FDCWD<$w>, \"l2\") = $eacces <denied rule -r 1>" \
	"symlinkat(\"a\", AT_FDCWD<$w>, \"l3\") = 0" \
	"symlinkat(\"a\", AT_FDCWD<$w>, \"l4\") = $eacces <denied rule -r 1>" \
	"symlinkat(\"a\", AT_FDCWD<$w>, \"l5\") = 0"
check_link l1 a
absent l2
check_link l3 a
absent l4
check_link l5 a
rm -f l1 l3 l5

# A call when= passes over goes on to the next rule; counted per rule.
t "when=3 then --deny" 0 -r 'deny:EACCES comm=ln when=3' -r 'allow comm=ln' \
	--deny -- sh -c 'for i in 1 2 3 4; do ln -s a m$i 2>/dev/null; done
		exit 0'
report_is "symlinkat(\"a\", AT_FDCWD<$w>, \"m1\") = 0" \
	"symlinkat(\"a\", AT_FDCWD<$w>, \"m2\") = 0" \
	"symlinkat(\"a\", AT_FDCWD<$w>, \"m3\") = $eacces <denied rule -r 1>" \
	"symlinkat(\"a\", AT_FDCWD<$w>, \"m4\") = 0"
rm -f m1 m2 m4

# Trace mode too (audit): only the first call is marked.
t "audit when=1" 0 -r 'audit when=1' -- sh -c 'ln -s a n1; ln -s a n2'
report_is "symlinkat(\"a\", AT_FDCWD<$w>, \"n1\") = 0 <audit rule -r 1>" \
	"symlinkat(\"a\", AT_FDCWD<$w>, \"n2\") = 0"
rm -f n1 n2

# ---- a rule from an included file is named FILE:LINE ----
mkdir "$tmp/rules.d" || fail "cannot create $tmp/rules.d"
printf 'allow target=/tmp/**\ninclude rules.d/*.rules\n' >"$tmp/main.rules"
printf '# etc\n\ndeny:EACCES target=/etc/**\n' >"$tmp/rules.d/etc.rules"
t "include" 1 --rules="$tmp/main.rules" -- ln -s /etc/passwd x
report_is "symlinkat(\"/etc/passwd\", AT_FDCWD<$w>, \"x\") = $eacces <denied rule $tmp/rules.d/etc.rules:3>"
absent x

# ---- '~' as root: the home from the password database ----
home=$(getent passwd "$(id -u)" | cut -d: -f6)
case $home in
/?*)
	t "~ target, into the home" 1 -r 'deny target=~/**' -- \
		ln -s "$home/x" h1
	report_is "symlinkat(\"$home/x\", AT_FDCWD<$w>, \"h1\") = $eperm <denied rule -r 1>"
	absent h1
	# Above the home leads into it (the ancestor rule).
	t "~ target, /" 1 -r 'deny target=~/**' -- ln -s / h2
	report_is "symlinkat(\"/\", AT_FDCWD<$w>, \"h2\") = $eperm <denied rule -r 1>"
	absent h2
	t "~ target, elsewhere" 0 -r 'deny target=~/**' -- ln -s /nowhere h3
	report_is "symlinkat(\"/nowhere\", AT_FDCWD<$w>, \"h3\") = 0"
	check_link h3 /nowhere
	rm -f h3
	# Trace mode: the ids are read for '~' rules.
	t "~ audit" 0 -r 'audit target=~/**' -- ln -s "$home/y" h4
	report_is "symlinkat(\"$home/y\", AT_FDCWD<$w>, \"h4\") = 0 <audit rule -r 1>"
	check_link h4 "$home/y"
	rm -f h4
	;;
*)
	echo "NOTE: $me: uid $(id -u) has no usable home, '~' as it untested" >&2
	;;
esac

# ---- other users (setpriv, as root) ----
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null 2>&1; then
	echo "NOTE: $me: not root or no setpriv: user=, group= untested" >&2
	exit 0
fi
chmod 755 "$tmp" && chmod 777 "$w" || fail "cannot open $w to other users"
nobody_name=$(getent passwd 65534 | cut -d: -f1)
daemon_group=$(getent group 1 | cut -d: -f1)
nogroup=$(getent group 65534 | cut -d: -f1)
[ -n "$nobody_name" ] && [ -n "$daemon_group" ] && [ -n "$nogroup" ] ||
	skip "no passwd entry 65534 or group entries 1, 65534"
as_nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
as_nobody_daemon="setpriv --reuid=65534 --regid=65534 --groups=1"
noentry=54321
getent passwd $noentry >/dev/null && skip "uid $noentry has a passwd entry"
as_noentry="setpriv --reuid=$noentry --regid=$noentry --clear-groups"

# Control: each of them may make a link here.
for who in "$as_nobody" "$as_nobody_daemon" "$as_noentry"; do
	# shellcheck disable=SC2086 # $who is a command line
	$who ln -s a ctl 2>"$tmp/stderr" || {
		show stderr "$tmp/stderr"
		fail "control: $who cannot make a link in $w"
	}
	rm -f ctl
done

# user=: the euid.
# shellcheck disable=SC2086
t "user=root as nobody" 0 -r 'deny user=root' -- $as_nobody ln -s a u1
report_is "symlinkat(\"a\", AT_FDCWD<$w>, \"u1\") = 0"
rm -f u1
# shellcheck disable=SC2086
t "user=$nobody_name as nobody" 1 -r "deny user=$nobody_name" -- \
	$as_nobody ln -s a u2
report_is "symlinkat(\"a\", AT_FDCWD<$w>, \"u2\") = $eperm <denied rule -r 1>"
absent u2

# group=: the egid, or a supplementary group.
# shellcheck disable=SC2086
t "group=$nogroup (egid)" 1 -r "deny group=$nogroup" -- $as_nobody ln -s a g1
report_is "symlinkat(\"a\", AT_FDCWD<$w>, \"g1\") = $eperm <denied rule -r 1>"
absent g1
# shellcheck disable=SC2086
t "group=$daemon_group, not a member" 0 -r "deny group=$daemon_group" -- \
	$as_nobody ln -s a g2
report_is "symlinkat(\"a\", AT_FDCWD<$w>, \"g2\") = 0"
rm -f g2
# shellcheck disable=SC2086
t "group=$daemon_group, supplementary" 1 -r "deny group=$daemon_group" -- \
	$as_nobody_daemon ln -s a g3
report_is "symlinkat(\"a\", AT_FDCWD<$w>, \"g3\") = $eperm <denied rule -r 1>"
absent g3
# ... in trace mode too.
# shellcheck disable=SC2086
t "audit group=$daemon_group" 0 -r "audit group=$daemon_group" -- \
	$as_nobody_daemon ln -s a g4
report_is "symlinkat(\"a\", AT_FDCWD<$w>, \"g4\") = 0 <audit rule -r 1>"
rm -f g4

# '~' for a uid with no passwd entry: an allow rule cannot match it, a
# deny rule matches whatever the target (fail closed).
# shellcheck disable=SC2086
t "~ allow, no entry" 1 -r 'allow link=~/**' --deny -- $as_noentry \
	ln -s a e1
report_is "symlinkat(\"a\", AT_FDCWD<$w>, \"e1\") = $eperm <denied rule --deny>"
absent e1
# shellcheck disable=SC2086
t "~ deny, no entry" 1 -r 'deny target=~/.ssh/**' -- $as_noentry \
	ln -s /nowhere e2
report_is "symlinkat(\"/nowhere\", AT_FDCWD<$w>, \"e2\") = $eperm <denied rule -r 1>"
absent e2
# The same rule for nobody, whose home is a path: only what leads there.
# shellcheck disable=SC2086
t "~ deny, nobody" 0 -r 'deny target=~/.ssh/**' -- $as_nobody \
	ln -s /nowhere e3
report_is "symlinkat(\"/nowhere\", AT_FDCWD<$w>, \"e3\") = 0"
rm -f e3

cd "$tmp" || fail cd
check_no_leftovers
exit 0
