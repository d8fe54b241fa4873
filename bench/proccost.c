/*
 * proccost: what each operation symtrace makes for one traced symlink call
 * costs on this machine, in microseconds (mean over N repetitions), against
 * a stopped child: the floor of symtrace's own work per call.
 *
 * usage: proccost [N [DIR]]   (defaults 100000 and "."; DIR: an existing
 *                              directory without symlinks on its path, as
 *                              the link's directory part)
 *
 * The per-call sum counts the directory as symtrace finds an absolute one
 * without symlinks (openat2 RESOLVE_NO_SYMLINKS); a relative directory
 * part, or one with symlinks, costs the open + readlink + close row.
 *
 * The first block repeats each operation on one child (its /proc entries
 * stay cached, as for a busy tracee); the second does the first accesses
 * of a new child's entries in symtrace's order: the readlinks of cwd and
 * root right after its first stop (the prefetch, made while the new
 * process runs, off its calls' path), then at its first call the open of
 * maps and (cached by then) cwd and root; the maps fd is closed at its
 * exit or exec.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#if defined(__has_include)
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#endif
#endif
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "procmap.h" /* symtrace's src/: run.sh passes -I */

static char str[256] = "/some/target/of/the/link";

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static const char *child_dir = ".";

static pid_t stopped_child(void)
{
	pid_t c = fork();
	int st;

	if (c < 0) {
		perror("proccost: fork");
		exit(1);
	}
	if (c == 0) {
		/* Its fd 9: a directory, as a dirfd (tar -x's -C). */
		int d = open(child_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (d >= 0)
			dup2(d, 9);
		for (;;)
			pause();
	}
	if (ptrace(PTRACE_SEIZE, c, 0, 0) < 0 ||
	    ptrace(PTRACE_INTERRUPT, c, 0, 0) < 0 || waitpid(c, &st, 0) != c) {
		perror("proccost: ptrace");
		kill(c, SIGKILL);
		exit(77);
	}
	return c;
}

static double last_us;

static void row(const char *what, double us)
{
	last_us = us;
	printf("| %-44s | %8.2f |\n", what, us);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000;
	const char *dir = argc > 2 ? argv[2] : ".";
	char path[4200], buf[4096], self[64];
	struct __ptrace_syscall_info si;
	struct iovec lv[2], rv[2];
#if defined(SYS_openat2) && defined(RESOLVE_NO_SYMLINKS)
	struct open_how how;
#endif
	struct st_procmap_query q;
	double t, sum[4] = { 0, 0, 0, 0 }, call = 0;
	long i, forks = n / 200 > 50 ? n / 200 : 50;
	pid_t c;
	int fd, mfd;

	if (n < 1) {
		fprintf(stderr, "usage: proccost [N [DIR]]\n");
		return 2;
	}
	child_dir = dir;
	c = stopped_child();
	printf("| %-44s | %8s |\n", "operation (cached /proc entries)", "us");
	printf("|----------------------------------------------|---------:|\n");

#define TIME(what, body)                                                   \
	do {                                                               \
		t = now_us();                                              \
		for (i = 0; i < n; i++) {                                  \
			body;                                              \
		}                                                          \
		row(what, (now_us() - t) / (double)n);                     \
	} while (0)

	TIME("ptrace GET_SYSCALL_INFO",
	     ptrace(PTRACE_GET_SYSCALL_INFO, c, sizeof(si), &si));
	call += 2 * last_us;
	lv[0].iov_base = buf;
	lv[0].iov_len = 256;
	lv[1].iov_base = buf + 256;
	lv[1].iov_len = 256;
	rv[0].iov_base = str;
	rv[0].iov_len = 256;
	rv[1].iov_base = str;
	rv[1].iov_len = 256;
	TIME("process_vm_readv, 2 strings", process_vm_readv(c, lv, 2, rv, 2, 0));
	call += 2 * last_us;
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)c);
	mfd = open(path, O_RDONLY | O_CLOEXEC);
	TIME("ioctl PROCMAP_QUERY (one string)", {
		memset(&q, 0, sizeof(q));
		q.size = sizeof(q);
		q.query_addr = (uint64_t)(uintptr_t)str;
		if (ioctl(mfd, ST_PROCMAP_QUERY, &q) < 0)
			break;
	});
	call += 2 * last_us;
	snprintf(path, sizeof(path), "/proc/%d/cwd", (int)c);
	TIME("readlink /proc/PID/cwd", readlink(path, buf, sizeof(buf)));
	call += last_us;
	snprintf(path, sizeof(path), "/proc/%d/root", (int)c);
	TIME("readlink /proc/PID/root", readlink(path, buf, sizeof(buf)));
	call += last_us;
#if defined(SYS_openat2) && defined(RESOLVE_NO_SYMLINKS)
	memset(&how, 0, sizeof(how));
	how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
	how.resolve = RESOLVE_NO_SYMLINKS;
	TIME("dir: openat2 RESOLVE_NO_SYMLINKS + close", {
		fd = (int)syscall(SYS_openat2, AT_FDCWD, dir, &how,
				  sizeof(how));
		if (fd >= 0)
			close(fd);
	});
	call += last_us;
#endif
	TIME("dir: open O_PATH + readlink fd + close", {
		fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
		readlink(self, buf, sizeof(buf));
		close(fd);
	});
#if !(defined(SYS_openat2) && defined(RESOLVE_NO_SYMLINKS))
	call += last_us;
#endif
	snprintf(path, sizeof(path), "%s/proccost-no-such-link", dir);
	TIME("readlink of the link (verification)",
	     readlink(path, buf, sizeof(buf)));
	call += last_us;
	row("one call: the sum (2x the first three)", call);
	TIME("getppid (a syscall, for scale)", getppid());
	/* The walk's base (issue 20): a dirfd through /proc, as before, and
	 * with pidfd_getfd() (symtrace now); the cwd; the base's path; the
	 * walked directory's facts (statx). */
	snprintf(path, sizeof(path), "/proc/%d/fd/9", (int)c);
	TIME("base dirfd: open /proc/PID/fd/N + close", {
		fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0)
			close(fd);
	});
#if defined(SYS_pidfd_open) && defined(SYS_pidfd_getfd)
	{
		int pfd = (int)syscall(SYS_pidfd_open, c, O_EXCL);
		struct stat sb;

		if (pfd >= 0) {
			TIME("base dirfd: pidfd_getfd + fstat + close", {
				fd = (int)syscall(SYS_pidfd_getfd, pfd, 9, 0);
				if (fd >= 0) {
					fstat(fd, &sb);
					close(fd);
				}
			});
			close(pfd);
		}
	}
#endif
	snprintf(path, sizeof(path), "/proc/%d/cwd", (int)c);
	TIME("base cwd: open /proc/PID/cwd + close", {
		fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0)
			close(fd);
	});
	fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	TIME("base path: readlink /proc/self/fd/N", readlink(self, buf, sizeof(buf)));
#if defined(STATX_MNT_ID)
	{
		struct statx sx;

		TIME("dir facts: statx (nlink, ino, mnt_id)",
		     statx(fd, "", AT_EMPTY_PATH,
			   STATX_NLINK | STATX_INO | STATX_MNT_ID, &sx));
	}
#endif
	close(fd);
	close(mfd);
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);

	/* First accesses on new processes. */
	for (i = 0; i < forks; i++) {
		c = stopped_child();
		snprintf(path, sizeof(path), "/proc/%d/cwd", (int)c);
		t = now_us();
		readlink(path, buf, sizeof(buf));
		sum[1] += now_us() - t;
		snprintf(path, sizeof(path), "/proc/%d/root", (int)c);
		t = now_us();
		readlink(path, buf, sizeof(buf));
		sum[2] += now_us() - t;
		snprintf(path, sizeof(path), "/proc/%d/maps", (int)c);
		t = now_us();
		fd = open(path, O_RDONLY | O_CLOEXEC);
		sum[0] += now_us() - t;
		t = now_us();
		close(fd);
		sum[3] += now_us() - t;
		kill(c, SIGKILL);
		waitpid(c, NULL, 0);
	}
	printf("\n| %-44s | %8s |\n", "first access on a new process", "us");
	printf("|----------------------------------------------|---------:|\n");
	row("prefetch: readlink /proc/PID/cwd", sum[1] / (double)forks);
	row("prefetch: readlink /proc/PID/root", sum[2] / (double)forks);
	row("first call: open /proc/PID/maps", sum[0] / (double)forks);
	row("exit or exec: close the maps fd", sum[3] / (double)forks);
	return 0;
}
