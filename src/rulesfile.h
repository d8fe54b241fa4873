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

#endif
