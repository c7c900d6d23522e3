/* core/rootfs: the mount option table (flags, propagation, recursive attributes, data) and
 * sheep_rootfs_validate() with the exact error texts. No root needed. */
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/rootfs.h"
#include "core/rootfs/mount_opts.h"
#include "util/cleanup.h"

static struct oci_mount mnt(const char *type, const char *dest, char **options, size_t len)
{
	struct oci_mount m = {.destination = (char *)dest,
			      .type = (char *)type,
			      .source = (char *)"/src",
			      .options = options,
			      .options_len = len};
	return m;
}

#define MNT(type, dest, ...)                                                                       \
	mnt(type, dest, (char *[]){__VA_ARGS__}, sizeof((char *[]){__VA_ARGS__}) / sizeof(char *))

static void test_flags(void **state)
{
	struct oci_mount m = MNT("tmpfs", "/t", "ro", "nosuid", "nodev", "noexec", "strictatime",
				 "dirsync", "sync", "nosymfollow", "lazytime");
	struct sheep_mount_opts o;
	_cleanup_err_ struct sheep_err *err = NULL;

	assert_int_equal(sheep_mount_opts_parse(&m, 0, &o, &err), 0);
	assert_int_equal(o.flags, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_STRICTATIME |
				      MS_DIRSYNC | MS_SYNCHRONOUS | MS_NOSYMFOLLOW | MS_LAZYTIME);
	assert_null(o.data);
	assert_int_equal(o.propagation_len, 0);
	assert_int_equal(sheep_mount_flags_to_attr(o.flags),
			 MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
			     MOUNT_ATTR_NOEXEC | MOUNT_ATTR_STRICTATIME | MOUNT_ATTR_NOSYMFOLLOW);
	sheep_mount_opts_clear(&o);
}

/* fstab's and mount(2)'s words runc and crun accept: defaults (nothing), the superblock flags */
static void test_sb_words(void **state)
{
	struct oci_mount m = MNT("tmpfs", "/t", "defaults", "acl", "iversion", "silent");
	struct oci_mount off = MNT("tmpfs", "/t", "acl", "noacl", "noiversion", "loud");
	struct sheep_mount_opts o;
	_cleanup_err_ struct sheep_err *err = NULL;

	(void)state;
	assert_int_equal(sheep_mount_opts_parse(&m, 0, &o, &err), 0);
	assert_int_equal(o.flags, MS_POSIXACL | MS_I_VERSION | MS_SILENT);
	assert_null(o.data);
	sheep_mount_opts_clear(&o);
	assert_int_equal(sheep_mount_opts_parse(&off, 0, &o, &err), 0);
	assert_int_equal(o.flags, 0);
	assert_int_equal(o.cleared, MS_POSIXACL | MS_I_VERSION | MS_SILENT);
	assert_null(o.data);
	sheep_mount_opts_clear(&o);
}

static void test_clear_flags_last_wins(void **state)
{
	struct oci_mount m = MNT("tmpfs", "/t", "ro", "rw", "nosuid", "suid", "exec", "noexec",
				 "atime", "async", "nodiratime", "diratime", "nomand");
	struct sheep_mount_opts o;
	_cleanup_err_ struct sheep_err *err = NULL;

	assert_int_equal(sheep_mount_opts_parse(&m, 0, &o, &err), 0);
	assert_int_equal(o.flags, MS_NOEXEC);
	assert_int_equal(o.cleared, MS_RDONLY | MS_NOSUID | MS_NOATIME | MS_SYNCHRONOUS |
					MS_NODIRATIME | MS_MANDLOCK);
	sheep_mount_opts_clear(&o);
}

static void test_bind_and_propagation(void **state)
{
	struct oci_mount m = MNT("none", "/b", "rbind", "rprivate", "shared", "runbindable", "ro");
	struct sheep_mount_opts o;
	_cleanup_err_ struct sheep_err *err = NULL;

	assert_true(sheep_mount_is_bind(&m));
	assert_int_equal(sheep_mount_opts_parse(&m, 0, &o, &err), 0);
	assert_int_equal(o.flags, MS_BIND | MS_REC | MS_RDONLY);
	assert_int_equal(o.propagation_len, 3);
	assert_int_equal(o.propagation[0], MS_PRIVATE | MS_REC);
	assert_int_equal(o.propagation[1], MS_SHARED);
	assert_int_equal(o.propagation[2], MS_UNBINDABLE | MS_REC);
	sheep_mount_opts_clear(&o);
	m = MNT("bind", "/b");
	assert_true(sheep_mount_is_bind(&m));
	m = MNT("tmpfs", "/b", "rslave");
	assert_false(sheep_mount_is_bind(&m));
}

static void test_recursive_attrs(void **state)
{
	struct oci_mount m = MNT("bind", "/b", "rro", "rnosuid", "rnodev", "rexec", "rnoatime",
				 "rnosymfollow", "rdiratime", "rbind");
	struct sheep_mount_opts o;
	_cleanup_err_ struct sheep_err *err = NULL;

	assert_int_equal(sheep_mount_opts_parse(&m, 0, &o, &err), 0);
	assert_int_equal(o.attr_set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
					 MOUNT_ATTR_NOATIME | MOUNT_ATTR_NOSYMFOLLOW);
	assert_int_equal(o.attr_clr, MOUNT_ATTR_NOEXEC | MOUNT_ATTR__ATIME | MOUNT_ATTR_NODIRATIME);
	assert_int_equal(o.flags, MS_BIND | MS_REC);
	sheep_mount_opts_clear(&o);
	/* the atime mode is one field: the last option decides it */
	m = MNT("bind", "/b", "rnoatime", "rstrictatime");
	assert_int_equal(sheep_mount_opts_parse(&m, 0, &o, &err), 0);
	assert_int_equal(o.attr_set & MOUNT_ATTR__ATIME, MOUNT_ATTR_STRICTATIME);
	m = MNT("bind", "/b", "rrw", "rro", "rsuid");
	assert_int_equal(sheep_mount_opts_parse(&m, 0, &o, &err), 0);
	assert_int_equal(o.attr_set, MOUNT_ATTR_RDONLY);
	assert_int_equal(o.attr_clr, MOUNT_ATTR_NOSUID);
}

static void test_data_and_special(void **state)
{
	struct oci_mount m =
	    MNT("tmpfs", "/t", "mode=755", "nosuid", "size=65536k", "noswap", "tmpcopyup");
	struct sheep_mount_opts o;
	_cleanup_err_ struct sheep_err *err = NULL;

	assert_int_equal(sheep_mount_opts_parse(&m, 0, &o, &err), 0);
	assert_string_equal(o.data, "mode=755,size=65536k,noswap");
	assert_true(o.tmpcopyup);
	assert_int_equal(o.flags, MS_NOSUID);
	sheep_mount_opts_clear(&o);
	/* unknown filesystems take any word as data (nfs "hard", overlay "userxattr", ...) */
	m = MNT("nfs", "/n", "hard", "vers=4");
	assert_int_equal(sheep_mount_opts_parse(&m, 0, &o, &err), 0);
	assert_string_equal(o.data, "hard,vers=4");
	sheep_mount_opts_clear(&o);
	m = MNT("bind", "/b", "ridmap");
	assert_int_equal(sheep_mount_opts_parse(&m, 0, &o, &err), 0);
	assert_true(o.idmap);
	assert_true(o.idmap_recursive);
	assert_null(err);
}

static void test_unknown_option(void **state)
{
	struct oci_mount m = MNT("proc", "/proc", "nosuid", "bogus");
	struct sheep_mount_opts o;
	_cleanup_err_ struct sheep_err *e1 = NULL, *e2 = NULL, *e3 = NULL;

	assert_int_equal(sheep_mount_opts_parse(&m, 2, &o, &e1), -1);
	assert_string_equal(e1->msg,
			    "config.json: mounts[2].options[1]: unknown mount option 'bogus'");
	/* bind mounts take no data: a typo there must not be silently ignored */
	m = MNT("none", "/b", "rbind", "noexce");
	assert_int_equal(sheep_mount_opts_parse(&m, 0, &o, &e2), -1);
	assert_string_equal(e2->msg,
			    "config.json: mounts[0].options[1]: unknown mount option 'noexce'");
	m = MNT("tmpfs", "/t", "");
	assert_int_equal(sheep_mount_opts_parse(&m, 5, &o, &e3), -1);
	assert_string_equal(e3->msg, "config.json: mounts[5].options[0]: unknown mount option ''");
}

/* runc ignores the managers' own words on a bind (data a bind does not use); elsewhere they are
 * data the filesystem refuses, or on a strict type an unknown option */
static void test_manager_words(void **state)
{
	struct oci_mount m = MNT("bind", "/b", "rbind", "z", "Z", "U", "copy-symlink", "ro");
	struct sheep_mount_opts o;
	_cleanup_err_ struct sheep_err *e1 = NULL, *e2 = NULL;

	assert_int_equal(sheep_mount_opts_parse(&m, 0, &o, &e1), 0);
	assert_null(o.data);
	assert_int_equal(o.flags, MS_BIND | MS_REC | MS_RDONLY);
	m = MNT(NULL, "/b", "bind", "Z");
	assert_int_equal(sheep_mount_opts_parse(&m, 0, &o, &e1), 0);
	assert_null(o.data);
	m = MNT("tmpfs", "/t", "size=1m", "z");
	assert_int_equal(sheep_mount_opts_parse(&m, 3, &o, &e2), -1);
	assert_string_equal(e2->msg, "config.json: mounts[3].options[1]: unknown mount option 'z'");
	m = MNT("ext4", "/t", "U");
	assert_int_equal(sheep_mount_opts_parse(&m, 0, &o, &e1), 0);
	assert_string_equal(o.data, "U");
	sheep_mount_opts_clear(&o);
}

static void test_option_names(void **state)
{
	size_t n = 0;

	for (const char *const *p = sheep_mount_option_names(); *p != NULL; p++, n++) {
		struct oci_mount m = mnt("tmpfs", "/t", (char **)p, 1);
		struct sheep_mount_opts o;
		_cleanup_err_ struct sheep_err *err = NULL;

		/* every advertised name is in the table (none falls through to data) */
		assert_int_equal(sheep_mount_opts_parse(&m, 0, &o, &err), 0);
		assert_null(o.data);
		sheep_mount_opts_clear(&o);
	}
	assert_int_equal(n, 64);
}

/* ---- validation ---- */

static struct oci_root root = {.path = (char *)"rootfs"};

static void expect_invalid(struct oci_config *c, const char *msg)
{
	_cleanup_err_ struct sheep_err *err = NULL;

	assert_int_equal(sheep_rootfs_validate(c, &err), -1);
	assert_non_null(err);
	assert_string_equal(err->msg, msg);
}

/* linux.mountLabel goes to filesystems the caller creates, never to the kernel's own views nor
 * over a context the mount's data already sets. */
static void test_takes_context(void **state)
{
	(void)state;
	assert_true(sheep_mount_takes_context("tmpfs", NULL));
	assert_true(sheep_mount_takes_context("devpts", "newinstance,ptmxmode=0666"));
	assert_true(sheep_mount_takes_context("overlay", "lowerdir=/a,upperdir=/b,workdir=/c"));
	assert_true(sheep_mount_takes_context("tmpfs", "mode=755,xcontext=1"));
	assert_false(sheep_mount_takes_context("bind", NULL));
	assert_false(sheep_mount_takes_context(NULL, NULL));
	assert_false(sheep_mount_takes_context("proc", NULL));
	assert_false(sheep_mount_takes_context("sysfs", NULL));
	assert_false(sheep_mount_takes_context("mqueue", NULL));
	assert_false(sheep_mount_takes_context("cgroup2", NULL));
	assert_false(sheep_mount_takes_context("tmpfs", "context=system_u:object_r:x:s0"));
	assert_false(sheep_mount_takes_context("tmpfs", "mode=755,fscontext=a"));
	assert_false(sheep_mount_takes_context("tmpfs", "defcontext=a,size=1m"));
	assert_false(sheep_mount_takes_context("tmpfs", "size=1m,rootcontext=a"));
}

static void test_validate_ok(void **state)
{
	struct oci_mount mounts[] = {MNT("proc", "/proc"), MNT("tmpfs", "/dev", "mode=755"),
				     MNT("none", "/data", "rbind", "ro")};
	struct oci_config c = {.root = &root, .mounts = mounts, .mounts_len = 3};
	_cleanup_err_ struct sheep_err *err = NULL;

	assert_int_equal(sheep_rootfs_validate(&c, &err), 0);
	assert_null(err);
}

static void test_validate_mounts(void **state)
{
	struct oci_mount mounts[2] = {MNT("proc", "/proc")};
	struct oci_config c = {.root = &root, .mounts = mounts, .mounts_len = 2};
	struct oci_id_mapping map = {0, 1000, 1};

	mounts[1] = MNT("proc", "proc");
	expect_invalid(&c,
		       "config.json: mounts[1].destination: must be an absolute path, got 'proc'");
	mounts[1] = MNT("tmpfs", "/x", "nodev", "bogus");
	expect_invalid(&c, "config.json: mounts[1].options[1]: unknown mount option 'bogus'");
	static const char *const roots[] = {"/", "//", "/./", "/..", "/x/../y/../.."};

	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		char want[160];

		mounts[1] = MNT("tmpfs", roots[i]);
		snprintf(want, sizeof(want),
			 "config.json: mounts[1].destination: '%s' is the container's root "
			 "(root.path says what it is)",
			 roots[i]);
		expect_invalid(&c, want);
	}
	mounts[1] = MNT("tmpfs", "/x/../y");
	{
		_cleanup_err_ struct sheep_err *err = NULL;

		assert_int_equal(sheep_rootfs_validate(&c, &err), 0);
	}
	mounts[1] = MNT("bind", "/x");
	mounts[1].source = NULL;
	expect_invalid(&c, "config.json: mounts[1].source: required for a bind mount");
	mounts[1] = MNT("proc", "/x", "tmpcopyup");
	expect_invalid(&c, "config.json: mounts[1].options: tmpcopyup needs type 'tmpfs'");
	mounts[1] = MNT("tmpfs", "/x", "idmap");
	expect_invalid(&c, "config.json: mounts[1].options: idmap needs a bind mount");
	mounts[1] = MNT("bind", "/x", "idmap");
	expect_invalid(&c, "config.json: mounts[1]: idmap needs uidMappings and gidMappings");
	mounts[1] = MNT("bind", "/x");
	mounts[1].uid_mappings = &map;
	mounts[1].uid_mappings_len = 1;
	expect_invalid(&c, "config.json: mounts[1]: uidMappings/gidMappings need the 'idmap' or "
			   "'ridmap' option");
	mounts[1].options = (char *[]){"idmap"};
	mounts[1].options_len = 1;
	mounts[1].gid_mappings = &map;
	mounts[1].gid_mappings_len = 1;
	{
		_cleanup_err_ struct sheep_err *err = NULL;

		assert_int_equal(sheep_rootfs_validate(&c, &err), 0);
	}
}

static void test_validate_linux(void **state)
{
	struct oci_device dev = {.type = (char *)"c",
				 .path = (char *)"/dev/fuse",
				 .has_major = true,
				 .major = 10,
				 .has_minor = true,
				 .minor = 229};
	struct oci_linux l = {.devices = &dev, .devices_len = 1};
	struct oci_config c = {.root = &root, .linux_ = &l};
	struct oci_root noroot = {0};
	_cleanup_err_ struct sheep_err *err = NULL;

	assert_int_equal(sheep_rootfs_validate(&c, &err), 0);
	l.rootfs_propagation = (char *)"sideways";
	expect_invalid(&c, "config.json: linux.rootfsPropagation: unknown propagation 'sideways'");
	l.rootfs_propagation = (char *)"rslave";
	dev.path = (char *)"dev/fuse";
	expect_invalid(&c, "config.json: linux.devices[0].path: must be an absolute path to a "
			   "file, without '.' or '..', got 'dev/fuse'");
	dev.path = (char *)"/dev/../etc/x";
	expect_invalid(&c, "config.json: linux.devices[0].path: must be an absolute path to a "
			   "file, without '.' or '..', got '/dev/../etc/x'");
	dev.path = (char *)"/dev/fuse";
	dev.type = (char *)"x";
	expect_invalid(&c, "config.json: linux.devices[0].type: unknown device type 'x'");
	dev.type = (char *)"b";
	dev.has_minor = false;
	expect_invalid(&c,
		       "config.json: linux.devices[0]: major and minor are required for type 'b'");
	dev.type = (char *)"p";
	l.masked_paths = (char *[]){"/proc/kcore", "proc/keys"};
	l.masked_paths_len = 2;
	expect_invalid(&c, "config.json: linux.maskedPaths[1]: must be an absolute path, got "
			   "'proc/keys'");
	l.masked_paths_len = 1;
	l.readonly_paths = (char *[]){"sys"};
	l.readonly_paths_len = 1;
	expect_invalid(&c,
		       "config.json: linux.readonlyPaths[0]: must be an absolute path, got 'sys'");
	c.root = &noroot;
	expect_invalid(&c, "config.json: root.path: required");
}

/* Paths that would not name a node (anywhere, /dev or not: config-linux.md), and numbers mknod(2)
 * cannot take (a cast to 32 bits turned 4294967297:3 into the null device). */
static void test_validate_device_limits(void **state)
{
	struct oci_device dev = {.type = (char *)"c",
				 .path = (char *)"/dev/x",
				 .has_major = true,
				 .major = 4095,
				 .has_minor = true,
				 .minor = 1048575};
	struct oci_linux l = {.devices = &dev, .devices_len = 1};
	struct oci_config c = {.root = &root, .linux_ = &l};
	static const char *const bad_paths[] = {"/dev/",    "/dev/..",	 "/dev/a/..", "/dev/a/../b",
						"/dev/./x", "/dev/a//b", "/dev/a/",   "/dev/.",
						"/",	    "",		 "x",	      "/.."};
	char want[160];
	_cleanup_err_ struct sheep_err *err = NULL;

	assert_int_equal(sheep_rootfs_validate(&c, &err), 0);
	for (size_t i = 0; i < sizeof(bad_paths) / sizeof(bad_paths[0]); i++) {
		dev.path = (char *)bad_paths[i];
		snprintf(want, sizeof(want),
			 "config.json: linux.devices[0].path: must be an absolute path to a file, "
			 "without '.' or '..', got '%s'",
			 bad_paths[i]);
		expect_invalid(&c, want);
	}
	dev.path = (char *)"/dev/a/b..c/.d";
	assert_int_equal(sheep_rootfs_validate(&c, &err), 0);
	dev.path = (char *)"/opt/devices/x";
	assert_int_equal(sheep_rootfs_validate(&c, &err), 0);
	dev.major = 4294967297;
	expect_invalid(&c, "config.json: linux.devices[0].major: 4294967297 out of range (0 to "
			   "4095)");
	dev.major = -1;
	expect_invalid(&c, "config.json: linux.devices[0].major: -1 out of range (0 to 4095)");
	dev.major = 1;
	dev.minor = 1048576;
	expect_invalid(&c, "config.json: linux.devices[0].minor: 1048576 out of range (0 to "
			   "1048575)");
	/* a fifo has no numbers to check */
	dev.type = (char *)"p";
	assert_int_equal(sheep_rootfs_validate(&c, &err), 0);
}

/* hostns.c: a state directory where nothing is mounted: release has nothing to do. */
static void test_host_ns_release_nothing_mounted(void **state)
{
	char dir[] = "/tmp/sheep-hostns-XXXXXX";
	struct sheep_err *e = NULL;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(sheep_rootfs_host_ns_release(fd, &e), 0); /* no rootfs directory */
	assert_int_equal(mkdirat(fd, SHEEP_HOST_ROOTFS, 0700), 0);
	assert_int_equal(sheep_rootfs_host_ns_release(fd, &e), 0); /* not a mount point */
	assert_null(e);
	assert_int_equal(unlinkat(fd, SHEEP_HOST_ROOTFS, AT_REMOVEDIR), 0);
	close(fd);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_flags),
	    cmocka_unit_test(test_sb_words),
	    cmocka_unit_test(test_clear_flags_last_wins),
	    cmocka_unit_test(test_bind_and_propagation),
	    cmocka_unit_test(test_recursive_attrs),
	    cmocka_unit_test(test_data_and_special),
	    cmocka_unit_test(test_unknown_option),
	    cmocka_unit_test(test_manager_words),
	    cmocka_unit_test(test_option_names),
	    cmocka_unit_test(test_takes_context),
	    cmocka_unit_test(test_validate_ok),
	    cmocka_unit_test(test_validate_mounts),
	    cmocka_unit_test(test_validate_linux),
	    cmocka_unit_test(test_validate_device_limits),
	    cmocka_unit_test(test_host_ns_release_nothing_mounted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
