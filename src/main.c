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

#include "control.h"
#include "errnoname.h"
#include "kfeatures.h"
#include "journal.h"
#include "names.h"
#include "notify.h"
#include "policy.h"
#include "rulesfile.h"
#include "supervisor.h"
#include "util.h"

static void usage(FILE *f)
{
	fprintf(f,
"Usage: %s [OPTIONS] [--] COMMAND [ARG...]\n"
"       %s [OPTIONS] -p PID[,PID...] [-p PID...]\n"
"       %s --status=PID | --reload=PID\n"
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
"                        kv line (paths cut at 1024 bytes: truncated=yes)\n"
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
"      --tree            with -p: also attach to every process already\n"
"                        running below each PID (default when a rule\n"
"                        can deny); --no-tree: only PID's own threads\n"
"      --prefilter       with -p: install symtrace's seccomp prefilter in\n"
"                        each attached process, so that only the calls\n"
"                        symtrace judges stop (default when a rule can\n"
"                        deny); it cannot be removed: after a detach\n"
"                        those calls fail with ENOSYS until the process\n"
"                        restarts.  --no-prefilter: every call stops\n"
"      --fail=closed|open  if symtrace dies: closed kills every traced\n"
"                        process (default when a rule can deny), open\n"
"                        lets them run on unguarded (default otherwise;\n"
"                        in deny mode the only way on a kernel that can\n"
"                        be neither: no PTRACE_O_EXITKILL, before 3.8,\n"
"                        and no seccomp filter, see --features)\n"
"      --exit-with-command  when COMMAND ends, kill what is left of its\n"
"                        tree and exit at once (default: wait for every\n"
"                        traced process to end)\n"
"  -q, --quiet           no notices (attached, detached, killed)\n"
"      --no-seccomp      stop at every syscall instead of using the\n"
"                        seccomp-bpf prefilter (slower; same report)\n"
"      --no-syscall-info do not use PTRACE_GET_SYSCALL_INFO (use the\n"
"                        register fallback, for testing)\n"
"      --features        print what this kernel offers and what symtrace\n"
"                        does without each feature, and exit\n"
"      --no-notify       leave $NOTIFY_SOCKET to COMMAND unchanged; by\n"
"                        default, under systemd, symtrace passes on the\n"
"                        service state (READY=1...) that COMMAND's main\n"
"                        process sends, never MAINPID= (see DEPLOYMENT)\n"
"\n"
"Monitoring (PID: a symtrace, or a process it traces):\n"
"      --status=PID      print which symtrace traces PID, its mode, rules\n"
"                        files, number of rules and last reload; exit 0,\n"
"                        or 1 if PID is not traced by a symtrace that\n"
"                        answers (the reason on stderr)\n"
"      --reload=PID      make that symtrace read its rules files again\n"
"                        now; exit 0, or 1 (not traced, or the new rules\n"
"                        have an error: the old ones stay in force)\n"
"  Rules files (--rules, their includes, the directories include\n"
"  patterns search) are also read again when they change.\n"
"\n"
"  -h, --help            show this help and exit\n"
"  -V, --version         show the version and exit\n"
"\n"
"Exit status: COMMAND's exit status, or 128+N if it was killed by signal\n"
"N; 125 if symtrace itself failed (bad option or rule, cannot trace),\n"
"126 if COMMAND cannot be executed, 127 if it was not found.  With -p:\n"
"0 after detaching (SIGINT, SIGTERM, SIGHUP) or when every traced\n"
"process has exited, 1 instead if a PID or a descendant (--tree)\n"
"could not be attached; 125 if no process could be attached.\n"
"--status and --reload: 0, 1 as above, 125 for a bad option.\n",
		progname, progname, progname);
}

enum {
	OPT_RULES = 256,
	OPT_DENY,
	OPT_CHECK_RULES,
	OPT_AS_USER,
	OPT_NO_SECCOMP,
	OPT_NO_SYSCALL_INFO,
	OPT_SYSLOG,
	OPT_STATUS,
	OPT_RELOAD,
	OPT_FEATURES,
	OPT_TREE,
	OPT_NO_TREE,
	OPT_PREFILTER,
	OPT_NO_PREFILTER,
	OPT_FAIL,
	OPT_EXIT_WITH_COMMAND,
	OPT_FORMAT,
	OPT_JOURNAL,
	OPT_NO_JOURNAL,
	OPT_NO_NOTIFY,
};

static const struct option long_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "attach", required_argument, NULL, 'p' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "tree", no_argument, NULL, OPT_TREE },
	{ "no-tree", no_argument, NULL, OPT_NO_TREE },
	{ "prefilter", no_argument, NULL, OPT_PREFILTER },
	{ "no-prefilter", no_argument, NULL, OPT_NO_PREFILTER },
	{ "fail", required_argument, NULL, OPT_FAIL },
	{ "exit-with-command", no_argument, NULL, OPT_EXIT_WITH_COMMAND },
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
	{ "status", required_argument, NULL, OPT_STATUS },
	{ "reload", required_argument, NULL, OPT_RELOAD },
	{ "features", no_argument, NULL, OPT_FEATURES },
	{ "no-notify", no_argument, NULL, OPT_NO_NOTIFY },
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
	struct config cfg = { .out_fd = STDERR_FILENO, .tree = -1,
			     .prefilter = -1 };
	struct policy *pol;
	struct rules_sources src = { NULL, 0, 0, 0 };
	struct rules_seen seen = { NULL, 0, NULL, 0 };
	const char *outfile = NULL, *as_user = NULL;
	bool append = false, check = false, reload = false, notify = true;
	bool format_given = false;
	int journal = 0; /* --journal 1, --no-journal -1 */
	pid_t ask = 0;
	int deny_errno = 0, opt, status;

	pol = policy_new();
	/* From here on freed at exit on every path (main's return, die(),
	 * usage errors), with the control thread stopped first. */
	rules_init(pol);
	atexit(names_forget);
	atexit(notify_end); /* after control_end: its thread reads the relay */
	atexit(control_end);
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
		case OPT_TREE:
		case OPT_NO_TREE:
			cfg.tree = opt == OPT_TREE;
			break;
		case OPT_PREFILTER:
		case OPT_NO_PREFILTER:
			cfg.prefilter = opt == OPT_PREFILTER;
			break;
		case OPT_FAIL:
			if (strcmp(optarg, "closed") == 0)
				cfg.fail = FAIL_CLOSED;
			else if (strcmp(optarg, "open") == 0)
				cfg.fail = FAIL_OPEN;
			else
				usage_error("--fail: '%s' is neither 'closed' "
					    "nor 'open'", optarg);
			break;
		case OPT_EXIT_WITH_COMMAND:
			cfg.exit_with_command = true;
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
			if (rules_sources_add(&src, pol, optarg, false, NULL,
					      &err) < 0)
				die(EXIT_SYMTRACE_FAILURE, "%s", err.msg);
			break;
		case OPT_RULES:
			if (rules_sources_add(&src, pol, optarg, true, &seen,
					      &err) < 0)
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
		case OPT_NO_NOTIFY:
			notify = false;
			break;
		case OPT_STATUS:
		case OPT_RELOAD: {
			long long v;

			if (parse_ll(optarg, 1, INT_MAX, &v) < 0)
				usage_error("--status/--reload: '%s' is not a "
					    "process id", optarg);
			if (ask)
				usage_error("%sgive one --status or --reload",
					    "");
			ask = (pid_t)v;
			reload = opt == OPT_RELOAD;
			break;
		}
		case OPT_FEATURES:
			/* Nothing is traced: a COMMAND given is not used. */
			features_print_table(stdout, features_get());
			free(cfg.pids);
			return fflush(stdout) == 0 ? 0 : EXIT_SYMTRACE_FAILURE;
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
	if (ask) {
		/* Asks another symtrace; runs nothing. */
		if (check || cfg.npids || optind < argc)
			usage_error("%s--status and --reload take no COMMAND, "
				    "-p or --check-rules",
				    "");
		rules_sources_free(&src);
		rules_seen_free(&seen);
		return control_client(ask, reload);
	}
	if (as_user && !check)
		usage_error("%s--as-user needs --check-rules", "");
	if (check) {
		/* Nothing is traced: a COMMAND or -p given is not used. */
		if (deny_errno)
			policy_add_deny_all(pol, deny_errno);
		free(cfg.pids);
		rules_sources_free(&src);
		rules_seen_free(&seen);
		return check_rules(pol, as_user);
	}
	if (append && !outfile)
		usage_error("%s-A needs -o FILE", "");
	if (cfg.npids && optind < argc)
		usage_error("%s-p PID and a COMMAND cannot be combined", "");
	if (!cfg.npids && optind >= argc)
		usage_error("%sno COMMAND and no -p PID given", "");
	if (cfg.npids && cfg.exit_with_command)
		usage_error("%s--exit-with-command needs a COMMAND, not -p",
			    "");
	if (!cfg.npids && cfg.tree >= 0)
		usage_error("%s--tree and --no-tree need -p PID", "");
	if (!cfg.npids && cfg.prefilter >= 0)
		usage_error("%s--prefilter and --no-prefilter need -p PID",
			    "");
	if (!cfg.npids)
		cfg.argv = argv + optind;
	if (deny_errno)
		policy_add_deny_all(pol, deny_errno);
	cfg.policy = pol;
	src.deny_errno = deny_errno;
	control_setup(&src, &seen);

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
	/* Run mode under systemd (Type=notify): the command's sd_notify
	 * messages go through symtrace (notify.h), by default, since a
	 * drop-in wants it: from the command they would be refused
	 * (NotifyAccess=main: symtrace is the main process).  Without the
	 * relay the unit would never be ready, so it is not run without. */
	if (cfg.argv && notify && getenv("NOTIFY_SOCKET")) {
		char why[PATH_MAX + 128], path[PATH_MAX];

		if (control_runtime_path(path, sizeof(path), "notify", why,
					 sizeof(why)) < 0 ||
		    notify_start(getenv("NOTIFY_SOCKET"), path, why,
				 sizeof(why)) < 0)
			die(EXIT_SYMTRACE_FAILURE,
			    "cannot relay the command's sd_notify messages: "
			    "%s (--no-notify leaves NOTIFY_SOCKET to the "
			    "command unchanged)",
			    why);
	}
	status = supervise(&cfg);
	free(cfg.pids);
	return status;
}
