/*
 * w_nosym: a workload that makes no symlink calls.
 *
 * usage: w_nosym [NGETPPID [NSTAT]]   (defaults 2000000 and 200000)
 *
 * Every call goes through syscall(2) so that libc cannot cache or elide it.
 * Under a seccomp prefilter none of these stops; the cost over native is the
 * filter's own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <fcntl.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 2000000;
	long m = argc > 2 ? atol(argv[2]) : 200000;
	struct stat st;
	long i;

	for (i = 0; i < n; i++)
		syscall(SYS_getppid);
	for (i = 0; i < m; i++) {
#ifdef SYS_stat
		if (syscall(SYS_stat, "/", &st) != 0)
#else
		if (syscall(SYS_newfstatat, AT_FDCWD, "/", &st, 0) != 0)
#endif
		{
			perror("w_nosym: stat /");
			return 1;
		}
	}
	return 0;
}
