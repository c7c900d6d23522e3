/* linux.sysctl, written under /proc/sys of the container. The image controls every path in the
 * rootfs, so /proc is checked to be a real procfs mounted at its root (a bind of a tmpfs or of a
 * procfs subdirectory would redirect the write) and each file is opened beneath it without
 * symlinks (openat2 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS) and checked to be on procfs itself:
 * mount crossings are allowed, since readonlyPaths legitimately bind /proc/sys onto itself. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "core/rootfs/rootfs_int.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* The inode number of procfs's root directory (fs/proc/root.c). */
#define PROC_ROOT_INO 1

static int check_procfs(int fd, const char *what, struct sheep_err **err)
{
	struct statfs sfs;

	if (fstatfs(fd, &sfs) < 0)
		return sheep_err_set(err, errno, "statfs '%s'", what);
	if (sfs.f_type != PROC_SUPER_MAGIC)
		return sheep_err_set(err, 0, "'%s' is not on procfs", what);
	return 0;
}

int rootfs_open_procfs(struct sheep_err **err)
{
	_cleanup_close_ int fd = open("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return sheep_err_set(err, errno, "open '/proc'");
	if (check_procfs(fd, "/proc", err) < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		return sheep_err_set(err, errno, "stat '/proc'");
	if (st.st_ino != PROC_ROOT_INO)
		return sheep_err_set(err, 0, "'/proc' is not the root of a procfs mount");
	return TAKE_FD(fd);
}

/* "net.ipv4.ip_forward" -> "sys/net/ipv4/ip_forward"; "/" is accepted as the separator too
 * (sysctl(8) allows it, and interface names may contain dots: "net/ipv4/conf/eth0.1/forwarding"). */
static int sysctl_path(const char *key, char *buf, size_t len, struct sheep_err **err)
{
	bool slashes = strchr(key, '/') != NULL;

	if (snprintf(buf, len, "sys/%s", key) >= (int)len || key[0] == '\0' || key[0] == '.' ||
	    key[0] == '/' || strstr(key, "..") != NULL)
		return sheep_err_set(err, 0, "config.json: linux.sysctl: invalid key '%s'", key);
	for (char *p = buf + 4; !slashes && *p; p++)
		if (*p == '.')
			*p = '/';
	return 0;
}

/* True when the file already holds value: sheep_rootfs_setup() writes linux.sysctl before
 * readonlyPaths, so a second call (after /proc/sys went read-only) must not need to write. */
static bool already_set(int procfd, const char *path, const char *value, struct open_how how)
{
	_cleanup_close_ int fd = -1;
	char buf[256];
	size_t vlen = strlen(value);
	ssize_t n;

	how.flags = O_RDONLY | O_CLOEXEC;
	fd = (int)syscall(SYS_openat2, procfd, path, &how, sizeof(how));
	if (fd < 0 || (n = read(fd, buf, sizeof(buf) - 1)) < 0)
		return false;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	while (vlen > 0 && (value[vlen - 1] == '\n' || value[vlen - 1] == ' '))
		vlen--;
	return (size_t)n == vlen && memcmp(buf, value, vlen) == 0;
}

int sheep_procfs_write(int procfd, const char *path, const char *value, struct sheep_err **err)
{
	struct open_how how = {
	    .flags = O_WRONLY | O_CLOEXEC,
	    .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	_cleanup_close_ int fd = (int)syscall(SYS_openat2, procfd, path, &how, sizeof(how));

	if (fd < 0)
		return sheep_err_set(err, errno, "open '/proc/%s'", path);
	if (check_procfs(fd, path, err) < 0)
		return -1;
	if (sheep_write_all(fd, value, strlen(value)) < 0)
		return sheep_err_set(err, errno, "write '/proc/%s'", path);
	return 0;
}

static int write_one(int procfd, const char *key, const char *value, struct sheep_err **err)
{
	struct open_how how = {
	    .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	char path[512];

	if (sysctl_path(key, path, sizeof(path), err) < 0)
		return -1;
	if (already_set(procfd, path, value, how))
		return 0;
	return sheep_procfs_write(procfd, path, value, err);
}

int sheep_procfs_open(struct sheep_err **err)
{
	return rootfs_open_procfs(err);
}

int sheep_rootfs_write_sysctl(const struct oci_map *sysctl, struct sheep_err **err)
{
	_cleanup_close_ int procfd = -1;

	if (sysctl == NULL || sysctl->len == 0)
		return 0;
	procfd = rootfs_open_procfs(err);
	if (procfd < 0)
		return sheep_err_wrap(err, "set sysctl");
	for (size_t i = 0; i < sysctl->len; i++)
		if (write_one(procfd, sysctl->keys[i], sysctl->values[i], err) < 0)
			return sheep_err_wrap(err, "set sysctl '%s'", sysctl->keys[i]);
	return 0;
}
