/* seccomp.c - the BPF prefilter: build (pure) and install.
 *
 * Layout of the generated program (all jumps go forward):
 *
 *	ld  arch
 *	jeq AUDIT_ARCH_A, arch_A	one per distinct audit_arch,
 *	jeq AUDIT_ARCH_B, arch_B	in arch_abis[] order
 *	ret TRACE			unknown arch: fail closed
 * arch_A:
 *	ld  nr
 *	jset NR_BIT_X, abi_X		per ABI of this audit_arch that
 *					sets a bit in nr (x32)
 *	jset UNCLAIMED, ret_trace	mask bit of the plain ABI that no
 *					ABI claims: fail closed
 *	jeq NR(sc), LABEL		the plain ABI; LABEL is ret_trace,
 *	...				ret_enosys or one of the argument
 *					tests of the tail
 *	ret ALLOW
 * abi_X:
 *	jeq NR(sc) | NR_BIT_X, LABEL	the same for ABI X
 *	ret ALLOW
 * arch_B:
 *	...
 * door_N:				shared tail: the argument tests of
 *	ld  args[ARG] (low word)	the side doors that have some
 *	jset/jeq K, ...			(sidedoor.c: one table for this
 *	...				and for the check at the stop);
 *					each only when something jumps
 *					to it
 * ret_trace:	ret TRACE
 * ret_allow:	ret ALLOW
 * ret_enosys:	ret ERRNO | ENOSYS
 *
 * The shared returns sit at the end of the program, so every conditional
 * jump is forward.  A program of at most SECCOMP_FILTER_MAX (256)
 * instructions cannot need an offset above 254, but the builder checks each
 * offset anyway and fails with -1 rather than emit a wrong jump.
 *
 * The generator knows nothing of x86: it walks arch_abis[] and doors[]
 * only.  The doors' argument positions hold on every ABI (sidedoor.c). */
#include "seccomp.h"

#include "sidedoor.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SECCOMP_RET_ERRNO
#define SECCOMP_RET_ERRNO 0x00050000U
#endif
#ifndef SECCOMP_RET_TRACE
#define SECCOMP_RET_TRACE 0x7ff00000U
#endif
#ifndef SECCOMP_RET_DATA
#define SECCOMP_RET_DATA 0x0000ffffU
#endif
#if !defined(SYS_seccomp) && defined(__NR_seccomp)
#define SYS_seccomp __NR_seccomp
#endif

/* The low 32 bits of seccomp_data.args[i] (args are host-endian u64). */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define ARG_LO(i) (offsetof(struct seccomp_data, args[0]) + 8 * (i) + 4)
#else
#define ARG_LO(i) (offsetof(struct seccomp_data, args[0]) + 8 * (i))
#endif

/* Jump targets are labels, resolved when the program is complete. */
enum {
	LBL_NEXT = -1, /* offset 0: the next instruction */
	LBL_TRACE = 0, /* the shared tail */
	LBL_ALLOW,
	LBL_ENOSYS,
	LBL_DOOR,      /* LBL_DOOR + i: the tests of doors[i] */
	LBL_FIRST_DYNAMIC = LBL_DOOR + 16, /* arch and ABI blocks */
};

/* At most one label per instruction, plus the fixed ones. */
#define MAX_LABELS (SECCOMP_FILTER_MAX + LBL_FIRST_DYNAMIC)

struct builder {
	struct sock_filter *prog;
	int len;
	bool overflow;
	int jt[SECCOMP_FILTER_MAX]; /* label of each jump, or LBL_NEXT */
	int jf[SECCOMP_FILTER_MAX];
	int pos[MAX_LABELS]; /* instruction index of each label, -1 unset */
	bool used[MAX_LABELS];
	int nlabels;
};

static int new_label(struct builder *b)
{
	if (b->nlabels >= MAX_LABELS) {
		b->overflow = true;
		return LBL_NEXT;
	}
	return b->nlabels++;
}

static void place(struct builder *b, int lbl)
{
	if (lbl >= 0 && lbl < b->nlabels)
		b->pos[lbl] = b->len;
}

static void emit(struct builder *b, uint16_t code, uint32_t k, int jt, int jf)
{
	if (b->len >= SECCOMP_FILTER_MAX) {
		b->overflow = true;
		return;
	}
	b->prog[b->len] = (struct sock_filter)BPF_JUMP(code, k, 0, 0);
	b->jt[b->len] = jt;
	b->jf[b->len] = jf;
	if (jt >= 0)
		b->used[jt] = true;
	if (jf >= 0)
		b->used[jf] = true;
	b->len++;
}

static void emit_stmt(struct builder *b, uint16_t code, uint32_t k)
{
	emit(b, code, k, LBL_NEXT, LBL_NEXT);
}

/* Resolve one jump; false if the target is behind or out of reach. */
static bool resolve(const struct builder *b, int pc, int lbl, uint8_t *off)
{
	int target, d;

	if (lbl == LBL_NEXT) {
		*off = 0;
		return true;
	}
	target = b->pos[lbl];
	d = target - (pc + 1);
	if (target < 0 || target >= b->len || d < 0 || d > UINT8_MAX)
		return false;
	*off = (uint8_t)d;
	return true;
}

static bool in_mask(unsigned mask, int sc)
{
	return sc < (int)(sizeof(mask) * 8) && (mask & (1u << sc));
}

/* The comparisons of one ABI, then "ret ALLOW" for everything else.  The
 * accumulator holds seccomp_data.nr. */
static int emit_abi(struct builder *b, const struct filter_spec *spec,
		    const struct arch_abi_desc *d)
{
	for (int sc = SC_NONE + 1; sc < SC_COUNT; sc++) {
		const struct door *door;
		int64_t nr = d->nr[sc];
		int lbl;

		if (nr < 0)
			continue;
		if (nr > UINT32_MAX || ((uint64_t)nr & d->nr_bit))
			return -1; /* not a seccomp_data.nr value */
		/* ENOSYS wins over TRACE: the call could not run anyway. */
		if (in_mask(spec->enosys_mask, sc))
			lbl = LBL_ENOSYS;
		else if (!in_mask(spec->trace_mask, sc))
			continue;
		else if ((door = door_find((enum sysc)sc)) && door->ntests)
			lbl = LBL_DOOR + (int)(door - doors);
		else
			lbl = LBL_TRACE;
		emit(b, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr | d->nr_bit,
		     lbl, LBL_NEXT);
	}
	/* The further numbers of some calls: traced (no argument test). */
	for (const struct arch_extra_nr *e = d->extra; e && e->sc != SC_NONE;
	     e++) {
		if (e->nr < 0 || e->nr > UINT32_MAX ||
		    ((uint64_t)e->nr & d->nr_bit))
			return -1;
		if (in_mask(spec->enosys_mask, e->sc))
			emit(b, BPF_JMP | BPF_JEQ | BPF_K,
			     (uint32_t)e->nr | d->nr_bit, LBL_ENOSYS, LBL_NEXT);
		else if (in_mask(spec->trace_mask, e->sc))
			emit(b, BPF_JMP | BPF_JEQ | BPF_K,
			     (uint32_t)e->nr | d->nr_bit, LBL_TRACE, LBL_NEXT);
	}
	emit_stmt(b, BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	return 0;
}

/* The block of one audit_arch: tell its ABIs apart by their nr bits, then
 * one emit_abi() each.  The ABIs with nr_bit are tried first; at most one
 * ABI without nr_bit (the "plain" one) takes what is left. */
static int emit_arch(struct builder *b, const struct filter_spec *spec,
		     uint32_t audit_arch)
{
	const struct arch_abi_desc *plain = NULL;
	int sub[MAX_LABELS];
	uint32_t claimed = 0, unclaimed;
	size_t i;

	emit_stmt(b, BPF_LD | BPF_W | BPF_ABS,
		  offsetof(struct seccomp_data, nr));
	for (i = 0; i < arch_nabis; i++) {
		const struct arch_abi_desc *d = &arch_abis[i];

		sub[i] = LBL_NEXT;
		if (d->audit_arch != audit_arch)
			continue;
		if (!d->nr_bit) {
			if (plain)
				return -1; /* two ABIs, no way to tell */
			plain = d;
			continue;
		}
		sub[i] = new_label(b);
		claimed |= d->nr_bit;
		emit(b, BPF_JMP | BPF_JSET | BPF_K, d->nr_bit, sub[i],
		     LBL_NEXT);
	}
	if (plain) {
		/* A bit the plain ABI must not see, and no ABI claims, means
		 * a call we cannot name: let the tracer decide. */
		unclaimed = plain->nr_mask_bit & ~claimed;
		if (unclaimed)
			emit(b, BPF_JMP | BPF_JSET | BPF_K, unclaimed,
			     LBL_TRACE, LBL_NEXT);
		if (emit_abi(b, spec, plain) < 0)
			return -1;
	} else {
		emit_stmt(b, BPF_RET | BPF_K, SECCOMP_RET_TRACE);
	}
	for (i = 0; i < arch_nabis; i++) {
		if (sub[i] == LBL_NEXT)
			continue;
		place(b, sub[i]);
		if (emit_abi(b, spec, &arch_abis[i]) < 0)
			return -1;
	}
	return 0;
}

/* The shared tail; each part only if something jumps to it. */
static void emit_tail(struct builder *b)
{
	/* The doors' tests, as sidedoor.h defines them: on the low 32 bits
	 * of the arguments; all of them (all) or any one must hold for the
	 * call to be traced (and refused at its stop). */
	for (size_t i = 0; i < ndoors && i < 16; i++) {
		const struct door *d = &doors[i];
		int loaded = -1;

		if (!b->used[LBL_DOOR + (int)i])
			continue;
		place(b, LBL_DOOR + (int)i);
		for (int t = 0; t < d->ntests; t++) {
			const struct door_test *x = &d->tests[t];
			bool last = t == d->ntests - 1;
			uint16_t op = x->op == DOOR_EQ ? BPF_JEQ : BPF_JSET;
			/* (A watched bit traces the call too.) */
			uint32_t k = x->k | (x->op == DOOR_SET ? x->watch : 0);

			if (x->arg != loaded) {
				emit_stmt(b, BPF_LD | BPF_W | BPF_ABS,
					  ARG_LO(x->arg));
				loaded = x->arg;
			}

			if (d->all)
				emit(b, BPF_JMP | op | BPF_K, k,
				     last ? LBL_TRACE : LBL_NEXT, LBL_ALLOW);
			else
				emit(b, BPF_JMP | op | BPF_K, k, LBL_TRACE,
				     last ? LBL_ALLOW : LBL_NEXT);
		}
	}
	if (b->used[LBL_TRACE]) {
		place(b, LBL_TRACE);
		emit_stmt(b, BPF_RET | BPF_K, SECCOMP_RET_TRACE);
	}
	if (b->used[LBL_ALLOW]) {
		place(b, LBL_ALLOW);
		emit_stmt(b, BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	}
	if (b->used[LBL_ENOSYS]) {
		place(b, LBL_ENOSYS);
		emit_stmt(b, BPF_RET | BPF_K,
			  SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA));
	}
}

int seccomp_build(const struct filter_spec *spec, struct sock_filter *prog)
{
	struct builder b;
	int arch_lbl[MAX_LABELS];
	size_t i, j;

	if (arch_nabis == 0 || arch_nabis > SECCOMP_FILTER_MAX)
		return -1;
	memset(&b, 0, sizeof(b));
	b.prog = prog;
	b.nlabels = LBL_FIRST_DYNAMIC;
	for (i = 0; i < MAX_LABELS; i++)
		b.pos[i] = -1;

	/* Dispatch on the audit arch: one jeq per distinct value. */
	emit_stmt(&b, BPF_LD | BPF_W | BPF_ABS,
		  offsetof(struct seccomp_data, arch));
	for (i = 0; i < arch_nabis; i++) {
		arch_lbl[i] = LBL_NEXT;
		for (j = 0; j < i; j++)
			if (arch_abis[j].audit_arch == arch_abis[i].audit_arch)
				break;
		if (j < i)
			continue; /* seen already */
		arch_lbl[i] = new_label(&b);
		emit(&b, BPF_JMP | BPF_JEQ | BPF_K, arch_abis[i].audit_arch,
		     arch_lbl[i], LBL_NEXT);
	}
	/* An arch we do not know (a new ABI, or a kernel reporting something
	 * unexpected) could name any call: fail closed, the tracer decides. */
	emit_stmt(&b, BPF_RET | BPF_K, SECCOMP_RET_TRACE);

	for (i = 0; i < arch_nabis; i++) {
		if (arch_lbl[i] == LBL_NEXT)
			continue;
		place(&b, arch_lbl[i]);
		if (emit_arch(&b, spec, arch_abis[i].audit_arch) < 0)
			return -1;
	}
	emit_tail(&b);
	if (b.overflow)
		return -1;

	for (int pc = 0; pc < b.len; pc++) {
		if (BPF_CLASS(prog[pc].code) != BPF_JMP ||
		    BPF_OP(prog[pc].code) == BPF_JA)
			continue;
		if (!resolve(&b, pc, b.jt[pc], &prog[pc].jt) ||
		    !resolve(&b, pc, b.jf[pc], &prog[pc].jf))
			return -1;
	}
	return b.len;
}

int seccomp_install(const struct sock_filter *prog, int len,
		    bool no_new_privs)
{
	struct sock_fprog fprog = {
		.len = (unsigned short)len,
		.filter = (struct sock_filter *)prog, /* not written to */
	};

	if (len <= 0 || len > SECCOMP_FILTER_MAX)
		return -EINVAL;
	/* Without NO_NEW_PRIVS the kernel accepts a filter only from a
	 * process with CAP_SYS_ADMIN in its user namespace.  Installing
	 * without it when we run as root is deliberate: NO_NEW_PRIVS would
	 * make setuid and file-capability programs inside the traced
	 * command (sudo, su, ping) run without their privileges and fail.
	 * The filter stays in force across their execs, so nothing escapes
	 * it.  What NO_NEW_PRIVS guards against is a filter that makes a
	 * privileged program's calls fail where it does not expect it; ours
	 * fails only what the spec asks (clone3, where libc falls back to
	 * clone on ENOSYS) and, with no tracer attached, the traced calls;
	 * and the kernel lets only a process with CAP_SYS_ADMIN skip
	 * NO_NEW_PRIVS, so an unprivileged caller cannot use this. */
	if (no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
#ifdef SYS_seccomp
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) == 0)
		return 0;
	if (errno != ENOSYS)
		return -errno;
#endif
	/* Kernels before 3.17 have no seccomp(2). */
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0) == 0)
		return 0;
	return -errno;
}
