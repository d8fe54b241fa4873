/* redteam.c - the ways around deny mode that a red-team pass found in
 * delegation (closed in c9a976e), for tests/deny-redteam.sh.  The caller
 * is meant to run as an unprivileged user (uid 65534) under rules that
 * allow uid 0, deny targets in /etc and deny links below GUARDED.  Every
 * link call is a raw system call.  One-shot calls print one line each,
 * "NAME = 0" or "NAME = -1 ERRNO", mostly followed by whether the link
 * was found afterwards ("in=1": it exists).  Exit status 0; 2 on a setup
 * error; 3 when the kernel lacks what the attack needs (io_uring,
 * Landlock).
 *
 *   mntns DIR GUARDED
 *       DIR is a directory reached through /proc/PID/root of an untraced
 *       process in another mount namespace, where GUARDED is bind-mounted
 *       on it: with fd 77 on DIR, link "x" at "ns-dirfd"; then with DIR
 *       as the cwd, link "x" at "ns-cwd".  "in=": the link is in GUARDED.
 *   thrns ALIAS GUARDED GO
 *       the leader enters a new user namespace (its uid as 0); a thread
 *       made without CLONE_FS unshares a mount namespace, bind-mounts
 *       GUARDED on ALIAS, drops its capabilities, prints "ready TID" and
 *       waits (at most 30 s) until the file GO exists; then it links "x"
 *       at ALIAS/thr-abs ("thr-abs = R in=E") and, with ALIAS as its cwd,
 *       "x" at "thr-rel".  The leader stays in the initial namespaces and
 *       exits 0 when the thread is done.
 *   uring-owner INFO STOP
 *       an io_uring of 4 entries on fd 60, its io_uring_params written to
 *       INFO; prints "ring 60", or "noring 60 ERRNO" (then fd 60 is
 *       /dev/null) when io_uring_setup fails; waits until STOP exists (at
 *       most 60 s).
 *   uring-pass INFO FD CMD [ARG...]
 *       an io_uring on FD (inherited across exec), its params in INFO;
 *       then exec CMD.  Exit 3 when io_uring_setup fails.
 *   uring-use RING INFO TARGET LINK
 *       RING is FD (an inherited ring) or PID:FD (steal fd FD of process
 *       PID with pidfd_getfd: "pidfd_getfd = 0" or "= -1 ERRNO", then fd
 *       -1 on failure); "register = R": IORING_REGISTER_PROBE on it;
 *       "enter = R res=C in=E": an IORING_OP_SYMLINKAT of TARGET at LINK
 *       submitted with io_uring_enter (nothing submitted when the ring
 *       cannot be mapped), C the completion's result (or "none").
 *   landlock ALLOWED OUTSIDE
 *       a Landlock domain that lets links be made only below ALLOWED:
 *       "landlock_restrict_self = R"; when it succeeded, link "x" at
 *       ALLOWED/ll-in and at OUTSIDE/ll-out ("in=": it exists).  Exit 3
 *       (printing "landlock: ERRNO") if the kernel has no Landlock.
 *   exrace SECONDS RANGE STRS LINK SETUID
 *       for SECONDS, rounds of: a forked child whose leader calls
 *       symlink("/tmp/foo", LINK) while its second thread execs the
 *       setuid-root program SETUID ("SETUID --help"), both strings
 *       straddling pages of a mapping of the file STRS evicted from the
 *       page cache (so that reading them waits for the disk while the
 *       exec completes); a random spin of up to RANGE on one side or the
 *       other; it stops early when LINK exists.  Prints "rounds N in=E".
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* clone, O_PATH */
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/io_uring.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helperlib.h"

#ifndef SYS_io_uring_setup
#define SYS_io_uring_setup 425
#endif
#ifndef SYS_io_uring_enter
#define SYS_io_uring_enter 426
#endif
#ifndef SYS_io_uring_register
#define SYS_io_uring_register 427
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif
#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#endif
#ifndef SYS_landlock_add_rule
#define SYS_landlock_add_rule 445
#endif
#ifndef SYS_landlock_restrict_self
#define SYS_landlock_restrict_self 446
#endif

/* Landlock ABI 1 (linux/landlock.h), spelt out: the header may be older. */
#define LL_CREATE_RULESET_VERSION (1U << 0)
#define LL_RULE_PATH_BENEATH 1
#define LL_ACCESS_FS_MAKE_SYM (1ULL << 12)
struct ll_ruleset_attr {
	uint64_t handled_access_fs;
};
struct ll_path_beneath_attr {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

enum { FD = 77, RING_FD = 60 };

/* "NAME = R" for a call that returned r with errno e. */
static void said(const char *name, long r, int e)
{
	if (r >= 0)
		printf("%s = %ld", name, r);
	else
		printf("%s = -1 %s", name, ename(e));
	fflush(stdout);
}

static void one(const char *name, const char *target, int dirfd,
		const char *link, int gdir, const char *gname)
{
	long r = link_at(target, dirfd, link);

	said(name, r, errno);
	in_line(exists_at(gdir, gname));
}

static int open_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		die(path);
	return fd;
}

/* ---- F3: a dirfd or cwd in another mount namespace ----------------- */

static int do_mntns(const char *dir, const char *guarded)
{
	int g = open_dir(guarded);
	int fd = open_dir(dir);

	if (dup2(fd, FD) < 0)
		die("dup2");
	close(fd);
	fd = FD;
	one("ns-dirfd", "x", fd, "ns-dirfd", g, "ns-dirfd");
	if (fchdir(fd) < 0)
		die(dir);
	one("ns-cwd", "x", AT_FDCWD, "ns-cwd", g, "ns-cwd");
	return 0;
}

/* ---- F4: a thread in a mount namespace of its own ------------------ */

static const char *thr_alias, *thr_guarded, *thr_go;
static atomic_int thr_done;
static char thr_stack[1 << 16] __attribute__((aligned(16)));

/* The thread shares the leader's TLS (no CLONE_SETTLS): it keeps to
 * write() and raw system calls, and reads errno only right after them. */
static void say(const char *s)
{
	ssize_t n = write(1, s, strlen(s));

	(void)n;
}

static void thr_one(const char *name, const char *link)
{
	char buf[256];
	struct stat sb;
	long r = link_at("x", AT_FDCWD, link);
	int e = errno;
	int in;

	snprintf(buf, sizeof(buf), "%s/%s", thr_guarded, name);
	in = syscall(SYS_newfstatat, AT_FDCWD, buf, &sb,
		     AT_SYMLINK_NOFOLLOW) == 0;
	if (r == 0)
		snprintf(buf, sizeof(buf), "%s = 0 in=%d\n", name, in);
	else
		snprintf(buf, sizeof(buf), "%s = -1 %s in=%d\n", name,
			 ename(e), in);
	say(buf);
}

static int thr_main(void *arg)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	char buf[300];
	int n;

	(void)arg;
	if (syscall(SYS_unshare, CLONE_NEWNS)) {
		say("thread: unshare(CLONE_NEWNS) failed\n");
		goto out;
	}
	if (syscall(SYS_mount, "none", "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		say("thread: mount --make-rprivate / failed\n");
		goto out;
	}
	if (syscall(SYS_mount, thr_guarded, thr_alias, NULL, MS_BIND, NULL)) {
		say("thread: mount --bind failed\n");
		goto out;
	}
	memset(d, 0, sizeof(d));
	if (syscall(SYS_capset, &h, d)) {
		say("thread: capset failed\n");
		goto out;
	}
	snprintf(buf, sizeof(buf), "ready %ld\n", (long)syscall(SYS_gettid));
	say(buf);
	for (n = 0; n < 3000; n++) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		if (syscall(SYS_faccessat, AT_FDCWD, thr_go, F_OK) == 0)
			break;
		syscall(SYS_nanosleep, &ts, NULL);
	}
	if (n == 3000) {
		say("thread: no GO\n");
		goto out;
	}
	snprintf(buf, sizeof(buf), "%s/thr-abs", thr_alias);
	thr_one("thr-abs", buf);
	if (syscall(SYS_chdir, thr_alias)) {
		say("thread: chdir failed\n");
		goto out;
	}
	thr_one("thr-rel", "thr-rel");
out:
	atomic_store(&thr_done, 1);
	syscall(SYS_exit, 0);
	return 0;
}

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		die(path);
	close(fd);
}

static int do_thrns(const char *alias, const char *guarded, const char *go)
{
	char map[64];
	uid_t uid = getuid();
	gid_t gid = getgid();

	thr_alias = alias;
	thr_guarded = guarded;
	thr_go = go;
	if (unshare(CLONE_NEWUSER) < 0)
		die("unshare(CLONE_NEWUSER)");
	write_file("/proc/self/setgroups", "deny");
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
	write_file("/proc/self/uid_map", map);
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
	write_file("/proc/self/gid_map", map);
	if (clone(thr_main, thr_stack + sizeof(thr_stack),
		  CLONE_VM | CLONE_THREAD | CLONE_SIGHAND | CLONE_SYSVSEM,
		  NULL) < 0)
		die("clone");
	while (!atomic_load(&thr_done))
		usleep(10000);
	usleep(100000); /* until the thread has gone */
	return 0;
}

/* ---- F5: io_uring without io_uring_setup ---------------------------- */

static int ring_setup(struct io_uring_params *p)
{
	memset(p, 0, sizeof(*p));
	return syscall(SYS_io_uring_setup, 4, p);
}

static void write_params(const char *info, const struct io_uring_params *p)
{
	int fd = open(info, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, p, sizeof(*p)) != (ssize_t)sizeof(*p))
		die(info);
	close(fd);
}

static bool read_params(const char *info, struct io_uring_params *p)
{
	int fd = open(info, O_RDONLY);
	bool ok;

	memset(p, 0, sizeof(*p));
	if (fd < 0)
		return false;
	ok = read(fd, p, sizeof(*p)) == (ssize_t)sizeof(*p);
	close(fd);
	return ok && p->sq_entries > 0;
}

static int do_uring_owner(const char *info, const char *stop)
{
	struct io_uring_params p;
	int fd = ring_setup(&p), e = errno, i;

	if (fd >= 0) {
		write_params(info, &p);
		if (dup2(fd, RING_FD) < 0)
			die("dup2");
		printf("ring %d\n", RING_FD);
	} else {
		fd = open("/dev/null", O_RDONLY);
		if (fd < 0 || dup2(fd, RING_FD) < 0)
			die("/dev/null");
		printf("noring %d %s\n", RING_FD, ename(e));
	}
	fflush(stdout);
	for (i = 0; i < 6000 && access(stop, F_OK) < 0; i++)
		usleep(10000);
	return 0;
}

static int do_uring_pass(const char *info, const char *fdarg, char **cmd)
{
	struct io_uring_params p;
	int fd = ring_setup(&p), want = atoi(fdarg);

	if (fd < 0) {
		fprintf(stderr, "redteam: io_uring_setup: %s\n",
			strerror(errno));
		return 3;
	}
	write_params(info, &p);
	if (dup2(fd, want) < 0) /* without FD_CLOEXEC */
		die("dup2");
	close(fd);
	execvp(cmd[0], cmd);
	die(cmd[0]);
}

static int do_uring_use(const char *ring, const char *info,
			const char *target, const char *link)
{
	struct io_uring_params p;
	const char *colon = strchr(ring, ':');
	unsigned char probe[4096];
	char *sq = MAP_FAILED;
	struct io_uring_sqe *sqes = MAP_FAILED;
	size_t sqsz = 0, cqsz;
	unsigned ctail0 = 0;
	int fd, submit = 0;
	long r;

	if (colon) {
		int pfd = syscall(SYS_pidfd_open, atoi(ring), 0);

		if (pfd < 0)
			die("pidfd_open");
		r = syscall(SYS_pidfd_getfd, pfd, atoi(colon + 1), 0);
		said("pidfd_getfd", r < 0 ? r : 0, errno);
		printf("\n");
		fd = r < 0 ? -1 : (int)r;
	} else {
		fd = atoi(ring);
	}

	memset(probe, 0, sizeof(probe));
	r = syscall(SYS_io_uring_register, fd, IORING_REGISTER_PROBE, probe,
		    64);
	said("register", r, errno);
	printf("\n");

	if (fd >= 0 && read_params(info, &p)) {
		sqsz = p.sq_off.array + p.sq_entries * sizeof(unsigned);
		cqsz = p.cq_off.cqes +
		       p.cq_entries * sizeof(struct io_uring_cqe);
		if (cqsz > sqsz)
			sqsz = cqsz;
		sq = mmap(NULL, sqsz, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQ_RING);
		sqes = mmap(NULL, p.sq_entries * sizeof(*sqes),
			    PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
			    fd, IORING_OFF_SQES);
	}
	if (sq != MAP_FAILED && sqes != MAP_FAILED) {
		unsigned *tail = (unsigned *)(sq + p.sq_off.tail);
		unsigned mask = *(unsigned *)(sq + p.sq_off.ring_mask);
		unsigned *arr = (unsigned *)(sq + p.sq_off.array);
		unsigned t = *tail;

		/* The ring may have been used before (a stolen one). */
		ctail0 = *(unsigned *)(sq + p.cq_off.tail);
		memset(&sqes[0], 0, sizeof(sqes[0]));
		sqes[0].opcode = IORING_OP_SYMLINKAT;
		sqes[0].fd = AT_FDCWD;
		sqes[0].addr = (uintptr_t)target;
		sqes[0].addr2 = (uintptr_t)link;
		arr[t & mask] = 0;
		atomic_store((_Atomic unsigned *)tail, t + 1);
		submit = 1;
	}
	r = syscall(SYS_io_uring_enter, fd, submit, submit,
		    submit ? IORING_ENTER_GETEVENTS : 0, NULL, 0);
	said("enter", r, errno);
	if (r > 0 && submit) {
		_Atomic unsigned *ctail = (_Atomic unsigned *)(sq +
							      p.cq_off.tail);
		_Atomic unsigned *chead = (_Atomic unsigned *)(sq +
							      p.cq_off.head);
		unsigned cmask = *(unsigned *)(sq + p.cq_off.ring_mask);
		struct io_uring_cqe *cqes =
			(struct io_uring_cqe *)(sq + p.cq_off.cqes);
		int res, i;

		/* The wait for the completion may end early (a ptrace
		 * stop): wait for it here, at most 5 s. */
		for (i = 0; i < 500 && atomic_load(ctail) == ctail0; i++)
			usleep(10000);
		res = cqes[ctail0 & cmask].res;
		if (atomic_load(ctail) == ctail0) {
			printf(" res=none");
		} else {
			atomic_store(chead, ctail0 + 1);
			if (res >= 0)
				printf(" res=%d", res);
			else
				printf(" res=-1 %s", ename(-res));
		}
	} else {
		printf(" res=none");
	}
	in_line(exists_at(AT_FDCWD, link));
	return 0;
}

/* ---- F2: Landlock --------------------------------------------------- */

static int do_landlock(const char *allowed, const char *outside)
{
	struct ll_ruleset_attr ra = { LL_ACCESS_FS_MAKE_SYM };
	struct ll_path_beneath_attr pb;
	char path[4096];
	long r;
	int rs, a, o;

	r = syscall(SYS_landlock_create_ruleset, NULL, 0,
		    LL_CREATE_RULESET_VERSION);
	if (r < 0) {
		printf("landlock: %s\n", ename(errno));
		return 3;
	}
	rs = syscall(SYS_landlock_create_ruleset, &ra, sizeof(ra), 0);
	if (rs < 0)
		die("landlock_create_ruleset");
	pb.allowed_access = LL_ACCESS_FS_MAKE_SYM;
	pb.parent_fd = open(allowed, O_PATH | O_CLOEXEC);
	if (pb.parent_fd < 0)
		die(allowed);
	if (syscall(SYS_landlock_add_rule, rs, LL_RULE_PATH_BENEATH, &pb, 0))
		die("landlock_add_rule");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		die("PR_SET_NO_NEW_PRIVS");
	a = open_dir(allowed);
	o = open_dir(outside);
	r = syscall(SYS_landlock_restrict_self, rs, 0);
	said("landlock_restrict_self", r, errno);
	printf("\n");
	if (r < 0) /* no sandbox: a careful program stops here */
		return 0;
	snprintf(path, sizeof(path), "%s/ll-in", allowed);
	one("ll-in", "x", AT_FDCWD, path, a, "ll-in");
	snprintf(path, sizeof(path), "%s/ll-out", outside);
	one("ll-out", "x", AT_FDCWD, path, o, "ll-out");
	return 0;
}

/* ---- F1: a setuid exec in another thread during the call ------------ */

enum { PAGE = 4096 };
static atomic_int race_go;
static long race_delay;
static const char *race_setuid;

static void spin_n(long n)
{
	for (volatile long i = 0; i < n; i++)
		;
}

static void *race_thread(void *arg)
{
	char *av[] = { (char *)race_setuid, (char *)"--help", NULL };
	char *ev[] = { NULL };

	(void)arg;
	while (!atomic_load(&race_go))
		;
	if (race_delay > 0)
		spin_n(race_delay);
	execve(race_setuid, av, ev);
	_exit(99);
}

static void race_round(const char *strs, long range)
{
	pthread_t t;
	char *m;
	int f, nul = open("/dev/null", O_WRONLY);

	if (nul >= 0) {
		dup2(nul, 1);
		dup2(nul, 2);
	}
	race_delay = (rand() % (2 * range)) - range;
	f = open(strs, O_RDONLY);
	if (f < 0)
		_exit(2);
	posix_fadvise(f, 0, 0, POSIX_FADV_DONTNEED);
	m = mmap(NULL, 4 * PAGE, PROT_READ, MAP_PRIVATE, f, 0);
	if (m == MAP_FAILED)
		_exit(2);
	madvise(m, 4 * PAGE, MADV_RANDOM);
	if (pthread_create(&t, NULL, race_thread, NULL))
		_exit(2);
	usleep(1000);
	atomic_store(&race_go, 1);
	if (race_delay < 0)
		spin_n(-race_delay);
	syscall(SYS_symlink, m + PAGE - 4, m + 3 * PAGE - 4);
	pause();
	_exit(0);
}

static int do_exrace(const char *secs, const char *range_arg,
		     const char *strs, const char *link, const char *setuid)
{
	char page[4 * PAGE];
	double end = now() + atof(secs);
	long range = atol(range_arg), rounds = 0;
	int fd;

	if (range < 1)
		range = 1;
	race_setuid = setuid;
	memset(page, 0, sizeof(page));
	/* The target straddles pages 0-1, the link path pages 2-3. */
	strcpy(page + PAGE - 4, "/tmp/foo");
	if (strlen(link) >= PAGE)
		return 2;
	strcpy(page + 3 * PAGE - 4, link);
	fd = open(strs, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, page, sizeof(page)) != (ssize_t)sizeof(page) ||
	    fsync(fd) < 0)
		die(strs);
	close(fd);
	srand(getpid() ^ time(NULL));
	while (now() < end) {
		pid_t p = fork();
		int st;

		if (p < 0)
			die("fork");
		if (p == 0)
			race_round(strs, range);
		rounds++;
		if (waitpid(p, &st, 0) < 0)
			die("waitpid");
		if (exists_at(AT_FDCWD, link))
			break;
	}
	printf("rounds %ld", rounds);
	in_line(exists_at(AT_FDCWD, link));
	return 0;
}

static __attribute__((noreturn)) void usage(void)
{
	fprintf(stderr,
		"usage: redteam mntns DIR GUARDED\n"
		"       redteam thrns ALIAS GUARDED GO\n"
		"       redteam uring-owner INFO STOP\n"
		"       redteam uring-pass INFO FD CMD [ARG...]\n"
		"       redteam uring-use FD|PID:FD INFO TARGET LINK\n"
		"       redteam landlock ALLOWED OUTSIDE\n"
		"       redteam exrace SECONDS RANGE STRS LINK SETUID\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *m;

	if (argc < 2)
		usage();
	m = argv[1];
	if (!strcmp(m, "mntns") && argc == 4)
		return do_mntns(argv[2], argv[3]);
	if (!strcmp(m, "thrns") && argc == 5)
		return do_thrns(argv[2], argv[3], argv[4]);
	if (!strcmp(m, "uring-owner") && argc == 4)
		return do_uring_owner(argv[2], argv[3]);
	if (!strcmp(m, "uring-pass") && argc >= 5)
		return do_uring_pass(argv[2], argv[3], argv + 4);
	if (!strcmp(m, "uring-use") && argc == 6)
		return do_uring_use(argv[2], argv[3], argv[4], argv[5]);
	if (!strcmp(m, "landlock") && argc == 4)
		return do_landlock(argv[2], argv[3]);
	if (!strcmp(m, "exrace") && argc == 7)
		return do_exrace(argv[2], argv[3], argv[4], argv[5], argv[6]);
	usage();
}
