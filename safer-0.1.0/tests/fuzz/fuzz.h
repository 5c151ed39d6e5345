/* fuzz.h - helpers shared by the libFuzzer harnesses (tests/fuzz/fuzz_*.c).
 *
 * Each harness defines LLVMFuzzerTestOneInput; replay.c drives the same
 * function from plain files so `make check` needs no clang. */
#ifndef SAFER_FUZZ_H
#define SAFER_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property the module promises: abort() so libFuzzer records the input. */
#define FUZZ_CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__, __LINE__, #cond); \
		abort(); \
	} \
} while (0)

/* Exact-size heap copy: ASan then catches any read past the input. */
static inline unsigned char *fuzz_dup(const uint8_t *data, size_t size)
{
	unsigned char *p = malloc(size ? size : 1);
	if (p == NULL)
		abort();
	if (size > 0)
		memcpy(p, data, size);
	return p;
}

/* NUL-terminated copy for parsers that take C strings. */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (s == NULL)
		abort();
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
