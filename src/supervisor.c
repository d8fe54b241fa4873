/* supervisor.c - the wait loop and dispatch: each stop, classified by
 * classify_stop() (stop.h), goes to what it asks for - a family call to
 * judge.c or move.c, a new task or an exec to the tracee table, a
 * group-stop to job control, a signal back to its task - and the task is
 * resumed.  Also the detach loop (attach mode), trace mode's late
 * inspection, adaptive waiting and the exit status.
 *
 * With the seccomp prefilter, non-family calls never stop; a family call
 * stops at its seccomp-stop (entry) and is resumed with PTRACE_SYSCALL so
 * that its exit stops too; everything else resumes with PTRACE_CONT.
 * Which stop of a call is which (the seccomp stop comes before the entry
 * stop before Linux 4.8) is stop.c's call_step(), with the order
 * detected at start (seccomp-order.h).  A new tracee is auto-attached by
 * the kernel and may report before its parent's fork event, so unknown
 * tids are always accepted. */
#include "supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "arch.h"
#include "attach.h"
#include "control.h"
#include "inject.h"
#include "inspect.h"
#include "judge.h"
#include "move.h"
#include "noseize.h"
#include "seccomp-order.h"
#include "session.h"
#include "sink.h"
#include "spawn.h"
#include "stop.h"
#include "tracee.h"
#include "util.h"

/* The wait loop's state: owned by supervise(), passed down. */
struct sup {
	const struct session *s;
	struct sink *out;
	struct judge j;
	struct call_rules rules; /* how a call's stops come (stop.h) */
	struct call_rules rules_inj; /* the same for a task with the
				      * prefilter injected (inject.h) */
	pid_t main_pid;  /* run mode: the command */
	int main_status;
	bool ending;     /* --exit-with-command: the command is gone, every
			  * task that shows up is killed */
	struct ending end;
	int tty_fd;      /* the controlling terminal, for job control */
	/* Trace mode: the caller resumed before the rest of its inspection
	 * (0: none), and a finished call to report after its caller is
	 * resumed (see inspect_late()). */
	pid_t late_tid;
	struct event *late_ev;
};

/* ---- resuming -------------------------------------------------------- */

/* Is the prefilter in force for t (run mode's, or injected: inject.h)? */
static bool filtered(const struct session *s, const struct tracee *t)
{
	return s->filtered || (t->flags & TF_FILTERED);
}

/* Is t resumed with PTRACE_SYSCALL (its call's exit, or without the
 * prefilter every call, matters), or with PTRACE_CONT? */
static bool resume_traced(const struct session *s, const struct tracee *t)
{
	return !filtered(s, t) || t->ev || (t->flags & TF_ROOT_CHANGING);
}

/* The rules of t's stops: attach mode has tasks with and without the
 * prefilter. */
static const struct call_rules *rules_of(const struct sup *u,
					 const struct tracee *t)
{
	return (t->flags & TF_FILTERED) ? &u->rules_inj : &u->rules;
}

static void resume(const struct session *s, struct tracee *t, int sig)
{
	int req = resume_traced(s, t) ? PTRACE_SYSCALL : PTRACE_CONT;

	if (ptrace(req, t->tid, 0, sig) < 0 && errno != ESRCH)
		warn_errno("cannot resume %d", (int)t->tid);
	/* ESRCH: killed meanwhile; its exit is reported by waitpid. */
}

/* Up to `polls` waitpid(which, WNOHANG), with sched_yield() between them.
 * Returns what waitpid returned last (0: nothing yet).  No time limit: on
 * a loaded machine a yield can last a time slice and the polls then span
 * the gaps between stops, so symtrace stays runnable - and that is what
 * keeps it fast there.  Bounding the polls to 1 ms made tests/stress.sh
 * (512 threads) take 49 s instead of 14: each stop then waited for
 * symtrace to be woken among hundreds of runnable threads.  Output does
 * not wait for a block (flush_if_old). */
static pid_t poll_wait(pid_t which, int *status, int polls)
{
	pid_t r = 0;

	for (int i = 0; i < polls; i++) {
		r = waitpid(which, status, __WALL | WNOHANG);
		if (r != 0)
			return r;
		sched_yield();
	}
	return r;
}

/* Trace mode: the caller whose entry was seen and who is resumed into its
 * call before the rest of its inspection (0: none).  The directory, the
 * resolved path, the SHARED marks and the caller's identity cannot change
 * while the caller is inside the call but by its other tasks, which could
 * change them while it is stopped at the entry as well; doing this work
 * while the kernel runs the call takes it off the time the caller waits
 * (a symlink loop: about a fifth of its time under symtrace).  The
 * strings are read at the entry stop: the caller's own code may rewrite
 * them after the call.  In deny mode everything is read before the verdict, with the
 * caller and its peers stopped.  (struct sup: late_tid, late_ev.) */
static void report_late(struct sup *u)
{
	if (u->late_ev) {
		sink_report(u->out, u->late_ev);
		u->late_ev = NULL;
	}
}

static void inspect_late(struct sup *u)
{
	struct tracee *t = u->late_tid ? tracee_find(u->late_tid) : NULL;

	u->late_tid = 0;
	if (!t || !t->ev)
		return;
	inspect_entry_context(t->ev, u->j.ident_needed, root_hint(&u->j, t));
	decide(u->j.policy, t->ev); /* rules that can only audit */
}

/* The rules for the call at hand: taken once per call, so that the
 * whole call is judged by one set (control.h: a reload publishes a new
 * one; the previous one is freed there). */
static void take_rules(struct sup *u)
{
	bool changed;
	struct policy *p = rules_now(&changed);

	if (!changed)
		return;
	u->j.policy = p;
	u->j.ident_needed = session_ident_needed(u->s->cfg, p);
	u->j.judges_moves = policy_judges_moves(p);
	output_set_policy(p);
}

static void on_entry(struct sup *u, struct tracee *t,
		const struct syscall_state *st)
{
	enum sysc sc = arch_classify(st->abi, st->nr);
	struct event *ev;

	take_rules(u);

	if (sc == SC_SYMLINK || sc == SC_SYMLINKAT) {
		if (!u->s->enforcing) {
			/* Nothing to decide before the call runs: read the
			 * strings now, the rest once it runs (inspect_late). */
			ev = new_event(t, st, sc);
			inspect_entry_strings(ev, st->args);
			t->ev = ev;
			u->late_tid = t->tid;
			return;
		}
		delegate_symlink(&u->j, t, st, sc);
	} else if (sc >= SC_RENAME && sc <= SC_LINKAT) {
		if (u->s->moves_checked && u->j.judges_moves)
			delegate_move(&u->j, t, st, sc);
	} else if (sc == SC_SETCRED || sc == SC_CHROOT) {
		/* Watched: what the caches know changes (credentials:
		 * deny mode; the root: both modes). */
		if (sc == SC_SETCRED)
			forget_creds(t);
		else
			root_change_begin(&u->j, t);
	} else if (st->abi == ABI_UNKNOWN && u->s->enforcing) {
		/* Fail closed on an ABI we cannot decode. */
		arch_skip_syscall(t->tid, -(int64_t)ENOSYS);
	} else if (u->s->enforcing && sc != SC_NONE) {
		/* A new user namespace changes the credentials. */
		if (sc == SC_UNSHARE || sc == SC_SETNS)
			forget_creds(t);
		side_door(&u->j, t, st, sc);
	}
}

static void on_exit_stop(struct sup *u, struct tracee *t,
		    const struct syscall_state *st)
{
	struct event *ev = t->ev;
	int64_t ret = st->rval;

	if (!ev)
		return;
	if (st->op != SCOP_EXIT && arch_get_return(t->tid, &ret) < 0)
		return; /* gone; reported with "= ?" when reaped */
	if (ev->delegated) {
		/* Without the prefilter: the skipped call's exit.  The
		 * tracee must get what symtrace's own call returned. */
		/* The call (nr -1) never ran; only a seccomp filter of the
		 * tracee's own, which the kernel still runs for nr -1, can
		 * have set another value: put ours back, silently. */
		if (ret != ev->ret)
			arch_set_return(t->tid, ev->ret);
		ev->finished = true;
		sink_report_pending(u->out, t);
		return;
	}
	ev->finished = true;
	ev->ret = ret;
	if (ev->action == ACT_DENY && ret != -(int64_t)ev->deny_errno) {
		/* The kernel ran the call after all (or another return
		 * value was set): say so loudly, and restore the errno. */
		warn("denied call of %d returned %lld, not -%d: the kernel "
		     "did not skip it", (int)t->tid, (long long)ret,
		     ev->deny_errno);
		arch_set_return(t->tid, -(int64_t)ev->deny_errno);
		ev->tags |= TAG_TOCTOU;
	}
	if (ev->sc == SC_SYMLINK || ev->sc == SC_SYMLINKAT) {
		inspect_exit(ev);
		if (!u->s->enforcing) {
			/* Reported once the caller runs again. */
			u->late_ev = ev;
			t->ev = NULL;
			return;
		}
	}
	sink_report_pending(u->out, t);
}

/* Where t is in its call (stop.h), kept in its flags. */
static enum call_pos call_pos_of(const struct tracee *t)
{
	if (t->flags & TF_ENTRY_DUE)
		return CALL_ENTRY_DUE;
	return (t->flags & TF_IN_SYSCALL) ? CALL_IN : CALL_OUT;
}

static void set_call_pos(struct tracee *t, enum call_pos pos)
{
	t->flags &= ~(TF_IN_SYSCALL | TF_ENTRY_DUE);
	if (pos == CALL_IN)
		t->flags |= TF_IN_SYSCALL;
	else if (pos == CALL_ENTRY_DUE)
		t->flags |= TF_ENTRY_DUE;
}

/* Old order only: was t's call skipped at this seccomp stop?  Read as the
 * kernel reads it after the stop (syscall_get_nr() < 0, see stop.h): then
 * it makes neither the entry stop nor the call.  A read that fails: the
 * task is gone and makes no stop at all. */
static bool call_skipped(const struct tracee *t)
{
	struct syscall_state st;

	return arch_get_syscall(t->tid, false, &st) == 0 &&
	       (int32_t)st.nr < 0;
}

/* Resume t from a syscall-stop or seccomp-stop (step, as call_step() saw
 * it at pos) and note where it will be. */
static void resume_call(struct sup *u, struct tracee *t, enum call_pos pos,
			enum call_step step, bool seccomp_stop)
{
	bool traced = resume_traced(u->s, t);
	bool skipped = call_skip_matters(rules_of(u, t), step, seccomp_stop,
					 traced) && call_skipped(t);

	set_call_pos(t, call_resumed(rules_of(u, t), pos, step, seccomp_stop,
				     traced, skipped));
	resume(u->s, t, 0);
}

static void handle_status(struct sup *u, pid_t pid, int status);

/* Attach mode: at an entry stop, one step of the prefilter's injection
 * (inject.h).  true: the stop was taken by it (t was resumed, or ended
 * and was handled). */
static bool inject_step(struct sup *u, struct tracee *t,
			const struct syscall_state *st)
{
	int status;

	switch (inject_at_entry(u->s, u->out, t, st, &status)) {
	case INJECT_STEPPED:
		/* Its own call is made again: a new first stop. */
		set_call_pos(t, CALL_OUT);
		resume(u->s, t, 0);
		return true;
	case INJECT_GONE:
		handle_status(u, t->tid, status);
		return true;
	case INJECT_NOT_HERE:
	default:
		return false;
	}
}

static void on_syscall_stop(struct sup *u, struct tracee *t, bool seccomp_stop)
{
	struct syscall_state st;
	enum call_pos pos = call_pos_of(t);
	enum call_step step = call_step(rules_of(u, t), pos, seccomp_stop,
					SCOP_NONE);

	if (step == STEP_AGAIN || (step == STEP_EXIT && !t->ev)) {
		/* Nothing to read: another stop of a call judged at its
		 * first one (the old order's entry stop after the seccomp
		 * stop, ...), or the exit of a call we did not care about at
		 * its entry (the alternation is reliable: every call seen is
		 * followed by exactly one exit stop when resumed with
		 * PTRACE_SYSCALL).  Why passing a stop unread is safe:
		 * between a call's stops the task is in the kernel and runs
		 * none of its own instructions, so its number and arguments
		 * are still those judged (only a tracer, us, changes them);
		 * its strings in memory can change at any time after the
		 * judgement, which is why deny mode makes the call itself
		 * and skips the task's (no entry stop then).  In the old
		 * order, with our filter, every seccomp stop is judged
		 * whatever the position says (call_step()): a position gone
		 * wrong there (a skip misread) can misplace a return value,
		 * never let a family call through unjudged.  In the new
		 * order a seccomp stop is passed only right after the same
		 * call's entry stop, which was judged. */
		if (step == STEP_EXIT && (t->flags & TF_ROOT_CHANGING))
			root_change_end(&u->j, t);
		resume_call(u, t, pos, step, seccomp_stop);
		return;
	}
	if (arch_get_syscall(t->tid, u->s->use_info, &st) < 0)
		return; /* vanished */
	step = call_step(rules_of(u, t), pos, seccomp_stop, st.op);
	if (step == STEP_FIRST && !seccomp_stop && inject_wanted(u->s, t) &&
	    inject_step(u, t, &st))
		return;
	if (step == STEP_EXIT) {
		if (t->flags & TF_ROOT_CHANGING)
			root_change_end(&u->j, t);
		on_exit_stop(u, t, &st);
	} else if (step == STEP_FIRST) {
		on_entry(u, t, &st);
	}
	resume_call(u, t, pos, step, seccomp_stop);
	if (u->late_tid)
		inspect_late(u);
	report_late(u);
}

/* ---- tracee lifecycle ----------------------------------------------- */

static void gone(struct sup *u, struct tracee *t, int status)
{
	pid_t tid = t->tid;

	root_change_end(&u->j, t);
	inspect_forget(tid);
	inject_forget(tid);
	/* A call in progress when the task died: reported with "= ?". */
	sink_report_pending(u->out, t);
	sink_exit_notice(u->out, tid, status);
	tracee_del(t);
	if (tid == u->main_pid) {
		/* (After tracee_del: the command's pid, now reaped, may be
		 * reused and must not be signalled.) */
		u->main_status = status;
		u->ending = spawn_command_ended(u->s, &u->end, tid, status);
	}
}

static void on_exec(struct sup *u, struct tracee *t)
{
	unsigned long former = 0;
	struct tracee *old;

	if (ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &former) < 0)
		former = (unsigned long)t->tid;
	inspect_forget((pid_t)former);
	inspect_forget(t->tid);
	if ((pid_t)former != t->tid)
		inject_forget((pid_t)former);
	/* A set-id program, file capabilities; and a thread that exec'd
	 * (below) has its own credentials and maybe its own root. */
	forget_creds(t);
	t->cache.own_root = -1;
	if ((pid_t)former != t->tid) {
		/* A non-leader thread exec'd and now has the leader's tid;
		 * the old leader vanished without an exit report. */
		old = tracee_find((pid_t)former);
		sink_report_pending(u->out, t);
		/* The entry now stands for the thread that exec'd.  Of the
		 * old leader's state only what belongs to the thread group
		 * stays; of the exec'ing thread's, how it was traced. */
		t->flags &= ~(TF_GROUP_STOP | TF_GONE_PENDING);
		root_change_end(&u->j, t); /* (the old leader's, if it was in one) */
		if (old) {
			root_change_end(&u->j, old);
			/* (TF_FILTERED: one of the group's tasks has the
			 * filter, so all have it.) */
			t->flags |= old->flags & (TF_ATTACHED | TF_FILTERED);
			sink_report_pending(u->out, old);
			tracee_del(old);
		}
	}
	t->flags |= TF_STARTED;
	/* The exec event comes from inside execve: without the seccomp
	 * filter we resume with PTRACE_SYSCALL and its exit stops next. */
	set_call_pos(t, call_at_exec(resume_traced(u->s, t)));
	resume(u->s, t, 0);
}

/* For the summary: a task seen for the first time (its first status) is
 * a new process or thread.  It is classified while it is stopped there:
 * at the parent's fork/clone event the child may already have run and
 * been reaped (its first stop can come first), and its /proc entry gone
 * - a thread was then counted as a process.  A task whose first status is
 * its death (killed before its first stop) cannot be told: a process. */
static void count_new_task(struct sup *u, pid_t tid, int status)
{
	struct proc_info pi;

	if (!u->s->cfg->summary)
		return;
	if (WIFSTOPPED(status) && inspect_status(tid, &pi) == 0 &&
	    pi.tgid != tid)
		u->out->summary.threads++;
	else
		u->out->summary.processes++;
}

/* Interactive job control.  The shell sees symtrace, not the command, as
 * the job: when the command stops on a terminal stop signal, symtrace must
 * stop too, with the same signal, so that the shell reports the job
 * stopped (and "fg"/"bg" later send SIGCONT to the whole process group,
 * which resumes both).  The terminal sends SIGTSTP to the foreground job
 * and SIGTTIN/SIGTTOU to a background job that touches it; a stop signal
 * sent by kill(1) to the command alone (symtrace not in the matching
 * position, or in another process group) is left to the command. */
static void follow_job_stop(struct sup *u, struct tracee *t, int sig)
{
	struct sigaction dfl, old;
	pid_t fg;

	if (t->tid != u->main_pid || u->tty_fd < 0 || getpgid(t->tid) != getpgrp())
		return;
	fg = tcgetpgrp(u->tty_fd);
	if (fg < 0)
		return;
	if (sig == SIGTSTP ? fg != getpgrp()
			   : (sig != SIGTTIN && sig != SIGTTOU) ||
				     fg == getpgrp())
		return;
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, &old);
	sink_flush(u->out);
	raise(sig); /* stops here until SIGCONT */
	sigaction(sig, &old, NULL);
}

/* Without PTRACE_SEIZE (noseize.h): what PTRACE_GETSIGINFO says of a stop
 * with a stop signal and no event (asked only then). */
static enum siginfo_says siginfo_of(pid_t tid, int status)
{
	if (WIFSTOPPED(status) && (unsigned)status >> 16 == 0 &&
	    is_stop_signal(WSTOPSIG(status)))
		return noseize_siginfo(tid, WSTOPSIG(status));
	return SIGINFO_DELIVERY;
}

/* Without PTRACE_SEIZE: is t's start (a SIGSTOP to swallow) still to
 * come?  From a new task's first stop on (the kernel queued a SIGSTOP for
 * an auto-attached child; a group-stop in progress can be reported
 * before it), or PTRACE_ATTACH's SIGSTOP; until a SIGSTOP is delivered. */
static bool sigstop_due(struct tracee *t, bool first)
{
	if (first)
		t->flags |= TF_SIGSTOP_DUE;
	return t->flags & TF_SIGSTOP_DUE;
}

/* The kind of t's stop, for the session's back end. */
static enum stop_kind kind_of(struct sup *u, struct tracee *t, int status,
			      bool first)
{
	enum siginfo_says si;

	if (u->s->seize)
		return classify_stop(status, first, t->flags & TF_ATTACHED);
	if ((t->flags & TF_OPTIONS_DUE) && WIFSTOPPED(status)) {
		/* PTRACE_ATTACH'd: the options at its first stop, before it
		 * is resumed (syscall-stops must be told by SIGTRAP|0x80). */
		t->flags &= ~TF_OPTIONS_DUE;
		if (noseize_set_options(t->tid, u->s->ptrace_options) < 0 &&
		    errno != ESRCH)
			warn_errno("PTRACE_SETOPTIONS %d", (int)t->tid);
	}
	si = siginfo_of(t->tid, status);
	/* Any SIGSTOP delivered consumed the wake-up's, if one was
	 * pending (one SIGSTOP pends at a time): the detach loop must send
	 * another. */
	if (WIFSTOPPED(status) && (unsigned)status >> 16 == 0 &&
	    WSTOPSIG(status) == SIGSTOP && si != SIGINFO_NONE)
		attach_interrupt_seen(t->tid);
	return classify_stop_noseize(status, sigstop_due(t, first), si);
}

static void on_stop(struct sup *u, struct tracee *t, int status, bool created)
{
	int sig = WSTOPSIG(status);
	bool first = created || !(t->flags & TF_STARTED);

	switch (kind_of(u, t, status, first)) {
	case STOP_SYSCALL:
		t->flags |= TF_STARTED;
		on_syscall_stop(u, t, false);
		return;
	case STOP_SECCOMP:
		t->flags |= TF_STARTED;
		on_syscall_stop(u, t, true);
		return;
	case STOP_NEW_CHILD:
		/* The child is added (and counted) when its first stop
		 * comes (it may already have come, and even its exit:
		 * creating it here could resurrect a dead tid).  Until then
		 * it is stopped by the kernel and runs nothing. */
		resume(u->s, t, 0);
		return;
	case STOP_EXEC:
		on_exec(u, t);
		return;
	case STOP_START:
		/* First stop of an auto-attached tracee, or the
		 * PTRACE_INTERRUPT stop of one we attached to.  Without
		 * PTRACE_SEIZE: the SIGSTOP of either, swallowed. */
		t->flags |= TF_STARTED;
		t->flags &= ~TF_SIGSTOP_DUE;
		resume(u->s, t, 0);
		if (created)
			inspect_prefetch(t->tid);
		return;
	case STOP_GROUP: {
		/* Group-stop: stay stopped, but let us see SIGCONT and other
		 * events.  (A process we attached to while it was stopped
		 * lands here too: it stays stopped.)  A freeze re-reports a
		 * group-stop: not a new one. */
		bool was_stopped = t->flags & TF_GROUP_STOP;

		if (!u->s->seize) {
			/* No PTRACE_LISTEN: resumed, it runs (the man page's
			 * KERNELS).  Where symtrace follows the stop of the
			 * command on the terminal, it stops first, and the
			 * command stays in its ptrace-stop until symtrace is
			 * continued: the job stops as a whole. */
			t->flags |= TF_STARTED;
			follow_job_stop(u, t, sig);
			resume(u->s, t, 0);
			return;
		}
		t->flags |= TF_STARTED | TF_GROUP_STOP;
		if (ptrace(PTRACE_LISTEN, t->tid, 0, 0) < 0 && errno != ESRCH)
			warn_errno("PTRACE_LISTEN %d", (int)t->tid);
		if (!was_stopped)
			follow_job_stop(u, t, sig);
		return;
	}
	case STOP_INTERRUPT:
		/* (Without PTRACE_SEIZE: symtrace's own SIGSTOP, a wake-up
		 * of the detach signals' handler, swallowed.) */
		t->flags &= ~TF_GROUP_STOP;
		resume(u->s, t, 0);
		return;
	case STOP_SIGNAL:
	case STOP_OTHER_EVENT:
		/* Signal-delivery-stop: deliver the signal as if we were not
		 * here. */
		t->flags |= TF_STARTED;
		resume(u->s, t, sig);
		return;
	case STOP_GONE:
	case STOP_NONE:
	default:
		return; /* (handle_status_as() deals with them) */
	}
}

/* The exit of a call in progress, seen while detaching: report it. */
static void exit_at_detach(struct sup *u, struct tracee *t)
{
	struct syscall_state st;

	if (arch_get_syscall(t->tid, u->s->use_info, &st) == 0 &&
	    (st.op == SCOP_EXIT || st.op == SCOP_NONE))
		on_exit_stop(u, t, &st);
}

/* Detach from every tracee.  Each is interrupted and detached at its next
 * stop: a pending signal is handed back with the detach, a group-stopped
 * task stays stopped (the kernel re-enters the group-stop), a task in a
 * blocking syscall sees it restarted transparently, a call we are inside
 * of completes with its results unchanged.  New children reported meanwhile
 * are detached at their first stop. */
static void detach_all_noseize(struct sup *u);

static void detach_all(struct sup *u)
{
	size_t n = tracee_count();

	if (!u->s->seize) {
		detach_all_noseize(u);
		return;
	}

	detach_interrupt_all();
	while (tracee_count() > 0) {
		int status;
		bool created;
		struct tracee *t;
		pid_t pid = waitpid(-1, &status, __WALL);

		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		t = tracee_get(pid, &created);
		switch (classify_stop(status, created, false)) {
		case STOP_GONE:
			gone(u, t, status);
			break;
		case STOP_SYSCALL:
			/* (Its exit only where one is due: not the old
			 * order's entry stop after a seccomp stop.) */
			if (t->ev && call_pos_of(t) == CALL_IN)
				exit_at_detach(u, t);
			detach_task(u->out, t, 0);
			report_late(u);
			break;
		case STOP_NEW_CHILD: {
			unsigned long child;

			if (ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &child) == 0)
				tracee_get((pid_t)child, &created);
			detach_task(u->out, t, 0);
			break;
		}
		case STOP_SECCOMP:
			/* A call of a task with the prefilter not judged
			 * yet: detached here, it would run (the kernel does
			 * not look at the filter again after the stop).  It
			 * fails as every such call will once we are gone. */
			if (t->flags & TF_FILTERED)
				arch_skip_syscall(t->tid, -(int64_t)ENOSYS);
			detach_task(u->out, t, 0);
			break;
		case STOP_SIGNAL:
			/* Signal-delivery-stop: give the signal back. */
			detach_task(u->out, t, WSTOPSIG(status));
			break;
		default:
			detach_task(u->out, t, 0);
			break;
		}
	}
	detach_notice(u->out, n);
}

/* PTRACE_CONT from a stop of the detach loop. */
static void cont(struct tracee *t, int sig)
{
	if (ptrace(PTRACE_CONT, t->tid, 0, sig) < 0 && errno != ESRCH)
		warn_errno("cannot resume %d", (int)t->tid);
}

/* detach_all() without PTRACE_SEIZE.  Every task was sent a SIGSTOP
 * (detach_interrupt_all()) and is detached at its delivery, so that none
 * is left pending to stop it once it is no longer traced; its other
 * stops until then are passed with PTRACE_CONT (a signal delivered, a
 * call's exit reported).  A SIGSTOP pends once (a second one merges into
 * it): PTRACE_ATTACH's still due, or someone else's, is ours as well.
 * Someone else's is handed back with the detach (the task then stops, as
 * it was asked to).  A group-stop is detached where it is: it stays
 * stopped (the kernel enters it again; our SIGSTOP, if still pending,
 * keeps it so, and SIGCONT discards it).  A SIGCONT sent meanwhile
 * discards a SIGSTOP still pending: ours is sent again at SIGCONT's
 * delivery (merged into ours if ours was still there).
 *
 * The loop ends when no tracee is left at all (ECHILD), not when the
 * table is empty: a child whose parent's fork event was seen but whose
 * first stop was not is traced and not in the table yet.  symtrace
 * exiting would detach it with the kernel's SIGSTOP still pending, and
 * that would stop it for good (with PTRACE_SEIZE the kernel queues a
 * trap instead, which the detach discards).  It is detached at that
 * SIGSTOP, which it reaches before it runs anything. */
static void detach_all_noseize(struct sup *u)
{
	size_t n = tracee_count();

	detach_interrupt_all();
	for (;;) {
		int status;
		bool created;
		struct tracee *t;
		unsigned long child;
		pid_t pid = waitpid(-1, &status, __WALL);

		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		t = tracee_get(pid, &created);
		switch (classify_stop_noseize(status,
					      sigstop_due(t, created ||
						 !(t->flags & TF_STARTED)),
					      siginfo_of(pid, status))) {
		case STOP_GONE:
			gone(u, t, status);
			break;
		case STOP_START:
		case STOP_INTERRUPT:
		case STOP_GROUP:
			detach_task(u->out, t, 0);
			break;
		case STOP_SIGNAL:
			if (WSTOPSIG(status) == SIGSTOP) {
				detach_task(u->out, t, SIGSTOP);
				break;
			}
			if (WSTOPSIG(status) == SIGCONT)
				noseize_interrupt(t->tid);
			cont(t, WSTOPSIG(status));
			break;
		case STOP_SYSCALL:
			if (t->ev && call_pos_of(t) == CALL_IN)
				exit_at_detach(u, t);
			report_late(u);
			set_call_pos(t, CALL_OUT); /* no more syscall-stops */
			cont(t, 0);
			break;
		case STOP_NEW_CHILD:
			/* The child's first stop is the kernel's SIGSTOP:
			 * detached there. */
			if (ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &child) == 0)
				tracee_get((pid_t)child, &created)->flags |=
					TF_SIGSTOP_DUE;
			cont(t, 0);
			break;
		case STOP_NONE:
			break;
		default:
			cont(t, 0);
			break;
		}
	}
	detach_notice(u->out, n);
}

/* ---- the loop ------------------------------------------------------- */

static int exit_code(int main_status)
{
	if (main_status < 0)
		return EXIT_SYMTRACE_FAILURE;
	if (WIFEXITED(main_status))
		return WEXITSTATUS(main_status);
	if (WIFSIGNALED(main_status))
		return 128 + WTERMSIG(main_status);
	return EXIT_SYMTRACE_FAILURE;
}


/* Waiting.  A stop wakes the tracer; when the next stop comes soon (the
 * exit of the call just resumed, the next call of a busy loop) it is
 * cheaper to poll for it than to sleep and be woken.  Polling must yield
 * the CPU between polls, or the tracer takes the CPU the tracee needs:
 * measured on the 2-vCPU test machines (bench/RESULTS.md), busy polling
 * made everything slower, 100 yielding polls made the symlink loop about
 * 20% faster than blocking at once.  An idle tracee costs 100 polls once,
 * then symtrace blocks.  SYMTRACE_POLL=N in the environment overrides
 * (0 = always block at once; session.c).  See poll_wait() for the time
 * limit. */
static pid_t wait_next(struct sup *u, int *status)
{
	pid_t pid;

	sink_flush_if_old(u->out);
	pid = poll_wait(-1, status, u->s->poll_count);
	if (pid != 0)
		return pid;
	sink_flush(u->out);
	return waitpid(-1, status, __WALL);
}

static void handle_status_as(struct sup *u, pid_t pid, int status,
			     bool was_new)
{
	bool created;
	struct tracee *t = tracee_get(pid, &created);

	created = created || was_new;
	if (created) {
		count_new_task(u, pid, status);
		inject_first_stop(t);
	}
	if (classify_stop(status, created, false) == STOP_GONE) {
		gone(u, t, status);
		attach_forget(pid);
		return;
	}
	if (u->ending) {
		/* --exit-with-command: a task that was not in the table when
		 * the command ended (its first stop came later), or one that
		 * reports a stop before its death: killed, not resumed. */
		spawn_kill_late(&u->end, pid);
		return;
	}
	on_stop(u, t, status, created);
}

static void handle_status(struct sup *u, pid_t pid, int status)
{
	handle_status_as(u, pid, status, false);
}

/* The prefilter's calls are judged at their seccomp stops, and which
 * stop follows depends on the kernel's order (stop.h).  Not known - the
 * probe failed - the filter is not used: every call stops at its entry
 * and exit, which work the same on every kernel (slower, not weaker;
 * said once).  Without the filter the order is not needed: seccomp stops
 * come only from a tracee's own filter and are passed (call_step()). */
static void choose_order(struct session *ses, struct sink *out,
			 struct call_rules *r, struct call_rules *ri)
{
	const struct seccomp_order_probe *p;

	*r = (struct call_rules){ .filtered = ses->filtered };
	*ri = (struct call_rules){ .filtered = true };
	if (!ses->filtered && !ses->inject)
		return;
	p = seccomp_order_probe();
	r->order = p->order;
	ri->order = p->order;
	if (p->order != SECCOMP_ORDER_UNKNOWN)
		return;
	ses->filtered = false;
	ses->inject = false;
	r->filtered = false;
	sink_notice(out, "seccomp_order",
		    "\"order\":\"unknown\",\"filter\":false",
		    "cannot tell the order of seccomp and syscall-entry stops "
		    "(%s): no seccomp filter, every call stops (slower)",
		    p->failed);
}

int supervise(const struct config *cfg)
{
	struct session ses;
	struct sink out;
	struct sup sup = { .s = &ses, .out = &out, .main_status = -1,
			   .tty_fd = -1 };
	struct sup *u = &sup;
	size_t not_attached = 0;

	session_init(&ses, cfg);
	sink_open(&out, cfg);
	choose_order(&ses, &out, &sup.rules, &sup.rules_inj);
	sup.j = (struct judge){ .s = &ses, .out = &out,
				.policy = cfg->policy,
				.ident_needed = ses.ident_needed,
				.judges_moves = cfg->policy &&
						policy_judges_moves(cfg->policy) };
	if (ses.attach_mode) {
		not_attached = attach_all(&ses, &out);
	} else {
		u->tty_fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
		u->main_pid = spawn_command(&ses);
		out.summary.processes = 1;
	}
	/* After the fork: the child of a process with threads may only
	 * call async-signal-safe functions. */
	control_start(&ses);

	for (;;) {
		int status;
		pid_t pid;

		if (detach_requested()) {
			detach_all(u);
			break;
		}
		pid = wait_next(u, &status);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD)
				break;
			die_errno(EXIT_SYMTRACE_FAILURE, "waitpid");
		}
		handle_status(u, pid, status);
	}
	if (u->ending)
		spawn_ending_notice(&out, &u->end);
	sink_close(&out);
	/* Attach mode: 0 after detaching or when every process exited; 1
	 * when a -p PID or a descendant (--tree) could not be attached. */
	if (ses.attach_mode)
		return not_attached ? 1 : 0;
	return exit_code(u->main_status);
}
