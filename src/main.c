/* main.c - options -> struct config; the only place that exits. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errnoname.h"
#include "journal.h"
#include "names.h"
#include "policy.h"
#include "rulesfile.h"
#include "supervisor.h"
#include "util.h"

/* Freed at exit on every path (main's return, die(), usage errors). */
static struct policy *policy;

static void free_policy(void)
{
	policy_free(policy);
	policy = NULL;
}

static void usage(FILE *f)
{
	fprintf(f,
"Usage: %s [OPTIONS] [--] COMMAND [ARG...]\n"
"       %s [OPTIONS] -p PID[,PID...] [-p PID...]\n"
"Run COMMAND and report every symlink(2)/symlinkat(2) call made by it and\n"
"by every process and thread it starts; optionally deny them by rules.\n"
"\n"
"Output:\n"
"  -o, --output=FILE     write the report to FILE (default: stderr);\n"
"                        FILE renamed or removed is opened again\n"
"  -A, --append          append to FILE instead of truncating it\n"
"  -j, --json            one JSON object per line instead of text\n"
"      --format=FMT      strace (text, the default), json (as -j) or kv\n"
"                        (one line of key=value fields per call)\n"
"  -t                    prefix lines with the time of day; -tt adds\n"
"                        microseconds, -ttt prints seconds since the epoch\n"
"  -v, --verbose         also print '+++ exited with N +++' lines (with\n"
"                        --json: exit, attach and detach notices)\n"
"      --syslog          also send each call to syslog (authpriv), as a\n"
"                        kv line\n"
"      --journal         also send each call to the systemd journal\n"
"                        (native protocol, SYMTRACE_* fields); chosen\n"
"                        instead of stderr when stderr is the journal\n"
"                        ($JOURNAL_STREAM) and no -o, -j or --format\n"
"      --no-journal      do not choose the journal by itself\n"
"  -c, --summary         print only a table of counts at the end\n"
"  -C, --summary-also    print the calls and the table of counts\n"
"\n"
"Rules (first match wins; a call no rule matches is allowed):\n"
"  -r, --rule=RULE       add a rule: ACTION [KEY=VALUE...], see symtrace(1)\n"
"      --rules=FILE      add the rules in FILE, one a line; a line\n"
"                        'include PATTERN' adds those of the files PATTERN\n"
"                        names (sorted; relative to FILE's directory)\n"
"      --deny[=ERRNO]    add a final rule denying every other call\n"
"                        (default errno EPERM)\n"
"      --check-rules     print the rules as understood, one a line after\n"
"                        its origin (FILE:LINE, -r N, --deny), and exit:\n"
"                        0, or 125 at the first bad rule; runs nothing\n"
"      --as-user=USER    with --check-rules: show '~' as USER's home\n"
"                        (a name or a uid)\n"
"  ACTION: allow, deny, deny:ERRNO, kill, audit\n"
"  KEY=VALUE: target=GLOB link=GLOB exe=GLOB comm=GLOB (a path GLOB may\n"
"    start with ~/, the caller's home); uid= ruid= gid=RANGE (N, N-M,\n"
"    N-, -M); user=NAME (euid) group=NAME (egid or a supplementary\n"
"    group); when=N, N+ or N+S (only the Nth matching call, the Nth on,\n"
"    or the Nth and every Sth after it)\n"
"\n"
"Tracing:\n"
"  -p, --attach=PID      attach to the running process PID (all its\n"
"                        threads) instead of running a COMMAND; repeat or\n"
"                        give a comma list; detach with SIGINT/SIGTERM\n"
"  -q, --quiet           no 'attached'/'detached' notices\n"
"      --no-seccomp      stop at every syscall instead of using the\n"
"                        seccomp-bpf prefilter (slower; same report)\n"
"      --no-syscall-info do not use PTRACE_GET_SYSCALL_INFO (use the\n"
"                        register fallback, for testing)\n"
"\n"
"  -h, --help            show this help and exit\n"
"  -V, --version         show the version and exit\n"
"\n"
"Exit status: COMMAND's exit status, or 128+N if it was killed by signal\n"
"N; 125 if symtrace itself failed (bad option or rule, cannot trace),\n"
"126 if COMMAND cannot be executed, 127 if it was not found.  With -p:\n"
"0 after detaching (SIGINT, SIGTERM, SIGHUP) or when every traced\n"
"process has exited; 125 if no process could be attached.\n",
		progname, progname);
}

enum {
	OPT_RULES = 256,
	OPT_DENY,
	OPT_CHECK_RULES,
	OPT_AS_USER,
	OPT_NO_SECCOMP,
	OPT_NO_SYSCALL_INFO,
	OPT_SYSLOG,
	OPT_FORMAT,
	OPT_JOURNAL,
	OPT_NO_JOURNAL,
};

static const struct option long_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "attach", required_argument, NULL, 'p' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "append", no_argument, NULL, 'A' },
	{ "json", no_argument, NULL, 'j' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "summary", no_argument, NULL, 'c' },
	{ "summary-also", no_argument, NULL, 'C' },
	{ "rule", required_argument, NULL, 'r' },
	{ "rules", required_argument, NULL, OPT_RULES },
	{ "deny", optional_argument, NULL, OPT_DENY },
	{ "check-rules", no_argument, NULL, OPT_CHECK_RULES },
	{ "as-user", required_argument, NULL, OPT_AS_USER },
	{ "no-seccomp", no_argument, NULL, OPT_NO_SECCOMP },
	{ "syslog", no_argument, NULL, OPT_SYSLOG },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "journal", no_argument, NULL, OPT_JOURNAL },
	{ "no-journal", no_argument, NULL, OPT_NO_JOURNAL },
	{ "no-syscall-info", no_argument, NULL, OPT_NO_SYSCALL_INFO },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", progname);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry '%s --help' for more information.\n",
		progname);
	exit(EXIT_SYMTRACE_FAILURE);
}

static int parse_errno_arg(const char *s)
{
	long long v;
	int e = errno_parse(s);

	if (e > 0)
		return e;
	if (parse_ll(s, 1, 4095, &v) == 0)
		return (int)v;
	usage_error("--deny: unknown errno '%s' (a name like EACCES or a "
		    "number from 1 to 4095)", s);
	return 0;
}

/* --check-rules: every rule as understood, after its origin, on stdout;
 * '~' as the home of as_user when it is not NULL. */
static int check_rules(const struct policy *p, const char *as_user)
{
	struct sbuf sb = SBUF_INIT;
	const char *home = NULL;
	int ret = 0;

	if (as_user) {
		uid_t uid;
		int e = names_user_arg(as_user, &uid);

		if (e == -ENOENT)
			usage_error("--as-user: unknown user '%s'", as_user);
		if (e < 0) {
			errno = -e;
			die_errno(EXIT_SYMTRACE_FAILURE,
				  "--as-user: cannot look up '%s'", as_user);
		}
		home = names_home(uid);
		if (!home && policy_needs_home(p))
			warn("--as-user: %s (uid %u) has no home directory "
			     "('~' rules cannot match it; deny and kill rules "
			     "match, failing closed)",
			     as_user, (unsigned)uid);
	}
	for (size_t i = 1; i <= policy_count(p); i++) {
		sbuf_addf(&sb, "%s: ", policy_rule_origin(p, (int)i));
		policy_format_rule(p, (int)i, home, &sb);
		sbuf_addc(&sb, '\n');
	}
	if (sb.len && fwrite(sb.buf, 1, sb.len, stdout) != sb.len)
		ret = -1;
	if (fflush(stdout) != 0)
		ret = -1;
	sbuf_free(&sb);
	if (ret < 0)
		die_errno(EXIT_SYMTRACE_FAILURE, "cannot write the rules");
	return 0;
}

/* --journal (want 1): the journal as well as the output, or symtrace
 * fails (125) if it cannot be reached.  Neither --journal nor
 * --no-journal (want 0), and may (no -o, -j or --format): under systemd,
 * when stderr is the service's journal stream, the records go to the
 * journal natively instead of stderr (as systemd's native protocol
 * document suggests for programs logging to stderr) - if it can be
 * reached; else stderr, with a warning. */
static void choose_journal(struct config *cfg, int want, bool may)
{
	struct journal j;
	int r;

	if (want < 0 || (want == 0 && !(may &&
					 journal_stream_is(STDERR_FILENO))))
		return;
	r = journal_open(&j);
	if (r < 0) {
		errno = -r;
		if (want > 0)
			die_errno(EXIT_SYMTRACE_FAILURE,
				  "--journal: cannot send to %s",
				  JOURNAL_SOCKET);
		warn_errno("stderr is the journal, but records cannot be sent "
			   "to %s: they go to stderr", JOURNAL_SOCKET);
		return;
	}
	cfg->journal = true;
	cfg->journal_only = want == 0;
	cfg->journal_fd = j.fd;
}

/* -p 1,2,3 (repeatable). */
static void add_pids(struct config *cfg, const char *arg)
{
	_cleanup_free_ char *copy = xstrdup(arg);
	char *save = NULL, *tok;

	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		long long v;

		if (parse_ll(tok, 1, INT_MAX, &v) < 0)
			usage_error("-p: '%s' is not a process id", tok);
		cfg->pids = xrealloc(cfg->pids,
				     (cfg->npids + 1) * sizeof(*cfg->pids));
		cfg->pids[cfg->npids++] = (pid_t)v;
	}
	if (!cfg->npids)
		usage_error("-p: '%s' names no process id", arg);
}

int main(int argc, char **argv)
{
	struct config cfg = { .out_fd = STDERR_FILENO };
	struct policy *pol;
	const char *outfile = NULL, *as_user = NULL;
	bool append = false, check = false, format_given = false;
	int journal = 0; /* --journal 1, --no-journal -1 */
	int deny_errno = 0, nrules = 0, opt, status;

	pol = policy = policy_new();
	atexit(free_policy);
	atexit(names_forget);
	policy_set_names(pol, &names_system);
	output_set_policy(pol);

	while ((opt = getopt_long(argc, argv, "+o:AjtvcCqp:r:hV", long_options,
				  NULL)) != -1) {
		struct rules_error err;

		switch (opt) {
		case 'o':
			outfile = optarg;
			break;
		case 'A':
			append = true;
			break;
		case 'p':
			add_pids(&cfg, optarg);
			break;
		case 'q':
			cfg.quiet = true;
			break;
		case 'j':
			cfg.json = true;
			cfg.kv = false;
			format_given = true;
			break;
		case OPT_FORMAT:
			format_given = true;
			cfg.json = strcmp(optarg, "json") == 0;
			cfg.kv = strcmp(optarg, "kv") == 0;
			if (!cfg.json && !cfg.kv && strcmp(optarg, "strace"))
				usage_error("--format: unknown format '%s' "
					    "(strace, json or kv)", optarg);
			break;
		case OPT_JOURNAL:
			journal = 1;
			break;
		case OPT_NO_JOURNAL:
			journal = -1;
			break;
		case 't':
			if (cfg.oo.ts < TS_EPOCH)
				cfg.oo.ts++;
			break;
		case 'v':
			cfg.verbose++;
			break;
		case 'c':
			cfg.summary = 1;
			break;
		case 'C':
			cfg.summary = 2;
			break;
		case 'r':
			if (rules_add_arg(pol, optarg, ++nrules, &err) < 0)
				die(EXIT_SYMTRACE_FAILURE, "%s", err.msg);
			break;
		case OPT_RULES:
			if (rules_load_file(pol, optarg, &err) < 0)
				die(EXIT_SYMTRACE_FAILURE, "%s", err.msg);
			break;
		case OPT_DENY:
			deny_errno = optarg ? parse_errno_arg(optarg) : EPERM;
			break;
		case OPT_CHECK_RULES:
			check = true;
			break;
		case OPT_AS_USER:
			as_user = optarg;
			break;
		case OPT_NO_SECCOMP:
			cfg.no_seccomp = true;
			break;
		case OPT_SYSLOG:
			cfg.syslog = true;
			break;
		case OPT_NO_SYSCALL_INFO:
			cfg.no_syscall_info = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
			return 0;
		default:
			fprintf(stderr, "Try '%s --help' for more "
				"information.\n", progname);
			return EXIT_SYMTRACE_FAILURE;
		}
	}
	if (as_user && !check)
		usage_error("%s--as-user needs --check-rules", "");
	if (check) {
		/* Nothing is traced: a COMMAND or -p given is not used. */
		if (deny_errno)
			policy_add_deny_all(pol, deny_errno);
		free(cfg.pids);
		return check_rules(pol, as_user);
	}
	if (append && !outfile)
		usage_error("%s-A needs -o FILE", "");
	if (cfg.npids && optind < argc)
		usage_error("%s-p PID and a COMMAND cannot be combined", "");
	if (!cfg.npids && optind >= argc)
		usage_error("%sno COMMAND and no -p PID given", "");
	if (!cfg.npids)
		cfg.argv = argv + optind;
	if (deny_errno)
		policy_add_deny_all(pol, deny_errno);
	cfg.policy = pol;

	if (outfile) {
		int flags = O_WRONLY | O_CREAT | O_CLOEXEC |
			    (append ? O_APPEND : O_TRUNC);

		cfg.out_fd = open(outfile, flags, 0644);
		if (cfg.out_fd < 0)
			die_errno(EXIT_SYMTRACE_FAILURE,
				  "cannot open output file '%s'", outfile);
		cfg.out_path = outfile;
		cfg.out_append = append;
	}
	choose_journal(&cfg, journal, !outfile && !format_given);
	status = supervise(&cfg);
	free(cfg.pids);
	return status;
}
