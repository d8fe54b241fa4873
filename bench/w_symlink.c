/*
 * w_symlink: N symlinkat(target, AT_FDCWD, DIR/lI) + unlinkat pairs.
 *
 * usage: w_symlink [N [DIR]]   (defaults 50000 and ".")
 *
 * DIR should be on tmpfs so that the filesystem is not what is measured.
 * Calls go through syscall(2) so the traced call is exactly symlinkat.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 50000;
	const char *dir = argc > 2 ? argv[2] : ".";
	char path[4096];
	long i;

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/l%ld", dir, i);
		if (syscall(SYS_symlinkat, "/some/target/of/the/link", AT_FDCWD,
			    path) != 0) {
			perror(path);
			return 1;
		}
		if (syscall(SYS_unlinkat, AT_FDCWD, path, 0) != 0) {
			perror(path);
			return 1;
		}
	}
	return 0;
}
