/* core/lsm.c: labels are written beneath a verified procfs as <pid>/task/<tid>/attr/..., never
 * through a path string the rootfs could redirect. This host runs no LSM, so the write itself is
 * refused by the kernel; the test checks which file was used and that nothing is touched when no
 * label is given. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/lsm.h"
#include "test_core.h"

static bool lsm_running(void)
{
	return access("/sys/fs/selinux/enforce", F_OK) == 0 ||
	       access("/sys/module/apparmor/parameters/enabled", F_OK) == 0;
}

static void test_nothing_to_do(void **state)
{
	struct sheep_err *e = NULL;
	int fds = test_count_fds();

	(void)state;
	assert_int_equal(sheep_lsm_apply(NULL, NULL, &e), 0);
	assert_int_equal(sheep_lsm_apply("", "", &e), 0);
	assert_null(e);
	assert_int_equal(test_count_fds(), fds);
}

static void test_label_goes_to_the_thread_attr_file(void **state)
{
	struct sheep_err *e = NULL;
	char want[128];
	int fds = test_count_fds();

	(void)state;
	if (lsm_running())
		skip();
	assert_int_equal(sheep_lsm_apply(NULL, "system_u:system_r:container_t:s0", &e), -1);
	assert_non_null(e);
	snprintf(want, sizeof(want), "/proc/%d/task/%d/attr/exec'", (int)getpid(), (int)gettid());
	assert_non_null(strstr(e->msg, "set SELinux label 'system_u:system_r:container_t:s0': "));
	assert_non_null(strstr(e->msg, want));
	sheep_err_free(e);
	e = NULL;
	/* AppArmor: its own directory first, then the shared file, named in the error */
	assert_int_equal(sheep_lsm_apply("unconfined", NULL, &e), -1);
	assert_non_null(strstr(e->msg, "set AppArmor profile 'unconfined': "));
	assert_non_null(strstr(e->msg, want));
	sheep_err_free(e);
	assert_int_equal(test_count_fds(), fds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nothing_to_do),
	    cmocka_unit_test(test_label_goes_to_the_thread_attr_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
