/*
 * w_syscalls: N cheap syscalls (getppid), no symlink calls.
 *
 * usage: w_syscalls [N]   (default 200000)
 *
 * For the stop-at-every-syscall path (--no-seccomp): every call stops the
 * tracee twice (entry and exit).
 */
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 200000;
	long i;

	for (i = 0; i < n; i++)
		syscall(SYS_getppid);
	return 0;
}
