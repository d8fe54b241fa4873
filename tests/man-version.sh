#!/bin/sh
# man-version.sh - the built man page (what "make install" installs) has
# the version in its footer: its .TH line names "symtrace VERSION" as
# "symtrace --version" does, and no @WORD@ is left unsubstituted.  (The
# page's sed once read "s|0.1.0|0.1.0|": config.status had substituted
# the pattern itself, and the installed footer read "symtrace @VERSION@".)
. "$TESTSRC/lib.sh"

page=$TESTBIN/../man/symtrace.1
[ -r "$page" ] || fail "no built man page at $page"
version=$("$SYMTRACE" --version) || fail "symtrace --version failed"
case $version in
"symtrace "[0-9]*) ;;
*) fail "symtrace --version printed '$version'" ;;
esac

th=$(grep '^\.TH ' "$page")
expect=".TH SYMTRACE 1 \"[0-9-]*\" \"$version\" \"User Commands\""
printf '%s\n' "$th" | grep -qx "$expect" ||
	fail "the page's .TH line is '$th', expected '$expect'"
if grep -n '@[A-Za-z_]*@' "$page" >&2; then
	fail "the built page has unsubstituted @WORD@ (above)"
fi
exit 0
