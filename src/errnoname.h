/* errnoname.h - errno and signal numbers <-> symbolic names. */
#ifndef SYMTRACE_ERRNONAME_H
#define SYMTRACE_ERRNONAME_H

/* "EPERM" for 1; NULL for numbers with no name. */
const char *errno_name(int err);
/* 1 for "EPERM" (case-insensitive); -1 for an unknown name.  Numbers are
 * not accepted here: callers parse those themselves. */
int errno_parse(const char *name);
/* The largest errno with a name. */
int errno_max(void);
/* "KILL" for SIGKILL (the name without "SIG", as glibc's sigabbrev_np,
 * which musl and older glibc lack); NULL for real-time and unknown
 * signals. */
const char *signal_abbrev(int sig);

#endif
