/* check_resolve.c - unit tests for resolve.c: the walk to a pinned
 * directory and where a target leads, run on this test's own
 * process (its /proc/PID/cwd and root stand for a tracee's) in a fresh
 * directory tree: real paths, the kernel's errors, and the refusals
 * (magic links, /proc, paths deeper than PATH_MAX). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "path.h"
#include "policy.h"
#include "resolve.h"
#include "util.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- resolve_split, resolve_join ---- */

/* ---- the walk, on this process ---- */

static char top[PATH_MAX]; /* the real path of a fresh tree */

static void mkdirs(void)
{
	char tmpl[] = "/tmp/check_resolve.XXXXXX";
	char *d = mkdtemp(tmpl);

	ck_assert_ptr_nonnull(d);
	ck_assert_ptr_nonnull(realpath(d, top));
	ck_assert_int_eq(chdir(top), 0);
	ck_assert_int_eq(mkdir("a", 0755), 0);
	ck_assert_int_eq(mkdir("a/b", 0755), 0);
	ck_assert_int_eq(symlink("a/b", "sb"), 0);     /* to a directory */
	ck_assert_int_eq(symlink("loop2", "loop1"), 0);
	ck_assert_int_eq(symlink("loop1", "loop2"), 0);
	ck_assert_int_eq(symlink("/proc/self/cwd", "me"), 0);
	ck_assert_int_eq(close(open("file", O_CREAT | O_WRONLY, 0644)), 0);
}

static void rmdirs(void)
{
	char cmd[PATH_MAX + 16];

	ck_assert_int_eq(chdir("/"), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	ck_assert_int_eq(system(cmd), 0);
}

/* Walk path from this process's cwd (dirfd -100) or from dirfd.  Returns
 * what resolve_parent() returned; *dir gets the real directory (or NULL)
 * and *why the refusal. */
static int walk(int dirfd, const char *path, char **dir, const char **why)
{
	struct resolve_base b = RESOLVE_BASE_INIT;
	struct resolved r = RESOLVED_INIT;
	int res;

	*dir = NULL;
	*why = NULL;
	res = resolve_open_base(getpid(), dirfd, path[0] == '/', &b, why);
	if (res == 0)
		res = resolve_parent(&b, path, &r, why);
	if (res == 0) {
		struct stat sb;

		/* The pinned fd is that directory. */
		ck_assert_int_eq(fstat(r.dirfd, &sb), 0);
		ck_assert(S_ISDIR(sb.st_mode));
		ck_assert(sb.st_dev == r.dev && sb.st_ino == r.ino);
		*dir = xstrdup(r.dir);
	}
	resolved_free(&r);
	resolve_close_base(&b);
	return res;
}

static char *in_top(const char *rel)
{
	return *rel ? xasprintf("%s/%s", top, rel) : xstrdup(top);
}

static const struct walk_case {
	const char *path;
	int res;          /* 0, -errno, or 1 (refused) */
	const char *dir;  /* below top ("" = top) when res == 0 */
	const char *why;  /* when res == 1 */
} walks[] = {
	{ "l", 0, "", NULL },
	{ "a/b/l", 0, "a/b", NULL },
	{ "a/./b/../b/l", 0, "a/b", NULL },
	{ "sb/l", 0, "a/b", NULL },            /* through a symlink */
	{ "sb/../l", 0, "a", NULL },           /* ".." after it, physical */
	{ "a/b/", 0, "a", NULL },              /* "b/" is the last */
	{ "missing/l", -ENOENT, NULL, NULL },
	{ "file/l", -ENOTDIR, NULL, NULL },
	{ "loop1/l", -ELOOP, NULL, NULL },
	{ "me/l", 1, NULL, REFUSE_MAGIC },     /* own link to a magic one */
	{ "/proc/self/cwd/l", 1, NULL, REFUSE_MAGIC },
	{ "/proc/self/fd/0/l", 1, NULL, REFUSE_MAGIC },
	{ "/dev/fd/0/l", 1, NULL, REFUSE_MAGIC },
	{ "/proc/self/fd/12345/l", 1, NULL, REFUSE_MAGIC },
	{ "/proc/l", 1, NULL, REFUSE_MAGIC },  /* a directory of /proc */
};

START_TEST(test_walk)
{
	const struct walk_case *c = &walks[_i];
	const char *why;
	char *dir, *want;
	int res;

	mkdirs();
	res = walk(-100, c->path, &dir, &why);
	ck_assert_msg(res == c->res, "%s: got %d, want %d (%s)", c->path,
		      res, c->res, why ? why : "-");
	if (c->res == 0) {
		want = in_top(c->dir);
		ck_assert_str_eq(dir, want);
		free(want);
	}
	if (c->res == 1)
		ck_assert_str_eq(why, c->why);
	free(dir);
	rmdirs();
}
END_TEST

/* Absolute paths and a dirfd: the same directory by other routes; a
 * dirfd that is not a directory, or not open. */
START_TEST(test_walk_dirfd)
{
	const char *why;
	char *dir, *abs;
	int fd;

	mkdirs();
	abs = in_top("a/b/l");
	ck_assert_int_eq(walk(-100, abs, &dir, &why), 0);
	free(abs);
	abs = in_top("a/b");
	ck_assert_str_eq(dir, abs);
	free(dir);
	fd = open("a", O_PATH | O_DIRECTORY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(walk(fd, "b/l", &dir, &why), 0);
	ck_assert_str_eq(dir, abs);
	free(dir);
	close(fd);
	free(abs);
	fd = open("file", O_RDONLY);
	ck_assert_int_eq(walk(fd, "l", &dir, &why), -ENOTDIR);
	close(fd);
	ck_assert_int_eq(walk(9999, "l", &dir, &why), -EBADF);
	rmdirs();
}
END_TEST

/* A directory whose path does not fit in PATH_MAX cannot be named to the
 * rules: refused. */
START_TEST(test_walk_too_deep)
{
	char name[201];
	const char *why;
	char *dir;

	mkdirs();
	memset(name, 'd', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	for (int i = 0; i < 25; i++) {
		ck_assert_int_eq(mkdir(name, 0755), 0);
		ck_assert_int_eq(chdir(name), 0);
	}
	ck_assert_int_eq(walk(-100, "l", &dir, &why), 1);
	ck_assert_str_eq(why, REFUSE_TOO_LONG);
	ck_assert_ptr_null(dir);
	rmdirs();
}
END_TEST

/* ---- where a target leads (resolve_target), from top ---- */

static void mktargets(void)
{
	mkdirs();
	ck_assert_int_eq(symlink(".", "dot"), 0);
	ck_assert_int_eq(symlink("/etc", "abs"), 0);
	ck_assert_int_eq(symlink("/nonexistent-check-resolve/dir", "dang"),
			 0);
	ck_assert_int_eq(mkdir("D", 0755), 0);
	ck_assert_int_eq(symlink(".", "D/S"), 0);
}

/* The budget target_from() passes (NULL: none). */
static unsigned long *target_budget;

/* target from top: 0 and *out, or 1 and *why. */
static int target_from(const char *start, const char *target,
		       const struct resolve_move *moves, size_t nmoves,
		       char **out, const char **why)
{
	int root = open("/", O_PATH | O_DIRECTORY);
	int fd = open(start, O_PATH | O_DIRECTORY);
	char *startpath = realpath(start, NULL);
	int res;

	ck_assert_int_ge(root, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_ptr_nonnull(startpath);
	res = resolve_target(root, "/", fd, startpath, target, moves, nmoves,
			     target_budget, out, why);
	free(startpath);
	close(fd);
	close(root);
	return res;
}

static const struct target_case {
	const char *target;
	const char *out; /* "@rel" below top, "@" top, "^rel" below its
	                  * parent, or absolute */
	const char *why; /* the reason when unjudged */
} targets[] = {
	{ "x", "@x", NULL },                       /* not there: lexical */
	{ "a/b", "@a/b", NULL },
	{ "sb", "@a/b", NULL },                    /* the last is followed */
	{ "sb/..", "@a", NULL },                   /* ".." where it led */
	{ "sb/../../x", "@x", NULL },
	{ "dot/dot/dot/../../../../../../../etc/passwd", "/etc/passwd",
	  NULL },                                  /* ".." stops at "/" */
	{ "dot/x", "@x", NULL },
	{ "abs/passwd", "/etc/passwd", NULL },     /* absolute: from root */
	{ "abs/../x", "/x", NULL },
	{ "dang/x", "/nonexistent-check-resolve/dir/x", NULL },
	{ "dang/../../etc", "/etc", NULL },
	{ "file", "@file", NULL },
	{ "file/../x", "@x", NULL },               /* lexical after a file */
	{ "/", "/", NULL },
	{ "", "@", NULL },
	{ "a//b/./", "@a/b", NULL },
	{ "loop1", NULL, UNJUDGED_LOOP },
	{ "loop1/x", NULL, UNJUDGED_LOOP },
	{ "me/x", NULL, UNJUDGED_MAGIC },          /* own link into /proc */
	{ "/proc/self/root/etc/passwd", NULL, UNJUDGED_MAGIC },
	{ "/proc/thread-self", NULL, UNJUDGED_MAGIC },
	{ "/proc/1/root", NULL, UNJUDGED_MAGIC },
	{ "/proc/cpuinfo", "/proc/cpuinfo", NULL }, /* a file of /proc */
	/* What does not exist is a directory to be: "missing/.." comes
	 * back, and the walk goes on through the filesystem (a mkdir
	 * later would make "zz/../dot/../x" lead above top). */
	{ "zz/../dot/../x", "^x", NULL },
	{ "zz/yy/../../sb/..", "@a", NULL },
	{ "zz/../../x", "^x", NULL },
	{ "file/../dot/../x", "^x", NULL },        /* a file, the same */
	{ "zz/yy/x", "@zz/yy/x", NULL },
	{ "zz/../loop1", NULL, UNJUDGED_LOOP },
};

START_TEST(test_target)
{
	const struct target_case *c = &targets[_i];
	const char *why;
	char *out, *want;
	int res;

	mktargets();
	res = target_from(".", c->target, NULL, 0, &out, &why);
	if (c->why) {
		ck_assert_msg(res == 1 && why && strcmp(why, c->why) == 0,
			      "%s: got %d %s, want %s", c->target, res,
			      res ? why : out, c->why);
		ck_assert_ptr_null(out);
	} else {
		if (c->out[0] == '^') {
			char *up = path_dirname(top);

			want = path_join(up, c->out + 1);
			free(up);
		} else {
			want = c->out[0] == '@' ? in_top(c->out + 1)
						: xstrdup(c->out);
		}
		ck_assert_msg(res == 0, "%s: unjudged (%s)", c->target, why);
		ck_assert_str_eq(out, want);
		free(want);
		free(out);
	}
	rmdirs();
}
END_TEST

/* A name longer than NAME_MAX, or a target whose resolution is longer
 * than PATH_MAX: the follower fails there, and the string is judged
 * lexically (not refused: the kernel makes such links). */
START_TEST(test_target_long)
{
	char name[4096];
	const char *why;
	char *out, *want;

	mktargets();
	memset(name, 't', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	ck_assert_int_eq(target_from(".", name, NULL, 0, &out, &why), 0);
	want = in_top(name);
	ck_assert_str_eq(out, want);
	free(out);
	free(want);
	name[300] = '\0';
	ck_assert_int_eq(target_from(".", name, NULL, 0, &out, &why), 0);
	want = in_top(name);
	ck_assert_str_eq(out, want);
	free(out);
	free(want);
	rmdirs();
}
END_TEST

/* The work is bounded: a chain of links each adding 2040 components
 * that do not exist is unjudged past RESOLVE_TARGET_STEPS (it was judged
 * in time quadratic in the components: seconds a target); 4000 steps
 * ("x/.." 2000 times) are judged. */
START_TEST(test_target_steps)
{
	char *many = xstrdup(""), *next, name[16];
	const char *why;
	char *out, *want;

	mktargets();
	for (int i = 0; i < 2040; i++) {
		next = xasprintf("%s/x", many);
		free(many);
		many = next;
	}
	for (int i = 1; i <= 8; i++) {
		char *contents = xasprintf("s%d%s", i + 1, many);

		snprintf(name, sizeof(name), "s%d", i);
		ck_assert_int_eq(symlink(contents, name), 0);
		free(contents);
	}
	ck_assert_int_eq(target_from(".", "s1/y", NULL, 0, &out, &why), 1);
	ck_assert_str_eq(why, UNJUDGED_LONG);
	free(many);
	many = xstrdup("a");
	for (int i = 0; i < 2000; i++) {
		next = xasprintf("%s/x/..", many);
		free(many);
		many = next;
	}
	ck_assert_int_eq(target_from(".", many, NULL, 0, &out, &why), 0);
	want = in_top("a");
	ck_assert_str_eq(out, want);
	free(out);
	free(want);
	/* A budget shared by several walks: each takes its steps from it
	 * (4001 here), and a walk that finds it spent is unjudged. */
	{
		unsigned long budget = 6000;

		target_budget = &budget;
		ck_assert_int_eq(target_from(".", many, NULL, 0, &out, &why),
				 0);
		free(out);
		ck_assert_uint_eq(budget, 6000 - 4001);
		ck_assert_int_eq(target_from(".", many, NULL, 0, &out, &why),
				 1);
		ck_assert_str_eq(why, UNJUDGED_LONG);
		ck_assert_uint_eq(budget, 0);
		target_budget = NULL;
	}
	free(many);
	rmdirs();
}
END_TEST

/* A directory seen as moved (D to a/b/E): ".." from it leads to a/b, its
 * new name enters it, its old name is gone. */
START_TEST(test_target_moved)
{
	struct resolve_move m;
	struct stat sb, to;
	const char *why;
	char *out, *want, *topath, *abs;

	mktargets();
	topath = in_top("a/b");
	memset(&m, 0, sizeof(m));
	m.fd = open("D", O_PATH | O_DIRECTORY);
	m.to_fd = open("a/b", O_PATH | O_DIRECTORY);
	ck_assert_int_ge(m.fd, 0);
	ck_assert_int_ge(m.to_fd, 0);
	ck_assert_int_eq(fstat(m.fd, &sb), 0);
	ck_assert_int_eq(fstat(m.to_fd, &to), 0);
	m.dev = sb.st_dev;
	m.ino = sb.st_ino;
	m.to_path = topath;
	m.to_dev = to.st_dev;
	m.to_ino = to.st_ino;
	m.to_name = "E";
	ck_assert_int_eq(stat(".", &sb), 0);
	m.from_dev = sb.st_dev;
	m.from_ino = sb.st_ino;
	m.from_name = "D";
	m.from_gone = true;

	/* From D (its new path: a/b/E): ".." is a/b now. */
	ck_assert_int_eq(target_from("D", "../x", &m, 1, &out, &why), 0);
	want = in_top("a/b/x");
	ck_assert_str_eq(out, want);
	free(out);
	free(want);
	/* S -> "." inside it, then ".." twice: a/b, then a. */
	ck_assert_int_eq(target_from("D", "S/S/../../y", &m, 1, &out, &why),
			 0);
	want = in_top("a/y");
	ck_assert_str_eq(out, want);
	free(out);
	free(want);
	/* Through its new name, from anywhere. */
	abs = in_top("a/b/E/S/../../z");
	ck_assert_int_eq(target_from(".", abs, &m, 1, &out, &why), 0);
	want = in_top("a/z");
	ck_assert_str_eq(out, want);
	free(out);
	free(want);
	free(abs);
	/* Its old name is gone: lexical from there. */
	ck_assert_int_eq(target_from(".", "D/S/../w", &m, 1, &out, &why), 0);
	want = in_top("D/w");
	ck_assert_str_eq(out, want);
	free(out);
	free(want);
	/* Without the move seen: D/S is D, its ".." top. */
	ck_assert_int_eq(target_from("D", "S/S/../../y", NULL, 0, &out, &why),
			 0);
	abs = path_dirname(top);
	want = xasprintf("%s/y", abs);
	ck_assert_str_eq(out, want);
	free(out);
	free(want);
	free(abs);
	close(m.fd);
	close(m.to_fd);
	free(topath);
	rmdirs();
}
END_TEST

/* RENAME_EXCHANGE of a directory D (holding T) and a symlink B -> ".":
 * each name holds the other entry.  T at its new place (top/B/T) with
 * "../D/../y": ".." out of D is top, "D" is now the symlink to ".", so
 * ".." leads above top. */
START_TEST(test_target_exchanged)
{
	struct resolve_move m[2];
	struct stat d, b, t;
	const char *why;
	char *out, *want, *up, *toppath;

	mktargets();
	toppath = in_top("");
	ck_assert_int_eq(symlink(".", "B"), 0);
	memset(m, 0, sizeof(m));
	m[0].fd = open("D", O_PATH | O_NOFOLLOW);
	m[1].fd = open("B", O_PATH | O_NOFOLLOW);
	m[0].to_fd = m[1].to_fd = open(".", O_PATH | O_DIRECTORY);
	ck_assert(m[0].fd >= 0 && m[1].fd >= 0 && m[0].to_fd >= 0);
	ck_assert_int_eq(fstat(m[0].fd, &d), 0);
	ck_assert_int_eq(fstat(m[1].fd, &b), 0);
	ck_assert_int_eq(fstat(m[0].to_fd, &t), 0);
	ck_assert(S_ISLNK(b.st_mode));
	m[0].dev = d.st_dev;
	m[0].ino = d.st_ino;
	m[1].dev = b.st_dev;
	m[1].ino = b.st_ino;
	for (int i = 0; i < 2; i++) {
		m[i].to_path = toppath;
		m[i].to_dev = m[i].from_dev = t.st_dev;
		m[i].to_ino = m[i].from_ino = t.st_ino;
		m[i].from_gone = true;
	}
	m[0].to_name = m[1].from_name = "B";
	m[1].to_name = m[0].from_name = "D";

	ck_assert_int_eq(target_from("D", "../D/../y", m, 2, &out, &why), 0);
	up = path_dirname(top);
	want = path_join(up, "y");
	ck_assert_str_eq(out, want);
	free(out);
	free(want);
	/* The same walk with only D's move seen (B's old name "gone"). */
	ck_assert_int_eq(target_from("D", "../D/../y", m, 1, &out, &why), 0);
	want = in_top("y");
	ck_assert_str_eq(out, want);
	free(out);
	free(want);
	free(up);
	close(m[0].fd);
	close(m[1].fd);
	close(m[0].to_fd);
	free(toppath);
	rmdirs();
}
END_TEST

/* ---- the mount id where the fdinfo has none (before Linux 3.15) ---- */

static long long fdinfo_mount_id(int fd)
{
	char path[64], buf[512];
	const char *p;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	ck_assert_int_gt(read_small_file(path, buf, sizeof(buf)), 0);
	p = strstr(buf, "mnt_id:");
	ck_assert_ptr_nonnull(p);
	return strtoll(p + 7, NULL, 10);
}

/* name_to_handle_at's mount id is the fdinfo's, on / and on /tmp (often
 * another mount), for O_PATH directory fds as the walk makes them. */
START_TEST(test_handle_mount_id)
{
	static const char *const dirs[] = { "/", "/tmp", "/dev/shm" };

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		int fd = open(dirs[i], O_PATH | O_DIRECTORY | O_CLOEXEC);
		long long h;

		if (fd < 0)
			continue;
		h = resolve_handle_mount_id(fd);
		/* A file system without file handles says -1 (refused). */
		if (h != -1)
			ck_assert_int_eq(h, fdinfo_mount_id(fd));
		else
			ck_assert_int_ne(i, 0); /* / has handles here */
		close(fd);
	}
}
END_TEST

static Suite *resolve_suite(void)
{
	Suite *s = suite_create("resolve");
	TCase *tc;

	tc = tcase_create("walk");
	tcase_add_loop_test(tc, test_walk, 0, ARRAY_SIZE(walks));
	tcase_add_test(tc, test_walk_dirfd);
	tcase_add_test(tc, test_walk_too_deep);
	tcase_add_test(tc, test_handle_mount_id);
	suite_add_tcase(s, tc);

	tc = tcase_create("target");
	tcase_add_loop_test(tc, test_target, 0, ARRAY_SIZE(targets));
	tcase_add_test(tc, test_target_long);
	tcase_add_test(tc, test_target_steps);
	tcase_add_test(tc, test_target_moved);
	tcase_add_test(tc, test_target_exchanged);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(resolve_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
