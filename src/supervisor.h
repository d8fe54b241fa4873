/* supervisor.h - spawn or attach, the wait loop, stop classification. */
#ifndef SYMTRACE_SUPERVISOR_H
#define SYMTRACE_SUPERVISOR_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "output.h"
#include "policy.h"

/* --fail: what becomes of the traced processes if symtrace dies. */
enum fail_mode {
	FAIL_DEFAULT, /* closed when a rule can deny, else open */
	FAIL_CLOSED,  /* PTRACE_O_EXITKILL: they are killed */
	FAIL_OPEN,    /* they run on, unguarded */
};

struct config {
	char **argv;        /* COMMAND [ARG...] (run mode), or NULL */
	pid_t *pids;        /* -p PIDs (attach mode) */
	size_t npids;
	int tree;           /* -p: also every descendant (--tree 1,
			     * --no-tree 0, -1: when a rule can deny) */
	enum fail_mode fail; /* --fail */
	int prefilter;      /* -p: the prefilter injected (--prefilter 1,
			     * --no-prefilter 0, -1: when a rule can deny) */
	bool exit_with_command; /* run mode: end when the command ends */
	bool no_seccomp;    /* stop at every syscall */
	bool no_syscall_info; /* force the register fallback */
	int verbose;        /* -v: +++ exited +++ lines */
	bool quiet;         /* -q: no attach/detach notices */
	bool json;          /* --json, --format=json */
	bool kv;            /* --format=kv */
	bool journal;       /* --journal (or chosen, see journal_only) */
	bool journal_only;  /* chosen by $JOURNAL_STREAM: the journal
			     * instead of the output */
	int journal_fd;     /* journal_open()ed socket when journal */
	int summary;        /* 0; 1 = -c (summary only); 2 = -C (both) */
	bool syslog;        /* --syslog: events also to syslog(3) */
	struct output_opts oo;
	int out_fd;         /* where events go */
	const char *out_path; /* -o FILE (reopened when renamed), or NULL */
	bool out_append;    /* -A */
	struct policy *policy; /* NULL or empty: trace only */
};

/* Run the whole session; returns symtrace's exit status (the command's
 * status in run mode).  Errors that prevent tracing exit from here via
 * die() with EXIT_SYMTRACE_FAILURE. */
int supervise(const struct config *cfg);

#endif
