/* event.c - freeing the members of an event. */
#include "event.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

/* Free the string and return the tstr to its "not read" state, so a second
 * tstr_free (or a later format_*) sees TSTR_UNSET, not a dangling buf. */
void tstr_free(struct tstr *s)
{
	free(s->buf);
	*s = (struct tstr){.status = TSTR_UNSET, .buf = NULL};
}

/* Free what the event owns and reset those members; the rest (numbers,
 * comm, verdict) is left as it was.  Safe to call twice. */
static unsigned pins_held;

/* How many link directories may be held open between a call's entry and
 * its exit: at most 64, and under a low RLIMIT_NOFILE only what leaves
 * room for the descriptors symtrace opens later or for a moment (its own
 * root, /proc files, a walk's two directories, the maps slots: 8), counted
 * against what is open at the first call (the output file and its
 * directory, the control socket, whatever symtrace inherited).  A call
 * whose directory is not held is verified by its real path instead. */
static unsigned pin_max(void)
{
	struct rlimit rl;
	long open_fds = 0, room;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= 1024)
		return 64;
	for (int fd = 0; fd < (int)rl.rlim_cur; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			open_fds++;
	room = ((long)rl.rlim_cur - open_fds - 8) / 2;
	return room < 0 ? 0 : room > 64 ? 64 : (unsigned)room;
}

bool event_pin(struct event *ev, int fd)
{
	static unsigned max = ~0u;

	if (max == ~0u)
		max = pin_max();
	if (ev->pin_held || pins_held >= max)
		return false;
	ev->pin_fd = fd;
	ev->pin_held = true;
	pins_held++;
	return true;
}

void event_unpin(struct event *ev)
{
	if (!ev->pin_held)
		return;
	close(ev->pin_fd);
	ev->pin_held = false;
	pins_held--;
}

void event_free(struct event *ev)
{
	event_unpin(ev);
	free(ev->pin_dir);
	ev->pin_dir = NULL;
	free(ev->pin_last);
	ev->pin_last = NULL;
	free(ev->exe);
	ev->exe = NULL;
	free(ev->groups);
	ev->groups = NULL;
	ev->ngroups = 0;
	free(ev->dir);
	ev->dir = NULL;
	free(ev->path);
	ev->path = NULL;
	free(ev->target_resolved);
	ev->target_resolved = NULL;
	free(ev->target_physical);
	ev->target_physical = NULL;
	free(ev->disk_target);
	ev->disk_target = NULL;
	free(ev->rule_at);
	ev->rule_at = NULL;
	tstr_free(&ev->target);
	tstr_free(&ev->linkpath);
	tstr_free(&ev->target_exit);
	tstr_free(&ev->linkpath_exit);
}
