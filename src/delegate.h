/* delegate.h - perform a judged call on a tracee's behalf, with its
 * credentials, relative to directories pinned for it (resolve.h).
 *
 * Deny mode does not let the tracee make a judged call: the tracee's
 * strings are copied once, the copy is judged, and symtrace makes the call
 * itself from that copy; the tracee gets the result.  Nothing it or anyone
 * else changes afterwards (memory, cwd, a directory on the way) can make
 * the kernel act on anything but what was judged. */
#ifndef SYMTRACE_DELEGATE_H
#define SYMTRACE_DELEGATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "inspect.h"
#include "resolve.h"

/* Why a caller's context cannot be reproduced (refused). */
#define REFUSE_USERNS "capabilities in another user namespace"
#define REFUSE_LSM "another security label"
#define REFUSE_CAPS "capabilities symtrace does not hold"
#define REFUSE_CREDS "cannot take the caller's credentials"
/* ... and why a move cannot be judged. */
#define REFUSE_FD_LINK "linkat of a descriptor"
#define REFUSE_FOLLOW "linkat following a symlink"
#define REFUSE_TREE "directory tree cannot be walked"

/* The caller's credentials, taken by symtrace's thread. */
struct delegate_creds {
	bool switched; /* they differ from symtrace's own: taken */
};

/* Can symtrace act as the caller (task tid, credentials pi)?  NULL if so,
 * else why not: pi incomplete, capabilities symtrace does not hold, a
 * user namespace other than symtrace's while the caller has capabilities
 * (they would count against other inodes here), a security label other
 * than symtrace's own. */
const char *delegate_context(pid_t tid, const struct proc_info *pi);

/* Does delegate_context() read a security label at each call (an LSM
 * that labels tasks is active)?  Its verdict cannot be kept then. */
bool delegate_reads_labels(void);

/* Take the caller's filesystem credentials in symtrace's (only) thread:
 * supplementary groups, fsgid, fsuid, effective capabilities.  Raw
 * per-thread system calls, each checked.  0, or 1 with *why set (nothing
 * is left changed then). */
int delegate_enter(const struct proc_info *pi, struct delegate_creds *c,
		   const char **why);
/* Put symtrace's own credentials back.  If that fails symtrace must not
 * go on with someone else's: it dies (deny mode's EXITKILL then kills the
 * tracees: fail closed). */
void delegate_leave(struct delegate_creds *c);

#endif
