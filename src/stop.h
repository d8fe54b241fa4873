/* stop.h - what a waitpid() status of a tracee is, and what it asks of the
 * tracer; pure (knows the status encoding, never calls ptrace). */
#ifndef SYMTRACE_STOP_H
#define SYMTRACE_STOP_H

#include <stdbool.h>

/* Each kind names the action the wait loop takes (supervisor.c); the
 * detach loop (supervisor.c: detach_all()) only tells STOP_GONE,
 * STOP_SYSCALL, STOP_NEW_CHILD and STOP_SIGNAL from the rest. */
enum stop_kind {
	/* Exited or killed (WIFEXITED, WIFSIGNALED): a call in progress is
	 * reported with "= ?", the task forgotten, its end noticed. */
	STOP_GONE,
	/* Syscall-stop (SIGTRAP|0x80, PTRACE_O_TRACESYSGOOD): an entry or
	 * an exit; decoded, then resumed. */
	STOP_SYSCALL,
	/* PTRACE_EVENT_SECCOMP: the entry of a call the prefilter traces;
	 * decoded, then resumed (PTRACE_SYSCALL when its exit matters). */
	STOP_SECCOMP,
	/* PTRACE_EVENT_{FORK,VFORK,CLONE}: resumed at once; the child is
	 * added when its own first stop comes (it may have come already). */
	STOP_NEW_CHILD,
	/* PTRACE_EVENT_EXEC: from inside execve; a non-leader thread that
	 * exec'd has the leader's tid now (PTRACE_GETEVENTMSG: the old one). */
	STOP_EXEC,
	/* PTRACE_EVENT_STOP, first of its task: an auto-attached tracee's
	 * first stop, or the PTRACE_INTERRUPT stop of one seized by -p;
	 * resumed. */
	STOP_START,
	/* PTRACE_EVENT_STOP with a stop signal, not the first stop (or the
	 * first of a task seized while stopped): a group-stop, left in
	 * place with PTRACE_LISTEN so job control works. */
	STOP_GROUP,
	/* PTRACE_EVENT_STOP otherwise (a PTRACE_INTERRUPT stop, the end of
	 * a group-stop at SIGCONT): resumed, the group-stop is over. */
	STOP_INTERRUPT,
	/* Signal-delivery-stop: resumed with the signal, as if we were not
	 * here (detach hands it back with PTRACE_DETACH). */
	STOP_SIGNAL,
	/* An event no option of ours asks for: resumed with WSTOPSIG like a
	 * signal-delivery-stop; detached without a signal. */
	STOP_OTHER_EVENT,
	/* Neither a stop nor an end (WIFCONTINUED, never asked for):
	 * nothing to do. */
	STOP_NONE,
};

/* The kind of status.  first: no stop of the task was seen before
 * (new to the table, or its first stop not seen yet); attached: it was
 * seized by -p. */
enum stop_kind classify_stop(int status, bool first, bool attached);

/* SIGSTOP, SIGTSTP, SIGTTIN or SIGTTOU. */
bool is_stop_signal(int sig);

#endif
