/* sheep_proctitle_*: the argv strings are rewritten in place, within their span only (the
 * environment after them untouched), cut to fit, and /proc/self/cmdline shows the result. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util/proctitle.h"

static int saved_argc;
static char **saved_argv;

/* A block laid out as the kernel lays out argv and the environment. */
struct block {
	char bytes[64];
	char *argv[8];
	int argc;
};

static void block_make(struct block *b, const char *const *args, int n, const char *env)
{
	size_t at = 0;

	memset(b, 0x55, sizeof(*b));
	for (int i = 0; i < n; i++) {
		b->argv[i] = b->bytes + at;
		strcpy(b->argv[i], args[i]);
		at += strlen(args[i]) + 1;
	}
	strcpy(b->bytes + at, env);
	b->argc = n;
}

/* argv's entries point at copies after sheep_proctitle_init: they keep the old words */
static void block_check_copies(struct block *b, const char *const *args)
{
	for (int i = 0; i < b->argc; i++) {
		assert_true(b->argv[i] < b->bytes || b->argv[i] >= b->bytes + sizeof(b->bytes));
		assert_string_equal(b->argv[i], args[i]);
		free(b->argv[i]);
	}
}

static void test_rewrite_keeps_environment(void **state)
{
	static const char *const args[] = {"sheep-oci", "--root", "/r", "create", "id"};
	static const char *const title[] = {"sheep-oci", "init"};
	struct block b;

	(void)state;
	block_make(&b, args, 5, "HOME=/root");
	assert_int_equal(sheep_proctitle_init(b.argc, b.argv), 0);
	sheep_proctitle_set(title, 2);
	/* "sheep-oci\0--root\0/r\0create\0id\0" was 30 bytes: the title, then zeros */
	assert_memory_equal(b.bytes, "sheep-oci\0init\0", 15);
	for (int i = 15; i < 30; i++)
		assert_int_equal(b.bytes[i], 0);
	assert_string_equal(b.bytes + 30, "HOME=/root");
	block_check_copies(&b, args);
}

static void test_cut_to_fit(void **state)
{
	static const char *const args[] = {"sh", "x"};
	static const char *const title[] = {"sheep-oci", "init"};
	struct block b;

	(void)state;
	block_make(&b, args, 2, "A=1");
	assert_int_equal(sheep_proctitle_init(b.argc, b.argv), 0);
	sheep_proctitle_set(title, 2);
	/* 5 bytes: four of the first word and its NUL, no room for the second */
	assert_memory_equal(b.bytes, "shee\0", 5);
	assert_string_equal(b.bytes + 5, "A=1");
	block_check_copies(&b, args);
}

static void test_stops_at_a_moved_string(void **state)
{
	static const char *const args[] = {"one", "two"};
	static const char *const title[] = {"abcdefgh"};
	char elsewhere[] = "moved";
	struct block b;

	(void)state;
	block_make(&b, args, 2, "E=1");
	b.argv[1] = elsewhere; /* not where the kernel put it: the span ends before it */
	assert_int_equal(sheep_proctitle_init(b.argc, b.argv), 0);
	sheep_proctitle_set(title, 1);
	assert_memory_equal(b.bytes, "abc\0two", 8);
	assert_string_equal(elsewhere, "moved");
	free(b.argv[0]);
	free(b.argv[1]);
}

static size_t read_cmdline(char *buf, size_t size)
{
	FILE *f = fopen("/proc/self/cmdline", "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, size, f);
	fclose(f);
	return n;
}

static void test_proc_self_cmdline(void **state)
{
	static const char *const title[] = {"proctitle", "test"};
	char buf[4096];
	size_t n;
	const char *preload = getenv("LD_PRELOAD");

	(void)state;
	/* valgrind answers /proc/self/cmdline itself, from a copy made at start: nothing to see */
	if (preload != NULL && strstr(preload, "vgpreload") != NULL)
		skip();
	n = read_cmdline(buf, sizeof(buf));
	assert_true(n > strlen(saved_argv[0]));
	assert_string_equal(buf, saved_argv[0]);
	assert_int_equal(sheep_proctitle_init(saved_argc, saved_argv), 0);
	sheep_proctitle_set(title, 2);
	n = read_cmdline(buf, sizeof(buf));
	assert_true(n >= sizeof("proctitle\0test"));
	assert_memory_equal(buf, "proctitle\0test\0", sizeof("proctitle\0test"));
	for (size_t i = sizeof("proctitle\0test"); i < n; i++)
		assert_int_equal(buf[i], 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rewrite_keeps_environment),
	    cmocka_unit_test(test_cut_to_fit),
	    cmocka_unit_test(test_stops_at_a_moved_string),
	    cmocka_unit_test(test_proc_self_cmdline),
	};

	saved_argc = argc;
	saved_argv = argv;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
