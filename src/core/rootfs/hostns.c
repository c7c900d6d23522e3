/* A container without a mount namespace of its own (config-linux.md: a namespace type that is not
 * listed is the runtime's): its mounts are made in the runtime's mount namespace, below the
 * rootfs bound onto itself, and it is entered with chroot, since pivot_root or MS_MOVE there
 * would change the root of every process of the host. The bind is made private first, so that
 * nothing mounted below it propagates to the host's other namespaces, and `delete` (or a failed
 * create) detaches it, which takes every mount below along. */
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/rootfs.h"
#include "core/rootfs/rootfs_int.h"

#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x00001000U
#endif
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

int rootfs_host_ns_enter(int rootfd, const char *rootfs, struct sheep_err **err)
{
	if (fchdir(rootfd) < 0)
		return sheep_err_set(err, errno, "chdir to '%s'", rootfs);
	if (chroot(".") < 0 || chdir("/") < 0)
		return sheep_err_set(err, errno, "chroot to '%s'", rootfs);
	return 0;
}

int sheep_rootfs_mount_id(const char *path, uint64_t *ret_id, struct sheep_err **err)
{
	struct statx sx;

	if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &sx) < 0)
		return sheep_err_set(err, errno, "statx '%s'", path);
	if (!(sx.stx_mask & STATX_MNT_ID))
		return sheep_err_set(err, ENOTSUP, "statx '%s': no mount id", path);
	*ret_id = sx.stx_mnt_id;
	return 0;
}

int sheep_rootfs_host_ns_release(const char *rootfs, uint64_t base_id, struct sheep_err **err)
{
	/* our bind is on top of whatever was mounted there before; the container may have stacked
	 * more on its "/" (it has the host's mount namespace): bounded, one layer at a time */
	for (int i = 0; i < 64; i++) {
		uint64_t id;

		if (sheep_rootfs_mount_id(rootfs, &id, err) < 0) {
			if ((*err)->errnum != ENOENT)
				return -1;
			sheep_err_freep(err);
			return 0;
		}
		if (id == base_id)
			return 0;
		if (umount2(rootfs, MNT_DETACH | UMOUNT_NOFOLLOW) < 0)
			return sheep_err_set(err, errno, "unmount the rootfs bind '%s'", rootfs);
	}
	return sheep_err_set(err, EBUSY, "unmount the rootfs bind '%s': too many layers", rootfs);
}
