/* session.h - the values derived once from the config, for the whole
 * session; passed as one const struct, never through file-scope
 * variables. */
#ifndef SYMTRACE_SESSION_H
#define SYMTRACE_SESSION_H

#include <stdbool.h>

#include "policy.h"
#include "supervisor.h"

#define SESSION_MAX_NOTES 8

struct session {
	const struct config *cfg;
	bool enforcing;     /* some rule can deny: side doors are closed */
	bool moves_checked; /* enforcing with link= or target= rules:
			     * rename/link are delegated and judged */
	/* What inspect_ident() must read: only what the output and rules
	 * use (the first rules; struct judge follows a reload). */
	unsigned ident_needed;
	bool seize;         /* PTRACE_SEIZE back end; false: PTRACE_TRACEME
			     * and PTRACE_ATTACH (noseize.h) */
	bool use_info;      /* try PTRACE_GET_SYSCALL_INFO */
	bool filtered;      /* the seccomp prefilter is installed */
	bool attach_mode;   /* -p: attach to running processes */
	bool inject;        /* -p: the prefilter is injected into each
			     * attached process (inject.h) */
	bool attach_tree;   /* -p: every descendant too (--tree) */
	bool fail_closed;   /* PTRACE_O_EXITKILL: the tracees die with
			     * symtrace (--fail) */
	/* Deny mode may keep what it learns of a task (judge.c: the
	 * per-task cache); not when the output needs the parent pid
	 * (JSON), which changes without any call of the task. */
	bool cache_creds;
	bool exitkill;      /* the kernel has PTRACE_O_EXITKILL */
	unsigned long ptrace_options; /* PTRACE_SEIZE's (PTRACE_SETOPTIONS'
				       * without it) */
	int poll_count;     /* polls before blocking (supervisor.c) */
	/* What the kernel lacks that matters for this run, one line each
	 * (said at start), and why symtrace cannot run at all ("" if it
	 * can). */
	char notes[SESSION_MAX_NOTES][320];
	int nnotes;
	char refusal[320];
};

struct features;

/* The session from the config and the kernel's features; pure. */
void session_derive(struct session *s, const struct config *cfg,
		    const struct features *f);
/* session_derive() with the features of this kernel (probed once); the
 * notices on stderr; dies with the refusal, if any.  SYMTRACE_NO_SEIZE=1
 * in the environment (for testing) takes PTRACE_SEIZE as missing,
 * without its notice. */
void session_init(struct session *s, const struct config *cfg);
/* What inspect_ident() must read for the output and the rules p (the
 * rules may be replaced: control.h). */
unsigned session_ident_needed(const struct config *cfg,
			      const struct policy *p);

#endif
