/* util/err.c, util/jsonstr.c and util/strv.c: the error object (strerror appended or not, wrapping,
 * first error wins), JSON string quoting and the string-vector helpers. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "test_core.h"
#include "util/err.h"
#include "util/idlist.h"
#include "util/jsonstr.h"
#include "util/strv.h"

static void test_set_appends_strerror(void **state)
{
	struct sheep_err *e = NULL;

	(void)state;
	assert_int_equal(sheep_err_set(&e, ENOENT, "open '%s'", "/x"), -1);
	assert_err(e, ENOENT, "open '/x': No such file or directory");
	assert_null(e);
}

static void test_set_errnum_zero_is_plain(void **state)
{
	struct sheep_err *e = NULL;

	(void)state;
	assert_int_equal(sheep_err_set(&e, 0, "unknown namespace '%s'", "foo"), -1);
	assert_err(e, 0, "unknown namespace 'foo'");
}

static void test_code_keeps_errnum_without_strerror(void **state)
{
	struct sheep_err *e = NULL;

	(void)state;
	assert_int_equal(sheep_err_code(&e, EEXIST, "container '%s' already exists", "x"), -1);
	assert_err(e, EEXIST, "container 'x' already exists");
}

static void test_wrap_prefixes_outwards(void **state)
{
	struct sheep_err *e = NULL;

	(void)state;
	sheep_err_set(&e, EPERM, "mount '%s'", "proc");
	assert_int_equal(sheep_err_wrap(&e, "set up rootfs"), -1);
	assert_int_equal(sheep_err_wrap(&e, "create '%s'", "web1"), -1);
	assert_err(e, EPERM, "create 'web1': set up rootfs: mount 'proc': Operation not permitted");
}

static void test_wrap_without_error_stays_empty(void **state)
{
	struct sheep_err *e = NULL;

	(void)state;
	assert_int_equal(sheep_err_wrap(&e, "outer"), -1);
	assert_null(e);
	assert_int_equal(sheep_err_wrap(NULL, "outer"), -1);
}

static void test_first_error_wins(void **state)
{
	struct sheep_err *e = NULL;

	(void)state;
	sheep_err_set(&e, EACCES, "first");
	assert_int_equal(sheep_err_set(&e, ENOENT, "second"), -1);
	assert_int_equal(sheep_err_code(&e, EEXIST, "third"), -1);
	assert_int_equal(sheep_err_take(&e, EIO, strdup("fourth")), -1);
	assert_err(e, EACCES, "first: Permission denied");

	/* the same for an error made by sheep_err_code */
	sheep_err_code(&e, ESRCH, "container is not running");
	sheep_err_set(&e, ENOENT, "second");
	assert_err(e, ESRCH, "container is not running");
}

static void test_null_err_pointer_is_ignored(void **state)
{
	(void)state;
	assert_int_equal(sheep_err_set(NULL, ENOENT, "x"), -1);
	assert_int_equal(sheep_err_code(NULL, ENOENT, "x"), -1);
	assert_int_equal(sheep_err_take(NULL, ENOENT, strdup("x")), -1);
}

static void test_take_owns_message(void **state)
{
	struct sheep_err *e = NULL;

	(void)state;
	assert_int_equal(sheep_err_take(&e, EINVAL, strdup("config.json: bad")), -1);
	assert_err(e, EINVAL, "config.json: bad");
	/* a NULL message (the strdup of the caller failed) is reported as out of memory */
	sheep_err_take(&e, EINVAL, NULL);
	assert_non_null(e);
	assert_string_equal(e->msg, "out of memory");
	assert_int_equal(e->errnum, ENOMEM);
	sheep_err_wrap(&e, "not applied to the static error");
	assert_string_equal(e->msg, "out of memory");
	sheep_err_freep(&e);
	assert_null(e);
	sheep_err_free(NULL);
}

static void quote_is(const char *in, const char *want)
{
	char *got = sheep_json_quote(in);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_json_quote(void **state)
{
	(void)state;
	quote_is("", "\"\"");
	quote_is("plain text", "\"plain text\"");
	quote_is("say \"hi\"", "\"say \\\"hi\\\"\"");
	quote_is("C:\\dir", "\"C:\\\\dir\"");
	quote_is("a\nb", "\"a\\nb\"");
	quote_is("a\tb\rc", "\"a\\u0009b\\u000dc\"");
	quote_is("\x01\x1f", "\"\\u0001\\u001f\"");
	/* UTF-8 and DEL are valid inside JSON strings: passed through */
	quote_is("caf\xc3\xa9\x7f", "\"caf\xc3\xa9\x7f\"");
}

static void test_strv_view(void **state)
{
	char *items[] = {"a", "b", "c"};
	char **v;

	(void)state;
	v = sheep_strv_view(items, 3);
	assert_non_null(v);
	for (int i = 0; i < 3; i++)
		assert_ptr_equal(v[i], items[i]);
	assert_null(v[3]);
	free(v);
	v = sheep_strv_view(NULL, 0);
	assert_non_null(v);
	assert_null(v[0]);
	free(v);
}

static void test_strv_env_get(void **state)
{
	char *env[] = {"PATHX=wrong", "PAT=short", "PATH", "PATH=/a:/b", "PATH=/second", "EMPTY="};
	const size_t n = sizeof(env) / sizeof(env[0]);

	(void)state;
	assert_string_equal(sheep_strv_env_get(env, n, "PATH"), "/a:/b");
	assert_string_equal(sheep_strv_env_get(env, n, "PATHX"), "wrong");
	assert_string_equal(sheep_strv_env_get(env, n, "PAT"), "short");
	assert_string_equal(sheep_strv_env_get(env, n, "EMPTY"), "");
	assert_null(sheep_strv_env_get(env, n, "PA"));
	assert_null(sheep_strv_env_get(env, n, "HOME"));
	/* n bounds the search: the first three entries do not hold PATH= */
	assert_null(sheep_strv_env_get(env, 3, "PATH"));
	assert_null(sheep_strv_env_get(NULL, 0, "PATH"));
}

/* "0-3,7" lists (cpus, NUMA nodes): ranges, singles, the bound, and everything else refused. */
static void test_id_list(void **state)
{
	static const char *const bad[] = {"x",	  "1-",	 "-1",	 "3-1",
					  "1,",	  ",1",	 "1,,2", "64",
					  "0-64", "1 2", "1;2",	 "99999999999999999999"};
	unsigned long mask[1];
	bool any;

	(void)state;
	assert_true(sheep_id_list_parse("0-3,7,63", mask, 64, &any));
	assert_true(any);
	assert_true(mask[0] == (0xfUL | 1UL << 7 | 1UL << 63));
	assert_true(sheep_id_list_parse("5,5,4-5", mask, 64, &any));
	assert_true(mask[0] == (1UL << 4 | 1UL << 5));
	assert_true(sheep_id_list_parse("", mask, 64, &any));
	assert_false(any);
	assert_true(mask[0] == 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(sheep_id_list_parse(bad[i], mask, 64, &any));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_set_appends_strerror),
	    cmocka_unit_test(test_set_errnum_zero_is_plain),
	    cmocka_unit_test(test_code_keeps_errnum_without_strerror),
	    cmocka_unit_test(test_wrap_prefixes_outwards),
	    cmocka_unit_test(test_wrap_without_error_stays_empty),
	    cmocka_unit_test(test_first_error_wins),
	    cmocka_unit_test(test_null_err_pointer_is_ignored),
	    cmocka_unit_test(test_take_owns_message),
	    cmocka_unit_test(test_json_quote),
	    cmocka_unit_test(test_strv_view),
	    cmocka_unit_test(test_strv_env_get),
	    cmocka_unit_test(test_id_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
