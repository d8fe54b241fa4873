/* sidedoor.c - tries the ways around a ptrace guard, for the deny-mode
 * tests.  Each subcommand prints one line saying what happened, e.g.
 * "clone-untraced: EPERM", and exits 0 when the attempt was refused, 1
 * when it got through, 2 on a setup error.
 *
 *   clone-untraced LINK   clone(CLONE_UNTRACED); the child symlinks LINK
 *   clone3-untraced LINK  clone3 with CLONE_UNTRACED; the child symlinks
 *   io-uring              io_uring_setup
 *   listener              seccomp(SET_MODE_FILTER, NEW_LISTENER)
 *   symlinkat-hi TARGET LINK
 *                         symlinkat with bit 32 set in the syscall
 *                         number (the kernel takes it as an int):
 *                         prints "symlinkat-hi: allowed" or the errno
 *   listener-hi LINK      the whole listener attack, with bit 32 set in
 *                         seccomp's op (the kernel reads op as 32 bits):
 *                         a filter that sends symlinkat to user space, a
 *                         thread that answers it with CONTINUE, then
 *                         symlinkat("/etc/passwd", LINK); prints
 *                         "listener-hi: allowed" (and exits 1) only when
 *                         the filter was installed; the symlinkat's own
 *                         result is left to the caller to check
 *   fallback TARGET LINK  symlink, and on failure copy TARGET instead
 *   sleeper SECS LINK     sleep, then symlink (fail-closed test)
 *   procmem               open a child's /proc/PID/mem for writing (it
 *                         could rewrite the child's strings); also opens
 *                         its own /proc/self/mem, which is harmless
 *   clone-newns           clone(CLONE_NEWUSER|CLONE_NEWNS): a child in a
 *                         mount namespace of its own (where it may mount)
 *   setns NSFILE NSTYPE   setns(open(NSFILE), NSTYPE), NSTYPE a number
 *   exchange A B          renameat2(A, B, RENAME_EXCHANGE)
 *   chroot ROOT CWD OP A B
 *                         chdir(CWD), chroot(ROOT) (no chdir after it: CWD
 *                         may lie outside ROOT), then OP: "symlink"
 *                         (symlink(A, B)) or "rename" (rename(A, B)), as
 *                         raw system calls; prints "OP: allowed" or the
 *                         errno name
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_UNTRACED
#define CLONE_UNTRACED 0x00800000
#endif
#ifndef CLONE_NEWNS
#define CLONE_NEWNS 0x00020000
#endif
#ifndef CLONE_NEWUSER
#define CLONE_NEWUSER 0x10000000
#endif
#ifndef SYS_setns
#define SYS_setns 308
#endif
#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SYS_io_uring_setup
#define SYS_io_uring_setup 425
#endif

static const char *ename(int e)
{
	switch (e) {
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case ENOSYS: return "ENOSYS";
	case EINVAL: return "EINVAL";
	case ENOENT: return "ENOENT";
	default: return strerror(e);
	}
}

static int report(const char *what, long r)
{
	if (r < 0) {
		printf("%s: %s\n", what, ename(errno));
		return 0;
	}
	printf("%s: allowed\n", what);
	return 1;
}

static int child_link(const char *link)
{
	return syscall(SYS_symlink, "/etc/passwd", link) == 0 ? 0 : 1;
}

static int do_clone(const char *link)
{
	long r = syscall(SYS_clone, CLONE_UNTRACED | SIGCHLD, 0, 0, 0, 0);

	if (r == 0)
		_exit(child_link(link));
	if (r > 0)
		waitpid((pid_t)r, NULL, 0);
	return report("clone-untraced", r);
}

struct clone_args_v0 {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
		stack_size, tls;
};

static int do_clone3(const char *link)
{
	struct clone_args_v0 ca = {
		.flags = CLONE_UNTRACED,
		.exit_signal = SIGCHLD,
	};
	long r = syscall(SYS_clone3, &ca, sizeof(ca));

	if (r == 0)
		_exit(child_link(link));
	if (r > 0)
		waitpid((pid_t)r, NULL, 0);
	return report("clone3-untraced", r);
}

static int do_io_uring(void)
{
	char params[120]; /* struct io_uring_params */
	long r;

	memset(params, 0, sizeof(params));
	r = syscall(SYS_io_uring_setup, 4, params);
	if (r >= 0)
		close((int)r);
	return report("io-uring", r);
}

static int do_listener(void)
{
	struct sock_filter insn[] = {
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { 1, insn };
	long r;

	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		    SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (r >= 0)
		close((int)r);
	return report("listener", r);
}

/* The notifications of fd are answered "let it run" (CONTINUE), until
 * the fd fails. */
static void *answer_notifications(void *arg)
{
	int fd = (int)(intptr_t)arg;
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;

	for (;;) {
		memset(&req, 0, sizeof(req));
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
			return NULL;
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
}

static int do_listener_hi(const char *link)
{
	struct sock_filter insn[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_symlinkat, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(insn) / sizeof(insn[0]), insn };
	pthread_t th;
	long r;

	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	/* op as the kernel reads it: SECCOMP_SET_MODE_FILTER. */
	r = syscall(SYS_seccomp, (1UL << 32) | SECCOMP_SET_MODE_FILTER,
		    SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	report("listener-hi", r);
	if (r < 0)
		return 0;
	if (pthread_create(&th, NULL, answer_notifications,
			   (void *)(intptr_t)r) != 0)
		return 2;
	syscall(SYS_symlinkat, "/etc/passwd", AT_FDCWD, link);
	return 1;
}

static int do_symlinkat_hi(const char *target, const char *link)
{
	/* (syscall() passes the whole 64-bit number in rax.) */
	long r = syscall((long)((1UL << 32) | SYS_symlinkat), target,
			 AT_FDCWD, link);

	return report("symlinkat-hi", r);
}

static int do_clone_newns(void)
{
	long r = syscall(SYS_clone, CLONE_NEWUSER | CLONE_NEWNS | SIGCHLD, 0,
			 0, 0, 0);

	if (r == 0)
		_exit(0);
	if (r > 0)
		waitpid((pid_t)r, NULL, 0);
	return report("clone-newns", r);
}

static int do_setns(const char *file, const char *nstype)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	long r;

	if (fd < 0) {
		perror(file);
		return 2;
	}
	r = syscall(SYS_setns, fd, (int)strtol(nstype, NULL, 0));
	close(fd);
	return report("setns", r);
}

static int do_chroot(const char *root, const char *cwd, const char *op,
		     const char *a, const char *b)
{
	long nr;

	if (strcmp(op, "symlink") == 0)
		nr = SYS_symlink;
	else if (strcmp(op, "rename") == 0)
		nr = SYS_rename;
	else
		return 2;
	if (chdir(cwd) < 0 || chroot(root) < 0) {
		perror(root);
		return 2;
	}
	return report(op, syscall(nr, a, b));
}

static int do_exchange(const char *a, const char *b)
{
	return report("exchange", syscall(SYS_renameat2, AT_FDCWD, a,
					  AT_FDCWD, b, 2 /* EXCHANGE */));
}

/* A program that copes with symlink failure: deny mode as a test tool. */
static int do_fallback(const char *target, const char *link)
{
	char buf[4096];
	ssize_t n;
	int in, out;

	if (symlink(target, link) == 0) {
		printf("fallback: linked\n");
		return 0;
	}
	printf("fallback: symlink failed (%s), copying\n", ename(errno));
	in = open(target, O_RDONLY);
	out = open(link, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (in < 0 || out < 0)
		return 2;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			return 2;
	close(in);
	close(out);
	printf("fallback: copied\n");
	return 0;
}

static int do_sleeper(int secs, const char *link)
{
	printf("sleeper: %d\n", (int)getpid());
	fflush(stdout);
	sleep((unsigned)secs);
	return report("sleeper", syscall(SYS_symlink, "/etc/passwd", link));
}

static int do_procmem(void)
{
	char path[64], c;
	pid_t child;
	int fd, ready[2];

	if (pipe(ready) < 0)
		return 2;
	child = fork();
	if (child == 0) {
		/* Die with the parent (killed for its open), and say so
		 * only once that is armed: the parent waits for it, so the
		 * child is running - and traced - before the open. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (write(ready[1], "r", 1) != 1)
			_exit(2);
		pause();
		_exit(0);
	}
	if (child < 0 || read(ready[0], &c, 1) != 1)
		return 2;
	fd = open("/proc/self/mem", O_RDWR);
	printf("procmem self: %s\n", fd >= 0 ? "opened" : ename(errno));
	if (fd >= 0)
		close(fd);
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)child);
	fd = open(path, O_RDWR);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return report("procmem", fd);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && strcmp(argv[1], "clone-untraced") == 0)
		return do_clone(argv[2]);
	if (argc == 3 && strcmp(argv[1], "clone3-untraced") == 0)
		return do_clone3(argv[2]);
	if (argc == 2 && strcmp(argv[1], "io-uring") == 0)
		return do_io_uring();
	if (argc == 2 && strcmp(argv[1], "listener") == 0)
		return do_listener();
	if (argc == 4 && strcmp(argv[1], "symlinkat-hi") == 0)
		return do_symlinkat_hi(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "listener-hi") == 0)
		return do_listener_hi(argv[2]);
	if (argc == 4 && strcmp(argv[1], "fallback") == 0)
		return do_fallback(argv[2], argv[3]);
	if (argc == 2 && strcmp(argv[1], "procmem") == 0)
		return do_procmem();
	if (argc == 2 && strcmp(argv[1], "clone-newns") == 0)
		return do_clone_newns();
	if (argc == 4 && strcmp(argv[1], "setns") == 0)
		return do_setns(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "exchange") == 0)
		return do_exchange(argv[2], argv[3]);
	if (argc == 7 && strcmp(argv[1], "chroot") == 0)
		return do_chroot(argv[2], argv[3], argv[4], argv[5], argv[6]);
	if (argc == 4 && strcmp(argv[1], "sleeper") == 0)
		return do_sleeper(atoi(argv[2]), argv[3]);
	fprintf(stderr, "usage: see sidedoor.c\n");
	return 2;
}
