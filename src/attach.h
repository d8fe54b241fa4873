/* attach.h - attach mode (-p): seize running processes, detach from
 * them on SIGINT, SIGTERM or SIGHUP. */
#ifndef SYMTRACE_ATTACH_H
#define SYMTRACE_ATTACH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "session.h"
#include "sink.h"
#include "tracee.h"

/* Attach to every process of s->cfg->pids (all their threads) and, with
 * s->attach_tree, to every process already running below them, counted
 * in out's summary, noticed; each that could not be is warned about.
 * Returns how many could not be (-p PIDs and descendants); dies when no
 * -p PID could be. */
size_t attach_all(const struct session *s, struct sink *out);
/* Was detaching asked for (SIGINT, SIGTERM, SIGHUP)? */
bool detach_requested(void);
/* Task tid is gone: another is interrupted to wake the loop. */
void attach_forget(pid_t tid);

/* The detach loop (supervisor.c): interrupt every task, detach each at
 * its next stop (sig: the signal to hand back), then notice.  Without
 * PTRACE_SEIZE the interrupt is a SIGSTOP (noseize.h), and a task is
 * detached at its delivery; attach_interrupt_seen(): the wait loop
 * swallowed tid's (a wake-up). */
void detach_interrupt_all(void);
void attach_interrupt_seen(pid_t tid);
void detach_task(struct sink *out, struct tracee *t, int sig);
void detach_notice(struct sink *out, size_t n);

#endif
