/* policy.h - rules: parse, match; pure (no ptrace, no /proc, no files:
 * the password and group databases are reached through struct
 * policy_names, the caller's home through struct policy_input).
 *
 * RULE = ACTION [KEY=VALUE ...]; all keys of a rule must match; the first
 * matching rule decides; no match = allowed (ACT_NONE).
 *   ACTION: allow | deny | deny:ERRNO (name or number) | kill | audit
 *   KEY:    target=GLOB link=GLOB comm=GLOB exe=GLOB
 *           uid=RANGE ruid=RANGE gid=RANGE   (N, N-M, N-, -M)
 *           user=NAME group=NAME             (looked up when added)
 *           when=N | when=N+ | when=N+S      (which matching calls)
 * GLOB: '*', '?', '[...]' (with '!' or '^' negation and ranges) do not
 * match '/'; '**' matches any run including '/'; a pattern ending in
 * slash + '**' also matches the directory itself (the pattern /etc/ + '**'
 * matches "/etc");
 * '\\' escapes the next character.  In target=, link= and exe=, a value
 * that is '~' or starts with '~/' begins with the caller's home directory
 * (policy_input.home).
 * Values may be quoted with "..." or '...' to contain spaces. */
#ifndef SYMTRACE_POLICY_H
#define SYMTRACE_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "event.h"

struct policy;
struct sbuf;

struct policy_error {
	char msg[256]; /* "expected KEY=VALUE" ... without rule text */
	size_t pos;    /* 0-based byte offset in the rule text */
};

/* How user= and group= names become ids: each returns 0 with *id set,
 * -ENOENT when there is no such name, or another -errno when the lookup
 * itself failed.  home: the home directory of a uid for '~' globs
 * (policy_home()), or NULL.  The program uses the password and group
 * databases (names.h); tests give their own. */
struct policy_names {
	int (*user)(const char *name, uid_t *id, void *ctx);
	int (*group)(const char *name, gid_t *id, void *ctx);
	const char *(*home)(uid_t uid, void *ctx);
	void *ctx;
};

struct policy *policy_new(void);
void policy_free(struct policy *p);

/* The lookups for the user= and group= keys of the rules added from now
 * on (copied).  Without them such a key is an error. */
void policy_set_names(struct policy *p, const struct policy_names *names);

/* Look every user= and group= name up again (a reload of the databases).
 * 0; or -1 with *rule = the 0-based index of the first rule whose name is
 * unknown now and *err filled (the ids found before are kept). */
int policy_lookup_names(struct policy *p, size_t *rule,
			struct policy_error *err);

/* Parse and append one rule.  0 on success; -1 and *err filled on error.
 * An empty rule (only blanks / comment) is an error here.  The rule's
 * origin is "-r N", N counting the calls of policy_add() on p (failed
 * ones too). */
int policy_add(struct policy *p, const char *text, struct policy_error *err);

/* Parse text[0..len) and append it as one rule that comes from line
 * `line` of the rules file `file` (origin "FILE:LINE"), or, file NULL,
 * from the command line (origin "-r LINE").  1 when added, 0 for an empty
 * line (blanks, a comment), -1 with *err filled on error. */
int policy_add_rule(struct policy *p, const char *text, size_t len,
		    const char *file, size_t line, struct policy_error *err);

/* Parse a rules file's contents (named file in origins): one rule a line,
 * '#' comments, blank lines ignored; no include lines (rulesfile.h reads
 * files).  All or nothing: on error returns -1, *line = 1-based line
 * number, *err filled, and no rule of text is kept. */
int policy_add_text(struct policy *p, const char *file, const char *text,
		    size_t *line, struct policy_error *err);

/* Append the catch-all "deny:ERRNO" rule (--deny; origin "--deny"). */
void policy_add_deny_all(struct policy *p, int err);

/* Drop the rules after the first n (to undo a partly read file). */
void policy_truncate(struct policy *p, size_t n);

size_t policy_count(const struct policy *p);
bool policy_can_deny(const struct policy *p); /* any deny or kill rule */
/* Any rule has link= or target=: a rename or hard link that moves a
 * symlink can then break a rule (the symlink's place, or where its
 * target leads from the new place). */
bool policy_judges_moves(const struct policy *p);
bool policy_needs_exe(const struct policy *p); /* any rule has exe= */
/* uid=, ruid=, gid=, user=, group= or a '~' glob (the euid finds the
 * home): the caller's ids and groups must be read. */
bool policy_needs_creds(const struct policy *p);
bool policy_needs_comm(const struct policy *p); /* comm= */
/* A '~' glob: policy_input.home must be filled.  O(1). */
bool policy_needs_home(const struct policy *p);
/* What policy_input.home should be for a caller with this euid: NULL
 * when no rule has a '~' glob (nothing is looked up then), otherwise the
 * home lookup's answer (policy_set_names(); NULL without one).  Valid
 * until the next lookup. */
const char *policy_home(const struct policy *p, uid_t euid);

/* Where rule n (1-based, as in struct verdict) comes from: "FILE:LINE"
 * (the file named as on the command line or in the include line), "-r N"
 * or "--deny".  NULL when there is no rule n. */
const char *policy_rule_origin(const struct policy *p, int n);

/* Rule n (1-based) as understood, in the rule syntax, appended to out:
 * every key, in a fixed order; errnos by name; user=NAME(ID),
 * group=NAME(ID); when= and ranges in their shortest form.  A '~' glob
 * shows home (glob characters in it escaped) when home is not NULL, '~'
 * otherwise.  Bytes outside printable ASCII in values as \xHH.  False
 * when there is no rule n. */
bool policy_format_rule(const struct policy *p, int n, const char *home,
			struct sbuf *out);

/* What a rule is matched against. NULL strings never match a GLOB key. */
struct policy_input {
	const char *target;          /* verbatim */
	const char *target_resolved; /* lexically resolved, absolute */
	/* Where the target leads through the filesystem as it is (its
	 * symlinks followed, from the link's real directory; the part that
	 * does not exist resolved lexically), or NULL if not resolved. */
	const char *target_physical;
	/* The target's resolution could not be judged (a magic link or /proc
	 * on its way, a directory the caller cannot search, too many
	 * links): every deny/kill target= rule matches (fail closed). */
	bool target_unjudged;
	const char *link;            /* absolute link path */
	const char *comm;
	const char *exe;
	uid_t euid, ruid;
	gid_t egid;
	/* The caller's supplementary groups (group= matches the egid or one
	 * of these). */
	const gid_t *groups;
	size_t ngroups;
	/* The home directory of the caller's euid from the password
	 * database, absolute and lexically normal, for '~' globs; NULL when
	 * it has none.  A home of "/" counts as none.  Without a home, a
	 * '~' key never matches in an allow or audit rule and always
	 * matches in a deny or kill rule (fail closed). */
	const char *home;
};

struct verdict {
	enum action action; /* ACT_NONE when no rule matched */
	int err;            /* errno for ACT_DENY */
	int rule;           /* 1-based rule number, 0 if none */
};

/* The first rule that matches in.  Not const: a rule with when= counts
 * the calls that match its other keys (symtrace has one thread; a
 * policy must not be matched from two threads at once). */
struct verdict policy_match(struct policy *p, const struct policy_input *in);

/* Glob match as described above (whole string). */
bool glob_match(const char *pattern, const char *s);

#endif
