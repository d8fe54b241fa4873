/* inspect.c - fill an event from a stopped tracee.
 *
 * Where the link lands: the kernel resolves every component of linkpath
 * but the last, following symlinks, relative to newdirfd (or the cwd, or
 * the root for absolute paths) of the calling thread.  A lexical join would
 * be wrong (and a policy bypass: "/tmp/x/passwd" with /tmp/x -> /etc lands
 * in /etc), so we open the directory part for real through the tracee's
 * /proc/TID/{cwd,fd/N,root} magic links and read back its path.  This runs
 * with symtrace's credentials, so it can succeed where the tracee's call
 * will fail (EACCES); that only makes the reported path more precise.  When
 * the directory does not exist (the call fails with ENOENT) we fall back to
 * the lexical join.  Limitation (man page): a tracee in a chroot is resolved
 * lexically, and paths are reported as seen from symtrace's root. */
#include "inspect.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy.h"
#include "tmem.h"
#include "util.h"

char *xreadlink(const char *path)
{
	char buf[PATH_MAX + 1];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	if (n < 0)
		return NULL;
	return xstrndup(buf, (size_t)n);
}

static ssize_t read_small_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

int inspect_status(pid_t tid, struct proc_info *pi)
{
	char path[64], buf[4096];
	ssize_t n;
	char *p;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	n = read_small_file(path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	memset(pi, 0, sizeof(*pi));
	if ((p = strstr(buf, "\nTgid:")))
		pi->tgid = (pid_t)strtol(p + 6, NULL, 10);
	if ((p = strstr(buf, "\nPPid:")))
		pi->ppid = (pid_t)strtol(p + 6, NULL, 10);
	if ((p = strstr(buf, "\nUid:"))) {
		unsigned long r, e, s, f;

		if (sscanf(p + 5, "%lu %lu %lu %lu", &r, &e, &s, &f) == 4) {
			pi->ruid = (uid_t)r;
			pi->euid = (uid_t)e;
			pi->fsuid = (uid_t)f;
		}
	}
	if ((p = strstr(buf, "\nGid:"))) {
		unsigned long r, e;

		if (sscanf(p + 5, "%lu %lu", &r, &e) == 2) {
			pi->rgid = (gid_t)r;
			pi->egid = (gid_t)e;
		}
	}
	return 0;
}

static void read_comm(pid_t tid, char comm[17])
{
	char path[64], buf[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)tid);
	n = read_small_file(path, buf, sizeof(buf));
	if (n <= 0) {
		comm[0] = '\0';
		return;
	}
	if (buf[n - 1] == '\n')
		buf[--n] = '\0';
	if (n > 16)
		n = 16;
	memcpy(comm, buf, (size_t)n);
	comm[n] = '\0';
}

/* Split path into its directory part ("" when none) and last component. */
static void split_last(const char *path, char **dirpart, char **base)
{
	size_t len = strlen(path);
	size_t end, start;

	end = len;
	while (end > 1 && path[end - 1] == '/')
		end--;
	start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	*dirpart = xstrndup(path, start);
	*base = xstrndup(path + start, end - start);
}

/* The real absolute directory that dirpart names relative to basedir (a
 * /proc magic link), or NULL. */
static char *real_dir(const char *basedir, const char *dirpart)
{
	char self[64];
	char *res = NULL;
	int bfd, dfd;

	bfd = open(basedir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (bfd < 0)
		return NULL;
	dfd = openat(bfd, *dirpart ? dirpart : ".",
		     O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		snprintf(self, sizeof(self), "/proc/self/fd/%d", dfd);
		res = xreadlink(self);
		close(dfd);
	}
	close(bfd);
	return res;
}

static char *join(const char *dir, const char *name)
{
	if (!*name)
		return xstrdup(dir);
	if (strcmp(dir, "/") == 0)
		return xasprintf("/%s", name);
	return xasprintf("%s/%s", dir, name);
}

char *inspect_resolve_at(pid_t tid, int dirfd, const char *path,
			 char **dir_out)
{
	char base[64], rootlink[64];
	char *dirpart, *last, *rdir = NULL, *root, *dir, *res = NULL;
	bool chrooted;

	if (dirfd == -100)
		snprintf(base, sizeof(base), "/proc/%d/cwd", (int)tid);
	else
		snprintf(base, sizeof(base), "/proc/%d/fd/%d", (int)tid, dirfd);
	dir = xreadlink(base);
	if (path) {
		snprintf(rootlink, sizeof(rootlink), "/proc/%d/root",
			 (int)tid);
		root = xreadlink(rootlink);
		chrooted = !root || strcmp(root, "/") != 0;
		free(root);

		split_last(path, &dirpart, &last);
		if (!chrooted) {
			/* Absolute paths start at the root, which is ours. */
			rdir = real_dir(path[0] == '/' ? "/" : base, dirpart);
		}
		if (rdir) {
			res = join(rdir, last);
			free(rdir);
		} else if (path[0] == '/' || dir) {
			res = path_resolve_lexical(dir, path);
		}
		free(dirpart);
		free(last);
	}
	if (dir_out)
		*dir_out = dir;
	else
		free(dir);
	return res;
}

/* Mark the strings that lie in a shared writable mapping (/proc/PID/maps
 * permissions "rw.s"): processes symtrace does not trace could rewrite
 * them at any time. */
static void mark_shared(struct event *ev)
{
	struct tstr *strs[2] = { &ev->target, &ev->linkpath };
	char path[64], line[512];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)ev->tid);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long lo, hi;
		char perms[8];

		if (sscanf(line, "%llx-%llx %7s", &lo, &hi, perms) != 3)
			continue;
		if (perms[1] != 'w' || perms[3] != 's')
			continue;
		for (int i = 0; i < 2; i++) {
			struct tstr *t = strs[i];

			if ((t->status == TSTR_OK || t->status == TSTR_TOOLONG) &&
			    t->addr + t->len >= lo && t->addr < hi) {
				t->shared = true;
				ev->tags |= TAG_SHARED;
			}
		}
	}
	fclose(f);
}

void inspect_entry(struct event *ev, const uint64_t args[6], bool want_exe)
{
	uint64_t taddr, laddr;

	if (ev->sc == SC_SYMLINK) {
		taddr = args[0];
		laddr = args[1];
		ev->has_dirfd = false;
		ev->dirfd = -100;
	} else {
		taddr = args[0];
		ev->dirfd = (int)(int32_t)args[1];
		laddr = args[2];
		ev->has_dirfd = true;
	}
	tmem_read_path(ev->tid, taddr, &ev->target);
	tmem_read_path(ev->tid, laddr, &ev->linkpath);
	mark_shared(ev);
	inspect_ident(ev, want_exe);
	ev->path = inspect_resolve_at(ev->tid, ev->dirfd,
				      ev->linkpath.status == TSTR_OK
					      ? ev->linkpath.buf
					      : NULL,
				      &ev->dir);
	if (ev->path && ev->target.status == TSTR_OK) {
		char *d = path_dirname(ev->path);

		ev->target_resolved = path_resolve_lexical(d, ev->target.buf);
		free(d);
	}
}

void inspect_ident(struct event *ev, bool want_exe)
{
	struct proc_info pi;

	if (inspect_status(ev->tid, &pi) == 0) {
		ev->pid = pi.tgid;
		ev->ppid = pi.ppid;
		ev->ruid = pi.ruid;
		ev->euid = pi.euid;
		ev->fsuid = pi.fsuid;
		ev->rgid = pi.rgid;
		ev->egid = pi.egid;
	} else {
		ev->pid = ev->tid;
	}
	read_comm(ev->tid, ev->comm);
	if (want_exe) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d/exe", (int)ev->tid);
		ev->exe = xreadlink(path);
	}
}

static bool tstr_same(const struct tstr *a, const struct tstr *b)
{
	if (a->status != b->status)
		return false;
	if (a->status != TSTR_OK && a->status != TSTR_TOOLONG)
		return true;
	return a->len == b->len && memcmp(a->buf, b->buf, a->len) == 0;
}

bool inspect_exit(struct event *ev)
{
	bool diff = false;

	/* Second read: another thread may have rewritten the strings while
	 * the kernel copied them. */
	tmem_read_path(ev->tid, ev->target.addr, &ev->target_exit);
	tmem_read_path(ev->tid, ev->linkpath.addr, &ev->linkpath_exit);
	if (!tstr_same(&ev->target, &ev->target_exit) ||
	    !tstr_same(&ev->linkpath, &ev->linkpath_exit))
		diff = true;

	/* What the kernel really created, if it created anything. */
	if (ev->finished && ev->ret == 0 && ev->path) {
		ev->disk_target = xreadlink(ev->path);
		if (!ev->disk_target)
			ev->tags |= TAG_UNVERIFIED;
		else if (ev->target.status != TSTR_OK ||
			 strcmp(ev->disk_target, ev->target.buf) != 0)
			diff = true;
	}
	if (diff)
		ev->tags |= TAG_TOCTOU;
	return diff;
}
