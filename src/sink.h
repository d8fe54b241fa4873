/* sink.h - where reports go: the trace output (buffered or a line at a
 * time), syslog, the -c summary, the notices (JSON and stderr). */
#ifndef SYMTRACE_SINK_H
#define SYMTRACE_SINK_H

#include <stdbool.h>
#include <sys/types.h>

#include "event.h"
#include "journal.h"
#include "summary.h"
#include "supervisor.h"
#include "tracee.h"
#include "util.h"

struct sink {
	const struct config *cfg;
	int fd;               /* the trace output (cfg->out_fd, or FILE
			       * reopened) */
	dev_t dev;            /* -o FILE: what fd is, to notice a rename */
	ino_t ino;
	int dirfd;            /* FILE's directory (O_PATH), or -1 */
	const char *name;     /* FILE's last component */
	bool reopen_failed;   /* said once, tried again at each write */
	struct journal journal; /* cfg->journal */
	bool journal_failed;  /* a send failed (said once) */
	struct sbuf rec;      /* a journal record being sent */
	/* User names of the uids seen (kv lines, syslog, journal). */
	struct sink_user {
		uid_t uid;
		bool used, found;
		char name[64];
	} users[16];
	unsigned users_next;
	struct sbuf line;     /* the line being written */
	struct sbuf obuf;     /* collected lines (buffered) */
	bool buffered;
	bool failed;          /* a write failed (said once) */
	long long obuf_since; /* mono_us() when obuf became non-empty */
	struct summary summary;
};

/* Start writing to cfg->out_fd (and syslog with --syslog); what is
 * collected is also written when symtrace exits (die()). */
void sink_open(struct sink *k, const struct config *cfg);
/* The -c summary, if asked for; everything written; memory freed. */
void sink_close(struct sink *k);

/* Write what is collected: before symtrace blocks, or stops itself. */
void sink_flush(struct sink *k);
/* ... if its oldest line is old. */
void sink_flush_if_old(struct sink *k);

/* Report a finished call (unless it is a silent one: an open or move
 * that turned out not to concern us) and free it.  Also for a call whose
 * process was killed at its entry: no exit stop will come. */
void sink_report(struct sink *k, struct event *ev);
/* Report t's call in progress, if any ("= ?" unless finished). */
void sink_report_pending(struct sink *k, struct tracee *t);
/* -v: "+++ exited with N +++" / "+++ killed by SIGX +++". */
void sink_exit_notice(struct sink *k, pid_t tid, int status);
/* An attach mode notice: the JSON object {"event":EVENT,MEMBERS} in the
 * output with --json -v, and the message on stderr unless -q. */
void sink_notice(struct sink *k, const char *event, const char *members,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
