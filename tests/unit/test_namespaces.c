/* core/namespaces.c: sheep_ns_plan_make validation messages, opening path namespaces (checked to be
 * namespaces of the declared type) and the split between clone flags and unshare flags. */
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/namespaces.h"
#include "test_core.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define NS(t, p) ((struct oci_namespace){.type = (char *)(t), .path = (char *)(p)})

static struct oci_id_mapping one_map = {.container_id = 0, .host_id = 100000, .size = 65536};
static struct oci_time_offset mono = {.secs = 10, .nanosecs = 0};
static struct oci_time_offsets offsets = {.monotonic = &mono};

static struct oci_linux linux_with(struct oci_namespace *ns, size_t n)
{
	return (struct oci_linux){.namespaces = ns, .namespaces_len = n};
}

static void with_maps(struct oci_linux *l)
{
	l->uid_mappings = &one_map;
	l->uid_mappings_len = 1;
	l->gid_mappings = &one_map;
	l->gid_mappings_len = 1;
}

static void plan_fails(const struct oci_linux *l, int errnum, const char *msg)
{
	struct sheep_ns_plan p;
	struct sheep_err *e = NULL;
	int fds = test_count_fds();

	assert_int_equal(sheep_ns_plan_make(l, &p, &e), -1);
	assert_err(e, errnum, msg);
	assert_int_equal(p.njoins, 0);
	/* every namespace opened before the failure is closed again */
	assert_int_equal(test_count_fds(), fds);
}

static void test_duplicate(void **state)
{
	struct oci_namespace ns[] = {NS("network", NULL), NS("uts", NULL), NS("network", NULL)};
	struct oci_linux l = linux_with(ns, 3);

	(void)state;
	plan_fails(&l, 0, "config.json: linux.namespaces[2].type: duplicate namespace 'network'");
}

static void test_unknown(void **state)
{
	struct oci_namespace ns[] = {NS("mount", NULL), NS("net", NULL)};
	struct oci_linux l = linux_with(ns, 2);

	(void)state;
	plan_fails(&l, 0, "config.json: linux.namespaces[1].type: unknown namespace 'net'");
}

static void test_user_without_mappings(void **state)
{
	struct oci_namespace ns[] = {NS("user", NULL), NS("mount", NULL)};
	struct oci_linux l = linux_with(ns, 2);
	const char *msg = "config.json: linux.uidMappings: a new user namespace needs uidMappings "
			  "and gidMappings";

	(void)state;
	plan_fails(&l, 0, msg);
	/* one of the two is not enough */
	l.uid_mappings = &one_map;
	l.uid_mappings_len = 1;
	plan_fails(&l, 0, msg);
}

static void test_mappings_without_user(void **state)
{
	struct oci_namespace ns[] = {NS("mount", NULL)};
	struct oci_linux l = linux_with(ns, 1);
	const char *msg = "config.json: linux.uidMappings: mappings given without a user namespace";

	(void)state;
	with_maps(&l);
	plan_fails(&l, 0, msg);
	/* a gid mapping alone counts too */
	l.uid_mappings_len = 0;
	plan_fails(&l, 0, msg);
}

/* A user namespace joined by path keeps its maps: the config's are accepted (podman passes them
 * with --userns=container:, runc 1.1 requires them) and never written. */
static void test_mappings_with_joined_user(void **state)
{
	struct oci_namespace ns[] = {NS("user", "/proc/self/ns/user"), NS("mount", NULL)};
	struct oci_linux l = linux_with(ns, 2);
	struct sheep_ns_plan p;
	struct sheep_err *e = NULL;

	(void)state;
	with_maps(&l);
	assert_int_equal(sheep_ns_plan_make(&l, &p, &e), 0);
	assert_null(e);
	assert_false(p.new_user);
	assert_int_equal(p.njoins, 1);
	sheep_ns_plan_close(&p);
}

static void map_fails(struct oci_id_mapping *m, size_t n, const char *msg)
{
	struct oci_namespace ns[] = {NS("user", NULL)};
	struct oci_linux l = linux_with(ns, 1);

	with_maps(&l);
	l.gid_mappings = m;
	l.gid_mappings_len = n;
	plan_fails(&l, 0, msg);
}

/* What the kernel would refuse with EINVAL for the whole uid_map/gid_map write, named. */
static void test_bad_mappings(void **state)
{
	static struct oci_id_mapping m[400];

	(void)state;
	m[0] = (struct oci_id_mapping){0, 100000, 10};
	m[1] = (struct oci_id_mapping){20, 200000, 0};
	map_fails(m, 2, "config.json: linux.gidMappings[1].size: must not be 0");
	m[1] = (struct oci_id_mapping){5, 200000, 10};
	map_fails(m, 2,
		  "config.json: linux.gidMappings[1]: containerID range overlaps "
		  "gidMappings[0]");
	m[1] = (struct oci_id_mapping){10, 100009, 10};
	map_fails(m, 2, "config.json: linux.gidMappings[1]: hostID range overlaps gidMappings[0]");
	/* adjacent ranges are fine on both sides; the last id (u32)-1 cannot be mapped */
	m[1] = (struct oci_id_mapping){10, 100010, 10};
	m[2] = (struct oci_id_mapping){4294967000u, 300000, 296};
	map_fails(m, 3, "config.json: linux.gidMappings[2]: the range ends past id 4294967294");
	m[2].size = 295;
	m[3] = (struct oci_id_mapping){30, 4294967290u, 10};
	map_fails(m, 4, "config.json: linux.gidMappings[3]: the range ends past id 4294967294");
	for (unsigned int i = 0; i < 400; i++)
		m[i] = (struct oci_id_mapping){i * 2, 100000 + i * 2, 1};
	map_fails(m, 341,
		  "config.json: linux.gidMappings: 341 ranges, the kernel takes at most 340");
	/* 340 lines, but more than a page of text */
	for (unsigned int i = 0; i < 340; i++)
		m[i] = (struct oci_id_mapping){i * 2, 1000000000 + i * 2, 1};
	map_fails(m, 340,
		  "config.json: linux.gidMappings: 5725 bytes as text, the kernel takes "
		  "less than 4096");
	m[0] = (struct oci_id_mapping){1, 100000, 10};
	map_fails(m, 1,
		  "config.json: linux.gidMappings: container id 0 is not mapped (the "
		  "runtime sets the container up as root of its user namespace)");
}

static void test_time_offsets_without_time(void **state)
{
	struct oci_namespace ns[] = {NS("mount", NULL)};
	struct oci_linux l = linux_with(ns, 1);
	struct sheep_ns_plan p;
	struct sheep_err *e = NULL;

	(void)state;
	l.time_offsets = &offsets;
	plan_fails(&l, 0,
		   "config.json: linux.timeOffsets: offsets given without a new time namespace");
	ns[0] = NS("time", NULL);
	assert_int_equal(sheep_ns_plan_make(&l, &p, &e), 0);
	assert_true(p.new_time);
	assert_int_equal(p.unshare_flags, CLONE_NEWTIME);
	assert_int_equal(p.clone_flags, 0);
}

static void test_path_missing(void **state)
{
	struct oci_namespace ns[] = {NS("uts", NULL), NS("network", "/nonexistent/ns/net")};
	struct oci_linux l = linux_with(ns, 2);

	(void)state;
	plan_fails(&l, ENOENT,
		   "config.json: linux.namespaces[1].path: open '/nonexistent/ns/net': No such "
		   "file or directory");
}

static void test_path_not_a_namespace(void **state)
{
	char dir[64], want[256];
	char *file;

	(void)state;
	test_mkdtemp(dir, "test_namespaces");
	file = test_put(dir, "net", "not a namespace\n", 0644);
	struct oci_namespace ns[] = {NS("network", file)};
	struct oci_linux l = linux_with(ns, 1);
	snprintf(want, sizeof(want),
		 "config.json: linux.namespaces[0].path: '%s' is not a network namespace", file);
	plan_fails(&l, 0, want);
	free(file);
	test_rmtree(dir);
}

static void test_path_wrong_type(void **state)
{
	struct oci_namespace ns[] = {NS("network", "/proc/self/ns/net"),
				     NS("ipc", "/proc/self/ns/uts")};
	struct oci_linux l = linux_with(ns, 2);

	(void)state;
	plan_fails(&l, 0,
		   "config.json: linux.namespaces[1].path: '/proc/self/ns/uts' is not an ipc "
		   "namespace");
}

static void test_path_join(void **state)
{
	struct oci_namespace ns[] = {NS("network", "/proc/self/ns/net"), NS("uts", ""),
				     NS("mount", NULL)};
	struct oci_linux l = linux_with(ns, 3);
	struct sheep_ns_plan p;
	struct sheep_err *e = NULL;
	int fd;

	(void)state;
	assert_int_equal(sheep_ns_plan_make(&l, &p, &e), 0);
	assert_null(e);
	assert_int_equal(p.njoins, 1);
	assert_int_equal(p.joins[0].flag, CLONE_NEWNET);
	fd = p.joins[0].fd;
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	assert_true(p.has_net && p.has_mount);
	assert_false(p.has_user || p.has_pid || p.has_cgroup);
	/* an empty path means a new namespace, like no path */
	assert_int_equal(p.unshare_flags, CLONE_NEWUTS | CLONE_NEWNS);
	assert_int_equal(p.clone_flags, 0);
	sheep_ns_plan_close(&p);
	assert_int_equal(p.njoins, 0);
	assert_int_equal(fcntl(fd, F_GETFD), -1);
	assert_int_equal(errno, EBADF);
}

/* With a new user namespace and nothing to join, clone3 makes them all (but cgroup and time,
 * which the child unshares later). */
static void test_split_new_user_clones(void **state)
{
	struct oci_namespace ns[] = {NS("user", NULL),	  NS("mount", NULL), NS("pid", NULL),
				     NS("network", NULL), NS("uts", NULL),   NS("ipc", NULL),
				     NS("cgroup", NULL),  NS("time", NULL)};
	struct oci_linux l = linux_with(ns, 8);
	struct sheep_ns_plan p;
	struct sheep_err *e = NULL;

	(void)state;
	with_maps(&l);
	assert_int_equal(sheep_ns_plan_make(&l, &p, &e), 0);
	assert_true(p.new_user && p.new_pid && p.new_cgroup && p.new_time);
	assert_int_equal(p.clone_flags, CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET |
					    CLONE_NEWUTS | CLONE_NEWIPC);
	assert_int_equal(p.unshare_flags, CLONE_NEWCGROUP | CLONE_NEWTIME);
	assert_int_equal(p.njoins, 0);
}

/* A path to join forces unshare after setns: only the pid namespace stays a clone flag. */
static void test_split_join_unshares(void **state)
{
	struct oci_namespace ns[] = {NS("user", NULL), NS("mount", NULL), NS("pid", NULL),
				     NS("network", "/proc/self/ns/net"), NS("cgroup", NULL)};
	struct oci_linux l = linux_with(ns, 5);
	struct sheep_ns_plan p;
	struct sheep_err *e = NULL;

	(void)state;
	with_maps(&l);
	assert_int_equal(sheep_ns_plan_make(&l, &p, &e), 0);
	assert_int_equal(p.clone_flags, CLONE_NEWPID);
	assert_int_equal(p.unshare_flags, CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWCGROUP);
	assert_int_equal(p.njoins, 1);
	sheep_ns_plan_close(&p);
}

static void test_split_without_user(void **state)
{
	struct oci_namespace ns[] = {NS("pid", NULL), NS("mount", NULL), NS("ipc", NULL)};
	struct oci_linux l = linux_with(ns, 3);
	struct sheep_ns_plan p;
	struct sheep_err *e = NULL;

	(void)state;
	assert_int_equal(sheep_ns_plan_make(&l, &p, &e), 0);
	assert_false(p.new_user);
	assert_true(p.new_pid);
	assert_int_equal(p.clone_flags, CLONE_NEWPID);
	assert_int_equal(p.unshare_flags, CLONE_NEWNS | CLONE_NEWIPC);
	/* no linux section at all: nothing new, nothing to join */
	assert_int_equal(sheep_ns_plan_make(NULL, &p, &e), 0);
	assert_int_equal(p.clone_flags | p.unshare_flags | p.njoins, 0);
}

static void test_flag_names(void **state)
{
	(void)state;
	assert_int_equal(sheep_ns_flag("network"), CLONE_NEWNET);
	assert_int_equal(sheep_ns_flag("mount"), CLONE_NEWNS);
	assert_int_equal(sheep_ns_flag("time"), CLONE_NEWTIME);
	assert_int_equal(sheep_ns_flag("net"), 0);
	assert_int_equal(sheep_ns_flag(""), 0);
	assert_string_equal(sheep_ns_proc_name(CLONE_NEWNET), "net");
	assert_string_equal(sheep_ns_proc_name(CLONE_NEWNS), "mnt");
	assert_string_equal(sheep_ns_proc_name(CLONE_NEWCGROUP), "cgroup");
	assert_string_equal(sheep_ns_proc_name(0), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_duplicate),
	    cmocka_unit_test(test_unknown),
	    cmocka_unit_test(test_user_without_mappings),
	    cmocka_unit_test(test_mappings_without_user),
	    cmocka_unit_test(test_mappings_with_joined_user),
	    cmocka_unit_test(test_bad_mappings),
	    cmocka_unit_test(test_time_offsets_without_time),
	    cmocka_unit_test(test_path_missing),
	    cmocka_unit_test(test_path_not_a_namespace),
	    cmocka_unit_test(test_path_wrong_type),
	    cmocka_unit_test(test_path_join),
	    cmocka_unit_test(test_split_new_user_clones),
	    cmocka_unit_test(test_split_join_unshares),
	    cmocka_unit_test(test_split_without_user),
	    cmocka_unit_test(test_flag_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
