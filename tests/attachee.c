/* attachee.c - a running process for the attach-mode tests (symtrace -p).
 *
 * Every mode checks that each symlink call it makes succeeds: a failure
 * (e.g. ENOSYS left behind by a tracer) is printed as "FAIL ..." and the
 * process exits 3.  Progress goes to stdout, one line per event, each line
 * written with a single write(2).
 *
 *   attachee loop DIR     create DIR/l0, DIR/l1, ... every 50 ms, printing
 *                         "lN" after each; on SIGUSR1 print "usr1 K" (K =
 *                         SIGUSR1s received so far); on SIGTERM print
 *                         "term usr1=K links=N" and exit 7.
 *   attachee threads DIR  4 threads, thread i creates DIR/t<i>_<n> every
 *                         50 ms and prints "t<i>_<n> TID"; SIGTERM: exit 7.
 *   attachee forker DIR   every 100 ms fork a child that creates DIR/cN and
 *                         exits 0 (3 on failure); the parent prints
 *                         "cN PID STATUS"; SIGTERM: exit 7.
 *   attachee busy DIR     make syscalls (getppid) without pause, and every
 *                         100 ms of them create DIR/bN and print "bN";
 *                         SIGTERM: exit 7.  Under -p, symtrace stops at
 *                         every syscall and so is never idle.
 *   attachee reader       print "ready", block in read(0), then create the
 *                         link named after what was read (up to a newline)
 *                         with target "read", print "made NAME", exit 5.
 *                         SIGUSR1 (SA_RESTART) prints "usr1"; a read that
 *                         fails prints "FAIL read: ..." and exits 4.
 *   attachee tree DIR     a master with 3 workers already running when
 *                         symtrace attaches: w0 and w1 are its children,
 *                         w2 a child of w1.  Each prints "wK PID PPID"
 *                         once started, then the master prints "ready".
 *                         On SIGUSR1 a worker tries symlinkat("/etc/passwd",
 *                         DIR/wK_N) (N: its round, from 0) and prints "wK N
 *                         OK" or "wK N ERRNO-NAME".  SIGTERM to the master
 *                         ends the workers (each its children) and it
 *                         exits 7; a worker exits 0.  w2 takes the
 *                         command name $ATTACHEE_W2_COMM if set.
 *   attachee inject DIR FIFO [own]
 *                         a busy process of 4 threads (issue 19): a reader
 *                         blocked in read() on FIFO (opened O_RDWR) prints
 *                         "read N:DATA" for each read; a sleeper prints
 *                         "slept MS" after one nanosleep of 3 s; a spinner
 *                         calls getpid without pause; the main thread
 *                         prints "ready", then on each SIGUSR1 makes 10
 *                         links DIR/mR_K -> "inject" (R: the round) and
 *                         prints "round R: OK" or "round R: ERRNO-NAME"
 *                         (the first failure), then "getpgid OK" or
 *                         "getpgid ERRNO-NAME".  A read or nanosleep that
 *                         fails, or a sleep cut short, prints "FAIL ...".
 *                         SIGTERM: "term", exit 7.  With "own", a seccomp
 *                         filter of its own (getpgid fails with EXDEV) is
 *                         installed first; "own-kill": the same, and it
 *                         kills the process at a seccomp() call;
 *                         "own-notif": the same, and acct() answered by a
 *                         user-notification listener (its fd kept open,
 *                         never read).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t usr1_count, term_requested;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char buf[PATH_MAX + 64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	while (write(1, buf, (size_t)n) < 0 && errno == EINTR)
		;
}

static void nap(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	/* Interrupted by a signal: go on, the loop will come back. */
	nanosleep(&ts, NULL);
}

/* symlinkat(target, AT_FDCWD, dir/name); exit 3 on failure. */
static void make_link(const char *target, const char *dir, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (syscall(SYS_symlinkat, target, AT_FDCWD, path) != 0) {
		say("FAIL symlinkat %s: %s\n", path, strerror(errno));
		exit(3);
	}
}

static void on_usr1(int sig)
{
	(void)sig;
	usr1_count++;
}

static void on_term(int sig)
{
	(void)sig;
	term_requested = 1;
}

static void handle(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static int do_loop(const char *dir)
{
	char name[32];
	int shown = 0, n = 0;

	handle(SIGUSR1, on_usr1, 0);
	handle(SIGTERM, on_term, 0);
	for (;;) {
		int c = usr1_count;

		if (term_requested) {
			say("term usr1=%d links=%d\n", c, n);
			return 7;
		}
		if (c != shown) {
			say("usr1 %d\n", c);
			shown = c;
		}
		snprintf(name, sizeof(name), "l%d", n);
		make_link("loop", dir, name);
		say("%s\n", name);
		n++;
		nap(50);
	}
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int do_busy(const char *dir)
{
	char name[32];
	long long next = now_ms();

	handle(SIGTERM, on_term, 0);
	for (int n = 0; !term_requested;) {
		if (now_ms() >= next) {
			snprintf(name, sizeof(name), "b%d", n++);
			make_link("busy", dir, name);
			say("%s\n", name);
			next += 100;
		}
		syscall(SYS_getppid);
	}
	return 7;
}

struct th {
	const char *dir;
	int id;
};

static void *thread_main(void *p)
{
	struct th *a = p;
	char name[32];
	long tid = syscall(SYS_gettid);

	for (int n = 0;; n++) {
		snprintf(name, sizeof(name), "t%d_%d", a->id, n);
		make_link("thread", a->dir, name);
		say("%s %ld\n", name, tid);
		nap(50);
	}
	return NULL;
}

static int do_threads(const char *dir)
{
	static struct th a[4];
	pthread_t t;
	sigset_t set;
	int sig;

	/* Only the main thread takes SIGTERM, in sigwait. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	for (int i = 0; i < 4; i++) {
		a[i] = (struct th){ dir, i };
		if (pthread_create(&t, NULL, thread_main, &a[i]) != 0) {
			say("FAIL pthread_create\n");
			return 3;
		}
	}
	while (sigwait(&set, &sig) != 0 || sig != SIGTERM)
		;
	say("term\n");
	return 7;
}

static int do_forker(const char *dir)
{
	char name[32];

	handle(SIGTERM, on_term, 0);
	for (int n = 0; !term_requested; n++) {
		pid_t pid;
		int st;

		snprintf(name, sizeof(name), "c%d", n);
		pid = fork();
		if (pid < 0) {
			say("FAIL fork: %s\n", strerror(errno));
			return 3;
		}
		if (pid == 0) {
			make_link("child", dir, name);
			_exit(0);
		}
		while (waitpid(pid, &st, 0) < 0) {
			if (errno != EINTR) {
				say("FAIL waitpid: %s\n", strerror(errno));
				return 3;
			}
		}
		say("%s %d %d\n", name, (int)pid,
		    WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			return 3;
		nap(100);
	}
	say("term\n");
	return 7;
}

static void on_usr1_say(int sig)
{
	(void)sig;
	say("usr1\n");
}

static int do_reader(void)
{
	char buf[256];
	ssize_t n;

	handle(SIGUSR1, on_usr1_say, SA_RESTART);
	say("ready\n");
	n = read(0, buf, sizeof(buf) - 1);
	if (n < 0) {
		say("FAIL read: %s\n", strerror(errno));
		return 4;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (!buf[0]) {
		say("FAIL read: nothing\n");
		return 4;
	}
	make_link("read", ".", buf);
	say("made %s\n", buf);
	return 5;
}

static volatile sig_atomic_t usr1_flag;

static void on_usr1_flag(int sig)
{
	(void)sig;
	usr1_flag = 1;
}

/* Worker k: say who it is, tell the parent (a byte on fd), then wait for
 * SIGUSR1 (a round) or SIGTERM (the end), both blocked outside of
 * sigsuspend. */
static void tree_worker(const char *dir, int k, pid_t child, int fd)
{
	sigset_t none;

	sigemptyset(&none);
	if (k == 2 && getenv("ATTACHEE_W2_COMM"))
		prctl(PR_SET_NAME, getenv("ATTACHEE_W2_COMM"), 0, 0, 0);
	say("w%d %d %d\n", k, (int)getpid(), (int)getppid());
	while (write(fd, "x", 1) < 0 && errno == EINTR)
		;
	close(fd);
	for (int n = 0;;) {
		char path[PATH_MAX];
		const char *res = "OK";

		while (!usr1_flag && !term_requested)
			sigsuspend(&none);
		if (term_requested)
			break;
		usr1_flag = 0;
		snprintf(path, sizeof(path), "%s/w%d_%d", dir, k, n);
		if (syscall(SYS_symlinkat, "/etc/passwd", AT_FDCWD, path) != 0)
			res = errno == EPERM ? "EPERM" : strerror(errno);
		say("w%d %d %s\n", k, n++, res);
	}
	if (child > 0) {
		kill(child, SIGTERM);
		waitpid(child, NULL, 0);
	}
	_exit(0);
}

/* Fork worker k (which first forks worker sub below itself, if sub >=
 * 0); returns once it has printed its line, or -1. */
static pid_t tree_fork(const char *dir, int k, int sub)
{
	int p[2];
	char c;
	pid_t pid;

	if (pipe(p) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		pid_t child = 0;

		close(p[0]);
		if (sub >= 0 && (child = tree_fork(dir, sub, -1)) < 0) {
			say("FAIL fork: %s\n", strerror(errno));
			_exit(3);
		}
		tree_worker(dir, k, child, p[1]);
	}
	close(p[1]);
	if (pid > 0)
		while (read(p[0], &c, 1) < 0 && errno == EINTR)
			;
	close(p[0]);
	return pid;
}

static int do_tree(const char *dir)
{
	sigset_t set, none;
	pid_t w0, w1;

	handle(SIGUSR1, on_usr1_flag, 0);
	handle(SIGTERM, on_term, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	w0 = tree_fork(dir, 0, -1);
	w1 = tree_fork(dir, 1, 2);
	if (w0 < 0 || w1 < 0) {
		say("FAIL fork: %s\n", strerror(errno));
		return 3;
	}
	say("ready\n");
	sigemptyset(&none);
	while (!term_requested)
		sigsuspend(&none);
	kill(w0, SIGTERM);
	kill(w1, SIGTERM);
	waitpid(w0, NULL, 0);
	waitpid(w1, NULL, 0);
	return 7;
}

static int inject_fifo = -1;

static void *inject_reader(void *p)
{
	char buf[256];

	(void)p;
	for (;;) {
		ssize_t n = read(inject_fifo, buf, sizeof(buf) - 1);

		if (n < 0) {
			say("FAIL read: %s\n", strerror(errno));
			return NULL;
		}
		buf[n] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		say("read %zd:%s\n", n, buf);
	}
}

static void *inject_sleeper(void *p)
{
	struct timespec ts = { 3, 0 };
	long long t0 = now_ms(), dt;

	(void)p;
	if (nanosleep(&ts, NULL) < 0) {
		say("FAIL nanosleep: %s\n", strerror(errno));
		return NULL;
	}
	dt = now_ms() - t0;
	if (dt < 3000)
		say("FAIL nanosleep: only %lld ms\n", dt);
	say("slept %lld\n", dt);
	return NULL;
}

static void *inject_spinner(void *p)
{
	(void)p;
	for (;;)
		syscall(SYS_getpid);
	return NULL;
}

#ifndef SECCOMP_RET_USER_NOTIF
#define SECCOMP_RET_USER_NOTIF 0x7fc00000U
#endif
#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif

/* A filter of the process's own: getpgid fails with EXDEV; with "kill",
 * seccomp() kills the process; with "notif", acct() goes to a listener
 * (never called). */
static int own_filter(const char *kind)
{
	uint32_t extra_ret = SECCOMP_RET_ALLOW;
	long extra_nr = SYS_getpgid;
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getpgid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EXDEV),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };
	unsigned long flags = 0;

	if (strcmp(kind, "own-kill") == 0) {
		extra_nr = SYS_seccomp;
		extra_ret = SECCOMP_RET_KILL_PROCESS;
	} else if (strcmp(kind, "own-notif") == 0) {
		extra_nr = SYS_acct;
		extra_ret = SECCOMP_RET_USER_NOTIF;
		flags = SECCOMP_FILTER_FLAG_NEW_LISTENER;
	}
	f[3].k = (uint32_t)extra_nr;
	f[4].k = extra_ret;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog) < 0) {
		say("FAIL own filter: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static int do_inject(const char *dir, const char *fifo, const char *own)
{
	void *(*fn[3])(void *) = { inject_reader, inject_sleeper,
				   inject_spinner };
	sigset_t set;
	pthread_t t;
	int sig;

	if (own && own_filter(own) < 0)
		return 3;
	inject_fifo = open(fifo, O_RDWR);
	if (inject_fifo < 0) {
		say("FAIL open %s: %s\n", fifo, strerror(errno));
		return 3;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	for (int i = 0; i < 3; i++)
		if (pthread_create(&t, NULL, fn[i], NULL) != 0) {
			say("FAIL pthread_create\n");
			return 3;
		}
	say("ready\n");
	for (int round = 0;;) {
		const char *res = "OK";
		char path[PATH_MAX];

		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGTERM)
			break;
		for (int k = 0; k < 10; k++) {
			snprintf(path, sizeof(path), "%s/m%d_%d", dir, round,
				 k);
			if (syscall(SYS_symlinkat, "inject", AT_FDCWD,
				    path) != 0) {
				res = errno == ENOSYS ? "ENOSYS"
						      : strerror(errno);
				break;
			}
		}
		say("round %d: %s\n", round++, res);
		res = syscall(SYS_getpgid, 0) >= 0 ? "OK"
		      : errno == EXDEV		   ? "EXDEV"
						   : strerror(errno);
		say("getpgid %s\n", res);
	}
	say("term\n");
	return 7;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "loop") == 0)
		return do_loop(argv[2]);
	if (argc == 3 && strcmp(argv[1], "threads") == 0)
		return do_threads(argv[2]);
	if (argc == 3 && strcmp(argv[1], "forker") == 0)
		return do_forker(argv[2]);
	if (argc == 3 && strcmp(argv[1], "busy") == 0)
		return do_busy(argv[2]);
	if (argc == 3 && strcmp(argv[1], "tree") == 0)
		return do_tree(argv[2]);
	if ((argc == 4 || argc == 5) && strcmp(argv[1], "inject") == 0)
		return do_inject(argv[2], argv[3], argc == 5 ? argv[4] : NULL);
	if (argc == 2 && strcmp(argv[1], "reader") == 0)
		return do_reader();
	fprintf(stderr, "usage: attachee loop|threads|forker|busy|tree DIR, "
		"attachee reader, attachee inject DIR FIFO [own|own-kill|own-notif]\n");
	return 2;
}
