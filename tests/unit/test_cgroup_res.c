/* Unit tests of linux.resources -> cgroup file/value mapping on v1 and v2, with a temporary
 * directory whose files stand in for the control files (only files that exist can be written,
 * as on cgroupfs). */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/cgroup/internal.h"
#include "util/cleanup.h"
#include "util/fs.h"

static char dir[64];

static int setup(void **state)
{
	strcpy(dir, "/tmp/sheep-cgres-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	return sheep_rm_rf_at(AT_FDCWD, dir, NULL);
}

/* Creates empty control files in dir. */
static void files(const char *names)
{
	_cleanup_free_ char *copy = strdup(names);
	char *save = NULL;

	for (char *n = strtok_r(copy, " ", &save); n; n = strtok_r(NULL, " ", &save)) {
		_cleanup_free_ char *p = NULL;
		int fd;

		assert_true(asprintf(&p, "%s/%s", dir, n) > 0);
		fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		assert_true(fd >= 0);
		close(fd);
	}
}

static void expect(const char *file, const char *value)
{
	_cleanup_free_ char *s = NULL;
	struct sheep_err *err = NULL;

	assert_int_equal(cg_read(dir, file, &s, &err), 0);
	assert_string_equal(s, value);
}

static void test_v1_memory(void **state)
{
	struct oci_memory m = {.has_limit = true,
			       .limit = 1048576,
			       .has_swap = true,
			       .swap = 2097152,
			       .has_reservation = true,
			       .reservation = 524288,
			       .has_swappiness = true,
			       .swappiness = 10,
			       .has_disable_oom_killer = true,
			       .disable_oom_killer = true,
			       .has_kernel = true,
			       .kernel = 4096};
	struct sheep_err *err = NULL;

	files("memory.limit_in_bytes memory.memsw.limit_in_bytes memory.soft_limit_in_bytes "
	      "memory.swappiness memory.oom_control memory.use_hierarchy");
	assert_int_equal(cg_v1_memory(dir, &m, &err), 0);
	expect("memory.limit_in_bytes", "1048576");
	expect("memory.memsw.limit_in_bytes", "2097152");
	expect("memory.soft_limit_in_bytes", "524288");
	expect("memory.swappiness", "10");
	expect("memory.oom_control", "1");
	expect("memory.use_hierarchy", ""); /* not given: not written */
}

static void test_v1_memory_error(void **state)
{
	struct oci_memory m = {.has_limit = true, .limit = -1, .has_use_hierarchy = true};
	_cleanup_err_ struct sheep_err *err = NULL;

	files("memory.limit_in_bytes");
	assert_int_equal(cg_v1_memory(dir, &m, &err), -1);
	expect("memory.limit_in_bytes", "-1");
	assert_string_equal(err->msg,
			    "write 'memory.use_hierarchy' = '0': No such file or directory");
}

static void test_v1_cpu(void **state)
{
	struct oci_cpu c = {.has_shares = true,
			    .shares = 512,
			    .has_quota = true,
			    .quota = 50000,
			    .has_period = true,
			    .period = 100000,
			    .has_realtime_runtime = true,
			    .realtime_runtime = 950000,
			    .cpus = "0",
			    .mems = "0"};
	struct sheep_err *err = NULL;

	files("cpu.shares cpu.cfs_quota_us cpu.cfs_period_us cpu.cfs_burst_us cpu.rt_runtime_us "
	      "cpu.rt_period_us cpuset.cpus cpuset.mems");
	assert_int_equal(cg_v1_cpu(dir, &c, &err), 0);
	assert_int_equal(cg_v1_cpuset(dir, &c, &err), 0);
	expect("cpu.shares", "512");
	expect("cpu.cfs_quota_us", "50000");
	expect("cpu.cfs_period_us", "100000");
	expect("cpu.cfs_burst_us", "");
	expect("cpu.rt_runtime_us", "950000");
	expect("cpu.rt_period_us", "");
	expect("cpuset.cpus", "0");
	expect("cpuset.mems", "0");
}

/* A new v1 cpuset is empty and gets its parent's cpus and mems; set ones are kept. */
static void test_v1_cpuset_inherit(void **state)
{
	_cleanup_free_ char *child = NULL, *s = NULL;
	struct sheep_err *err = NULL;

	files("cpuset.cpus cpuset.mems");
	assert_int_equal(cg_write(dir, "cpuset.cpus", "0-3\n", &err), 0);
	assert_int_equal(cg_write(dir, "cpuset.mems", "0\n", &err), 0);
	assert_true(asprintf(&child, "%s/c", dir) > 0);
	assert_int_equal(mkdir(child, 0755), 0);
	files("c/cpuset.cpus c/cpuset.mems");
	assert_int_equal(cg_write(child, "cpuset.mems", "1", &err), 0);
	assert_int_equal(cg_v1_cpuset_inherit(dir, child, &err), 0);
	assert_int_equal(cg_read(child, "cpuset.cpus", &s, &err), 0);
	assert_string_equal(s, "0-3");
	free(s);
	assert_int_equal(cg_read(child, "cpuset.mems", &s, &err), 0);
	assert_string_equal(s, "1");
}

/* A parent a concurrent create has just made is still empty: it is filled from its own parent
 * (as that create would) before the child copies it. A chain that never reaches a set value is
 * an error, not an empty cpuset that would refuse every task. */
static void test_v1_cpuset_inherit_empty_parent(void **state)
{
	_cleanup_free_ char *parent = NULL, *child = NULL, *s = NULL;
	struct sheep_err *err = NULL;

	files("cpuset.cpus cpuset.mems");
	assert_int_equal(cg_write(dir, "cpuset.cpus", "0-1\n", &err), 0);
	assert_int_equal(cg_write(dir, "cpuset.mems", "0\n", &err), 0);
	assert_true(asprintf(&parent, "%s/sheep-oci", dir) > 0);
	assert_true(asprintf(&child, "%s/c", parent) > 0);
	assert_int_equal(mkdir(parent, 0755), 0);
	assert_int_equal(mkdir(child, 0755), 0);
	files("sheep-oci/cpuset.cpus sheep-oci/cpuset.mems");
	files("sheep-oci/c/cpuset.cpus sheep-oci/c/cpuset.mems");
	assert_int_equal(cg_v1_cpuset_inherit(parent, child, &err), 0);
	assert_int_equal(cg_read(child, "cpuset.cpus", &s, &err), 0);
	assert_string_equal(s, "0-1");
	free(s);
	assert_int_equal(cg_read(parent, "cpuset.mems", &s, &err), 0);
	assert_string_equal(s, "0");
	free(s);
	s = NULL;

	files("cpuset.cpus sheep-oci/cpuset.cpus sheep-oci/c/cpuset.cpus"); /* all empty again */
	assert_int_equal(cg_v1_cpuset_inherit(parent, child, &err), -1);
	assert_int_equal(err->errnum, ENOSPC);
	assert_non_null(strstr(err->msg, "cpuset.cpus' is empty"));
	sheep_err_free(err);
}

static void test_v1_pids_blkio(void **state)
{
	struct oci_pids p = {.limit = -1};
	struct oci_block_io_device_throttle t = {
	    .major = 8, .minor = 0, .has_rate = true, .rate = 1000};
	struct oci_block_io_device_weight w = {
	    .major = 8, .minor = 16, .has_weight = true, .weight = 300};
	struct oci_block_io b = {.has_weight = true,
				 .weight = 500,
				 .has_leaf_weight = true,
				 .leaf_weight = 400,
				 .weight_device = &w,
				 .weight_device_len = 1,
				 .throttle_write_iops_device = &t,
				 .throttle_write_iops_device_len = 1};
	struct sheep_err *err = NULL;

	files("pids.max blkio.bfq.weight blkio.bfq.weight_device blkio.throttle.write_iops_device "
	      "blkio.throttle.read_bps_device");
	assert_int_equal(cg_v1_pids(dir, &p, &err), 0);
	expect("pids.max", "max");
	/* No blkio.weight: BFQ's files, and the CFQ-only leaf weight is skipped. */
	assert_int_equal(cg_v1_blkio(dir, &b, &err), 0);
	expect("blkio.bfq.weight", "500");
	expect("blkio.bfq.weight_device", "8:16 300");
	expect("blkio.throttle.write_iops_device", "8:0 1000");
	expect("blkio.throttle.read_bps_device", "");
}

static void test_v1_misc(void **state)
{
	struct oci_hugepage_limit hp = {.page_size = "2MB", .limit = 4194304};
	struct oci_interface_priority prio = {.name = "eth0", .priority = 5};
	struct oci_network net = {
	    .has_class_id = true, .class_id = 0x100001, .priorities = &prio, .priorities_len = 1};
	char *devs[] = {"mlx5_0"};
	struct oci_rdma_limit rl = {.has_hca_handles = true, .hca_handles = 3};
	struct oci_rdma rdma = {.devices = devs, .limits = &rl, .len = 1};
	struct oci_resources r = {.hugepage_limits = &hp, .hugepage_limits_len = 1};
	struct sheep_err *err = NULL;

	files("hugetlb.2MB.limit_in_bytes hugetlb.2MB.rsvd.limit_in_bytes net_cls.classid "
	      "net_prio.ifpriomap rdma.max");
	assert_int_equal(cg_v1_hugetlb(dir, &r, &err), 0);
	assert_int_equal(cg_v1_net_cls(dir, &net, &err), 0);
	assert_int_equal(cg_v1_net_prio(dir, &net, &err), 0);
	assert_int_equal(cg_rdma(dir, &rdma, &err), 0);
	expect("hugetlb.2MB.limit_in_bytes", "4194304");
	/* reservations too, where the kernel accounts them */
	expect("hugetlb.2MB.rsvd.limit_in_bytes", "4194304");
	expect("net_cls.classid", "1048577");
	expect("net_prio.ifpriomap", "eth0 5");
	expect("rdma.max", "mlx5_0 hca_handle=3");
}

/* Deny-all first, the rules in order, then the spec's default devices. A plain file keeps only the
 * last write of each: the deny rule of the config and the last default device. */
static void test_v1_devices(void **state)
{
	struct oci_device_cgroup d[] = {
	    {.allow = false, .access = "rwm"},
	    {.allow = true, .type = "c", .has_major = true, .major = 10, .access = "rw"},
	};
	struct oci_resources r = {.devices = d, .devices_len = 2};
	_cleanup_err_ struct sheep_err *err = NULL;
	_cleanup_free_ char *allow = NULL;

	assert_true(asprintf(&allow, "%s/devices.allow", dir) > 0);
	files("devices.allow devices.deny");
	assert_int_equal(cg_v1_devices(dir, &r, &err), 0);
	expect("devices.deny", "a *:* rwm");
	expect("devices.allow", "c 136:* rwm");
	assert_int_equal(unlinkat(AT_FDCWD, allow, 0), 0);
	assert_int_equal(cg_v1_devices(dir, &r, &err), -1);
	assert_string_equal(err->msg, "write 'devices.allow' = 'c 10:* rw': No such file or "
				      "directory");
}

static void test_v2_memory(void **state)
{
	struct oci_memory m = {.has_limit = true,
			       .limit = 1048576,
			       .has_swap = true,
			       .swap = 3145728,
			       .has_reservation = true,
			       .reservation = -1,
			       .has_swappiness = true,
			       .swappiness = 5};
	struct oci_memory bad = {.has_swap = true, .swap = 100};
	struct oci_memory below = {.has_limit = true, .limit = 200, .has_swap = true, .swap = 100};
	_cleanup_err_ struct sheep_err *err = NULL, *e2 = NULL;

	files("memory.max memory.swap.max memory.low");
	assert_int_equal(cg_v2_memory(dir, &m, &err), 0);
	expect("memory.max", "1048576");
	expect("memory.swap.max", "2097152");
	expect("memory.low", "max");
	assert_int_equal(cg_v2_memory(dir, &bad, &err), -1);
	assert_string_equal(err->msg, "memory.swap '100' needs a memory limit on cgroup v2: "
				      "Invalid argument");
	assert_int_equal(cg_v2_memory(dir, &below, &e2), -1);
	assert_string_equal(e2->msg, "memory.swap '100' is below memory.limit '200': Invalid "
				     "argument");
}

static void test_v2_check_before_update(void **state)
{
	struct oci_memory m = {.has_limit = true, .limit = 1000, .check_before_update = true};
	_cleanup_err_ struct sheep_err *err = NULL;

	files("memory.max memory.current");
	assert_int_equal(cg_write(dir, "memory.current", "4096\n", &err), 0);
	assert_int_equal(cg_v2_memory(dir, &m, &err), -1);
	assert_string_equal(err->msg, "memory.max '1000' is below the current usage '4096': Device "
				      "or resource busy");
	expect("memory.max", "");
}

static void test_v2_cpu(void **state)
{
	struct oci_cpu c = {.has_shares = true,
			    .shares = 1024,
			    .has_quota = true,
			    .quota = 20000,
			    .has_period = true,
			    .period = 50000};
	struct oci_cpu only_period = {.has_period = true, .period = 10000};
	struct oci_cpu rt = {.has_realtime_period = true, .realtime_period = 1};
	_cleanup_err_ struct sheep_err *err = NULL;

	files("cpu.weight cpu.max");
	assert_int_equal(cg_v2_cpu(dir, &c, &err), 0);
	expect("cpu.weight", "39");
	expect("cpu.max", "20000 50000");
	assert_int_equal(cg_v2_cpu(dir, &only_period, &err), 0);
	expect("cpu.max", "20000 10000");
	assert_int_equal(cg_v2_cpu(dir, &rt, &err), -1);
	assert_string_equal(err->msg,
			    "cpu.realtimeRuntime and cpu.realtimePeriod are not supported "
			    "on cgroup v2: Operation not supported");
}

static void test_conversions(void **state)
{
	assert_int_equal(cg_shares_to_weight(2), 1);
	assert_int_equal(cg_shares_to_weight(262144), 10000);
	assert_int_equal(cg_shares_to_weight(1024), 39);
	assert_int_equal(cg_blkio_to_io_weight(10), 1);
	assert_int_equal(cg_blkio_to_io_weight(1000), 10000);
	assert_int_equal(cg_blkio_to_io_weight(500), 4950);
}

static void test_v2_io_pids_hugetlb(void **state)
{
	struct oci_block_io_device_throttle t = {
	    .major = 8, .minor = 0, .has_rate = true, .rate = 2048};
	struct oci_block_io b = {.has_weight = true,
				 .weight = 500,
				 .throttle_read_bps_device = &t,
				 .throttle_read_bps_device_len = 1};
	struct oci_pids p = {.limit = 64};
	struct oci_hugepage_limit hp = {.page_size = "1GB", .limit = 0};
	struct oci_resources r = {.hugepage_limits = &hp, .hugepage_limits_len = 1};
	struct sheep_err *err = NULL;

	files("io.weight io.max pids.max hugetlb.1GB.max");
	assert_int_equal(cg_v2_io(dir, &b, &err), 0);
	expect("io.weight", "default 4950");
	expect("io.max", "8:0 rbps=2048");
	assert_int_equal(cg_v2_pids(dir, &p, &err), 0);
	expect("pids.max", "64");
	/* a kernel without reservation accounting (no hugetlb.1GB.rsvd.max): usage only */
	assert_int_equal(cg_v2_hugetlb(dir, &r, &err), 0);
	expect("hugetlb.1GB.max", "0");
}

/* Dispatch on a hybrid layout: memory on v1, unified keys only for v2 controllers, devices on
 * pure v2 to the BPF hook. The fake v2 tree has its subtree_control files. */
static void test_dispatch_unified(void **state)
{
	struct cg_hier h[2] = {{.controllers = "memory", .mountpoint = dir, .path = "/"},
			       {.controllers = "", .mountpoint = dir, .path = "/v2", .v2 = true}};
	struct sheep_cgroup cg = {.h = h, .len = 2, .clone_fd = -1};
	char *keys[] = {"pids.max"}, *vals[] = {"7"};
	char *bad_keys[] = {"memory.high"}, *bad_vals[] = {"1"};
	struct oci_map u = {.keys = keys, .values = vals, .len = 1};
	struct oci_map bad = {.keys = bad_keys, .values = bad_vals, .len = 1};
	struct oci_resources r = {.unified = &u};
	struct oci_resources rb = {.unified = &bad};
	_cleanup_free_ char *v2dir = NULL;
	_cleanup_err_ struct sheep_err *err = NULL;

	assert_true(asprintf(&v2dir, "%s/v2", dir) > 0);
	assert_int_equal(mkdir(v2dir, 0755), 0);
	files("cgroup.subtree_control v2/pids.max");
	assert_int_equal(cg_apply(&cg, &r, &err), 0);
	expect("cgroup.subtree_control", "+pids");
	expect("v2/pids.max", "7");
	assert_int_equal(cg_apply(&cg, &rb, &err), -1);
	assert_string_equal(err->msg, "linux.resources.unified: cgroup v2 file 'memory.high' but "
				      "the controller is on cgroup v1: Invalid argument");
}

/* Root over the initial user namespace (not root in a user namespace): may load BPF programs. */
static bool privileged(void)
{
	_cleanup_free_ char *map = NULL;

	return geteuid() == 0 &&
	       sheep_read_file_at(AT_FDCWD, "/proc/self/uid_map", 4096, &map, NULL, NULL) == 0 &&
	       strcmp(map, "         0          0 4294967295\n") == 0;
}

/* 0 is "not set" for the memory limit, swap and reservation and for cpu shares, period and quota,
 * as in runc: a 0-byte limit OOM-killed the init, a 0 period or quota was refused (EINVAL). */
static void test_zero_is_unset(void **state)
{
	struct oci_memory m = {.has_limit = true, .has_swap = true, .has_reservation = true};
	struct oci_cpu c = {.has_shares = true, .has_quota = true, .has_period = true};
	struct sheep_err *err = NULL;

	files("memory.limit_in_bytes memory.memsw.limit_in_bytes memory.soft_limit_in_bytes "
	      "cpu.shares cpu.cfs_quota_us cpu.cfs_period_us memory.max memory.low cpu.weight "
	      "cpu.max");
	assert_int_equal(cg_v1_memory(dir, &m, &err), 0);
	assert_int_equal(cg_v1_cpu(dir, &c, &err), 0);
	assert_int_equal(cg_v2_memory(dir, &m, &err), 0);
	assert_int_equal(cg_v2_cpu(dir, &c, &err), 0);
	expect("memory.limit_in_bytes", "");
	expect("memory.memsw.limit_in_bytes", "");
	expect("memory.soft_limit_in_bytes", "");
	expect("cpu.shares", "");
	expect("cpu.cfs_quota_us", "");
	expect("cpu.cfs_period_us", "");
	expect("memory.max", "");
	expect("memory.low", "");
	expect("cpu.max", "");
	/* a v2 period with a quota of 0 keeps the current quota */
	c.has_shares = false;
	c.period = 20000;
	assert_int_equal(cg_write(dir, "cpu.max", "5000 100000", &err), 0);
	assert_int_equal(cg_v2_cpu(dir, &c, &err), 0);
	expect("cpu.max", "5000 20000");
}

/* An unlimited memory limit without swap lifts memsw too (runc's `update --memory -1`): the kernel
 * refuses a limit above the old memsw, so the swap goes first. A fake file takes any value; the
 * order is seen from the last value of each. */
static void test_v1_memory_unlimited(void **state)
{
	struct oci_memory m = {.has_limit = true, .limit = -1};
	struct sheep_err *err = NULL;

	files("memory.limit_in_bytes memory.memsw.limit_in_bytes");
	assert_int_equal(cg_v1_memory(dir, &m, &err), 0);
	expect("memory.limit_in_bytes", "-1");
	expect("memory.memsw.limit_in_bytes", "-1");
}

/* checkBeforeUpdate on v1 reads memory.usage_in_bytes. */
static void test_v1_check_before_update(void **state)
{
	struct oci_memory m = {.has_limit = true, .limit = 1000, .check_before_update = true};
	_cleanup_err_ struct sheep_err *err = NULL;

	files("memory.limit_in_bytes memory.usage_in_bytes");
	assert_int_equal(cg_write(dir, "memory.usage_in_bytes", "4096\n", &err), 0);
	assert_int_equal(cg_v1_memory(dir, &m, &err), -1);
	assert_string_equal(err->msg, "memory.limit_in_bytes '1000' is below the current usage "
				      "'4096': Device or resource busy");
	expect("memory.limit_in_bytes", "");
	m.limit = 8192;
	sheep_err_freep(&err);
	assert_int_equal(cg_v1_memory(dir, &m, &err), 0);
	expect("memory.limit_in_bytes", "8192");
}

/* A config without device rules still gets deny-all and the defaults on a devices hierarchy; a
 * directory without the control file (not a cgroup) is left alone. */
static void test_default_devices(void **state)
{
	struct cg_hier h[1] = {{.controllers = "devices", .mountpoint = dir, .path = "/"}};
	struct sheep_cgroup cg = {.h = h, .len = 1, .clone_fd = -1};
	struct sheep_err *err = NULL;

	assert_int_equal(cg_apply_default_devices(&cg, &err), 0);
	files("devices.allow");
	assert_int_equal(cg_apply_default_devices(&cg, &err), 0);
	expect("devices.allow", "");
	files("devices.deny");
	assert_int_equal(cg_apply_default_devices(&cg, &err), 0);
	expect("devices.deny", "a");
	expect("devices.allow", "c 136:* rwm");
}

static void test_dispatch_missing(void **state)
{
	struct cg_hier h[1] = {{.controllers = "", .mountpoint = dir, .path = "/v2", .v2 = true}};
	struct sheep_cgroup cg = {.h = h, .len = 1, .clone_fd = -1};
	struct oci_device_cgroup d = {.allow = false};
	struct oci_network net = {.has_class_id = true, .class_id = 1};
	struct oci_resources devs = {.devices = &d, .devices_len = 1};
	struct oci_resources nets = {.network = &net};
	_cleanup_err_ struct sheep_err *err = NULL;
	_cleanup_free_ char *v2dir = NULL, *prefix = NULL;

	/* Devices go to the v2 BPF hook (no controller enabled: there is no subtree_control file
	 * here). As root the kernel refuses to query or attach on a directory that is no cgroup; an
	 * unprivileged caller may not load the program and the rules are skipped with a note. */
	assert_true(asprintf(&v2dir, "%s/v2", dir) > 0);
	assert_int_equal(mkdir(v2dir, 0755), 0);
	assert_true(asprintf(&prefix, "linux.resources.devices on '%s': bpf(BPF_PROG_", v2dir) > 0);
	if (privileged()) {
		assert_int_equal(cg_apply(&cg, &devs, &err), -1);
		assert_true(strncmp(err->msg, prefix, strlen(prefix)) == 0);
		assert_null(sheep_cgroup_note(&cg));
		sheep_err_freep(&err);
	} else {
		assert_int_equal(cg_apply(&cg, &devs, &err), 0);
		assert_string_equal(
		    sheep_cgroup_note(&cg),
		    "linux.resources.devices skipped: an unprivileged caller cannot "
		    "load the cgroup v2 device filter");
		free(cg.note);
	}
	assert_int_equal(cg_apply(&cg, &nets, &err), -1);
	assert_string_equal(err->msg,
			    "linux.resources.network.classID: controller 'net_cls' is not "
			    "mounted: No such file or directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_v1_memory, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_v1_memory_error, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_v1_cpu, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_v1_cpuset_inherit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_v1_cpuset_inherit_empty_parent, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_v1_pids_blkio, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_v1_misc, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_v1_devices, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_v2_memory, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_v2_check_before_update, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_v2_cpu, setup, teardown),
	    cmocka_unit_test(test_conversions),
	    cmocka_unit_test_setup_teardown(test_v2_io_pids_hugetlb, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dispatch_unified, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dispatch_missing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_zero_is_unset, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_v1_memory_unlimited, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_v1_check_before_update, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_default_devices, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
