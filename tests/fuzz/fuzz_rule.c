/* fuzz_rule.c - libFuzzer target: the rule parser and matcher (policy.h).
 *
 * The input, cut at its first NUL, is parsed twice: whole as a rules file
 * (policy_add_text) and line by line as single rules (policy_add).  Both
 * policies are matched against a few fixed inputs and one made of the fuzz
 * input itself.  Checked on top of ASan/UBSan (leaks included):
 *   - errors: a message, a position inside the text, a line number inside
 *     the file; policy_add_text is all or nothing;
 *   - the two ways of parsing agree: the file parses iff every non-empty
 *     line does, with the same rule count and the same verdicts;
 *   - a rule that parses starts with an action word;
 *   - verdicts are well formed: rule 0 iff no rule matched, rule number
 *     within the policy, errno 1-4095 for deny and 0 otherwise. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "policy.h"

static void check_error(const struct policy_error *err, size_t textlen)
{
	size_t n = strnlen(err->msg, sizeof(err->msg));

	FUZZ_CHECK(n > 0 && n < sizeof(err->msg));
	FUZZ_CHECK(err->pos <= textlen);
}

static void check_verdict(const struct policy *p, struct verdict v)
{
	FUZZ_CHECK((v.rule == 0) == (v.action == ACT_NONE));
	FUZZ_CHECK(v.rule >= 0 && (size_t)v.rule <= policy_count(p));
	if (v.action == ACT_DENY)
		FUZZ_CHECK(v.err >= 1 && v.err <= 4095);
	else
		FUZZ_CHECK(v.err == 0);
}

/* A rule that parsed starts with a valid action word. */
static void check_action_word(const char *line)
{
	static const char blanks[] = " \t\n\r\v\f";
	size_t i = strspn(line, blanks), n = strcspn(line + i, blanks);
	const char *w = line + i;

	FUZZ_CHECK((n == 5 && !memcmp(w, "allow", 5)) ||
		   (n == 4 && !memcmp(w, "deny", 4)) ||
		   (n > 5 && !memcmp(w, "deny:", 5)) ||
		   (n == 4 && !memcmp(w, "kill", 4)) ||
		   (n == 5 && !memcmp(w, "audit", 5)));
}

/* Parse text line by line with policy_add.  Returns the policy, or NULL
 * when a non-empty line does not parse. */
static struct policy *add_lines(const char *text)
{
	struct policy *p = policy_new();
	const char *s = text;

	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		char *line = strndup(s, n);
		struct policy_error err;
		size_t before = policy_count(p);

		FUZZ_CHECK(line);
		memset(&err, 0, sizeof(err));
		if (policy_add(p, line, &err) == 0) {
			FUZZ_CHECK(policy_count(p) == before + 1);
			check_action_word(line);
		} else {
			check_error(&err, n);
			FUZZ_CHECK(policy_count(p) == before);
			if (strcmp(err.msg, "empty rule") != 0) {
				free(line);
				policy_free(p);
				return NULL;
			}
		}
		free(line);
		s += n;
		if (*s == '\n')
			s++;
	}
	return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct policy *p, *q;
	struct policy_error err;
	size_t line = 0, nlines = 1, len;
	int ret;

	FUZZ_CHECK(text);
	memcpy(text, data, size);
	text[size] = '\0';
	len = strlen(text);
	for (size_t i = 0; i < len; i++)
		nlines += text[i] == '\n';

	/* policy_add_text, onto a policy that has a rule already, so that
	 * "all or nothing" is visible. */
	p = policy_new();
	FUZZ_CHECK(policy_add(p, "audit comm=fuzz", NULL) == 0);
	memset(&err, 0, sizeof(err));
	ret = policy_add_text(p, "fuzz", text, &line, &err);
	if (ret < 0) {
		FUZZ_CHECK(policy_count(p) == 1);
		FUZZ_CHECK(line >= 1 && line <= nlines);
		check_error(&err, len);
	} else {
		FUZZ_CHECK(ret == 0);
	}
	/* NULL line and err must be accepted too, with the same outcome. */
	q = policy_new();
	FUZZ_CHECK(policy_add_text(q, "fuzz", text, NULL, NULL) == ret);
	policy_free(q);

	q = add_lines(text);
	FUZZ_CHECK((ret == 0) == (q != NULL));

	const struct policy_input inputs[] = {
		{
			.target = "/etc/passwd",
			.target_resolved = "/etc/passwd",
			.link = "/tmp/x",
			.comm = "sh",
			.exe = "/bin/sh",
			.euid = 1000,
			.ruid = 1000,
			.egid = 1000,
		},
		{
			.target = "../etc/shadow",
			.target_resolved = "/etc/shadow",
			.link = "/home/u/l",
			.comm = "evil",
			.exe = "/usr/bin/evil",
			.euid = 0,
			.ruid = 1000,
			.egid = 0,
		},
		{
			.target = "/etc",
			.target_resolved = "/etc",
			.link = "/etc/x",
			.comm = "a b",
			.exe = NULL,
			.euid = 4294967294u,
			.ruid = 65534,
			.egid = 4294967295u,
		},
		{
			.target = NULL,
			.target_resolved = NULL,
			.link = NULL,
			.comm = NULL,
			.exe = NULL,
		},
		{
			.target = "\xff\xfe/\x01*?[",
			.target_resolved = "/\xff\xfe/\x01*?[",
			.link = "//a/./b/../c",
			.comm = "",
			.exe = "",
			.euid = 1,
			.ruid = 1,
			.egid = 1,
		},
		{
			/* The fuzz input itself. */
			.target = text,
			.target_resolved = text,
			.link = text,
			.comm = text,
			.exe = text,
			.euid = (uid_t)len,
			.ruid = 0,
			.egid = (gid_t)len,
		},
	};

	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		struct verdict vp = policy_match(p, &inputs[i]);

		check_verdict(p, vp);
		if (q) {
			struct verdict vq = policy_match(q, &inputs[i]);

			check_verdict(q, vq);
			/* p has the extra first rule "audit comm=fuzz". */
			if (vp.rule == 1) {
				FUZZ_CHECK(vp.action == ACT_AUDIT);
			} else {
				FUZZ_CHECK(vq.action == vp.action);
				FUZZ_CHECK(vq.err == vp.err);
				FUZZ_CHECK(vq.rule ==
					   (vp.rule ? vp.rule - 1 : 0));
			}
		}
	}
	if (q) {
		FUZZ_CHECK(policy_count(q) + 1 == policy_count(p));
		FUZZ_CHECK(policy_can_deny(q) == policy_can_deny(p));
		FUZZ_CHECK(policy_judges_moves(q) == policy_judges_moves(p));
		FUZZ_CHECK(policy_needs_exe(q) == policy_needs_exe(p));
	}
	/* NULL policy: nothing matches. */
	FUZZ_CHECK(policy_match(NULL, &inputs[0]).action == ACT_NONE);

	policy_free(q);
	policy_free(p);
	free(text);
	return 0;
}
