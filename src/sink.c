/* sink.c - where reports go (sink.h).
 *
 * Output to a terminal, a pipe or a socket is written a line at a time
 * (one write() per line: lines never interleave, and a reader sees each at
 * once).  Output to a regular file or /dev/null is collected in obuf and
 * written when it fills, before symtrace blocks waiting for the tracees,
 * and at exit: fewer syscalls on busy workloads, nothing held while idle. */
#include "sink.h"

#include <errno.h>
#include <pwd.h>
#include <string.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "errnoname.h"
#include "output.h"

#define OBUF_FLUSH 32768
/* ... and when its oldest line is this old: a tracee that keeps symtrace
 * busy with other stops (attach mode stops at every syscall) must not hold
 * a line back until 32 KiB collect. */
#define OBUF_MAX_AGE_US 200000

/* The sink die() must flush: atexit() handlers take no argument. */
static struct sink *open_sink;

static long long mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* -o FILE renamed or removed (logrotate without copytruncate): open FILE
 * again, as tail -F follows a name.  Checked before each write of the
 * output (buffered: each flush; see sink_flush()): one fstatat() of
 * FILE's name in its directory (0.3 us here, against some 40 us per
 * traced call) compared with the identity of the open file.  Records
 * written before the check went to the old file (renamed: still there),
 * those after to the new one; nothing is written twice or dropped.  (Only
 * a removal between the check and the write sends that one write to the
 * removed file.)
 *
 * Why safe: the name is looked up in FILE's directory as it was when
 * symtrace started (k->dirfd, O_PATH), not by its path again: a change of
 * symtrace's root (a traced pivot_root in a shared mount namespace) or of
 * a symlink on the way cannot send the records elsewhere, and logrotate
 * renames files, not their directory.  It is opened with symtrace's
 * credentials, O_NOFOLLOW: a symlink put at the name by whoever can write
 * the directory is refused, not followed (symtrace runs as root); so is
 * a FIFO or another file that is not regular, and a file owned by
 * another user than symtrace's or root.  It is
 * opened for appending at its end, never truncated (logrotate's "create"
 * may have made it, and someone may have written to it), created with
 * mode 0644 (less the umask) if missing.  If that fails, symtrace says so
 * once on stderr, keeps writing to the old file and tries again at the
 * next write. */
static void follow_name(struct sink *k)
{
	const char *path = k->cfg->out_path;
	struct stat st;
	int fd;

	if (k->dirfd < 0)
		return;
	if (fstatat(k->dirfd, k->name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    st.st_dev == k->dev && st.st_ino == k->ino)
		return;
	/* O_NONBLOCK: a FIFO put at the name would block the open (and
	 * every traced process with symtrace) until someone reads it; a
	 * file that is not regular, or that is someone else's (not
	 * symtrace's user's, not root's: put there by whoever can write the
	 * directory, who could then read and forge records), is refused as
	 * a symlink is (tests/redteam17.sh). */
	fd = openat(k->dirfd, k->name,
		    O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC |
			    O_NONBLOCK,
		    0644);
	if (fd >= 0 && fstat(fd, &st) == 0 &&
	    (!S_ISREG(st.st_mode) ||
	     (st.st_uid != geteuid() && st.st_uid != 0))) {
		close(fd);
		if (!k->reopen_failed) {
			if (S_ISREG(st.st_mode))
				warn("output file '%s' was replaced by a file "
				     "of uid %u, not symtrace's: not written "
				     "to (still writing to the old file; "
				     "trying again at each write)",
				     path, (unsigned)st.st_uid);
			else
				warn("output file '%s' was replaced by "
				     "something that is not a regular file: "
				     "not written to (still writing to the "
				     "old file; trying again at each write)",
				     path);
		}
		k->reopen_failed = true;
		return;
	}
	if (fd >= 0 && fcntl(fd, F_SETFL, O_APPEND) < 0) {
		int e = errno;

		close(fd);
		fd = -1;
		errno = e;
	}
	if (fd < 0 || fstat(fd, &st) < 0) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		if (!k->reopen_failed) {
			errno = e;
			warn_errno("output file '%s' was renamed or removed, "
				   "and cannot be opened again (still writing "
				   "to the old file; trying again at each "
				   "write)", path);
		}
		k->reopen_failed = true;
		return;
	}
	if (k->reopen_failed)
		warn("output file '%s' opened again", path);
	k->reopen_failed = false;
	/* The new file takes the old one's descriptor number (FILE's,
	 * never stderr), which the control thread writes its notices to
	 * (config.out_fd): a closed number would lose them, or send them
	 * to whatever file took the number next (tests/redteam17.sh). */
	if (dup3(fd, k->fd, O_CLOEXEC) < 0) {
		close(k->fd);
		k->fd = fd;
	} else {
		close(fd);
	}
	k->dev = st.st_dev;
	k->ino = st.st_ino;
}

/* -o FILE: its directory, for follow_name(). */
static void follow_start(struct sink *k)
{
	const char *path = k->cfg->out_path;
	const char *slash = strrchr(path, '/');
	char *dir;

	if (slash && !slash[1]) {
		warn("output file '%s': not followed (ends in '/')", path);
		return;
	}
	k->name = slash ? slash + 1 : path;
	dir = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path))
		    : xstrdup(".");
	k->dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (k->dirfd < 0)
		warn_errno("output file '%s': cannot open its directory '%s' "
			   "(the file is not followed after a rename)",
			   path, dir);
	free(dir);
}

static void write_out(struct sink *k, const struct sbuf *sb)
{
	int r;

	follow_name(k);
	r = output_write(k->fd, sb);

	if (r < 0 && !k->failed) {
		k->failed = true;
		errno = -r;
		warn_errno("cannot write the trace output");
	}
}

void sink_flush(struct sink *k)
{
	if (k->obuf.len) {
		write_out(k, &k->obuf);
		sbuf_reset(&k->obuf);
	}
}

static void flush_at_exit(void)
{
	if (open_sink) {
		sink_flush(open_sink);
		sbuf_free(&open_sink->obuf);
	}
}

void sink_open(struct sink *k, const struct config *cfg)
{
	struct stat sb;

	*k = (struct sink){ .cfg = cfg, .fd = cfg->out_fd, .dirfd = -1,
			    .line = SBUF_INIT,
			    .obuf = SBUF_INIT, .rec = SBUF_INIT,
			    .journal = { .fd = cfg->journal ? cfg->journal_fd
							    : -1 } };
	if (fstat(cfg->out_fd, &sb) == 0) {
		k->buffered = S_ISREG(sb.st_mode) ||
			      (S_ISCHR(sb.st_mode) && !isatty(cfg->out_fd));
		/* (unknown: the first write opens FILE again) */
		k->dev = sb.st_dev;
		k->ino = sb.st_ino;
	}
	if (cfg->out_path)
		follow_start(k);
	open_sink = k;
	atexit(flush_at_exit);
	if (cfg->syslog)
		openlog("symtrace", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
}

static void emit_line(struct sink *k)
{
	if (!k->buffered) {
		write_out(k, &k->line);
		return;
	}
	if (!k->obuf.len)
		k->obuf_since = mono_us();
	sbuf_add(&k->obuf, k->line.buf, k->line.len);
	if (k->obuf.len >= OBUF_FLUSH)
		sink_flush(k);
}

void sink_flush_if_old(struct sink *k)
{
	if (k->obuf.len && mono_us() - k->obuf_since >= OBUF_MAX_AGE_US)
		sink_flush(k);
}

/* The name of uid in the password database, or NULL; looked up once per
 * uid (16 kept, the oldest replaced): kv lines, syslog and the journal
 * name the caller's user.  A name changed later is not seen. */
static const char *user_name(struct sink *k, uid_t uid)
{
	struct sink_user *u;
	struct passwd pw, *res = NULL;
	char buf[4096];
	int e;

	for (size_t i = 0; i < sizeof(k->users) / sizeof(k->users[0]); i++)
		if (k->users[i].used && k->users[i].uid == uid)
			return k->users[i].found ? k->users[i].name : NULL;
	u = &k->users[k->users_next++ % (sizeof(k->users) /
					  sizeof(k->users[0]))];
	*u = (struct sink_user){ .uid = uid, .used = true };
	e = getpwuid_r(uid, &pw, buf, sizeof(buf), &res);
	if (e == 0 && res && strlen(pw.pw_name) < sizeof(u->name)) {
		strcpy(u->name, pw.pw_name);
		u->found = true;
	} else if (e != 0 && e != ENOENT && e != ESRCH) {
		u->used = false; /* the lookup failed: "-", tried again */
	}
	return u->found ? u->name : NULL;
}

/* --syslog: one message per call, facility authpriv, the kv line as the
 * message; denied, killed and TOCTOU calls at LOG_WARNING, audited ones
 * at LOG_NOTICE, the rest at LOG_INFO (output_priority()).  The values
 * a caller sizes are cut at OUTPUT_SYSLOG_VALUE_MAX bytes each (marked
 * "..." and truncated=yes) so that the whole record fits in what a
 * syslog daemon keeps; -o files and the journal have them whole. */
static void log_event(const struct event *ev, const char *user)
{
	struct sbuf msg = SBUF_INIT;

	format_kv_cap(&msg, ev, user, OUTPUT_SYSLOG_VALUE_MAX);
	if (msg.len && msg.buf[msg.len - 1] == '\n')
		msg.buf[--msg.len] = '\0';
	syslog(LOG_AUTHPRIV | output_priority(ev), "%s", sbuf_str(&msg));
	sbuf_free(&msg);
}

/* --journal: one record per call.  false if it could not be sent (said
 * once on stderr; the next record tries again). */
static bool journal_event(struct sink *k, const struct event *ev,
			  const char *user)
{
	int r;

	sbuf_reset(&k->rec);
	format_journal(&k->rec, ev, user);
	r = journal_send(&k->journal, &k->rec);
	if (r < 0 && !k->journal_failed) {
		errno = -r;
		warn_errno("cannot send to the journal (%s)%s", JOURNAL_SOCKET,
			   k->cfg->journal_only
				   ? "; writing the records to stderr until "
				     "it works again"
				   : "");
	} else if (r == 0 && k->journal_failed) {
		warn("sending to the journal works again");
	}
	k->journal_failed = r < 0;
	return r == 0;
}

static void emit(struct sink *k, const struct event *ev)
{
	const struct config *cfg = k->cfg;
	struct output_opts oo = cfg->oo;
	const char *user = NULL;

	if (cfg->summary) {
		summary_add(&k->summary, ev);
		if (cfg->summary == 1)
			return;
	}

	oo.show_pid = oo.show_pid || tracee_seen() > 1;
	if (cfg->kv || cfg->syslog || cfg->journal)
		user = user_name(k, ev->ruid);
	if (cfg->syslog)
		log_event(ev, user);
	/* The journal instead of stderr (journal_only): a record the
	 * journal did not take goes to stderr, as a kv line. */
	if (cfg->journal && journal_event(k, ev, user) && cfg->journal_only)
		return;
	sbuf_reset(&k->line);
	if (cfg->json)
		format_json(&k->line, ev);
	else if (cfg->kv || cfg->journal_only)
		format_kv(&k->line, ev, user);
	else
		format_text(&k->line, ev, &oo);
	emit_line(k);
}

/* The JSON notice {"event":EVENT,MEMBERS}, with --json -v. */
static void json_notice(struct sink *k, const char *event,
			const char *members)
{
	if (!k->cfg->json || k->cfg->verbose <= 0)
		return;
	sbuf_reset(&k->line);
	format_json_notice(&k->line, event, members);
	emit_line(k);
}

void sink_exit_notice(struct sink *k, pid_t tid, int status)
{
	const struct config *cfg = k->cfg;

	if (cfg->verbose <= 0)
		return;
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
		json_notice(k, WIFEXITED(status) ? "exited" : "killed",
			    members);
		return;
	}
	sbuf_reset(&k->line);
	if (cfg->kv) {
		format_kv_exit(&k->line, tid, status);
		emit_line(k);
		return;
	}
	if (cfg->oo.show_pid || tracee_seen() > 1)
		sbuf_addf(&k->line, "[pid %d] ", (int)tid);
	if (WIFEXITED(status))
		sbuf_addf(&k->line, "+++ exited with %d +++\n",
			  WEXITSTATUS(status));
	else
		sbuf_addf(&k->line, "+++ killed by SIG%s%s +++\n",
			  signal_abbrev(WTERMSIG(status)) ?: "?",
			  WCOREDUMP(status) ? " (core dumped)" : "");
	emit_line(k);
}

void sink_notice(struct sink *k, const char *event, const char *members,
		 const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	json_notice(k, event, members);
	if (k->cfg->quiet)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s\n", progname, msg);
}

void sink_report(struct sink *k, struct event *ev)
{
	if (!ev->silent)
		emit(k, ev);
	event_free(ev);
	free(ev);
}

void sink_report_pending(struct sink *k, struct tracee *t)
{
	if (!t->ev)
		return;
	sink_report(k, t->ev);
	t->ev = NULL;
}

void sink_close(struct sink *k)
{
	if (k->cfg->summary) {
		sbuf_reset(&k->line);
		if (k->cfg->json)
			summary_format_json(&k->line, &k->summary);
		else
			summary_format_text(&k->line, &k->summary);
		emit_line(k);
	}
	sink_flush(k);
	sbuf_free(&k->line);
	sbuf_free(&k->obuf);
	sbuf_free(&k->rec);
	journal_close(&k->journal);
	if (k->dirfd >= 0)
		close(k->dirfd);
	k->dirfd = -1;
	/* The sink's storage ends with its owner's frame: the exit handler
	 * must not flush it after that (it did - valgrind in CI). */
	if (open_sink == k)
		open_sink = NULL;
}
