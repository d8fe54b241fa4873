/* move.h - deny mode: rename and link calls made by symtrace for the
 * caller, every symlink they move judged at its new place. */
#ifndef SYMTRACE_MOVE_H
#define SYMTRACE_MOVE_H

#include "arch.h"
#include "judge.h"
#include "tracee.h"

void delegate_move(struct judge *j, struct tracee *t,
		   const struct syscall_state *st, enum sysc sc);

#endif
