/* fuzz.h - what every libFuzzer target in tests/fuzz shares.
 *
 * A target checks invariants on top of what ASan/UBSan catch; a broken
 * invariant prints the failed condition and aborts, which libFuzzer reports
 * as a crash and saves the input for. */
#ifndef SYMTRACE_FUZZ_H
#define SYMTRACE_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: invariant failed: %s\n",       \
				__FILE__, __LINE__, #cond);                    \
			abort();                                               \
		}                                                              \
	} while (0)

/* Around the checkers of a target (references, decoders, validators): no
 * coverage instrumentation, so that libFuzzer is guided by symtrace's code
 * and spends its time there, not on exploring the checkers' own branches. */
/* _Pragma takes a single string literal: no line splitting here. */
/* clang-format off */
#define FUZZ_CHECKERS_BEGIN \
	_Pragma("clang attribute push (__attribute__((no_sanitize(\"coverage\"))), apply_to = function)")
/* clang-format on */
#define FUZZ_CHECKERS_END _Pragma("clang attribute pop")

#endif
