/* tracee.h - the table of traced tasks, by tid.  Knows nothing of ptrace. */
#ifndef SYMTRACE_TRACEE_H
#define SYMTRACE_TRACEE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "event.h"

enum {
	TF_STARTED = 1u << 0,    /* its first stop was seen */
	TF_IN_SYSCALL = 1u << 1, /* between entry and exit (bookkeeping for
	                          * the register fallback) */
	TF_ATTACHED = 1u << 2,   /* attach mode: seized by -p */
	TF_GROUP_STOP = 1u << 3, /* in a group-stop (PTRACE_LISTEN) */
	TF_GONE_PENDING = 1u << 4, /* ESRCH seen; its exit is on its way */
	TF_ROOT_CHANGING = 1u << 5, /* inside chroot or pivot_root */
	TF_ENTRY_DUE = 1u << 6,  /* old seccomp order: the next syscall-stop
	                          * is the entry stop of the call seen at
	                          * its seccomp stop (stop.h: CALL_ENTRY_DUE) */
	TF_FILTERED = 1u << 7,   /* attach mode: symtrace's prefilter is in
	                          * force for it (injected, or inherited) */
	TF_NO_INJECT = 1u << 8,  /* attach mode: the prefilter could not be
	                          * injected in its process: every call stops */
	/* Without PTRACE_SEIZE (noseize.h): */
	TF_SIGSTOP_DUE = 1u << 9, /* PTRACE_ATTACH's SIGSTOP not seen yet:
	                          * its delivery is the start, swallowed */
	TF_OPTIONS_DUE = 1u << 10, /* PTRACE_SETOPTIONS at its next stop */
};

struct proc_info;

/* What deny mode learns about a task once and keeps while the calls
 * that change it are not seen (judge.c: delegation_start(), forget_*). */
struct tracee_cache {
	struct proc_info *creds; /* its /proc/TID/status; NULL: not read */
	bool creds_ok;           /* creds is current */
	const char *why;         /* delegate_context() of creds */
	bool why_ok;             /* why is current */
	signed char own_root;    /* 1: its root is symtrace's, 0: not,
	                          * -1: not known */
};

struct tracee {
	pid_t tid;
	unsigned flags;
	struct event *ev; /* the pending call: entry seen, exit not yet */
	struct tracee_cache cache;
	struct tracee *next; /* hash chain */
};

struct tracee *tracee_find(pid_t tid);
/* Find or create. *created is set when the entry is new. */
struct tracee *tracee_get(pid_t tid, bool *created);
/* Remove and free (the pending event must have been taken already). */
void tracee_del(struct tracee *t);
size_t tracee_count(void);
/* Number of tids ever added. */
unsigned long tracee_seen(void);
/* Call fn for each tracee (fn must not delete other tracees). */
void tracee_foreach(void (*fn)(struct tracee *t, void *arg), void *arg);

#endif
