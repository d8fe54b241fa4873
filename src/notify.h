/* notify.h - the sd_notify(3) relay (issue 17).
 *
 * In run mode, when symtrace finds $NOTIFY_SOCKET (it runs as the main
 * process of a Type=notify systemd unit) and --no-notify is not given,
 * the command gets NOTIFY_SOCKET=<a datagram socket of symtrace's own>
 * instead: /run/symtrace/PID.notify (root) or
 * $XDG_RUNTIME_DIR/symtrace/PID.notify, in the directory of the control
 * socket (control.h).  The control thread reads what arrives there and
 * passes on to the service manager's socket, sent by symtrace (the unit's
 * main process, so NotifyAccess=main accepts it), the state the command's
 * main process announces: READY=1, RELOADING=1, STOPPING=1, WATCHDOG=1,
 * STATUS=, ERRNO=, BUSERROR=, EXTEND_TIMEOUT_USEC=, MONOTONIC_USEC=.
 * Never MAINPID= (symtrace stays the main process), never a file
 * descriptor, nothing from any other process.
 *
 * The protocol (sd_notify(3), systemd's manager): one datagram per
 * message, at most NOTIFY_DATAGRAM_MAX bytes, lines "VAR=VALUE" separated
 * by newlines (systemd splits on '\n' and '\r'), no NUL inside (one at
 * the end is tolerated); the sender's credentials come as SCM_CREDENTIALS;
 * a NOTIFY_SOCKET starting with '@' names an abstract socket. */
#ifndef SYMTRACE_NOTIFY_H
#define SYMTRACE_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#include "util.h"

/* systemd's NOTIFY_BUFFER_MAX (PIPE_BUF): a longer message is ignored
 * there, and here. */
#define NOTIFY_DATAGRAM_MAX 4096

/* ---- pure ---- */

/* $NOTIFY_SOCKET -> an AF_UNIX address: "/path", or "@name" (abstract).
 * 0, or -EAFNOSUPPORT (another form: "vsock:...", a relative path),
 * -EINVAL (empty, "@"), -ENAMETOOLONG. */
int notify_address(const char *s, struct sockaddr_un *a, socklen_t *len);

/* Is this line (without its newline) passed on? */
bool notify_field_allowed(const char *line, size_t len);

struct notify_verdict {
	size_t kept, dropped;   /* lines */
	/* A line "BARRIER=1" (sd_notify_barrier(3): the sender waits until
	 * the descriptor it sent along is closed, which the relay does):
	 * neither kept nor dropped. */
	bool barrier;
	char first_dropped[48]; /* name of the first line dropped ("MAINPID"),
				 * printable: other bytes as \xHH */
};

/* One message's payload in[0..n) -> out (room for n bytes): the lines
 * passed on, in order, joined by '\n'.  Returns out's length (0: nothing
 * to pass on), or -1 when the whole message is to be ignored (a NUL
 * before its last byte, as systemd does). */
long notify_filter(const char *in, size_t n, char *out,
		   struct notify_verdict *v);

/* ---- the relay ---- */

/* Main thread, run mode, before the command is spawned: make the socket
 * at path (in a directory only symtrace's user and root can enter:
 * control_runtime_path()), point NOTIFY_SOCKET (and WATCHDOG_PID, when it
 * names symtrace) in symtrace's environment, which the command inherits,
 * at it.  target: $NOTIFY_SOCKET as found.  0, or -1 with why filled. */
int notify_start(const char *target, const char *path, char *why, size_t n);

/* In the command's process, between fork and exec (async-signal-safe):
 * WATCHDOG_PID becomes its own pid. */
void notify_child(void);

/* In symtrace, once the command is forked: its main process, the only
 * one whose messages are passed on. */
void notify_command(pid_t pid);

/* The relay's socket for the control thread's poll(); -1: no relay. */
int notify_fd(void);

/* Control thread: notify_fd() is readable. */
void notify_relay(void);

/* Control thread: the --status line, when there is a relay. */
void notify_status(struct sbuf *sb);

/* Close and remove the socket.  For atexit(), after control_end(). */
void notify_end(void);

#endif
