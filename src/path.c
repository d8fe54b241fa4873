/* path.c - path strings: lexical resolution, dirname, split, join.
 * Pure: no file system, no /proc - what a path means on disk is
 * resolve.c's business; these only rewrite strings. */
#include "path.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

char *path_split(const char *path, const char **last)
{
	size_t end = strlen(path), start;

	while (end > 0 && path[end - 1] == '/')
		end--;
	if (end == 0) {
		/* "" or slashes only: no directory part. */
		*last = path;
		return xstrdup("");
	}
	start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	*last = path + start;
	return xstrndup(path, start);
}

char *path_join(const char *dir, const char *last)
{
	size_t n = strlen(last);

	while (n > 0 && last[n - 1] == '/')
		n--;
	if (!*dir)
		return xstrndup(last, n);
	if (n == 0)
		return xstrdup(dir); /* "" or slashes only: the directory */
	if (strcmp(dir, "/") == 0)
		return xasprintf("/%.*s", (int)n, last);
	return xasprintf("%s/%.*s", dir, (int)n, last);
}

/* Append the components of path to out (len *o), applying "." and "..";
 * out is "" for "/" and never ends in '/'. */
static void resolve_into(char *out, size_t *o, const char *path)
{
	const char *s = path;

	while (*s) {
		const char *c;
		size_t n;

		while (*s == '/')
			s++;
		c = s;
		while (*s && *s != '/')
			s++;
		n = (size_t)(s - c);
		if (n == 0 || (n == 1 && c[0] == '.'))
			continue;
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			/* ".." at "/" stays at "/". */
			while (*o > 0 && out[*o - 1] != '/')
				(*o)--;
			if (*o > 0)
				(*o)--;
			continue;
		}
		out[(*o)++] = '/';
		memcpy(out + *o, c, n);
		*o += n;
	}
	out[*o] = '\0';
}

char *path_resolve_lexical(const char *base, const char *path)
{
	size_t o = 0, need;
	char *out;

	if (!path)
		return NULL;
	if (path[0] != '/' && (!base || base[0] != '/'))
		return NULL;
	/* Each component gains at most one '/': the result is never longer
	 * than base + '/' + path. */
	need = strlen(path) + 2 + (path[0] != '/' ? strlen(base) : 0);
	out = xmalloc(need);
	out[0] = '\0';
	if (path[0] != '/')
		resolve_into(out, &o, base);
	resolve_into(out, &o, path);
	if (o == 0) {
		out[0] = '/';
		out[1] = '\0';
	}
	return out;
}

char *path_dirname(const char *path)
{
	size_t n;

	if (!path)
		return NULL;
	n = strlen(path);
	while (n > 1 && path[n - 1] == '/') /* "/a/b/" -> "/a/b" */
		n--;
	while (n > 0 && path[n - 1] != '/') /* drop the last component */
		n--;
	if (n == 0)
		return xstrdup(".");	    /* relative, no '/': the cwd */
	while (n > 1 && path[n - 1] == '/') /* "/a//b" -> "/a" */
		n--;
	return xstrndup(path, n);
}

char *path_resolve_target(const char *link, const char *target)
{
	char *dir = path_dirname(link);
	char *res = path_resolve_lexical(dir, target);

	free(dir);
	return res;
}
