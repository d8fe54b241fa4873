/* judge.h - a call of the symlink family or a side door, judged: its
 * event, the rules' decision, the decision enforced; in deny mode the
 * call made by symtrace for the caller (delegation), with what is kept
 * about each task meanwhile (the per-task cache) and when it is
 * forgotten.  rename/link: move.h. */
#ifndef SYMTRACE_JUDGE_H
#define SYMTRACE_JUDGE_H

#include <stdbool.h>
#include <stdint.h>

#include "arch.h"
#include "event.h"
#include "policy.h"
#include "resolve.h"
#include "session.h"
#include "sink.h"
#include "tracee.h"

struct proc_info;

struct judge {
	const struct session *s;
	struct sink *out;
	/* The rules in force for the call at hand, and what inspect_ident()
	 * must read for them (session_ident_needed()): taken once per call
	 * by the wait loop (control.h, rules_now()). */
	struct policy *policy;
	unsigned ident_needed;
	bool judges_moves; /* policy_judges_moves(policy) */
	/* chroot and pivot_root calls between their entry and their exit
	 * (see root_change_begin()). */
	unsigned roots_changing;
};

/* A new event for t's call (st) of kind sc. */
struct event *new_event(struct tracee *t, const struct syscall_state *st,
			enum sysc sc);
/* Deny or kill: does the action stop the call? */
bool blocks(enum action a);
/* The rules' decision on ev (nothing without rules). */
void decide(struct policy *policy, struct event *ev);
/* ev decided by v, a verdict of policy. */
void set_verdict(struct event *ev, const struct policy *policy,
		 struct verdict v);
/* What the rules see of the caller of ev (who it is; the call's strings
 * are filled in by the caller of this). */
struct policy_input caller_input(struct policy *policy,
				 const struct event *ev);
/* Apply a deny or kill decision at entry. */
void enforce(struct tracee *t, struct event *ev);

/* Deny mode: symtrace makes the symlink call (delegation). */
void delegate_symlink(struct judge *j, struct tracee *t,
		      const struct syscall_state *st, enum sysc sc);
/* A side door (traced only while enforcing): refuse it and report. */
void side_door(struct judge *j, struct tracee *t,
	       const struct syscall_state *st, enum sysc sc);

/* The steps of a delegated call, for move.c.  delegation_start(): the
 * caller's identity and credentials, whether it can be acted for (*why);
 * NULL when the call is dealt with already.  caller_still_there(): after
 * the last read through /proc/TID, was it the caller's?
 * delegation_finish(): hand the tracee our result and report. */
const struct proc_info *delegation_start(struct judge *j, struct tracee *t,
					 const struct syscall_state *st,
					 struct event *ev, const char **why);
bool caller_still_there(struct judge *j, struct tracee *t,
			const struct syscall_state *st, struct event *ev,
			const char *why);
void delegation_finish(struct judge *j, struct tracee *t, struct event *ev,
		       int64_t ret);
/* A call that cannot be judged: EPERM, with the reason in the report. */
int64_t refuse(struct event *ev, const char *why);
/* Whether symtrace makes a judged call (res: the walk's 0 or -errno); if
 * not, *ret is the caller's answer. */
bool may_act(const struct event *ev, int res, int64_t *ret);
/* The directory a call with dirfd starts from, for the report. */
char *report_dir(pid_t tid, int dirfd, struct resolve_base *b);
/* Where resolve_open_base_hint() may keep what it learns of t's root. */
signed char *root_hint(struct judge *j, struct tracee *t);

/* The per-task cache: t's credentials may have changed (set*id,
 * setgroups, capset, a new user namespace, execve). */
void forget_creds(struct tracee *t);
/* t enters a chroot or pivot_root / leaves it (or is gone): every task
 * forgets its root. */
void root_change_begin(struct judge *j, struct tracee *t);
void root_change_end(struct judge *j, struct tracee *t);

#endif
