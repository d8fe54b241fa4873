/* tmem.c - bounded reads of tracee memory.
 *
 * process_vm_readv first: one call reads a whole path, with one remote iovec
 * per page, so that a string whose NUL lies on a readable page is found even
 * when the following page is unmapped (transfers stop at the first iovec
 * that faults).  PTRACE_PEEKDATA word by word is the fallback when
 * process_vm_readv is missing or refused (ENOSYS, EPERM). */
#include "tmem.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <unistd.h>

#include "util.h"

static int use_peek;

bool tmem_task_alive(pid_t tid)
{
	errno = 0;
	return !(ptrace(PTRACE_PEEKUSER, tid, 0, 0) == -1 && errno == ESRCH);
}

void tmem_force_peek(int on)
{
	use_peek = on;
}

static size_t page_size(void)
{
	static size_t ps;

	if (!ps)
		ps = (size_t)sysconf(_SC_PAGESIZE);
	return ps;
}

/* Word-by-word fallback: returns bytes read (< len on a fault), or -errno
 * when nothing could be read.  to_nul: a string - stop after the word
 * that holds its NUL (a path is short, PATH_MAX is 512 words: reading them
 * all made the fallback about 9 times slower). */
static ssize_t peek_read(pid_t tid, uint64_t addr, char *buf, size_t len,
			 bool to_nul)
{
	size_t done = 0;

	while (done < len) {
		uint64_t a = addr + done;
		uint64_t aligned = a & ~(uint64_t)7;
		size_t skip = (size_t)(a - aligned);
		size_t n = 8 - skip;
		long word;

		errno = 0;
		word = ptrace(PTRACE_PEEKDATA, tid, aligned, 0);
		if (errno)
			return done ? (ssize_t)done : -errno;
		if (n > len - done)
			n = len - done;
		memcpy(buf + done, (char *)&word + skip, n);
		done += n;
		if (to_nul && memchr(buf + done - n, '\0', n))
			break;
	}
	return (ssize_t)done;
}

/* Read up to len bytes, page-granular; returns bytes read (may be short
 * at a fault, or after the NUL with to_nul where PEEKDATA reads), or
 * -errno when the first page is unreadable. */
static ssize_t read_upto(pid_t tid, uint64_t addr, char *buf, size_t len,
			 bool to_nul)
{
	struct iovec local, remote[3];
	size_t ps = page_size();
	size_t n = 0, off = 0;
	ssize_t r;

	if (use_peek)
		return peek_read(tid, addr, buf, len, to_nul);
	while (off < len && n < 3) {
		uint64_t a = addr + off;
		size_t chunk = ps - (size_t)(a % ps);

		if (chunk > len - off)
			chunk = len - off;
		remote[n].iov_base = (void *)(uintptr_t)a;
		remote[n].iov_len = chunk;
		n++;
		off += chunk;
	}
	local.iov_base = buf;
	local.iov_len = off;
	r = process_vm_readv(tid, &local, 1, remote, n, 0);
	if (r < 0 && (errno == ENOSYS || errno == EPERM)) {
		use_peek = 1;
		return peek_read(tid, addr, buf, len, to_nul);
	}
	if (r < 0)
		return -errno;
	return r;
}

int tmem_read(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t r = read_upto(tid, addr + done, (char *)buf + done,
				      len - done, false);
		if (r < 0)
			return (int)r;
		if (r == 0)
			return -EFAULT;
		done += (size_t)r;
	}
	return 0;
}

/* Turn r bytes read into buf (PATH_MAX + 1 long) into out. */
static void finish_path(char *buf, ssize_t r, struct tstr *out)
{
	char *nul;

	if (r <= 0) {
		free(buf);
		out->status = TSTR_FAULT;
		return;
	}
	nul = memchr(buf, '\0', (size_t)r);
	if (nul) {
		out->status = TSTR_OK;
		out->len = (size_t)(nul - buf);
	} else if (r == PATH_MAX) {
		/* Like the kernel: no NUL in PATH_MAX bytes, ENAMETOOLONG. */
		out->status = TSTR_TOOLONG;
		out->len = PATH_MAX;
	} else {
		/* The string runs into an unreadable page. */
		free(buf);
		out->status = TSTR_FAULT;
		return;
	}
	buf[out->len] = '\0';
	/* Keep only the string: pending events live as long as their call. */
	out->buf = xrealloc(buf, out->len + 1);
}

/* Finish a string whose first have bytes (up to the end of its first
 * page) are in buf: done if they hold a NUL, else read on. */
static void continue_path(pid_t tid, uint64_t addr, char *buf, size_t have,
			  struct tstr *out)
{
	ssize_t r;

	if (have == PATH_MAX || memchr(buf, '\0', have)) {
		finish_path(buf, (ssize_t)have, out);
		return;
	}
	r = read_upto(tid, addr + have, buf + have, PATH_MAX - have, true);
	finish_path(buf, (ssize_t)have + (r > 0 ? r : 0), out);
}

void tmem_read_paths(pid_t tid, const uint64_t addr[2], struct tstr out[2])
{
	struct iovec local[2], remote[2];
	size_t ps = page_size(), chunk[2];
	char *buf[2];
	ssize_t r;

	if (use_peek || !addr[0] || !addr[1]) {
		tmem_read_path(tid, addr[0], &out[0]);
		tmem_read_path(tid, addr[1], &out[1]);
		return;
	}
	/* Both strings in one call, each up to the end of its page: most
	 * paths are short, and the cost is in the pages touched.  A transfer
	 * stops at the first iovec that faults. */
	memset(out, 0, 2 * sizeof(*out));
	for (int i = 0; i < 2; i++) {
		out[i].addr = addr[i];
		chunk[i] = ps - (size_t)(addr[i] % ps);
		if (chunk[i] > PATH_MAX)
			chunk[i] = PATH_MAX;
		buf[i] = xmalloc(PATH_MAX + 1);
		local[i].iov_base = buf[i];
		local[i].iov_len = chunk[i];
		remote[i].iov_base = (void *)(uintptr_t)addr[i];
		remote[i].iov_len = chunk[i];
	}
	r = process_vm_readv(tid, local, 2, remote, 2, 0);
	if (r < 0 && (errno == ENOSYS || errno == EPERM)) {
		free(buf[0]);
		free(buf[1]);
		use_peek = 1;
		tmem_read_path(tid, addr[0], &out[0]);
		tmem_read_path(tid, addr[1], &out[1]);
		return;
	}
	if (r < (ssize_t)chunk[0]) {
		/* The target's first page is unreadable. */
		free(buf[0]);
		free(buf[1]);
		out[0].status = TSTR_FAULT;
		tmem_read_path(tid, addr[1], &out[1]);
		return;
	}
	continue_path(tid, addr[0], buf[0], chunk[0], &out[0]);
	if (r == (ssize_t)(chunk[0] + chunk[1])) {
		continue_path(tid, addr[1], buf[1], chunk[1], &out[1]);
	} else {
		free(buf[1]);
		tmem_read_path(tid, addr[1], &out[1]);
	}
}

void tmem_read_path(pid_t tid, uint64_t addr, struct tstr *out)
{
	char *buf;
	ssize_t r;

	memset(out, 0, sizeof(*out));
	out->addr = addr;
	if (addr == 0) {
		out->status = TSTR_NULL;
		return;
	}
	/* PATH_MAX bytes span at most two pages: one call. */
	buf = xmalloc(PATH_MAX + 1);
	r = read_upto(tid, addr, buf, PATH_MAX, true);
	finish_path(buf, r, out);
}
