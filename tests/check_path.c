/* check_path.c - unit tests for path.c: lexical resolution, dirname,
 * split and join (pure string work). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"
#include "util.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- lexical resolution ------------------------------------------------- */

static const struct path_case {
	const char *base;
	const char *path;
	const char *want; /* NULL: NULL expected */
} resolve_cases[] = {
	{"/srv/www/a", "../../../etc/passwd", "/etc/passwd"},
	{"/srv/www/a", "../../../../../../etc/passwd", "/etc/passwd"},
	{"/srv/www/a", "b", "/srv/www/a/b"},
	{"/srv/www/a", "../b", "/srv/www/b"},
	{"/x", "./a//b/.", "/x/a/b"},
	{"/x/", "a", "/x/a"},
	{"/x//", "a/", "/x/a"},
	{"//x/./y/../", "z", "/x/z"},
	{NULL, "/a/../b/", "/b"},
	{NULL, "/", "/"},
	{NULL, "//", "/"},
	{NULL, "/..", "/"},
	{NULL, "/../..", "/"},
	{NULL, "/a/./b/./", "/a/b"},
	{NULL, "/a/b/../../..", "/"},
	{NULL, "/...", "/..."},
	{NULL, "/a/..b/.c", "/a/..b/.c"},
	{"/ignored", "/abs", "/abs"},
	{"/", "..", "/"},
	{"/", ".", "/"},
	{"/", "a", "/a"},
	{"/a", "", "/a"},
	{"/a/b/", "", "/a/b"},
	{"/a", "..", "/"},
	{"/a", "../..", "/"},
	{"/a/b", "../c/../d", "/a/d"},
	{NULL, "rel", NULL},
	{NULL, "", NULL},
	{NULL, "./x", NULL},
	{"relative", "x", NULL},
	{"", "x", NULL},
	{"relative", "/x", "/x"},
	{"/a", NULL, NULL},
};

START_TEST(test_resolve)
{
	const struct path_case *c = &resolve_cases[_i];
	char *got = path_resolve_lexical(c->base, c->path);

	if (!c->want) {
		ck_assert_msg(got == NULL, "(%s, %s) -> %s, want NULL", c->base,
			      c->path, got);
	} else {
		ck_assert_msg(got != NULL, "(%s, %s) -> NULL", c->base,
			      c->path);
		ck_assert_str_eq(got, c->want);
	}
	free(got);
}
END_TEST

static const struct dirname_case {
	const char *path;
	const char *want;
} dirname_cases[] = {
	/* clang-format off */
	{ "/a/b", "/a" },
	{ "/a", "/" },
	{ "/", "/" },
	{ "//", "/" },
	{ "/a/b/c", "/a/b" },
	{ "/a/b/", "/a" },
	{ "/a//b", "/a" },
	{ "//a", "/" },
	{ "a", "." },
	{ "a/b", "a" },
	{ "", "." },
	/* clang-format on */
};

START_TEST(test_dirname)
{
	const struct dirname_case *c = &dirname_cases[_i];
	char *got = path_dirname(c->path);

	ck_assert_str_eq(got, c->want);
	free(got);
}
END_TEST

/* ---- split and join ---------------------------------------------------- */

static const struct split_case {
	const char *path, *dir, *last;
} splits[] = {
	{ "l", "", "l" },
	{ "a/l", "a/", "l" },
	{ "/a/b/l", "/a/b/", "l" },
	{ "a/l/", "a/", "l/" },
	{ "a/l//", "a/", "l//" },
	{ "/l", "/", "l" },
	{ "/", "", "/" },
	{ "//", "", "//" },
	{ "", "", "" },
	{ ".", "", "." },
	{ "a/..", "a/", ".." },
	{ "a//b", "a//", "b" },
};

START_TEST(test_split)
{
	const struct split_case *c = &splits[_i];
	const char *last;
	char *dir = path_split(c->path, &last);

	ck_assert_str_eq(dir, c->dir);
	ck_assert_str_eq(last, c->last);
	free(dir);
}
END_TEST

static const struct join_case {
	const char *dir, *last, *want;
} joins[] = {
	{ "/a", "l", "/a/l" },
	{ "/", "l", "/l" },
	{ "/a", "l/", "/a/l" },
	{ "/a", "l//", "/a/l" },
	{ "/a", "", "/a" },
	{ "", "l/", "l" },
	{ "/a", "/", "/a" },       /* a path of slashes only names dir */
	{ "/", "//", "/" },
};

START_TEST(test_join)
{
	const struct join_case *c = &joins[_i];
	char *got = path_join(c->dir, c->last);

	ck_assert_str_eq(got, c->want);
	free(got);
}
END_TEST

static Suite *path_suite(void)
{
	Suite *s = suite_create("path");
	TCase *tc = tcase_create("paths");

	tcase_add_loop_test(tc, test_resolve, 0, ARRAY_SIZE(resolve_cases));
	tcase_add_loop_test(tc, test_dirname, 0, ARRAY_SIZE(dirname_cases));
	tcase_add_loop_test(tc, test_split, 0, ARRAY_SIZE(splits));
	tcase_add_loop_test(tc, test_join, 0, ARRAY_SIZE(joins));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(path_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
