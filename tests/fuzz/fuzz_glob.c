/* fuzz_glob.c - libFuzzer target: glob_match (policy.h).
 *
 * The input is split into pattern and string at its first NUL (or in half
 * when there is none).  glob_match is compared with a reference written
 * here from the grammar in policy.h: the pattern is cut into the same
 * tokens, then matched by dynamic programming over (token, byte) pairs,
 * which is slow but obviously right.  Also checked: a pattern made of the
 * string with every byte escaped matches that string; "**" matches
 * everything; "*" matches exactly the strings without '/'.
 *
 * Keep inputs to 4096 bytes (-max_len=4096): the reference is quadratic. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "policy.h"

FUZZ_CHECKERS_BEGIN

enum { R_LIT, R_ANY, R_CLASS, R_STAR, R_DSTAR };

struct rtok {
	int type;
	unsigned char c;
	bool skip, tail;
	unsigned char set[256]; /* R_CLASS: 1 for each member byte */
};

/* '[' at p[i]: fill t->set, return the index after ']', 0 if no ']'. */
static size_t ref_class(const char *p, size_t n, size_t i, struct rtok *t)
{
	size_t j = i + 1;
	bool neg = false;

	memset(t->set, 0, sizeof(t->set));
	if (j < n && (p[j] == '!' || p[j] == '^')) {
		neg = true;
		j++;
	}
	/* A ']' right after '[' (or "[!") is a member. */
	for (bool first = true; j < n; first = false) {
		int lo, hi;

		if (p[j] == ']' && !first)
			break;
		if (p[j] == '\\' && j + 1 < n)
			j++;
		lo = hi = (unsigned char)p[j++];
		if (j + 1 < n && p[j] == '-' && p[j + 1] != ']') {
			j++;
			if (p[j] == '\\' && j + 1 < n)
				j++;
			hi = (unsigned char)p[j++];
		}
		for (int b = lo; b <= hi; b++)
			t->set[b] = 1;
	}
	if (j >= n)
		return 0;
	for (int b = 0; b < 256; b++)
		t->set[b] = (unsigned char)(t->set[b] ^ neg);
	t->set['/'] = 0;
	return j + 1;
}

static struct rtok *ref_compile(const char *p, size_t *ntok)
{
	size_t n = strlen(p), i = 0, m = 0;
	struct rtok *t = calloc(n + 1, sizeof(*t));

	FUZZ_CHECK(t);
	while (i < n) {
		struct rtok *k = &t[m++];
		size_t end;

		if (p[i] == '\\') {
			k->type = R_LIT;
			k->c = (unsigned char)(i + 1 < n ? p[i + 1] : '\\');
			i += i + 1 < n ? 2 : 1;
		} else if (p[i] == '?') {
			k->type = R_ANY;
			i++;
		} else if (p[i] == '*') {
			for (end = i; end < n && p[end] == '*'; end++)
				;
			k->type = end - i == 1 ? R_STAR : R_DSTAR;
			i = end;
		} else if (p[i] == '[' && (end = ref_class(p, n, i, k))) {
			k->type = R_CLASS;
			i = end;
		} else {
			k->type = R_LIT;
			k->c = (unsigned char)p[i++];
		}
	}
	for (size_t k = 0; k < m; k++) {
		bool slash_before =
			k == 0 || (t[k - 1].type == R_LIT && t[k - 1].c == '/');
		bool slash_after = k + 1 < m && t[k + 1].type == R_LIT &&
				   t[k + 1].c == '/';

		if (t[k].type != R_DSTAR)
			continue;
		t[k].skip = slash_before && slash_after;
		if (k == m - 1 && k >= 2 && slash_before)
			t[k - 1].tail = true;
	}
	*ntok = m;
	return t;
}

/* M[i][j]: tokens i.. match s[j..].  A '*' or '**' that has consumed at
 * least one byte (L) may no longer skip the '/' after it.  Computed from
 * the end of the string back, one column of j at a time. */
static bool ref_match(const char *pattern, const char *s)
{
	size_t m, len = strlen(s);
	struct rtok *t = ref_compile(pattern, &m);
	bool *mcur = calloc(m + 2, 1), *mnext = calloc(m + 2, 1);
	bool *lcur = calloc(m + 2, 1), *lnext = calloc(m + 2, 1);
	bool ok;

	FUZZ_CHECK(mcur && mnext && lcur && lnext);
	for (size_t jj = len + 1; jj-- > 0;) {
		bool end = jj == len;
		unsigned char c = end ? 0 : (unsigned char)s[jj];
		bool *tmp;

		for (size_t ii = m + 1; ii-- > 0;) {
			const struct rtok *k = &t[ii];
			bool r = false;

			if (ii == m) {
				mcur[ii] = end;
				continue;
			}
			switch (k->type) {
			case R_LIT:
				r = !end && c == k->c && mnext[ii + 1];
				break;
			case R_ANY:
				r = !end && c != '/' && mnext[ii + 1];
				break;
			case R_CLASS:
				r = !end && k->set[c] && mnext[ii + 1];
				break;
			case R_STAR:
				lcur[ii] = mcur[ii + 1] ||
					   (!end && c != '/' && lnext[ii]);
				r = lcur[ii];
				break;
			case R_DSTAR:
				lcur[ii] = mcur[ii + 1] || (!end && lnext[ii]);
				r = lcur[ii] || (k->skip && mcur[ii + 2]);
				break;
			default:
				abort();
			}
			if (k->tail && end)
				r = true;
			mcur[ii] = r;
		}
		tmp = mcur;
		mcur = mnext;
		mnext = tmp;
		tmp = lcur;
		lcur = lnext;
		lnext = tmp;
	}
	ok = mnext[0];
	free(mcur);
	free(mnext);
	free(lcur);
	free(lnext);
	free(t);
	return ok;
}

FUZZ_CHECKERS_END

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t plen = nul ? (size_t)(nul - data) : size / 2;
	size_t soff = nul ? plen + 1 : plen;
	char *pattern = strndup((const char *)data, plen);
	char *s = malloc(size - soff + 1);
	char *esc;
	size_t slen;
	bool got, want;

	FUZZ_CHECK(pattern && s);
	memcpy(s, data + soff, size - soff);
	s[size - soff] = '\0';
	slen = strlen(s);

	got = glob_match(pattern, s);
	want = ref_match(pattern, s);
	if (got != want) {
		fprintf(stderr, "glob_match(\"%s\", \"%s\") = %d, want %d\n",
			pattern, s, got, want);
		abort();
	}

	/* Every byte escaped: a literal pattern for s. */
	esc = malloc(2 * slen + 1);
	FUZZ_CHECK(esc);
	for (size_t i = 0; i < slen; i++) {
		esc[2 * i] = '\\';
		esc[2 * i + 1] = s[i];
	}
	esc[2 * slen] = '\0';
	FUZZ_CHECK(glob_match(esc, s));
	free(esc);

	FUZZ_CHECK(glob_match("**", s));
	FUZZ_CHECK(glob_match("*", s) == (strchr(s, '/') == NULL));
	FUZZ_CHECK(!glob_match(NULL, s) && !glob_match(pattern, NULL));

	free(pattern);
	free(s);
	return 0;
}
