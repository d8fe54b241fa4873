/*
 * w_fork: fork N children one after the other; each makes one symlink
 * (DIR/fI) and exits; the parent waits for each and removes the link.
 *
 * usage: w_fork [N [DIR]]   (defaults 1000 and ".")
 *
 * Measures the per-process cost of the tracer: new tracee bookkeeping,
 * the fork/exit events and the first call of a fresh process (no cache).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000;
	const char *dir = argc > 2 ? argv[2] : ".";
	char path[4096];
	long i;
	int status;
	pid_t pid;

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f%ld", dir, i);
		pid = fork();
		if (pid < 0) {
			perror("w_fork: fork");
			return 1;
		}
		if (pid == 0)
			_exit(syscall(SYS_symlinkat, "/some/target", AT_FDCWD,
				      path) == 0 ? 0 : 1);
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0) {
			fprintf(stderr, "w_fork: child %ld failed\n", i);
			return 1;
		}
		unlink(path);
	}
	return 0;
}
