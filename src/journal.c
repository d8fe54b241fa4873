/* journal.c - records to the systemd journal (journal.h).
 *
 * Nothing here acts on a path a tracee chose: the only path is the fixed
 * JOURNAL_SOCKET, the only data the already formatted record. */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef MFD_ALLOW_SEALING
#define MFD_ALLOW_SEALING 2U
#endif
#ifndef F_ADD_SEALS
#define F_ADD_SEALS 1033
#define F_SEAL_SEAL 0x0001
#define F_SEAL_SHRINK 0x0002
#define F_SEAL_GROW 0x0004
#define F_SEAL_WRITE 0x0008
#endif

/* As sd-journal does: a large send buffer delays blocking when journald
 * is slow (the kernel caps it at net.core.wmem_max). */
#define JOURNAL_SNDBUF (8 * 1024 * 1024)

void journal_encode(struct sbuf *sb, const struct journal_field *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		sbuf_adds(sb, f[i].key);
		if (!memchr(f[i].val, '\n', f[i].len)) {
			sbuf_addc(sb, '=');
		} else {
			unsigned char le[8];
			uint64_t len = f[i].len;

			for (int b = 0; b < 8; b++)
				le[b] = (unsigned char)(len >> (8 * b));
			sbuf_addc(sb, '\n');
			sbuf_add(sb, le, sizeof(le));
		}
		sbuf_add(sb, f[i].val, f[i].len);
		sbuf_addc(sb, '\n');
	}
}

static socklen_t journal_addr(struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, JOURNAL_SOCKET, sizeof(JOURNAL_SOCKET));
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
			   sizeof(JOURNAL_SOCKET));
}

/* One datagram: len bytes of buf, or (fd >= 0) no bytes and fd. */
static int send_dgram(struct journal *j, const void *buf, size_t len, int fd)
{
	struct sockaddr_un sa;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct msghdr mh = {
		.msg_name = &sa,
		.msg_namelen = journal_addr(&sa),
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};

	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_iov = NULL;
		mh.msg_iovlen = 0;
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	for (;;) {
		if (sendmsg(j->fd, &mh, MSG_NOSIGNAL) >= 0)
			return 0;
		if (errno != EINTR)
			return -errno;
	}
}

int journal_open(struct journal *j)
{
	int sndbuf = JOURNAL_SNDBUF, r;

	j->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (j->fd < 0)
		return -errno;
	/* SYMTRACE_JOURNAL_SNDBUF=N: a smaller buffer, so that tests can
	 * make records too large for a datagram. */
	if (getenv("SYMTRACE_JOURNAL_SNDBUF")) {
		long long v;

		if (parse_ll(getenv("SYMTRACE_JOURNAL_SNDBUF"), 1,
			     JOURNAL_SNDBUF, &v) == 0)
			sndbuf = (int)v;
	}
	(void)setsockopt(j->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	r = send_dgram(j, "", 0, -1);
	if (r < 0)
		journal_close(j);
	return r;
}

/* Too large for a datagram: the record in a memfd, sealed so that
 * journald can read it without fearing a change under it (it refuses
 * unsealed ones), passed with an empty datagram. */
static int send_memfd(struct journal *j, const struct sbuf *rec)
{
	const char *p = rec->buf;
	size_t left = rec->len;
	int fd, r;

	fd = memfd_create("symtrace-journal", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	while (left > 0) {
		ssize_t n = write(fd, p, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n < 0 ? -errno : -EIO;
			close(fd);
			return r;
		}
		p += n;
		left -= (size_t)n;
	}
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW |
				       F_SEAL_WRITE | F_SEAL_SEAL) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	r = send_dgram(j, NULL, 0, fd);
	close(fd);
	return r;
}

int journal_send(struct journal *j, const struct sbuf *rec)
{
	int r;

	if (j->fd < 0)
		return -EBADF;
	r = send_dgram(j, rec->buf, rec->len, -1);
	if (r == -EMSGSIZE)
		r = send_memfd(j, rec);
	return r;
}

void journal_close(struct journal *j)
{
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
}

bool journal_stream_is(int fd)
{
	const char *e = getenv("JOURNAL_STREAM");
	uintmax_t dev, ino;
	struct stat st;
	int used = 0;

	if (!e || sscanf(e, "%ju:%ju%n", &dev, &ino, &used) != 2 ||
	    e[used] != '\0' || fstat(fd, &st) < 0)
		return false;
	return (uintmax_t)st.st_dev == dev && (uintmax_t)st.st_ino == ino;
}
