/* names.h - the password and group databases, for the rules: the ids of
 * user= and group= names (getpwnam(3), getgrnam(3)) and the home
 * directory a '~' glob stands for (getpwuid(3)), cached per uid. */
#ifndef SYMTRACE_NAMES_H
#define SYMTRACE_NAMES_H

#include <sys/types.h>

#include "policy.h"

/* The lookups to give policy_set_names() (home: names_home()). */
extern const struct policy_names names_system;

/* (Main thread only: the cache is not locked.  The parse of a reload,
 * in the control thread, uses only the reentrant name lookups.)
 * The home directory of uid in the password database, lexically
 * normal, as policy_input.home wants it; NULL when uid has no entry, or
 * its home is empty, relative or "/".  Looked up once per uid (a lookup
 * that failed, rather than found nothing, is tried again next time) and
 * kept until names_forget(). */
const char *names_home(uid_t uid);

/* Forget the homes looked up (the databases changed). */
void names_forget(void);

/* A user given as a NAME or a number (--as-user): 0 with *uid set,
 * -ENOENT for an unknown name, another -errno when the lookup failed. */
int names_user_arg(const char *arg, uid_t *uid);

#endif
