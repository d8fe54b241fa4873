/* control.c - the rules in force and their replacement; the control
 * thread and socket; the --status / --reload client (control.h).
 *
 * Why replacing the rules while tracing is safe:
 *   - A set of rules is built whole by the control thread, in a struct
 *     policy nobody else sees, and published with one atomic exchange
 *     (release): from then on the control thread never touches it.
 *   - The wait loop (main thread) takes the rules once per call
 *     (rules_now(): an acquire load, and an exchange when something is
 *     there) and judges the whole call with them: a call is judged
 *     wholly by the old or wholly by the new rules, never by a mix.  It
 *     is the only reader of the rules in force, so it frees the old set
 *     when it takes the new one; a report that comes later carries its
 *     own copy of the deciding rule's origin (event.rule_at).
 *   - A set published but not taken yet is taken back by the next
 *     publication (the exchange hands it to exactly one of the two
 *     threads) and freed by the control thread: the main thread never
 *     saw it.
 *   - What a parse touches: the password and group databases through
 *     the reentrant lookups (names.c); the homes cache (names_home()) is
 *     used by the main thread only (matching), never while parsing.
 *   - The control thread never calls ptrace() or waitpid() (tracing is
 *     tied to the main thread), runs with symtrace's own credentials
 *     (the delegation's setfsuid/setgroups/capset are raw per-thread
 *     system calls: delegate.c), and blocks every signal: the main
 *     thread's signal handling is unchanged.
 *   - A reload cannot change what was decided at the start from the
 *     rules: trace or deny mode (the side doors, EXITKILL, delegation),
 *     and whether rename/link calls stop.  New rules that would need
 *     another mode are refused like a rule error (the old ones stay). */
#include "control.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <fnmatch.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "names.h"
#include "notify.h"
#include "output.h"
#include "path.h"
#include "util.h"

/* ---- the rules in force ------------------------------------------- */

static struct policy *in_force;               /* the main thread's */
static _Atomic(struct policy *) next_rules;   /* published, not taken */

void rules_init(struct policy *p)
{
	in_force = p;
}

struct policy *rules_now(bool *changed)
{
	struct policy *p;

	*changed = false;
	if (!atomic_load_explicit(&next_rules, memory_order_acquire))
		return in_force;
	p = atomic_exchange_explicit(&next_rules, NULL, memory_order_acq_rel);
	if (p) {
		policy_free(in_force);
		in_force = p;
		*changed = true;
	}
	return in_force;
}

/* Control thread: p is complete; it is the main thread's from now on. */
static void rules_publish(struct policy *p)
{
	struct policy *untaken = atomic_exchange_explicit(
		&next_rules, p, memory_order_acq_rel);

	policy_free(untaken); /* never seen by the main thread */
}

/* ---- the control thread's state ----------------------------------- */

/* Debounce: a reload happens this long after the last change seen (an
 * editor's save, a package manager's unpacking come as several). */
#define SETTLE_MS 150

struct watch {
	int wd;
	char *path;  /* the directory or file watched, as named */
	char *name;  /* NULL: the watch is on the file itself */
	bool glob;   /* name is a pattern (an include glob's last part) */
};

static struct control {
	bool set_up, started;
	pthread_t thread;
	const struct config *cfg;
	bool enforcing, moves_checked;
	struct rules_sources src;
	struct rules_seen seen;       /* of the rules in force */
	const char *unrereadable;     /* a file that cannot be read again */
	/* inotify, the listening socket, and an eventfd to stop the thread
	 * only when there is no socket (shut down, it stops it): under a
	 * low RLIMIT_NOFILE every descriptor counts (tests/limits.sh). */
	int ifd, lfd, stopfd;
	char sock[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct watch *w;
	size_t nw;
	/* Something read changed before it was watched (between reading
	 * and inotify_add_watch): read again. */
	bool recheck;
	/* For --status. */
	size_t nrules;
	int generation;               /* reloads that succeeded */
	time_t loaded;
	time_t last;                  /* last reload attempt; 0: none */
	bool last_ok;
	char *last_msg;               /* its outcome, as --status says it */
} C = { .ifd = -1, .lfd = -1, .stopfd = -1 };

void control_setup(struct rules_sources *src, struct rules_seen *seen)
{
	C.src = *src;
	C.seen = *seen;
	*src = (struct rules_sources){ NULL, 0, 0, 0 };
	*seen = (struct rules_seen){ NULL, 0, NULL, 0 };
	C.set_up = true;
	/* A pipe (--rules=<(...)) was read once; read again it would be
	 * empty (or another stream): such rules cannot be reloaded. */
	for (size_t i = 0; i < C.seen.nfiles; i++)
		if (!C.seen.files[i].regular && !C.unrereadable)
			C.unrereadable = C.seen.files[i].path;
}

/* ---- notices ------------------------------------------------------ */

static const char *plural(size_t n)
{
	return n == 1 ? "" : "s";
}

/* msg (without "symtrace: "): on stderr (one write), to syslog with
 * --syslog, as the JSON notice {"event":EVENT,...} with --json (error:
 * the rules' error alone, or NULL).  Written
 * by the control thread directly (a line written with one write() does
 * not mix with the main thread's): a notice may come before calls the
 * main thread has collected but not written yet. */
static void notice(const char *event, const char *reason, const char *msg,
		   const char *error, size_t nrules)
{
	struct sbuf sb = SBUF_INIT;

	sbuf_addf(&sb, "%s: %s\n", progname, msg);
	(void)output_write(STDERR_FILENO, &sb);
	if (C.cfg->syslog)
		syslog(error ? LOG_ERR : LOG_NOTICE, "%s", msg);
	if (C.cfg->json) {
		struct sbuf m = SBUF_INIT;

		sbuf_adds(&m, "\"reason\":");
		json_str(&m, reason, strlen(reason));
		sbuf_addf(&m, ",\"rules\":%zu", nrules);
		if (error) {
			sbuf_adds(&m, ",\"error\":");
			json_str(&m, error, strlen(error));
		}
		sbuf_reset(&sb);
		format_json_notice(&sb, event, sbuf_str(&m));
		(void)output_write(C.cfg->out_fd, &sb);
		sbuf_free(&m);
	}
	sbuf_free(&sb);
}

/* ---- watching the files ------------------------------------------- */

#define DIR_EVENTS                                                       \
	(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE |      \
	 IN_DELETE | IN_ATTRIB | IN_ONLYDIR)
#define FILE_EVENTS (IN_CLOSE_WRITE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)

static void watch_add(const char *path, unsigned mask, const char *name,
		      bool glob)
{
	int wd = inotify_add_watch(C.ifd, path, mask);

	if (wd < 0)
		return; /* missing now: its directory's watch sees it come */
	for (size_t i = 0; i < C.nw; i++)
		if (C.w[i].wd == wd &&
		    (name ? C.w[i].name && strcmp(C.w[i].name, name) == 0 &&
				    C.w[i].glob == glob
			  : !C.w[i].name))
			return;
	C.w = xrealloc(C.w, (C.nw + 1) * sizeof(*C.w));
	C.w[C.nw++] = (struct watch){ .wd = wd, .path = xstrdup(path),
				      .name = name ? xstrdup(name) : NULL,
				      .glob = glob };
}

/* Watch what seen names: each file (atomic replacement - a rename over
 * it - and deletion are seen in its directory, by name; a change of the
 * file a symlink leads to, on the file itself) and each directory an
 * include pattern searched (a new file in rules.d). */
static void watch_seen(const struct rules_seen *seen)
{
	for (size_t i = 0; i < seen->nfiles; i++) {
		const char *path = seen->files[i].path;
		_cleanup_free_ char *dir = path_dirname(path);
		const char *slash = strrchr(path, '/');

		watch_add(dir, DIR_EVENTS, slash ? slash + 1 : path, false);
		watch_add(path, FILE_EVENTS, NULL, false);
	}
	for (size_t i = 0; i < seen->nglobs; i++)
		watch_add(seen->globs[i].dir, DIR_EVENTS,
			  seen->globs[i].pattern, true);
}

/* After a reload that succeeded: only what the new rules were read from
 * is watched. */
static void watch_only(const struct rules_seen *seen)
{
	struct watch *old = C.w;
	size_t nold = C.nw;

	C.w = NULL;
	C.nw = 0;
	watch_seen(seen);
	for (size_t i = 0; i < nold; i++) {
		bool kept = false;

		for (size_t k = 0; k < C.nw && !kept; k++)
			kept = C.w[k].wd == old[i].wd;
		if (!kept)
			inotify_rm_watch(C.ifd, old[i].wd);
		free(old[i].path);
		free(old[i].name);
	}
	free(old);
}

/* Does the event concern the rules?  *what: a name for the notice. */
static bool relevant(const struct inotify_event *e, char *what, size_t n)
{
	for (size_t i = 0; i < C.nw; i++) {
		const struct watch *w = &C.w[i];

		if (w->wd != e->wd)
			continue;
		if (!w->name ? e->len == 0 || !e->name[0]
			     : e->len && e->name[0] &&
				       (w->glob ? fnmatch(w->name, e->name,
							  FNM_PERIOD) == 0
						: strcmp(w->name, e->name) == 0)) {
			if (w->name)
				snprintf(what, n, "%s%s%s", w->path,
					 strcmp(w->path, "/") ? "/" : "",
					 e->name);
			else
				snprintf(what, n, "%s", w->path);
			return true;
		}
	}
	return false;
}

/* ---- reloading ---------------------------------------------------- */

static void utc(char *buf, size_t n, time_t t)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, n, "%lld", (long long)t);
}

/* Read every source again; on success the new rules replace the old
 * ones.  reason: why ("change of FILE", "--reload by pid N").  0 and
 * *nrules, or -1 and msg filled (the error). */
static int reload(const char *reason, char *msg, size_t n, size_t *nrules)
{
	struct policy *p = policy_new();
	struct rules_seen seen = { NULL, 0, NULL, 0 };
	struct rules_error err;
	struct sbuf line = SBUF_INIT;
	int ret = 0;

	policy_set_names(p, &names_system);
	C.last = time(NULL);
	if (C.unrereadable) {
		snprintf(err.msg, sizeof(err.msg),
			 "rules file '%s' was not a regular file (a pipe "
			 "cannot be read again)",
			 C.unrereadable);
		ret = -1;
	} else if (rules_sources_load(&C.src, p, &seen, &err) < 0) {
		ret = -1;
	} else if (!C.enforcing && policy_can_deny(p)) {
		snprintf(err.msg, sizeof(err.msg),
			 "the new rules can deny calls, but symtrace started "
			 "without a deny or kill rule and only traces: "
			 "restart it to enforce them");
		ret = -1;
	} else if (C.enforcing && !C.moves_checked && policy_judges_moves(p)) {
		snprintf(err.msg, sizeof(err.msg),
			 "the new rules have link= or target= keys, which "
			 "judge rename and link calls, but symtrace started "
			 "without them and does not stop those calls: "
			 "restart it to enforce them");
		ret = -1;
	}
	if (ret == 0) {
		*nrules = C.nrules = policy_count(p);
		rules_publish(p);
		C.generation++;
		C.loaded = C.last;
		C.last_ok = true;
		watch_only(&seen);
		rules_seen_free(&C.seen);
		C.seen = seen;
		C.recheck = rules_seen_changed(&C.seen);
		sbuf_addf(&line, "rules reloaded (%s): %zu rule%s in force",
			  reason, C.nrules, plural(C.nrules));
		free(C.last_msg);
		C.last_msg = xasprintf("ok, %zu rule%s (%s)", C.nrules,
				       plural(C.nrules), reason);
		notice("rules_reloaded", reason, sbuf_str(&line), NULL,
		       C.nrules);
	} else {
		policy_free(p);
		/* Watch what was read up to the error too: its fix must be
		 * seen. */
		watch_seen(&seen);
		C.recheck = rules_seen_changed(&seen);
		rules_seen_free(&seen);
		snprintf(msg, n, "%s", err.msg);
		sbuf_addf(&line,
			  "rules not reloaded (%s): %s; the previous rules "
			  "stay in force (%zu rule%s, ",
			  reason, err.msg, C.nrules, plural(C.nrules));
		if (C.generation)
			sbuf_addf(&line, "from reload %d)", C.generation);
		else
			sbuf_adds(&line, "from the start)");
		free(C.last_msg);
		C.last_msg = xasprintf("failed (%s): %s", reason, err.msg);
		C.last_ok = false;
		notice("rules_error", reason, sbuf_str(&line), err.msg,
		       C.nrules);
	}
	sbuf_free(&line);
	return ret;
}

/* ---- the control socket ------------------------------------------- */

/* The directory of the control sockets of symtrace processes running
 * with euid: only euid (and root) can create anything there, so nobody
 * else can put a socket of theirs where a client looks for symtrace's
 * (an abstract socket name could be taken by anyone first).  NULL, with
 * why filled, when there is no such directory. */
static char *socket_dir(uid_t euid, bool create, char *why, size_t n)
{
	char other[64];
	const char *base;
	char *dir;
	struct stat st;

	if (euid == 0) {
		base = "/run";
	} else {
		/* Another user's (a client run by root): where systemd puts
		 * XDG_RUNTIME_DIR. */
		snprintf(other, sizeof(other), "/run/user/%u", (unsigned)euid);
		base = euid == geteuid() ? getenv("XDG_RUNTIME_DIR") : other;
		if (!base || base[0] != '/') {
			snprintf(why, n, "XDG_RUNTIME_DIR is not set");
			return NULL;
		}
		if (lstat(base, &st) < 0) {
			snprintf(why, n, "'%s': %s", base, strerror(errno));
			return NULL;
		}
		/* It must be euid's own, mode 0700 (the XDG base directory
		 * specification); else others could reach the socket. */
		if (!S_ISDIR(st.st_mode) || st.st_uid != euid ||
		    (st.st_mode & 077)) {
			snprintf(why, n,
				 "XDG_RUNTIME_DIR '%s' is not a directory of "
				 "uid %u with mode 0700",
				 base, (unsigned)euid);
			return NULL;
		}
	}
	dir = xasprintf("%s/symtrace", base);
	if (create && mkdir(dir, 0700) < 0 && errno != EEXIST) {
		snprintf(why, n, "cannot create '%s': %s", dir,
			 strerror(errno));
		free(dir);
		return NULL;
	}
	/* Not followed if a symlink; must be ours alone. */
	if (lstat(dir, &st) < 0) {
		snprintf(why, n, "'%s': %s", dir, strerror(errno));
		free(dir);
		return NULL;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != euid || (st.st_mode & 077)) {
		snprintf(why, n,
			 "'%s' is not a directory of uid %u with mode 0700",
			 dir, (unsigned)euid);
		free(dir);
		return NULL;
	}
	return dir;
}

/* DIR/PID.SUFFIX in that directory. */
static int socket_path(char *buf, size_t n, uid_t euid, pid_t pid,
		       const char *suffix, bool create, char *why, size_t whyn)
{
	_cleanup_free_ char *dir = socket_dir(euid, create, why, whyn);
	int len;

	if (!dir)
		return -1;
	len = snprintf(buf, n, "%s/%d.%s", dir, (int)pid, suffix);
	if (len < 0 || (size_t)len >= n) {
		snprintf(why, whyn, "'%s/%d.%s' is too long for a socket",
			 dir, (int)pid, suffix);
		return -1;
	}
	return 0;
}

int control_runtime_path(char *buf, size_t n, const char *suffix, char *why,
			 size_t whyn)
{
	return socket_path(buf, n, geteuid(), getpid(), suffix, true, why,
			   whyn);
}

static int make_socket(char *why, size_t n)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd;

	if (socket_path(a.sun_path, sizeof(a.sun_path), geteuid(), getpid(),
			"sock", true, why, n) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(why, n, "socket: %s", strerror(errno));
		return -1;
	}
	/* A socket left by a symtrace that had this pid and was killed:
	 * the directory is ours alone, so it is ours to remove. */
	unlink(a.sun_path);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(fd, 8) < 0) {
		snprintf(why, n, "cannot listen on '%s': %s", a.sun_path,
			 strerror(errno));
		close(fd);
		return -1;
	}
	chmod(a.sun_path, 0600);
	snprintf(C.sock, sizeof(C.sock), "%s", a.sun_path);
	return fd;
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until fd is ready for events or the deadline passes. */
static bool wait_fd(int fd, short events, long long deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	long long left;

	while ((left = deadline - mono_ms()) > 0) {
		int r = poll(&p, 1, (int)left);

		if (r > 0)
			return true;
		if (r < 0 && errno != EINTR)
			return false;
	}
	return false;
}

/* Send all of s (small: it fits the socket's buffer; bounded anyway). */
static void send_all(int fd, const char *s, size_t len, long long deadline)
{
	while (len) {
		ssize_t r = send(fd, s, len, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (r > 0) {
			s += r;
			len -= (size_t)r;
		} else if (r < 0 && errno == EAGAIN &&
			   wait_fd(fd, POLLOUT, deadline)) {
			continue;
		} else if (r < 0 && errno == EINTR) {
			continue;
		} else {
			return;
		}
	}
}

/* Bytes outside printable ASCII (and '\\' unless it is escaped already:
 * the client's second pass) as \xHH: one line per item, whatever a file
 * is called, and no byte that a terminal takes for a control. */
static void add_clean_as(struct sbuf *sb, const char *s, bool backslash)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c >= 0x7f || (backslash && c == '\\'))
			sbuf_addf(sb, "\\x%02x", c);
		else
			sbuf_addc(sb, (char)c);
	}
}

static void add_clean(struct sbuf *sb, const char *s)
{
	add_clean_as(sb, s, true);
}

static void status_reply(struct sbuf *sb)
{
	char t[64];

	sbuf_adds(sb, "ok\n");
	sbuf_addf(sb, "mode: %s\n", C.enforcing ? "deny" : "trace");
	sbuf_addf(sb, "rules: %zu\n", C.nrules);
	for (size_t i = 0; i < C.seen.nfiles; i++) {
		sbuf_adds(sb, "rules file: ");
		add_clean(sb, C.seen.files[i].path);
		sbuf_addc(sb, '\n');
	}
	utc(t, sizeof(t), C.loaded);
	if (C.generation)
		sbuf_addf(sb, "loaded: %s (reload %d)\n", t, C.generation);
	else
		sbuf_addf(sb, "loaded: %s (start)\n", t);
	if (!C.last) {
		sbuf_adds(sb, "last reload: none\n");
	} else {
		utc(t, sizeof(t), C.last);
		sbuf_addf(sb, "last reload: %s ", t);
		add_clean(sb, C.last_msg);
		sbuf_addc(sb, '\n');
	}
	notify_status(sb);
}

/* One connection: who it is first, then one request line. */
static void serve(int fd)
{
	long long deadline = mono_ms() + CONTROL_TIMEOUT_MS;
	struct ucred cr;
	socklen_t crlen = sizeof(cr);
	char req[CONTROL_REQUEST_MAX + 1];
	size_t len = 0;
	struct sbuf out = SBUF_INIT;

	/* Only symtrace's own user and root may ask: a traced process (a
	 * site's user) must not learn the rules or have them read again.
	 * The socket's directory already keeps others out; this holds even
	 * if it did not.  Nothing is read from a refused peer. */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &crlen) < 0 ||
	    (cr.uid != 0 && cr.uid != geteuid())) {
		static const char no[] = "error: permission denied\n";

		send_all(fd, no, sizeof(no) - 1, deadline);
		return;
	}
	/* Bounded: CONTROL_REQUEST_MAX bytes within CONTROL_TIMEOUT_MS; the
	 * thread serves one connection at a time and must not be held. */
	while (!memchr(req, '\n', len)) {
		ssize_t r;

		if (len == CONTROL_REQUEST_MAX ||
		    !wait_fd(fd, POLLIN, deadline))
			return;
		r = recv(fd, req + len, CONTROL_REQUEST_MAX - len,
			 MSG_DONTWAIT);
		if (r == 0)
			return;
		if (r < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return;
		}
		len += (size_t)r;
	}
	req[len] = '\0';
	if (strcmp(req, "status\n") == 0) {
		status_reply(&out);
	} else if (strcmp(req, "reload\n") == 0) {
		char reason[64], msg[sizeof(((struct rules_error *)0)->msg)];
		size_t nrules = 0;

		snprintf(reason, sizeof(reason), "--reload by pid %d",
			 (int)cr.pid);
		if (reload(reason, msg, sizeof(msg), &nrules) == 0) {
			sbuf_addf(&out, "ok %zu\n", nrules);
		} else {
			sbuf_adds(&out, "error: ");
			add_clean(&out, msg);
			sbuf_addc(&out, '\n');
		}
	} else {
		sbuf_adds(&out, "error: unknown request\n");
	}
	send_all(fd, out.buf, out.len, deadline);
	sbuf_free(&out);
}

/* ---- the thread --------------------------------------------------- */

static void *control_main(void *arg)
{
	long long settle_at = -1; /* a reload is due then (-1: none) */
	char what[2 * PATH_MAX] = "";

	(void)arg;
	/* Changed between main.c's reading and the watches? */
	C.recheck = C.ifd >= 0 && rules_seen_changed(&C.seen);
	for (;;) {
		struct pollfd p[4];
		long long now;
		int timeout;

		if (C.recheck && C.ifd >= 0) {
			C.recheck = false;
			snprintf(what, sizeof(what), "the rules files");
			settle_at = mono_ms();
		}
		p[0] = (struct pollfd){ .fd = C.stopfd, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = C.ifd, .events = POLLIN };
		p[2] = (struct pollfd){ .fd = C.lfd, .events = POLLIN };
		/* The sd_notify relay (notify.c); -1 (ignored): none. */
		p[3] = (struct pollfd){ .fd = notify_fd(), .events = POLLIN };
		now = mono_ms();
		timeout = settle_at < 0 ? -1
			  : settle_at > now ? (int)(settle_at - now)
					    : 0;

		if (poll(p, 4, timeout) < 0 && errno != EINTR)
			break;
		/* Stopped: the eventfd written, or the socket shut down. */
		if (p[0].revents || (p[2].revents & (POLLHUP | POLLERR)))
			break;
		if (p[1].revents & POLLIN) {
			/* Aligned as inotify(7) shows. */
			char buf[8192]
				__attribute__((aligned(__alignof__(
					struct inotify_event))));
			ssize_t n;

			while ((n = read(C.ifd, buf, sizeof(buf))) > 0) {
				for (char *q = buf; q < buf + n;) {
					const struct inotify_event *e =
						(const void *)q;

					if (e->mask & IN_Q_OVERFLOW) {
						snprintf(what, sizeof(what),
							 "the rules files "
							 "(events lost)");
						settle_at = mono_ms() +
							    SETTLE_MS;
					} else if (relevant(e, what,
							    sizeof(what))) {
						settle_at = mono_ms() +
							    SETTLE_MS;
					}
					q += sizeof(*e) + e->len;
				}
			}
		}
		if (p[2].revents & POLLIN) {
			int fd = accept4(C.lfd, NULL, NULL,
					 SOCK_NONBLOCK | SOCK_CLOEXEC);

			if (fd >= 0) {
				serve(fd);
				close(fd);
			}
		}
		if (p[3].revents & POLLIN)
			notify_relay();
		if (settle_at >= 0 && mono_ms() >= settle_at) {
			char reason[sizeof(what) + 32], msg[16];
			size_t nrules;

			settle_at = -1;
			snprintf(reason, sizeof(reason), "a change of %s",
				 what);
			reload(reason, msg, sizeof(msg), &nrules);
		}
	}
	return NULL;
}

void control_start(const struct session *s)
{
	char why[PATH_MAX + 128];
	sigset_t all, old;
	int e;

	C.cfg = s->cfg;
	C.enforcing = s->enforcing;
	C.moves_checked = s->moves_checked;
	C.nrules = s->cfg->policy ? policy_count(s->cfg->policy) : 0;
	C.loaded = time(NULL);
	if ((C.seen.nfiles || C.seen.nglobs) && !C.unrereadable) {
		C.ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (C.ifd < 0)
			warn_errno("rules files are not watched for changes: "
				   "inotify");
		else
			watch_seen(&C.seen);
	}
	C.lfd = make_socket(why, sizeof(why));
	/* Root's socket is expected to work: say why not.  Without root the
	 * socket depends on the session (XDG_RUNTIME_DIR), and a process
	 * run as another user by setpriv or su may carry another's: no
	 * warning there; --status says why it cannot ask. */
	if (C.lfd < 0 && geteuid() == 0)
		warn("no control socket (--status, --reload): %s", why);
	if (C.lfd < 0 && C.ifd < 0 && notify_fd() < 0)
		return; /* nothing to do */
	if (C.lfd < 0) {
		C.stopfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (C.stopfd < 0) {
			warn_errno("rules files are not watched for changes: "
				   "eventfd");
			return;
		}
	}
	/* The thread starts with every signal blocked: process signals go
	 * to the main thread as before. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	e = pthread_create(&C.thread, NULL, control_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e) {
		errno = e;
		warn_errno("no control thread");
		return;
	}
	C.started = true;
}

void control_end(void)
{
	if (C.started && !pthread_equal(pthread_self(), C.thread)) {
		uint64_t one = 1;

		/* A shut down listening socket wakes poll() with POLLHUP. */
		if (C.lfd >= 0 ? shutdown(C.lfd, SHUT_RDWR) == 0
			       : write(C.stopfd, &one, sizeof(one)) ==
					 sizeof(one))
			pthread_join(C.thread, NULL);
		C.started = false;
	} else if (C.started) {
		/* exit() from the control thread itself (an allocation
		 * failed): the main thread may still judge a call; only the
		 * socket goes. */
		if (C.sock[0])
			unlink(C.sock);
		return;
	}
	if (C.sock[0]) {
		unlink(C.sock);
		C.sock[0] = '\0';
	}
	if (C.lfd >= 0)
		close(C.lfd);
	if (C.ifd >= 0)
		close(C.ifd);
	if (C.stopfd >= 0)
		close(C.stopfd);
	C.lfd = C.ifd = C.stopfd = -1;
	for (size_t i = 0; i < C.nw; i++) {
		free(C.w[i].path);
		free(C.w[i].name);
	}
	free(C.w);
	C.w = NULL;
	C.nw = 0;
	free(C.last_msg);
	C.last_msg = NULL;
	rules_sources_free(&C.src);
	rules_seen_free(&C.seen);
	policy_free(atomic_exchange(&next_rules, NULL));
	policy_free(in_force);
	in_force = NULL;
}

/* ---- the client --------------------------------------------------- */

/* From /proc/PID/status: the value of the field "KEY:\t" (first number).
 * 0, or -errno (-ENOENT: no such process). */
static int proc_field(pid_t pid, const char *key, int nth, long long *v)
{
	char path[64], buf[4096], *p;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	n = read_small_file(path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		size_t kl = strlen(key);

		if (strncmp(p, key, kl) == 0 && p[kl] == ':') {
			char *q = p + kl + 1;

			for (int i = 0; i <= nth; i++) {
				char *end;

				*v = strtoll(q, &end, 10);
				if (end == q)
					return -EINVAL;
				q = end;
			}
			return 0;
		}
	}
	return -EINVAL;
}

/* pid's name as the process set it (any bytes: it is printed only
 * through add_clean_as()). */
static void comm_of(pid_t pid, char *buf, size_t n)
{
	char path[64];
	ssize_t r;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	r = read_small_file(path, buf, n);
	if (r <= 0)
		snprintf(buf, n, "?");
	else if (buf[r - 1] == '\n')
		buf[r - 1] = '\0';
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void say(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Why there is nobody to ask about pid (sym: its tracer, or pid itself
 * when not traced; detail: what connecting said, or NULL). */
static int not_guarded(pid_t pid, long long tracer, pid_t sym,
		       const char *detail)
{
	char comm[64];

	comm_of(sym, comm, sizeof(comm));
	if (!tracer && strcmp(comm, "symtrace") != 0)
		say("pid %d is not traced: not guarded by symtrace", (int)pid);
	else if (!tracer)
		say("pid %d is a symtrace without a control socket (%s)",
		    (int)pid, detail);
	else if (strcmp(comm, "symtrace") != 0) {
		/* The tracer's name is its own choice: no byte of it raw on
		 * the caller's terminal (tests/redteam17.sh). */
		struct sbuf clean = SBUF_INIT;

		add_clean_as(&clean, comm, true);
		say("pid %d is traced by %d (%s), not by symtrace", (int)pid,
		    (int)sym, sbuf_str(&clean));
		sbuf_free(&clean);
	}
	else
		say("pid %d is traced by symtrace %d, which has no control "
		    "socket (%s)",
		    (int)pid, (int)sym, detail);
	return CONTROL_EXIT_NO;
}

int control_client(pid_t pid, bool reload_it)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	long long tracer = 0, euid = 0;
	char why[PATH_MAX + 128], buf[65536];
	const char *req = reload_it ? "reload\n" : "status\n";
	long long deadline;
	struct ucred cr;
	socklen_t crlen = sizeof(cr);
	size_t len = 0;
	pid_t sym;
	int fd, e;

	e = proc_field(pid, "TracerPid", 0, &tracer);
	if (e == -ENOENT) {
		say("no process %d", (int)pid);
		return CONTROL_EXIT_NO;
	}
	if (e < 0) {
		say("cannot read /proc/%d/status: %s", (int)pid, strerror(-e));
		return CONTROL_EXIT_NO;
	}
	/* Not traced: it may be a symtrace itself. */
	sym = tracer ? (pid_t)tracer : pid;
	if (proc_field(sym, "Uid", 1, &euid) < 0) {
		say("cannot read /proc/%d/status", (int)sym);
		return CONTROL_EXIT_NO;
	}
	if (socket_path(a.sun_path, sizeof(a.sun_path), (uid_t)euid, sym,
			"sock", false, why, sizeof(why)) < 0)
		return not_guarded(pid, tracer, sym, why);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		say("socket: %s", strerror(errno));
		return CONTROL_EXIT_NO;
	}
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		e = errno;
		close(fd);
		if (e == ENOENT || e == ECONNREFUSED) {
			snprintf(why, sizeof(why), "%s: %s", a.sun_path,
				 strerror(e));
			return not_guarded(pid, tracer, sym, why);
		}
		say("cannot ask symtrace %d (%s): %s%s", (int)sym, a.sun_path,
		    strerror(e),
		    e == EACCES ? " (only its user and root may)" : "");
		return CONTROL_EXIT_NO;
	}
	/* The directory is only symtrace's user's; still, the answer
	 * must come from the symtrace asked about. */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &crlen) < 0 ||
	    cr.pid != sym) {
		close(fd);
		say("the socket %s is not symtrace %d's", a.sun_path,
		    (int)sym);
		return CONTROL_EXIT_NO;
	}
	deadline = mono_ms() + (reload_it ? 60000 : 5000);
	send_all(fd, req, strlen(req), deadline);
	while (len < sizeof(buf) - 1 && wait_fd(fd, POLLIN, deadline)) {
		ssize_t r = recv(fd, buf + len, sizeof(buf) - 1 - len, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	buf[len] = '\0';
	if (strncmp(buf, "error: ", 7) == 0) {
		char *nl = strchr(buf, '\n');
		struct sbuf clean = SBUF_INIT;

		if (nl)
			*nl = '\0';
		add_clean_as(&clean, buf + 7, false);
		if (reload_it)
			say("symtrace %d did not reload its rules: %s",
			    (int)sym, sbuf_str(&clean));
		else
			say("symtrace %d did not answer: %s", (int)sym,
			    sbuf_str(&clean));
		sbuf_free(&clean);
		return CONTROL_EXIT_NO;
	}
	if (reload_it) {
		long long n;
		char *nl = strchr(buf, '\n');

		if (nl)
			*nl = '\0';
		if (strncmp(buf, "ok ", 3) != 0 ||
		    parse_ll(buf + 3, 0, LLONG_MAX, &n) < 0) {
			say("symtrace %d gave no answer", (int)sym);
			return CONTROL_EXIT_NO;
		}
		printf("symtrace %d reloaded its rules: %lld rule%s in force\n",
		       (int)sym, n, n == 1 ? "" : "s");
		return CONTROL_EXIT_OK;
	}
	if (strncmp(buf, "ok\n", 3) != 0) {
		say("symtrace %d gave no answer", (int)sym);
		return CONTROL_EXIT_NO;
	}
	/* The answer is the word of whoever runs sym: a symtrace of
	 * another user (not root, not the caller) may be any program of
	 * that user named "symtrace" (tests/redteam17.sh): say whose it
	 * is, and print no byte of it raw (no escape sequence reaches the
	 * caller's terminal). */
	if (tracer)
		printf("pid %d: traced by symtrace %d", (int)pid, (int)sym);
	else
		printf("pid %d: symtrace %d", (int)pid, (int)sym);
	if (euid != 0 && euid != (long long)geteuid())
		printf(" (of uid %lld)", euid);
	putchar('\n');
	{
		struct sbuf clean = SBUF_INIT;

		for (const char *line = buf + 3; *line;) {
			const char *nl = strchr(line, '\n');
			_cleanup_free_ char *one = xstrndup(
				line, nl ? (size_t)(nl - line) : strlen(line));

			add_clean_as(&clean, one, false);
			sbuf_addc(&clean, '\n');
			line = nl ? nl + 1 : line + strlen(line);
		}
		fputs(sbuf_str(&clean), stdout);
		sbuf_free(&clean);
	}
	return fflush(stdout) == 0 ? CONTROL_EXIT_OK : CONTROL_EXIT_NO;
}
