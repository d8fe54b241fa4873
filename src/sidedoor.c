/* sidedoor.c - the side-door table (see sidedoor.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* CLONE_UNTRACED */
#endif
#include "sidedoor.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <sched.h>

#ifndef CLONE_UNTRACED
#define CLONE_UNTRACED 0x00800000
#endif
#ifndef CLONE_NEWNS
#define CLONE_NEWNS 0x00020000
#endif
#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif

/* The calls' argument positions are the same on every x86 ABI (clone's
 * flags and unshare's flags: 0; setns's nstype: 1; seccomp's op and
 * flags: 0 and 1). */
const struct door doors[] = {
	/* CLONE_UNTRACED escapes the tracer; CLONE_NEWNS gives the child a
	 * mount namespace of its own, where (with a new user namespace) it
	 * may bind-mount a guarded directory under another name. */
	{ SC_CLONE, false, 1,
	  { { 0, DOOR_SET, CLONE_UNTRACED | CLONE_NEWNS, 0 } }, EPERM },
	/* A new user namespace (unshare, setns) changes the caller's
	 * credentials: traced, not refused (deny mode caches them). */
	{ SC_UNSHARE, false, 1,
	  { { 0, DOOR_SET, CLONE_NEWNS, CLONE_NEWUSER } }, EPERM },
	/* setns(fd, 0) joins whatever namespace fd is; a nonzero nstype
	 * must be fd's type, or selects among a pidfd's namespaces: only
	 * with CLONE_NEWNS can it be a mount namespace. */
	{ SC_SETNS, false, 2,
	  { { 1, DOOR_EQ, 0, 0 }, { 1, DOOR_SET, CLONE_NEWNS, CLONE_NEWUSER } },
	  EPERM },
	/* A user-notification listener's filter outranks our RET_TRACE: the
	 * tracee could answer its own symlink calls. */
	{ SC_SECCOMP, true, 2,
	  { { 0, DOOR_EQ, SECCOMP_SET_MODE_FILTER, 0 },
	    { 1, DOOR_SET, (uint32_t)SECCOMP_FILTER_FLAG_NEW_LISTENER, 0 } },
	  EPERM },
	/* io_uring makes links (IORING_OP_SYMLINKAT) without system calls
	 * we could see. */
	{ SC_IO_URING_SETUP, false, 0, { { 0, DOOR_SET, 0, 0 } }, ENOSYS },
	/* ... nor with a ring made outside the traced tree and passed in
	 * (SCM_RIGHTS, pidfd_getfd) or made before an attach.  (A ring
	 * with a kernel polling thread, SQPOLL, needs no system call to
	 * submit: only kernel.io_uring_disabled closes that.) */
	{ SC_IO_URING_ENTER, false, 0, { { 0, DOOR_SET, 0, 0 } }, ENOSYS },
	{ SC_IO_URING_REGISTER, false, 0, { { 0, DOOR_SET, 0, 0 } }, ENOSYS },
	/* Descriptors of other processes: an untraced process's ring, or
	 * a directory in another mount namespace. */
	{ SC_PIDFD_GETFD, false, 0, { { 0, DOOR_SET, 0, 0 } }, EPERM },
	/* A Landlock domain restricts the calling task only: symtrace,
	 * making its calls, cannot act inside it.  ENOSYS, as on a kernel
	 * without Landlock (programs go on without the sandbox, and the
	 * refusal is reported). */
	{ SC_LANDLOCK_RESTRICT_SELF, false, 0, { { 0, DOOR_SET, 0, 0 } },
	  ENOSYS },
};
const size_t ndoors = sizeof(doors) / sizeof(doors[0]);

const struct door *door_find(enum sysc sc)
{
	for (size_t i = 0; i < ndoors; i++)
		if (doors[i].sc == sc)
			return &doors[i];
	return NULL;
}

static bool test_holds(const struct door_test *t, const uint64_t args[6],
		       bool watched)
{
	uint32_t v = (uint32_t)args[t->arg];
	uint32_t k = t->k | (watched && t->op == DOOR_SET ? t->watch : 0);

	return t->op == DOOR_EQ ? v == k : (v & k) != 0;
}

static bool holds(const struct door *d, const uint64_t args[6], bool watched)
{
	if (d->ntests == 0)
		return true;
	for (int i = 0; i < d->ntests; i++) {
		bool h = test_holds(&d->tests[i], args, watched);

		if (d->all && !h)
			return false;
		if (!d->all && h)
			return true;
	}
	return d->all;
}

bool door_open(const struct door *d, const uint64_t args[6])
{
	return holds(d, args, false);
}

bool door_traced(const struct door *d, const uint64_t args[6])
{
	return holds(d, args, true);
}
