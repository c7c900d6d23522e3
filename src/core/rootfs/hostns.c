/* A container without a mount namespace of its own (config-linux.md: a namespace type that is not
 * listed is the runtime's): its mounts are made in the runtime's mount namespace, so its rootfs is
 * bound into its state directory (STATE/rootfs), never onto the bundle's rootfs, where two such
 * containers on one rootfs would stack their binds; the bind is made private first, so that
 * nothing mounted below it propagates to the host's other namespaces; the container enters it
 * with chroot (rootfs_pivot), since pivot_root or MS_MOVE there would change the root of every
 * process of the host; and `delete` (or a failed create) detaches it, which takes every mount below along. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <unistd.h>

#include "core/rootfs.h"
#include "core/rootfs/rootfs_int.h"

#ifndef UMOUNT_NOFOLLOW
#define UMOUNT_NOFOLLOW 0x00000008
#endif

int rootfs_host_ns_private(int rootfd, struct sheep_err **err)
{
	struct mount_attr priv = {.propagation = MS_PRIVATE};

	if (mount_setattr(rootfd, "", AT_EMPTY_PATH | AT_RECURSIVE, &priv, sizeof(priv)) < 0)
		return sheep_err_set(err, errno, "make the rootfs bind private");
	return 0;
}

int sheep_rootfs_host_ns_release(int statedirfd, struct sheep_err **err)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d/" SHEEP_HOST_ROOTFS, statedirfd);
	/* the bind, and whatever the container stacked on its "/" (it has the host's mount
	 * namespace): one layer at a time until none is left (EINVAL), bounded */
	for (int i = 0; i < 64; i++) {
		/* MNT_DETACH: every mount below goes with it, even one still busy */
		if (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) == 0)
			continue;
		if (errno == EINVAL || errno == ENOENT)
			return 0;
		return sheep_err_set(err, errno, "unmount the container's rootfs bind");
	}
	return sheep_err_set(err, EBUSY, "unmount the container's rootfs bind: too many layers");
}
