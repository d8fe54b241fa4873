/* session.c - derive the session's values from the config (session.h). */
#include "session.h"

#include <stdlib.h>
#include <sys/ptrace.h>

#include "inspect.h"
#include "policy.h"
#include "util.h"

/* Waiting: see wait_next() in supervisor.c.  SYMTRACE_POLL=N in the
 * environment overrides (0 = always block at once). */
#define POLL_DEFAULT 100

static int poll_count(void)
{
	const char *e = getenv("SYMTRACE_POLL");
	long long n = 0;

	return e && parse_ll(e, 0, 1000000, &n) == 0 ? (int)n : POLL_DEFAULT;
}

static unsigned long ptrace_options(bool enforcing)
{
	unsigned long o = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK |
			  PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
			  PTRACE_O_TRACEEXEC | PTRACE_O_TRACESECCOMP;

	/* Fail closed: if symtrace dies, what it guards dies too. */
	if (enforcing)
		o |= PTRACE_O_EXITKILL;
	return o;
}

void session_init(struct session *s, const struct config *cfg)
{
	*s = (struct session){ .cfg = cfg };
	s->enforcing = cfg->policy && policy_can_deny(cfg->policy);
	s->moves_checked = s->enforcing && policy_judges_moves(cfg->policy);
	s->cache_creds = !cfg->json;
	if (cfg->json || cfg->kv || cfg->syslog || cfg->journal)
		s->ident_needed = INSPECT_ALL;
	if (cfg->policy && policy_needs_creds(cfg->policy))
		s->ident_needed |= INSPECT_CREDS;
	if (cfg->policy && policy_needs_comm(cfg->policy))
		s->ident_needed |= INSPECT_COMM;
	if (cfg->policy && policy_needs_exe(cfg->policy))
		s->ident_needed |= INSPECT_EXE;
	s->use_info = !cfg->no_syscall_info;
	s->attach_mode = cfg->npids > 0;
	/* Attach mode never installs a filter: one left behind after
	 * detach would turn the family into ENOSYS. */
	s->filtered = !s->attach_mode && !cfg->no_seccomp;
	s->ptrace_options = ptrace_options(s->enforcing);
	s->poll_count = poll_count();
}
