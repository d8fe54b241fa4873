/* check_policy.c - unit tests for policy.c: rule parser, globs, matcher,
 * lexical path resolution. */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "path.h"
#include "policy.h"
#include "rulesfile.h"
#include "util.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* An input that every rule of the "good rules" table matches. */
static const struct policy_input any_in = {
	.target = "/etc/passwd",
	.target_resolved = "/etc/passwd",
	.link = "/tmp/l",
	.comm = "sh",
	.exe = "/bin/sh",
	.euid = 1000,
	.ruid = 1000,
	.egid = 100,
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- parser: good rules ------------------------------------------------- */

static const struct good_case {
	const char *text;
	enum action action;
	int err;
} good_cases[] = {
	{"allow", ACT_ALLOW, 0},
	{"deny", ACT_DENY, EPERM},
	{"deny:EACCES", ACT_DENY, EACCES},
	{"deny:eacces", ACT_DENY, EACCES},
	{"deny:EnOeNt", ACT_DENY, ENOENT},
	{"deny:13", ACT_DENY, 13},
	{"deny:1", ACT_DENY, 1},
	{"deny:4095", ACT_DENY, 4095},
	{"deny:0013", ACT_DENY, 13},
	{"kill", ACT_KILL, 0},
	{"audit", ACT_AUDIT, 0},
	{"  deny  \t target=/etc/**  ", ACT_DENY, EPERM},
	{"deny\ttarget=/etc/*", ACT_DENY, EPERM},
	{"deny target=\"/etc/*\"", ACT_DENY, EPERM},
	{"deny target='/etc/pass*'", ACT_DENY, EPERM},
	{"deny target=/etc/pass\\wd", ACT_DENY, EPERM},
	{"deny target=\"/etc/pass\\wd\"", ACT_DENY, EPERM},
	{"audit comm=sh exe=/bin/sh uid=1000 ruid=0-1000 gid=100-", ACT_AUDIT,
	 0},
	{"kill uid=-1000 ruid=1000- gid=0-4294967294", ACT_KILL, 0},
	{"deny link=/tmp/* target=/etc/passwd", ACT_DENY, EPERM},
	{"deny # a comment", ACT_DENY, EPERM},
	{"deny target=/etc/** # tagret=oops", ACT_DENY, EPERM},
	{"deny target=/etc/**\t#comment", ACT_DENY, EPERM},
	{"allow comm=s[a-h]", ACT_ALLOW, 0},
	{"deny:EPERM target=** link=** comm=** exe=** uid=0- ruid=-4294967294 "
	 "gid=100",
	 ACT_DENY, EPERM},
	{"deny target=/etc/passwd\n", ACT_DENY, EPERM},
	{"deny target=/etc/passwd\r", ACT_DENY, EPERM},
};

START_TEST(test_good_rules)
{
	const struct good_case *c = &good_cases[_i];
	struct policy *p = policy_new();
	struct policy_error err = {.msg = "", .pos = 0};
	struct verdict v;

	ck_assert_msg(policy_add(p, c->text, &err) == 0, "rule '%s': %s at %zu",
		      c->text, err.msg, err.pos);
	ck_assert_uint_eq(policy_count(p), 1);
	v = policy_match(p, &any_in);
	ck_assert_int_eq(v.action, c->action);
	ck_assert_int_eq(v.err, c->err);
	ck_assert_int_eq(v.rule, 1);
	ck_assert(policy_can_deny(p) ==
		  (c->action == ACT_DENY || c->action == ACT_KILL));
	policy_free(p);
}
END_TEST

/* Quoting keeps blanks and the other quote; '#' inside a value is data. */
START_TEST(test_quoting)
{
	static const struct {
		const char *rule;
		const char *comm;
		bool match;
	} t[] = {
		{"deny comm=\"a b\"", "a b", true},
		{"deny comm='a\tb'", "a\tb", true},
		{"deny comm=\"it's\"", "it's", true},
		{"deny comm='say \"hi\"'", "say \"hi\"", true},
		/* A backslash keeps the next byte in the value; the glob
		 * then makes it literal. */
		{"deny comm=\"a\\\"b\"", "a\"b", true},
		{"deny comm='a\\'b'", "a'b", true},
		{"deny comm=a\\ b", "a b", true},
		{"deny comm=\"a\\*\"", "a*", true},
		{"deny comm=\"a\\*\"", "ab", false},
		{"deny comm=a#b", "a#b", true},
		{"deny comm=#a", "#a", true},
		{"deny comm=a\"b", "a\"b", true}, /* quote not at start */
		{"deny comm=\"#\" # comment", "#", true},
		{"deny comm=\"\xff\x01\"", "\xff\x01", true},
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		struct policy *p = policy_new();
		struct policy_error err;
		struct policy_input in = {.comm = t[i].comm};
		struct verdict v;

		ck_assert_msg(policy_add(p, t[i].rule, &err) == 0,
			      "rule '%s': %s", t[i].rule, err.msg);
		v = policy_match(p, &in);
		ck_assert_msg((v.action == ACT_DENY) == t[i].match,
			      "rule '%s' vs '%s'", t[i].rule, t[i].comm);
		policy_free(p);
	}
}
END_TEST

START_TEST(test_flags)
{
	struct policy *p = policy_new();
	struct policy_error err;

	ck_assert_uint_eq(policy_count(p), 0);
	ck_assert(!policy_can_deny(p));
	ck_assert(!policy_judges_moves(p));
	ck_assert(!policy_needs_exe(p));
	ck_assert_int_eq(policy_add(p, "audit comm=x", &err), 0);
	ck_assert(!policy_judges_moves(p));
	ck_assert_int_eq(policy_add(p, "audit target=/x", &err), 0);
	ck_assert(!policy_can_deny(p));
	ck_assert(policy_judges_moves(p));
	ck_assert_int_eq(policy_add(p, "allow link=/y", &err), 0);
	ck_assert(policy_judges_moves(p));
	ck_assert(!policy_needs_exe(p));
	ck_assert_int_eq(policy_add(p, "kill exe=/bin/*", &err), 0);
	ck_assert(policy_needs_exe(p));
	ck_assert(policy_can_deny(p));
	ck_assert_uint_eq(policy_count(p), 4);
	policy_free(p);

	p = policy_new();
	policy_add_deny_all(p, EACCES);
	ck_assert(policy_can_deny(p));
	ck_assert_uint_eq(policy_count(p), 1);
	policy_free(p);
	policy_free(NULL);
}
END_TEST

START_TEST(test_add_text)
{
	static const char text[] = "# symtrace rules\n"
				   "\n"
				   "   \t\n"
				   "allow target=/etc/hosts   # fine\r\n"
				   "deny:EACCES target=/etc/**\n"
				   "  # indented comment\n"
				   "audit"; /* no final newline */
	struct policy *p = policy_new();
	struct policy_error err;
	size_t line = 99;
	struct policy_input in = any_in;
	struct verdict v;

	ck_assert_int_eq(policy_add_text(p, "f", text, &line, &err), 0);
	ck_assert_uint_eq(policy_count(p), 3);
	v = policy_match(p, &in);
	ck_assert_int_eq(v.action, ACT_DENY);
	ck_assert_int_eq(v.err, EACCES);
	ck_assert_int_eq(v.rule, 2);
	in.target = in.target_resolved = "/etc/hosts";
	v = policy_match(p, &in);
	ck_assert_int_eq(v.action, ACT_ALLOW);
	ck_assert_int_eq(v.rule, 1);
	in.target = in.target_resolved = "/home/x";
	v = policy_match(p, &in);
	ck_assert_int_eq(v.action, ACT_AUDIT);
	ck_assert_int_eq(v.rule, 3);

	/* Empty text and comments only: nothing added, no error. */
	ck_assert_int_eq(policy_add_text(p, "f", "", &line, &err), 0);
	ck_assert_int_eq(policy_add_text(p, "f", "#x\n\n#y\n", &line, &err), 0);
	ck_assert_uint_eq(policy_count(p), 3);

	/* An error names the 1-based line, the position within the line,
	 * and adds none of the text's rules. */
	ck_assert_int_eq(policy_add_text(p, "f",
					 "allow\n"
					 "# comment\n"
					 "deny target=/x\n"
					 "deny  tagret=/y\n"
					 "kill\n",
					 &line, &err),
			 -1);
	ck_assert_uint_eq(line, 4);
	ck_assert_uint_eq(err.pos, 6);
	ck_assert_str_eq(err.msg, "unknown key 'tagret' (expected target, "
				  "link, uid, ruid, gid, user, group, comm, "
				  "exe, when or dotdot)");
	ck_assert_uint_eq(policy_count(p), 3);

	/* A quote does not continue onto the next line. */
	ck_assert_int_eq(
		policy_add_text(p, "f", "deny comm=\"a\nb\"\n", &line, &err), -1);
	ck_assert_uint_eq(line, 1);
	ck_assert_str_eq(err.msg, "unterminated quote");
	ck_assert_uint_eq(err.pos, 10);
	ck_assert_uint_eq(policy_count(p), 3);
	policy_free(p);
}
END_TEST

/* ---- parser: errors ----------------------------------------------------- */

#define E_ACTION " (expected allow, deny, deny:ERRNO, kill or audit)"
#define E_ERRNO " (expected a name like EACCES or a number 1-4095)"
#define E_KEY                                                               \
	" (expected target, link, uid, ruid, gid, user, group, comm, exe, " \
	"when or dotdot)"
#define E_RANGE " (expected N, N-M, N- or -M)"
#define E_WHEN " (expected N, N+ or N+S, numbers 1 to 4294967294)"
#define E_TILDE                                                      \
	" must be followed by '/' (~USER is not supported; '\\~' is a " \
	"literal '~')"
#define E_BOUND " (numbers must be 0 to 4294967294)"

static const struct bad_case {
	const char *text;
	const char *msg;
	size_t pos;
} bad_cases[] = {
	{"", "empty rule", 0},
	{"   \t ", "empty rule", 0},
	{"# just a comment", "empty rule", 0},
	{"  #deny", "empty rule", 0},
	{"dney", "unknown action 'dney'" E_ACTION, 0},
	{"  Deny", "unknown action 'Deny'" E_ACTION, 2},
	{"DENY", "unknown action 'DENY'" E_ACTION, 0},
	{"allow:EPERM", "unknown action 'allow:EPERM'" E_ACTION, 0},
	{"kill:9", "unknown action 'kill:9'" E_ACTION, 0},
	{"target=/x", "unknown action 'target=/x'" E_ACTION, 0},
	{"\"deny\"", "unknown action '\"deny\"'" E_ACTION, 0},
	{"de\x01ny", "unknown action 'de\\x01ny'" E_ACTION, 0},
	{"deny:EFOO", "unknown errno 'EFOO'" E_ERRNO, 0},
	{" deny:EFOO target=/x", "unknown errno 'EFOO'" E_ERRNO, 1},
	{"deny:", "missing errno after 'deny:'" E_ERRNO, 0},
	{"deny:-1", "unknown errno '-1'" E_ERRNO, 0},
	{"deny:+1", "unknown errno '+1'" E_ERRNO, 0},
	{"deny:0x10", "unknown errno '0x10'" E_ERRNO, 0},
	{"deny: 1", "missing errno after 'deny:'" E_ERRNO, 0},
	{"deny:0", "errno '0' out of range (expected 1-4095)", 0},
	{"deny:4096", "errno '4096' out of range (expected 1-4095)", 0},
	{"deny:99999999999999999999",
	 "errno '99999999999999999999' out of range (expected 1-4095)", 0},
	{"deny tagret=/x", "unknown key 'tagret'" E_KEY, 5},
	{"deny TARGET=/x", "unknown key 'TARGET'" E_KEY, 5},
	{"deny\ttarget=/x\tlnk=/y", "unknown key 'lnk'" E_KEY, 15},
	{"deny euid=0", "unknown key 'euid'" E_KEY, 5},
	{"deny target", "expected KEY=VALUE, got 'target'", 5},
	{"deny target =/x", "expected KEY=VALUE, got 'target'", 5},
	{"deny =x", "expected KEY=VALUE, got '=x'", 5},
	{"deny target=/x foo", "expected KEY=VALUE, got 'foo'", 15},
	{"deny \"target=/x\"", "unknown key '\"target'" E_KEY, 5},
	{"deny target=", "empty value for 'target'", 5},
	{"deny target= /x", "empty value for 'target'", 5},
	{"deny link=\"\"", "empty value for 'link'", 5},
	{"deny comm=''", "empty value for 'comm'", 5},
	{"deny uid=", "empty value for 'uid'", 5},
	{"deny uid=10-5", "bad range '10-5' for 'uid'" E_RANGE, 5},
	{"deny uid=-", "bad range '-' for 'uid'" E_RANGE, 5},
	{"deny ruid=1-2-3", "bad range '1-2-3' for 'ruid'" E_RANGE, 5},
	{"deny gid=a", "bad range 'a' for 'gid'" E_RANGE, 5},
	{"deny gid=+1", "bad range '+1' for 'gid'" E_RANGE, 5},
	{"deny gid=0x10", "bad range '0x10' for 'gid'" E_RANGE, 5},
	{"deny uid=--1", "bad range '--1' for 'uid'" E_RANGE, 5},
	{"deny uid=\" 1\"", "bad range ' 1' for 'uid'" E_RANGE, 5},
	{"deny uid=4294967295", "bad range '4294967295' for 'uid'" E_BOUND, 5},
	{"deny ruid=0-4294967295",
	 "bad range '0-4294967295' for 'ruid'" E_BOUND, 5},
	{"deny gid=99999999999999999999999",
	 "bad range '99999999999999999999999' for 'gid'" E_BOUND, 5},
	{"deny uid=1 uid=2", "duplicate key 'uid'", 11},
	{"deny target=/a link=/b target=/a", "duplicate key 'target'", 23},
	{"deny target=\"/a b", "unterminated quote", 12},
	{"deny target='/a", "unterminated quote", 12},
	{"deny target=\"/a'", "unterminated quote", 12},
	{"deny target=\"a\\\"", "unterminated quote", 12},
	{"deny target=\"/a\"b", "expected blank after closing quote", 16},
	{"deny target=\"/a\"#c", "expected blank after closing quote", 16},
	{"deny target=/x tagret=/y # c", "unknown key 'tagret'" E_KEY, 15},
	/* when= */
	{"deny when=0", "bad value '0' for 'when'" E_WHEN, 5},
	{"deny when=2+0", "bad value '2+0' for 'when'" E_WHEN, 5},
	{"deny when=x", "bad value 'x' for 'when'" E_WHEN, 5},
	{"deny when=+3", "bad value '+3' for 'when'" E_WHEN, 5},
	{"deny when=2+x", "bad value '2+x' for 'when'" E_WHEN, 5},
	{"deny when=2++", "bad value '2++' for 'when'" E_WHEN, 5},
	{"deny when=-1", "bad value '-1' for 'when'" E_WHEN, 5},
	{"deny when=1-3", "bad value '1-3' for 'when'" E_WHEN, 5},
	{"deny  uid=0 when=4294967295",
	 "bad value '4294967295' for 'when'" E_WHEN, 12},
	{"deny when=1+4294967295",
	 "bad value '1+4294967295' for 'when'" E_WHEN, 5},
	{"deny when=", "empty value for 'when'", 5},
	{"deny when=1 when=1", "duplicate key 'when'", 12},
	/* '~' */
	{"deny link=~bob/x", "'~' in 'link'" E_TILDE, 5},
	{"deny target=~x", "'~' in 'target'" E_TILDE, 5},
	{"deny exe='~.'", "'~' in 'exe'" E_TILDE, 5},
	/* user=, group=: no lookups given to this policy */
	{"deny user=alice", "no user database to look 'alice' up in", 5},
	{"deny uid=1 group=staff", "no group database to look 'staff' up in",
	 11},
	{"deny user=", "empty value for 'user'", 5},
	/* include lines belong to rules files (rulesfile.c) */
	{"include /x", "'include' is a line of a rules file, not a rule", 0},
};

START_TEST(test_bad_rules)
{
	const struct bad_case *c = &bad_cases[_i];
	struct policy *p = policy_new();
	struct policy_error err = {.msg = "", .pos = 12345};

	ck_assert_msg(policy_add(p, c->text, &err) == -1, "rule '%s' accepted",
		      c->text);
	ck_assert_str_eq(err.msg, c->msg);
	ck_assert_uint_eq(err.pos, c->pos);
	ck_assert_uint_eq(policy_count(p), 0);
	/* A NULL error pointer is allowed. */
	ck_assert_int_eq(policy_add(p, c->text, NULL), -1);
	policy_free(p);
}
END_TEST

/* ---- globs -------------------------------------------------------------- */

static const struct glob_case {
	const char *pat;
	const char *s;
	bool match;
} glob_cases[] = {
	/* literals, whole-string */
	{"", "", true},
	{"", "a", false},
	{"abc", "abc", true},
	{"abc", "abcd", false},
	{"abc", "ab", false},
	{"/etc/passwd", "/etc/passwd", true},
	{"/etc/passwd", "/etc/passwd/", false},
	/* '*' */
	{"*", "", true},
	{"*", "abc", true},
	{"*", "a/b", false},
	{"*", "/", false},
	{"/etc/*", "/etc/passwd", true},
	{"/etc/*", "/etc/", true},
	{"/etc/*", "/etc", false},
	{"/etc/*", "/etc/a/b", false},
	{"*.conf", "x.conf", true},
	{"*.conf", ".conf", true},
	{"*.conf", "d/x.conf", false},
	{"a*b*c", "abc", true},
	{"a*b*c", "aXXbYYc", true},
	{"a*b*c", "aXXbYY", false},
	{"a*b", "abbb", true},
	{"*a", "aaa", true},
	{"/*/x", "/a/x", true},
	{"/*/x", "//x", true},
	{"/*/x", "/a/b/x", false},
	/* '?' */
	{"?", "a", true},
	{"?", "", false},
	{"?", "ab", false},
	{"?", "/", false},
	{"a?c", "abc", true},
	{"a?c", "a/c", false},
	{"??", "\xff\x80", true},
	/* '**' */
	{"**", "", true},
	{"**", "a/b/c", true},
	{"/etc/**", "/etc/passwd", true},
	{"/etc/**", "/etc/a/b", true},
	{"/etc/**", "/etc/", true},
	{"/etc/**", "/etc", true},
	{"/etc/**", "/etcx", false},
	{"/etc/**", "/et", false},
	{"/etc/**", "/", false},
	{"/**", "/", true},
	{"/**", "/a/b", true},
	{"/**", "", false},
	{"/**", "a", false},
	{"a/**", "a", true},
	{"a/**", "a/", true},
	{"a/**", "ab", false},
	{"/etc/**x", "/etc/a/bx", true},
	{"/etc/**x", "/etc", false},
	{"a/**/b", "a/b", true},
	{"a/**/b", "a/x/b", true},
	{"a/**/b", "a/x/y/b", true},
	{"a/**/b", "a//b", true},
	{"a/**/b", "ab", false},
	{"a/**/b", "a/xb", false},
	{"a/**/b", "a/x/yb", false},
	{"**/b", "b", true},
	{"**/b", "/b", true},
	{"**/b", "x/y/b", true},
	{"**/b", "xb", false},
	{"/a/**/**/b", "/a/b", true},
	{"/a/**/**/b", "/a/x/b", true},
	{"a**b", "a/x/b", true},
	{"a**b", "ab", true},
	{"a**/b", "a/b", true},
	{"a/**b", "a/b", true},
	{"a/**b", "ab", false},
	{"***", "a/b", true}, /* three or more stars = '**' */
	{"/tmp/**/*.so", "/tmp/lib.so", true},
	{"/tmp/**/*.so", "/tmp/a/b/lib.so", true},
	{"/tmp/**/*.so", "/tmp/a/b/lib.so/x", false},
	{"/home/*/.ssh/**", "/home/bob/.ssh", true},
	{"/home/*/.ssh/**", "/home/bob/.ssh/authorized_keys", true},
	{"/home/*/.ssh/**", "/home/a/b/.ssh/k", false},
	/* classes */
	{"[abc]", "b", true},
	{"[abc]", "d", false},
	{"[abc]", "", false},
	{"[a-c]", "b", true},
	{"[a-c]", "d", false},
	{"[a-cx-z]", "y", true},
	{"[!a]", "b", true},
	{"[!a]", "a", false},
	{"[^a]", "b", true},
	{"[^a]", "a", false},
	{"[!a]", "/", false},
	{"[/]", "/", false},
	{"[!x]", "", false},
	{"[]]", "]", true},
	{"[]a]", "a", true},
	{"[]a]", "]", true},
	{"[!]a]", "]", false},
	{"[!]a]", "b", true},
	{"[]-a]", "^", true}, /* ']' to 'a' */
	{"[a-]", "-", true},
	{"[-a]", "-", true},
	{"[z-a]", "m", false}, /* reversed range is empty */
	{"[z-a]", "z", false},
	{"[\\]]", "]", true},
	{"[\\!a]", "!", true},
	{"[a\\-z]", "-", true},
	{"[a\\-z]", "m", false},
	{"[\x80-\xff]", "\xc3", true},
	{"[\x80-\xff]", "a", false},
	/* unterminated brackets are literals */
	{"[]", "[]", true},
	{"[", "[", true},
	{"[abc", "[abc", true},
	{"[abc", "a", false},
	{"[!]", "[!]", true},
	{"a[", "a[", true},
	{"[a-", "[a-", true},
	/* escapes */
	{"\\*", "*", true},
	{"\\*", "a", false},
	{"\\?", "?", true},
	{"\\?", "a", false},
	{"\\[a]", "[a]", true},
	{"\\[a]", "a", false},
	{"\\\\", "\\", true},
	{"a\\", "a\\", true}, /* trailing backslash is itself */
	{"\\a", "a", true},
	{"\\**", "*abc", true},
	{"\\**", "abc", false},
	{"/etc/\\**", "/etc/*", true},
	{"/etc/\\**", "/etc", false},
	{"a\\/**", "a", true}, /* an escaped '/' is still a '/' */
	/* arbitrary bytes */
	{"\xff*", "\xff\xfe", true},
	{"*\n", "x\n", true},
};

START_TEST(test_glob)
{
	const struct glob_case *c = &glob_cases[_i];

	ck_assert_msg(glob_match(c->pat, c->s) == c->match,
		      "glob_match(\"%s\", \"%s\") != %d", c->pat, c->s,
		      c->match);
}
END_TEST

START_TEST(test_glob_null)
{
	ck_assert(!glob_match(NULL, "a"));
	ck_assert(!glob_match("*", NULL));
	ck_assert(!glob_match(NULL, NULL));
}
END_TEST

/* ---- matcher ------------------------------------------------------------ */

static struct policy *mkpolicy(const char *const *rules)
{
	struct policy *p = policy_new();
	struct policy_error err;

	for (; *rules; rules++)
		ck_assert_msg(policy_add(p, *rules, &err) == 0, "%s: %s",
			      *rules, err.msg);
	return p;
}

static void check_verdict(struct policy *p, const struct policy_input *in,
			  enum action action, int err, int rule)
{
	struct verdict v = policy_match(p, in);

	ck_assert_int_eq(v.action, action);
	ck_assert_int_eq(v.err, err);
	ck_assert_int_eq(v.rule, rule);
}

START_TEST(test_first_match)
{
	static const char *const rules[] = {
		"allow target=/etc/hosts",
		"deny:EACCES target=/etc/**",
		"audit link=/tmp/**",
		"kill comm=evil",
		"deny",
		NULL,
	};
	struct policy *p = mkpolicy(rules);
	struct policy_input in = any_in;

	in.target = in.target_resolved = "/etc/hosts";
	check_verdict(p, &in, ACT_ALLOW, 0, 1);
	in.target = in.target_resolved = "/etc/shadow";
	check_verdict(p, &in, ACT_DENY, EACCES, 2);
	in.target = in.target_resolved = "/home/x";
	check_verdict(p, &in, ACT_AUDIT, 0, 3);
	in.link = "/home/l";
	in.comm = "evil";
	check_verdict(p, &in, ACT_KILL, 0, 4);
	in.comm = "good";
	check_verdict(p, &in, ACT_DENY, EPERM, 5);
	policy_free(p);
}
END_TEST

START_TEST(test_no_match)
{
	static const char *const rules[] = {
		"deny target=/etc/**",
		"deny comm=x uid=0",
		NULL,
	};
	struct policy *p = mkpolicy(rules);
	struct policy_input in = any_in;
	struct policy *empty = policy_new();

	in.target = in.target_resolved = "/home/x";
	check_verdict(p, &in, ACT_NONE, 0, 0);
	in.comm = "x"; /* uid 1000 != 0: all keys must match */
	check_verdict(p, &in, ACT_NONE, 0, 0);
	in.euid = 0;
	check_verdict(p, &in, ACT_DENY, EPERM, 2);
	check_verdict(empty, &in, ACT_NONE, 0, 0);
	policy_free(p);
	policy_free(empty);
}
END_TEST

START_TEST(test_target_literal_vs_resolved)
{
	static const char *const rules[] = {
		"deny:EACCES target=/etc/**",
		"deny:ENOENT target=/x/..",
		"deny:EBUSY target=../*",
		NULL,
	};
	struct policy *p = mkpolicy(rules);
	struct policy_input in = {0};

	/* Matched by its resolved form. */
	in.target = "../../etc/passwd";
	in.target_resolved = "/etc/passwd";
	check_verdict(p, &in, ACT_DENY, EACCES, 1);
	/* Absolute verbatim target matched by its spelling ("/x" lies
	 * above nothing rule 1 names). */
	in.target = "/x/..";
	in.target_resolved = "/x";
	check_verdict(p, &in, ACT_DENY, ENOENT, 2);
	/* ... resolved to "/", above /etc: rule 1 first (ancestor). */
	in.target_resolved = "/";
	check_verdict(p, &in, ACT_DENY, EACCES, 1);
	/* A relative verbatim target is never matched as such. */
	in.target = "../a";
	in.target_resolved = "/srv/a";
	check_verdict(p, &in, ACT_NONE, 0, 0);
	/* Absolute target, resolved unknown: the literal still counts. */
	in.target = "/etc/../etc/passwd";
	in.target_resolved = NULL;
	check_verdict(p, &in, ACT_DENY, EACCES, 1);
	/* Both NULL: no GLOB key matches. */
	in.target = NULL;
	in.target_resolved = NULL;
	check_verdict(p, &in, ACT_NONE, 0, 0);
	policy_free(p);
}
END_TEST

/* A deny target= rule also matches what leads into what it names from
 * above, and what leads through a magic link; an allow rule does not. */
static const struct ancestor_case {
	const char *rule, *target, *resolved;
	bool match;
} ancestor_cases[] = {
	{ "deny target=/etc/**", "/", "/", true },
	{ "deny target=/etc/**", "../../..", "/", true },
	{ "deny target=/etc/**", "/etc", "/etc", true },
	{ "deny target=/etc/**", "/et", "/et", false },
	{ "deny target=/etc/**", "/etcetera", "/etcetera", false },
	{ "deny target=/etc/**", "/usr", "/usr", false },
	{ "deny target=/srv/secret/**", "/srv", "/srv", true },
	{ "deny target=/srv/secret/**", "/srv/", "/srv", true },
	{ "deny target=/srv/secret/**", "/srv/other", "/srv/other", false },
	{ "deny target=/home/*/secret", "/home", "/home", true },
	{ "deny target=/home/*/secret", "/home/a", "/home/a", false },
	{ "deny target=/etc/passwd", "/etc", "/etc", true },
	{ "kill target=/etc/passwd", "/", "/", true },
	{ "allow target=/etc/**", "/", "/", false },
	{ "audit target=/etc/**", "/", "/", false },
	{ "deny target=**", "x", "/a/x", true },
	{ "deny target=/etc/**", "/proc/self/root", "/proc/self/root", true },
	{ "deny target=/etc/**", "/proc/self", "/proc/self", true },
	{ "deny target=/etc/**", "/proc/1/root/etc/shadow",
	  "/proc/1/root/etc/shadow", true },
	{ "deny target=/etc/**", "/proc/thread-self/cwd/x",
	  "/proc/thread-self/cwd/x", true },
	{ "deny target=/etc/**", "/dev/fd/3/x", "/dev/fd/3/x", true },
	{ "deny target=/etc/**", "/dev/stdin", "/dev/stdin", true },
	{ "deny target=/etc/**", "../../proc/self/root/etc",
	  "/proc/self/root/etc", true },
	{ "deny target=/etc/**", "/proc/cpuinfo", "/proc/cpuinfo", false },
	{ "deny target=/etc/**", "/proc/12x", "/proc/12x", false },
	{ "deny target=/etc/**", "/dev/fdx", "/dev/fdx", false },
	{ "allow target=/etc/**", "/proc/self/root/etc",
	  "/proc/self/root/etc", false },
};

START_TEST(test_target_ancestor_magic)
{
	const struct ancestor_case *c = &ancestor_cases[_i];
	const char *rules[] = { c->rule, NULL };
	struct policy *p = mkpolicy(rules);
	struct policy_input in = { 0 };
	struct verdict v;

	in.target = c->target;
	in.target_resolved = c->resolved;
	v = policy_match(p, &in);
	ck_assert_msg((v.rule == 1) == c->match, "%s, target %s (%s): %s",
		      c->rule, c->target, c->resolved,
		      v.rule ? "matched" : "did not match");
	policy_free(p);
}
END_TEST

/* The physical resolution (symlinks followed) and a resolution that
 * cannot be judged: any resolution matching makes a deny rule match;
 * an allow or audit rule needs every resolution known to match, and
 * never matches what cannot be judged nor by spelling alone. */
static const struct physical_case {
	const char *rule, *target, *resolved, *physical;
	bool unjudged, match;
} physical_cases[] = {
	/* "L/L/L/../../../../etc/passwd" with L -> "." in /srv/www/s1 */
	{ "deny target=/etc/**", "L/L/L/../../../../etc/passwd",
	  "/srv/www/etc/passwd", "/etc/passwd", false, true },
	{ "deny target=/etc/**", "L/x", "/srv/www/s1/L/x", "/srv/www/s1/x",
	  false, false },
	{ "deny target=/etc/**", "x", "/srv/www/s1/x", "/", false, true },
	{ "deny target=/srv/www/s2/**", "x", "/srv/www/s1/x", "/srv/www",
	  false, true },
	{ "deny target=/etc/**", "x", "/srv/www/s1/x", "/proc/self/root",
	  false, true },
	{ "deny target=/etc/**", "x", "/srv/www/s1/x", NULL, true, true },
	{ "kill target=/etc/**", "x", "/srv/www/s1/x", NULL, true, true },
	/* "L/L/../s2/x": lexically in s1, physically in s2 */
	{ "allow target=/srv/www/s1/**", "L/L/../s2/x", "/srv/www/s1/L/s2/x",
	  "/srv/www/s2/x", false, false },
	{ "audit target=/srv/www/s1/**", "L/L/../s2/x", "/srv/www/s1/L/s2/x",
	  "/srv/www/s2/x", false, false },
	{ "allow target=/srv/www/s1/**", "x", "/srv/www/s1/x", "/srv/www/s1/y",
	  false, true },
	{ "allow target=/srv/www/s1/**", "x", "/srv/www/s1/x", NULL, false,
	  true },
	{ "allow target=/srv/www/s1/**", "x", "/srv/www/s1/x", NULL, true,
	  false },
	/* physically in s1, lexically not: the lexical form is known, and
	 * an allow needs it too */
	{ "allow target=/srv/www/s1/**", "D/../../x", "/srv/www/x",
	  "/srv/www/s1/a/x", false, false },
	/* spelled inside, resolved outside */
	{ "allow target=/srv/www/s1/**", "/srv/www/s1/../s2/x",
	  "/srv/www/s2/x", "/srv/www/s2/x", false, false },
	{ "deny target=/srv/www/s1/**", "/srv/www/s1/../s2/x",
	  "/srv/www/s2/x", "/srv/www/s2/x", false, true },
};

START_TEST(test_target_physical)
{
	const struct physical_case *c = &physical_cases[_i];
	const char *rules[] = { c->rule, NULL };
	struct policy *p = mkpolicy(rules);
	struct policy_input in = { 0 };
	struct verdict v;

	in.target = c->target;
	in.target_resolved = c->resolved;
	in.target_physical = c->physical;
	in.target_unjudged = c->unjudged;
	v = policy_match(p, &in);
	ck_assert_msg((v.rule == 1) == c->match, "%s, target %s (%s, %s%s): %s",
		      c->rule, c->target, c->resolved,
		      c->physical ? c->physical : "-",
		      c->unjudged ? ", unjudged" : "",
		      v.rule ? "matched" : "did not match");
	policy_free(p);
}
END_TEST

START_TEST(test_null_strings)
{
	static const char *const rules[] = {
		"deny:EACCES link=**", "deny:ENOENT comm=**",
		"deny:EBUSY exe=**",   "deny:EEXIST target=**",
		"audit uid=0-",	       NULL,
	};
	struct policy *p = mkpolicy(rules);
	struct policy_input in = {0};

	check_verdict(p, &in, ACT_AUDIT, 0, 5);
	in.target_resolved = "/";
	check_verdict(p, &in, ACT_DENY, EEXIST, 4);
	in.exe = "";
	check_verdict(p, &in, ACT_DENY, EBUSY, 3);
	in.comm = "c";
	check_verdict(p, &in, ACT_DENY, ENOENT, 2);
	in.link = "/l";
	check_verdict(p, &in, ACT_DENY, EACCES, 1);
	policy_free(p);
}
END_TEST

static const struct range_case {
	const char *rule;
	uid_t euid, ruid;
	gid_t egid;
	bool match;
} range_cases[] = {
	{"deny uid=0", 0, 5, 5, true},
	{"deny uid=0", 1, 0, 0, false},
	{"deny uid=00", 0, 5, 5, true},
	{"deny uid=10-20", 10, 0, 0, true},
	{"deny uid=10-20", 20, 0, 0, true},
	{"deny uid=10-20", 9, 0, 0, false},
	{"deny uid=10-20", 21, 0, 0, false},
	{"deny uid=10-10", 10, 0, 0, true},
	{"deny uid=1000-", 1000, 0, 0, true},
	{"deny uid=1000-", 999, 0, 0, false},
	{"deny uid=1000-", 4294967294u, 0, 0, true},
	{"deny uid=-999", 999, 0, 0, true},
	{"deny uid=-999", 1000, 0, 0, false},
	{"deny uid=-999", 0, 0, 0, true},
	{"deny ruid=0", 1000, 0, 1000, true},
	{"deny ruid=0", 0, 1000, 0, false},
	{"deny gid=100", 0, 0, 100, true},
	{"deny gid=100", 100, 100, 0, false},
	{"deny uid=1000 ruid=0 gid=50-60", 1000, 0, 55, true},
	{"deny uid=1000 ruid=0 gid=50-60", 1000, 0, 61, false},
	{"deny uid=1000 ruid=0 gid=50-60", 1000, 1, 55, false},
	{"deny uid=4294967294", 4294967294u, 0, 0, true},
	{"deny uid=0-4294967294", 4294967294u, 0, 0, true},
	/* (uid_t)-1 is no id: no range contains it. */
	{"deny uid=0-", (uid_t)-1, 0, 0, false},
	{"deny gid=-4294967294", 0, 0, (gid_t)-1, false},
};

START_TEST(test_ranges)
{
	const struct range_case *c = &range_cases[_i];
	const char *rules[] = {c->rule, NULL};
	struct policy *p = mkpolicy(rules);
	struct policy_input in = any_in;

	in.euid = c->euid;
	in.ruid = c->ruid;
	in.egid = c->egid;
	ck_assert_msg((policy_match(p, &in).action == ACT_DENY) == c->match,
		      "%s vs uid %u ruid %u gid %u", c->rule, (unsigned)c->euid,
		      (unsigned)c->ruid, (unsigned)c->egid);
	policy_free(p);
}
END_TEST

START_TEST(test_deny_all)
{
	static const char *const rules[] = {"allow comm=ok", NULL};
	struct policy *p = mkpolicy(rules);
	struct policy_input in = any_in;

	policy_add_deny_all(p, EACCES);
	ck_assert_uint_eq(policy_count(p), 2);
	check_verdict(p, &in, ACT_DENY, EACCES, 2);
	in.comm = "ok";
	check_verdict(p, &in, ACT_ALLOW, 0, 1);
	/* Fails closed on an impossible errno: EPERM. */
	policy_free(p);
	p = policy_new();
	policy_add_deny_all(p, 0);
	check_verdict(p, &in, ACT_DENY, EPERM, 1);
	policy_free(p);
	p = policy_new();
	policy_add_deny_all(p, 4095);
	check_verdict(p, &in, ACT_DENY, 4095, 1);
	policy_free(p);
}
END_TEST

START_TEST(test_link_comm_exe)
{
	static const char *const rules[] = {
		"deny:EACCES link=/var/www/** comm=php-*",
		"deny:ENOENT exe=/usr/bin/python3*",
		"audit link=*/x", /* '*' does not cross '/' */
		NULL,
	};
	struct policy *p = mkpolicy(rules);
	struct policy_input in = any_in;

	in.link = "/var/www/a/b";
	in.comm = "php-fpm";
	check_verdict(p, &in, ACT_DENY, EACCES, 1);
	in.comm = "nginx";
	check_verdict(p, &in, ACT_NONE, 0, 0);
	in.exe = "/usr/bin/python3.12";
	check_verdict(p, &in, ACT_DENY, ENOENT, 2);
	in.exe = "/usr/bin/python2";
	in.link = "/a/x";
	check_verdict(p, &in, ACT_NONE, 0, 0);
	in.link = "a/x";
	check_verdict(p, &in, ACT_AUDIT, 0, 3);
	policy_free(p);
}
END_TEST

/* ---- limits ------------------------------------------------------------- */

static char *repeat(char c, size_t n)
{
	char *s = xmalloc(n + 1);

	memset(s, c, n);
	s[n] = '\0';
	return s;
}

START_TEST(test_adversarial_globs)
{
	static const char *const pats[] = {
		"**a**a**a**a**b",
		"*a*a*a*a*a*a*a*a*b",
		"**/**/**/**/**/**/b",
		"a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b",
		"**a**a**a**a**a**a**a**a**a**a**a**a**a**a**b",
		"[a]*[a]*[a]*[a]*[a]*?*?*?*?*?*?*?*b",
	};
	char *as = repeat('a', 4000);
	char *slashes = repeat('/', 4000);
	double t0 = now();
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pats); i++) {
		ck_assert_msg(!glob_match(pats[i], as), "%s", pats[i]);
		ck_assert_msg(!glob_match(pats[i], slashes), "%s", pats[i]);
	}
	/* The same with a final 'b': now they match. */
	as[3999] = 'b';
	ck_assert(glob_match("**a**a**a**a**b", as));
	ck_assert(glob_match("*a*a*a*a*a*a*a*a*b", as));
	ck_assert(glob_match("**", as));
	ck_assert(!glob_match("*/", as));
	ck_assert_msg(now() - t0 < 2.0, "adversarial globs took %.2fs",
		      now() - t0);
	free(as);
	free(slashes);
}
END_TEST

START_TEST(test_long_strings)
{
	struct sbuf path = SBUF_INIT, rule = SBUF_INIT;
	struct policy *p = policy_new();
	struct policy_error err;
	struct policy_input in = {0};
	char *pat = repeat('?', 4000);
	char *res;
	size_t i;

	/* A 4000-byte path of 1000 components. */
	for (i = 0; i < 1000; i++)
		sbuf_adds(&path, "/abc");
	ck_assert_uint_eq(path.len, 4000);
	ck_assert(glob_match("/**", path.buf));
	ck_assert(glob_match("/abc/**/abc", path.buf));
	ck_assert(!glob_match("/abc/**/abd", path.buf));
	ck_assert(!glob_match(pat, path.buf)); /* '?' is not '/' */
	ck_assert(glob_match(path.buf, path.buf));

	/* A 4000-byte pattern of '?' against 4000 non-'/' bytes. */
	memset(path.buf, 'x', path.len);
	ck_assert(glob_match(pat, path.buf));
	pat[3999] = '\0';
	ck_assert(!glob_match(pat, path.buf));

	/* Resolution of a long path, and of a long run of "..". */
	res = path_resolve_lexical("/base", path.buf);
	ck_assert_uint_eq(strlen(res), 4000 + 6);
	free(res);
	sbuf_reset(&path);
	for (i = 0; i < 2000; i++)
		sbuf_adds(&path, "../");
	sbuf_adds(&path, "etc");
	res = path_resolve_lexical("/a/b", path.buf);
	ck_assert_str_eq(res, "/etc");
	free(res);

	/* A rule with a 100000-byte quoted value. */
	sbuf_adds(&rule, "deny comm=\"");
	for (i = 0; i < 100000; i++)
		sbuf_addc(&rule, i % 2 ? ' ' : 'x');
	sbuf_adds(&rule, "\"");
	ck_assert_int_eq(policy_add(p, rule.buf, &err), 0);
	in.comm = rule.buf + 11;
	rule.buf[rule.len - 1] = '\0';
	ck_assert_int_eq(policy_match(p, &in).action, ACT_DENY);

	/* Error messages quote at most 64 bytes of user text. */
	sbuf_reset(&rule);
	for (i = 0; i < 1000; i++)
		sbuf_addc(&rule, 'x');
	ck_assert_int_eq(policy_add(p, rule.buf, &err), -1);
	ck_assert_str_eq(err.msg, "unknown action '"
				  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
				  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
				  "...'" E_ACTION);
	/* ... even when every byte needs escaping. */
	memset(rule.buf, '\x01', rule.len);
	ck_assert_int_eq(policy_add(p, rule.buf, &err), -1);
	ck_assert_str_eq(err.msg, "unknown action '"
				  "\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01"
				  "\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01"
				  "...'" E_ACTION);

	ck_assert_uint_eq(policy_count(p), 1);
	policy_free(p);
	sbuf_free(&path);
	sbuf_free(&rule);
	free(pat);
}
END_TEST

START_TEST(test_number_bounds)
{
	static const struct {
		const char *rule;
		int ok;
	} t[] = {
		{"deny uid=4294967294", 0},
		{"deny uid=4294967295", -1},
		{"deny uid=4294967296", -1},
		{"deny uid=18446744073709551616", -1},
		{"deny uid=0000000000000000000000001", 0},
		{"deny ruid=4294967294-4294967294", 0},
		{"deny gid=4294967295-", -1},
		{"deny gid=-4294967295", -1},
		{"deny:4095", 0},
		{"deny:4096", -1},
		{"deny:2147483648", -1},
		{"deny:4294967297", -1},
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		struct policy *p = policy_new();
		struct policy_error err;

		ck_assert_msg(policy_add(p, t[i].rule, &err) == t[i].ok, "%s",
			      t[i].rule);
		policy_free(p);
	}
}
END_TEST

START_TEST(test_many_rules)
{
	struct policy *p = policy_new();
	struct policy_error err;
	struct policy_input in = any_in;
	char buf[64];
	int i;

	for (i = 0; i < 10000; i++) {
		snprintf(buf, sizeof(buf), "deny:%d uid=%d", i % 4095 + 1, i);
		ck_assert_int_eq(policy_add(p, buf, &err), 0);
	}
	ck_assert_uint_eq(policy_count(p), 10000);
	in.euid = 9999;
	check_verdict(p, &in, ACT_DENY, 9999 % 4095 + 1, 10000);
	in.euid = 10000;
	check_verdict(p, &in, ACT_NONE, 0, 0);
	policy_free(p);
}
END_TEST

/* ---- user=, group= ------------------------------------------------------ */

/* A fake password and group database: check_policy must not depend on
 * /etc/passwd.  "broken" makes the lookup itself fail. */
struct fake_db {
	const char *const *users;  /* name, name, ...; NULL-terminated */
	const uid_t *uids;
	const char *const *groups;
	const gid_t *gids;
	const char *home;	   /* of every uid; NULL: none */
	int home_calls;
};

static int fake_find(const char *const *names, const char *name)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

static int fake_user(const char *name, uid_t *id, void *ctx)
{
	const struct fake_db *db = ctx;
	int i;

	if (strcmp(name, "broken") == 0)
		return -EIO;
	if ((i = fake_find(db->users, name)) < 0)
		return -ENOENT;
	*id = db->uids[i];
	return 0;
}

static int fake_group(const char *name, gid_t *id, void *ctx)
{
	const struct fake_db *db = ctx;
	int i;

	if (strcmp(name, "broken") == 0)
		return -EIO;
	if ((i = fake_find(db->groups, name)) < 0)
		return -ENOENT;
	*id = db->gids[i];
	return 0;
}

static const char *fake_home(uid_t uid, void *ctx)
{
	struct fake_db *db = ctx;

	(void)uid;
	db->home_calls++;
	return db->home;
}

static const char *const db_users[] = { "root", "www-data", "alice", "bob",
					NULL };
static const uid_t db_uids[] = { 0, 33, 1000, 1001 };
static const char *const db_groups[] = { "root", "www-data", "staff",
					 "sites", NULL };
static const gid_t db_gids[] = { 0, 33, 50, 2000 };

static struct fake_db fake_db = {
	.users = db_users,
	.uids = db_uids,
	.groups = db_groups,
	.gids = db_gids,
	.home = "/home/alice",
};

/* A policy with the fake lookups, and the rules (NULL-terminated). */
static struct policy *mkpolicy_db(struct fake_db *db,
				  const char *const *rules)
{
	struct policy *p = policy_new();
	struct policy_names names = {
		.user = fake_user,
		.group = fake_group,
		.home = fake_home,
		.ctx = db,
	};
	struct policy_error err;

	policy_set_names(p, &names);
	for (; *rules; rules++)
		ck_assert_msg(policy_add(p, *rules, &err) == 0, "%s: %s",
			      *rules, err.msg);
	return p;
}

static const gid_t g_50[] = { 50 };
static const gid_t g_many[] = { 7, 8, 2000, 9 };
static const gid_t g_none[] = { 51, 49, 33 };

static const struct name_case {
	const char *rule;
	uid_t euid;
	gid_t egid;
	const gid_t *groups;
	size_t ngroups;
	bool match;
} name_cases[] = {
	{ "deny user=alice", 1000, 1000, NULL, 0, true },
	{ "deny user=alice", 1001, 1000, NULL, 0, false },
	{ "deny user=alice", 0, 1000, NULL, 0, false },
	{ "deny user=root", 0, 0, NULL, 0, true },
	{ "deny user=www-data", 33, 33, NULL, 0, true },
	{ "deny group=staff", 1000, 50, NULL, 0, true },
	{ "deny group=staff", 1000, 100, g_50, 1, true },
	{ "deny group=sites", 1000, 100, g_many, 4, true },
	{ "deny group=sites", 1000, 100, g_many, 2, false }, /* 7, 8 only */
	{ "deny group=staff", 1000, 100, g_none, 3, false },
	{ "deny group=staff", 1000, 100, NULL, 0, false },
	/* The real gid does not count: only egid and groups. */
	{ "deny group=www-data", 1000, 100, NULL, 0, false },
	{ "deny user=alice group=staff", 1000, 50, NULL, 0, true },
	{ "deny user=alice group=staff", 1001, 50, NULL, 0, false },
	{ "deny user=alice group=staff", 1000, 51, NULL, 0, false },
	{ "deny user=alice uid=1001", 1000, 0, NULL, 0, false },
	{ "deny user=\"alice\" uid=1000-", 1000, 0, NULL, 0, true },
};

START_TEST(test_names)
{
	const struct name_case *c = &name_cases[_i];
	const char *rules[] = { c->rule, NULL };
	struct policy *p = mkpolicy_db(&fake_db, rules);
	struct policy_input in = any_in;

	in.euid = c->euid;
	in.egid = c->egid;
	in.groups = c->groups;
	in.ngroups = c->ngroups;
	ck_assert_msg((policy_match(p, &in).rule == 1) == c->match,
		      "%s vs euid %u egid %u, %zu groups", c->rule,
		      (unsigned)c->euid, (unsigned)c->egid, c->ngroups);
	ck_assert(policy_needs_creds(p));
	policy_free(p);
}
END_TEST

static const struct name_error_case {
	const char *rule, *msg;
	size_t pos;
} name_error_cases[] = {
	{ "deny user=nosuch", "unknown user 'nosuch'", 5 },
	{ "deny user=Alice", "unknown user 'Alice'", 5 },
	{ "deny  group=nosuch", "unknown group 'nosuch'", 6 },
	{ "deny user=alice group=wheel", "unknown group 'wheel'", 16 },
	{ "deny user=broken",
	  "cannot look up user 'broken': Input/output error", 5 },
	{ "deny group=broken",
	  "cannot look up group 'broken': Input/output error", 5 },
	{ "deny user=alice user=bob", "duplicate key 'user'", 16 },
	{ "deny user=\"\x01\"", "unknown user '\\x01'", 5 },
};

START_TEST(test_name_errors)
{
	const struct name_error_case *c = &name_error_cases[_i];
	const char *none[] = { NULL };
	struct policy *p = mkpolicy_db(&fake_db, none);
	struct policy_error err = { .msg = "", .pos = 999 };

	ck_assert_int_eq(policy_add(p, c->rule, &err), -1);
	ck_assert_str_eq(err.msg, c->msg);
	ck_assert_uint_eq(err.pos, c->pos);
	ck_assert_uint_eq(policy_count(p), 0);
	policy_free(p);
}
END_TEST

/* policy_lookup_names() looks every name up again; all or nothing. */
START_TEST(test_names_lookup_again)
{
	static const char *const rules[] = { "deny:EACCES user=alice",
					     "deny:ENOENT group=staff",
					     "allow", NULL };
	static const uid_t uids2[] = { 0, 33, 2222, 1001 };
	static const gid_t gids2[] = { 0, 33, 5555, 2000 };
	static const char *const users3[] = { "root", NULL };
	struct fake_db db = fake_db;
	struct policy *p = mkpolicy_db(&db, rules);
	struct policy_input in = any_in;
	struct policy_error err;
	size_t bad = 99;

	in.euid = 1000;
	check_verdict(p, &in, ACT_DENY, EACCES, 1);
	/* alice is 2222 now, staff 5555. */
	db.uids = uids2;
	db.gids = gids2;
	check_verdict(p, &in, ACT_DENY, EACCES, 1); /* not looked up yet */
	ck_assert_int_eq(policy_lookup_names(p, &bad, &err), 0);
	check_verdict(p, &in, ACT_ALLOW, 0, 3);
	in.euid = 2222;
	check_verdict(p, &in, ACT_DENY, EACCES, 1);
	in.euid = 1;
	in.egid = 5555;
	check_verdict(p, &in, ACT_DENY, ENOENT, 2);
	/* alice is gone: an error naming rule 1, and nothing changed. */
	db.users = users3;
	db.uids = db_uids;
	db.gids = db_gids;
	ck_assert_int_eq(policy_lookup_names(p, &bad, &err), -1);
	ck_assert_uint_eq(bad, 0);
	ck_assert_str_eq(err.msg, "unknown user 'alice'");
	ck_assert_uint_eq(err.pos, 12);
	check_verdict(p, &in, ACT_DENY, ENOENT, 2); /* staff still 5555 */
	policy_free(p);
}
END_TEST

/* ---- '~': the caller's home --------------------------------------------- */

static const struct home_case {
	const char *rule;
	const char *home;
	const char *link, *target; /* target: verbatim = resolved */
	const char *exe;
	bool match;
} home_cases[] = {
	/* link= */
	{ "allow link=~/**", "/home/a", "/home/a/x", NULL, NULL, true },
	{ "allow link=~/**", "/home/a", "/home/a/b/c", NULL, NULL, true },
	{ "allow link=~/**", "/home/a", "/home/a", NULL, NULL, true },
	{ "allow link=~/**", "/home/a", "/home/ab/x", NULL, NULL, false },
	{ "allow link=~/**", "/home/a", "/home", NULL, NULL, false },
	{ "allow link=~/**", "/home/a", "/srv/x", NULL, NULL, false },
	{ "allow link=~/**", "/home/a/", "/home/a/x", NULL, NULL, true },
	{ "allow link=~/**", "/home/a//", "/home/a/x", NULL, NULL, true },
	{ "allow link=~/*", "/home/a", "/home/a/b/c", NULL, NULL, false },
	{ "allow link=~", "/home/a", "/home/a", NULL, NULL, true },
	{ "allow link=~", "/home/a", "/home/a/x", NULL, NULL, false },
	{ "allow link=~/x/**/y", "/h", "/h/x/y", NULL, NULL, true },
	{ "allow link=~/x/**/y", "/h", "/h/x/1/2/y", NULL, NULL, true },
	{ "allow link=\"~/a b/*\"", "/h", "/h/a b/c", NULL, NULL, true },
	/* The home is a literal: its glob characters are not wildcards. */
	{ "allow link=~/**", "/home/*", "/home/a/x", NULL, NULL, false },
	{ "allow link=~/**", "/home/*", "/home/*/x", NULL, NULL, true },
	/* No usable home: an allow rule does not match... */
	{ "allow link=~/**", NULL, "/home/a/x", NULL, NULL, false },
	{ "allow link=~/**", "/", "/home/a/x", NULL, NULL, false },
	{ "allow link=~/**", "//", "/x", NULL, NULL, false },
	{ "allow link=~/**", "home/a", "home/a/x", NULL, NULL, false },
	{ "allow link=~/**", "", "/x", NULL, NULL, false },
	/* ... a deny rule does (fail closed), whatever the path. */
	{ "deny link=~/.ssh/**", NULL, "/tmp/x", NULL, NULL, true },
	{ "deny link=~/.ssh/**", "/", "/tmp/x", NULL, NULL, true },
	{ "kill link=~/.ssh/**", NULL, "/tmp/x", NULL, NULL, true },
	{ "audit link=~/.ssh/**", NULL, "/tmp/x", NULL, NULL, false },
	{ "deny link=~/.ssh/**", "/home/a", "/tmp/x", NULL, NULL, false },
	{ "deny link=~/.ssh/**", "/home/a", "/home/a/.ssh/k", NULL, NULL,
	  true },
	/* target= */
	{ "allow target=~/**", "/home/a", NULL, "/home/a/f", NULL, true },
	{ "allow target=~/**", "/home/a", NULL, "/home/b/f", NULL, false },
	{ "allow target=~/**", NULL, NULL, "/home/a/f", NULL, false },
	{ "allow uid=1000- link=~/** target=~/**", "/home/a", "/home/a/l",
	  "/home/a/t", NULL, true },
	{ "allow uid=1000- link=~/** target=~/**", "/home/a", "/home/a/l",
	  "/etc/passwd", NULL, false },
	{ "allow uid=1000- link=~/** target=~/**", "/home/a", "/home/b/l",
	  "/home/a/t", NULL, false },
	{ "deny target=~/private/**", "/home/a", NULL, "/home/a/private/k",
	  NULL, true },
	{ "deny target=~/private/**", "/home/a", NULL, "/home/a/private",
	  NULL, true },
	{ "deny target=~/private/**", "/home/a", NULL, "/home/a/public",
	  NULL, false },
	{ "deny target=~/private/**", "/home/a", NULL, "/home/a/privatex",
	  NULL, false },
	{ "deny target=~/private/**", "/home/a", NULL, "/home/b/private/k",
	  NULL, false },
	/* The ancestor rule: the home and what is above it lead in. */
	{ "deny target=~/private/**", "/home/a", NULL, "/home/a", NULL, true },
	{ "deny target=~/private/**", "/home/a", NULL, "/home", NULL, true },
	{ "deny target=~/private/**", "/home/a", NULL, "/", NULL, true },
	{ "deny target=~/private/**", "/home/a", NULL, "/home/ab", NULL,
	  false },
	{ "deny target=~/private/**", "/home/a", NULL, "/hom", NULL, false },
	{ "deny target=~/**", "/home/a", NULL, "/home", NULL, true },
	{ "deny target=~/**", "/home/a", NULL, "/srv", NULL, false },
	{ "deny target=~/p/*/q", "/home/a", NULL, "/home/a/p", NULL, true },
	{ "deny target=~/p/*/q", "/home/a", NULL, "/home/a/p/x", NULL, false },
	{ "deny target=~", "/home/a", NULL, "/home", NULL, true },
	{ "deny target=~/private/**", "/home/a/", NULL, "/home/a", NULL,
	  true },
	{ "allow target=~/private/**", "/home/a", NULL, "/home", NULL, false },
	/* No home: a deny target= rule matches every target. */
	{ "deny target=~/private/**", NULL, NULL, "/tmp/x", NULL, true },
	{ "deny target=~/private/**", "/", NULL, "/tmp/x", NULL, true },
	/* exe= */
	{ "audit exe=~/bin/*", "/home/a", NULL, NULL, "/home/a/bin/x", true },
	{ "audit exe=~/bin/*", "/home/a", NULL, NULL, "/usr/bin/x", false },
	/* '\~' is a literal '~'; comm= never means a home. */
	{ "deny link=\\~/**", "/home/a", "/home/a/x", NULL, NULL, false },
	{ "deny link=/x/\\~/**", "/home/a", "/x/~/y", NULL, NULL, true },
	{ "deny link=/x/~/**", "/home/a", "/x/~/y", NULL, NULL, true },
};

START_TEST(test_home)
{
	const struct home_case *c = &home_cases[_i];
	const char *rules[] = { c->rule, NULL };
	struct policy *p = mkpolicy(rules);
	struct policy_input in = { 0 };
	struct verdict v;

	in.home = c->home;
	in.link = c->link;
	in.target = in.target_resolved = c->target;
	in.exe = c->exe;
	in.euid = 1000;
	v = policy_match(p, &in);
	ck_assert_msg((v.rule == 1) == c->match,
		      "%s, home %s, link %s, target %s, exe %s: %s", c->rule,
		      c->home, c->link, c->target, c->exe,
		      v.rule ? "matched" : "did not match");
	policy_free(p);
}
END_TEST

/* An allow ~ rule needs every resolution in the home (the physical one
 * too); comm= takes '~' literally. */
START_TEST(test_home_more)
{
	static const char *const rules[] = { "audit comm=~x",
					     "allow target=~/**", NULL };
	struct policy *p = mkpolicy(rules);
	struct policy_input in = { 0 };

	in.home = "/home/a";
	in.target = "L/../../b/x";
	in.target_resolved = "/home/a/b/x";
	check_verdict(p, &in, ACT_ALLOW, 0, 2);
	in.target_physical = "/home/b/x";
	check_verdict(p, &in, ACT_NONE, 0, 0);
	in.target_physical = "/home/a/x";
	check_verdict(p, &in, ACT_ALLOW, 0, 2);
	in.target_unjudged = true;
	check_verdict(p, &in, ACT_NONE, 0, 0);
	in.comm = "~x";
	check_verdict(p, &in, ACT_AUDIT, 0, 1);
	policy_free(p);
}
END_TEST

/* policy_home(): looked up only while a '~' rule exists. */
START_TEST(test_home_lookup)
{
	static const char *const plain[] = { "deny user=alice", NULL };
	static const char *const tilde[] = { "deny link=~/x", NULL };
	struct fake_db db = fake_db;
	struct policy *p = mkpolicy_db(&db, plain);

	ck_assert(!policy_needs_home(p));
	ck_assert_ptr_null(policy_home(p, 1000));
	ck_assert_int_eq(db.home_calls, 0);
	policy_free(p);

	p = mkpolicy_db(&db, tilde);
	ck_assert(policy_needs_home(p));
	ck_assert(policy_needs_creds(p)); /* the euid finds the home */
	ck_assert_str_eq(policy_home(p, 1000), "/home/alice");
	ck_assert_int_eq(db.home_calls, 1);
	/* Dropped with its rule. */
	policy_truncate(p, 0);
	ck_assert(!policy_needs_home(p));
	ck_assert(!policy_needs_creds(p));
	policy_free(p);

	/* Without lookups: no home. */
	p = mkpolicy(tilde);
	ck_assert_ptr_null(policy_home(p, 1000));
	policy_free(p);
	ck_assert_ptr_null(policy_home(NULL, 0));
}
END_TEST

/* ---- when= -------------------------------------------------------------- */

static const struct when_case {
	const char *rule;
	const char *seq; /* call i (1-based) denied: seq[i - 1] == 'x' */
} when_cases[] = {
	{ "deny when=1", "x.........." },
	{ "deny when=3", "..x........" },
	{ "deny when=2+", ".xxxxxxxxxx" },
	{ "deny when=1+", "xxxxxxxxxxx" },
	{ "deny when=2+3", ".x..x..x..x" },
	{ "deny when=1+2", "x.x.x.x.x.x" },
	{ "deny when=4+1", "...xxxxxxxx" },
	{ "deny when=3+4", "..x...x...x" },
	{ "deny when=11", "..........x" },
	{ "deny when=12", "..........." },
	{ "deny when=0012+0001", "..........." },
	{ "deny when=4294967294", "..........." },
};

START_TEST(test_when)
{
	const struct when_case *c = &when_cases[_i];
	const char *rules[] = { c->rule, NULL };
	struct policy *p = mkpolicy(rules);

	for (size_t i = 0; c->seq[i]; i++) {
		struct verdict v = policy_match(p, &any_in);

		ck_assert_msg((v.action == ACT_DENY) == (c->seq[i] == 'x'),
			      "%s: call %zu %s", c->rule, i + 1,
			      v.action == ACT_DENY ? "denied" : "allowed");
	}
	policy_free(p);
}
END_TEST

/* dotdot=leading matches targets whose ".." all come first; inner the
 * others; no target, neither. */
static const struct dotdot_case {
	const char *target;
	bool leading;
} dotdot_cases[] = {
	{ "x", true },
	{ "../../x", true },
	{ "./../x/y", true },
	{ "..", true },
	{ "/srv/www/a", true },
	{ "", true },
	{ "../shared/storage", true },
	{ "d/../x", false },
	{ "d/site-tmac/../passwd", false },
	{ "../a/../b", false },
	{ "./x/..", false },
	{ "/srv/www/site1/../site2/x", false },
	{ "x//..//y", false },
	{ "..x/y", true },      /* a name that starts with ".." */
	{ "x/..y", true },
	{ "x/...", true },
};

START_TEST(test_dotdot)
{
	const struct dotdot_case *c = &dotdot_cases[_i];
	static const char *const rules[] = { "deny:EACCES dotdot=leading",
					     "deny:ENOENT dotdot=inner", NULL };
	struct policy *p = mkpolicy(rules);
	struct policy_input in = { 0 };
	struct verdict v;

	in.target = c->target;
	v = policy_match(p, &in);
	ck_assert_msg(v.rule == (c->leading ? 1 : 2), "%s: rule %d",
		      c->target, v.rule);
	in.target = NULL;
	v = policy_match(p, &in);
	ck_assert_int_eq(v.rule, 0);
	policy_free(p);
}
END_TEST

/* Counted per rule, over the calls that reach the rule and match its
 * other keys; a call when= passes over goes on to the next rules. */
START_TEST(test_when_counting)
{
	static const char *const rules[] = {
		"allow comm=ok",
		"deny:EACCES comm=x when=2",
		"deny:ENOENT when=2+2",
		"audit",
		NULL,
	};
	struct policy *p = mkpolicy(rules);
	struct policy_input in = any_in;

	/* call 1: x (rule 2 count 1: passed over) -> rule 3 count 1 ->
	 * audit */
	in.comm = "x";
	check_verdict(p, &in, ACT_AUDIT, 0, 4);
	/* call 2: ok: rule 1 decides, nothing counted below it */
	in.comm = "ok";
	check_verdict(p, &in, ACT_ALLOW, 0, 1);
	/* call 3: y: rule 2 does not match comm (not counted); rule 3
	 * count 2 -> selected */
	in.comm = "y";
	check_verdict(p, &in, ACT_DENY, ENOENT, 3);
	/* call 4: x: rule 2 count 2 -> selected */
	in.comm = "x";
	check_verdict(p, &in, ACT_DENY, EACCES, 2);
	/* call 5: x: rule 2 count 3 (passed over); rule 3 count 3 ->
	 * audit */
	check_verdict(p, &in, ACT_AUDIT, 0, 4);
	/* call 6: y: rule 3 count 4 -> selected */
	in.comm = "y";
	check_verdict(p, &in, ACT_DENY, ENOENT, 3);
	/* call 7: y: rule 3 count 5 -> audit */
	check_verdict(p, &in, ACT_AUDIT, 0, 4);
	policy_free(p);

	/* Two rules count apart. */
	static const char *const two[] = { "deny:EACCES comm=a when=2",
					   "deny:ENOENT comm=b when=2", NULL };
	p = mkpolicy(two);
	in.comm = "a";
	check_verdict(p, &in, ACT_NONE, 0, 0);
	in.comm = "b";
	check_verdict(p, &in, ACT_NONE, 0, 0);
	check_verdict(p, &in, ACT_DENY, ENOENT, 2);
	in.comm = "a";
	check_verdict(p, &in, ACT_DENY, EACCES, 1);
	check_verdict(p, &in, ACT_NONE, 0, 0);
	policy_free(p);
}
END_TEST

/* ---- origins ------------------------------------------------------------ */

START_TEST(test_origins)
{
	struct policy *p = policy_new();
	struct policy_error err;
	size_t line = 0;

	ck_assert_int_eq(policy_add(p, "allow comm=a", &err), 0);
	ck_assert_int_eq(policy_add(p, "bogus", &err), -1);
	ck_assert_int_eq(policy_add(p, "deny comm=b", &err), 0);
	ck_assert_int_eq(policy_add_rule(p, "audit", 5, "f.rules", 7, &err),
			 1);
	ck_assert_int_eq(policy_add_rule(p, "  # c", 5, "f.rules", 8, &err),
			 0);
	ck_assert_int_eq(policy_add_rule(p, "kill", 4, NULL, 9, &err), 1);
	ck_assert_int_eq(policy_add_text(p, "/etc/x y.rules",
					 "\n# c\nallow comm=c\n\naudit\n",
					 &line, &err),
			 0);
	policy_add_deny_all(p, EPERM);
	ck_assert_uint_eq(policy_count(p), 7);
	ck_assert_str_eq(policy_rule_origin(p, 1), "-r 1");
	ck_assert_str_eq(policy_rule_origin(p, 2), "-r 3");
	ck_assert_str_eq(policy_rule_origin(p, 3), "f.rules:7");
	ck_assert_str_eq(policy_rule_origin(p, 4), "-r 9");
	ck_assert_str_eq(policy_rule_origin(p, 5), "/etc/x y.rules:3");
	ck_assert_str_eq(policy_rule_origin(p, 6), "/etc/x y.rules:5");
	ck_assert_str_eq(policy_rule_origin(p, 7), "--deny");
	ck_assert_ptr_null(policy_rule_origin(p, 0));
	ck_assert_ptr_null(policy_rule_origin(p, 8));
	ck_assert_ptr_null(policy_rule_origin(p, -1));
	ck_assert_ptr_null(policy_rule_origin(NULL, 1));

	/* policy_add_rule takes a length; a NUL inside is an error. */
	ck_assert_int_eq(policy_add_rule(p, "deny comm=a\0b", 13, "g", 1,
					 &err),
			 -1);
	ck_assert_str_eq(err.msg, "NUL byte in a rule");
	ck_assert_uint_eq(err.pos, 11);
	ck_assert_int_eq(policy_add_rule(p, "deny comm=abc", 11, "g", 2, &err),
			 1);
	ck_assert_str_eq(policy_rule_origin(p, 8), "g:2");

	policy_truncate(p, 2);
	ck_assert_uint_eq(policy_count(p), 2);
	ck_assert_ptr_null(policy_rule_origin(p, 3));
	policy_truncate(p, 5);
	ck_assert_uint_eq(policy_count(p), 2);
	policy_free(p);
}
END_TEST

/* ---- printing ----------------------------------------------------------- */

static const struct format_case {
	const char *rule, *home, *want;
} format_cases[] = {
	{ "deny", NULL, "deny:EPERM" },
	{ "deny:13", NULL, "deny:EACCES" },
	{ "deny:eacces target=/etc/**", NULL, "deny:EACCES target=/etc/**" },
	{ "allow", NULL, "allow" },
	{ "kill  uid=0-   # c", NULL, "kill uid=0-" },
	{ "audit comm='a b' uid=1000- ruid=-5 gid=3-7 link=/l", NULL,
	  "audit link=/l uid=1000- ruid=-5 gid=3-7 comm='a b'" },
	{ "deny uid=5-5 gid=0-4294967294 ruid=1-2", NULL,
	  "deny:EPERM uid=5 ruid=1-2 gid=0-" },
	{ "allow group=staff user=alice", NULL,
	  "allow user=alice(1000) group=staff(50)" },
	{ "deny when=2+1 exe=/bin/*", NULL, "deny:EPERM exe=/bin/* when=2+" },
	{ "deny when=2+3", NULL, "deny:EPERM when=2+3" },
	{ "deny when=007", NULL, "deny:EPERM when=7" },
	{ "deny target=\"/a\\\"b c\"", NULL, "deny:EPERM target=\"/a\\\"b c\"" },
	{ "deny comm=\"\xff\x01\"", NULL, "deny:EPERM comm=\"\\xff\\x01\"" },
	{ "allow uid=1000- link=~/** target=~/**", NULL,
	  "allow target=~/** link=~/** uid=1000-" },
	{ "allow uid=1000- link=~/** target=~/**", "/srv/www/site1",
	  "allow target=/srv/www/site1/** link=/srv/www/site1/** uid=1000-" },
	{ "allow link=~", "/h/", "allow link=/h" },
	{ "allow link=~", "/", "allow link=~" },
	{ "allow link='~/x y'", "/my home*", "allow link='/my\\ home\\*/x y'" },
	{ "deny link=\\~/x", "/h", "deny:EPERM link=\\~/x" },
};

START_TEST(test_format)
{
	const struct format_case *c = &format_cases[_i];
	const char *rules[] = { c->rule, NULL };
	struct policy *p = mkpolicy_db(&fake_db, rules);
	struct sbuf sb = SBUF_INIT;

	ck_assert(policy_format_rule(p, 1, c->home, &sb));
	ck_assert_str_eq(sbuf_str(&sb), c->want);
	ck_assert(!policy_format_rule(p, 2, c->home, &sb));
	ck_assert(!policy_format_rule(p, 0, c->home, &sb));
	sbuf_free(&sb);
	policy_free(p);
}
END_TEST

/* What is printed reads back as the same rule (with printable values). */
START_TEST(test_format_round_trip)
{
	static const char *const rules[] = {
		"allow link='~/x y/*' target=~/** when=3+2",
		"deny:ENOENT comm=\"a\\\"b\" uid=-7",
		NULL,
	};
	struct policy *p = mkpolicy_db(&fake_db, rules), *q;
	struct sbuf a = SBUF_INIT, b = SBUF_INIT;
	const char *printed[3] = { NULL };
	struct policy_input in = { 0 };

	for (int i = 1; i <= 2; i++) {
		sbuf_reset(&a);
		ck_assert(policy_format_rule(p, i, "/my home", &a));
		printed[i - 1] = xstrdup(sbuf_str(&a));
	}
	q = mkpolicy_db(&fake_db, printed);
	for (int i = 1; i <= 2; i++) {
		sbuf_reset(&a);
		sbuf_reset(&b);
		policy_format_rule(p, i, "/my home", &a);
		policy_format_rule(q, i, NULL, &b);
		ck_assert_str_eq(sbuf_str(&a), sbuf_str(&b));
	}
	/* The expanded glob matches where the '~' one did. */
	in.home = "/elsewhere";
	in.link = "/my home/x y/z";
	in.target = in.target_resolved = "/my home/t";
	for (int i = 0; i < 2; i++)
		policy_match(q, &in);
	ck_assert_int_eq(policy_match(q, &in).rule, 1);
	for (int i = 0; i < 2; i++)
		free((char *)printed[i]);
	sbuf_free(&a);
	sbuf_free(&b);
	policy_free(p);
	policy_free(q);
}
END_TEST

/* ---- rules files (rulesfile.c) ------------------------------------------ */

static char tmpdir[64];

static void mktree(void)
{
	strcpy(tmpdir, "/tmp/check_policy.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void rmtree(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Write text to tmpdir/name (directories made as needed); the path. */
static char *put(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	char *slash = path + strlen(tmpdir);
	FILE *f;

	while ((slash = strchr(slash + 1, '/'))) {
		*slash = '\0';
		mkdir(path, 0700);
		*slash = '/';
	}
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

/* The origins of p's rules, "a b c". */
static char *origins(const struct policy *p)
{
	struct sbuf sb = SBUF_INIT;

	for (size_t i = 1; i <= policy_count(p); i++)
		sbuf_addf(&sb, "%s%s", i > 1 ? " " : "",
			  policy_rule_origin(p, (int)i));
	sbuf_addc(&sb, '\0'); /* "" when none */
	return sb.buf;
}

/* Load path (relative to tmpdir: the test runs there) and compare the
 * origins, or the error. */
static void load_ok(const char *path, const char *want)
{
	struct policy *p = policy_new();
	struct rules_error err = { .msg = "" };
	char *got;

	ck_assert_msg(rules_load_file(p, path, &err) == 0, "%s: %s", path,
		      err.msg);
	got = origins(p);
	ck_assert_str_eq(got, want);
	free(got);
	policy_free(p);
}

static void load_bad(const char *path, const char *want)
{
	struct policy *p = policy_new();
	struct rules_error err = { .msg = "" };

	ck_assert_int_eq(policy_add(p, "audit", NULL), 0);
	ck_assert_msg(rules_load_file(p, path, &err) == -1, "%s loaded",
		      path);
	ck_assert_str_eq(err.msg, want);
	ck_assert_uint_eq(policy_count(p), 1); /* all or nothing */
	policy_free(p);
}

START_TEST(test_include)
{
	mktree();
	ck_assert_int_eq(chdir(tmpdir), 0);
	free(put("main.rules", "allow comm=a\n"
			       "include d/*.rules   # the site rules\n"
			       "deny\n"
			       "include 'd/none*.rules'\n"
			       "include nodir/*.rules\n"
			       "include d/one.rule\n"));
	free(put("d/b.rules", "audit comm=b1\naudit comm=b2\n"));
	free(put("d/a.rules", "\n# a\naudit comm=a\n"));
	free(put("d/c.txt", "bogus\n"));
	free(put("d/.hidden.rules", "bogus\n"));
	free(put("d/one.rule", "kill comm=k\n"));
	/* Sorted, in place; relative to the including file. */
	load_ok("main.rules", "main.rules:1 d/a.rules:3 d/b.rules:1 "
			      "d/b.rules:2 main.rules:3 d/one.rule:1");
	load_ok("./main.rules", "./main.rules:1 ./d/a.rules:3 ./d/b.rules:1 "
				"./d/b.rules:2 ./main.rules:3 ./d/one.rule:1");
	/* From elsewhere: paths joined to the including file's directory. */
	ck_assert_int_eq(chdir("/"), 0);
	{
		char *m = xasprintf("%s/main.rules", tmpdir);
		char *want = xasprintf(
			"%s/main.rules:1 %s/d/a.rules:3 %s/d/b.rules:1 "
			"%s/d/b.rules:2 %s/main.rules:3 %s/d/one.rule:1",
			tmpdir, tmpdir, tmpdir, tmpdir, tmpdir, tmpdir);

		load_ok(m, want);
		free(m);
		free(want);
	}
	ck_assert_int_eq(chdir(tmpdir), 0);
	/* An include of an absolute pattern, and a nested one. */
	free(put("abs.rules", ""));
	{
		char *text = xasprintf("include \"%s/d/a.rules\"\n"
				       "include sub/n.rules\n",
				       tmpdir);

		free(put("abs.rules", text));
		free(text);
	}
	free(put("sub/n.rules", "include ../d/b.rules\n"));
	{
		char *want = xasprintf("%s/d/a.rules:3 sub/../d/b.rules:1 "
				       "sub/../d/b.rules:2",
				       tmpdir);

		load_ok("abs.rules", want);
		free(want);
	}
	/* The same file twice, not nested: no loop. */
	free(put("twice.rules", "include d/a.rules\ninclude d/a.rules\n"));
	load_ok("twice.rules", "d/a.rules:3 d/a.rules:3");
	rmtree();
}
END_TEST

/* What a load read is recorded for the watches of a reload (control.c),
 * also up to an error; the sources read again give the same rules in the
 * same order (-r as given, files read again, --deny last). */
START_TEST(test_rules_seen_sources)
{
	struct rules_sources src = { NULL, 0, 0, 0 };
	struct rules_seen seen = { NULL, 0, NULL, 0 };
	struct rules_error err = { .msg = "" };
	struct policy *p = policy_new(), *q;
	char *got;

	mktree();
	ck_assert_int_eq(chdir(tmpdir), 0);
	free(put("main.rules", "include d/*.rules\ninclude d/one.rule\n"
			       "deny comm=m\n"));
	free(put("d/a.rules", "audit comm=a\n"));
	free(put("d/one.rule", "kill comm=k\n"));
	ck_assert_int_eq(rules_sources_add(&src, p, "allow comm=r1", false,
					   &seen, &err), 0);
	ck_assert_int_eq(rules_sources_add(&src, p, "main.rules", true, &seen,
					   &err), 0);
	ck_assert_int_eq(rules_sources_add(&src, p, "audit comm=r2", false,
					   &seen, &err), 0);
	src.deny_errno = EACCES;
	policy_add_deny_all(p, EACCES);
	got = origins(p);
	ck_assert_str_eq(got, "-r 1 d/a.rules:1 d/one.rule:1 main.rules:3 "
			      "-r 2 --deny");
	free(got);
	ck_assert_uint_eq(seen.nfiles, 3);
	ck_assert_str_eq(seen.files[0].path, "main.rules");
	ck_assert_str_eq(seen.files[1].path, "d/a.rules");
	ck_assert_str_eq(seen.files[2].path, "d/one.rule");
	ck_assert(seen.files[0].regular && seen.files[2].regular);
	ck_assert_uint_eq(seen.nglobs, 1);
	ck_assert_str_eq(seen.globs[0].dir, "d");
	ck_assert_str_eq(seen.globs[0].pattern, "*.rules");
	rules_seen_free(&seen);

	/* Read again after a change: the new file is in, in its place. */
	free(put("d/b.rules", "audit comm=b\n"));
	q = policy_new();
	ck_assert_int_eq(rules_sources_load(&src, q, &seen, &err), 0);
	got = origins(q);
	ck_assert_str_eq(got, "-r 1 d/a.rules:1 d/b.rules:1 d/one.rule:1 "
			      "main.rules:3 -r 2 --deny");
	free(got);
	ck_assert_uint_eq(seen.nfiles, 4);
	/* A change before the watches are set is seen by comparing. */
	ck_assert(!rules_seen_changed(&seen));
	free(put("d/b.rules", "audit comm=b\naudit comm=c\n"));
	ck_assert(rules_seen_changed(&seen));
	rules_seen_free(&seen);
	policy_free(q);

	/* An error: what was read up to it is recorded, a missing file too. */
	ck_assert_int_eq(unlink("d/one.rule"), 0);
	q = policy_new();
	ck_assert_int_eq(rules_sources_load(&src, q, &seen, &err), -1);
	ck_assert_str_eq(err.msg, "bad rule in main.rules, line 2, column 9: "
				  "cannot open included file 'd/one.rule': "
				  "No such file or directory");
	ck_assert_uint_eq(seen.nfiles, 4);
	ck_assert_str_eq(seen.files[3].path, "d/one.rule");
	ck_assert(!seen.files[3].regular);
	ck_assert(!rules_seen_changed(&seen));
	free(put("d/one.rule", "kill comm=k\n")); /* it comes back */
	ck_assert(rules_seen_changed(&seen));
	rules_seen_free(&seen);
	policy_free(q);
	rules_sources_free(&src);
	policy_free(p);
	rmtree();
}
END_TEST

START_TEST(test_include_errors)
{
	static const char bad_action[] =
		"unknown action 'bogus' (expected allow, deny, deny:ERRNO, "
		"kill or audit)";
	char want[512];

	mktree();
	ck_assert_int_eq(chdir(tmpdir), 0);
	/* A plain path must exist. */
	free(put("m1.rules", "allow\n  include none.rules\n"));
	load_bad("m1.rules", "bad rule in m1.rules, line 2, column 11: "
			     "cannot open included file 'none.rules': No "
			     "such file or directory");
	/* An error in an included file names that file. */
	free(put("m2.rules", "allow\ninclude d/*.rules\n"));
	free(put("d/a.rules", "audit\n\n  bogus\n"));
	snprintf(want, sizeof(want), "bad rule in d/a.rules, line 3, "
				     "column 3: %s", bad_action);
	load_bad("m2.rules", want);
	/* Loops. */
	free(put("self.rules", "allow\ninclude self.rules\n"));
	load_bad("self.rules", "bad rule in self.rules, line 2, column 9: "
			       "include loop: 'self.rules' is being read "
			       "already");
	free(put("l1.rules", "include l2.rules\n"));
	free(put("l2.rules", "allow\ninclude *1.rules\n"));
	load_bad("l1.rules", "bad rule in l2.rules, line 2, column 9: "
			     "include loop: 'l1.rules' is being read already");
	/* Nesting: 8 includes deep is fine, 9 is not. */
	for (int i = 0; i < 9; i++) {
		char name[32], text[64];

		snprintf(name, sizeof(name), "n%d.rules", i);
		snprintf(text, sizeof(text), "audit\ninclude n%d.rules\n",
			 i + 1);
		free(put(name, text));
	}
	free(put("n9.rules", "audit\n"));
	load_ok("n1.rules", "n1.rules:1 n2.rules:1 n3.rules:1 n4.rules:1 "
			    "n5.rules:1 n6.rules:1 n7.rules:1 n8.rules:1 "
			    "n9.rules:1");
	load_bad("n0.rules", "bad rule in n8.rules, line 2, column 9: "
			     "includes nested more than 8 deep");
	/* The include line itself. */
	free(put("i1.rules", "include\n"));
	load_bad("i1.rules", "bad rule in i1.rules, line 1, column 8: "
			     "expected a file or pattern after 'include'");
	free(put("i2.rules", "include   # nothing\n"));
	load_bad("i2.rules", "bad rule in i2.rules, line 1, column 11: "
			     "expected a file or pattern after 'include'");
	free(put("i3.rules", "include a b\n"));
	load_bad("i3.rules", "bad rule in i3.rules, line 1, column 11: "
			     "expected one file or pattern after 'include'");
	free(put("i4.rules", "include \"a\n"));
	load_bad("i4.rules", "bad rule in i4.rules, line 1, column 9: "
			     "unterminated quote");
	free(put("i5.rules", "include ''\n"));
	load_bad("i5.rules", "bad rule in i5.rules, line 1, column 9: "
			     "expected a file or pattern after 'include'");
	/* "included" is not "include": a bad action. */
	free(put("i6.rules", "included x\n"));
	load_bad("i6.rules", "bad rule in i6.rules, line 1, column 1: "
			     "unknown action 'included' (expected allow, "
			     "deny, deny:ERRNO, kill or audit)");
	/* The file named on the command line. */
	load_bad("nonexistent", "cannot open rules file 'nonexistent': No "
				"such file or directory");
	load_bad("d", "cannot read rules file 'd': Is a directory");
	/* A directory a pattern matches is refused: not a regular file. */
	free(put("dd/sub.rules/x", ""));
	free(put("m3.rules", "include dd/*.rules\n"));
	load_bad("m3.rules", "bad rule in m3.rules, line 1, column 9: "
			     "included file 'dd/sub.rules' is not a regular "
			     "file");
	/* A NUL byte. */
	{
		FILE *f = fopen("nul.rules", "w");

		ck_assert_ptr_nonnull(f);
		fwrite("allow\ndeny comm=a\0b\n", 1, 20, f);
		fclose(f);
	}
	load_bad("nul.rules", "bad rule in nul.rules, line 2, column 12: "
			      "NUL byte in a rule");
	rmtree();
}
END_TEST

/* A directory in a pattern that cannot be read is an error, not "no
 * match" (a rules.d whose rules were silently skipped would fail open):
 * here a symlink loop (ELOOP), which fails for root too. */
START_TEST(test_include_unreadable_dir)
{
	mktree();
	ck_assert_int_eq(chdir(tmpdir), 0);
	ck_assert_int_eq(symlink("loop", "loop"), 0);
	free(put("m.rules", "allow\ninclude loop/*.rules\n"));
	load_bad("m.rules", "bad rule in m.rules, line 2, column 9: cannot "
			    "read directory 'loop' for 'loop/*.rules': Too "
			    "many levels of symbolic links");
	rmtree();
}
END_TEST

START_TEST(test_rules_arg)
{
	struct policy *p = policy_new();
	struct rules_error err;

	ck_assert_int_eq(rules_add_arg(p, "allow", 1, &err), 0);
	ck_assert_int_eq(rules_add_arg(p, "deny x", 2, &err), -1);
	ck_assert_str_eq(err.msg, "bad rule in -r number 2, column 6: "
				  "expected KEY=VALUE, got 'x'");
	ck_assert_int_eq(rules_add_arg(p, "  ", 3, &err), -1);
	ck_assert_str_eq(err.msg, "bad rule in -r number 3, column 1: "
				  "empty rule");
	ck_assert_int_eq(rules_add_arg(p, "include x", 4, &err), -1);
	ck_assert_str_eq(err.msg, "bad rule in -r number 4, column 1: "
				  "'include' is a line of a rules file, not a "
				  "rule");
	ck_assert_int_eq(rules_add_arg(p, "audit", 5, &err), 0);
	ck_assert_uint_eq(policy_count(p), 2);
	ck_assert_str_eq(policy_rule_origin(p, 2), "-r 5");
	policy_free(p);
}
END_TEST

/* ---- suite -------------------------------------------------------------- */

static Suite *policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc;

	tc = tcase_create("parser");
	tcase_add_loop_test(tc, test_good_rules, 0, ARRAY_SIZE(good_cases));
	tcase_add_test(tc, test_quoting);
	tcase_add_test(tc, test_flags);
	tcase_add_test(tc, test_add_text);
	suite_add_tcase(s, tc);

	tc = tcase_create("parser errors");
	tcase_add_loop_test(tc, test_bad_rules, 0, ARRAY_SIZE(bad_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("glob");
	tcase_add_loop_test(tc, test_glob, 0, ARRAY_SIZE(glob_cases));
	tcase_add_test(tc, test_glob_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("matcher");
	tcase_add_test(tc, test_first_match);
	tcase_add_test(tc, test_no_match);
	tcase_add_test(tc, test_target_literal_vs_resolved);
	tcase_add_loop_test(tc, test_target_ancestor_magic, 0,
			    ARRAY_SIZE(ancestor_cases));
	tcase_add_loop_test(tc, test_target_physical, 0,
			    ARRAY_SIZE(physical_cases));
	tcase_add_test(tc, test_null_strings);
	tcase_add_loop_test(tc, test_ranges, 0, ARRAY_SIZE(range_cases));
	tcase_add_test(tc, test_deny_all);
	tcase_add_test(tc, test_link_comm_exe);
	suite_add_tcase(s, tc);

	tc = tcase_create("user and group");
	tcase_add_loop_test(tc, test_names, 0, ARRAY_SIZE(name_cases));
	tcase_add_loop_test(tc, test_name_errors, 0,
			    ARRAY_SIZE(name_error_cases));
	tcase_add_test(tc, test_names_lookup_again);
	suite_add_tcase(s, tc);

	tc = tcase_create("home");
	tcase_add_loop_test(tc, test_home, 0, ARRAY_SIZE(home_cases));
	tcase_add_test(tc, test_home_more);
	tcase_add_test(tc, test_home_lookup);
	suite_add_tcase(s, tc);

	tc = tcase_create("when");
	tcase_add_loop_test(tc, test_when, 0, ARRAY_SIZE(when_cases));
	tcase_add_test(tc, test_when_counting);
	tcase_add_loop_test(tc, test_dotdot, 0, ARRAY_SIZE(dotdot_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("origins and printing");
	tcase_add_test(tc, test_origins);
	tcase_add_loop_test(tc, test_format, 0, ARRAY_SIZE(format_cases));
	tcase_add_test(tc, test_format_round_trip);
	suite_add_tcase(s, tc);

	tc = tcase_create("rules files");
	tcase_add_test(tc, test_include);
	tcase_add_test(tc, test_include_errors);
	tcase_add_test(tc, test_rules_seen_sources);
	tcase_add_test(tc, test_include_unreadable_dir);
	tcase_add_test(tc, test_rules_arg);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_adversarial_globs);
	tcase_add_test(tc, test_long_strings);
	tcase_add_test(tc, test_number_bounds);
	tcase_add_test(tc, test_many_rules);
	suite_add_tcase(s, tc);

	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(policy_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
