/* symhelper.c - makes raw symlink-family syscalls for the integration
 * tests and prints, on stdout, the line symtrace must print for each (without
 * the "[pid N] " prefix).  Built 64-bit and, when possible, with -m32.
 *
 * Usage: symhelper CMD ARGS...   (see the table in main) */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;
static char *self;

static const char *ename(int e)
{
	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EBADF: return "EBADF";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EEXIST: return "EEXIST";
	case ENOTDIR: return "ENOTDIR";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	case ENOSYS: return "ENOSYS";
	default: return "E?";
	}
}

static const char *abi_tag(void)
{
#if defined(__x86_64__) && defined(__ILP32__)
	return " <x32>";	/* built with -mx32 (check-vm): all calls are x32 */
#else
	return sizeof(void *) == 4 ? " <i386>" : "";
#endif
}

/* Print a result the way symtrace does. */
static void result(char *buf, size_t n, long r)
{
	size_t l = strlen(buf);

	if (r < 0 && r > -4096)
		snprintf(buf + l, n - l, " = -1 %s (%s)", ename((int)-r),
			 strerror((int)-r));
	else
		snprintf(buf + l, n - l, " = %ld", r);
}

static char *cwd(void)
{
	static char buf[PATH_MAX];

	if (!getcwd(buf, sizeof(buf)))
		strcpy(buf, "?");
	return buf;
}

static char *join(const char *dir, const char *name)
{
	static char buf[2 * PATH_MAX];

	if (name[0] == '/')
		snprintf(buf, sizeof(buf), "%s", name);
	else
		snprintf(buf, sizeof(buf), "%s/%s", dir, name);
	return buf;
}

static long raw(long nr, long a, long b, long c)
{
	long r = syscall(nr, a, b, c);

	return r < 0 ? -errno : r;
}

static void do_symlink(const char *t, const char *l)
{
	char line[3 * PATH_MAX];
	long r = raw(SYS_symlink, (long)t, (long)l, 0);

	if (l[0] == '/')
		snprintf(line, sizeof(line), "symlink(\"%s\", \"%s\")", t, l);
	else
		snprintf(line, sizeof(line), "symlink(\"%s\", \"%s\"<%s>)", t,
			 l, join(cwd(), l));
	result(line, sizeof(line), r);
	printf("%s%s\n", line, abi_tag());
	fflush(stdout);
}

static void do_symlinkat(const char *t, const char *dir, const char *l)
{
	char line[3 * PATH_MAX], fdtext[PATH_MAX + 32];
	int fd;
	long r;

	if (strcmp(dir, "cwd") == 0) {
		fd = AT_FDCWD;
		snprintf(fdtext, sizeof(fdtext), "AT_FDCWD<%s>", cwd());
	} else if (strcmp(dir, "bad") == 0) {
		fd = 999;
		snprintf(fdtext, sizeof(fdtext), "999");
	} else {
		char real[PATH_MAX];

		fd = open(dir, O_RDONLY | O_DIRECTORY);
		if (fd < 0 || !realpath(dir, real)) {
			perror(dir);
			exit(2);
		}
		snprintf(fdtext, sizeof(fdtext), "%d<%s>", fd, real);
	}
	r = raw(SYS_symlinkat, (long)t, fd, (long)l);
	snprintf(line, sizeof(line), "symlinkat(\"%s\", %s, \"%s\")", t, fdtext,
		 l);
	result(line, sizeof(line), r);
	printf("%s%s\n", line, abi_tag());
	fflush(stdout);
}

#if defined(__x86_64__)
/* i386 syscalls from 64-bit code: int $0x80 takes 32-bit pointers, so the
 * strings must live below 4 GiB. */
static long int80(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a), "c"(b), "d"(c)
			 : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

static char *low_copy(const char *s)
{
	char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	strcpy(p, s);
	return p;
}

static void do_int80(const char *t, const char *l, int at)
{
	char line[3 * PATH_MAX];
	char *lt = low_copy(t), *ll = low_copy(l);
	long r;

	if (at) {
		r = int80(304, (long)(uintptr_t)lt, AT_FDCWD & 0xffffffffL,
			  (long)(uintptr_t)ll);
		snprintf(line, sizeof(line),
			 "symlinkat(\"%s\", AT_FDCWD<%s>, \"%s\")", t, cwd(), l);
	} else {
		r = int80(83, (long)(uintptr_t)lt, (long)(uintptr_t)ll, 0);
		if (l[0] == '/')
			snprintf(line, sizeof(line),
				 "symlink(\"%s\", \"%s\")", t, l);
		else
			snprintf(line, sizeof(line),
				 "symlink(\"%s\", \"%s\"<%s>)", t, l,
				 join(cwd(), l));
	}
	result(line, sizeof(line), r);
	printf("%s <i386>\n", line);
	fflush(stdout);
}

static void do_x32(const char *t, const char *l)
{
	char line[3 * PATH_MAX];
	long r = raw(0x40000000L | 266, (long)t, AT_FDCWD, (long)l);

	snprintf(line, sizeof(line), "symlinkat(\"%s\", AT_FDCWD<%s>, \"%s\")",
		 t, cwd(), l);
	result(line, sizeof(line), r);
	printf("%s <x32>\n", line);
	fflush(stdout);
}
#endif

/* A target that runs into an unmapped page (no NUL): EFAULT, printed as
 * its address.  at_start: the pointer is the unmapped page itself. */
static void do_fault(const char *l, int at_start)
{
	long ps = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, 2 * ps, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char line[3 * PATH_MAX];
	char *t;
	long r;

	munmap(p + ps, ps);
	memset(p, 'a', ps);
	t = at_start ? p + ps : p + ps - 5;
	r = raw(SYS_symlinkat, (long)t, AT_FDCWD, (long)l);
	snprintf(line, sizeof(line), "symlinkat(%p, AT_FDCWD<%s>, \"%s\")",
		 (void *)t, cwd(), l);
	result(line, sizeof(line), r);
	printf("%s%s\n", line, abi_tag());
	fflush(stdout);
}

/* A string that ends with its NUL as the very last byte of a page followed
 * by an unmapped page: must be read fine. */
static void do_edge(const char *l)
{
	long ps = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, 2 * ps, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *t = p + ps - 6;

	munmap(p + ps, ps);
	strcpy(t, "edge1");
	do_symlinkat(t, "cwd", l);
}

/* PATH_MAX bytes without a NUL (followed by more): ENAMETOOLONG, printed
 * as the PATH_MAX bytes and "...". */
static void do_toolong(const char *l)
{
	char *t = malloc(PATH_MAX + 100);
	char line[3 * PATH_MAX];
	long r;

	memset(t, 'x', PATH_MAX + 99);
	t[PATH_MAX + 99] = '\0';
	r = raw(SYS_symlinkat, (long)t, AT_FDCWD, (long)l);
	snprintf(line, sizeof(line), "symlinkat(\"%.*s\"..., AT_FDCWD<%s>, "
		 "\"%s\")", PATH_MAX, t, cwd(), l);
	result(line, sizeof(line), r);
	printf("%s%s\n", line, abi_tag());
	fflush(stdout);
}

struct tharg {
	const char *dir;
	int id, n;
};

static void *thread_main(void *p)
{
	struct tharg *a = p;
	char name[PATH_MAX];

	for (int i = 0; i < a->n; i++) {
		snprintf(name, sizeof(name), "%s/t%d_%d", a->dir, a->id, i);
		if (syscall(SYS_symlinkat, "target", AT_FDCWD, name) != 0)
			perror("symlinkat");
		unlink(name);
	}
	return NULL;
}

static void do_threads(int nth, int n, const char *dir)
{
	pthread_t th[256];
	struct tharg a[256];

	if (nth > 256)
		nth = 256;
	for (int i = 0; i < nth; i++) {
		a[i] = (struct tharg){ dir, i, n };
		pthread_create(&th[i], NULL, thread_main, &a[i]);
	}
	for (int i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	printf("%d\n", nth * n);
}

static void run_self(char *const t, char *const l)
{
	char *argv[] = { self, "symlink", t, l, NULL };

	execv(self, argv);
	perror("execv");
	_exit(2);
}

static char *g_t, *g_l;

static int clone_fn(void *arg)
{
	(void)arg;
	do_symlink(g_t, g_l);
	return 0;
}

static void *exec_thread(void *arg)
{
	(void)arg;
	run_self(g_t, g_l);
	return NULL;
}

static int wait_child(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, __WALL) < 0)
		return 2;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int usage(void)
{
	fprintf(stderr, "usage: symhelper CMD ARGS (see symhelper.c)\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *cmd;
	pid_t pid;

	self = argv[0];
	if (argc < 2)
		return usage();
	cmd = argv[1];
	g_t = argc > 2 ? argv[2] : NULL;
	g_l = argc > 3 ? argv[3] : NULL;
	if (strcmp(cmd, "symlink") == 0 && argc == 4) {
		do_symlink(argv[2], argv[3]);
	} else if (strcmp(cmd, "symlinkat") == 0 && argc == 5) {
		do_symlinkat(argv[2], argv[3], argv[4]);
#if defined(__x86_64__)
	} else if (strcmp(cmd, "int80") == 0 && argc == 4) {
		do_int80(argv[2], argv[3], 0);
	} else if (strcmp(cmd, "int80at") == 0 && argc == 4) {
		do_int80(argv[2], argv[3], 1);
	} else if (strcmp(cmd, "x32") == 0 && argc == 4) {
		do_x32(argv[2], argv[3]);
#endif
	} else if (strcmp(cmd, "fault") == 0 && argc == 3) {
		do_fault(argv[2], 1);
	} else if (strcmp(cmd, "fault-mid") == 0 && argc == 3) {
		do_fault(argv[2], 0);
	} else if (strcmp(cmd, "edge") == 0 && argc == 3) {
		do_edge(argv[2]);
	} else if (strcmp(cmd, "toolong") == 0 && argc == 3) {
		do_toolong(argv[2]);
	} else if (strcmp(cmd, "threads") == 0 && argc == 5) {
		do_threads(atoi(argv[2]), atoi(argv[3]), argv[4]);
	} else if (strcmp(cmd, "fork") == 0 && argc == 4) {
		pid = fork();
		if (pid == 0) {
			do_symlink(g_t, g_l);
			_exit(0);
		}
		return wait_child(pid);
	} else if (strcmp(cmd, "vfork") == 0 && argc == 4) {
		pid = vfork();
		if (pid == 0)
			run_self(g_t, g_l);
		return wait_child(pid);
	} else if (strcmp(cmd, "clone") == 0 && argc == 4) {
		static char stack[65536];

		pid = clone(clone_fn, stack + sizeof(stack), SIGCHLD, NULL);
		return wait_child(pid);
	} else if (strcmp(cmd, "spawn") == 0 && argc == 4) {
		char *sargv[] = { self, "symlink", g_t, g_l, NULL };

		if (posix_spawn(&pid, self, NULL, NULL, sargv, environ) != 0)
			return 2;
		return wait_child(pid);
	} else if (strcmp(cmd, "exec") == 0 && argc == 4) {
		run_self(g_t, g_l);
	} else if (strcmp(cmd, "thread-exec") == 0 && argc == 4) {
		pthread_t th;

		pthread_create(&th, NULL, exec_thread, NULL);
		pause();
	} else if (strcmp(cmd, "daemon") == 0 && argc == 4) {
		/* Double fork: the command exits at once; the grandchild,
		 * reparented away from it, makes the link later. */
		pid = fork();
		if (pid == 0) {
			setsid();
			if (fork() == 0) {
				usleep(200000);
				do_symlink(g_t, g_l);
				_exit(0);
			}
			_exit(0);
		}
		return wait_child(pid);
	} else if (strcmp(cmd, "exit") == 0 && argc == 3) {
		return atoi(argv[2]);
	} else if (strcmp(cmd, "kill") == 0 && argc == 3) {
		signal(atoi(argv[2]), SIG_DFL);
		raise(atoi(argv[2]));
		return 1;
	} else {
		return usage();
	}
	return 0;
}
