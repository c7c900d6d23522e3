/* sheep_rootfs_setup(): the order of the root filesystem steps in the container's init. Each step
 * lives in its own file; this one owns the sequence and the rootfs mount itself. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "core/rootfs/rootfs_int.h"
#include "util/cleanup.h"

static bool propagation_shared(const struct oci_config *config)
{
	const char *p = config->linux_ ? config->linux_->rootfs_propagation : NULL;

	return p != NULL && (strcmp(p, "shared") == 0 || strcmp(p, "rshared") == 0);
}

/* Before anything is mounted: nothing done here may propagate to the host (runtime-spec
 * config-linux.md "rootfsPropagation"; default rslave, as runc). "shared" is applied to the
 * rootfs mount alone, since pivot_root(2) refuses a shared parent mount. */
static int set_propagation(const struct oci_config *config, struct sheep_err **err)
{
	const char *name = config->linux_ ? config->linux_->rootfs_propagation : NULL;
	unsigned long flags = MS_SLAVE | MS_REC;

	if (name != NULL && name[0] != '\0' && !propagation_shared(config) &&
	    rootfs_propagation_flags(name, &flags) < 0)
		return sheep_err_set(err, EINVAL, "unknown rootfsPropagation '%s'", name);
	if (mount(NULL, "/", NULL, flags, NULL) < 0)
		return sheep_err_set(err, errno, "set propagation of '/'");
	return 0;
}

/* The rootfs bound onto itself: pivot_root needs a mount point, and the bind gives the container a
 * mount of its own to make read-only. Returns the new mount's fd: the root for every lookup. */
static int bind_rootfs(const struct oci_config *config, const char *rootfs, struct sheep_err **err)
{
	_cleanup_close_ int mfd =
	    open_tree(AT_FDCWD, rootfs, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	struct mount_attr shared = {.propagation = MS_SHARED};

	if (mfd < 0)
		return sheep_err_set(err, errno, "open_tree '%s'", rootfs);
	if (move_mount(mfd, "", AT_FDCWD, rootfs, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return sheep_err_set(err, errno, "bind '%s' onto itself", rootfs);
	if (propagation_shared(config) &&
	    mount_setattr(mfd, "", AT_EMPTY_PATH, &shared, sizeof(shared)) < 0)
		return sheep_err_set(err, errno, "make '%s' shared", rootfs);
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

	if (set_propagation(config, err) < 0)
		return -1;
	c->rootfd = bind_rootfs(config, c->opts->rootfs, err);
	if (c->rootfd < 0)
		return -1;
	for (size_t i = 0; i < config->mounts_len; i++)
		if (rootfs_mount_one(c, i, err) < 0)
			return -1;
	if (rootfs_make_devices(c, err) < 0 || before_pivot(c, err) < 0 || rootfs_pivot(c, err) < 0)
		return -1;
	/* sysctl before readonlyPaths: /proc/sys is usually one of them */
	if (config->linux_ != NULL && sheep_rootfs_write_sysctl(config->linux_->sysctl, err) < 0)
		return -1;
	if (rootfs_mask_paths(config, err) < 0 || rootfs_readonly_paths(config, err) < 0)
		return -1;
	return root_readonly(config, err);
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
