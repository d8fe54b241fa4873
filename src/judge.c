/* judge.c - a call judged and the judgment enforced; deny mode's
 * delegation of symlink calls, the side doors, the per-task cache
 * (judge.h).
 *
 * Invariants:
 *   - A call the rules deny or kill never runs: nr = -1 before the kernel
 *     looks at it again, or the task is killed.
 *   - A delegated call is made from symtrace's one copy of its strings,
 *     relative to pinned fds, with the caller's credentials; the tracee's
 *     own call is skipped and gets our result.
 *   - What was read through /proc/TID counts only if the tid is still
 *     stopped at the same call after the last read (still_at()).
 *   - Anything that cannot be judged is refused (EPERM) in deny mode. */
#include "judge.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "delegate.h"
#include "inspect.h"
#include "path.h"
#include "resolve.h"
#include "sidedoor.h"
#include "tmem.h"
#include "util.h"

struct event *new_event(struct tracee *t, const struct syscall_state *st,
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
void enforce(struct tracee *t, struct event *ev)
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

bool blocks(enum action a)
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
struct policy_input caller_input(struct policy *policy,
				 const struct event *ev)
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
		.home = policy_home(policy, ev->euid),
	};
}

void decide(struct policy *policy, struct event *ev)
{
	struct policy_input in;
	struct verdict v;

	if (!policy || policy_count(policy) == 0)
		return;
	/* (Deny mode judges only what it could read: delegate_*().) */
	in = caller_input(policy, ev);
	in.target = ev->target.buf;
	in.target_resolved = ev->target_resolved;
	in.target_physical = ev->target_physical;
	in.target_unjudged = ev->target_unjudged != NULL;
	in.link = ev->path;
	v = policy_match(policy, &in);
	set_verdict(ev, policy, v);
}

void set_verdict(struct event *ev, const struct policy *policy,
		 struct verdict v)
{
	const char *at = policy_rule_origin(policy, v.rule);

	ev->action = v.action;
	ev->rule = v.rule;
	ev->deny_errno = v.err;
	free(ev->rule_at);
	ev->rule_at = at ? xstrdup(at) : NULL;
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
static bool still_at(struct judge *j, struct tracee *t,
		     const struct syscall_state *st)
{
	struct syscall_state now;

	return arch_get_syscall(t->tid, j->s->use_info, &now) == 0 &&
	       now.op == st->op && now.abi == st->abi && now.nr == st->nr &&
	       now.ip == st->ip &&
	       memcmp(now.args, st->args, sizeof(now.args)) == 0;
}

/* A call that cannot be judged: EPERM, with the reason in the report. */
int64_t refuse(struct event *ev, const char *why)
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
static void delegation_lost(struct judge *j, struct tracee *t,
			    const struct syscall_state *st, struct event *ev)
{
	ev->delegated = true;
	/* (Still there: something else failed, a /proc read, say.) */
	if (still_at(j, t, st) && arch_skip_syscall(t->tid, -EPERM) == 0)
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
 * without any call of the task (session.cache_creds). */

void forget_creds(struct tracee *t)
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
 * where every task forgets again.  (Counted in j->roots_changing.) */

void root_change_begin(struct judge *j, struct tracee *t)
{
	if (!(t->flags & TF_ROOT_CHANGING)) {
		t->flags |= TF_ROOT_CHANGING;
		j->roots_changing++;
	}
	tracee_foreach(forget_root, NULL);
}

void root_change_end(struct judge *j, struct tracee *t)
{
	if (!(t->flags & TF_ROOT_CHANGING))
		return;
	t->flags &= ~TF_ROOT_CHANGING;
	j->roots_changing--;
	tracee_foreach(forget_root, NULL);
}

/* Where resolve_open_base_hint() may keep what it learns of t's root. */
signed char *root_hint(struct judge *j, struct tracee *t)
{
	static signed char unknown;

	if (!j->roots_changing)
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
void delegation_finish(struct judge *j, struct tracee *t, struct event *ev,
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
		sink_report(j->out, ev);
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
	if (j->s->filtered || (t->flags & TF_FILTERED)) {
		sink_report(j->out, ev); /* no exit stop */
		return;
	}
	t->ev = ev; /* checked and reported at the exit stop */
}

/* Begin a delegated call (its strings read into ev): the caller's
 * identity and credentials (kept in t's cache), and whether it can be
 * acted for (*why).  NULL when the call is dealt with already: the
 * caller is gone (delegation_lost), or a string could not be read (the
 * kernel's answer, unreadable_result()). */
const struct proc_info *delegation_start(struct judge *j, struct tracee *t,
					 const struct syscall_state *st,
					 struct event *ev, const char **why)
{
	struct tracee_cache *c = &t->cache;

	ev->delegated = true;
	if (!c->creds)
		c->creds = xmalloc(sizeof(*c->creds));
	if (!c->creds_ok || !j->s->cache_creds) {
		c->why_ok = false;
		if (inspect_status(t->tid, c->creds) < 0) {
			c->creds_ok = false;
			delegation_lost(j, t, st, ev);
			return NULL;
		}
		c->creds_ok = true;
	}
	if (!c->why_ok || !j->s->cache_creds || delegate_reads_labels()) {
		c->why = delegate_context(t->tid, c->creds);
		c->why_ok = true;
	}
	*why = c->why;
	inspect_ident(ev, j->ident_needed & ~INSPECT_CREDS);
	inspect_ident_from(ev, c->creds);
	/* The caller's home for '~' rules is looked up now (once per uid,
	 * then kept), with symtrace's credentials: decide() runs inside
	 * delegate_enter(), where an NSS module (sssd, LDAP) reached with
	 * the caller's could fail - and a caller without a home matches
	 * every deny '~' rule. */
	(void)policy_home(j->policy, ev->euid);
	if (ev->target.status != TSTR_OK || ev->linkpath.status != TSTR_OK) {
		if (task_gone(t->tid))
			delegation_lost(j, t, st, ev);
		else
			delegation_finish(j, t, ev, unreadable_result(ev));
		return NULL;
	}
	return c->creds;
}

/* After the last read through /proc/TID: was it the caller's?  If not
 * (or the caller is gone: why), nothing is done for it. */
bool caller_still_there(struct judge *j, struct tracee *t,
			const struct syscall_state *st, struct event *ev,
			const char *why)
{
	if ((why && strcmp(why, REFUSE_GONE) == 0) || !still_at(j, t, st)) {
		delegation_lost(j, t, st, ev);
		return false;
	}
	return true;
}

/* Whether symtrace makes a judged call (res: what the walk gave, 0 or
 * -errno); if not, *ret is the caller's answer: the rules' errno, ENOSYS
 * for an ABI this kernel does not run, or the walk's error. */
bool may_act(const struct event *ev, int res, int64_t *ret)
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
		       NULL, 0, NULL, &ev->target_physical,
		       &ev->target_unjudged);
}

/* The directory a call with dirfd and path starts from, for the report:
 * the one walked from (b), or (absolute paths) what it would be.  A
 * copy: b->path stays for resolve_parent(), which takes the directory's
 * real path from it when the walk crosses no symlink (without it, one
 * more readlink of /proc/self/fd/N per call). */
char *report_dir(pid_t tid, int dirfd, struct resolve_base *b)
{
	if (!b->path)
		return inspect_base_dir(tid, dirfd);
	return xstrdup(b->path);
}

void delegate_symlink(struct judge *j, struct tracee *t,
		      const struct syscall_state *st, enum sysc sc)
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
	if (!(pi = delegation_start(j, t, st, ev, &why)))
		return;
	if (!why)
		res = resolve_open_base_hint(t->tid, ev->dirfd,
					     ev->linkpath.buf[0] == '/',
					     root_hint(j, t), &b, &why);
	ev->dir = report_dir(t->tid, ev->dirfd, &b);
	/* Everything read through /proc/TID is read by now. */
	if (!caller_still_there(j, t, st, ev, why)) {
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
		ev->path = path_join(r.dir, r.last);
		ev->target_resolved = path_resolve_target(ev->path,
							  ev->target.buf);
		physical_target(ev, r.dirfd, r.dir);
	}
	/* A walk that failed (ENOENT, ENOTDIR, EACCES, ...) is not judged:
	 * the kernel fails such a call before anything could be made, and
	 * so does symtrace - with the walk's error, not a rule's (a program
	 * that creates the missing directory on ENOENT and tries again must
	 * see ENOENT; second red-team pass). */
	if (res == 0)
		decide(j->policy, ev);
	if (may_act(ev, res, &ret))
		ret = symlinkat(ev->target.buf, r.dirfd, r.last) == 0
			      ? 0
			      : -(int64_t)errno;
done:
	delegate_leave(&c);
	resolved_free(&r);
	resolve_close_base(&b);
	delegation_finish(j, t, ev, ret);
}

/* A side door (traced only while enforcing): refuse it and report. */
void side_door(struct judge *j, struct tracee *t,
	       const struct syscall_state *st, enum sysc sc)
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
	inspect_ident(ev, j->ident_needed);
	ev->action = ACT_DENY;
	ev->deny_errno = err;
	enforce(t, ev);
	t->ev = ev;
}
