/* tracee.c - the table of traced tasks: a chained hash table by tid that
 * doubles when its load passes 1. */
#include "tracee.h"

#include <stdlib.h>

#include "util.h"

static struct tracee **buckets;
static size_t nbuckets, count;
static unsigned long seen;

static size_t slot(pid_t tid, size_t n)
{
	return ((size_t)tid * 2654435761u) & (n - 1);
}

static void rehash(size_t n)
{
	struct tracee **nb = xcalloc(n, sizeof(*nb));

	for (size_t i = 0; i < nbuckets; i++) {
		struct tracee *t = buckets[i], *next;

		for (; t; t = next) {
			next = t->next;
			t->next = nb[slot(t->tid, n)];
			nb[slot(t->tid, n)] = t;
		}
	}
	free(buckets);
	buckets = nb;
	nbuckets = n;
}

struct tracee *tracee_find(pid_t tid)
{
	struct tracee *t;

	if (!nbuckets)
		return NULL;
	for (t = buckets[slot(tid, nbuckets)]; t; t = t->next)
		if (t->tid == tid)
			return t;
	return NULL;
}

struct tracee *tracee_get(pid_t tid, bool *created)
{
	struct tracee *t = tracee_find(tid);

	*created = false;
	if (t)
		return t;
	if (!nbuckets)
		rehash(64);
	else if (count >= nbuckets)
		rehash(nbuckets * 2);
	t = xcalloc(1, sizeof(*t));
	t->tid = tid;
	t->cache.own_root = -1;
	t->next = buckets[slot(tid, nbuckets)];
	buckets[slot(tid, nbuckets)] = t;
	count++;
	seen++;
	*created = true;
	return t;
}

void tracee_del(struct tracee *t)
{
	struct tracee **pp = &buckets[slot(t->tid, nbuckets)];

	for (; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			count--;
			free(t->cache.creds);
			free(t);
			return;
		}
	}
}

size_t tracee_count(void)
{
	return count;
}

unsigned long tracee_seen(void)
{
	return seen;
}

void tracee_foreach(void (*fn)(struct tracee *t, void *arg), void *arg)
{
	for (size_t i = 0; i < nbuckets; i++) {
		struct tracee *t = buckets[i], *next;

		for (; t; t = next) {
			next = t->next;
			fn(t, arg);
		}
	}
}
