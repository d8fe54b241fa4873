/* kernsim - run a command as if on an older kernel (issue 18).
 *
 *   kernsim [--mask=FEATURE,...] LEVEL -- COMMAND [ARG...]
 *   kernsim --levels
 *
 * Installs a seccomp filter that answers the way a kernel of release LEVEL
 * answers what it does not have, then execs COMMAND (symtrace), whose
 * children inherit the filter:
 *   - a system call added later: ENOSYS (by number: x86-64 and i386
 *     numbers grew with the releases; x32 as x86-64);
 *   - a ptrace request added later (0x42xx): EIO, as ptrace_request()'s
 *     default;
 *   - a ptrace option added later: EIO from PTRACE_SEIZE, EINVAL from
 *     PTRACE_SETOPTIONS (kernel/ptrace.c: ptrace_attach() "historically
 *     used different error codes for unknown ptrace options");
 *   - before 3.5, prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER) and
 *     PR_SET/GET_NO_NEW_PRIVS: EINVAL;
 *   - before 6.11, the PROCMAP_QUERY ioctl: ENOTTY.
 * What a filter cannot change (a line of a /proc file, the stop order of
 * 3.5-4.7, O_PATH before 2.6.39) is not simulated.
 *
 * --mask adds single features to mask on top of LEVEL: process_vm_readv,
 * openat2, pipe2, syscall_info, exitkill, seccomp, procmap_query.
 *
 * no_new_privs: as root the filter is installed without it (setuid
 * programs in the command keep their privileges, as under symtrace
 * itself); otherwise the kernel insists on it. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "procmap.h"

#define X32_BIT 0x40000000u

/* ptrace options (include/uapi/linux/ptrace.h). */
#define OPTS_2_6 0x7fu            /* SYSGOOD .. EXIT */
#define O_TRACESECCOMP 0x80u      /* 3.5 */
#define O_EXITKILL 0x100000u      /* 3.8 */
#define O_SUSPEND_SECCOMP 0x200000u /* 4.3 */

struct level {
	const char *name;
	int max64, max32;    /* highest x86-64 / i386 syscall number */
	unsigned ptrace_max; /* highest 0x42xx ptrace request */
	unsigned opts;       /* ptrace options known */
	int filter;          /* seccomp filter mode (3.5) */
};

/* The last syscall numbers of each release: x86-64 perf_event_open 298
 * (2.6.31), process_vm_writev 311 (3.2), kcmp 312 (3.5), finit_module 313
 * (3.8), mlock2 325 (4.4), fspick 433 (5.2), clone3 435 (5.3), mseal 462
 * (6.10); i386 perf_event_open 336, process_vm_writev 347, kcmp 349,
 * finit_module 350, mlock2 376, then the shared numbers.  ptrace requests:
 * SETSIGINFO 0x4203, SETREGSET 0x4205 (2.6.34), LISTEN 0x4208 (3.4),
 * PEEKSIGINFO 0x4209 (3.10), SECCOMP_GET_FILTER 0x420c (4.4),
 * SECCOMP_GET_METADATA 0x420d (4.16), GET_SYSCALL_INFO 0x420e (5.3),
 * GET_RSEQ_CONFIGURATION 0x420f (5.13).  2.6.26: timerfd_gettime 287 /
 * 326 (2.6.25; pipe2 came in 2.6.27). */
static const struct level levels[] = {
	{ "6.10", 462, 462, 0x420f,
	  OPTS_2_6 | O_TRACESECCOMP | O_EXITKILL | O_SUSPEND_SECCOMP, 1 },
	{ "5.5", 435, 435, 0x420e,
	  OPTS_2_6 | O_TRACESECCOMP | O_EXITKILL | O_SUSPEND_SECCOMP, 1 },
	{ "5.2", 433, 433, 0x420d,
	  OPTS_2_6 | O_TRACESECCOMP | O_EXITKILL | O_SUSPEND_SECCOMP, 1 },
	{ "4.4", 325, 376, 0x420c,
	  OPTS_2_6 | O_TRACESECCOMP | O_EXITKILL | O_SUSPEND_SECCOMP, 1 },
	{ "3.10", 313, 350, 0x4209, OPTS_2_6 | O_TRACESECCOMP | O_EXITKILL,
	  1 },
	{ "3.7", 312, 349, 0x4208, OPTS_2_6 | O_TRACESECCOMP, 1 },
	{ "3.4", 311, 347, 0x4208, OPTS_2_6, 0 },
	{ "3.3", 311, 347, 0x4205, OPTS_2_6, 0 },
	{ "2.6.32", 298, 336, 0x4203, OPTS_2_6, 0 },
	{ "2.6.26", 287, 326, 0x4203, OPTS_2_6, 0 },
};

/* Per-ABI numbers of the calls the filter looks at. */
struct abi_nrs {
	unsigned arch;
	int ptrace, prctl, ioctl, vm_readv, openat2, pipe2;
};
static const struct abi_nrs abi64 = { AUDIT_ARCH_X86_64, 101, 157, 16,
				      310, 437, 293 };
static const struct abi_nrs abi32 = { AUDIT_ARCH_I386, 26, 172, 54, 347,
				      437, 331 };

enum { MASK_VM_READV = 1, MASK_OPENAT2 = 2, MASK_PIPE2 = 4,
       MASK_SYSCALL_INFO = 8, MASK_EXITKILL = 16, MASK_SECCOMP = 32,
       MASK_PROCMAP = 64 };

/* ---- a small assembler with forward labels --------------------------- */

#define MAXPROG 256
#define MAXLABEL 64
static struct sock_filter prog[MAXPROG];
static int plen;
static int label_at[MAXLABEL];
static int nlabels;
static struct fix {
	int pc, label;
	int which; /* 0 jt, 1 jf */
} fixes[2 * MAXPROG];
static int nfixes;

static void fail(const char *msg)
{
	fprintf(stderr, "kernsim: %s\n", msg);
	exit(125);
}

static int new_label(void)
{
	if (nlabels == MAXLABEL)
		fail("too many labels");
	label_at[nlabels] = -1;
	return nlabels++;
}

static void place(int label)
{
	label_at[label] = plen;
}

static void emit(unsigned short code, unsigned k)
{
	if (plen == MAXPROG)
		fail("program too long");
	prog[plen++] = (struct sock_filter)BPF_STMT(code, k);
}

static void ret(unsigned v)
{
	emit(BPF_RET | BPF_K, v);
}

static void ret_errno(int e)
{
	ret(SECCOMP_RET_ERRNO | ((unsigned)e & SECCOMP_RET_DATA));
}

/* if (A OP k) goto t else goto f; a label of -1 is the next insn. */
static void jump(unsigned short op, unsigned k, int t, int f)
{
	int pc = plen;

	emit(BPF_JMP | op | BPF_K, k);
	if (t >= 0)
		fixes[nfixes++] = (struct fix){ pc, t, 0 };
	if (f >= 0)
		fixes[nfixes++] = (struct fix){ pc, f, 1 };
}

/* goto label (BPF_JA counts in k, not in jt/jf: a JEQ both ways). */
static void go(int label)
{
	jump(BPF_JEQ, 0, label, label);
}

static void resolve(void)
{
	for (int i = 0; i < nfixes; i++) {
		int to = label_at[fixes[i].label];
		int off = to - fixes[i].pc - 1;

		if (to < 0 || off < 0 || off > 255)
			fail("bad jump");
		if (fixes[i].which == 0)
			prog[fixes[i].pc].jt = (unsigned char)off;
		else
			prog[fixes[i].pc].jf = (unsigned char)off;
	}
}

static void load_nr(void)
{
	emit(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
}

/* The low 32 bits of argument i (x86 is little-endian). */
static void load_arg(int i)
{
	emit(BPF_LD | BPF_W | BPF_ABS,
	     (unsigned)offsetof(struct seccomp_data, args[i]));
}

/* The checks of one ABI; nr loaded in A. */
static void abi_block(const struct abi_nrs *a, const struct level *lv,
		      int max, unsigned masks)
{
	int l_allow = new_label(), l_enosys = new_label();
	int l_ptrace = new_label(), l_prctl = new_label();
	int l_ioctl = new_label(), l_setopt = new_label();
	int l_seize = new_label(), l_eio = new_label();
	int l_einval = new_label(), l_pr_seccomp = new_label();
	int l_enotty = new_label();
	unsigned opts = lv->opts;
	unsigned ptrace_max = lv->ptrace_max;
	int filter = lv->filter && !(masks & MASK_SECCOMP);

	if (masks & MASK_EXITKILL)
		opts &= ~O_EXITKILL;
	if (masks & MASK_SECCOMP)
		opts &= ~(O_TRACESECCOMP | O_SUSPEND_SECCOMP);
	if (a->arch == AUDIT_ARCH_X86_64) {
		/* x32: the x86-64 numbers with X32_BIT (512 and up: its
		 * own old calls). */
		int l_64 = new_label();

		jump(BPF_JSET, X32_BIT, -1, l_64);
		emit(BPF_ALU | BPF_AND | BPF_K, ~X32_BIT);
		jump(BPF_JGE, 512, l_allow, -1);
		jump(BPF_JGT, (unsigned)max, l_enosys, l_allow);
		place(l_64);
	}
	jump(BPF_JGT, (unsigned)max, l_enosys, -1);
	if (masks & MASK_VM_READV)
		jump(BPF_JEQ, (unsigned)a->vm_readv, l_enosys, -1);
	if (masks & MASK_OPENAT2)
		jump(BPF_JEQ, (unsigned)a->openat2, l_enosys, -1);
	if (masks & MASK_PIPE2)
		jump(BPF_JEQ, (unsigned)a->pipe2, l_enosys, -1);
	jump(BPF_JEQ, (unsigned)a->ptrace, l_ptrace, -1);
	jump(BPF_JEQ, (unsigned)a->prctl, l_prctl, -1);
	jump(BPF_JEQ, (unsigned)a->ioctl, l_ioctl, l_allow);

	place(l_ptrace);
	load_arg(0);
	jump(BPF_JEQ, 0x4200, l_setopt, -1); /* PTRACE_SETOPTIONS */
	if (ptrace_max >= 0x4206)
		jump(BPF_JEQ, 0x4206, l_seize, -1); /* PTRACE_SEIZE */
	if (masks & MASK_SYSCALL_INFO)
		jump(BPF_JEQ, 0x420e, l_eio, -1);
	jump(BPF_JGT, ptrace_max, -1, l_allow);
	jump(BPF_JGT, 0x42ff, l_allow, l_eio);
	place(l_setopt);
	load_arg(3);
	jump(BPF_JSET, ~opts, l_einval, l_allow);
	place(l_seize);
	load_arg(3);
	jump(BPF_JSET, ~opts, l_eio, l_allow);

	place(l_prctl);
	load_arg(0);
	if (!filter) {
		jump(BPF_JEQ, PR_SET_NO_NEW_PRIVS, l_einval, -1);
		jump(BPF_JEQ, PR_GET_NO_NEW_PRIVS, l_einval, -1);
		jump(BPF_JEQ, PR_SET_SECCOMP, l_pr_seccomp, l_allow);
		place(l_pr_seccomp);
		load_arg(1);
		jump(BPF_JEQ, SECCOMP_MODE_FILTER, l_einval, l_allow);
	} else {
		go(l_allow);
	}

	place(l_ioctl);
	load_arg(1);
	if (masks & MASK_PROCMAP)
		jump(BPF_JEQ, (unsigned)ST_PROCMAP_QUERY, l_enotty, -1);
	go(l_allow);

	place(l_allow);
	ret(SECCOMP_RET_ALLOW);
	place(l_enosys);
	ret_errno(ENOSYS);
	place(l_eio);
	ret_errno(EIO);
	place(l_einval);
	ret_errno(EINVAL);
	place(l_enotty);
	ret_errno(ENOTTY);
}

static unsigned parse_masks(const char *s)
{
	static const struct { const char *name; unsigned bit; } names[] = {
		{ "process_vm_readv", MASK_VM_READV },
		{ "openat2", MASK_OPENAT2 },
		{ "pipe2", MASK_PIPE2 },
		{ "syscall_info", MASK_SYSCALL_INFO },
		{ "exitkill", MASK_EXITKILL },
		{ "seccomp", MASK_SECCOMP },
		{ "procmap_query", MASK_PROCMAP },
	};
	unsigned m = 0;

	while (*s) {
		size_t n = strcspn(s, ",");
		size_t i;

		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strlen(names[i].name) == n &&
			    strncmp(names[i].name, s, n) == 0)
				break;
		if (i == sizeof(names) / sizeof(names[0]))
			fail("unknown feature in --mask");
		m |= names[i].bit;
		s += n + (s[n] == ',');
	}
	return m;
}

int main(int argc, char **argv)
{
	const struct level *lv = NULL;
	unsigned masks = 0;
	int i = 1;

	if (argc == 2 && strcmp(argv[1], "--levels") == 0) {
		for (size_t k = 0; k < sizeof(levels) / sizeof(levels[0]); k++)
			printf("%s\n", levels[k].name);
		return 0;
	}
	if (i < argc && strncmp(argv[i], "--mask=", 7) == 0)
		masks = parse_masks(argv[i++] + 7);
	if (i + 2 >= argc || strcmp(argv[i + 1], "--") != 0) {
		fprintf(stderr, "usage: kernsim [--mask=FEATURE,...] LEVEL -- "
				"COMMAND [ARG...]\n       kernsim --levels\n");
		return 125;
	}
	for (size_t k = 0; k < sizeof(levels) / sizeof(levels[0]); k++)
		if (strcmp(levels[k].name, argv[i]) == 0)
			lv = &levels[k];
	if (!lv)
		fail("unknown level (kernsim --levels)");
	/* Every level before 6.11 lacks PROCMAP_QUERY. */
	masks |= MASK_PROCMAP;

	{
		int l_64 = new_label(), l_32 = new_label();

		emit(BPF_LD | BPF_W | BPF_ABS,
		     offsetof(struct seccomp_data, arch));
		jump(BPF_JEQ, AUDIT_ARCH_X86_64, l_64, -1);
		jump(BPF_JEQ, AUDIT_ARCH_I386, l_32, -1);
		ret(SECCOMP_RET_ALLOW);
		place(l_64);
		load_nr();
		abi_block(&abi64, lv, lv->max64, masks);
		place(l_32);
		load_nr();
		abi_block(&abi32, lv, lv->max32, masks);
	}
	resolve();

	struct sock_fprog fprog = { .len = (unsigned short)plen,
				    .filter = prog };

	if (geteuid() != 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		perror("kernsim: PR_SET_NO_NEW_PRIVS");
		return 125;
	}
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0) < 0) {
		perror("kernsim: cannot install the filter");
		return 125;
	}
	execvp(argv[i + 2], argv + i + 2);
	fprintf(stderr, "kernsim: cannot run %s: %s\n", argv[i + 2],
		strerror(errno));
	return 127;
}
