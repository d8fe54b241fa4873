/* stop.c - classify a waitpid() status (see stop.h); pure. */
#include "stop.h"

#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
	       sig == SIGTTOU;
}

enum stop_kind classify_stop(int status, bool first, bool attached)
{
	int sig;

	if (WIFEXITED(status) || WIFSIGNALED(status))
		return STOP_GONE;
	if (!WIFSTOPPED(status))
		return STOP_NONE;
	sig = WSTOPSIG(status);
	if (sig == (SIGTRAP | 0x80))
		return STOP_SYSCALL;
	switch ((unsigned)status >> 16) {
	case 0:
		return STOP_SIGNAL;
	case PTRACE_EVENT_SECCOMP:
		return STOP_SECCOMP;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		return STOP_NEW_CHILD;
	case PTRACE_EVENT_EXEC:
		return STOP_EXEC;
	case PTRACE_EVENT_STOP:
		if (first && !(attached && is_stop_signal(sig)))
			return STOP_START;
		return is_stop_signal(sig) ? STOP_GROUP : STOP_INTERRUPT;
	default:
		return STOP_OTHER_EVENT;
	}
}
