/* supervisor.c - spawn the command under ptrace, the wait loop, stop
 * classification, signal re-injection, exit status.
 *
 * Stops seen by waitpid(-1, __WALL) are classified as:
 *   - syscall-stops (SIGTRAP|0x80, PTRACE_O_TRACESYSGOOD) and seccomp-stops
 *     (PTRACE_EVENT_SECCOMP): the symlink family is decoded here;
 *   - PTRACE_EVENT_{FORK,VFORK,CLONE}: a new tracee (auto-attached by the
 *     kernel; it may report before its parent's event, so unknown tids are
 *     always accepted);
 *   - PTRACE_EVENT_EXEC: a non-leader thread's execve takes over the
 *     leader's tid (PTRACE_GETEVENTMSG gives the old one);
 *   - PTRACE_EVENT_STOP: the first stop of an auto-attached tracee, a
 *     PTRACE_INTERRUPT stop, or a group-stop (with a stop signal), which is
 *     left in place with PTRACE_LISTEN so job control works;
 *   - anything else is a signal-delivery-stop: the signal is re-injected.
 * With the seccomp prefilter, non-family calls never stop; a family call
 * stops at its seccomp-stop (entry) and is resumed with PTRACE_SYSCALL so
 * that its exit stops too; everything else resumes with PTRACE_CONT. */
#include "supervisor.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <syslog.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "arch.h"
#include "delegate.h"
#include "errnoname.h"
#include "event.h"
#include "inspect.h"
#include "output.h"
#include "policy.h"
#include "resolve.h"
#include "seccomp.h"
#include "sidedoor.h"
#include "stop.h"
#include "summary.h"
#include "tmem.h"
#include "tracee.h"
#include "util.h"

static const struct config *cfg;
static bool enforcing;   /* some rule can deny: side doors are closed */
static bool moves_checked; /* enforcing with link= or target= rules:
			    * rename/link are delegated and judged */
/* What inspect_ident() must read: only what the output and rules use. */
static unsigned ident_needed;
static bool use_info;    /* try PTRACE_GET_SYSCALL_INFO */
static bool filtered;    /* the seccomp prefilter is installed */
static pid_t main_pid;   /* run mode: the command */
static int main_status = -1;
static bool output_failed;
static struct sbuf line = SBUF_INIT;
static struct summary summary;

/* Signal dispositions symtrace found at start; the child gets them back. */
static const int passed_signals[] = { SIGINT, SIGQUIT, SIGTERM, SIGHUP,
				      SIGTSTP, SIGTTIN, SIGTTOU, SIGPIPE };
static struct sigaction saved_sa[sizeof(passed_signals) /
				 sizeof(passed_signals[0])];

static volatile sig_atomic_t forward_pid;
static volatile sig_atomic_t detach_requested; /* attach mode: signal */
static volatile sig_atomic_t wake_tid;         /* a tracee to interrupt */
static bool attach_mode;
static int tty_fd = -1;  /* the controlling terminal, for job control */

/* ---- output ---------------------------------------------------------- */

/* Output to a terminal, a pipe or a socket is written a line at a time
 * (one write() per line: lines never interleave, and a reader sees each at
 * once).  Output to a regular file or /dev/null is collected in obuf and
 * written when it fills, before symtrace blocks waiting for the tracees,
 * and at exit: fewer syscalls on busy workloads, nothing held while idle. */
#define OBUF_FLUSH 32768
/* ... and when its oldest line is this old: a tracee that keeps symtrace
 * busy with other stops (attach mode stops at every syscall) must not hold
 * a line back until 32 KiB collect. */
#define OBUF_MAX_AGE_US 200000

static struct sbuf obuf = SBUF_INIT;
static bool buffered;
static long long obuf_since; /* mono_us() when obuf became non-empty */

static long long mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void write_out(const struct sbuf *sb)
{
	int r = output_write(cfg->out_fd, sb);

	if (r < 0 && !output_failed) {
		output_failed = true;
		errno = -r;
		warn_errno("cannot write the trace output");
	}
}

static void flush_output(void)
{
	if (obuf.len) {
		write_out(&obuf);
		sbuf_reset(&obuf);
	}
}

static void flush_at_exit(void)
{
	if (cfg)
		flush_output();
	sbuf_free(&obuf);
}

static void setup_output(void)
{
	struct stat sb;

	buffered = fstat(cfg->out_fd, &sb) == 0 &&
		   (S_ISREG(sb.st_mode) ||
		    (S_ISCHR(sb.st_mode) && !isatty(cfg->out_fd)));
	atexit(flush_at_exit);
}

static void emit_line(void)
{
	if (!buffered) {
		write_out(&line);
		return;
	}
	if (!obuf.len)
		obuf_since = mono_us();
	sbuf_add(&obuf, line.buf, line.len);
	if (obuf.len >= OBUF_FLUSH)
		flush_output();
}

static void flush_if_old(void)
{
	if (obuf.len && mono_us() - obuf_since >= OBUF_MAX_AGE_US)
		flush_output();
}

/* --syslog: one message per call, facility authpriv, the text line
 * (always with its pid) as the message; denied, killed and TOCTOU calls at
 * LOG_WARNING, audited ones at LOG_NOTICE, the rest at LOG_INFO. */
static void log_event(const struct event *ev)
{
	struct output_opts oo = { .show_pid = true };
	struct sbuf msg = SBUF_INIT;
	int prio = LOG_INFO;

	if (ev->action == ACT_DENY || ev->action == ACT_KILL ||
	    (ev->tags & TAG_TOCTOU))
		prio = LOG_WARNING;
	else if (ev->action == ACT_AUDIT)
		prio = LOG_NOTICE;
	format_text(&msg, ev, &oo);
	if (msg.len && msg.buf[msg.len - 1] == '\n')
		msg.buf[--msg.len] = '\0';
	syslog(LOG_AUTHPRIV | prio, "%s", sbuf_str(&msg));
	sbuf_free(&msg);
}

static void emit(const struct event *ev)
{
	struct output_opts oo = cfg->oo;

	if (cfg->summary) {
		summary_add(&summary, ev);
		if (cfg->summary == 1)
			return;
	}

	oo.show_pid = oo.show_pid || tracee_seen() > 1;
	if (cfg->syslog)
		log_event(ev);
	sbuf_reset(&line);
	if (cfg->json)
		format_json(&line, ev);
	else
		format_text(&line, ev, &oo);
	emit_line();
}

static void notice_exit(pid_t tid, int status)
{
	if (cfg->verbose <= 0)
		return;
	sbuf_reset(&line);
	if (cfg->json) {
		char members[128];

		if (WIFEXITED(status))
			snprintf(members, sizeof(members),
				 "\"pid\":%d,\"status\":%d", (int)tid,
				 WEXITSTATUS(status));
		else
			snprintf(members, sizeof(members),
				 "\"pid\":%d,\"signal\":\"SIG%s\",\"core\":%s",
				 (int)tid, signal_abbrev(WTERMSIG(status)) ?: "?",
				 WCOREDUMP(status) ? "true" : "false");
		format_json_notice(&line, WIFEXITED(status) ? "exited"
							    : "killed",
				   members);
		emit_line();
		return;
	}
	if (cfg->oo.show_pid || tracee_seen() > 1)
		sbuf_addf(&line, "[pid %d] ", (int)tid);
	if (WIFEXITED(status))
		sbuf_addf(&line, "+++ exited with %d +++\n",
			  WEXITSTATUS(status));
	else
		sbuf_addf(&line, "+++ killed by SIG%s%s +++\n",
			  signal_abbrev(WTERMSIG(status)) ?: "?",
			  WCOREDUMP(status) ? " (core dumped)" : "");
	emit_line();
}

/* Report a finished call (unless it is a silent one: an open or move
 * that turned out not to concern us) and free it.  Also for a call whose
 * process was killed at its entry: no exit stop will come. */
static void emit_and_free(struct event *ev)
{
	if (!ev->silent)
		emit(ev);
	event_free(ev);
	free(ev);
}

static void finish_and_free(struct tracee *t)
{
	if (!t->ev)
		return;
	emit_and_free(t->ev);
	t->ev = NULL;
}

/* ---- resuming -------------------------------------------------------- */

static void resume(struct tracee *t, int sig)
{
	int req = (!filtered || t->ev || (t->flags & TF_ROOT_CHANGING))
			  ? PTRACE_SYSCALL
			  : PTRACE_CONT;

	if (ptrace(req, t->tid, 0, sig) < 0 && errno != ESRCH)
		warn_errno("cannot resume %d", (int)t->tid);
	/* ESRCH: killed meanwhile; its exit is reported by waitpid. */
}

/* ---- syscalls ------------------------------------------------------- */

static struct event *new_event(struct tracee *t, const struct syscall_state *st,
			       enum sysc sc)
{
	struct event *ev = xcalloc(1, sizeof(*ev));

	clock_gettime(CLOCK_REALTIME, &ev->time);
	ev->tid = t->tid;
	ev->pid = t->tid;
	ev->abi = st->abi;
	ev->sc = sc;
	ev->nr = st->nr;
	return ev;
}

/* Apply the decision at entry.  A denied or killed call never runs: the
 * syscall number is set to -1 before the kernel looks at it again. */
static void enforce(struct tracee *t, struct event *ev)
{
	int r;

	if (ev->action == ACT_DENY) {
		r = arch_skip_syscall(t->tid, -(int64_t)ev->deny_errno);
	} else if (ev->action == ACT_KILL) {
		r = arch_skip_syscall(t->tid, -(int64_t)EPERM);
		/* SIGKILL is acted on before the tracee returns to user
		 * space; the skipped call has no effect meanwhile. */
		kill(ev->pid, SIGKILL);
	} else {
		return;
	}
	if (r < 0 && r != -ESRCH) {
		/* Cannot skip: never let the call run. */
		errno = -r;
		warn_errno("cannot skip a denied call of %d, killing it",
			   (int)t->tid);
		kill(ev->pid, SIGKILL);
	}
}

static bool blocks(enum action a)
{
	return a == ACT_DENY || a == ACT_KILL;
}

/* Did a stopped tracee vanish under us (SIGKILL, another thread's exec)? */
static bool task_gone(pid_t tid)
{
	return !tmem_task_alive(tid);
}

/* What the rules see of the caller of ev (who it is; the call's strings
 * are filled in by the caller of this). */
static struct policy_input caller_input(const struct event *ev)
{
	return (struct policy_input){
		.comm = ev->comm,
		.exe = ev->exe,
		.euid = ev->euid,
		.ruid = ev->ruid,
		.egid = ev->egid,
		.groups = ev->groups,
		.ngroups = ev->ngroups > 0 ? (size_t)ev->ngroups : 0,
		/* The euid's home for '~' rules (looked up once per uid;
		 * NULL, and nothing looked up, without such rules). */
		.home = policy_home(cfg->policy, ev->euid),
	};
}

static void decide(struct event *ev)
{
	struct policy_input in;
	struct verdict v;

	if (!cfg->policy || policy_count(cfg->policy) == 0)
		return;
	/* (Deny mode judges only what it could read: delegate_*().) */
	in = caller_input(ev);
	in.target = ev->target.buf;
	in.target_resolved = ev->target_resolved;
	in.target_physical = ev->target_physical;
	in.target_unjudged = ev->target_unjudged != NULL;
	in.link = ev->path;
	v = policy_match(cfg->policy, &in);
	ev->action = v.action;
	ev->rule = v.rule;
	ev->deny_errno = v.err;
}

/* ---- deny mode: calls made by symtrace (delegation) ------------------
 *
 * Why this is safe (the heart of deny mode):
 *   - The strings are read once, into our memory; that copy is what is
 *     judged and what our own call gets.  The tracee's call is skipped
 *     (nr = -1) and gets our result, so nothing that rewrites its memory
 *     afterwards matters.
 *   - Each directory involved is walked once, from the caller's own cwd,
 *     dirfd or root, with its credentials, to a pinned fd (resolve.c); the
 *     rules see that fd's real path, and the call is made relative to the
 *     same fd: a directory swapped or renamed later cannot redirect it.  A
 *     walk through a magic link, a path too deep to name, a context we
 *     cannot reproduce: refused (EPERM, "<refused: WHY>").
 *   - Our call runs with the caller's fsuid, fsgid, groups and
 *     capabilities (delegate.c): it can create, move and walk nothing the
 *     caller could not, and what it makes is the caller's own.
 *   - Calls are made one at a time in our thread, so the traced tree's
 *     link-making and moving calls are totally ordered: no other task
 *     needs to be stopped, and no undo is ever needed.
 * One stop: with the prefilter the call gets no exit stop; without it the
 * exit stop only checks that the kernel kept our return value. */

/* Is t still stopped where st was read: the same call, arguments and
 * instruction pointer?  What we read through /proc/TID is the caller's
 * only if so: another thread's execve can kill the caller while it is
 * stopped and take over its tid (with the new program's credentials, a
 * setuid one's included) between our reads. */
static bool still_at(struct tracee *t, const struct syscall_state *st)
{
	struct syscall_state now;

	return arch_get_syscall(t->tid, use_info, &now) == 0 &&
	       now.op == st->op && now.abi == st->abi && now.nr == st->nr &&
	       now.ip == st->ip &&
	       memcmp(now.args, st->args, sizeof(now.args)) == 0;
}

/* A call that cannot be judged: EPERM, with the reason in the report. */
static int64_t refuse(struct event *ev, const char *why)
{
	ev->refused = why;
	ev->silent = false;
	ev->action = ACT_DENY;
	ev->deny_errno = EPERM;
	return -EPERM;
}

/* The caller is gone, or its tid is another task's now: nothing is done
 * for it.  If it is still stopped at the call, the call is skipped with
 * EPERM (it must not run unjudged); reported "= ?" when reaped. */
static void delegation_lost(struct tracee *t, const struct syscall_state *st,
			    struct event *ev)
{
	ev->delegated = true;
	/* (Still there: something else failed, a /proc read, say.) */
	if (still_at(t, st) && arch_skip_syscall(t->tid, -EPERM) == 0)
		ev->ret = refuse(ev, REFUSE_GONE);
	t->ev = ev;
}

/* What deny mode keeps about a task (struct tracee_cache): its
 * credentials, as /proc/TID/status gives them, and whether delegation can
 * act as it (delegate_context()); whether its root is symtrace's.  Why
 * this is safe: a task's credentials change only by its own calls - the
 * set*id family, setgroups, capset (SC_SETCRED), a new user namespace
 * (unshare, setns: traced for it) - and by execve; its root only by
 * chroot or pivot_root, its own or of a task sharing its fs_struct
 * (SC_CHROOT: every task forgets, at its entry and again at its exit,
 * see roots_changing); an execve forgets both (a thread that exec'd
 * takes over the leader's tid with its own credentials and root).  The
 * prefilter traces all of them in deny mode (without it every call
 * stops), and each is seen at its entry, before it can take effect: the
 * next family call of the task reads again.  Not kept: a label of an LSM
 * (read at every call), and
 * anything when the output needs the parent pid (JSON), which changes
 * without any call of the task. */
static bool cache_creds;

static void forget_creds(struct tracee *t)
{
	t->cache.creds_ok = false;
	t->cache.why_ok = false;
}

static void forget_root(struct tracee *t, void *arg)
{
	(void)arg;
	t->cache.own_root = -1;
}

/* chroot and pivot_root calls between their entry and their exit: while
 * one is, a root read through /proc may be about to change (a task
 * sharing the fs_struct reads it before the call takes effect), so it is
 * neither trusted nor kept.  Each such call is followed to its exit,
 * where every task forgets again. */
static unsigned roots_changing;

static void root_change_begin(struct tracee *t)
{
	if (!(t->flags & TF_ROOT_CHANGING)) {
		t->flags |= TF_ROOT_CHANGING;
		roots_changing++;
	}
	tracee_foreach(forget_root, NULL);
}

static void root_change_end(struct tracee *t)
{
	if (!(t->flags & TF_ROOT_CHANGING))
		return;
	t->flags &= ~TF_ROOT_CHANGING;
	roots_changing--;
	tracee_foreach(forget_root, NULL);
}

/* Where resolve_open_base_hint() may keep what it learns of t's root. */
static signed char *root_hint(struct tracee *t)
{
	static signed char unknown;

	if (!roots_changing)
		return &t->cache.own_root;
	unknown = -1;
	return &unknown;
}

/* What the kernel answers a call whose string cannot be read: EFAULT, or
 * ENAMETOOLONG for one without a NUL within PATH_MAX.  Nothing to judge
 * and nothing is made (the tracee's call is skipped: a racing thread
 * cannot make the string readable for the kernel meanwhile). */
static int64_t unreadable_result(const struct event *ev)
{
	if (ev->target.status == TSTR_TOOLONG ||
	    ev->linkpath.status == TSTR_TOOLONG)
		return -ENAMETOOLONG;
	return -EFAULT;
}

/* Hand the tracee our result: skip its call with ret as return value;
 * report now (prefilter: no exit stop) or at the exit stop. */
static void delegation_finish(struct tracee *t, struct event *ev,
			      int64_t ret)
{
	int r;

	/* The second read, after our call: a difference means someone
	 * rewrote the caller's strings while it was judged.  What was made
	 * is the judged copy all the same; the report shows both. */
	if (ev->target.status == TSTR_OK && ev->linkpath.status == TSTR_OK)
		inspect_reread(ev);
	if (ev->action == ACT_KILL) {
		enforce(t, ev); /* never returns: reported "= ?" */
		emit_and_free(ev);
		return;
	}
	ev->finished = true;
	ev->ret = ret;
	r = arch_skip_syscall(t->tid, ret);
	if (r < 0 && r != -ESRCH) {
		errno = -r;
		warn_errno("cannot skip a delegated call of %d, killing it",
			   (int)t->tid);
		kill(ev->pid, SIGKILL);
	}
	if (filtered) {
		emit_and_free(ev); /* no exit stop */
		return;
	}
	t->ev = ev; /* checked and reported at the exit stop */
}

/* Begin a delegated call (its strings read into ev): the caller's
 * identity and credentials (kept in t's cache), and whether it can be
 * acted for (*why).  NULL when the call is dealt with already: the
 * caller is gone (delegation_lost), or a string could not be read (the
 * kernel's answer, unreadable_result()). */
static const struct proc_info *
delegation_start(struct tracee *t, const struct syscall_state *st,
		 struct event *ev, const char **why)
{
	struct tracee_cache *c = &t->cache;

	ev->delegated = true;
	if (!c->creds)
		c->creds = xmalloc(sizeof(*c->creds));
	if (!c->creds_ok || !cache_creds) {
		c->why_ok = false;
		if (inspect_status(t->tid, c->creds) < 0) {
			c->creds_ok = false;
			delegation_lost(t, st, ev);
			return NULL;
		}
		c->creds_ok = true;
	}
	if (!c->why_ok || !cache_creds || delegate_reads_labels()) {
		c->why = delegate_context(t->tid, c->creds);
		c->why_ok = true;
	}
	*why = c->why;
	inspect_ident(ev, ident_needed & ~INSPECT_CREDS);
	inspect_ident_from(ev, c->creds);
	/* The caller's home for '~' rules is looked up now (once per uid,
	 * then kept), with symtrace's credentials: decide() runs inside
	 * delegate_enter(), where an NSS module (sssd, LDAP) reached with
	 * the caller's could fail - and a caller without a home matches
	 * every deny '~' rule. */
	(void)policy_home(cfg->policy, ev->euid);
	if (ev->target.status != TSTR_OK || ev->linkpath.status != TSTR_OK) {
		if (task_gone(t->tid))
			delegation_lost(t, st, ev);
		else
			delegation_finish(t, ev, unreadable_result(ev));
		return NULL;
	}
	return c->creds;
}

/* After the last read through /proc/TID: was it the caller's?  If not
 * (or the caller is gone: why), nothing is done for it. */
static bool caller_still_there(struct tracee *t,
			       const struct syscall_state *st,
			       struct event *ev, const char *why)
{
	if ((why && strcmp(why, REFUSE_GONE) == 0) || !still_at(t, st)) {
		delegation_lost(t, st, ev);
		return false;
	}
	return true;
}

/* Whether symtrace makes a judged call (res: what the walk gave, 0 or
 * -errno); if not, *ret is the caller's answer: the rules' errno, ENOSYS
 * for an ABI this kernel does not run, or the walk's error. */
static bool may_act(const struct event *ev, int res, int64_t *ret)
{
	if (blocks(ev->action))
		*ret = -(int64_t)ev->deny_errno;
	else if (!arch_abi_runs(ev->abi))
		*ret = -ENOSYS;
	else if (res < 0)
		*ret = res;
	else
		return true;
	return false;
}

/* Where ev's target leads from the directory dirfd (real path dir) it
 * is placed in, through the filesystem as it is (resolve_target()): what
 * target= rules judge besides the lexical form.  Runs inside
 * delegate_enter(): the walk reads only what the caller could read, and
 * what it cannot read is "unjudged", which every deny target= rule
 * matches (fail closed).  From symtrace's root, whatever the caller's:
 * a link made in a chroot is followed from outside it as well (a web
 * server, a backup), and the lexical form is the outside one too. */
static void physical_target(struct event *ev, int dirfd, const char *dir)
{
	resolve_target(resolve_own_root(), "/", dirfd, dir, ev->target.buf,
		       NULL, 0, &ev->target_physical, &ev->target_unjudged);
}

/* The directory a call with dirfd and path starts from, for the report:
 * the one walked from (b), or (absolute paths) what it would be. */
static char *report_dir(pid_t tid, int dirfd, struct resolve_base *b)
{
	char *d = b->path;

	if (!d)
		return inspect_base_dir(tid, dirfd);
	b->path = NULL;
	return d;
}

static void delegate_symlink(struct tracee *t, const struct syscall_state *st,
			     enum sysc sc)
{
	struct event *ev = new_event(t, st, sc);
	struct resolve_base b = RESOLVE_BASE_INIT;
	struct resolved r = RESOLVED_INIT;
	struct delegate_creds c = { false };
	const struct proc_info *pi;
	const char *why = NULL;
	int64_t ret;
	int res = 0;

	inspect_entry_strings(ev, st->args);
	if (!(pi = delegation_start(t, st, ev, &why)))
		return;
	if (!why)
		res = resolve_open_base_hint(t->tid, ev->dirfd,
					     ev->linkpath.buf[0] == '/',
					     root_hint(t), &b, &why);
	ev->dir = report_dir(t->tid, ev->dirfd, &b);
	/* Everything read through /proc/TID is read by now. */
	if (!caller_still_there(t, st, ev, why)) {
		resolve_close_base(&b);
		return;
	}
	if (!why && res == 0 && delegate_enter(pi, &c, &why) == 0)
		res = resolve_parent(&b, ev->linkpath.buf, &r, &why);
	if (why) {
		ret = refuse(ev, why); /* fail closed */
		goto done;
	}
	if (res == 0) {
		ev->path = resolve_join(r.dir, r.last);
		ev->target_resolved = path_resolve_target(ev->path,
							  ev->target.buf);
		physical_target(ev, r.dirfd, r.dir);
	}
	/* (A walk that failed is judged too, without a link path: a
	 * target= rule still denies it.) */
	decide(ev);
	if (may_act(ev, res, &ret))
		ret = symlinkat(ev->target.buf, r.dirfd, r.last) == 0
			      ? 0
			      : -(int64_t)errno;
done:
	delegate_leave(&c);
	resolved_free(&r);
	resolve_close_base(&b);
	delegation_finish(t, ev, ret);
}

/* A side door (traced only while enforcing): refuse it and report. */
static void side_door(struct tracee *t, const struct syscall_state *st,
		      enum sysc sc)
{
	const struct door *door;
	struct event *ev;
	int err;

	if (sc == SC_CLONE3) {
		/* Refused silently, libc falls back to clone (whose flags
		 * we can see in a register, race-free). */
		arch_skip_syscall(t->tid, -(int64_t)ENOSYS);
		return;
	}
	/* The same table as the prefilter's (sidedoor.c): without the
	 * filter every call stops, and a traced call is tested again. */
	door = door_find(sc);
	if (!door || !door_open(door, st->args))
		return;
	err = door->err;
	ev = new_event(t, st, sc);
	inspect_ident(ev, ident_needed);
	ev->action = ACT_DENY;
	ev->deny_errno = err;
	enforce(t, ev);
	t->ev = ev;
}

/* ---- deny mode: rename/link, delegated (only with link= rules) ------
 *
 * A rename or hard link can move a symlink (or a directory holding some)
 * to where the rules forbid it.  While link= rules exist every such call
 * is made by symtrace, like a symlink call: both ends pinned, every
 * symlink the call moves judged at its new place, then renameat2/linkat
 * relative to the pinned fds with the caller's credentials.  The traced
 * tree's symlink-making and moving calls all pass through here one at a
 * time, so the symlinks judged are the ones moved. */

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

struct move {
	int olddfd, newdfd;
	uint64_t old, new_;
	uint64_t flags;
};

static void move_args(enum sysc sc, const uint64_t *a, struct move *m)
{
	memset(m, 0, sizeof(*m));
	if (sc == SC_RENAME || sc == SC_LINK) {
		m->olddfd = m->newdfd = AT_FDCWD;
		m->old = a[0];
		m->new_ = a[1];
	} else {
		m->olddfd = (int)(int32_t)a[0];
		m->old = a[1];
		m->newdfd = (int)(int32_t)a[2];
		m->new_ = a[3];
		m->flags = sc == SC_RENAMEAT ? 0 : (uint32_t)a[4];
	}
}

/* What a move's judgment needs besides the event: the entries the move
 * carries, seen as moved (resolve_move). */
struct move_view {
	struct resolve_move moves[2];
	char *names[4]; /* their names, without trailing slashes */
	size_t nmoves;
};

/* The verdict for a symlink with these contents landing at dest, in the
 * directory dirfd (real path dir, the new place) - its target resolved
 * lexically and through the filesystem with the move seen as done. */
static struct verdict judge_at(const struct event *ev,
			       const struct move_view *mv,
			       const char *contents, const char *dest,
			       int dirfd, const char *dir)
{
	_cleanup_free_ char *resolved = path_resolve_target(dest, contents);
	_cleanup_free_ char *physical = NULL;
	struct policy_input in = caller_input(ev);
	const char *unjudged;

	/* (As physical_target(), from symtrace's root.) */
	resolve_target(resolve_own_root(), "/", dirfd, dir, contents,
		       mv->moves, mv->nmoves, &physical, &unjudged);
	in.target = contents;
	in.target_resolved = resolved;
	in.target_physical = physical;
	in.target_unjudged = unjudged != NULL;
	in.link = dest;
	return policy_match(cfg->policy, &in);
}

/* The contents of the symlink name in dirfd (malloc'd), or NULL when it
 * is none. */
static char *symlink_at(int dirfd, const char *name)
{
	char buf[PATH_MAX + 1];
	struct stat sb;
	ssize_t n;

	if (fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !S_ISLNK(sb.st_mode))
		return NULL;
	n = readlinkat(dirfd, name, buf, sizeof(buf) - 1);
	if (n < 0)
		return NULL;
	return xstrndup(buf, (size_t)n);
}

/* Does last (a last component as given, maybe with trailing slashes)
 * name an entry a rename or link could move: not "", ".", ".." or
 * slashes only? */
static bool names_entry(const char *last)
{
	size_t n = strlen(last);

	while (n > 0 && last[n - 1] == '/')
		n--;
	return !(n == 0 || (n == 1 && last[0] == '.') ||
		 (n == 2 && last[0] == '.' && last[1] == '.'));
}

/* A directory moved by rename carries its symlinks along: each is judged
 * at the place it will have below dest.  The walk goes by descriptors
 * (openat O_NOFOLLOW from the pinned directory: nothing on the way can
 * redirect it), with the caller's credentials, and is bounded: a larger
 * or deeper tree, or one the caller cannot read, is refused (fail
 * closed: what cannot be walked cannot be judged). */
#define TREE_LIMIT 100000
#define TREE_DEPTH 256

struct tree_walk {
	const struct event *ev;
	const struct move_view *mv;
	unsigned long n;
	struct verdict v;  /* the first blocking verdict, else the first */
	bool found;        /* a symlink was seen */
	bool failed;       /* could not be walked whole */
};

/* A moved symlink's verdict: w keeps the first blocking one, else the
 * first. */
static void note_verdict(struct tree_walk *w, struct verdict v)
{
	if (!w->found || blocks(v.action))
		w->v = v;
	w->found = true;
}

static void judge_tree(struct tree_walk *w, int dirfd, const char *name,
		       const char *dest, int depth)
{
	struct dirent *e;
	DIR *d;
	int fd;

	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					 O_CLOEXEC);
	if (fd < 0 || depth > TREE_DEPTH || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		w->failed = true;
		return;
	}
	while (!w->failed && !blocks(w->v.action) && (errno = 0, e = readdir(d))) {
		_cleanup_free_ char *sub = NULL, *contents = NULL;
		struct stat sb;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (++w->n > TREE_LIMIT ||
		    fstatat(fd, e->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0) {
			w->failed = true;
			break;
		}
		sub = resolve_join(dest, e->d_name);
		if (S_ISDIR(sb.st_mode)) {
			judge_tree(w, fd, e->d_name, sub, depth + 1);
		} else if (S_ISLNK(sb.st_mode) &&
			   (contents = symlink_at(fd, e->d_name))) {
			note_verdict(w, judge_at(w->ev, w->mv, contents, sub,
						 fd, dest));
		}
	}
	if (!e && errno)
		w->failed = true;
	closedir(d);
}

/* Judge what a move of from (in fromfd) to dest (in todirfd, real path
 * todir) carries: the entry itself if it is a symlink, else (rename)
 * every symlink below it. */
static void judge_carried(struct tree_walk *w, int fromfd, const char *from,
			  const char *dest, int todirfd, const char *todir,
			  bool whole_tree)
{
	_cleanup_free_ char *name = xstrdup(from);
	_cleanup_free_ char *contents = NULL;
	size_t n = strlen(name);
	struct stat sb;

	while (n > 1 && name[n - 1] == '/')
		name[--n] = '\0';
	if (fstatat(fromfd, name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
		return; /* the call fails by itself */
	if (S_ISLNK(sb.st_mode) && (contents = symlink_at(fromfd, name))) {
		note_verdict(w, judge_at(w->ev, w->mv, contents, dest,
					 todirfd, todir));
	} else if (S_ISDIR(sb.st_mode) && whole_tree) {
		judge_tree(w, fromfd, name, dest, 0);
	}
}

/* Let mv see the move of from to to as done: the targets of the
 * symlinks it carries are walked as they will be followed after it - to
 * holds what from held (a ".." out of a moved directory leads to its new
 * parent, a path through the new name enters it or follows the moved
 * symlink), and after a rename from is empty unless the other half of a
 * RENAME_EXCHANGE fills it. */
static void see_moved(struct move_view *mv, const struct resolved *from,
		      const struct resolved *to, bool rename)
{
	struct resolve_move *m = &mv->moves[mv->nmoves];
	struct stat sb;
	int fd;

	fd = openat(from->dirfd, from->last, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return; /* the call fails by itself */
	if (fstat(fd, &sb) < 0) {
		close(fd);
		return;
	}
	*m = (struct resolve_move){
		.fd = fd,
		.dev = sb.st_dev,
		.ino = sb.st_ino,
		.to_fd = to->dirfd,
		.to_path = to->dir,
		.to_dev = to->dev,
		.to_ino = to->ino,
		.from_dev = from->dev,
		.from_ino = from->ino,
		.from_gone = rename,
	};
	m->to_name = mv->names[2 * mv->nmoves] = resolve_join("", to->last);
	m->from_name = mv->names[2 * mv->nmoves + 1] =
		resolve_join("", from->last);
	mv->nmoves++;
}

static void delegate_move(struct tracee *t, const struct syscall_state *st,
			  enum sysc sc)
{
	struct event *ev = new_event(t, st, sc);
	struct resolve_base bs = RESOLVE_BASE_INIT, bd = RESOLVE_BASE_INIT;
	struct resolved rs = RESOLVED_INIT, rd = RESOLVED_INIT;
	struct delegate_creds c = { false };
	struct move_view mv = { { { 0 } }, { NULL }, 0 };
	struct tree_walk w = { ev, &mv, 0, { ACT_NONE, 0, 0 }, false, false };
	bool is_rename = sc == SC_RENAME || sc == SC_RENAMEAT ||
			 sc == SC_RENAMEAT2;
	bool exchange;
	const struct proc_info *pi;
	const char *why = NULL;
	_cleanup_free_ char *src = NULL;
	struct move m;
	int64_t ret;
	int res = 0;

	move_args(sc, st->args, &m);
	exchange = sc == SC_RENAMEAT2 && (m.flags & RENAME_EXCHANGE);
	tmem_read_path(t->tid, m.old, &ev->target);
	tmem_read_path(t->tid, m.new_, &ev->linkpath);
	ev->has_dirfd = sc != SC_RENAME && sc != SC_LINK;
	ev->dirfd = m.newdfd;
	ev->move_flags = (unsigned)m.flags;
	/* Reported only when a symlink is involved (or it is refused). */
	ev->silent = true;
	if (!(pi = delegation_start(t, st, ev, &why)))
		return;
	if (sc == SC_LINKAT && (m.flags & AT_EMPTY_PATH) && !ev->target.len) {
		/* linkat(fd, "", ...): the source is a descriptor, not a
		 * path we can walk for the caller. */
		delegation_finish(t, ev, refuse(ev, REFUSE_FD_LINK));
		return;
	}
	if (!why)
		res = resolve_open_base_hint(t->tid, m.olddfd,
					     ev->target.buf[0] == '/',
					     root_hint(t), &bs, &why);
	if (!why && res == 0)
		res = resolve_open_base_hint(t->tid, m.newdfd,
					     ev->linkpath.buf[0] == '/',
					     root_hint(t), &bd, &why);
	ev->dir = report_dir(t->tid, m.newdfd, &bd);
	if (!caller_still_there(t, st, ev, why)) {
		resolve_close_base(&bs);
		resolve_close_base(&bd);
		return;
	}
	if (!why && res == 0 && delegate_enter(pi, &c, &why) == 0) {
		res = resolve_parent(&bs, ev->target.buf, &rs, &why);
		if (!why && res == 0)
			res = resolve_parent(&bd, ev->linkpath.buf, &rd, &why);
	}
	if (!why && res == 0) {
		src = resolve_join(rs.dir, rs.last);
		ev->path = resolve_join(rd.dir, rd.last);
		if (sc == SC_LINKAT && (m.flags & AT_SYMLINK_FOLLOW)) {
			/* Following the source's last symlink would happen
			 * in our context; without one, FOLLOW changes
			 * nothing and the link is made without it. */
			_cleanup_free_ char *l = symlink_at(rs.dirfd, rs.last);

			if (l)
				why = REFUSE_FOLLOW;
			m.flags &= ~(uint64_t)AT_SYMLINK_FOLLOW;
		} else if (!names_entry(rs.last) || !names_entry(rd.last)) {
			/* ".", ".." or "/" at either end: the kernel moves
			 * nothing (EBUSY, EEXIST, ...); nothing to judge. */
		} else {
			see_moved(&mv, &rs, &rd, is_rename);
			if (exchange)
				see_moved(&mv, &rd, &rs, true);
			judge_carried(&w, rs.dirfd, rs.last, ev->path,
				      rd.dirfd, rd.dir, is_rename);
			if (exchange)
				judge_carried(&w, rd.dirfd, rd.last, src,
					      rs.dirfd, rs.dir, true);
			if (w.failed)
				why = REFUSE_TREE;
		}
	}
	if (why) {
		ret = refuse(ev, why); /* fail closed */
		goto done;
	}
	if (w.found) {
		ev->silent = false;
		ev->action = w.v.action;
		ev->rule = w.v.rule;
		ev->deny_errno = w.v.err;
		ev->disk_target = symlink_at(rs.dirfd, rs.last);
		if (ev->disk_target)
			ev->target_resolved =
				path_resolve_target(ev->path, ev->disk_target);
	}
	if (may_act(ev, res, &ret))
		ret = (!is_rename ? linkat(rs.dirfd, rs.last, rd.dirfd,
					   rd.last, (int)m.flags)
		       : !m.flags ? renameat(rs.dirfd, rs.last, rd.dirfd,
					     rd.last)
				  : syscall(SYS_renameat2, rs.dirfd, rs.last,
					    rd.dirfd, rd.last,
					    (unsigned)m.flags)) == 0
			      ? 0
			      : -(int64_t)errno;
done:
	for (size_t i = 0; i < mv.nmoves; i++) {
		close(mv.moves[i].fd);
		free(mv.names[2 * i]);
		free(mv.names[2 * i + 1]);
	}
	delegate_leave(&c);
	resolved_free(&rs);
	resolved_free(&rd);
	resolve_close_base(&bs);
	resolve_close_base(&bd);
	delegation_finish(t, ev, ret);
}

/* Up to `polls` waitpid(which, WNOHANG), with sched_yield() between them.
 * Returns what waitpid returned last (0: nothing yet).  No time limit: on
 * a loaded machine a yield can last a time slice and the polls then span
 * the gaps between stops, so symtrace stays runnable - and that is what
 * keeps it fast there.  Bounding the polls to 1 ms made tests/stress.sh
 * (512 threads) take 49 s instead of 14: each stop then waited for
 * symtrace to be woken among hundreds of runnable threads.  Output does
 * not wait for a block (flush_if_old). */
static pid_t poll_wait(pid_t which, int *status, int polls)
{
	pid_t r = 0;

	for (int i = 0; i < polls; i++) {
		r = waitpid(which, status, __WALL | WNOHANG);
		if (r != 0)
			return r;
		sched_yield();
	}
	return r;
}

/* Trace mode: the caller whose entry was seen and who is resumed into its
 * call before the rest of its inspection (0: none).  The directory, the
 * resolved path, the SHARED marks and the caller's identity cannot change
 * while the caller is inside the call but by its other tasks, which could
 * change them while it is stopped at the entry as well; doing this work
 * while the kernel runs the call takes it off the time the caller waits
 * (a symlink loop: about a fifth of its time under symtrace).  The
 * strings are read at the entry stop: the caller's own code may rewrite
 * them after the call.  In deny mode everything is read before the verdict, with the
 * caller and its peers stopped. */
static pid_t late_tid;
/* Trace mode: a finished call, to report after its caller is resumed. */
static struct event *late_ev;

static void report_late(void)
{
	if (late_ev) {
		emit_and_free(late_ev);
		late_ev = NULL;
	}
}

static void inspect_late(void)
{
	struct tracee *t = late_tid ? tracee_find(late_tid) : NULL;

	late_tid = 0;
	if (!t || !t->ev)
		return;
	inspect_entry_context(t->ev, ident_needed, root_hint(t));
	decide(t->ev); /* rules that can only audit */
}

static void on_entry(struct tracee *t, const struct syscall_state *st)
{
	enum sysc sc = arch_classify(st->abi, st->nr);
	struct event *ev;

	if (sc == SC_SYMLINK || sc == SC_SYMLINKAT) {
		if (!enforcing) {
			/* Nothing to decide before the call runs: read the
			 * strings now, the rest once it runs (inspect_late). */
			ev = new_event(t, st, sc);
			inspect_entry_strings(ev, st->args);
			t->ev = ev;
			late_tid = t->tid;
			return;
		}
		delegate_symlink(t, st, sc);
	} else if (sc >= SC_RENAME && sc <= SC_LINKAT) {
		if (moves_checked)
			delegate_move(t, st, sc);
	} else if (sc == SC_SETCRED || sc == SC_CHROOT) {
		/* Watched: what the caches know changes (credentials:
		 * deny mode; the root: both modes). */
		if (sc == SC_SETCRED)
			forget_creds(t);
		else
			root_change_begin(t);
	} else if (st->abi == ABI_UNKNOWN && enforcing) {
		/* Fail closed on an ABI we cannot decode. */
		arch_skip_syscall(t->tid, -(int64_t)ENOSYS);
	} else if (enforcing && sc != SC_NONE) {
		/* A new user namespace changes the credentials. */
		if (sc == SC_UNSHARE || sc == SC_SETNS)
			forget_creds(t);
		side_door(t, st, sc);
	}
}

static void on_exit_stop(struct tracee *t, const struct syscall_state *st)
{
	struct event *ev = t->ev;
	int64_t ret = st->rval;

	if (!ev)
		return;
	if (st->op != SCOP_EXIT && arch_get_return(t->tid, &ret) < 0)
		return; /* gone; reported with "= ?" when reaped */
	if (ev->delegated) {
		/* Without the prefilter: the skipped call's exit.  The
		 * tracee must get what symtrace's own call returned. */
		/* The call (nr -1) never ran; only a seccomp filter of the
		 * tracee's own, which the kernel still runs for nr -1, can
		 * have set another value: put ours back, silently. */
		if (ret != ev->ret)
			arch_set_return(t->tid, ev->ret);
		ev->finished = true;
		finish_and_free(t);
		return;
	}
	ev->finished = true;
	ev->ret = ret;
	if (ev->action == ACT_DENY && ret != -(int64_t)ev->deny_errno) {
		/* The kernel ran the call after all (or another return
		 * value was set): say so loudly, and restore the errno. */
		warn("denied call of %d returned %lld, not -%d: the kernel "
		     "did not skip it", (int)t->tid, (long long)ret,
		     ev->deny_errno);
		arch_set_return(t->tid, -(int64_t)ev->deny_errno);
		ev->tags |= TAG_TOCTOU;
	}
	if (ev->sc == SC_SYMLINK || ev->sc == SC_SYMLINKAT) {
		inspect_exit(ev);
		if (!enforcing) {
			/* Reported once the caller runs again. */
			late_ev = ev;
			t->ev = NULL;
			return;
		}
	}
	finish_and_free(t);
}

static void on_syscall_stop(struct tracee *t, bool seccomp_stop)
{
	struct syscall_state st;
	enum sc_op op;

	if (!seccomp_stop && (t->flags & TF_IN_SYSCALL) && !t->ev) {
		/* The exit of a call we did not care about at its entry:
		 * nothing to read (the entry/exit alternation is reliable:
		 * every entry stop is followed by exactly one exit stop). */
		t->flags &= ~TF_IN_SYSCALL;
		if (t->flags & TF_ROOT_CHANGING)
			root_change_end(t);
		resume(t, 0);
		return;
	}
	if (arch_get_syscall(t->tid, use_info, &st) < 0)
		return; /* vanished */
	op = st.op;
	if (op == SCOP_NONE) {
		if (seccomp_stop)
			op = SCOP_SECCOMP;
		else
			op = (t->flags & TF_IN_SYSCALL) ? SCOP_EXIT
							: SCOP_ENTRY;
	}
	if (op == SCOP_EXIT) {
		t->flags &= ~TF_IN_SYSCALL;
		if (t->flags & TF_ROOT_CHANGING)
			root_change_end(t);
		on_exit_stop(t, &st);
	} else {
		if (op == SCOP_ENTRY)
			t->flags |= TF_IN_SYSCALL;
		on_entry(t, &st);
		/* From a seccomp-stop, PTRACE_SYSCALL leads to the exit. */
		if (op == SCOP_SECCOMP &&
		    (t->ev || (t->flags & TF_ROOT_CHANGING)))
			t->flags |= TF_IN_SYSCALL;
	}
	resume(t, 0);
	if (late_tid)
		inspect_late();
	report_late();
}

/* ---- tracee lifecycle ----------------------------------------------- */

static void gone(struct tracee *t, int status)
{
	root_change_end(t);
	inspect_forget(t->tid);
	/* A call in progress when the task died: reported with "= ?". */
	finish_and_free(t);
	if (t->tid == main_pid)
		main_status = status;
	notice_exit(t->tid, status);
	tracee_del(t);
}

static void on_exec(struct tracee *t)
{
	unsigned long former = 0;
	struct tracee *old;

	if (ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &former) < 0)
		former = (unsigned long)t->tid;
	inspect_forget((pid_t)former);
	inspect_forget(t->tid);
	/* A set-id program, file capabilities; and a thread that exec'd
	 * (below) has its own credentials and maybe its own root. */
	forget_creds(t);
	t->cache.own_root = -1;
	if ((pid_t)former != t->tid) {
		/* A non-leader thread exec'd and now has the leader's tid;
		 * the old leader vanished without an exit report. */
		old = tracee_find((pid_t)former);
		finish_and_free(t);
		/* The entry now stands for the thread that exec'd.  Of the
		 * old leader's state only what belongs to the thread group
		 * stays; of the exec'ing thread's, how it was traced. */
		t->flags &= ~(TF_GROUP_STOP | TF_GONE_PENDING);
		root_change_end(t); /* (the old leader's, if it was in one) */
		if (old) {
			root_change_end(old);
			t->flags |= old->flags & TF_ATTACHED;
			finish_and_free(old);
			tracee_del(old);
		}
	}
	t->flags |= TF_STARTED;
	/* The exec event comes from inside execve: without the seccomp
	 * filter we resume with PTRACE_SYSCALL and its exit stops next. */
	if (!filtered)
		t->flags |= TF_IN_SYSCALL;
	else
		t->flags &= ~TF_IN_SYSCALL;
	resume(t, 0);
}

/* For the summary: a task seen for the first time (its first status) is
 * a new process or thread.  It is classified while it is stopped there:
 * at the parent's fork/clone event the child may already have run and
 * been reaped (its first stop can come first), and its /proc entry gone
 * - a thread was then counted as a process.  A task whose first status is
 * its death (killed before its first stop) cannot be told: a process. */
static void count_new_task(pid_t tid, int status)
{
	struct proc_info pi;

	if (!cfg->summary)
		return;
	if (WIFSTOPPED(status) && inspect_status(tid, &pi) == 0 &&
	    pi.tgid != tid)
		summary.threads++;
	else
		summary.processes++;
}

/* Interactive job control.  The shell sees symtrace, not the command, as
 * the job: when the command stops on a terminal stop signal, symtrace must
 * stop too, with the same signal, so that the shell reports the job
 * stopped (and "fg"/"bg" later send SIGCONT to the whole process group,
 * which resumes both).  The terminal sends SIGTSTP to the foreground job
 * and SIGTTIN/SIGTTOU to a background job that touches it; a stop signal
 * sent by kill(1) to the command alone (symtrace not in the matching
 * position, or in another process group) is left to the command. */
static void follow_job_stop(struct tracee *t, int sig)
{
	struct sigaction dfl, old;
	pid_t fg;

	if (t->tid != main_pid || tty_fd < 0 || getpgid(t->tid) != getpgrp())
		return;
	fg = tcgetpgrp(tty_fd);
	if (fg < 0)
		return;
	if (sig == SIGTSTP ? fg != getpgrp()
			   : (sig != SIGTTIN && sig != SIGTTOU) ||
				     fg == getpgrp())
		return;
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, &old);
	flush_output();
	raise(sig); /* stops here until SIGCONT */
	sigaction(sig, &old, NULL);
}

static void on_stop(struct tracee *t, int status, bool created)
{
	int sig = WSTOPSIG(status);
	bool first = created || !(t->flags & TF_STARTED);

	switch (classify_stop(status, first, t->flags & TF_ATTACHED)) {
	case STOP_SYSCALL:
		t->flags |= TF_STARTED;
		on_syscall_stop(t, false);
		return;
	case STOP_SECCOMP:
		t->flags |= TF_STARTED;
		on_syscall_stop(t, true);
		return;
	case STOP_NEW_CHILD:
		/* The child is added (and counted) when its first stop
		 * comes (it may already have come, and even its exit:
		 * creating it here could resurrect a dead tid).  Until then
		 * it is stopped by the kernel and runs nothing. */
		resume(t, 0);
		return;
	case STOP_EXEC:
		on_exec(t);
		return;
	case STOP_START:
		/* First stop of an auto-attached tracee, or the
		 * PTRACE_INTERRUPT stop of one we attached to. */
		t->flags |= TF_STARTED;
		resume(t, 0);
		if (created)
			inspect_prefetch(t->tid);
		return;
	case STOP_GROUP: {
		/* Group-stop: stay stopped, but let us see SIGCONT and other
		 * events.  (A process we attached to while it was stopped
		 * lands here too: it stays stopped.)  A freeze re-reports a
		 * group-stop: not a new one. */
		bool was_stopped = t->flags & TF_GROUP_STOP;

		t->flags |= TF_STARTED | TF_GROUP_STOP;
		if (ptrace(PTRACE_LISTEN, t->tid, 0, 0) < 0 && errno != ESRCH)
			warn_errno("PTRACE_LISTEN %d", (int)t->tid);
		if (!was_stopped)
			follow_job_stop(t, sig);
		return;
	}
	case STOP_INTERRUPT:
		t->flags &= ~TF_GROUP_STOP;
		resume(t, 0);
		return;
	case STOP_SIGNAL:
	case STOP_OTHER_EVENT:
		/* Signal-delivery-stop: deliver the signal as if we were not
		 * here. */
		t->flags |= TF_STARTED;
		resume(t, sig);
		return;
	case STOP_GONE:
	case STOP_NONE:
	default:
		return; /* (handle_status_as() deals with them) */
	}
}

/* ---- spawning ------------------------------------------------------- */

static void on_forward_signal(int sig)
{
	if (forward_pid > 0)
		kill(forward_pid, sig);
}

static void setup_signals(void)
{
	struct sigaction sa;

	for (size_t i = 0; i < sizeof(passed_signals) / sizeof(int); i++)
		sigaction(passed_signals[i], NULL, &saved_sa[i]);
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	/* The terminal sends SIGINT/SIGQUIT/SIGTSTP to the whole foreground
	 * process group, the command included: symtrace ignores them and
	 * lets the command decide.  SIGTERM/SIGHUP sent to symtrace alone
	 * are passed on to the command, like a service supervisor. */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sigaction(SIGTSTP, &sa, NULL);
	sigaction(SIGTTIN, &sa, NULL);
	sigaction(SIGTTOU, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on_forward_signal;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static void restore_signals(void)
{
	for (size_t i = 0; i < sizeof(passed_signals) / sizeof(int); i++)
		sigaction(passed_signals[i], &saved_sa[i], NULL);
}

static struct filter_spec filter_spec(void)
{
	/* (chroot and pivot_root: whether a task's root is symtrace's is
	 * kept, in both modes, until one is seen.) */
	struct filter_spec spec = {
		.trace_mask = (1u << SC_SYMLINK) | (1u << SC_SYMLINKAT) |
			      (1u << SC_CHROOT),
	};

	if (enforcing) {
		/* Every side door of the table (sidedoor.c). */
		for (size_t i = 0; i < ndoors; i++)
			spec.trace_mask |= 1u << doors[i].sc;
		/* What the cache of delegation learns from. */
		spec.trace_mask |= 1u << SC_SETCRED;
		spec.enosys_mask |= 1u << SC_CLONE3;
	}
	if (moves_checked)
		spec.trace_mask |= (1u << SC_RENAME) | (1u << SC_RENAMEAT) |
				   (1u << SC_RENAMEAT2) | (1u << SC_LINK) |
				   (1u << SC_LINKAT);
	return spec;
}

/* execvp, and what glibc's execvp does (as POSIX asks) and musl's does
 * not: a file the kernel will not execute (ENOEXEC: a script without
 * "#!") is run by /bin/sh, as a shell runs it.  Returns with errno set. */
static void exec_command(char **argv)
{
	const char *path = getenv("PATH");
	char **sh, *found = NULL;
	size_t n = 0;

	execvp(argv[0], argv);
	if (errno != ENOEXEC)
		return;
	if (strchr(argv[0], '/')) {
		found = xstrdup(argv[0]);
	} else {
		/* The first executable file of that name in PATH, which is
		 * the one execvp found. */
		const char *p = path && *path ? path : "/bin:/usr/bin";

		while (!found && *p) {
			size_t len = strcspn(p, ":");
			char *f = len ? xasprintf("%.*s/%s", (int)len, p,
						  argv[0])
				      : xasprintf("./%s", argv[0]);

			if (access(f, X_OK) == 0)
				found = f;
			else
				free(f);
			p += len + (p[len] == ':');
		}
	}
	while (argv[n])
		n++;
	sh = xmalloc((n + 2) * sizeof(*sh));
	sh[0] = (char *)"sh";
	sh[1] = found ? found : argv[0];
	for (size_t i = 1; i <= n; i++)
		sh[i + 1] = argv[i];
	execv("/bin/sh", sh);
	errno = ENOEXEC;
}

static void child_exec(int go_fd, const struct sock_filter *prog, int len)
{
	char c;
	int r;

	/* Wait until the parent has seized us: nothing we run from here on
	 * (the filter, the exec) escapes the tracer. */
	while (read(go_fd, &c, 1) < 0 && errno == EINTR)
		;
	close(go_fd);
	restore_signals();
	if (prog) {
		/* As root, no PR_SET_NO_NEW_PRIVS: setuid programs in the
		 * command keep working; the filter stays on them (and only
		 * makes them stop for the tracer). */
		r = seccomp_install(prog, len, geteuid() != 0);
		/* Root without CAP_SYS_ADMIN (a container): the kernel
		 * insists on no_new_privs. */
		if (r == -EACCES && geteuid() == 0)
			r = seccomp_install(prog, len, true);
		if (r < 0) {
			fprintf(stderr, "%s: cannot install the seccomp "
				"filter: %s (try --no-seccomp)\n", progname,
				strerror(-r));
			_exit(EXIT_SYMTRACE_FAILURE);
		}
	}
	exec_command(cfg->argv);
	r = errno;
	fprintf(stderr, "%s: cannot run '%s': %s\n", progname, cfg->argv[0],
		strerror(r));
	_exit(r == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC);
}

static unsigned long ptrace_options(void)
{
	unsigned long o = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK |
			  PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
			  PTRACE_O_TRACEEXEC | PTRACE_O_TRACESECCOMP;

	/* Fail closed: if symtrace dies, what it guards dies too. */
	if (enforcing)
		o |= PTRACE_O_EXITKILL;
	return o;
}

static void spawn(void)
{
	struct sock_filter prog[SECCOMP_FILTER_MAX];
	struct filter_spec spec = filter_spec();
	int len = 0, go[2];
	pid_t pid;
	bool c;

	if (!cfg->no_seccomp) {
		len = seccomp_build(&spec, prog);
		if (len < 0)
			die(EXIT_SYMTRACE_FAILURE, "seccomp filter too long");
	}
	if (pipe2(go, O_CLOEXEC) < 0)
		die_errno(EXIT_SYMTRACE_FAILURE, "pipe");
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		die_errno(EXIT_SYMTRACE_FAILURE, "fork");
	if (pid == 0) {
		close(go[1]);
		child_exec(go[0], cfg->no_seccomp ? NULL : prog, len);
	}
	close(go[0]);
	if (ptrace(PTRACE_SEIZE, pid, 0, ptrace_options()) < 0) {
		int e = errno;

		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		errno = e;
		die_errno(EXIT_SYMTRACE_FAILURE, "cannot trace the command "
			  "(ptrace PTRACE_SEIZE of %d)%s", (int)pid,
			  e == EPERM ? " - is ptrace forbidden here "
				       "(container, kernel.yama.ptrace_scope)?"
				     : "");
	}
	main_pid = pid;
	forward_pid = pid;
	summary.processes = 1;
	tracee_get(pid, &c)->flags |= TF_STARTED;
	if (write(go[1], "x", 1) != 1)
		die_errno(EXIT_SYMTRACE_FAILURE, "pipe write");
	close(go[1]);
}

/* ---- attaching and detaching --------------------------------------- */

static void notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void notice(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (cfg->quiet)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s\n", progname, msg);
}

/* Why PTRACE_SEIZE of pid failed, in words. */
static void attach_error(pid_t pid, int err)
{
	char path[64], buf[4096];
	const char *why = "";
	long tracer = 0;
	FILE *f;

	if (err == ESRCH) {
		warn("cannot attach to %d: no such process", (int)pid);
		return;
	}
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (f) {
		while (fgets(buf, sizeof(buf), f))
			if (strncmp(buf, "TracerPid:", 10) == 0)
				tracer = strtol(buf + 10, NULL, 10);
		fclose(f);
	}
	if (err == EPERM) {
		if (tracer > 0)
			why = " (it is already traced by another process)";
		else if (geteuid() != 0)
			why = " (not root: is it owned by another user, or "
			      "does kernel.yama.ptrace_scope forbid it?)";
		else
			why = " (is ptrace forbidden here: container, "
			      "kernel.yama.ptrace_scope?)";
	}
	if (tracer > 0 && err == EPERM)
		warn("cannot attach to %d: %s%s [tracer pid %ld]", (int)pid,
		     strerror(err), why, tracer);
	else
		warn("cannot attach to %d: %s%s", (int)pid, strerror(err),
		     why);
}

/* Seize one task and make it stop (PTRACE_INTERRUPT) so that from its
 * first stop on we see every syscall.  0 or -errno. */
static int seize_task(pid_t tid)
{
	struct tracee *t;
	bool c;

	if (tracee_find(tid))
		return 0;
	if (ptrace(PTRACE_SEIZE, tid, 0, ptrace_options()) < 0)
		return -errno;
	t = tracee_get(tid, &c);
	t->flags |= TF_ATTACHED;
	if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) < 0 && errno != ESRCH)
		return -errno;
	if (!wake_tid)
		wake_tid = tid;
	return 0;
}

/* Seize every thread of pid, re-reading /proc/PID/task until no new
 * thread appears (threads created by already-seized threads are
 * auto-attached; the re-read catches those started meanwhile by the
 * others).  Returns the number of threads, or -errno for the process. */
static int attach_process(pid_t pid)
{
	char path[64];
	int n = 0, r, added;

	r = seize_task(pid);
	if (r < 0)
		return r;
	n = 1;
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	do {
		DIR *d = opendir(path);
		struct dirent *de;

		added = 0;
		if (!d)
			break;
		while ((de = readdir(d))) {
			long long tid;

			if (parse_ll(de->d_name, 1, INT_MAX, &tid) < 0 ||
			    tracee_find((pid_t)tid))
				continue;
			/* A thread that exits meanwhile is not an error. */
			if (seize_task((pid_t)tid) == 0) {
				added++;
				n++;
			}
		}
		closedir(d);
	} while (added);
	return n;
}

/* Is pid in a mount namespace other than symtrace's?  Its link paths are
 * walked in symtrace's (inspect.c), so they would be judged by other
 * mounts than the kernel uses for it.  false when unknown: a process we
 * may not inspect cannot be attached either, and that error is clearer.
 * *theirs / *ours get the namespaces' names ("mnt:[4026531841]"). */
static bool other_mount_ns(pid_t pid, char *theirs, char *ours, size_t size)
{
	char path[64];
	ssize_t n, m;

	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)pid);
	n = readlink(path, theirs, size - 1);
	m = readlink("/proc/self/ns/mnt", ours, size - 1);
	if (n < 0 || m < 0)
		return false;
	theirs[n] = '\0';
	ours[m] = '\0';
	return strcmp(theirs, ours) != 0;
}

static void attach_all(void)
{
	size_t ok = 0;

	for (size_t i = 0; i < cfg->npids; i++) {
		pid_t pid = cfg->pids[i];
		int r;

		if (pid == getpid()) {
			warn("cannot attach to %d: that is symtrace itself",
			     (int)pid);
			continue;
		}
		char theirs[64], ours[64];

		if (other_mount_ns(pid, theirs, ours, sizeof(theirs))) {
			if (enforcing) {
				/* Fail closed: rules on paths cannot be kept
				 * in another namespace's mounts. */
				warn("cannot attach to %d: it runs in another "
				     "mount namespace (%s, symtrace's %s), "
				     "where symtrace cannot judge link paths; "
				     "run symtrace in that namespace (nsenter "
				     "--mount --target %d symtrace ...)",
				     (int)pid, theirs, ours, (int)pid);
				continue;
			}
			warn("process %d runs in another mount namespace (%s, "
			     "symtrace's %s): its paths are reported as "
			     "symtrace's namespace shows them", (int)pid,
			     theirs, ours);
		}
		r = attach_process(pid);
		if (r < 0) {
			attach_error(pid, -r);
			continue;
		}
		ok++;
		summary.processes++;
		summary.threads += (unsigned long)r - 1;
		if (cfg->json && cfg->verbose > 0) {
			char members[64];

			snprintf(members, sizeof(members),
				 "\"pid\":%d,\"threads\":%d", (int)pid, r);
			sbuf_reset(&line);
			format_json_notice(&line, "attached", members);
			emit_line();
		}
		notice("attached to process %d (%d thread%s)", (int)pid, r,
		       r == 1 ? "" : "s");
	}
	if (!ok)
		die(EXIT_SYMTRACE_FAILURE, "no process could be attached");
}

static void on_detach_signal(int sig)
{
	int e = errno;

	(void)sig;
	detach_requested = 1;
	/* Make waitpid return even if the signal came just before it
	 * blocked: an interrupt stop is a harmless event. */
	if (wake_tid > 0)
		ptrace(PTRACE_INTERRUPT, (pid_t)wake_tid, 0, 0);
	errno = e;
}

static void interrupt_one(struct tracee *t, void *arg)
{
	(void)arg;
	if (ptrace(PTRACE_INTERRUPT, t->tid, 0, 0) < 0 && errno == ESRCH)
		t->flags |= TF_GONE_PENDING;
}

static void detach_task(struct tracee *t, int sig)
{
	if (t->ev) {
		/* Detached between entry and exit: its end is not seen.  A
		 * denied call needs no undoing: nr = -1 and the return
		 * value were both set at entry. */
		finish_and_free(t);
	}
	if (ptrace(PTRACE_DETACH, t->tid, 0, sig) < 0 && errno != ESRCH)
		warn_errno("cannot detach from %d", (int)t->tid);
	tracee_del(t);
}

/* The exit of a call in progress, seen while detaching: report it. */
static void exit_at_detach(struct tracee *t)
{
	struct syscall_state st;

	if (arch_get_syscall(t->tid, use_info, &st) == 0 &&
	    (st.op == SCOP_EXIT || st.op == SCOP_NONE))
		on_exit_stop(t, &st);
}

/* Detach from every tracee.  Each is interrupted and detached at its next
 * stop: a pending signal is handed back with the detach, a group-stopped
 * task stays stopped (the kernel re-enters the group-stop), a task in a
 * blocking syscall sees it restarted transparently, a call we are inside
 * of completes with its results unchanged.  New children reported meanwhile
 * are detached at their first stop. */
static void detach_all(void)
{
	size_t n = tracee_count();

	tracee_foreach(interrupt_one, NULL);
	while (tracee_count() > 0) {
		int status;
		bool created;
		struct tracee *t;
		pid_t pid = waitpid(-1, &status, __WALL);

		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		t = tracee_get(pid, &created);
		switch (classify_stop(status, created, false)) {
		case STOP_GONE:
			gone(t, status);
			break;
		case STOP_SYSCALL:
			if (t->ev)
				exit_at_detach(t);
			detach_task(t, 0);
			report_late();
			break;
		case STOP_NEW_CHILD: {
			unsigned long child;

			if (ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &child) == 0)
				tracee_get((pid_t)child, &created);
			detach_task(t, 0);
			break;
		}
		case STOP_SIGNAL:
			/* Signal-delivery-stop: give the signal back. */
			detach_task(t, WSTOPSIG(status));
			break;
		default:
			detach_task(t, 0);
			break;
		}
	}
	if (cfg->json && cfg->verbose > 0) {
		char members[64];

		snprintf(members, sizeof(members), "\"tasks\":%zu", n);
		sbuf_reset(&line);
		format_json_notice(&line, "detached", members);
		emit_line();
	}
	notice("detached from %zu task%s", n, n == 1 ? "" : "s");
}

/* ---- the loop ------------------------------------------------------- */

static int exit_code(void)
{
	if (main_status < 0)
		return EXIT_SYMTRACE_FAILURE;
	if (WIFEXITED(main_status))
		return WEXITSTATUS(main_status);
	if (WIFSIGNALED(main_status))
		return 128 + WTERMSIG(main_status);
	return EXIT_SYMTRACE_FAILURE;
}

static void pick_one(struct tracee *t, void *arg)
{
	*(pid_t *)arg = t->tid;
}

static pid_t any_tid(void)
{
	pid_t tid = 0;

	tracee_foreach(pick_one, &tid);
	return tid;
}

static void setup_attach_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: waitpid returns EINTR. */
	sa.sa_handler = on_detach_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

static void forget_wake_tid(pid_t tid)
{
	if (wake_tid == tid)
		wake_tid = 0;
}

/* Waiting.  A stop wakes the tracer; when the next stop comes soon (the
 * exit of the call just resumed, the next call of a busy loop) it is
 * cheaper to poll for it than to sleep and be woken.  Polling must yield
 * the CPU between polls, or the tracer takes the CPU the tracee needs:
 * measured on the 2-vCPU test machines (bench/RESULTS.md), busy polling
 * made everything slower, 100 yielding polls made the symlink loop about
 * 20% faster than blocking at once.  An idle tracee costs 100 polls once,
 * then symtrace blocks.  SYMTRACE_POLL=N in the environment overrides
 * (0 = always block at once).  See poll_wait() for the time limit. */
#define POLL_DEFAULT 100
static int poll_count = -1;

static pid_t wait_next(int *status)
{
	if (poll_count < 0) {
		const char *e = getenv("SYMTRACE_POLL");
		long long n = 0;

		poll_count = e && parse_ll(e, 0, 1000000, &n) == 0
				     ? (int)n
				     : POLL_DEFAULT;
	}
	pid_t pid;

	flush_if_old();
	pid = poll_wait(-1, status, poll_count);
	if (pid != 0)
		return pid;
	flush_output();
	return waitpid(-1, status, __WALL);
}

static void handle_status_as(pid_t pid, int status, bool was_new)
{
	bool created;
	struct tracee *t = tracee_get(pid, &created);

	created = created || was_new;
	if (created)
		count_new_task(pid, status);
	if (classify_stop(status, created, false) == STOP_GONE) {
		forget_wake_tid(pid);
		gone(t, status);
		if (!wake_tid && tracee_count() > 0)
			wake_tid = any_tid();
		return;
	}
	on_stop(t, status, created);
}

static void handle_status(pid_t pid, int status)
{
	handle_status_as(pid, status, false);
}

int supervise(const struct config *c)
{
	cfg = c;
	enforcing = cfg->policy && policy_can_deny(cfg->policy);
	moves_checked = enforcing && policy_judges_moves(cfg->policy);
	cache_creds = !cfg->json;
	if (cfg->json)
		ident_needed = INSPECT_ALL;
	if (cfg->policy && policy_needs_creds(cfg->policy))
		ident_needed |= INSPECT_CREDS;
	if (cfg->policy && policy_needs_comm(cfg->policy))
		ident_needed |= INSPECT_COMM;
	if (cfg->policy && policy_needs_exe(cfg->policy))
		ident_needed |= INSPECT_EXE;
	use_info = !cfg->no_syscall_info;
	setup_output();
	if (cfg->syslog)
		openlog("symtrace", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
	attach_mode = cfg->npids > 0;
	/* Attach mode never installs a filter: one left behind after
	 * detach would turn the family into ENOSYS. */
	filtered = !attach_mode && !cfg->no_seccomp;
	if (attach_mode) {
		setup_attach_signals();
		attach_all();
	} else {
		setup_signals();
		tty_fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
		spawn();
	}

	for (;;) {
		int status;
		pid_t pid;

		if (detach_requested) {
			detach_all();
			break;
		}
		pid = wait_next(&status);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD)
				break;
			die_errno(EXIT_SYMTRACE_FAILURE, "waitpid");
		}
		handle_status(pid, status);
	}
	if (cfg->summary) {
		sbuf_reset(&line);
		if (cfg->json)
			summary_format_json(&line, &summary);
		else
			summary_format_text(&line, &summary);
		emit_line();
	}
	flush_output();
	sbuf_free(&line);
	/* Attach mode: 0 after detaching or when every process exited. */
	return attach_mode ? 0 : exit_code();
}
