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
 * the lexical join.  A tracee in a chroot is walked from its own root
 * (real_dir_in_root()); where that cannot be done the path is a guess,
 * marked so that deny mode refuses the call.  Paths are reported as seen
 * from symtrace's root. */
#include "inspect.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#if defined(__has_include)
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#endif
#endif

#include "policy.h"
#include "procmap.h"
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

/* The groups of a "Groups:" line (p after the colon); false when there
 * are more than PROC_MAX_GROUPS or the line is cut off. */
static bool parse_groups(const char *p, struct proc_info *pi)
{
	char *end;

	pi->ngroups = 0;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\n')
			return true;
		if (*p < '0' || *p > '9' || pi->ngroups == PROC_MAX_GROUPS)
			return false;
		pi->groups[pi->ngroups++] = (gid_t)strtoul(p, &end, 10);
		p = end;
	}
}

int inspect_status(pid_t tid, struct proc_info *pi)
{
	char path[64], buf[8192];
	unsigned fields = 0;
	ssize_t n;
	char *p;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	n = read_small_file(path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	memset(pi, 0, offsetof(struct proc_info, groups));
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
			fields++;
		}
	}
	if ((p = strstr(buf, "\nGid:"))) {
		unsigned long r, e, s, f;

		if (sscanf(p + 5, "%lu %lu %lu %lu", &r, &e, &s, &f) == 4) {
			pi->rgid = (gid_t)r;
			pi->egid = (gid_t)e;
			pi->fsgid = (gid_t)f;
			fields++;
		}
	}
	if ((p = strstr(buf, "\nGroups:")) && parse_groups(p + 8, pi))
		fields++;
	if ((p = strstr(buf, "\nCapEff:"))) {
		unsigned long long c;

		if (sscanf(p + 8, "%llx", &c) == 1) {
			pi->cap_eff = c;
			fields++;
		}
	}
	pi->complete = fields == 4;
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

/* Is the absolute path dir an existing directory reached without
 * following any symlink?  Then its lexical form (".", ".." and "//"
 * folded) is its real path: every ".." goes back to the directory the walk
 * came from.  One openat2(RESOLVE_NO_SYMLINKS) and a close instead of an
 * open, a readlink of /proc/self/fd/N and a close.  False on any error
 * (ELOOP: a symlink on the way; ENOSYS before Linux 5.6): the caller then
 * asks the kernel for the real path. */
static bool no_symlinks_in(const char *dir)
{
#if defined(SYS_openat2) && defined(RESOLVE_NO_SYMLINKS)
	struct open_how how;
	int fd;

	memset(&how, 0, sizeof(how));
	how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
	how.resolve = RESOLVE_NO_SYMLINKS;
	fd = (int)syscall(SYS_openat2, AT_FDCWD, dir, &how, sizeof(how));
	if (fd < 0)
		return false;
	close(fd);
	return true;
#else
	(void)dir;
	return false;
#endif
}

/* The path the kernel gives for the directory fd is open on (read back
 * through /proc/self/fd), or NULL; fd is closed. */
static char *path_of_fd(int fd)
{
	char self[64];
	char *res;

	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	res = xreadlink(self);
	close(fd);
	return res;
}

/* The real absolute directory that dirpart names relative to basedir (a
 * /proc magic link, or "/"), or NULL.  One open walks basedir/dirpart: the
 * kernel follows the magic link and goes on from the directory it names.
 * (Opening basedir first costs two more syscalls, its open and close: a
 * few per cent of a traced symlink loop.)  That is still done when the
 * joined path is too long for one open - never a lexical guess for a path
 * the kernel will walk. */
static char *real_dir(const char *basedir, const char *dirpart)
{
	const char *rel = *dirpart ? dirpart : ".";
	bool absolute = strcmp(basedir, "/") == 0;
	char *walk;
	char *res = NULL;
	int bfd, dfd;

	if (absolute) {
		walk = xstrdup(*dirpart ? dirpart : "/");
		if (no_symlinks_in(walk)) {
			res = path_resolve_lexical(NULL, walk);
			free(walk);
			return res;
		}
	} else {
		walk = xasprintf("%s/%s", basedir, rel);
	}
	dfd = open(walk, O_PATH | O_DIRECTORY | O_CLOEXEC);
	free(walk);
	if (dfd < 0 && errno == ENAMETOOLONG && !absolute) {
		bfd = open(basedir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (bfd < 0)
			return NULL;
		dfd = openat(bfd, rel, O_PATH | O_DIRECTORY | O_CLOEXEC);
		close(bfd);
	}
	return dfd >= 0 ? path_of_fd(dfd) : NULL;
}

static char *join(const char *dir, const char *name)
{
	if (!*name)
		return xstrdup(dir);
	if (strcmp(dir, "/") == 0)
		return xasprintf("/%s", name);
	return xasprintf("%s/%s", dir, name);
}

/* Where path lies below root (both real absolute paths, root not "/"):
 * "" for root itself, "/a/b" for root/a/b; NULL when it is not at or under
 * root. */
static const char *below(const char *root, const char *path)
{
	size_t n = strlen(root);

	if (strncmp(path, root, n) != 0 || (path[n] && path[n] != '/'))
		return NULL;
	return path + n;
}

/* How real_dir_in_root() ended when it found no directory. */
enum in_root {
	IN_ROOT_FOUND,
	IN_ROOT_MISSING, /* no such directory: the call fails the same way */
	IN_ROOT_UNKNOWN, /* cannot tell where the kernel would walk */
};

/* The real directory that dirpart names for a chrooted tracee (root not
 * "/").  The kernel walks the tracee's absolute paths from its root, and
 * relative ones from its cwd or dirfd, with ".." stopping at its root and
 * absolute symlinks on the way starting again at its root.  openat2()
 * with RESOLVE_IN_ROOT walks exactly so from a descriptor of that root:
 * an absolute dirpart is walked as it is; a relative one as where basedir
 * lies below the root, then dirpart (a base outside the root - a chroot
 * without chdir - cannot be walked so: unknown).  Walking from the root
 * also keeps a "/proc/TID/cwd/.." from stepping above the tracee's root,
 * as our own walk through the magic link would.  The descriptor is read
 * back through /proc/self/fd like real_dir()'s.  basedir: the readlink of
 * the cwd or dirfd (NULL if unreadable); root: that of /proc/TID/root. */
static char *real_dir_in_root(pid_t tid, const char *root, bool absolute,
			      const char *basedir, const char *dirpart,
			      enum in_root *how_out)
{
#if defined(SYS_openat2) && defined(RESOLVE_IN_ROOT)
	const char *rel = "";
	char link[64], *walk, *res = NULL;
	struct open_how how;
	int rfd, dfd = -1, err = 0;

	*how_out = IN_ROOT_UNKNOWN;
	if (!absolute) {
		rel = basedir ? below(root, basedir) : NULL;
		if (!rel)
			return NULL;
	}
	snprintf(link, sizeof(link), "/proc/%d/root", (int)tid);
	rfd = open(link, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0)
		return NULL;
	walk = xasprintf("%s/%s", rel, dirpart);
	memset(&how, 0, sizeof(how));
	how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
	how.resolve = RESOLVE_IN_ROOT;
	/* EAGAIN: a rename or mount raced with a ".." (the kernel's check
	 * that ".." stayed inside): try again, a few times. */
	for (int i = 0; i < 4; i++) {
		dfd = (int)syscall(SYS_openat2, rfd, walk, &how, sizeof(how));
		err = errno;
		if (dfd >= 0 || err != EAGAIN)
			break;
	}
	free(walk);
	close(rfd);
	if (dfd < 0) {
		/* ENOSYS (before Linux 5.6), ELOOP (RESOLVE_IN_ROOT does not
		 * follow /proc magic links), EACCES...: unknown. */
		if (err == ENOENT || err == ENOTDIR)
			*how_out = IN_ROOT_MISSING;
		return NULL;
	}
	res = path_of_fd(dfd);
	if (res)
		*how_out = IN_ROOT_FOUND;
	return res;
#else
	(void)tid;
	(void)root;
	(void)absolute;
	(void)basedir;
	(void)dirpart;
	*how_out = IN_ROOT_UNKNOWN;
	return NULL;
#endif
}

/* A lexical guess for a chrooted tracee: path resolved as the kernel
 * would without symlinks, inside root (".." stops there), then put below
 * root.  NULL when a relative path's base is unknown or outside root. */
static char *lexical_in_root(const char *root, const char *basedir,
			     const char *path)
{
	const char *rel = "";
	char *base, *inroot, *res;

	if (path[0] != '/') {
		rel = basedir ? below(root, basedir) : NULL;
		if (!rel)
			return NULL;
	}
	base = xasprintf("/%s", rel);
	inroot = path_resolve_lexical(base, path);
	free(base);
	if (!inroot)
		return NULL;
	res = strcmp(inroot, "/") == 0 ? xstrdup(root)
				       : xasprintf("%s%s", root, inroot);
	free(inroot);
	return res;
}

static void base_link(pid_t tid, int dirfd, char *buf, size_t size)
{
	if (dirfd == -100)
		snprintf(buf, size, "/proc/%d/cwd", (int)tid);
	else
		snprintf(buf, size, "/proc/%d/fd/%d", (int)tid, dirfd);
}

char *inspect_base_dir(pid_t tid, int dirfd)
{
	char base[64];

	base_link(tid, dirfd, base, sizeof(base));
	return xreadlink(base);
}

char *inspect_resolve_at(pid_t tid, int dirfd, const char *path,
			 char **dir_out, bool *guessed)
{
	char base[64], rootlink[64];
	char *dirpart, *last, *rdir = NULL, *root, *dir, *res = NULL;
	enum in_root found;
	bool chrooted;

	if (guessed)
		*guessed = false;

	base_link(tid, dirfd, base, sizeof(base));
	dir = xreadlink(base);
	if (path && path[0] != '/' && dir && !strchr(path, '/') &&
	    strcmp(path, "..") != 0) {
		/* A name in the directory itself: the readlink above already
		 * resolved everything there is to resolve. */
		res = strcmp(path, ".") == 0 ? xstrdup(dir) : join(dir, path);
	} else if (path) {
		snprintf(rootlink, sizeof(rootlink), "/proc/%d/root",
			 (int)tid);
		root = xreadlink(rootlink);
		chrooted = !root || strcmp(root, "/") != 0;

		split_last(path, &dirpart, &last);
		if (!chrooted) {
			/* Absolute paths start at the root, which is ours. */
			rdir = real_dir(path[0] == '/' ? "/" : base, dirpart);
		} else if (root) {
			rdir = real_dir_in_root(tid, root, path[0] == '/', dir,
						dirpart, &found);
			if (!rdir) {
				/* A directory that does not exist fails the
				 * call: the lexical path is as good as the
				 * unchrooted case's.  Anything else is a
				 * guess, which deny mode refuses (a lexical
				 * path ignores symlinks on the way). */
				res = lexical_in_root(root, dir, path);
				if ((found != IN_ROOT_MISSING || !res) &&
				    guessed)
					*guessed = true;
				/* (No guess inside the root: the plain
				 * lexical one below.) */
			}
		} else if (guessed) {
			*guessed = true; /* no root: the tracee is gone */
		}
		free(root);
		if (rdir) {
			res = join(rdir, last);
			free(rdir);
		} else if (!res && (path[0] == '/' || dir)) {
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

/* The first lookup of /proc/TID/... for a new task makes the kernel
 * build the dentries and inodes of /proc/TID and of the entry: 3 to 4
 * times what a cached lookup costs (bench/proccost: about 9 us for the
 * directory, 3-4 us for each entry, against 1-1.5 us once cached).  Every
 * traced call reads cwd (or fd/N) and root, in trace mode while its caller
 * waits for its exit stop.  Doing the first lookups just after the new task
 * was resumed at its first stop, while it runs towards its first call,
 * takes them off that path.  Nothing read here is kept: the values can
 * change before that call (chdir), only the kernel's dentries stay (also
 * across an exec: same TID).  maps is not opened here: its fd would pin
 * an address space that most new processes replace at once (exec). */
void inspect_prefetch(pid_t tid)
{
	static const char *const entries[] = { "cwd", "root" };
	char path[64], buf[PATH_MAX];

	for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)tid,
			 entries[i]);
		if (readlink(path, buf, sizeof(buf)) < 0 && errno == ENOENT)
			return; /* gone already */
	}
}

/* Kernels without PROCMAP_QUERY (procmap.h): the maps text is parsed
 * instead. */
static bool procmap_query_missing;

/* Ask for the mapping that covers addr.  1 if it is shared and writable,
 * 0 if not (or nothing is mapped there), -1 if the kernel cannot answer;
 * *end is the mapping's end (0 when none). */
static int query_vma(int fd, uint64_t addr, uint64_t *end)
{
	struct st_procmap_query q;

	memset(&q, 0, sizeof(q));
	q.size = sizeof(q);
	q.query_addr = addr;
	*end = 0;
	if (ioctl(fd, ST_PROCMAP_QUERY, &q) < 0) {
		if (errno == ENOENT)
			return 0;
		if (errno == ENOTTY || errno == EINVAL)
			procmap_query_missing = true;
		return -1;
	}
	*end = q.vma_end;
	return (q.vma_flags & (ST_VMA_WRITABLE | ST_VMA_SHARED)) ==
	       (ST_VMA_WRITABLE | ST_VMA_SHARED);
}

static bool hex_field(const char **p, unsigned long long *v)
{
	char *end;

	*v = strtoull(*p, &end, 16);
	if (end == *p)
		return false;
	*p = end;
	return true;
}

/* The text way: "lo-hi perms ..." per line. */
static bool text_shared(const char *maps, uint64_t first, uint64_t last)
{
	const char *p, *end;

	for (p = maps; *p; p = end + 1) {
		unsigned long long lo, hi;
		const char *q = p;

		end = strchr(p, '\n');
		if (!end)
			break;
		if (!hex_field(&q, &lo) || *q++ != '-' || !hex_field(&q, &hi) ||
		    *q++ != ' ' || end - q < 4)
			continue;
		if (q[1] == 'w' && q[3] == 's' && last >= lo && first < hi)
			return true;
	}
	return false;
}

/* /proc/TID/maps fds are kept open for the last few tasks that asked (a
 * busy process asks again and again, from each of its threads).  An fd
 * pins the task's address space as it was at open time, so it is dropped
 * when that task execs or ends (inspect_forget()). */
#define MAPS_SLOTS 8

static struct {
	pid_t tid;
	int fd;
	unsigned long used;
} maps_cache[MAPS_SLOTS];
static unsigned long maps_clock;

void inspect_forget(pid_t tid)
{
	for (int i = 0; i < MAPS_SLOTS; i++) {
		if (maps_cache[i].tid && (tid == 0 || maps_cache[i].tid == tid)) {
			close(maps_cache[i].fd);
			maps_cache[i].tid = 0;
		}
	}
}

static int maps_open(pid_t tid)
{
	char path[64];
	int victim = 0, fd;

	for (int i = 0; i < MAPS_SLOTS; i++) {
		if (maps_cache[i].tid == tid) {
			maps_cache[i].used = ++maps_clock;
			return maps_cache[i].fd;
		}
		if (maps_cache[i].used < maps_cache[victim].used)
			victim = i;
	}
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (maps_cache[victim].tid)
		close(maps_cache[victim].fd);
	maps_cache[victim].tid = tid;
	maps_cache[victim].fd = fd;
	maps_cache[victim].used = ++maps_clock;
	return fd;
}

/* Is [first, last] (at most two mappings) in a shared writable mapping?
 * 1 yes, 0 no, -1 cannot ask. */
static int range_shared(int fd, uint64_t first, uint64_t last)
{
	uint64_t end;
	int r = query_vma(fd, first, &end);

	if (r != 0 || last < end)
		return r; /* shared, unknown, or one mapping holds it all */
	return query_vma(fd, last, &end);
}

/* Mark the strings that lie in a shared writable mapping: processes
 * symtrace does not trace could rewrite them at any time.  A string (at
 * most PATH_MAX bytes) spans at most two mappings: its first and last
 * bytes are checked. */
static void mark_shared(struct event *ev)
{
	struct tstr *strs[2] = { &ev->target, &ev->linkpath };
	struct sbuf maps = SBUF_INIT;
	char chunk[16384];
	ssize_t n;
	int fd;

	fd = maps_open(ev->tid);
	if (fd < 0)
		return;
	for (int i = 0; i < 2; i++) {
		struct tstr *t = strs[i];
		uint64_t first = t->addr, last = t->addr + t->len;
		int shared = -1;

		if (t->status != TSTR_OK && t->status != TSTR_TOOLONG)
			continue;
		if (!procmap_query_missing)
			shared = range_shared(fd, first, last);
		if (shared < 0) {
			if (!maps.len) {
				lseek(fd, 0, SEEK_SET);
				while ((n = read(fd, chunk, sizeof(chunk))) > 0)
					sbuf_add(&maps, chunk, (size_t)n);
			}
			shared = text_shared(sbuf_str(&maps), first, last);
		}
		if (shared > 0) {
			t->shared = true;
			ev->tags |= TAG_SHARED;
		}
	}
	sbuf_free(&maps);
}

void inspect_entry_strings(struct event *ev, const uint64_t args[6])
{
	uint64_t taddr, laddr;
	struct tstr both[2];

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
	tmem_read_paths(ev->tid, (uint64_t[2]){ taddr, laddr }, both);
	ev->target = both[0];
	ev->linkpath = both[1];
}

void inspect_entry_context(struct event *ev, unsigned what)
{
	mark_shared(ev);
	inspect_ident(ev, what);
	ev->path = inspect_resolve_at(ev->tid, ev->dirfd,
				      ev->linkpath.status == TSTR_OK
					      ? ev->linkpath.buf
					      : NULL,
				      &ev->dir, &ev->path_guessed);
	if (ev->path && ev->target.status == TSTR_OK)
		ev->target_resolved = path_resolve_target(ev->path,
							  ev->target.buf);
}

void inspect_entry(struct event *ev, const uint64_t args[6], unsigned what)
{
	inspect_entry_strings(ev, args);
	inspect_entry_context(ev, what);
}

void inspect_ident_from(struct event *ev, const struct proc_info *pi)
{
	ev->pid = pi->tgid;
	ev->ppid = pi->ppid;
	ev->ruid = pi->ruid;
	ev->euid = pi->euid;
	ev->fsuid = pi->fsuid;
	ev->rgid = pi->rgid;
	ev->egid = pi->egid;
}

void inspect_ident(struct event *ev, unsigned what)
{
	struct proc_info pi;

	ev->pid = ev->tid;
	if ((what & INSPECT_CREDS) && inspect_status(ev->tid, &pi) == 0)
		inspect_ident_from(ev, &pi);
	if (what & INSPECT_COMM)
		read_comm(ev->tid, ev->comm);
	if (what & INSPECT_EXE) {
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

bool inspect_reread(struct event *ev)
{
	struct tstr both[2];
	bool diff;

	tmem_read_paths(ev->tid,
			(uint64_t[2]){ ev->target.addr, ev->linkpath.addr },
			both);
	ev->target_exit = both[0];
	ev->linkpath_exit = both[1];
	if ((both[0].status == TSTR_FAULT || both[1].status == TSTR_FAULT) &&
	    !tmem_task_alive(ev->tid)) {
		/* The address space went away (another thread's execve
		 * killed this one after its call): no second read, which is
		 * not a difference. */
		tstr_free(&ev->target_exit);
		tstr_free(&ev->linkpath_exit);
		return false;
	}
	diff = !tstr_same(&ev->target, &ev->target_exit) ||
	       !tstr_same(&ev->linkpath, &ev->linkpath_exit);
	if (diff)
		ev->tags |= TAG_TOCTOU;
	return diff;
}

bool inspect_exit(struct event *ev)
{
	/* Second read: another thread may have rewritten the strings while
	 * the kernel copied them. */
	bool diff = inspect_reread(ev);

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
