/* journalrecv.c - a stand-in for journald's native socket, for
 * tests/output-journal.sh.
 *
 * Usage: journalrecv listen SOCKET OUT READY
 *        journalrecv send SOCKET TEXT
 * listen binds an AF_UNIX datagram socket at SOCKET, writes "ready" to
 * READY, and decodes each datagram into OUT: one "KEY=VALUE" line per
 * field (both serializations of the native protocol; the value with
 * '\\' as "\\\\", '\n' as "\\n", other bytes outside 0x20-0x7e as
 * "\\xNN"), then "--" (or "-- memfd sealed" / "-- memfd unsealed" for a
 * record passed as a descriptor, "-- empty" for an empty datagram with
 * no descriptor).  A datagram that breaks the protocol is written as
 * "-- BAD: WHY".  It stops at a datagram "QUIT" (sent by "send") or after
 * 20 s without one.  send sends TEXT as one datagram. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef F_GET_SEALS
#define F_GET_SEALS 1034
#define F_SEAL_SEAL 0x0001
#define F_SEAL_SHRINK 0x0002
#define F_SEAL_GROW 0x0004
#define F_SEAL_WRITE 0x0008
#endif

#define MAXREC (16 * 1024 * 1024)

static void put_value(FILE *f, const unsigned char *v, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (v[i] == '\\')
			fputs("\\\\", f);
		else if (v[i] == '\n')
			fputs("\\n", f);
		else if (v[i] < 0x20 || v[i] > 0x7e)
			fprintf(f, "\\x%02x", v[i]);
		else
			fputc(v[i], f);
	}
}

/* Decode one record; NULL if it is well formed, else why not. */
static const char *decode(FILE *f, const unsigned char *p, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t k = i, vlen;

		while (k < len && p[k] != '=' && p[k] != '\n')
			k++;
		if (k == len)
			return "a field without '=' or newline";
		if (k == i)
			return "an empty key";
		fwrite(p + i, 1, k - i, f);
		fputc('=', f);
		if (p[k] == '=') {
			const unsigned char *nl = memchr(p + k + 1, '\n',
							 len - k - 1);

			if (!nl)
				return "a value without its newline";
			put_value(f, p + k + 1, (size_t)(nl - (p + k + 1)));
			i = (size_t)(nl - p) + 1;
		} else {
			uint64_t l = 0;

			if (len - k - 1 < 8)
				return "a binary field without its length";
			for (int b = 7; b >= 0; b--)
				l = l << 8 | p[k + 1 + b];
			if (l > len - k - 9 || len - k - 9 - l < 1 ||
			    p[k + 9 + l] != '\n')
				return "a binary field of a wrong length";
			vlen = (size_t)l;
			put_value(f, p + k + 9, vlen);
			i = k + 9 + vlen + 1;
		}
		fputc('\n', f);
	}
	return NULL;
}

static int listen_on(const char *path, const char *out, const char *ready)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	unsigned char *buf = malloc(MAXREC);
	FILE *f = fopen(out, "w");
	FILE *r;
	int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int big = 4 * 1024 * 1024;

	if (!buf || !f || s < 0 || strlen(path) >= sizeof(sa.sun_path)) {
		perror("journalrecv: setup");
		return 2;
	}
	strcpy(sa.sun_path, path);
	(void)setsockopt(s, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("journalrecv: bind");
		return 2;
	}
	r = fopen(ready, "w");
	if (!r || fputs("ready\n", r) < 0 || fclose(r) != 0) {
		perror("journalrecv: ready file");
		return 2;
	}
	for (;;) {
		struct pollfd pf = { .fd = s, .events = POLLIN };
		union {
			struct cmsghdr h;
			char b[CMSG_SPACE(4 * sizeof(int))];
		} ctl;
		struct iovec iov = { .iov_base = buf, .iov_len = MAXREC };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = ctl.b,
				     .msg_controllen = sizeof(ctl.b) };
		struct cmsghdr *c;
		const char *bad;
		ssize_t n;
		int fd = -1, nfds = 0;

		if (poll(&pf, 1, 20000) <= 0)
			break;
		n = recvmsg(s, &mh, MSG_CMSG_CLOEXEC);
		if (n < 0) {
			perror("journalrecv: recvmsg");
			return 2;
		}
		for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == SOL_SOCKET &&
			    c->cmsg_type == SCM_RIGHTS) {
				nfds += (int)((c->cmsg_len - CMSG_LEN(0)) /
					      sizeof(int));
				memcpy(&fd, CMSG_DATA(c), sizeof(int));
			}
		if (n == 4 && memcmp(buf, "QUIT", 4) == 0 && !nfds)
			break;
		if (nfds == 0 && n == 0) {
			fputs("-- empty\n", f);
		} else if (nfds == 0) {
			bad = decode(f, buf, (size_t)n);
			fprintf(f, "--%s%s\n", bad ? " BAD: " : "",
				bad ? bad : "");
		} else if (nfds > 1 || n != 0) {
			fputs("-- BAD: a descriptor with data, or several\n",
			      f);
		} else {
			struct stat st;
			int seals = fcntl(fd, F_GET_SEALS);
			const int all = F_SEAL_SHRINK | F_SEAL_GROW |
					F_SEAL_WRITE | F_SEAL_SEAL;
			unsigned char *m;

			if (fstat(fd, &st) < 0 || st.st_size <= 0 ||
			    st.st_size > MAXREC) {
				fputs("-- BAD: memfd size\n", f);
				continue;
			}
			m = mmap(NULL, (size_t)st.st_size, PROT_READ,
				 MAP_PRIVATE, fd, 0);
			if (m == MAP_FAILED) {
				fputs("-- BAD: mmap\n", f);
				continue;
			}
			bad = decode(f, m, (size_t)st.st_size);
			fprintf(f, "-- memfd %s%s%s\n",
				seals >= 0 && (seals & all) == all ? "sealed"
								   : "unsealed",
				bad ? " BAD: " : "", bad ? bad : "");
			munmap(m, (size_t)st.st_size);
			close(fd);
		}
		fflush(f);
	}
	return fclose(f) == 0 ? 0 : 2;
}

static int send_text(const char *path, const char *text)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0 || strlen(path) >= sizeof(sa.sun_path))
		return 2;
	strcpy(sa.sun_path, path);
	if (sendto(s, text, strlen(text), 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0) {
		perror("journalrecv: sendto");
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "listen") == 0)
		return listen_on(argv[2], argv[3], argv[4]);
	if (argc == 4 && strcmp(argv[1], "send") == 0)
		return send_text(argv[2], argv[3]);
	fprintf(stderr, "usage: journalrecv listen SOCKET OUT READY\n"
			"       journalrecv send SOCKET TEXT\n");
	return 2;
}
