#!/bin/sh
# man-example.sh - the man page's rules example is
# contrib/shared-hosting.rules (its rules, without the comments): the
# two cannot drift apart.
. "$TESTSRC/lib.sh"

man=$TESTSRC/../man/symtrace.1.in
rules=$TESTSRC/../contrib/shared-hosting.rules
[ -r "$man" ] && [ -r "$rules" ] || fail "cannot read $man or $rules"

# The .nf block after "Shared hosting, as shipped in", roff escapes undone.
awk '/^Shared hosting, as shipped in/ { found = 1 }
	found && /^\.nf/ { inblock = 1; next }
	inblock && /^\.fi/ { exit }
	inblock { print }' "$man" |
	sed 's/\\(ti/~/g; s/\\-/-/g; s/\\e/\\/g' >"$tmp/man"
grep -v '^[[:space:]]*#' "$rules" | grep -v '^[[:space:]]*$' >"$tmp/rules"
[ -s "$tmp/man" ] || fail "no example found in the man page"
diff -u "$tmp/rules" "$tmp/man" >&2 ||
	fail "the man page's example differs from contrib/shared-hosting.rules"
exit 0
