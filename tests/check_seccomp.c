/* check_seccomp.c - unit tests for the BPF prefilter (seccomp.c).
 *
 * The generated programs are run by a small classic-BPF interpreter over
 * hand-made struct seccomp_data, checked by a verifier (every jump in
 * range and forward, every path ends in RET, no dead code), and compared
 * with an independent model of the filter's rules and with a table of
 * literal expectations.  The "kernel" tcase installs real filters in forked
 * children, where SECCOMP_RET_TRACE without a tracer fails the call with
 * ENOSYS. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* CLONE_*, MAP_32BIT */
#endif
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arch.h"
#include "seccomp.h"
#include "sidedoor.h"

#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef SECCOMP_FILTER_FLAG_TSYNC
#define SECCOMP_FILTER_FLAG_TSYNC (1UL << 0)
#endif
#ifndef AUDIT_ARCH_AARCH64
#define AUDIT_ARCH_AARCH64 0xc00000b7u
#endif

#define RET_TRACE SECCOMP_RET_TRACE
#define RET_ALLOW SECCOMP_RET_ALLOW
#define RET_ENOSYS (SECCOMP_RET_ERRNO | ENOSYS)
#define X32_BIT 0x40000000u
#define NEW_LISTENER ((uint64_t)SECCOMP_FILTER_FLAG_NEW_LISTENER)

#define M(sc) (1u << (sc))
#define ALL_SC (M(SC_COUNT) - 1u - M(SC_NONE))

/* ---- a classic BPF interpreter for the opcodes seccomp.c emits ---- */

/* Run prog over sd; 0 and *ret, or -1 and *err on a bad program. */
static int bpf_run(const struct sock_filter *prog, int len,
		   const struct seccomp_data *sd, uint32_t *ret,
		   const char **err)
{
	uint32_t a = 0;
	int pc = 0, steps = 0;

	while (pc >= 0 && pc < len) {
		const struct sock_filter *f = &prog[pc];
		bool cond;

		if (++steps > len) {
			*err = "loop";
			return -1;
		}
		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (f->k % 4 || f->k > sizeof(*sd) - 4) {
				*err = "load out of seccomp_data";
				return -1;
			}
			memcpy(&a, (const char *)sd + f->k, 4);
			pc++;
			continue;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= f->k;
			pc++;
			continue;
		case BPF_RET | BPF_K:
			*ret = f->k;
			return 0;
		case BPF_JMP | BPF_JA:
			pc += 1 + (int)f->k;
			continue;
		case BPF_JMP | BPF_JEQ | BPF_K:
			cond = a == f->k;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			cond = (a & f->k) != 0;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			cond = a >= f->k;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			cond = a > f->k;
			break;
		default:
			*err = "unknown opcode";
			return -1;
		}
		pc += 1 + (cond ? f->jt : f->jf);
	}
	*err = "fell off the end";
	return -1;
}

/* NULL if prog is sound: known opcodes, loads inside seccomp_data, every
 * jump forward and inside the program, RET last (so every path, all jumps
 * being forward, ends in a RET), every instruction reachable. */
static const char *bpf_verify(const struct sock_filter *prog, int len)
{
	bool reach[SECCOMP_FILTER_MAX] = { [0] = true };
	int pc;

	if (len <= 0 || len > SECCOMP_FILTER_MAX)
		return "bad length";
	for (pc = 0; pc < len; pc++) {
		const struct sock_filter *f = &prog[pc];
		long t1 = -1, t2 = -1;

		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (f->k % 4 ||
			    f->k > sizeof(struct seccomp_data) - 4)
				return "load out of seccomp_data";
			t1 = pc + 1;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			t1 = pc + 1;
			break;
		case BPF_RET | BPF_K:
			break;
		case BPF_JMP | BPF_JA:
			t1 = pc + 1L + f->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
		case BPF_JMP | BPF_JSET | BPF_K:
		case BPF_JMP | BPF_JGE | BPF_K:
		case BPF_JMP | BPF_JGT | BPF_K:
			t1 = pc + 1L + f->jt;
			t2 = pc + 1L + f->jf;
			break;
		default:
			return "unknown opcode";
		}
		if (t1 >= len || t2 >= len)
			return "jump out of the program";
		if (!reach[pc])
			return "unreachable instruction";
		if (t1 >= 0)
			reach[t1] = true;
		if (t2 >= 0)
			reach[t2] = true;
	}
	if (prog[len - 1].code != (BPF_RET | BPF_K))
		return "last instruction is not RET";
	return NULL;
}

/* ---- an independent model of the rules in seccomp.h ---- */

static uint32_t model(const struct filter_spec *spec, uint32_t arch,
		      uint32_t nr, const uint64_t args[6])
{
	const struct arch_abi_desc *d = NULL, *plain = NULL;
	bool known = false;
	size_t i;

	for (i = 0; i < arch_nabis; i++) {
		const struct arch_abi_desc *x = &arch_abis[i];

		if (x->audit_arch != arch)
			continue;
		known = true;
		if (x->nr_bit && (nr & x->nr_bit) && !d)
			d = x;
		else if (!x->nr_bit)
			plain = x;
	}
	if (!known)
		return RET_TRACE;
	if (!d) {
		if (!plain || (nr & plain->nr_mask_bit))
			return RET_TRACE;
		d = plain;
	}
	nr &= ~d->nr_bit;
	for (int sc = SC_NONE + 1; sc < SC_COUNT; sc++) {
		if (d->nr[sc] < 0 || (uint64_t)d->nr[sc] != nr)
			continue;
		if (spec->enosys_mask & M(sc))
			return RET_ENOSYS;
		if (!(spec->trace_mask & M(sc)))
			return RET_ALLOW;
		if (sc == SC_CLONE)
			return ((uint32_t)args[0] &
				(CLONE_UNTRACED | CLONE_NEWNS)) ?
				       RET_TRACE : RET_ALLOW;
		/* (A new user namespace is traced too, not refused.) */
		if (sc == SC_UNSHARE)
			return ((uint32_t)args[0] &
				(CLONE_NEWNS | CLONE_NEWUSER)) ? RET_TRACE
							       : RET_ALLOW;
		if (sc == SC_SETNS)
			return ((uint32_t)args[1] == 0 ||
				((uint32_t)args[1] &
				 (CLONE_NEWNS | CLONE_NEWUSER))) ?
				       RET_TRACE : RET_ALLOW;
		if (sc == SC_SECCOMP &&
		    ((uint32_t)args[0] != SECCOMP_SET_MODE_FILTER ||
		     !((uint32_t)args[1] & NEW_LISTENER)))
			return RET_ALLOW;
		return RET_TRACE;
	}
	for (const struct arch_extra_nr *e = d->extra; e && e->sc != SC_NONE;
	     e++) {
		if ((uint64_t)e->nr != nr)
			continue;
		if (spec->enosys_mask & M(e->sc))
			return RET_ENOSYS;
		return (spec->trace_mask & M(e->sc)) ? RET_TRACE : RET_ALLOW;
	}
	return RET_ALLOW;
}

/* ---- helpers ---- */

struct built {
	struct sock_filter prog[SECCOMP_FILTER_MAX];
	int len;
};

static void build_ok(struct built *b, unsigned trace, unsigned enosys)
{
	struct filter_spec spec = { .trace_mask = trace,
				    .enosys_mask = enosys };
	const char *why;

	b->len = seccomp_build(&spec, b->prog);
	ck_assert_msg(b->len > 0 && b->len <= SECCOMP_FILTER_MAX,
		      "seccomp_build(trace=%#x, enosys=%#x) = %d", trace,
		      enosys, b->len);
	why = bpf_verify(b->prog, b->len);
	ck_assert_msg(!why, "trace=%#x enosys=%#x: %s", trace, enosys, why);
}

static uint32_t run(const struct built *b, uint32_t arch, uint32_t nr,
		    uint64_t a0, uint64_t a1)
{
	struct seccomp_data sd = {
		.nr = (int)nr,
		.arch = arch,
		.instruction_pointer = 0x401000,
		.args = { a0, a1, 0x1111, 0x2222, 0x3333, 0x4444 },
	};
	const char *err = NULL;
	uint32_t ret = 0;

	ck_assert_msg(bpf_run(b->prog, b->len, &sd, &ret, &err) == 0,
		      "arch=%#x nr=%#x: %s", arch, nr, err);
	return ret;
}

static const char *ret_name(uint32_t r)
{
	switch (r) {
	case RET_TRACE:
		return "TRACE";
	case RET_ALLOW:
		return "ALLOW";
	case RET_ENOSYS:
		return "ERRNO|ENOSYS";
	default:
		return "?";
	}
}

/* ---- the interpreter and verifier themselves ---- */

START_TEST(test_bpf_tools)
{
	static const struct sock_filter good[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xff),
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 10, 0, 2),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 20, 2, 0),
		BPF_STMT(BPF_RET | BPF_K, 1),
		BPF_STMT(BPF_JMP | BPF_JA, 1),
		BPF_STMT(BPF_RET | BPF_K, 2),
		BPF_STMT(BPF_RET | BPF_K, 3),
	};
	struct sock_filter bad[8];
	struct seccomp_data sd = { .nr = 0x105 };
	const char *err;
	uint32_t ret = 0;

	ck_assert_ptr_null(bpf_verify(good, 8));
	ck_assert_int_eq(bpf_run(good, 8, &sd, &ret, &err), 0);
	ck_assert_uint_eq(ret, 3); /* 5 <= 10: jf 2 → JA → RET 3 */
	sd.nr = 15;
	ck_assert_int_eq(bpf_run(good, 8, &sd, &ret, &err), 0);
	ck_assert_uint_eq(ret, 1);
	sd.nr = 25;
	ck_assert_int_eq(bpf_run(good, 8, &sd, &ret, &err), 0);
	ck_assert_uint_eq(ret, 2);

	memcpy(bad, good, sizeof(bad));
	bad[3].jt = 4; /* past the end */
	ck_assert_str_eq(bpf_verify(bad, 8), "jump out of the program");
	memcpy(bad, good, sizeof(bad));
	bad[7] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0);
	ck_assert_str_eq(bpf_verify(bad, 8), "jump out of the program");
	ck_assert_str_eq(bpf_verify(good, 5), "jump out of the program");
	memcpy(bad, good, sizeof(bad));
	bad[0].k = 2;
	ck_assert_str_eq(bpf_verify(bad, 8), "load out of seccomp_data");
	bad[0].k = sizeof(struct seccomp_data);
	ck_assert_str_eq(bpf_verify(bad, 8), "load out of seccomp_data");
	memcpy(bad, good, sizeof(bad));
	bad[1].code = BPF_ALU | BPF_OR | BPF_K;
	ck_assert_str_eq(bpf_verify(bad, 8), "unknown opcode");
	memcpy(bad, good, sizeof(bad));
	bad[5].k = 0; /* RET 2 becomes dead */
	ck_assert_str_eq(bpf_verify(bad, 8), "unreachable instruction");
	ck_assert_str_eq(bpf_verify(good, 4 + 0), "jump out of the program");
	ck_assert_str_eq(bpf_verify(good, 0), "bad length");
}
END_TEST

/* ---- literal expectations ---- */

struct row {
	const char *what;
	unsigned trace, enosys;
	uint32_t arch, nr;
	uint64_t a0, a1;
	uint32_t want;
};

#define SYMS (M(SC_SYMLINK) | M(SC_SYMLINKAT))
#define X86_64 AUDIT_ARCH_X86_64
#define I386 AUDIT_ARCH_I386

static const struct row rows[] = {
	{ "x86_64 symlink", SYMS, 0, X86_64, 88, 0, 0, RET_TRACE },
	{ "x86_64 symlinkat", SYMS, 0, X86_64, 266, 0, 0, RET_TRACE },
	{ "i386 symlink", SYMS, 0, I386, 83, 0, 0, RET_TRACE },
	{ "i386 symlinkat", SYMS, 0, I386, 304, 0, 0, RET_TRACE },
	{ "x32 symlink", SYMS, 0, X86_64, X32_BIT | 88, 0, 0, RET_TRACE },
	{ "x32 symlinkat", SYMS, 0, X86_64, X32_BIT | 266, 0, 0, RET_TRACE },
	{ "x32 getpid", SYMS, 0, X86_64, X32_BIT | 39, 0, 0, RET_ALLOW },
	{ "x32 0x40000000", ALL_SC, 0, X86_64, X32_BIT, 0, 0, RET_ALLOW },
	{ "x86_64 getpid", SYMS, 0, X86_64, 39, 0, 0, RET_ALLOW },
	{ "x86_64 read", ALL_SC, 0, X86_64, 0, 0, 0, RET_ALLOW },
	{ "x86_64 mkdir (i386 symlink nr)", SYMS, 0, X86_64, 83, 0, 0,
	  RET_ALLOW },
	{ "x86_64 -1", ALL_SC, 0, X86_64, 0xffffffffu, 0, 0, RET_ALLOW },
	{ "i386 getpid", SYMS, 0, I386, 20, 0, 0, RET_ALLOW },
	{ "i386 reboot (x86_64 symlink nr)", SYMS, 0, I386, 88, 0, 0,
	  RET_ALLOW },
	{ "i386 nr with x32 bit", SYMS, 0, I386, X32_BIT | 83, 0, 0,
	  RET_ALLOW },
	{ "empty mask symlink", 0, 0, X86_64, 88, 0, 0, RET_ALLOW },
	{ "symlinkat only", M(SC_SYMLINKAT), 0, X86_64, 88, 0, 0, RET_ALLOW },
	{ "aarch64", SYMS, 0, AUDIT_ARCH_AARCH64, 36, 0, 0, RET_TRACE },
	{ "aarch64 empty mask", 0, 0, AUDIT_ARCH_AARCH64, 172, 0, 0,
	  RET_TRACE },
	{ "arch 0", 0, 0, 0, 88, 0, 0, RET_TRACE },
	{ "x86_64 arch without the 64-bit flag", SYMS, 0,
	  AUDIT_ARCH_X86_64 & ~__AUDIT_ARCH_64BIT, 88, 0, 0, RET_TRACE },
	{ "clone UNTRACED", M(SC_CLONE), 0, X86_64, 56,
	  CLONE_UNTRACED | SIGCHLD, 0, RET_TRACE },
	{ "clone plain", M(SC_CLONE), 0, X86_64, 56,
	  CLONE_VM | CLONE_THREAD | CLONE_SIGHAND, 0, RET_ALLOW },
	{ "clone UNTRACED in high word", M(SC_CLONE), 0, X86_64, 56,
	  (uint64_t)CLONE_UNTRACED << 32, 0, RET_ALLOW },
	{ "clone not in mask", SYMS, 0, X86_64, 56, CLONE_UNTRACED, 0,
	  RET_ALLOW },
	{ "i386 clone UNTRACED", M(SC_CLONE), 0, I386, 120, CLONE_UNTRACED,
	  0, RET_TRACE },
	{ "i386 clone plain", M(SC_CLONE), 0, I386, 120, SIGCHLD, 0,
	  RET_ALLOW },
	{ "x32 clone UNTRACED", M(SC_CLONE), 0, X86_64, X32_BIT | 56,
	  CLONE_UNTRACED, 0, RET_TRACE },
	{ "x32 clone plain", M(SC_CLONE), 0, X86_64, X32_BIT | 56, 0, 0,
	  RET_ALLOW },
	{ "clone NEWNS", M(SC_CLONE), 0, X86_64, 56, CLONE_NEWNS | SIGCHLD,
	  0, RET_TRACE },
	{ "clone NEWUSER|NEWNS", M(SC_CLONE), 0, X86_64, 56,
	  CLONE_NEWUSER | CLONE_NEWNS | SIGCHLD, 0, RET_TRACE },
	{ "clone NEWUSER|NEWPID|NEWNET", M(SC_CLONE), 0, X86_64, 56,
	  CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | SIGCHLD, 0,
	  RET_ALLOW },
	{ "clone NEWNS in high word", M(SC_CLONE), 0, X86_64, 56,
	  (uint64_t)CLONE_NEWNS << 32, 0, RET_ALLOW },
	{ "i386 clone NEWNS", M(SC_CLONE), 0, I386, 120, CLONE_NEWNS, 0,
	  RET_TRACE },
	{ "x32 clone NEWNS", M(SC_CLONE), 0, X86_64, X32_BIT | 56,
	  CLONE_NEWNS, 0, RET_TRACE },
	{ "unshare NEWNS", M(SC_UNSHARE), 0, X86_64, 272, CLONE_NEWNS, 0,
	  RET_TRACE },
	{ "unshare NEWUSER|NEWNS", M(SC_UNSHARE), 0, X86_64, 272,
	  CLONE_NEWUSER | CLONE_NEWNS, 0, RET_TRACE },
	{ "unshare NEWUSER watched", M(SC_UNSHARE), 0, X86_64, 272,
	  CLONE_NEWUSER, 0, RET_TRACE },
	{ "unshare NEWNS in arg 1", M(SC_UNSHARE), 0, X86_64, 272, 0,
	  CLONE_NEWNS, RET_ALLOW },
	{ "unshare UNTRACED", M(SC_UNSHARE), 0, X86_64, 272, CLONE_UNTRACED,
	  0, RET_ALLOW },
	{ "unshare not in mask", SYMS | M(SC_CLONE), 0, X86_64, 272,
	  CLONE_NEWNS, 0, RET_ALLOW },
	{ "i386 unshare NEWNS", M(SC_UNSHARE), 0, I386, 310, CLONE_NEWNS, 0,
	  RET_TRACE },
	{ "i386 unshare NEWNET", M(SC_UNSHARE), 0, I386, 310, CLONE_NEWNET,
	  0, RET_ALLOW },
	{ "x32 unshare NEWNS", M(SC_UNSHARE), 0, X86_64, X32_BIT | 272,
	  CLONE_NEWNS, 0, RET_TRACE },
	{ "setns any type", M(SC_SETNS), 0, X86_64, 308, 3, 0, RET_TRACE },
	{ "setns NEWNS", M(SC_SETNS), 0, X86_64, 308, 3, CLONE_NEWNS,
	  RET_TRACE },
	{ "setns pidfd NEWUSER|NEWNS", M(SC_SETNS), 0, X86_64, 308, 3,
	  CLONE_NEWUSER | CLONE_NEWNS, RET_TRACE },
	{ "setns NEWNET", M(SC_SETNS), 0, X86_64, 308, 3, CLONE_NEWNET,
	  RET_ALLOW },
	{ "setns NEWNS in arg 0 only", M(SC_SETNS), 0, X86_64, 308,
	  CLONE_NEWNS, CLONE_NEWNET, RET_ALLOW },
	/* A new user namespace: traced (deny mode learns the caller's new
	 * credentials), not refused (door_open). */
	{ "setns NEWUSER watched", M(SC_SETNS), 0, X86_64, 308, 3,
	  CLONE_NEWUSER, RET_TRACE },
	/* nstype is an int: a high word does not make it nonzero. */
	{ "setns 0 with junk high word", M(SC_SETNS), 0, X86_64, 308, 3,
	  0xdead00000000ull, RET_TRACE },
	{ "setns NEWNET, NEWNS in high word", M(SC_SETNS), 0, X86_64, 308,
	  3, ((uint64_t)CLONE_NEWNS << 32) | CLONE_NEWNET, RET_ALLOW },
	{ "i386 setns any type", M(SC_SETNS), 0, I386, 346, 3, 0,
	  RET_TRACE },
	{ "i386 setns NEWUTS", M(SC_SETNS), 0, I386, 346, 3, CLONE_NEWUTS,
	  RET_ALLOW },
	{ "x32 setns NEWNS", M(SC_SETNS), 0, X86_64, X32_BIT | 308, 3,
	  CLONE_NEWNS, RET_TRACE },
	{ "x32 setns NEWIPC", M(SC_SETNS), 0, X86_64, X32_BIT | 308, 3,
	  CLONE_NEWIPC, RET_ALLOW },
	{ "i386 pselect6 (x86_64's setns nr)", M(SC_SETNS), 0, I386, 308, 3,
	  0, RET_ALLOW },
	{ "seccomp listener", M(SC_SECCOMP), 0, X86_64, 317,
	  SECCOMP_SET_MODE_FILTER, NEW_LISTENER, RET_TRACE },
	{ "seccomp listener+tsync", M(SC_SECCOMP), 0, X86_64, 317,
	  SECCOMP_SET_MODE_FILTER,
	  NEW_LISTENER | SECCOMP_FILTER_FLAG_TSYNC, RET_TRACE },
	{ "seccomp filter", M(SC_SECCOMP), 0, X86_64, 317,
	  SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, RET_ALLOW },
	{ "seccomp strict + listener flag", M(SC_SECCOMP), 0, X86_64, 317,
	  SECCOMP_SET_MODE_STRICT, NEW_LISTENER, RET_ALLOW },
	{ "seccomp get_action_avail", M(SC_SECCOMP), 0, X86_64, 317,
	  SECCOMP_GET_ACTION_AVAIL, NEW_LISTENER, RET_ALLOW },
	/* The kernel takes op and flags as unsigned int: junk in the high
	 * words must not hide a listener. */
	{ "seccomp listener, junk high words", M(SC_SECCOMP), 0, X86_64, 317,
	  0xdead000000000000ull | SECCOMP_SET_MODE_FILTER,
	  0xbeef000000000000ull | NEW_LISTENER, RET_TRACE },
	{ "i386 seccomp listener", M(SC_SECCOMP), 0, I386, 354,
	  SECCOMP_SET_MODE_FILTER, NEW_LISTENER, RET_TRACE },
	{ "i386 seccomp filter", M(SC_SECCOMP), 0, I386, 354,
	  SECCOMP_SET_MODE_FILTER, 0, RET_ALLOW },
	{ "x32 seccomp listener", M(SC_SECCOMP), 0, X86_64, X32_BIT | 317,
	  SECCOMP_SET_MODE_FILTER, NEW_LISTENER, RET_TRACE },
	{ "clone3 enosys", SYMS, M(SC_CLONE3), X86_64, 435, 0, 0,
	  RET_ENOSYS },
	{ "i386 clone3 enosys", SYMS, M(SC_CLONE3), I386, 435, 0, 0,
	  RET_ENOSYS },
	{ "x32 clone3 enosys", SYMS, M(SC_CLONE3), X86_64, X32_BIT | 435, 0,
	  0, RET_ENOSYS },
	{ "clone3 traced", M(SC_CLONE3), 0, X86_64, 435, 0, 0, RET_TRACE },
	{ "clone3 in both masks", M(SC_CLONE3), M(SC_CLONE3), X86_64, 435, 0,
	  0, RET_ENOSYS },
	{ "clone3 enosys, symlink still traced", SYMS, M(SC_CLONE3), X86_64,
	  88, 0, 0, RET_TRACE },
	{ "io_uring_setup", ALL_SC, 0, X86_64, 425, 0, 0, RET_TRACE },
	{ "setuid watched", M(SC_SETCRED), 0, X86_64, 105, 0, 0, RET_TRACE },
	{ "capset watched", M(SC_SETCRED), 0, X86_64, 126, 0, 0, RET_TRACE },
	{ "x32 setresuid watched", M(SC_SETCRED), 0, X86_64, X32_BIT | 117,
	  0, 0, RET_TRACE },
	{ "i386 setuid32 watched", M(SC_SETCRED), 0, I386, 213, 0, 0,
	  RET_TRACE },
	{ "i386 setuid (16-bit) watched", M(SC_SETCRED), 0, I386, 23, 0, 0,
	  RET_TRACE },
	{ "setuid not watched", SYMS, 0, X86_64, 105, 0, 0, RET_ALLOW },
	{ "chroot watched", M(SC_CHROOT), 0, X86_64, 161, 0, 0, RET_TRACE },
	{ "i386 pivot_root watched", M(SC_CHROOT), 0, I386, 217, 0, 0,
	  RET_TRACE },
	{ "i386 linkat", ALL_SC, 0, I386, 303, 0, 0, RET_TRACE },
	{ "x86_64 renameat2", ALL_SC, 0, X86_64, 316, 0, 0, RET_TRACE },
	{ "x86_64 getpid, all", ALL_SC, ALL_SC, X86_64, 39, 0, 0, RET_ALLOW },
};

START_TEST(test_rows)
{
	const struct row *r = &rows[_i];
	struct built b;
	uint32_t got;

	build_ok(&b, r->trace, r->enosys);
	got = run(&b, r->arch, r->nr, r->a0, r->a1);
	ck_assert_msg(got == r->want, "%s: got %s (%#x), want %s", r->what,
		      ret_name(got), got, ret_name(r->want));
}
END_TEST

/* ---- every ABI x every sysc x masks x arguments, against the model ---- */

static const uint64_t arg_sets[][2] = {
	{ 0, 0 },
	{ CLONE_UNTRACED | SIGCHLD, 0 },
	{ (uint64_t)CLONE_UNTRACED << 32, 0 },
	{ SECCOMP_SET_MODE_FILTER, NEW_LISTENER },
	{ SECCOMP_SET_MODE_FILTER, 0 },
	{ 0x100000000ull | SECCOMP_SET_MODE_FILTER, NEW_LISTENER },
	{ SECCOMP_SET_MODE_FILTER, NEW_LISTENER << 32 },
	{ CLONE_NEWNS | SIGCHLD, 0 },
	{ (uint64_t)CLONE_NEWNS << 32, CLONE_NEWNET },
	{ 3, CLONE_NEWNS },
	{ 3, CLONE_NEWNET },
	{ 3, CLONE_NEWUSER | CLONE_NEWNS },
	{ CLONE_NEWNS, (uint64_t)CLONE_NEWNS << 32 },
};

static int check_against_model(unsigned trace, unsigned enosys,
			       uint32_t arch, uint32_t nr)
{
	struct filter_spec spec = { .trace_mask = trace,
				    .enosys_mask = enosys };
	struct built b;
	int n = 0;

	build_ok(&b, trace, enosys);
	for (size_t k = 0; k < sizeof(arg_sets) / sizeof(arg_sets[0]); k++) {
		/* The same words run() puts in args[2..5]. */
		uint64_t args[6] = { arg_sets[k][0], arg_sets[k][1], 0x1111,
				     0x2222, 0x3333, 0x4444 };
		uint32_t want = model(&spec, arch, nr, args);
		uint32_t got = run(&b, arch, nr, args[0], args[1]);

		ck_assert_msg(got == want,
			      "trace=%#x enosys=%#x arch=%#x nr=%#x "
			      "args=%#" PRIx64 ",%#" PRIx64
			      ": got %s, want %s",
			      trace, enosys, arch, nr, args[0], args[1],
			      ret_name(got), ret_name(want));
		n++;
	}
	return n;
}

START_TEST(test_matrix)
{
	int n = 0;

	for (size_t i = 0; i < arch_nabis; i++) {
		const struct arch_abi_desc *d = &arch_abis[i];

		for (int sc = SC_NONE + 1; sc < SC_COUNT; sc++) {
			const unsigned traces[] = { 0, M(sc), ALL_SC,
						    ALL_SC & ~M(sc), SYMS };
			const unsigned enosyses[] = { 0, M(sc),
						      M(SC_CLONE3) };
			uint32_t nr;

			if (d->nr[sc] < 0)
				continue;
			nr = (uint32_t)d->nr[sc] | d->nr_bit;
			for (size_t t = 0; t < 5; t++)
				for (size_t e = 0; e < 3; e++)
					n += check_against_model(
						traces[t], enosyses[e],
						d->audit_arch, nr);
		}
	}
	ck_assert_int_gt(n, 1000);
}
END_TEST

/* Numbers that are not in the table, with and without the ABIs' bits. */
/* ---- the C check at the stop against the filter: one table ---- */

/* For every side door, on every ABI, every argument set: the check made
 * at a stop (door_open) refuses exactly the calls the filter traces. */
START_TEST(test_doors_match_filter)
{
	struct built b;
	int n = 0;

	build_ok(&b, ALL_SC, 0);
	for (size_t i = 0; i < ndoors; i++) {
		const struct door *d = &doors[i];

		for (size_t a = 0; a < arch_nabis; a++) {
			const struct arch_abi_desc *x = &arch_abis[a];
			int64_t nr = x->nr[d->sc];

			if (nr < 0)
				continue;
			for (size_t k = 0;
			     k < sizeof(arg_sets) / sizeof(arg_sets[0]); k++) {
				uint64_t args[6] = { arg_sets[k][0],
						     arg_sets[k][1], 0x1111,
						     0x2222, 0x3333, 0x4444 };
				uint32_t got = run(&b, x->audit_arch,
						   (uint32_t)nr | x->nr_bit,
						   args[0], args[1]);
				bool open = door_traced(d, args);

				/* The refusal never reaches beyond what is
				 * traced. */
				ck_assert(!door_open(d, args) || open);
				ck_assert_msg((got == RET_TRACE) == open,
					      "%s on %s, args %#" PRIx64
					      ",%#" PRIx64 ": filter %s, "
					      "check %s",
					      sysc_name(d->sc),
					      abi_name(x->abi), args[0],
					      args[1], ret_name(got),
					      open ? "refuses" : "lets pass");
				n++;
			}
		}
	}
	ck_assert_int_gt(n, 40);
}
END_TEST

START_TEST(test_other_numbers)
{
	static const uint32_t nrs[] = {
		0, 1, 20, 39, 59, 87, 89, 255, 265, 267, 512, 1000,
		0x3fffffff, 0x7fffffff, 0x80000000, 0xbfffffff, 0xffffffff,
	};
	static const uint32_t arches[] = { AUDIT_ARCH_AARCH64,
					   AUDIT_ARCH_I386 | 0x1000, 0 };

	for (size_t i = 0; i < arch_nabis; i++)
		for (size_t k = 0; k < sizeof(nrs) / sizeof(nrs[0]); k++) {
			uint32_t arch = arch_abis[i].audit_arch;

			check_against_model(ALL_SC, 0, arch, nrs[k]);
			check_against_model(ALL_SC, 0, arch,
					    nrs[k] | X32_BIT);
			check_against_model(SYMS, M(SC_CLONE3), arch,
					    nrs[k] | arch_abis[i].nr_bit);
			check_against_model(0, 0, arch, nrs[k]);
		}
	for (size_t a = 0; a < sizeof(arches) / sizeof(arches[0]); a++) {
		struct built b;

		build_ok(&b, 0, 0);
		for (size_t k = 0; k < sizeof(nrs) / sizeof(nrs[0]); k++)
			ck_assert_uint_eq(run(&b, arches[a], nrs[k], 0, 0),
					  RET_TRACE);
	}
}
END_TEST

/* ---- limits and edge cases ---- */

START_TEST(test_lengths)
{
	struct built b1, b2;

	build_ok(&b1, SYMS, 0);
	ck_assert_int_le(b1.len, 32);
	build_ok(&b2, ALL_SC, ALL_SC);
	ck_assert_int_le(b2.len, 160);
	build_ok(&b2, ALL_SC, 0);
	ck_assert_int_le(b2.len, 160);
	build_ok(&b2, 0, 0);
	ck_assert_int_lt(b2.len, b1.len);
	build_ok(&b2, 0, ALL_SC);
	build_ok(&b2, ~0u, ~0u);
}
END_TEST

START_TEST(test_deterministic_and_bounded)
{
	struct filter_spec spec = {
		.trace_mask = SYMS | M(SC_CLONE),
		.enosys_mask = M(SC_CLONE3),
	};
	struct sock_filter p1[SECCOMP_FILTER_MAX], p2[SECCOMP_FILTER_MAX];
	int n1, n2;

	memset(p1, 0xa5, sizeof(p1));
	memset(p2, 0x5a, sizeof(p2));
	n1 = seccomp_build(&spec, p1);
	n2 = seccomp_build(&spec, p2);
	ck_assert_int_gt(n1, 0);
	ck_assert_int_eq(n1, n2);
	ck_assert_mem_eq(p1, p2, n1 * sizeof(p1[0]));
	/* Nothing written past the returned length. */
	for (size_t i = n1 * sizeof(p1[0]); i < sizeof(p1); i++)
		ck_assert_uint_eq(((unsigned char *)p1)[i], 0xa5);
}
END_TEST

/* Bits beyond SC_COUNT and SC_NONE mean nothing. */
START_TEST(test_unknown_bits_ignored)
{
	struct built b1, b2;

	build_ok(&b1, SYMS, M(SC_CLONE3));
	build_ok(&b2, SYMS | M(SC_NONE) | M(SC_COUNT) | 0x80000000u,
		 M(SC_CLONE3) | M(SC_NONE) | 0x40000000u);
	ck_assert_int_eq(b1.len, b2.len);
	ck_assert_mem_eq(b1.prog, b2.prog, b1.len * sizeof(b1.prog[0]));
}
END_TEST

/* ---- the real kernel ---- */

enum child_fail {
	CH_OK = 0,
	CH_BUILD = 10,
	CH_INSTALL,
	CH_SYMLINKAT,
	CH_SYMLINK,
	CH_INT80,
	CH_X32,
	CH_GETPPID,
	CH_MKDIR,
	CH_MMAP,
	CH_CLONE3,
	CH_FORK,
	CH_CLONE_UNTRACED,
	CH_SECCOMP_LISTENER,
	CH_SECCOMP_OTHER,
	CH_NNP,
	CH_SETUID,
	CH_CLONE_NEWNS,
	CH_UNSHARE_NEWNS,
	CH_UNSHARE_OTHER,
	CH_SETNS_NEWNS,
	CH_SETNS_OTHER,
	CH_END,
};

static const char *const child_fail_names[] = {
	[CH_BUILD] = "seccomp_build failed",
	[CH_INSTALL] = "seccomp_install failed",
	[CH_SYMLINKAT] = "symlinkat did not fail with ENOSYS",
	[CH_SYMLINK] = "symlink did not fail with ENOSYS",
	[CH_INT80] = "int $0x80 symlink did not return -ENOSYS",
	[CH_X32] = "x32 symlinkat did not fail with ENOSYS",
	[CH_GETPPID] = "getppid failed",
	[CH_MKDIR] = "mkdir failed",
	[CH_MMAP] = "mmap(MAP_32BIT) failed",
	[CH_CLONE3] = "clone3 did not fail with ENOSYS",
	[CH_FORK] = "fork failed under the filter",
	[CH_CLONE_UNTRACED] = "clone(CLONE_UNTRACED) did not fail",
	[CH_SECCOMP_LISTENER] = "seccomp(NEW_LISTENER) did not fail",
	[CH_SECCOMP_OTHER] = "plain seccomp() calls failed",
	[CH_NNP] = "NO_NEW_PRIVS in the wrong state",
	[CH_SETUID] = "could not drop root",
	[CH_CLONE_NEWNS] = "clone(CLONE_NEWNS) did not fail",
	[CH_UNSHARE_NEWNS] = "unshare(CLONE_NEWNS) did not fail with ENOSYS",
	[CH_UNSHARE_OTHER] = "unshare(0) failed",
	[CH_SETNS_NEWNS] = "setns(fd, 0 or CLONE_NEWNS) did not fail with "
			   "ENOSYS",
	[CH_SETNS_OTHER] = "setns(-1, CLONE_NEWNET) did not reach the kernel "
			   "(EBADF)",
};

/* Fork, run fn(arg) in the child, return its exit code. */
static int in_child(int (*fn)(const void *), const void *arg)
{
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(fn(arg));
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st), "child killed by signal %d",
		      WIFSIGNALED(st) ? WTERMSIG(st) : -1);
	return WEXITSTATUS(st);
}

static void assert_child_ok(int code)
{
	ck_assert_msg(code == CH_OK, "child failed (%d): %s", code,
		      code >= CH_BUILD && code < CH_END ?
			      child_fail_names[code] : "?");
}

static int install(unsigned trace, unsigned enosys, bool nnp)
{
	struct filter_spec spec = { .trace_mask = trace,
				    .enosys_mask = enosys };
	struct sock_filter prog[SECCOMP_FILTER_MAX];
	int len = seccomp_build(&spec, prog);

	if (len <= 0)
		return -ENOMEM;
	return seccomp_install(prog, len, nnp);
}

#if defined(__x86_64__)
/* An i386 system call from 64-bit code: pointers must be below 4 GiB. */
static long int80_2(long nr, const void *a, const void *b)
{
	long ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"((uint32_t)(uintptr_t)a),
			   "c"((uint32_t)(uintptr_t)b)
			 : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

static int probe_int80(const void *unused)
{
	(void)unused;
	return int80_2(20 /* i386 getpid */, NULL, NULL) == getpid() ? 0 : 1;
}
#endif

struct symlink_args {
	const char *dir;
	bool int80;
};

static int child_symlink(const void *p)
{
	const struct symlink_args *a = p;
	char path[PATH_MAX];
	pid_t ppid = getppid();

	if (install(SYMS, 0, true) < 0)
		return CH_INSTALL;

	snprintf(path, sizeof(path), "%s/a", a->dir);
	errno = 0;
	if (syscall(SYS_symlinkat, "t", AT_FDCWD, path) != -1 ||
	    errno != ENOSYS)
		return CH_SYMLINKAT;
	snprintf(path, sizeof(path), "%s/b", a->dir);
	errno = 0;
	if (syscall(SYS_symlink, "t", path) != -1 || errno != ENOSYS)
		return CH_SYMLINK;
#if defined(__x86_64__)
	if (a->int80) {
		char *low = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1,
				 0);

		if (low == MAP_FAILED || (uintptr_t)low > 0xffffffffu - 4096)
			return CH_MMAP;
		strcpy(low, "t");
		snprintf(low + 16, 4096 - 16, "%s/c", a->dir);
		if (int80_2(83 /* i386 symlink */, low, low + 16) != -ENOSYS)
			return CH_INT80;
		munmap(low, 4096);
	}
	/* This kernel may lack x32 and fail it with ENOSYS anyway; the
	 * interpreter tests show the filter traces it. */
	snprintf(path, sizeof(path), "%s/d", a->dir);
	errno = 0;
	if (syscall(X32_BIT | 266, "t", AT_FDCWD, path) != -1 ||
	    errno != ENOSYS)
		return CH_X32;
#endif
	if (getppid() != ppid)
		return CH_GETPPID;
	snprintf(path, sizeof(path), "%s/m", a->dir);
	if (mkdir(path, 0700) < 0)
		return CH_MKDIR;
	return CH_OK;
}

START_TEST(test_kernel_symlink)
{
	char dir[] = "/tmp/check_seccomp.XXXXXX";
	struct symlink_args a = { .dir = dir, .int80 = false };
	static const char *const links[] = { "a", "b", "c", "d" };
	char path[PATH_MAX];
	struct stat sb;
	bool link_made[4], mkdir_made;
	int code;

	ck_assert_ptr_nonnull(mkdtemp(dir));
#if defined(__x86_64__)
	a.int80 = in_child(probe_int80, NULL) == 0;
	if (!a.int80)
		fprintf(stderr, "check_seccomp: int $0x80 unavailable, "
				"i386 part skipped\n");
#endif
	code = in_child(child_symlink, &a);

	/* Clean up before asserting. */
	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, links[i]);
		link_made[i] = lstat(path, &sb) == 0;
		if (link_made[i])
			unlink(path);
	}
	snprintf(path, sizeof(path), "%s/m", dir);
	mkdir_made = rmdir(path) == 0;
	ck_assert_int_eq(rmdir(dir), 0);

	assert_child_ok(code);
	for (size_t i = 0; i < 4; i++)
		ck_assert_msg(!link_made[i], "link %s was created", links[i]);
	ck_assert(mkdir_made);
}
END_TEST

struct clone_args_v0 {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
		stack_size, tls;
};

/* Returns true if the clone-like call was refused with ENOSYS; a call that
 * went through is reaped (the new process exits at once). */
static bool refused(long r)
{
	int st;

	if (r == 0)
		_exit(0); /* the new process */
	if (r > 0) {
		waitpid((pid_t)r, &st, __WALL);
		return false;
	}
	return errno == ENOSYS;
}

static int child_clone3(const void *unused)
{
	struct clone_args_v0 ca = { .exit_signal = SIGCHLD };
	pid_t pid;
	int st;

	(void)unused;
	if (install(SYMS, M(SC_CLONE3), true) < 0)
		return CH_INSTALL;
	errno = 0;
	if (!refused(syscall(SYS_clone3, &ca, sizeof(ca))))
		return CH_CLONE3;
	/* clone itself still works: libc's fork. */
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		_exit(7);
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 7)
		return CH_FORK;
	return CH_OK;
}

START_TEST(test_kernel_clone3)
{
	assert_child_ok(in_child(child_clone3, NULL));
}
END_TEST

static int child_side_doors(const void *unused)
{
	struct sock_filter allow[] = {
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog fp = { .len = 1, .filter = allow };
	uint32_t action = SECCOMP_RET_ALLOW;
	pid_t pid;
	int st;

	(void)unused;
	if (install(M(SC_CLONE) | M(SC_SECCOMP) | M(SC_UNSHARE) | M(SC_SETNS),
		    0, true) < 0)
		return CH_INSTALL;
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		_exit(7);
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 7)
		return CH_FORK;
	errno = 0;
	if (!refused(syscall(SYS_clone, CLONE_UNTRACED | SIGCHLD, 0, 0, 0,
			     0)))
		return CH_CLONE_UNTRACED;
	errno = 0;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		    SECCOMP_FILTER_FLAG_NEW_LISTENER, &fp) != -1 ||
	    errno != ENOSYS)
		return CH_SECCOMP_LISTENER;
	if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) != 0)
		return CH_SECCOMP_OTHER;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp) != 0)
		return CH_SECCOMP_OTHER;
	/* Mount namespaces: without a tracer, RET_TRACE fails the call
	 * with ENOSYS before the kernel looks at its arguments. */
	errno = 0;
	if (!refused(syscall(SYS_clone, CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0)))
		return CH_CLONE_NEWNS;
	errno = 0;
	if (syscall(SYS_unshare, CLONE_NEWUSER | CLONE_NEWNS) != -1 ||
	    errno != ENOSYS)
		return CH_UNSHARE_NEWNS;
	if (syscall(SYS_unshare, 0) != 0)
		return CH_UNSHARE_OTHER;
	errno = 0;
	if (syscall(SYS_setns, -1, 0) != -1 || errno != ENOSYS)
		return CH_SETNS_NEWNS;
	errno = 0;
	if (syscall(SYS_setns, -1, CLONE_NEWNS) != -1 || errno != ENOSYS)
		return CH_SETNS_NEWNS;
	errno = 0;
	if (syscall(SYS_setns, -1, CLONE_NEWNET) != -1 || errno != EBADF)
		return CH_SETNS_OTHER;
	return CH_OK;
}

START_TEST(test_kernel_side_doors)
{
	assert_child_ok(in_child(child_side_doors, NULL));
}
END_TEST

/* As root (CAP_SYS_ADMIN), installing without NO_NEW_PRIVS works and
 * leaves NO_NEW_PRIVS clear. */
static int child_no_nnp_root(const void *unused)
{
	(void)unused;
	if (install(SYMS, 0, false) != 0)
		return CH_INSTALL;
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 0)
		return CH_NNP;
	return CH_OK;
}

/* Without CAP_SYS_ADMIN it needs NO_NEW_PRIVS. */
static int child_no_nnp_user(const void *unused)
{
	(void)unused;
	if (geteuid() == 0 &&
	    (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0))
		return CH_SETUID;
	if (install(SYMS, 0, false) != -EACCES)
		return CH_INSTALL;
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 0)
		return CH_NNP;
	if (install(SYMS, 0, true) != 0)
		return CH_INSTALL;
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return CH_NNP;
	return CH_OK;
}

START_TEST(test_kernel_install)
{
	struct sock_filter one = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);

	ck_assert_int_eq(seccomp_install(&one, 0, true), -EINVAL);
	ck_assert_int_eq(seccomp_install(&one, SECCOMP_FILTER_MAX + 1, true),
			 -EINVAL);
	if (geteuid() == 0)
		assert_child_ok(in_child(child_no_nnp_root, NULL));
	assert_child_ok(in_child(child_no_nnp_user, NULL));
}
END_TEST

static Suite *seccomp_suite(void)
{
	Suite *s = suite_create("seccomp");
	TCase *tc;

	tc = tcase_create("interpreter");
	tcase_add_test(tc, test_bpf_tools);
	suite_add_tcase(s, tc);

	tc = tcase_create("filter");
	tcase_add_loop_test(tc, test_rows, 0,
			    (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_test(tc, test_matrix);
	tcase_add_test(tc, test_other_numbers);
	tcase_add_test(tc, test_doors_match_filter);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_test(tc, test_lengths);
	tcase_add_test(tc, test_deterministic_and_bounded);
	tcase_add_test(tc, test_unknown_bits_ignored);
	suite_add_tcase(s, tc);

	tc = tcase_create("kernel");
	tcase_add_test(tc, test_kernel_symlink);
	tcase_add_test(tc, test_kernel_clone3);
	tcase_add_test(tc, test_kernel_side_doors);
	tcase_add_test(tc, test_kernel_install);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(seccomp_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
