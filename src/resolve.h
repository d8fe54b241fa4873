/* resolve.h - walk a caller's link path to a pinned directory.
 *
 * Deny mode acts on a tracee's behalf (delegate.c): the directory a link
 * lands in is found once, as the kernel would find it for the caller, and
 * held open (O_PATH) so that nothing done afterwards - judging its real
 * path, creating the link - can be redirected by a rename or a rewritten
 * string.  The walk must run with the caller's credentials (delegate.c
 * takes them around it), so it can traverse nothing the caller could not.
 * Nothing here knows ptrace. */
#ifndef SYMTRACE_RESOLVE_H
#define SYMTRACE_RESOLVE_H

#include <stdbool.h>
#include <sys/types.h>

/* Why a path cannot be judged (deny mode refuses it); printed in the
 * report as "<refused: WHY>". */
#define REFUSE_MAGIC "magic link"
#define REFUSE_TOO_LONG "path too long"
#define REFUSE_CHROOT "chroot"
#define REFUSE_GONE "caller gone"
#define REFUSE_MOUNTNS "another mount namespace"

/* The caller's starting points, opened from /proc/TID/{cwd,fd/N,root} by
 * resolve_open_base() (with symtrace's credentials: they are the caller's
 * own directories, not paths it chose). */
struct resolve_base {
	int rootfd;    /* the caller's root */
	bool own_root; /* ... which is symtrace's: rootfd is borrowed */
	int basefd;    /* its cwd or dirfd (relative paths), else -1 */
	bool chrooted; /* rootfd is not symtrace's root */
	char *rel;     /* chrooted, relative path: where basefd lies below
	                * the root ("" = the root itself); NULL otherwise */
	char *path;    /* basefd's path as the kernel gives it (for the
	                * report), or NULL */
};

/* Open the starting points of a call of task tid with a path relative to
 * dirfd (-100 = the cwd).  absolute: the path starts with '/' (dirfd is
 * then not used, as in the kernel).  Returns 0, or -errno as the kernel
 * would fail the call (EBADF: dirfd not open; ENOTDIR: not a directory),
 * or 1 with *why set when the context cannot be reproduced. */
int resolve_open_base(pid_t tid, int dirfd, bool absolute,
		      struct resolve_base *b, const char **why);
/* The same; *own_root: 1 when the caller's root is known to be
 * symtrace's (then /proc/TID/root is not opened), else -1, set to what
 * was found (0 or 1). */
int resolve_open_base_hint(pid_t tid, int dirfd, bool absolute,
			   signed char *own_root, struct resolve_base *b,
			   const char **why);
void resolve_close_base(struct resolve_base *b);
/* Forget what is kept about task tid (its pidfd), or about all (0): at
 * its exec or its end. */
void resolve_forget(pid_t tid);
#define RESOLVE_BASE_INIT { -1, false, -1, false, NULL, NULL }

/* The parent directory of path's last component, pinned. */
struct resolved {
	int dirfd;        /* O_PATH directory, -1 unless found */
	char *dir;        /* its real absolute path (malloc'd), or NULL */
	dev_t dev;        /* its identity */
	ino_t ino;
	const char *last; /* into path: the last component as given, with
	                   * any trailing slashes ("" for an empty path) */
};

/* Walk the directory part of path from b, the way the kernel walks it for
 * the caller: symlinks followed (absolute ones from the caller's root),
 * ".." stopping at the caller's root.  Returns 0 with r filled; -errno
 * for the error the kernel would give the call (ENOENT, ENOTDIR, EACCES,
 * ELOOP, ENAMETOOLONG); 1 with *why set when the walk crosses a magic
 * link or any symlink of /proc (it would be resolved in symtrace's
 * context, not the caller's), ends in /proc, ends on a mount that is not
 * in symtrace's mount namespace (its path would name another place
 * here), or the directory has no absolute path within PATH_MAX. */
int resolve_parent(const struct resolve_base *b, const char *path,
		   struct resolved *r, const char **why);
void resolved_free(struct resolved *r);
#define RESOLVED_INIT { -1, NULL, 0, 0, "" }

/* Why a target's resolution cannot be judged (resolve_target()). */
#define UNJUDGED_MAGIC "magic link on the target's way"
#define UNJUDGED_SEARCH "target's way not searchable"
#define UNJUDGED_LOOP "too many symlinks on the target's way"
#define UNJUDGED_WALK "target's way cannot be walked"
#define UNJUDGED_LONG "target's way too long"

/* The components a target's walk may take, symlinks' contents included
 * (each a step of the walk or of the part that does not exist). */
#define RESOLVE_TARGET_STEPS 8192

/* An entry a rename or link is about to move, for resolve_target() to
 * see the move as done: the name to_name in the directory to_fd (real
 * path to_path) holds it; if it is a directory, ".." from it leads to
 * to_fd; after a rename (from_gone) its old name from_name is empty -
 * unless another move fills it (RENAME_EXCHANGE: two moves). */
struct resolve_move {
	int fd;                /* the entry (O_PATH | O_NOFOLLOW) */
	dev_t dev;
	ino_t ino;
	int to_fd;             /* where it goes */
	const char *to_path;
	dev_t to_dev;
	ino_t to_ino;
	const char *to_name;
	dev_t from_dev;        /* where it leaves */
	ino_t from_ino;
	const char *from_name;
	bool from_gone;
};

/* Where a symlink with contents target, placed in the directory startfd
 * (real path startpath), leads when it is followed: the target walked
 * through the filesystem as it is now, as the kernel will walk it for
 * whoever follows the link - symlinks followed (absolute ones from rootfd,
 * whose real path is rootpath), ".." taken from where a symlink led and
 * stopping at the root - with moves[] seen as done.  A component that
 * does not exist (or is a file where a directory is needed) is taken as
 * a directory to be: "missing/.." comes back and the walk goes on through
 * the filesystem.  rootfd is symtrace's root (resolve_own_root()), for
 * every caller: a link made in a chroot is followed from outside it too.
 * Must run with the caller's credentials: it reads nothing the caller
 * could not.  Returns 0 with *out (malloc'd, absolute), or 1 with *why
 * (UNJUDGED_*) when the resolution cannot be judged: a symlink of /proc
 * on the way (resolved by whoever follows it, in its own context), a
 * directory the caller cannot search (what lies behind is unknown), more
 * than 40 symlinks, more than RESOLVE_TARGET_STEPS components (a bound
 * on the work of symtrace's one thread).  (The paths it gives may be
 * longer than PATH_MAX: they are strings for the rules, bounded by 41
 * symlinks of PATH_MAX each.)  budget, if not NULL, bounds the steps of
 * several walks together (a rename's): each walk takes what it uses
 * from it, and one that finds it spent is unjudged (UNJUDGED_LONG). */
int resolve_target(int rootfd, const char *rootpath, int startfd,
		   const char *startpath, const char *target,
		   const struct resolve_move *moves, size_t nmoves,
		   unsigned long *budget, char **out, const char **why);

/* symtrace's own root (O_PATH, opened once, not to be closed), or -1. */
int resolve_own_root(void);

/* Open (O_PATH) the directory at the real absolute path dir, following
 * no symlink on the way (a real path has none; one found there now was
 * put there since): an fd, or -1. */
int resolve_open_real(const char *dir);

/* The mount id of fd as name_to_handle_at() gives it (Linux 2.6.39; the
 * fallback where /proc/PID/fdinfo has no mnt_id, before 3.15), or -1
 * where the file system makes no file handles. */
long long resolve_handle_mount_id(int fd);

#endif
