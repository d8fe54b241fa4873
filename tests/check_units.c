/* check_units.c - unit tests for the small pure modules: the tracee table
 * (tracee.c), the -c counts (summary.c), errno and signal names
 * (errnoname.c), syscall numbers by ABI (arch_classify). */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
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

/* ---- arch_classify ---- */

#if defined(__x86_64__)
#define X32 0x40000000ULL
static const struct classify_case {
	enum abi abi;
	uint64_t nr;
	enum sysc sc;
} classify_cases[] = {
	{ ABI_X86_64, 88, SC_SYMLINK },
	{ ABI_X86_64, 266, SC_SYMLINKAT },
	{ ABI_X86_64, 82, SC_RENAME },
	{ ABI_X86_64, 264, SC_RENAMEAT },
	{ ABI_X86_64, 316, SC_RENAMEAT2 },
	{ ABI_X86_64, 86, SC_LINK },
	{ ABI_X86_64, 265, SC_LINKAT },
	{ ABI_X86_64, 435, SC_CLONE3 },
	{ ABI_X86_64, 105, SC_SETCRED },  /* setuid */
	{ ABI_X86_64, 161, SC_CHROOT },
	{ ABI_X86_64, 155, SC_CHROOT },   /* pivot_root */
	{ ABI_X86_64, 0, SC_NONE },       /* read */
	{ ABI_X86_64, 39, SC_NONE },      /* getpid */
	{ ABI_X86_64, 88 | X32, SC_NONE }, /* the x32 bit: not x86_64's */
	{ ABI_X32, 88 | X32, SC_SYMLINK },
	{ ABI_X32, 266 | X32, SC_SYMLINKAT },
	{ ABI_X32, 88, SC_NONE },         /* x32 without its bit */
	{ ABI_I386, 83, SC_SYMLINK },
	{ ABI_I386, 304, SC_SYMLINKAT },
	{ ABI_I386, 38, SC_RENAME },
	{ ABI_I386, 302, SC_RENAMEAT },
	{ ABI_I386, 353, SC_RENAMEAT2 },
	{ ABI_I386, 9, SC_LINK },
	{ ABI_I386, 303, SC_LINKAT },
	{ ABI_I386, 23, SC_SETCRED },     /* setuid (16-bit) */
	{ ABI_I386, 213, SC_SETCRED },    /* setuid32 */
	{ ABI_I386, 61, SC_CHROOT },
	{ ABI_I386, 88, SC_NONE },        /* reboot on i386 */
	{ ABI_UNKNOWN, 88, SC_NONE },
};

START_TEST(test_arch_classify)
{
	const struct classify_case *c = &classify_cases[_i];

	ck_assert_msg(arch_classify(c->abi, c->nr) == c->sc,
		      "%s nr %#llx: %s, expected %s", abi_name(c->abi),
		      (unsigned long long)c->nr,
		      sysc_name(arch_classify(c->abi, c->nr)),
		      sysc_name(c->sc));
}
END_TEST
#endif

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
#if defined(__x86_64__)
	tcase_add_loop_test(tc, test_arch_classify, 0,
			    sizeof(classify_cases) / sizeof(classify_cases[0]));
#endif
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
