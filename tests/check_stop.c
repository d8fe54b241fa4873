/* check_stop.c - unit tests for stop classification (stop.c), over
 * statuses built as the kernel reports them to waitpid(). */
#include <check.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/ptrace.h>

#include "stop.h"

#ifndef PTRACE_EVENT_STOP
#define PTRACE_EVENT_STOP 128
#endif

/* The statuses of <sys/wait.h>: a stop, a ptrace event stop, an exit and
 * a death by signal. */
#define STOPPED(sig) (((sig) << 8) | 0x7f)
#define EVENT(ev, sig) (STOPPED(sig) | ((ev) << 16))
#define EXITED(code) (((code) & 0xff) << 8)
#define KILLED(sig, core) ((sig) | ((core) ? 0x80 : 0))

static const struct stop_case {
	int status;
	bool first, attached;
	enum stop_kind kind;
} cases[] = {
	{ EXITED(0), false, false, STOP_GONE },
	{ EXITED(3), true, false, STOP_GONE },
	{ KILLED(SIGKILL, false), false, true, STOP_GONE },
	{ KILLED(SIGSEGV, true), false, false, STOP_GONE },
	{ STOPPED(SIGTRAP | 0x80), false, false, STOP_SYSCALL },
	{ STOPPED(SIGTRAP | 0x80), true, true, STOP_SYSCALL },
	{ EVENT(PTRACE_EVENT_SECCOMP, SIGTRAP), false, false, STOP_SECCOMP },
	{ EVENT(PTRACE_EVENT_FORK, SIGTRAP), false, false, STOP_NEW_CHILD },
	{ EVENT(PTRACE_EVENT_VFORK, SIGTRAP), false, false, STOP_NEW_CHILD },
	{ EVENT(PTRACE_EVENT_CLONE, SIGTRAP), false, false, STOP_NEW_CHILD },
	{ EVENT(PTRACE_EVENT_EXEC, SIGTRAP), false, false, STOP_EXEC },
	/* The first stop of an auto-attached child: SIGSTOP. */
	{ EVENT(PTRACE_EVENT_STOP, SIGSTOP), true, false, STOP_START },
	/* The interrupt stop of one seized by -p: SIGTRAP. */
	{ EVENT(PTRACE_EVENT_STOP, SIGTRAP), true, true, STOP_START },
	/* Seized while stopped: it stays stopped. */
	{ EVENT(PTRACE_EVENT_STOP, SIGSTOP), true, true, STOP_GROUP },
	{ EVENT(PTRACE_EVENT_STOP, SIGTSTP), true, true, STOP_GROUP },
	{ EVENT(PTRACE_EVENT_STOP, SIGSTOP), false, false, STOP_GROUP },
	{ EVENT(PTRACE_EVENT_STOP, SIGTTIN), false, true, STOP_GROUP },
	{ EVENT(PTRACE_EVENT_STOP, SIGTTOU), false, false, STOP_GROUP },
	{ EVENT(PTRACE_EVENT_STOP, SIGTRAP), false, false, STOP_INTERRUPT },
	{ EVENT(PTRACE_EVENT_STOP, SIGTRAP), false, true, STOP_INTERRUPT },
	{ STOPPED(SIGINT), false, false, STOP_SIGNAL },
	{ STOPPED(SIGSTOP), false, true, STOP_SIGNAL },
	{ STOPPED(SIGTRAP), false, false, STOP_SIGNAL },
	{ STOPPED(SIGCHLD), true, false, STOP_SIGNAL },
	{ STOPPED(34), false, false, STOP_SIGNAL }, /* SIGRTMIN */
	{ EVENT(PTRACE_EVENT_VFORK_DONE, SIGTRAP), false, false,
	  STOP_OTHER_EVENT },
	{ EVENT(PTRACE_EVENT_EXIT, SIGTRAP), false, false, STOP_OTHER_EVENT },
	{ 0xffff, false, false, STOP_NONE }, /* WIFCONTINUED */
};

START_TEST(test_cases)
{
	const struct stop_case *c = &cases[_i];

	ck_assert_msg(classify_stop(c->status, c->first, c->attached) ==
			      c->kind,
		      "case %d: status %#x first %d attached %d: got %d, "
		      "expected %d", _i, (unsigned)c->status, c->first,
		      c->attached,
		      classify_stop(c->status, c->first, c->attached),
		      c->kind);
}
END_TEST

START_TEST(test_stop_signals)
{
	ck_assert(is_stop_signal(SIGSTOP));
	ck_assert(is_stop_signal(SIGTSTP));
	ck_assert(is_stop_signal(SIGTTIN));
	ck_assert(is_stop_signal(SIGTTOU));
	ck_assert(!is_stop_signal(SIGCONT));
	ck_assert(!is_stop_signal(SIGTRAP));
	ck_assert(!is_stop_signal(SIGKILL));
	ck_assert(!is_stop_signal(0));
}
END_TEST

/* Limits: the syscall-stop mark wins over the event bits; an event stop
 * is never a signal-delivery-stop, whatever its signal. */
START_TEST(test_limits)
{
	ck_assert_int_eq(classify_stop(EVENT(PTRACE_EVENT_SECCOMP,
					     SIGTRAP | 0x80), false, false),
			 STOP_SYSCALL);
	ck_assert_int_eq(classify_stop(EVENT(PTRACE_EVENT_CLONE, SIGSTOP),
				       true, true),
			 STOP_NEW_CHILD);
	ck_assert_int_eq(classify_stop(EVENT(PTRACE_EVENT_STOP, SIGCONT),
				       false, false),
			 STOP_INTERRUPT);
	ck_assert_int_eq(classify_stop(EXITED(255), true, true), STOP_GONE);
}
END_TEST

static Suite *stop_suite(void)
{
	Suite *s = suite_create("stop");
	TCase *tc = tcase_create("classify");

	tcase_add_loop_test(tc, test_cases, 0,
			    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_stop_signals);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_test(tc, test_limits);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(stop_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
