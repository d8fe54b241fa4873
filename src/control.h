/* control.h - the rules in force and their replacement while symtrace
 * runs: the control thread watches the rules files (inotify) and serves
 * the control socket (--status, --reload); the wait loop takes the rules
 * it publishes, once per call.  Also the client side of --status and
 * --reload.
 *
 * The control socket: /run/symtrace/PID.sock when symtrace runs as root
 * (the directory root-owned, mode 0700), $XDG_RUNTIME_DIR/symtrace/PID.sock
 * otherwise; none without $XDG_RUNTIME_DIR.  Only its own euid and root
 * may connect (SO_PEERCRED is checked on every connection too).  The
 * protocol: one request line, "status\n" or "reload\n" (at most
 * CONTROL_REQUEST_MAX bytes, within CONTROL_TIMEOUT_MS), answered with
 * text lines, the first "ok..." or "error: WHY", and the connection is
 * closed.
 *   reload -> "ok N\n" (N rules in force now) | "error: WHY\n"
 *   status -> "ok\n" then the lines --status prints after its first. */
#ifndef SYMTRACE_CONTROL_H
#define SYMTRACE_CONTROL_H

#include <stdbool.h>
#include <sys/types.h>

#include "policy.h"
#include "rulesfile.h"
#include "session.h"

#define CONTROL_REQUEST_MAX 64
#define CONTROL_TIMEOUT_MS 2000

/* Exit statuses of --status and --reload. */
#define CONTROL_EXIT_OK 0
#define CONTROL_EXIT_NO 1 /* not guarded, cannot be asked, reload failed */

/* ---- the rules in force (main thread) ---- */

/* The first rules (main.c, before anything else): owned from now on,
 * freed by control_end(). */
void rules_init(struct policy *p);

/* The rules to judge the next call with: one acquire load; when the
 * control thread has published new rules since, they are taken, the
 * previous ones freed, and *changed set.  Main thread only (the wait
 * loop): it is the only reader. */
struct policy *rules_now(bool *changed);

/* ---- the control thread ---- */

/* Where the rules came from and what was read (main.c): taken over
 * (*src and *seen are emptied). */
void control_setup(struct rules_sources *src, struct rules_seen *seen);

/* Start the control thread for the session (its mode decides which
 * rules a reload may bring): watch the files read, make the control
 * socket.  What cannot be done is warned about; symtrace runs on. */
void control_start(const struct session *s);

/* Stop the control thread (joined), remove the socket, free the rules.
 * For atexit(). */
void control_end(void);

/* DIR/PID.SUFFIX in the directory of this symtrace's control socket
 * (made if missing, checked: euid's own, mode 0700), for a socket of
 * symtrace's own (the sd_notify relay's: "notify").  0, or -1 with why
 * filled. */
int control_runtime_path(char *buf, size_t n, const char *suffix, char *why,
			 size_t whyn);

/* ---- the client ---- */

/* --status PID (reload false) or --reload PID: ask the symtrace that
 * traces PID (or PID, when it is one), print the answer on stdout, or a
 * reason on stderr.  CONTROL_EXIT_OK or CONTROL_EXIT_NO. */
int control_client(pid_t pid, bool reload);

#endif
