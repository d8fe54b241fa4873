/* resolve.c - walk a caller's link path to a pinned directory.
 *
 * Why this is safe (deny mode judges what this returns):
 *   - The walk starts from descriptors of the caller's own cwd, dirfd and
 *     root (opened through /proc/TID/..., which the kernel resolves to the
 *     caller's directories, whatever the caller's strings say; a dirfd is
 *     taken with pidfd_getfd() where the kernel has it: the caller's very
 *     open file, from its own file table), and runs
 *     with the caller's credentials (delegate.c): it can reach nothing the
 *     caller could not.
 *   - Its result is a descriptor.  What is judged is the real path the
 *     kernel gives for that descriptor, and the link is then created
 *     relative to that same descriptor: renaming or swapping directories
 *     on the way afterwards moves the directory, not the judgment.
 *   - Magic links (/proc/PID/fd/N, cwd, root, ...) and the other symlinks
 *     of /proc (/proc/self, /proc/thread-self) resolve in the context of
 *     the process that walks, symtrace here, not the caller: a walk that
 *     crosses one is refused (openat2 RESOLVE_NO_MAGICLINKS; the step walk
 *     checks each symlink's filesystem), and so is a directory in /proc.
 *   - A directory whose absolute path does not fit in PATH_MAX cannot be
 *     named to the rules: refused, never judged as "unknown".
 * On kernels without openat2 (before 5.6) the step walk does it all: one
 * component at a time, O_NOFOLLOW, symlinks read and followed by us (at
 * most 40, like the kernel), ".." kept at the caller's root. */
#include "resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#if defined(__has_include)
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#endif
#endif

#include "path.h"
#include "policy.h"
#include "util.h"

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif
#define MAX_LINKS 40 /* the kernel's MAXSYMLINKS */

/* The result of a walk that must be refused (neither an fd nor -errno). */
#define WALK_MAGIC (-100000)

static int fast_walk(int start, const char *path, bool in_root,
		     bool no_symlinks);

int resolve_open_real(const char *dir)
{
	int fd = fast_walk(AT_FDCWD, dir, false, true);

	if (fd != -ENOSYS)
		return fd >= 0 ? fd : -1;
	/* (Without openat2 the identity check after it still applies.) */
	return open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* readlink of /proc/self/fd/FD: the path the kernel gives for fd, or
 * NULL (errno ENAMETOOLONG when it does not fit in PATH_MAX). */
static char *fd_path(int fd)
{
	char self[64], buf[PATH_MAX + 1];
	ssize_t n;

	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	n = readlink(self, buf, sizeof(buf));
	if (n < 0)
		return NULL;
	if ((size_t)n >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	return xstrndup(buf, (size_t)n);
}

/* Where path lies below root ("" for root itself); NULL if not under it. */
static const char *below(const char *root, const char *path)
{
	size_t n = strlen(root);

	if (strcmp(root, "/") == 0)
		return path;
	if (strncmp(path, root, n) != 0 || (path[n] && path[n] != '/'))
		return NULL;
	return path + n;
}

/* An O_PATH fd of symtrace's own root, opened once; -1 if it cannot be. */
static int our_root_fd(struct stat *st)
{
	static int fd = -2;
	static struct stat sb;

	if (fd == -2) {
		fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0 && fstat(fd, &sb) < 0) {
			close(fd);
			fd = -1;
		}
	}
	if (st)
		*st = sb;
	return fd;
}

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif
#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL /* Linux 6.9 */
#endif

/* pidfds of the last few tasks whose dirfd was asked for (a busy task
 * asks again and again): pidfd_getfd() takes the caller's own open file
 * for its dirfd in a third of the time an open of /proc/TID/fd/N takes
 * (bench/proccost), and without a lookup in /proc.  A thread's own pidfd
 * (PIDFD_THREAD) is needed: a thread may have a file table of its own
 * (clone without CLONE_FILES).  Forgotten when the task execs or ends
 * (resolve_forget(), from inspect_forget()). */
#define PIDFD_SLOTS 8

static struct {
	pid_t tid;
	int fd;
	unsigned long used;
} pidfds[PIDFD_SLOTS];
static unsigned long pidfd_clock;
static bool pidfd_missing; /* no pidfd_getfd or no PIDFD_THREAD here */

void resolve_forget(pid_t tid)
{
	for (int i = 0; i < PIDFD_SLOTS; i++) {
		if (pidfds[i].tid && (tid == 0 || pidfds[i].tid == tid)) {
			close(pidfds[i].fd);
			pidfds[i].tid = 0;
		}
	}
}

static int task_pidfd(pid_t tid)
{
	static int slots;
	struct rlimit rl;
	int victim = 0, fd;

	if (pidfd_missing)
		return -1;
	/* (Fewer under a low RLIMIT_NOFILE, as inspect.c's maps fds.) */
	if (!slots)
		slots = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 64
				? 2
				: PIDFD_SLOTS;
	for (int i = 0; i < slots; i++) {
		if (pidfds[i].tid == tid) {
			pidfds[i].used = ++pidfd_clock;
			return pidfds[i].fd;
		}
		if (pidfds[i].used < pidfds[victim].used)
			victim = i;
	}
	fd = (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD);
	if (fd < 0) {
		if (errno == ENOSYS || errno == EINVAL)
			pidfd_missing = true;
		return -1;
	}
	if (pidfds[victim].tid)
		close(pidfds[victim].fd);
	pidfds[victim].tid = tid;
	pidfds[victim].fd = fd;
	pidfds[victim].used = ++pidfd_clock;
	return fd;
}

/* The caller's own open file for its dirfd (the one its call resolves
 * from: the same as /proc/TID/fd/N leads to), or -errno: -EBADF if it is
 * not open, -ENOTDIR if not a directory; -EAGAIN: ask /proc instead (no
 * pidfd here, the task gone or another error; /proc then says which). */
static int dirfd_of(pid_t tid, int dirfd)
{
	struct stat sb;
	int pfd, fd;

	if (dirfd < 0 || (pfd = task_pidfd(tid)) < 0)
		return -EAGAIN;
	fd = (int)syscall(SYS_pidfd_getfd, pfd, dirfd, 0);
	if (fd < 0) {
		if (errno == EBADF)
			return -EBADF;
		if (errno == ENOSYS)
			pidfd_missing = true;
		return -EAGAIN;
	}
	if (fstat(fd, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
		close(fd);
		return -ENOTDIR;
	}
	return fd;
}

int resolve_open_base(pid_t tid, int dirfd, bool absolute,
		      struct resolve_base *b, const char **why)
{
	signed char unknown = -1;

	return resolve_open_base_hint(tid, dirfd, absolute, &unknown, b, why);
}

int resolve_open_base_hint(pid_t tid, int dirfd, bool absolute,
			   signed char *own_root, struct resolve_base *b,
			   const char **why)
{
	struct stat our_root;
	int ourfd = our_root_fd(&our_root);
	char link[64];
	struct stat sb;

	b->rootfd = b->basefd = -1;
	b->own_root = b->chrooted = false;
	b->rel = b->path = NULL;
	if (ourfd < 0)
		return -EACCES;
	if (*own_root == 1) {
		/* Known: the caller's root is ours (judge.c forgets
		 * this at every chroot or pivot_root it sees). */
		b->rootfd = ourfd;
		b->own_root = true;
	} else {
		snprintf(link, sizeof(link), "/proc/%d/root", (int)tid);
		b->rootfd = open(link, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (b->rootfd < 0 || fstat(b->rootfd, &sb) < 0) {
			*why = REFUSE_GONE;
			return 1;
		}
		b->chrooted = !same_file(&sb, &our_root);
		*own_root = !b->chrooted;
	}
	if (absolute)
		return 0;
	if (dirfd != -100) {
		int fd = dirfd_of(tid, dirfd);

		if (fd >= 0)
			b->basefd = fd;
		else if (fd != -EAGAIN)
			return fd;
	}
	if (dirfd == -100)
		snprintf(link, sizeof(link), "/proc/%d/cwd", (int)tid);
	else
		snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)tid,
			 dirfd);
	if (b->basefd < 0)
		b->basefd = open(link, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (b->basefd < 0) {
		int err = errno;

		if (dirfd != -100 && dirfd < 0)
			return -EBADF;
		if (err == ENOTDIR)
			return -ENOTDIR;
		if (dirfd != -100 && err == ENOENT)
			return -EBADF; /* not open (or the task is gone) */
		*why = REFUSE_GONE;
		return 1;
	}
	b->path = fd_path(b->basefd);
	if (b->chrooted) {
		/* The kernel walks a chrooted caller's relative path from
		 * its cwd, with ".." stopping at its root and absolute
		 * symlinks restarting there; openat2 can do that only from
		 * the root, with the base's place below the root in front.
		 * A base outside the root (chroot without chdir) cannot be
		 * walked so: refused. */
		_cleanup_free_ char *root = fd_path(b->rootfd);
		const char *rel = root && b->path ? below(root, b->path)
						  : NULL;

		if (!rel) {
			*why = REFUSE_CHROOT;
			return 1;
		}
		b->rel = xstrdup(rel);
	}
	return 0;
}

void resolve_close_base(struct resolve_base *b)
{
	if (b->rootfd >= 0 && !b->own_root)
		close(b->rootfd);
	if (b->basefd >= 0)
		close(b->basefd);
	free(b->rel);
	free(b->path);
	b->rootfd = b->basefd = -1;
	b->rel = b->path = NULL;
}

/* Replace *cur by nfd. */
static void move_to(int *cur, int nfd)
{
	close(*cur);
	*cur = nfd;
}

/* Give up a walk's result: fd and r->dir. */
static void resolved_close(struct resolved *r, int fd)
{
	close(fd);
	free(r->dir);
	r->dir = NULL;
}

#ifndef ST_NOSYMFOLLOW
#define ST_NOSYMFOLLOW 0x2000
#endif

/* Would the kernel refuse to follow the symlink found (the statfs of its
 * filesystem)?  -1 with errno ELOOP on a nosymfollow mount, else 0.
 * (fs.protected_symlinks does not apply here: it guards only a path's
 * last component, and every component walked here is followed by more -
 * see resolve_parent().) */
static int follow_refused(const struct statfs *sf)
{
	if (sf->f_flags & ST_NOSYMFOLLOW) {
		errno = ELOOP;
		return -1;
	}
	return 0;
}

/* The next component of the path at *p (cut in place with a NUL; *p
 * moves past it), or NULL at its end.  Empty components ("//") are
 * skipped. */
static char *next_component(char **p)
{
	char *comp;

	while (**p == '/')
		(*p)++;
	if (!**p)
		return NULL;
	comp = *p;
	while (**p && **p != '/')
		(*p)++;
	if (**p)
		*(*p)++ = '\0';
	return comp;
}

/* The step walk: path from start, one component at a time, every
 * component a directory.  Returns an O_PATH fd, -errno, or WALK_MAGIC
 * when a symlink of /proc is on the way. */
static int step_walk(int rootfd, int start, const char *path)
{
	struct stat root_st, sb;
	struct statfs sf;
	char *todo = xstrdup(path), *p;
	int links = 0, cur, nfd, ret;

	if (fstat(rootfd, &root_st) < 0) {
		free(todo);
		return -errno;
	}
	cur = fcntl(start, F_DUPFD_CLOEXEC, 0);
	if (cur < 0) {
		free(todo);
		return -errno;
	}
	p = todo;
	for (;;) {
		char *comp;

		if (!(comp = next_component(&p)))
			break;
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			if (fstat(cur, &sb) == 0 && same_file(&sb, &root_st))
				continue; /* ".." at the root stays there */
			nfd = openat(cur, "..", O_PATH | O_DIRECTORY |
							O_CLOEXEC);
			if (nfd < 0)
				goto fail;
			move_to(&cur, nfd);
			continue;
		}
		nfd = openat(cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0 || fstat(nfd, &sb) < 0)
			goto fail_nfd;
		if (S_ISDIR(sb.st_mode)) {
			move_to(&cur, nfd);
			continue;
		}
		if (!S_ISLNK(sb.st_mode)) {
			close(nfd);
			errno = ENOTDIR;
			goto fail;
		}
		/* A symlink: never one of /proc (resolved in our context). */
		if (fstatfs(nfd, &sf) < 0)
			goto fail_nfd;
		if (sf.f_type == PROC_SUPER_MAGIC) {
			close(nfd);
			ret = WALK_MAGIC;
			goto out;
		}
		if (++links > MAX_LINKS) {
			close(nfd);
			errno = ELOOP;
			goto fail;
		}
		/* The kernel's own limit on following, which a walk that
		 * reads the link and goes on by itself does not meet. */
		if (follow_refused(&sf) < 0)
			goto fail_nfd;
		{
			char buf[PATH_MAX + 1];
			ssize_t n = readlinkat(nfd, "", buf, sizeof(buf) - 1);
			char *next;

			close(nfd);
			if (n < 0)
				goto fail;
			buf[n] = '\0';
			if (buf[0] == '/') {
				nfd = fcntl(rootfd, F_DUPFD_CLOEXEC, 0);
				if (nfd < 0)
					goto fail;
				move_to(&cur, nfd);
			}
			next = xasprintf("%s/%s", buf, p);
			free(todo);
			todo = p = next;
		}
	}
	ret = cur;
	free(todo);
	return ret;
fail_nfd:
	if (nfd >= 0) {
		int e = errno;

		close(nfd);
		errno = e;
	}
fail:
	ret = -errno;
out:
	close(cur);
	free(todo);
	return ret;
}

/* openat2 with RESOLVE_NO_MAGICLINKS (and RESOLVE_IN_ROOT from the root):
 * an fd, -errno, or -ENOSYS where the kernel has no openat2. */
static int fast_walk(int start, const char *path, bool in_root,
		     bool no_symlinks)
{
#if defined(SYS_openat2) && defined(RESOLVE_NO_MAGICLINKS)
	struct open_how how;
	int fd = -1;

	memset(&how, 0, sizeof(how));
	how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
	how.resolve = RESOLVE_NO_MAGICLINKS | (in_root ? RESOLVE_IN_ROOT : 0) |
		      (no_symlinks ? RESOLVE_NO_SYMLINKS : 0);
	/* EAGAIN: a rename raced with a ".." under RESOLVE_IN_ROOT. */
	for (int i = 0; i < 4; i++) {
		fd = (int)syscall(SYS_openat2, start, path, &how, sizeof(how));
		if (fd >= 0 || errno != EAGAIN)
			break;
	}
	return fd >= 0 ? fd : -errno;
#else
	(void)start;
	(void)path;
	(void)in_root;
	(void)no_symlinks;
	return -ENOSYS;
#endif
}

#ifndef SYS_name_to_handle_at
#define SYS_name_to_handle_at 303
#endif

long long resolve_handle_mount_id(int fd)
{
	/* struct file_handle with MAX_HANDLE_SZ bytes of handle. */
	struct {
		unsigned int handle_bytes;
		int handle_type;
		unsigned char f_handle[128];
	} fh = { .handle_bytes = 128 };
	int mnt = -1;

	/* fs/fhandle.c: the mount id is real_mount(path->mnt)->mnt_id, as
	 * in the fdinfo, and is copied out even when the handle does not
	 * fit (EOVERFLOW). */
	if (syscall(SYS_name_to_handle_at, fd, "", &fh, &mnt, AT_EMPTY_PATH) ==
		    0 ||
	    errno == EOVERFLOW)
		return mnt;
	return -1;
}

/* The mount id of fd where statx has no STATX_MNT_ID (before 5.8, or a C
 * library without statx, as musl 1.2.3: dir_facts()).  First from
 * name_to_handle_at() (2.6.39): it needs no permission, and this runs
 * inside delegate_enter(), with the caller's fsuid and without
 * symtrace's capabilities - where /proc/self/fdinfo/N (3.15) cannot be
 * opened before Linux 5.14 (it is symtrace's own, mode 0400: EACCES; a
 * static musl symtrace on Debian 11's 5.10 refused every call of a
 * non-root caller as "another mount namespace", found by make check-vm).
 * Then, for a file system without file handles (procfs, some FUSE), the
 * fdinfo line.  -1 where neither can tell: the walk is then refused as
 * one into another namespace's mount - fail closed. */
static long long mount_id(int fd)
{
	char path[64], buf[512], *p;
	long long id = resolve_handle_mount_id(fd);

	if (id >= 0)
		return id;
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	if (read_small_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	p = strstr(buf, "mnt_id:");
	return p ? strtoll(p + 7, NULL, 10) : -1;
}

/* The ids of the mounts of symtrace's mount namespace, read from
 * /proc/self/mountinfo; read again when an id is not found (a mount
 * made since). */
static struct {
	long long *ids;
	bool *proc; /* the mount is a procfs */
	size_t n, cap;
} our_mounts;

static void read_our_mounts(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];

	our_mounts.n = 0;
	while (f && fgets(line, sizeof(line), f)) {
		char *end, *sep;
		long long id = strtoll(line, &end, 10);

		if (end == line)
			continue;
		if (our_mounts.n == our_mounts.cap) {
			our_mounts.cap = our_mounts.cap ? 2 * our_mounts.cap
							: 64;
			our_mounts.ids = xrealloc(our_mounts.ids,
						  our_mounts.cap *
							  sizeof(long long));
			our_mounts.proc = xrealloc(our_mounts.proc,
						   our_mounts.cap *
							   sizeof(bool));
		}
		/* "... - FSTYPE SOURCE OPTIONS" */
		sep = strstr(line, " - ");
		our_mounts.proc[our_mounts.n] =
			sep && strncmp(sep + 3, "proc ", 5) == 0;
		our_mounts.ids[our_mounts.n++] = id;
		/* (A line longer than the buffer: its rest is skipped.) */
		while (!strchr(line, '\n') && fgets(line, sizeof(line), f))
			;
	}
	if (f)
		fclose(f);
}

/* Is mount id one of symtrace's namespace?  *proc: is it a procfs. */
static bool is_our_mount(long long id, bool *proc)
{
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < our_mounts.n; i++) {
			if (our_mounts.ids[i] == id) {
				*proc = our_mounts.proc[i];
				return true;
			}
		}
		if (pass == 0)
			read_our_mounts();
	}
	return false;
}

/* What resolve_parent() must know of the directory it pinned. */
struct dir_facts {
	dev_t dev;
	ino_t ino;
	unsigned long nlink;
	long long mnt_id;
	bool proc; /* on a procfs (known without the mount table) */
};

/* One statx where the kernel has STATX_MNT_ID (5.8), else fstat, fstatfs
 * and the fdinfo's mnt_id.  0 or -errno. */
static int dir_facts(int fd, struct dir_facts *f)
{
	struct statfs sf;
	struct stat sb;

#if defined(STATX_MNT_ID)
	struct statx sx;

	if (statx(fd, "", AT_EMPTY_PATH,
		  STATX_NLINK | STATX_INO | STATX_MNT_ID, &sx) == 0 &&
	    (sx.stx_mask & STATX_MNT_ID)) {
		f->dev = makedev(sx.stx_dev_major, sx.stx_dev_minor);
		f->ino = sx.stx_ino;
		f->nlink = sx.stx_nlink;
		f->mnt_id = (long long)sx.stx_mnt_id;
		f->proc = false;
		return 0;
	}
#endif
	if (fstat(fd, &sb) < 0)
		return -errno;
	f->dev = sb.st_dev;
	f->ino = sb.st_ino;
	f->nlink = sb.st_nlink;
	f->mnt_id = mount_id(fd);
	f->proc = fstatfs(fd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
	return 0;
}

/* The real path of the directory a walk without any symlink reached:
 * its lexical form from base ("/" for an absolute path), as every ".."
 * went back the way the walk came; NULL when it would not fit in
 * PATH_MAX. */
static char *lexical_dir(const char *base, const char *dirpart)
{
	char *d = path_resolve_lexical(base, *dirpart ? dirpart : ".");

	if (d && strlen(d) >= PATH_MAX) {
		free(d);
		d = NULL;
	}
	return d;
}

int resolve_parent(const struct resolve_base *b, const char *path,
		   struct resolved *r, const char **why)
{
	_cleanup_free_ char *dirpart = path_split(path, &r->last);
	_cleanup_free_ char *walk = NULL;
	bool in_root = path[0] == '/' || b->chrooted;
	int start = path[0] == '/' || b->chrooted ? b->rootfd : b->basefd;
	const char *base = path[0] == '/' ? "/" : b->path;
	struct dir_facts f;
	bool proc;
	int fd = -1, slow;

	r->dirfd = -1;
	r->dir = NULL;
	/* The walk: the directory part and "." - the kernel walks every
	 * component of the directory part as one followed by more (so
	 * fs.protected_symlinks, which guards a last component, never
	 * applies to it), and so must the walk here. */
	if (b->chrooted && path[0] != '/')
		walk = xasprintf("%s/%s.", b->rel, dirpart);
	else
		walk = xasprintf("%s.", dirpart);
	/* Most link paths cross no symlink: then the directory's real path
	 * is its lexical form, and need not be asked of the kernel.  (Not
	 * for a chrooted caller, whose paths lie below its root, nor from a
	 * base whose path is unknown or deleted.) */
	if (!b->chrooted && base && !strstr(base, " (deleted)")) {
		fd = fast_walk(start, walk, in_root, true);
		if (fd >= 0 && !(r->dir = lexical_dir(base, dirpart))) {
			close(fd);
			fd = -1;
		}
	}
	if (fd < 0)
		fd = fast_walk(start, walk, in_root, false);
	if (fd == -ENOSYS || fd == -EAGAIN || fd == -E2BIG) {
		fd = step_walk(b->rootfd, start, walk);
	} else if (fd < 0) {
		/* Tell a magic link (ELOOP under RESOLVE_NO_MAGICLINKS, or
		 * a walk that went wrong after /proc/self led it into our
		 * own /proc entry) from the caller's own errors. */
		slow = step_walk(b->rootfd, start, walk);
		if (slow >= 0)
			close(slow);
		/* An ELOOP the step walk does not see as a loop of the
		 * caller's own symlinks: a magic link, refused. */
		if (slow == WALK_MAGIC || (fd == -ELOOP && slow != -ELOOP))
			fd = WALK_MAGIC;
	}
	if (fd == WALK_MAGIC) {
		*why = REFUSE_MAGIC;
		return 1;
	}
	if (fd < 0)
		return fd;
	if (dir_facts(fd, &f) < 0 || f.nlink == 0) {
		/* Removed meanwhile: creating in it fails so. */
		resolved_close(r, fd);
		return -ENOENT;
	}
	/* A cwd or dirfd the caller opened in another mount namespace
	 * (through /proc/PID/root of a process there, or passed to it)
	 * walks that namespace's mounts: the path the kernel gives for it
	 * would name a different place in ours, and the rules would judge
	 * that place. */
	if (!is_our_mount(f.mnt_id, &proc)) {
		resolved_close(r, fd);
		*why = REFUSE_MOUNTNS;
		return 1;
	}
	if (proc || f.proc) {
		resolved_close(r, fd);
		*why = REFUSE_MAGIC;
		return 1;
	}
	if (!r->dir)
		r->dir = fd_path(fd);
	if (!r->dir || r->dir[0] != '/') {
		resolved_close(r, fd);
		*why = REFUSE_TOO_LONG;
		return 1;
	}
	r->dirfd = fd;
	r->dev = f.dev;
	r->ino = f.ino;
	return 0;
}

void resolved_free(struct resolved *r)
{
	if (r->dirfd >= 0)
		close(r->dirfd);
	free(r->dir);
	r->dirfd = -1;
	r->dir = NULL;
}

/* ---- where a target leads (resolve_target) -------------------------- */

int resolve_own_root(void)
{
	return our_root_fd(NULL);
}

/* The walk's position: a directory fd (owned or borrowed), its identity
 * and its real path. */
struct tpos {
	int fd;
	bool owned;
	struct stat st;
	char *path;
};

static void tpos_set(struct tpos *c, int fd, bool owned,
		     const struct stat *st, char *path)
{
	if (c->owned)
		close(c->fd);
	free(c->path);
	c->fd = fd;
	c->owned = owned;
	c->st = *st;
	c->path = path;
}

static bool is_at(const struct stat *st, dev_t dev, ino_t ino)
{
	return st->st_dev == dev && st->st_ino == ino;
}

/* Components below the walk's position that do not exist (yet): taken
 * as plain directories to be, so that "missing/.." comes back to the
 * position and the walk goes on through the filesystem from there - a
 * mkdir later makes it so.  (A symlink made there later re-aims the
 * target: that symlink is judged by its own target.)  One buffer,
 * appended to and cut in place: a step costs its component's length,
 * not the path's (a target of thousands of components, through 40
 * links, must not cost their square). */
struct virt {
	char *buf; /* "a/b" */
	size_t len, cap;
	size_t depth;
};

static void virt_step(struct virt *v, const char *comp)
{
	size_t n;

	if (strcmp(comp, ".") == 0)
		return;
	if (strcmp(comp, "..") == 0) {
		while (v->len > 0 && v->buf[v->len - 1] != '/')
			v->len--;
		if (v->len > 0)
			v->len--; /* the '/' */
		v->buf[v->len] = '\0';
		v->depth--;
		return;
	}
	n = strlen(comp);
	if (v->len + n + 2 > v->cap) {
		v->cap = 2 * (v->len + n + 2);
		v->buf = xrealloc(v->buf, v->cap);
	}
	if (v->len)
		v->buf[v->len++] = '/';
	memcpy(v->buf + v->len, comp, n + 1);
	v->len += n;
	v->depth++;
}

/* Follow the symlink fd: its contents in front of the rest of the walk
 * (*todo, *p); an absolute one from the root.  NULL, or why it cannot
 * be judged. */
static const char *follow_symlink(int fd, struct tpos *cur, int rootfd,
				  const struct stat *root_st,
				  const char *rootpath, int *links,
				  char **todo, char **p)
{
	/* Never a symlink of /proc (a magic link, or /proc/self, resolved
	 * by whoever follows it). */
	char buf[PATH_MAX + 1];
	struct statfs sf;
	ssize_t n;
	char *next;

	if (fstatfs(fd, &sf) < 0 || sf.f_type == PROC_SUPER_MAGIC)
		return UNJUDGED_MAGIC;
	if (++*links > MAX_LINKS)
		return UNJUDGED_LOOP;
	n = readlinkat(fd, "", buf, sizeof(buf) - 1);
	if (n < 0)
		return UNJUDGED_WALK;
	buf[n] = '\0';
	if (buf[0] == '/')
		tpos_set(cur, rootfd, false, root_st, xstrdup(rootpath));
	next = xasprintf("%s/%s", buf, *p);
	free(*todo);
	*todo = *p = next;
	return NULL;
}

int resolve_target(int rootfd, const char *rootpath, int startfd,
		   const char *startpath, const char *target,
		   const struct resolve_move *moves, size_t nmoves,
		   unsigned long *budget, char **out, const char **why)
{
	struct tpos cur = { -1, false, { 0 }, NULL };
	struct virt v = { xstrdup(""), 0, 1, 0 };
	unsigned long steps = 0, limit = RESOLVE_TARGET_STEPS;
	struct stat root_st, sb;
	char *todo = xstrdup(target), *p = todo, *comp;
	int links = 0, nfd;

	*out = NULL;
	*why = NULL;
	if (budget && *budget < limit)
		limit = *budget;
	if (fstat(rootfd, &root_st) < 0 ||
	    (target[0] == '/' ? 0 : fstat(startfd, &sb)) < 0) {
		*why = UNJUDGED_WALK;
		goto out;
	}
	if (target[0] == '/')
		tpos_set(&cur, rootfd, false, &root_st, xstrdup(rootpath));
	else
		tpos_set(&cur, startfd, false, &sb, xstrdup(startpath));
	for (;;) {
		const struct resolve_move *m = NULL;
		bool gone = false;

		if (!(comp = next_component(&p)))
			break;
		/* Bounded work: symtrace's one thread makes every traced
		 * call, and a target is at most 41 strings of PATH_MAX. */
		if (++steps > limit) {
			*why = UNJUDGED_LONG;
			goto out;
		}
		if (v.depth) {
			virt_step(&v, comp);
			continue;
		}
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			/* ".." at the root stays there; from a directory a
			 * rename moves, it leads where the directory goes. */
			if (is_at(&cur.st, root_st.st_dev, root_st.st_ino) &&
			    strcmp(cur.path, rootpath) == 0)
				continue;
			for (size_t i = 0; i < nmoves && !m; i++)
				if (is_at(&cur.st, moves[i].dev, moves[i].ino))
					m = &moves[i];
			if (m) {
				if (fstat(m->to_fd, &sb) < 0) {
					*why = UNJUDGED_WALK;
					goto out;
				}
				tpos_set(&cur, m->to_fd, false, &sb,
					 xstrdup(m->to_path));
				continue;
			}
			nfd = openat(cur.fd, "..", O_PATH | O_DIRECTORY |
							   O_CLOEXEC);
			if (nfd < 0 || fstat(nfd, &sb) < 0) {
				if (nfd >= 0)
					close(nfd);
				*why = errno == EACCES ? UNJUDGED_SEARCH
						       : UNJUDGED_WALK;
				goto out;
			}
			tpos_set(&cur, nfd, true, &sb, path_dirname(cur.path));
			continue;
		}
		/* A name: where a move puts an entry, that entry; where
		 * a rename takes one from (and nothing takes its place),
		 * nothing. */
		for (size_t i = 0; i < nmoves && !m; i++)
			if (is_at(&cur.st, moves[i].to_dev, moves[i].to_ino) &&
			    strcmp(comp, moves[i].to_name) == 0)
				m = &moves[i];
		for (size_t i = 0; i < nmoves && !m && !gone; i++)
			gone = moves[i].from_gone &&
			       is_at(&cur.st, moves[i].from_dev,
				     moves[i].from_ino) &&
			       strcmp(comp, moves[i].from_name) == 0;
		if (gone) {
			virt_step(&v, comp);
			continue;
		}
		if (m) {
			nfd = m->fd;
		} else {
			nfd = openat(cur.fd, comp,
				     O_PATH | O_NOFOLLOW | O_CLOEXEC);
			if (nfd < 0) {
				/* Not there (or a name the follower cannot
				 * use): a directory to be. */
				if (errno == ENOENT || errno == ENOTDIR ||
				    errno == ENAMETOOLONG) {
					virt_step(&v, comp);
					continue;
				}
				/* What lies behind a directory the caller
				 * cannot search is unknown to it and us. */
				*why = errno == EACCES ? UNJUDGED_SEARCH
						       : UNJUDGED_WALK;
				goto out;
			}
		}
		if (fstat(nfd, &sb) < 0) {
			*why = UNJUDGED_WALK;
		} else if (S_ISDIR(sb.st_mode)) {
			tpos_set(&cur, nfd, !m, &sb,
				 path_join(cur.path, comp));
			continue;
		} else if (S_ISLNK(sb.st_mode)) {
			*why = follow_symlink(nfd, &cur, rootfd, &root_st,
					      rootpath, &links, &todo, &p);
		} else {
			/* A file: the follower ends here or fails
			 * (ENOTDIR) - or finds a directory made in its
			 * place later. */
			virt_step(&v, comp);
		}
		if (!m)
			close(nfd);
		if (*why)
			goto out;
	}
	*out = v.depth ? path_join(cur.path, v.buf) : cur.path;
	if (!v.depth)
		cur.path = NULL;
out:
	tpos_set(&cur, -1, false, &root_st, NULL);
	free(v.buf);
	free(todo);
	if (budget)
		*budget -= steps < *budget ? steps : *budget;
	return *why ? 1 : 0;
}
