/* seccomp-order.c - which comes first on this kernel, a call's seccomp
 * stop or its syscall-entry stop (seccomp-order.h).
 *
 * The child, seized by us, stops itself with SIGSTOP under a filter that
 * traces getppid (which nothing else in it calls) and then calls
 * getppid.  Resumed with PTRACE_SYSCALL from the signal stop, its call
 * makes both an entry stop and a seccomp stop; which of the two comes
 * first is the answer (see follow()).  The rest up to getppid's exit is
 * checked too: anything else and the order is not trusted (the caller
 * falls back to stopping at every call). */
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

/* At most this many stops (the probe makes 4 when run natively). */
#define MAX_STOPS 10000

/* What the child's stops say, or why they say nothing.  *reaped: the
 * child's end was waited for (its pid may be another's now).
 *
 * From its SIGSTOP on the child is resumed with PTRACE_SYSCALL: every
 * call makes an entry stop and an exit stop (exit_group only the entry),
 * so the syscall-stops before getppid's seccomp stop number an odd count
 * when the last of them was getppid's own entry stop (new order), an
 * even one when it was the exit of the call before (old order: getppid's
 * entry stop comes after).  Counting rather than expecting an exact
 * sequence keeps the answer right when the child makes calls of its own
 * between the SIGSTOP and getppid (under valgrind, which runs every call
 * of its guest with others around it).  After the seccomp stop come
 * getppid's exit stop (new order), or its entry and exit stops (old
 * order); then the child is killed: nothing after that is needed, and
 * under valgrind its exit (a leak check) would cost more than the rest. */
static enum seccomp_order follow(pid_t pid, bool *reaped)
{
	enum seccomp_order order = SECCOMP_ORDER_UNKNOWN;
	long nsys = 0; /* syscall-stops after the SIGSTOP */
	long at_seccomp = -1; /* nsys at the seccomp stop */
	bool stopped = false;
	int status;

	for (int n = 0; n < MAX_STOPS; n++) {
		int sig = 0;
		unsigned event;

		if (waitpid(pid, &status, __WALL) < 0) {
			if (errno == EINTR) {
				n--;
				continue;
			}
			snprintf(why, sizeof(why), "waitpid: %s",
				 strerror(errno));
			return SECCOMP_ORDER_UNKNOWN;
		}
		*reaped = WIFEXITED(status) || WIFSIGNALED(status);
		if (WIFEXITED(status)) {
			int code = WEXITSTATUS(status);

			if (code >= CHILD_NO_FILTER && !stopped)
				snprintf(why, sizeof(why),
					 "cannot install a seccomp filter: %s",
					 strerror(code - CHILD_NO_FILTER));
			else
				snprintf(why, sizeof(why),
					 "the probe exited with %d after %ld "
					 "syscall stops (seccomp stop after "
					 "%ld)", code, nsys, at_seccomp);
			return SECCOMP_ORDER_UNKNOWN;
		}
		if (!WIFSTOPPED(status)) {
			snprintf(why, sizeof(why),
				 "the probe ended at stop %d (status %#x)", n,
				 (unsigned)status);
			return SECCOMP_ORDER_UNKNOWN;
		}
		event = (unsigned)status >> 16;
		if (!stopped) {
			/* Its own SIGSTOP, suppressed. */
			if (WSTOPSIG(status) != SIGSTOP || event != 0)
				goto unexpected;
			stopped = true;
		} else if (WSTOPSIG(status) == (SIGTRAP | 0x80)) {
			nsys++;
			if (at_seccomp >= 0 &&
			    nsys == at_seccomp +
					    (order == SECCOMP_ORDER_NEW ? 1 : 2))
				goto done; /* getppid's exit */
		} else if (WSTOPSIG(status) == SIGTRAP &&
			   event == PTRACE_EVENT_SECCOMP) {
			/* getppid's: once. */
			if (at_seccomp >= 0)
				goto unexpected;
			at_seccomp = nsys;
			order = nsys % 2 ? SECCOMP_ORDER_NEW
					 : SECCOMP_ORDER_OLD;
		} else if (event == 0) {
			/* A signal of its own: delivered, not counted. */
			sig = WSTOPSIG(status);
		} else {
			goto unexpected;
		}
		if (ptrace(PTRACE_SYSCALL, pid, 0, sig) < 0) {
			snprintf(why, sizeof(why),
				 "PTRACE_SYSCALL at stop %d: %s", n,
				 strerror(errno));
			return SECCOMP_ORDER_UNKNOWN;
		}
		continue;
	unexpected:
		snprintf(why, sizeof(why), "unexpected stop %d (status %#x)",
			 n, (unsigned)status);
		return SECCOMP_ORDER_UNKNOWN;
	}
	snprintf(why, sizeof(why), "more than %d stops", MAX_STOPS);
	return SECCOMP_ORDER_UNKNOWN;
done:
	/* Stopped at getppid's exit stop: it goes. */
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, __WALL) == pid || errno == EINTR) {
		if (WIFSIGNALED(status) || WIFEXITED(status)) {
			*reaped = true;
			return order;
		}
	}
	snprintf(why, sizeof(why), "waitpid: %s", strerror(errno));
	return SECCOMP_ORDER_UNKNOWN;
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
