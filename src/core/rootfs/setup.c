/* sheep_rootfs_setup(): the order of the root filesystem steps in the container's init. Each step
 * lives in its own file; this one owns the sequence and the rootfs mount itself. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "core/rootfs/rootfs_int.h"
#include "util/cleanup.h"

/* rootfsPropagation in two steps (runtime-spec config-linux.md "rootfsPropagation"; default
 * rslave, as runc). Before anything is mounted, "/" gets the named propagation so nothing done
 * here reaches the host: "shared" there would join the host's peer groups, and the spec's shared
 * is "a new peer group ... not shared with the host", so it starts as rslave; "unbindable" starts
 * as rprivate, since the rootfs must still be bound onto itself. The rootfs mount gets its shared
 * or unbindable propagation only after pivot_root(2), which refuses a shared mount as new_root. */
static int propagation(const struct oci_config *config, unsigned long *early, unsigned long *late)
{
	const char *name = config->linux_ ? config->linux_->rootfs_propagation : NULL;
	unsigned long flags = MS_SLAVE | MS_REC;

	*late = 0;
	if (name != NULL && name[0] != '\0' && rootfs_propagation_flags(name, &flags) < 0)
		return -1;
	if (flags & (MS_SHARED | MS_UNBINDABLE)) {
		/* only the r-forms reach the mounts below the rootfs */
		*late = (flags & ~MS_REC) | (name[0] == 'r' ? MS_REC : 0);
		flags = (flags & MS_SHARED ? MS_SLAVE : MS_PRIVATE) | MS_REC;
	}
	*early = flags;
	return 0;
}

static int set_propagation(const struct oci_config *config, struct sheep_err **err)
{
	unsigned long early, late;

	if (propagation(config, &early, &late) < 0)
		return sheep_err_set(err, EINVAL, "unknown rootfsPropagation '%s'",
				     config->linux_->rootfs_propagation);
	if (mount(NULL, "/", NULL, early, NULL) < 0)
		return sheep_err_set(err, errno, "set propagation of '/'");
	return 0;
}

/* Last step: "/" is the rootfs mount now, and every mount below it is made. */
static int set_root_propagation(const struct oci_config *config, struct sheep_err **err)
{
	unsigned long early, late;

	if (propagation(config, &early, &late) < 0 || late == 0)
		return 0;
	if (mount(NULL, "/", NULL, late, NULL) < 0)
		return sheep_err_set(err, errno, "set propagation of the rootfs mount");
	return 0;
}

/* The rootfs bound onto itself: pivot_root needs a mount point, and the bind gives the container a
 * mount of its own to make read-only. In the runtime's mount namespace it is bound into the state
 * directory instead (hostns.c). Returns the new mount's fd: the root for every lookup. */
static int bind_rootfs(const struct sheep_rootfs_opts *o, struct sheep_err **err)
{
	_cleanup_close_ int mfd =
	    open_tree(AT_FDCWD, o->rootfs, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);

	if (mfd < 0)
		return sheep_err_set(err, errno, "open_tree '%s'", o->rootfs);
	if (o->host_mount_ns) {
		if (move_mount(mfd, "", o->host_mount_dirfd, SHEEP_HOST_ROOTFS,
			       MOVE_MOUNT_F_EMPTY_PATH) < 0)
			return sheep_err_set(err, errno, "bind '%s' into the state directory",
					     o->rootfs);
	} else if (move_mount(mfd, "", AT_FDCWD, o->rootfs, MOVE_MOUNT_F_EMPTY_PATH) < 0) {
		return sheep_err_set(err, errno, "bind '%s' onto itself", o->rootfs);
	}
	return TAKE_FD(mfd);
}

static int before_pivot(struct rootfs_ctx *c, struct sheep_err **err)
{
	if (c->opts->before_pivot == NULL)
		return 0;
	if (fchdir(c->rootfd) < 0)
		return sheep_err_set(err, errno, "chdir to '%s'", c->opts->rootfs);
	return c->opts->before_pivot(c->opts->before_pivot_data, err);
}

static int root_readonly(const struct oci_config *config, struct sheep_err **err)
{
	struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};

	if (!config->root->readonly)
		return 0;
	/* only the root mount: the spec's mounts keep their own flags */
	if (mount_setattr(AT_FDCWD, "/", 0, &ro, sizeof(ro)) < 0)
		return sheep_err_set(err, errno, "make '/' read-only");
	return 0;
}

static int setup(struct rootfs_ctx *c, struct sheep_err **err)
{
	const struct oci_config *config = c->config;
	bool host = c->opts->host_mount_ns;

	if (!host && set_propagation(config, err) < 0)
		return -1;
	c->rootfd = bind_rootfs(c->opts, err);
	if (c->rootfd < 0 || (host && rootfs_host_ns_private(c->rootfd, err) < 0))
		return -1;
	for (size_t i = 0; i < config->mounts_len; i++)
		if (rootfs_mount_one(c, i, err) < 0)
			return -1;
	/* /dev read-only after the createContainer hooks (before_pivot), as with runc */
	if (rootfs_make_devices(c, err) < 0 || before_pivot(c, err) < 0 ||
	    rootfs_dev_readonly(c, err) < 0 || rootfs_pivot(c, err) < 0)
		return -1;
	/* sysctl before readonlyPaths: /proc/sys is usually one of them */
	if (config->linux_ != NULL && sheep_rootfs_write_sysctl(config->linux_->sysctl, err) < 0)
		return -1;
	if (rootfs_mask_paths(config, err) < 0 || rootfs_readonly_paths(config, err) < 0)
		return -1;
	if (root_readonly(config, err) < 0)
		return -1;
	return host ? 0 : set_root_propagation(config, err);
}

int sheep_rootfs_setup(const struct oci_config *config, const struct sheep_rootfs_opts *opts,
		       struct sheep_err **err)
{
	struct rootfs_ctx c = {.config = config, .opts = opts, .rootfd = -1};
	int r;

	if (config->root == NULL || opts->rootfs == NULL)
		return sheep_err_set(err, EINVAL, "set up rootfs: no root path");
	r = setup(&c, err);
	sheep_closep(&c.rootfd);
	if (r < 0)
		return sheep_err_wrap(err, "set up rootfs");
	return 0;
}
