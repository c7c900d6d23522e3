/* Shared by the libFuzzer targets in tests/fuzz: the entry points libFuzzer (or replay.c, in
 * builds without libFuzzer) calls, and small helpers for turning fuzz input into C strings. */
#ifndef SHEEP_TESTS_FUZZ_H
#define SHEEP_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional: run once before the first input (a target that needs none does not define it). */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

/* A NUL-terminated copy of the input (an embedded NUL ends the string early, like argv would). */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* An error must carry a message when a function failed and none when it succeeded: the CLI
 * prints exactly one line from it. Aborting makes a broken contract a fuzzer crash. */
static inline void fuzz_check_err(int ret, struct sheep_err *err)
{
	if ((ret < 0) != (err != NULL) || (err != NULL && (err->msg == NULL || !err->msg[0])))
		abort();
	sheep_err_free(err);
}

#endif
