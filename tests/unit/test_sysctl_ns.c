/* core/sysctl_ns.c: which namespace a sysctl belongs to, and the refusal of sysctls that would be
 * written into the runtime's own namespaces (or into the kernel's global settings). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/sysctl_ns.h"
#include "test_core.h"

static struct oci_config config_with(char **keys, size_t n, struct oci_linux *l, struct oci_map *m)
{
	static char *values[8] = {"1", "1", "1", "1", "1", "1", "1", "1"};

	*m = (struct oci_map){.keys = keys, .values = values, .len = n};
	*l = (struct oci_linux){.sysctl = m};
	return (struct oci_config){.linux_ = l};
}

static void check_fails(const struct oci_config *c, const struct sheep_ns_plan *p, const char *msg)
{
	struct sheep_err *e = NULL;

	assert_int_equal(sheep_sysctl_check(c, p, &e), -1);
	assert_err(e, 0, msg);
}

static void check_passes(const struct oci_config *c, const struct sheep_ns_plan *p)
{
	struct sheep_err *e = NULL;

	assert_int_equal(sheep_sysctl_check(c, p, &e), 0);
	assert_null(e);
}

static void test_classify(void **state)
{
	(void)state;
	assert_int_equal(sheep_sysctl_ns("net.ipv4.ip_forward"), CLONE_NEWNET);
	assert_int_equal(sheep_sysctl_ns("net/ipv4/conf/eth0.1/forwarding"), CLONE_NEWNET);
	assert_int_equal(sheep_sysctl_ns("kernel.shmmax"), CLONE_NEWIPC);
	assert_int_equal(sheep_sysctl_ns("kernel/sem"), CLONE_NEWIPC);
	assert_int_equal(sheep_sysctl_ns("fs.mqueue.queues_max"), CLONE_NEWIPC);
	assert_int_equal(sheep_sysctl_ns("kernel.domainname"), CLONE_NEWUTS);
	assert_int_equal(sheep_sysctl_ns("kernel.panic"), 0);
	assert_int_equal(sheep_sysctl_ns("vm.overcommit_memory"), 0);
	/* a prefix that only looks like one */
	assert_int_equal(sheep_sysctl_ns("network.x"), 0);
	assert_int_equal(sheep_sysctl_ns("kernel.shmmax2"), 0);
}

static void test_global_refused(void **state)
{
	char *keys[] = {"kernel.panic"};
	struct sheep_ns_plan p = {.clone_flags = CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS};
	struct oci_linux l;
	struct oci_map m;
	struct oci_config c = config_with(keys, 1, &l, &m);

	(void)state;
	check_fails(&c, &p,
		    "config.json: linux.sysctl: 'kernel.panic' is not in a separate kernel "
		    "namespace: it would change the host");
}

static void test_needs_namespace(void **state)
{
	char *net[] = {"net.ipv4.ip_forward"}, *ipc[] = {"kernel.msgmax"};
	char *uts[] = {"kernel.domainname"};
	struct sheep_ns_plan none = {0};
	struct oci_linux l;
	struct oci_map m;
	struct oci_config c = config_with(net, 1, &l, &m);

	(void)state;
	check_fails(&c, &none,
		    "config.json: linux.sysctl: 'net.ipv4.ip_forward' needs the container's own "
		    "network namespace (a new one, or a path other than the runtime's)");
	c = config_with(ipc, 1, &l, &m);
	check_fails(&c, &none,
		    "config.json: linux.sysctl: 'kernel.msgmax' needs the container's own ipc "
		    "namespace (a new one, or a path other than the runtime's)");
	c = config_with(uts, 1, &l, &m);
	check_fails(&c, &none,
		    "config.json: linux.sysctl: 'kernel.domainname' needs the container's own uts "
		    "namespace (a new one, or a path other than the runtime's)");
}

static void test_new_namespaces_pass(void **state)
{
	char *keys[] = {"net.ipv4.ip_forward", "kernel.msgmax", "fs.mqueue.msg_max",
			"kernel.domainname"};
	struct sheep_ns_plan p = {.clone_flags = CLONE_NEWNET | CLONE_NEWUTS,
				  .unshare_flags = CLONE_NEWIPC};
	struct oci_linux l;
	struct oci_map m;
	struct oci_config c = config_with(keys, 4, &l, &m);

	(void)state;
	check_passes(&c, &p);
}

/* joining the runtime's own network namespace by path is no private namespace */
static void test_joined_own_namespace(void **state)
{
	char *keys[] = {"net.ipv4.ip_forward"};
	struct sheep_ns_plan p = {.njoins = 1};
	struct oci_linux l;
	struct oci_map m;
	struct oci_config c = config_with(keys, 1, &l, &m);

	(void)state;
	p.joins[0].flag = CLONE_NEWNET;
	p.joins[0].fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	assert_true(p.joins[0].fd >= 0);
	check_fails(&c, &p,
		    "config.json: linux.sysctl: 'net.ipv4.ip_forward' needs the container's own "
		    "network namespace (a new one, or a path other than the runtime's)");
	close(p.joins[0].fd);
	/* a namespace file of another namespace (here: the uts file's inode) counts as private */
	p.joins[0].fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
	check_passes(&c, &p);
	close(p.joins[0].fd);
}

static void test_conflicts_with_fields(void **state)
{
	char *host[] = {"kernel.hostname"}, *dom[] = {"kernel/domainname"};
	struct sheep_ns_plan p = {.clone_flags = CLONE_NEWUTS};
	struct oci_linux l;
	struct oci_map m;
	struct oci_config c = config_with(host, 1, &l, &m);

	(void)state;
	check_passes(&c, &p);
	c.hostname = "box";
	check_fails(&c, &p,
		    "config.json: linux.sysctl: 'kernel.hostname' conflicts with the hostname "
		    "field");
	c = config_with(dom, 1, &l, &m);
	c.domainname = "example.org";
	check_fails(&c, &p,
		    "config.json: linux.sysctl: 'kernel/domainname' conflicts with the domainname "
		    "field");
}

static void test_no_sysctl(void **state)
{
	struct oci_config c = {0};
	struct sheep_ns_plan p = {0};

	(void)state;
	check_passes(&c, &p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_classify),
	    cmocka_unit_test(test_global_refused),
	    cmocka_unit_test(test_needs_namespace),
	    cmocka_unit_test(test_new_namespaces_pass),
	    cmocka_unit_test(test_joined_own_namespace),
	    cmocka_unit_test(test_conflicts_with_fields),
	    cmocka_unit_test(test_no_sysctl),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
