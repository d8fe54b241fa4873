#!/bin/sh
# Runs symtrace under valgrind memcheck (make check-valgrind).  Any error,
# including a definite leak, makes symtrace exit 99 and the test fail; the
# reports go to $VALGRIND_LOG_DIR (default /tmp) as symtrace-vg.PID.
#
# valgrind (3.19) answers ENOSYS to openat2, which symtrace then says at
# start ("kernel lacks openat2"); that line, and only it, is taken out of
# symtrace's standard error, which is passed on when symtrace ends (the
# tests that run under valgrind read it only then).
err=$(mktemp "${TMPDIR:-/tmp}/symtrace-vg-err.XXXXXX") || exit 125
valgrind -q --log-file="${VALGRIND_LOG_DIR:-/tmp}/symtrace-vg.%p" \
	--error-exitcode=99 --leak-check=full \
	--errors-for-leak-kinds=definite "$SYMTRACE_REAL" "$@" 2>"$err"
st=$?
grep -v '^symtrace: kernel lacks openat2 (Linux 5\.6): ' "$err" >&2
rm -f "$err"
exit $st
