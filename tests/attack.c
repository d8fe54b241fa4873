/* attack.c - attacks on deny mode that each left a forbidden link (a link
 * inside the guarded directory, or a root-owned link deleted) before
 * symtrace made the judged calls itself, for tests/deny-attacks.sh.  The
 * caller is meant to run as an unprivileged user (uid 65534) under rules
 * that allow uid 0, deny targets in /etc and deny links below GUARDED.
 * Every link call is a raw SYS_symlinkat.  One-shot calls print one line
 * each, "NAME = 0" or "NAME = -1 ERRNO", followed by where the link was
 * looked for afterwards ("in=1": it exists); loops print the tally
 * "calls N ok A failed F".  Exit status 0, or 2 on a setup error.
 *
 *   magic WORK GUARDED CWDREL
 *       magic links in the link path: with cwd WORK and fd 77 open on
 *       GUARDED, link "x" at /proc/self/fd/77/magic-procfd,
 *       /dev/fd/77/magic-devfd, /proc/thread-self/fd/77/magic-threadfd,
 *       /proc/PID/fd/77/magic-pidfd, /proc/self/cwd/CWDREL/magic-cwd
 *       (CWDREL leads from WORK to GUARDED), and through the caller's own
 *       link "me" -> /proc/self/fd/77 (made first: "setup-me") at
 *       me/magic-ownlink.  "in=" tells whether the link is in GUARDED.
 *   victim TREE VICTIM VARIANT
 *       build TREE/d/d/... 50 deep (cwd at the bottom) and, 10 deep, the
 *       directory of VICTIM (an absolute path) again; then link at
 *       BASE/../../.. (40 times "../") VICTIM, BASE = /proc/self/cwd
 *       (VARIANT cwd-x, cwd-etc), /proc/self/fd/77 with fd 77 on the cwd
 *       (fd-x, fd-etc) or /dev/fd/77 (devfd-x); target "x" (-x) or
 *       "/etc/passwd" (-etc).  The kernel walks up 40 of the 50 levels
 *       only: the link lands in the copy inside TREE ("in=": it exists
 *       there).  A tracer that walks /proc/self in its own context, or
 *       the path lexically, lands on VICTIM itself.
 *   privmap N BASE
 *       BASE/allowed/lI, the directory part in a private read-only
 *       mapping of the file BASE/map (the rest on the next, anonymous
 *       page) that a forked child rewrites with pwrite() on the file:
 *       BASE/allowed/ <-> BASE/guarded/.  I = 0..N-1.
 *   procmem N BASE
 *       the same, the string in private memory that a forked child
 *       rewrites through /proc/self/mem opened before the fork.
 *   pvm N BASE INFO
 *       the same, the string rewritten by an untraced process
 *       (pvm-flipper) with process_vm_writev: the caller writes
 *       "PID ADDR READY" into INFO and waits until the flipper has set
 *       the byte at READY.
 *   pvm-flipper INFO BASE STOP
 *       the flipper of pvm: flips until the caller is gone, the file STOP
 *       exists or 60 s have passed; prints "flips F" on stderr.
 *   sibcwd N BASE
 *       cwd BASE/work; the caller's own link "sib" -> /proc/CHILD/cwd,
 *       CHILD a forked child that fchdir()s between BASE/harmless and
 *       BASE/guarded; then links sib/lI.
 *   swap N BASE
 *       cwd BASE/work; links "./" x 2000 + "sw/lI", while an untraced
 *       swapper exchanges sw (a directory) and sw2 (a link to
 *       BASE/guarded).
 *   swapper BASE STOP
 *       the swapper of swap: renameat2(RENAME_EXCHANGE) in BASE/work until
 *       STOP exists or 60 s have passed; prints "swaps S" on stderr.
 *   deep WORK GUARDED
 *       working directories deeper than PATH_MAX: 20 levels of 250-byte
 *       names under GUARDED and under WORK, then
 *         deep-a  cwd GUARDED/n..., link "x" at "deep-a"
 *         deep-b  cwd WORK/n..., link "/etc/passwd" at "deep-b"
 *         deep-c  cwd WORK/n..., link "../../.. (to /) etc/passwd" at
 *                 "deep-c"
 *         deep-d  cwd GUARDED/n (5 levels), link "x" at "n/.../deep-d"
 *                 (the other 15 levels)
 *         deep-e  cwd /, dirfd on GUARDED/n... (20 levels), link "x" at
 *                 "deep-e"
 *       "in=": the link exists.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* O_PATH, process_vm_writev */
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helperlib.h"

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

enum { FD = 77, PAGE = 4096 };

/* One call, one line: "NAME = 0" or "NAME = -1 ERRNO". */
static long one(const char *name, const char *target, int dirfd,
		const char *link)
{
	long r = link_at(target, dirfd, link);
	int e = errno;

	if (r == 0)
		printf("%s = 0", name);
	else
		printf("%s = -1 %s", name, ename(e));
	fflush(stdout);
	return r;
}

static void spin(void)
{
	for (int i = 0; i < 200; i++)
		__asm__ volatile("" ::: "memory");
}

static bool file_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* fork(); the child dies with its parent (which symtrace may kill: the
 * child would otherwise flip forever, and symtrace wait for it). */
static pid_t fork_child(void)
{
	pid_t parent = getpid(), child = fork();

	if (child < 0)
		die("fork");
	if (child == 0 && (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 ||
			   getppid() != parent))
		_exit(1);
	return child;
}

/* A flag shared with forked children. */
static atomic_int *new_stop_flag(void)
{
	atomic_int *p = mmap(NULL, sizeof(*p), PROT_READ | PROT_WRITE,
			     MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	atomic_store(p, 0);
	return p;
}

/* ---- 2: magic links ---------------------------------------------- */

static int do_magic(const char *work, const char *guarded, const char *cwdrel)
{
	char path[PATH_MAX];
	int fd;

	if (chdir(work) < 0)
		die(work);
	fd = open(guarded, O_RDONLY | O_DIRECTORY);
	if (fd < 0 || dup2(fd, FD) < 0)
		die(guarded);
	close(fd);

	one("magic-procfd", "x", AT_FDCWD, "/proc/self/fd/77/magic-procfd");
	in_line(exists_at(FD, "magic-procfd"));
	one("magic-devfd", "x", AT_FDCWD, "/dev/fd/77/magic-devfd");
	in_line(exists_at(FD, "magic-devfd"));
	one("magic-threadfd", "x", AT_FDCWD,
	    "/proc/thread-self/fd/77/magic-threadfd");
	in_line(exists_at(FD, "magic-threadfd"));
	snprintf(path, sizeof(path), "/proc/%d/fd/77/magic-pidfd",
		 (int)getpid());
	one("magic-pidfd", "x", AT_FDCWD, path);
	in_line(exists_at(FD, "magic-pidfd"));
	snprintf(path, sizeof(path), "/proc/self/cwd/%s/magic-cwd", cwdrel);
	one("magic-cwd", "x", AT_FDCWD, path);
	in_line(exists_at(FD, "magic-cwd"));
	one("setup-me", "/proc/self/fd/77", AT_FDCWD, "me");
	in_line(exists_at(AT_FDCWD, "me"));
	one("magic-ownlink", "x", AT_FDCWD, "me/magic-ownlink");
	in_line(exists_at(FD, "magic-ownlink"));
	return 0;
}

/* ---- 3: the undo that deleted a root-owned link --------------------- */

enum { TREE_DEPTH = 50, UP = 40 };

static void mkdir_p(const char *rel)
{
	char buf[PATH_MAX], *p;

	snprintf(buf, sizeof(buf), "%s", rel);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			die(buf);
		*p = '/';
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		die(buf);
}

static int do_victim(const char *tree, const char *victim, const char *variant)
{
	char dir[PATH_MAX], link[PATH_MAX], *slash;
	const char *base, *target;
	int mirror = -1;
	size_t n;

	if (victim[0] != '/' || chdir(tree) < 0)
		die("victim: need an absolute VICTIM and a TREE");
	for (int i = 0; i < TREE_DEPTH; i++) {
		if (i == TREE_DEPTH - UP) {
			/* The copy of VICTIM's directory, which the kernel
			 * reaches going up only 40 of the 50 levels. */
			snprintf(dir, sizeof(dir), "%s", victim + 1);
			slash = strrchr(dir, '/');
			if (!slash)
				die("victim: VICTIM in /");
			*slash = 0;
			mkdir_p(dir);
			mirror = open(".", O_PATH | O_DIRECTORY);
			if (mirror < 0)
				die("open mirror");
		}
		if ((mkdir("d", 0755) < 0 && errno != EEXIST) || chdir("d") < 0)
			die("mkdir d");
	}
	if (strncmp(variant, "cwd-", 4) == 0) {
		base = "/proc/self/cwd/";
	} else if (strncmp(variant, "fd-", 3) == 0) {
		base = "/proc/self/fd/77/";
	} else if (strncmp(variant, "devfd-", 6) == 0) {
		base = "/dev/fd/77/";
	} else {
		fprintf(stderr, "attack: unknown victim variant %s\n", variant);
		return 2;
	}
	if (base[1] != 'p' || strncmp(variant, "fd-", 3) == 0) {
		int fd = open(".", O_RDONLY | O_DIRECTORY);

		if (fd < 0 || dup2(fd, FD) < 0)
			die("fd 77");
		close(fd);
	}
	target = strstr(variant, "-etc") ? "/etc/passwd" : "x";
	n = (size_t)snprintf(link, sizeof(link), "%s", base);
	for (int i = 0; i < UP; i++)
		n += (size_t)snprintf(link + n, sizeof(link) - n, "../");
	snprintf(link + n, sizeof(link) - n, "%s", victim + 1);
	one(variant, target, AT_FDCWD, link);
	in_line(exists_at(mirror, victim + 1));
	return 0;
}

/* ---- 4, 5: strings rewritten by another process ------------------- */

struct flip {
	char a[PATH_MAX], b[PATH_MAX]; /* BASE/allowed/, BASE/guarded/ */
	size_t len;
};

static void flip_init(struct flip *f, const char *base)
{
	snprintf(f->a, sizeof(f->a), "%s/allowed/", base);
	snprintf(f->b, sizeof(f->b), "%s/guarded/", base);
	f->len = strlen(f->a);
	if (f->len + 16 > PAGE) {
		fprintf(stderr, "attack: BASE too long\n");
		exit(2);
	}
}

/* The loop: str holds the directory part (rewritten by someone else);
 * the name lI goes right after it. */
static void link_loop(long n, char *str, size_t dirlen)
{
	long ok = 0, failed = 0;

	for (long i = 0; i < n; i++) {
		snprintf(str + dirlen, 32, "l%ld", i);
		if (link_at("x", AT_FDCWD, str) == 0)
			ok++;
		else
			failed++;
	}
	printf("calls %ld ok %ld failed %ld\n", n, ok, failed);
	fflush(stdout);
}

static void reap(pid_t child, atomic_int *stop)
{
	atomic_store(stop, 1);
	if (child > 0)
		waitpid(child, NULL, 0);
}

/* In a child: flip the string at off in fd (a file, or /proc/self/mem)
 * between the guarded and the allowed path until stop; never returns. */
static void __attribute__((noreturn))
flip_by_pwrite(int fd, const struct flip *f, off_t off, atomic_int *stop)
{
	while (!atomic_load(stop)) {
		if (pwrite(fd, f->b, f->len, off) < 0)
			_exit(1);
		spin();
		if (pwrite(fd, f->a, f->len, off) < 0)
			_exit(1);
		spin();
	}
	_exit(0);
}

static int do_privmap(long n, const char *base)
{
	char path[PATH_MAX];
	atomic_int *stop = new_stop_flag();
	struct flip f;
	char *p, *str;
	off_t off;
	pid_t child;
	int fd;

	flip_init(&f, base);
	snprintf(path, sizeof(path), "%s/map", base);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, PAGE) < 0)
		die(path);
	off = PAGE - (off_t)f.len;
	if (pwrite(fd, f.a, f.len, off) != (ssize_t)f.len)
		die("pwrite");
	/* Page 0: the file, private and read-only; page 1: anonymous. */
	p = mmap(NULL, 2 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED ||
	    mmap(p, PAGE, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0) != p ||
	    mmap(p + PAGE, PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != p + PAGE)
		die("mmap");
	str = p + off;
	child = fork_child();
	if (child == 0) {
		flip_by_pwrite(fd, &f, off, stop);
	}
	link_loop(n, str, f.len);
	reap(child, stop);
	return 0;
}

static int do_procmem(long n, const char *base)
{
	static char str[PATH_MAX];
	atomic_int *stop = new_stop_flag();
	struct flip f;
	pid_t child;
	int fd;

	flip_init(&f, base);
	memcpy(str, f.a, f.len);
	fd = open("/proc/self/mem", O_RDWR);
	if (fd < 0)
		die("/proc/self/mem");
	child = fork_child();
	if (child == 0) {
		/* fd still reaches the parent's memory. */
		off_t off = (off_t)(uintptr_t)str;

		flip_by_pwrite(fd, &f, off, stop);
	}
	link_loop(n, str, f.len);
	reap(child, stop);
	return 0;
}

static int do_pvm(long n, const char *base, const char *info)
{
	static char str[PATH_MAX];
	static volatile char ready;
	char tmpname[PATH_MAX];
	struct flip f;
	double deadline;
	FILE *out;

	flip_init(&f, base);
	memcpy(str, f.a, f.len);
	snprintf(tmpname, sizeof(tmpname), "%s.tmp", info);
	out = fopen(tmpname, "w");
	if (!out)
		die(tmpname);
	fprintf(out, "%d %lu %lu\n", (int)getpid(), (unsigned long)str,
		(unsigned long)&ready);
	if (fclose(out) != 0 || rename(tmpname, info) < 0)
		die(info);
	deadline = now() + 20;
	while (!ready) {
		if (now() > deadline) {
			fprintf(stderr, "attack: the flipper never came\n");
			return 2;
		}
		usleep(1000);
	}
	link_loop(n, str, f.len);
	return 0;
}

static int do_pvm_flipper(const char *info, const char *base,
			  const char *stopfile)
{
	unsigned long addr, readyaddr;
	double deadline = now() + 30;
	long flips = 0;
	struct flip f;
	FILE *in = NULL;
	char one_byte = 1;
	int pid;

	flip_init(&f, base);
	while (!(in = fopen(info, "r"))) {
		if (now() > deadline || file_exists(stopfile)) {
			fprintf(stderr, "attack: no %s\n", info);
			return 2;
		}
		usleep(1000);
	}
	if (fscanf(in, "%d %lu %lu", &pid, &addr, &readyaddr) != 3) {
		fprintf(stderr, "attack: bad %s\n", info);
		return 2;
	}
	fclose(in);
	{
		struct iovec l = { &one_byte, 1 };
		struct iovec r = { (void *)readyaddr, 1 };

		if (process_vm_writev(pid, &l, 1, &r, 1, 0) != 1)
			die("process_vm_writev");
	}
	deadline = now() + 60;
	for (;;) {
		struct iovec la = { f.a, f.len }, lb = { f.b, f.len };
		struct iovec r = { (void *)addr, f.len };

		if (process_vm_writev(pid, &lb, 1, &r, 1, 0) < 0)
			break;
		spin();
		if (process_vm_writev(pid, &la, 1, &r, 1, 0) < 0)
			break;
		spin();
		if ((++flips & 255) == 0 &&
		    (file_exists(stopfile) || now() > deadline))
			break;
	}
	fprintf(stderr, "flips %ld\n", flips);
	return 0;
}

/* ---- 6: the directories on the path move -------------------------- */

static int do_sibcwd(long n, const char *base)
{
	char path[PATH_MAX], link[64];
	atomic_int *stop = new_stop_flag();
	long ok = 0, failed = 0;
	int harmless, guarded;
	pid_t child;

	snprintf(path, sizeof(path), "%s/harmless", base);
	harmless = open(path, O_RDONLY | O_DIRECTORY);
	snprintf(path, sizeof(path), "%s/guarded", base);
	guarded = open(path, O_RDONLY | O_DIRECTORY);
	snprintf(path, sizeof(path), "%s/work", base);
	if (harmless < 0 || guarded < 0 || chdir(path) < 0)
		die("sibcwd: setup");
	child = fork_child();
	if (child == 0) {
		if (fchdir(harmless) < 0)
			_exit(1);
		while (!atomic_load(stop)) {
			if (fchdir(guarded) < 0)
				_exit(1);
			spin();
			if (fchdir(harmless) < 0)
				_exit(1);
			spin();
		}
		_exit(0);
	}
	snprintf(path, sizeof(path), "/proc/%d/cwd", (int)child);
	one("setup-sib", path, AT_FDCWD, "sib");
	in_line(exists_at(AT_FDCWD, "sib"));
	for (long i = 0; i < n; i++) {
		snprintf(link, sizeof(link), "sib/l%ld", i);
		if (link_at("x", AT_FDCWD, link) == 0)
			ok++;
		else
			failed++;
	}
	reap(child, stop);
	printf("calls %ld ok %ld failed %ld\n", n, ok, failed);
	return 0;
}

enum { DOTS = 2000 };

static int do_swap(long n, const char *base)
{
	static char link[PATH_MAX];
	char path[PATH_MAX];
	long ok = 0, failed = 0;
	size_t len = 0;

	snprintf(path, sizeof(path), "%s/work", base);
	if (chdir(path) < 0)
		die(path);
	for (int i = 0; i < DOTS; i++) {
		link[len++] = '.';
		link[len++] = '/';
	}
	len += (size_t)snprintf(link + len, sizeof(link) - len, "sw/");
	for (long i = 0; i < n; i++) {
		snprintf(link + len, sizeof(link) - len, "l%ld", i);
		if (link_at("x", AT_FDCWD, link) == 0)
			ok++;
		else
			failed++;
	}
	printf("calls %ld ok %ld failed %ld\n", n, ok, failed);
	return 0;
}

static int do_swapper(const char *base, const char *stopfile)
{
	char path[PATH_MAX];
	double deadline = now() + 60;
	long swaps = 0;

	snprintf(path, sizeof(path), "%s/work", base);
	if (chdir(path) < 0)
		die(path);
	for (;;) {
		if (syscall(SYS_renameat2, AT_FDCWD, "sw", AT_FDCWD, "sw2",
			    RENAME_EXCHANGE) < 0)
			die("renameat2");
		spin();
		if ((++swaps & 255) == 0 &&
		    (file_exists(stopfile) || now() > deadline))
			break;
	}
	fprintf(stderr, "swaps %ld\n", swaps);
	return 0;
}

/* ---- 7: deeper than PATH_MAX -------------------------------------- */

enum { DEEP = 20, NAMELEN = 250 };

static char longname[NAMELEN + 1];

/* mkdir and enter `levels` long names from the cwd. */
static void descend(int levels)
{
	for (int i = 0; i < levels; i++)
		if ((mkdir(longname, 0755) < 0 && errno != EEXIST) ||
		    chdir(longname) < 0)
			die("descend");
}

static int do_deep(const char *work, const char *guarded)
{
	char rel[PATH_MAX], target[PATH_MAX];
	size_t n = 0;
	int levels, fd;

	memset(longname, 'n', NAMELEN);

	/* deep-a: cwd below GUARDED, deeper than PATH_MAX. */
	if (chdir(guarded) < 0)
		die(guarded);
	descend(DEEP);
	one("deep-a", "x", AT_FDCWD, "deep-a");
	in_line(exists_at(AT_FDCWD, "deep-a"));

	/* deep-b, deep-c: below WORK, links to /etc/passwd. */
	if (chdir(work) < 0)
		die(work);
	descend(DEEP);
	one("deep-b", "/etc/passwd", AT_FDCWD, "deep-b");
	in_line(exists_at(AT_FDCWD, "deep-b"));
	/* Up to / from the link's directory (and some more), then etc. */
	levels = DEEP + 5;
	for (const char *p = work; *p; p++)
		levels += *p == '/';
	for (int i = 0; i < levels; i++)
		n += (size_t)snprintf(target + n, sizeof(target) - n, "../");
	snprintf(target + n, sizeof(target) - n, "etc/passwd");
	one("deep-c", target, AT_FDCWD, "deep-c");
	in_line(exists_at(AT_FDCWD, "deep-c"));

	/* deep-d: a relative path into the deep part of GUARDED. */
	if (chdir(guarded) < 0)
		die(guarded);
	descend(5);
	n = 0;
	for (int i = 5; i < DEEP; i++)
		n += (size_t)snprintf(rel + n, sizeof(rel) - n, "%s/",
				      longname);
	snprintf(rel + n, sizeof(rel) - n, "deep-d");
	one("deep-d", "x", AT_FDCWD, rel);
	in_line(exists_at(AT_FDCWD, rel));

	/* deep-e: a dirfd deeper than PATH_MAX. */
	fd = open(guarded, O_PATH | O_DIRECTORY);
	for (int i = 0; fd >= 0 && i < DEEP; i++) {
		int next = openat(fd, longname, O_PATH | O_DIRECTORY);

		close(fd);
		fd = next;
	}
	if (fd < 0 || chdir("/") < 0)
		die("deep-e: setup");
	one("deep-e", "x", fd, "deep-e");
	in_line(exists_at(fd, "deep-e"));
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(mode, "magic") == 0 && argc == 5)
		return do_magic(argv[2], argv[3], argv[4]);
	if (strcmp(mode, "victim") == 0 && argc == 5)
		return do_victim(argv[2], argv[3], argv[4]);
	if (strcmp(mode, "privmap") == 0 && argc == 4)
		return do_privmap(atol(argv[2]), argv[3]);
	if (strcmp(mode, "procmem") == 0 && argc == 4)
		return do_procmem(atol(argv[2]), argv[3]);
	if (strcmp(mode, "pvm") == 0 && argc == 5)
		return do_pvm(atol(argv[2]), argv[3], argv[4]);
	if (strcmp(mode, "pvm-flipper") == 0 && argc == 5)
		return do_pvm_flipper(argv[2], argv[3], argv[4]);
	if (strcmp(mode, "sibcwd") == 0 && argc == 4)
		return do_sibcwd(atol(argv[2]), argv[3]);
	if (strcmp(mode, "swap") == 0 && argc == 4)
		return do_swap(atol(argv[2]), argv[3]);
	if (strcmp(mode, "swapper") == 0 && argc == 4)
		return do_swapper(argv[2], argv[3]);
	if (strcmp(mode, "deep") == 0 && argc == 4)
		return do_deep(argv[2], argv[3]);
	fprintf(stderr, "usage: attack MODE ARGS... (see attack.c)\n");
	return 2;
}
