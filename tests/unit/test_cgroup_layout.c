/* Unit tests of the cgroup layout parser, path computation, state text and create/destroy on a
 * fake hierarchy (a temporary directory): no root needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/cgroup/internal.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* This development machine: v1 controllers (cpu and cpuacct apart), name=systemd, v2 with hugetlb. */
static const char hybrid_mi[] =
    "22 1 0:21 / /proc rw - proc proc rw\n"
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
static const char hybrid_pc[] = "9:name=systemd:/\n"
				"6:freezer:/\n"
				"4:memory:/process_api/4417\n"
				"2:cpuacct:/\n"
				"1:cpu:/\n"
				"0::/\n";

static void test_parse_hybrid(void **state)
{
	struct cg_layout l = {0};
	struct sheep_err *err = NULL;

	assert_int_equal(cg_layout_parse(hybrid_mi, hybrid_pc, &l, &err), 0);
	assert_int_equal(l.len, 6);
	assert_string_equal(l.h[0].controllers, "name=systemd");
	assert_string_equal(l.h[0].mountpoint, "/sys/fs/cgroup/systemd");
	assert_string_equal(l.h[2].controllers, "memory");
	assert_string_equal(l.h[2].path, "/process_api/4417");
	assert_false(l.h[2].v2);
	assert_string_equal(l.h[4].mountpoint, "/sys/fs/cgroup/cpu");
	assert_true(l.h[5].v2);
	assert_string_equal(l.h[5].controllers, "");
	assert_string_equal(l.h[5].mountpoint, "/sys/fs/cgroup/unified");
	assert_string_equal(l.h[5].path, "/");
	cg_layout_clear(&l);
}

/* Pure v1 with co-mounted controllers, a named hierarchy, a bind mount of a sub-cgroup (root field
 * not "/"), an unmounted hierarchy and an escaped space in a mountpoint. */
static void test_parse_v1_comounted(void **state)
{
	const char *mi =
	    "30 25 0:26 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
	    "31 25 0:27 / /sys/fs/cgroup/net\\040cls rw - cgroup cgroup rw,net_cls,net_prio\n"
	    "32 25 0:28 /docker/abc /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
	    "33 25 0:29 / /sys/fs/cgroup/mine rw - cgroup cgroup rw,xattr,name=mine\n";
	const char *pc = "7:name=mine:/a\n"
			 "5:memory:/docker/abc/sub\n"
			 "4:pids:/x\n"
			 "3:net_cls,net_prio:/\n"
			 "2:cpu,cpuacct:/user.slice\n";
	struct cg_layout l = {0};
	struct sheep_err *err = NULL;

	assert_int_equal(cg_layout_parse(mi, pc, &l, &err), 0);
	assert_int_equal(l.len, 4);
	assert_string_equal(l.h[0].controllers, "name=mine");
	assert_string_equal(l.h[0].path, "/a");
	assert_string_equal(l.h[1].path, "/sub");
	assert_string_equal(l.h[2].mountpoint, "/sys/fs/cgroup/net cls");
	assert_string_equal(l.h[2].controllers, "net_cls,net_prio");
	assert_string_equal(l.h[3].controllers, "cpu,cpuacct");
	assert_string_equal(l.h[3].path, "/user.slice");
	cg_layout_clear(&l);
}

static void test_parse_v2(void **state)
{
	const char *mi = "25 20 0:22 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";
	struct cg_layout l = {0};
	struct sheep_err *err = NULL;

	assert_int_equal(cg_layout_parse(mi, "0::/user.slice/session-1.scope\n", &l, &err), 0);
	assert_int_equal(l.len, 1);
	assert_true(l.h[0].v2);
	assert_string_equal(l.h[0].mountpoint, "/sys/fs/cgroup");
	assert_string_equal(l.h[0].path, "/user.slice/session-1.scope");
	cg_layout_clear(&l);
}

/* `unshare -m` + `mount -t cgroup2 none /sys/fs/cgroup` on the hybrid machine: the new mount
 * comes last and hides the tmpfs and every v1 hierarchy below it; /proc/self/cgroup still lists
 * them all. Only the v2 tree is usable. */
static void test_parse_shadowed(void **state)
{
	static const char over[] = "90 31 0:40 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n";
	char mi[sizeof(hybrid_mi) + sizeof(over)];
	struct cg_layout l = {0};
	struct sheep_err *err = NULL;

	snprintf(mi, sizeof(mi), "%s%s", hybrid_mi, over);
	assert_int_equal(cg_layout_parse(mi, hybrid_pc, &l, &err), 0);
	assert_int_equal(l.len, 1);
	assert_true(l.h[0].v2);
	assert_string_equal(l.h[0].mountpoint, "/sys/fs/cgroup");
	cg_layout_clear(&l);
}

/* A tmpfs over one hierarchy's mount point hides it; a mount at a path that merely shares a
 * prefix ("/sys/fs/cgroup/cpuacct2" vs "/sys/fs/cgroup/cpu") does not; a hierarchy mounted again
 * on the same path later is found at its new mount. */
static void test_parse_shadow_prefix(void **state)
{
	const char *mi = "32 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n"
			 "35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
			 "37 31 0:34 / /sys/fs/cgroup/freezer rw - cgroup cgroup rw,freezer\n"
			 "50 31 0:50 / /sys/fs/cgroup/cpuacct2 rw - tmpfs tmpfs rw\n"
			 "51 31 0:51 / /sys/fs/cgroup/memory rw - tmpfs tmpfs rw\n"
			 "52 31 0:34 /sub /sys/fs/cgroup/freezer rw - cgroup cgroup rw,freezer\n";
	const char *pc = "6:freezer:/sub/x\n4:memory:/\n1:cpu:/\n";
	struct cg_layout l = {0};
	struct sheep_err *err = NULL;

	assert_int_equal(cg_layout_parse(mi, pc, &l, &err), 0);
	assert_int_equal(l.len, 2);
	assert_string_equal(l.h[0].controllers, "freezer");
	assert_string_equal(l.h[0].path, "/x"); /* below the later mount's root "/sub" */
	assert_string_equal(l.h[1].controllers, "cpu");
	cg_layout_clear(&l);
}

static void test_parse_bad_line(void **state)
{
	struct cg_layout l = {0};
	_cleanup_err_ struct sheep_err *err = NULL;

	assert_int_equal(cg_layout_parse(hybrid_mi, "garbage\n", &l, &err), -1);
	assert_string_equal(err->msg, "parse /proc/self/cgroup: bad line 'garbage'");
}

static void test_list_has(void **state)
{
	assert_true(cg_list_has("cpu,cpuacct", "cpuacct"));
	assert_true(cg_list_has("cpu,cpuacct", "cpu"));
	assert_false(cg_list_has("cpuacct", "cpu"));
	assert_false(cg_list_has("", "cpu"));
}

static void check_path(const char *own, const char *cp, const char *id, const char *want)
{
	_cleanup_free_ char *p = NULL;
	struct sheep_err *err = NULL;

	assert_int_equal(cg_path_compute(own, cp, id, &p, &err), 0);
	assert_string_equal(p, want);
}

static void check_path_err(const char *own, const char *cp, const char *id, const char *want)
{
	_cleanup_free_ char *p = NULL;
	_cleanup_err_ struct sheep_err *err = NULL;

	assert_int_equal(cg_path_compute(own, cp, id, &p, &err), -1);
	assert_string_equal(err->msg, want);
}

static void test_paths(void **state)
{
	check_path("/", NULL, "web1", "/sheep-oci/web1");
	check_path("/process_api/4417", NULL, "web1", "/process_api/4417/sheep-oci/web1");
	check_path("/user.slice", "mine/c1", "x", "/user.slice/mine/c1");
	check_path("/user.slice", "/libpod_parent/libpod-abc", "x", "/libpod_parent/libpod-abc");
	check_path("/a", "//k8s.io//c1/", "x", "/k8s.io/c1");
	check_path_err("/", "/a/../b", "x",
		       "cgroupsPath '/a/../b': '.' and '..' are not allowed: "
		       "Invalid argument");
	check_path_err("/", "/", "x", "cgroupsPath '/': the hierarchy root: Invalid argument");
	check_path_err("/", NULL, "a/b",
		       "container id 'a/b' is not a cgroup name: Invalid argument");
	check_path_err("/", "a\tb", "x", "cgroupsPath 'a\tb': control character: Invalid argument");
}

static void test_state_roundtrip(void **state)
{
	struct cg_layout l = {0};
	struct sheep_cgroup *cg = NULL, *back = NULL;
	struct sheep_err *err = NULL;
	_cleanup_free_ char *text = NULL, *again = NULL;

	assert_int_equal(cg_layout_parse(hybrid_mi, hybrid_pc, &l, &err), 0);
	cg = calloc(1, sizeof(*cg));
	cg->h = l.h;
	cg->len = l.len;
	cg->clone_fd = -1;
	cg->h[1].created = 2;
	text = sheep_cgroup_serialize(cg);
	assert_non_null(text);
	assert_non_null(strstr(text, "v1\t2\tfreezer\t/sys/fs/cgroup/freezer\t/\n"));
	assert_int_equal(sheep_cgroup_load(text, &back, &err), 0);
	again = sheep_cgroup_serialize(back);
	assert_string_equal(text, again);
	assert_int_equal(sheep_cgroup_clone_fd(back), -1);
	sheep_cgroup_free(back);
	sheep_cgroup_free(cg);
}

static void test_state_bad(void **state)
{
	struct sheep_cgroup *cg = NULL;
	_cleanup_err_ struct sheep_err *e1 = NULL, *e2 = NULL, *e3 = NULL;

	assert_int_equal(sheep_cgroup_load("nonsense", &cg, &e1), -1);
	assert_string_equal(e1->msg, "load cgroup state: unknown format: Invalid argument");
	assert_int_equal(sheep_cgroup_load("sheep-cgroup 1\nv3\t0\t\t/a\t/b\n", &cg, &e2), -1);
	assert_string_equal(e2->msg, "load cgroup state: line 2: bad entry: Invalid argument");
	assert_int_equal(sheep_cgroup_load("sheep-cgroup 1\nv1\tx\tcpu\t/a\t/b\n", &cg, &e3), -1);
	assert_string_equal(e3->msg,
			    "load cgroup state: line 2: bad created count 'x': Invalid argument");
}

/* A fake hybrid layout below a temporary directory: v1 cpuset and memory, and a v2 tree. */
struct fake {
	char root[64];
	struct cg_layout l;
};

static void touch(const char *dir, const char *file, const char *content)
{
	_cleanup_free_ char *p = NULL;
	FILE *f;

	assert_true(asprintf(&p, "%s/%s", dir, file) > 0);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static void fake_setup(struct fake *f)
{
	static const char *const names[] = {"cpuset", "memory"};
	_cleanup_free_ char *dir = NULL;

	strcpy(f->root, "/tmp/sheep-cg-test-XXXXXX");
	assert_non_null(mkdtemp(f->root));
	f->l.h = calloc(3, sizeof(*f->l.h));
	for (size_t i = 0; i < 3; i++) {
		struct cg_hier *h = &f->l.h[i];

		h->v2 = i == 2;
		h->controllers = strdup(i < 2 ? names[i] : "");
		assert_true(
		    asprintf(&h->mountpoint, "%s/%s", f->root, i < 2 ? names[i] : "unified") > 0);
		h->path = strdup(i == 1 ? "/own" : "/");
		assert_int_equal(mkdir(h->mountpoint, 0755), 0);
	}
	f->l.len = 3;
	touch(f->l.h[0].mountpoint, "cpuset.cpus", "0-1\n");
	touch(f->l.h[0].mountpoint, "cpuset.mems", "0\n");
	assert_true(asprintf(&dir, "%s/own", f->l.h[1].mountpoint) > 0);
	assert_int_equal(mkdir(dir, 0755), 0);
}

static void fake_teardown(struct fake *f)
{
	assert_int_equal(sheep_rm_rf_at(AT_FDCWD, f->root, NULL), 0);
	cg_layout_clear(&f->l);
}

static bool exists(const char *root, const char *rel)
{
	_cleanup_free_ char *p = NULL;

	assert_true(asprintf(&p, "%s/%s", root, rel) > 0);
	return access(p, F_OK) == 0;
}

/* Default path: created in every hierarchy below the runtime's own cgroup; destroy removes the
 * leaf and the "sheep-oci" parent it made, and nothing that existed before. */
static void test_create_destroy(void **state)
{
	struct fake f;
	struct sheep_cgroup_opts o = {.id = "c1"};
	struct sheep_cgroup *cg = NULL;
	struct sheep_cgroup_mount *m = NULL;
	size_t n = 0;
	struct sheep_err *err = NULL;

	fake_setup(&f);
	assert_int_equal(cg_create_in(&f.l, "/nonexistent", &o, NULL, &cg, &err), 0);
	assert_true(exists(f.root, "cpuset/sheep-oci/c1"));
	assert_true(exists(f.root, "memory/own/sheep-oci/c1"));
	assert_true(exists(f.root, "unified/sheep-oci/c1"));
	assert_int_equal(sheep_cgroup_clone_fd(cg), -1);
	assert_int_equal(sheep_cgroup_mounts(cg, &m, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(m[1].controllers, "memory");
	assert_true(strstr(m[1].host_path, "/memory/own/sheep-oci/c1") != NULL);
	assert_true(m[2].v2);
	sheep_cgroup_mounts_free(m, n);
	assert_int_equal(sheep_cgroup_destroy(cg, &err), 0);
	assert_false(exists(f.root, "memory/own/sheep-oci"));
	assert_true(exists(f.root, "memory/own"));
	assert_false(exists(f.root, "cpuset/sheep-oci"));
	sheep_cgroup_free(cg);
	fake_teardown(&f);
}

/* An existing cgroup given as cgroupsPath is joined and left in place on destroy. */
static void test_join_existing(void **state)
{
	struct fake f;
	struct sheep_cgroup_opts o = {.id = "c1", .cgroups_path = "/pod1"};
	struct sheep_cgroup *cg = NULL;
	struct sheep_err *err = NULL;
	_cleanup_free_ char *text = NULL;

	fake_setup(&f);
	for (size_t i = 0; i < 3; i++) {
		_cleanup_free_ char *d = NULL;

		assert_true(asprintf(&d, "%s/pod1", f.l.h[i].mountpoint) > 0);
		assert_int_equal(mkdir(d, 0755), 0);
	}
	assert_int_equal(cg_create_in(&f.l, "/nonexistent", &o, NULL, &cg, &err), 0);
	text = sheep_cgroup_serialize(cg);
	assert_non_null(strstr(text, "v1\t0\tmemory\t"));
	assert_int_equal(sheep_cgroup_destroy(cg, &err), 0);
	assert_true(exists(f.root, "memory/pod1"));
	assert_true(exists(f.root, "unified/pod1"));
	sheep_cgroup_free(cg);
	fake_teardown(&f);
}

/* A limit that cannot be written fails create with the file and value, and leaves nothing. */
static void test_create_rollback(void **state)
{
	struct fake f;
	struct sheep_cgroup_opts o = {.id = "c1", .cgroups_path = "a/b"};
	struct oci_memory mem = {.has_limit = true, .limit = 1048576};
	struct oci_resources res = {.memory = &mem};
	struct sheep_cgroup *cg = NULL;
	_cleanup_err_ struct sheep_err *err = NULL;

	fake_setup(&f);
	assert_int_equal(cg_create_in(&f.l, "/nonexistent", &o, &res, &cg, &err), -1);
	assert_string_equal(err->msg, "set cgroup: write 'memory.limit_in_bytes' = '1048576': "
				      "No such file or directory");
	assert_null(cg);
	assert_false(exists(f.root, "memory/own/a"));
	assert_false(exists(f.root, "cpuset/a"));
	assert_false(exists(f.root, "unified/a"));
	assert_true(exists(f.root, "memory/own"));
	fake_teardown(&f);
}

static void test_create_bad_path(void **state)
{
	struct fake f;
	struct sheep_cgroup_opts o = {.id = "c1", .cgroups_path = "../escape"};
	struct sheep_cgroup *cg = NULL;
	_cleanup_err_ struct sheep_err *err = NULL;

	fake_setup(&f);
	assert_int_equal(cg_create_in(&f.l, "/nonexistent", &o, NULL, &cg, &err), -1);
	assert_string_equal(err->msg, "create cgroup: cgroupsPath '../escape': '.' and '..' are "
				      "not allowed: Invalid argument");
	assert_false(exists(f.root, "cpuset/escape"));
	fake_teardown(&f);
}

static void test_systemd(void **state)
{
	struct cg_layout l = {0};
	struct sheep_cgroup_opts o = {.id = "c1", .systemd = true};
	struct sheep_cgroup *cg = NULL;
	_cleanup_err_ struct sheep_err *e1 = NULL, *e2 = NULL;

	assert_int_equal(cg_create_in(&l, "/nonexistent/systemd", &o, NULL, &cg, &e1), -1);
	assert_string_equal(
	    e1->msg, "systemd cgroup driver not supported on this host (systemd is not PID 1)");
	assert_int_equal(cg_create_in(&l, "/", &o, NULL, &cg, &e2), -1);
	assert_string_equal(e2->msg, "systemd cgroup driver: Operation not supported");
}

/* Pure v2: the only layout where clone3(CLONE_INTO_CGROUP) gets a directory fd. */
static void test_clone_fd_v2(void **state)
{
	struct fake f;
	struct cg_layout v2only;
	struct sheep_cgroup_opts o = {.id = "c1"};
	struct sheep_cgroup *cg = NULL;
	struct sheep_err *err = NULL;

	fake_setup(&f);
	v2only.h = &f.l.h[2];
	v2only.len = 1;
	assert_int_equal(cg_create_in(&v2only, "/nonexistent", &o, NULL, &cg, &err), 0);
	assert_true(sheep_cgroup_clone_fd(cg) >= 0);
	assert_int_equal(sheep_cgroup_destroy(cg, &err), 0);
	sheep_cgroup_free(cg);
	fake_teardown(&f);
}

static uid_t owner_of(const char *dir, const char *name)
{
	_cleanup_free_ char *p = NULL;
	struct stat st;

	assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
	assert_int_equal(stat(p, &st), 0);
	return st.st_uid;
}

/* Cgroup ownership: on pure v2 the directory and the listed files present go to the uid, the
 * other files stay; the spec's three files without the kernel's list; hybrid: nothing changes. */
static void test_delegate(void **state)
{
	struct fake f;
	struct cg_layout v2only;
	struct sheep_cgroup_opts o = {.id = "c1"};
	struct sheep_cgroup *cg = NULL, *hybrid = NULL;
	struct sheep_err *err = NULL;
	_cleanup_free_ char *dir = NULL, *list = NULL;
	/* root changes the owner; anyone else can only give a file to itself */
	uid_t uid = geteuid() == 0 ? 4242 : geteuid();

	fake_setup(&f);
	v2only.h = &f.l.h[2];
	v2only.len = 1;
	assert_int_equal(cg_create_in(&v2only, "/nonexistent", &o, NULL, &cg, &err), 0);
	assert_true(asprintf(&dir, "%s/sheep-oci/c1", f.l.h[2].mountpoint) > 0);
	touch(dir, "cgroup.procs", "");
	touch(dir, "cgroup.threads", "");
	touch(dir, "cgroup.subtree_control", "");
	touch(dir, "memory.max", "max\n");
	/* memory.oom.group is listed but absent here: skipped */
	touch(f.root, "delegate", "cgroup.procs\nmemory.oom.group\ncgroup.threads\n../escape\n");
	assert_true(asprintf(&list, "%s/delegate", f.root) > 0);
	assert_int_equal(cg_delegate_in(cg, list, uid, &err), 0);
	assert_int_equal(owner_of(dir, "."), uid);
	assert_int_equal(owner_of(dir, "cgroup.procs"), uid);
	assert_int_equal(owner_of(dir, "cgroup.threads"), uid);
	if (uid != 0 && geteuid() == 0) {
		assert_int_equal(owner_of(dir, "memory.max"), 0);
		assert_int_equal(owner_of(dir, "cgroup.subtree_control"), 0);
		/* without the kernel's list: the spec's fallback includes cgroup.subtree_control */
		assert_int_equal(cg_delegate_in(cg, "/nonexistent/delegate", uid, &err), 0);
		assert_int_equal(owner_of(dir, "cgroup.subtree_control"), uid);
		assert_int_equal(owner_of(dir, "memory.max"), 0);
	}
	/* a cgroup gone meanwhile: the error names it */
	assert_int_equal(sheep_rm_rf_at(AT_FDCWD, dir, NULL), 0);
	assert_int_equal(cg_delegate_in(cg, list, uid, &err), -1);
	assert_non_null(strstr(err->msg, dir));
	assert_non_null(strstr(err->msg, "No such file or directory"));
	sheep_err_free(err);
	err = NULL;
	sheep_cgroup_free(cg);

	o.id = "c2";
	assert_int_equal(cg_create_in(&f.l, "/nonexistent", &o, NULL, &hybrid, &err), 0);
	assert_int_equal(cg_delegate_in(hybrid, list, 4242, &err), 0);
	free(dir);
	assert_true(asprintf(&dir, "%s/sheep-oci/c2", f.l.h[2].mountpoint) > 0);
	assert_int_equal(owner_of(dir, "."), geteuid());
	sheep_cgroup_free(hybrid);
	fake_teardown(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_hybrid),    cmocka_unit_test(test_parse_v1_comounted),
	    cmocka_unit_test(test_parse_v2),	    cmocka_unit_test(test_parse_bad_line),
	    cmocka_unit_test(test_list_has),	    cmocka_unit_test(test_paths),
	    cmocka_unit_test(test_state_roundtrip), cmocka_unit_test(test_state_bad),
	    cmocka_unit_test(test_create_destroy),  cmocka_unit_test(test_join_existing),
	    cmocka_unit_test(test_create_rollback), cmocka_unit_test(test_create_bad_path),
	    cmocka_unit_test(test_systemd),	    cmocka_unit_test(test_clone_fd_v2),
	    cmocka_unit_test(test_parse_shadowed),  cmocka_unit_test(test_parse_shadow_prefix),
	    cmocka_unit_test(test_delegate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
