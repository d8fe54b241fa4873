/* attach.c - -p: attach to running processes, and detach (attach.h).
 *
 * Invariants:
 *   - Every thread is seized (PTRACE_SEIZE) and interrupted, so from its
 *     first stop on every syscall is seen; attach mode installs no
 *     seccomp filter (one left behind would turn the family into ENOSYS).
 *   - In deny mode a process of another mount namespace is not attached
 *     (fail closed: its link paths could not be judged).
 *   - A detached task runs on as before: its pending signal is handed
 *     back, a group-stop stays, a denied call needs no undoing. */
#include "attach.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <unistd.h>

#include "inspect.h"
#include "util.h"

/* Set by the signal handlers (they know nothing else). */
static volatile sig_atomic_t detach_requested_flag;
static volatile sig_atomic_t wake_tid; /* a tracee to interrupt */

static void on_detach_signal(int sig);

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

/* Why PTRACE_SEIZE of pid failed, in words. */
static void attach_error(pid_t pid, int err)
{
	struct proc_info pi;
	const char *why = "";
	long tracer = 0;

	if (err == ESRCH) {
		warn("cannot attach to %d: no such process", (int)pid);
		return;
	}
	if (inspect_status(pid, &pi) == 0)
		tracer = (long)pi.tracer;
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

void attach_all(const struct session *s, struct sink *out)
{
	const struct config *cfg = s->cfg;
	size_t ok = 0;

	setup_attach_signals();
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
			if (s->enforcing) {
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
		r = attach_process(s, pid);
		if (r < 0) {
			attach_error(pid, -r);
			continue;
		}
		ok++;
		out->summary.processes++;
		out->summary.threads += (unsigned long)r - 1;
		snprintf(members, sizeof(members), "\"pid\":%d,\"threads\":%d",
			 (int)pid, r);
		sink_notice(out, "attached", members,
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
	detach_requested_flag = 1;
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

void detach_interrupt_all(void)
{
	tracee_foreach(interrupt_one, NULL);
}

void detach_notice(struct sink *out, size_t n)
{
	char members[64];

	snprintf(members, sizeof(members), "\"tasks\":%zu", n);
	sink_notice(out, "detached", members, "detached from %zu task%s", n,
		    n == 1 ? "" : "s");
}

bool detach_requested(void)
{
	return detach_requested_flag;
}

void attach_forget(pid_t tid)
{
	if (wake_tid == tid)
		wake_tid = 0;
	if (!wake_tid && tracee_count() > 0)
		wake_tid = any_tid();
}

void detach_task(struct sink *out, struct tracee *t, int sig)
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
