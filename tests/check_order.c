/* check_order.c - unit tests for the seccomp stop order probe
 * (seccomp-order.c): on the running kernel it finds the order its version
 * has (Linux 4.8+: new, 3.5 to 4.7: old), leaves no child behind, runs
 * once per process; SYMTRACE_SECCOMP_ORDER forces the answer without
 * running anything.  Needs ptrace: exits 77 when it is not permitted.
 * Each test runs in a child of its own (Check's fork mode), so each sees
 * a fresh probe. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "seccomp-order.h"

/* The order the running kernel's version says it has. */
static enum seccomp_order kernel_order(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	ck_assert_int_eq(uname(&u), 0);
	ck_assert_int_eq(sscanf(u.release, "%d.%d", &major, &minor), 2);
	if (major > 4 || (major == 4 && minor >= 8))
		return SECCOMP_ORDER_NEW;
	if (major == 4 || (major == 3 && minor >= 5))
		return SECCOMP_ORDER_OLD;
	return SECCOMP_ORDER_UNKNOWN; /* no seccomp filters before 3.5 */
}

START_TEST(test_live)
{
	const struct seccomp_order_probe *p;
	enum seccomp_order want = kernel_order();
	int status;

	unsetenv("SYMTRACE_SECCOMP_ORDER");
	p = seccomp_order_probe();
	ck_assert_msg(p->order == want, "probe: %s (%s), kernel: %s",
		      seccomp_order_name(p->order),
		      p->failed ? p->failed : "no failure",
		      seccomp_order_name(want));
	ck_assert(!p->forced);
	if (want != SECCOMP_ORDER_UNKNOWN)
		ck_assert_ptr_null(p->failed);
	ck_assert(p->usec > 0);
	fprintf(stderr, "check_order: seccomp stop order %s, probe %lld us\n",
		seccomp_order_name(p->order), p->usec);
	/* The throwaway child is gone, reaped. */
	ck_assert_int_eq(waitpid(-1, &status, WNOHANG | __WALL), -1);
	ck_assert_int_eq(errno, ECHILD);
	/* Once per process. */
	ck_assert_ptr_eq(seccomp_order_probe(), p);
	ck_assert_int_eq(detect_seccomp_order(), want);
}
END_TEST

static const struct {
	const char *value;
	enum seccomp_order order;
	const char *failed;
} forced[] = {
	{ "old", SECCOMP_ORDER_OLD, NULL },
	{ "new", SECCOMP_ORDER_NEW, NULL },
	{ "unknown", SECCOMP_ORDER_UNKNOWN, "SYMTRACE_SECCOMP_ORDER=unknown" },
	{ "Old", SECCOMP_ORDER_UNKNOWN, "SYMTRACE_SECCOMP_ORDER=Old" },
};

START_TEST(test_forced)
{
	const struct seccomp_order_probe *p;

	setenv("SYMTRACE_SECCOMP_ORDER", forced[_i].value, 1);
	p = seccomp_order_probe();
	ck_assert_int_eq(p->order, forced[_i].order);
	ck_assert(p->forced);
	ck_assert_int_eq(p->usec, 0); /* nothing run */
	if (forced[_i].failed)
		ck_assert_str_eq(p->failed, forced[_i].failed);
	else
		ck_assert_ptr_null(p->failed);
	/* Read once: changing the environment later changes nothing. */
	setenv("SYMTRACE_SECCOMP_ORDER", "new", 1);
	ck_assert_int_eq(detect_seccomp_order(), forced[_i].order);
}
END_TEST

/* Is ptrace permitted here?  The probe, in a child (the answer is kept
 * per process): 77 when it fails at PTRACE_SEIZE. */
static bool ptrace_permitted(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		const struct seccomp_order_probe *p;

		unsetenv("SYMTRACE_SECCOMP_ORDER");
		p = seccomp_order_probe();
		if (p->failed && strncmp(p->failed, "PTRACE_SEIZE", 12) == 0) {
			fprintf(stderr, "check_order: %s\n", p->failed);
			_exit(77);
		}
		_exit(0);
	}
	return pid > 0 && waitpid(pid, &status, 0) == pid &&
	       WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int main(void)
{
	Suite *s = suite_create("order");
	TCase *tc = tcase_create("probe");
	SRunner *sr;
	int failed;

	if (!ptrace_permitted()) {
		fprintf(stderr, "SKIP: check_order: ptrace is not permitted\n");
		return 77;
	}
	tcase_add_test(tc, test_live);
	tcase_add_loop_test(tc, test_forced, 0,
			    (int)(sizeof(forced) / sizeof(forced[0])));
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
