/*
 * helperlib.h - what the attack helpers (tests/attack.c, tests/redteam.c)
 * share: errno names for their result lines, the one way they die, and the
 * raw symlinkat they race with.  Test code only; not part of symtrace.
 */
#ifndef SYMTRACE_TESTS_HELPERLIB_H
#define SYMTRACE_TESTS_HELPERLIB_H

#include <stdbool.h>

/* "EPERM", "EACCES", ... for the errnos the tests expect, else "errno N"
 * (a static buffer). */
const char *ename(int e);

/* "PROGRAM: WHAT: strerror(errno)" on stderr, exit 2. */
__attribute__((noreturn)) void die(const char *what);

/* The raw symlinkat(2) (no libc wrapper in between). */
long link_at(const char *target, int dirfd, const char *link);

/* Is there anything (a symlink not followed) at NAME in DIRFD? */
bool exists_at(int dirfd, const char *name);

/* End a result line: " in=0" or " in=1" (whether the link got in). */
void in_line(bool in);

/* CLOCK_MONOTONIC in seconds. */
double now(void);

#endif
