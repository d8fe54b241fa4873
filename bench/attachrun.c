/*
 * attachrun: run a workload under "symtrace -p" (attach mode), from the
 * workload's first instruction on, for comparison with run mode.
 *
 * usage: attachrun [--filter] SYMTRACE [OPTION...] -- CMD [ARG...]
 *
 * Forks CMD's process, which waits on a pipe before its exec; starts
 * "SYMTRACE OPTION... -p PID"; waits until PID is traced by it (with
 * --filter: and until its /proc status says "Seccomp: 2", the prefilter
 * injected); then lets the process exec CMD and waits for CMD and for
 * symtrace, which exits when its last tracee has.  Exits with CMD's
 * status (125 on a failure of its own).  Run under timeit, the wall time
 * covers symtrace's start, the attach and the injection, as "timeit
 * symtrace -- CMD" covers symtrace's start in run mode.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The value of "KEY:" in /proc/PID/status, or -1. */
static long
status_field(pid_t pid, const char *key)
{
	char path[64], line[256];
	size_t n = strlen(key);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "r")))
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, n) == 0 && line[n] == ':') {
			v = atol(line + n + 1);
			break;
		}
	fclose(f);
	return v;
}

int
main(int argc, char **argv)
{
	int filter = 0, go[2], i, st, sst;
	char pidarg[32], **sargv;
	pid_t child, sym;
	long polls = 0;

	if (argc > 1 && strcmp(argv[1], "--filter") == 0) {
		filter = 1;
		argv++;
		argc--;
	}
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		;
	if (argc < 2 || i >= argc - 1) {
		fprintf(stderr, "usage: attachrun [--filter] SYMTRACE "
			"[OPTION...] -- CMD [ARG...]\n");
		return 125;
	}
	if (pipe(go) < 0) {
		perror("attachrun: pipe");
		return 125;
	}
	child = fork();
	if (child == 0) {
		char c;

		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(125);
		close(go[0]);
		execvp(argv[i + 1], argv + i + 1);
		perror(argv[i + 1]);
		_exit(127);
	}
	close(go[0]);
	snprintf(pidarg, sizeof(pidarg), "%d", (int)child);
	sargv = calloc((size_t)i + 3, sizeof(*sargv));
	for (int k = 1; k < i; k++)
		sargv[k - 1] = argv[k];
	sargv[i - 1] = "-p";
	sargv[i] = pidarg;
	sym = fork();
	if (sym == 0) {
		execv(sargv[0], sargv);
		perror(sargv[0]);
		_exit(125);
	}
	/* Attached (and filtered): 50 us polls, 10 s at most. */
	while (status_field(child, "TracerPid") != sym ||
	       (filter && status_field(child, "Seccomp") != 2)) {
		if (++polls > 200000 || waitpid(sym, &sst, WNOHANG) == sym) {
			fprintf(stderr, "attachrun: %d not %s by %d\n",
				(int)child, filter ? "filtered" : "attached",
				(int)sym);
			kill(child, SIGKILL);
			kill(sym, SIGKILL);
			return 125;
		}
		nanosleep(&(struct timespec){ 0, 50000 }, NULL);
	}
	if (write(go[1], "x", 1) != 1) {
		perror("attachrun: write");
		return 125;
	}
	close(go[1]);
	if (waitpid(child, &st, 0) != child || waitpid(sym, &sst, 0) != sym) {
		perror("attachrun: waitpid");
		return 125;
	}
	if (!WIFEXITED(sst) || WEXITSTATUS(sst) != 0)
		fprintf(stderr, "attachrun: symtrace: status %d\n", sst);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
