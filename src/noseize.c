/* noseize.c - the PTRACE_ATTACH / PTRACE_TRACEME back end (noseize.h).
 *
 * Why a new task is traced from its first instruction here too: the
 * command calls PTRACE_TRACEME and stops itself before it installs the
 * filter or execs; its parent sets PTRACE_O_TRACEFORK, VFORK, CLONE
 * (and EXEC, SYSGOOD) at that stop, before the child runs anything else.
 * From then on the kernel attaches every child of a traced task to us
 * inside fork/clone itself (ptrace_init_task(), with the options
 * inherited), before the child is ever scheduled, and queues a SIGSTOP
 * for it: its first stop is that SIGSTOP's delivery, before it returns
 * to user space.  (With PTRACE_SEIZE the kernel queues a trap instead of
 * the SIGSTOP - PTRACE_EVENT_STOP - and that is the only difference.)
 * Until that first stop it is resumed by nobody: no call of it runs
 * unseen.  Attach mode's tasks run untraced until their first stop, as
 * with PTRACE_SEIZE: attaching never makes a call that was running go
 * unjudged after the first stop. */
#include "noseize.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int noseize_traceme(void)
{
	if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
		return -errno;
	/* Traced now: SIGSTOP cannot be ignored, and a traced task stops
	 * at its delivery (a signal-delivery-stop), which the parent
	 * waits for. */
	raise(SIGSTOP);
	return 0;
}

int noseize_child_stopped(pid_t pid, unsigned long opts)
{
	int status;
	pid_t r;

	for (;;) {
		r = waitpid(pid, &status, __WALL);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (!WIFSTOPPED(status))
			return -ECHILD;
		if (WSTOPSIG(status) == SIGSTOP)
			break;
		/* Another signal first (sent to symtrace's process group
		 * before the child stopped itself): delivered; the child
		 * runs on to its SIGSTOP (no option is set yet: it makes
		 * no other stop). */
		if (ptrace(PTRACE_CONT, pid, 0, WSTOPSIG(status)) < 0)
			return -errno;
	}
	if (ptrace(PTRACE_SETOPTIONS, pid, 0, opts) < 0)
		return -errno;
	return 0;
}

int noseize_attach(pid_t tid)
{
	return ptrace(PTRACE_ATTACH, tid, 0, 0) < 0 ? -errno : 0;
}

int noseize_set_options(pid_t tid, unsigned long opts)
{
	return ptrace(PTRACE_SETOPTIONS, tid, 0, opts) < 0 ? -errno : 0;
}

int noseize_interrupt(pid_t tid)
{
	/* tkill: thread-directed, so this very task stops; si_code
	 * SI_TKILL and si_pid ours mark it as symtrace's. */
	return syscall(SYS_tkill, tid, SIGSTOP) < 0 ? -errno : 0;
}

enum siginfo_says noseize_siginfo(pid_t tid, int sig)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (ptrace(PTRACE_GETSIGINFO, tid, 0, &si) < 0)
		/* EINVAL: no signal is being delivered - a group-stop
		 * (ptrace(2), "Group-stop").  ESRCH: killed meanwhile,
		 * its end is on its way; anything resumes it harmlessly. */
		return errno == EINVAL ? SIGINFO_NONE : SIGINFO_DELIVERY;
	if (sig == SIGSTOP && si.si_signo == SIGSTOP &&
	    si.si_code == SI_TKILL && si.si_pid == getpid())
		return SIGINFO_OURS;
	return SIGINFO_DELIVERY;
}
