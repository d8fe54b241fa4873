/* names.c - the password and group databases, for the rules. */
#include "names.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"
#include "util.h"

/* getpwnam() and friends return NULL both for "no such entry" and for a
 * failed lookup; errno tells them apart, but "not found" may come as 0,
 * ENOENT, ESRCH, EBADF or EPERM (getpwnam(3)). */
static int lookup_errno(int e)
{
	if (e == 0 || e == ENOENT || e == ESRCH || e == EBADF || e == EPERM)
		return -ENOENT;
	return -e;
}

/* The reentrant lookups: user= and group= names are looked up while
 * rules are parsed, which after the start happens in the control thread
 * (control.c: a reload) while the main thread may look a home up with
 * getpwuid() (names_home(), main thread only).  getpwnam()'s static
 * result must not be shared between them. */
#define LOOKUP_BUF_MAX (1u << 20)

static int user_id(const char *name, uid_t *id, void *ctx)
{
	struct passwd pwd, *pw = NULL;
	size_t size = 1024;
	char *buf = NULL;
	int e;

	(void)ctx;
	do {
		size *= 2;
		buf = xrealloc(buf, size);
		e = getpwnam_r(name, &pwd, buf, size, &pw);
	} while (e == ERANGE && size < LOOKUP_BUF_MAX);
	free(buf);
	if (!pw)
		return lookup_errno(e);
	*id = pwd.pw_uid;
	return 0;
}

static int group_id(const char *name, gid_t *id, void *ctx)
{
	struct group grp, *gr = NULL;
	size_t size = 1024;
	char *buf = NULL;
	int e;

	(void)ctx;
	do {
		size *= 2;
		buf = xrealloc(buf, size);
		e = getgrnam_r(name, &grp, buf, size, &gr);
	} while (e == ERANGE && size < LOOKUP_BUF_MAX);
	free(buf);
	if (!gr)
		return lookup_errno(e);
	*id = grp.gr_gid;
	return 0;
}

static const char *home_of(uid_t uid, void *ctx)
{
	(void)ctx;
	return names_home(uid);
}

const struct policy_names names_system = {
	.user = user_id,
	.group = group_id,
	.home = home_of,
	.ctx = NULL,
};

int names_user_arg(const char *arg, uid_t *uid)
{
	long long v;

	if (parse_ll(arg, 0, 4294967294LL, &v) == 0) {
		*uid = (uid_t)v;
		return 0;
	}
	return user_id(arg, uid, NULL);
}

/* ---- homes, by uid: an open-addressing table ------------------------ */

/* Beyond this many uids the table starts again empty: a process that
 * runs as root can call with any uid. */
#define HOMES_MAX 65536

struct home_entry {
	uid_t uid;
	bool used;
	char *home; /* NULL: none */
};

static struct home_entry *homes;
static size_t nhomes, caphomes; /* caphomes: 0 or a power of 2 */

static size_t slot(uid_t uid, size_t cap)
{
	return (size_t)(((uint32_t)uid * 2654435761u) & (cap - 1));
}

static void homes_grow(void)
{
	size_t cap = caphomes ? 2 * caphomes : 64;
	struct home_entry *t = xcalloc(cap, sizeof(*t));

	for (size_t i = 0; i < caphomes; i++) {
		size_t j;

		if (!homes[i].used)
			continue;
		for (j = slot(homes[i].uid, cap); t[j].used;
		     j = (j + 1) & (cap - 1))
			;
		t[j] = homes[i];
	}
	free(homes);
	homes = t;
	caphomes = cap;
}

void names_forget(void)
{
	for (size_t i = 0; i < caphomes; i++)
		free(homes[i].home);
	free(homes);
	homes = NULL;
	nhomes = caphomes = 0;
}

/* uid's home (see names_home()), malloc'd or NULL; *failed when the
 * lookup failed rather than found nothing. */
static char *lookup_home(uid_t uid, bool *failed)
{
	struct passwd *pw;
	char *h;

	errno = 0;
	pw = getpwuid(uid);
	*failed = !pw && lookup_errno(errno) != -ENOENT;
	if (!pw || !pw->pw_dir || pw->pw_dir[0] != '/')
		return NULL;
	h = path_resolve_lexical(NULL, pw->pw_dir);
	if (h && strcmp(h, "/") == 0) {
		free(h);
		h = NULL;
	}
	return h;
}

const char *names_home(uid_t uid)
{
	size_t i;
	bool failed;
	char *h;

	if (nhomes >= HOMES_MAX)
		names_forget();
	if (2 * (nhomes + 1) > caphomes)
		homes_grow();
	for (i = slot(uid, caphomes); homes[i].used;
	     i = (i + 1) & (caphomes - 1))
		if (homes[i].uid == uid)
			return homes[i].home;
	h = lookup_home(uid, &failed);
	if (failed)
		return NULL; /* not kept: the next call tries again */
	homes[i] = (struct home_entry){.uid = uid, .used = true, .home = h};
	nhomes++;
	return h;
}
