/* journal.h - records to the systemd journal by its native protocol
 * (https://systemd.io/JOURNAL_NATIVE_PROTOCOL/), libc only: one datagram
 * of KEY=VALUE fields per record on /run/systemd/journal/socket, a sealed
 * memfd for records too large for a datagram. */
#ifndef SYMTRACE_JOURNAL_H
#define SYMTRACE_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

#define JOURNAL_SOCKET "/run/systemd/journal/socket"

/* One field: KEY (upper-case ASCII, digits, '_'; not starting with '_')
 * and LEN bytes of value (any bytes). */
struct journal_field {
	const char *key;
	const char *val;
	size_t len;
};

/* Append the fields in the protocol's form: "KEY=VALUE\n", or, for a
 * value holding a newline, "KEY\n" + its length as 64-bit little-endian
 * + the value + "\n".  Pure. */
void journal_encode(struct sbuf *sb, const struct journal_field *f,
		    size_t n);

struct journal {
	int fd; /* AF_UNIX datagram socket, unconnected; -1 when closed */
};

/* Open the socket and check that something receives on JOURNAL_SOCKET
 * (an empty datagram, which journald ignores).  0, or -errno (the
 * socket is then closed): -ENOENT, -ECONNREFUSED when no journald. */
int journal_open(struct journal *j);

/* Send one encoded record: as a datagram, or when it is too large
 * (EMSGSIZE) as a sealed memfd passed with an empty datagram.  Blocks
 * while journald's queue is full (records are not dropped).  0 or
 * -errno. */
int journal_send(struct journal *j, const struct sbuf *rec);

void journal_close(struct journal *j);

/* Whether fd is the stream systemd connected to the journal for this
 * service: $JOURNAL_STREAM ("DEV:INO" in decimal) names fd's st_dev and
 * st_ino. */
bool journal_stream_is(int fd);

#endif
