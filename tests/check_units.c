/* check_units.c - unit tests for the small pure modules: the tracee table
 * (tracee.c), the -c counts (summary.c), errno and signal names
 * (errnoname.c). */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "errnoname.h"
#include "summary.h"
#include "tracee.h"
#include "util.h"

/* ---- tracee.c ---- */

static void count_one(struct tracee *t, void *arg)
{
	(void)t;
	(*(int *)arg)++;
}

START_TEST(test_tracee_table)
{
	unsigned long seen = tracee_seen();
	struct tracee *t, *u;
	bool created;
	int n = 0;

	t = tracee_get(4242, &created);
	ck_assert(created);
	ck_assert_int_eq(t->tid, 4242);
	ck_assert_ptr_null(t->ev);
	ck_assert_ptr_eq(tracee_get(4242, &created), t);
	ck_assert(!created);
	ck_assert_ptr_eq(tracee_find(4242), t);
	ck_assert_ptr_null(tracee_find(4243));
	/* Many, colliding in any hash. */
	for (pid_t tid = 1; tid <= 5000; tid++)
		tracee_get(tid * 64, &created);
	ck_assert_uint_eq(tracee_count(), 5001);
	ck_assert_uint_eq(tracee_seen(), seen + 5001);
	tracee_foreach(count_one, &n);
	ck_assert_int_eq(n, 5001);
	u = tracee_find(64 * 2500);
	ck_assert_ptr_nonnull(u);
	tracee_del(u);
	ck_assert_ptr_null(tracee_find(64 * 2500));
	ck_assert_ptr_eq(tracee_find(4242), t);
	for (pid_t tid = 1; tid <= 5000; tid++)
		if ((u = tracee_find(tid * 64)))
			tracee_del(u);
	tracee_del(t);
	ck_assert_uint_eq(tracee_count(), 0);
	/* Seen counts every tid ever added. */
	ck_assert_uint_eq(tracee_seen(), seen + 5001);
}
END_TEST

/* ---- summary.c ---- */

START_TEST(test_summary_counts)
{
	static struct summary s;
	struct event ev;
	struct sbuf sb = SBUF_INIT;

	memset(&ev, 0, sizeof(ev));
	ev.sc = SC_SYMLINKAT;
	ev.abi = ABI_X86_64;
	ev.finished = true;
	summary_add(&s, &ev);            /* allowed */
	ev.ret = -EEXIST;
	summary_add(&s, &ev);            /* an error */
	ev.action = ACT_DENY;
	ev.ret = -EPERM;
	summary_add(&s, &ev);            /* denied: not an error */
	ev.action = ACT_AUDIT;
	ev.ret = -ENOENT;
	ev.tags = TAG_TOCTOU;
	summary_add(&s, &ev);            /* audited, an error, toctou */
	ev.action = ACT_KILL;
	ev.tags = 0;
	ev.abi = ABI_I386;
	summary_add(&s, &ev);
	ck_assert_uint_eq(s.rows[SC_SYMLINKAT][ABI_X86_64].calls, 4);
	ck_assert_uint_eq(s.rows[SC_SYMLINKAT][ABI_X86_64].errors, 2);
	ck_assert_uint_eq(s.rows[SC_SYMLINKAT][ABI_X86_64].denied, 1);
	ck_assert_uint_eq(s.rows[SC_SYMLINKAT][ABI_X86_64].audited, 1);
	ck_assert_uint_eq(s.rows[SC_SYMLINKAT][ABI_X86_64].toctou, 1);
	ck_assert_uint_eq(s.rows[SC_SYMLINKAT][ABI_I386].killed, 1);
	s.processes = 2;
	s.threads = 1;
	summary_format_json(&sb, &s);
	ck_assert_str_eq(sbuf_str(&sb),
			 "{\"event\":\"summary\",\"syscalls\":["
			 "{\"syscall\":\"symlinkat\",\"abi\":\"x86_64\","
			 "\"calls\":4,\"allowed\":3,\"errors\":2,\"denied\":1,"
			 "\"killed\":0,\"audited\":1,\"toctou\":1},"
			 "{\"syscall\":\"symlinkat\",\"abi\":\"i386\","
			 "\"calls\":1,\"allowed\":0,\"errors\":0,\"denied\":0,"
			 "\"killed\":1,\"audited\":0,\"toctou\":0}],"
			 "\"processes\":2,\"threads\":1}\n");
	sbuf_reset(&sb);
	summary_format_text(&sb, &s);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&sb), "\ntotal "));
	ck_assert_ptr_nonnull(strstr(sbuf_str(&sb),
				     "processes: 2, threads: 1\n"));
	sbuf_free(&sb);
}
END_TEST

/* Out-of-range kinds are not counted (limits). */
START_TEST(test_summary_limits)
{
	static struct summary s, zero;
	struct event ev;

	memset(&ev, 0, sizeof(ev));
	ev.sc = SC_COUNT;
	summary_add(&s, &ev);
	ev.sc = SC_SYMLINK;
	ev.abi = (enum abi)(ABI_COUNT + 1);
	summary_add(&s, &ev);
	ck_assert(memcmp(&s, &zero, sizeof(s)) == 0);
}
END_TEST

/* ---- errnoname.c ---- */

START_TEST(test_errno_names)
{
	ck_assert_str_eq(errno_name(EPERM), "EPERM");
	ck_assert_str_eq(errno_name(ENAMETOOLONG), "ENAMETOOLONG");
	ck_assert_int_eq(errno_parse("EPERM"), EPERM);
	ck_assert_int_eq(errno_parse("eacces"), EACCES);
	ck_assert_int_eq(errno_parse("ENOSYS"), ENOSYS);
	ck_assert_int_eq(errno_parse("ENOPE"), -1);
	ck_assert_int_eq(errno_parse(""), -1);
	ck_assert_int_eq(errno_parse("1"), -1);
	ck_assert_int_eq(errno_parse("EPERMX"), -1);
	/* Every name goes back to its number. */
	for (int e = 1; e <= errno_max(); e++)
		if (errno_name(e))
			ck_assert_int_eq(errno_parse(errno_name(e)), e);
	ck_assert_ptr_null(errno_name(0));
	ck_assert_ptr_null(errno_name(-1));
	ck_assert_ptr_null(errno_name(errno_max() + 1));
}
END_TEST

START_TEST(test_signal_names)
{
	ck_assert_str_eq(signal_abbrev(SIGKILL), "KILL");
	ck_assert_str_eq(signal_abbrev(SIGSEGV), "SEGV");
	ck_assert_str_eq(signal_abbrev(SIGTSTP), "TSTP");
	ck_assert_str_eq(signal_abbrev(SIGSYS), "SYS");
	ck_assert_ptr_null(signal_abbrev(0));
	ck_assert_ptr_null(signal_abbrev(SIGRTMIN));
	ck_assert_ptr_null(signal_abbrev(200));
	ck_assert_ptr_null(signal_abbrev(-1));
}
END_TEST

static Suite *units_suite(void)
{
	Suite *s = suite_create("units");
	TCase *tc = tcase_create("tracee");

	tcase_add_test(tc, test_tracee_table);
	suite_add_tcase(s, tc);
	tc = tcase_create("summary");
	tcase_add_test(tc, test_summary_counts);
	tcase_add_test(tc, test_summary_limits);
	suite_add_tcase(s, tc);
	tc = tcase_create("errnoname");
	tcase_add_test(tc, test_errno_names);
	tcase_add_test(tc, test_signal_names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(units_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
