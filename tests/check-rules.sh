#!/bin/sh
# check-rules.sh - --check-rules prints the rules as understood, one a
# line after its origin (FILE:LINE, -r N, --deny), with user= and group=
# names resolved and '~' expanded for --as-user; it follows include lines
# (sorted, relative to the including file) and runs nothing; a bad rule
# exits 125 with the message a run would give.
. "$TESTSRC/lib.sh"

cd "$tmp" || fail "cd $tmp"
root_home=$(getent passwd 0 | cut -d: -f6)
root_group=$(getent group 0 | cut -d: -f1)
[ -n "$root_home" ] && [ -n "$root_group" ] ||
	skip "no passwd entry for uid 0 or no group entry for gid 0"

mkdir rules.d sub || fail "cannot create rules.d"
cat >main.rules <<'END'
# the main file
allow uid=0
include rules.d/*.rules
deny target=/etc/**   # a comment
include sub/x.rules
END
printf 'deny:EACCES user=root when=2+3\n' >rules.d/20-b.rules
printf '\naudit link="~/a b/**" target=~/**\n' >rules.d/10-a.rules
printf 'not a rule\n' >rules.d/30-c.txt
printf 'kill group=%s exe=~\n' "$root_group" >sub/x.rules

# check ARGS...: symtrace --check-rules ARGS exits 0, prints nothing on
# stderr; its stdout in $tmp/got.
check()
{
	"$SYMTRACE" --check-rules "$@" >got 2>err
	st=$?
	[ $st -eq 0 ] || { show stderr err; fail "$* exit status $st"; }
	[ -s err ] && { show stderr err; fail "$*: stderr"; }
	:
}

check --rules=main.rules -r 'deny:13 comm=x' --deny -- touch MARKER
[ -e MARKER ] && fail "--check-rules ran the command"
cat >want <<END
main.rules:2: allow uid=0
rules.d/10-a.rules:2: audit target=~/** link="~/a b/**"
rules.d/20-b.rules:1: deny:EACCES user=root(0) when=2+3
main.rules:4: deny:EPERM target=/etc/**
sub/x.rules:1: kill group=$root_group(0) exe=~
-r 1: deny:EACCES comm=x
--deny: deny:EPERM
END
diff -u want got >&2 || fail "--check-rules: wrong rules"

# --as-user: '~' is that user's home; by name or by number.
for u in root 0; do
	check --as-user="$u" --rules="$tmp/main.rules"
	cat >want <<END
$tmp/main.rules:2: allow uid=0
$tmp/rules.d/10-a.rules:2: audit target=$root_home/** link="$root_home/a b/**"
$tmp/rules.d/20-b.rules:1: deny:EACCES user=root(0) when=2+3
$tmp/main.rules:4: deny:EPERM target=/etc/**
$tmp/sub/x.rules:1: kill group=$root_group(0) exe=$root_home
END
	diff -u want got >&2 || fail "--as-user=$u: wrong rules"
done

# No rules: nothing printed, status 0; no COMMAND needed.
check
[ -s got ] && fail "--check-rules without rules printed something"

# Errors: status 125, the message, nothing on stdout.
bad()
{
	msg=$1
	shift
	"$SYMTRACE" --check-rules "$@" >got 2>err
	st=$?
	[ $st -eq 125 ] || { show stderr err; fail "$*: status $st, not 125"; }
	printf '%s\n' "$msg" >want
	diff -u want err >&2 || fail "$*: wrong message"
	[ -s got ] && fail "$*: output on stdout"
	:
}
printf 'deny user=no-such-user-x\n' >rules.d/40-d.rules
bad "symtrace: bad rule in rules.d/40-d.rules, line 1, column 6: unknown user 'no-such-user-x'" \
	--rules=main.rules
rm rules.d/40-d.rules
bad "symtrace: bad rule in -r number 2, column 7: bad value '2+0' for 'when' (expected N, N+ or N+S, numbers 1 to 4294967294)" \
	-r allow -r 'audit when=2+0'
bad "symtrace: --as-user: unknown user 'no-such-user-x'
Try 'symtrace --help' for more information." \
	--as-user=no-such-user-x -r allow
exit 0
