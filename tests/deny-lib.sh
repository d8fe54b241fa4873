#!/bin/sh
# deny-lib.sh - sourced by the deny-mode tests that run symtrace in a work
# directory and compare its report with the lines expected (deny-basic,
# deny-dirmove, deny-sidedoors, deny-rulekeys, deny-targets, deny-abi).
# Sources lib.sh, skips without ptrace, and sets up:
#   LC_ALL=C; $w, an empty directory as the tracer sees it (no symlinks in
#   its path), the current directory; $eperm, $eacces, $enosys, the result
#   texts of a refused call.
# Provides: st, status_is, want, check, report_is, absent, fresh.
# Each failure names $what, the case the test is at.
. "$TESTSRC/lib.sh"

skip_unless_ptrace

LC_ALL=C
export LC_ALL

enter_w

eperm='-1 EPERM (Operation not permitted)'
eacces='-1 EACCES (Permission denied)'
enosys='-1 ENOSYS (Function not implemented)'
what=

# st WHAT SYMTRACE-ARGS...: run symtrace with -o $tmp/out; its stdout and
# stderr go to $tmp/stdout and $tmp/stderr, its exit status to $st.
st()
{
	what=$1
	shift
	"$SYMTRACE" -o "$tmp/out" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
	st=$?
}

# status_is STATUS: the last run exited with STATUS.
status_is()
{
	[ "$st" -eq "$1" ] || {
		[ -s "$tmp/stdout" ] && show stdout "$tmp/stdout"
		show stderr "$tmp/stderr"
		show report "$tmp/out"
		fail "$what: exit status $st, expected $1"
	}
}

# want LINE...: the report the last run must have written, one argument a
# line (no argument: none), for check.
want()
{
	if [ $# -gt 0 ]; then
		printf '%s\n' "$@" >"$tmp/want"
	else
		: >"$tmp/want"
	fi
}

# same_as TEXT FILE WHAT: FILE holds exactly TEXT (one line, or nothing).
same_as()
{
	if [ -n "$1" ]; then
		printf '%s\n' "$1" >"$tmp/want.text"
	else
		: >"$tmp/want.text"
	fi
	diff -u "$tmp/want.text" "$2" >&2 || fail "$what: wrong $3"
}

# check STATUS STDERR [STDOUT]: the last run's exit status, its stderr (one
# line or empty) and, when given, its stdout are exactly these, and its
# report (less "[pid N] ") is the one given to want.
check()
{
	status_is "$1"
	same_as "$2" "$tmp/stderr" stderr
	[ $# -ge 3 ] && same_as "$3" "$tmp/stdout" stdout
	report_matches
}

# report_is LINE...: the last run's report (less "[pid N] ") is exactly
# these lines (no argument: empty).
report_is()
{
	want "$@"
	report_matches
}

report_matches()
{
	sed 's/^\[pid [0-9]*\] //' "$tmp/out" >"$tmp/out.stripped"
	diff -u "$tmp/want" "$tmp/out.stripped" >&2 ||
		fail "$what: wrong report"
}

# absent PATH: nothing at PATH, not even a dangling symlink.
absent()
{
	if [ -e "$1" ] || [ -L "$1" ]; then
		[ -s "$tmp/out" ] && show report "$tmp/out"
		fail "$what: $1 exists (-> '$(readlink "$1")'), expected none"
	fi
	:
}

# fresh NAME: an empty $w/NAME.
fresh()
{
	rm -rf "${w:?}/$1" && mkdir "$w/$1" || fail "cannot make $w/$1"
}
