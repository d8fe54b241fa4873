/* stop.c - classify a waitpid() status (see stop.h); pure. */
#include "stop.h"

#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
	       sig == SIGTTOU;
}

enum stop_kind classify_stop(int status, bool first, bool attached)
{
	int sig;

	if (WIFEXITED(status) || WIFSIGNALED(status))
		return STOP_GONE;
	if (!WIFSTOPPED(status))
		return STOP_NONE;
	sig = WSTOPSIG(status);
	if (sig == (SIGTRAP | 0x80))
		return STOP_SYSCALL;
	switch ((unsigned)status >> 16) {
	case 0:
		return STOP_SIGNAL;
	case PTRACE_EVENT_SECCOMP:
		return STOP_SECCOMP;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		return STOP_NEW_CHILD;
	case PTRACE_EVENT_EXEC:
		return STOP_EXEC;
	case PTRACE_EVENT_STOP:
		if (first && !(attached && is_stop_signal(sig)))
			return STOP_START;
		return is_stop_signal(sig) ? STOP_GROUP : STOP_INTERRUPT;
	default:
		return STOP_OTHER_EVENT;
	}
}

enum stop_kind classify_stop_noseize(int status, bool sigstop_due,
				     enum siginfo_says si)
{
	if (WIFSTOPPED(status) &&
	    (unsigned)status >> 16 == PTRACE_EVENT_STOP)
		return STOP_OTHER_EVENT; /* only a seized task makes it */
	/* Ends, syscall-stops and the other events: as with SEIZE. */
	if (!WIFSTOPPED(status) || WSTOPSIG(status) == (SIGTRAP | 0x80) ||
	    (unsigned)status >> 16 != 0)
		return classify_stop(status, false, false);
	if (si == SIGINFO_NONE && is_stop_signal(WSTOPSIG(status)))
		return STOP_GROUP;
	if (WSTOPSIG(status) == SIGSTOP && sigstop_due)
		return STOP_START;
	if (si == SIGINFO_OURS && WSTOPSIG(status) == SIGSTOP)
		return STOP_INTERRUPT;
	return STOP_SIGNAL;
}

/* ---- the stops of one system call (see stop.h) ------------------------ */

const char *seccomp_order_name(enum seccomp_order o)
{
	switch (o) {
	case SECCOMP_ORDER_NEW:
		return "new";
	case SECCOMP_ORDER_OLD:
		return "old";
	case SECCOMP_ORDER_UNKNOWN:
	default:
		return "unknown";
	}
}

enum call_step call_step(const struct call_rules *r, enum call_pos pos,
			 bool seccomp_stop, enum sc_op op)
{
	if (seccomp_stop) {
		/* Without our filter: a filter of the tracee's own; the call
		 * is judged at its entry stop, which came before (new order)
		 * or comes next (old order, the task being resumed with
		 * PTRACE_SYSCALL). */
		if (!r->filtered)
			return STEP_AGAIN;
		/* New order: an entry stop can come first (the task was
		 * resumed with PTRACE_SYSCALL into user space); the call was
		 * judged there.  In the old order a seccomp stop is always a
		 * call's first stop. */
		if (r->order == SECCOMP_ORDER_NEW && pos == CALL_IN)
			return STEP_AGAIN;
		return STEP_FIRST;
	}
	/* A syscall-stop.  PTRACE_GET_SYSCALL_INFO (5.3+, so the new
	 * order) tells entry from exit; without it the position does. */
	if (op == SCOP_EXIT)
		return STEP_EXIT;
	if (pos == CALL_ENTRY_DUE)
		return STEP_AGAIN;
	if (op == SCOP_ENTRY)
		return STEP_FIRST;
	return pos == CALL_IN ? STEP_EXIT : STEP_FIRST;
}

bool call_skip_matters(const struct call_rules *r, enum call_step step,
		       bool seccomp_stop, bool traced)
{
	return r->order == SECCOMP_ORDER_OLD && step == STEP_FIRST &&
	       seccomp_stop && traced;
}

enum call_pos call_resumed(const struct call_rules *r, enum call_pos pos,
			   enum call_step step, bool seccomp_stop,
			   bool traced, bool skipped)
{
	/* PTRACE_CONT: no syscall-stop of this call will come (an entry
	 * stop, old order, and the exit need PTRACE_SYSCALL). */
	if (!traced || step == STEP_EXIT)
		return CALL_OUT;
	switch (step) {
	case STEP_FIRST:
		/* Old order: the entry stop follows, unless the call was
		 * skipped at this stop (number negative: no entry stop, no
		 * call; the exit stop is next). */
		if (call_skip_matters(r, step, seccomp_stop, traced) &&
		    !skipped)
			return CALL_ENTRY_DUE;
		return CALL_IN;
	case STEP_AGAIN:
		/* A seccomp stop passed leaves the task where it was: after
		 * its entry stop (new order), or before it (old order,
		 * without our filter).  The old order's entry stop leads to
		 * the exit. */
		return seccomp_stop ? pos : CALL_IN;
	case STEP_EXIT:
	default:
		return CALL_OUT;
	}
}

enum call_pos call_at_exec(bool traced)
{
	return traced ? CALL_IN : CALL_OUT;
}
