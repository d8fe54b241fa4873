/* rulesfile.h - rules files and -r rules: read a file, split it into
 * lines, follow its include lines, and give each rule to the policy with
 * its origin (FILE:LINE, -r N).  Every error about a rule, or a line of
 * a file, is worded here, in one format:
 *   bad rule in FILE, line L, column C: WHAT
 *   bad rule in -r number N, column C: WHAT
 *
 * A rules file holds one rule a line; '#' starts a comment, blank lines
 * are ignored, and a line
 *   include PATTERN
 * (the pattern may be quoted like a rule's value) puts the rules of the
 * files PATTERN names there: a pattern with '*', '?' or '[' is expanded
 * like glob(3) does (sorted; one that matches nothing, or whose directory
 * does not exist, adds nothing); a plain path must name a file.  A
 * relative pattern is relative to the directory of the file it is in.
 * Includes nest at most RULES_INCLUDE_DEPTH deep; a file that includes
 * itself, directly or not, is an error. */
#ifndef SYMTRACE_RULESFILE_H
#define SYMTRACE_RULESFILE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "policy.h"

#define RULES_INCLUDE_DEPTH 8
#define RULES_FILE_MAX (16u << 20) /* bytes in one file */

struct rules_error {
	char msg[2 * PATH_MAX + 512]; /* without "symtrace: " */
};

/* Add the rules of the file at path (named so in origins and messages)
 * and of the files it includes.  0; or -1 with err->msg filled, and no
 * rule of this call kept. */
int rules_load_file(struct policy *p, const char *path,
		    struct rules_error *err);

/* Add rule text, the nth -r option.  0, or -1 with err->msg filled. */
int rules_add_arg(struct policy *p, const char *text, int n,
		  struct rules_error *err);

/* What a set of rules was read from, for watching it (control.c): each
 * file opened (or tried: one that failed is where a fix will come), by
 * the name it was read by, and each directory an include pattern
 * searched, with the pattern's last component. */
struct rules_seen {
	struct rules_seen_file {
		char *path;
		bool regular; /* opened and found a regular file */
		bool found;   /* it was there: st is its fstat (opened) or
		               * stat(2) (not) */
		struct stat st;
	} *files;
	size_t nfiles;
	struct rules_seen_glob {
		char *dir;     /* the pattern's directory part */
		char *pattern; /* its last component, for fnmatch(3) */
		bool found;    /* dir was there: st is its stat(2) */
		struct stat st;
	} *globs;
	size_t nglobs;
};

void rules_seen_free(struct rules_seen *s);

/* Has anything seen changed since it was read: a file replaced, written
 * (size, mtime, ctime), gone or come, a searched directory's entries
 * (its mtime, ctime)?  For the time between reading the rules and
 * watching them. */
bool rules_seen_changed(const struct rules_seen *s);

/* rules_load_file(), and what was read recorded in seen (appended, also
 * on failure: up to the error). */
int rules_load_file_seen(struct policy *p, const char *path,
			 struct rules_seen *seen, struct rules_error *err);

/* The rules of a command line in their order (-r texts and --rules
 * files; --deny last), kept to read them again on a reload: -r rules are
 * kept as given, files are read again. */
struct rules_sources {
	struct rules_source {
		char *arg; /* the rule text or the file's name */
		int n;     /* -r: its number; 0: a file */
	} *v;
	size_t n;
	int nargs;      /* -r rules so far */
	int deny_errno; /* --deny: its errno; 0 without */
};

/* Record a -r rule (file false) or a --rules file, and add its rules to p
 * (seen: as rules_load_file_seen(); may be NULL).  0, or -1 with err
 * filled. */
int rules_sources_add(struct rules_sources *s, struct policy *p,
		      const char *arg, bool file, struct rules_seen *seen,
		      struct rules_error *err);
/* Read every source again into p (new and empty), in order, then the
 * --deny rule.  0, or -1 with err filled. */
int rules_sources_load(const struct rules_sources *s, struct policy *p,
		       struct rules_seen *seen, struct rules_error *err);
void rules_sources_free(struct rules_sources *s);

#endif
