/* summary.h - per-syscall, per-ABI counts for -c; pure. */
#ifndef SYMTRACE_SUMMARY_H
#define SYMTRACE_SUMMARY_H

#include "arch.h"
#include "event.h"
#include "util.h"

struct summary_row {
	unsigned long calls;   /* reported calls */
	unsigned long errors;  /* failed in the kernel (denials excluded) */
	unsigned long denied;
	unsigned long killed;
	unsigned long audited;
	unsigned long toctou;
};

struct summary {
	struct summary_row rows[SC_COUNT][ABI_COUNT + 1];
	unsigned long processes, threads;
};

void summary_add(struct summary *s, const struct event *ev);
/* A table like strace -c; rows in syscall, then ABI order; only rows
 * with calls. */
void summary_format_text(struct sbuf *sb, const struct summary *s);
/* One JSON object: {"event":"summary","syscalls":[...],...}. */
void summary_format_json(struct sbuf *sb, const struct summary *s);

#endif
