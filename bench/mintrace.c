/*
 * mintrace: the smallest tracer that does what symtrace must do to see
 * symlink calls, and nothing else.  It is the floor symtrace is compared
 * against: every cost above mintrace's is symtrace's own work.
 *
 * usage: mintrace [--every | --exit | --delegate] [--spin=USEC | --poll=N]
 *        [--] COMMAND [ARG...]
 *
 * Default mode: the child installs a seccomp filter that returns
 * SECCOMP_RET_TRACE for symlink and symlinkat (x86_64, i386, x32, as
 * symtrace does; an unknown arch also traces) and ALLOW for everything
 * else; the parent PTRACE_SEIZEs it with TRACESECCOMP, the fork/clone/vfork/
 * exec events, EXITKILL and TRACESYSGOOD, and on every stop just resumes it
 * with PTRACE_CONT (signal-delivery stops re-inject the signal, group-stops
 * are PTRACE_LISTENed).  Nothing is read from the tracee.
 *
 * --every: no filter; every stop is resumed with PTRACE_SYSCALL, so the
 * tracee stops at the entry and exit of every syscall (the floor of
 * symtrace --no-seccomp).
 *
 * --delegate: as the default, but at each seccomp-stop the tracer makes
 * the call itself, the least that deny mode's delegation can do (x86_64
 * ABI only): PTRACE_GET_SYSCALL_INFO, one process_vm_readv of both
 * strings, open(O_PATH) of the link's directory as the string names it,
 * symlinkat relative to it, close, and the skip (orig_rax = -1, rax =
 * the result: two PTRACE_POKEUSER).  Nothing is judged, no credentials
 * are taken, nothing is read twice: the floor of "the tracer makes the
 * call", which symtrace's deny mode is compared against as well.
 *
 * --exit: as the default, but a seccomp-stop is resumed with PTRACE_SYSCALL
 * so that the call's exit stops too (and is resumed with PTRACE_CONT): two
 * stops per symlink call, as a tracer that reports the return value needs
 * (symtrace, strace --seccomp-bpf).
 *
 * --spin=USEC: before blocking in waitpid, poll waitpid(WNOHANG) for up to
 * USEC microseconds after each resume.  Shows what adaptive waiting can save
 * when the tracer would otherwise go idle between two stops.
 *
 * --poll=N: before blocking, up to N polls of waitpid(WNOHANG), each
 * followed by sched_yield() - symtrace's own way of waiting (its default
 * N is 100), so that the floor and symtrace wait alike.
 *
 * Exit status: the command's, or 128+N if it was killed by signal N.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <stdint.h>
#include <sys/uio.h>
#if defined(__x86_64__)
#include <sys/user.h>
#include <linux/ptrace.h>
#endif
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef PTRACE_EVENT_STOP
#define PTRACE_EVENT_STOP 128
#endif
#ifndef PTRACE_O_EXITKILL
#define PTRACE_O_EXITKILL (1 << 20)
#endif
#ifndef SECCOMP_RET_TRACE
#define SECCOMP_RET_TRACE 0x7ff00000U
#endif

#define TRACE BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE)
#define ALLOW BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)
#define NR BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr))
/* if (A == k) goto the TRACE right after the ALLOW that follows n further
 * JEQ_TRACEs, else next */
#define JEQ_TRACE(k, n) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), (n) + 1, 0)

#if defined(__x86_64__) || defined(__i386__)
#define X32_BIT 0x40000000U
static struct sock_filter filter[] = {
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 2, 0), /* 4 */
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_I386, 11, 0),  /* 14 */
	TRACE, /* unknown arch: fail closed */
	/* 4: x86_64 and x32 */
	NR,
	BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, X32_BIT, 4, 0), /* 10 */
	JEQ_TRACE(88, 1),  /* symlink */
	JEQ_TRACE(266, 0), /* symlinkat */
	ALLOW,
	TRACE,
	/* 10: x32 */
	JEQ_TRACE(88 | X32_BIT, 1),
	JEQ_TRACE(266 | X32_BIT, 0),
	ALLOW,
	TRACE,
	/* 14: i386 */
	NR,
	JEQ_TRACE(83, 1),  /* symlink */
	JEQ_TRACE(304, 0), /* symlinkat */
	ALLOW,
	TRACE,
};
#else
/* Other architectures: the native ABI only. */
#if !defined(AUDIT_ARCH_NATIVE)
#error "mintrace: define AUDIT_ARCH_NATIVE for this architecture"
#endif
static struct sock_filter filter[] = {
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_NATIVE, 1, 0),
	TRACE,
	NR,
#ifdef SYS_symlink
	JEQ_TRACE(SYS_symlink, 1),
#else
	JEQ_TRACE(SYS_symlinkat, 1),
#endif
	JEQ_TRACE(SYS_symlinkat, 0),
	ALLOW,
	TRACE,
};
#endif

static long spin_usec, poll_count;

static double
now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static pid_t
wait_any(int *status)
{
	pid_t pid;

	if (spin_usec > 0) {
		double end = now_usec() + spin_usec;

		do {
			pid = waitpid(-1, status, __WALL | WNOHANG);
			if (pid != 0)
				return pid;
		} while (now_usec() < end);
	}
	for (long i = 0; i < poll_count; i++) {
		pid = waitpid(-1, status, __WALL | WNOHANG);
		if (pid != 0)
			return pid;
		sched_yield();
	}
	return waitpid(-1, status, __WALL);
}

#if defined(__x86_64__)
/* --delegate: make the stopped call (x86_64 symlink or symlinkat) here
 * and hand the tracee its result.  Other calls and ABIs are let run. */
static void
delegate(pid_t pid)
{
	struct ptrace_syscall_info si;
	char target[4096], link[4096], *slash, *name;
	struct iovec local[2], remote[2];
	const unsigned long long *a;
	int dirfd, r;

	if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof(si), &si) <= 0 ||
	    si.op != PTRACE_SYSCALL_INFO_SECCOMP ||
	    si.arch != AUDIT_ARCH_X86_64)
		return;
	a = si.seccomp.args;
	local[0] = (struct iovec){ target, sizeof(target) };
	local[1] = (struct iovec){ link, sizeof(link) };
	remote[0].iov_base = (void *)(uintptr_t)a[0];
	remote[1].iov_base =
		(void *)(uintptr_t)(si.seccomp.nr == 88 ? a[1] : a[2]);
	/* Each string up to the end of its page, as symtrace's first read
	 * (which goes on page by page when there is no NUL there; the
	 * benchmark's strings are short). */
	for (int k = 0; k < 2; k++)
		remote[k].iov_len = local[k].iov_len =
			4096 - ((uintptr_t)remote[k].iov_base & 4095);
	if (process_vm_readv(pid, local, 2, remote, 2, 0) !=
	    (ssize_t)(local[0].iov_len + local[1].iov_len))
		return;
	/* A string that goes on past its page: the rest, page by page, as
	 * symtrace reads (a path on the stack can straddle two pages). */
	for (int k = 0; k < 2; k++) {
		char *buf = local[k].iov_base;
		size_t got = local[k].iov_len;

		while (!memchr(buf, '\0', got) && got < sizeof(target) - 1) {
			struct iovec l = { buf + got, 0 }, r = {
				(char *)remote[k].iov_base + got, 0 };

			l.iov_len = r.iov_len =
				sizeof(target) - 1 - got < 4096
					? sizeof(target) - 1 - got
					: 4096;
			if (process_vm_readv(pid, &l, 1, &r, 1, 0) <= 0)
				return;
			got += l.iov_len;
		}
	}
	target[sizeof(target) - 1] = link[sizeof(link) - 1] = '\0';
	slash = strrchr(link, '/');
	if (slash) {
		*slash = '\0';
		name = slash + 1;
		dirfd = open(slash == link ? "/" : link,
			     O_PATH | O_DIRECTORY | O_CLOEXEC);
	} else {
		name = link;
		dirfd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	}
	r = dirfd < 0 ? -errno
		      : symlinkat(target, dirfd, name) == 0 ? 0 : -errno;
	if (dirfd >= 0)
		close(dirfd);
	ptrace(PTRACE_POKEUSER, pid, offsetof(struct user_regs_struct, orig_rax),
	       -1L);
	ptrace(PTRACE_POKEUSER, pid, offsetof(struct user_regs_struct, rax),
	       (long)r);
}
#endif

int
main(int argc, char **argv)
{
	int every = 0, at_exit = 0, delegating = 0, ret = 0, status, fds[2], i;
	unsigned long opts;
	pid_t child, pid;
	char c = 0;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else if (!strcmp(argv[i], "--every"))
			every = 1;
		else if (!strcmp(argv[i], "--exit"))
			at_exit = 1;
		else if (!strcmp(argv[i], "--delegate")) {
#if defined(__x86_64__)
			delegating = 1;
#else
			fprintf(stderr, "mintrace: --delegate: x86_64 only\n");
			return 125;
#endif
		}
		else if (!strncmp(argv[i], "--spin=", 7))
			spin_usec = atol(argv[i] + 7);
		else if (!strncmp(argv[i], "--poll=", 7))
			poll_count = atol(argv[i] + 7);
		else {
			fprintf(stderr, "mintrace: unknown option %s\n",
				argv[i]);
			return 125;
		}
	}
	if (i >= argc) {
		fprintf(stderr,
			"usage: mintrace [--every | --exit | --delegate] "
			"[--spin=USEC | --poll=N] "
			"[--] COMMAND "
			"[ARG...]\n");
		return 125;
	}
	if (pipe(fds) < 0) {
		perror("mintrace: pipe");
		return 125;
	}
	child = fork();
	if (child < 0) {
		perror("mintrace: fork");
		return 125;
	}
	if (child == 0) {
		struct sock_fprog prog = {
			.len = sizeof(filter) / sizeof(filter[0]),
			.filter = filter,
		};

		close(fds[1]);
		/* Wait until seized: a TRACE verdict with no tracer fails
		 * the call with ENOSYS. */
		if (read(fds[0], &c, 1) != 1)
			_exit(125);
		close(fds[0]);
		if (!every &&
		    (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		     prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)) {
			perror("mintrace: seccomp filter");
			_exit(125);
		}
		execvp(argv[i], argv + i);
		perror(argv[i]);
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(fds[0]);
	opts = PTRACE_O_TRACEFORK | PTRACE_O_TRACECLONE | PTRACE_O_TRACEVFORK |
	       PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL | PTRACE_O_TRACESYSGOOD;
	if (!every)
		opts |= PTRACE_O_TRACESECCOMP;
	if (ptrace(PTRACE_SEIZE, child, 0, opts) < 0) {
		perror("mintrace: PTRACE_SEIZE");
		kill(child, SIGKILL);
		return 125;
	}
	if (write(fds[1], &c, 1) != 1) {
		perror("mintrace: write");
		return 125;
	}
	close(fds[1]);

	/* In --every mode the first stop that resumes with PTRACE_SYSCALL
	 * starts the syscall stops; until then the child runs freely up to
	 * its exec (PTRACE_EVENT_EXEC) -- the handful of calls in between
	 * do not matter. */
	for (;;) {
		int req = every ? PTRACE_SYSCALL : PTRACE_CONT;
		int sig, event;

		pid = wait_any(&status);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD)
				break;
			perror("mintrace: waitpid");
			return 125;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			if (pid == child)
				ret = WIFEXITED(status)
					      ? WEXITSTATUS(status)
					      : 128 + WTERMSIG(status);
			continue;
		}
		if (!WIFSTOPPED(status))
			continue;
		sig = WSTOPSIG(status);
		event = (unsigned)status >> 16;
		if (event == PTRACE_EVENT_STOP) {
			if (sig == SIGSTOP || sig == SIGTSTP ||
			    sig == SIGTTIN || sig == SIGTTOU)
				ptrace(PTRACE_LISTEN, pid, 0, 0); /* group-stop */
			else
				ptrace(req, pid, 0, 0); /* new tracee */
		} else if (delegating && event == PTRACE_EVENT_SECCOMP) {
#if defined(__x86_64__)
			delegate(pid);
#endif
			ptrace(PTRACE_CONT, pid, 0, 0);
		} else if (at_exit && event == PTRACE_EVENT_SECCOMP) {
			ptrace(PTRACE_SYSCALL, pid, 0, 0); /* stop at exit */
		} else if (event != 0 || sig == (SIGTRAP | 0x80)) {
			ptrace(req, pid, 0, 0); /* event or syscall stop */
		} else {
			ptrace(req, pid, 0, sig); /* signal-delivery stop */
		}
	}
	return ret;
}
