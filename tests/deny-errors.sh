#!/bin/sh
# deny-errors.sh - malformed rules (-r, --rules FILE, --deny=ERRNO) and an
# unreadable rules file: symtrace exits 125 with an exact message before
# it runs anything.
. "$TESTSRC/lib.sh"

skip_unless_ptrace

LC_ALL=C
export LC_ALL

mkdir "$tmp/w" && cd "$tmp/w" || fail "cannot set up $tmp/w"

n=0

# refused MESSAGE SYMTRACE-ARGS...: "symtrace ARGS -- touch MARKER" exits
# 125, prints MESSAGE (one or more lines) on stderr and nothing on stdout,
# and MARKER is not made.
refused()
{
	msg=$1
	shift
	n=$((n + 1))
	rm -f MARKER
	"$SYMTRACE" "$@" -- touch MARKER >"$tmp/stdout" 2>"$tmp/stderr"
	st=$?
	what="case $n (symtrace $*)"
	[ $st -eq 125 ] || {
		show stderr "$tmp/stderr"
		fail "$what: exit status $st, expected 125"
	}
	printf '%s\n' "$msg" >"$tmp/want"
	diff -u "$tmp/want" "$tmp/stderr" >&2 || fail "$what: wrong message"
	[ -s "$tmp/stdout" ] && fail "$what: output on stdout"
	[ -e MARKER ] && fail "$what: the command ran"
	:
}

# rule RULE COLUMN MESSAGE: RULE given with -r is refused with
# "symtrace: bad rule in -r number 1, column COLUMN: MESSAGE".
rule()
{
	refused "symtrace: bad rule in -r number 1, column $2: $3" -r "$1"
}

exp_action="(expected allow, deny, deny:ERRNO, kill or audit)"
exp_key="(expected target, link, uid, ruid, gid, user, group, comm, exe, when or dotdot)"
exp_range="(expected N, N-M, N- or -M)"
exp_errno="(expected a name like EACCES or a number 1-4095)"

# ---- -r RULE ----
rule 'dney x' 1 "unknown action 'dney' $exp_action"
rule 'dney' 1 "unknown action 'dney' $exp_action"
rule 'Deny' 1 "unknown action 'Deny' $exp_action"
rule 'kill:EPERM' 1 "unknown action 'kill:EPERM' $exp_action"
rule '' 1 "empty rule"
rule 'deny foo=bar' 6 "unknown key 'foo' $exp_key"
rule 'deny target=/x foo=bar' 16 "unknown key 'foo' $exp_key"
rule 'deny target' 6 "expected KEY=VALUE, got 'target'"
rule 'deny target=' 6 "empty value for 'target'"
rule 'allow link=' 7 "empty value for 'link'"
rule 'deny uid=5-3' 6 "bad range '5-3' for 'uid' $exp_range"
rule 'deny uid=abc' 6 "bad range 'abc' for 'uid' $exp_range"
rule 'allow uid=1-2-3' 7 "bad range '1-2-3' for 'uid' $exp_range"
rule 'deny gid=-' 6 "bad range '-' for 'gid' $exp_range"
rule 'audit ruid=x-' 7 "bad range 'x-' for 'ruid' $exp_range"
rule 'deny uid=99999999999999999999' \
	6 "bad range '99999999999999999999' for 'uid' (numbers must be 0 to 4294967294)"
rule 'deny:EFOO' 1 "unknown errno 'EFOO' $exp_errno"
rule 'deny:' 1 "missing errno after 'deny:' $exp_errno"
rule 'deny:99999' 1 "errno '99999' out of range (expected 1-4095)"
exp_when="(expected N, N+ or N+S, numbers 1 to 4294967294)"
rule 'deny when=0' 6 "bad value '0' for 'when' $exp_when"
rule 'deny when=2+0' 6 "bad value '2+0' for 'when' $exp_when"
rule 'deny target=/x when=x' 16 "bad value 'x' for 'when' $exp_when"
rule 'deny user=no-such-user-x' 6 "unknown user 'no-such-user-x'"
rule 'deny  group=no-such-group-x' 7 "unknown group 'no-such-group-x'"
rule 'allow link=~root/**' 7 \
	"'~' in 'link' must be followed by '/' (~USER is not supported; '\\~' is a literal '~')"
rule 'include /etc/x' 1 "'include' is a line of a rules file, not a rule"

# The number is the rule's place among the -r options.
refused "symtrace: bad rule in -r number 3, column 6: expected KEY=VALUE, got 'x'" \
	-r allow -r 'deny uid=1' -r 'deny x'

# ---- --rules FILE ----
# rules_file MESSAGE: $tmp/rules is refused with
# "symtrace: bad rule in $tmp/rules, MESSAGE".
rules_file()
{
	refused "symtrace: bad rule in $tmp/rules, $1" --rules "$tmp/rules"
}

printf '# comment\n\nallow\ndeny   uid=5-3\n' >"$tmp/rules"
rules_file "line 4, column 8: bad range '5-3' for 'uid' $exp_range"
printf 'deny\nfoo\n' >"$tmp/rules"
rules_file "line 2, column 1: unknown action 'foo' $exp_action"
printf 'deny\n  deny:EBLAH  target=/x\n' >"$tmp/rules"
rules_file "line 2, column 3: unknown errno 'EBLAH' $exp_errno"
printf 'allow\ndeny exe=' >"$tmp/rules"
rules_file "line 2, column 6: empty value for 'exe'"
printf '\n\n\n# c\naudit link=/x comm=\n' >"$tmp/rules"
rules_file "line 5, column 15: empty value for 'comm'"
# A bad file is refused even after good -r rules.
printf 'deny\nfoo\n' >"$tmp/rules"
refused "symtrace: bad rule in $tmp/rules, line 2, column 1: unknown action 'foo' $exp_action" \
	-r allow --rules "$tmp/rules"

refused "symtrace: cannot open rules file '$tmp/nonexistent': No such file or directory" \
	--rules "$tmp/nonexistent"
# Includes: an error names the file it is in, the line and the column.
mkdir "$tmp/rules.d" || fail "cannot create $tmp/rules.d"
printf 'allow\n\ninclude  rules.d/*.rules\n' >"$tmp/rules"
printf 'deny\n' >"$tmp/rules.d/a.rules"
printf 'audit\ndeny when=0\n' >"$tmp/rules.d/b.rules"
refused "symtrace: bad rule in $tmp/rules.d/b.rules, line 2, column 6: bad value '0' for 'when' $exp_when" \
	--rules "$tmp/rules"
printf 'include rules.d/*.rules\ninclude none.rules\n' >"$tmp/rules"
printf 'deny\n' >"$tmp/rules.d/b.rules"
refused "symtrace: bad rule in $tmp/rules, line 2, column 9: cannot open included file '$tmp/none.rules': No such file or directory" \
	--rules "$tmp/rules"
printf 'include ../rules\n' >"$tmp/rules.d/b.rules"
refused "symtrace: bad rule in $tmp/rules.d/b.rules, line 1, column 9: include loop: '$tmp/rules.d/../rules' is being read already" \
	--rules "$tmp/rules"
# A FIFO an include pattern matches: refused, not waited on.
printf 'deny\n' >"$tmp/rules.d/b.rules"
mkfifo "$tmp/rules.d/c.rules" || fail "cannot make a FIFO"
printf 'include rules.d/*.rules\n' >"$tmp/rules"
refused "symtrace: bad rule in $tmp/rules, line 1, column 9: included file '$tmp/rules.d/c.rules' is not a regular file" \
	--rules "$tmp/rules"
rm -r "$tmp/rules.d"
refused "symtrace: cannot read rules file '$tmp': Is a directory" \
	--rules "$tmp"

# ---- --deny=ERRNO ----
try="Try 'symtrace --help' for more information."
refused "symtrace: --as-user needs --check-rules
$try" --as-user=root -r allow
for e in EBOGUS 0 '' 4096; do
	refused "symtrace: --deny: unknown errno '$e' (a name like EACCES or a number from 1 to 4095)
$try" --deny="$e"
done

# Control: a good rule lets the command run.
"$SYMTRACE" -r 'deny target=/nowhere' -- touch MARKER 2>"$tmp/stderr" || {
	show stderr "$tmp/stderr"
	fail "control: symtrace -r 'deny target=/nowhere' -- touch failed"
}
[ -e MARKER ] || fail "control: MARKER was not made"

exit 0
