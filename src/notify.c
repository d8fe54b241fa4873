/* notify.c - the sd_notify(3) relay (notify.h).
 *
 * Why passing messages on is safe (who can make systemd believe what):
 *   - Who can reach the relay's socket: it is in symtrace's own runtime
 *     directory (main.c takes its path from control_runtime_path():
 *     /run/symtrace, root's, mode 0700, or
 *     $XDG_RUNTIME_DIR/symtrace, the user's, 0700; both checked with
 *     lstat), so only symtrace's user and root can send to it.  As root,
 *     a site's PHP worker (another uid) cannot even connect.
 *   - Whose messages count: only those whose SCM_CREDENTIALS pid (set by
 *     the kernel, which lets a process without CAP_SYS_ADMIN claim no pid
 *     but its own) is the command's main process, the one symtrace forked
 *     (an execve, php-fpm's USR2 re-exec included, keeps the pid), while
 *     that process has not ended (a pidfd of it, taken at the fork: once
 *     it has ended, its pid may be reused by anyone in the tree).  This
 *     is systemd's NotifyAccess=main, with symtrace's command in the
 *     place of the unit's main process.  Everything else is dropped,
 *     counted (--status), and told on stderr the first time.  The uid
 *     is no further condition: a sender that can claim another pid
 *     (CAP_SYS_ADMIN) can claim any uid too (CAP_SETUID), and one that
 *     cannot sends its own pid and uid.  Such a privileged process
 *     (root in the tree) can pass for the main process, to systemd as
 *     here: systemd-notify run as root by the main process's script
 *     claims its parent's pid and is heard, as by NotifyAccess=main.
 *   - What is passed on: only the lines of notify_field_allowed(), the
 *     service's state.  MAINPID= is never passed on (systemd would stop
 *     watching symtrace), nor FDSTORE=, NOTIFYACCESS=, WATCHDOG_USEC=,
 *     EXIT_STATUS= or anything else; lines are split as systemd splits
 *     them ('\n' and '\r'), so a line cannot hide another.  File
 *     descriptors sent along are closed at once, from every sender.
 *   - The messages systemd gets are sent by symtrace, the unit's main
 *     process: NotifyAccess=main (the default) accepts them, and the unit
 *     needs no NotifyAccess=all, which would let every process of the
 *     unit (any site's PHP) talk to systemd directly.
 *   - Bounded: a message of more than NOTIFY_DATAGRAM_MAX bytes is
 *     dropped whole; both sockets are non-blocking; at most
 *     RELAY_BATCH messages per wake-up, so the control thread goes back
 *     to its other work; a message systemd's socket cannot take now is
 *     dropped (counted), never waited for.  A process that may send here
 *     (the same user, without root) can fill the socket's queue, and so
 *     delay the main process's messages: that is all it can do.
 *   What is lost: a message the main process sends just before it ends
 *   may be read after the end and is then dropped (its end is what
 *   systemd sees anyway). */
#include "notify.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

/* ---- pure --------------------------------------------------------- */

int notify_address(const char *s, struct sockaddr_un *a, socklen_t *len)
{
	size_t n = s ? strlen(s) : 0;

	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (n == 0 || (s[0] == '@' && n == 1))
		return -EINVAL;
	if (s[0] != '/' && s[0] != '@')
		return -EAFNOSUPPORT;
	/* A path with its NUL; an abstract name without the '@' after
	 * the leading NUL, and without a NUL of its own. */
	if (n >= sizeof(a->sun_path))
		return -ENAMETOOLONG;
	memcpy(a->sun_path, s, n);
	if (s[0] == '@') {
		a->sun_path[0] = '\0';
		*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	} else {
		*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n +
				   1);
	}
	return 0;
}

bool notify_field_allowed(const char *line, size_t len)
{
	/* The whole line. */
	static const char *const exact[] = {
		"READY=1", "RELOADING=1", "STOPPING=1", "WATCHDOG=1",
	};
	/* The name; any value (systemd checks it). */
	static const char *const named[] = {
		"STATUS=", "ERRNO=", "BUSERROR=", "EXTEND_TIMEOUT_USEC=",
		"MONOTONIC_USEC=",
	};

	for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (len == strlen(exact[i]) && memcmp(line, exact[i], len) == 0)
			return true;
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		size_t k = strlen(named[i]);

		if (len >= k && memcmp(line, named[i], k) == 0)
			return true;
	}
	return false;
}

/* The name of a line (up to '='), printable, in buf. */
static void field_name(const char *line, size_t len, char *buf, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < len && line[i] != '='; i++) {
		unsigned char c = (unsigned char)line[i];

		if (o + 5 > n) {
			if (o + 4 <= n)
				memcpy(buf + o, "...", 3), o += 3;
			break;
		}
		if (c < 0x20 || c >= 0x7f || c == '\\')
			o += (size_t)snprintf(buf + o, n - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	buf[o] = '\0';
}

long notify_filter(const char *in, size_t n, char *out,
		   struct notify_verdict *v)
{
	size_t o = 0, i = 0;

	memset(v, 0, sizeof(*v));
	/* One NUL at the end is tolerated (some senders count it). */
	if (n && in[n - 1] == '\0')
		n--;
	if (memchr(in, '\0', n))
		return -1;
	while (i < n) {
		size_t len = 0;

		/* Lines end at '\n' or '\r', as systemd splits them: a line
		 * cannot hide another behind a '\r'. */
		while (i + len < n && in[i + len] != '\n' &&
		       in[i + len] != '\r')
			len++;
		if (len == 0) {
			i++;
			continue;
		}
		if (len == 9 && memcmp(in + i, "BARRIER=1", 9) == 0) {
			v->barrier = true;
		} else if (notify_field_allowed(in + i, len)) {
			if (o)
				out[o++] = '\n';
			memcpy(out + o, in + i, len);
			o += len;
			v->kept++;
		} else {
			if (!v->dropped)
				field_name(in + i, len, v->first_dropped,
					   sizeof(v->first_dropped));
			v->dropped++;
		}
		i += len;
	}
	return (long)o;
}

/* ---- the relay ---------------------------------------------------- */

/* At most this many messages are handled per wake-up. */
#define RELAY_BATCH 32
/* SCM_MAX_FD: the most descriptors one message can carry. */
#define RELAY_FDS_MAX 253

/* Notices given once each. */
enum said {
	SAID_OTHER = 1,     /* a message from another process */
	SAID_FIELD = 2,     /* a line not passed on */
	SAID_FDS = 4,       /* descriptors closed */
	SAID_BAD = 8,       /* too long, NUL inside */
	SAID_SEND = 16,     /* systemd's socket did not take it */
	SAID_RECV = 32,     /* reading the relay failed */
};

static struct relay {
	int in, out;        /* ours (bound), and the one we send with */
	int pidfd;          /* of the main process; -1: none (old kernel) */
	pid_t main;         /* 0 until the command is forked */
	struct sockaddr_un to;
	socklen_t tolen;
	char *target;       /* $NOTIFY_SOCKET as found */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *env;          /* "NOTIFY_SOCKET=path", in environ */
	/* "WATCHDOG_PID=" and room for a pid, in environ when the variable
	 * named symtrace: the child writes its own pid in (notify_child). */
	char wd[32];
	bool wd_fix;
	pid_t owner;        /* symtrace (not a child exiting before exec) */
	unsigned said;
	unsigned long long passed, other, bad, fields, fds, undelivered;
} R = { .in = -1, .out = -1, .pidfd = -1 };

#define WD_PREFIX "WATCHDOG_PID="

int notify_start(const char *target, const char *path, char *why, size_t n)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	const char *wd = getenv("WATCHDOG_PID");
	long long wdpid;
	int one = 1, e;

	e = notify_address(target, &R.to, &R.tolen);
	if (e < 0) {
		snprintf(why, n, "NOTIFY_SOCKET '%s' %s", target,
			 e == -ENAMETOOLONG ? "is too long for a socket address"
			 : e == -EAFNOSUPPORT
				 ? "is not a path or an abstract socket name "
				   "(@NAME)"
				 : "names no socket");
		return -1;
	}
	if (strlen(path) >= sizeof(a.sun_path)) {
		snprintf(why, n, "'%s' is too long for a socket", path);
		return -1;
	}
	memcpy(a.sun_path, path, strlen(path) + 1);
	R.in = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	R.out = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (R.in < 0 || R.out < 0) {
		snprintf(why, n, "socket: %s", strerror(errno));
		return -1;
	}
	/* Before bind: every message that can arrive carries its sender's
	 * credentials. */
	if (setsockopt(R.in, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0) {
		snprintf(why, n, "SO_PASSCRED: %s", strerror(errno));
		return -1;
	}
	/* Left by a symtrace that had this pid and was killed: the
	 * directory is ours alone, so it is ours to remove. */
	unlink(a.sun_path);
	if (bind(R.in, (struct sockaddr *)&a, sizeof(a)) < 0) {
		snprintf(why, n, "cannot bind '%s': %s", a.sun_path,
			 strerror(errno));
		return -1;
	}
	snprintf(R.path, sizeof(R.path), "%s", a.sun_path);
	R.owner = getpid();
	chmod(R.path, 0600);
	R.target = xstrdup(target);
	/* The command inherits symtrace's environment: point it here.
	 * (symtrace itself sends to R.to, never to $NOTIFY_SOCKET.) */
	R.env = xasprintf("NOTIFY_SOCKET=%s", R.path);
	if (putenv(R.env) != 0) {
		snprintf(why, n, "cannot set NOTIFY_SOCKET: %s",
			 strerror(errno));
		return -1;
	}
	/* WatchdogSec=: systemd says WATCHDOG_PID=<symtrace>, and
	 * sd_watchdog_enabled() in the command would see it is not its own
	 * pid and send nothing.  The command's own pid is known in the
	 * child only: room is made here, the child fills it in. */
	if (wd && parse_ll(wd, 1, INT32_MAX, &wdpid) == 0 &&
	    wdpid == (long long)getpid()) {
		snprintf(R.wd, sizeof(R.wd), "%s%lld", WD_PREFIX, wdpid);
		if (putenv(R.wd) == 0)
			R.wd_fix = true;
	}
	return 0;
}

void notify_child(void)
{
	char digits[16];
	size_t k = 0, o = sizeof(WD_PREFIX) - 1;
	pid_t p = getpid();

	if (!R.wd_fix)
		return;
	/* Async-signal-safe: digits into the string environ points to. */
	do {
		digits[k++] = (char)('0' + p % 10);
		p /= 10;
	} while (p && k < sizeof(digits));
	while (k)
		R.wd[o++] = digits[--k];
	R.wd[o] = '\0';
}

void notify_command(pid_t pid)
{
	if (R.in < 0)
		return;
	R.main = pid;
	/* pidfd_open (Linux 5.3) of our own unreaped child: it is that
	 * process, whatever reuses the pid later.  Without it the pid alone
	 * is compared. */
	R.pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
}

int notify_fd(void)
{
	return R.in;
}

/* Has the main process ended?  (Its pidfd is readable then.) */
static bool main_ended(void)
{
	struct pollfd p = { .fd = R.pidfd, .events = POLLIN };

	if (R.pidfd < 0)
		return false;
	return poll(&p, 1, 0) > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR));
}

static bool once(unsigned what)
{
	bool first = !(R.said & what);

	R.said |= what;
	return first;
}

static void relay_one(const char *buf, size_t n, int flags,
		      const struct ucred *cr, size_t nfds)
{
	char out[NOTIFY_DATAGRAM_MAX];
	struct notify_verdict v = { 0 };
	long len = flags & MSG_TRUNC ? -1 : notify_filter(buf, n, out, &v);

	/* A barrier alone (sd_notify_barrier(3): systemd-notify sends it
	 * from its own pid) says nothing: its descriptor is closed as the
	 * protocol asks, from whoever it comes. */
	if (nfds == 1 && len == 0 && v.barrier && !v.dropped)
		return;
	if (nfds) {
		R.fds += nfds;
		if (once(SAID_FDS))
			warn("sd_notify: closed %zu file descriptor%s sent "
			     "with a message by pid %d: none is passed on to "
			     "systemd (further ones are counted: --status)",
			     nfds, nfds == 1 ? "" : "s", cr ? (int)cr->pid : 0);
	}
	/* The decision: only the command's main process, while it lives
	 * (see the top of this file). */
	if (!cr || !R.main || cr->pid != R.main || main_ended()) {
		R.other++;
		if (once(SAID_OTHER)) {
			if (cr)
				warn("sd_notify: dropped a message from pid %d "
				     "(uid %u): only the command's main "
				     "process (pid %d) may notify systemd "
				     "through symtrace (further ones are "
				     "counted: --status)",
				     (int)cr->pid, (unsigned)cr->uid,
				     (int)R.main);
			else
				warn("sd_notify: dropped a message without "
				     "credentials");
		}
		return;
	}
	if (len < 0) {
		R.bad++;
		if (once(SAID_BAD))
			warn("sd_notify: dropped a message of the main process "
			     "that systemd would ignore (%s)",
			     flags & MSG_TRUNC ? "longer than 4096 bytes"
					       : "a NUL byte inside");
		return;
	}
	if (v.dropped) {
		R.fields += v.dropped;
		if (once(SAID_FIELD))
			warn("sd_notify: not passed on to systemd: %s%s "
			     "(symtrace passes on READY=1, RELOADING=1, "
			     "STOPPING=1, WATCHDOG=1, STATUS=, ERRNO=, "
			     "BUSERROR=, EXTEND_TIMEOUT_USEC=, MONOTONIC_USEC= "
			     "and stays the main process; further ones are "
			     "counted: --status)",
			     v.first_dropped, v.dropped > 1 ? " and more" : "");
	}
	if (len == 0)
		return;
	/* Sent by symtrace, the unit's main process; no descriptors, no
	 * explicit credentials (the kernel attaches symtrace's). */
	if (sendto(R.out, out, (size_t)len, MSG_DONTWAIT | MSG_NOSIGNAL,
		   (const struct sockaddr *)&R.to, R.tolen) < 0) {
		int e = errno;

		R.undelivered++;
		if (once(SAID_SEND))
			warn("sd_notify: cannot pass a message on to %s: %s",
			     R.target, strerror(e));
		return;
	}
	R.passed++;
}

void notify_relay(void)
{
	for (int k = 0; k < RELAY_BATCH; k++) {
		char buf[NOTIFY_DATAGRAM_MAX];
		union {
			struct cmsghdr h;
			char b[CMSG_SPACE(sizeof(struct ucred)) +
			       CMSG_SPACE(sizeof(int) * RELAY_FDS_MAX)];
		} ctl;
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
				    .msg_control = ctl.b,
				    .msg_controllen = sizeof(ctl.b) };
		struct ucred cr, *crp = NULL;
		int fds[RELAY_FDS_MAX];
		size_t nfds = 0;
		ssize_t n;

		n = recvmsg(R.in, &m, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && once(SAID_RECV))
				warn_errno("sd_notify: reading '%s'", R.path);
			return;
		}
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c;
		     c = CMSG_NXTHDR(&m, c)) {
			if (c->cmsg_level != SOL_SOCKET)
				continue;
			if (c->cmsg_type == SCM_RIGHTS) {
				size_t k2 = (c->cmsg_len - CMSG_LEN(0)) /
					    sizeof(int);

				for (size_t j = 0; j < k2 && nfds < RELAY_FDS_MAX;
				     j++)
					memcpy(&fds[nfds++],
					       CMSG_DATA(c) + j * sizeof(int),
					       sizeof(int));
			} else if (c->cmsg_type == SCM_CREDENTIALS &&
				   c->cmsg_len == CMSG_LEN(sizeof(cr))) {
				memcpy(&cr, CMSG_DATA(c), sizeof(cr));
				crp = &cr;
			}
		}
		relay_one(buf, (size_t)n, m.msg_flags, crp, nfds);
		/* Whoever sent them: never passed on, never used; closed
		 * once the message is handled (a barrier's sender waits for
		 * that, and may end then: the main process's end must not be
		 * seen before its message is judged). */
		for (size_t j = 0; j < nfds; j++)
			close(fds[j]);
	}
}

void notify_status(struct sbuf *sb)
{
	if (R.in < 0)
		return;
	sbuf_addf(sb,
		  "notify: relayed to NOTIFY_SOCKET for pid %d: %llu passed "
		  "on, %llu from other processes dropped, %llu ignored, "
		  "%llu lines dropped, %llu descriptors closed, %llu not "
		  "delivered\n",
		  (int)R.main, R.passed, R.other, R.bad, R.fields, R.fds,
		  R.undelivered);
}

void notify_end(void)
{
	/* The command's process, failing before its exec, leaves the
	 * socket to symtrace. */
	if (R.owner && R.owner != getpid())
		return;
	if (R.path[0]) {
		unlink(R.path);
		R.path[0] = '\0';
	}
	if (R.in >= 0)
		close(R.in);
	if (R.out >= 0)
		close(R.out);
	if (R.pidfd >= 0)
		close(R.pidfd);
	R.in = R.out = R.pidfd = -1;
	free(R.target);
	R.target = NULL;
	/* R.env and R.wd stay: environ points to them. */
}
