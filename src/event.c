/* event.c - freeing the members of an event. */
#include "event.h"

#include <stdlib.h>

/* Free the string and return the tstr to its "not read" state, so a second
 * tstr_free (or a later format_*) sees TSTR_UNSET, not a dangling buf. */
void tstr_free(struct tstr *s)
{
	free(s->buf);
	*s = (struct tstr){.status = TSTR_UNSET, .buf = NULL};
}

/* Free what the event owns and reset those members; the rest (numbers,
 * comm, verdict) is left as it was.  Safe to call twice. */
void event_free(struct event *ev)
{
	free(ev->pin_dir);
	ev->pin_dir = NULL;
	free(ev->pin_last);
	ev->pin_last = NULL;
	free(ev->exe);
	ev->exe = NULL;
	free(ev->dir);
	ev->dir = NULL;
	free(ev->path);
	ev->path = NULL;
	free(ev->target_resolved);
	ev->target_resolved = NULL;
	free(ev->disk_target);
	ev->disk_target = NULL;
	tstr_free(&ev->target);
	tstr_free(&ev->linkpath);
	tstr_free(&ev->target_exit);
	tstr_free(&ev->linkpath_exit);
}
