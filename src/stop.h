/* stop.h - what a waitpid() status of a tracee is, and what it asks of the
 * tracer; pure (knows the status encoding, never calls ptrace). */
#ifndef SYMTRACE_STOP_H
#define SYMTRACE_STOP_H

#include <stdbool.h>

#include "arch.h" /* enum sc_op */

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

/* Without PTRACE_SEIZE (before Linux 3.4, noseize.h) a stop with no event
 * is a signal-delivery-stop or, for a stop signal, a group-stop, and
 * only PTRACE_GETSIGINFO tells them apart; the caller asks it (for stop
 * signals only) and passes what it said. */
enum siginfo_says {
	SIGINFO_DELIVERY, /* a signal is being delivered */
	SIGINFO_NONE,     /* EINVAL: a group-stop */
	SIGINFO_OURS,     /* the delivery of a SIGSTOP symtrace sent (tkill,
			   * si_pid symtrace's): its interrupt */
};

/* The kind of status without PTRACE_SEIZE.  sigstop_due: the task's
 * start is still to come (a new task, or one PTRACE_ATTACH sent its
 * SIGSTOP): a SIGSTOP delivered is that start, STOP_START (swallowed).
 * A group-stop is STOP_GROUP, symtrace's own SIGSTOP STOP_INTERRUPT
 * (swallowed); PTRACE_EVENT_STOP cannot come (STOP_OTHER_EVENT). */
enum stop_kind classify_stop_noseize(int status, bool sigstop_due,
				     enum siginfo_says si);

/* SIGSTOP, SIGTSTP, SIGTTIN or SIGTTOU. */
bool is_stop_signal(int sig);

/* ---- the stops of one system call ------------------------------------
 *
 * Which stops a call makes depends on how the tracee was resumed and on
 * the kernel.  A syscall-entry stop comes only when the task was resumed
 * with PTRACE_SYSCALL before the call; a syscall-exit stop only when it
 * was resumed with PTRACE_SYSCALL from the call's last stop before it;
 * a seccomp stop whenever a filter returns SECCOMP_RET_TRACE (ours: a
 * call of the family; a tracee's own filter: anything).  Their order:
 *
 *   Linux 4.8 and later  [entry] seccomp [exit]
 *       (ptrace(2) "PTRACE_EVENT_SECCOMP stops (since Linux 4.8)"; kernel
 *       commit 93e35efb8de4 "x86/ptrace: run seccomp after ptrace").
 *   Linux 3.5 to 4.7     seccomp [entry] [exit]
 *       (ptrace(2) "PTRACE_EVENT_SECCOMP stops (Linux 3.5 to Linux 4.7)":
 *       restarted from the seccomp stop with PTRACE_SYSCALL, the tracee
 *       makes a syscall-entry stop - unless the tracer set the syscall
 *       number negative there: then "both the syscall-entry-stop and the
 *       system call itself will be skipped" and the next stop is the
 *       exit.  Kernel 4.4, arch/x86/entry/common.c: for RET_TRACE
 *       syscall_trace_enter_phase2() calls seccomp_phase2() - the stop,
 *       then "if (syscall_get_nr(current, regs) < 0) return -1;
 *       Explicit request to skip" - before tracehook_report_syscall_
 *       entry(), which it calls only if test_thread_flag(TIF_SYSCALL_
 *       TRACE): the flag as the seccomp stop's restart left it.  3.5 to
 *       3.17 (arch/x86/kernel/ptrace.c syscall_trace_enter():
 *       secure_computing() first) and 4.6, 4.7 (one syscall_trace_enter()
 *       again) keep that order.)
 *
 * The old order taken for the new one turns the entry stop that follows
 * a seccomp stop into the call's "exit" (rax is -ENOSYS there): trace
 * mode reported "= -1 ENOSYS" for calls that succeed, and the tracking of
 * a chroot ended before the chroot ran.  The machine below follows a
 * task through its stops with the order detected at start
 * (seccomp-order.h); it is pure and tested on recorded sequences
 * (tests/check_stop.c). */

/* The order of a call's seccomp stop and syscall-entry stop. */
enum seccomp_order {
	SECCOMP_ORDER_UNKNOWN = 0, /* not detected (no filter is used) */
	SECCOMP_ORDER_NEW,         /* Linux 4.8+: entry stop first */
	SECCOMP_ORDER_OLD,         /* Linux 3.5-4.7: seccomp stop first */
};

/* "new", "old" or "unknown". */
const char *seccomp_order_name(enum seccomp_order o);

/* How the session's seccomp stops come. */
struct call_rules {
	/* Our prefilter is installed: a seccomp stop of a call the first
	 * stop shows is where the call is judged.  Without it seccomp stops
	 * come only from a filter of the tracee's own; the calls are judged
	 * at their entry stops (every call has one: the tracees are always
	 * resumed with PTRACE_SYSCALL) and seccomp stops are passed. */
	bool filtered;
	enum seccomp_order order;
};

/* Where a task is in its system call, as its stops have shown. */
enum call_pos {
	/* In user space, or in a call whose remaining stops will not come
	 * (resumed with PTRACE_CONT): the next stop of a call begins one. */
	CALL_OUT = 0,
	/* Inside a call already seen, resumed with PTRACE_SYSCALL: the next
	 * syscall-stop is its exit; a seccomp stop (new order) is the same
	 * call's. */
	CALL_IN,
	/* Old order: seen at its seccomp stop, resumed with PTRACE_SYSCALL
	 * and not skipped: the next syscall-stop is the same call's entry
	 * stop, and the one after it its exit. */
	CALL_ENTRY_DUE,
};

/* What a syscall-stop or seccomp-stop is to the supervisor. */
enum call_step {
	/* The first stop of a call: decode and judge it (on_entry). */
	STEP_FIRST,
	/* The call's exit: its return value. */
	STEP_EXIT,
	/* Another stop of a call already judged at its first stop (the
	 * old order's entry stop after the seccomp stop; the new order's
	 * seccomp stop after an entry stop; a tracee's own filter's stop
	 * without our filter): nothing to read, resume. */
	STEP_AGAIN,
};

/* The step of a stop of a task at pos.  seccomp_stop: STOP_SECCOMP, else
 * STOP_SYSCALL.  op: what PTRACE_GET_SYSCALL_INFO says (SCOP_ENTRY or
 * SCOP_EXIT at a syscall-stop), SCOP_NONE when it was not read or is not
 * available (kernels before 5.3): then pos alone decides. */
enum call_step call_step(const struct call_rules *r, enum call_pos pos,
			 bool seccomp_stop, enum sc_op op);

/* Where the task is once resumed from that stop.  pos: where it was
 * before the stop; traced: resumed with PTRACE_SYSCALL (else
 * PTRACE_CONT); skipped: the syscall number is negative now (the tracer
 * skipped the call at this stop; needed only after a STEP_FIRST at a
 * seccomp stop in the old order). */
enum call_pos call_resumed(const struct call_rules *r, enum call_pos pos,
			   enum call_step step, bool seccomp_stop,
			   bool traced, bool skipped);

/* Where a task is once resumed from its PTRACE_EVENT_EXEC stop, which
 * comes from inside execve: its exit stop comes next if it is resumed
 * with PTRACE_SYSCALL (traced; always without our filter), else none. */
enum call_pos call_at_exec(bool traced);

/* Does call_resumed() need to know whether the call was skipped? */
bool call_skip_matters(const struct call_rules *r, enum call_step step,
		       bool seccomp_stop, bool traced);

#endif
