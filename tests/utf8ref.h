/* utf8ref.h - the tests' own UTF-8 decoder, written apart from
 * output.c's so that the JSON writer is checked against an independent
 * reading of Unicode 15, table 3-7 (check_output.c, fuzz_json.c). */
#ifndef SYMTRACE_TESTS_UTF8REF_H
#define SYMTRACE_TESTS_UTF8REF_H

#include <stddef.h>

/* Independent UTF-8 decoder: length of the valid sequence at s, 0 if
 * invalid; *cp gets the code point. */
static inline size_t t_utf8(const unsigned char *s, size_t len, unsigned long *cp)
{
	static const unsigned long min[5] = {0, 0, 0x80, 0x800, 0x10000};
	size_t n;
	unsigned long v;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		v = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		v = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		v = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	if (v < min[n] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

#endif
