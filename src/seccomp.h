/* seccomp.h - the BPF prefilter: build (pure) and install.
 *
 * The filter returns SECCOMP_RET_TRACE for the calls symtrace must see, on
 * every ABI of arch_abis[], and for any unknown seccomp_data.arch (fail
 * closed); SECCOMP_RET_ALLOW for everything else. */
#ifndef SYMTRACE_SECCOMP_H
#define SYMTRACE_SECCOMP_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>

#include "arch.h"

/* Which calls to trace: bit (1u << SC_xxx) for each enum sysc.  A call
 * with a side door (sidedoor.h) that has argument tests is traced only
 * when its arguments pass them.  A call in enosys_mask is failed with
 * ENOSYS by the filter itself (no stop); that wins over trace_mask. */
struct filter_spec {
	unsigned trace_mask;
	unsigned enosys_mask; /* calls failed with ENOSYS by the filter */
};

#define SECCOMP_FILTER_MAX 256

/* Build the program into prog[SECCOMP_FILTER_MAX]; returns its length
 * (> 0), or -1 if it would not fit. */
int seccomp_build(const struct filter_spec *spec, struct sock_filter *prog);

/* Install prog in the calling process.  no_new_privs: set
 * PR_SET_NO_NEW_PRIVS first (required unless CAP_SYS_ADMIN).
 * 0 or -errno. */
int seccomp_install(const struct sock_filter *prog, int len,
		    bool no_new_privs);

#endif
