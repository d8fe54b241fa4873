#!/bin/sh
# deny-namespaces.sh - whenever a rule can deny, no traced process gets a
# mount namespace of its own: unshare(CLONE_NEWNS), clone(CLONE_NEWNS) and
# setns() into a mount namespace are refused with EPERM.  In a mount
# namespace of its own (with a user namespace, no privilege needed) a
# process could bind-mount a guarded directory under another name, and its
# links would land there while symtrace judges the other name.  Both with
# the seccomp prefilter and with --no-seccomp; a control run without
# symtrace shows the attack works; trace mode still lets it run.
. "$TESTSRC/lib.sh"

skip_unless_ptrace

LC_ALL=C
export LC_ALL

for c in unshare mount; do
	command -v $c >/dev/null 2>&1 || skip "no $c(1)"
done
# As root, the attack runs as nobody: it needs no privilege.
asuser=
if [ "$(id -u)" -eq 0 ]; then
	command -v setpriv >/dev/null 2>&1 || skip "no setpriv(1)"
	asuser="setpriv --reuid=65534 --regid=65534 --clear-groups"
	chmod 755 "$tmp" || fail "cannot open $tmp to nobody"
fi
# shellcheck disable=SC2086 # $asuser is a command prefix
$asuser unshare -Urm true 2>/dev/null ||
	skip "unprivileged user and mount namespaces are not available"

w=$(cd "$tmp" && pwd -P) || fail "cannot enter $tmp"
cd "$w" || fail "cannot enter $w"
mkdir guard y && chmod 777 guard y || fail "cannot create guard, y"
sd=$TESTBIN/sidedoor
rule="deny link=$w/guard/**"
attack="mount --bind $w/guard $w/y && ln -s /etc/passwd $w/y/evil"
eperm='-1 EPERM (Operation not permitted)'

# run WHAT CMD...: exit status to $st, stdout and stderr to $tmp/stdout,
# $tmp/stderr, the report (without "[pid N] ") to $tmp/report.
run()
{
	what=$1
	shift
	rm -f "$tmp/out"
	"$@" >"$tmp/stdout" 2>"$tmp/stderr"
	st=$?
	if [ -e "$tmp/out" ]; then
		sed 's/^\[pid [0-9]*\] //' "$tmp/out" >"$tmp/report"
	else
		: >"$tmp/report"
	fi
}

# expect STATUS REPORT-LINE...: the exit status and the exact report.
expect()
{
	_want=$1
	shift
	if [ $# -gt 0 ]; then
		printf '%s\n' "$@" >"$tmp/want"
	else
		: >"$tmp/want"
	fi
	diff -u "$tmp/want" "$tmp/report" >&2 || {
		show stderr "$tmp/stderr"
		fail "$what: wrong report"
	}
	[ "$st" -eq "$_want" ] || {
		show stdout "$tmp/stdout"
		show stderr "$tmp/stderr"
		fail "$what: exit status $st, expected $_want"
	}
}

no_link()
{
	if [ -e "$1" ] || [ -L "$1" ]; then
		fail "$what: $1 exists, expected none"
	fi
}

# ---- control: without symtrace the bind mount puts the link in guard/ ----
# shellcheck disable=SC2086
run "control" $asuser unshare -Urm sh -c "$attack"
[ "$st" -eq 0 ] || {
	show stderr "$tmp/stderr"
	fail "control: the attack failed ($st)"
}
check_link "$w/guard/evil" /etc/passwd
rm -f "$w/guard/evil"
"$sd" clone-newns >"$tmp/stdout" 2>&1
[ "$(cat "$tmp/stdout")" = "clone-newns: allowed" ] ||
	fail "control clone-newns: $(cat "$tmp/stdout")"
# Joining one's own mount namespace needs CAP_SYS_ADMIN: root only.
setns_ok=
"$sd" setns /proc/self/ns/mnt 0 >"$tmp/stdout" 2>&1
if [ "$(cat "$tmp/stdout")" = "setns: allowed" ]; then
	setns_ok=1
else
	echo "$me: setns not tested (control: $(cat "$tmp/stdout"))" >&2
fi

for mode in "" --no-seccomp; do
	m=${mode:-seccomp}
	# The attack: unshare(1) is refused before it can mount.
	# shellcheck disable=SC2086
	run "$m unshare -Urm" "$SYMTRACE" $mode -o "$tmp/out" -r "$rule" -- \
		$asuser unshare -Urm sh -c "$attack"
	expect 1 "unshare() = $eperm <denied>"
	grep -q 'Operation not permitted' "$tmp/stderr" || {
		show stderr "$tmp/stderr"
		fail "$what: unshare(1) did not report EPERM"
	}
	no_link "$w/guard/evil"
	no_link "$w/y/evil"

	# A rule that can deny but never matches closes the doors too.
	# shellcheck disable=SC2086
	run "$m clone-newns" "$SYMTRACE" $mode -o "$tmp/out" \
		-r "kill target=/nowhere/**" -- "$sd" clone-newns
	expect 0 "clone() = $eperm <denied>"
	[ "$(cat "$tmp/stdout")" = "clone-newns: EPERM" ] ||
		fail "$what: printed $(cat "$tmp/stdout")"

	if [ -n "$setns_ok" ]; then
		for t in 0 0x20000; do
			# shellcheck disable=SC2086
			run "$m setns mnt $t" "$SYMTRACE" $mode -o "$tmp/out" \
				--deny -- "$sd" setns /proc/self/ns/mnt $t
			expect 0 "setns() = $eperm <denied>"
			[ "$(cat "$tmp/stdout")" = "setns: EPERM" ] ||
				fail "$what: printed $(cat "$tmp/stdout")"
		done
		# Other namespaces stay open (nstype says which).
		# shellcheck disable=SC2086
		run "$m setns net" "$SYMTRACE" $mode -o "$tmp/out" --deny -- \
			"$sd" setns /proc/self/ns/net 0x40000000
		expect 1 # (sidedoor's status for "allowed")
		[ "$(cat "$tmp/stdout")" = "setns: allowed" ] ||
			fail "$what: printed $(cat "$tmp/stdout")"
	fi

	# A user namespace alone stays allowed.
	# shellcheck disable=SC2086
	run "$m unshare -Ur" "$SYMTRACE" $mode -o "$tmp/out" -r "$rule" -- \
		$asuser unshare -Ur true
	expect 0

	# Trace mode: nothing is refused, the attack works (and the link,
	# not found where symtrace looks, is reported unverified).
	# shellcheck disable=SC2086
	run "$m trace mode" "$SYMTRACE" $mode -o "$tmp/out" -- \
		$asuser unshare -Urm sh -c "$attack"
	expect 0 "symlinkat(\"/etc/passwd\", AT_FDCWD<$w>, \"$w/y/evil\") = 0 <unverified> <unresolved: another mount namespace>"
	check_link "$w/guard/evil" /etc/passwd
	rm -f "$w/guard/evil"
done

check_no_leftovers
exit 0
