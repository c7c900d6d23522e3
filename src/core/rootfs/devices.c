/* /dev inside the container: the default devices every container gets (runtime-spec config-linux.md
 * "Default Devices"), linux.devices, the standard links and /dev/console. Nodes are made with
 * mknodat relative to the in-root resolved /dev directory, or bound from the host in a user
 * namespace, where mknod is not allowed. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "core/rootfs/rootfs_int.h"
#include "util/cleanup.h"
#include "util/path.h"

static const struct oci_device default_devices[] = {
    {"c", "/dev/null", true, 1, true, 3, true, 0666, false, 0, false, 0},
    {"c", "/dev/zero", true, 1, true, 5, true, 0666, false, 0, false, 0},
    {"c", "/dev/full", true, 1, true, 7, true, 0666, false, 0, false, 0},
    {"c", "/dev/random", true, 1, true, 8, true, 0666, false, 0, false, 0},
    {"c", "/dev/urandom", true, 1, true, 9, true, 0666, false, 0, false, 0},
    {"c", "/dev/tty", true, 5, true, 0, true, 0666, false, 0, false, 0},
};

static const struct {
	const char *name;
	const char *target;
} dev_links[] = {
    {"fd", "/proc/self/fd"},	   {"stdin", "/proc/self/fd/0"}, {"stdout", "/proc/self/fd/1"},
    {"stderr", "/proc/self/fd/2"}, {"ptmx", "pts/ptmx"},
};

static mode_t device_type(const char *type)
{
	switch (type[0]) {
	case 'b':
		return S_IFBLK;
	case 'p':
		return S_IFIFO;
	default:
		return S_IFCHR; /* "c" and "u" (unbuffered character device) */
	}
}

/* Splits "/dev/a/b" into an O_PATH fd of "/dev/a" (created in-root) and the name "b". */
static int device_parent(int rootfd, const char *path, const char **ret_name,
			 struct sheep_err **err)
{
	_cleanup_free_ char *dir = strdup(path);
	char *slash = dir ? strrchr(dir, '/') : NULL;

	if (slash == NULL || slash[1] == '\0')
		return sheep_err_set(err, EINVAL, "device path '%s'", path);
	*slash = '\0';
	*ret_name = strrchr(path, '/') + 1;
	return sheep_path_mkdir_in_root(rootfd, dir[0] ? dir : "/", 0755, err);
}

/* config-linux.md "Devices": "If a file already exists at path that does not match the requested
 * device, the runtime MUST generate an error." The image's file is never replaced (a symlink
 * there does not match either); the requested device already there is kept. */
static int check_existing(int dirfd, const char *name, const struct oci_device *d, bool *ret_exists,
			  struct sheep_err **err)
{
	struct stat st;

	*ret_exists = false;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : sheep_err_set(err, errno, "stat '%s'", d->path);
	if ((st.st_mode & S_IFMT) != device_type(d->type) ||
	    (d->type[0] != 'p' && st.st_rdev != makedev((unsigned)d->major, (unsigned)d->minor)))
		return sheep_err_set(err, 0, "a file that is not this device is already there");
	*ret_exists = true;
	return 0;
}

static int bind_host_device(int dirfd, const char *name, const char *path, bool exists,
			    struct sheep_err **err)
{
	_cleanup_close_ int fd = -1, mfd = -1;

	/* a default device replaces whatever the image had at its name (even a symlink to a host
	 * file); a linux.devices entry there is the same device, bound over */
	if (!exists && unlinkat(dirfd, name, 0) < 0 && errno != ENOENT)
		return sheep_err_set(err, errno, "unlink '%s'", path);
	fd = exists
		 ? openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC)
		 : openat(dirfd, name, O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return sheep_err_set(err, errno, "create '%s'", path);
	mfd = open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (mfd < 0)
		return sheep_err_set(err, errno, "open_tree '%s'", path);
	if (move_mount(mfd, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return sheep_err_set(err, errno, "bind '%s'", path);
	return 0;
}

static int make_node(int dirfd, const char *name, const struct oci_device *d, bool exists,
		     struct sheep_err **err)
{
	mode_t mode = d->has_file_mode ? d->file_mode : 0666;
	dev_t dev = makedev((unsigned)d->major, (unsigned)d->minor);
	_cleanup_close_ int fd = -1;
	char path[SHEEP_FD_PATH_MAX];

	if (!exists && unlinkat(dirfd, name, 0) < 0 && errno != ENOENT)
		return sheep_err_set(err, errno, "unlink '%s'", d->path);
	if (!exists &&
	    mknodat(dirfd, name, device_type(d->type) | (mode & 0777), d->type[0] == 'p' ? 0 : dev))
		return sheep_err_set(err, errno, "mknod '%s'", d->path);
	fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return sheep_err_set(err, errno, "open '%s'", d->path);
	/* chmod after mknod: the umask must not decide the device's mode (fileMode) */
	if (chmod(sheep_path_fd_name(fd, path), mode & 0777) < 0)
		return sheep_err_set(err, errno, "chmod '%s'", d->path);
	if (fchownat(fd, "", d->has_uid ? d->uid : 0, d->has_gid ? d->gid : 0, AT_EMPTY_PATH) < 0)
		return sheep_err_set(err, errno, "chown '%s'", d->path);
	return 0;
}

/* A mount the config put at a default device's path (a bind of the host's /dev/null, say) wins
 * over the default, as for the standard links: unlink(2) of a mount point fails with EBUSY. */
static bool mounted_over(int dirfd, const char *name)
{
	return unlinkat(dirfd, name, 0) < 0 && errno == EBUSY;
}

static int make_device(struct rootfs_ctx *c, const struct oci_device *d, bool is_default,
		       struct sheep_err **err)
{
	const char *name = NULL;
	_cleanup_close_ int dirfd = device_parent(c->rootfd, d->path, &name, err);
	bool exists = false;

	if (dirfd < 0)
		return sheep_err_wrap(err, "create device '%s'", d->path);
	if (is_default && mounted_over(dirfd, name))
		return 0;
	if (!is_default && check_existing(dirfd, name, d, &exists, err) < 0)
		return sheep_err_wrap(err, "create device '%s'", d->path);
	if (c->opts->userns)
		return bind_host_device(dirfd, name, d->path, exists, err) < 0
			   ? sheep_err_wrap(err, "create device '%s'", d->path)
			   : 0;
	if (make_node(dirfd, name, d, exists, err) < 0)
		return sheep_err_wrap(err, "create device '%s'", d->path);
	return 0;
}

static bool configured(const struct oci_config *config, const char *path)
{
	const struct oci_linux *l = config->linux_;

	for (size_t i = 0; l != NULL && i < l->devices_len; i++)
		if (strcmp(l->devices[i].path, path) == 0)
			return true;
	return false;
}

static int make_links(int devfd, struct sheep_err **err)
{
	for (size_t i = 0; i < sizeof(dev_links) / sizeof(dev_links[0]); i++) {
		struct stat st;

		/* a device or mount the config put there wins over the default link */
		if (fstatat(devfd, dev_links[i].name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			if (S_ISDIR(st.st_mode) || (S_ISCHR(st.st_mode) && i != 4))
				continue;
			if (unlinkat(devfd, dev_links[i].name, 0) < 0)
				return sheep_err_set(err, errno, "unlink '/dev/%s'",
						     dev_links[i].name);
		}
		if (symlinkat(dev_links[i].target, devfd, dev_links[i].name) < 0)
			return sheep_err_set(err, errno, "symlink '/dev/%s'", dev_links[i].name);
	}
	return 0;
}

/* /dev/console as an empty file of our own, whatever the image had there: the init opens it
 * to bind the pty on (a FIFO there blocked that open for ever, a symlink would lead elsewhere). */
static int console_target(int devfd, struct sheep_err **err)
{
	int fd;

	if (unlinkat(devfd, "console", 0) < 0 && errno != ENOENT)
		return sheep_err_set(err, errno, "unlink '/dev/console'");
	fd = openat(devfd, "console", O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return sheep_err_set(err, errno, "create '/dev/console'");
	return fd;
}

static int bind_console(int devfd, int console_fd, struct sheep_err **err)
{
	_cleanup_close_ int fd = console_target(devfd, err);
	char src[SHEEP_FD_PATH_MAX], dst[SHEEP_FD_PATH_MAX];

	if (fd < 0)
		return -1;
	if (mount(sheep_path_fd_name(console_fd, src), sheep_path_fd_name(fd, dst), NULL, MS_BIND,
		  NULL) < 0)
		return sheep_err_set(err, errno, "bind the console on '/dev/console'");
	return 0;
}

int rootfs_make_devices(struct rootfs_ctx *c, struct sheep_err **err)
{
	const struct oci_linux *l = c->config->linux_;
	_cleanup_close_ int devfd = sheep_path_mkdir_in_root(c->rootfd, "/dev", 0755, err);

	if (devfd < 0)
		return -1;
	for (size_t i = 0; i < sizeof(default_devices) / sizeof(default_devices[0]); i++)
		if (!configured(c->config, default_devices[i].path) &&
		    make_device(c, &default_devices[i], true, err) < 0)
			return -1;
	for (size_t i = 0; l != NULL && i < l->devices_len; i++)
		if (make_device(c, &l->devices[i], false, err) < 0)
			return -1;
	if (make_links(devfd, err) < 0)
		return -1;
	if (c->opts->console_fd >= 0)
		return bind_console(devfd, c->opts->console_fd, err);
	/* a mount the config put at /dev/console stays */
	if (c->config->process != NULL && c->config->process->terminal &&
	    !mounted_over(devfd, "console")) {
		_cleanup_close_ int fd = console_target(devfd, err);

		return fd < 0 ? -1 : 0;
	}
	return 0;
}
