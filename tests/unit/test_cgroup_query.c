/* Unit tests of the cgroup queries behind pause/state (frozen), events --stats (counters) and
 * events (the v2 OOM watch), on fake hierarchies: plain files in a temporary directory, loaded
 * through the state text, so the v2 paths run on the hybrid machines and without root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/cgroup/internal.h"
#include "util/cleanup.h"
#include "util/fs.h"

static char root[64];
static pid_t remover = -1; /* test_create_races_parent_removal's child, ended by teardown */

static int setup(void **state)
{
	strcpy(root, "/tmp/sheep-cgq-XXXXXX");
	assert_non_null(mkdtemp(root));
	return 0;
}

static int teardown(void **state)
{
	_cleanup_err_ struct sheep_err *err = NULL;

	if (remover > 0) {
		kill(remover, SIGKILL);
		waitpid(remover, NULL, 0);
		remover = -1;
	}
	assert_int_equal(sheep_rm_rf_at(AT_FDCWD, root, &err), 0);
	return 0;
}

/* put HIER/c/FILE = TEXT */
static void put(const char *hier, const char *file, const char *text)
{
	_cleanup_free_ char *dir = NULL, *path = NULL;
	_cleanup_err_ struct sheep_err *err = NULL;
	FILE *f;

	assert_true(asprintf(&dir, "%s/%s/c", root, hier) > 0);
	assert_int_equal(sheep_mkdir_p(dir, 0755, &err), 0);
	assert_true(asprintf(&path, "%s/%s", dir, file) > 0);
	f = fopen(path, "we");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* A cgroup with the given hierarchies: "v1:freezer", "v2:" ... each mounted at root/<name>. */
static struct sheep_cgroup *load(const char *const *hiers, size_t n)
{
	_cleanup_free_ char *text = NULL;
	struct sheep_cgroup *cg = NULL;
	_cleanup_err_ struct sheep_err *err = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	fputs("sheep-cgroup 1\n", f);
	for (size_t i = 0; i < n; i++) {
		const char *ctrl = hiers[i] + 3;
		bool v2 = strncmp(hiers[i], "v2:", 3) == 0;

		fprintf(f, "%s\t1\t%s\t%s/%s\t/c\n", v2 ? "v2" : "v1", ctrl, root,
			v2 ? "unified" : ctrl);
	}
	fclose(f);
	assert_int_equal(sheep_cgroup_load(text, &cg, &err), 0);
	return cg;
}

/* created count 0: a cgroupsPath that named an existing cgroup (the v1 freezer lists the pids) */
static void test_owned(void **state)
{
	_cleanup_err_ struct sheep_err *err = NULL;
	struct sheep_cgroup *cg = NULL;
	_cleanup_free_ char *joined = NULL, *made = NULL;

	assert_true(asprintf(&joined,
			     "sheep-cgroup 1\nv1\t1\tmemory\t%s/memory\t/c\n"
			     "v1\t0\tfreezer\t%s/freezer\t/c\n",
			     root, root) > 0);
	assert_int_equal(sheep_cgroup_load(joined, &cg, &err), 0);
	assert_false(sheep_cgroup_owned(cg));
	sheep_cgroup_free(cg);
	assert_true(asprintf(&made,
			     "sheep-cgroup 1\nv1\t0\tmemory\t%s/memory\t/c\n"
			     "v1\t2\tfreezer\t%s/freezer\t/c\n",
			     root, root) > 0);
	assert_int_equal(sheep_cgroup_load(made, &cg, &err), 0);
	assert_true(sheep_cgroup_owned(cg));
	sheep_cgroup_free(cg);
}

static void test_frozen_v1(void **state)
{
	static const char *const h[] = {"v1:memory", "v1:freezer"};
	struct sheep_cgroup *cg = load(h, 2);

	assert_false(sheep_cgroup_frozen(cg)); /* no freezer.state yet: not frozen */
	put("freezer", "freezer.state", "THAWED\n");
	assert_false(sheep_cgroup_frozen(cg));
	put("freezer", "freezer.state", "FREEZING\n");
	assert_true(sheep_cgroup_frozen(cg));
	put("freezer", "freezer.state", "FROZEN\n");
	assert_true(sheep_cgroup_frozen(cg));
	sheep_cgroup_free(cg);
}

/* Hybrid: no v1 freezer, so the v2 tree's cgroup.freeze decides. */
static void test_frozen_v2(void **state)
{
	static const char *const h[] = {"v1:memory", "v2:"};
	struct sheep_cgroup *cg = load(h, 2);

	put("unified", "cgroup.freeze", "0\n");
	assert_false(sheep_cgroup_frozen(cg));
	put("unified", "cgroup.freeze", "1\n");
	assert_true(sheep_cgroup_frozen(cg));
	sheep_cgroup_free(cg);
}

static void test_stats_v1(void **state)
{
	static const char *const h[] = {"v1:cpu", "v1:cpuacct", "v1:memory", "v1:pids", "v1:blkio"};
	struct sheep_cgroup *cg = load(h, 5);
	struct sheep_cgroup_stats st;
	_cleanup_err_ struct sheep_err *err = NULL;
	long hz = sysconf(_SC_CLK_TCK);

	put("cpuacct", "cpuacct.usage", "5000\n");
	put("cpuacct", "cpuacct.usage_percpu", "1000 4000 0 \n");
	put("cpuacct", "cpuacct.stat", "user 3\nsystem 2\n");
	put("cpuacct", "cpuacct.usage_all", "cpu user system\n0 600 400\n1 3000 1000\n");
	put("memory", "memory.kmem.usage_in_bytes", "245760\n");
	put("memory", "memory.kmem.max_usage_in_bytes", "606208\n");
	put("memory", "memory.kmem.limit_in_bytes", "9223372036854771712\n");
	put("memory", "memory.kmem.failcnt", "1\n");
	put("memory", "memory.kmem.tcp.usage_in_bytes", "4\n");
	put("memory", "memory.kmem.tcp.limit_in_bytes", "5\n");
	put("cpu", "cpu.stat", "nr_periods 10\nnr_throttled 4\nthrottled_time 777\n");
	put("memory", "memory.usage_in_bytes", "4096\n");
	put("memory", "memory.max_usage_in_bytes", "8192\n");
	put("memory", "memory.limit_in_bytes", "9223372036854771712\n");
	put("memory", "memory.failcnt", "3\n");
	put("memory", "memory.stat", "cache 12288\nrss 4096\n");
	put("pids", "pids.current", "2\n");
	put("pids", "pids.max", "max\n");
	put("blkio", "blkio.throttle.io_service_bytes_recursive",
	    "8:0 Read 4096\n8:0 Write 512\n8:0 Sync 0\nTotal 4608\n");
	put("blkio", "blkio.throttle.io_serviced_recursive", "8:16 Read 3\nTotal 3\n");
	assert_int_equal(sheep_cgroup_stats(cg, &st, &err), 0);
	assert_int_equal(st.io_bytes_len, 3);
	assert_string_equal(st.io_bytes[1].op, "Write");
	assert_int_equal(st.io_bytes[1].value, 512);
	assert_int_equal(st.io_ops_len, 1);
	assert_int_equal(st.io_ops[0].minor, 16);
	assert_int_equal(st.io_ops[0].value, 3);
	assert_int_equal(st.cpu_total, 5000);
	assert_int_equal(st.cpu_percpu_len, 3);
	assert_int_equal(st.cpu_percpu[1], 4000);
	assert_int_equal(st.cpu_user, 3 * (1000000000 / hz));
	assert_int_equal(st.cpu_kernel, 2 * (1000000000 / hz));
	assert_int_equal(st.cpu_periods, 10);
	assert_int_equal(st.cpu_throttled_periods, 4);
	assert_int_equal(st.cpu_throttled_time, 777);
	assert_int_equal(st.memory.usage, 4096);
	assert_int_equal(st.memory.max, 8192);
	assert_true(st.memory.limit == 9223372036854771712ULL);
	assert_int_equal(st.memory.failcnt, 3);
	assert_int_equal(st.memory_cache, 12288);
	assert_int_equal(st.swap.usage, 0); /* no memsw files: swap accounting off */
	/* runc's percpu_user / percpu_kernel, kernel, kernelTCP and raw */
	assert_int_equal(st.cpu_percpu_modes_len, 2);
	assert_int_equal(st.cpu_percpu_user[1], 3000);
	assert_int_equal(st.cpu_percpu_kernel[0], 400);
	assert_int_equal(st.kernel.usage, 245760);
	assert_int_equal(st.kernel.max, 606208);
	assert_true(st.kernel.limit == 9223372036854771712ULL);
	assert_int_equal(st.kernel.failcnt, 1);
	assert_int_equal(st.kernel_tcp.usage, 4);
	assert_int_equal(st.kernel_tcp.limit, 5);
	assert_int_equal(st.kernel_tcp.max, 0); /* no file */
	assert_int_equal(st.memory_raw_len, 2);
	assert_string_equal(st.memory_raw[0].key, "cache");
	assert_int_equal(st.memory_raw[0].value, 12288);
	assert_string_equal(st.memory_raw[1].key, "rss");
	assert_int_equal(st.memory_raw[1].value, 4096);
	assert_int_equal(st.hugetlb_len, 0); /* no hugetlb hierarchy */
	assert_int_equal(st.pids_current, 2);
	assert_int_equal(st.pids_limit, 0); /* "max" */
	sheep_cgroup_stats_clear(&st);
	sheep_cgroup_free(cg);
}

static void test_stats_v2(void **state)
{
	static const char *const h[] = {"v2:"};
	struct sheep_cgroup *cg = load(h, 1);
	struct sheep_cgroup_stats st;
	_cleanup_err_ struct sheep_err *err = NULL;

	put("unified", "cpu.stat",
	    "usage_usec 7\nuser_usec 5\nsystem_usec 2\nnr_periods 3\nnr_throttled 1\n"
	    "throttled_usec 9\n");
	put("unified", "memory.current", "1024\n");
	put("unified", "memory.peak", "2048\n");
	put("unified", "memory.max", "max\n");
	put("unified", "memory.events", "low 0\nhigh 0\nmax 6\noom 1\noom_kill 1\n");
	put("unified", "memory.stat", "anon 1\nfile 512\n");
	put("unified", "memory.swap.current", "0\n");
	put("unified", "memory.swap.max", "0\n");
	put("unified", "pids.current", "4\n");
	put("unified", "pids.max", "100\n");
	put("unified", "io.stat", "8:0 rbytes=100 wbytes=200 rios=3 wios=4 dbytes=0 dios=0\n");
	assert_int_equal(sheep_cgroup_stats(cg, &st, &err), 0);
	assert_int_equal(st.io_bytes_len, 3);
	assert_string_equal(st.io_bytes[0].op, "Read");
	assert_int_equal(st.io_bytes[0].value, 100);
	assert_int_equal(st.io_bytes[1].value, 200);
	assert_int_equal(st.io_ops_len, 3);
	assert_string_equal(st.io_ops[1].op, "Write");
	assert_int_equal(st.io_ops[1].value, 4);
	assert_int_equal(st.cpu_total, 7000);
	assert_int_equal(st.cpu_user, 5000);
	assert_int_equal(st.cpu_kernel, 2000);
	assert_int_equal(st.cpu_throttled_time, 9000);
	assert_int_equal(st.cpu_percpu_len, 0);
	assert_int_equal(st.memory.usage, 1024);
	assert_int_equal(st.memory.max, 2048);
	assert_true(st.memory.limit == UINT64_MAX);
	assert_int_equal(st.memory.failcnt, 6);
	assert_int_equal(st.memory_cache, 512);
	assert_int_equal(st.memory_raw_len, 2);
	assert_string_equal(st.memory_raw[1].key, "file");
	assert_int_equal(st.kernel.usage, 0); /* v1 only */
	assert_int_equal(st.cpu_percpu_modes_len, 0);
	assert_int_equal(st.pids_current, 4);
	assert_int_equal(st.pids_limit, 100);
	sheep_cgroup_stats_clear(&st);
	sheep_cgroup_free(cg);
}

/* One entry per page size, sorted; the reservation files (hugetlb.2MB.rsvd.*) are not a size. */
static void test_stats_hugetlb_v1(void **state)
{
	static const char *const h[] = {"v1:hugetlb"};
	struct sheep_cgroup *cg = load(h, 1);
	struct sheep_cgroup_stats st;
	_cleanup_err_ struct sheep_err *err = NULL;

	put("hugetlb", "hugetlb.2MB.limit_in_bytes", "9223372036854771712\n");
	put("hugetlb", "hugetlb.2MB.usage_in_bytes", "2097152\n");
	put("hugetlb", "hugetlb.2MB.max_usage_in_bytes", "4194304\n");
	put("hugetlb", "hugetlb.2MB.failcnt", "7\n");
	put("hugetlb", "hugetlb.2MB.rsvd.limit_in_bytes", "0\n");
	put("hugetlb", "hugetlb.1GB.limit_in_bytes", "0\n");
	assert_int_equal(sheep_cgroup_stats(cg, &st, &err), 0);
	assert_int_equal(st.hugetlb_len, 2);
	assert_string_equal(st.hugetlb[0].size, "1GB");
	assert_int_equal(st.hugetlb[0].usage, 0);
	assert_string_equal(st.hugetlb[1].size, "2MB");
	assert_int_equal(st.hugetlb[1].usage, 2097152);
	assert_int_equal(st.hugetlb[1].max, 4194304);
	assert_int_equal(st.hugetlb[1].failcnt, 7);
	sheep_cgroup_stats_clear(&st);
	sheep_cgroup_free(cg);
}

/* v2: hugetlb.<size>.current and the "max" count of hugetlb.<size>.events; no peak. */
static void test_stats_hugetlb_v2(void **state)
{
	static const char *const h[] = {"v2:"};
	struct sheep_cgroup *cg = load(h, 1);
	struct sheep_cgroup_stats st;
	_cleanup_err_ struct sheep_err *err = NULL;

	put("unified", "hugetlb.2MB.max", "max\n");
	put("unified", "hugetlb.2MB.current", "2097152\n");
	put("unified", "hugetlb.2MB.events", "max 3\n");
	put("unified", "hugetlb.2MB.rsvd.max", "max\n");
	assert_int_equal(sheep_cgroup_stats(cg, &st, &err), 0);
	assert_int_equal(st.hugetlb_len, 1);
	assert_string_equal(st.hugetlb[0].size, "2MB");
	assert_int_equal(st.hugetlb[0].usage, 2097152);
	assert_int_equal(st.hugetlb[0].max, 0);
	assert_int_equal(st.hugetlb[0].failcnt, 3);
	sheep_cgroup_stats_clear(&st);
	sheep_cgroup_free(cg);
}

/* runc's cpuset: ids in order, signed relax level; no v1 cpuset hierarchy, no cpuset at all */
static void test_stats_cpuset_v1(void **state)
{
	static const char *const h[] = {"v1:cpuset", "v2:"};
	struct sheep_cgroup *cg = load(h, 2);
	struct sheep_cgroup_stats st;
	_cleanup_err_ struct sheep_err *err = NULL;

	put("cpuset", "cpuset.cpus", "0-2,5\n");
	put("cpuset", "cpuset.mems", "\n");
	put("cpuset", "cpuset.sched_load_balance", "1\n");
	put("cpuset", "cpuset.sched_relax_domain_level", "-1\n");
	put("unified", "cpuset.cpus", "7\n"); /* v2 cpuset: runc 1.1 reports none */
	assert_int_equal(sheep_cgroup_stats(cg, &st, &err), 0);
	assert_true(st.cpuset.present);
	assert_int_equal(st.cpuset.cpus_len, 4);
	assert_int_equal(st.cpuset.cpus[2], 2);
	assert_int_equal(st.cpuset.cpus[3], 5);
	assert_int_equal(st.cpuset.mems_len, 0);
	assert_int_equal(st.cpuset.sched_load_balance, 1);
	assert_int_equal(st.cpuset.sched_relax_domain_level, -1);
	sheep_cgroup_stats_clear(&st);
	sheep_cgroup_free(cg);
	cg = load(h + 1, 1);
	assert_int_equal(sheep_cgroup_stats(cg, &st, &err), 0);
	assert_false(st.cpuset.present);
	sheep_cgroup_free(cg);
}

static void test_stats_bad_cpuset(void **state)
{
	static const char *const h[] = {"v1:cpuset"};
	struct sheep_cgroup *cg = load(h, 1);
	struct sheep_cgroup_stats st;
	_cleanup_err_ struct sheep_err *err = NULL;

	put("cpuset", "cpuset.cpus", "0-x\n");
	assert_int_equal(sheep_cgroup_stats(cg, &st, &err), -1);
	assert_string_equal(err->msg,
			    "read cgroup statistics: read 'cpuset.cpus': not a list of ids: '0-x'");
	sheep_err_freep(&err);
	put("cpuset", "cpuset.cpus", "0\n");
	put("cpuset", "cpuset.sched_relax_domain_level", "low\n");
	assert_int_equal(sheep_cgroup_stats(cg, &st, &err), -1);
	assert_string_equal(err->msg, "read cgroup statistics: read "
				      "'cpuset.sched_relax_domain_level': not a number: 'low'");
	sheep_cgroup_free(cg);
}

static void test_stats_bad_raw(void **state)
{
	static const char *const h[] = {"v2:"};
	struct sheep_cgroup *cg = load(h, 1);
	struct sheep_cgroup_stats st;
	_cleanup_err_ struct sheep_err *err = NULL;

	put("unified", "memory.stat", "anon 1\nfile x2\n");
	assert_int_equal(sheep_cgroup_stats(cg, &st, &err), -1);
	assert_string_equal(err->msg,
			    "read cgroup statistics: read 'memory.stat': not a number: 'x2'");
	assert_null(st.memory_raw);
	sheep_cgroup_free(cg);
}

static void test_stats_bad_number(void **state)
{
	static const char *const h[] = {"v2:"};
	struct sheep_cgroup *cg = load(h, 1);
	struct sheep_cgroup_stats st;
	_cleanup_err_ struct sheep_err *err = NULL;

	put("unified", "memory.current", "lots\n");
	assert_int_equal(sheep_cgroup_stats(cg, &st, &err), -1);
	assert_string_equal(err->msg,
			    "read cgroup statistics: read 'memory.current': not a number: 'lots'");
	assert_null(st.cpu_percpu);
	sheep_cgroup_free(cg);
}

static bool readable(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	return poll(&p, 1, 1000) == 1;
}

/* v2: an inotify watch on memory.events; only oom_kill increases count, from the value at open. */
static void test_oom_v2(void **state)
{
	static const char *const h[] = {"v2:"};
	struct sheep_cgroup *cg = load(h, 1);
	struct sheep_cgroup_oom *w = NULL;
	_cleanup_err_ struct sheep_err *err = NULL;
	_cleanup_free_ char *path = NULL;
	uint64_t n = 99;

	put("unified", "memory.events", "max 0\noom 1\noom_kill 1\n");
	assert_int_equal(sheep_cgroup_oom_open(cg, &w, &err), 0);
	assert_int_equal(sheep_cgroup_oom_read(w, &n, &err), 0);
	assert_int_equal(n, 0); /* the kill before open is not news */
	assert_true(asprintf(&path, "%s/unified/c/memory.events", root) > 0);
	assert_int_equal(sheep_write_file(path, "max 2\noom 3\noom_kill 3\n", 23, &err), 0);
	assert_true(readable(sheep_cgroup_oom_fd(w)));
	assert_int_equal(sheep_cgroup_oom_read(w, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(sheep_write_file(path, "max 5\noom 3\noom_kill 3\n", 23, &err), 0);
	assert_true(readable(sheep_cgroup_oom_fd(w)));
	assert_int_equal(sheep_cgroup_oom_read(w, &n, &err), 0);
	assert_int_equal(n, 0); /* "max" changed, no kill */
	sheep_cgroup_oom_free(w);
	sheep_cgroup_free(cg);
}

static void test_oom_no_memory(void **state)
{
	static const char *const h[] = {"v1:freezer"};
	struct sheep_cgroup *cg = load(h, 1);
	struct sheep_cgroup_oom *w = NULL;
	_cleanup_err_ struct sheep_err *err = NULL;

	assert_int_equal(sheep_cgroup_oom_open(cg, &w, &err), -1);
	assert_string_equal(err->msg, "watch OOM: no memory cgroup: No such file or directory");
	sheep_cgroup_free(cg);
}

/* Two containers under the default parent: A made "sheep-oci" (2 components), B found it (1).
 * A is deleted first: the parent stays (B is in it); B's delete then removes it, although B did
 * not make it (it was left behind before). A user directory above is never removed. */
static void test_default_parent_goes_with_last(void **state)
{
	_cleanup_err_ struct sheep_err *err = NULL;
	_cleanup_free_ char *mnt = NULL, *parent = NULL, *user = NULL;
	struct cg_hier a = {.path = (char *)"/user/sheep-oci/a"};
	struct cg_hier b = {.path = (char *)"/user/sheep-oci/b"};
	struct stat st;

	(void)state;
	assert_true(asprintf(&mnt, "%s/cpu", root) > 0);
	assert_true(asprintf(&parent, "%s/user/sheep-oci", mnt) > 0);
	assert_true(asprintf(&user, "%s/user", mnt) > 0);
	a.mountpoint = b.mountpoint = mnt;
	assert_int_equal(sheep_mkdir_p(parent, 0755, &err), 0);
	assert_int_equal(cg_dir_create(&b, &err), 0);
	assert_int_equal(cg_dir_create(&a, &err), 0);
	a.created = 2; /* as if A had made the parent, B had found it */
	b.created = 1;
	assert_int_equal(cg_dir_remove(&a, 0, &err), 0);
	assert_int_equal(stat(parent, &st), 0); /* B still uses it */
	assert_int_equal(cg_dir_remove(&b, 0, &err), 0);
	assert_int_equal(stat(parent, &st), -1);
	assert_int_equal(stat(user, &st), 0);
}

/* Other containers come and go under the default parent as fast as they can, the last one's
 * delete removing it: each create must still make its cgroup (before, a create that had made the
 * parent itself failed with ENOENT when it went before the mkdir of its own directory). */
static void test_create_races_parent_removal(void **state)
{
	_cleanup_free_ char *mnt = NULL, *parent = NULL, *leaf = NULL, *other = NULL;
	struct cg_hier h = {.path = (char *)"/sheep-oci/c"};

	(void)state;
	assert_true(asprintf(&mnt, "%s/cpu", root) > 0);
	assert_true(asprintf(&parent, "%s/sheep-oci", mnt) > 0);
	assert_true(asprintf(&leaf, "%s/c", parent) > 0);
	assert_true(asprintf(&other, "%s/other", parent) > 0);
	assert_int_equal(mkdir(mnt, 0755), 0);
	h.mountpoint = mnt;
	remover = fork();
	assert_true(remover >= 0);
	if (remover == 0) {
		/* also ends when the test program does, whatever way it fails */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;) {
			(void)mkdir(parent, 0755);
			(void)mkdir(other, 0755);
			(void)rmdir(other);
			(void)rmdir(parent);
		}
	}
	for (int i = 0; i < 2000; i++) {
		_cleanup_err_ struct sheep_err *err = NULL;

		if (cg_dir_create(&h, &err) != 0)
			fail_msg("create %d: %s", i, err->msg);
		assert_int_equal(rmdir(leaf), 0);
	}
}

/* exec --cgroup specs into one sub path per hierarchy: all, per controller (a co-mounted one by
 * any of its names), cleaned; ".." anywhere and unknown controllers refused. */
static void test_sub_plan(void **state)
{
	struct cg_hier h[] = {{.controllers = (char *)"memory"},
			      {.controllers = (char *)"cpu,cpuacct"},
			      {.controllers = (char *)"", .v2 = true}};
	struct sheep_cgroup cg = {.h = h, .len = 3};
	char *all[] = {(char *)"a//./b/"}, *per[] = {(char *)"x", (char *)"cpuacct:/y/"};
	char *top[] = {(char *)"/"}, *up[] = {(char *)"a/../../b"},
	     *bad[] = {(char *)"foo,memory:z"};
	char **subs = NULL;
	_cleanup_err_ struct sheep_err *e1 = NULL, *e2 = NULL;

	(void)state;
	assert_int_equal(sheep_cgroup_sub_plan(&cg, all, 1, &subs, NULL), 0);
	for (int i = 0; i < 3; i++)
		assert_string_equal(subs[i], "a/b");
	sheep_cgroup_sub_plan_free(subs, 3);
	/* the later spec wins for the hierarchies it names */
	assert_int_equal(sheep_cgroup_sub_plan(&cg, per, 2, &subs, NULL), 0);
	assert_string_equal(subs[0], "x");
	assert_string_equal(subs[1], "y");
	assert_string_equal(subs[2], "x");
	sheep_cgroup_sub_plan_free(subs, 3);
	assert_int_equal(sheep_cgroup_sub_plan(&cg, top, 1, &subs, NULL), 0);
	assert_string_equal(subs[0], "");
	sheep_cgroup_sub_plan_free(subs, 3);
	assert_int_equal(sheep_cgroup_sub_plan(&cg, up, 1, &subs, &e1), -1);
	assert_string_equal(e1->msg, "--cgroup 'a/../../b': bad sub cgroup path");
	assert_int_equal(sheep_cgroup_sub_plan(&cg, bad, 1, &subs, &e2), -1);
	assert_string_equal(e2->msg, "--cgroup: unknown controller 'foo'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_frozen_v1, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_frozen_v2, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stats_v1, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stats_v2, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stats_bad_number, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_owned, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stats_hugetlb_v1, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stats_hugetlb_v2, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stats_bad_raw, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stats_cpuset_v1, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stats_bad_cpuset, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_oom_v2, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_oom_no_memory, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_default_parent_goes_with_last, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_create_races_parent_removal, setup, teardown),
	    cmocka_unit_test(test_sub_plan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
