/* kfeatures.h - what the running kernel offers, learnt once at start
 * (issue 18), and the table of what symtrace does without each feature:
 * `symtrace --features` prints it, session.c picks the fallbacks and the
 * one-line notices from it. */
#ifndef SYMTRACE_KFEATURES_H
#define SYMTRACE_KFEATURES_H

#include <stdbool.h>
#include <stdio.h>

enum feature { /* in the order of the Linux releases */
	FEAT_PIPE2,         /* pipe2: 2.6.27 */
	FEAT_VM_READV,      /* process_vm_readv: 3.2 */
	FEAT_SEIZE,         /* PTRACE_SEIZE, INTERRUPT, LISTEN: 3.4 */
	FEAT_SECCOMP_FILTER, /* SECCOMP_MODE_FILTER, SECCOMP_RET_TRACE: 3.5 */
	FEAT_TRACESECCOMP,  /* PTRACE_O_TRACESECCOMP: 3.5 */
	FEAT_EXITKILL,      /* PTRACE_O_EXITKILL: 3.8 */
	FEAT_MNT_ID,        /* mnt_id in /proc/PID/fdinfo: 3.15 */
	FEAT_SECCOMP_ORDER, /* seccomp stop after the entry stop: 4.8 */
	FEAT_SYSCALL_INFO,  /* PTRACE_GET_SYSCALL_INFO: 5.3 */
	FEAT_OPENAT2,       /* openat2: 5.6 */
	FEAT_PROCMAP_QUERY, /* PROCMAP_QUERY ioctl of /proc/PID/maps: 6.11 */
	FEAT_COUNT
};

enum feat_state {
	FEAT_UNKNOWN = 0, /* not probed (ptrace refused: the run fails
			   * with its own message), or nobody asked */
	FEAT_NO,
	FEAT_YES,
};

struct features {
	enum feat_state have[FEAT_COUNT];
	long long probe_us; /* what the probes cost */
};

/* The fixed part of the table. */
struct feature_desc {
	const char *name;    /* "PTRACE_O_EXITKILL" */
	const char *since;   /* "3.8": the Linux release that added it */
	const char *without; /* what symtrace does instead */
	const char *effect;  /* what that costs or changes */
	bool notice;         /* said at start when missing and used */
};
extern const struct feature_desc feature_descs[FEAT_COUNT];

/* The kernel's answers, probed on the first call (a throwaway child for
 * the ptrace ones, a few cheap syscalls for the rest), then kept. */
const struct features *features_get(void);

/* Is f known to be missing?  (Unknown counts as present: the call that
 * needs it then fails with its own error.) */
static inline bool features_lack(const struct features *f, enum feature x)
{
	return f->have[x] == FEAT_NO;
}

/* The whole table, one line a feature (name, Linux release, here yes /
 * no / ?, what symtrace does without it); pure. */
void features_print_table(FILE *out, const struct features *f);

/* The one-line notice for a missing feature:
 * "kernel lacks NAME (Linux V): WITHOUT instead (EFFECT)"; pure. */
void features_notice(enum feature x, char *buf, size_t size);

/* pipe2(fd, O_CLOEXEC), or pipe and FD_CLOEXEC where the kernel has no
 * pipe2 (before 2.6.27).  0 or -1 with errno. */
int features_pipe_cloexec(int fd[2]);

#endif
