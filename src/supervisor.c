/* supervisor.c - spawn the command under ptrace, the wait loop, stop
 * classification, signal re-injection, exit status.
 *
 * Stops seen by waitpid(-1, __WALL) are classified as:
 *   - syscall-stops (SIGTRAP|0x80, PTRACE_O_TRACESYSGOOD) and seccomp-stops
 *     (PTRACE_EVENT_SECCOMP): the symlink family is decoded here;
 *   - PTRACE_EVENT_{FORK,VFORK,CLONE}: a new tracee (auto-attached by the
 *     kernel; it may report before its parent's event, so unknown tids are
 *     always accepted);
 *   - PTRACE_EVENT_EXEC: a non-leader thread's execve takes over the
 *     leader's tid (PTRACE_GETEVENTMSG gives the old one);
 *   - PTRACE_EVENT_STOP: the first stop of an auto-attached tracee, a
 *     PTRACE_INTERRUPT stop, or a group-stop (with a stop signal), which is
 *     left in place with PTRACE_LISTEN so job control works;
 *   - anything else is a signal-delivery-stop: the signal is re-injected.
 * With the seccomp prefilter, non-family calls never stop; a family call
 * stops at its seccomp-stop (entry) and is resumed with PTRACE_SYSCALL so
 * that its exit stops too; everything else resumes with PTRACE_CONT. */
#include "supervisor.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <syslog.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "arch.h"
#include "delegate.h"
#include "errnoname.h"
#include "event.h"
#include "inspect.h"
#include "output.h"
#include "policy.h"
#include "resolve.h"
#include "seccomp.h"
#include "judge.h"
#include "move.h"
#include "session.h"
#include "sidedoor.h"
#include "sink.h"
#include "stop.h"
#include "summary.h"
#include "tmem.h"
#include "tracee.h"
#include "util.h"

/* The wait loop's state: owned by supervise(), passed down. */
struct sup {
	const struct session *s;
	struct sink *out;
	struct judge j;
	pid_t main_pid;  /* run mode: the command */
	int main_status;
	int tty_fd;      /* the controlling terminal, for job control */
	/* Trace mode: the caller resumed before the rest of its inspection
	 * (0: none), and a finished call to report after its caller is
	 * resumed (see inspect_late()). */
	pid_t late_tid;
	struct event *late_ev;
};

/* Signal dispositions symtrace found at start; the child gets them back. */
static const int passed_signals[] = { SIGINT, SIGQUIT, SIGTERM, SIGHUP,
				      SIGTSTP, SIGTTIN, SIGTTOU, SIGPIPE };
static struct sigaction saved_sa[sizeof(passed_signals) /
				 sizeof(passed_signals[0])];

static volatile sig_atomic_t forward_pid;
static volatile sig_atomic_t detach_requested; /* attach mode: signal */
static volatile sig_atomic_t wake_tid;         /* a tracee to interrupt */

/* ---- resuming -------------------------------------------------------- */

static void resume(const struct session *s, struct tracee *t, int sig)
{
	int req = (!s->filtered || t->ev || (t->flags & TF_ROOT_CHANGING))
			  ? PTRACE_SYSCALL
			  : PTRACE_CONT;

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
	inspect_entry_context(t->ev, u->s->ident_needed, root_hint(&u->j, t));
	decide(u->s->cfg->policy, t->ev); /* rules that can only audit */
}

static void on_entry(struct sup *u, struct tracee *t,
		const struct syscall_state *st)
{
	enum sysc sc = arch_classify(st->abi, st->nr);
	struct event *ev;

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
		if (u->s->moves_checked)
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

static void on_syscall_stop(struct sup *u, struct tracee *t, bool seccomp_stop)
{
	struct syscall_state st;
	enum sc_op op;

	if (!seccomp_stop && (t->flags & TF_IN_SYSCALL) && !t->ev) {
		/* The exit of a call we did not care about at its entry:
		 * nothing to read (the entry/exit alternation is reliable:
		 * every entry stop is followed by exactly one exit stop). */
		t->flags &= ~TF_IN_SYSCALL;
		if (t->flags & TF_ROOT_CHANGING)
			root_change_end(&u->j, t);
		resume(u->s, t, 0);
		return;
	}
	if (arch_get_syscall(t->tid, u->s->use_info, &st) < 0)
		return; /* vanished */
	op = st.op;
	if (op == SCOP_NONE) {
		if (seccomp_stop)
			op = SCOP_SECCOMP;
		else
			op = (t->flags & TF_IN_SYSCALL) ? SCOP_EXIT
							: SCOP_ENTRY;
	}
	if (op == SCOP_EXIT) {
		t->flags &= ~TF_IN_SYSCALL;
		if (t->flags & TF_ROOT_CHANGING)
			root_change_end(&u->j, t);
		on_exit_stop(u, t, &st);
	} else {
		if (op == SCOP_ENTRY)
			t->flags |= TF_IN_SYSCALL;
		on_entry(u, t, &st);
		/* From a seccomp-stop, PTRACE_SYSCALL leads to the exit. */
		if (op == SCOP_SECCOMP &&
		    (t->ev || (t->flags & TF_ROOT_CHANGING)))
			t->flags |= TF_IN_SYSCALL;
	}
	resume(u->s, t, 0);
	if (u->late_tid)
		inspect_late(u);
	report_late(u);
}

/* ---- tracee lifecycle ----------------------------------------------- */

static void gone(struct sup *u, struct tracee *t, int status)
{
	root_change_end(&u->j, t);
	inspect_forget(t->tid);
	/* A call in progress when the task died: reported with "= ?". */
	sink_report_pending(u->out, t);
	if (t->tid == u->main_pid)
		u->main_status = status;
	sink_exit_notice(u->out, t->tid, status);
	tracee_del(t);
}

static void on_exec(struct sup *u, struct tracee *t)
{
	unsigned long former = 0;
	struct tracee *old;

	if (ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &former) < 0)
		former = (unsigned long)t->tid;
	inspect_forget((pid_t)former);
	inspect_forget(t->tid);
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
			t->flags |= old->flags & TF_ATTACHED;
			sink_report_pending(u->out, old);
			tracee_del(old);
		}
	}
	t->flags |= TF_STARTED;
	/* The exec event comes from inside execve: without the seccomp
	 * filter we resume with PTRACE_SYSCALL and its exit stops next. */
	if (!u->s->filtered)
		t->flags |= TF_IN_SYSCALL;
	else
		t->flags &= ~TF_IN_SYSCALL;
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

static void on_stop(struct sup *u, struct tracee *t, int status, bool created)
{
	int sig = WSTOPSIG(status);
	bool first = created || !(t->flags & TF_STARTED);

	switch (classify_stop(status, first, t->flags & TF_ATTACHED)) {
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
		 * PTRACE_INTERRUPT stop of one we attached to. */
		t->flags |= TF_STARTED;
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

		t->flags |= TF_STARTED | TF_GROUP_STOP;
		if (ptrace(PTRACE_LISTEN, t->tid, 0, 0) < 0 && errno != ESRCH)
			warn_errno("PTRACE_LISTEN %d", (int)t->tid);
		if (!was_stopped)
			follow_job_stop(u, t, sig);
		return;
	}
	case STOP_INTERRUPT:
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

/* ---- spawning ------------------------------------------------------- */

static void on_forward_signal(int sig)
{
	if (forward_pid > 0)
		kill(forward_pid, sig);
}

static void setup_signals(void)
{
	struct sigaction sa;

	for (size_t i = 0; i < sizeof(passed_signals) / sizeof(int); i++)
		sigaction(passed_signals[i], NULL, &saved_sa[i]);
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	/* The terminal sends SIGINT/SIGQUIT/SIGTSTP to the whole foreground
	 * process group, the command included: symtrace ignores them and
	 * lets the command decide.  SIGTERM/SIGHUP sent to symtrace alone
	 * are passed on to the command, like a service supervisor. */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sigaction(SIGTSTP, &sa, NULL);
	sigaction(SIGTTIN, &sa, NULL);
	sigaction(SIGTTOU, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on_forward_signal;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static void restore_signals(void)
{
	for (size_t i = 0; i < sizeof(passed_signals) / sizeof(int); i++)
		sigaction(passed_signals[i], &saved_sa[i], NULL);
}

static struct filter_spec filter_spec(const struct session *s)
{
	/* (chroot and pivot_root: whether a task's root is symtrace's is
	 * kept, in both modes, until one is seen.) */
	struct filter_spec spec = {
		.trace_mask = (1u << SC_SYMLINK) | (1u << SC_SYMLINKAT) |
			      (1u << SC_CHROOT),
	};

	if (s->enforcing) {
		/* Every side door of the table (sidedoor.c). */
		for (size_t i = 0; i < ndoors; i++)
			spec.trace_mask |= 1u << doors[i].sc;
		/* What the cache of delegation learns from. */
		spec.trace_mask |= 1u << SC_SETCRED;
		spec.enosys_mask |= 1u << SC_CLONE3;
	}
	if (s->moves_checked)
		spec.trace_mask |= (1u << SC_RENAME) | (1u << SC_RENAMEAT) |
				   (1u << SC_RENAMEAT2) | (1u << SC_LINK) |
				   (1u << SC_LINKAT);
	return spec;
}

/* execvp, and what glibc's execvp does (as POSIX asks) and musl's does
 * not: a file the kernel will not execute (ENOEXEC: a script without
 * "#!") is run by /bin/sh, as a shell runs it.  Returns with errno set. */
static void exec_command(char **argv)
{
	const char *path = getenv("PATH");
	char **sh, *found = NULL;
	size_t n = 0;

	execvp(argv[0], argv);
	if (errno != ENOEXEC)
		return;
	if (strchr(argv[0], '/')) {
		found = xstrdup(argv[0]);
	} else {
		/* The first executable file of that name in PATH, which is
		 * the one execvp found. */
		const char *p = path && *path ? path : "/bin:/usr/bin";

		while (!found && *p) {
			size_t len = strcspn(p, ":");
			char *f = len ? xasprintf("%.*s/%s", (int)len, p,
						  argv[0])
				      : xasprintf("./%s", argv[0]);

			if (access(f, X_OK) == 0)
				found = f;
			else
				free(f);
			p += len + (p[len] == ':');
		}
	}
	while (argv[n])
		n++;
	sh = xmalloc((n + 2) * sizeof(*sh));
	sh[0] = (char *)"sh";
	sh[1] = found ? found : argv[0];
	for (size_t i = 1; i <= n; i++)
		sh[i + 1] = argv[i];
	execv("/bin/sh", sh);
	errno = ENOEXEC;
}

static void child_exec(char **argv, int go_fd, const struct sock_filter *prog,
		       int len)
{
	char c;
	int r;

	/* Wait until the parent has seized us: nothing we run from here on
	 * (the filter, the exec) escapes the tracer. */
	while (read(go_fd, &c, 1) < 0 && errno == EINTR)
		;
	close(go_fd);
	restore_signals();
	if (prog) {
		/* As root, no PR_SET_NO_NEW_PRIVS: setuid programs in the
		 * command keep working; the filter stays on them (and only
		 * makes them stop for the tracer). */
		r = seccomp_install(prog, len, geteuid() != 0);
		/* Root without CAP_SYS_ADMIN (a container): the kernel
		 * insists on no_new_privs. */
		if (r == -EACCES && geteuid() == 0)
			r = seccomp_install(prog, len, true);
		if (r < 0) {
			fprintf(stderr, "%s: cannot install the seccomp "
				"filter: %s (try --no-seccomp)\n", progname,
				strerror(-r));
			_exit(EXIT_SYMTRACE_FAILURE);
		}
	}
	exec_command(argv);
	r = errno;
	fprintf(stderr, "%s: cannot run '%s': %s\n", progname, argv[0],
		strerror(r));
	_exit(r == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC);
}

static void spawn(struct sup *u)
{
	struct sock_filter prog[SECCOMP_FILTER_MAX];
	const struct config *cfg = u->s->cfg;
	struct filter_spec spec = filter_spec(u->s);
	int len = 0, go[2];
	pid_t pid;
	bool c;

	if (!cfg->no_seccomp) {
		len = seccomp_build(&spec, prog);
		if (len < 0)
			die(EXIT_SYMTRACE_FAILURE, "seccomp filter too long");
	}
	if (pipe2(go, O_CLOEXEC) < 0)
		die_errno(EXIT_SYMTRACE_FAILURE, "pipe");
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		die_errno(EXIT_SYMTRACE_FAILURE, "fork");
	if (pid == 0) {
		close(go[1]);
		child_exec(cfg->argv, go[0], cfg->no_seccomp ? NULL : prog, len);
	}
	close(go[0]);
	if (ptrace(PTRACE_SEIZE, pid, 0, u->s->ptrace_options) < 0) {
		int e = errno;

		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		errno = e;
		die_errno(EXIT_SYMTRACE_FAILURE, "cannot trace the command "
			  "(ptrace PTRACE_SEIZE of %d)%s", (int)pid,
			  e == EPERM ? " - is ptrace forbidden here "
				       "(container, kernel.yama.ptrace_scope)?"
				     : "");
	}
	u->main_pid = pid;
	forward_pid = pid;
	u->out->summary.processes = 1;
	tracee_get(pid, &c)->flags |= TF_STARTED;
	if (write(go[1], "x", 1) != 1)
		die_errno(EXIT_SYMTRACE_FAILURE, "pipe write");
	close(go[1]);
}

/* ---- attaching and detaching --------------------------------------- */

/* Why PTRACE_SEIZE of pid failed, in words. */
static void attach_error(pid_t pid, int err)
{
	char path[64], buf[4096];
	const char *why = "";
	long tracer = 0;
	FILE *f;

	if (err == ESRCH) {
		warn("cannot attach to %d: no such process", (int)pid);
		return;
	}
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (f) {
		while (fgets(buf, sizeof(buf), f))
			if (strncmp(buf, "TracerPid:", 10) == 0)
				tracer = strtol(buf + 10, NULL, 10);
		fclose(f);
	}
	if (err == EPERM) {
		if (tracer > 0)
			why = " (it is already traced by another process)";
		else if (geteuid() != 0)
			why = " (not root: is it owned by another user, or "
			      "does kernel.yama.ptrace_scope forbid it?)";
		else
			why = " (is ptrace forbidden here: container, "
			      "kernel.yama.ptrace_scope?)";
	}
	if (tracer > 0 && err == EPERM)
		warn("cannot attach to %d: %s%s [tracer pid %ld]", (int)pid,
		     strerror(err), why, tracer);
	else
		warn("cannot attach to %d: %s%s", (int)pid, strerror(err),
		     why);
}

/* Seize one task and make it stop (PTRACE_INTERRUPT) so that from its
 * first stop on we see every syscall.  0 or -errno. */
static int seize_task(const struct session *s, pid_t tid)
{
	struct tracee *t;
	bool c;

	if (tracee_find(tid))
		return 0;
	if (ptrace(PTRACE_SEIZE, tid, 0, s->ptrace_options) < 0)
		return -errno;
	t = tracee_get(tid, &c);
	t->flags |= TF_ATTACHED;
	if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) < 0 && errno != ESRCH)
		return -errno;
	if (!wake_tid)
		wake_tid = tid;
	return 0;
}

/* Seize every thread of pid, re-reading /proc/PID/task until no new
 * thread appears (threads created by already-seized threads are
 * auto-attached; the re-read catches those started meanwhile by the
 * others).  Returns the number of threads, or -errno for the process. */
static int attach_process(const struct session *s, pid_t pid)
{
	char path[64];
	int n = 0, r, added;

	r = seize_task(s, pid);
	if (r < 0)
		return r;
	n = 1;
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	do {
		DIR *d = opendir(path);
		struct dirent *de;

		added = 0;
		if (!d)
			break;
		while ((de = readdir(d))) {
			long long tid;

			if (parse_ll(de->d_name, 1, INT_MAX, &tid) < 0 ||
			    tracee_find((pid_t)tid))
				continue;
			/* A thread that exits meanwhile is not an error. */
			if (seize_task(s, (pid_t)tid) == 0) {
				added++;
				n++;
			}
		}
		closedir(d);
	} while (added);
	return n;
}

/* Is pid in a mount namespace other than symtrace's?  Its link paths are
 * walked in symtrace's (inspect.c), so they would be judged by other
 * mounts than the kernel uses for it.  false when unknown: a process we
 * may not inspect cannot be attached either, and that error is clearer.
 * *theirs / *ours get the namespaces' names ("mnt:[4026531841]"). */
static bool other_mount_ns(pid_t pid, char *theirs, char *ours, size_t size)
{
	char path[64];
	ssize_t n, m;

	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)pid);
	n = readlink(path, theirs, size - 1);
	m = readlink("/proc/self/ns/mnt", ours, size - 1);
	if (n < 0 || m < 0)
		return false;
	theirs[n] = '\0';
	ours[m] = '\0';
	return strcmp(theirs, ours) != 0;
}

static void attach_all(struct sup *u)
{
	const struct config *cfg = u->s->cfg;
	size_t ok = 0;

	for (size_t i = 0; i < cfg->npids; i++) {
		pid_t pid = cfg->pids[i];
		char members[64];
		int r;

		if (pid == getpid()) {
			warn("cannot attach to %d: that is symtrace itself",
			     (int)pid);
			continue;
		}
		char theirs[64], ours[64];

		if (other_mount_ns(pid, theirs, ours, sizeof(theirs))) {
			if (u->s->enforcing) {
				/* Fail closed: rules on paths cannot be kept
				 * in another namespace's mounts. */
				warn("cannot attach to %d: it runs in another "
				     "mount namespace (%s, symtrace's %s), "
				     "where symtrace cannot judge link paths; "
				     "run symtrace in that namespace (nsenter "
				     "--mount --target %d symtrace ...)",
				     (int)pid, theirs, ours, (int)pid);
				continue;
			}
			warn("process %d runs in another mount namespace (%s, "
			     "symtrace's %s): its paths are reported as "
			     "symtrace's namespace shows them", (int)pid,
			     theirs, ours);
		}
		r = attach_process(u->s, pid);
		if (r < 0) {
			attach_error(pid, -r);
			continue;
		}
		ok++;
		u->out->summary.processes++;
		u->out->summary.threads += (unsigned long)r - 1;
		snprintf(members, sizeof(members), "\"pid\":%d,\"threads\":%d",
			 (int)pid, r);
		sink_notice(u->out, "attached", members,
			    "attached to process %d (%d thread%s)", (int)pid,
			    r, r == 1 ? "" : "s");
	}
	if (!ok)
		die(EXIT_SYMTRACE_FAILURE, "no process could be attached");
}

static void on_detach_signal(int sig)
{
	int e = errno;

	(void)sig;
	detach_requested = 1;
	/* Make waitpid return even if the signal came just before it
	 * blocked: an interrupt stop is a harmless event. */
	if (wake_tid > 0)
		ptrace(PTRACE_INTERRUPT, (pid_t)wake_tid, 0, 0);
	errno = e;
}

static void interrupt_one(struct tracee *t, void *arg)
{
	(void)arg;
	if (ptrace(PTRACE_INTERRUPT, t->tid, 0, 0) < 0 && errno == ESRCH)
		t->flags |= TF_GONE_PENDING;
}

static void detach_task(struct sink *out, struct tracee *t, int sig)
{
	if (t->ev) {
		/* Detached between entry and exit: its end is not seen.  A
		 * denied call needs no undoing: nr = -1 and the return
		 * value were both set at entry. */
		sink_report_pending(out, t);
	}
	if (ptrace(PTRACE_DETACH, t->tid, 0, sig) < 0 && errno != ESRCH)
		warn_errno("cannot detach from %d", (int)t->tid);
	tracee_del(t);
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
static void detach_all(struct sup *u)
{
	size_t n = tracee_count();
	char members[64];

	tracee_foreach(interrupt_one, NULL);
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
			if (t->ev)
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
		case STOP_SIGNAL:
			/* Signal-delivery-stop: give the signal back. */
			detach_task(u->out, t, WSTOPSIG(status));
			break;
		default:
			detach_task(u->out, t, 0);
			break;
		}
	}
	snprintf(members, sizeof(members), "\"tasks\":%zu", n);
	sink_notice(u->out, "detached", members, "detached from %zu task%s", n,
		    n == 1 ? "" : "s");
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

static void pick_one(struct tracee *t, void *arg)
{
	*(pid_t *)arg = t->tid;
}

static pid_t any_tid(void)
{
	pid_t tid = 0;

	tracee_foreach(pick_one, &tid);
	return tid;
}

static void setup_attach_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: waitpid returns EINTR. */
	sa.sa_handler = on_detach_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

static void forget_wake_tid(pid_t tid)
{
	if (wake_tid == tid)
		wake_tid = 0;
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
	if (created)
		count_new_task(u, pid, status);
	if (classify_stop(status, created, false) == STOP_GONE) {
		forget_wake_tid(pid);
		gone(u, t, status);
		if (!wake_tid && tracee_count() > 0)
			wake_tid = any_tid();
		return;
	}
	on_stop(u, t, status, created);
}

static void handle_status(struct sup *u, pid_t pid, int status)
{
	handle_status_as(u, pid, status, false);
}

int supervise(const struct config *cfg)
{
	struct session ses;
	struct sink out;
	struct sup sup = { .s = &ses, .out = &out, .main_status = -1,
			   .tty_fd = -1 };
	struct sup *u = &sup;

	session_init(&ses, cfg);
	sink_open(&out, cfg);
	sup.j = (struct judge){ .s = &ses, .out = &out };
	if (ses.attach_mode) {
		setup_attach_signals();
		attach_all(u);
	} else {
		setup_signals();
		u->tty_fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
		spawn(u);
	}

	for (;;) {
		int status;
		pid_t pid;

		if (detach_requested) {
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
	sink_close(&out);
	/* Attach mode: 0 after detaching or when every process exited. */
	return ses.attach_mode ? 0 : exit_code(u->main_status);
}
