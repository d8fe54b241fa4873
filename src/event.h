/* event.h - one observed call of the symlink family, as reported.
 *
 * An event is filled at syscall entry (arguments, strings, resolved paths,
 * credentials, policy verdict) and completed at syscall exit (return value,
 * second read of the strings, what the kernel really created).  It is
 * reported exactly once: at exit, or when the tracee vanished before its
 * exit (finished == false, printed "= ?"). */
#ifndef SYMTRACE_EVENT_H
#define SYMTRACE_EVENT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "arch.h"

/* A NUL-terminated string read from tracee memory. */
enum tstr_status {
	TSTR_UNSET = 0, /* not read (argument absent) */
	TSTR_OK,        /* buf holds len bytes + NUL */
	TSTR_NULL,      /* the pointer was 0; printed NULL */
	TSTR_FAULT,     /* unreadable before a NUL was found; printed as hex */
	TSTR_TOOLONG,   /* no NUL within PATH_MAX bytes; buf holds the
	                 * PATH_MAX bytes read, printed with "..." after */
};

struct tstr {
	uint64_t addr;
	enum tstr_status status;
	size_t len;
	char *buf; /* malloc'd, NUL-terminated; NULL unless OK/TOOLONG */
	bool shared; /* lies in a shared writable mapping (TOCTOU) */
};

/* What the policy decided. */
enum action {
	ACT_NONE = 0, /* no policy in force / no rule matched: allowed */
	ACT_ALLOW,    /* a rule allowed it explicitly */
	ACT_DENY,     /* never ran; returned -errno */
	ACT_KILL,     /* never ran; the process was killed */
	ACT_AUDIT,    /* allowed, marked */
};

/* Tags on an event (bit set). */
enum {
	TAG_TOCTOU = 1u << 0, /* a string changed between reads, or the link
	                       * on disk differs from what was read */
	TAG_SHARED = 1u << 1, /* a string lies in a shared writable mapping */
	TAG_UNVERIFIED = 1u << 2, /* the created link could not be read back */
};

struct event {
	struct timespec time; /* CLOCK_REALTIME at entry */
	pid_t tid, pid, ppid; /* pid = thread group id */
	uid_t ruid, euid, fsuid;
	gid_t rgid, egid;
	/* Supplementary groups as read with the ids (for group= rules);
	 * malloc'd, NULL when none or not read. */
	gid_t *groups;
	int ngroups;
	char comm[17];
	char *exe; /* /proc/PID/exe, NULL if unknown */

	enum abi abi;
	enum sysc sc;       /* SC_SYMLINK or SC_SYMLINKAT */
	uint64_t nr;        /* raw syscall number (x32 bit included) */

	struct tstr target;   /* entry read */
	struct tstr linkpath; /* entry read */
	bool has_dirfd;       /* symlinkat: newdirfd argument present */
	int dirfd;            /* -100 = AT_FDCWD */
	char *dir;   /* directory newdirfd (or the cwd) names; NULL unknown */
	char *path;  /* absolute path the link lands at; NULL unknown */
	/* Trace mode: why path could not be resolved as the kernel will
	 * (it is then a lexical guess), e.g. "magic link"; NULL if it was.
	 * A static string. */
	const char *unresolved;
	/* Trace mode: the link's directory as found at entry (its real
	 * path and identity) for the check at exit, and the name the call
	 * gave in it; pin_dir NULL when not found.  The directory's fd is
	 * held (pin_held) while few calls are in progress (event_pin). */
	char *pin_dir;
	dev_t pin_dev;
	ino_t pin_ino;
	char *pin_last;
	bool pin_held;
	int pin_fd;
	char *target_resolved; /* target resolved lexically against the
	                        * link's directory; NULL unknown */
	char *target_physical; /* deny mode: where the target leads through
	                        * the filesystem (resolve_target()); NULL
	                        * when not resolved */
	const char *target_unjudged; /* why that resolution cannot be
	                              * judged (static), or NULL */
	unsigned move_flags; /* renameat2's or linkat's flags (reported) */

	bool finished; /* the exit was seen: ret is valid */
	int64_t ret;   /* 0 or -errno */

	enum action action;
	int rule;      /* 1-based number of the deciding rule; 0 = none */
	/* Where that rule comes from (policy_rule_origin()), malloc'd, or
	 * NULL: a copy, since the rules may be replaced (a reload) before
	 * the call is reported. */
	char *rule_at;
	int deny_errno;

	/* Deny mode: symtrace made the call itself (ret is its result). */
	bool delegated;
	/* Deny mode: why the call could not be judged (refused with EPERM,
	 * e.g. "magic link"); NULL otherwise.  A static string. */
	const char *refused;

	unsigned tags;
	bool silent; /* rename/link: print only if a symlink was involved */
	/* Second reads (at exit) and the link on disk, for TOCTOU reports;
	 * status TSTR_UNSET when not taken. */
	struct tstr target_exit;
	struct tstr linkpath_exit;
	char *disk_target; /* readlink of the created link; NULL if not read */
};

void tstr_free(struct tstr *s);
void event_free(struct event *ev); /* frees members, not ev itself */
/* Hold fd (a directory, O_PATH) in ev until event_unpin() or
 * event_free(); true if taken, false (fd left to the caller) when 64
 * are held already, or a quarter of RLIMIT_NOFILE. */
bool event_pin(struct event *ev, int fd);
void event_unpin(struct event *ev);


#endif
