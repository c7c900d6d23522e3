/* core/intelrdt.c: linux.intelRdt is refused, with the spec's error where no resctrl filesystem is
 * mounted and as unsupported where one is; nothing is refused without it. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/intelrdt.h"
#include "test_core.h"

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_intelrdt(void **state)
{
	char dir[64], with[96], without[96];
	struct oci_intel_rdt rdt = {.clos_id = "c1", .l3_cache_schema = "L3:0=ff"};
	struct sheep_err *err = NULL;

	(void)state;
	test_mkdtemp(dir, "intelrdt");
	snprintf(with, sizeof(with), "%s/with", dir);
	snprintf(without, sizeof(without), "%s/without", dir);
	write_file(without, "22 1 0:20 / /proc rw,relatime - proc proc rw\n"
			    "30 22 0:26 / /sys/fs/resctrl-like rw - tmpfs resctrl rw\n");
	write_file(with, "22 1 0:20 / /proc rw,relatime - proc proc rw\n"
			 "31 22 0:27 / /sys/fs/resctrl rw,relatime - resctrl resctrl rw\n");
	assert_int_equal(sheep_intelrdt_check(NULL, without, NULL), 0);
	assert_int_equal(sheep_intelrdt_check(&rdt, without, &err), -1);
	assert_err(err, ENODEV,
		   "config.json: linux.intelRdt: no resctrl filesystem is mounted (Intel RDT is "
		   "not available on this host)");
	assert_int_equal(sheep_intelrdt_check(&rdt, with, &err), -1);
	assert_err(err, EOPNOTSUPP,
		   "config.json: linux.intelRdt: resctrl groups are not supported by this runtime");
	test_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_intelrdt)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
