/* noseize.h - the ptrace back end for kernels without PTRACE_SEIZE
 * (before Linux 3.4): PTRACE_TRACEME in run mode, PTRACE_ATTACH in attach
 * mode, SIGSTOP where the SEIZE back end uses PTRACE_INTERRUPT, and
 * PTRACE_GETSIGINFO to tell a group-stop from a signal-delivery-stop.
 * What differs in the stops (stop.h: classify_stop_noseize()):
 *   - a task's start is a SIGSTOP signal-delivery-stop, not
 *     PTRACE_EVENT_STOP: the one PTRACE_ATTACH sends, or the one the
 *     kernel queues for an auto-attached child; it is swallowed;
 *   - a group-stop is reported as a stop with its stop signal and no
 *     event, after the signal-delivery-stop of that signal; only
 *     PTRACE_GETSIGINFO tells them apart (EINVAL: group-stop);
 *   - there is no PTRACE_LISTEN: a group-stopped tracee resumed with
 *     sig 0 runs (ptrace(2), "Group-stop"; job control is approximate,
 *     as under strace on those kernels). */
#ifndef SYMTRACE_NOSEIZE_H
#define SYMTRACE_NOSEIZE_H

#include <sys/types.h>

#include "stop.h" /* enum siginfo_says */

/* In the child, before anything of the command: PTRACE_TRACEME, then
 * stop (SIGSTOP) until the parent has set the options.  0 or -errno
 * (PTRACE_TRACEME refused). */
int noseize_traceme(void);
/* In the parent: wait for that stop of pid and set opts
 * (PTRACE_SETOPTIONS); the child is left in its stop.  0, -errno, or
 * -ECHILD when the child ended instead of stopping (it said why). */
int noseize_child_stopped(pid_t pid, unsigned long opts);
/* PTRACE_ATTACH tid (the kernel sends it a SIGSTOP).  0 or -errno. */
int noseize_attach(pid_t tid);
/* PTRACE_SETOPTIONS at tid's first stop after PTRACE_ATTACH.  0 or
 * -errno. */
int noseize_set_options(pid_t tid, unsigned long opts);
/* Make tid stop (SIGSTOP by tkill, recognized as symtrace's own by
 * noseize_siginfo()); async-signal-safe.  0 or -errno. */
int noseize_interrupt(pid_t tid);
/* What PTRACE_GETSIGINFO says of tid's stop with stop signal sig and no
 * event. */
enum siginfo_says noseize_siginfo(pid_t tid, int sig);

#endif
