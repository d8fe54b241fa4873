/* sidedoor.h - the argument tests of the side doors deny mode closes.
 *
 * One table, read both by the BPF generator (seccomp.c: the prefilter
 * traces a call only when its arguments pass the tests) and by the check
 * at the stop (judge.c side_door(): a traced call that passes them is refused),
 * so that the two cannot drift apart.  Arguments are compared on their
 * low 32 bits: the kernel takes these as unsigned int or int (or fails
 * unknown high bits), and a 32-bit ABI may leave junk in the upper half;
 * a test on all 64 bits could be passed by setting the high word (it was:
 * seccomp's op).  Pure: no ptrace, no system call. */
#ifndef SYMTRACE_SIDEDOOR_H
#define SYMTRACE_SIDEDOOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch.h"

enum door_op {
	DOOR_SET, /* (uint32_t)args[arg] & k */
	DOOR_EQ,  /* (uint32_t)args[arg] == k */
};

struct door_test {
	uint8_t arg;    /* 0..5 */
	uint8_t op;     /* enum door_op */
	uint32_t k;
	uint32_t watch; /* DOOR_SET: bits that make the call traced but not
	                 * refused (deny mode learns from it: a new user
	                 * namespace changes the caller's credentials) */
};

#define DOOR_MAX_TESTS 2

struct door {
	enum sysc sc;
	bool all;       /* every test must hold (else any one) */
	uint8_t ntests; /* 0: every call of sc goes through the door */
	struct door_test tests[DOOR_MAX_TESTS];
	int err;        /* what a refused call returns (errno) */
};

extern const struct door doors[];
extern const size_t ndoors;

/* The door of sc, or NULL. */
const struct door *door_find(enum sysc sc);

/* Would a call with these arguments go through the door (and must be
 * refused)? */
bool door_open(const struct door *d, const uint64_t args[6]);
/* Does the prefilter trace it (the door open, or a watched bit set)? */
bool door_traced(const struct door *d, const uint64_t args[6]);

#endif
