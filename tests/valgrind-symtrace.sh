#!/bin/sh
# Runs symtrace under valgrind memcheck (make check-valgrind).  Any error,
# including a definite leak, makes symtrace exit 99 and the test fail; the
# reports go to $VALGRIND_LOG_DIR (default /tmp) as symtrace-vg.PID.
exec valgrind -q --log-file="${VALGRIND_LOG_DIR:-/tmp}/symtrace-vg.%p" \
	--error-exitcode=99 --leak-check=full \
	--errors-for-leak-kinds=definite "$SYMTRACE_REAL" "$@"
