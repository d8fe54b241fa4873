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
 *     later fork is followed by the kernel.  The children of the
 *     processes taken are read again, round after round, until the tree
 *     is stable (a process that ends hands its children to a subreaper
 *     above it: see "--tree" below), or the walk gives up, loudly.
 *     Every descendant that could not be taken in is named in a
 *     warning, counted in the notice and in the exit status
 *     (attach_all's result). */
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

/* The walk takes the tree round after round until it is stable:
 *
 *   - Each round reads the children of the "dirty" processes it has
 *     taken: the ones taken in the round before, and every ancestor (up
 *     to the -p PID) of a process where something new was found or where
 *     a process vanished.  It reads them deepest first, and takes in
 *     (seizes) what is new.
 *   - A taken process forks no child behind our back: from its seize on
 *     the kernel attaches its new children to us (PTRACE_O_TRACEFORK...),
 *     a fork it had under way at the seize has ended by the time all its
 *     threads are seen stopped (we read its children only then), and it
 *     stays stopped for the whole walk (the wait loop, which resumes
 *     tracees, has not started).  So the tree changes during the walk
 *     only through processes not yet taken, found below taken ones
 *     (forked before their parent's seize).  Such a process can put a
 *     new child below a taken one in two ways: by ending, which hands
 *     its children to the nearest child subreaper among its ancestors
 *     (PR_SET_CHILD_SUBREAPER) or to its pid namespace's init, an
 *     ancestor too; or by clone(CLONE_PARENT), which gives its parent
 *     a child.  Both land on an ancestor of where it was found, and
 *     every such ancestor is read again, after (deepest first) the
 *     processes below it: a process that ended before its parent's read
 *     had handed its children on before the ancestors' reads.
 *     (/proc shows no subreaper flag, so every ancestor is read.)
 *   - A round that finds nothing new and sees nothing vanish leaves no
 *     process dirty: every live process below the taken ones is taken
 *     (or was named in a warning and counted).
 *
 * It ends.  A round's reads are bounded (each taken process at most
 * once), and a process once taken can no longer add untraced
 * processes; only processes racing the walk (a fork chain: each link
 * forks the next and ends at once) keep it going.  So the rounds in
 * which a process read before showed a new child are counted, and the
 * walk gives up after TREE_MAX_CHANGES of them or TREE_WALK_US in all:
 * loudly, counted as a descendant that could not be attached (exit
 * status 1).  (While the walk runs the taken processes are stopped: a
 * subreaper cannot reap, so a chain's ended links pile up as zombies -
 * one more reason to bound the walk in time.) */

/* A process tried by the walk: a -p PID or a descendant of one.  A
 * process is its pid and start time (/proc/PID/stat field 22), so a
 * pid used again by a later process is not taken for the earlier one:
 * that needs the pids to wrap around within one clock tick. */
#define NO_PARENT ((size_t)-1)

struct tried {
	pid_t pid;
	unsigned long long start;
	size_t root;     /* its -p PID: cfg->pids[root] */
	size_t parent;   /* where it was found (v[parent]), or NO_PARENT */
	unsigned depth;  /* 0 for a -p PID */
	bool taken;      /* attached: its children are read */
	bool read;       /* its children were read at least once */
	bool dirty;      /* its children are to be read in the next round */
};

struct tree {
	struct tried *v;
	size_t n, size;
	size_t *slot;     /* open hash of (pid, start): index in v + 1 */
	size_t nslots;    /* a power of 2, at least twice n */
	/* Per -p PID: descendants taken, their threads, those refused, and
	 * those found by a second read (appeared during the walk). */
	size_t *desc, *threads, *failed, *appeared;
};

/* How many rounds with a change the walk allows, and how long it may
 * take in all.  SYMTRACE_TREE_ROUNDS=N in the environment sets the first
 * (for testing; 0: none, the first change gives up). */
#define TREE_MAX_CHANGES 64
#define TREE_WALK_US 10000000LL

static long tree_max_changes(void)
{
	const char *e = getenv("SYMTRACE_TREE_ROUNDS");
	long long v;

	if (e && parse_ll(e, 0, 1000000, &v) == 0)
		return (long)v;
	return TREE_MAX_CHANGES;
}

/* By pid alone: a pid used again lands where the earlier process is. */
static size_t tree_hash(pid_t pid, size_t nslots)
{
	unsigned long long h = (unsigned)pid * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h >> 17) & (nslots - 1);
}

/* The index of (pid, start) in tr->v, or NO_PARENT.  any: of any
 * process that had pid (start is not looked at). */
static size_t tree_find(const struct tree *tr, pid_t pid,
			unsigned long long start, bool any)
{
	if (!tr->nslots)
		return NO_PARENT;
	for (size_t h = tree_hash(pid, tr->nslots);; h = (h + 1) &
	     (tr->nslots - 1)) {
		size_t k = tr->slot[h];

		if (!k)
			return NO_PARENT;
		if (tr->v[k - 1].pid == pid &&
		    (any || tr->v[k - 1].start == start))
			return k - 1;
	}
}

static void tree_slot(struct tree *tr, size_t i)
{
	size_t h = tree_hash(tr->v[i].pid, tr->nslots);

	while (tr->slot[h])
		h = (h + 1) & (tr->nslots - 1);
	tr->slot[h] = i + 1;
}

/* Add a process (not in tr yet); its index.  A process taken is dirty:
 * its children are read in the next round. */
static size_t tree_add(struct tree *tr, pid_t pid, unsigned long long start,
		       size_t root, size_t parent, bool taken)
{
	if (tr->n == tr->size) {
		tr->size = tr->size ? 2 * tr->size : 32;
		tr->v = xrealloc(tr->v, tr->size * sizeof(*tr->v));
	}
	if (2 * (tr->n + 1) > tr->nslots) {
		free(tr->slot);
		tr->nslots = tr->nslots ? 2 * tr->nslots : 64;
		tr->slot = xcalloc(tr->nslots, sizeof(*tr->slot));
		for (size_t i = 0; i < tr->n; i++)
			tree_slot(tr, i);
	}
	tr->v[tr->n] = (struct tried){
		.pid = pid, .start = start, .root = root, .parent = parent,
		.depth = parent == NO_PARENT ? 0 : tr->v[parent].depth + 1,
		.taken = taken, .dirty = taken,
	};
	tree_slot(tr, tr->n);
	return tr->n++;
}

/* v[i] and every process above it are to be read in the next round.
 * Every process marked has its ancestors marked too, so the walk up
 * stops at the first one marked already. */
static void mark_dirty(struct tree *tr, size_t i)
{
	while (i != NO_PARENT && !tr->v[i].dirty) {
		tr->v[i].dirty = true;
		i = tr->v[i].parent;
	}
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
		nanosleep(&(struct timespec){ 0, 200000 }, NULL);
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

/* What /proc/PID/stat says of a process. */
struct pstat {
	char state;
	pid_t ppid;
	long threads;             /* field 20 */
	unsigned long long start; /* field 22, clock ticks after boot */
};

/* 0, or -1 when pid is gone. */
static int proc_stat(pid_t pid, struct pstat *ps)
{
	char path[64], buf[1024], *p;
	int ppid;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	/* After the comm, which may hold anything, ')' included. */
	if (read_small_file(path, buf, sizeof(buf)) < 0 ||
	    !(p = strrchr(buf, ')')) ||
	    sscanf(p + 1, " %c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u "
		   "%*u %*d %*d %*d %*d %ld %*d %llu", &ps->state, &ppid,
		   &ps->threads, &ps->start) != 4)
		return -1;
	ps->ppid = (pid_t)ppid;
	return 0;
}

/* pid's state letter ('\0' when gone). */
static char proc_state(pid_t pid)
{
	struct pstat ps;

	return proc_stat(pid, &ps) < 0 ? '\0' : ps.state;
}

struct found {
	pid_t child;
	size_t parent;  /* index in v */
	bool second;    /* the parent's children had been read before */
};

static void found_add(struct found **f, size_t *n, size_t *size, pid_t child,
		      size_t parent, bool second)
{
	if (*n == *size) {
		*size = *size ? 2 * *size : 32;
		*f = xrealloc(*f, *size * sizeof(**f));
	}
	(*f)[(*n)++] = (struct found){ child, parent, second };
}

/* The children of v[i] (taken), from the children files of its threads. */
static void children_from_files(const struct tree *tr, size_t i,
				struct sbuf *sb, struct found **f, size_t *n,
				size_t *size)
{
	char path[64];
	DIR *d;
	struct dirent *de;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)tr->v[i].pid);
	if (!(d = opendir(path)))
		return;
	while ((de = readdir(d))) {
		char file[96];
		long long tid;
		char *p, *end;

		if (parse_ll(de->d_name, 1, INT_MAX, &tid) < 0)
			continue;
		snprintf(file, sizeof(file), "%s/%lld/children", path, tid);
		if (read_proc_file(file, sb) < 0 || !sb->len)
			continue;
		for (p = sb->buf; *p; p = end) {
			long v = strtol(p, &end, 10);

			if (end == p)
				break;
			if (v > 0 && v <= INT_MAX)
				found_add(f, n, size, (pid_t)v, i,
					  tr->v[i].read);
		}
	}
	closedir(d);
}

/* The same for v[todo[0..m)] at once (all of one depth), from a scan of
 * every /proc/N/stat for a parent among them (the parent's thread group
 * id, whichever of its threads forked). */
static void children_from_scan(const struct tree *tr, const size_t *todo,
			       size_t m, struct found **f, size_t *n,
			       size_t *size)
{
	DIR *d = opendir("/proc");
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		struct pstat ps;
		long long pid;

		if (parse_ll(de->d_name, 1, INT_MAX, &pid) < 0 ||
		    proc_stat((pid_t)pid, &ps) < 0)
			continue;
		for (size_t j = 0; j < m; j++)
			if (tr->v[todo[j]].pid == ps.ppid)
				found_add(f, n, size, (pid_t)pid, todo[j],
					  tr->v[todo[j]].read);
	}
	closedir(d);
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

/* A child that cannot be attached: warned about, counted. */
static void refuse(struct tree *tr, pid_t child, const char *who,
		   size_t root, int err)
{
	if (err)
		attach_error(child, who, err);
	else
		warn("cannot attach to %d%s: its main thread has ended and "
		     "other threads run on (symtrace attaches a process "
		     "through its main thread)", (int)child, who);
	tr->failed[root]++;
}

/* Take in child (ps: its stat), found below v[parent]. */
static void take_child(const struct session *s, struct tree *tr,
		       pid_t child, const struct pstat *ps, size_t parent)
{
	char comm[64] = "?", path[64], who[160];
	size_t root = tr->v[parent].root;
	struct proc_info pi;
	struct pstat now;
	ssize_t n;
	int r;

	if ((ps->state == 'Z' && ps->threads <= 1) || ps->state == 'X') {
		/* Ended: nothing to trace.  Its children were handed on
		 * (to an ancestor, read again) before it ended. */
		tree_add(tr, child, ps->start, root, parent, false);
		return;
	}
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)child);
	n = read_small_file(path, comm, sizeof(comm));
	if (n > 0 && comm[n - 1] == '\n')
		comm[n - 1] = '\0';
	describe_child(who, sizeof(who), comm, tr->v[parent].pid);
	if (child == getpid()) {
		/* symtrace itself, started from the tree (-p $$). */
		tree_add(tr, child, ps->start, root, parent, false);
		return;
	}
	if (!mount_ns_ok(s, child, who)) {
		tree_add(tr, child, ps->start, root, parent, false);
		tr->failed[root]++;
		return;
	}
	/* (Between the read of its stat and the seize the child may have
	 * ended and its pid been reused - only after the kernel's pid
	 * numbers wrapped around meanwhile; the process then seized is
	 * judged by the same rules: more is guarded, never less.) */
	r = attach_process(s, child);
	if (r >= 0) {
		tree_add(tr, child, ps->start, root, parent, true);
		tr->desc[root]++;
		tr->threads[root] += (size_t)r;
		return;
	}
	tree_add(tr, child, ps->start, root, parent, false);
	/* Not a failure: a child that ended meanwhile (gone, or a zombie:
	 * PTRACE_SEIZE says EPERM for one), or one that a traced thread
	 * forked after the seize: the kernel attached it to us already
	 * (its first stop is still to come, so it is not in the table).
	 * But a zombie main thread whose other threads run on is a live
	 * process that cannot be seized by its pid: refused, loudly. */
	if (r == -ESRCH || proc_stat(child, &now) < 0 || now.state == 'X' ||
	    (now.state == 'Z' && now.threads <= 1))
		return;
	if (r == -EPERM && inspect_status(child, &pi) == 0 &&
	    pi.tracer == getpid())
		return;
	refuse(tr, child, who, root, now.state == 'Z' ? 0 : -r);
}

struct by_depth {
	unsigned depth;
	size_t i;
};

/* Deepest first (see the invariants at the top of this part). */
static int deeper_first(const void *a, const void *b)
{
	const struct by_depth *x = a, *y = b;

	return x->depth < y->depth ? 1 : x->depth > y->depth ? -1 : 0;
}

/* Read the children of the processes of one round, deepest first, into
 * f; a process found gone (or ended) makes the one above it dirty. */
static void read_round(struct tree *tr, const size_t *todo, size_t m,
		       bool files, struct found **f, size_t *nf,
		       size_t *fsize)
{
	struct sbuf sb = SBUF_INIT;
	struct by_depth *o = xcalloc(m, sizeof(*o));
	size_t *live = xcalloc(m, sizeof(*live));
	size_t j, k, nl;

	for (j = 0; j < m; j++)
		o[j] = (struct by_depth){ tr->v[todo[j]].depth, todo[j] };
	qsort(o, m, sizeof(*o), deeper_first);
	for (j = 0; j < m; j = k) {
		/* o[j..k): one depth; live[0..nl): those still there. */
		nl = 0;
		for (k = j; k < m && o[k].depth == o[j].depth; k++) {
			const struct tried *t = &tr->v[o[k].i];
			struct pstat ps;

			if (proc_stat(t->pid, &ps) < 0 || ps.state == 'Z' ||
			    ps.state == 'X' || ps.start != t->start) {
				mark_dirty(tr, t->parent);
				continue;
			}
			if (files)
				children_from_files(tr, o[k].i, &sb, f, nf,
						    fsize);
			live[nl++] = o[k].i;
		}
		if (!files)
			children_from_scan(tr, live, nl, f, nf, fsize);
	}
	for (j = 0; j < m; j++)
		tr->v[todo[j]].read = true;
	free(live);
	free(o);
	sbuf_free(&sb);
}

/* The walk gave up: say so for every -p PID below which a process was
 * still to be read, and count it as a descendant not attached. */
static void give_up(struct tree *tr, const struct config *cfg)
{
	bool *said = xcalloc(cfg->npids, sizeof(*said));

	for (size_t i = 0; i < tr->n; i++) {
		size_t r = tr->v[i].root;

		if (!tr->v[i].dirty || said[r])
			continue;
		said[r] = true;
		warn("the tree below %d kept changing (%zu process%s "
		     "appeared during the attach, e.g. a fork chain): some "
		     "may not be traced", (int)cfg->pids[r], tr->appeared[r],
		     tr->appeared[r] == 1 ? "" : "es");
		tr->failed[r]++;
	}
	free(said);
}

/* Take in every descendant of the processes of tr (the -p PIDs taken),
 * round after round until the tree is stable (see above). */
static void attach_tree(const struct session *s, struct tree *tr)
{
	bool files = have_children_files();
	long max_changes = tree_max_changes(), changes = 0;
	long long walk_end = now_us() + TREE_WALK_US;
	struct found *f = NULL;
	size_t nf = 0, fsize = 0, *todo = NULL;

	for (;;) {
		long long deadline = now_us() + STOP_WAIT_US;
		bool changed = false;
		size_t m = 0;

		todo = xrealloc(todo, (tr->n ? tr->n : 1) * sizeof(*todo));
		for (size_t i = 0; i < tr->n; i++)
			if (tr->v[i].dirty) {
				tr->v[i].dirty = false;
				todo[m++] = i;
			}
		if (!m)
			break;
		for (size_t j = 0; j < m; j++)
			if (!tr->v[todo[j]].read)
				wait_process_stopped(tr->v[todo[j]].pid,
						     deadline);
		nf = 0;
		read_round(tr, todo, m, files, &f, &nf, &fsize);
		/* The pids new to the walk first (a fork chain's live link
		 * is among them: seized the sooner, the likelier before it
		 * forks), then those seen before (most often the same
		 * process, e.g. a zombie its stopped parent cannot reap). */
		for (int pass = 0; pass < 2; pass++)
			for (size_t k = 0; k < nf; k++) {
				pid_t child = f[k].child;
				size_t p = f[k].parent;
				struct pstat ps;

				if (!child || (pass == 0 &&
				    tree_find(tr, child, 0, true) != NO_PARENT))
					continue;
				f[k].child = 0; /* done */
				/* Gone since the read (or no longer the
				 * child of v[p]): what it had was handed
				 * on, above. */
				if (proc_stat(child, &ps) < 0 ||
				    ps.ppid != tr->v[p].pid) {
					mark_dirty(tr, p);
					continue;
				}
				if (tree_find(tr, child, ps.start, false) !=
				    NO_PARENT)
					continue;
				if (f[k].second) {
					changed = true;
					tr->appeared[tr->v[p].root]++;
				}
				take_child(s, tr, child, &ps, p);
				mark_dirty(tr, p);
			}
		if (changed)
			changes++;
		if (changes > max_changes || now_us() >= walk_end) {
			give_up(tr, s->cfg);
			break;
		}
	}
	free(todo);
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
	tr.appeared = xcalloc(cfg->npids, sizeof(*tr.appeared));
	for (size_t i = 0; i < cfg->npids; i++) {
		pid_t pid = cfg->pids[i];
		struct pstat ps = { 0 };
		char members[64];
		int r;

		if (pid == getpid()) {
			warn("cannot attach to %d: that is symtrace itself",
			     (int)pid);
			failed++;
			continue;
		}
		/* (Gone: the attach says so.) */
		if (proc_stat(pid, &ps) == 0 &&
		    tree_find(&tr, pid, ps.start, false) != NO_PARENT)
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
		/* Seized: its start time, for the walk (0 if it ended). */
		if (proc_stat(pid, &ps) < 0)
			ps.start = 0;
		tree_add(&tr, pid, ps.start, i, NO_PARENT, true);
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
	free(tr.slot);
	free(tr.desc);
	free(tr.threads);
	free(tr.failed);
	free(tr.appeared);
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
