/* credhelper.c - for tests/deny-cache.sh: runs a script of steps in one
 * process, mostly in one thread: symlink(2) calls, each printing its
 * result on stdout ("ret=0" or "ret=-1 errno=ENAME", one line a call),
 * and changes of the credentials or the root in between.  Deny mode keeps
 * a task's credentials and whether its root is symtrace's between calls
 * (supervisor.c); a change it missed would make it act with more
 * authority than the caller: the second call of a script would succeed
 * where the kernel refuses it.  Built 64-bit and, when possible, with
 * -m32 (credhelper32: the i386 numbers, 16- and 32-bit id calls).
 *
 * Usage: credhelper STEP...
 *   link:PATH         symlink("t", PATH), raw; prints its result
 *   tlink:PATH        the same in a second thread (started at its first
 *                     use, kept until the end or tjoin)
 *   tjoin             end the second thread (back to one thread)
 *   raw | libc        how the id calls below are made from here on: a raw
 *                     syscall (the calling thread only; the default) or
 *                     glibc's wrapper (every thread of the process)
 *   setuid:U  setgid:G  setfsuid:U  setfsgid:G
 *   setreuid:R:E  setregid:R:E  setresuid:R:E:S  setresgid:R:E:S
 *   setgroups:G,G...  setgroups:-  (none)
 *   NAME32:...        (credhelper32 only, raw) setuid32, setgid32,
 *                     setreuid32, setregid32, setresuid32, setresgid32,
 *                     setfsuid32, setfsgid32, setgroups32; there the
 *                     names without 32 are the 16-bit calls (raw)
 *   capdrop           capset: an empty effective set (raw)
 *   capraise          capset: effective = permitted (raw)
 *   capeff:N,N...     capset: effective = these capabilities (raw)
 *   keepcaps          prctl(PR_SET_KEEPCAPS, 1)
 *   unshare-user      unshare(CLONE_NEWUSER) (raw; no id map)
 *   setns-user        setns into a new user namespace made by a child
 *                     (which then exits), raw, nstype CLONE_NEWUSER
 *   chroot:DIR        chroot(DIR), raw, without chdir
 *   tchroot:DIR       the same in the second thread (threads share the
 *                     root: the one making the next call did not chroot)
 *   pivot:NEW:OLD     pivot_root(NEW, OLD), raw
 *   exec              execve /proc/self/exe with the remaining steps
 *   userns            unshare(CLONE_NEWUSER) (raw) with an id map: 0 there
 *                     is the caller's uid and gid (setgroups denied); the
 *                     caller has every capability in it, and may chroot
 *   fsthread:DIR      a thread with a root of its own (clone without
 *                     CLONE_FS) chroots to DIR and chdirs to "/" (raw),
 *                     then waits for fsexec
 *   fsexec            that thread execs the helper (/proc/self/exe as
 *                     opened by fsthread) with the remaining steps: it
 *                     takes over the leader's tid, in its jail, which must
 *                     hold the helper's libraries; the leader waits to be
 *                     replaced
 *   spin:PATH         a third thread, sharing everything, makes
 *                     symlink("t", "PATH.N") calls, N = 0, 1, ..., raw,
 *                     results unprinted, until its first slink; the step
 *                     ends after its first call
 *   slink:PATH        symlink("t", PATH) in that thread, once it has
 *                     stopped spinning; prints its result
 *   cpu:N             the calling thread runs on CPU N only (from here on;
 *                     threads started later inherit it)
 * A step other than link or tlink that fails is a broken fixture:
 * message on stderr, exit status 2.  Exit status 0 otherwise. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_NEWUSER
#define CLONE_NEWUSER 0x10000000
#endif

static const char *ename(int e)
{
	static char num[32];

	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EBADF: return "EBADF";
	case EACCES: return "EACCES";
	case EEXIST: return "EEXIST";
	case EXDEV: return "EXDEV";
	case ENOTDIR: return "ENOTDIR";
	case EINVAL: return "EINVAL";
	case EROFS: return "EROFS";
	case ENOSYS: return "ENOSYS";
	case ELOOP: return "ELOOP";
	default:
		snprintf(num, sizeof(num), "%d", e);
		return num;
	}
}

static const char *step; /* the step being run, for messages */

static void broken(const char *what)
{
	fprintf(stderr, "credhelper: %s: %s: %s\n", step, what,
		strerror(errno));
	exit(2);
}

static void usage(void)
{
	fprintf(stderr, "credhelper: bad step '%s'\n", step);
	exit(2);
}

static long do_link(const char *path)
{
	long r = syscall(SYS_symlink, "t", path);

	return r == 0 ? 0 : -errno;
}

static void print_result(long r)
{
	if (r == 0)
		printf("ret=0\n");
	else
		printf("ret=-1 errno=%s\n", ename((int)-r));
	if (fflush(stdout) != 0)
		exit(1);
}

/* ---- the second thread (and the spinning one, once it stopped):
 * runs one request at a time ---- */
enum { REQ_LINK, REQ_CHROOT, REQ_EXIT };
struct req {
	int op;
	const char *path;
	long ret;
};
struct chan {
	int to[2], from[2];
	pthread_t thread;
	int up;
};
static struct chan second, spinning;

static void *worker(void *arg)
{
	struct chan *c = arg;
	struct req *q;
	int op;

	for (;;) {
		if (read(c->to[0], &q, sizeof(q)) != sizeof(q))
			return NULL;
		switch (q->op) {
		case REQ_LINK:
			q->ret = do_link(q->path);
			break;
		case REQ_CHROOT:
			q->ret = syscall(SYS_chroot, q->path) == 0 ? 0 : -errno;
			break;
		default:
			q->ret = 0;
		}
		op = q->op; /* q is gone once answered */
		if (write(c->from[1], &q, sizeof(q)) != sizeof(q))
			return NULL;
		if (op == REQ_EXIT)
			return NULL;
	}
}

static void start_thread(struct chan *c, void *(*fn)(void *))
{
	if (pipe2(c->to, O_CLOEXEC) < 0 || pipe2(c->from, O_CLOEXEC) < 0)
		broken("pipe");
	errno = pthread_create(&c->thread, NULL, fn, c);
	if (errno)
		broken("pthread_create");
	c->up = 1;
}

static long in_thread(struct chan *c, int op, const char *path)
{
	struct req r = { op, path, 0 }, *q = &r;

	if (!c->up)
		start_thread(c, worker);
	if (write(c->to[1], &q, sizeof(q)) != sizeof(q) ||
	    read(c->from[0], &q, sizeof(q)) != sizeof(q))
		broken("talking to the thread");
	return r.ret;
}

static void end_thread(struct chan *c)
{
	if (!c->up)
		return;
	in_thread(c, REQ_EXIT, NULL);
	pthread_join(c->thread, NULL);
	close(c->to[0]);
	close(c->to[1]);
	close(c->from[0]);
	close(c->from[1]);
	c->up = 0;
}

/* ---- the spinning thread: symlink calls until told to stop ---- */
static const char *spin_base;
static int spin_stop, spin_calls; /* __atomic */

static void *spinner(void *arg)
{
	char path[4200];

	for (unsigned long n = 0; !__atomic_load_n(&spin_stop, __ATOMIC_SEQ_CST);
	     n++) {
		snprintf(path, sizeof(path), "%s.%lu", spin_base, n);
		do_link(path);
		__atomic_add_fetch(&spin_calls, 1, __ATOMIC_SEQ_CST);
	}
	return worker(arg);
}

static void spin(const char *base)
{
	if (spinning.up)
		usage();
	spin_base = base;
	start_thread(&spinning, spinner);
	while (__atomic_load_n(&spin_calls, __ATOMIC_SEQ_CST) == 0)
		sched_yield();
}

static long spin_link(const char *path)
{
	if (!spinning.up)
		usage();
	__atomic_store_n(&spin_stop, 1, __ATOMIC_SEQ_CST);
	return in_thread(&spinning, REQ_LINK, path);
}

/* ---- a thread with a root of its own (clone without CLONE_FS) ---- */
/* It shares the leader's memory and TLS (no CLONE_SETTLS): raw system
 * calls only.  fs_ready: its chroot's result (an errno, 0); fs_go: a
 * byte, then it execs; fs_failed: execveat's errno if that fails. */
static int fs_ready[2], fs_go[2], fs_failed[2];
static int fs_exe = -1;
static const char *fs_dir;
static char *const *fs_argv;

static int fs_main(void *arg)
{
	int e = 0;
	char c;

	(void)arg;
	if (syscall(SYS_chroot, fs_dir) < 0 || syscall(SYS_chdir, "/") < 0)
		e = errno ? errno : EIO;
	syscall(SYS_write, fs_ready[1], &e, sizeof(e));
	if (e || syscall(SYS_read, fs_go[0], &c, 1) != 1)
		syscall(SYS_exit, 1);
	syscall(SYS_execveat, fs_exe, "", fs_argv, environ, AT_EMPTY_PATH);
	e = errno ? errno : EIO;
	syscall(SYS_write, fs_failed[1], &e, sizeof(e));
	syscall(SYS_exit, 1);
	return 0;
}

static void fs_thread(const char *dir)
{
	static char stack[256 * 1024] __attribute__((aligned(16)));
	int e;

	if (fs_exe >= 0)
		usage();
	fs_dir = dir;
	fs_exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fs_exe < 0)
		broken("/proc/self/exe");
	if (pipe2(fs_ready, O_CLOEXEC) < 0 || pipe2(fs_go, O_CLOEXEC) < 0 ||
	    pipe2(fs_failed, O_CLOEXEC) < 0)
		broken("pipe");
	if (clone(fs_main, stack + sizeof(stack),
		  CLONE_VM | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
			  CLONE_SYSVSEM,
		  NULL) < 0)
		broken("clone");
	if (read(fs_ready[0], &e, sizeof(e)) != sizeof(e))
		broken("the thread did not answer");
	if (e) {
		errno = e;
		broken("chroot in the thread");
	}
}

static void fs_exec(char *const *argv)
{
	int e;

	if (fs_exe < 0)
		usage();
	fs_argv = argv;
	if (fflush(stdout) != 0 || write(fs_go[1], "x", 1) != 1)
		broken("telling the thread");
	/* The exec ends this thread (the leader); if it returns: */
	if (read(fs_failed[0], &e, sizeof(e)) != sizeof(e))
		e = EIO;
	errno = e;
	broken("execveat in the thread");
}

/* ---- a user namespace with an id map ---- */
static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		broken(path);
	close(fd);
}

static void userns(void)
{
	char map[64];
	unsigned long uid = getuid(), gid = getgid();

	if (syscall(SYS_unshare, CLONE_NEWUSER) < 0)
		broken("unshare(CLONE_NEWUSER)");
	write_file("/proc/self/setgroups", "deny");
	snprintf(map, sizeof(map), "0 %lu 1\n", uid);
	write_file("/proc/self/uid_map", map);
	snprintf(map, sizeof(map), "0 %lu 1\n", gid);
	write_file("/proc/self/gid_map", map);
}

/* ---- arguments ---- */
static unsigned long num(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || (*end != '\0' && *end != ':' && *end != ','))
		usage();
	return v;
}

/* The N numbers after "NAME:" (separated by ':'). */
static void ids(const char *arg, int n, unsigned long v[3])
{
	for (int i = 0; i < n; i++) {
		if (!arg)
			usage();
		v[i] = num(arg);
		arg = strchr(arg, ':');
		if (arg)
			arg++;
	}
	if (arg)
		usage();
}

static int parse_groups(const char *arg, gid_t *g, int max)
{
	int n = 0;

	if (strcmp(arg, "-") == 0)
		return 0;
	for (;;) {
		if (n == max)
			usage();
		g[n++] = (gid_t)num(arg);
		arg = strchr(arg, ',');
		if (!arg)
			return n;
		arg++;
	}
}

/* ---- capabilities (no glibc wrapper: raw everywhere) ---- */
/* The effective set: empty (how 0), the permitted one (1), or the
 * capabilities numbered in the list ARG (2). */
static void caps(int how, const char *arg)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		broken("capget");
	for (int i = 0; i < 2; i++)
		d[i].effective = how == 1 ? d[i].permitted : 0;
	while (how == 2) {
		unsigned long c;

		if (!arg)
			usage();
		c = num(arg);
		if (c >= 64)
			usage();
		d[c / 32].effective |= 1u << (c % 32);
		arg = strchr(arg, ',');
		if (!arg)
			break;
		arg++;
	}
	if (syscall(SYS_capset, &h, d) < 0)
		broken("capset");
}

/* ---- a user namespace of a child's ---- */
static void setns_user(void)
{
	int ready[2], done[2], fd;
	char path[64], c = 0;
	pid_t pid;
	int st;

	if (pipe(ready) < 0 || pipe(done) < 0)
		broken("pipe");
	pid = fork();
	if (pid < 0)
		broken("fork");
	if (pid == 0) {
		close(ready[0]);
		close(done[1]);
		if (syscall(SYS_unshare, CLONE_NEWUSER) < 0) {
			perror("credhelper: child: unshare(CLONE_NEWUSER)");
			_exit(1);
		}
		if (write(ready[1], &c, 1) != 1)
			_exit(1);
		/* Until the parent has joined. */
		if (read(done[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(ready[1]);
	close(done[0]);
	if (read(ready[0], &c, 1) != 1) {
		errno = ECHILD;
		broken("the child made no user namespace");
	}
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		broken(path);
	if (syscall(SYS_setns, fd, CLONE_NEWUSER) < 0)
		broken("setns(CLONE_NEWUSER)");
	close(fd);
	close(done[1]);
	close(ready[0]);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0) {
		errno = ECHILD;
		broken("the child failed");
	}
}

/* ---- the id calls ---- */
static int use_libc;

#if defined(__i386__)
/* The 16-bit calls take 16-bit ids (setgroups: an array of them). */
static long raw_setgroups16(int n, const gid_t *g)
{
	uint16_t g16[64];

	for (int i = 0; i < n; i++)
		g16[i] = (uint16_t)g[i];
	return syscall(SYS_setgroups, n, g16);
}
#endif

/* Run the id step NAME with ARG (after the ':'); false if NAME is not
 * one. */
static int id_step(const char *name, const char *arg)
{
	unsigned long v[3];
	gid_t g[64];
	long r;
	int n;
	int is32 = 0;
	char base[32];
	size_t len = strlen(name);

	if (len >= sizeof(base))
		return 0;
	memcpy(base, name, len + 1);
	if (len > 2 && strcmp(base + len - 2, "32") == 0) {
		is32 = 1;
		base[len - 2] = '\0';
	}
#if defined(__i386__)
#define RAW(call) (is32 ? SYS_##call##32 : SYS_##call)
#else
	if (is32) {
		errno = ENOSYS;
		broken("only in the i386 build");
	}
#define RAW(call) SYS_##call
#endif
	if (is32 && use_libc)
		usage();
	if (strcmp(base, "setuid") == 0) {
		ids(arg, 1, v);
		r = use_libc ? setuid((uid_t)v[0]) : syscall(RAW(setuid), v[0]);
	} else if (strcmp(base, "setgid") == 0) {
		ids(arg, 1, v);
		r = use_libc ? setgid((gid_t)v[0]) : syscall(RAW(setgid), v[0]);
	} else if (strcmp(base, "setreuid") == 0) {
		ids(arg, 2, v);
		r = use_libc ? setreuid((uid_t)v[0], (uid_t)v[1])
			     : syscall(RAW(setreuid), v[0], v[1]);
	} else if (strcmp(base, "setregid") == 0) {
		ids(arg, 2, v);
		r = use_libc ? setregid((gid_t)v[0], (gid_t)v[1])
			     : syscall(RAW(setregid), v[0], v[1]);
	} else if (strcmp(base, "setresuid") == 0) {
		ids(arg, 3, v);
		r = use_libc ? setresuid((uid_t)v[0], (uid_t)v[1], (uid_t)v[2])
			     : syscall(RAW(setresuid), v[0], v[1], v[2]);
	} else if (strcmp(base, "setresgid") == 0) {
		ids(arg, 3, v);
		r = use_libc ? setresgid((gid_t)v[0], (gid_t)v[1], (gid_t)v[2])
			     : syscall(RAW(setresgid), v[0], v[1], v[2]);
	} else if (strcmp(base, "setfsuid") == 0 ||
		   strcmp(base, "setfsgid") == 0) {
		int uid = base[5] == 'u';
		long before;

		ids(arg, 1, v);
		/* They return the previous id and fail silently: check. */
		if (use_libc)
			uid ? setfsuid((uid_t)v[0]) : setfsgid((gid_t)v[0]);
		else if (uid)
			syscall(RAW(setfsuid), v[0]);
		else
			syscall(RAW(setfsgid), v[0]);
		before = uid ? syscall(RAW(setfsuid), -1L)
			     : syscall(RAW(setfsgid), -1L);
		if ((unsigned long)before != v[0]) {
			errno = EPERM;
			broken("the id did not change");
		}
		r = 0;
	} else if (strcmp(base, "setgroups") == 0) {
		if (!arg)
			usage();
		n = parse_groups(arg, g, 64);
		if (use_libc)
			r = setgroups((size_t)n, g);
#if defined(__i386__)
		else if (!is32)
			r = raw_setgroups16(n, g);
#endif
		else
			r = syscall(RAW(setgroups), n, g);
	} else {
		return 0;
	}
#undef RAW
	if (r < 0)
		broken("failed");
	return 1;
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		char name[32];
		const char *arg;
		size_t len;

		step = argv[i];
		arg = strchr(step, ':');
		len = arg ? (size_t)(arg - step) : strlen(step);
		if (len >= sizeof(name))
			usage();
		memcpy(name, step, len);
		name[len] = '\0';
		if (arg)
			arg++;

		if (strcmp(name, "link") == 0 && arg) {
			print_result(do_link(arg));
		} else if (strcmp(name, "tlink") == 0 && arg) {
			print_result(in_thread(&second, REQ_LINK, arg));
		} else if (strcmp(name, "tjoin") == 0) {
			end_thread(&second);
		} else if (strcmp(name, "raw") == 0) {
			use_libc = 0;
		} else if (strcmp(name, "libc") == 0) {
			use_libc = 1;
		} else if (id_step(name, arg)) {
			;
		} else if (strcmp(name, "capdrop") == 0) {
			caps(0, NULL);
		} else if (strcmp(name, "capraise") == 0) {
			caps(1, NULL);
		} else if (strcmp(name, "capeff") == 0 && arg) {
			caps(2, arg);
		} else if (strcmp(name, "keepcaps") == 0) {
			if (prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L) < 0)
				broken("prctl");
		} else if (strcmp(name, "unshare-user") == 0) {
			if (syscall(SYS_unshare, CLONE_NEWUSER) < 0)
				broken("unshare(CLONE_NEWUSER)");
		} else if (strcmp(name, "setns-user") == 0) {
			setns_user();
		} else if (strcmp(name, "chroot") == 0 && arg) {
			if (syscall(SYS_chroot, arg) < 0)
				broken("chroot");
		} else if (strcmp(name, "tchroot") == 0 && arg) {
			long r = in_thread(&second, REQ_CHROOT, arg);

			if (r < 0) {
				errno = (int)-r;
				broken("chroot in the thread");
			}
		} else if (strcmp(name, "pivot") == 0 && arg) {
			char *new_root = strdup(arg), *old;

			if (!new_root || !(old = strchr(new_root, ':')))
				usage();
			*old++ = '\0';
			if (syscall(SYS_pivot_root, new_root, old) < 0)
				broken("pivot_root");
			free(new_root);
		} else if (strcmp(name, "exec") == 0) {
			argv[i] = argv[0];
			if (second.up || spinning.up) {
				errno = EBUSY;
				broken("exec with a second thread");
			}
			execv("/proc/self/exe", argv + i);
			broken("execv /proc/self/exe");
		} else if (strcmp(name, "userns") == 0) {
			userns();
		} else if (strcmp(name, "fsthread") == 0 && arg) {
			fs_thread(arg);
		} else if (strcmp(name, "fsexec") == 0) {
			argv[i] = argv[0];
			fs_exec(argv + i);
		} else if (strcmp(name, "spin") == 0 && arg) {
			spin(arg);
		} else if (strcmp(name, "cpu") == 0 && arg) {
			cpu_set_t set;
			unsigned long c = num(arg);

			if (c >= CPU_SETSIZE)
				usage();
			CPU_ZERO(&set);
			CPU_SET(c, &set);
			if (sched_setaffinity(0, sizeof(set), &set) < 0)
				broken("sched_setaffinity");
		} else if (strcmp(name, "slink") == 0 && arg) {
			print_result(spin_link(arg));
		} else {
			usage();
		}
	}
	end_thread(&second);
	if (spinning.up) {
		__atomic_store_n(&spin_stop, 1, __ATOMIC_SEQ_CST);
		end_thread(&spinning);
	}
	return 0;
}
