/* Entry metadata: owner, then mode (chown clears setuid/setgid bits), then xattrs (chown also
 * drops security.capability), then times. Every call works on an fd of the new inode, or on its
 * name in the already resolved parent without following it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "unpack/layer.h"

static int set_xattrs(struct unpack_layer_ctx *c, struct archive_entry *e, int fd, bool real_fd,
		      const char *name, struct sheep_err **err)
{
	char proc[64];
	const char *key;
	const void *value;
	size_t len;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	archive_entry_xattr_reset(e);
	while (archive_entry_xattr_next(e, &key, &value, &len) == ARCHIVE_OK) {
		/* an unprivileged user may only set user.* attributes */
		if (c->opts->rootless && strncmp(key, "user.", 5) != 0)
			continue;
		/* an O_PATH fd takes no fsetxattr; its /proc link names the inode itself, a
		 * symlink included, and is never resolved further */
		int r = real_fd ? fsetxattr(fd, key, value, len, 0)
				: setxattr(proc, key, value, len, 0);
		if (r < 0)
			return sheep_err_set(err, errno, "set xattr '%s' on '%s'", key, name);
	}
	return 0;
}

static int set_mode(struct archive_entry *e, int fd, bool real_fd, const char *name,
		    struct sheep_err **err)
{
	char proc[64];
	int r;

	if (real_fd) {
		r = fchmod(fd, archive_entry_perm(e));
	} else {
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		r = chmod(proc, archive_entry_perm(e));
	}
	if (r < 0)
		return sheep_err_set(err, errno, "chmod '%s'", name);
	return 0;
}

int unpack_meta_apply(struct unpack_layer_ctx *c, struct archive_entry *e, int fd, bool real_fd,
		      int parentfd, const char *name, const char *path, struct sheep_err **err)
{
	mode_t type = archive_entry_filetype(e);
	struct timespec ts[2];

	if (!c->opts->rootless && fchownat(fd, "", (uid_t)archive_entry_uid(e),
					   (gid_t)archive_entry_gid(e), AT_EMPTY_PATH) < 0)
		return sheep_err_set(err, errno, "chown '%s'", path);
	/* symlinks have no mode of their own; directories get theirs when the layer is done */
	if (type != AE_IFLNK && type != AE_IFDIR && set_mode(e, fd, real_fd, path, err) < 0)
		return -1;
	if (set_xattrs(c, e, fd, real_fd, path, err) < 0)
		return -1;
	if (type == AE_IFDIR)
		return 0;
	ts[1] = (struct timespec){archive_entry_mtime(e), archive_entry_mtime_nsec(e)};
	ts[0] = archive_entry_atime_is_set(e)
		    ? (struct timespec){archive_entry_atime(e), archive_entry_atime_nsec(e)}
		    : ts[1];
	if (real_fd ? futimens(fd, ts) < 0 : utimensat(parentfd, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return sheep_err_set(err, errno, "set times of '%s'", path);
	return 0;
}
