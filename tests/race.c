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
 *           clonefs  the flipper is a CLONE_FS child (own memory) that
 *                    moves the shared cwd between DIR/allowed and
 *                    DIR/guarded; the caller links the relative "lI"
 *           clonefiles  the flipper is a CLONE_FILES child (own memory)
 *                    that dup2()s DIR/allowed or DIR/guarded onto the
 *                    shared dirfd the caller passes with "lI"
 *           quiet    no flipper (for false-positive checks)
 *     WHAT: target   flip target between /tmp/okfile and /etc/passwd
 *           link     flip linkpath between DIR/allowed/ and DIR/guarded/
 *                    (clonefs and clonefiles: link only; the strings
 *                    never change, the directory they name does)
 *   Output: "calls N ok A failed F".  Links are named DIR/{allowed,guarded,}/lI, I = 0..N-1.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
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

/* clonefs / clonefiles: the directories to flip between. */
static const char *dir_a, *dir_b;
enum { DIRFD = 100, FD_A = 101, FD_B = 102 };

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

/* sh is private to the caller in these modes: the stop flag lives in a
 * page of its own, shared with the flipper (the strings are not in it). */
static atomic_int *stop_flag;

static bool stop_seen(void)
{
	return atomic_load(stop_flag) != 0;
}

static int flip_cwd(void *arg)
{
	(void)arg;
	while (!stop_seen()) {
		if (chdir(dir_b) < 0)
			return 1;
		spin();
		if (chdir(dir_a) < 0)
			return 1;
		spin();
	}
	return 0;
}

static int flip_fd(void *arg)
{
	(void)arg;
	while (!stop_seen()) {
		if (dup2(FD_B, DIRFD) < 0)
			return 1;
		spin();
		if (dup2(FD_A, DIRFD) < 0)
			return 1;
		spin();
	}
	return 0;
}

/* Start the flipper of clonefs / clonefiles; returns its pid. */
static pid_t start_dir_flipper(const char *mode, const char *dir)
{
	static char a[PATH_MAX], b[PATH_MAX];
	bool fs = strcmp(mode, "clonefs") == 0;
	char *stack = malloc(65536);

	snprintf(a, sizeof(a), "%s/allowed", dir);
	snprintf(b, sizeof(b), "%s/guarded", dir);
	dir_a = a;
	dir_b = b;
	stop_flag = mmap(NULL, sizeof(*stop_flag), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!stack || stop_flag == MAP_FAILED || chdir(a) < 0)
		return -1;
	if (!fs && (dup2(open(a, O_PATH | O_DIRECTORY), FD_A) < 0 ||
		    dup2(open(b, O_PATH | O_DIRECTORY), FD_B) < 0 ||
		    dup2(FD_A, DIRFD) < 0))
		return -1;
	return clone(fs ? flip_cwd : flip_fd, stack + 65536,
		     (fs ? CLONE_FS : CLONE_FILES) | SIGCHLD, NULL);
}

int main(int argc, char **argv)
{
	const char *mode, *dir;
	bool dir_flip;
	long n, ok = 0, failed = 0;
	pthread_t th;
	pid_t child = 0;
	char *stack;

	if (argc != 5) {
		fprintf(stderr, "usage: race MODE WHAT N DIR\n");
		return 2;
	}
	mode = argv[1];
	/* clonefs, clonefiles: the directory moves, not the strings. */
	dir_flip = strcmp(mode, "clonefs") == 0 ||
		   strcmp(mode, "clonefiles") == 0;
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
	} else if (dir_flip) {
		if (strcmp(what, "link") != 0) {
			fprintf(stderr, "race: %s flips links only\n", mode);
			return 2;
		}
		child = start_dir_flipper(mode, dir);
		if (child < 0) {
			perror("race: flipper");
			return 2;
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
		if (dir_flip) {
			char l[32];

			snprintf(l, sizeof(l), "l%ld", i);
			r = syscall(SYS_symlinkat, "/tmp/okfile",
				    strcmp(mode, "clonefs") == 0 ? AT_FDCWD
								 : DIRFD,
				    l);
		} else if (strcmp(what, "link") == 0) {
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
	if (dir_flip)
		atomic_store(stop_flag, 1);
	if (strcmp(mode, "thread") == 0)
		pthread_join(th, NULL);
	else if (child > 0)
		waitpid(child, NULL, __WALL);
	printf("calls %ld ok %ld failed %ld\n", n, ok, failed);
	return 0;
}
