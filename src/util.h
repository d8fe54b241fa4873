/* util.h - error reporters, allocation helpers, growable strings.
 *
 * Only main.c decides to exit; die() exists for the cases where no caller
 * could do anything sensible (allocation failure) and for main.c itself. */
#ifndef SYMTRACE_UTIL_H
#define SYMTRACE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Exit codes of symtrace itself (the traced command's own status is passed
 * through otherwise).  Same convention as env(1), timeout(1), nice(1). */
#define EXIT_SYMTRACE_FAILURE 125 /* bad usage, bad rule, ptrace failed */
#define EXIT_CANNOT_EXEC 126      /* COMMAND found but not executable */
#define EXIT_NOT_FOUND 127        /* COMMAND not found */

extern const char *progname;

void die(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
void die_errno(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warn_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void *xmalloc(size_t n) __attribute__((malloc));
void *xcalloc(size_t n, size_t size) __attribute__((malloc));
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s) __attribute__((malloc));
char *xstrndup(const char *s, size_t n) __attribute__((malloc));
char *xasprintf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), malloc));

/* Read at most size - 1 bytes of the file at path into buf (a /proc
 * file: one read), NUL-terminated.  The length, or -errno. */
ssize_t read_small_file(const char *path, char *buf, size_t size);

/* Parse a whole decimal number in [min, max]; 0 on success, -1 otherwise. */
int parse_ll(const char *s, long long min, long long max, long long *out);

/* A growable byte string, always NUL-terminated (buf may be NULL while
 * len == 0 and cap == 0). */
struct sbuf {
	char *buf;
	size_t len;
	size_t cap;
};
#define SBUF_INIT { NULL, 0, 0 }

void sbuf_grow(struct sbuf *sb, size_t extra);
void sbuf_add(struct sbuf *sb, const void *data, size_t n);
void sbuf_addc(struct sbuf *sb, char c);
void sbuf_adds(struct sbuf *sb, const char *s);
void sbuf_addf(struct sbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sbuf_reset(struct sbuf *sb); /* len = 0, keeps memory */
void sbuf_free(struct sbuf *sb);
/* The contents as a C string ("" when empty). */
const char *sbuf_str(const struct sbuf *sb);

static inline void freep(void *p)
{
	extern void free(void *);
	free(*(void **)p);
}
#define _cleanup_free_ __attribute__((cleanup(freep)))

#endif
