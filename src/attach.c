/* attach.c - -p: attach to running processes, and detach (attach.h).
 *
 * Invariants:
 *   - Every thread is seized (PTRACE_SEIZE) and interrupted, so from its
 *     first stop on every syscall is seen, until the prefilter is
 *     injected (inject.h: deny mode, or --prefilter; one left behind
 *     turns the family into ENOSYS).
 *     Without PTRACE_SEIZE (before 3.4, noseize.h) PTRACE_ATTACH's
 *     SIGSTOP makes the first stop (swallowed, the options set there),
 *     and SIGSTOP sent by symtrace (tkill) replaces PTRACE_INTERRUPT.
 *     A process found stopped (state T) is not attached then: PTRACE_
 *     ATTACH without PTRACE_LISTEN would make it run.
 *   - In deny mode a process of another mount namespace is not attached
 *     (fail closed: its link paths could not be judged).
 *   - A detached task runs on as before (but for the prefilter, if it
 *     was injected): its pending signal is handed back, a group-stop
 *     stays, a denied call needs no undoing.
 *   - --tree: a process's children are read only once every thread of
 *     it has been seen stopped (or gone) after the seize: a fork that
 *     was under way then has finished, its child is on the list; every
 *     later fork is followed by the kernel.  Repeated until a round
 *     takes in no new process.  Every descendant that could not be
 *     taken in is named in a warning, counted in the notice and in the
 *     exit status (attach_all's result). */
#include "attach.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "inspect.h"
#include "noseize.h"
#include "output.h"
#include "util.h"

/* Set by the signal handlers (they know nothing else). */
static volatile sig_atomic_t detach_requested_flag;
static volatile sig_atomic_t wake_tid; /* a tracee to interrupt */
static volatile sig_atomic_t noseize;  /* no PTRACE_SEIZE: SIGSTOP wakes */
static volatile sig_atomic_t wake_sent; /* ... and this tid's is pending */

/* attach_process()'s "error" for a stopped process without PTRACE_SEIZE
 * (beyond every errno). */
#define ATTACH_E_STOPPED 4096

static char proc_state(pid_t pid);

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

/* Why PTRACE_SEIZE of pid failed, in words.  who: "" for a -p PID, or
 * what else to say of it (" (comm), a descendant of N"). */
static void attach_error(pid_t pid, const char *who, int err)
{
	struct proc_info pi;
	const char *why = "";
	long tracer = 0;

	if (err == ESRCH) {
		warn("cannot attach to %d%s: no such process", (int)pid, who);
		return;
	}
	if (err == ATTACH_E_STOPPED) {
		warn("cannot attach to %d%s: it is stopped (job control), and "
		     "without PTRACE_SEIZE (Linux 3.4) attaching would make it "
		     "run; continue it (kill -CONT) and attach again", (int)pid,
		     who);
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
		warn("cannot attach to %d%s: %s%s [tracer pid %ld]", (int)pid,
		     who, strerror(err), why, tracer);
	else
		warn("cannot attach to %d%s: %s%s", (int)pid, who,
		     strerror(err), why);
}

/* Seize one task and make it stop (PTRACE_INTERRUPT) so that from its
 * first stop on we see every syscall.  0 or -errno. */
static int seize_task(const struct session *s, pid_t tid)
{
	struct tracee *t;
	bool c;
	int r;

	if (tracee_find(tid))
		return 0;
	if (!s->seize) {
		/* PTRACE_ATTACH sends the SIGSTOP that makes its first
		 * stop; the options are set at that first stop, whatever it
		 * is (another signal's delivery may come first). */
		r = noseize_attach(tid);
		if (r < 0)
			return r;
		t = tracee_get(tid, &c);
		t->flags |= TF_ATTACHED | TF_SIGSTOP_DUE | TF_OPTIONS_DUE;
		noseize = 1;
		if (!wake_tid)
			wake_tid = tid;
		return 0;
	}
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

	/* Without PTRACE_SEIZE a stopped process would run once attached
	 * (it would be resumed from its group-stop, and PTRACE_LISTEN does
	 * not exist): it is left alone, said, and counted as not attached.
	 * (Stopped between this look and the attach: it runs - the
	 * approximate job control of the man page's KERNELS.) */
	if (!s->seize && proc_state(pid) == 'T')
		return -ATTACH_E_STOPPED;
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

/* May pid be attached, as far as its mount namespace goes?  (who: as
 * for attach_error.) */
static bool mount_ns_ok(const struct session *s, pid_t pid, const char *who)
{
	char theirs[64], ours[64];

	if (!other_mount_ns(pid, theirs, ours, sizeof(theirs)))
		return true;
	if (s->enforcing) {
		/* Fail closed: rules on paths cannot be kept in another
		 * namespace's mounts. */
		warn("cannot attach to %d%s: it runs in another mount "
		     "namespace (%s, symtrace's %s), where symtrace cannot "
		     "judge link paths; run symtrace in that namespace "
		     "(nsenter --mount --target %d symtrace ...)", (int)pid,
		     who, theirs, ours, (int)pid);
		return false;
	}
	warn("process %d%s runs in another mount namespace (%s, symtrace's "
	     "%s): its paths are reported as symtrace's namespace shows them",
	     (int)pid, who, theirs, ours);
	return true;
}

/* ---- --tree: the descendants that are already running ---------------- */

/* A process tried by the walk: a -p PID (root == its own index) or a
 * descendant of cfg->pids[root]. */
struct tried {
	pid_t pid;
	size_t root;
	bool taken;   /* attached (its children are to be read) */
};

struct tree {
	struct tried *v;
	size_t n, size;
	size_t done;      /* v[0..done): children read (or not taken) */
	/* Per -p PID: descendants taken, their threads, those refused. */
	size_t *desc, *threads, *failed;
};

static void tree_add(struct tree *tr, pid_t pid, size_t root, bool taken)
{
	if (tr->n == tr->size) {
		tr->size = tr->size ? 2 * tr->size : 32;
		tr->v = xrealloc(tr->v, tr->size * sizeof(*tr->v));
	}
	tr->v[tr->n++] = (struct tried){ pid, root, taken };
}

static bool tree_has(const struct tree *tr, pid_t pid)
{
	for (size_t i = 0; i < tr->n; i++)
		if (tr->v[i].pid == pid)
			return true;
	return false;
}

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* How long the threads of a process may take to reach their first stop
 * before its children are read anyway (a thread in an uninterruptible
 * sleep, e.g. on a dead NFS server, stops only when it wakes). */
#define STOP_WAIT_US 2000000LL

/* Has tid (seized and interrupted) reached a stop, or its end, by
 * deadline?  The status stays for the wait loop (WNOWAIT). */
static bool wait_stopped(pid_t tid, long long deadline)
{
	for (;;) {
		siginfo_t si;

		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)tid, &si, WEXITED | WSTOPPED |
			   WNOHANG | WNOWAIT | __WALL) < 0)
			return true; /* not our tracee any more */
		if (si.si_pid == tid)
			return true;
		if (now_us() >= deadline)
			return false;
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	}
}

/* Every thread of pid that we trace has stopped (see the invariants). */
static void wait_process_stopped(pid_t pid, long long deadline)
{
	char path[64];
	DIR *d;
	struct dirent *de;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return; /* gone: no children to read */
	while ((de = readdir(d))) {
		long long tid;

		if (parse_ll(de->d_name, 1, INT_MAX, &tid) < 0 ||
		    !tracee_find((pid_t)tid))
			continue;
		if (!wait_stopped((pid_t)tid, deadline))
			warn("thread %lld of process %d did not stop within "
			     "%lld s of the attach: a child it is forking "
			     "now may not be found", tid, (int)pid,
			     STOP_WAIT_US / 1000000);
	}
	closedir(d);
}

/* A file of /proc, whole, in sb; 0 or -errno. */
static int read_proc_file(const char *path, struct sbuf *sb)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	sbuf_reset(sb);
	if (fd < 0)
		return -errno;
	do {
		sbuf_grow(sb, 4096);
		n = read(fd, sb->buf + sb->len, 4096);
		if (n > 0) {
			sb->len += (size_t)n;
			sb->buf[sb->len] = '\0';
		}
	} while (n > 0 || (n < 0 && errno == EINTR));
	close(fd);
	return n < 0 ? -errno : 0;
}

/* Does this kernel have /proc/PID/task/TID/children (CONFIG_PROC_CHILDREN)?
 * SYMTRACE_PROC_SCAN=1 in the environment says no (for testing). */
static bool have_children_files(void)
{
	char path[64];
	const char *e = getenv("SYMTRACE_PROC_SCAN");

	if (e && strcmp(e, "1") == 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children",
		 (int)getpid(), (int)getpid());
	return access(path, R_OK) == 0;
}

struct found {
	pid_t child, parent;
};

static void found_add(struct found **f, size_t *n, size_t *size, pid_t child,
		      pid_t parent)
{
	if (*n == *size) {
		*size = *size ? 2 * *size : 32;
		*f = xrealloc(*f, *size * sizeof(**f));
	}
	(*f)[(*n)++] = (struct found){ child, parent };
}

/* The children of v[from..to) (taken ones), from the children files of
 * their threads. */
static void children_from_files(const struct tree *tr, size_t from, size_t to,
				struct found **f, size_t *n, size_t *size)
{
	struct sbuf sb = SBUF_INIT;

	for (size_t i = from; i < to; i++) {
		char path[64];
		DIR *d;
		struct dirent *de;

		if (!tr->v[i].taken)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task",
			 (int)tr->v[i].pid);
		if (!(d = opendir(path)))
			continue;
		while ((de = readdir(d))) {
			char file[96];
			long long tid;
			char *p, *end;

			if (parse_ll(de->d_name, 1, INT_MAX, &tid) < 0)
				continue;
			snprintf(file, sizeof(file), "%s/%lld/children", path,
				 tid);
			if (read_proc_file(file, &sb) < 0 || !sb.len)
				continue;
			for (p = sb.buf; *p; p = end) {
				long v = strtol(p, &end, 10);

				if (end == p)
					break;
				if (v > 0 && v <= INT_MAX)
					found_add(f, n, size, (pid_t)v,
						  tr->v[i].pid);
			}
		}
		closedir(d);
	}
	sbuf_free(&sb);
}

/* The same from a scan of every /proc/N/stat for a parent among them
 * (the parent's thread group id, whichever of its threads forked). */
static void children_from_scan(const struct tree *tr, size_t from, size_t to,
			       struct found **f, size_t *n, size_t *size)
{
	DIR *d = opendir("/proc");
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char path[64], buf[1024], *p;
		long long pid;
		int ppid;

		if (parse_ll(de->d_name, 1, INT_MAX, &pid) < 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%lld/stat", pid);
		if (read_small_file(path, buf, sizeof(buf)) < 0 ||
		    !(p = strrchr(buf, ')')) ||
		    sscanf(p + 1, " %*c %d", &ppid) != 1)
			continue;
		for (size_t i = from; i < to; i++)
			if (tr->v[i].taken && tr->v[i].pid == ppid)
				found_add(f, n, size, (pid_t)pid, ppid);
	}
	closedir(d);
}

/* pid's state letter from /proc/PID/stat ('\0' when gone). */
static char proc_state(pid_t pid)
{
	char path[64], buf[1024], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_small_file(path, buf, sizeof(buf)) < 0 ||
	    !(p = strrchr(buf, ')')) || !p[1] || !p[2])
		return '\0';
	return p[2];
}

/* " (COMM), a child of PARENT" for the warnings.  The process chose its
 * comm: anything but printable ASCII is escaped as the report escapes
 * strings (quoted), so no control byte reaches a terminal. */
static void describe_child(char *who, size_t size, const char *comm,
			   pid_t parent)
{
	struct sbuf sb = SBUF_INIT;
	bool plain = true;

	for (const char *p = comm; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			plain = false;
	if (plain)
		sbuf_adds(&sb, comm);
	else
		escape_str(&sb, comm, strlen(comm), false);
	snprintf(who, size, " (%s), a child of %d", sbuf_str(&sb), (int)parent);
	sbuf_free(&sb);
}

/* Take in child, found below parent (a process of the tree). */
static void take_child(const struct session *s, struct tree *tr,
		       pid_t child, pid_t parent, size_t root)
{
	char comm[64] = "?", path[64], who[160];
	struct proc_info pi;
	ssize_t n;
	char st;
	int r;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)child);
	n = read_small_file(path, comm, sizeof(comm));
	if (n > 0 && comm[n - 1] == '\n')
		comm[n - 1] = '\0';
	describe_child(who, sizeof(who), comm, parent);
	if (child == getpid()) {
		/* symtrace itself, started from the tree (-p $$). */
		tree_add(tr, child, root, false);
		return;
	}
	if (!mount_ns_ok(s, child, who)) {
		tree_add(tr, child, root, false);
		tr->failed[root]++;
		return;
	}
	/* (Between the read of its parent and the seize the child may
	 * have ended and its pid been reused - only after the kernel's pid
	 * numbers wrapped around meanwhile; the process then seized is
	 * judged by the same rules: more is guarded, never less.) */
	r = attach_process(s, child);
	if (r >= 0) {
		tree_add(tr, child, root, true);
		tr->desc[root]++;
		tr->threads[root] += (size_t)r;
		return;
	}
	tree_add(tr, child, root, false);
	/* Not a failure: a child that ended meanwhile (gone, or a zombie:
	 * PTRACE_SEIZE says EPERM for one), or one that a traced thread
	 * forked after the seize: the kernel attached it to us already
	 * (its first stop is still to come, so it is not in the table). */
	st = proc_state(child);
	if (r == -ESRCH || st == 'Z' || st == 'X' || !st)
		return;
	if (r == -EPERM && inspect_status(child, &pi) == 0 &&
	    pi.tracer == getpid())
		return;
	attach_error(child, who, -r);
	tr->failed[root]++;
}

/* Take in every descendant of the processes of tr (the -p PIDs taken),
 * round after round until none is new. */
static void attach_tree(const struct session *s, struct tree *tr)
{
	bool files = have_children_files();
	struct found *f = NULL;
	size_t nf = 0, fsize = 0;

	while (tr->done < tr->n) {
		size_t from = tr->done, to = tr->n;
		long long deadline = now_us() + STOP_WAIT_US;

		for (size_t i = from; i < to; i++)
			if (tr->v[i].taken)
				wait_process_stopped(tr->v[i].pid, deadline);
		nf = 0;
		if (files)
			children_from_files(tr, from, to, &f, &nf, &fsize);
		else
			children_from_scan(tr, from, to, &f, &nf, &fsize);
		tr->done = to;
		for (size_t k = 0; k < nf; k++) {
			size_t root = 0;

			if (tree_has(tr, f[k].child))
				continue;
			for (size_t i = from; i < to; i++)
				if (tr->v[i].pid == f[k].parent)
					root = tr->v[i].root;
			take_child(s, tr, f[k].child, f[k].parent, root);
		}
	}
	free(f);
}

size_t attach_all(const struct session *s, struct sink *out)
{
	const struct config *cfg = s->cfg;
	struct tree tr = { 0 };
	size_t ok = 0, failed = 0;

	setup_attach_signals();
	tr.desc = xcalloc(cfg->npids, sizeof(*tr.desc));
	tr.threads = xcalloc(cfg->npids, sizeof(*tr.threads));
	tr.failed = xcalloc(cfg->npids, sizeof(*tr.failed));
	for (size_t i = 0; i < cfg->npids; i++) {
		pid_t pid = cfg->pids[i];
		char members[64];
		int r;

		if (pid == getpid()) {
			warn("cannot attach to %d: that is symtrace itself",
			     (int)pid);
			failed++;
			continue;
		}
		if (tree_has(&tr, pid))
			continue; /* named twice */
		if (!mount_ns_ok(s, pid, "")) {
			failed++;
			continue;
		}
		r = attach_process(s, pid);
		if (r < 0) {
			attach_error(pid, "", -r);
			failed++;
			continue;
		}
		tree_add(&tr, pid, i, true);
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
	if (s->attach_tree)
		attach_tree(s, &tr);
	for (size_t i = 0; s->attach_tree && i < cfg->npids; i++) {
		size_t d = tr.desc[i], th = tr.threads[i], f = tr.failed[i];
		char members[128], also[96] = "";

		out->summary.processes += d;
		out->summary.threads += th - d;
		failed += f;
		if (!d && !f)
			continue;
		if (f)
			snprintf(also, sizeof(also), "; %zu could not be: they "
				 "are NOT traced", f);
		snprintf(members, sizeof(members),
			 "\"pid\":%d,\"descendants\":%zu,\"threads\":%zu,"
			 "\"failed\":%zu", (int)cfg->pids[i], d, th, f);
		sink_notice(out, "tree", members,
			    "attached to %zu descendant%s of process %d (%zu "
			    "thread%s)%s", d, d == 1 ? "" : "s",
			    (int)cfg->pids[i], th, th == 1 ? "" : "s", also);
	}
	free(tr.v);
	free(tr.desc);
	free(tr.threads);
	free(tr.failed);
	return failed;
}

static void on_detach_signal(int sig)
{
	int e = errno;

	(void)sig;
	if (noseize && detach_requested_flag)
		return; /* one SIGSTOP at most: see below */
	detach_requested_flag = 1;
	/* Make waitpid return even if the signal came just before it
	 * blocked: an interrupt stop is a harmless event.  Without
	 * PTRACE_SEIZE a SIGSTOP, swallowed by the loop (which then clears
	 * wake_sent) or by the detach loop (which sends no second one to
	 * wake_sent: a SIGSTOP left pending would stop the task once
	 * detached). */
	if (wake_tid > 0 && noseize) {
		if (noseize_interrupt((pid_t)wake_tid) == 0)
			wake_sent = wake_tid;
	} else if (wake_tid > 0) {
		ptrace(PTRACE_INTERRUPT, (pid_t)wake_tid, 0, 0);
	}
	errno = e;
}

static void interrupt_one(struct tracee *t, void *arg)
{
	(void)arg;
	if (noseize && t->tid == wake_sent)
		return; /* its SIGSTOP is on its way already */
	if (noseize) {
		/* The detach loop (supervisor.c) detaches it at the
		 * delivery of this SIGSTOP, so that none is left behind. */
		if (noseize_interrupt(t->tid) == -ESRCH)
			t->flags |= TF_GONE_PENDING;
		return;
	}
	if (ptrace(PTRACE_INTERRUPT, t->tid, 0, 0) < 0 && errno == ESRCH)
		t->flags |= TF_GONE_PENDING;
}

void detach_interrupt_all(void)
{
	tracee_foreach(interrupt_one, NULL);
}

void attach_interrupt_seen(pid_t tid)
{
	if (wake_sent == tid)
		wake_sent = 0;
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
