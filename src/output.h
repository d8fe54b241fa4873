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

/* JSON string literal (with quotes) of arbitrary bytes: valid UTF-8 passes
 * through, control chars as \u00xx or short escapes, and each byte that
 * does not start a well-formed UTF-8 sequence as \ufffd; callers add a
 * KEY_b64 member with the exact bytes for such strings. */
void json_str(struct sbuf *sb, const char *s, size_t len);

/* Write sb whole to fd with one write() where possible (retries on short
 * writes and EINTR).  0 or -errno. */
int output_write(int fd, const struct sbuf *sb);

#endif
