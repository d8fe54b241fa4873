/* inject.h - attach mode: make each attached process install the seccomp
 * prefilter itself (issue 19), so that only the calls symtrace judges
 * stop, as in run mode.
 *
 * At a syscall-entry stop of one of its threads, the thread's call is
 * replaced by prctl(PR_SET_NO_NEW_PRIVS) (unless the process has
 * CAP_SYS_ADMIN or no_new_privs already) and, at its next entry stop, by
 * seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, prog), the
 * program written below the thread's red zone; at the exit stop of each,
 * the registers and the memory are put back and the instruction pointer
 * moved back over the syscall instruction, so the thread makes its own
 * call again, unchanged.  The filter stays when symtrace detaches: then
 * the calls it traces fail with ENOSYS (the kernel's answer to
 * SECCOMP_RET_TRACE without a tracer). */
#ifndef SYMTRACE_INJECT_H
#define SYMTRACE_INJECT_H

#include <stdbool.h>
#include <sys/types.h>

#include "arch.h"
#include "session.h"
#include "sink.h"
#include "tracee.h"

enum inject_result {
	/* Nothing done: the stop is handled as usual. */
	INJECT_NOT_HERE,
	/* One step done: t is at the exit stop of the injected call with
	 * its registers as at its entry stop but for the instruction
	 * pointer moved back over the syscall instruction and the number
	 * in the return register: resumed, it makes its own call again (a
	 * new first stop).  TF_FILTERED is set on t (and every task of its
	 * process) when the filter is in force. */
	INJECT_STEPPED,
	/* t ended during the injection: *status is its wait status, to be
	 * handled as if waitpid had returned it. */
	INJECT_GONE,
};

/* Should this stop be tried (t at a syscall-entry stop, neither
 * filtered nor refused)? */
static inline bool inject_wanted(const struct session *s,
				 const struct tracee *t)
{
	return s->inject && !(t->flags & (TF_FILTERED | TF_NO_INJECT));
}

/* t is stopped at the syscall-entry stop st (not a seccomp stop). */
enum inject_result inject_at_entry(const struct session *s,
				   struct sink *out, struct tracee *t,
				   const struct syscall_state *st,
				   int *status);

/* t's first stop: is it a thread of a filtered group, listed when the
 * filter was installed? */
void inject_first_stop(struct tracee *t);
/* Task tid is gone (reaped, or replaced by an exec). */
void inject_forget(pid_t tid);

#endif
