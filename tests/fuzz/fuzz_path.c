/* fuzz_path.c - libFuzzer target: path_resolve_lexical and path_dirname
 * (policy.h).
 *
 * The input is split into base and path at its first NUL (or in half when
 * there is none).  Checked for every result:
 *   - NULL exactly when path is relative and base is not absolute;
 *   - absolute, no "//", no "/./", no "/../" (nor a final "/." or "/.."),
 *     no trailing '/' unless it is "/";
 *   - idempotent: resolving it again (with any base) gives it back;
 *   - resolving a relative path against base is resolving base/path;
 *   - path_dirname of it is its parent: a normalized path that, with '/'
 *     and the last component, gives the result back.
 * path_dirname of the raw input must be "." or a prefix of it. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "path.h"
#include "policy.h"

FUZZ_CHECKERS_BEGIN

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

static void check_normal(const char *r)
{
	size_t n = strlen(r);

	FUZZ_CHECK(r[0] == '/');
	FUZZ_CHECK(!strstr(r, "//"));
	FUZZ_CHECK(!strstr(r, "/./") && !ends_with(r, "/."));
	FUZZ_CHECK(!strstr(r, "/../") && !ends_with(r, "/.."));
	FUZZ_CHECK(n == 1 || r[n - 1] != '/');
}

static void check_resolved(const char *r, const char *base)
{
	char *again;

	check_normal(r);
	again = path_resolve_lexical(NULL, r);
	FUZZ_CHECK(again && strcmp(again, r) == 0);
	free(again);
	again = path_resolve_lexical(base, r);
	FUZZ_CHECK(again && strcmp(again, r) == 0);
	free(again);
}

static void check_dirname_of_normal(const char *r)
{
	char *d = path_dirname(r);
	size_t dn, rn = strlen(r);

	FUZZ_CHECK(d);
	dn = strlen(d);
	check_normal(d);
	if (strcmp(r, "/") == 0) {
		FUZZ_CHECK(strcmp(d, "/") == 0);
	} else {
		/* r = d + "/" + last, or "/" + last when d is "/". */
		size_t cut = dn == 1 ? 0 : dn;

		FUZZ_CHECK(dn < rn);
		FUZZ_CHECK(memcmp(r, d, dn) == 0);
		FUZZ_CHECK(r[cut] == '/');
		FUZZ_CHECK(cut + 1 < rn && !strchr(r + cut + 1, '/'));
	}
	free(d);
}

FUZZ_CHECKERS_END

static void resolve_and_check(const char *base, const char *path)
{
	bool want_null = path[0] != '/' && (!base || base[0] != '/');
	char *r = path_resolve_lexical(base, path);

	FUZZ_CHECK((r == NULL) == want_null);
	if (!r)
		return;
	check_resolved(r, base);
	check_dirname_of_normal(r);
	if (path[0] != '/') {
		size_t bn = strlen(base), pn = strlen(path);
		char *joined = malloc(bn + pn + 2);
		char *rj;

		FUZZ_CHECK(joined);
		memcpy(joined, base, bn);
		joined[bn] = '/';
		memcpy(joined + bn + 1, path, pn + 1);
		rj = path_resolve_lexical(NULL, joined);
		FUZZ_CHECK(rj && strcmp(rj, r) == 0);
		free(rj);
		free(joined);
	}
	free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t blen = nul ? (size_t)(nul - data) : size / 2;
	size_t poff = nul ? blen + 1 : blen;
	char *base = strndup((const char *)data, blen);
	char *path = malloc(size - poff + 1);
	char *d;

	FUZZ_CHECK(base && path);
	memcpy(path, data + poff, size - poff);
	path[size - poff] = '\0';

	resolve_and_check(base, path);
	resolve_and_check(NULL, path);
	resolve_and_check("/", path);
	resolve_and_check(path, base);
	FUZZ_CHECK(path_resolve_lexical(base, NULL) == NULL);

	/* path_dirname on raw bytes: "." or a prefix. */
	d = path_dirname(path);
	FUZZ_CHECK(d);
	FUZZ_CHECK(strcmp(d, ".") == 0 || strncmp(d, path, strlen(d)) == 0);
	if (path[0] == '/')
		FUZZ_CHECK(d[0] == '/');
	free(d);
	FUZZ_CHECK(path_dirname(NULL) == NULL);

	free(base);
	free(path);
	return 0;
}
