/* check_notify.c - unit tests for the pure part of notify.c: which lines
 * of an sd_notify message are passed on, and $NOTIFY_SOCKET's forms. */
#include <check.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "notify.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const struct filter_case {
	const char *in;
	size_t n;          /* 0: strlen(in) */
	bool ignored;      /* the whole message */
	const char *want;  /* what is passed on */
	size_t kept, dropped;
	const char *first; /* first dropped name */
	bool barrier;
} filter_cases[] = {
	/* php-fpm's message: MAINPID= goes. */
	{ "READY=1\nSTATUS=Ready to handle connections\nMAINPID=4242", 0,
	  false, "READY=1\nSTATUS=Ready to handle connections", 2, 1,
	  "MAINPID", false },
	{ "READY=1", 0, false, "READY=1", 1, 0, "", false },
	{ "READY=1\n", 0, false, "READY=1", 1, 0, "", false },
	{ "RELOADING=1\nMONOTONIC_USEC=123456", 0, false,
	  "RELOADING=1\nMONOTONIC_USEC=123456", 2, 0, "", false },
	{ "STOPPING=1\nWATCHDOG=1\nERRNO=2\nBUSERROR=org.x.Y\n"
	  "EXTEND_TIMEOUT_USEC=5000000", 0, false,
	  "STOPPING=1\nWATCHDOG=1\nERRNO=2\nBUSERROR=org.x.Y\n"
	  "EXTEND_TIMEOUT_USEC=5000000", 5, 0, "", false },
	/* systemd splits on '\r' too: a line cannot hide behind one. */
	{ "STATUS=a\rMAINPID=1", 0, false, "STATUS=a", 1, 1, "MAINPID",
	  false },
	{ "\r\n\nREADY=1\r\n", 0, false, "READY=1", 1, 0, "", false },
	/* Exact values only. */
	{ "READY=0\nREADY=1 \nREADY=11\nWATCHDOG=trigger", 0, false, "", 0,
	  4, "READY", false },
	{ "FDSTORE=1\nFDNAME=x\nNOTIFYACCESS=all\nWATCHDOG_USEC=1\n"
	  "EXIT_STATUS=0\nX_CUSTOM=1", 0, false, "", 0, 6, "FDSTORE", false },
	{ "status=x\nSTATUS", 0, false, "", 0, 2, "status", false },
	/* A value may hold '='. */
	{ "STATUS=a=b", 0, false, "STATUS=a=b", 1, 0, "", false },
	/* The barrier. */
	{ "BARRIER=1", 0, false, "", 0, 0, "", true },
	{ "BARRIER=1\nREADY=1", 0, false, "READY=1", 1, 0, "", true },
	/* A NUL at the end is tolerated; inside, the message is ignored. */
	{ "READY=1\0", 8, false, "READY=1", 1, 0, "", false },
	{ "READY=1\0MAINPID=1", 17, true, "", 0, 0, "", false },
	{ "\0", 1, false, "", 0, 0, "", false },
	{ "", 0, false, "", 0, 0, "", false },
	/* Names shown printable. */
	{ "\x9b\x1b[2J=1", 0, false, "", 0, 1, "\\x9b\\x1b[2J", false },
};

START_TEST(test_filter)
{
	const struct filter_case *c = &filter_cases[_i];
	size_t n = c->n ? c->n : strlen(c->in);
	char out[NOTIFY_DATAGRAM_MAX + 1];
	struct notify_verdict v;
	long len;

	memset(out, 0, sizeof(out));
	len = notify_filter(c->in, n, out, &v);
	ck_assert_msg((len < 0) == c->ignored, "case %d: length %ld", _i,
		      len);
	if (len < 0)
		return;
	ck_assert_msg(memcmp(out, c->want, (size_t)len) == 0 &&
			      strlen(c->want) == (size_t)len,
		      "case %d: '%.*s', want '%s'", _i, (int)len, out, c->want);
	ck_assert_uint_eq(v.kept, c->kept);
	ck_assert_uint_eq(v.dropped, c->dropped);
	ck_assert_str_eq(v.first_dropped, c->first);
	ck_assert_int_eq(v.barrier, c->barrier);
}
END_TEST

/* Not NUL-terminated input: nothing past n is read. */
START_TEST(test_filter_bounds)
{
	char in[16] = "READY=1XXXXXXXX";
	char out[16];
	struct notify_verdict v;

	ck_assert_int_eq(notify_filter(in, 7, out, &v), 7);
	ck_assert(memcmp(out, "READY=1", 7) == 0);
	ck_assert_int_eq(notify_filter(in, 5, out, &v), 0);
	ck_assert_uint_eq(v.dropped, 1);
	ck_assert_str_eq(v.first_dropped, "READY");
}
END_TEST

/* A long name is cut, with "..." (the room is bounded). */
START_TEST(test_filter_long_name)
{
	char in[200], out[200];
	struct notify_verdict v;

	memset(in, '\x01', sizeof(in));
	ck_assert_int_eq(notify_filter(in, sizeof(in), out, &v), 0);
	ck_assert_uint_eq(v.dropped, 1);
	ck_assert_uint_lt(strlen(v.first_dropped), sizeof(v.first_dropped));
	ck_assert_str_eq(v.first_dropped + strlen(v.first_dropped) - 3,
			 "...");
}
END_TEST

START_TEST(test_address)
{
	struct sockaddr_un a;
	socklen_t len;
	char big[200];

	ck_assert_int_eq(notify_address("/run/systemd/notify", &a, &len), 0);
	ck_assert_str_eq(a.sun_path, "/run/systemd/notify");
	ck_assert_uint_eq(len, offsetof(struct sockaddr_un, sun_path) + 20);
	ck_assert_int_eq(notify_address("@/org/x/notify", &a, &len), 0);
	ck_assert_int_eq(a.sun_path[0], '\0');
	ck_assert(memcmp(a.sun_path + 1, "/org/x/notify", 13) == 0);
	ck_assert_uint_eq(len, offsetof(struct sockaddr_un, sun_path) + 14);
	ck_assert_int_eq(notify_address("vsock:2:1", &a, &len), -EAFNOSUPPORT);
	ck_assert_int_eq(notify_address("run/notify", &a, &len), -EAFNOSUPPORT);
	ck_assert_int_eq(notify_address("", &a, &len), -EINVAL);
	ck_assert_int_eq(notify_address("@", &a, &len), -EINVAL);
	memset(big, 'a', sizeof(big) - 1);
	big[0] = '/';
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(notify_address(big, &a, &len), -ENAMETOOLONG);
	/* The longest that fits: 107 bytes and the NUL; 108 for '@'. */
	big[107] = '\0';
	ck_assert_int_eq(notify_address(big, &a, &len), 0);
	big[0] = '@';
	ck_assert_int_eq(notify_address(big, &a, &len), 0);
	ck_assert_uint_eq(len, sizeof(struct sockaddr_un) - 1);
}
END_TEST

START_TEST(test_allowed)
{
	ck_assert(notify_field_allowed("STATUS=", 7));
	ck_assert(!notify_field_allowed("STATUS", 6));
	ck_assert(!notify_field_allowed("MAINPID=1", 9));
	ck_assert(notify_field_allowed("READY=1", 7));
	/* Only len bytes count. */
	ck_assert(!notify_field_allowed("READY=1", 6));
}
END_TEST

static Suite *notify_suite(void)
{
	Suite *s = suite_create("notify");
	TCase *tc = tcase_create("filter");

	tcase_add_loop_test(tc, test_filter, 0, (int)ARRAY_SIZE(filter_cases));
	tcase_add_test(tc, test_allowed);
	tcase_add_test(tc, test_address);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_test(tc, test_filter_bounds);
	tcase_add_test(tc, test_filter_long_name);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(notify_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
