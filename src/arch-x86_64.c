/* arch-x86_64.c - the x86-64 kernel's three ABIs: x86_64, i386, x32.
 *
 * ABI detection: PTRACE_GET_SYSCALL_INFO reports seccomp_data.arch
 * (AUDIT_ARCH_I386 for int $0x80 and 32-bit processes, AUDIT_ARCH_X86_64
 * otherwise; x32 has bit 0x40000000 in nr).  Without it, the 64-bit register
 * set alone cannot tell "int $0x80 from 64-bit code" from a 64-bit syscall,
 * so we look at the two instruction bytes before the IP: cd 80 (int $0x80)
 * means i386; 0f 05 (syscall) means x86_64/x32; a 32-bit code segment
 * (cs == 0x23) means i386 whatever the instruction (sysenter, syscall from
 * compat mode). */
#include "arch.h"

#include <errno.h>
#include <linux/audit.h>
#include <stddef.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <unistd.h>

#include "compat.h"

#define X32_BIT 0x40000000u

/* x86_64 and x32 (the same numbers, x32 with X32_BIT). */
static const struct arch_extra_nr extra_64[] = {
	{ SC_SETCRED, 105 }, /* setuid */
	{ SC_SETCRED, 106 }, /* setgid */
	{ SC_SETCRED, 113 }, /* setreuid */
	{ SC_SETCRED, 114 }, /* setregid */
	{ SC_SETCRED, 116 }, /* setgroups */
	{ SC_SETCRED, 117 }, /* setresuid */
	{ SC_SETCRED, 119 }, /* setresgid */
	{ SC_SETCRED, 122 }, /* setfsuid */
	{ SC_SETCRED, 123 }, /* setfsgid */
	{ SC_SETCRED, 126 }, /* capset */
	{ SC_CHROOT, 155 },  /* pivot_root */
	{ SC_CHROOT, 161 },  /* chroot */
	{ SC_NONE, -1 },
};

static const struct arch_extra_nr extra_i386[] = {
	{ SC_SETCRED, 23 },  /* setuid (16-bit ids) */
	{ SC_SETCRED, 46 },  /* setgid */
	{ SC_SETCRED, 70 },  /* setreuid */
	{ SC_SETCRED, 71 },  /* setregid */
	{ SC_SETCRED, 81 },  /* setgroups */
	{ SC_SETCRED, 138 }, /* setfsuid */
	{ SC_SETCRED, 139 }, /* setfsgid */
	{ SC_SETCRED, 164 }, /* setresuid */
	{ SC_SETCRED, 170 }, /* setresgid */
	{ SC_SETCRED, 185 }, /* capset */
	{ SC_SETCRED, 203 }, /* setreuid32 */
	{ SC_SETCRED, 204 }, /* setregid32 */
	{ SC_SETCRED, 206 }, /* setgroups32 */
	{ SC_SETCRED, 208 }, /* setresuid32 */
	{ SC_SETCRED, 210 }, /* setresgid32 */
	{ SC_SETCRED, 213 }, /* setuid32 */
	{ SC_SETCRED, 214 }, /* setgid32 */
	{ SC_SETCRED, 215 }, /* setfsuid32 */
	{ SC_SETCRED, 216 }, /* setfsgid32 */
	{ SC_CHROOT, 61 },   /* chroot */
	{ SC_CHROOT, 217 },  /* pivot_root */
	{ SC_NONE, -1 },
};

const struct arch_abi_desc arch_abis[] = {
	{
		.abi = ABI_X86_64,
		.audit_arch = AUDIT_ARCH_X86_64,
		.nr_bit = 0,
		.nr_mask_bit = X32_BIT,
		.extra = extra_64,
		.nr = {
			[SC_NONE] = -1,
			[SC_SYMLINK] = 88,
			[SC_SYMLINKAT] = 266,
			[SC_CLONE] = 56,
			[SC_CLONE3] = 435,
			[SC_IO_URING_SETUP] = 425,
			[SC_SECCOMP] = 317,
			[SC_RENAME] = 82,
			[SC_RENAMEAT] = 264,
			[SC_RENAMEAT2] = 316,
			[SC_LINK] = 86,
			[SC_LINKAT] = 265,
			[SC_UNSHARE] = 272,
			[SC_SETNS] = 308,
			[SC_IO_URING_ENTER] = 426,
			[SC_IO_URING_REGISTER] = 427,
			[SC_PIDFD_GETFD] = 438,
			[SC_LANDLOCK_RESTRICT_SELF] = 446,
			[SC_SETCRED] = -1,
			[SC_CHROOT] = -1,
		},
	},
	{
		.abi = ABI_I386,
		.audit_arch = AUDIT_ARCH_I386,
		.nr_bit = 0,
		.nr_mask_bit = 0,
		.extra = extra_i386,
		.nr = {
			[SC_NONE] = -1,
			[SC_SYMLINK] = 83,
			[SC_SYMLINKAT] = 304,
			[SC_CLONE] = 120,
			[SC_CLONE3] = 435,
			[SC_IO_URING_SETUP] = 425,
			[SC_SECCOMP] = 354,
			[SC_RENAME] = 38,
			[SC_RENAMEAT] = 302,
			[SC_RENAMEAT2] = 353,
			[SC_LINK] = 9,
			[SC_LINKAT] = 303,
			[SC_UNSHARE] = 310,
			[SC_SETNS] = 346,
			[SC_IO_URING_ENTER] = 426,
			[SC_IO_URING_REGISTER] = 427,
			[SC_PIDFD_GETFD] = 438,
			[SC_LANDLOCK_RESTRICT_SELF] = 446,
			[SC_SETCRED] = -1,
			[SC_CHROOT] = -1,
		},
	},
	{
		/* x32 shares AUDIT_ARCH_X86_64 and the "common" numbers. */
		.abi = ABI_X32,
		.audit_arch = AUDIT_ARCH_X86_64,
		.nr_bit = X32_BIT,
		.nr_mask_bit = 0,
		.extra = extra_64,
		.nr = {
			[SC_NONE] = -1,
			[SC_SYMLINK] = 88,
			[SC_SYMLINKAT] = 266,
			[SC_CLONE] = 56,
			[SC_CLONE3] = 435,
			[SC_IO_URING_SETUP] = 425,
			[SC_SECCOMP] = 317,
			[SC_RENAME] = 82,
			[SC_RENAMEAT] = 264,
			[SC_RENAMEAT2] = 316,
			[SC_LINK] = 86,
			[SC_LINKAT] = 265,
			[SC_UNSHARE] = 272,
			[SC_SETNS] = 308,
			[SC_IO_URING_ENTER] = 426,
			[SC_IO_URING_REGISTER] = 427,
			[SC_PIDFD_GETFD] = 438,
			[SC_LANDLOCK_RESTRICT_SELF] = 446,
			[SC_SETCRED] = -1,
			[SC_CHROOT] = -1,
		},
	},
};
const size_t arch_nabis = sizeof(arch_abis) / sizeof(arch_abis[0]);

static const char *const abi_names[] = {
	[ABI_X86_64] = "x86_64",
	[ABI_I386] = "i386",
	[ABI_X32] = "x32",
	[ABI_UNKNOWN] = "?",
};

static const char *const sysc_names[] = {
	[SC_NONE] = "?",
	[SC_SYMLINK] = "symlink",
	[SC_SYMLINKAT] = "symlinkat",
	[SC_CLONE] = "clone",
	[SC_CLONE3] = "clone3",
	[SC_IO_URING_SETUP] = "io_uring_setup",
	[SC_SECCOMP] = "seccomp",
	[SC_RENAME] = "rename",
	[SC_RENAMEAT] = "renameat",
	[SC_RENAMEAT2] = "renameat2",
	[SC_LINK] = "link",
	[SC_LINKAT] = "linkat",
	[SC_UNSHARE] = "unshare",
	[SC_SETNS] = "setns",
	[SC_IO_URING_ENTER] = "io_uring_enter",
	[SC_IO_URING_REGISTER] = "io_uring_register",
	[SC_PIDFD_GETFD] = "pidfd_getfd",
	[SC_LANDLOCK_RESTRICT_SELF] = "landlock_restrict_self",
	[SC_SETCRED] = "setcred",
	[SC_CHROOT] = "chroot",
};

const char *abi_name(enum abi abi)
{
	return (unsigned)abi <= ABI_UNKNOWN ? abi_names[abi] : "?";
}

const char *sysc_name(enum sysc sc)
{
	return (unsigned)sc < SC_COUNT ? sysc_names[sc] : "?";
}

enum sysc arch_classify(enum abi abi, uint64_t nr)
{
	const struct arch_abi_desc *d = NULL;
	size_t i;

	for (i = 0; i < arch_nabis; i++)
		if (arch_abis[i].abi == abi)
			d = &arch_abis[i];
	if (!d)
		return SC_NONE;
	if (d->nr_bit) {
		if (!(nr & d->nr_bit))
			return SC_NONE;
		nr &= ~(uint64_t)d->nr_bit;
	} else if (nr & d->nr_mask_bit) {
		return SC_NONE;
	}
	for (int sc = SC_SYMLINK; sc < SC_COUNT; sc++)
		if (d->nr[sc] >= 0 && (uint64_t)d->nr[sc] == nr)
			return (enum sysc)sc;
	for (const struct arch_extra_nr *e = d->extra; e && e->sc != SC_NONE;
	     e++)
		if ((uint64_t)e->nr == nr)
			return e->sc;
	return SC_NONE;
}

/* PTRACE_GET_SYSCALL_INFO exists since Linux 5.3; remember when it does
 * not, so the fallback costs one failed call at most. */
static bool info_unsupported;

static int get_regs(pid_t tid, struct user_regs_struct *regs)
{
	return ptrace(PTRACE_GETREGS, tid, 0, regs) < 0 ? -errno : 0;
}

/* The ABI of the syscall a stopped tracee is in, from registers and the
 * instruction before the IP (see the top of this file). */
static enum abi abi_from_regs(pid_t tid, const struct user_regs_struct *r)
{
	long word;

	if (r->cs == 0x23)
		return ABI_I386;
	errno = 0;
	word = ptrace(PTRACE_PEEKTEXT, tid, r->rip - 2, 0);
	if (errno == 0 && (word & 0xffff) == 0x80cd)
		return ABI_I386;
	/* 0f 05 (syscall) or unreadable: a 64-bit call. */
	return (r->orig_rax & X32_BIT) ? ABI_X32 : ABI_X86_64;
}

static void fill_from_regs(pid_t tid, const struct user_regs_struct *r,
			   struct syscall_state *st)
{
	st->op = SCOP_NONE;
	st->abi = abi_from_regs(tid, r);
	st->ip = r->rip;
	if (st->abi == ABI_I386) {
		st->nr = (uint32_t)r->orig_rax;
		st->args[0] = (uint32_t)r->rbx;
		st->args[1] = (uint32_t)r->rcx;
		st->args[2] = (uint32_t)r->rdx;
		st->args[3] = (uint32_t)r->rsi;
		st->args[4] = (uint32_t)r->rdi;
		st->args[5] = (uint32_t)r->rbp;
		st->rval = (int32_t)r->rax;
	} else {
		/* The kernel (since 5.12; seccomp_data.nr always) takes the
		 * number as an int: bits above 31 must not hide a call
		 * (rax = 1 << 32 | 266 is symlinkat). */
		st->nr = (uint64_t)(int64_t)(int32_t)r->orig_rax;
		st->args[0] = r->rdi;
		st->args[1] = r->rsi;
		st->args[2] = r->rdx;
		st->args[3] = r->r10;
		st->args[4] = r->r8;
		st->args[5] = r->r9;
		st->rval = (int64_t)r->rax;
	}
}

int arch_get_syscall(pid_t tid, bool use_info, struct syscall_state *st)
{
	struct user_regs_struct regs;
	int r;

	memset(st, 0, sizeof(*st));
	if (use_info && !info_unsupported) {
		struct __ptrace_syscall_info info;
		long n;

		/* (Zeroed for valgrind, which does not know the kernel
		 * fills it.) */
		memset(&info, 0, sizeof(info));
		n = ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof(info), &info);
		if (n < 0 && errno == ESRCH)
			return -ESRCH;
		if (n < 0 && (errno == EIO || errno == EINVAL))
			info_unsupported = true;
		if (n > 0 && info.op != PTRACE_SYSCALL_INFO_NONE) {
			bool i386 = info.arch == AUDIT_ARCH_I386;

			st->ip = info.instruction_pointer;
			switch (info.op) {
			case PTRACE_SYSCALL_INFO_ENTRY:
				st->op = SCOP_ENTRY;
				st->nr = info.entry.nr;
				memcpy(st->args, info.entry.args,
				       sizeof(st->args));
				break;
			case PTRACE_SYSCALL_INFO_SECCOMP:
				st->op = SCOP_SECCOMP;
				st->nr = info.seccomp.nr;
				memcpy(st->args, info.seccomp.args,
				       sizeof(st->args));
				break;
			case PTRACE_SYSCALL_INFO_EXIT:
				st->op = SCOP_EXIT;
				st->rval = info.exit.rval;
				break;
			default:
				goto fallback;
			}
			if (i386) {
				st->abi = ABI_I386;
				st->nr = (uint32_t)st->nr;
				for (int i = 0; i < 6; i++)
					st->args[i] = (uint32_t)st->args[i];
				st->rval = (int32_t)st->rval;
			} else if (info.arch == AUDIT_ARCH_X86_64) {
				st->abi = (st->nr & X32_BIT) ? ABI_X32
							     : ABI_X86_64;
			} else {
				st->abi = ABI_UNKNOWN;
			}
			return 0;
		}
	}
fallback:
	r = get_regs(tid, &regs);
	if (r < 0)
		return r;
	fill_from_regs(tid, &regs, st);
	return 0;
}

static int poke_reg(pid_t tid, size_t off, uint64_t v)
{
	return ptrace(PTRACE_POKEUSER, tid, off, v) < 0 ? -errno : 0;
}

#define REG_OFF(name) offsetof(struct user_regs_struct, name)

int arch_skip_syscall(pid_t tid, int64_t retval)
{
	/* orig_rax = -1: the kernel skips the call (syscall-entry and
	 * seccomp stops alike) and leaves rax, the return value, as we set
	 * it.  Both ABIs share pt_regs, so this holds for int $0x80 too. */
	int r = poke_reg(tid, REG_OFF(orig_rax), (uint64_t)-1);

	if (r == 0)
		r = poke_reg(tid, REG_OFF(rax), (uint64_t)retval);
	return r;
}

int arch_set_return(pid_t tid, int64_t retval)
{
	return poke_reg(tid, REG_OFF(rax), (uint64_t)retval);
}

int arch_get_return(pid_t tid, int64_t *retval)
{
	struct user_regs_struct regs;
	int r = get_regs(tid, &regs);

	if (r < 0)
		return r;
	*retval = regs.cs == 0x23 ? (int32_t)regs.rax : (int64_t)regs.rax;
	return 0;
}

int arch_set_arg(pid_t tid, enum abi abi, int i, uint64_t value)
{
	static const size_t off64[6] = {
		REG_OFF(rdi), REG_OFF(rsi), REG_OFF(rdx),
		REG_OFF(r10), REG_OFF(r8),  REG_OFF(r9),
	};
	static const size_t off32[6] = {
		REG_OFF(rbx), REG_OFF(rcx), REG_OFF(rdx),
		REG_OFF(rsi), REG_OFF(rdi), REG_OFF(rbp),
	};

	if (i < 0 || i > 5)
		return -EINVAL;
	return poke_reg(tid, abi == ABI_I386 ? off32[i] : off64[i], value);
}

bool arch_abi_runs(enum abi abi)
{
	static int x32 = -1;

	if (abi != ABI_X32)
		return abi != ABI_UNKNOWN;
	if (x32 < 0) {
		/* An x32 getpid(): ENOSYS where the kernel was built or
		 * booted without x32 (syscall.x32=n). */
		long r = syscall(X32_BIT | SYS_getpid);

		x32 = !(r < 0 && errno == ENOSYS);
	}
	return x32;
}

/* ---- injection (arch.h) ---------------------------------------------- */

_Static_assert(sizeof(struct user_regs_struct) <= sizeof(struct arch_regs),
	       "struct arch_regs too small");

static struct user_regs_struct uregs(const struct arch_regs *r)
{
	struct user_regs_struct u;

	memcpy(&u, r->w, sizeof(u));
	return u;
}

int arch_regs_get(pid_t tid, struct arch_regs *r)
{
	struct user_regs_struct u;
	int e = get_regs(tid, &u);

	if (e == 0)
		memcpy(r->w, &u, sizeof(u));
	return e;
}

int arch_regs_set(pid_t tid, const struct arch_regs *r)
{
	struct user_regs_struct u = uregs(r);

	if (ptrace(PTRACE_SETREGS, tid, 0, &u) < 0)
		return -errno;
	return 0;
}

uint64_t arch_regs_sp(const struct arch_regs *r)
{
	return uregs(r).rsp;
}

int64_t arch_regs_ret(const struct arch_regs *r)
{
	struct user_regs_struct u = uregs(r);

	return u.cs == 0x23 ? (int32_t)u.rax : (int64_t)u.rax;
}

void arch_regs_call(struct arch_regs *r, enum abi abi, uint64_t nr,
		    const uint64_t args[6])
{
	struct user_regs_struct u = uregs(r);

	u.orig_rax = nr;
	if (abi == ABI_I386) {
		u.rbx = args[0];
		u.rcx = args[1];
		u.rdx = args[2];
		u.rsi = args[3];
		u.rdi = args[4];
		u.rbp = args[5];
	} else {
		u.rdi = args[0];
		u.rsi = args[1];
		u.rdx = args[2];
		u.r10 = args[3];
		u.r8 = args[4];
		u.r9 = args[5];
	}
	memcpy(r->w, &u, sizeof(u));
}

void arch_regs_rewind(struct arch_regs *r)
{
	struct user_regs_struct u = uregs(r);

	/* (orig_rax stays the call's number, >= 0, and rax is not an
	 * -ERESTART* value: the kernel's own restart logic leaves it.) */
	u.rip -= 2;
	u.rax = u.orig_rax;
	memcpy(r->w, &u, sizeof(u));
}

int64_t arch_nr_seccomp(enum abi abi)
{
	switch (abi) {
	case ABI_X86_64:
		return 317;
	case ABI_X32:
		return X32_BIT | 317;
	case ABI_I386:
		return 354;
	case ABI_UNKNOWN:
	default:
		return -1;
	}
}

int64_t arch_nr_prctl(enum abi abi)
{
	switch (abi) {
	case ABI_X86_64:
		return 157;
	case ABI_X32:
		return X32_BIT | 157;
	case ABI_I386:
		return 172;
	case ABI_UNKNOWN:
	default:
		return -1;
	}
}

bool arch_abi_compat(enum abi abi)
{
	return abi == ABI_I386 || abi == ABI_X32;
}
