/* mklink.c - makes one raw symlink(2) or symlinkat(2) call for
 * tests/deny-results.sh and prints its result on stdout, exactly
 * "ret=0" or "ret=-1 errno=ENAME" (the number when the name is unknown).
 *
 * Usage: mklink symlink TARGET LINKPATH
 *        mklink symlinkat TARGET DIR LINKPATH
 * DIR is "cwd" (AT_FDCWD), "fd=N" (the inherited descriptor N as is),
 * "path=D" (D opened with O_PATH | O_DIRECTORY) or a directory D (opened
 * with O_RDONLY | O_DIRECTORY), any other file F (opened O_RDONLY, for
 * ENOTDIR).  A descriptor the helper opens is opened by the caller's own
 * credentials, before the call. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *ename(int e)
{
	static char num[32];

	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EIO: return "EIO";
	case EBADF: return "EBADF";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EEXIST: return "EEXIST";
	case EXDEV: return "EXDEV";
	case ENOTDIR: return "ENOTDIR";
	case EISDIR: return "EISDIR";
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case EROFS: return "EROFS";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	case ENOSYS: return "ENOSYS";
	case ELOOP: return "ELOOP";
	case EDQUOT: return "EDQUOT";
	case ESRCH: return "ESRCH";
	default:
		snprintf(num, sizeof(num), "%d", e);
		return num;
	}
}

static int dirfd_of(const char *dir)
{
	int fd;

	if (strcmp(dir, "cwd") == 0)
		return AT_FDCWD;
	if (strncmp(dir, "fd=", 3) == 0)
		return atoi(dir + 3);
	if (strncmp(dir, "path=", 5) == 0)
		fd = open(dir + 5, O_PATH | O_DIRECTORY);
	else
		fd = open(dir, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "mklink: cannot open %s: %s\n", dir,
			strerror(errno));
		exit(2);
	}
	return fd;
}

int main(int argc, char **argv)
{
	long r;

	if (argc == 4 && strcmp(argv[1], "symlink") == 0) {
		r = syscall(SYS_symlink, argv[2], argv[3]);
	} else if (argc == 5 && strcmp(argv[1], "symlinkat") == 0) {
		int fd = dirfd_of(argv[3]);

		r = syscall(SYS_symlinkat, argv[2], fd, argv[4]);
	} else {
		fprintf(stderr, "usage: mklink symlink TARGET LINKPATH\n"
				"       mklink symlinkat TARGET DIR LINKPATH\n");
		return 2;
	}
	if (r == 0)
		printf("ret=0\n");
	else
		printf("ret=%ld errno=%s\n", r, ename(errno));
	return fflush(stdout) == 0 ? 0 : 1;
}
