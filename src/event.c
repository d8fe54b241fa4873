/* event.c - freeing the members of an event. */
#include "event.h"

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

bool event_pin(struct event *ev, int fd)
{
	static unsigned max;
	struct rlimit rl;

	if (!max) {
		max = 64;
		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur / 4 < max)
			max = (unsigned)(rl.rlim_cur / 4);
	}
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
