/* Mount type "cgroup". With a cgroup namespace the container gets fresh cgroup filesystems (its
 * namespace root is its own cgroup); without one, the container's own cgroup directories are bound
 * from the host. cgroup v2 alone: one mount at the destination; v1 or hybrid: a tmpfs with one
 * directory per hierarchy, like the host's /sys/fs/cgroup. Read-only unless "rw". */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/rootfs/rootfs_int.h"
#include "util/cleanup.h"

/* "cpu,cpuacct" for the directory name; "name=systemd" lives in "systemd". */
static const char *hierarchy_dir(const struct sheep_cgroup_mount *cm)
{
	if (cm->v2)
		return "unified";
	if (strncmp(cm->controllers, "name=", 5) == 0)
		return cm->controllers + 5;
	return cm->controllers;
}

static int fresh_cgroupfs(const struct sheep_cgroup_mount *cm, struct sheep_err **err)
{
	_cleanup_close_ int fsfd = fsopen(cm->v2 ? "cgroup2" : "cgroup", FSOPEN_CLOEXEC);
	_cleanup_free_ char *list = cm->v2 ? NULL : strdup(cm->controllers);
	char *save = NULL;
	int mfd;

	if (fsfd < 0)
		return sheep_err_set(err, errno, "fsopen cgroup");
	for (char *c = list ? strtok_r(list, ",", &save) : NULL; c;
	     c = strtok_r(NULL, ",", &save)) {
		int r = strncmp(c, "name=", 5) == 0
			    ? fsconfig(fsfd, FSCONFIG_SET_STRING, "name", c + 5, 0)
			    : fsconfig(fsfd, FSCONFIG_SET_FLAG, c, NULL, 0);

		if (r < 0)
			return sheep_err_set(err, errno, "fsconfig cgroup '%s'", c);
	}
	if (list != NULL && strncmp(cm->controllers, "name=", 5) == 0 &&
	    strchr(cm->controllers, ',') == NULL &&
	    fsconfig(fsfd, FSCONFIG_SET_FLAG, "none", NULL, 0) < 0)
		return sheep_err_set(err, errno, "fsconfig cgroup 'none'");
	if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return sheep_err_set(err, errno, "create cgroup filesystem '%s'",
				     hierarchy_dir(cm));
	mfd = fsmount(fsfd, FSMOUNT_CLOEXEC,
		      MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	if (mfd < 0)
		return sheep_err_set(err, errno, "fsmount cgroup");
	return mfd;
}

static int hierarchy_mount(const struct rootfs_ctx *c, const struct sheep_cgroup_mount *cm, bool rw,
			   struct sheep_err **err)
{
	struct mount_attr a = {.attr_set =
				   MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC};
	_cleanup_close_ int mfd = -1;

	if (c->opts->cgroupns)
		mfd = fresh_cgroupfs(cm, err);
	else if ((mfd = open_tree(AT_FDCWD, cm->host_path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC)) <
		 0)
		return sheep_err_set(err, errno, "open_tree '%s'", cm->host_path);
	if (mfd < 0)
		return -1;
	if (!rw)
		a.attr_set |= MOUNT_ATTR_RDONLY;
	if (mount_setattr(mfd, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0)
		return sheep_err_set(err, errno, "mount_setattr cgroup '%s'", hierarchy_dir(cm));
	return TAKE_FD(mfd);
}

/* v1/hybrid: the tmpfs, then one directory + mount per hierarchy inside it. */
static int cgroup_tree(const struct rootfs_ctx *c, int tmpfs, bool rw, struct sheep_err **err)
{
	for (size_t i = 0; i < c->opts->cgroup_mounts_len; i++) {
		const struct sheep_cgroup_mount *cm = &c->opts->cgroup_mounts[i];
		const char *dir = hierarchy_dir(cm);
		_cleanup_close_ int sub = -1, mfd = -1;

		if (strchr(dir, '/') != NULL || dir[0] == '.' || dir[0] == '\0')
			return sheep_err_set(err, EINVAL, "cgroup hierarchy '%s'", dir);
		if (mkdirat(tmpfs, dir, 0755) < 0 && errno != EEXIST)
			return sheep_err_set(err, errno, "mkdir '%s'", dir);
		sub = openat(tmpfs, dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0)
			return sheep_err_set(err, errno, "open '%s'", dir);
		mfd = hierarchy_mount(c, cm, rw, err);
		if (mfd < 0)
			return -1;
		if (move_mount(mfd, "", sub, "",
			       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
			return sheep_err_set(err, errno, "move_mount cgroup '%s'", dir);
		/* "cpu,cpuacct" is also reachable as "cpu" and "cpuacct", as on the host */
		if (strchr(dir, ',') != NULL) {
			_cleanup_free_ char *names = strdup(dir);
			char *save = NULL;

			for (char *n = names ? strtok_r(names, ",", &save) : NULL; n;
			     n = strtok_r(NULL, ",", &save))
				if (symlinkat(dir, tmpfs, n) < 0 && errno != EEXIST)
					return sheep_err_set(err, errno, "symlink '%s'", n);
		}
	}
	return 0;
}

int rootfs_mount_cgroup(struct rootfs_ctx *c, int dstfd, const char *dest, bool rw,
			struct sheep_err **err)
{
	const struct sheep_rootfs_opts *o = c->opts;
	struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};
	_cleanup_close_ int mfd = -1, tmpfs = -1;
	int r;

	if (o->cgroup_mounts_len == 0)
		return 0; /* no cgroups (rootless without delegation): leave the directory empty */
	if (o->cgroup_mounts_len == 1 && o->cgroup_mounts[0].v2) {
		mfd = hierarchy_mount(c, &o->cgroup_mounts[0], rw, err);
		if (mfd < 0)
			return sheep_err_wrap(err, "mount cgroup on '%s'", dest);
		if (move_mount(mfd, "", dstfd, "",
			       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH))
			return sheep_err_set(err, errno, "mount cgroup on '%s'", dest);
		return 0;
	}
	mfd = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (mfd < 0 || fsconfig(mfd, FSCONFIG_SET_STRING, "mode", "755", 0) < 0 ||
	    fsconfig(mfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0 ||
	    (tmpfs = fsmount(mfd, FSMOUNT_CLOEXEC,
			     MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)) < 0 ||
	    move_mount(tmpfs, "", dstfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return sheep_err_set(err, errno, "mount tmpfs for cgroups on '%s'", dest);
	r = cgroup_tree(c, tmpfs, rw, err);
	if (r < 0)
		return sheep_err_wrap(err, "mount cgroup on '%s'", dest);
	if (!rw && mount_setattr(tmpfs, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
		return sheep_err_set(err, errno, "make '%s' read-only", dest);
	return 0;
}
