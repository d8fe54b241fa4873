/* inspect.h - fill an event from a stopped tracee: its memory (tmem) and
 * /proc (credentials, comm, exe, cwd, fds, the link's real directory). */
#ifndef SYMTRACE_INSPECT_H
#define SYMTRACE_INSPECT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "arch.h"
#include "event.h"

/* Supplementary groups kept; a caller with more cannot be acted for. */
#define PROC_MAX_GROUPS 512

struct proc_info {
	pid_t tgid, ppid;
	pid_t tracer;        /* TracerPid: 0 when not traced */
	uid_t ruid, euid, fsuid;
	gid_t rgid, egid, fsgid;
	uint64_t cap_eff;    /* CapEff */
	bool complete;       /* every field above and the groups were read */
	int ngroups;
	gid_t groups[PROC_MAX_GROUPS];
};

/* Parse /proc/TID/status (ids as seen from symtrace's user namespace).
 * 0 or -errno. */
int inspect_status(pid_t tid, struct proc_info *pi);

/* The part that must happen while the caller is stopped at its entry: the
 * first read of the strings (and dirfd from args). */
void inspect_entry_strings(struct event *ev, const uint64_t args[6]);
/* The rest: SHARED marks, the caller's identity, the directory and the
 * resolved link path.  Valid while the caller is inside the call (at its
 * entry stop or running the call itself): none of it can change then
 * but by other tasks, which could change it at the entry stop as well. */
void inspect_entry_context(struct event *ev, unsigned what,
			   signed char *own_root);
/* (own_root: what is known of the caller's root, see
 * resolve_open_base_hint().) */

/* What to read about the caller (beyond the strings and paths, which are
 * always read): /proc/TID/status (pid, ppid, ids), comm, exe. */
enum {
	INSPECT_CREDS = 1u << 0,
	INSPECT_COMM = 1u << 1,
	INSPECT_EXE = 1u << 2,
	INSPECT_ALL = 7,
};

/* The caller's identity: what says which parts (pid = tid otherwise). */
void inspect_ident(struct event *ev, unsigned what);
/* The ids part of it, from a parsed status. */
void inspect_ident_from(struct event *ev, const struct proc_info *pi);

/* The second read of both strings (into target_exit, linkpath_exit);
 * sets TAG_TOCTOU and returns true when they differ from the first. */
bool inspect_reread(struct event *ev);

/* At syscall exit (ev->ret set): second read of the strings and, when the
 * call succeeded, readlink of what the kernel created; sets TAG_TOCTOU /
 * TAG_UNVERIFIED.  Returns true when a difference was seen. */
bool inspect_exit(struct event *ev);

/* The directory dirfd (-100: the cwd) of task tid names (readlink of
 * /proc/TID/cwd or fd/N, malloc'd), or NULL. */
char *inspect_base_dir(pid_t tid, int dirfd);

/* Touch the /proc entries of a new task that every traced call of it
 * reads (cwd, root), so that the kernel has instantiated them before its
 * first call stops; see inspect.c. */
void inspect_prefetch(pid_t tid);

/* Forget what is cached about task tid (it exec'd or ended); 0 = all. */
void inspect_forget(pid_t tid);

/* readlink() into a malloc'd string, NULL on failure (errno set). */
char *xreadlink(const char *path);

#endif
