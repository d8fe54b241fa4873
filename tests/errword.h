/* errword.h - the name of an errno value for the test helpers' result
 * lines ("EPERM"), without glibc's strerrorname_np() (2.32), which musl
 * (the static build's libc) lacks.  The values the tests look for; any
 * other as "errno N". */
#ifndef SYMTRACE_TESTS_ERRWORD_H
#define SYMTRACE_TESTS_ERRWORD_H

#include <errno.h>
#include <stdio.h>

static inline const char *errword(int e)
{
	static char other[32];

	switch (e) {
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case ENOSYS: return "ENOSYS";
	case EEXIST: return "EEXIST";
	case ENOENT: return "ENOENT";
	case EXDEV: return "EXDEV";
	default:
		snprintf(other, sizeof(other), "errno %d", e);
		return other;
	}
}

#endif
