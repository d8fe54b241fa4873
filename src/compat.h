/* compat.h - our own definitions of what old C libraries and kernel
 * headers lack (issue 18: the source builds on CentOS 7's glibc 2.17,
 * Debian 10's 2.28, Ubuntu 18.04's 2.27).  configure says what is there
 * (config.h); each fallback is the kernel's ABI, which never changes.
 * Include it after <sys/ptrace.h>.  (Header only, like procmap.h.) */
#ifndef SYMTRACE_COMPAT_H
#define SYMTRACE_COMPAT_H

#include "config.h"

#include <stdint.h>
#include <sys/ptrace.h>

/* glibc 2.18 (CentOS 7 has 2.17): an enum constant, hence the configure
 * check rather than #ifndef. */
#if defined(HAVE_DECL_PTRACE_O_EXITKILL) && !HAVE_DECL_PTRACE_O_EXITKILL
#define PTRACE_O_EXITKILL 0x00100000
#endif
#if defined(HAVE_DECL_PTRACE_O_TRACESECCOMP) && \
	!HAVE_DECL_PTRACE_O_TRACESECCOMP
#define PTRACE_O_TRACESECCOMP 0x00000080
#endif
#if defined(HAVE_DECL_PTRACE_EVENT_SECCOMP) && \
	!HAVE_DECL_PTRACE_EVENT_SECCOMP
#define PTRACE_EVENT_SECCOMP 7
#endif

/* PTRACE_GET_SYSCALL_INFO (Linux 5.3, glibc 2.31).  Under our own name,
 * so that the fallback also builds (configure forced to "no") where the
 * C library has it. */
#ifndef PTRACE_GET_SYSCALL_INFO
#define PTRACE_GET_SYSCALL_INFO 0x420e
#endif
#ifndef HAVE_STRUCT___PTRACE_SYSCALL_INFO
struct st_ptrace_syscall_info {
	uint8_t op;
	uint32_t arch __attribute__((aligned(4)));
	uint64_t instruction_pointer;
	uint64_t stack_pointer;
	union {
		struct {
			uint64_t nr;
			uint64_t args[6];
		} entry;
		struct {
			int64_t rval;
			uint8_t is_error;
		} exit;
		struct {
			uint64_t nr;
			uint64_t args[6];
			uint32_t ret_data;
		} seccomp;
	};
};
#define __ptrace_syscall_info st_ptrace_syscall_info
#define PTRACE_SYSCALL_INFO_NONE 0
#define PTRACE_SYSCALL_INFO_ENTRY 1
#define PTRACE_SYSCALL_INFO_EXIT 2
#define PTRACE_SYSCALL_INFO_SECCOMP 3
#endif

#endif
