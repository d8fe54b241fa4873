/* output.c - text and JSON-lines writers for events; pure (no ptrace).
 *
 * Text lines follow strace: strings are quoted and escaped exactly as
 * strace 6 prints them, so tools that parse strace output can parse ours.
 *
 * JSON lines are always valid RFC 8259 text (and valid UTF-8), whatever
 * bytes the tracee used.  A tracee string that is valid UTF-8 is printed as
 * a JSON string holding exactly its bytes.  One that is not is printed with
 * U+FFFD for each byte that does not start a valid UTF-8 sequence, and an
 * extra member KEY_b64 (standard base64 with padding, RFC 4648) right after
 * it carries the exact bytes.  So the exact bytes are always recoverable:
 * from the string when there is no KEY_b64, from KEY_b64 otherwise. */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <time.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arch.h"
#include "errnoname.h"
#include "journal.h"
#include "policy.h"

/* Whose rules the events' rule numbers are (output_set_policy()). */
static const struct policy *rules_of;

void output_set_policy(const struct policy *p)
{
	rules_of = p;
}

/* Where the deciding rule of ev comes from ("FILE:LINE", "-r N",
 * "--deny"), or NULL when unknown. */
static const char *rule_at(const struct event *ev)
{
	if (ev->rule_at)
		return ev->rule_at;
	return ev->rule ? policy_rule_origin(rules_of, ev->rule) : NULL;
}

/* ---- text ---- */

/* "\NNN" as strace prints it: no leading zeros, unless the next byte is an
 * octal digit, where a short escape would swallow it (\0 then '1' must not
 * read as \01), so then always three digits. */
static void add_octal(struct sbuf *sb, unsigned char c, bool three)
{
	char t[4];
	size_t n = 0;

	t[n++] = '\\';
	if (three || (c >> 6))
		t[n++] = (char)('0' + (c >> 6));
	if (three || (c >> 3))
		t[n++] = (char)('0' + ((c >> 3) & 7));
	t[n++] = (char)('0' + (c & 7));
	sbuf_add(sb, t, n);
}

static bool next_is_octal_digit(const unsigned char *u, size_t i, size_t len)
{
	return i + 1 < len && u[i + 1] >= '0' && u[i + 1] <= '7';
}

/* The bytes of a string as strace escapes them between quotes: \" \\ \t
 * \n \v \f \r, printable ASCII as it is, every other byte (controls,
 * DEL, bytes >= 0x80: a lone 0x9b is a terminal's CSI) in octal.  angle:
 * '<' and '>' in octal too (inside a <...> annotation). */
static void escape_bytes(struct sbuf *sb, const unsigned char *u, size_t len,
			 bool angle)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = u[i];

		switch (c) {
		case '"':
			sbuf_add(sb, "\\\"", 2);
			break;
		case '\\':
			sbuf_add(sb, "\\\\", 2);
			break;
		case '\t':
			sbuf_add(sb, "\\t", 2);
			break;
		case '\n':
			sbuf_add(sb, "\\n", 2);
			break;
		case '\v':
			sbuf_add(sb, "\\v", 2);
			break;
		case '\f':
			sbuf_add(sb, "\\f", 2);
			break;
		case '\r':
			sbuf_add(sb, "\\r", 2);
			break;
		default:
			if (c >= 0x20 && c <= 0x7e &&
			    !(angle && (c == '<' || c == '>')))
				sbuf_addc(sb, (char)c);
			else
				add_octal(sb, c,
					  next_is_octal_digit(u, i, len));
			break;
		}
	}
}

/* '"' + escape_bytes() + '"' [+ "..."]. */
static void quote_bytes(struct sbuf *sb, const char *s, size_t len,
			bool truncated, bool angle)
{
	sbuf_grow(sb, len + 2);
	sbuf_addc(sb, '"');
	escape_bytes(sb, (const unsigned char *)s, len, angle);
	sbuf_addc(sb, '"');
	if (truncated)
		sbuf_adds(sb, "...");
}

void escape_str(struct sbuf *sb, const char *s, size_t len, bool truncated)
{
	quote_bytes(sb, s, len, truncated, false);
}

/* A path shown in <...> after an fd or a linkpath (like strace -y):
 * escaped exactly as between quotes, and '<' and '>' too, so that the
 * line stays one line, the closing '>' is unambiguous, and no byte of a
 * file name reaches the terminal raw. */
static void escape_path(struct sbuf *sb, const char *s)
{
	escape_bytes(sb, (const unsigned char *)s, strlen(s), true);
}

/* format_tstr(); angle: inside a <...> annotation, where '<' and '>'
 * are escaped too (\74, \76), as in paths there. */
static void format_tstr_in(struct sbuf *sb, const struct tstr *s, bool angle)
{
	switch (s->status) {
	case TSTR_OK:
		quote_bytes(sb, s->buf, s->len, false, angle);
		break;
	case TSTR_TOOLONG:
		quote_bytes(sb, s->buf, s->len, true, angle);
		break;
	case TSTR_NULL:
		sbuf_adds(sb, "NULL");
		break;
	case TSTR_FAULT:
		sbuf_addf(sb, "0x%llx", (unsigned long long)s->addr);
		break;
	case TSTR_UNSET:
	default:
		sbuf_addc(sb, '?');
		break;
	}
}

void format_tstr(struct sbuf *sb, const struct tstr *s)
{
	format_tstr_in(sb, s, false);
}

void format_dirfd(struct sbuf *sb, int dirfd, const char *dir)
{
	if (dirfd == AT_FDCWD)
		sbuf_adds(sb, "AT_FDCWD");
	else
		sbuf_addf(sb, "%d", dirfd);
	if (dir) {
		sbuf_addc(sb, '<');
		escape_path(sb, dir);
		sbuf_addc(sb, '>');
	}
}

static long usec_of(const struct timespec *ts)
{
	/* Clamped so a bogus tv_nsec cannot widen the field. */
	if (ts->tv_nsec < 0)
		return 0;
	if (ts->tv_nsec > 999999999)
		return 999999;
	return ts->tv_nsec / 1000;
}

static void format_time(struct sbuf *sb, const struct timespec *ts,
			enum ts_mode mode, bool utc)
{
	time_t t = ts->tv_sec;
	struct tm tm;
	struct tm *ok;

	switch (mode) {
	case TS_EPOCH:
		sbuf_addf(sb, "%lld.%06ld ", (long long)t, usec_of(ts));
		break;
	case TS_TIME:
	case TS_USEC:
		ok = utc ? gmtime_r(&t, &tm) : localtime_r(&t, &tm);
		if (!ok)
			memset(&tm, 0, sizeof(tm));
		sbuf_addf(sb, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min,
			  tm.tm_sec);
		if (mode == TS_USEC)
			sbuf_addf(sb, ".%06ld", usec_of(ts));
		sbuf_addc(sb, ' ');
		break;
	case TS_NONE:
	default:
		break;
	}
}

static const char *err_text(int64_t err)
{
	return err > 0 && err <= INT_MAX ? strerror((int)err) : "Unknown error";
}

/* " = 0", " = -1 EPERM (Operation not permitted)", " = ?".  An errno
 * without a name prints as strace does: " = -1 ERRNO_531 (Unknown error
 * 531)". */
static void format_ret(struct sbuf *sb, const struct event *ev)
{
	if (!ev->finished) {
		sbuf_adds(sb, " = ?");
		return;
	}
	if (ev->ret >= 0) {
		sbuf_addf(sb, " = %lld", (long long)ev->ret);
		return;
	}

	int64_t err = -ev->ret;
	const char *name = err <= INT_MAX ? errno_name((int)err) : NULL;

	if (name)
		sbuf_addf(sb, " = -1 %s (%s)", name, err_text(err));
	else
		sbuf_addf(sb, " = -1 ERRNO_%lld (%s)", (long long)err,
			  err_text(err));
}

static bool tstr_has_bytes(const struct tstr *s)
{
	return s->status == TSTR_OK || s->status == TSTR_TOOLONG;
}

/* Whether two reads of one argument disagree (status or bytes). */
static bool tstr_differs(const struct tstr *a, const struct tstr *b)
{
	if (a->status != b->status)
		return true;
	if (!tstr_has_bytes(a))
		return false;
	return a->len != b->len || memcmp(a->buf, b->buf, a->len) != 0;
}

static bool exit_differs(const struct tstr *entry, const struct tstr *ex)
{
	return ex->status != TSTR_UNSET && tstr_differs(entry, ex);
}

/* The link on disk differs from the target read at entry. */
static bool disk_differs(const struct event *ev)
{
	const char *d = ev->disk_target;

	if (!d)
		return false;
	if (ev->target.status != TSTR_OK)
		return true;
	return strlen(d) != ev->target.len ||
	       memcmp(d, ev->target.buf, ev->target.len) != 0;
}

/* " <TOCTOU target exit=... disk=... linkpath exit=...>", each value only
 * when it was read and differs from the entry read. */
static void format_toctou(struct sbuf *sb, const struct event *ev)
{
	bool te = exit_differs(&ev->target, &ev->target_exit);
	bool dk = disk_differs(ev);
	bool le = exit_differs(&ev->linkpath, &ev->linkpath_exit);

	sbuf_adds(sb, " <TOCTOU");
	if (te || dk)
		sbuf_adds(sb, " target");
	if (te) {
		sbuf_adds(sb, " exit=");
		format_tstr_in(sb, &ev->target_exit, true);
	}
	if (dk) {
		sbuf_adds(sb, " disk=");
		quote_bytes(sb, ev->disk_target, strlen(ev->disk_target), false,
			    true);
	}
	if (le) {
		sbuf_adds(sb, " linkpath exit=");
		format_tstr_in(sb, &ev->linkpath_exit, true);
	}
	sbuf_addc(sb, '>');
}

static void format_action(struct sbuf *sb, const struct event *ev)
{
	const char *word;

	if (ev->refused) {
		sbuf_addf(sb, " <refused: %s>", ev->refused);
		return;
	}
	switch (ev->action) {
	case ACT_DENY:
		word = "denied";
		break;
	case ACT_KILL:
		word = "killed";
		break;
	case ACT_AUDIT:
		word = "audit";
		break;
	case ACT_NONE:
	case ACT_ALLOW:
	default:
		return;
	}
	if (rule_at(ev)) {
		sbuf_addf(sb, " <%s rule ", word);
		escape_path(sb, rule_at(ev));
		sbuf_addc(sb, '>');
	} else if (ev->rule) {
		sbuf_addf(sb, " <%s rule %d>", word, ev->rule);
	} else {
		sbuf_addf(sb, " <%s>", word);
	}
}

/* ", RENAME_EXCHANGE|...", the names of renameat2's or linkat's flags
 * (the rest as a number). */
static void format_move_flags(struct sbuf *sb, enum sysc sc, unsigned flags)
{
	static const struct {
		unsigned bit;
		const char *name;
	} renames[] = { { 1, "RENAME_NOREPLACE" },
			{ 2, "RENAME_EXCHANGE" },
			{ 4, "RENAME_WHITEOUT" } },
	  links[] = { { 0x400, "AT_SYMLINK_FOLLOW" },
		      { 0x1000, "AT_EMPTY_PATH" } };
	const bool rename = sc == SC_RENAMEAT2;
	size_t n = rename ? sizeof(renames) / sizeof(renames[0])
			  : sizeof(links) / sizeof(links[0]);
	const char *sep = ", ";

	for (size_t i = 0; i < n; i++) {
		unsigned bit = rename ? renames[i].bit : links[i].bit;

		if (flags & bit) {
			sbuf_addf(sb, "%s%s", sep,
				  rename ? renames[i].name : links[i].name);
			sep = "|";
			flags &= ~bit;
		}
	}
	if (flags)
		sbuf_addf(sb, "%s%#x", sep, flags);
}

/* "<PATH>" after a linkpath: the absolute path on symtrace's side where
 * the link lands.  For a relative linkpath always (when known); for an
 * absolute one only when it is spelled differently from the linkpath - a
 * chrooted caller's "/x" lands at "/srv/root/x" (the path a rule judges;
 * JSON "path" has it too), "/a/../b" at "/b".  symlinkat's relative
 * linkpath gets none: its dirfd annotation names the directory. */
static void format_link_path(struct sbuf *sb, const struct event *ev)
{
	const struct tstr *lp = &ev->linkpath;

	if (lp->status != TSTR_OK || !ev->path)
		return;
	if (lp->buf[0] == '/' && strlen(ev->path) == lp->len &&
	    memcmp(ev->path, lp->buf, lp->len) == 0)
		return;
	sbuf_addc(sb, '<');
	escape_path(sb, ev->path);
	sbuf_addc(sb, '>');
}

static void format_call(struct sbuf *sb, const struct event *ev)
{
	const struct tstr *lp = &ev->linkpath;
	bool first = true;

	switch (ev->sc) {
	case SC_SYMLINKAT:
		sbuf_adds(sb, "symlinkat(");
		format_tstr(sb, &ev->target);
		sbuf_adds(sb, ", ");
		format_dirfd(sb, ev->dirfd, ev->dir);
		sbuf_adds(sb, ", ");
		format_tstr(sb, lp);
		if (lp->status == TSTR_OK && lp->buf[0] == '/')
			format_link_path(sb, ev);
		sbuf_addc(sb, ')');
		break;
	case SC_SYMLINK:
		sbuf_adds(sb, "symlink(");
		format_tstr(sb, &ev->target);
		sbuf_adds(sb, ", ");
		format_tstr(sb, lp);
		format_link_path(sb, ev);
		sbuf_addc(sb, ')');
		break;
	default:
		/* Moves and side doors: just the strings we have, and a
		 * move's flags. */
		sbuf_addf(sb, "%s(", sysc_name(ev->sc));
		if (ev->target.status != TSTR_UNSET) {
			format_tstr(sb, &ev->target);
			first = false;
		}
		if (lp->status != TSTR_UNSET) {
			if (!first)
				sbuf_adds(sb, ", ");
			format_tstr(sb, lp);
		}
		if (ev->move_flags)
			format_move_flags(sb, ev->sc, ev->move_flags);
		sbuf_addc(sb, ')');
		break;
	}
}

void format_text(struct sbuf *sb, const struct event *ev,
		 const struct output_opts *o)
{
	static const struct output_opts defaults;

	if (!o)
		o = &defaults;
	if (o->show_pid)
		sbuf_addf(sb, "[pid %d] ", (int)ev->tid);
	format_time(sb, &ev->time, o->ts, o->utc);
	format_call(sb, ev);
	format_ret(sb, ev);

	if (ev->abi != ABI_X86_64)
		sbuf_addf(sb, " <%s>", abi_name(ev->abi));
	format_action(sb, ev);
	/* Why a deny/kill target= rule may have matched: the target's
	 * way could not be judged (fail closed). */
	if (ev->target_unjudged &&
	    (ev->action == ACT_DENY || ev->action == ACT_KILL))
		sbuf_addf(sb, " <target unjudged: %s>", ev->target_unjudged);
	if (ev->tags & TAG_TOCTOU)
		format_toctou(sb, ev);
	if (ev->tags & TAG_SHARED)
		sbuf_adds(sb, " <SHARED>");
	if (ev->tags & TAG_UNVERIFIED)
		sbuf_adds(sb, " <unverified>");
	if (ev->unresolved)
		sbuf_addf(sb, " <unresolved: %s>", ev->unresolved);
	sbuf_addc(sb, '\n');
}

/* ---- key=value lines (--format=kv, syslog, journal MESSAGE) ---- */

/* A value as it is: 1 or more bytes 0x21-0x7e but '"' and '\\', and not
 * "-" alone (which stands for "none").  Anything else is quoted and
 * escaped by escape_str(), exactly as text lines quote strings. */
static bool kv_bare(const char *s, size_t len)
{
	if (len == 0 || (len == 1 && s[0] == '-'))
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x21 || c > 0x7e || c == '"' || c == '\\')
			return false;
	}
	return true;
}

void kv_value(struct sbuf *sb, const char *s, size_t len)
{
	if (kv_bare(s, len))
		sbuf_add(sb, s, len);
	else
		escape_str(sb, s, len, false);
}

/* Cut sb back to len bytes (still NUL-terminated). */
static void sbuf_cut(struct sbuf *sb, size_t len)
{
	sb->len = len;
	if (sb->buf)
		sb->buf[len] = '\0';
}

/* A value as kv_value() writes it (toolong: quoted, then "..."), in at
 * most cap bytes when cap is not 0: a longer one is the quoted escape of
 * as many of its first bytes as fit, then "..." (as a string cut at
 * PATH_MAX), and *cut is set.  (Removing k bytes shortens the escape by
 * k to 4k bytes, so each round removes a quarter of the excess.) */
static void kv_capped(struct sbuf *sb, const char *s, size_t len,
		      bool toolong, size_t cap, bool *cut)
{
	size_t start = sb->len, n = len;

	if (toolong)
		escape_str(sb, s, len, true);
	else
		kv_value(sb, s, len);
	if (!cap || sb->len - start <= cap)
		return;
	*cut = true;
	for (;;) {
		size_t excess;

		sbuf_cut(sb, start);
		escape_str(sb, s, n, true);
		if (sb->len - start <= cap || n == 0)
			return;
		excess = (sb->len - start - cap + 3) / 4;
		n -= excess < n ? excess : n;
	}
}

/* " KEY=VALUE"; s NULL: "-".  cap, cut: kv_capped(). */
static void kv_cstr_cap(struct sbuf *sb, const char *key, const char *s,
			size_t cap, bool *cut)
{
	sbuf_addf(sb, " %s=", key);
	if (s)
		kv_capped(sb, s, strlen(s), false, cap, cut);
	else
		sbuf_addc(sb, '-');
}

static void kv_cstr(struct sbuf *sb, const char *key, const char *s)
{
	bool cut = false;

	kv_cstr_cap(sb, key, s, 0, &cut);
}

/* A tracee string: its bytes; too long: quoted, then "..."; NULL or
 * unreadable: "-" (JSON has the address).  cap, cut: kv_capped(). */
static void kv_tstr(struct sbuf *sb, const char *key, const struct tstr *t,
		    size_t cap, bool *cut)
{
	sbuf_addf(sb, " %s=", key);
	switch (t->status) {
	case TSTR_OK:
	case TSTR_TOOLONG:
		kv_capped(sb, t->buf, t->len, t->status == TSTR_TOOLONG, cap,
			  cut);
		break;
	case TSTR_NULL:
	case TSTR_FAULT:
	case TSTR_UNSET:
	default:
		sbuf_addc(sb, '-');
		break;
	}
}

/* 2026-11-22T04:20:04.123456+01:00: local time with its offset. */
static void kv_time(struct sbuf *sb, const struct timespec *ts)
{
	time_t t = ts->tv_sec;
	struct tm tm;
	long off;

	if (!localtime_r(&t, &tm))
		memset(&tm, 0, sizeof(tm));
	off = tm.tm_gmtoff / 60;
	sbuf_addf(sb, "time=%04d-%02d-%02dT%02d:%02d:%02d.%06ld%c%02ld:%02ld",
		  tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		  tm.tm_min, tm.tm_sec, usec_of(ts), off < 0 ? '-' : '+',
		  labs(off) / 60, labs(off) % 60);
}

static const char *action_name(enum action a);

const char *output_action_name(const struct event *ev)
{
	return action_name(ev->action);
}

void output_errno_name(const struct event *ev, char *buf, size_t size)
{
	int64_t err;
	const char *name;

	if (!ev->finished || ev->ret >= 0) {
		snprintf(buf, size, "-");
		return;
	}
	err = -ev->ret;
	name = err <= INT_MAX ? errno_name((int)err) : NULL;
	if (name)
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, "ERRNO_%lld", (long long)err);
}

void output_rule_at(const struct event *ev, char *buf, size_t size)
{
	if (rule_at(ev))
		snprintf(buf, size, "%s", rule_at(ev));
	else if (ev->rule)
		snprintf(buf, size, "%d", ev->rule);
	else
		snprintf(buf, size, "-");
}

void format_kv(struct sbuf *sb, const struct event *ev, const char *user)
{
	format_kv_cap(sb, ev, user, 0);
}

void format_kv_cap(struct sbuf *sb, const struct event *ev, const char *user,
		   size_t cap)
{
	char word[PATH_MAX + 32];
	const char *sep = "";
	bool cut = false;

	/* The decision first, in fields of bounded size that the caller
	 * does not choose (user: the password database's; rule: the
	 * operator's), and only then what the caller sizes (comm: 16
	 * bytes; exe, link, path and the targets: up to PATH_MAX each, 4
	 * bytes per byte escaped): a syslog daemon that cuts a long message
	 * (rsyslog: at 8 KiB) cuts those, never action= or rule=, and a
	 * filter reading the line from its start (contrib/fail2ban) meets
	 * no caller's text before the uid and the action. */
	kv_time(sb, &ev->time);
	sbuf_addf(sb, " pid=%d tid=%d uid=%u", (int)ev->pid, (int)ev->tid,
		  (unsigned)ev->ruid);
	kv_cstr(sb, "user", user);
	sbuf_addf(sb, " euid=%u", (unsigned)ev->euid);
	sbuf_addf(sb, " call=%s abi=%s", sysc_name(ev->sc), abi_name(ev->abi));
	if (!ev->finished)
		sbuf_adds(sb, " ret=?");
	else
		sbuf_addf(sb, " ret=%lld", (long long)(ev->ret < 0 ? -1
								  : ev->ret));
	output_errno_name(ev, word, sizeof(word));
	sbuf_addf(sb, " errno=%s action=%s", word, action_name(ev->action));
	output_rule_at(ev, word, sizeof(word));
	kv_cstr(sb, "rule", strcmp(word, "-") ? word : NULL);
	sbuf_adds(sb, " comm=");
	kv_value(sb, ev->comm, strnlen(ev->comm, sizeof(ev->comm)));
	kv_cstr_cap(sb, "exe", ev->exe, cap, &cut);
	kv_tstr(sb, "link", &ev->linkpath, cap, &cut);
	kv_cstr_cap(sb, "path", ev->path, cap, &cut);
	kv_tstr(sb, "target", &ev->target, cap, &cut);
	kv_cstr_cap(sb, "target_resolved", ev->target_resolved, cap, &cut);
	kv_cstr_cap(sb, "target_physical", ev->target_physical, cap, &cut);
	/* Only when there is something to say, always in this order. */
	if (ev->refused)
		kv_cstr(sb, "refused", ev->refused);
	if (ev->unresolved)
		kv_cstr(sb, "unresolved", ev->unresolved);
	if (ev->target_unjudged)
		kv_cstr(sb, "target_unjudged", ev->target_unjudged);
	if (ev->tags) {
		sbuf_adds(sb, " tags=");
		if (ev->tags & TAG_TOCTOU) {
			sbuf_adds(sb, "TOCTOU");
			sep = ",";
		}
		if (ev->tags & TAG_SHARED) {
			sbuf_addf(sb, "%sSHARED", sep);
			sep = ",";
		}
		if (ev->tags & TAG_UNVERIFIED)
			sbuf_addf(sb, "%sUNVERIFIED", sep);
	}
	if (cut)
		sbuf_adds(sb, " truncated=yes");
	sbuf_addc(sb, '\n');
}

void format_kv_exit(struct sbuf *sb, pid_t tid, int status)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	kv_time(sb, &now);
	if (WIFEXITED(status))
		sbuf_addf(sb, " event=exited pid=%d status=%d\n", (int)tid,
			  WEXITSTATUS(status));
	else
		sbuf_addf(sb, " event=killed pid=%d signal=SIG%s core=%s\n",
			  (int)tid, signal_abbrev(WTERMSIG(status)) ?: "?",
			  WCOREDUMP(status) ? "yes" : "no");
}

/* ---- journal fields ---- */

/* A field with a C string (skipped when NULL). */
static size_t jf_str(struct journal_field *f, size_t n, const char *key,
		     const char *s)
{
	if (!s)
		return n;
	f[n] = (struct journal_field){ key, s, strlen(s) };
	return n + 1;
}

/* A tracee string's bytes as they are (binary-safe); skipped when not
 * read. */
static size_t jf_tstr(struct journal_field *f, size_t n, const char *key,
		      const struct tstr *t)
{
	if (t->status != TSTR_OK && t->status != TSTR_TOOLONG)
		return n;
	f[n] = (struct journal_field){ key, t->buf, t->len };
	return n + 1;
}

int output_priority(const struct event *ev)
{
	if (ev->action == ACT_DENY || ev->action == ACT_KILL ||
	    (ev->tags & TAG_TOCTOU))
		return 4; /* LOG_WARNING */
	if (ev->action == ACT_AUDIT)
		return 5; /* LOG_NOTICE */
	return 6;         /* LOG_INFO */
}

void format_journal(struct sbuf *sb, const struct event *ev,
		    const char *user)
{
	struct sbuf msg = SBUF_INIT;
	struct journal_field f[32];
	char pri[4], uid[16], euid[16], pid[16], tid[16], ret[24];
	char err[32], rule[PATH_MAX + 32], tags[40];
	size_t n = 0;

	format_kv(&msg, ev, user);
	msg.len--; /* the '\n' */
	snprintf(pri, sizeof(pri), "%d", output_priority(ev));
	snprintf(uid, sizeof(uid), "%u", (unsigned)ev->ruid);
	snprintf(euid, sizeof(euid), "%u", (unsigned)ev->euid);
	snprintf(pid, sizeof(pid), "%d", (int)ev->pid);
	snprintf(tid, sizeof(tid), "%d", (int)ev->tid);
	if (ev->finished)
		snprintf(ret, sizeof(ret), "%lld",
			 (long long)(ev->ret < 0 ? -1 : ev->ret));
	else
		snprintf(ret, sizeof(ret), "?");
	output_errno_name(ev, err, sizeof(err));
	output_rule_at(ev, rule, sizeof(rule));
	snprintf(tags, sizeof(tags), "%s%s%s",
		 ev->tags & TAG_TOCTOU ? "TOCTOU," : "",
		 ev->tags & TAG_SHARED ? "SHARED," : "",
		 ev->tags & TAG_UNVERIFIED ? "UNVERIFIED," : "");
	if (*tags)
		tags[strlen(tags) - 1] = '\0';

	f[n++] = (struct journal_field){ "MESSAGE", msg.buf, msg.len };
	n = jf_str(f, n, "PRIORITY", pri);
	n = jf_str(f, n, "SYSLOG_FACILITY", "10"); /* authpriv */
	n = jf_str(f, n, "SYSLOG_IDENTIFIER", "symtrace");
	n = jf_str(f, n, "SYMTRACE_ACTION", action_name(ev->action));
	n = jf_str(f, n, "SYMTRACE_CALL", sysc_name(ev->sc));
	n = jf_tstr(f, n, "SYMTRACE_LINK", &ev->linkpath);
	n = jf_str(f, n, "SYMTRACE_PATH", ev->path);
	n = jf_tstr(f, n, "SYMTRACE_TARGET", &ev->target);
	n = jf_str(f, n, "SYMTRACE_TARGET_RESOLVED", ev->target_resolved);
	n = jf_str(f, n, "SYMTRACE_TARGET_PHYSICAL", ev->target_physical);
	n = jf_str(f, n, "SYMTRACE_RET", ret);
	n = jf_str(f, n, "SYMTRACE_ERRNO", strcmp(err, "-") ? err : NULL);
	n = jf_str(f, n, "SYMTRACE_RULE", strcmp(rule, "-") ? rule : NULL);
	n = jf_str(f, n, "SYMTRACE_UID", uid);
	n = jf_str(f, n, "SYMTRACE_USER", user);
	n = jf_str(f, n, "SYMTRACE_EUID", euid);
	n = jf_str(f, n, "SYMTRACE_PID", pid);
	n = jf_str(f, n, "SYMTRACE_TID", tid);
	f[n++] = (struct journal_field){ "SYMTRACE_COMM", ev->comm,
					 strnlen(ev->comm, sizeof(ev->comm)) };
	n = jf_str(f, n, "SYMTRACE_EXE", ev->exe);
	n = jf_str(f, n, "SYMTRACE_REFUSED", ev->refused);
	n = jf_str(f, n, "SYMTRACE_UNRESOLVED", ev->unresolved);
	n = jf_str(f, n, "SYMTRACE_TARGET_UNJUDGED", ev->target_unjudged);
	n = jf_str(f, n, "SYMTRACE_TAGS", *tags ? tags : NULL);
	journal_encode(sb, f, n);
	sbuf_free(&msg);
}

/* ---- JSON ---- */

/* Length of the well-formed UTF-8 sequence at s (1..4), or 0 if s does not
 * start one (Unicode 15, table 3-7): no overlongs (C0, C1, E0 80..9F,
 * F0 80..8F), no surrogates (ED A0..BF), nothing above U+10FFFF (F4 90..,
 * F5..FF), no lone or missing continuation bytes. */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;

	if (c < 0x80)
		return 1;
	if (c < 0xc2)
		return 0;
	if (c < 0xe0) {
		n = 2;
	} else if (c < 0xf0) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c < 0xf5) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (len < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

static bool utf8_valid(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		size_t n = utf8_seq(u + i, len - i);

		if (!n)
			return false;
		i += n;
	}
	return true;
}

/* Valid UTF-8 verbatim, except '"', '\\', C0 controls and DEL, which are
 * escaped; each byte that does not start a well-formed sequence becomes
 * \ufffd (callers add KEY_b64 for those strings). */
void json_str(struct sbuf *sb, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	sbuf_grow(sb, len + 2);
	sbuf_addc(sb, '"');
	while (i < len) {
		unsigned char c = u[i];

		if (c >= 0x80) {
			size_t n = utf8_seq(u + i, len - i);

			if (n) {
				sbuf_add(sb, u + i, n);
				i += n;
			} else {
				sbuf_adds(sb, "\\ufffd");
				i++;
			}
			continue;
		}
		switch (c) {
		case '"':
			sbuf_add(sb, "\\\"", 2);
			break;
		case '\\':
			sbuf_add(sb, "\\\\", 2);
			break;
		case '\b':
			sbuf_add(sb, "\\b", 2);
			break;
		case '\f':
			sbuf_add(sb, "\\f", 2);
			break;
		case '\n':
			sbuf_add(sb, "\\n", 2);
			break;
		case '\r':
			sbuf_add(sb, "\\r", 2);
			break;
		case '\t':
			sbuf_add(sb, "\\t", 2);
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				sbuf_addf(sb, "\\u%04x", c);
			else
				sbuf_addc(sb, (char)c);
			break;
		}
		i++;
	}
	sbuf_addc(sb, '"');
}

/* RFC 4648 base64 with padding, as a JSON string. */
static void json_base64(struct sbuf *sb, const char *s, size_t len)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *u = (const unsigned char *)s;
	size_t i;

	sbuf_grow(sb, (len + 2) / 3 * 4 + 2);
	sbuf_addc(sb, '"');
	for (i = 0; i + 3 <= len; i += 3) {
		unsigned long v = (unsigned long)u[i] << 16 |
				  (unsigned long)u[i + 1] << 8 | u[i + 2];
		char q[4] = {tab[v >> 18], tab[(v >> 12) & 63],
			     tab[(v >> 6) & 63], tab[v & 63]};

		sbuf_add(sb, q, 4);
	}
	if (len - i == 1) {
		unsigned long v = (unsigned long)u[i] << 16;
		char q[4] = {tab[v >> 18], tab[(v >> 12) & 63], '=', '='};

		sbuf_add(sb, q, 4);
	} else if (len - i == 2) {
		unsigned long v = (unsigned long)u[i] << 16 |
				  (unsigned long)u[i + 1] << 8;
		char q[4] = {tab[v >> 18], tab[(v >> 12) & 63],
			     tab[(v >> 6) & 63], '='};

		sbuf_add(sb, q, 4);
	}
	sbuf_addc(sb, '"');
}

/* ,"KEYSUFFIX":  (keys are our own ASCII constants) */
static void json_key(struct sbuf *sb, const char *key, const char *suffix)
{
	sbuf_addf(sb, ",\"%s%s\":", key, suffix);
}

/* KEY: bytes as a string, plus KEY_b64 when they are not valid UTF-8. */
static void json_bytes_member(struct sbuf *sb, const char *key, const char *s,
			      size_t len)
{
	json_key(sb, key, "");
	json_str(sb, s, len);
	if (!utf8_valid(s, len)) {
		json_key(sb, key, "_b64");
		json_base64(sb, s, len);
	}
}

static void json_cstr_member(struct sbuf *sb, const char *key, const char *s)
{
	if (s) {
		json_bytes_member(sb, key, s, strlen(s));
	} else {
		json_key(sb, key, "");
		sbuf_adds(sb, "null");
	}
}

/* KEY for a tracee string: OK -> string [KEY_b64]; TOOLONG -> string
 * [KEY_b64] KEY_truncated:true; FAULT -> null KEY_addr:"0x..."; NULL and
 * UNSET -> null. */
static void json_tstr_member(struct sbuf *sb, const char *key,
			     const struct tstr *t)
{
	switch (t->status) {
	case TSTR_OK:
		json_bytes_member(sb, key, t->buf, t->len);
		break;
	case TSTR_TOOLONG:
		json_bytes_member(sb, key, t->buf, t->len);
		json_key(sb, key, "_truncated");
		sbuf_adds(sb, "true");
		break;
	case TSTR_FAULT:
		json_key(sb, key, "");
		sbuf_adds(sb, "null");
		json_key(sb, key, "_addr");
		sbuf_addf(sb, "\"0x%llx\"", (unsigned long long)t->addr);
		break;
	case TSTR_NULL:
	case TSTR_UNSET:
	default:
		json_key(sb, key, "");
		sbuf_adds(sb, "null");
		break;
	}
}

static const char *action_name(enum action a)
{
	switch (a) {
	case ACT_DENY:
		return "deny";
	case ACT_KILL:
		return "kill";
	case ACT_AUDIT:
		return "audit";
	case ACT_NONE:
	case ACT_ALLOW:
	default:
		return "allow";
	}
}

/* {"time":"2026-11-22T03:20:04.123456Z"  (RFC 3339, UTC) */
static void json_open_with_time(struct sbuf *sb, const struct timespec *ts)
{
	time_t t = ts->tv_sec;
	struct tm tm;

	if (!gmtime_r(&t, &tm))
		memset(&tm, 0, sizeof(tm));
	sbuf_addf(sb, "{\"time\":\"%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ\"",
		  tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		  tm.tm_min, tm.tm_sec, usec_of(ts));
}

void format_json_notice(struct sbuf *sb, const char *event,
			const char *members)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	json_open_with_time(sb, &now);
	sbuf_addf(sb, ",\"event\":\"%s\"%s%s}\n", event, *members ? "," : "",
		  members);
}

void format_json(struct sbuf *sb, const struct event *ev)
{
	const char *sep = "";

	json_open_with_time(sb, &ev->time);
	sbuf_addf(sb, ",\"pid\":%d,\"tid\":%d,\"ppid\":%d", (int)ev->pid,
		  (int)ev->tid, (int)ev->ppid);
	sbuf_addf(sb, ",\"uid\":%u,\"euid\":%u,\"gid\":%u,\"egid\":%u",
		  (unsigned)ev->ruid, (unsigned)ev->euid, (unsigned)ev->rgid,
		  (unsigned)ev->egid);
	json_bytes_member(sb, "comm", ev->comm,
			  strnlen(ev->comm, sizeof(ev->comm)));
	json_cstr_member(sb, "exe", ev->exe);

	json_key(sb, "abi", "");
	json_str(sb, abi_name(ev->abi), strlen(abi_name(ev->abi)));
	json_key(sb, "syscall", "");
	json_str(sb, sysc_name(ev->sc), strlen(sysc_name(ev->sc)));

	json_tstr_member(sb, "target", &ev->target);
	json_key(sb, "newdirfd", "");
	if (ev->sc == SC_SYMLINKAT || ev->has_dirfd)
		sbuf_addf(sb, "%d", ev->dirfd);
	else
		sbuf_adds(sb, "null");
	json_cstr_member(sb, "dir", ev->dir);
	json_tstr_member(sb, "linkpath", &ev->linkpath);
	json_cstr_member(sb, "path", ev->path);
	json_cstr_member(sb, "target_resolved", ev->target_resolved);

	json_key(sb, "ret", "");
	if (ev->finished)
		sbuf_addf(sb, "%lld", (long long)ev->ret);
	else
		sbuf_adds(sb, "null");
	json_key(sb, "errno", "");
	if (ev->finished && ev->ret < 0) {
		int64_t err = -ev->ret;
		const char *name = err <= INT_MAX ? errno_name((int)err) : NULL;

		if (name)
			sbuf_addf(sb, "\"%s\"", name);
		else
			sbuf_addf(sb, "\"ERRNO_%lld\"", (long long)err);
	} else {
		sbuf_adds(sb, "null");
	}

	json_key(sb, "action", "");
	sbuf_addf(sb, "\"%s\"", action_name(ev->action));
	json_key(sb, "rule", "");
	if (ev->rule)
		sbuf_addf(sb, "%d", ev->rule);
	else
		sbuf_adds(sb, "null");
	if (rule_at(ev))
		json_cstr_member(sb, "rule_at", rule_at(ev));

	if (ev->refused)
		json_cstr_member(sb, "refused", ev->refused);
	if (ev->unresolved)
		json_cstr_member(sb, "unresolved", ev->unresolved);
	if (ev->target_physical)
		json_cstr_member(sb, "target_physical", ev->target_physical);
	if (ev->target_unjudged)
		json_cstr_member(sb, "target_unjudged", ev->target_unjudged);
	if (ev->move_flags) {
		json_key(sb, "flags", "");
		sbuf_addf(sb, "%u", ev->move_flags);
	}

	json_key(sb, "tags", "");
	sbuf_addc(sb, '[');
	if (ev->tags & TAG_TOCTOU) {
		sbuf_addf(sb, "%s\"TOCTOU\"", sep);
		sep = ",";
	}
	if (ev->tags & TAG_SHARED) {
		sbuf_addf(sb, "%s\"SHARED\"", sep);
		sep = ",";
	}
	if (ev->tags & TAG_UNVERIFIED)
		sbuf_addf(sb, "%s\"UNVERIFIED\"", sep);
	sbuf_addc(sb, ']');

	if (ev->target_exit.status != TSTR_UNSET)
		json_tstr_member(sb, "target_exit", &ev->target_exit);
	if (ev->linkpath_exit.status != TSTR_UNSET)
		json_tstr_member(sb, "linkpath_exit", &ev->linkpath_exit);
	if (ev->disk_target)
		json_cstr_member(sb, "disk_target", ev->disk_target);
	sbuf_adds(sb, "}\n");
}

int output_write(int fd, const struct sbuf *sb)
{
	const char *p = sb->buf;
	size_t left = sb->len;

	while (left > 0) {
		ssize_t n = write(fd, p, left);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO; /* no progress: do not spin */
		p += n;
		left -= (size_t)n;
	}
	return 0;
}
