/* redteam17.c - attacks on the operational features of issue 17, for
 * tests/redteam17.sh.  Exit status 0; 2 on a setup error.
 *
 *   chain DIR
 *       a process that makes itself a child subreaper
 *       (PR_SET_CHILD_SUBREAPER) and starts a chain below it: each link
 *       forks the next and exits at once, so that the one live link
 *       keeps changing and each new one is re-parented to this process.
 *       Prints "ready PID" (this process, the one to attach to).  Once
 *       the file DIR/go exists, the live link makes the symlink
 *       DIR/chain -> /etc/passwd and writes "symlink = 0 tracer=T" or
 *       "symlink = -1 ERRNO tracer=T" to DIR/result (T: its TracerPid),
 *       and the chain ends; the subreaper then exits 0.  The chain stops
 *       by itself after 20 s, or once the subreaper is gone (result
 *       "timeout"), and after 2000 links ("too many links").  chain DIR
 *       N: N (at most 20) such chains (DIR/chainK, DIR/resultK); the
 *       subreaper waits for the last one's result.  Not run by a test
 *       (tests/attach-chain.sh runs a bounded version, forkchain.c, of
 *       this --tree race, closed since); by hand: symtrace -r 'deny
 *       target=/etc/ **' -p PID, wait for the tree notice, touch DIR/go,
 *       count "tracer=0".
 *   fakesym SOCKDIR REPLY
 *       renames itself "symtrace" (comm), listens on SOCKDIR/PID.sock and
 *       answers every connection with the bytes of REPLY (C escapes
 *       \n \e \xHH taken), 30 s at most.  Prints "ready PID".
 *   tracer NAME
 *       forks a child that asks to be traced (PTRACE_TRACEME) and stops;
 *       names itself NAME (escapes as above; 15 bytes at most) and
 *       prints "ready CHILD"; kills the child and exits after 30 s or at
 *       SIGTERM.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "errword.h"

static int tracer(void)
{
	char buf[4096], *p;
	int fd = open("/proc/self/status", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strstr(buf, "TracerPid:");
	return p ? atoi(p + 10) : -1;
}

static void put(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd >= 0) {
		(void)!write(fd, s, strlen(s));
		close(fd);
	}
}

static int chain(const char *dir, int nchains)
{
	char go[4096], res[4096], link[4096];
	pid_t top = getpid();
	time_t end = time(NULL) + 20;
	int links = 0;

	snprintf(go, sizeof(go), "%s/go", dir);
	snprintf(res, sizeof(res), "%s/result", dir);
	snprintf(link, sizeof(link), "%s/chain", dir);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		perror("PR_SET_CHILD_SUBREAPER");
		return 2;
	}
	printf("ready %d\n", (int)top);
	fflush(stdout);
	if (nchains < 1 || nchains > 20)
		nchains = 20;
	for (int k = 0; k < nchains; k++) {
		if (fork() != 0)
			continue;
		snprintf(res, sizeof(res), "%s/result%d", dir, k);
		snprintf(link, sizeof(link), "%s/chain%d", dir, k);
		/* The chain: fork the next link, exit. */
		for (;;) {
			if (access(go, F_OK) == 0) {
				char out[128];
				int r = symlink("/etc/passwd", link);

				snprintf(out, sizeof(out),
					 "symlink = %d%s%s tracer=%d\n", r,
					 r ? " " : "",
					 r ? errword(errno) : "",
					 tracer());
				put(res, out);
				_exit(0);
			}
			/* The subreaper gone (the test ended): stop. */
			if (time(NULL) > end || kill(top, 0) < 0 ||
			    getppid() == 1) {
				put(res, "timeout\n");
				_exit(0);
			}
			/* Bounded: while the subreaper is stopped (being
			 * attached) the links it cannot reap pile up. */
			if (++links > 2000) {
				put(res, "too many links\n");
				_exit(0);
			}
			pid_t c = fork();

			if (c < 0) {
				put(res, "fork failed\n");
				_exit(0);
			}
			if (c > 0)
				_exit(0);
		}
	}
	snprintf(res, sizeof(res), "%s/result%d", dir, nchains - 1);
	/* The subreaper reaps the links until the result is there. */
	for (;;) {
		if (waitpid(-1, NULL, 0) < 0 && errno == ECHILD)
			break;
		if (access(res, F_OK) == 0) {
			while (waitpid(-1, NULL, WNOHANG) > 0)
				;
			if (access(res, F_OK) == 0)
				break;
		}
	}
	return 0;
}

static size_t unescape(const char *s, char *out, size_t n)
{
	size_t k = 0;

	while (*s && k < n) {
		if (s[0] == '\\' && s[1] == 'n') {
			out[k++] = '\n';
			s += 2;
		} else if (s[0] == '\\' && s[1] == 'e') {
			out[k++] = 0x1b;
			s += 2;
		} else if (s[0] == '\\' && s[1] == 'x' && s[2] && s[3]) {
			char h[3] = { s[2], s[3], 0 };

			out[k++] = (char)strtol(h, NULL, 16);
			s += 4;
		} else {
			out[k++] = *s++;
		}
	}
	return k;
}

static int fakesym(const char *dir, const char *reply)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	char buf[4096];
	size_t n = unescape(reply, buf, sizeof(buf));
	time_t end = time(NULL) + 30;
	int fd;

	prctl(PR_SET_NAME, "symtrace");
	snprintf(a.sun_path, sizeof(a.sun_path), "%s/%d.sock", dir,
		 (int)getpid());
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(fd, 4) < 0) {
		perror(a.sun_path);
		return 2;
	}
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	while (time(NULL) < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int c;

		if (poll(&p, 1, 1000) <= 0)
			continue;
		c = accept(fd, NULL, NULL);
		if (c < 0)
			continue;
		(void)!write(c, buf, n);
		close(c);
	}
	unlink(a.sun_path);
	return 0;
}

static void on_term(int sig)
{
	(void)sig;
}

static int tracer_mode(const char *name)
{
	char nm[64];
	size_t n = unescape(name, nm, sizeof(nm) - 1);
	pid_t c = fork();

	if (c < 0)
		return 2;
	if (c == 0) {
		if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
			_exit(2);
		raise(SIGSTOP);
		pause();
		_exit(0);
	}
	waitpid(c, NULL, WUNTRACED); /* stopped: traced by us */
	signal(SIGTERM, on_term);   /* sleep() ends, the child is killed */
	nm[n] = '\0';
	prctl(PR_SET_NAME, nm);
	printf("ready %d\n", (int)c);
	fflush(stdout);
	sleep(30);
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);
	return 0;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc == 3 && strcmp(argv[1], "chain") == 0)
		return chain(argv[2], 1);
	if (argc == 4 && strcmp(argv[1], "chain") == 0)
		return chain(argv[2], atoi(argv[3]));
	if (argc == 4 && strcmp(argv[1], "fakesym") == 0)
		return fakesym(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "tracer") == 0)
		return tracer_mode(argv[2]);
	fprintf(stderr, "usage: redteam17 chain DIR | fakesym SOCKDIR REPLY | "
			"tracer NAME\n");
	return 2;
}
