/* Switching to the new root and locking it down: pivot_root (or MS_MOVE + chroot for --no-pivot,
 * chroot alone in the runtime's mount namespace),
 * then maskedPaths and readonlyPaths (runtime-spec config-linux.md), resolved in the new root. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "core/rootfs/rootfs_int.h"
#include "util/cleanup.h"
#include "util/path.h"

/* pivot_root(".", "."): the old root ends up stacked on top of the new one at "/"; it is made a
 * slave first so detaching it cannot propagate an unmount back to the host (pivot_root(2)). The
 * cwd still names the new root's mount, and mount(2) does not cross onto what is stacked on a
 * path's last "." (umount2 does): the old root is named by an fd taken before the pivot, or the
 * rslave would land on the container's own mounts and undo their "shared" options. */
static int do_pivot(void)
{
	_cleanup_close_ int oldroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct mount_attr slave = {.propagation = MS_SLAVE};

	if (oldroot < 0 || syscall(SYS_pivot_root, ".", ".") < 0)
		return -1;
	if (mount_setattr(oldroot, "", AT_EMPTY_PATH | AT_RECURSIVE, &slave, sizeof(slave)) < 0)
		return -1;
	if (umount2(".", MNT_DETACH) < 0)
		return -1;
	return chdir("/");
}

int rootfs_pivot(struct rootfs_ctx *c, struct sheep_err **err)
{
	if (fchdir(c->rootfd) < 0)
		return sheep_err_set(err, errno, "chdir to '%s'", c->opts->rootfs);
	/* in the runtime's mount namespace pivot_root or MS_MOVE would move the host's root */
	if (!c->opts->no_pivot && !c->opts->host_mount_ns) {
		if (do_pivot() < 0)
			return sheep_err_set(err, errno, "pivot_root to '%s'", c->opts->rootfs);
		return 0;
	}
	if (!c->opts->host_mount_ns && mount(".", "/", NULL, MS_MOVE, NULL) < 0)
		return sheep_err_set(err, errno, "move '%s' to '/'", c->opts->rootfs);
	if (chroot(".") < 0 || chdir("/") < 0)
		return sheep_err_set(err, errno, "chroot to '%s'", c->opts->rootfs);
	return 0;
}

/* /dev/null of the new root, checked to really be the null device: it is bound over masked files,
 * and a hostile image could have put anything there. */
static int open_dev_null(int rootfd, struct sheep_err **err)
{
	_cleanup_close_ int fd =
	    sheep_path_open_in_root(rootfd, "/dev/null", O_PATH | O_NOFOLLOW, 0, err);
	struct stat st;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		return sheep_err_set(err, errno, "stat '/dev/null'");
	if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
		return sheep_err_set(err, 0, "'/dev/null' is not the null device (1:3)");
	return TAKE_FD(fd);
}

static int mask_dir(int fd, struct sheep_err **err)
{
	_cleanup_close_ int fsfd = fsopen("tmpfs", FSOPEN_CLOEXEC), mfd = -1;

	if (fsfd < 0 || fsconfig(fsfd, FSCONFIG_SET_FLAG, "ro", NULL, 0) < 0 ||
	    fsconfig(fsfd, FSCONFIG_SET_STRING, "size", "0", 0) < 0 ||
	    fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return sheep_err_set(err, errno, "create tmpfs");
	mfd = fsmount(fsfd, FSMOUNT_CLOEXEC,
		      MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	if (mfd < 0)
		return sheep_err_set(err, errno, "fsmount tmpfs");
	if (move_mount(mfd, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return sheep_err_set(err, errno, "move_mount tmpfs");
	return 0;
}

static int mask_one(int rootfd, int nullfd, const char *path, struct sheep_err **err)
{
	_cleanup_close_ int fd = sheep_path_open_in_root(rootfd, path, O_PATH, 0, err);
	char src[SHEEP_FD_PATH_MAX], dst[SHEEP_FD_PATH_MAX];
	struct stat st;

	if (fd < 0 && (*err)->errnum == ENOENT) {
		sheep_err_freep(err);
		*err = NULL;
		return 0; /* nothing to hide */
	}
	if (fd < 0 || fstat(fd, &st) < 0)
		return fd < 0 ? -1 : sheep_err_set(err, errno, "stat");
	if (S_ISDIR(st.st_mode))
		return mask_dir(fd, err);
	if (mount(sheep_path_fd_name(nullfd, src), sheep_path_fd_name(fd, dst), NULL, MS_BIND,
		  NULL) < 0)
		return sheep_err_set(err, errno, "bind '/dev/null'");
	return 0;
}

int rootfs_mask_paths(const struct oci_config *config, struct sheep_err **err)
{
	const struct oci_linux *l = config->linux_;
	_cleanup_close_ int rootfd = -1, nullfd = -1;

	if (l == NULL || l->masked_paths_len == 0)
		return 0;
	rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return sheep_err_set(err, errno, "open '/'");
	nullfd = open_dev_null(rootfd, err);
	if (nullfd < 0)
		return sheep_err_wrap(err, "mask paths");
	for (size_t i = 0; i < l->masked_paths_len; i++)
		if (mask_one(rootfd, nullfd, l->masked_paths[i], err) < 0)
			return sheep_err_wrap(err, "mask '%s' (linux.maskedPaths[%zu])",
					      l->masked_paths[i], i);
	return 0;
}

/* A recursive bind of the path onto itself, read-only throughout: submounts too (a writable
 * binfmt_misc under a read-only /proc/sys would defeat the purpose). */
static int readonly_one(int rootfd, const char *path, struct sheep_err **err)
{
	_cleanup_close_ int fd = sheep_path_open_in_root(rootfd, path, O_PATH, 0, err), mfd = -1;
	struct mount_attr a = {.attr_set = MOUNT_ATTR_RDONLY};

	if (fd < 0 && (*err)->errnum == ENOENT) {
		sheep_err_freep(err);
		*err = NULL;
		return 0;
	}
	if (fd < 0)
		return -1;
	mfd = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
	if (mfd < 0)
		return sheep_err_set(err, errno, "open_tree");
	if (mount_setattr(mfd, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof(a)) < 0)
		return sheep_err_set(err, errno, "mount_setattr read-only");
	if (move_mount(mfd, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return sheep_err_set(err, errno, "move_mount");
	return 0;
}

int rootfs_readonly_paths(const struct oci_config *config, struct sheep_err **err)
{
	const struct oci_linux *l = config->linux_;
	_cleanup_close_ int rootfd = -1;

	if (l == NULL || l->readonly_paths_len == 0)
		return 0;
	rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return sheep_err_set(err, errno, "open '/'");
	for (size_t i = 0; i < l->readonly_paths_len; i++)
		if (readonly_one(rootfd, l->readonly_paths[i], err) < 0)
			return sheep_err_wrap(err, "make '%s' read-only (linux.readonlyPaths[%zu])",
					      l->readonly_paths[i], i);
	return 0;
}
