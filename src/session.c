/* session.c - derive the session's values from the config (session.h). */
#include "session.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>

#include "compat.h"
#include "kfeatures.h"
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

/* PTRACE_O_TRACESECCOMP only with the filter: a kernel without it (before
 * 3.5) refuses the whole PTRACE_SEIZE (EIO) for one option it does not
 * know, and --no-seccomp or -p must work there. */
static unsigned long ptrace_options(const struct session *s)
{
	unsigned long o = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK |
			  PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
			  PTRACE_O_TRACEEXEC;

	if (s->filtered || s->inject)
		o |= PTRACE_O_TRACESECCOMP;
	/* Fail closed: if symtrace dies, what it guards dies too (where
	 * the kernel can: see session_derive()). */
	if (s->fail_closed && s->exitkill)
		o |= PTRACE_O_EXITKILL;
	return o;
}

unsigned session_ident_needed(const struct config *cfg,
			      const struct policy *p)
{
	/* JSON, key=value, syslog and journal records carry every field. */
	unsigned n = cfg->json || cfg->kv || cfg->syslog || cfg->journal
			     ? INSPECT_ALL
			     : 0;

	if (p && policy_needs_creds(p))
		n |= INSPECT_CREDS;
	if (p && policy_needs_comm(p))
		n |= INSPECT_COMM;
	if (p && policy_needs_exe(p))
		n |= INSPECT_EXE;
	return n;
}

static void note(struct session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note(struct session *s, const char *fmt, ...)
{
	va_list ap;

	if (s->nnotes >= SESSION_MAX_NOTES)
		return;
	va_start(ap, fmt);
	vsnprintf(s->notes[s->nnotes++], sizeof(s->notes[0]), fmt, ap);
	va_end(ap);
}

static void note_feature(struct session *s, enum feature x)
{
	if (s->nnotes < SESSION_MAX_NOTES)
		features_notice(x, s->notes[s->nnotes++], sizeof(s->notes[0]));
}

void session_derive(struct session *s, const struct config *cfg,
		    const struct features *f)
{
	*s = (struct session){ .cfg = cfg };
	s->enforcing = cfg->policy && policy_can_deny(cfg->policy);
	s->moves_checked = s->enforcing && policy_judges_moves(cfg->policy);
	s->cache_creds = !cfg->json;
	s->ident_needed = session_ident_needed(cfg, cfg->policy);
	s->attach_mode = cfg->npids > 0;
	s->poll_count = poll_count();

	/* The kernel (issue 18; the table and its texts: kfeatures.c).
	 * Each fallback that matters for this run is said once. */
	/* Without PTRACE_SEIZE (before 3.4): PTRACE_TRACEME and
	 * PTRACE_ATTACH (noseize.h), job control approximate. */
	s->seize = !features_lack(f, FEAT_SEIZE);
	if (!s->seize)
		note_feature(s, FEAT_SEIZE);
	/* Attach mode installs no filter before the attach (there is no
	 * child to install it in) ... */
	s->filtered = !s->attach_mode && !cfg->no_seccomp;
	/* ... unless it is injected (inject.h): by default when a rule can
	 * deny (then the guarded calls failing with ENOSYS after a detach,
	 * or if symtrace dies, is failing closed) and --fail=open was not
	 * asked (the processes are to run on as if never traced), in trace
	 * mode only when asked. */
	s->inject = s->attach_mode && !cfg->no_seccomp &&
		    (cfg->prefilter < 0
			     ? s->enforcing && cfg->fail != FAIL_OPEN
			     : cfg->prefilter > 0);
	if (s->inject && (features_lack(f, FEAT_SECCOMP_FILTER) ||
			  features_lack(f, FEAT_TRACESECCOMP))) {
		s->inject = false;
		note_feature(s, features_lack(f, FEAT_SECCOMP_FILTER)
					? FEAT_SECCOMP_FILTER
					: FEAT_TRACESECCOMP);
	}
	/* Attach mode: the existing descendants too, by default when a
	 * rule can deny (workers started before the attach would
	 * otherwise stay unguarded). */
	s->attach_tree = s->attach_mode &&
			 (cfg->tree < 0 ? s->enforcing : cfg->tree > 0);
	/* Default: closed when a rule can deny (a guard that dies must not
	 * leave its processes unguarded), open otherwise (a mere report
	 * should not take the traced processes down with it). */
	s->fail_closed = cfg->fail == FAIL_DEFAULT ? s->enforcing
						   : cfg->fail == FAIL_CLOSED;
	if (s->filtered && (features_lack(f, FEAT_SECCOMP_FILTER) ||
			    features_lack(f, FEAT_TRACESECCOMP))) {
		s->filtered = false;
		note_feature(s, features_lack(f, FEAT_SECCOMP_FILTER)
					? FEAT_SECCOMP_FILTER
					: FEAT_TRACESECCOMP);
	}
	s->use_info = !cfg->no_syscall_info;
	if (s->use_info && features_lack(f, FEAT_SYSCALL_INFO)) {
		s->use_info = false;
		note_feature(s, FEAT_SYSCALL_INFO);
	}
	if (features_lack(f, FEAT_VM_READV))
		note_feature(s, FEAT_VM_READV);
	if (features_lack(f, FEAT_MNT_ID))
		note_feature(s, FEAT_MNT_ID);
	if (features_lack(f, FEAT_OPENAT2))
		note_feature(s, FEAT_OPENAT2);

	s->exitkill = !features_lack(f, FEAT_EXITKILL);
	if (s->enforcing && !s->exitkill) {
		/* Without PTRACE_O_EXITKILL (before 3.8) the processes
		 * outlive symtrace.  With the filter the guarded calls then
		 * fail on their own: a SECCOMP_RET_TRACE filter with no
		 * tracer makes the call fail with ENOSYS (kernel/seccomp.c,
		 * __seccomp_filter(), case SECCOMP_RET_TRACE: "ENOSYS these
		 * calls if there is no tracer attached", since 3.5 where it
		 * was __secure_computing()'s "Skip these calls if there is no
		 * tracer").  Not a call in the middle of its judgment when
		 * symtrace dies: before 4.8 the kernel runs it once its
		 * tracer is gone (no re-check after the seccomp stop) - the
		 * man page's KERNELS says so.  Without the filter nothing
		 * guards them: only when asked (--fail=open). */
		if (s->filtered)
			note(s, "kernel lacks PTRACE_O_EXITKILL (Linux 3.8): "
				"the seccomp filter instead (if symtrace dies, "
				"the processes go on and their guarded calls "
				"fail with ENOSYS)");
		else if (!s->fail_closed)
			note(s, "kernel lacks PTRACE_O_EXITKILL (Linux 3.8): "
				"nothing instead (deny mode is NOT fail-closed: "
				"if symtrace dies, the processes go on "
				"unguarded)");
		else
			snprintf(s->refusal, sizeof(s->refusal),
				 "kernel lacks PTRACE_O_EXITKILL (Linux 3.8) "
				 "and %s: deny mode would not be fail-closed "
				 "(if symtrace died, the processes would go on "
				 "unguarded); --fail=open runs it so",
				 s->attach_mode ? "-p installs no seccomp "
						  "filter"
				 : cfg->no_seccomp
					 ? "--no-seccomp installs no seccomp "
					   "filter"
					 : "SECCOMP_MODE_FILTER (Linux 3.5)");
	}
	s->ptrace_options = ptrace_options(s);
}

void session_init(struct session *s, const struct config *cfg)
{
	struct features f = *features_get();
	const char *e = getenv("SYMTRACE_NO_SEIZE");
	bool forced = e && strcmp(e, "1") == 0 &&
		      !features_lack(&f, FEAT_SEIZE);
	char seize_note[sizeof(s->notes[0])];

	/* For testing the PTRACE_ATTACH back end on a kernel that has
	 * PTRACE_SEIZE: the rest of the kernel's features stay. */
	if (forced)
		f.have[FEAT_SEIZE] = FEAT_NO;
	session_derive(s, cfg, &f);
	if (s->refusal[0])
		die(EXIT_SYMTRACE_FAILURE, "%s", s->refusal);
	features_notice(FEAT_SEIZE, seize_note, sizeof(seize_note));
	for (int i = 0; i < s->nnotes; i++)
		if (!forced || strcmp(s->notes[i], seize_note) != 0)
			warn("%s", s->notes[i]);
}
