/* core/netdev.c, the part that runs before anything is made: interface names checked as the
 * kernel would take them ("%d" only in the name inside the container), the host device present,
 * and a network namespace of the container's own required. The move itself needs root and is
 * tested in tests/integration/netdevices.bats. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/netdev.h"
#include "test_core.h"

static int check(const char *host, const char *name, bool has_net, struct sheep_err **err)
{
	char *hosts[] = {(char *)host}, *names[] = {(char *)name};
	struct oci_net_devices d = {.host_names = hosts, .names = names, .len = 1};

	return sheep_netdev_check(&d, has_net, err);
}

static void fails(const char *host, const char *name, bool has_net, int errnum, const char *msg)
{
	struct sheep_err *err = NULL;

	assert_int_equal(check(host, name, has_net, &err), -1);
	assert_err(err, errnum, msg);
	sheep_err_free(err);
}

static void test_nothing_to_do(void **state)
{
	struct oci_net_devices empty = {0};

	(void)state;
	assert_int_equal(sheep_netdev_check(NULL, false, NULL), 0);
	assert_int_equal(sheep_netdev_check(&empty, false, NULL), 0);
}

/* lo exists in every network namespace, so these pass wherever the tests run */
static void test_valid(void **state)
{
	(void)state;
	assert_int_equal(check("lo", NULL, true, NULL), 0);
	assert_int_equal(check("lo", "eth1", true, NULL), 0);
	assert_int_equal(check("lo", "net%d", true, NULL), 0);
	assert_int_equal(check("lo", "abcdefghijklmno", true, NULL), 0);
}

static void test_invalid_names(void **state)
{
	static const char *const bad[] = {
	    "", "a/b", "a b", "a:b", ".", "..", "abcdefghijklmnop", "x%d%d", "x%s", "x%"};
	char msg[128];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(msg, sizeof(msg),
			 "config.json: linux.netDevices.lo.name: invalid interface name '%s'",
			 bad[i]);
		fails("lo", bad[i], true, EINVAL, msg);
	}
	/* a template means nothing on the host side */
	fails("lo%d", NULL, true, EINVAL,
	      "config.json: linux.netDevices: invalid interface name 'lo%d'");
	fails("a/b", NULL, true, EINVAL,
	      "config.json: linux.netDevices: invalid interface name 'a/b'");
}

static void test_no_network_namespace(void **state)
{
	(void)state;
	fails("lo", NULL, false, EINVAL,
	      "config.json: linux.netDevices: the container has no network namespace of its own "
	      "(add one to linux.namespaces)");
}

static void test_missing_device(void **state)
{
	(void)state;
	fails("sheepnosuch0", NULL, true, ENODEV,
	      "config.json: linux.netDevices: network device 'sheepnosuch0' does not exist: No "
	      "such device");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nothing_to_do),  cmocka_unit_test(test_valid),
	    cmocka_unit_test(test_invalid_names),  cmocka_unit_test(test_no_network_namespace),
	    cmocka_unit_test(test_missing_device),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
