/* spawn.h - run mode: start the command under ptrace. */
#ifndef SYMTRACE_SPAWN_H
#define SYMTRACE_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

#include "seccomp.h"
#include "session.h"
#include "sink.h"

/* The calls the prefilter traces in this session (also injected by
 * -p: inject.h). */
struct filter_spec filter_spec(const struct session *s);

/* Fork, seize and let the child install the seccomp prefilter and exec
 * s->cfg->argv; the command is added to the tracee table.  Sets up the
 * signals symtrace ignores or passes on to the command.  Returns its pid;
 * dies when it cannot be traced. */
pid_t spawn_command(const struct session *s);

/* --exit-with-command: the end of the tree once the command is gone. */
struct ending {
	pid_t pid;     /* the command */
	int status;    /* its wait status */
	pid_t *tgids;  /* the processes killed, for the notice */
	size_t n, size;
};

/* The command (pid, which ended with wait status) is gone: signals are
 * no longer passed on to it (its pid may be reused).  With
 * --exit-with-command, every remaining tracee is sent SIGKILL (counted
 * in *e) and true is returned: the loop must then kill every task that
 * still reports a stop (spawn_kill_late: a child whose first stop was
 * still to come) and wait for their ends, then notice. */
bool spawn_command_ended(const struct session *s, struct ending *e,
			 pid_t pid, int status);
void spawn_kill_late(struct ending *e, pid_t tid);
/* "killing the N processes left", if N > 0; frees *e. */
void spawn_ending_notice(struct sink *out, struct ending *e);

#endif
