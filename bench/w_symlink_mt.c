/*
 * w_symlink_mt: T threads, each making N/T symlinkat + unlinkat pairs.
 *
 * usage: w_symlink_mt [T [N [DIR]]]   (defaults 4, 50000, ".")
 *
 * Each thread uses its own names (DIR/tT_I).  Deny mode once held the whole
 * thread group still while it checked a call (issue 5's freeze); it now
 * makes each judged call itself (issue 14), and this shows what deny mode
 * costs against trace mode when several threads make calls at once.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static long per_thread;
static const char *dir;

static void *
worker(void *arg)
{
	long t = (long)arg;
	char path[4096];
	long i;

	for (i = 0; i < per_thread; i++) {
		snprintf(path, sizeof(path), "%s/t%ld_%ld", dir, t, i);
		if (syscall(SYS_symlinkat, "/some/target/of/the/link", AT_FDCWD,
			    path) != 0 ||
		    syscall(SYS_unlinkat, AT_FDCWD, path, 0) != 0) {
			perror(path);
			exit(1);
		}
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	long nthreads = argc > 1 ? atol(argv[1]) : 4;
	long n = argc > 2 ? atol(argv[2]) : 50000;
	pthread_t th[256];
	long t;

	dir = argc > 3 ? argv[3] : ".";
	if (nthreads < 1 || nthreads > 256) {
		fprintf(stderr, "w_symlink_mt: 1..256 threads\n");
		return 2;
	}
	per_thread = n / nthreads;
	for (t = 0; t < nthreads; t++)
		if (pthread_create(&th[t], NULL, worker, (void *)t) != 0) {
			fprintf(stderr, "w_symlink_mt: pthread_create failed\n");
			return 1;
		}
	for (t = 0; t < nthreads; t++)
		pthread_join(th[t], NULL);
	return 0;
}
