/*
 * timeit: run a command, print its wall time and peak RSS.
 *
 * usage: timeit COMMAND [ARG...]
 *
 * Prints one line to stderr:
 *   timeit: wall=SECONDS user=SECONDS sys=SECONDS maxrss_kb=KB status=N
 * wall is measured with CLOCK_MONOTONIC around fork/exec/wait4; user, sys
 * and maxrss come from wait4's rusage of the child, which the kernel fills
 * with the child's own usage plus that of the descendants it waited for
 * (RUSAGE_BOTH): for "timeit symtrace CMD" the CPU times are symtrace's and
 * the traced command's together, and maxrss is the larger peak of the two
 * - upper bounds of symtrace's own.  Exits with the command's status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct rusage ru;
	double t0, t1;
	int status;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: timeit COMMAND [ARG...]\n");
		return 2;
	}
	t0 = now();
	pid = fork();
	if (pid < 0) {
		perror("timeit: fork");
		return 125;
	}
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) != pid) {
		perror("timeit: wait4");
		return 125;
	}
	t1 = now();
	fprintf(stderr,
		"timeit: wall=%.6f user=%.6f sys=%.6f maxrss_kb=%ld status=%d\n",
		t1 - t0, ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
		ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6, ru.ru_maxrss,
		WIFEXITED(status) ? WEXITSTATUS(status)
				  : 128 + WTERMSIG(status));
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}
