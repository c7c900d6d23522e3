/* Whiteouts (image-spec layer.md): `.wh.NAME` removes NAME, `.wh..wh..opq` empties its directory,
 * each only of what lower layers put there: entries of the same layer survive. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unpack/layer.h"
#include "unpack/resolve.h"
#include "util/cleanup.h"
#include "util/fs.h"

#define OPAQUE_MARKER ".wh..opq" /* what follows ".wh." in the opaque marker's name */
#define META_PREFIX ".wh."	 /* ".wh..wh.*": aufs bookkeeping, never a whiteout */

static char *join(const char *parent, const char *name)
{
	char *s = NULL;

	if (asprintf(&s, "%s%s%s", parent, *parent ? "/" : "", name) < 0)
		return NULL;
	return s;
}

/* Empties dir of what lower layers put there. A child this layer wrote (or wrote below) stays,
 * but a directory of it is emptied in turn: the marker hides every lower entry under dir, also
 * in a subdirectory this layer added to ("o/sub/y" before "o/.wh..wh..opq" keeps y, not the
 * lower o/sub/x). */
static int opaque(struct unpack_layer_ctx *c, const char *dir, struct sheep_err **err)
{
	int fd = unpack_open_in_root(c->rootfd, dir, O_RDONLY | O_DIRECTORY);
	struct dirent *de;
	int ret = 0;
	DIR *d;

	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return sheep_err_set(err, errno, "opaque whiteout: open '%s'", dir);
	}
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return sheep_err_set(err, errno, "opaque whiteout: open '%s'", dir);
	}
	while (ret == 0 && (de = readdir(d)) != NULL) {
		_cleanup_free_ char *child = NULL;
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		child = join(dir, de->d_name);
		if (child == NULL)
			ret = sheep_err_set(err, ENOMEM, "opaque whiteout '%s'", dir);
		else if (!unpack_pathset_has(&c->created, child))
			ret = sheep_rm_rf_at(dirfd(d), de->d_name, err) < 0
				  ? sheep_err_wrap(err, "opaque whiteout '%s'", dir)
				  : 0;
		else if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			 S_ISDIR(st.st_mode))
			ret = opaque(c, child, err);
	}
	closedir(d);
	return ret;
}

int unpack_whiteout(struct unpack_layer_ctx *c, const char *parent, const char *name,
		    struct sheep_err **err)
{
	_cleanup_free_ char *victim = NULL;
	_cleanup_close_ int parentfd = -1;

	if (strcmp(name, OPAQUE_MARKER) == 0)
		return opaque(c, parent, err);
	if (strncmp(name, META_PREFIX, strlen(META_PREFIX)) == 0)
		return 0;
	if (*name == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return sheep_err_set(err, 0, "whiteout '%s%s.wh.%s': invalid name", parent,
				     *parent ? "/" : "", name);
	victim = join(parent, name);
	if (victim == NULL)
		return sheep_err_set(err, ENOMEM, "whiteout");
	if (unpack_pathset_has(&c->created, victim))
		return 0;
	parentfd = unpack_open_in_root(c->rootfd, parent, O_PATH | O_DIRECTORY);
	if (parentfd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return sheep_err_set(err, errno, "whiteout '%s': open '%s'", victim, parent);
	}
	if (sheep_rm_rf_at(parentfd, name, err) < 0)
		return sheep_err_wrap(err, "whiteout '%s'", victim);
	return 0;
}
