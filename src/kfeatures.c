/* kfeatures.c - probe the kernel's features once, and the table of what
 * symtrace does without each (kfeatures.h).
 *
 * Every probe asks the kernel the question the code will ask later, the
 * way an older kernel says no: ENOSYS for a system call it does not have,
 * EIO for a ptrace request it does not know, EINVAL for an option or a
 * prctl mode it does not know (tests/kernsim.c answers the same way).  The
 * ptrace probes need a tracee: a throwaway child, seized, interrupted,
 * asked, killed - before the command is started, so the wait loop never
 * sees it. */
#include "kfeatures.h"
#include "seccomp-order.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "compat.h"
#include "procmap.h"
#include "util.h"

#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#ifndef PR_SET_SECCOMP
#define PR_SET_SECCOMP 22
#endif
#ifndef SECCOMP_MODE_FILTER
#define SECCOMP_MODE_FILTER 2
#endif

const struct feature_desc feature_descs[FEAT_COUNT] = {
	[FEAT_SEIZE] = { "PTRACE_SEIZE", "3.4", "PTRACE_ATTACH/TRACEME",
			 "job control of traced processes is approximate: "
			 "a process stopped by a signal goes on at once "
			 "unless symtrace stops with it; -p refuses stopped "
			 "processes", true },
	[FEAT_SECCOMP_FILTER] = { "SECCOMP_MODE_FILTER", "3.5",
				  "every-stop mode",
				  "every system call stops, as with "
				  "--no-seccomp: slower", true },
	[FEAT_TRACESECCOMP] = { "PTRACE_O_TRACESECCOMP", "3.5",
				"every-stop mode",
				"every system call stops, as with "
				"--no-seccomp: slower", true },
	[FEAT_EXITKILL] = { "PTRACE_O_EXITKILL", "3.8",
			    "the seccomp filter",
			    "deny mode: if symtrace dies, the processes go "
			    "on and their guarded calls fail with ENOSYS; "
			    "without the filter only with --fail=open, not "
			    "fail-closed", true },
	/* Found by seccomp-order.c's throwaway child (not a version test:
	 * distributions backport). */
	[FEAT_SECCOMP_ORDER] = { "seccomp stop after syscall-entry stop",
				 "4.8", "the older order, handled",
				 "detected at start", false },
	[FEAT_SYSCALL_INFO] = { "PTRACE_GET_SYSCALL_INFO", "5.3",
				"the registers and the instruction before "
				"the IP",
				"one more ptrace call per stop", true },
	[FEAT_VM_READV] = { "process_vm_readv", "3.2",
			    "PTRACE_PEEKDATA, word by word up to the NUL",
			    "slower reads of the paths", true },
	[FEAT_PIPE2] = { "pipe2", "2.6.27", "pipe and FD_CLOEXEC",
			 "the same",
			 false },
	[FEAT_MNT_ID] = { "mnt_id in /proc/PID/fdinfo", "3.15",
			  "the mount id of name_to_handle_at",
			  "a directory on a file system without file handles "
			  "cannot be told from another namespace's: refused "
			  "in deny mode, <unresolved> in trace mode", true },
	[FEAT_OPENAT2] = { "openat2", "5.6",
			   "a step-by-step walk",
			   "slower walks of the link paths; chrooted callers "
			   "too", true },
	/* Every kernel before 6.11, which all distributions still run: not
	 * worth a line at every start. */
	[FEAT_PROCMAP_QUERY] = { "PROCMAP_QUERY", "6.11",
				 "/proc/PID/maps read and parsed",
				 "slower SHARED checks", false },
};

static enum feat_state yes_no(bool yes)
{
	return yes ? FEAT_YES : FEAT_NO;
}

/* The ptrace probes, on a throwaway child that waits in pause(). */
static void probe_ptrace(struct features *f)
{
	struct __ptrace_syscall_info info;
	int status;
	long n;
	pid_t pid = fork();

	if (pid < 0)
		return; /* unknown: the real attempt will say why */
	if (pid == 0) {
		for (;;)
			pause();
	}
	if (ptrace(PTRACE_SEIZE, pid, 0, 0) == 0) {
		f->have[FEAT_SEIZE] = FEAT_YES;
		if (ptrace(PTRACE_INTERRUPT, pid, 0, 0) < 0)
			goto out;
	} else if (errno == EIO) {
		/* An unknown request (before 3.4).  PTRACE_ATTACH for the
		 * rest of the table: its SIGSTOP stops the child. */
		f->have[FEAT_SEIZE] = FEAT_NO;
		if (ptrace(PTRACE_ATTACH, pid, 0, 0) < 0)
			goto out;
	} else {
		/* EPERM (ptrace forbidden here): all unknown. */
		goto out;
	}
	if (waitpid(pid, &status, __WALL) != pid || !WIFSTOPPED(status))
		goto out;
	/* SETOPTIONS answers EINVAL for an option it does not know. */
	errno = 0;
	if (ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESECCOMP) == 0 ||
	    errno == EINVAL)
		f->have[FEAT_TRACESECCOMP] = yes_no(errno == 0);
	errno = 0;
	if (ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_EXITKILL) == 0 ||
	    errno == EINVAL)
		f->have[FEAT_EXITKILL] = yes_no(errno == 0);
	/* An unknown request: EIO. */
	memset(&info, 0, sizeof(info));
	n = ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof(info), &info);
	if (n > 0 || errno == EIO)
		f->have[FEAT_SYSCALL_INFO] = yes_no(n > 0);
out:
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, __WALL) < 0 && errno == EINTR)
		;
}

/* SECCOMP_MODE_FILTER with a NULL program: EFAULT where the kernel has
 * filters (it reads the program first), EINVAL where it does not.  Nothing
 * is installed either way. */
static enum feat_state probe_seccomp_filter(void)
{
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, NULL, 0, 0) == 0)
		return FEAT_UNKNOWN; /* cannot be */
	return errno == EFAULT ? FEAT_YES
	       : errno == EINVAL ? FEAT_NO
				 : FEAT_UNKNOWN;
}

static enum feat_state probe_vm_readv(void)
{
	char src = 'x', dst = 0;
	struct iovec l = { &dst, 1 }, r = { &src, 1 };

	if (process_vm_readv(getpid(), &l, 1, &r, 1, 0) == 1)
		return FEAT_YES;
	return errno == ENOSYS ? FEAT_NO : FEAT_UNKNOWN;
}

static enum feat_state probe_openat2(void)
{
	/* struct open_how: flags, mode, resolve (5.6). */
	unsigned long long how[3] = { O_PATH | O_CLOEXEC, 0, 0 };
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, "/", how, sizeof(how));

	if (fd >= 0) {
		close(fd);
		return FEAT_YES;
	}
	return errno == ENOSYS ? FEAT_NO : FEAT_UNKNOWN;
}

/* "mnt_id:" in the fdinfo of fd (3.15). */
static enum feat_state probe_mnt_id(int fd)
{
	char path[64], buf[512];

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	if (read_small_file(path, buf, sizeof(buf)) <= 0)
		return FEAT_UNKNOWN;
	return yes_no(strstr(buf, "mnt_id:") != NULL);
}

/* ENOTTY (or EINVAL) where /proc/PID/maps has no ioctl; ENOENT (nothing
 * mapped at 0) where it has. */
static enum feat_state probe_procmap_query(void)
{
	struct st_procmap_query q;
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	enum feat_state st = FEAT_UNKNOWN;

	if (fd < 0)
		return st;
	memset(&q, 0, sizeof(q));
	q.size = sizeof(q);
	if (ioctl(fd, ST_PROCMAP_QUERY, &q) == 0 || errno == ENOENT)
		st = FEAT_YES;
	else if (errno == ENOTTY || errno == EINVAL)
		st = FEAT_NO;
	close(fd);
	return st;
}

int features_pipe_cloexec(int fd[2])
{
	if (pipe2(fd, O_CLOEXEC) == 0)
		return 0;
	if (errno != ENOSYS)
		return -1;
	/* Before 2.6.27.  symtrace has one thread, and nothing forks
	 * between the two calls: no exec can inherit the fds meanwhile.
	 * The system call itself: a C library's pipe() may be pipe2(fd, 0)
	 * (glibc 2.36's is, on x86-64). */
#ifdef SYS_pipe
	if (syscall(SYS_pipe, fd) < 0)
		return -1;
#else
	if (pipe(fd) < 0)
		return -1;
#endif
	fcntl(fd[0], F_SETFD, FD_CLOEXEC);
	fcntl(fd[1], F_SETFD, FD_CLOEXEC);
	return 0;
}

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void probe_all(struct features *f)
{
	long long t0 = now_us();
	int fd[2];

	memset(f, 0, sizeof(*f));
	probe_ptrace(f);
	f->have[FEAT_SECCOMP_FILTER] = probe_seccomp_filter();
	f->have[FEAT_VM_READV] = probe_vm_readv();
	f->have[FEAT_OPENAT2] = probe_openat2();
	f->have[FEAT_PROCMAP_QUERY] = probe_procmap_query();
	/* The system call itself: musl's pipe2() falls back to pipe. */
	if (syscall(SYS_pipe2, fd, O_CLOEXEC) == 0) {
		f->have[FEAT_PIPE2] = FEAT_YES;
	} else {
		f->have[FEAT_PIPE2] = errno == ENOSYS ? FEAT_NO : FEAT_UNKNOWN;
		if (features_pipe_cloexec(fd) < 0)
			fd[0] = fd[1] = -1;
	}
	if (fd[0] >= 0) {
		f->have[FEAT_MNT_ID] = probe_mnt_id(fd[0]);
		close(fd[0]);
		close(fd[1]);
	}
	/* The seccomp stop order (seccomp-order.c; the result is kept, so
	 * the run's own choice of order costs nothing more).  Without the
	 * filter there is no order to find. */
	f->have[FEAT_SECCOMP_ORDER] = FEAT_UNKNOWN;
	if (f->have[FEAT_SECCOMP_FILTER] == FEAT_YES)
		switch (detect_seccomp_order()) {
		case SECCOMP_ORDER_NEW:
			f->have[FEAT_SECCOMP_ORDER] = FEAT_YES;
			break;
		case SECCOMP_ORDER_OLD:
			f->have[FEAT_SECCOMP_ORDER] = FEAT_NO;
			break;
		default:
			break;
		}
	f->probe_us = now_us() - t0;
}

const struct features *features_get(void)
{
	static struct features f;
	static bool probed;

	if (!probed) {
		probe_all(&f);
		probed = true;
	}
	return &f;
}

static const char *state_word(enum feat_state st)
{
	return st == FEAT_YES ? "yes" : st == FEAT_NO ? "no" : "?";
}

void features_print_table(FILE *out, const struct features *f)
{
	fprintf(out, "%-38s %-6s %-4s %s\n", "FEATURE", "LINUX", "HERE",
		"WITHOUT IT");
	for (int i = 0; i < FEAT_COUNT; i++) {
		const struct feature_desc *d = &feature_descs[i];

		fprintf(out, "%-38s %-6s %-4s %s (%s)\n", d->name,
			d->since, state_word(f->have[i]), d->without,
			d->effect);
	}
}

void features_notice(enum feature x, char *buf, size_t size)
{
	const struct feature_desc *d = &feature_descs[x];

	snprintf(buf, size, "kernel lacks %s (Linux %s): %s instead (%s)",
		 d->name, d->since, d->without, d->effect);
}
