/* delegate.c - act with a caller's credentials.
 *
 * Why this is safe:
 *   - symtrace is single-threaded, and every change below is a raw system
 *     call that changes the calling thread only (glibc's setgroups() and
 *     friends would broadcast to all threads; there are none, but the
 *     raw calls say what is meant).
 *   - What the kernel checks for a filesystem operation is the fsuid, the
 *     fsgid, the supplementary groups and the effective capabilities (and
 *     an LSM label, compared, not taken): all four are set to the
 *     caller's, and each is read back before anything is done with them.
 *     If one cannot be set, nothing is done (refused).
 *   - The caller's capabilities must be a subset of what symtrace holds;
 *     one in another user namespace acts on other inodes with them than
 *     it would here, so such a caller is acted for only without any.
 *   - Putting symtrace's own credentials back cannot be skipped or fail
 *     silently: on failure symtrace dies (fail closed). */
#include "delegate.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

/* symtrace's own credentials, read once (it never changes them but
 * around a delegated call). */
static struct {
	bool read;
	uid_t fsuid;
	gid_t fsgid;
	int ngroups;
	gid_t groups[PROC_MAX_GROUPS];
	struct __user_cap_data_struct caps[2];
	struct stat userns;
	bool have_userns;
	char label[256];
	bool have_label;
} own;

static int raw_capget(struct __user_cap_data_struct caps[2])
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };

	/* (Cleared first: valgrind sees only the first of the two words
	 * written.) */
	memset(caps, 0, 2 * sizeof(*caps));
	return (int)syscall(SYS_capget, &h, caps);
}

static int raw_capset(const struct __user_cap_data_struct caps[2])
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };

	return (int)syscall(SYS_capset, &h, caps);
}

/* setfsuid/setfsgid return the previous value and cannot fail visibly:
 * an invalid id (-1) changes nothing and returns the current one. */
static uid_t cur_fsuid(void)
{
	return (uid_t)syscall(SYS_setfsuid, (uid_t)-1);
}

static gid_t cur_fsgid(void)
{
	return (gid_t)syscall(SYS_setfsgid, (gid_t)-1);
}

static void read_own(void)
{
	int n;

	if (own.read)
		return;
	own.read = true;
	own.fsuid = cur_fsuid();
	own.fsgid = cur_fsgid();
	n = getgroups(PROC_MAX_GROUPS, own.groups);
	own.ngroups = n < 0 ? -1 : n;
	if (raw_capget(own.caps) < 0)
		memset(own.caps, 0, sizeof(own.caps));
	own.have_userns = stat("/proc/self/ns/user", &own.userns) == 0;
	/* No LSM that labels tasks: attr/current fails (EINVAL). */
	own.have_label = read_small_file("/proc/self/attr/current", own.label,
				    sizeof(own.label)) >= 0;
}

static uint64_t own_caps(int which)
{
	const struct __user_cap_data_struct *c = own.caps;

	if (which == 0)
		return c[0].effective | (uint64_t)c[1].effective << 32;
	return c[0].permitted | (uint64_t)c[1].permitted << 32;
}

bool delegate_reads_labels(void)
{
	read_own();
	return own.have_label;
}

const char *delegate_context(pid_t tid, const struct proc_info *pi)
{
	char path[64];

	read_own();
	if (!pi->complete)
		return REFUSE_CREDS;
	if (pi->cap_eff & ~own_caps(1))
		return REFUSE_CAPS;
	if (pi->cap_eff && own.have_userns) {
		struct stat sb;

		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)tid);
		if (stat(path, &sb) < 0 || sb.st_ino != own.userns.st_ino ||
		    sb.st_dev != own.userns.st_dev)
			return REFUSE_USERNS;
	}
	if (own.have_label) {
		char label[sizeof(own.label)];

		snprintf(path, sizeof(path), "/proc/%d/attr/current",
			 (int)tid);
		if (read_small_file(path, label, sizeof(label)) < 0 ||
		    strcmp(label, own.label) != 0)
			return REFUSE_LSM;
	}
	return NULL;
}

static bool same_as_own(const struct proc_info *pi)
{
	return pi->fsuid == own.fsuid && pi->fsgid == own.fsgid &&
	       pi->cap_eff == own_caps(0) && pi->ngroups == own.ngroups &&
	       memcmp(pi->groups, own.groups,
		      (size_t)pi->ngroups * sizeof(gid_t)) == 0;
}

int delegate_enter(const struct proc_info *pi, struct delegate_creds *c,
		   const char **why)
{
	struct __user_cap_data_struct caps[2], now[2];
	gid_t groups[PROC_MAX_GROUPS];
	int n;

	read_own();
	c->switched = false;
	if (same_as_own(pi))
		return 0;
	if (own.ngroups < 0)
		goto refuse;
	c->switched = true;
	/* Groups first: it needs CAP_SETGID, which the caller may lack. */
	if (syscall(SYS_setgroups, (size_t)pi->ngroups, pi->groups) < 0)
		goto undo;
	syscall(SYS_setfsgid, pi->fsgid);
	syscall(SYS_setfsuid, pi->fsuid);
	/* The caller's effective set (checked to lie within our permitted
	 * one by delegate_context); setfsuid dropped the filesystem
	 * capabilities already when it left uid 0. */
	memcpy(caps, own.caps, sizeof(caps));
	caps[0].effective = (uint32_t)pi->cap_eff;
	caps[1].effective = (uint32_t)(pi->cap_eff >> 32);
	if (raw_capset(caps) < 0)
		goto undo;
	/* Read everything back: act only as exactly the caller. */
	n = getgroups(PROC_MAX_GROUPS, groups);
	if (cur_fsuid() != pi->fsuid || cur_fsgid() != pi->fsgid ||
	    n != pi->ngroups ||
	    memcmp(groups, pi->groups, (size_t)n * sizeof(gid_t)) != 0 ||
	    raw_capget(now) < 0 || now[0].effective != caps[0].effective ||
	    now[1].effective != caps[1].effective)
		goto undo;
	return 0;
undo:
	delegate_leave(c);
refuse:
	*why = REFUSE_CREDS;
	return 1;
}

void delegate_leave(struct delegate_creds *c)
{
	gid_t groups[PROC_MAX_GROUPS];
	int n;

	if (!c->switched)
		return;
	c->switched = false;
	/* Capabilities first (raising the effective set within the
	 * permitted one needs none); then the ids (back to our own real
	 * ids needs none); then the groups (needs CAP_SETGID, back now). */
	if (raw_capset(own.caps) < 0)
		die_errno(EXIT_SYMTRACE_FAILURE, "cannot restore capabilities");
	syscall(SYS_setfsuid, own.fsuid);
	syscall(SYS_setfsgid, own.fsgid);
	if (syscall(SYS_setgroups, (size_t)own.ngroups, own.groups) < 0)
		die_errno(EXIT_SYMTRACE_FAILURE, "cannot restore groups");
	n = getgroups(PROC_MAX_GROUPS, groups);
	if (cur_fsuid() != own.fsuid || cur_fsgid() != own.fsgid ||
	    n != own.ngroups)
		die(EXIT_SYMTRACE_FAILURE, "cannot restore credentials");
}
