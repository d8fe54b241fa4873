/* session.h - the values derived once from the config, for the whole
 * session; passed as one const struct, never through file-scope
 * variables. */
#ifndef SYMTRACE_SESSION_H
#define SYMTRACE_SESSION_H

#include <stdbool.h>

#include "supervisor.h"

struct session {
	const struct config *cfg;
	bool enforcing;     /* some rule can deny: side doors are closed */
	bool moves_checked; /* enforcing with link= or target= rules:
			     * rename/link are delegated and judged */
	/* What inspect_ident() must read: only what the output and rules
	 * use. */
	unsigned ident_needed;
	bool use_info;      /* try PTRACE_GET_SYSCALL_INFO */
	bool filtered;      /* the seccomp prefilter is installed */
	bool attach_mode;   /* -p: attach to running processes */
	bool attach_tree;   /* -p: every descendant too (--tree) */
	bool fail_closed;   /* PTRACE_O_EXITKILL: the tracees die with
			     * symtrace (--fail) */
	/* Deny mode may keep what it learns of a task (judge.c: the
	 * per-task cache); not when the output needs the parent pid
	 * (JSON), which changes without any call of the task. */
	bool cache_creds;
	unsigned long ptrace_options; /* PTRACE_SEIZE's */
	int poll_count;     /* polls before blocking (supervisor.c) */
};

void session_init(struct session *s, const struct config *cfg);

#endif
