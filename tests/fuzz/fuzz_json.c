/* fuzz_json.c - libFuzzer target: json_str and format_json (output.h).
 *
 * Input layout: 8 header bytes (choices for the event's numbers and the
 * status of its strings), then bytes cut in two at an input-chosen point:
 * A and B.  A is the target and B the linkpath; their parts up to the
 * first NUL are exe, dir, path, target_resolved and disk_target; comm is
 * the first 17 bytes of B (not NUL-terminated when B has no NUL there).
 *
 * Checked:
 *   - json_str of the raw input is one valid JSON string whose value is
 *     the input with U+FFFD for each byte that does not start a well-formed
 *     UTF-8 sequence (so: the input itself when it is valid UTF-8);
 *   - format_json gives one line: a JSON object (strict RFC 8259 validator
 *     written here: UTF-8, no raw controls, valid escapes, no lone
 *     surrogates, no duplicate keys) then "\n" and nothing else;
 *   - every string member decodes back to the exact bytes put in the
 *     event, from KEY_b64 when present (then the bytes are not valid
 *     UTF-8), from KEY itself otherwise (then they are);
 *   - format_text of the same event is one line of printable text. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "output.h"
#include "../jsonref.h"

FUZZ_CHECKERS_BEGIN

/* ---- reference UTF-8 (Unicode table 3-7, written again here) ---- */

/* Length of the well-formed sequence at s, 0 if none (the tests' own
 * decoder, tests/jsonref.h). */
static size_t ref_utf8(const unsigned char *s, size_t n)
{
	unsigned long cp;

	return t_utf8(s, n, &cp);
}

static bool ref_utf8_valid(const unsigned char *s, size_t n)
{
	for (size_t i = 0, k; i < n; i += k)
		if (!(k = ref_utf8(s + i, n - i)))
			return false;
	return true;
}

/* The bytes with U+FFFD (EF BF BD) for each byte that starts no valid
 * sequence.  out holds 3 * n bytes. */
static size_t ref_replace(const unsigned char *s, size_t n, unsigned char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n;) {
		size_t k = ref_utf8(s + i, n - i);

		if (k) {
			memcpy(out + o, s + i, k);
			o += k;
			i += k;
		} else {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		}
	}
	return o;
}

/* ---- strict JSON ---- */

struct member {
	char key[64];
	bool is_str;
	unsigned char *val; /* decoded, malloc'd, when is_str */
	size_t len;
	const char *raw; /* where the value starts in the text */
};

struct parser {
	const unsigned char *s;
	size_t n, i;
	int depth;
	struct member mem[64]; /* members of the top-level object */
	size_t nmem;
};

#define P_OK(cond)                                                             \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "bad JSON at %zu: %s\n%.*s\n", p->i,   \
				#cond, (int)p->n, (const char *)p->s);         \
			abort();                                               \
		}                                                              \
	} while (0)

static void ws(struct parser *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' ||
			       p->s[p->i] == '\n' || p->s[p->i] == '\r'))
		p->i++;
}

static unsigned hex4(struct parser *p)
{
	unsigned v = 0;

	P_OK(p->i + 4 <= p->n);
	for (int k = 0; k < 4; k++) {
		unsigned char c = p->s[p->i++];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			P_OK(!"hex digit");
	}
	return v;
}

static size_t put_utf8(unsigned char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | cp >> 6);
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | cp >> 12);
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | cp >> 18);
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A string at p->s[p->i] == '"'; returns the decoded bytes (malloc'd). */
static unsigned char *string(struct parser *p, size_t *len)
{
	unsigned char *out = malloc(p->n + 1);
	size_t o = 0;

	FUZZ_CHECK(out);
	P_OK(p->i < p->n && p->s[p->i] == '"');
	p->i++;
	for (;;) {
		unsigned char c;
		size_t k;

		P_OK(p->i < p->n);
		c = p->s[p->i];
		if (c == '"') {
			p->i++;
			break;
		}
		P_OK(c >= 0x20); /* raw controls are not allowed */
		if (c != '\\') {
			k = ref_utf8(p->s + p->i, p->n - p->i);
			P_OK(k > 0);
			memcpy(out + o, p->s + p->i, k);
			o += k;
			p->i += k;
			continue;
		}
		p->i++;
		P_OK(p->i < p->n);
		c = p->s[p->i++];
		switch (c) {
		case '"':
			out[o++] = '"';
			break;
		case '\\':
			out[o++] = '\\';
			break;
		case '/':
			out[o++] = '/';
			break;
		case 'b':
			out[o++] = '\b';
			break;
		case 'f':
			out[o++] = '\f';
			break;
		case 'n':
			out[o++] = '\n';
			break;
		case 'r':
			out[o++] = '\r';
			break;
		case 't':
			out[o++] = '\t';
			break;
		case 'u': {
			uint32_t cp = hex4(p);

			P_OK(cp < 0xdc00 || cp > 0xdfff); /* lone low */
			if (cp >= 0xd800 && cp <= 0xdbff) {
				uint32_t lo;

				P_OK(p->i + 2 <= p->n && p->s[p->i] == '\\' &&
				     p->s[p->i + 1] == 'u');
				p->i += 2;
				lo = hex4(p);
				P_OK(lo >= 0xdc00 && lo <= 0xdfff);
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     (lo - 0xdc00);
			}
			o += put_utf8(out + o, cp);
			break;
		}
		default:
			P_OK(!"valid escape");
		}
	}
	*len = o;
	return out;
}

static void number(struct parser *p)
{
	size_t start = p->i;

	if (p->i < p->n && p->s[p->i] == '-')
		p->i++;
	P_OK(p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9');
	if (p->s[p->i] == '0') {
		p->i++;
	} else {
		while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	}
	if (p->i < p->n && p->s[p->i] == '.') {
		p->i++;
		P_OK(p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9');
		while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	}
	if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		p->i++;
		if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
			p->i++;
		P_OK(p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9');
		while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	}
	P_OK(p->i > start);
}

static void value(struct parser *p, struct member *m);

static void literal(struct parser *p, const char *w)
{
	size_t n = strlen(w);

	P_OK(p->i + n <= p->n && memcmp(p->s + p->i, w, n) == 0);
	p->i += n;
}

static void object(struct parser *p, bool top)
{
	P_OK(p->s[p->i] == '{');
	p->i++;
	ws(p);
	if (p->i < p->n && p->s[p->i] == '}') {
		p->i++;
		return;
	}
	for (;;) {
		struct member tmp, *m = &tmp;
		unsigned char *key;
		size_t klen;

		ws(p);
		key = string(p, &klen);
		if (top) {
			P_OK(p->nmem < sizeof(p->mem) / sizeof(p->mem[0]));
			P_OK(klen < sizeof(m->key) && !memchr(key, 0, klen));
			m = &p->mem[p->nmem++];
			memcpy(m->key, key, klen);
			m->key[klen] = '\0';
			for (size_t k = 0; k + 1 < p->nmem; k++)
				P_OK(strcmp(p->mem[k].key, m->key) != 0);
		}
		free(key);
		ws(p);
		P_OK(p->i < p->n && p->s[p->i] == ':');
		p->i++;
		ws(p);
		value(p, top ? m : NULL);
		ws(p);
		P_OK(p->i < p->n);
		if (p->s[p->i] == '}') {
			p->i++;
			return;
		}
		P_OK(p->s[p->i] == ',');
		p->i++;
	}
}

static void array(struct parser *p)
{
	P_OK(p->s[p->i] == '[');
	p->i++;
	ws(p);
	if (p->i < p->n && p->s[p->i] == ']') {
		p->i++;
		return;
	}
	for (;;) {
		ws(p);
		value(p, NULL);
		ws(p);
		P_OK(p->i < p->n);
		if (p->s[p->i] == ']') {
			p->i++;
			return;
		}
		P_OK(p->s[p->i] == ',');
		p->i++;
	}
}

static void value(struct parser *p, struct member *m)
{
	unsigned char *v;
	size_t len;

	P_OK(p->i < p->n);
	P_OK(++p->depth < 64);
	if (m)
		m->raw = (const char *)p->s + p->i;
	switch (p->s[p->i]) {
	case '{':
		object(p, false);
		break;
	case '[':
		array(p);
		break;
	case '"':
		v = string(p, &len);
		if (m) {
			m->is_str = true;
			m->val = v;
			m->len = len;
		} else {
			free(v);
		}
		break;
	case 't':
		literal(p, "true");
		break;
	case 'f':
		literal(p, "false");
		break;
	case 'n':
		literal(p, "null");
		break;
	default:
		number(p);
		break;
	}
	p->depth--;
}

static void parser_free(struct parser *p)
{
	for (size_t k = 0; k < p->nmem; k++)
		free(p->mem[k].val);
}

static const struct member *find(const struct parser *p, const char *key)
{
	for (size_t k = 0; k < p->nmem; k++)
		if (strcmp(p->mem[k].key, key) == 0)
			return &p->mem[k];
	return NULL;
}

/* ---- base64 ---- */

/* Strict RFC 4648 with padding (tests/jsonref.h); aborts on anything
 * else. */
static size_t b64_decode(const unsigned char *s, size_t n, unsigned char *out)
{
	long o = t_b64_decode((const char *)s, n, out);

	FUZZ_CHECK(o >= 0);
	return (size_t)o;
}

/* ---- checks ---- */

/* KEY (and KEY_b64) of the object must carry exactly s[0..n). */
static void check_member(const struct parser *p, const char *key,
			 const unsigned char *s, size_t n)
{
	const struct member *m = find(p, key), *b;
	char bkey[80];
	unsigned char *buf = malloc(3 * n + 1);
	size_t k;

	FUZZ_CHECK(buf);
	if (!m || !m->is_str) {
		fprintf(stderr, "member %s missing or not a string\n", key);
		abort();
	}
	snprintf(bkey, sizeof(bkey), "%s_b64", key);
	b = find(p, bkey);
	if (ref_utf8_valid(s, n)) {
		FUZZ_CHECK(!b);
		FUZZ_CHECK(m->len == n && memcmp(m->val, s, n) == 0);
	} else {
		FUZZ_CHECK(b && b->is_str);
		k = b64_decode(b->val, b->len, buf);
		FUZZ_CHECK(k == n && memcmp(buf, s, n) == 0);
		/* The JSON member itself: U+FFFD for the bad bytes. */
		k = ref_replace(s, n, buf);
		FUZZ_CHECK(m->len == k && memcmp(m->val, buf, k) == 0);
		/* KEY_b64 comes right after KEY. */
		FUZZ_CHECK(b == m + 1);
	}
	free(buf);
}

static void check_null_member(const struct parser *p, const char *key)
{
	const struct member *m = find(p, key);

	FUZZ_CHECK(m && !m->is_str && memcmp(m->raw, "null", 4) == 0);
}

static void check_tstr(const struct parser *p, const char *key,
		       const struct tstr *t)
{
	char k2[80];

	switch (t->status) {
	case TSTR_OK:
	case TSTR_TOOLONG:
		check_member(p, key, (const unsigned char *)t->buf, t->len);
		snprintf(k2, sizeof(k2), "%s_truncated", key);
		FUZZ_CHECK((find(p, k2) != NULL) ==
			   (t->status == TSTR_TOOLONG));
		break;
	case TSTR_FAULT:
		check_null_member(p, key);
		snprintf(k2, sizeof(k2), "%s_addr", key);
		FUZZ_CHECK(find(p, k2) && find(p, k2)->is_str);
		break;
	case TSTR_NULL:
	case TSTR_UNSET:
	default:
		check_null_member(p, key);
		break;
	}
}

static void check_cstr(const struct parser *p, const char *key, const char *s)
{
	if (s)
		check_member(p, key, (const unsigned char *)s, strlen(s));
	else
		check_null_member(p, key);
}

static void check_json_str(const uint8_t *data, size_t size)
{
	struct sbuf sb = SBUF_INIT;
	struct parser p = {0};
	unsigned char *v, *want = malloc(3 * size + 1);
	size_t len, wlen;

	FUZZ_CHECK(want);
	json_str(&sb, (const char *)data, size);
	p.s = (const unsigned char *)sb.buf;
	p.n = sb.len;
	v = string(&p, &len);
	FUZZ_CHECK(p.i == p.n);
	wlen = ref_replace(data, size, want);
	FUZZ_CHECK(len == wlen && memcmp(v, want, len) == 0);
	free(v);
	free(want);
	sbuf_free(&sb);
}

static char *cstr(const uint8_t *s, size_t n)
{
	char *r = strndup((const char *)s, n);

	FUZZ_CHECK(r);
	return r;
}

/* A tstr holding s[0..n) (embedded NULs kept), with the given status. */
static void make_tstr(struct tstr *t, unsigned sel, const uint8_t *s, size_t n)
{
	static const enum tstr_status st[] = {
		TSTR_OK,   TSTR_OK,    TSTR_TOOLONG, TSTR_FAULT,
		TSTR_NULL, TSTR_UNSET, TSTR_OK,	     TSTR_OK};

	memset(t, 0, sizeof(*t));
	t->status = st[sel & 7];
	t->addr = 0x7ffd0000u + n;
	if (t->status == TSTR_OK || t->status == TSTR_TOOLONG) {
		t->buf = malloc(n + 1);
		FUZZ_CHECK(t->buf);
		if (n)
			memcpy(t->buf, s, n);
		t->buf[n] = '\0';
		t->len = n;
	}
}

FUZZ_CHECKERS_END

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct event ev;
	struct sbuf sb = SBUF_INIT;
	struct parser p = {0};
	const uint8_t *a, *b;
	size_t na, nb;
	uint8_t h[8] = {0};

	check_json_str(data, size);

	memcpy(h, data, size < 8 ? size : 8);
	data += size < 8 ? size : 8;
	size -= size < 8 ? size : 8;
	na = size ? h[1] % (size + 1) : 0;
	a = data;
	nb = size - na;
	b = data + na;

	memset(&ev, 0, sizeof(ev));
	ev.time.tv_sec = (int32_t)((uint32_t)h[4] << 24 | (uint32_t)h[5] << 16 |
				   (uint32_t)h[6] << 8 | h[7]);
	ev.time.tv_nsec = (long)h[3] * 3999999;
	ev.tid = ev.pid = 4242;
	ev.ppid = 1;
	ev.ruid = ev.euid = ev.fsuid = 1000;
	ev.rgid = ev.egid = 1000;
	memcpy(ev.comm, b, nb < sizeof(ev.comm) ? nb : sizeof(ev.comm));
	ev.abi = (enum abi)(h[0] & 3);
	ev.sc = (enum sysc)((h[0] >> 2) % (SC_COUNT + 1));
	ev.has_dirfd = h[0] & 0x40;
	ev.dirfd = h[0] & 0x80 ? -100 : (int)h[3];
	ev.finished = h[2] != 0xff;
	ev.ret = h[2] < 0x80 ? 0 : -(int64_t)(h[2] - 0x80) * 9;
	ev.action = (enum action)(h[3] % 5);
	ev.rule = h[3] & 0x10 ? h[3] : 0;
	ev.tags = h[3] >> 5;
	make_tstr(&ev.target, h[1] >> 5, a, na);
	make_tstr(&ev.linkpath, h[2] >> 4, b, nb);
	make_tstr(&ev.target_exit, (h[3] & 1) ? 5 : h[1] >> 2, b, nb);
	make_tstr(&ev.linkpath_exit, (h[3] & 2) ? 5 : h[0] >> 2, a, na);
	if (h[2] & 1)
		ev.exe = cstr(a, na);
	if (h[2] & 2)
		ev.dir = cstr(b, nb);
	if (h[2] & 4)
		ev.path = cstr(a, na);
	if (h[2] & 8)
		ev.target_resolved = cstr(b, nb);
	if (h[3] & 4)
		ev.disk_target = cstr(a, na);

	format_json(&sb, &ev);
	FUZZ_CHECK(sb.len >= 2 && sb.buf[sb.len - 1] == '\n');
	FUZZ_CHECK(memchr(sb.buf, '\n', sb.len) == sb.buf + sb.len - 1);
	/* DEL is escaped too (output.c), though JSON would allow it raw. */
	FUZZ_CHECK(!memchr(sb.buf, 0x7f, sb.len));
	p.s = (const unsigned char *)sb.buf;
	p.n = sb.len;
	FUZZ_CHECK(sb.buf[0] == '{');
	object(&p, true);
	FUZZ_CHECK(p.i == p.n - 1);

	check_member(&p, "comm", (const unsigned char *)ev.comm,
		     strnlen(ev.comm, sizeof(ev.comm)));
	check_cstr(&p, "exe", ev.exe);
	check_cstr(&p, "dir", ev.dir);
	check_cstr(&p, "path", ev.path);
	check_cstr(&p, "target_resolved", ev.target_resolved);
	check_tstr(&p, "target", &ev.target);
	check_tstr(&p, "linkpath", &ev.linkpath);
	if (ev.target_exit.status != TSTR_UNSET)
		check_tstr(&p, "target_exit", &ev.target_exit);
	else
		FUZZ_CHECK(!find(&p, "target_exit"));
	if (ev.linkpath_exit.status != TSTR_UNSET)
		check_tstr(&p, "linkpath_exit", &ev.linkpath_exit);
	else
		FUZZ_CHECK(!find(&p, "linkpath_exit"));
	if (ev.disk_target)
		check_cstr(&p, "disk_target", ev.disk_target);
	else
		FUZZ_CHECK(!find(&p, "disk_target"));
	parser_free(&p);

	/* The text line: printable ASCII and bytes >= 0x80 (UTF-8 in the
	 * <dir> part), one '\n' at the end. */
	sbuf_reset(&sb);
	format_text(&sb, &ev, NULL);
	FUZZ_CHECK(sb.len >= 1 && sb.buf[sb.len - 1] == '\n');
	for (size_t i = 0; i + 1 < sb.len; i++) {
		unsigned char c = (unsigned char)sb.buf[i];

		FUZZ_CHECK(c >= 0x20 && c != 0x7f);
	}

	sbuf_free(&sb);
	event_free(&ev);
	return 0;
}
