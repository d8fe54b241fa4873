/* forkchain.c - fork chains below a child subreaper, for
 * tests/attach-chain.sh (the --tree race of issue 17's red-team pass).
 *
 *   forkchain DIR NCHAINS LINKS
 *
 * Makes itself a child subreaper (PR_SET_CHILD_SUBREAPER), starts
 * NCHAINS (1..50) chains, prints "ready PID" and starts a watcher.
 * Each chain waits (on a futex, no CPU) until the race starts: when
 * this process becomes traced (its TracerPid, as a symtrace -p PID
 * makes it) or when DIR/race exists.  Then each link of the chain
 * sleeps 0.1 ms, forks the next and exits at once, so that the one live
 * link keeps changing and each new link is re-parented to this process,
 * LINKS (1..500) times; the chain then writes DIR/racedK (K:
 * 0..NCHAINS-1) and its last link waits until DIR/go exists, makes the
 * link DIR/chainK -> /etc/passwd and writes "symlink = 0 tracer=T" or
 * "symlink = -1 ERRNO tracer=T" to DIR/resultK (T: its TracerPid), and
 * ends.  This process reaps the links and exits 0 once every chain has
 * written its result.
 *
 *   forkchain leaderless DIR
 *
 * Forks a child whose main thread ends (pthread_exit) while another
 * thread waits for DIR/go, then makes DIR/lone -> /etc/passwd and writes
 * its result (as above) to DIR/result0; prints "ready PID CHILD" once
 * the main thread is a zombie; exits 0 when the child has ended.
 *
 * The watcher is a vfork child: until it ends, this process cannot stop
 * (see watcher()), so a symtrace attached to it reads its children
 * while the chains race.
 *
 * Bounded: at most NCHAINS * LINKS + NCHAINS + 1 forks in all (a stopped
 * subreaper cannot reap, so its links pile up as zombies), RLIMIT_NPROC
 * at most 4096, and everything ends within 30 s, or soon after this
 * process is gone (a link's result is then "timeout").  Exit status 0;
 * 2 on a setup error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "errword.h"

static const char *dir;
static pid_t top;
static time_t end;
/* Shared by all: word[0]: 0 wait, 1 race, 2 give up; word[1]: the
 * links forked so far by all chains. */
static volatile int *word;
static int nlinks; /* all chains' links */
static char stack[65536] __attribute__((aligned(16)));

static int tracer_of(pid_t pid)
{
	char path[64], buf[4096], *p;
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	fd = open(path, O_RDONLY);
	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strstr(buf, "TracerPid:");
	return p ? atoi(p + 10) : -1;
}

static void put(const char *name, int k, const char *s)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s%d", dir, name, k);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		(void)!write(fd, s, strlen(s));
		close(fd);
	}
}

static int exists(const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

/* Is the test over: this chain's subreaper gone, or time up? */
static int over(void)
{
	return time(NULL) > end || kill(top, 0) < 0 || getppid() == 1;
}

static void nap(long us)
{
	nanosleep(&(struct timespec){ 0, us * 1000 }, NULL);
}

static void set_word(int v)
{
	*word = v;
	syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

/* Until this process is traced or DIR/race exists.  Runs as a vfork
 * child (clone CLONE_VM | CLONE_VFORK, a stack of its own): until it
 * ends, this process waits in a killable sleep, where a PTRACE_INTERRUPT
 * does not stop it - so a symtrace -p PID reads this process's children
 * only after the chains have raced for a while. */
static int watcher(void *arg)
{
	(void)arg;
	while (time(NULL) <= end) {
		if (tracer_of(top) > 0 || exists("race")) {
			/* Until a tenth of the links are made (1 s at most). */
			set_word(1);
			for (int i = 0; i < 1000 && word[1] < nlinks / 10; i++)
				nap(1000);
			_exit(0);
		}
		nap(100);
	}
	set_word(2);
	_exit(0);
}

static void chain(int k, int links)
{
	char out[128], link[4096];

	while (*word == 0) {
		struct timespec ts = { 1, 0 };

		syscall(SYS_futex, word, FUTEX_WAIT, 0, &ts, NULL, 0);
		if (*word == 0 && over())
			break;
	}
	if (*word != 1) {
		put("result", k, "timeout\n");
		_exit(0);
	}
	/* The race: fork the next link, exit. */
	for (int i = 0; i < links; i++) {
		pid_t c;

		nap(100);
		__atomic_add_fetch(&word[1], 1, __ATOMIC_RELAXED);
		c = fork();

		if (c < 0) {
			put("result", k, "fork failed\n");
			_exit(0);
		}
		if (c > 0)
			_exit(0);
	}
	put("raced", k, "");
	while (!exists("go")) {
		if (over()) {
			put("result", k, "timeout\n");
			_exit(0);
		}
		nap(2000);
	}
	snprintf(link, sizeof(link), "%s/chain%d", dir, k);
	int r = symlink("/etc/passwd", link);

	snprintf(out, sizeof(out), "symlink = %d%s%s tracer=%d\n", r,
		 r ? " " : "", r ? errword(errno) : "",
		 tracer_of(getpid()));
	put("result", k, out);
	_exit(0);
}

static void *lone_thread(void *arg)
{
	char out[128], link[4096];
	int r;

	(void)arg;
	while (!exists("go")) {
		if (over()) {
			put("result", 0, "timeout\n");
			_exit(0);
		}
		nap(2000);
	}
	snprintf(link, sizeof(link), "%s/lone", dir);
	r = symlink("/etc/passwd", link);
	snprintf(out, sizeof(out), "symlink = %d%s%s tracer=%d\n", r,
		 r ? " " : "", r ? errword(errno) : "",
		 tracer_of((pid_t)syscall(SYS_gettid)));
	put("result", 0, out);
	_exit(0);
}

/* A child whose main thread ends (pthread_exit: a zombie) while another
 * thread runs on; this process waits for it. */
static int leaderless(void)
{
	pid_t c = fork();

	if (c < 0) {
		perror("fork");
		return 2;
	}
	if (c == 0) {
		pthread_t t;

		if (pthread_create(&t, NULL, lone_thread, NULL) != 0)
			_exit(2);
		pthread_exit(NULL);
	}
	/* Ready once the main thread has ended. */
	for (int i = 0; i < 1000; i++) {
		char path[64], buf[512], *p;
		int fd;
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/%d/stat", (int)c);
		fd = open(path, O_RDONLY);
		n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
		if (fd >= 0)
			close(fd);
		if (n > 0) {
			buf[n] = '\0';
			p = strrchr(buf, ')');
			if (p && p[1] && p[2] == 'Z')
				break;
		}
		nap(1000);
	}
	printf("ready %d %d\n", (int)top, (int)c);
	fflush(stdout);
	return waitpid(c, NULL, 0) == c ? 0 : 2;
}

int main(int argc, char **argv)
{
	int nchains, links;
	struct rlimit rl;

	if (argc == 3 && strcmp(argv[1], "leaderless") == 0) {
		dir = argv[2];
		top = getpid();
		end = time(NULL) + 30;
		return leaderless();
	}
	if (argc != 4 || (nchains = atoi(argv[2])) < 1 || nchains > 50 ||
	    (links = atoi(argv[3])) < 1 || links > 500) {
		fprintf(stderr, "usage: forkchain DIR NCHAINS(1-50) "
				"LINKS(1-500) | leaderless DIR\n");
		return 2;
	}
	dir = argv[1];
	nlinks = nchains * links;
	top = getpid();
	end = time(NULL) + 30;
	word = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (word == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	/* A second bound, should the first fail: processes of this uid
	 * (not binding for root). */
	if (getrlimit(RLIMIT_NPROC, &rl) == 0 && (rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur > 4096)) {
		rl.rlim_cur = 4096;
		if (setrlimit(RLIMIT_NPROC, &rl) < 0) {
			perror("setrlimit");
			return 2;
		}
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		perror("PR_SET_CHILD_SUBREAPER");
		return 2;
	}
	for (int k = 0; k < nchains; k++) {
		pid_t c = fork();

		if (c < 0) {
			perror("fork");
			return 2;
		}
		if (c == 0)
			chain(k, links);
	}
	printf("ready %d\n", (int)top);
	fflush(stdout);
	if (clone(watcher, stack + sizeof(stack), CLONE_VM | CLONE_VFORK |
		  SIGCHLD, NULL) < 0) {
		perror("clone");
		return 2;
	}
	/* Reap the links until every chain has its result. */
	for (;;) {
		int k;

		if (waitpid(-1, NULL, 0) < 0 && errno == ECHILD)
			break;
		for (k = 0; k < nchains; k++) {
			char name[32];

			snprintf(name, sizeof(name), "result%d", k);
			if (!exists(name))
				break;
		}
		if (k == nchains)
			break;
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	return 0;
}
