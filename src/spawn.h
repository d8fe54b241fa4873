/* spawn.h - run mode: start the command under ptrace. */
#ifndef SYMTRACE_SPAWN_H
#define SYMTRACE_SPAWN_H

#include <sys/types.h>

#include "session.h"

/* Fork, seize and let the child install the seccomp prefilter and exec
 * s->cfg->argv; the command is added to the tracee table.  Sets up the
 * signals symtrace ignores or passes on to the command.  Returns its pid;
 * dies when it cannot be traced. */
pid_t spawn_command(const struct session *s);

#endif
