/* Creating one archive entry below the root: the parent is resolved (and created) inside the
 * root, the entry itself is made with a no-follow *at call on that parent, replacing whatever a
 * lower layer or an earlier entry left under the same name. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "unpack/layer.h"
#include "unpack/resolve.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* Removes parentfd/name unless it is a directory and a directory is wanted (tar semantics: a
 * directory entry over a directory merges, anything else replaces). */
static int make_room(int parentfd, const char *name, bool want_dir, const char *path,
		     struct sheep_err **err)
{
	struct stat st;

	if (fstatat(parentfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		return sheep_err_set(err, errno, "stat '%s'", path);
	}
	if (S_ISDIR(st.st_mode)) {
		if (want_dir)
			return 0;
		return sheep_rm_rf_at(parentfd, name, err) < 0
			   ? sheep_err_wrap(err, "replace '%s'", path)
			   : 0;
	}
	if (unlinkat(parentfd, name, 0) < 0)
		return sheep_err_set(err, errno, "unlink '%s'", path);
	return 0;
}

static int copy_data(struct unpack_layer_ctx *c, struct archive *a, int fd, const char *path,
		     struct sheep_err **err)
{
	const void *buf;
	size_t len;
	la_int64_t off = 0, end = 0;
	int r;

	while ((r = archive_read_data_block(a, &buf, &len, &off)) == ARCHIVE_OK) {
		/* a block is at most a read buffer: a 1 GiB file stops within a few ms */
		if (unpack_cancelled(c->opts, err) < 0)
			return -1;
		/* sparse entries come as blocks at offsets; the holes stay holes */
		if (off != end && lseek(fd, off, SEEK_SET) < 0)
			return sheep_err_set(err, errno, "seek in '%s'", path);
		if (sheep_write_all(fd, buf, len) < 0)
			return sheep_err_set(err, errno, "write '%s'", path);
		end = off + (la_int64_t)len;
	}
	if (r != ARCHIVE_EOF)
		return sheep_err_set(err, 0, "read data of '%s': %s", path,
				     archive_error_string(a));
	return 0;
}

static int create_file(struct unpack_layer_ctx *c, struct archive *a, struct archive_entry *e,
		       int parentfd, const char *name, const char *path, struct sheep_err **err)
{
	_cleanup_close_ int fd = -1;

	if (make_room(parentfd, name, false, path, err) < 0)
		return -1;
	fd = openat(parentfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return sheep_err_set(err, errno, "create '%s'", path);
	if (copy_data(c, a, fd, path, err) < 0)
		return -1;
	/* a trailing hole still counts towards the size */
	if (archive_entry_sparse_count(e) > 0 && ftruncate(fd, archive_entry_size(e)) < 0)
		return sheep_err_set(err, errno, "truncate '%s'", path);
	return unpack_meta_apply(c, e, fd, true, parentfd, name, path, err);
}

static int create_dir(struct unpack_layer_ctx *c, struct archive_entry *e, int parentfd,
		      const char *name, const char *path, struct sheep_err **err)
{
	_cleanup_close_ int fd = -1;

	if (make_room(parentfd, name, true, path, err) < 0)
		return -1;
	if (mkdirat(parentfd, name, 0700) < 0 && errno != EEXIST)
		return sheep_err_set(err, errno, "mkdir '%s'", path);
	fd = openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return sheep_err_set(err, errno, "open directory '%s'", path);
	if (unpack_meta_apply(c, e, fd, true, parentfd, name, path, err) < 0)
		return -1;
	if (unpack_dir_defer(c, path, e) < 0)
		return sheep_err_set(err, ENOMEM, "entry '%s'", path);
	return 0;
}

/* Symlinks, device nodes and fifos: made by name, then handled through an O_PATH fd so that
 * neither the metadata calls nor opening a device or fifo can follow or block. */
static int create_special(struct unpack_layer_ctx *c, struct archive_entry *e, int parentfd,
			  const char *name, const char *path, struct sheep_err **err)
{
	mode_t type = archive_entry_filetype(e);
	_cleanup_close_ int fd = -1;

	if (make_room(parentfd, name, false, path, err) < 0)
		return -1;
	if (type == AE_IFLNK) {
		const char *target = archive_entry_symlink(e);
		if (target == NULL)
			return sheep_err_set(err, 0, "symlink '%s': no target", path);
		if (symlinkat(target, parentfd, name) < 0)
			return sheep_err_set(err, errno, "symlink '%s'", path);
	} else {
		dev_t dev = type == AE_IFIFO ? 0 : archive_entry_rdev(e);
		if (mknodat(parentfd, name, type | 0600, dev) < 0)
			return sheep_err_set(err, errno, "mknod '%s'", path);
	}
	fd = openat(parentfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return sheep_err_set(err, errno, "open '%s'", path);
	return unpack_meta_apply(c, e, fd, false, parentfd, name, path, err);
}

/* Both ends are resolved inside the root and linkat does not follow a symlink target, so a
 * hard link can never reach a file outside the root. */
static int create_hardlink(struct unpack_layer_ctx *c, const char *target, int parentfd,
			   const char *name, const char *path, struct sheep_err **err)
{
	_cleanup_free_ char *clean = NULL;
	_cleanup_close_ int tparent = -1;
	const char *tdir, *tname;

	if (unpack_clean_path(target, &clean, err) < 0)
		return sheep_err_wrap(err, "hard link '%s' to '%s'", path, target);
	if (*clean == '\0')
		return sheep_err_set(err, 0, "hard link '%s': target is the root", path);
	unpack_split_path(clean, &tdir, &tname);
	tparent = unpack_open_in_root(c->rootfd, tdir, O_PATH | O_DIRECTORY);
	if (tparent < 0)
		return sheep_err_set(err, errno, "hard link '%s': open '%s'", path, tdir);
	if (make_room(parentfd, name, false, path, err) < 0)
		return -1;
	if (linkat(tparent, tname, parentfd, name, 0) == 0)
		return 0;
	/* a link to a device node a rootless unpack left out is left out with it */
	if (errno == ENOENT && unpack_pathset_has(&c->skipped, clean))
		return unpack_pathset_add(&c->skipped, path) < 0
			   ? sheep_err_set(err, ENOMEM, "hard link '%s'", path)
			   : 0;
	return sheep_err_set(err, errno, "hard link '%s' to '%s'", path, target);
}

int unpack_entry_create(struct unpack_layer_ctx *c, struct archive *a, struct archive_entry *e,
			char *path, struct sheep_err **err)
{
	_cleanup_free_ char *copy = strdup(path);
	_cleanup_close_ int parentfd = -1;
	const char *parent, *name, *hardlink = archive_entry_hardlink(e);
	mode_t type = archive_entry_filetype(e);

	if (copy == NULL)
		return sheep_err_set(err, ENOMEM, "entry '%s'", path);
	if (*path == '\0') {
		/* "./": the root's own metadata */
		if (type != AE_IFDIR)
			return sheep_err_set(err, 0, "entry '%s': the root must be a directory",
					     archive_entry_pathname(e));
		return create_dir(c, e, c->rootfd, ".", ".", err);
	}
	unpack_split_path(copy, &parent, &name);
	if (unpack_mkdir_in_root(c->rootfd, parent, &parentfd, err) < 0)
		return sheep_err_wrap(err, "entry '%s'", path);
	if (hardlink != NULL)
		return create_hardlink(c, hardlink, parentfd, name, path, err);
	switch (type) {
	case AE_IFREG:
		return create_file(c, a, e, parentfd, name, path, err);
	case AE_IFDIR:
		return create_dir(c, e, parentfd, name, path, err);
	case AE_IFLNK:
	case AE_IFIFO:
		return create_special(c, e, parentfd, name, path, err);
	case AE_IFCHR:
	case AE_IFBLK:
		/* mknod of a device needs CAP_MKNOD in the initial user ns */
		if (c->opts->rootless)
			return unpack_pathset_add(&c->skipped, path) < 0
				   ? sheep_err_set(err, ENOMEM, "entry '%s'", path)
				   : 0;
		return create_special(c, e, parentfd, name, path, err);
	default:
		return sheep_err_set(err, 0, "entry '%s': unsupported file type 0%o", path,
				     (unsigned)type);
	}
}
