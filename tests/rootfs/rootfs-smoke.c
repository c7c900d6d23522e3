/* Root-only check of sheep_rootfs_setup() without the lifecycle verbs: each scenario forks a child
 * that unshares mount, network and uts namespaces, builds a config by hand, sets up a rootfs made
 * in a temp dir and checks the result from inside; the parent checks the host was not touched.
 * Usage: rootfs-smoke (exit 0 = all passed; prints one line per check). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/rootfs.h"
#include "util/cleanup.h"
#include "util/fs.h"

static char top[64], rootfs[160], bundle[96], hostdir[96];
static int failures;

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		bool ok_ = (cond);                                                                 \
		printf("%s ", ok_ ? "ok  " : "FAIL");                                              \
		printf(__VA_ARGS__);                                                               \
		printf("\n");                                                                      \
		fflush(stdout);                                                                    \
		failures += !ok_;                                                                  \
	} while (0)

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0)
		exit(2);
}

static char *slurp(const char *path)
{
	static char buf[256];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	return n < 0 ? NULL : buf;
}

static void make_tree(void)
{
	char p[320];

	strcpy(top, "/tmp/rootfs-smoke.XXXXXX");
	if (mkdtemp(top) == NULL)
		exit(2);
	snprintf(bundle, sizeof(bundle), "%s/bundle", top);
	snprintf(rootfs, sizeof(rootfs), "%s/rootfs", bundle);
	snprintf(hostdir, sizeof(hostdir), "%s/host", top);
	mkdir(bundle, 0755);
	mkdir(rootfs, 0755);
	mkdir(hostdir, 0755);
	snprintf(p, sizeof(p), "%s/etc", rootfs);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/etc/hostname", rootfs);
	put(p, "image\n");
	snprintf(p, sizeof(p), "%s/etc/motd", rootfs);
	put(p, "copied up\n");
	snprintf(p, sizeof(p), "%s/data", bundle);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/data/file", bundle);
	put(p, "data\n");
	snprintf(p, sizeof(p), "%s/hostname", bundle);
	put(p, "bound\n");
	snprintf(p, sizeof(p), "%s/secret", hostdir);
	put(p, "host secret\n");
	/* hostile links: absolute targets that name the host directory */
	snprintf(p, sizeof(p), "%s/mnt", rootfs);
	symlink(hostdir, p);
	/* the same path inside the rootfs: where /mnt really leads */
	snprintf(p, sizeof(p), "mkdir -p '%s%s'", rootfs, hostdir);
	if (system(p) != 0)
		exit(2);
	snprintf(p, sizeof(p), "%s/dev", rootfs);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/host/secret", top);
	{
		char link[256];

		snprintf(link, sizeof(link), "%s/dev/null", rootfs);
		symlink(p, link);
	}
}

static struct oci_mount M(const char *dst, const char *type, const char *src, char **o, size_t n) {
	return (struct oci_mount){.destination = (char *)dst,
				  .type = (char *)type,
				  .source = (char *)src,
				  .options = o,
				  .options_len = n};
}
#define OPTS(...) (char *[]){__VA_ARGS__}, sizeof((char *[]){__VA_ARGS__}) / sizeof(char *)

static int
run_child(const struct oci_config *c, const struct sheep_rootfs_opts *o, void (*inside)(void),
	  const char *want_err)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		_cleanup_err_ struct sheep_err *err = NULL;

		if (unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWUTS) < 0)
			_exit(3);
		failures = 0;
		if (sheep_rootfs_setup(c, o, &err) < 0) {
			if (want_err != NULL) {
				CHECK(strcmp(err->msg, want_err) == 0, "error is '%s'", err->msg);
				_exit(failures ? 1 : 0);
			}
			CHECK(false, "setup: %s", err->msg);
			_exit(1);
		}
		CHECK(want_err == NULL, "setup succeeded%s%s", want_err ? ", wanted " : "",
		      want_err ? want_err : "");
		if (inside != NULL)
			inside();
		_exit(failures ? 1 : 0);
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static void check_inside(void)
{
	struct stat st;
	char *s;

	CHECK(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3),
	      "/dev/null is the null device (the image's symlink was replaced)");
	CHECK(stat("/dev/urandom", &st) == 0 && S_ISCHR(st.st_mode) && (st.st_mode & 0777) == 0666,
	      "/dev/urandom 0666");
	CHECK(stat("/dev/fuse", &st) == 0 && S_ISCHR(st.st_mode) && (st.st_mode & 0777) == 0600 &&
		  st.st_uid == 7 && st.st_gid == 8,
	      "linux.devices /dev/fuse 0600 7:8");
	CHECK(readlink("/dev/fd", (char[64]){0}, 64) == 13, "/dev/fd link");
	CHECK(lstat("/dev/ptmx", &st) == 0 && S_ISLNK(st.st_mode), "/dev/ptmx link");
	CHECK(stat("/proc/self/status", &st) == 0, "proc mounted");
	s = slurp("/etc/hostname");
	CHECK(s && strcmp(s, "bound\n") == 0, "file bind on /etc/hostname");
	CHECK(open("/data/new", O_WRONLY | O_CREAT | O_CLOEXEC, 0644) < 0 && errno == EROFS,
	      "ro bind /data refuses writes");
	s = slurp("/data/file");
	CHECK(s && strcmp(s, "data\n") == 0, "bundle-relative bind source");
	s = slurp("/etc/motd");
	CHECK(s && strcmp(s, "copied up\n") == 0, "tmpcopyup on /etc kept motd");
	CHECK(mkdir("/etc/w", 0755) == 0, "/etc tmpfs is writable");
	CHECK(mkdir("/x", 0755) < 0 && errno == EROFS, "root.readonly");
	CHECK(stat("/proc/version", &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3),
	      "masked file /proc/version (/proc/kcore is absent here: skipped)");
	CHECK(stat("/proc/acpi", &st) < 0 || (st.st_nlink <= 2 && S_ISDIR(st.st_mode)),
	      "masked dir /proc/acpi");
	s = slurp("/proc/sys/net/ipv4/ip_forward");
	CHECK(s && strcmp(s, "1\n") == 0, "sysctl net.ipv4.ip_forward=1");
	CHECK(open("/proc/sys/net/ipv4/ip_forward", O_WRONLY | O_CLOEXEC) < 0 && errno == EROFS,
	      "readonlyPaths /proc/sys");
	{
		struct oci_map again = {(char *[]){"net.ipv4.ip_forward"}, (char *[]){"1"}, 1};
		struct oci_map change = {(char *[]){"net.ipv4.ip_forward"}, (char *[]){"0"}, 1};
		_cleanup_err_ struct sheep_err *err = NULL, *e0 = NULL;

		CHECK(sheep_rootfs_write_sysctl(&again, &e0) == 0,
		      "writing the same sysctl again is a no-op");
		CHECK(sheep_rootfs_write_sysctl(&change, &err) < 0 &&
			  strcmp(err->msg, "set sysctl 'net.ipv4.ip_forward': open "
					   "'/proc/sys/net/ipv4/ip_forward': Read-only file "
					   "system") == 0,
		      "changing it under read-only /proc/sys: '%s'", err ? err->msg : "");
	}
	CHECK(stat("/idmapped/file", &st) == 0 && st.st_uid == 100000,
	      "idmapped bind: uid 0 shows as 100000 (got %u)", (unsigned)st.st_uid);
	CHECK(stat("/mnt/evil", &st) == 0 && stat(hostdir, &st) == 0,
	      "tmpfs through /mnt -> host path landed in the root");
	{
		char cwd[16];

		CHECK(getcwd(cwd, sizeof(cwd)) && strcmp(cwd, "/") == 0, "cwd is /");
	}
}

static int before_pivot_called;
static int before_pivot(void *data, struct sheep_err **err)
{
	before_pivot_called = access("etc/hostname", F_OK) == 0 ? 1 : -1;
	return 0;
}

static void check_hook(void)
{
	CHECK(before_pivot_called == 1, "before_pivot ran with cwd = rootfs");
}

static void scenario_full(bool no_pivot)
{
	struct oci_id_mapping map = {0, 100000, 65536};
	struct oci_mount mounts[] = {
	    M("/proc", "proc", "proc", NULL, 0),
	    M("/dev", "tmpfs", "tmpfs", OPTS("nosuid", "strictatime", "mode=755", "size=65536k")),
	    M("/dev/pts", "devpts", "devpts",
	      OPTS("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620")),
	    M("/dev/shm", "tmpfs", "shm", OPTS("nosuid", "noexec", "nodev", "mode=1777")),
	    M("/dev/mqueue", "mqueue", "mqueue", OPTS("nosuid", "noexec", "nodev")),
	    M("/sys", "sysfs", "sysfs", OPTS("nosuid", "noexec", "nodev", "ro")),
	    M("/etc", "tmpfs", "tmpfs", OPTS("tmpcopyup", "mode=755")),
	    M("/etc/hostname", "bind", "hostname", OPTS("bind", "ro")),
	    M("/data", "none", "data", OPTS("rbind", "ro", "nosuid", "rprivate")),
	    M("/idmapped", "bind", "data", OPTS("bind", "idmap")),
	    M("/mnt/evil", "tmpfs", "tmpfs", NULL, 0),
	};
	struct oci_device fuse = {"c",	"/dev/fuse", true, 10, true, 229,
				  true, 0600,	     true, 7,  true, 8};
	struct oci_map sysctl = {(char *[]){"net.ipv4.ip_forward"}, (char *[]){"1"}, 1};
	struct oci_linux l = {.devices = &fuse,
			      .devices_len = 1,
			      .sysctl = &sysctl,
			      .masked_paths = (char *[]){"/proc/kcore", "/proc/version",
							 "/proc/acpi", "/nonexistent"},
			      .masked_paths_len = 4,
			      .readonly_paths = (char *[]){"/proc/sys"},
			      .readonly_paths_len = 1};
	struct oci_root root = {.path = rootfs, .readonly = true};
	struct oci_config c = {.root = &root, .mounts = mounts, .mounts_len = 11, .linux_ = &l};
	struct sheep_rootfs_opts o = {
	    .rootfs = rootfs, .bundle = bundle, .no_pivot = no_pivot, .console_fd = -1};
	char p[256];
	_cleanup_err_ struct sheep_err *err = NULL;

	mounts[9].uid_mappings = mounts[9].gid_mappings = &map;
	mounts[9].uid_mappings_len = mounts[9].gid_mappings_len = 1;
	printf("-- full setup (%s)\n", no_pivot ? "no-pivot" : "pivot_root");
	CHECK(sheep_rootfs_validate(&c, &err) == 0, "config validates");
	CHECK(run_child(&c, &o, check_inside, NULL) == 0, "child checks passed");
	snprintf(p, sizeof(p), "%s/evil", hostdir);
	CHECK(access(p, F_OK) < 0, "nothing created in the host dir the symlink named");
	CHECK(strcmp(slurp(strcat(strcpy(p, hostdir), "/secret")), "host secret\n") == 0,
	      "host file behind rootfs/dev/null untouched");
	o.before_pivot = before_pivot;
	c.mounts_len = 1;
	c.linux_ = NULL;
	CHECK(run_child(&c, &o, check_hook, NULL) == 0, "before_pivot hook");
}

static void scenario_errors(void)
{
	struct oci_mount bad[] = {M("/x", "nosuchfs", "none", NULL, 0)};
	struct oci_mount badopt[] = {M("/t", "tmpfs", "tmpfs", OPTS("size=abc"))};
	struct oci_mount proc[] = {M("/proc", "proc", "proc", NULL, 0)};
	struct oci_root root = {.path = rootfs};
	struct oci_config c = {.root = &root, .mounts = bad, .mounts_len = 1};
	struct sheep_rootfs_opts o = {.rootfs = rootfs, .bundle = bundle, .console_fd = -1};
	char p[256];

	printf("-- errors\n");
	CHECK(run_child(&c, &o, NULL,
			"set up rootfs: mount 'nosuchfs' on '/x' (mounts[0]): No such device") == 0,
	      "unknown filesystem type");
	c.mounts = badopt;
	CHECK(run_child(&c, &o, NULL,
			"set up rootfs: mount 'tmpfs' on '/t' (mounts[0]) (tmpfs: Bad value for "
			"'size'): Invalid argument") == 0,
	      "bad filesystem data");
	snprintf(p, sizeof(p), "%s/proc", rootfs);
	rmdir(p); /* made by the scenarios before */
	CHECK(symlink("/", p) == 0, "rootfs/proc -> /");
	c.mounts = proc;
	CHECK(run_child(&c, &o, NULL,
			"set up rootfs: mount 'proc' on '/proc' (mounts[0]): destination '/proc' "
			"is a symlink: Too many levels of symbolic links") == 0,
	      "proc onto a symlink refused");
	unlink(p);
}

int main(void)
{
	_cleanup_err_ struct sheep_err *err = NULL;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (geteuid() != 0) {
		printf("skip: needs root\n");
		return 77;
	}
	make_tree();
	scenario_full(false);
	scenario_full(true);
	scenario_errors();
	sheep_rm_rf_at(AT_FDCWD, top, &err);
	printf("%s\n", failures ? "FAILED" : "all passed");
	return failures ? 1 : 0;
}
