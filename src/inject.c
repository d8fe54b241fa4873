/* inject.c - the prefilter injected into attached processes (inject.h).
 *
 * Why this is safe for the tracee:
 *   - Only at a syscall-entry stop: the thread is in the kernel, between
 *     two of its own instructions; the kernel reads the number and the
 *     arguments from the registers after the stop, so the call made is
 *     ours, and its own call has not started.  Its registers are saved
 *     whole (PTRACE_GETREGS) and put back whole at our call's exit stop,
 *     with the instruction pointer moved back over the syscall
 *     instruction and the number in the return register: resumed, the
 *     thread makes its own call again, exactly as the kernel restarts an
 *     interrupted call.  A call interrupted by the attach itself (read on
 *     a pipe, nanosleep: -ERESTARTSYS, -ERESTART_RESTARTBLOCK) is never
 *     touched at its interrupt stop: it is restarted by the kernel, and
 *     its restarted entry (restart_syscall for nanosleep, which keeps the
 *     original end time) is where we inject - then made again as above.
 *     No signal can be delivered between our call's entry and exit stop
 *     (signals are delivered on the way back to user space), and each
 *     injected call has its own natural entry stop, so the thread never
 *     runs user code with our registers.  Neither prctl nor seccomp
 *     touches the FPU state, which is therefore not saved.
 *   - Memory: the filter is written below the red zone of the thread's
 *     stack (sp - 128 - size, aligned), which no code of the thread uses
 *     while it is stopped and no other thread may use; the bytes there
 *     are saved first and put back after the call.
 *   - A failed step leaves the process as it was (but for no_new_privs,
 *     said in the warning), and it is traced at every call instead.
 * Why it is safe for symtrace: a task is treated as filtered
 * (TF_FILTERED, PTRACE_CONT between its family calls) only when the
 * kernel said the filter is in force in its thread group: seccomp()
 * returned 0 there (TSYNC gave it to every thread; threads created later
 * inherit it), or PTRACE_SECCOMP_GET_FILTER shows our very program among
 * the group's filters (a child of a filtered process: inherited).  Not
 * from a parent's fork event: a child forked just before the parent's
 * group got the filter may report its event after, and would be taken
 * for filtered while it is not.  Anything not known so is traced at every
 * call: slower, never blind (without PTRACE_SECCOMP_GET_FILTER, which
 * needs CAP_SYS_ADMIN, a new process is injected again: a second copy
 * stacked on the inherited one). */
#include "inject.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "seccomp.h"
#include "spawn.h"
#include "tmem.h"
#include "util.h"

#ifndef SECCOMP_SET_MODE_FILTER
#define SECCOMP_SET_MODE_FILTER 1
#endif
#ifndef SECCOMP_FILTER_FLAG_TSYNC
#define SECCOMP_FILTER_FLAG_TSYNC 1
#endif
#ifndef PTRACE_SECCOMP_GET_FILTER
#define PTRACE_SECCOMP_GET_FILTER 0x420c
#endif
#ifndef SECCOMP_RET_USER_NOTIF
#define SECCOMP_RET_USER_NOTIF 0x7fc00000U
#endif
#ifndef SECCOMP_RET_ACTION_FULL
#define SECCOMP_RET_ACTION_FULL 0xffff0000U
#endif
#define CAP_SYS_ADMIN_BIT 21
#define RED_ZONE 128

/* The injection's progress in one thread group. */
enum gstate {
	G_NNP,    /* no_new_privs to be set first */
	G_FILTER, /* the filter to be installed (by injector) */
	G_DONE,   /* installed */
	G_FAILED, /* could not be: every call stops */
};

struct group {
	pid_t tgid;
	enum gstate state;
	pid_t injector; /* the thread that set no_new_privs (G_FILTER) */
	bool nnp_set;   /* we set no_new_privs */
	bool own_checked; /* its own filters allow the injection */
};

static struct group *groups;
static size_t ngroups, groups_size;
static pid_t *pending; /* threads of a filtered group, first stop to come */
static size_t npending, pending_size;
/* The program (built once). */
static struct sock_filter prog[SECCOMP_FILTER_MAX];
static int prog_len;

static struct group *group_find(pid_t tgid)
{
	for (size_t i = 0; i < ngroups; i++)
		if (groups[i].tgid == tgid)
			return &groups[i];
	return NULL;
}

static struct group *group_get(pid_t tgid)
{
	struct group *g = group_find(tgid);

	if (g)
		return g;
	if (ngroups == groups_size) {
		groups_size = groups_size ? 2 * groups_size : 16;
		groups = xrealloc(groups, groups_size * sizeof(*groups));
	}
	groups[ngroups] = (struct group){ .tgid = tgid, .state = G_NNP };
	return &groups[ngroups++];
}

static bool pending_take(pid_t tid)
{
	for (size_t i = 0; i < npending; i++)
		if (pending[i] == tid) {
			pending[i] = pending[--npending];
			return true;
		}
	return false;
}

static void pending_add(pid_t tid)
{
	(void)pending_take(tid); /* (never twice) */
	if (npending == pending_size) {
		pending_size = pending_size ? 2 * pending_size : 16;
		pending = xrealloc(pending, pending_size * sizeof(*pending));
	}
	pending[npending++] = tid;
}

/* What the injection needs of /proc/TID/status. */
struct tstatus {
	pid_t tgid;
	uint64_t cap_eff;
	int nnp;     /* NoNewPrivs */
	int seccomp; /* Seccomp: 0, 1 (strict), 2 (filter) */
};

static int read_tstatus(pid_t tid, struct tstatus *ts)
{
	char path[64], buf[4096], *p;
	long long v;

	*ts = (struct tstatus){ .nnp = -1, .seccomp = -1 };
	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	if (read_small_file(path, buf, sizeof(buf)) < 0)
		return -errno;
	if ((p = strstr(buf, "\nTgid:")) &&
	    sscanf(p + 6, "%lld", &v) == 1)
		ts->tgid = (pid_t)v;
	if ((p = strstr(buf, "\nCapEff:")))
		ts->cap_eff = strtoull(p + 8, NULL, 16);
	if ((p = strstr(buf, "\nNoNewPrivs:")))
		ts->nnp = atoi(p + 12);
	if ((p = strstr(buf, "\nSeccomp:")))
		ts->seccomp = atoi(p + 9);
	return ts->tgid > 0 ? 0 : -EINVAL;
}

/* ---- a filter of the process's own -------------------------------------
 *
 * Filters stack: for each call the kernel runs all of them and takes the
 * action that ranks first (KILL, TRAP, ERRNO, USER_NOTIF, TRACE, LOG,
 * ALLOW).  Two things of a filter the process had before the attach
 * matter:
 *   - a USER_NOTIF answer outranks the prefilter's TRACE: a family call
 *     it answers would go to its listener and never stop for symtrace.
 *     Without the prefilter the entry stop comes before any filter (Linux
 *     4.8 and later) and the call is judged there.  So a filter that can
 *     answer USER_NOTIF (a RET of that action, or a RET A whose value is
 *     not known without running it) keeps the process every-stop.
 *   - Our own injected calls (prctl, seccomp) go through it: one it would
 *     kill (KILL, TRAP) must not be made.  They are run through the
 *     filter here (a classic BPF interpreter) with their real
 *     seccomp_data.
 * The filters are read with PTRACE_SECCOMP_GET_FILTER (CAP_SYS_ADMIN;
 * CONFIG_CHECKPOINT_RESTORE): where they cannot be, the process is not
 * injected. */

#define MAX_OWN_FILTERS 64

/* Filter idx (0: the newest) of tid into f[BPF_MAXINSNS]: its length,
 * 0 when there is none, -errno. */
static int own_filter(pid_t tid, int idx, struct sock_filter *f)
{
	long n = ptrace(PTRACE_SECCOMP_GET_FILTER, tid, (long)idx, NULL);

	if (n < 0)
		return errno == ENOENT ? 0 : -errno;
	if (n == 0 || n > BPF_MAXINSNS)
		return -EINVAL;
	if (ptrace(PTRACE_SECCOMP_GET_FILTER, tid, (long)idx, f) != n)
		return -EINVAL;
	return (int)n;
}

/* The action of f[0..n) for d; true, or false for a program this
 * interpreter does not take (then nothing is assumed). */
static bool bpf_run(const struct sock_filter *f, int n,
		    const struct seccomp_data *d, uint32_t *act)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };
	const unsigned char *data = (const unsigned char *)d;

	for (int pc = 0, steps = 0; pc >= 0 && pc < n && steps < 4 * n;
	     pc++, steps++) {
		const struct sock_filter *i = &f[pc];
		uint32_t src = BPF_SRC(i->code) == BPF_X ? x : i->k;
		bool jump;

		switch (BPF_CLASS(i->code)) {
		case BPF_LD:
			if (i->code == (BPF_LD | BPF_W | BPF_ABS)) {
				if (i->k > sizeof(*d) - 4 || i->k & 3)
					return false;
				memcpy(&a, data + i->k, 4);
			} else if (i->code == (BPF_LD | BPF_W | BPF_LEN)) {
				a = sizeof(*d);
			} else if (i->code == (BPF_LD | BPF_IMM)) {
				a = i->k;
			} else if (i->code == (BPF_LD | BPF_MEM) &&
				   i->k < BPF_MEMWORDS) {
				a = mem[i->k];
			} else {
				return false;
			}
			break;
		case BPF_LDX:
			if (i->code == (BPF_LDX | BPF_W | BPF_LEN))
				x = sizeof(*d);
			else if (i->code == (BPF_LDX | BPF_IMM))
				x = i->k;
			else if (i->code == (BPF_LDX | BPF_MEM) &&
				 i->k < BPF_MEMWORDS)
				x = mem[i->k];
			else
				return false;
			break;
		case BPF_ST:
		case BPF_STX:
			if (i->k >= BPF_MEMWORDS)
				return false;
			mem[i->k] = BPF_CLASS(i->code) == BPF_ST ? a : x;
			break;
		case BPF_ALU:
			switch (BPF_OP(i->code)) {
			case BPF_ADD: a += src; break;
			case BPF_SUB: a -= src; break;
			case BPF_MUL: a *= src; break;
			case BPF_DIV: if (!src) return false; a /= src; break;
			case BPF_MOD: if (!src) return false; a %= src; break;
			case BPF_OR: a |= src; break;
			case BPF_AND: a &= src; break;
			case BPF_XOR: a ^= src; break;
			case BPF_LSH: a = src < 32 ? a << src : 0; break;
			case BPF_RSH: a = src < 32 ? a >> src : 0; break;
			case BPF_NEG: a = -a; break;
			default: return false;
			}
			break;
		case BPF_JMP:
			switch (BPF_OP(i->code)) {
			case BPF_JA: pc += (int)i->k; continue;
			case BPF_JEQ: jump = a == src; break;
			case BPF_JGT: jump = a > src; break;
			case BPF_JGE: jump = a >= src; break;
			case BPF_JSET: jump = (a & src) != 0; break;
			default: return false;
			}
			pc += jump ? i->jt : i->jf;
			break;
		case BPF_RET:
			*act = BPF_RVAL(i->code) == BPF_A ? a : i->k;
			return true;
		case BPF_MISC:
			if (BPF_MISCOP(i->code) == BPF_TAX)
				x = a;
			else
				a = x;
			break;
		default:
			return false;
		}
	}
	return false;
}

/* Can a RET of f answer USER_NOTIF (or an unknown value)? */
static bool may_notify(const struct sock_filter *f, int n)
{
	for (int pc = 0; pc < n; pc++)
		if (BPF_CLASS(f[pc].code) == BPF_RET &&
		    (BPF_RVAL(f[pc].code) == BPF_A ||
		     (f[pc].k & SECCOMP_RET_ACTION_FULL) ==
			     SECCOMP_RET_USER_NOTIF))
			return true;
	return false;
}

/* May the prefilter be injected into tid, which has filters already,
 * with calls d[0..nd)?  NULL, or why not.  *ours: one of them is our
 * very program (inherited from a filtered parent, or left by an earlier
 * symtrace): it traces every call ours would, so nothing needs to be
 * injected. */
static const char *own_filters_ok(pid_t tid, const struct seccomp_data *d,
				  int nd, char *why, size_t size, bool *ours)
{
	static struct sock_filter f[BPF_MAXINSNS];
	int idx, n;

	*ours = false;
	for (idx = 0; idx < MAX_OWN_FILTERS; idx++) {
		n = own_filter(tid, idx, f);
		if (n == 0)
			return idx ? NULL : "its seccomp filter cannot be read";
		if (n < 0) {
			snprintf(why, size, "it has a seccomp filter of its "
				 "own, which symtrace cannot read "
				 "(PTRACE_SECCOMP_GET_FILTER: %s)",
				 strerror(-n));
			return why;
		}
		if (may_notify(f, n))
			return "it has a seccomp filter of its own that can "
			       "answer with user notifications, which outrank "
			       "the prefilter's";
		if (n == prog_len &&
		    memcmp(f, prog, (size_t)n * sizeof(*f)) == 0) {
			*ours = true;
			continue;
		}
		for (int k = 0; k < nd; k++) {
			uint32_t act = 0;

			if (!bpf_run(f, n, &d[k], &act))
				return "it has a seccomp filter of its own "
				       "that symtrace cannot evaluate";
			act &= SECCOMP_RET_ACTION_FULL;
			if (act == SECCOMP_RET_KILL_PROCESS ||
			    act == SECCOMP_RET_KILL_THREAD ||
			    act == SECCOMP_RET_TRAP) {
				snprintf(why, size, "its own seccomp filter "
					 "would kill it (or send SIGSYS) for "
					 "%s", k == nd - 1 ? "seccomp()"
							   : "prctl()");
				return why;
			}
		}
	}
	return "it has too many seccomp filters";
}

/* Write len bytes at addr of tid (process_vm_writev, PTRACE_POKEDATA
 * where it is refused).  0 or -errno. */
static int tmem_write(pid_t tid, uint64_t addr, const void *buf, size_t len)
{
	struct iovec l = { (void *)buf, len };
	struct iovec r = { (void *)(uintptr_t)addr, len };
	ssize_t n = process_vm_writev(tid, &l, 1, &r, 1, 0);

	if (n == (ssize_t)len)
		return 0;
	if (n >= 0)
		return -EFAULT;
	if (errno != ENOSYS && errno != EPERM)
		return -errno;
	for (size_t off = 0; off < len; off += sizeof(long)) {
		long word = 0;
		size_t k = len - off < sizeof(long) ? len - off : sizeof(long);

		if (k < sizeof(long)) {
			errno = 0;
			word = ptrace(PTRACE_PEEKDATA, tid, addr + off, 0);
			if (errno)
				return -errno;
		}
		memcpy(&word, (const char *)buf + off, k);
		if (ptrace(PTRACE_POKEDATA, tid, addr + off, word) < 0)
			return -errno;
	}
	return 0;
}

/* Run call nr(args) in tid, stopped at a syscall-entry stop with the
 * registers saved; leave it at the call's exit stop with saved rewound
 * (arch.h).  0 (*ret: the call's result), -errno of ptrace (nothing
 * done, or the task vanished), or 1: the task ended (*status). */
static int run_call(pid_t tid, const struct arch_regs *saved, enum abi abi,
		    uint64_t nr, const uint64_t args[6], int64_t *ret,
		    int *status)
{
	struct arch_regs r = *saved;
	int e;

	arch_regs_call(&r, abi, nr, args);
	if ((e = arch_regs_set(tid, &r)) < 0)
		return e;
	if (ptrace(PTRACE_SYSCALL, tid, 0, 0) < 0)
		return -errno;
	for (;;) {
		pid_t p = waitpid(tid, status, __WALL);

		if (p < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (WIFEXITED(*status) || WIFSIGNALED(*status))
			return 1;
		if (!WIFSTOPPED(*status))
			continue;
		if (WSTOPSIG(*status) == (SIGTRAP | 0x80))
			break; /* the exit stop of our call */
		/* A seccomp stop (a filter of the tracee's own tracing
		 * prctl or seccomp) comes between the entry and the exit
		 * stop; nothing else can (signals and group-stops come on
		 * the way back to user space, after the exit stop). */
		if (ptrace(PTRACE_SYSCALL, tid, 0, 0) < 0)
			return -errno;
	}
	if ((e = arch_regs_get(tid, &r)) < 0)
		return e;
	*ret = arch_regs_ret(&r);
	r = *saved;
	arch_regs_rewind(&r);
	if ((e = arch_regs_set(tid, &r)) < 0)
		return e;
	return 0;
}

/* The bytes written into the tracee: a struct sock_fprog (64-bit or
 * compat layout) followed by the filter, prog. */

static size_t blob_make(unsigned char *blob, uint64_t addr, bool compat)
{
	size_t hdr = compat ? 8 : 16;
	uint16_t len = (uint16_t)prog_len;
	uint64_t filter = addr + hdr;

	memset(blob, 0, hdr);
	memcpy(blob, &len, sizeof(len));
	if (compat) {
		uint32_t f32 = (uint32_t)filter;

		memcpy(blob + 4, &f32, sizeof(f32));
	} else {
		memcpy(blob + 8, &filter, sizeof(filter));
	}
	memcpy(blob + hdr, prog, (size_t)prog_len * sizeof(prog[0]));
	return hdr + (size_t)prog_len * sizeof(prog[0]);
}

static bool ensure_prog(const struct session *s)
{
	if (!prog_len) {
		struct filter_spec spec = filter_spec(s);

		prog_len = seccomp_build(&spec, prog);
		if (prog_len <= 0)
			prog_len = 0;
	}
	return prog_len > 0;
}

/* Where the blob goes: below the red zone, 16-byte aligned. */
static uint64_t blob_addr(const struct arch_regs *regs, size_t len)
{
	return (arch_regs_sp(regs) - RED_ZONE - len) & ~(uint64_t)15;
}

/* The seccomp_data of the calls about to be injected at this stop
 * (prctl if nnp, then seccomp), for a filter of the process's own. */
static int planned_calls(const struct session *s, pid_t tid, enum abi abi,
			 bool nnp, struct seccomp_data d[2])
{
	struct arch_regs regs;
	uint32_t audit = 0;
	int n = 0;

	for (size_t i = 0; i < arch_nabis; i++)
		if (arch_abis[i].abi == abi)
			audit = arch_abis[i].audit_arch;
	if (!ensure_prog(s) || arch_regs_get(tid, &regs) < 0)
		return -1;
	memset(d, 0, 2 * sizeof(d[0]));
	if (nnp) {
		d[n].nr = (int)arch_nr_prctl(abi);
		d[n].arch = audit;
		d[n].args[0] = PR_SET_NO_NEW_PRIVS;
		d[n].args[1] = 1;
		n++;
	}
	d[n].nr = (int)arch_nr_seccomp(abi);
	d[n].arch = audit;
	d[n].args[0] = SECCOMP_SET_MODE_FILTER;
	d[n].args[1] = SECCOMP_FILTER_FLAG_TSYNC;
	d[n].args[2] = blob_addr(&regs, (arch_abi_compat(abi) ? 8 : 16) +
					       (size_t)prog_len * 8);
	n++;
	return n; /* (instruction_pointer: the caller's) */
}

/* Every task of tgid's group is filtered now: those in the table are
 * marked, those still to report their first stop are remembered. */
static int mark_group(pid_t tgid)
{
	char path[64];
	DIR *d;
	struct dirent *de;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)tgid);
	if (!(d = opendir(path)))
		return 0;
	while ((de = readdir(d))) {
		long long tid;
		struct tracee *o;

		if (parse_ll(de->d_name, 1, INT_MAX, &tid) < 0)
			continue;
		n++;
		if ((o = tracee_find((pid_t)tid)))
			o->flags |= TF_FILTERED;
		else
			pending_add((pid_t)tid);
	}
	closedir(d);
	return n;
}

static void failed(struct sink *out, struct group *g, struct tracee *t,
		   const char *why)
{
	(void)out;
	g->state = G_FAILED;
	g->injector = 0;
	t->flags |= TF_NO_INJECT;
	warn("cannot install the prefilter in process %d: %s; every system "
	     "call of it stops (slower)%s", (int)g->tgid, why,
	     g->nnp_set ? " (its no_new_privs stays set)" : "");
}

/* The seccomp step at t's entry stop. */
static enum inject_result install(const struct session *s, struct sink *out,
				  struct group *g, struct tracee *t,
				  enum abi abi, int *status)
{
	unsigned char blob[16 + sizeof(prog)], saved_mem[sizeof(blob)];
	struct arch_regs regs;
	bool compat = arch_abi_compat(abi);
	uint64_t addr, args[6] = { SECCOMP_SET_MODE_FILTER,
				   SECCOMP_FILTER_FLAG_TSYNC };
	size_t len;
	int64_t ret = 0;
	int r, r2;
	char why[160], members[96];

	if (!ensure_prog(s)) {
		failed(out, g, t, "the filter is too long");
		return INJECT_NOT_HERE;
	}
	if ((r = arch_regs_get(t->tid, &regs)) < 0)
		return INJECT_NOT_HERE; /* gone: its end is on its way */
	len = blob_make(blob, 0, compat);
	addr = blob_addr(&regs, len);
	if (compat && addr + len > 0xffffffffull)
		return INJECT_NOT_HERE; /* int $0x80 of 64-bit code: later */
	blob_make(blob, addr, compat);
	r = tmem_read(t->tid, addr, saved_mem, len);
	if (r == 0)
		r = tmem_write(t->tid, addr, blob, len);
	if (r < 0) {
		snprintf(why, sizeof(why), "cannot write the filter below its "
			 "stack pointer: %s", strerror(-r));
		failed(out, g, t, why);
		return INJECT_NOT_HERE;
	}
	args[2] = addr;
	r = run_call(t->tid, &regs, abi, (uint64_t)arch_nr_seccomp(abi), args,
		     &ret, status);
	if (r == 1)
		return INJECT_GONE;
	/* The memory as it was, whatever happened (the task may be gone). */
	r2 = tmem_write(t->tid, addr, saved_mem, len);
	if (r < 0 || r2 < 0) {
		snprintf(why, sizeof(why), "ptrace: %s", strerror(-(r ? r : r2)));
		failed(out, g, t, why);
		return r < 0 ? INJECT_NOT_HERE : INJECT_STEPPED;
	}
	if (ret != 0) {
		if (ret > 0)
			snprintf(why, sizeof(why), "seccomp: thread %lld has "
				 "a filter of its own that the other threads "
				 "lack (TSYNC)", (long long)ret);
		else
			snprintf(why, sizeof(why), "seccomp: %s",
				 strerror((int)-ret));
		failed(out, g, t, why);
		return INJECT_STEPPED;
	}
	g->state = G_DONE;
	g->injector = 0;
	t->flags |= TF_FILTERED;
	r = mark_group(g->tgid);
	/* (Said with -v only: one line per process of a large tree.) */
	snprintf(members, sizeof(members), "\"pid\":%d,\"threads\":%d",
		 (int)g->tgid, r);
	if (s->cfg->verbose)
		sink_notice(out, "prefilter", members,
			    "prefilter installed in process %d (%d thread%s)",
			    (int)g->tgid, r, r == 1 ? "" : "s");
	return INJECT_STEPPED;
}

enum inject_result inject_at_entry(const struct session *s,
				   struct sink *out, struct tracee *t,
				   const struct syscall_state *st,
				   int *status)
{
	struct tstatus ts;
	struct group *g;
	struct arch_regs regs;
	uint64_t args[6] = { PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0, 0 };
	int64_t ret = 0;
	int r;
	bool need_nnp;
	char why[160], members[64];

	if (st->abi == ABI_UNKNOWN || arch_nr_seccomp(st->abi) < 0)
		return INJECT_NOT_HERE;
	if (read_tstatus(t->tid, &ts) < 0)
		return INJECT_NOT_HERE; /* gone */
	g = group_get(ts.tgid);
	switch (g->state) {
	case G_DONE:
		/* (A task of the group that was not in the table yet.) */
		t->flags |= TF_FILTERED;
		return INJECT_NOT_HERE;
	case G_FAILED:
		t->flags |= TF_NO_INJECT;
		return INJECT_NOT_HERE;
	case G_FILTER:
		/* no_new_privs is per thread (TSYNC then gives it to the
		 * others): the thread that has it installs the filter. */
		if (g->injector != t->tid)
			return INJECT_NOT_HERE;
		return install(s, out, g, t, st->abi, status);
	case G_NNP:
	default:
		break;
	}
	need_nnp = !(ts.nnp == 1 || (ts.cap_eff >> CAP_SYS_ADMIN_BIT & 1));
	if (ts.seccomp == 2 && !g->own_checked) {
		struct seccomp_data d[2];
		int nd = planned_calls(s, t->tid, st->abi, need_nnp, d);
		const char *no;
		bool ours = false;

		for (int k = 0; k < nd; k++)
			d[k].instruction_pointer = st->ip;
		no = nd < 0 ? "cannot read its registers"
			    : own_filters_ok(t->tid, d, nd, why, sizeof(why),
					     &ours);
		if (no) {
			failed(out, g, t, no);
			return INJECT_NOT_HERE;
		}
		g->own_checked = true;
		if (ours) {
			/* Read from the kernel: every thread of the group
			 * has it (TSYNC gave it to all, or all inherited
			 * it from their creators). */
			g->state = G_DONE;
			t->flags |= TF_FILTERED;
			mark_group(g->tgid);
			return INJECT_NOT_HERE;
		}
	} else if (ts.seccomp == 1) {
		failed(out, g, t, "it runs in seccomp strict mode");
		return INJECT_NOT_HERE;
	}
	/* Without no_new_privs the kernel takes a filter only from a task
	 * with CAP_SYS_ADMIN in its user namespace (CapEff is in that
	 * namespace's terms).  A root service keeps its set-id programs
	 * working then, and the filter stays on them (it only makes them
	 * stop for symtrace), as in run mode (seccomp.c). */
	if (!need_nnp) {
		g->state = G_FILTER;
		g->injector = t->tid;
		return install(s, out, g, t, st->abi, status);
	}
	if (arch_regs_get(t->tid, &regs) < 0)
		return INJECT_NOT_HERE;
	r = run_call(t->tid, &regs, st->abi, (uint64_t)arch_nr_prctl(st->abi),
		     args, &ret, status);
	if (r == 1)
		return INJECT_GONE;
	if (r < 0 || ret != 0) {
		snprintf(why, sizeof(why), "prctl(PR_SET_NO_NEW_PRIVS): %s",
			 strerror(r < 0 ? -r : (int)-ret));
		failed(out, g, t, why);
		return r < 0 ? INJECT_NOT_HERE : INJECT_STEPPED;
	}
	g->state = G_FILTER;
	g->injector = t->tid;
	g->nnp_set = true;
	snprintf(members, sizeof(members), "\"pid\":%d", (int)g->tgid);
	sink_notice(out, "no_new_privs", members,
		    "process %d lacks CAP_SYS_ADMIN: no_new_privs set for the "
		    "prefilter (set-id programs it runs lose their privileges)",
		    (int)g->tgid);
	return INJECT_STEPPED;
}

void inject_first_stop(struct tracee *t)
{
	if (npending && pending_take(t->tid))
		t->flags |= TF_FILTERED;
}

void inject_forget(pid_t tid)
{
	struct group *g;

	if (npending)
		pending_take(tid);
	for (size_t i = 0; i < ngroups; i++) {
		g = &groups[i];
		if (g->tgid == tid) {
			/* The leader is reaped last: the group is gone. */
			groups[i--] = groups[--ngroups];
			continue;
		}
		if (g->state == G_FILTER && g->injector == tid) {
			g->state = G_NNP; /* the others lack no_new_privs */
			g->injector = 0;
		}
	}
}
