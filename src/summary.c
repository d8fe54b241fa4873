/* summary.c - per-syscall, per-ABI counts for -c. */
#include "summary.h"

#include <string.h>

void summary_add(struct summary *s, const struct event *ev)
{
	struct summary_row *r;

	if ((unsigned)ev->sc >= SC_COUNT || (unsigned)ev->abi > ABI_COUNT)
		return;
	r = &s->rows[ev->sc][ev->abi];
	r->calls++;
	switch (ev->action) {
	case ACT_DENY:
		r->denied++;
		break;
	case ACT_KILL:
		r->killed++;
		break;
	case ACT_AUDIT:
		r->audited++;
		/* fall through */
	case ACT_NONE:
	case ACT_ALLOW:
	default:
		if (ev->finished && ev->ret < 0)
			r->errors++;
		break;
	}
	if (ev->tags & TAG_TOCTOU)
		r->toctou++;
}

#define FOREACH_ROW(s, sc, abi, r)                                      \
	for (int sc = 0; sc < SC_COUNT; sc++)                           \
		for (int abi = 0; abi <= ABI_COUNT; abi++)              \
			if (((r) = &(s)->rows[sc][abi])->calls)

void summary_format_text(struct sbuf *sb, const struct summary *s)
{
	const struct summary_row *r;
	struct summary_row tot;

	memset(&tot, 0, sizeof(tot));
	sbuf_addf(sb, "%-14s %-7s %9s %9s %9s %9s %9s %9s %9s\n", "syscall",
		  "abi", "calls", "allowed", "errors", "denied", "killed",
		  "audited", "toctou");
	FOREACH_ROW(s, sc, abi, r) {
		sbuf_addf(sb, "%-14s %-7s %9lu %9lu %9lu %9lu %9lu %9lu %9lu\n",
			  sysc_name((enum sysc)sc), abi_name((enum abi)abi),
			  r->calls, r->calls - r->denied - r->killed,
			  r->errors, r->denied, r->killed, r->audited,
			  r->toctou);
		tot.calls += r->calls;
		tot.errors += r->errors;
		tot.denied += r->denied;
		tot.killed += r->killed;
		tot.audited += r->audited;
		tot.toctou += r->toctou;
	}
	sbuf_addf(sb, "%-14s %-7s %9lu %9lu %9lu %9lu %9lu %9lu %9lu\n",
		  "total", "", tot.calls, tot.calls - tot.denied - tot.killed,
		  tot.errors, tot.denied, tot.killed, tot.audited, tot.toctou);
	sbuf_addf(sb, "processes: %lu, threads: %lu\n", s->processes,
		  s->threads);
}

void summary_format_json(struct sbuf *sb, const struct summary *s)
{
	const struct summary_row *r;
	bool first = true;

	sbuf_adds(sb, "{\"event\":\"summary\",\"syscalls\":[");
	FOREACH_ROW(s, sc, abi, r) {
		sbuf_addf(sb,
			  "%s{\"syscall\":\"%s\",\"abi\":\"%s\",\"calls\":%lu,"
			  "\"allowed\":%lu,\"errors\":%lu,\"denied\":%lu,"
			  "\"killed\":%lu,\"audited\":%lu,\"toctou\":%lu}",
			  first ? "" : ",", sysc_name((enum sysc)sc),
			  abi_name((enum abi)abi), r->calls,
			  r->calls - r->denied - r->killed, r->errors,
			  r->denied, r->killed, r->audited, r->toctou);
		first = false;
	}
	sbuf_addf(sb, "],\"processes\":%lu,\"threads\":%lu}\n", s->processes,
		  s->threads);
}
