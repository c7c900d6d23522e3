/* The container's root filesystem: mounts, devices, pivot_root, masked and read-only paths, sysctl.
 * Everything below runs in the container's init, inside its new mount namespace; every path inside
 * the rootfs is resolved in-root (util/path.h) so an untrusted rootfs cannot redirect a mount. */
#ifndef SHEEP_CORE_ROOTFS_H
#define SHEEP_CORE_ROOTFS_H

#include <stdbool.h>
#include <stddef.h>

#include "ocispec.h"
#include "core/cgroup.h"
#include "util/err.h"

struct sheep_rootfs_opts {
	/* Absolute host path of root.path (already resolved against the bundle). */
	const char *rootfs;
	/* Absolute bundle dir: relative bind sources are relative to it. */
	const char *bundle;
	/* --no-pivot: MS_MOVE + chroot instead of pivot_root. */
	bool no_pivot;
	/* No mount namespace of its own: everything is mounted in the runtime's, below a private
	 * bind of the rootfs at host_mount_dirfd/SHEEP_HOST_ROOTFS (the state directory), entered
	 * by chroot; the propagation of "/" is left alone. */
	bool host_mount_ns;
	int host_mount_dirfd;
	/* In a new user namespace: bind-mount devices from the host, no mknod. */
	bool userns;
	/* pty slave to bind on /dev/console, or -1. */
	int console_fd;
	/* The container has its own cgroup namespace. */
	bool cgroupns;
	/* Mount type "cgroup": one per hierarchy (sheep_cgroup_mounts()); NULL/0 = none. */
	const struct sheep_cgroup_mount *cgroup_mounts;
	size_t cgroup_mounts_len;
	/* linux.mountLabel where SELinux runs (sheep_lsm_mount_label), else NULL: the context= of
	 * every new filesystem that takes one (sheep_mount_takes_context). */
	const char *mount_label;
	/* Per config->mounts index: a detached bind tree the runtime made on the host
	 * (sheep_rootfs_premake_binds), attached instead of opening the source here; -1 or NULL
	 * for none. */
	const int *premade_binds;
	/* Runs after all mounts, before pivot_root (createContainer hooks, per the runtime-spec);
	 * NULL = none. Its cwd is the rootfs. */
	int (*before_pivot)(void *data, struct sheep_err **err);
	void *before_pivot_data;
};

/* In the container's init, already inside its new mount namespace (and user namespace if any):
 * rootfsPropagation, bind the rootfs onto itself, mounts in order, default devices and links,
 * linux.devices, before_pivot, pivot_root (or no_pivot), linux.sysctl (before readonlyPaths, which
 * usually include /proc/sys), maskedPaths, readonlyPaths, root.readonly, and last a shared or
 * unbindable rootfsPropagation on the rootfs mount (pivot_root(2) refuses a shared new root).
 * Returns with "/" = the container's root and cwd "/".
 * Errors: "set up rootfs: mount 'proc' on '/proc' (mounts[0]): Operation not permitted". */
int sheep_rootfs_setup(const struct oci_config *config, const struct sheep_rootfs_opts *opts,
		       struct sheep_err **err);

/* Writes linux.sysctl through a verified procfs (never through a path the rootfs could redirect):
 * sheep_rootfs_setup() already calls it, before readonlyPaths. /proc must be a real procfs
 * (PROC_SUPER_MAGIC) mounted at its root, not a bind mount of a subdirectory.
 * Runs with the container's /proc as "/proc". Errors: "set sysctl 'x': open '/proc/sys/x': ...". */
int sheep_rootfs_write_sysctl(const struct oci_map *sysctl, struct sheep_err **err);

/* The process's "/proc", checked to be the root of a real procfs (an O_PATH fd), and a write to
 * a file beneath it (path relative to it, e.g. "12/task/12/attr/exec") opened without following
 * any symlink and checked to be on procfs: the rootfs cannot redirect the write (CVE-2025-52881). */
int sheep_procfs_open(struct sheep_err **err);

/* Where a container without a mount namespace of its own has its rootfs bound, in its state
 * directory: the runtime creates the (empty) directory, the init binds the rootfs there. */
#define SHEEP_HOST_ROOTFS "rootfs"

/* Detaches that bind (and every mount below it, and what the container stacked on it) from the
 * runtime's mount namespace: `delete`, and a create that failed. Nothing mounted there is no
 * error. */
int sheep_rootfs_host_ns_release(int statedirfd, struct sheep_err **err);

/* In the runtime, before clone: detached bind trees of config->mounts made on the host. The
 * idmapped ones (options idmap/ridmap) always, since the init in a new user namespace has neither
 * the ids nor the privilege to idmap a host filesystem; with userns every bind, since the init
 * there may not even reach the source (a 0700 directory of the host's root: runc opens those
 * before it joins the namespace too). *ret_fds has one entry per mount (-1 where none), or is
 * NULL when none was made. Errors (idmapped binds only; the others are left to the init, which
 * reports them as for any container) name the mount. */
int sheep_rootfs_premake_binds(const struct oci_config *config, const char *bundle, bool userns,
			       int **ret_fds, struct sheep_err **err);
void sheep_rootfs_premade_close(int *fds, size_t n);
int sheep_procfs_write(int procfd, const char *path, const char *value, struct sheep_err **err);

/* Validation without side effects, run by create before anything is made: each mount's options
 * known (`config.json: mounts[3].options[1]: unknown mount option 'foo'`), destinations absolute,
 * linux.devices paths, rootfsPropagation, maskedPaths/readonlyPaths absolute. */
int sheep_rootfs_validate(const struct oci_config *config, struct sheep_err **err);

/* NULL-terminated list of the mount option names supported (for `sheep-oci features`), read from
 * the table the parser uses. */
const char *const *sheep_mount_option_names(void);

#endif
