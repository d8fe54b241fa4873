/* fuzz_tmem.c - libFuzzer target: the tracee string reader tmem_read_path
 * and tmem_read (tmem.h), on page layouts chosen by the input.
 *
 * The fuzzer reads its own memory (process_vm_readv on getpid() needs no
 * ptrace).  The PTRACE_PEEKDATA fallback cannot be exercised this way
 * (a process cannot PEEKDATA itself), so it is not fuzzed here.
 *
 * Input layout (missing bytes read as 0):
 *   h[0]      bits 0-2: pages - 1 (1 to 8 pages); bit 7: wild address
 *   h[1] h[2] 2 bits a page: 0 or 1 readable, 2 PROT_NONE, 3 unmapped
 *   h[3] h[4] offset of the string in the mapping (mod its size)
 *   h[5]      byte the whole mapping is filled with first
 *   h[6] h[7] length for tmem_read
 *   h[8] h[9] if not 0, one more NUL at offset + this - 1 (so that with
 *             -max_len=4096 a NUL can still end a 4095-byte string)
 *   rest      bytes written at the offset (then clipped to the mapping)
 * The mapping is followed by PROT_NONE guard pages, so that nothing the
 * reader can reach is unknown.  The expected result is what the kernel's
 * getname() would see: a NUL within the first PATH_MAX readable bytes is
 * OK with that length; running into an unreadable byte first is FAULT;
 * PATH_MAX readable bytes without a NUL is TOOLONG. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "event.h"
#include "fuzz.h"
#include "tmem.h"

#define MAX_PAGES 8

/* process_vm_readv on ourselves may be refused (seccomp in a container):
 * then tmem would fall back to PEEKDATA, which cannot work on ourselves,
 * and every expectation here would be wrong. */
static bool self_read_works(void)
{
	static int state; /* 0 unknown, 1 works, 2 does not */
	char src[8] = "abcdefg", dst[8];
	struct iovec l = {dst, sizeof(dst)}, r = {src, sizeof(src)};

	if (!state) {
		state = process_vm_readv(getpid(), &l, 1, &r, 1, 0) == 8 ? 1
									 : 2;
		if (state == 2)
			fprintf(stderr,
				"fuzz_tmem: process_vm_readv on "
				"ourselves fails (%s); nothing tested\n",
				strerror(errno));
	}
	return state == 1;
}

/* Whether the pages we unmapped are still unmapped (a sanitizer or libc
 * allocation could have landed there meanwhile, which would make the
 * expectation wrong rather than tmem). */
static bool holes_intact(char *base, size_t ps, const int *state, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (state[k] == 3 && !(msync(base + k * ps, ps, MS_ASYNC) < 0 &&
				       errno == ENOMEM))
			return false;
	return true;
}

static void check_path(uint64_t addr, const struct tstr *got,
		       enum tstr_status want, size_t wlen, const char *mem)
{
	FUZZ_CHECK(got->addr == addr);
	if (got->status != want || (want == TSTR_OK && got->len != wlen)) {
		fprintf(stderr,
			"tmem_read_path(0x%llx): status %d len %zu, "
			"want status %d len %zu\n",
			(unsigned long long)addr, (int)got->status, got->len,
			(int)want, wlen);
		abort();
	}
	switch (want) {
	case TSTR_OK:
	case TSTR_TOOLONG:
		FUZZ_CHECK(got->len == wlen && got->buf);
		FUZZ_CHECK(memcmp(got->buf, mem, wlen) == 0);
		FUZZ_CHECK(got->buf[wlen] == '\0');
		break;
	case TSTR_FAULT:
	case TSTR_NULL:
	case TSTR_UNSET:
	default:
		FUZZ_CHECK(!got->buf);
		break;
	}
}

static void wild(const uint8_t *h)
{
	/* Addresses no user mapping can have: NULL, the kernel half,
	 * non-canonical ones, and the last page (addr + len wraps). */
	static const uint64_t bases[] = {
		0,
		0xffff800000000000ull,
		0x0000800000000000ull,
		0xfffffffffffff000ull,
	};
	uint64_t addr = bases[h[1] & 3];
	struct tstr out;
	char buf[64];

	if (addr)
		addr += (uint64_t)(h[3] << 8 | h[4]) % 4096;
	tmem_read_path(getpid(), addr, &out);
	check_path(addr, &out, addr ? TSTR_FAULT : TSTR_NULL, 0, NULL);
	tstr_free(&out);
	if (addr)
		FUZZ_CHECK(tmem_read(getpid(), addr, buf, 1 + h[6] % 64) < 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	size_t guard = (PATH_MAX + ps - 1) / ps + 1;
	uint8_t h[10] = {0};
	size_t npages, total, off, k, rlen, nul;
	size_t hdr = size < sizeof(h) ? size : sizeof(h);
	int state[MAX_PAGES + 64];
	bool readable[MAX_PAGES + 64];
	enum tstr_status want = TSTR_TOOLONG;
	size_t wlen = PATH_MAX;
	struct tstr out;
	uint64_t addr;
	char *base, *rbuf;
	int r;

	if (!self_read_works())
		return 0;
	memcpy(h, data, hdr);
	data += hdr;
	size -= hdr;
	if (h[0] & 0x80) {
		wild(h);
		return 0;
	}

	npages = 1 + (h[0] & 7);
	total = npages + guard;
	FUZZ_CHECK(total <= sizeof(state) / sizeof(state[0]));
	base = mmap(NULL, total * ps, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	FUZZ_CHECK(base != MAP_FAILED);
	memset(base, h[5], npages * ps);
	off = (size_t)(h[3] << 8 | h[4]) % (npages * ps);
	memcpy(base + off, data,
	       size < npages * ps - off ? size : npages * ps - off);
	nul = (size_t)(h[8] << 8 | h[9]);
	if (nul && off + nul - 1 < npages * ps)
		base[off + nul - 1] = '\0';
	for (k = 0; k < total; k++) {
		state[k] = k < npages ? (h[1 + k / 4] >> (2 * (k % 4))) & 3 : 2;
		readable[k] = state[k] < 2;
		if (state[k] == 2)
			FUZZ_CHECK(mprotect(base + k * ps, ps, PROT_NONE) == 0);
		else if (state[k] == 3)
			FUZZ_CHECK(munmap(base + k * ps, ps) == 0);
	}

	/* The reference: what getname() would see. */
	for (k = 0; k < PATH_MAX; k++) {
		if (!readable[(off + k) / ps]) {
			want = TSTR_FAULT;
			wlen = 0;
			break;
		}
		if (base[off + k] == '\0') {
			want = TSTR_OK;
			wlen = k;
			break;
		}
	}

	addr = (uint64_t)(uintptr_t)(base + off);
	tmem_read_path(getpid(), addr, &out);
	if (!holes_intact(base, ps, state, total)) {
		tstr_free(&out);
		goto done;
	}
	check_path(addr, &out, want, wlen, base + off);
	tstr_free(&out);

	/* tmem_read: all or nothing. */
	rlen = (size_t)(h[6] << 8 | h[7]) % (3 * ps + 1);
	if (rlen > total * ps - off)
		rlen = total * ps - off;
	rbuf = malloc(rlen ? rlen : 1);
	FUZZ_CHECK(rbuf);
	r = tmem_read(getpid(), addr, rbuf, rlen);
	if (holes_intact(base, ps, state, total)) {
		bool all = true;

		for (k = off / ps; rlen && k <= (off + rlen - 1) / ps; k++)
			all = all && readable[k];
		if (all) {
			FUZZ_CHECK(r == 0);
			FUZZ_CHECK(memcmp(rbuf, base + off, rlen) == 0);
		} else {
			FUZZ_CHECK(r == -EFAULT);
		}
	}
	free(rbuf);
done:
	munmap(base, total * ps);
	return 0;
}
