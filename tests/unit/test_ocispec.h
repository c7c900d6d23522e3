/* Shared helpers of the libocispec unit tests (test_ocispec*.c). */
#ifndef TEST_OCISPEC_H
#define TEST_OCISPEC_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocispec.h"

/* A config with only ociVersion plus BODY ("\"key\": value, ..."). */
#define CFG(body) "{\"ociVersion\": \"1.0.0\", " body "}"

static inline struct oci_config *parse_ok(const char *json)
{
	char *err = NULL;
	struct oci_config *c = oci_config_parse_data(json, strlen(json), "config.json", &err);

	if (c == NULL)
		fail_msg("unexpected error: %s\n  input: %.200s", err, json);
	assert_null(err);
	return c;
}

static inline void expect_error(const char *json, size_t len, const char *want)
{
	char *err = NULL;
	struct oci_config *c = oci_config_parse_data(json, len, "config.json", &err);

	if (c != NULL)
		fail_msg("parsed, expected '%s'\n  input: %.200s", want, json);
	assert_non_null(err);
	assert_string_equal(err, want);
	free(err);
}

#define EXPECT_ERROR(json, want) expect_error(json, strlen(json), want)

#endif
