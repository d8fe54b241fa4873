/* tmem.h - bounded reads of tracee memory. */
#ifndef SYMTRACE_TMEM_H
#define SYMTRACE_TMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "event.h"

/* Read len bytes at addr.  0, or -EFAULT/-ESRCH/... on failure (a partial
 * read is a failure). */
int tmem_read(pid_t tid, uint64_t addr, void *buf, size_t len);

/* Read the NUL-terminated path at addr the way the kernel's
 * getname() does: at most PATH_MAX bytes including the NUL.
 * Fills out (status OK, NULL, FAULT or TOOLONG); never fails otherwise. */
void tmem_read_path(pid_t tid, uint64_t addr, struct tstr *out);

/* The same for two strings (target and linkpath) with one
 * process_vm_readv where possible. */
void tmem_read_paths(pid_t tid, const uint64_t addr[2], struct tstr out[2]);

/* Is the stopped tracee still there?  A task in a ptrace-stop answers
 * PTRACE_PEEKUSER; one that was killed meanwhile (SIGKILL, another
 * thread's execve) answers ESRCH. */
bool tmem_task_alive(pid_t tid);

/* Force the PTRACE_PEEKDATA fallback (tests). */
void tmem_force_peek(int on);

#endif
