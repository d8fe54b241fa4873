/* notifier.c - both ends of sd_notify(3) for tests/notify.sh.
 *
 *   notifier listen ADDR
 *     A stand-in for systemd's notify socket: binds ADDR ("/path" or
 *     "@abstract") with SO_PASSCRED, prints "listening", then for each
 *     message received
 *       message pid=PID uid=UID fds=N
 *       <the payload; '\r', NUL and other control bytes but '\n' as \r,
 *        \0, \xHH>
 *     and closes the descriptors that came with it.  Ends (0) at the
 *     message "X-TEST-END=1", which is not printed; 1 after 30 s of
 *     silence.
 *
 *   notifier send [-f] [-u UID] [-F] [-s SIZE] [-B] LINE...
 *     Sends LINE... joined by '\n' as one message to $NOTIFY_SOCKET, as
 *     sd_notify() does, and prints "main pid=PID" then "sent pid=PID" or
 *     "send pid=PID: ERROR".
 *       -f       from a child (forked; waited for), not this process
 *       -u UID   the child first becomes UID (and group UID)
 *       -F       a descriptor goes along (a pipe's write end); prints
 *                "fd closed" once the receiver has closed it (within
 *                10 s), else "fd not closed"
 *       -s SIZE  the last LINE is padded with 'x' to make SIZE bytes
 *     Then, from this process, a barrier as sd_notify_barrier() makes it
 *     (BARRIER=1 with a descriptor; wait until the receiver closes it):
 *     prints "barrier ok" or "barrier timeout".  What this process sent
 *     before has then been handled by the receiver.  -B: no barrier.
 *       -w FILE  at the end, wait until FILE exists (at most 20 s) */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static socklen_t address(const char *s, struct sockaddr_un *a)
{
	size_t n = strlen(s);

	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (n == 0 || n >= sizeof(a->sun_path)) {
		fprintf(stderr, "notifier: bad address '%s'\n", s);
		exit(2);
	}
	memcpy(a->sun_path, s, n);
	if (s[0] == '@') {
		a->sun_path[0] = '\0';
		return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	}
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
}

static int listen_mode(const char *addr)
{
	struct sockaddr_un a;
	socklen_t alen = address(addr, &a);
	int one = 1, fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&a, alen) < 0) {
		perror("notifier: listen");
		return 2;
	}
	printf("listening\n");
	fflush(stdout);
	for (;;) {
		static char buf[65536];
		union {
			struct cmsghdr h;
			char b[CMSG_SPACE(sizeof(struct ucred)) +
			       CMSG_SPACE(sizeof(int) * 253)];
		} ctl;
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
				    .msg_control = ctl.b,
				    .msg_controllen = sizeof(ctl.b) };
		struct pollfd p = { .fd = fd, .events = POLLIN };
		struct ucred cr = { 0, (uid_t)-1, (gid_t)-1 };
		int nfds = 0;
		ssize_t n;

		if (poll(&p, 1, 30000) <= 0) {
			printf("timeout\n");
			return 1;
		}
		n = recvmsg(fd, &m, MSG_CMSG_CLOEXEC);
		if (n < 0) {
			perror("notifier: recvmsg");
			return 2;
		}
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c;
		     c = CMSG_NXTHDR(&m, c)) {
			if (c->cmsg_level != SOL_SOCKET)
				continue;
			if (c->cmsg_type == SCM_CREDENTIALS)
				memcpy(&cr, CMSG_DATA(c), sizeof(cr));
			if (c->cmsg_type == SCM_RIGHTS) {
				int k = (int)((c->cmsg_len - CMSG_LEN(0)) /
					      sizeof(int));

				for (int i = 0; i < k; i++) {
					int f;

					memcpy(&f, CMSG_DATA(c) + i * sizeof(int),
					       sizeof(int));
					close(f);
				}
				nfds += k;
			}
		}
		if (n == 12 && memcmp(buf, "X-TEST-END=1", 12) == 0)
			return 0;
		printf("message pid=%d uid=%d fds=%d%s\n", (int)cr.pid,
		       (int)cr.uid, nfds,
		       (m.msg_flags & MSG_TRUNC) ? " truncated" : "");
		for (ssize_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)buf[i];

			if (c == '\r')
				fputs("\\r", stdout);
			else if (c == '\0')
				fputs("\\0", stdout);
			else if (c < 0x20 && c != '\n')
				printf("\\x%02x", c);
			else
				putchar(c);
		}
		putchar('\n');
		fflush(stdout);
	}
}

/* Send msg to $NOTIFY_SOCKET; with a descriptor (fd >= 0) along. */
static int send_msg(const char *msg, size_t len, int fd)
{
	const char *env = getenv("NOTIFY_SOCKET");
	struct sockaddr_un a;
	socklen_t alen;
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = { (void *)msg, len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	int s, r;

	if (!env) {
		errno = ENOENT;
		return -1;
	}
	alen = address(env, &a);
	m.msg_name = &a;
	m.msg_namelen = alen;
	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		m.msg_control = ctl.b;
		m.msg_controllen = sizeof(ctl.b);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -1;
	r = sendmsg(s, &m, MSG_NOSIGNAL) < 0 ? -1 : 0;
	close(s);
	return r;
}

/* Wait until every write end of the pipe but ours is closed, having
 * closed ours: 1 closed, 0 not within 10 s. */
static int wait_closed(int rd)
{
	struct pollfd p = { .fd = rd, .events = POLLIN };

	return poll(&p, 1, 10000) > 0 && (p.revents & POLLHUP);
}

static int send_mode(int argc, char **argv)
{
	int opt, fork_it = 0, with_fd = 0, barrier = 1;
	const char *wait_file = NULL;
	long uid = -1, size = 0;
	char *msg;
	size_t len = 0, cap = 0;
	pid_t child = 0;

	while ((opt = getopt(argc, argv, "fu:Fs:Bw:")) != -1) {
		switch (opt) {
		case 'f': fork_it = 1; break;
		case 'u': uid = strtol(optarg, NULL, 10); break;
		case 'F': with_fd = 1; break;
		case 's': size = strtol(optarg, NULL, 10); break;
		case 'B': barrier = 0; break;
		case 'w': wait_file = optarg; break;
		default: return 2;
		}
	}
	for (int i = optind; i < argc; i++)
		cap += strlen(argv[i]) + 1;
	if ((size_t)size > cap)
		cap = (size_t)size;
	msg = calloc(1, cap + 1);
	if (!msg)
		return 2;
	for (int i = optind; i < argc; i++) {
		if (i > optind)
			msg[len++] = '\n';
		memcpy(msg + len, argv[i], strlen(argv[i]));
		len += strlen(argv[i]);
	}
	while ((long)len < size)
		msg[len++] = 'x';
	printf("main pid=%d\n", (int)getpid());
	fflush(stdout);
	if (fork_it) {
		child = fork();
		if (child < 0)
			return 2;
		if (child > 0) {
			int st;

			waitpid(child, &st, 0);
			goto barrier;
		}
		if (uid >= 0 && (setresgid((gid_t)uid, (gid_t)uid, (gid_t)uid) < 0 ||
				 setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) < 0)) {
			perror("notifier: setresuid");
			_exit(2);
		}
	}
	{
		int pfd[2] = { -1, -1 };

		if (with_fd && pipe2(pfd, O_CLOEXEC) < 0)
			return 2;
		if (send_msg(msg, len, pfd[1]) < 0)
			printf("send pid=%d: %s\n", (int)getpid(),
			       strerror(errno));
		else
			printf("sent pid=%d\n", (int)getpid());
		fflush(stdout);
		if (with_fd) {
			close(pfd[1]);
			printf("fd %s\n", wait_closed(pfd[0]) ? "closed"
							      : "not closed");
			fflush(stdout);
		}
	}
	if (child == 0 && fork_it)
		_exit(0);
barrier:
	if (barrier) {
		int pfd[2];

		if (pipe2(pfd, O_CLOEXEC) < 0)
			return 2;
		if (send_msg("BARRIER=1", 9, pfd[1]) < 0) {
			printf("barrier: %s\n", strerror(errno));
		} else {
			close(pfd[1]);
			printf("barrier %s\n",
			       wait_closed(pfd[0]) ? "ok" : "timeout");
		}
		fflush(stdout);
	}
	for (int i = 0; wait_file && i < 200 && access(wait_file, F_OK) < 0;
	     i++)
		usleep(100000);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "listen") == 0)
		return listen_mode(argv[2]);
	if (argc >= 2 && strcmp(argv[1], "send") == 0)
		return send_mode(argc - 1, argv + 1);
	fprintf(stderr, "usage: notifier listen ADDR | notifier send "
		"[-f] [-u UID] [-F] [-s SIZE] [-B] LINE...\n");
	return 2;
}
