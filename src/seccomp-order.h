/* seccomp-order.h - the order of a call's seccomp stop and syscall-entry
 * stop on the running kernel (stop.h: enum seccomp_order), found once,
 * the way strace's check_seccomp_order() finds it: a throwaway child
 * under a filter that traces one call, followed stop by stop. */
#ifndef SYMTRACE_SECCOMP_ORDER_H
#define SYMTRACE_SECCOMP_ORDER_H

#include "stop.h"

struct seccomp_order_probe {
	enum seccomp_order order; /* SECCOMP_ORDER_UNKNOWN: it failed */
	/* Why it failed ("cannot install a seccomp filter: Invalid
	 * argument", "unexpected stop 2 (status 0x57f)"); NULL if not. */
	const char *failed;
	bool forced;    /* from SYMTRACE_SECCOMP_ORDER, nothing run */
	long long usec; /* what it cost (fork to reaping), microseconds */
};

/* The probe's result: run at the first call, the same afterwards.
 * SYMTRACE_SECCOMP_ORDER=old|new|unknown in the environment forces the
 * answer without running anything (tests only: "unknown" exercises the
 * fallback; forcing an order the kernel does not have misreads stops). */
const struct seccomp_order_probe *seccomp_order_probe(void);

/* seccomp_order_probe()->order. */
enum seccomp_order detect_seccomp_order(void);

#endif
