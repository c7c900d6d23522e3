/* core/verbs/kill.c: sheep_signal_parse, the signal argument of `kill` (numbers, names with or
 * without SIG, any case). */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <cmocka.h>

#include "core/container.h"
#include "test_core.h"

static void parses(const char *text, int want)
{
	struct sheep_err *e = NULL;
	int got = -1;

	assert_int_equal(sheep_signal_parse(text, &got, &e), 0);
	assert_null(e);
	assert_int_equal(got, want);
}

static void rejects(const char *text)
{
	struct sheep_err *e = NULL;
	char want[128];
	int got = -1;

	assert_int_equal(sheep_signal_parse(text, &got, &e), -1);
	snprintf(want, sizeof(want), "invalid signal '%s'", text);
	assert_err(e, EINVAL, want);
}

static void test_numbers(void **state)
{
	(void)state;
	parses("9", SIGKILL);
	parses("15", SIGTERM);
	parses("1", SIGHUP);
	parses("64", 64);
	parses("0", 0); /* no signal, only the checks (kill(2)) */
	rejects("65");
	rejects("9x");
	rejects("99999999999999999999");
	rejects("-9");
	rejects(" 9");
}

static void test_names(void **state)
{
	(void)state;
	parses("KILL", SIGKILL);
	parses("SIGKILL", SIGKILL);
	parses("sigterm", SIGTERM);
	parses("term", SIGTERM);
	parses("SigHup", SIGHUP);
	parses("USR1", SIGUSR1);
	parses("SIGWINCH", SIGWINCH);
	parses("CHLD", SIGCHLD);
	rejects("FOO");
	rejects("SIGFOO");
	rejects("SIG");
	rejects("");
	rejects("SIGSIGKILL");
	rejects("KILL ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_numbers),
	    cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
