/* rulesfile.c - rules files (include lines) and -r rules. */
#include "rulesfile.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "path.h"
#include "util.h"

/* The files being read, outermost first: an include of one of them is a
 * loop. */
struct loader {
	struct policy *p;
	struct rules_error *err;
	struct rules_seen *seen; /* NULL: not recorded */
	int depth; /* 0: the file named on the command line */
	struct {
		dev_t dev;
		ino_t ino;
	} open[RULES_INCLUDE_DEPTH + 1];
};

static int fail(struct rules_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct rules_error *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* "bad rule in FILE, line L, column C: " + WHAT */
static int line_fail(struct rules_error *err, const char *file, size_t line,
		     size_t col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int line_fail(struct rules_error *err, const char *file, size_t line,
		     size_t col, const char *fmt, ...)
{
	char what[PATH_MAX + 256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return fail(err, "bad rule in %s, line %zu, column %zu: %s", file, line,
		    col, what);
}

int rules_add_arg(struct policy *p, const char *text, int n,
		  struct rules_error *err)
{
	struct policy_error pe;
	int ret = policy_add_rule(p, text, strlen(text), NULL, (size_t)n, &pe);

	if (ret == 0)
		pe = (struct policy_error){.msg = "empty rule", .pos = 0};
	if (ret <= 0)
		return fail(err, "bad rule in -r number %d, column %zu: %s", n,
			    pe.pos + 1, pe.msg);
	return 0;
}

/* The whole file, NUL-terminated (*len without it), and its identity.
 * NULL with errno set and *step = "open" or "read" on failure (EFBIG:
 * more than RULES_FILE_MAX). */
static char *slurp(const char *path, size_t *len, struct stat *st,
		   const char **step, bool regular_only)
{
	struct sbuf sb = SBUF_INIT;
	char buf[8192];
	ssize_t n;
	/* An included file must be a regular one: a FIFO a pattern matched
	 * would block the loading (opened O_NONBLOCK, then refused).  The
	 * file named on the command line may be a pipe (--rules=<(...)). */
	int fd = open(path, O_RDONLY | O_CLOEXEC |
				    (regular_only ? O_NONBLOCK : 0)), e;

	*step = "open";
	if (fd < 0)
		return NULL;
	*step = "read";
	if (fstat(fd, st) < 0)
		goto fail;
	if (regular_only && !S_ISREG(st->st_mode)) {
		errno = 0;
		*step = NULL; /* not a regular file */
		goto fail;
	}
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (sb.len + (size_t)n > RULES_FILE_MAX) {
			errno = EFBIG;
			goto fail;
		}
		sbuf_add(&sb, buf, (size_t)n);
	}
	close(fd);
	*len = sb.len;
	sbuf_addc(&sb, '\0');
	return sb.buf;
fail:
	e = errno;
	close(fd);
	sbuf_free(&sb);
	errno = e;
	return NULL;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

static int load(struct loader *L, const char *path, const char *from,
		size_t from_line, size_t from_col);

/* glob(3) reports a directory it cannot read here; a directory that
 * does not exist (or is not one) just matches nothing.  Per thread: the
 * rules are read again by the control thread (control.c) - never at the
 * same time as by the main thread, but a thread-local costs nothing. */
static __thread int glob_errno;
static __thread char glob_errpath[PATH_MAX];

/* st: what the file read was (NULL: it could not be read). */
static void seen_file(struct loader *L, const char *path,
		      const struct stat *st)
{
	struct rules_seen *s = L->seen;
	struct rules_seen_file *f;

	if (!s)
		return;
	s->files = xrealloc(s->files, (s->nfiles + 1) * sizeof(*s->files));
	f = &s->files[s->nfiles++];
	*f = (struct rules_seen_file){ .path = xstrdup(path),
				       .regular = st && S_ISREG(st->st_mode) };
	if (st) {
		f->found = true;
		f->st = *st;
	} else {
		int e = errno; /* (the caller's message needs it) */

		f->found = stat(path, &f->st) == 0;
		errno = e;
	}
}

/* full: an include pattern with a wildcard. */
static void seen_glob(struct loader *L, const char *full)
{
	struct rules_seen *s = L->seen;
	const char *slash;

	if (!s)
		return;
	slash = strrchr(full, '/');
	s->globs = xrealloc(s->globs, (s->nglobs + 1) * sizeof(*s->globs));
	s->globs[s->nglobs] = (struct rules_seen_glob){
		.dir = slash ? xstrndup(full, slash == full ? 1
						       : (size_t)(slash - full))
			     : xstrdup("."),
		.pattern = xstrdup(slash ? slash + 1 : full) };
	s->globs[s->nglobs].found =
		stat(s->globs[s->nglobs].dir, &s->globs[s->nglobs].st) == 0;
	s->nglobs++;
}

static bool same_stat(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	       a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	       a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

bool rules_seen_changed(const struct rules_seen *s)
{
	struct stat st;

	for (size_t i = 0; i < s->nfiles; i++) {
		bool there = stat(s->files[i].path, &st) == 0;

		if (there != s->files[i].found ||
		    (there && !same_stat(&st, &s->files[i].st)))
			return true;
	}
	for (size_t i = 0; i < s->nglobs; i++) {
		bool there = stat(s->globs[i].dir, &st) == 0;

		if (there != s->globs[i].found ||
		    (there && !same_stat(&st, &s->globs[i].st)))
			return true;
	}
	return false;
}

void rules_seen_free(struct rules_seen *s)
{
	for (size_t i = 0; i < s->nfiles; i++)
		free(s->files[i].path);
	for (size_t i = 0; i < s->nglobs; i++) {
		free(s->globs[i].dir);
		free(s->globs[i].pattern);
	}
	free(s->files);
	free(s->globs);
	*s = (struct rules_seen){ NULL, 0, NULL, 0 };
}

static int glob_error(const char *epath, int eerrno)
{
	if (eerrno == ENOENT || eerrno == ENOTDIR)
		return 0;
	glob_errno = eerrno;
	snprintf(glob_errpath, sizeof(glob_errpath), "%s", epath);
	return 1;
}

/* "include PATTERN" at column col of line `line` of file. */
static int include(struct loader *L, const char *file, size_t line, size_t col,
		   const char *pattern)
{
	_cleanup_free_ char *full = NULL;
	glob_t g;
	int ret;

	if (L->depth > RULES_INCLUDE_DEPTH)
		return line_fail(L->err, file, line, col,
				 "includes nested more than %d deep",
				 RULES_INCLUDE_DEPTH);
	if (pattern[0] == '/' || !strchr(file, '/')) {
		full = xstrdup(pattern);
	} else {
		_cleanup_free_ char *dir = path_dirname(file);
		size_t n = strlen(dir);

		full = xasprintf("%s%s%s", dir, dir[n - 1] == '/' ? "" : "/",
				 pattern);
	}
	if (!strpbrk(pattern, "*?["))
		return load(L, full, file, line, col);

	seen_glob(L, full);
	memset(&g, 0, sizeof(g));
	glob_errno = 0;
	/* Not GLOB_ERR: it would make a missing directory an error too;
	 * glob_error() stops at the others. */
	ret = glob(full, 0, glob_error, &g);
	if (ret == GLOB_NOMATCH) {
		globfree(&g);
		return 0;
	}
	if (ret != 0) {
		globfree(&g);
		if (ret == GLOB_ABORTED && glob_errno)
			return line_fail(L->err, file, line, col,
					 "cannot read directory '%s' for "
					 "'%s': %s",
					 glob_errpath, full,
					 strerror(glob_errno));
		return line_fail(L->err, file, line, col, "cannot expand '%s'",
				 full);
	}
	/* glob() sorts its matches (strcoll; symtrace keeps the C locale,
	 * so byte order). */
	for (size_t i = 0; i < g.gl_pathc; i++)
		if (load(L, g.gl_pathv[i], file, line, col) < 0) {
			globfree(&g);
			return -1;
		}
	globfree(&g);
	return 0;
}

/* An include line?  s[0..n) is a line; *pat is set to the malloc'd
 * pattern and *col to its column.  1 when it is one, 0 when not, -1 on
 * a malformed one (err filled). */
static int include_line(struct loader *L, const char *file, size_t line,
			const char *s, size_t n, char **pat, size_t *col)
{
	size_t i = 0, vs, vn;

	while (i < n && is_blank(s[i]))
		i++;
	if (n - i < 7 || memcmp(s + i, "include", 7) != 0 ||
	    (n - i > 7 && !is_blank(s[i + 7])))
		return 0;
	i += 7;
	while (i < n && is_blank(s[i]))
		i++;
	*col = i + 1;
	if (i == n || s[i] == '#')
		return line_fail(L->err, file, line, i + 1,
				 "expected a file or pattern after 'include'");
	if (s[i] == '"' || s[i] == '\'') {
		char q = s[i++];

		vs = i;
		while (i < n && s[i] != q)
			i++;
		if (i == n)
			return line_fail(L->err, file, line, vs,
					 "unterminated quote");
		vn = i++ - vs;
	} else {
		vs = i;
		while (i < n && !is_blank(s[i]))
			i++;
		vn = i - vs;
	}
	while (i < n && is_blank(s[i]))
		i++;
	if (i < n && s[i] != '#')
		return line_fail(L->err, file, line, i + 1,
				 "expected one file or pattern after "
				 "'include'");
	if (vn == 0)
		return line_fail(L->err, file, line, *col,
				 "expected a file or pattern after 'include'");
	if (memchr(s + vs, '\0', vn))
		return line_fail(L->err, file, line, *col,
				 "NUL byte in a rule");
	*pat = xstrndup(s + vs, vn);
	return 1;
}

/* Read the file at path (from: the file and place that include it, or
 * NULL for the one named on the command line). */
static int load(struct loader *L, const char *path, const char *from,
		size_t from_line, size_t from_col)
{
	_cleanup_free_ char *text = NULL;
	struct stat st;
	size_t len, lineno = 0;
	const char *s, *end, *step;

	text = slurp(path, &len, &st, &step, from != NULL);
	seen_file(L, path, text ? &st : NULL);
	if (!text && !from)
		return fail(L->err, "cannot %s rules file '%s': %s", step, path,
			    strerror(errno));
	if (!text && !step)
		return line_fail(L->err, from, from_line, from_col,
				 "included file '%s' is not a regular file",
				 path);
	if (!text)
		return line_fail(L->err, from, from_line, from_col,
				 "cannot %s included file '%s': %s", step, path,
				 strerror(errno));
	for (int i = 0; i < L->depth; i++)
		if (L->open[i].dev == st.st_dev && L->open[i].ino == st.st_ino)
			return line_fail(L->err, from, from_line, from_col,
					 "include loop: '%s' is being read "
					 "already",
					 path);
	L->open[L->depth].dev = st.st_dev;
	L->open[L->depth].ino = st.st_ino;
	L->depth++;

	for (s = text, end = text + len; s < end;) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		_cleanup_free_ char *pat = NULL;
		struct policy_error pe;
		size_t col = 0;
		int ret;

		lineno++;
		ret = include_line(L, path, lineno, s, n, &pat, &col);
		if (ret > 0)
			ret = include(L, path, lineno, col, pat);
		else if (ret == 0 &&
			 policy_add_rule(L->p, s, n, path, lineno, &pe) < 0)
			ret = line_fail(L->err, path, lineno, pe.pos + 1, "%s",
					pe.msg);
		if (ret < 0)
			return -1;
		s += n + (nl ? 1 : 0);
	}
	L->depth--;
	return 0;
}

int rules_load_file(struct policy *p, const char *path, struct rules_error *err)
{
	return rules_load_file_seen(p, path, NULL, err);
}

int rules_load_file_seen(struct policy *p, const char *path,
			 struct rules_seen *seen, struct rules_error *err)
{
	struct loader L = {.p = p, .err = err, .seen = seen, .depth = 0};
	size_t old = policy_count(p);

	if (load(&L, path, NULL, 0, 0) < 0) {
		policy_truncate(p, old); /* all or nothing */
		return -1;
	}
	return 0;
}

int rules_sources_add(struct rules_sources *s, struct policy *p,
		      const char *arg, bool file, struct rules_seen *seen,
		      struct rules_error *err)
{
	int n = file ? 0 : ++s->nargs;

	s->v = xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
	s->v[s->n++] = (struct rules_source){ .arg = xstrdup(arg), .n = n };
	return file ? rules_load_file_seen(p, arg, seen, err)
		    : rules_add_arg(p, arg, n, err);
}

int rules_sources_load(const struct rules_sources *s, struct policy *p,
		       struct rules_seen *seen, struct rules_error *err)
{
	for (size_t i = 0; i < s->n; i++)
		if ((s->v[i].n ? rules_add_arg(p, s->v[i].arg, s->v[i].n, err)
			       : rules_load_file_seen(p, s->v[i].arg, seen,
						      err)) < 0)
			return -1;
	if (s->deny_errno)
		policy_add_deny_all(p, s->deny_errno);
	return 0;
}

void rules_sources_free(struct rules_sources *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].arg);
	free(s->v);
	*s = (struct rules_sources){ NULL, 0, 0, 0 };
}
