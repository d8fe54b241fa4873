/* stress.c - workloads for the stress, fault and limits tests
 * (tests/stress.sh, tests/fault.sh, tests/limits.sh).  Each mode makes
 * raw symlink/symlinkat calls and counts them itself, so that the tests can
 * compare symtrace's report with the workload's own tally exactly.
 *
 * Tally lines are "TID COUNT\n", one per task that made calls, appended to
 * the tally file with O_APPEND in one write(2): COUNT is the number of
 * symlink+symlinkat calls the task attempted (failures included), counted
 * before each call.
 *
 * Modes (see usage()):
 *   run NPROC NTHR NCALLS DIR TALLY [deny]   the stress workload
 *   job NCALLS DIR TALLY                     exec'd by "run"
 *   loop N DIR [SYNCDIR]                     N symlinkat+unlink, fast
 *   forks N DIR [SYNCDIR]                    N children in turn, 1 call each
 *   forks-par N DIR                          N children at once, 1 call each
 *   texec NTH MIN DIR PROG [ARG...]          threads loop; one execs PROG
 *   many-threads TOTAL BATCH DIR             TOTAL short threads, in batches
 *   slow N USEC DIR                          N calls, USEC apart
 *
 * "texec" and "slow" write their pid to DIR/pid; "slow" writes the number
 * of calls made so far to DIR/progress.
 *   exit-soon MAXUS [NTHR]                   exit after 0..MAXUS us
 *   euid-link LINK                           print the euid, symlink t LINK
 *
 * With a SYNCDIR, "loop" and "forks" stop at 10% and 90% of the run: they
 * create SYNCDIR/p10 (then p90) and wait until SYNCDIR/p10.ack exists, so
 * that the test can sample symtrace's memory or descriptors there.
 *
 * Every mode prints diagnostics on stderr and exits 1 when the workload
 * itself went wrong (an unexpected errno, a child that failed), so that a
 * test can tell a broken workload from a symtrace bug. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char self[PATH_MAX];	/* this program, for re-exec */
static int tally_fd = -1;
static atomic_int failed;

#define MAX_THREADS 64
#define MAX_VTHREADS 4

static void oops(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void oops(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	n = snprintf(buf, sizeof(buf), "stress[%d]: ", (int)getpid());
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	va_end(ap);
	strncat(buf, "\n", sizeof(buf) - strlen(buf) - 1);
	if (write(2, buf, strlen(buf)) < 0)
		_exit(1);
	atomic_store(&failed, 1);
}

static pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static long sys_symlinkat(const char *t, int fd, const char *l)
{
	return syscall(SYS_symlinkat, t, fd, l);
}

static long sys_symlink(const char *t, const char *l)
{
	return syscall(SYS_symlink, t, l);
}

/* One tally line, in one write. */
static void tally(pid_t tid, long n)
{
	char buf[64];
	int len = snprintf(buf, sizeof(buf), "%d %ld\n", (int)tid, n);

	if (n == 0)
		return;
	if (write(tally_fd, buf, (size_t)len) != len)
		oops("tally write: %s", strerror(errno));
}

static int open_tally(const char *path)
{
	tally_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (tally_fd < 0) {
		oops("%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int open_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		oops("%s: %s", path, strerror(errno));
	return fd;
}

/* waitpid for one child: 0 when it exited 0, else 1 (and a message). */
static int reap(pid_t pid, const char *what)
{
	int st;

	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR) {
			oops("waitpid %s %d: %s", what, (int)pid,
			     strerror(errno));
			return 1;
		}
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFEXITED(st))
		oops("%s %d exited with %d", what, (int)pid, WEXITSTATUS(st));
	else
		oops("%s %d killed by signal %d", what, (int)pid,
		     WTERMSIG(st));
	return 1;
}

/* Stop at a sync point: create SYNC/NAME, wait for SYNC/NAME.ack (30 s). */
static void sync_point(const char *sync, const char *name)
{
	char p[PATH_MAX], ack[PATH_MAX];
	int fd;

	if (!sync)
		return;
	snprintf(p, sizeof(p), "%s/%s", sync, name);
	snprintf(ack, sizeof(ack), "%s/%s.ack", sync, name);
	fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		oops("%s: %s", p, strerror(errno));
		return;
	}
	close(fd);
	for (int i = 0; i < 30000; i++) {
		if (access(ack, F_OK) == 0)
			return;
		usleep(1000);
	}
	oops("no %s after 30 s", ack);
}

/* Write our pid to DIR/pid (for the tests to signal or compare). */
static void write_pid(int dirfd)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	int fd = openat(dirfd, "pid.tmp", O_WRONLY | O_CREAT | O_TRUNC |
			O_CLOEXEC, 0644);

	if (fd < 0 || write(fd, buf, (size_t)len) != len ||
	    renameat(dirfd, "pid.tmp", dirfd, "pid") < 0)
		oops("pid file: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
}

/* ---- run: the stress workload ------------------------------------------ */

static int g_nthr, g_ncalls, g_deny;
static const char *g_dir, *g_tally;

struct wthread {
	pthread_t th;
	int w, t, dirfd;
	char dir[PATH_MAX];
};

/* Shared with a victim process, which cannot write its tally itself. */
struct victim_shm {
	atomic_int tid[MAX_VTHREADS];
	atomic_long count[MAX_VTHREADS];
};

/* Distinct buffers for the victims' last calls (the link names). */
static char last_name[MAX_VTHREADS][16];

/* A forked child: 3 calls on names of its own, its own tally line. */
static void child_calls(int dirfd, int n)
{
	char name[64];
	long count = 0;

	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "f%d_%d", (int)getpid(), i);
		count++;
		if (sys_symlinkat("t", dirfd, name) != 0)
			oops("child symlinkat %s: %s", name, strerror(errno));
		unlinkat(dirfd, name, 0);
	}
	tally(getpid(), count);
}

/* Fork or exec something halfway through a thread's loop. */
static void spawn_child(struct wthread *a)
{
	char ncalls[16];
	char *jargv[] = { self, "job", ncalls, a->dir, (char *)g_tally, NULL };
	int kind = (a->w * g_nthr + a->t) % 5;
	pid_t pid;

	snprintf(ncalls, sizeof(ncalls), "%d", 2 + a->t % 3);
	switch (kind) {
	case 0: /* fork: the child makes calls itself */
		pid = fork();
		if (pid == 0) {
			child_calls(a->dirfd, 3);
			_exit(failed ? 1 : 0);
		}
		break;
	case 1: /* fork + exec /bin/true */
		pid = fork();
		if (pid == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		break;
	case 2: /* fork + exec this program with a small job */
		pid = fork();
		if (pid == 0) {
			execv(self, jargv);
			_exit(127);
		}
		break;
	case 3: /* vfork + exec this program */
		pid = vfork();
		if (pid == 0) {
			execv(self, jargv);
			_exit(127);
		}
		break;
	default: /* a daemon: the child exits, the grandchild makes calls */
		pid = fork();
		if (pid == 0) {
			if (fork() == 0) {
				usleep(20000);
				child_calls(a->dirfd, 2);
				_exit(0);
			}
			_exit(0);
		}
		break;
	}
	if (pid < 0) {
		oops("fork: %s", strerror(errno));
		return;
	}
	reap(pid, "child");
}

static void *worker_thread(void *p)
{
	struct wthread *a = p;
	char name[64], path[PATH_MAX + 64];
	long count = 0;

	for (int i = 0; i < g_ncalls; i++) {
		/* Threads 2k and 2k+1 race on the same names. */
		bool denied = i % 8 == 3;
		const char *target = denied ? "/nonexistent/x" : "t";
		long r;
		int e;

		snprintf(name, sizeof(name), "p%d_%d", a->t / 2, i);
		count++;
		if (i % 2 == 0) {
			r = sys_symlinkat(target, a->dirfd, name);
		} else {
			snprintf(path, sizeof(path), "%s/%s", a->dir, name);
			r = sys_symlink(target, path);
		}
		e = r < 0 ? errno : 0;
		if (denied && g_deny) {
			if (e != EPERM)
				oops("%s/%s: expected EPERM, got %s", a->dir,
				     name, strerror(e));
		} else if (e != 0 && e != EEXIST) {
			oops("%s/%s: %s", a->dir, name, strerror(e));
		}
		unlinkat(a->dirfd, name, 0);
		if (i == g_ncalls / 2)
			spawn_child(a);
	}
	tally(gettid_(), count);
	return NULL;
}

struct varg {
	struct victim_shm *shm;
	int t, dirfd, k;
};

static void *victim_thread(void *p)
{
	struct varg *a = p;
	char name[32];

	atomic_store(&a->shm->tid[a->t], gettid_());
	for (int i = 0; i < a->k; i++) {
		snprintf(name, sizeof(name), "v%d_%d", a->t, i);
		atomic_fetch_add(&a->shm->count[a->t], 1);
		if (sys_symlinkat("t", a->dirfd, name) != 0)
			_exit(2);
	}
	/* The last call: its link shows the parent that the call ran, so
	 * the count is final; the kill lands in or after it. */
	atomic_fetch_add(&a->shm->count[a->t], 1);
	sys_symlinkat("t", a->dirfd, last_name[a->t]);
	for (;;)
		pause();
	return NULL;
}

/* A victim: NT threads make calls, then wait to be killed. */
static void run_victim(struct victim_shm *shm, int dirfd, int nt,
		       unsigned seed)
{
	static struct varg args[MAX_VTHREADS];
	pthread_t th;

	for (int t = 0; t < nt; t++) {
		args[t] = (struct varg){ .shm = shm, .t = t, .dirfd = dirfd,
					 .k = 5 + (int)((seed + 7u * (unsigned)t) % 40) };
		if (pthread_create(&th, NULL, victim_thread, &args[t]) != 0)
			_exit(2);
	}
	for (;;)
		pause();
}

/* Fork a victim, wait until every one of its threads has made its last
 * call (its link exists), kill it with SIGKILL, write its tally. */
static void victim(int w)
{
	char vdir[PATH_MAX];
	struct victim_shm *shm;
	int nt = 1 + (w / 4) % MAX_VTHREADS;
	int ifd, dirfd, st;
	pid_t pid;
	time_t start = time(NULL);

	snprintf(vdir, sizeof(vdir), "%s/v%d", g_dir, w);
	if (mkdir(vdir, 0755) < 0 || (dirfd = open_dir(vdir)) < 0) {
		oops("%s: %s", vdir, strerror(errno));
		return;
	}
	shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED) {
		oops("mmap: %s", strerror(errno));
		return;
	}
	ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (ifd < 0 || inotify_add_watch(ifd, vdir, IN_CREATE) < 0) {
		oops("inotify: %s", strerror(errno));
		return;
	}
	pid = fork();
	if (pid < 0) {
		oops("fork: %s", strerror(errno));
		return;
	}
	if (pid == 0)
		run_victim(shm, dirfd, nt, (unsigned)w * 2654435761u);
	for (;;) {
		struct pollfd pfd = { .fd = ifd, .events = POLLIN };
		char buf[4096];
		int done = 0;

		for (int t = 0; t < nt; t++)
			if (faccessat(dirfd, last_name[t], F_OK,
				      AT_SYMLINK_NOFOLLOW) == 0)
				done++;
		if (done == nt)
			break;
		if (waitpid(pid, &st, WNOHANG) == pid) {
			oops("victim %d ended early (status %#x)", (int)pid,
			     st);
			return;
		}
		if (time(NULL) - start > 100) {
			oops("victim %d: no last links after 100 s", (int)pid);
			kill(pid, SIGKILL);
			break;
		}
		poll(&pfd, 1, 100);
		while (read(ifd, buf, sizeof(buf)) > 0)
			;
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL)
		oops("victim %d: status %#x, expected SIGKILL", (int)pid, st);
	for (int t = 0; t < nt; t++)
		tally(atomic_load(&shm->tid[t]), atomic_load(&shm->count[t]));
	close(ifd);
	close(dirfd);
	munmap(shm, sizeof(*shm));
}

static int worker(int w)
{
	struct wthread th[MAX_THREADS];

	for (int t = 0; t < g_nthr; t++) {
		th[t].w = w;
		th[t].t = t;
		snprintf(th[t].dir, sizeof(th[t].dir), "%s/w%d", g_dir, w);
		if (t == 0 && mkdir(th[t].dir, 0755) < 0) {
			oops("%s: %s", th[t].dir, strerror(errno));
			return 1;
		}
		th[t].dirfd = t ? th[0].dirfd : open_dir(th[t].dir);
		if (th[t].dirfd < 0)
			return 1;
	}
	for (int t = 0; t < g_nthr; t++)
		if (pthread_create(&th[t].th, NULL, worker_thread, &th[t])) {
			oops("pthread_create failed");
			return 1;
		}
	if (w % 4 == 3)
		victim(w);
	for (int t = 0; t < g_nthr; t++)
		pthread_join(th[t].th, NULL);
	return failed ? 1 : 0;
}

static int mode_run(int nproc, int nthr, int ncalls, const char *dir,
		    const char *tallyf, int deny)
{
	char sp[PATH_MAX];
	int bad = 0, status, fd, len;
	pid_t *pids;

	g_nthr = nthr;
	g_ncalls = ncalls;
	g_dir = dir;
	g_tally = tallyf;
	g_deny = deny;
	if (nthr < 1 || nthr > MAX_THREADS || nproc < 1 || ncalls < 2)
		return 2;
	for (int t = 0; t < MAX_VTHREADS; t++)
		snprintf(last_name[t], sizeof(last_name[t]), "last%d", t);
	if (open_tally(tallyf) < 0)
		return 1;
	/* Orphans (the daemons' grandchildren) come back to us: we end only
	 * when every process of the workload has ended. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	pids = calloc((size_t)nproc, sizeof(*pids));
	for (int w = 0; w < nproc; w++) {
		pids[w] = fork();
		if (pids[w] < 0) {
			oops("fork: %s", strerror(errno));
			bad = 1;
			break;
		}
		if (pids[w] == 0)
			_exit(worker(w));
	}
	for (int w = 0; w < nproc && pids[w] > 0; w++)
		bad |= reap(pids[w], "worker");
	while (waitpid(-1, &status, 0) > 0 || errno == EINTR)
		;
	/* The workload's own verdict: 3 when all went well (not 0, so that
	 * the test sees symtrace pass a status on), 1 otherwise. */
	status = bad || failed ? 1 : 3;
	snprintf(sp, sizeof(sp), "%s/status", dir);
	fd = open(sp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	len = snprintf(sp, sizeof(sp), "%d\n", status);
	if (fd < 0 || write(fd, sp, (size_t)len) != len)
		status = 1;
	close(fd);
	return status;
}

static int mode_job(int n, const char *dir, const char *tallyf)
{
	char name[64];
	long count = 0;
	int dirfd = open_dir(dir);

	if (dirfd < 0 || open_tally(tallyf) < 0)
		return 1;
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "j%d_%d", (int)getpid(), i);
		count++;
		if (sys_symlinkat("t", dirfd, name) != 0)
			oops("job symlinkat %s: %s", name, strerror(errno));
		unlinkat(dirfd, name, 0);
	}
	tally(getpid(), count);
	return failed ? 1 : 0;
}

/* ---- limits ----------------------------------------------------------- */

static int mode_loop(long n, const char *dir, const char *sync)
{
	int dirfd = open_dir(dir);

	if (dirfd < 0)
		return 1;
	for (long i = 0; i < n; i++) {
		if (i == n / 10)
			sync_point(sync, "p10");
		if (i == n - n / 10)
			sync_point(sync, "p90");
		if (sys_symlinkat("t", dirfd, "l") != 0) {
			oops("symlinkat: %s", strerror(errno));
			return 1;
		}
		if (unlinkat(dirfd, "l", 0) != 0) {
			oops("unlinkat: %s", strerror(errno));
			return 1;
		}
	}
	printf("%ld\n", n);
	return failed ? 1 : 0;
}

static int mode_forks(int n, const char *dir, const char *sync)
{
	int dirfd = open_dir(dir);
	int bad = 0;

	if (dirfd < 0)
		return 1;
	for (int i = 0; i < n; i++) {
		pid_t pid;

		if (i == n / 10)
			sync_point(sync, "p10");
		if (i == n - n / 10)
			sync_point(sync, "p90");
		pid = fork();
		if (pid < 0) {
			oops("fork: %s", strerror(errno));
			return 1;
		}
		if (pid == 0) {
			char name[32];

			snprintf(name, sizeof(name), "c%d", i);
			if (sys_symlinkat("t", dirfd, name) != 0)
				_exit(1);
			unlinkat(dirfd, name, 0);
			_exit(0);
		}
		bad |= reap(pid, "child");
	}
	printf("%d\n", n);
	return bad || failed ? 1 : 0;
}

static int mode_forks_par(int n, const char *dir)
{
	int dirfd = open_dir(dir);
	int bad = 0, go[2];
	pid_t *pids = calloc((size_t)n, sizeof(*pids));

	/* All children exist at once: each waits for the pipe to close. */
	if (dirfd < 0 || !pids || pipe(go) < 0)
		return 1;
	for (int i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			oops("fork: %s", strerror(errno));
			return 1;
		}
		if (pids[i] == 0) {
			char name[32], c;

			close(go[1]);
			if (read(go[0], &c, 1) != 0)
				_exit(1);
			snprintf(name, sizeof(name), "c%d", i);
			if (sys_symlinkat("t", dirfd, name) != 0)
				_exit(1);
			_exit(0);
		}
	}
	close(go[1]);
	close(go[0]);
	for (int i = 0; i < n; i++)
		bad |= reap(pids[i], "child");
	printf("%d\n", n);
	return bad || failed ? 1 : 0;
}

/* ---- faults ----------------------------------------------------------- */

static atomic_long texec_calls[MAX_THREADS];
static char **texec_argv;

static void *texec_loop(void *p)
{
	int t = (int)(long)p;
	char name[64];

	for (long i = 0;; i++) {
		snprintf(name, sizeof(name), "x%d_%ld", t, i);
		atomic_fetch_add(&texec_calls[t], 1);
		if (sys_symlinkat("t", AT_FDCWD, name) != 0)
			oops("symlinkat %s: %s", name, strerror(errno));
		unlink(name);
	}
	return NULL;
}

static void *texec_exec(void *p)
{
	(void)p;
	execv(texec_argv[0], texec_argv);
	oops("execv %s: %s", texec_argv[0], strerror(errno));
	_exit(1);
}

/* NTH threads loop on symlinkat in DIR; once each made MIN calls, one more
 * thread (not the main one) execs PROG ARGS. */
static int mode_texec(int nth, long min, const char *dir, char **argv)
{
	pthread_t th;

	if (nth < 1 || nth > MAX_THREADS || chdir(dir) < 0)
		return 2;
	write_pid(AT_FDCWD);
	texec_argv = argv;
	for (int t = 0; t < nth; t++)
		pthread_create(&th, NULL, texec_loop, (void *)(long)t);
	for (int t = 0; t < nth; t++)
		while (atomic_load(&texec_calls[t]) < min)
			usleep(1000);
	pthread_create(&th, NULL, texec_exec, NULL);
	for (;;)
		pause();
}

static atomic_int mt_done;
static int mt_dirfd;

static void *mt_thread(void *p)
{
	long i = (long)p;

	/* Every 100th thread makes a call, the others just end. */
	if (i % 100 == 0) {
		char name[32];

		snprintf(name, sizeof(name), "m%ld", i);
		if (sys_symlinkat("t", mt_dirfd, name) != 0)
			oops("symlinkat %s: %s", name, strerror(errno));
	}
	atomic_fetch_add(&mt_done, 1);
	return NULL;
}

static int mode_many_threads(long total, int batch, const char *dir)
{
	pthread_t *th = calloc((size_t)batch, sizeof(*th));
	pthread_attr_t attr;
	long made = 0;

	mt_dirfd = open_dir(dir);
	if (!th || mt_dirfd < 0 || batch < 1)
		return 1;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	while (made < total) {
		int n = 0;

		for (; n < batch && made < total; n++, made++) {
			int e = pthread_create(&th[n], &attr, mt_thread,
					       (void *)made);

			if (e) {
				oops("pthread_create #%ld: %s", made,
				     strerror(e));
				return 1;
			}
		}
		for (int i = 0; i < n; i++)
			pthread_join(th[i], NULL);
	}
	printf("%d\n", atomic_load(&mt_done));
	return failed ? 1 : 0;
}

/* N calls, USEC apart; DIR/progress holds the number made so far. */
static int mode_slow(int n, int usec, const char *dir)
{
	char name[32], buf[32];
	int dirfd = open_dir(dir);
	int pfd = openat(dirfd, "progress", O_WRONLY | O_CREAT | O_CLOEXEC,
			 0644);

	if (dirfd < 0 || pfd < 0)
		return 1;
	write_pid(dirfd);
	for (int i = 0; i < n; i++) {
		int len;

		snprintf(name, sizeof(name), "s%d", i);
		if (sys_symlinkat("t", dirfd, name) != 0)
			oops("symlinkat %s: %s", name, strerror(errno));
		len = snprintf(buf, sizeof(buf), "%-12d\n", i + 1);
		if (pwrite(pfd, buf, (size_t)len, 0) != len)
			oops("progress: %s", strerror(errno));
		usleep((useconds_t)usec);
	}
	return failed ? 1 : 0;
}

static void *idle_thread(void *p)
{
	(void)p;
	for (;;)
		pause();
	return NULL;
}

static int mode_exit_soon(long maxus, int nthr)
{
	struct timespec ts;
	pthread_t th;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	srand((unsigned)(ts.tv_nsec ^ getpid()));
	for (int i = 0; i < nthr; i++)
		pthread_create(&th, NULL, idle_thread, NULL);
	if (maxus > 0)
		usleep((useconds_t)(rand() % (maxus + 1)));
	exit(0);
}

static int mode_euid_link(const char *link)
{
	printf("euid=%d\n", (int)geteuid());
	fflush(stdout);
	if (sys_symlink("t", link) != 0) {
		oops("symlink %s: %s", link, strerror(errno));
		return 1;
	}
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: stress run NPROC NTHR NCALLS DIR TALLY [deny]\n"
		"       stress job NCALLS DIR TALLY\n"
		"       stress loop N DIR [SYNCDIR]\n"
		"       stress forks N DIR [SYNCDIR]\n"
		"       stress forks-par N DIR\n"
		"       stress texec NTH MIN DIR PROG [ARG...]\n"
		"       stress many-threads TOTAL BATCH DIR\n"
		"       stress slow N USEC DIR\n"
		"       stress exit-soon MAXUS [NTHR]\n"
		"       stress euid-link LINK\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *m;

	if (argc < 2)
		return usage();
	if (!realpath(argv[0], self) &&
	    readlink("/proc/self/exe", self, sizeof(self) - 1) < 0)
		return 2;
	m = argv[1];
	if (strcmp(m, "run") == 0 && (argc == 7 || argc == 8))
		return mode_run(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]),
				argv[5], argv[6],
				argc == 8 && strcmp(argv[7], "deny") == 0);
	if (strcmp(m, "job") == 0 && argc == 5)
		return mode_job(atoi(argv[2]), argv[3], argv[4]);
	if (strcmp(m, "loop") == 0 && (argc == 4 || argc == 5))
		return mode_loop(atol(argv[2]), argv[3],
				 argc == 5 ? argv[4] : NULL);
	if (strcmp(m, "forks") == 0 && (argc == 4 || argc == 5))
		return mode_forks(atoi(argv[2]), argv[3],
				  argc == 5 ? argv[4] : NULL);
	if (strcmp(m, "forks-par") == 0 && argc == 4)
		return mode_forks_par(atoi(argv[2]), argv[3]);
	if (strcmp(m, "texec") == 0 && argc >= 6)
		return mode_texec(atoi(argv[2]), atol(argv[3]), argv[4],
				  argv + 5);
	if (strcmp(m, "many-threads") == 0 && argc == 5)
		return mode_many_threads(atol(argv[2]), atoi(argv[3]),
					 argv[4]);
	if (strcmp(m, "slow") == 0 && argc == 5)
		return mode_slow(atoi(argv[2]), atoi(argv[3]), argv[4]);
	if (strcmp(m, "exit-soon") == 0 && (argc == 3 || argc == 4))
		return mode_exit_soon(atol(argv[2]),
				      argc == 4 ? atoi(argv[3]) : 0);
	if (strcmp(m, "euid-link") == 0 && argc == 3)
		return mode_euid_link(argv[2]);
	return usage();
}
