#!/bin/sh
# deny-abi.sh - deny mode for the other x86 ABIs: int $0x80 (symlink and
# symlinkat) from a 64-bit process, x32 calls, and a -m32 program.  Under
# --deny every call is refused; under "deny target=/etc/**" /etc/passwd is
# refused and /tmp/ok allowed.  Both with and without the seccomp
# prefilter.
. "$TESTSRC/deny-lib.sh"

[ "$(uname -m)" = x86_64 ] || skip "not x86_64: no i386 or x32 ABI here"

# The calls: "HELPER CMD ARGS" with the line symtrace prints for them
# (%T is the target, %L the link, without the result and tags), one a line.
calls="symhelper int80|symlink(\"%T\", \"%L\"<$w/%L>)|<i386>
symhelper int80at|symlinkat(\"%T\", AT_FDCWD<$w>, \"%L\")|<i386>
symhelper x32|symlinkat(\"%T\", AT_FDCWD<$w>, \"%L\")|<x32>"
if [ "$HAVE_M32" = yes ]; then
	[ -x "$TESTBIN/symhelper32" ] ||
		fail "HAVE_M32=yes but there is no $TESTBIN/symhelper32"
	calls="$calls
symhelper32 symlink|symlink(\"%T\", \"%L\"<$w/%L>)|<i386>
symhelper32 symlinkat|symlinkat(\"%T\", AT_FDCWD<$w>, \"%L\")|<i386>"
else
	echo "$me: no -m32 compiler: symhelper32 not tested" >&2
fi

# Does this kernel run x32 code?  (Without it, an x32 call fails with
# ENOSYS, which symtrace must still report, and deny under --deny.)
x32=no
"$TESTBIN/symhelper" x32 /tmp/ok "$w/probe" >/dev/null 2>&1
[ -L "$w/probe" ] && x32=yes
rm -f "$w/probe"

# run WHAT EXPECTED-LINE SYMTRACE-ARGS... -- HELPER ARGS: symtrace exits 0
# with nothing on stderr and reports exactly EXPECTED-LINE (and the
# helper agrees: it prints what it saw).
run()
{
	_what=$1
	_line=$2
	shift 2
	st "$_what" "$@"
	want "$_line"
	check 0 ""
	# The helper saw the same result (its line has no verdict tag).
	sed 's/ <denied rule [^>]*>$//' "$tmp/want" >"$tmp/want.helper"
	diff -u "$tmp/want.helper" "$tmp/stdout" >&2 ||
		fail "$what: the helper saw another result"
}

n=0
for mode in "" --no-seccomp; do
	m=${mode:-seccomp}
	printf '%s\n' "$calls" >"$tmp/calls"
	while IFS='|' read -r call fmt tag; do
		n=$((n + 1))
		# shellcheck disable=SC2086 # "HELPER CMD"
		set -- $call
		helper=$TESTBIN/$1
		cmd=$2
		extra=
		[ "$cmd" = symlinkat ] && extra=cwd

		# --deny: always refused, no link.
		l=l$n
		call_line=$(printf '%s' "$fmt" | sed "s|%T|/tmp/ok|g; s|%L|$l|g")
		# shellcheck disable=SC2086 # $mode, $extra: empty or a word
		run "$m --deny $call" \
			"$call_line = $eperm $tag <denied rule --deny>" \
			$mode --deny -- "$helper" $cmd /tmp/ok $extra $l
		[ -e $l ] || [ -L $l ] && fail "$m --deny $call: $l was made"

		# deny target=/etc/**: /etc/passwd refused...
		l=p$n
		call_line=$(printf '%s' "$fmt" |
			sed "s|%T|/etc/passwd|g; s|%L|$l|g")
		# shellcheck disable=SC2086
		run "$m target /etc/passwd $call" \
			"$call_line = $eperm $tag <denied rule -r 1>" \
			$mode -r 'deny target=/etc/**' -- \
			"$helper" $cmd /etc/passwd $extra $l
		[ -e $l ] || [ -L $l ] && fail "$m target $call: $l was made"

		# ... and /tmp/ok allowed (an x32 call only where the
		# kernel has x32).
		l=k$n
		call_line=$(printf '%s' "$fmt" | sed "s|%T|/tmp/ok|g; s|%L|$l|g")
		if [ "$tag" = "<x32>" ] && [ $x32 = no ]; then
			result='-1 ENOSYS (Function not implemented)'
		else
			result=0
		fi
		# shellcheck disable=SC2086
		run "$m target /tmp/ok $call" "$call_line = $result $tag" \
			$mode -r 'deny target=/etc/**' -- \
			"$helper" $cmd /tmp/ok $extra $l
		if [ "$result" = 0 ]; then
			check_link $l /tmp/ok
		else
			[ -e $l ] || [ -L $l ] && fail "$m x32: $l was made"
		fi
	done <"$tmp/calls"
done
[ $x32 = yes ] || echo "$me: no x32 in this kernel: x32 calls fail with ENOSYS" >&2

check_no_leftovers
exit 0
