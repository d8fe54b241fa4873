/* policy.c - rules: parse, match; pure (no ptrace, no /proc).
 *
 * A rule is compiled once when it is added: globs become a small token
 * program run by a Thompson-style NFA simulation (time O(pattern * string)
 * at worst, O(string) for plain paths; no backtracking, so adversarial
 * patterns cannot blow up), ranges become [lo, hi] pairs.  Matching only
 * allocates the NFA state sets.
 */
#include "policy.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errnoname.h"
#include "util.h"

/* Largest errno a deny rule may return (the kernel's -MAX_ERRNO). */
#define POLICY_ERRNO_MAX 4095
/* Largest id in a range: 4294967295 is (uid_t)-1, "no id". */
#define POLICY_ID_MAX 4294967294u
/* At most this many bytes of (escaped) user text in an error message. */
#define SHOW_MAX 64

/* ---- globs -------------------------------------------------------------- */

enum gtok_type {
	G_LIT,	 /* one given byte */
	G_ANY,	 /* '?': one byte, not '/' */
	G_CLASS, /* '[...]': one byte of a set ('/' never in it) */
	G_STAR,	 /* '*': any run without '/' */
	G_DSTAR, /* '**': any run */
	G_HOME,	 /* a leading '~': the caller's home, matched before the
		  * NFA runs (match_glob()); only ever token 0 */
};

struct gtok {
	unsigned char type; /* enum gtok_type */
	unsigned char c;    /* G_LIT */
	/* G_DSTAR right after a '/' (or at the start) and before a '/': may
	 * skip itself and that following '/', so the pattern a/ ** /b (without
	 * the blanks) matches "a/b". */
	bool skip;
	/* G_LIT '/' just before a final '**': may jump to the end, so the
	 * pattern /etc/ + '**' matches "/etc". */
	bool tail;
	size_t cls; /* G_CLASS: index into glob.cls */
};

struct gclass {
	unsigned char bits[32];
};

struct glob {
	struct gtok *tok;
	size_t ntok;
	struct gclass *cls;
	size_t ncls;
	bool home; /* tok[0] is G_HOME: the NFA starts at state 1 */
};

static void glob_free(struct glob *g)
{
	if (!g)
		return;
	free(g->tok);
	free(g->cls);
	free(g);
}

static void cls_set(struct gclass *c, unsigned char b)
{
	c->bits[b >> 3] |= (unsigned char)(1u << (b & 7));
}

static bool cls_has(const struct gclass *c, unsigned char b)
{
	return c->bits[b >> 3] & (1u << (b & 7));
}

/* Parse a bracket expression at p[i] == '['.  Returns the index after the
 * closing ']', or 0 if there is none (the '[' is then a literal). */
static size_t parse_class(const char *p, size_t n, size_t i, struct gclass *out)
{
	struct gclass c;
	bool neg = false, first = true;
	size_t j = i + 1;

	memset(&c, 0, sizeof(c));
	if (j < n && (p[j] == '!' || p[j] == '^')) {
		neg = true;
		j++;
	}
	while (j < n) {
		unsigned char lo, hi;

		if (p[j] == ']' && !first)
			break;
		first = false;
		if (p[j] == '\\' && j + 1 < n) {
			lo = (unsigned char)p[j + 1];
			j += 2;
		} else {
			lo = (unsigned char)p[j++];
		}
		hi = lo;
		if (j + 1 < n && p[j] == '-' && p[j + 1] != ']') {
			if (p[j + 1] == '\\' && j + 2 < n) {
				hi = (unsigned char)p[j + 2];
				j += 3;
			} else {
				hi = (unsigned char)p[j + 1];
				j += 2;
			}
		}
		/* A reversed range ("z-a") is empty. */
		for (unsigned b = lo; b <= hi; b++)
			cls_set(&c, (unsigned char)b);
	}
	if (j >= n)
		return 0;
	if (neg)
		for (size_t k = 0; k < sizeof(c.bits); k++)
			c.bits[k] = (unsigned char)~c.bits[k];
	/* A class is one path-component byte: never '/'. */
	c.bits['/' >> 3] &= (unsigned char)~(1u << ('/' & 7));
	*out = c;
	return j + 1;
}

static bool is_lit(const struct gtok *t, unsigned char c)
{
	return t->type == G_LIT && t->c == c;
}

/* home: p starts with a '~' that stands for the caller's home (see
 * parse_key()). */
static struct glob *glob_compile(const char *p, size_t n, bool home)
{
	struct glob *g = xcalloc(1, sizeof(*g));
	size_t i = 0, m;

	/* At most one token per pattern byte; one class per '['. */
	g->tok = xcalloc(n + 1, sizeof(*g->tok));
	if (home) {
		g->tok[g->ntok++].type = G_HOME;
		g->home = true;
		i = 1;
	}
	while (i < n) {
		struct gtok *t = &g->tok[g->ntok++];
		size_t end;

		switch (p[i]) {
		case '\\':
			t->type = G_LIT;
			if (i + 1 < n) {
				t->c = (unsigned char)p[i + 1];
				i += 2;
			} else {
				t->c = '\\'; /* a trailing '\' is itself */
				i++;
			}
			break;
		case '?':
			t->type = G_ANY;
			i++;
			break;
		case '*':
			end = i;
			while (end < n && p[end] == '*')
				end++;
			t->type = end - i == 1 ? G_STAR : G_DSTAR;
			i = end;
			break;
		case '[': {
			struct gclass c;

			end = parse_class(p, n, i, &c);
			if (!end) {
				t->type = G_LIT;
				t->c = '[';
				i++;
				break;
			}
			g->cls = xrealloc(g->cls,
					  (g->ncls + 1) * sizeof(*g->cls));
			g->cls[g->ncls] = c;
			t->type = G_CLASS;
			t->cls = g->ncls++;
			i = end;
			break;
		}
		default:
			t->type = G_LIT;
			t->c = (unsigned char)p[i++];
			break;
		}
	}

	m = g->ntok;
	for (size_t k = 0; k < m; k++) {
		struct gtok *t = &g->tok[k];

		if (t->type != G_DSTAR)
			continue;
		if ((k == 0 || is_lit(&g->tok[k - 1], '/')) && k + 1 < m &&
		    is_lit(&g->tok[k + 1], '/'))
			t->skip = true;
		/* X + '/' + '**' (X not empty) also matches "X"; not
		 * '/' + '**' alone, which would otherwise match "". */
		if (k == m - 1 && k >= 2 && is_lit(&g->tok[k - 1], '/'))
			g->tok[k - 1].tail = true;
	}
	return g;
}

/* A set of NFA states 0..ntok ("the first i tokens have matched"), kept
 * as a list of the active states so that a step costs O(active), not
 * O(pattern).  bits[i] says how state i was reached: S_FRESH by entering
 * it, S_LOOP by a '*' or '**' consuming a byte and staying.  Only a fresh
 * '**' may skip the '/' after it: otherwise "a/" '**' "/b" would match
 * "a/xb".  A state is listed at most once per bit, so list holds
 * 2 * (ntok + 1) entries. */
enum { S_FRESH = 1, S_LOOP = 2 };

struct nset {
	unsigned char *bits;
	size_t *list;
	size_t n;
};

static void nset_add(struct nset *st, size_t i, unsigned char bit)
{
	if (st->bits[i] & bit)
		return;
	st->bits[i] |= bit;
	st->list[st->n++] = i;
}

/* Add every state reachable from st without consuming a byte.  The list
 * grows while it is scanned, so the scan is a complete worklist. */
static void glob_closure(const struct glob *g, struct nset *st)
{
	size_t m = g->ntok;

	for (size_t k = 0; k < st->n; k++) {
		size_t i = st->list[k];
		const struct gtok *t;

		if (i == m)
			continue;
		t = &g->tok[i];
		if (t->type == G_STAR || t->type == G_DSTAR)
			nset_add(st, i + 1, S_FRESH);
		if (t->skip && (st->bits[i] & S_FRESH))
			nset_add(st, i + 2, S_FRESH); /* i + 1 < m is '/' */
		if (t->tail)
			nset_add(st, m, S_FRESH);
	}
}

/* Does s match g from NFA state start on (0; 1 past a G_HOME)? */
static bool glob_run(const struct glob *g, const char *s, size_t start)
{
	size_t m = g->ntok;
	struct nset a, b, *cur = &a, *nxt = &b, *tmp;
	bool ok;

	a.bits = xcalloc(2 * (m + 1), 1);
	b.bits = a.bits + m + 1;
	a.list = xmalloc(4 * (m + 1) * sizeof(*a.list));
	b.list = a.list + 2 * (m + 1);
	a.n = b.n = 0;

	nset_add(cur, start, S_FRESH);
	glob_closure(g, cur);
	for (; *s && cur->n; s++) {
		unsigned char c = (unsigned char)*s;

		for (size_t k = 0; k < cur->n; k++) {
			size_t i = cur->list[k];
			const struct gtok *t;

			if (i == m)
				continue;
			t = &g->tok[i];
			switch ((enum gtok_type)t->type) {
			case G_LIT:
				if (c == t->c)
					nset_add(nxt, i + 1, S_FRESH);
				break;
			case G_ANY:
				if (c != '/')
					nset_add(nxt, i + 1, S_FRESH);
				break;
			case G_CLASS:
				if (cls_has(&g->cls[t->cls], c))
					nset_add(nxt, i + 1, S_FRESH);
				break;
			case G_STAR:
				if (c != '/')
					nset_add(nxt, i, S_LOOP);
				break;
			case G_DSTAR:
				nset_add(nxt, i, S_LOOP);
				break;
			default:
				break;
			}
		}
		glob_closure(g, nxt);
		/* Clear cur in O(active) and swap. */
		for (size_t k = 0; k < cur->n; k++)
			cur->bits[cur->list[k]] = 0;
		cur->n = 0;
		tmp = cur;
		cur = nxt;
		nxt = tmp;
	}
	ok = !*s && cur->bits[m];
	free(a.bits);
	free(a.list);
	return ok;
}

bool glob_match(const char *pattern, const char *s)
{
	struct glob *g;
	bool ok;

	if (!pattern || !s)
		return false;
	g = glob_compile(pattern, strlen(pattern), false);
	ok = glob_run(g, s, 0);
	glob_free(g);
	return ok;
}

/* ---- rules -------------------------------------------------------------- */

/* Order = order in the "expected ..." message and in policy_format_rule. */
enum key {
	K_TARGET,
	K_LINK,
	K_UID,
	K_RUID,
	K_GID,
	K_USER,
	K_GROUP,
	K_COMM,
	K_EXE,
	K_WHEN,
	K_DOTDOT,
	K_NKEYS,
};

static const char *const key_names[K_NKEYS] = {
	/* clang-format off */
	[K_TARGET] = "target",
	[K_LINK] = "link",
	[K_UID] = "uid",
	[K_RUID] = "ruid",
	[K_GID] = "gid",
	[K_USER] = "user",
	[K_GROUP] = "group",
	[K_COMM] = "comm",
	[K_EXE] = "exe",
	[K_WHEN] = "when",
	[K_DOTDOT] = "dotdot",
	/* clang-format on */
};

#define E_KEYS                                                                 \
	"(expected target, link, uid, ruid, gid, user, group, comm, exe, "    \
	"when or dotdot)"

static bool key_is_range(enum key k)
{
	return k == K_UID || k == K_RUID || k == K_GID;
}

static bool key_is_name(enum key k)
{
	return k == K_USER || k == K_GROUP;
}

/* GLOB keys whose value may start with '~' (a path). */
static bool key_takes_home(enum key k)
{
	return k == K_TARGET || k == K_LINK || k == K_EXE;
}

struct rule {
	enum action action;
	int err;
	bool has[K_NKEYS];
	struct glob *glob[K_NKEYS];	   /* GLOB keys */
	uint32_t lo[K_NKEYS], hi[K_NKEYS]; /* RANGE keys, inclusive; NAME
					    * keys: lo = hi = the id */
	/* GLOB and NAME keys: the value as written (between its quotes,
	 * escapes kept) and its quote ('"', '\'' or 0), for printing and for
	 * a new lookup of a name. */
	char *value[K_NKEYS];
	char quote[K_NKEYS];
	size_t pos[K_NKEYS]; /* offset of KEY= in the rule's text */
	/* when=: the first call it selects and the step after that (0: that
	 * call only, 1: every call from it on); count: the calls so far
	 * that matched every other key of the rule. */
	uint64_t when_first, when_step, count;
	/* dotdot=: true for "leading" (every ".." of the target comes
	 * before its other components), false for "inner". */
	bool dotdot_leading;
	bool home; /* a GLOB key starts with '~' */
	/* target=: the directory every match lies in (the literal part of
	 * the glob before its first wildcard, to a '/'; all of it when it
	 * has none), or NULL: see target_matches().  For a '~' glob the
	 * part after the '~' ("" for the home itself), never NULL. */
	char *target_dir;
	char *origin; /* "FILE:LINE", "-r N" or "--deny" */
};

struct policy {
	struct rule *rules;
	size_t n, cap;
	size_t nargs; /* calls of policy_add() */
	size_t nhome; /* rules with a '~' glob */
	bool has_names;
	struct policy_names names;
};

struct policy *policy_new(void)
{
	return xcalloc(1, sizeof(struct policy));
}

void policy_set_names(struct policy *p, const struct policy_names *names)
{
	p->has_names = names != NULL;
	if (names)
		p->names = *names;
}

static void rule_clear(struct rule *r)
{
	for (int k = 0; k < K_NKEYS; k++) {
		glob_free(r->glob[k]);
		free(r->value[k]);
	}
	free(r->target_dir);
	free(r->origin);
	memset(r, 0, sizeof(*r));
}

/* The fixed directory of a glob (see struct rule), malloc'd.  Absolute
 * globs: NULL when it has none ("/" counts: every absolute target lies
 * in it, and the glob says more), and so for relative ones.  '~' globs:
 * what follows the '~' up to there, without a trailing '/' ("" for
 * "~/" + '**'). */
static char *glob_fixed_dir(const struct glob *g)
{
	size_t s = g->home ? 1 : 0, n = s, cut = s;
	char *d;

	while (n < g->ntok && g->tok[n].type == G_LIT)
		n++;
	if (!g->home && (n == 0 || g->tok[0].c != '/'))
		return NULL;
	if (n < g->ntok) {
		/* Up to the last '/' before the wildcard. */
		for (size_t i = s; i < n; i++)
			if (g->tok[i].c == '/')
				cut = i;
		n = cut;
	}
	while (n > s + (g->home ? 0 : 1) && g->tok[n - 1].c == '/')
		n--;
	if (!g->home && n <= 1)
		return NULL;
	d = xmalloc(n - s + 1);
	for (size_t i = s; i < n; i++)
		d[i - s] = (char)g->tok[i].c;
	d[n - s] = '\0';
	return d;
}

void policy_free(struct policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		rule_clear(&p->rules[i]);
	free(p->rules);
	free(p);
}

static void policy_push(struct policy *p, const struct rule *r)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 8;
		p->rules = xrealloc(p->rules, p->cap * sizeof(*p->rules));
	}
	p->rules[p->n++] = *r;
	if (r->home)
		p->nhome++;
}

void policy_truncate(struct policy *p, size_t n)
{
	while (p->n > n) {
		struct rule *r = &p->rules[--p->n];

		if (r->home)
			p->nhome--;
		rule_clear(r);
	}
}

/* ---- parser ------------------------------------------------------------- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

/* Quote user text for a message: at most SHOW_MAX output bytes, bytes
 * outside printable ASCII as \xHH, "..." when cut.  out holds SHOW_BUF. */
static const char *show(char *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0, i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		bool plain = c >= 0x20 && c < 0x7f;

		if (o + (plain ? 1 : 4) > SHOW_MAX)
			break;
		if (plain) {
			out[o++] = (char)c;
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	if (i < n) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

#define SHOW_BUF (SHOW_MAX + 4)

static int perr(struct policy_error *err, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int perr(struct policy_error *err, size_t pos, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	err->pos = pos;
	return -1;
}

/* Parse a decimal id: digits only, 0..POLICY_ID_MAX.  0 on success, -1 on
 * a syntax error, -2 when the number is too large. */
static int parse_id(const char *s, size_t n, uint32_t *out)
{
	uint64_t v = 0;

	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > POLICY_ID_MAX)
			v = (uint64_t)POLICY_ID_MAX + 1; /* sticky, no wrap */
	}
	if (v > POLICY_ID_MAX)
		return -2;
	*out = (uint32_t)v;
	return 0;
}

/* RANGE: N, N-M, N- or -M. 0, -1 (syntax) or -2 (number too large). */
static int parse_range(const char *s, size_t n, uint32_t *lo, uint32_t *hi)
{
	const char *dash = memchr(s, '-', n);
	size_t l, r;
	int ret;

	if (!dash) {
		ret = parse_id(s, n, lo);
		*hi = *lo;
		return ret;
	}
	l = (size_t)(dash - s);
	r = n - l - 1;
	if (l == 0 && r == 0)
		return -1;
	*lo = 0;
	*hi = POLICY_ID_MAX;
	if (l && (ret = parse_id(s, l, lo)) < 0)
		return ret;
	if (r && (ret = parse_id(dash + 1, r, hi)) < 0)
		return ret;
	return *lo <= *hi ? 0 : -1;
}

static int parse_action(const char *s, size_t n, size_t pos, struct rule *r,
			struct policy_error *err)
{
	char b1[SHOW_BUF];

	r->err = 0;
	if (n == 5 && !memcmp(s, "allow", 5)) {
		r->action = ACT_ALLOW;
	} else if (n == 4 && !memcmp(s, "kill", 4)) {
		r->action = ACT_KILL;
	} else if (n == 5 && !memcmp(s, "audit", 5)) {
		r->action = ACT_AUDIT;
	} else if (n == 4 && !memcmp(s, "deny", 4)) {
		r->action = ACT_DENY;
		r->err = EPERM;
	} else if (n >= 5 && !memcmp(s, "deny:", 5)) {
		const char *e = s + 5;
		size_t en = n - 5, i;
		uint32_t v;
		char name[64];

		r->action = ACT_DENY;
		if (en == 0)
			return perr(err, pos,
				    "missing errno after 'deny:' (expected "
				    "a name like EACCES or a number 1-%d)",
				    POLICY_ERRNO_MAX);
		for (i = 0; i < en && e[i] >= '0' && e[i] <= '9'; i++)
			;
		if (i == en) {
			if (parse_id(e, en, &v) < 0 || v < 1 ||
			    v > POLICY_ERRNO_MAX)
				return perr(err, pos,
					    "errno '%s' out of range "
					    "(expected 1-%d)",
					    show(b1, e, en), POLICY_ERRNO_MAX);
			r->err = (int)v;
			return 0;
		}
		if (en < sizeof(name)) {
			memcpy(name, e, en);
			name[en] = '\0';
			r->err = errno_parse(name);
		} else {
			r->err = -1;
		}
		if (r->err <= 0 || r->err > POLICY_ERRNO_MAX)
			return perr(err, pos,
				    "unknown errno '%s' (expected a name "
				    "like EACCES or a number 1-%d)",
				    show(b1, e, en), POLICY_ERRNO_MAX);
	} else if (n == 7 && !memcmp(s, "include", 7)) {
		return perr(err, pos,
			    "'include' is a line of a rules file, not a rule");
	} else {
		return perr(err, pos,
			    "unknown action '%s' (expected allow, deny, "
			    "deny:ERRNO, kill or audit)",
			    show(b1, s, n));
	}
	return 0;
}

/* when=: N (the Nth call only), N+ (the Nth and every one after it) or
 * N+S (the Nth, then every Sth after it); N and S from 1.  0 or -1. */
static int parse_when(const char *s, size_t n, struct rule *r)
{
	const char *plus = memchr(s, '+', n);
	size_t l = plus ? (size_t)(plus - s) : n;
	uint32_t first, step = 0;

	if (parse_id(s, l, &first) < 0 || first == 0)
		return -1;
	if (plus) {
		size_t sn = n - l - 1;

		step = 1;
		if (sn && (parse_id(plus + 1, sn, &step) < 0 || step == 0))
			return -1;
	}
	r->when_first = first;
	r->when_step = step;
	return 0;
}

/* The id of rule r's user= or group= name (k), from p's lookups, into
 * *id.  0 or -1 with *err filled (at the key). */
static int lookup_name(const struct policy *p, const struct rule *r, enum key k,
		       uint32_t *id, struct policy_error *err)
{
	const char *what = k == K_USER ? "user" : "group";
	const char *v = r->value[k];
	char b1[SHOW_BUF];
	int ret;

	if (!p->has_names)
		return perr(err, r->pos[k], "no %s database to look '%s' up in",
			    what, show(b1, v, strlen(v)));
	if (k == K_USER) {
		uid_t u = 0;

		ret = p->names.user(v, &u, p->names.ctx);
		*id = (uint32_t)u;
	} else {
		gid_t g = 0;

		ret = p->names.group(v, &g, p->names.ctx);
		*id = (uint32_t)g;
	}
	if (ret == -ENOENT)
		return perr(err, r->pos[k], "unknown %s '%s'", what,
			    show(b1, v, strlen(v)));
	if (ret < 0)
		return perr(err, r->pos[k], "cannot look up %s '%s': %s", what,
			    show(b1, v, strlen(v)), strerror(-ret));
	if (*id > POLICY_ID_MAX)
		return perr(err, r->pos[k], "%s '%s' has no usable id", what,
			    show(b1, v, strlen(v)));
	return 0;
}

/* Parse one KEY=VALUE at s[*ip] (not a blank, not '#').  On success *ip
 * is past the token. */
static int parse_key(const struct policy *p, const char *s, size_t len,
		     size_t *ip, struct rule *r, struct policy_error *err)
{
	size_t start = *ip, i = *ip, vs, vn;
	char b1[SHOW_BUF], q = 0;
	const char *name;
	int k;

	while (i < len && s[i] != '=' && !is_blank(s[i]))
		i++;
	if (i == len || s[i] != '=' || i == start) {
		size_t e = i;

		while (e < len && !is_blank(s[e]))
			e++;
		return perr(err, start, "expected KEY=VALUE, got '%s'",
			    show(b1, s + start, e - start));
	}
	for (k = 0; k < K_NKEYS; k++)
		if (strlen(key_names[k]) == i - start &&
		    !memcmp(key_names[k], s + start, i - start))
			break;
	if (k == K_NKEYS)
		return perr(err, start, "unknown key '%s' " E_KEYS,
			    show(b1, s + start, i - start));
	name = key_names[k];
	i++; /* '=' */

	/* The value: quoted, or up to the next blank.  A backslash always
	 * takes the next byte along (both stay in the value, for the glob to
	 * interpret), so "\ " and "\"" never end a value. */
	if (i < len && (s[i] == '"' || s[i] == '\'')) {
		size_t qpos = i;

		q = s[i++];
		vs = i;
		while (i < len && s[i] != q)
			i += (s[i] == '\\' && i + 1 < len) ? 2 : 1;
		if (i >= len)
			return perr(err, qpos, "unterminated quote");
		vn = i - vs;
		i++;
		if (i < len && !is_blank(s[i]))
			return perr(err, i,
				    "expected blank after closing quote");
	} else {
		vs = i;
		while (i < len && !is_blank(s[i]))
			i += (s[i] == '\\' && i + 1 < len) ? 2 : 1;
		vn = i - vs;
	}

	if (vn == 0)
		return perr(err, start, "empty value for '%s'", name);
	if (r->has[k])
		return perr(err, start, "duplicate key '%s'", name);
	r->pos[k] = start;
	if (key_is_range((enum key)k)) {
		int ret = parse_range(s + vs, vn, &r->lo[k], &r->hi[k]);

		if (ret == -2)
			return perr(err, start,
				    "bad range '%s' for '%s' (numbers must be "
				    "0 to %u)",
				    show(b1, s + vs, vn), name, POLICY_ID_MAX);
		if (ret < 0)
			return perr(err, start,
				    "bad range '%s' for '%s' (expected N, "
				    "N-M, N- or -M)",
				    show(b1, s + vs, vn), name);
	} else if (k == K_DOTDOT) {
		if (vn == 7 && memcmp(s + vs, "leading", 7) == 0)
			r->dotdot_leading = true;
		else if (vn == 5 && memcmp(s + vs, "inner", 5) == 0)
			r->dotdot_leading = false;
		else
			return perr(err, start,
				    "bad value '%s' for 'dotdot' (expected "
				    "leading or inner)",
				    show(b1, s + vs, vn));
	} else if (k == K_WHEN) {
		if (parse_when(s + vs, vn, r) < 0)
			return perr(err, start,
				    "bad value '%s' for 'when' (expected N, "
				    "N+ or N+S, numbers 1 to %u)",
				    show(b1, s + vs, vn), POLICY_ID_MAX);
	} else if (key_is_name((enum key)k)) {
		r->value[k] = xstrndup(s + vs, vn);
		if (lookup_name(p, r, (enum key)k, &r->lo[k], err) < 0)
			return -1;
		r->hi[k] = r->lo[k];
	} else {
		bool home = key_takes_home((enum key)k) && s[vs] == '~';

		/* '~' alone or '~/...': the caller's home.  '~USER' would
		 * read as another user's home: refused, not taken as a
		 * literal '~' that could never match a path. */
		if (home && vn > 1 && s[vs + 1] != '/')
			return perr(err, start,
				    "'~' in '%s' must be followed by '/' "
				    "(~USER is not supported; '\\~' is a "
				    "literal '~')",
				    name);
		r->value[k] = xstrndup(s + vs, vn);
		r->quote[k] = q;
		r->glob[k] = glob_compile(s + vs, vn, home);
		if (k == K_TARGET)
			r->target_dir = glob_fixed_dir(r->glob[k]);
		r->home = r->home || home;
	}
	r->has[k] = true;
	*ip = i;
	return 0;
}

/* Parse s[0..len) into *r.  1 on success, 0 for an empty rule (only
 * blanks and a comment; *r untouched), -1 on error (*r cleared). */
static int parse_rule(const struct policy *p, const char *s, size_t len,
		      struct rule *r, struct policy_error *err)
{
	size_t i = 0, start;

	memset(r, 0, sizeof(*r));
	while (i < len && is_blank(s[i]))
		i++;
	if (i == len || s[i] == '#')
		return 0;
	start = i;
	while (i < len && !is_blank(s[i]))
		i++;
	if (parse_action(s + start, i - start, start, r, err) < 0)
		return -1;
	for (;;) {
		while (i < len && is_blank(s[i]))
			i++;
		if (i == len || s[i] == '#')
			break;
		if (parse_key(p, s, len, &i, r, err) < 0) {
			rule_clear(r);
			return -1;
		}
	}
	return 1;
}

int policy_add_rule(struct policy *p, const char *text, size_t len,
		    const char *file, size_t line, struct policy_error *err)
{
	const char *nul = memchr(text, '\0', len);
	struct rule r;
	int ret;

	if (nul)
		return perr(err, (size_t)(nul - text), "NUL byte in a rule");
	ret = parse_rule(p, text, len, &r, err);
	if (ret <= 0)
		return ret;
	r.origin = file ? xasprintf("%s:%zu", file, line)
			: xasprintf("-r %zu", line);
	policy_push(p, &r);
	return 1;
}

int policy_add(struct policy *p, const char *text, struct policy_error *err)
{
	int ret = policy_add_rule(p, text, strlen(text), NULL, ++p->nargs, err);

	if (ret == 0)
		return perr(err, 0, "empty rule");
	return ret < 0 ? -1 : 0;
}

int policy_add_text(struct policy *p, const char *file, const char *text,
		    size_t *line, struct policy_error *err)
{
	size_t old = p->n, lineno = 0;
	const char *s = text;

	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);

		lineno++;
		if (policy_add_rule(p, s, n, file, lineno, err) < 0) {
			/* All or nothing: drop what this call added. */
			policy_truncate(p, old);
			if (line)
				*line = lineno;
			return -1;
		}
		s += n;
		if (*s == '\n')
			s++;
	}
	return 0;
}

int policy_lookup_names(struct policy *p, size_t *rule,
			struct policy_error *err)
{
	uint32_t *ids = xcalloc(2 * (p->n ? p->n : 1), sizeof(*ids));

	/* Every name first, then every id: all or nothing. */
	for (size_t i = 0; i < p->n; i++)
		for (int k = K_USER; k <= K_GROUP; k++)
			if (p->rules[i].has[k] &&
			    lookup_name(p, &p->rules[i], (enum key)k,
					&ids[2 * i + (size_t)(k - K_USER)],
					err) < 0) {
				if (rule)
					*rule = i;
				free(ids);
				return -1;
			}
	for (size_t i = 0; i < p->n; i++)
		for (int k = K_USER; k <= K_GROUP; k++)
			if (p->rules[i].has[k])
				p->rules[i].lo[k] = p->rules[i].hi[k] =
					ids[2 * i + (size_t)(k - K_USER)];
	free(ids);
	return 0;
}

void policy_add_deny_all(struct policy *p, int err)
{
	struct rule r;

	memset(&r, 0, sizeof(r));
	r.action = ACT_DENY;
	/* Fail closed: an impossible errno still denies, with EPERM. */
	r.err = err >= 1 && err <= POLICY_ERRNO_MAX ? err : EPERM;
	r.origin = xstrdup("--deny");
	policy_push(p, &r);
}

size_t policy_count(const struct policy *p)
{
	return p->n;
}

const char *policy_rule_origin(const struct policy *p, int n)
{
	if (!p || n < 1 || (size_t)n > p->n)
		return NULL;
	return p->rules[n - 1].origin;
}

bool policy_can_deny(const struct policy *p)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->rules[i].action == ACT_DENY ||
		    p->rules[i].action == ACT_KILL)
			return true;
	return false;
}

static bool policy_has_key(const struct policy *p, enum key k)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->rules[i].has[k])
			return true;
	return false;
}

bool policy_judges_moves(const struct policy *p)
{
	return policy_has_key(p, K_LINK) || policy_has_key(p, K_TARGET);
}

bool policy_needs_exe(const struct policy *p)
{
	return policy_has_key(p, K_EXE);
}

bool policy_needs_creds(const struct policy *p)
{
	return policy_has_key(p, K_UID) || policy_has_key(p, K_RUID) ||
	       policy_has_key(p, K_GID) || policy_has_key(p, K_USER) ||
	       policy_has_key(p, K_GROUP) || p->nhome > 0;
}

bool policy_needs_comm(const struct policy *p)
{
	return policy_has_key(p, K_COMM);
}

bool policy_needs_home(const struct policy *p)
{
	return p && p->nhome > 0;
}

const char *policy_home(const struct policy *p, uid_t euid)
{
	if (!policy_needs_home(p) || !p->has_names || !p->names.home)
		return NULL;
	return p->names.home(euid, p->names.ctx);
}

/* ---- matching ----------------------------------------------------------- */

/* The caller's home as '~' globs use it: s[0..n) without trailing '/';
 * n == 0 when there is none usable (NULL, relative, or "/"). */
struct home {
	const char *s;
	size_t n;
};

static struct home caller_home(const struct policy_input *in)
{
	struct home h = { .s = in->home, .n = 0 };

	if (h.s && h.s[0] == '/') {
		h.n = strlen(h.s);
		while (h.n > 0 && h.s[h.n - 1] == '/')
			h.n--;
	}
	return h;
}

/* A '~' glob matches s when s starts with the home and the rest matches
 * what follows the '~' ("~/" + '**' matches the home itself too, as
 * "/etc/" + '**' matches "/etc"). */
static bool match_glob(const struct glob *g, const char *s,
		       const struct home *h)
{
	if (!s)
		return false;
	if (!g->home)
		return glob_run(g, s, 0);
	return h->n && strncmp(s, h->s, h->n) == 0 && glob_run(g, s + h->n, 1);
}

static bool match_range(const struct rule *r, enum key k, uint32_t v)
{
	return v >= r->lo[k] && v <= r->hi[k];
}

static bool blocks(enum action a)
{
	return a == ACT_DENY || a == ACT_KILL;
}

/* A '~' glob for a caller without a home.  Nothing can be said of where
 * the call lands or leads relative to a home that does not exist, so the
 * rule's side is taken that is safe: an allow or audit rule does not
 * match (a later rule decides, e.g. a final deny), and a deny or kill
 * rule does (fail closed): "deny target=~/.ssh/" + '**' must not turn
 * into "allowed" for a caller whose passwd entry vanished or that runs
 * with an id that has none.  The cost is that such a caller cannot make
 * links at all while a deny rule with a '~' key applies to it. */
static bool homeless(const struct rule *r, enum key k, const struct home *h)
{
	return r->glob[k]->home && h->n == 0;
}

/* Is path (absolute, lexical) "/proc/PID", "/proc/self" or
 * "/proc/thread-self", or below one of them, or /dev/fd or /dev/std*, or
 * below those?  What such a target leads to is decided by whoever follows
 * it (its root, its cwd, its descriptors): it cannot be judged when the
 * link is made. */
static bool magic_target(const char *path)
{
	static const char *const fixed[] = { "/proc/self", "/proc/thread-self",
					     "/dev/fd", "/dev/stdin",
					     "/dev/stdout", "/dev/stderr" };
	const char *p;

	if (!path)
		return false;
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		size_t n = strlen(fixed[i]);

		if (strncmp(path, fixed[i], n) == 0 &&
		    (path[n] == '\0' || path[n] == '/'))
			return true;
	}
	if (strncmp(path, "/proc/", 6) != 0)
		return false;
	p = path + 6;
	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == '\0' || *p == '/';
}

/* Is path (absolute, lexical) the directory a[0..an) + b, or a directory
 * above it?  (b is "" or starts with '/'.) */
static bool at_or_above(const char *path, const char *a, size_t an,
			const char *b)
{
	size_t n, bn;
	char next;

	if (!path)
		return false;
	if (strcmp(path, "/") == 0)
		return true;
	n = strlen(path);
	bn = strlen(b);
	if (n > an + bn)
		return false;
	if (n <= an) {
		if (strncmp(path, a, n) != 0)
			return false;
		next = n < an ? a[n] : b[0];
	} else {
		if (strncmp(path, a, an) != 0 ||
		    strncmp(path + an, b, n - an) != 0)
			return false;
		next = b[n - an];
	}
	return next == '\0' || next == '/';
}

/* target=, for a rule that denies or kills: the resolved path (lexical
 * or physical) or the verbatim target when that is absolute already (a
 * rule on /etc catches "/etc/../etc/passwd" by its resolved form,
 * "L/../../etc/passwd" with L a symlink to "." by its physical one, and
 * a rule on "/x/.." by its spelling).  Failing closed, it also matches a
 * target that leads into what it names from above (a link to "/" or to
 * "/srv" reaches /srv/secret: a rule on /srv/secret matches them; a rule
 * on ~/private, the home or anything above it), a
 * target through a magic link (magic_target()), and one whose resolution
 * could not be judged (target_unjudged).
 * For a rule that lets the call through (allow, audit) every resolution
 * known must match, and the spelling counts for nothing: with L a
 * symlink to ".", "L/L/../site2/x" made in /srv/www/site1 is lexically
 * /srv/www/site1/L/site2/x but leads to /srv/www/site2/x; a rule
 * allowing targets in site1 must not match it. */
static bool target_matches(const struct rule *r, const struct policy_input *in,
			   const struct home *h)
{
	const char *res = in->target_resolved, *phys = in->target_physical;
	const struct glob *g = r->glob[K_TARGET];
	const char *dir = r->target_dir;
	size_t dn;

	if (homeless(r, K_TARGET, h))
		return blocks(r->action);
	if (!blocks(r->action))
		return !in->target_unjudged && match_glob(g, res, h) &&
		       (!phys || match_glob(g, phys, h));
	if (match_glob(g, res, h) || match_glob(g, phys, h) ||
	    (in->target && in->target[0] == '/' &&
	     match_glob(g, in->target, h)))
		return true;
	if (in->target_unjudged || magic_target(res) || magic_target(phys) ||
	    (in->target && in->target[0] == '/' && magic_target(in->target)))
		return true;
	if (!dir)
		return false;
	if (g->home) /* the home, then the fixed part after the '~' */
		return at_or_above(res, h->s, h->n, dir) ||
		       at_or_above(phys, h->s, h->n, dir);
	dn = strlen(dir);
	return at_or_above(res, dir, dn, "") || at_or_above(phys, dir, dn, "");
}

/* A GLOB key other than target=. */
static bool glob_key(const struct rule *r, enum key k, const char *s,
		     const struct home *h)
{
	if (homeless(r, k, h))
		return blocks(r->action);
	return match_glob(r->glob[k], s, h);
}

static bool in_groups(const struct rule *r, const struct policy_input *in)
{
	uint32_t id = r->lo[K_GROUP];

	if ((uint32_t)in->egid == id)
		return true;
	for (size_t i = 0; in->groups && i < in->ngroups; i++)
		if ((uint32_t)in->groups[i] == id)
			return true;
	return false;
}

/* Does every ".." component of target come before its other components
 * ("../../x", "x", "./../x" - "." counts for nothing)?  A target whose
 * ".." comes after a name ("d/../x") climbs out of what the name is when
 * the link is followed: replace d by a symbolic link, and the target is
 * re-aimed.  One with leading ".." only climbs from the link's own
 * directory, which stays where it was judged (moving it is judged). */
static bool dotdot_leading(const char *target)
{
	const char *p = target;
	bool named = false;

	while (*p) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (named)
				return false;
		} else if (n && !(n == 1 && p[0] == '.')) {
			named = true;
		}
		p += n;
	}
	return true;
}

static bool rule_matches(const struct rule *r, const struct policy_input *in,
			 const struct home *h)
{
	if (r->has[K_TARGET] && !target_matches(r, in, h))
		return false;
	if (r->has[K_LINK] && !glob_key(r, K_LINK, in->link, h))
		return false;
	if (r->has[K_COMM] && !glob_key(r, K_COMM, in->comm, h))
		return false;
	if (r->has[K_EXE] && !glob_key(r, K_EXE, in->exe, h))
		return false;
	if (r->has[K_UID] && !match_range(r, K_UID, (uint32_t)in->euid))
		return false;
	if (r->has[K_RUID] && !match_range(r, K_RUID, (uint32_t)in->ruid))
		return false;
	if (r->has[K_GID] && !match_range(r, K_GID, (uint32_t)in->egid))
		return false;
	if (r->has[K_USER] && !match_range(r, K_USER, (uint32_t)in->euid))
		return false;
	if (r->has[K_GROUP] && !in_groups(r, in))
		return false;
	if (r->has[K_DOTDOT] &&
	    (!in->target || dotdot_leading(in->target) != r->dotdot_leading))
		return false;
	return true;
}

/* when=: count this call (all other keys matched) and say whether it is
 * one the rule selects. */
static bool when_selects(struct rule *r)
{
	uint64_t c;

	if (!r->has[K_WHEN])
		return true;
	if (r->count < UINT64_MAX)
		r->count++;
	c = r->count;
	if (c == r->when_first)
		return true;
	return r->when_step && c > r->when_first &&
	       (c - r->when_first) % r->when_step == 0;
}

struct verdict policy_match(struct policy *p, const struct policy_input *in)
{
	struct verdict v = {.action = ACT_NONE, .err = 0, .rule = 0};
	struct home h;

	if (!p)
		return v;
	h = caller_home(in);
	for (size_t i = 0; i < p->n; i++) {
		struct rule *r = &p->rules[i];

		/* A call when= does not select goes on to the next rules,
		 * as if this rule were not there. */
		if (!rule_matches(r, in, &h) || !when_selects(r))
			continue;
		v.action = r->action;
		v.err = r->action == ACT_DENY ? r->err : 0;
		v.rule = i < INT32_MAX ? (int)(i + 1) : INT32_MAX;
		return v;
	}
	return v;
}

/* ---- printing ----------------------------------------------------------- */

/* Bytes as they would be written in a value, but for those outside
 * printable ASCII (\xHH, as error messages show them).  glob: escape the
 * bytes that a glob or the rule syntax would read specially (for a home
 * put into a '~' glob). */
static void add_value(struct sbuf *out, const char *s, size_t n, bool glob)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c >= 0x7f) {
			sbuf_addc(out, '\\');
			sbuf_addc(out, 'x');
			sbuf_addc(out, hex[c >> 4]);
			sbuf_addc(out, hex[c & 15]);
			continue;
		}
		if (glob && strchr("*?[]\\\"' #", c))
			sbuf_addc(out, '\\');
		sbuf_addc(out, (char)c);
	}
}

static void add_range(struct sbuf *out, uint32_t lo, uint32_t hi)
{
	if (lo == hi)
		sbuf_addf(out, "%u", lo);
	else if (hi == POLICY_ID_MAX)
		sbuf_addf(out, "%u-", lo);
	else if (lo == 0)
		sbuf_addf(out, "-%u", hi);
	else
		sbuf_addf(out, "%u-%u", lo, hi);
}

bool policy_format_rule(const struct policy *p, int n, const char *home,
			struct sbuf *out)
{
	static const char *const actions[] = {
		[ACT_NONE] = "none", [ACT_ALLOW] = "allow", [ACT_DENY] = "deny",
		[ACT_KILL] = "kill", [ACT_AUDIT] = "audit",
	};
	struct policy_input in = { .home = home };
	struct home h = caller_home(&in);
	const struct rule *r;

	if (!p || n < 1 || (size_t)n > p->n)
		return false;
	r = &p->rules[n - 1];
	sbuf_adds(out, actions[r->action]);
	if (r->action == ACT_DENY) {
		const char *e = errno_name(r->err);

		if (e)
			sbuf_addf(out, ":%s", e);
		else
			sbuf_addf(out, ":%d", r->err);
	}
	for (int k = 0; k < K_NKEYS; k++) {
		const char *v = r->value[k];

		if (!r->has[k])
			continue;
		sbuf_addf(out, " %s=", key_names[k]);
		if (key_is_range((enum key)k)) {
			add_range(out, r->lo[k], r->hi[k]);
		} else if (k == K_DOTDOT) {
			sbuf_adds(out, r->dotdot_leading ? "leading" : "inner");
		} else if (k == K_WHEN) {
			sbuf_addf(out, "%" PRIu64, r->when_first);
			if (r->when_step == 1)
				sbuf_addc(out, '+');
			else if (r->when_step)
				sbuf_addf(out, "+%" PRIu64, r->when_step);
		} else if (key_is_name((enum key)k)) {
			add_value(out, v, strlen(v), false);
			sbuf_addf(out, "(%u)", r->lo[k]);
		} else {
			if (r->quote[k])
				sbuf_addc(out, r->quote[k]);
			if (r->glob[k]->home && h.n) {
				add_value(out, h.s, h.n, true);
				v++;
			}
			add_value(out, v, strlen(v), false);
			if (r->quote[k])
				sbuf_addc(out, r->quote[k]);
		}
	}
	return true;
}
