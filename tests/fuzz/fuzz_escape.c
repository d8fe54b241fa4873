/* fuzz_escape.c - libFuzzer target: escape_str (output.h), the strace-style
 * quoting of tracee strings.
 *
 * Checked for arbitrary bytes:
 *   - the output is printable ASCII only (no byte < 0x20 or >= 0x7f);
 *   - it is '"' ... '"', plus "..." when truncated, and nothing else;
 *   - a decoder for the strace syntax written here (\t \n \v \f \r \" \\
 *     and octal of 1 to 3 digits, read greedily as a C compiler would)
 *     gives the input bytes back;
 *   - the quoting is the canonical one: a byte is escaped only when it must
 *     be, with its short form when it has one, and octal escapes carry no
 *     leading zeros unless an octal digit follows. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "output.h"

FUZZ_CHECKERS_BEGIN

static bool is_octal(unsigned char c)
{
	return c >= '0' && c <= '7';
}

static char short_escape(unsigned char c)
{
	switch (c) {
	case '\t':
		return 't';
	case '\n':
		return 'n';
	case '\v':
		return 'v';
	case '\f':
		return 'f';
	case '\r':
		return 'r';
	case '"':
		return '"';
	case '\\':
		return '\\';
	default:
		return 0;
	}
}

/* Decode s[0..n) (without the quotes) into out; returns the decoded length,
 * and aborts on anything that is not canonical strace quoting. */
static size_t decode(const char *s, size_t n, unsigned char *out)
{
	size_t i = 0, o = 0;

	while (i < n) {
		unsigned char c = (unsigned char)s[i++];
		unsigned v = 0, k = 0;

		FUZZ_CHECK(c != '"'); /* an unescaped quote ends the string */
		if (c != '\\') {
			FUZZ_CHECK(!short_escape(c));
			out[o++] = c;
			continue;
		}
		FUZZ_CHECK(i < n);
		c = (unsigned char)s[i];
		if (!is_octal(c)) {
			unsigned char b;

			switch (c) {
			case 't':
				b = '\t';
				break;
			case 'n':
				b = '\n';
				break;
			case 'v':
				b = '\v';
				break;
			case 'f':
				b = '\f';
				break;
			case 'r':
				b = '\r';
				break;
			case '"':
				b = '"';
				break;
			case '\\':
				b = '\\';
				break;
			default:
				fprintf(stderr, "unknown escape \\%c\n", c);
				abort();
			}
			out[o++] = b;
			i++;
			continue;
		}
		while (k < 3 && i < n && is_octal((unsigned char)s[i])) {
			v = v * 8 + (unsigned)(s[i++] - '0');
			k++;
		}
		FUZZ_CHECK(v <= 0377);
		/* Only bytes that have to be escaped, and without a short
		 * form, are written in octal. */
		FUZZ_CHECK(v < 0x20 || v >= 0x7f);
		FUZZ_CHECK(!short_escape((unsigned char)v));
		/* Canonical: fewest digits, unless an octal digit follows. */
		{
			unsigned want = v >= 0100 ? 3 : v >= 010 ? 2 : 1;
			bool digit_next =
				i < n && is_octal((unsigned char)s[i]);

			FUZZ_CHECK(k == (digit_next ? 3 : want));
		}
		out[o++] = (unsigned char)v;
	}
	return o;
}

static void check(const uint8_t *data, size_t size, bool truncated)
{
	struct sbuf sb = SBUF_INIT;
	unsigned char *back;
	size_t n, body, got;

	escape_str(&sb, (const char *)data, size, truncated);
	n = sb.len;
	FUZZ_CHECK(sb.buf && strlen(sb.buf) == n);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)sb.buf[i];

		FUZZ_CHECK(c >= 0x20 && c < 0x7f);
	}
	if (truncated) {
		FUZZ_CHECK(n >= 5 && memcmp(sb.buf + n - 3, "...", 3) == 0);
		n -= 3;
	}
	FUZZ_CHECK(n >= 2 && sb.buf[0] == '"' && sb.buf[n - 1] == '"');
	/* The closing quote must not be an escaped one: "\\" then '"' is
	 * fine, '\' then '"' is not; decode() sees it. */
	body = n - 2;
	back = malloc(body + 1);
	FUZZ_CHECK(back);
	got = decode(sb.buf + 1, body, back);
	FUZZ_CHECK(got == size);
	FUZZ_CHECK(size == 0 || memcmp(back, data, size) == 0);
	free(back);
	sbuf_free(&sb);
}

FUZZ_CHECKERS_END

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sbuf sb = SBUF_INIT;

	check(data, size, false);
	check(data, size, true);

	/* Appending to a buffer that holds text already. */
	sbuf_adds(&sb, "x=");
	escape_str(&sb, (const char *)data, size, false);
	FUZZ_CHECK(sb.len >= 4 && memcmp(sb.buf, "x=\"", 3) == 0);
	sbuf_free(&sb);
	return 0;
}
