/* output.h - text and JSON-lines writers for events; pure (no ptrace).
 *
 * Every writer formats a whole line into memory and emits it with one
 * write, so lines never interleave. */
#ifndef SYMTRACE_OUTPUT_H
#define SYMTRACE_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "event.h"
#include "util.h"

enum ts_mode {
	TS_NONE = 0,
	TS_TIME,   /* -t   HH:MM:SS */
	TS_USEC,   /* -tt  HH:MM:SS.uuuuuu */
	TS_EPOCH,  /* -ttt SECONDS.uuuuuu */
};

struct output_opts {
	bool show_pid;     /* print "[pid N] " */
	enum ts_mode ts;
	bool utc;          /* timestamps in UTC instead of local time */
};

/* strace-style quoting of bytes: '"' + escapes + '"'.  Printable ASCII
 * except '"' and '\\' verbatim; \t \n \v \f \r \" \\ ; other bytes as octal
 * (\0 .. \377, three digits when the next byte is an octal digit 0-7).
 * truncated: add
 * "..." after the closing quote. */
void escape_str(struct sbuf *sb, const char *s, size_t len, bool truncated);

/* A tracee string argument as strace prints it: NULL, 0x7ffd1234 (fault),
 * "..." (escaped) or "..."... (too long). */
void format_tstr(struct sbuf *sb, const struct tstr *s);

/* The dirfd argument: AT_FDCWD</dir>, 3</dir>, 3 (dir unknown). */
void format_dirfd(struct sbuf *sb, int dirfd, const char *dir);

struct policy;

/* The rules that events' rule numbers refer to: reports then name a rule
 * by its origin (policy_rule_origin(): "<denied rule FILE:LINE>",
 * "<denied rule -r 2>", JSON "rule_at").  Without (NULL, the default),
 * or for a number the policy does not have, "<denied rule 2>" and no
 * "rule_at".  The policy must outlive the reports. */
void output_set_policy(const struct policy *p);

/* One text line, with trailing '\n', e.g.
 *   [pid 4242] symlinkat("/etc/passwd", AT_FDCWD</tmp/w>, "pw") = 0
 *   symlink("a", "b"</tmp/w/b>) = -1 EEXIST (File exists)
 *   [pid 7] symlinkat("/etc/x", AT_FDCWD</w>, "l") = -1 EPERM (Operation
 *       not permitted) <denied rule -r 2>
 * See the man page OUTPUT section for the grammar. */
void format_text(struct sbuf *sb, const struct event *ev,
		 const struct output_opts *o);

/* One JSON object + '\n' (keys documented in the man page). */
void format_json(struct sbuf *sb, const struct event *ev);

/* A notice as one JSON object + '\n': {"time":...,"event":EVENT,MEMBERS}
 * where members is "" or already-formatted JSON members ("\"pid\":3"). */
void format_json_notice(struct sbuf *sb, const char *event,
			const char *members);

/* One key=value line + '\n' (--format=kv, the --syslog and journal
 * message): fixed fields in a fixed order, then optional ones; the
 * grammar is in the man page (OUTPUT, Key=value).  user: the name of
 * ev->ruid, or NULL (printed "-").  E.g.
 *   time=2026-11-22T04:20:04.123456+01:00 pid=4242 tid=4243 uid=33
 *   user=www-data euid=33 call=symlinkat abi=x86_64 ret=-1 errno=EPERM
 *   action=deny rule=/etc/symtrace/rules:2 comm=php-fpm8.2
 *   exe=/usr/sbin/php-fpm8.2 link=pw path=/var/www/pw target=/etc/passwd
 *   target_resolved=/etc/passwd target_physical=-   (one line)
 * Every field before comm has a bounded size the caller does not choose. */
void format_kv(struct sbuf *sb, const struct event *ev, const char *user);
/* format_kv() with each value the caller sizes (exe, link, path, target,
 * target_resolved, target_physical) in at most cap bytes (0: no cap): a
 * longer one is cut, quoted, then "..." and the line ends with
 * " truncated=yes".  --syslog uses OUTPUT_SYSLOG_VALUE_MAX, so that a
 * whole record fits in the 8 KiB a syslog daemon keeps (rsyslog's
 * default maxMessageSize): 6 values of 1 KiB + the rest (< 1 KiB unless
 * a rules file has a path of more than 1 KiB). */
#if defined(__GLIBC__)
#define OUTPUT_SYSLOG_VALUE_MAX 1024
#else
/* Other C libraries may cut a message themselves, marker and all: musl's
 * syslog() sends at most 1024 bytes of one (the static build's
 * output-syslog.sh saw a value cut with no "..." and no truncated=yes).
 * 64 bytes a value keeps a record within that. */
#define OUTPUT_SYSLOG_VALUE_MAX 64
#endif
void format_kv_cap(struct sbuf *sb, const struct event *ev, const char *user,
		   size_t cap);
/* -v with kv: "time=... event=exited pid=N status=S" or "... event=killed
 * pid=N signal=SIGX core=yes|no". */
void format_kv_exit(struct sbuf *sb, pid_t tid, int status);
/* A kv value: as it is when it is 1+ bytes 0x21-0x7e but '"' '\\' and
 * not "-", else quoted by escape_str(). */
void kv_value(struct sbuf *sb, const char *s, size_t len);

/* The words kv lines and journal fields use: "allow" (also when no rule
 * matched), "deny", "audit", "kill"; the errno name or "-"; the deciding
 * rule's origin (FILE:LINE, "-r N", "--deny"), its number when the
 * origin is unknown, or "-". */
const char *output_action_name(const struct event *ev);
void output_errno_name(const struct event *ev, char *buf, size_t size);
void output_rule_at(const struct event *ev, char *buf, size_t size);

/* The syslog priority of a call: 4 (warning) for deny, kill and TOCTOU,
 * 5 (notice) for audit, 6 (info) for the rest. */
int output_priority(const struct event *ev);

/* One journal record (journal_encode()d fields) for a call: MESSAGE (the
 * kv line), PRIORITY, SYSLOG_FACILITY=10, SYSLOG_IDENTIFIER=symtrace and
 * SYMTRACE_* (the man page lists them; a field whose value is unknown is
 * left out).  Tracee strings go as their exact bytes. */
void format_journal(struct sbuf *sb, const struct event *ev,
		    const char *user);

/* JSON string literal (with quotes) of arbitrary bytes: valid UTF-8 passes
 * through, control chars as \u00xx or short escapes, and each byte that
 * does not start a well-formed UTF-8 sequence as \ufffd; callers add a
 * KEY_b64 member with the exact bytes for such strings. */
void json_str(struct sbuf *sb, const char *s, size_t len);

/* Write sb whole to fd with one write() where possible (retries on short
 * writes and EINTR).  0 or -errno. */
int output_write(int fd, const struct sbuf *sb);

#endif
