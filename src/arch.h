/* arch.h - the architecture layer: ABIs, syscall numbers, registers.
 *
 * One implementation per architecture (arch-x86_64.c); everything else is
 * architecture-neutral.  Tracee words are uint64_t whatever the ABI; 32-bit
 * ABIs zero-extend. */
#ifndef SYMTRACE_ARCH_H
#define SYMTRACE_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum abi {
	ABI_X86_64 = 0,
	ABI_I386,
	ABI_X32,
	ABI_UNKNOWN,
	ABI_COUNT = ABI_UNKNOWN,
};

/* The syscalls symtrace knows about, architecture-neutral. */
enum sysc {
	SC_NONE = 0,
	SC_SYMLINK,
	SC_SYMLINKAT,
	/* side doors, traced only when a rule can deny */
	SC_CLONE,
	SC_CLONE3,
	SC_IO_URING_SETUP,
	SC_SECCOMP,
	SC_RENAME,
	SC_RENAMEAT,
	SC_RENAMEAT2,
	SC_LINK,
	SC_LINKAT,
	SC_UNSHARE,  /* traced only with CLONE_NEWNS */
	SC_SETNS,    /* traced only when it may join a mount namespace */
	SC_IO_URING_ENTER,    /* a ring made elsewhere, passed in */
	SC_IO_URING_REGISTER,
	SC_PIDFD_GETFD,       /* takes descriptors of other processes */
	SC_LANDLOCK_RESTRICT_SELF, /* a sandbox symtrace cannot act in */
	/* watched, never refused: what deny mode caches about a task */
	SC_SETCRED,  /* set*id, setgroups, capset (several numbers) */
	SC_CHROOT,   /* chroot, pivot_root */
	SC_COUNT,
};

const char *abi_name(enum abi abi);   /* "x86_64", "i386", "x32", "?" */
const char *sysc_name(enum sysc sc);  /* "symlinkat", ... */

struct arch_extra_nr;

/* Description of one ABI for the seccomp filter generator. */
struct arch_abi_desc {
	enum abi abi;
	uint32_t audit_arch;  /* seccomp_data.arch value */
	uint32_t nr_bit;      /* bit that must be set in nr (x32), else 0 */
	uint32_t nr_mask_bit; /* bit that must be clear in nr (x86_64: the
	                       * x32 bit), else 0 */
	int64_t nr[SC_COUNT]; /* syscall numbers (without nr_bit); -1 = none */
	/* Further numbers of the same calls (i386's 16- and 32-bit id
	 * calls, chroot and pivot_root): pairs { sc, nr }, ended by SC_NONE. */
	const struct arch_extra_nr *extra;
};

struct arch_extra_nr {
	enum sysc sc;
	int64_t nr;
};

/* The ABIs this architecture's kernel can run, native first. */
extern const struct arch_abi_desc arch_abis[];
extern const size_t arch_nabis;

/* Does this kernel run calls of abi (x32 may be left out)?  A delegated
 * call of an ABI it does not run fails with ENOSYS, as it would have. */
bool arch_abi_runs(enum abi abi);

/* Map an (abi, raw nr) pair to a known syscall, SC_NONE otherwise. */
enum sysc arch_classify(enum abi abi, uint64_t nr);

/* The state of a tracee at a syscall stop. */
enum sc_op {
	SCOP_NONE = 0, /* not a syscall stop */
	SCOP_ENTRY,
	SCOP_EXIT,
	SCOP_SECCOMP, /* entry via SECCOMP_RET_TRACE */
};

struct syscall_state {
	enum sc_op op;
	enum abi abi;
	uint64_t nr;
	uint64_t args[6];
	int64_t rval; /* at exit */
	uint64_t ip;
};

/* Read the syscall state of a stopped tracee.  use_info: try
 * PTRACE_GET_SYSCALL_INFO first (the register fallback is used when it is
 * unavailable or use_info is false; then op is SCOP_NONE and the caller
 * knows entry/exit from its own bookkeeping).  Returns 0 or -errno. */
int arch_get_syscall(pid_t tid, bool use_info, struct syscall_state *st);

/* At syscall entry: make the kernel skip the call and return retval
 * (e.g. -EPERM).  Returns 0 or -errno. */
int arch_skip_syscall(pid_t tid, int64_t retval);
/* At syscall exit: overwrite the return value.  0 or -errno. */
int arch_set_return(pid_t tid, int64_t retval);
/* At syscall exit: read the return value. 0 or -errno. */
int arch_get_return(pid_t tid, int64_t *retval);
/* At syscall entry: replace argument i (0-based) of the current ABI. */
int arch_set_arg(pid_t tid, enum abi abi, int i, uint64_t value);

/* ---- injection (inject.c): making a stopped task run a call of ours ----
 *
 * At a syscall-entry stop the number and arguments may be replaced: the
 * kernel reads them from the registers after the stop.  At the exit stop
 * of that call, the saved registers with the instruction pointer moved
 * back over the 2-byte syscall instruction (syscall, int $0x80; the
 * sysenter return path lands after an int $0x80) and the original number
 * in the return register make the task issue its own call again, as a
 * restarted call is issued. */
struct arch_regs {
	uint64_t w[32]; /* the general registers (opaque) */
};

int arch_regs_get(pid_t tid, struct arch_regs *r);
int arch_regs_set(pid_t tid, const struct arch_regs *r);
uint64_t arch_regs_sp(const struct arch_regs *r);
/* The return value in r (at a syscall-exit stop), sign-extended. */
int64_t arch_regs_ret(const struct arch_regs *r);
/* r: call nr of abi (a raw number, x32 bit included) with args[0..5]. */
void arch_regs_call(struct arch_regs *r, enum abi abi, uint64_t nr,
		    const uint64_t args[6]);
/* r (saved at an entry stop): issue that call again once resumed. */
void arch_regs_rewind(struct arch_regs *r);
/* The raw numbers of seccomp(2) and prctl(2) in abi; -1: none. */
int64_t arch_nr_seccomp(enum abi abi);
int64_t arch_nr_prctl(enum abi abi);
/* Is a pointer of abi 32 bits wide (a compat struct sock_fprog)? */
bool arch_abi_compat(enum abi abi);

#endif
