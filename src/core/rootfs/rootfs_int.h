/* Module-internal: what the files of src/core/rootfs/ share. Not for use outside the module. */
#ifndef SHEEP_CORE_ROOTFS_INT_H
#define SHEEP_CORE_ROOTFS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/rootfs.h"
#include "util/err.h"

/* State of one sheep_rootfs_setup() run. */
struct rootfs_ctx {
	const struct oci_config *config;
	const struct sheep_rootfs_opts *opts;
	int rootfd; /* the rootfs after binding it onto itself (the new mount's root) */
	bool
	    dev_readonly; /* a read-only tmpfs on /dev, mounted writable until the devices are in */
};

/* hostns.c: a container in the runtime's mount namespace: its rootfs bind made private (nothing
 * below it propagates to the host's peers). */
int rootfs_host_ns_private(int rootfd, struct sheep_err **err);

/* rootfsPropagation name ("private", "rslave", ...) to MS_* flags (MS_REC included). */
int rootfs_propagation_flags(const char *name, unsigned long *ret_flags);

/* mounts.c: performs config->mounts[index] inside the rootfs. */
int rootfs_mount_one(struct rootfs_ctx *c, size_t index, struct sheep_err **err);
/* cgroupfs.c: mount type "cgroup" at the destination fd. Returns a mount fd. */
int rootfs_mount_cgroup(struct rootfs_ctx *c, int dstfd, const char *dest, bool rw,
			struct sheep_err **err);
/* copyup.c: tmpcopyup, copies the directory tree fromfd into the fresh tmpfs tofd. */
int rootfs_tmpcopyup(int fromfd, int tofd, struct sheep_err **err);
/* idmap.c: a user namespace fd with these mappings (made by a short-lived child, reaped). */
int rootfs_idmap_userns(const struct oci_id_mapping *uids, size_t uids_len,
			const struct oci_id_mapping *gids, size_t gids_len, struct sheep_err **err);
/* devices.c: default devices, links, /dev/console and linux.devices. */
int rootfs_make_devices(struct rootfs_ctx *c, struct sheep_err **err);
/* mounts.c: makes the /dev mount read-only once its devices and submounts are in, when the
 * config asked for a read-only /dev (c->dev_readonly). */
int rootfs_dev_readonly(struct rootfs_ctx *c, struct sheep_err **err);
/* finish.c: after all mounts. */
int rootfs_pivot(struct rootfs_ctx *c, struct sheep_err **err);
int rootfs_mask_paths(const struct oci_config *config, struct sheep_err **err);
int rootfs_readonly_paths(const struct oci_config *config, struct sheep_err **err);
/* sysctl.c: an fd of the real procfs root mounted at /proc (fstatfs + not a bind of a subdir). */
int rootfs_open_procfs(struct sheep_err **err);

#endif
