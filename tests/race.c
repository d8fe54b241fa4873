/* race.c - TOCTOU attacks on symtrace.  One task calls symlinkat in a loop
 * while another rewrites its path strings between an allowed and a
 * forbidden value.  It prints its own tally; the tests compare it with
 * symtrace's report and with the filesystem.
 *
 *   race MODE WHAT N DIR
 *     MODE: thread   the flipper is a thread of the caller
 *           clonevm  the flipper is a CLONE_VM (non-thread) child
 *           shared   the flipper is a forked process writing through a
 *                    MAP_SHARED mapping
 *           quiet    no flipper (for false-positive checks)
 *     WHAT: target   flip target between /tmp/okfile and /etc/passwd
 *           link     flip linkpath between DIR/allowed/ and DIR/guarded/
 *   Output: "calls N ok A failed F".  Links are named DIR/{allowed,guarded,}/lI, I = 0..N-1.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct shared {
	atomic_int stop;
	char target[64];
	char link[PATH_MAX];
	char link_a[PATH_MAX], link_b[PATH_MAX]; /* allowed, guarded */
};

static struct shared *sh;
static const char *what;

static void spin(void)
{
	for (int i = 0; i < 200; i++)
		__asm__ volatile("" ::: "memory");
}

static void flip_loop(void)
{
	while (!atomic_load(&sh->stop)) {
		/* The barriers keep the compiler from dropping the first
		 * store of each pair; the spins hold each value a while. */
		if (strcmp(what, "target") == 0)
			memcpy(sh->target, "/etc/passwd", 12);
		else
			memcpy(sh->link, sh->link_b, strlen(sh->link_b) + 1);
		spin();
		if (strcmp(what, "target") == 0)
			memcpy(sh->target, "/tmp/okfile", 12);
		else
			memcpy(sh->link, sh->link_a, strlen(sh->link_a) + 1);
		spin();
	}
}

static void *flip_thread(void *arg)
{
	(void)arg;
	flip_loop();
	return NULL;
}

static int flip_child(void *arg)
{
	(void)arg;
	flip_loop();
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode, *dir;
	long n, ok = 0, failed = 0;
	pthread_t th;
	pid_t child = 0;
	char *stack;

	if (argc != 5) {
		fprintf(stderr, "usage: race MODE WHAT N DIR\n");
		return 2;
	}
	mode = argv[1];
	what = argv[2];
	n = atol(argv[3]);
	dir = argv[4];
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  strcmp(mode, "shared") == 0 ? MAP_SHARED | MAP_ANONYMOUS
					      : MAP_PRIVATE | MAP_ANONYMOUS,
		  -1, 0);
	if (sh == MAP_FAILED)
		return 2;
	strcpy(sh->target, "/tmp/okfile");
	if (strcmp(mode, "thread") == 0) {
		pthread_create(&th, NULL, flip_thread, NULL);
	} else if (strcmp(mode, "clonevm") == 0) {
		stack = malloc(65536);
		child = clone(flip_child, stack + 65536, CLONE_VM | SIGCHLD,
			      NULL);
	} else if (strcmp(mode, "shared") == 0) {
		child = fork();
		if (child == 0) {
			flip_loop();
			_exit(0);
		}
	} else if (strcmp(mode, "quiet") != 0) {
		fprintf(stderr, "race: unknown mode %s\n", mode);
		return 2;
	}
	for (long i = 0; i < n; i++) {
		long r;

		/* Both variants of the link path have the same length. */
		snprintf(sh->link_a, PATH_MAX, "%s/allowed/l%ld", dir, i);
		snprintf(sh->link_b, PATH_MAX, "%s/guarded/l%ld", dir, i);
		if (strcmp(what, "link") == 0) {
			memcpy(sh->link, sh->link_a, strlen(sh->link_a) + 1);
			r = syscall(SYS_symlinkat, "/tmp/okfile", AT_FDCWD,
				    sh->link);
		} else {
			char l[PATH_MAX];

			snprintf(l, sizeof(l), "%s/l%ld", dir, i);
			r = syscall(SYS_symlinkat, sh->target, AT_FDCWD, l);
		}
		if (r == 0)
			ok++;
		else
			failed++;
	}
	atomic_store(&sh->stop, 1);
	if (strcmp(mode, "thread") == 0)
		pthread_join(th, NULL);
	else if (child > 0)
		waitpid(child, NULL, __WALL);
	printf("calls %ld ok %ld failed %ld\n", n, ok, failed);
	return 0;
}
