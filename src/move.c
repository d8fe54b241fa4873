/* move.c - deny mode: rename/link, delegated (only with link= or target=
 * rules; move.h).
 *
 * A rename or hard link can move a symlink (or a directory holding some)
 * to where the rules forbid it.  While link= rules exist every such call
 * is made by symtrace, like a symlink call: both ends pinned, every
 * symlink the call moves judged at its new place, then renameat2/linkat
 * relative to the pinned fds with the caller's credentials.  The traced
 * tree's symlink-making and moving calls all pass through here one at a
 * time, so the symlinks judged are the ones moved. */
#include "move.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "delegate.h"
#include "inspect.h"
#include "path.h"
#include "resolve.h"
#include "tmem.h"
#include "util.h"


#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

struct move {
	int olddfd, newdfd;
	uint64_t old, new_;
	uint64_t flags;
};

static void move_args(enum sysc sc, const uint64_t *a, struct move *m)
{
	memset(m, 0, sizeof(*m));
	if (sc == SC_RENAME || sc == SC_LINK) {
		m->olddfd = m->newdfd = AT_FDCWD;
		m->old = a[0];
		m->new_ = a[1];
	} else {
		m->olddfd = (int)(int32_t)a[0];
		m->old = a[1];
		m->newdfd = (int)(int32_t)a[2];
		m->new_ = a[3];
		m->flags = sc == SC_RENAMEAT ? 0 : (uint32_t)a[4];
	}
}

/* What a move's judgment needs besides the event: the entries the move
 * carries, seen as moved (resolve_move). */
struct move_view {
	struct policy *policy;
	/* The steps the targets' walks may still take, all together: one
	 * rename, judged in symtrace's one thread, must not stall the
	 * other traced calls for long (MOVE_TARGET_STEPS). */
	unsigned long *budget;
	struct resolve_move moves[2];
	char *names[4]; /* their names, without trailing slashes */
	size_t nmoves;
};

/* The verdict for a symlink with these contents landing at dest, in the
 * directory dirfd (real path dir, the new place) - its target resolved
 * lexically and through the filesystem with the move seen as done. */
static struct verdict judge_at(const struct event *ev,
			       const struct move_view *mv,
			       const char *contents, const char *dest,
			       int dirfd, const char *dir)
{
	_cleanup_free_ char *resolved = path_resolve_target(dest, contents);
	_cleanup_free_ char *physical = NULL;
	struct policy_input in = caller_input(mv->policy, ev);
	const char *unjudged;

	/* (As physical_target(), from symtrace's root.) */
	resolve_target(resolve_own_root(), "/", dirfd, dir, contents,
		       mv->moves, mv->nmoves, mv->budget, &physical, &unjudged);
	in.target = contents;
	in.target_resolved = resolved;
	in.target_physical = physical;
	in.target_unjudged = unjudged != NULL;
	in.link = dest;
	return policy_match(mv->policy, &in);
}

/* The contents of the symlink name in dirfd (malloc'd), or NULL when it
 * is none. */
static char *symlink_at(int dirfd, const char *name)
{
	char buf[PATH_MAX + 1];
	struct stat sb;
	ssize_t n;

	if (fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !S_ISLNK(sb.st_mode))
		return NULL;
	n = readlinkat(dirfd, name, buf, sizeof(buf) - 1);
	if (n < 0)
		return NULL;
	return xstrndup(buf, (size_t)n);
}

/* Does last (a last component as given, maybe with trailing slashes)
 * name an entry a rename or link could move: not "", ".", ".." or
 * slashes only? */
static bool names_entry(const char *last)
{
	size_t n = strlen(last);

	while (n > 0 && last[n - 1] == '/')
		n--;
	return !(n == 0 || (n == 1 && last[0] == '.') ||
		 (n == 2 && last[0] == '.' && last[1] == '.'));
}

/* A directory moved by rename carries its symlinks along: each is judged
 * at the place it will have below dest.  The walk goes by descriptors
 * (openat O_NOFOLLOW from the pinned directory: nothing on the way can
 * redirect it), with the caller's credentials, and is bounded: a larger
 * or deeper tree, or one the caller cannot read, is refused (fail
 * closed: what cannot be walked cannot be judged). */
#define TREE_LIMIT 100000
#define TREE_DEPTH 256
/* The steps of all the moved symlinks' target walks together (about a
 * microsecond each): ten components for each of TREE_LIMIT links. */
#define MOVE_TARGET_STEPS 1000000UL

struct tree_walk {
	const struct event *ev;
	const struct move_view *mv;
	unsigned long n;
	struct verdict v;  /* the first blocking verdict, else the first */
	bool found;        /* a symlink was seen */
	bool failed;       /* could not be walked whole */
};

/* A moved symlink's verdict: w keeps the first blocking one, else the
 * first. */
static void note_verdict(struct tree_walk *w, struct verdict v)
{
	if (!w->found || blocks(v.action))
		w->v = v;
	w->found = true;
}

static void judge_tree(struct tree_walk *w, int dirfd, const char *name,
		       const char *dest, int depth)
{
	struct dirent *e;
	DIR *d;
	int fd;

	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					 O_CLOEXEC);
	if (fd < 0 || depth > TREE_DEPTH || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		w->failed = true;
		return;
	}
	while (!w->failed && !blocks(w->v.action) && (errno = 0, e = readdir(d))) {
		_cleanup_free_ char *sub = NULL, *contents = NULL;
		struct stat sb;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (++w->n > TREE_LIMIT ||
		    fstatat(fd, e->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0) {
			w->failed = true;
			break;
		}
		sub = path_join(dest, e->d_name);
		if (S_ISDIR(sb.st_mode)) {
			judge_tree(w, fd, e->d_name, sub, depth + 1);
		} else if (S_ISLNK(sb.st_mode) &&
			   (contents = symlink_at(fd, e->d_name))) {
			note_verdict(w, judge_at(w->ev, w->mv, contents, sub,
						 fd, dest));
			if (!*w->mv->budget)
				w->failed = true; /* too much work */
		}
	}
	if (!e && errno)
		w->failed = true;
	closedir(d);
}

/* Judge what a move of from (in fromfd) to dest (in todirfd, real path
 * todir) carries: the entry itself if it is a symlink, else (rename)
 * every symlink below it. */
static void judge_carried(struct tree_walk *w, int fromfd, const char *from,
			  const char *dest, int todirfd, const char *todir,
			  bool whole_tree)
{
	_cleanup_free_ char *name = xstrdup(from);
	_cleanup_free_ char *contents = NULL;
	size_t n = strlen(name);
	struct stat sb;

	while (n > 1 && name[n - 1] == '/')
		name[--n] = '\0';
	if (fstatat(fromfd, name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
		return; /* the call fails by itself */
	if (S_ISLNK(sb.st_mode) && (contents = symlink_at(fromfd, name))) {
		note_verdict(w, judge_at(w->ev, w->mv, contents, dest,
					 todirfd, todir));
	} else if (S_ISDIR(sb.st_mode) && whole_tree) {
		judge_tree(w, fromfd, name, dest, 0);
	}
}

/* Let mv see the move of from to to as done: the targets of the
 * symlinks it carries are walked as they will be followed after it - to
 * holds what from held (a ".." out of a moved directory leads to its new
 * parent, a path through the new name enters it or follows the moved
 * symlink), and after a rename from is empty unless the other half of a
 * RENAME_EXCHANGE fills it. */
static void see_moved(struct move_view *mv, const struct resolved *from,
		      const struct resolved *to, bool rename)
{
	struct resolve_move *m = &mv->moves[mv->nmoves];
	struct stat sb;
	int fd;

	fd = openat(from->dirfd, from->last, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return; /* the call fails by itself */
	if (fstat(fd, &sb) < 0) {
		close(fd);
		return;
	}
	*m = (struct resolve_move){
		.fd = fd,
		.dev = sb.st_dev,
		.ino = sb.st_ino,
		.to_fd = to->dirfd,
		.to_path = to->dir,
		.to_dev = to->dev,
		.to_ino = to->ino,
		.from_dev = from->dev,
		.from_ino = from->ino,
		.from_gone = rename,
	};
	m->to_name = mv->names[2 * mv->nmoves] = path_join("", to->last);
	m->from_name = mv->names[2 * mv->nmoves + 1] =
		path_join("", from->last);
	mv->nmoves++;
}

void delegate_move(struct judge *j, struct tracee *t,
		   const struct syscall_state *st, enum sysc sc)
{
	struct event *ev = new_event(t, st, sc);
	struct resolve_base bs = RESOLVE_BASE_INIT, bd = RESOLVE_BASE_INIT;
	struct resolved rs = RESOLVED_INIT, rd = RESOLVED_INIT;
	struct delegate_creds c = { false };
	unsigned long budget = MOVE_TARGET_STEPS;
	struct move_view mv = { j->policy, &budget, { { 0 } },
				{ NULL }, 0 };
	struct tree_walk w = { ev, &mv, 0, { ACT_NONE, 0, 0 }, false, false };
	bool is_rename = sc == SC_RENAME || sc == SC_RENAMEAT ||
			 sc == SC_RENAMEAT2;
	bool exchange;
	const struct proc_info *pi;
	const char *why = NULL;
	_cleanup_free_ char *src = NULL;
	struct move m;
	int64_t ret;
	int res = 0;

	move_args(sc, st->args, &m);
	exchange = sc == SC_RENAMEAT2 && (m.flags & RENAME_EXCHANGE);
	tmem_read_path(t->tid, m.old, &ev->target);
	tmem_read_path(t->tid, m.new_, &ev->linkpath);
	ev->has_dirfd = sc != SC_RENAME && sc != SC_LINK;
	ev->dirfd = m.newdfd;
	ev->move_flags = (unsigned)m.flags;
	/* Reported only when a symlink is involved (or it is refused). */
	ev->silent = true;
	if (!(pi = delegation_start(j, t, st, ev, &why)))
		return;
	if (sc == SC_LINKAT && (m.flags & AT_EMPTY_PATH) && !ev->target.len) {
		/* linkat(fd, "", ...): the source is a descriptor, not a
		 * path we can walk for the caller. */
		delegation_finish(j, t, ev, refuse(ev, REFUSE_FD_LINK));
		return;
	}
	if (!why)
		res = resolve_open_base_hint(t->tid, m.olddfd,
					     ev->target.buf[0] == '/',
					     root_hint(j, t), &bs, &why);
	if (!why && res == 0)
		res = resolve_open_base_hint(t->tid, m.newdfd,
					     ev->linkpath.buf[0] == '/',
					     root_hint(j, t), &bd, &why);
	ev->dir = report_dir(t->tid, m.newdfd, &bd);
	if (!caller_still_there(j, t, st, ev, why)) {
		resolve_close_base(&bs);
		resolve_close_base(&bd);
		return;
	}
	if (!why && res == 0 && delegate_enter(pi, &c, &why) == 0) {
		res = resolve_parent(&bs, ev->target.buf, &rs, &why);
		if (!why && res == 0)
			res = resolve_parent(&bd, ev->linkpath.buf, &rd, &why);
	}
	if (!why && res == 0) {
		src = path_join(rs.dir, rs.last);
		ev->path = path_join(rd.dir, rd.last);
		if (sc == SC_LINKAT && (m.flags & AT_SYMLINK_FOLLOW)) {
			/* Following the source's last symlink would happen
			 * in our context; without one, FOLLOW changes
			 * nothing and the link is made without it. */
			_cleanup_free_ char *l = symlink_at(rs.dirfd, rs.last);

			if (l)
				why = REFUSE_FOLLOW;
			m.flags &= ~(uint64_t)AT_SYMLINK_FOLLOW;
		} else if (!names_entry(rs.last) || !names_entry(rd.last)) {
			/* ".", ".." or "/" at either end: the kernel moves
			 * nothing (EBUSY, EEXIST, ...); nothing to judge. */
		} else {
			see_moved(&mv, &rs, &rd, is_rename);
			if (exchange)
				see_moved(&mv, &rd, &rs, true);
			judge_carried(&w, rs.dirfd, rs.last, ev->path,
				      rd.dirfd, rd.dir, is_rename);
			if (exchange)
				judge_carried(&w, rd.dirfd, rd.last, src,
					      rs.dirfd, rs.dir, true);
			if (w.failed)
				why = REFUSE_TREE;
		}
	}
	if (why) {
		ret = refuse(ev, why); /* fail closed */
		goto done;
	}
	if (w.found) {
		ev->silent = false;
		set_verdict(ev, mv.policy, w.v);
		ev->disk_target = symlink_at(rs.dirfd, rs.last);
		if (ev->disk_target)
			ev->target_resolved =
				path_resolve_target(ev->path, ev->disk_target);
	}
	if (may_act(ev, res, &ret))
		ret = (!is_rename ? linkat(rs.dirfd, rs.last, rd.dirfd,
					   rd.last, (int)m.flags)
		       : !m.flags ? renameat(rs.dirfd, rs.last, rd.dirfd,
					     rd.last)
				  : syscall(SYS_renameat2, rs.dirfd, rs.last,
					    rd.dirfd, rd.last,
					    (unsigned)m.flags)) == 0
			      ? 0
			      : -(int64_t)errno;
done:
	for (size_t i = 0; i < mv.nmoves; i++) {
		close(mv.moves[i].fd);
		free(mv.names[2 * i]);
		free(mv.names[2 * i + 1]);
	}
	delegate_leave(&c);
	resolved_free(&rs);
	resolved_free(&rd);
	resolve_close_base(&bs);
	resolve_close_base(&bd);
	delegation_finish(j, t, ev, ret);
}
