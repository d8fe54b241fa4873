/* spawn.c - start the command under ptrace (spawn.h).
 *
 * Invariants:
 *   - The child is seized before it runs anything of the command: it
 *     waits on a pipe until PTRACE_SEIZE is done, then installs the
 *     seccomp prefilter and execs - nothing escapes the tracer.  Without
 *     PTRACE_SEIZE (before 3.4) it calls PTRACE_TRACEME and stops itself
 *     first; the parent sets the options at that stop (noseize.c says
 *     why its children are traced from their first instruction).
 *   - The child gets back the signal dispositions symtrace found.
 *   - Signals are passed on to the command only while it lives: once
 *     it is reaped its pid may name another process.
 *   - --exit-with-command: once the command is gone, every task still
 *     traced is killed (SIGKILL, which also ends a task in a ptrace stop
 *     or a group-stop), and so is every task that reports later. */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kfeatures.h"
#include "errnoname.h"
#include "inspect.h"
#include "noseize.h"
#include "notify.h"
#include "seccomp.h"
#include "sidedoor.h"
#include "tracee.h"
#include "util.h"

/* What symtrace does with a signal while it runs the command. */
enum sigplan { SIG_LEAVE, SIG_IGNORE, SIG_FORWARD };

/* Job control and SIGPIPE are ignored (the terminal sends SIGTSTP,
 * SIGTTIN, SIGTTOU to the whole foreground group: the command decides);
 * every signal that would end symtrace and that a service manager or an
 * admin sends to "the service" - HUP, INT, QUIT, TERM, USR1, USR2, ALRM,
 * WINCH, the real-time ones - is passed on to the command (php-fpm
 * reloads on USR2, stops gracefully on QUIT; Apache on WINCH), so that
 * symtrace never dies of one: in deny mode its death would kill every
 * traced process (EXITKILL).  The rest keep their disposition. */
static enum sigplan sigplan(int sig)
{
	switch (sig) {
	case SIGTSTP:
	case SIGTTIN:
	case SIGTTOU:
	case SIGPIPE:
		return SIG_IGNORE;
	case SIGHUP:
	case SIGINT:
	case SIGQUIT:
	case SIGTERM:
	case SIGUSR1:
	case SIGUSR2:
	case SIGALRM:
	case SIGWINCH:
		return SIG_FORWARD;
	default:
		return sig >= SIGRTMIN && sig <= SIGRTMAX ? SIG_FORWARD
							  : SIG_LEAVE;
	}
}

/* Where forwarded signals go (a signal handler's only way to know). */
static volatile sig_atomic_t forward_pid;

static void on_forward_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	/* From the terminal (SI_KERNEL: ^C, ^\, a resize), the kernel
	 * sent it to the whole foreground group, the command included:
	 * passing it on would deliver it twice. */
	if (si && si->si_code == SI_KERNEL)
		return;
	if (forward_pid > 0)
		kill(forward_pid, sig);
}

/* saved[sig]: the disposition symtrace found, which the child gets back. */
static void setup_signals(struct sigaction *saved)
{
	struct sigaction ign, fwd;

	memset(&ign, 0, sizeof(ign));
	sigemptyset(&ign.sa_mask);
	ign.sa_handler = SIG_IGN;
	memset(&fwd, 0, sizeof(fwd));
	sigemptyset(&fwd.sa_mask);
	fwd.sa_sigaction = on_forward_signal;
	fwd.sa_flags = SA_SIGINFO | SA_RESTART;
	for (int sig = 1; sig < NSIG; sig++) {
		enum sigplan plan = sigplan(sig);

		if (plan == SIG_LEAVE || sigaction(sig, NULL, &saved[sig]) < 0)
			continue;
		sigaction(sig, plan == SIG_IGNORE ? &ign : &fwd, NULL);
	}
}

static void restore_signals(const struct sigaction *saved)
{
	for (int sig = 1; sig < NSIG; sig++)
		if (sigplan(sig) != SIG_LEAVE)
			sigaction(sig, &saved[sig], NULL);
}

struct filter_spec filter_spec(const struct session *s)
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

static void child_exec(const struct session *s, const struct sigaction *saved,
		       int go_fd, const struct sock_filter *prog, int len)
{
	char c;
	int r;

	if (!s->seize && (r = noseize_traceme()) < 0) {
		fprintf(stderr, "%s: cannot trace the command (ptrace "
			"PTRACE_TRACEME): %s%s\n", progname, strerror(-r),
			r == -EPERM ? " - is ptrace forbidden here "
				      "(container, kernel.yama.ptrace_scope)?"
				    : "");
		_exit(EXIT_SYMTRACE_FAILURE);
	}
	/* Wait until the parent has seized us: nothing we run from here on
	 * (the filter, the exec) escapes the tracer. */
	while (read(go_fd, &c, 1) < 0 && errno == EINTR)
		;
	close(go_fd);
	restore_signals(saved);
	notify_child();
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
	exec_command(s->cfg->argv);
	r = errno;
	fprintf(stderr, "%s: cannot run '%s': %s\n", progname,
		s->cfg->argv[0], strerror(r));
	_exit(r == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC);
}

/* Without PTRACE_SEIZE: the child (PTRACE_TRACEME) has stopped itself;
 * the options are set there, before it runs anything else, and it is
 * resumed (its SIGSTOP swallowed) to wait for the go of the pipe. */
static void trace_child_noseize(const struct session *s, pid_t pid)
{
	int r = noseize_child_stopped(pid, s->ptrace_options);

	if (r == -ECHILD)
		die(EXIT_SYMTRACE_FAILURE, "the command (pid %d) ended before "
		    "it could be traced", (int)pid);
	if (r == 0 && ptrace(s->filtered ? PTRACE_CONT : PTRACE_SYSCALL, pid,
			     0, 0) < 0)
		r = -errno;
	if (r < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, __WALL);
		errno = -r;
		die_errno(EXIT_SYMTRACE_FAILURE, "cannot trace the command "
			  "(ptrace PTRACE_SETOPTIONS of %d)", (int)pid);
	}
}

pid_t spawn_command(const struct session *s)
{
	struct sock_filter prog[SECCOMP_FILTER_MAX];
	struct sigaction saved[NSIG];
	struct filter_spec spec = filter_spec(s);
	int len = 0, go[2];
	pid_t pid;
	bool c;

	setup_signals(saved);
	if (s->filtered) {
		len = seccomp_build(&spec, prog);
		if (len < 0)
			die(EXIT_SYMTRACE_FAILURE, "seccomp filter too long");
	}
	if (features_pipe_cloexec(go) < 0)
		die_errno(EXIT_SYMTRACE_FAILURE, "pipe");
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		die_errno(EXIT_SYMTRACE_FAILURE, "fork");
	if (pid == 0) {
		close(go[1]);
		child_exec(s, saved, go[0], s->filtered ? prog : NULL, len);
	}
	close(go[0]);
	if (!s->seize) {
		trace_child_noseize(s, pid);
	} else if (ptrace(PTRACE_SEIZE, pid, 0, s->ptrace_options) < 0) {
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
	forward_pid = pid;
	notify_command(pid);
	tracee_get(pid, &c)->flags |= TF_STARTED;
	if (write(go[1], "x", 1) != 1)
		die_errno(EXIT_SYMTRACE_FAILURE, "pipe write");
	close(go[1]);
	return pid;
}

/* Kill tid's thread group and count it in *e. */
static void kill_group(struct ending *e, pid_t tid)
{
	struct proc_info pi;
	pid_t tgid = tid;

	if (inspect_status(tid, &pi) == 0 && pi.tgid > 0)
		tgid = pi.tgid;
	/* kill() of any tid of a thread group kills the whole group; a
	 * task in a ptrace stop or a group-stop dies too.  A task that is
	 * gone meanwhile (ESRCH) is not counted: its end is on its way to
	 * waitpid.  (Only tids of the table, not yet reaped by us, are
	 * killed: none can have been reused.) */
	if (kill(tid, SIGKILL) < 0) {
		if (errno != ESRCH)
			warn_errno("cannot kill %d", (int)tid);
		return;
	}
	for (size_t i = 0; i < e->n; i++)
		if (e->tgids[i] == tgid)
			return;
	if (e->n == e->size) {
		e->size = e->size ? 2 * e->size : 16;
		e->tgids = xrealloc(e->tgids, e->size * sizeof(*e->tgids));
	}
	e->tgids[e->n++] = tgid;
}

static void kill_one(struct tracee *t, void *arg)
{
	kill_group(arg, t->tid);
}

bool spawn_command_ended(const struct session *s, struct ending *e,
			 pid_t pid, int status)
{
	forward_pid = 0;
	if (!s->cfg->exit_with_command)
		return false;
	*e = (struct ending){ .pid = pid, .status = status };
	tracee_foreach(kill_one, e);
	return true;
}

void spawn_kill_late(struct ending *e, pid_t tid)
{
	kill_group(e, tid);
}

void spawn_ending_notice(struct sink *out, struct ending *e)
{
	char how[64], members[160];
	size_t n = e->n;
	int st = e->status;

	free(e->tgids);
	e->tgids = NULL;
	if (n == 0)
		return;
	if (WIFEXITED(st)) {
		snprintf(how, sizeof(how), "exited with %d", WEXITSTATUS(st));
		snprintf(members, sizeof(members),
			 "\"pid\":%d,\"status\":%d,\"processes\":%zu",
			 (int)e->pid, WEXITSTATUS(st), n);
	} else {
		const char *name = signal_abbrev(WTERMSIG(st));

		snprintf(how, sizeof(how), "was killed by SIG%s",
			 name ? name : "?");
		snprintf(members, sizeof(members),
			 "\"pid\":%d,\"signal\":\"SIG%s\",\"processes\":%zu",
			 (int)e->pid, name ? name : "?", n);
	}
	sink_notice(out, "ended", members,
		    "the command (pid %d) %s: killed the %zu process%s left "
		    "(--exit-with-command)", (int)e->pid, how, n,
		    n == 1 ? "" : "es");
}
