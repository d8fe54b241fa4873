/* path.h - path strings: lexical resolution, dirname, split, join;
 * pure (no file system). */
#ifndef SYMTRACE_PATH_H
#define SYMTRACE_PATH_H

/* Resolve path lexically: if relative, against base (absolute); collapse
 * "//", ".", ".." (".." at "/" stays "/"); no trailing '/' except for "/".
 * Returns a malloc'd string; NULL if path is relative and base is NULL. */
char *path_resolve_lexical(const char *base, const char *path);

/* A symlink's target resolved lexically against the directory of link
 * (an absolute link path): what target= rules match.  malloc'd. */
char *path_resolve_target(const char *link, const char *target);

/* The directory part of an absolute path ("/a/b" -> "/a", "/a" -> "/"),
 * malloc'd. */
char *path_dirname(const char *path);

/* dir joined with last, last's trailing slashes left out (malloc'd);
 * dir "" gives last alone. */
char *path_join(const char *dir, const char *last);

/* Split path into its directory part (malloc'd; "" when none) and a
 * pointer to its last component with trailing slashes (into path).  A
 * path of slashes only is all last component. */
char *path_split(const char *path, const char **last);

#endif
