/* seccomp-order.c - which comes first on this kernel, a call's seccomp
 * stop or its syscall-entry stop (seccomp-order.h).
 *
 * The child, seized by us, stops itself with SIGSTOP under a filter that
 * traces getppid (which nothing else in it calls) and then calls
 * getppid.  Resumed with PTRACE_SYSCALL from the signal stop, its call
 * makes both an entry stop and a seccomp stop; the first of the two is
 * the answer.  The rest of the sequence - getppid's exit stop, exit_group's
 * entry stop, exit status 0 - is checked too: anything else and the order
 * is not trusted (the caller falls back to stopping at every call). */
#include "seccomp-order.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "seccomp.h"

#ifndef PTRACE_EVENT_SECCOMP
#define PTRACE_EVENT_SECCOMP 7
#endif

/* The child's exit status when its filter cannot be installed: this +
 * errno (capped). */
#define CHILD_NO_FILTER 100

static struct seccomp_order_probe probe;
static bool probed;
static char why[128];

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static void __attribute__((noreturn)) child(int go_fd)
{
	/* getppid traced, everything else allowed.  The child makes only
	 * native calls, so the number alone is enough. */
	static const struct sock_filter prog[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	char c;
	int r;

	/* Seized first: without a tracer RET_TRACE is ENOSYS. */
	while (read(go_fd, &c, 1) < 0 && errno == EINTR)
		;
	r = seccomp_install(prog, (int)(sizeof(prog) / sizeof(prog[0])), true);
	if (r < 0)
		_exit(CHILD_NO_FILTER + (-r < 100 ? -r : 0));
	/* Raw calls: no library call may add a syscall between the stop
	 * and getppid. */
	syscall(SYS_kill, syscall(SYS_getpid), SIGSTOP);
	syscall(SYS_getppid);
	syscall(SYS_exit_group, 0);
	_exit(0); /* not reached */
}

/* What the child's stops say, or why they say nothing.  *reaped: the
 * child's end was waited for (its pid may be another's now). */
static enum seccomp_order follow(pid_t pid, bool *reaped)
{
	enum seccomp_order order = SECCOMP_ORDER_UNKNOWN;

	for (int step = 0;; step++) {
		int status;
		bool sysc, secc;

		if (waitpid(pid, &status, __WALL) < 0) {
			if (errno == EINTR) {
				step--;
				continue;
			}
			snprintf(why, sizeof(why), "waitpid: %s",
				 strerror(errno));
			return SECCOMP_ORDER_UNKNOWN;
		}
		*reaped = WIFEXITED(status) || WIFSIGNALED(status);
		if (WIFEXITED(status)) {
			int code = WEXITSTATUS(status);

			if (step == 5 && code == 0)
				return order;
			if (code >= CHILD_NO_FILTER && step == 0)
				snprintf(why, sizeof(why),
					 "cannot install a seccomp filter: %s",
					 strerror(code - CHILD_NO_FILTER));
			else
				snprintf(why, sizeof(why),
					 "the probe exited with %d at stop %d",
					 code, step);
			return SECCOMP_ORDER_UNKNOWN;
		}
		if (!WIFSTOPPED(status)) {
			snprintf(why, sizeof(why),
				 "the probe ended at stop %d (status %#x)",
				 step, (unsigned)status);
			return SECCOMP_ORDER_UNKNOWN;
		}
		sysc = WSTOPSIG(status) == (SIGTRAP | 0x80);
		secc = WSTOPSIG(status) == SIGTRAP &&
		       (unsigned)status >> 16 == PTRACE_EVENT_SECCOMP;
		switch (step) {
		case 0: /* its own SIGSTOP (suppressed below) */
			if (WSTOPSIG(status) != SIGSTOP ||
			    (unsigned)status >> 16 != 0)
				goto unexpected;
			break;
		case 1: /* getppid: the entry stop or the seccomp stop */
			if (!sysc && !secc)
				goto unexpected;
			order = secc ? SECCOMP_ORDER_OLD : SECCOMP_ORDER_NEW;
			break;
		case 2: /* ... the other one */
			if (order == SECCOMP_ORDER_OLD ? !sysc : !secc)
				goto unexpected;
			break;
		case 3: /* getppid's exit */
		case 4: /* exit_group's entry */
			if (!sysc)
				goto unexpected;
			break;
		default:
			goto unexpected;
		}
		if (ptrace(PTRACE_SYSCALL, pid, 0, 0) < 0) {
			snprintf(why, sizeof(why),
				 "PTRACE_SYSCALL at stop %d: %s", step,
				 strerror(errno));
			return SECCOMP_ORDER_UNKNOWN;
		}
		continue;
	unexpected:
		snprintf(why, sizeof(why), "unexpected stop %d (status %#x)",
			 step, (unsigned)status);
		return SECCOMP_ORDER_UNKNOWN;
	}
}

static enum seccomp_order run_probe(void)
{
	enum seccomp_order order = SECCOMP_ORDER_UNKNOWN;
	int go[2], status;
	bool reaped = false;
	pid_t pid;

	if (pipe2(go, O_CLOEXEC) < 0) {
		snprintf(why, sizeof(why), "pipe: %s", strerror(errno));
		return order;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(go[1]);
		child(go[0]);
	}
	close(go[0]);
	if (pid < 0) {
		snprintf(why, sizeof(why), "fork: %s", strerror(errno));
	} else if (ptrace(PTRACE_SEIZE, pid, 0,
			  PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACESECCOMP) < 0) {
		snprintf(why, sizeof(why), "PTRACE_SEIZE: %s", strerror(errno));
	} else if (write(go[1], "x", 1) != 1) {
		snprintf(why, sizeof(why), "pipe write: %s", strerror(errno));
	} else {
		order = follow(pid, &reaped);
	}
	close(go[1]);
	if (pid > 0 && !reaped) {
		/* Failed half way: the child goes, whatever its state. */
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, __WALL) < 0 && errno == EINTR)
			;
	}
	return order;
}

const struct seccomp_order_probe *seccomp_order_probe(void)
{
	const char *e = getenv("SYMTRACE_SECCOMP_ORDER");
	long long t0;

	if (probed)
		return &probe;
	probed = true;
	if (e && *e) {
		probe.forced = true;
		if (strcmp(e, "old") == 0) {
			probe.order = SECCOMP_ORDER_OLD;
		} else if (strcmp(e, "new") == 0) {
			probe.order = SECCOMP_ORDER_NEW;
		} else {
			snprintf(why, sizeof(why),
				 "SYMTRACE_SECCOMP_ORDER=%.32s", e);
			probe.failed = why;
		}
		return &probe;
	}
	t0 = now_us();
	probe.order = run_probe();
	probe.usec = now_us() - t0;
	if (probe.order == SECCOMP_ORDER_UNKNOWN)
		probe.failed = why;
	return &probe;
}

enum seccomp_order detect_seccomp_order(void)
{
	return seccomp_order_probe()->order;
}
