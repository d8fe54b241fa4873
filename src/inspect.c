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
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#if defined(__has_include)
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#endif
#endif

#include "path.h"
#include "policy.h"
#include "procmap.h"
#include "resolve.h"
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
	if ((p = strstr(buf, "\nTracerPid:")))
		pi->tracer = (pid_t)strtol(p + 11, NULL, 10);
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
 * [*start, *end) is the mapping (0, 0 when none). */
static int query_vma(int fd, uint64_t addr, uint64_t *start, uint64_t *end)
{
	struct st_procmap_query q;

	memset(&q, 0, sizeof(q));
	q.size = sizeof(q);
	q.query_addr = addr;
	*start = *end = 0;
	if (ioctl(fd, ST_PROCMAP_QUERY, &q) < 0) {
		if (errno == ENOENT)
			return 0;
		if (errno == ENOTTY || errno == EINVAL)
			procmap_query_missing = true;
		return -1;
	}
	*start = q.vma_start;
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
	resolve_forget(tid);
	for (int i = 0; i < MAPS_SLOTS; i++) {
		if (maps_cache[i].tid && (tid == 0 || maps_cache[i].tid == tid)) {
			close(maps_cache[i].fd);
			maps_cache[i].tid = 0;
		}
	}
}

/* How many of the slots to use: fewer under a low RLIMIT_NOFILE, so
 * that the descriptors each traced call needs for a moment (its root, its
 * cwd, its link's directory) are always there. */
static int maps_slots(void)
{
	static int n;
	struct rlimit rl;

	if (!n)
		n = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 64
			    ? 2
			    : MAPS_SLOTS;
	return n;
}

static int maps_open(pid_t tid)
{
	char path[64];
	int victim = 0, fd;

	for (int i = 0; i < maps_slots(); i++) {
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

/* The last mapping asked about in one mark_shared() call: the other
 * string often lies in it too (both on the stack, or both in the heap),
 * and then needs no question of its own.  Kept for one call only: the
 * tracee's mappings can change between calls (mmap is not traced). */
struct vma_seen {
	uint64_t start, end;
	int shared; /* as query_vma(); -1: nothing seen */
};

/* Is [first, last] (at most two mappings) in a shared writable mapping?
 * 1 yes, 0 no, -1 cannot ask. */
static int range_shared(int fd, uint64_t first, uint64_t last,
			struct vma_seen *seen)
{
	uint64_t start, end;
	int r;

	if (seen->shared >= 0 && first >= seen->start && last < seen->end)
		return seen->shared; /* in the mapping asked about already */
	r = query_vma(fd, first, &start, &end);
	if (r >= 0 && end) {
		seen->start = start;
		seen->end = end;
		seen->shared = r;
	}
	if (r != 0 || last < end)
		return r; /* shared, unknown, or one mapping holds it all */
	return query_vma(fd, last, &start, &end);
}

/* Mark the strings that lie in a shared writable mapping: processes
 * symtrace does not trace could rewrite them at any time.  A string (at
 * most PATH_MAX bytes) spans at most two mappings: its first and last
 * bytes are checked. */
static void mark_shared(struct event *ev)
{
	struct tstr *strs[2] = { &ev->target, &ev->linkpath };
	struct vma_seen seen = { 0, 0, -1 };
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
			shared = range_shared(fd, first, last, &seen);
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

/* Trace mode: where the link lands, found the way deny mode finds it
 * (resolve.c, without taking the caller's credentials: nothing is done
 * here, only looked at) and pinned for the check at the exit.  A path
 * that cannot be judged is not resolved in our context: the report says
 * why ("<unresolved: WHY>"), with the lexical guess; so is one whose
 * directory does not exist (the call fails the same way). */
static void pin_link_dir(struct event *ev, signed char *own_root)
{
	struct resolve_base b = RESOLVE_BASE_INIT;
	struct resolved r = RESOLVED_INIT;
	const char *path = ev->linkpath.buf, *why = NULL;
	int res;

	res = resolve_open_base_hint(ev->tid, ev->dirfd, path[0] == '/',
				     own_root, &b, &why);
	/* The walk first: it takes the directory's real path from the
	 * base's path when no symlink is crossed (b.path, read once), and
	 * asks the kernel again only when it must. */
	if (res == 0)
		res = resolve_parent(&b, path, &r, &why);
	ev->dir = b.path ? b.path : inspect_base_dir(ev->tid, ev->dirfd);
	b.path = NULL;
	resolve_close_base(&b);
	if (res == 0) {
		ev->path = path_join(r.dir, r.last);
		ev->pin_last = path_join("", r.last);
		ev->pin_dev = r.dev;
		ev->pin_ino = r.ino;
		ev->pin_dir = r.dir;
		r.dir = NULL;
		if (event_pin(ev, r.dirfd))
			r.dirfd = -1;
		resolved_free(&r);
		return;
	}
	if (why && strcmp(why, REFUSE_GONE) != 0)
		ev->unresolved = why; /* (gone: reported "= ?" anyway) */
	if (path[0] == '/' || ev->dir)
		ev->path = path_resolve_lexical(ev->dir, path);
}

void inspect_entry_context(struct event *ev, unsigned what,
			   signed char *own_root)
{
	mark_shared(ev);
	inspect_ident(ev, what);
	if (ev->linkpath.status == TSTR_OK)
		pin_link_dir(ev, own_root);
	if (ev->path && ev->target.status == TSTR_OK)
		ev->target_resolved = path_resolve_target(ev->path,
							  ev->target.buf);
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
	free(ev->groups);
	ev->groups = NULL;
	ev->ngroups = 0;
	if (pi->ngroups > 0) {
		size_t n = (size_t)pi->ngroups * sizeof(*pi->groups);

		ev->groups = xmalloc(n);
		memcpy(ev->groups, pi->groups, n);
		ev->ngroups = pi->ngroups;
	}
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

	/* What the kernel really created, if it created anything: read
	 * by the name the call gave, in the directory found at entry -
	 * held since (or reached again by its real path without following
	 * any symlink, and only if it is still the same directory).  Not
	 * there: the
	 * kernel put the link elsewhere (its cwd or a directory on the way
	 * moved meanwhile), or it is gone already.  (The directory's fd
	 * is held from entry to exit for at most 64 calls in progress at
	 * once: thousands may be.) */
	if (ev->finished && ev->ret == 0) {
		char buf[PATH_MAX + 1];
		ssize_t n = -1;
		struct stat sb;
		int fd = -1;

		if (ev->pin_held) {
			n = readlinkat(ev->pin_fd, ev->pin_last, buf,
				       sizeof(buf) - 1);
		} else if (ev->pin_dir &&
			   (fd = resolve_open_real(ev->pin_dir)) >= 0) {
			if (fstat(fd, &sb) == 0 && sb.st_dev == ev->pin_dev &&
			    sb.st_ino == ev->pin_ino)
				n = readlinkat(fd, ev->pin_last, buf,
					       sizeof(buf) - 1);
			close(fd);
		}
		if (n < 0) {
			ev->tags |= TAG_UNVERIFIED;
		} else {
			ev->disk_target = xstrndup(buf, (size_t)n);
			if (ev->target.status != TSTR_OK ||
			    strcmp(ev->disk_target, ev->target.buf) != 0)
				diff = true;
		}
	}
	event_unpin(ev);
	if (diff)
		ev->tags |= TAG_TOCTOU;
	return diff;
}
