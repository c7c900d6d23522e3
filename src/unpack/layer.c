/* Applying one layer: the entry loop, whiteout dispatch and the directory metadata that must wait
 * until the layer's last entry is written. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "unpack/layer.h"
#include "unpack/resolve.h"
#include "util/cleanup.h"

#define WHITEOUT_PREFIX ".wh."

int unpack_cancelled(const struct unpack_layer_opts *opts, struct sheep_err **err)
{
	int sig = opts->cancel ? *opts->cancel : 0;
	const char *abbrev = sig > 0 ? sigabbrev_np(sig) : NULL;

	if (sig == 0)
		return 0;
	if (err != NULL) {
		sheep_err_free(*err);
		*err = NULL;
	}
	if (abbrev == NULL)
		return sheep_err_set(err, 0, "interrupted (signal %d)", sig);
	return sheep_err_set(err, 0, "interrupted (SIG%s)", abbrev);
}

struct archive *unpack_archive_new(void)
{
	struct archive *a = archive_read_new();

	if (a == NULL)
		return NULL;
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	archive_read_support_filter_all(a);
	return a;
}

int unpack_dir_defer(struct unpack_layer_ctx *c, const char *path, struct archive_entry *e)
{
	struct unpack_dir_meta *d;

	if (c->dirs_len == c->dirs_cap) {
		size_t ncap = c->dirs_cap ? c->dirs_cap * 2 : 64;
		d = realloc(c->dirs, ncap * sizeof(*d));
		if (d == NULL)
			return -1;
		c->dirs = d;
		c->dirs_cap = ncap;
	}
	d = &c->dirs[c->dirs_len];
	d->path = strdup(path);
	if (d->path == NULL)
		return -1;
	d->mode = archive_entry_perm(e);
	d->times[0] = (struct timespec){archive_entry_atime(e), archive_entry_atime_nsec(e)};
	d->times[1] = (struct timespec){archive_entry_mtime(e), archive_entry_mtime_nsec(e)};
	if (!archive_entry_atime_is_set(e))
		d->times[0] = d->times[1];
	c->dirs_len++;
	return 0;
}

/* Deepest last-written first is not needed: a directory's own mode and times do not change
 * its parent. A directory replaced later in the layer by a non-directory is skipped. */
static int finish_dirs(struct unpack_layer_ctx *c, struct sheep_err **err)
{
	for (size_t i = c->dirs_len; i-- > 0;) {
		struct unpack_dir_meta *d = &c->dirs[i];
		_cleanup_close_ int fd =
		    unpack_open_in_root(c->rootfd, d->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);

		if (fd < 0) {
			if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)
				continue;
			return sheep_err_set(err, errno, "open directory '%s'", d->path);
		}
		if (fchmod(fd, d->mode) < 0)
			return sheep_err_set(err, errno, "chmod '%s'", d->path);
		if (futimens(fd, d->times) < 0)
			return sheep_err_set(err, errno, "set times of '%s'", d->path);
	}
	return 0;
}

static bool is_whiteout(const char *name)
{
	return strncmp(name, WHITEOUT_PREFIX, strlen(WHITEOUT_PREFIX)) == 0;
}

static int apply_one(struct unpack_layer_ctx *c, struct archive *a, struct archive_entry *e,
		     struct sheep_err **err)
{
	_cleanup_free_ char *path = NULL;
	const char *name = archive_entry_pathname(e), *base;

	if (name == NULL)
		return sheep_err_set(err, 0, "entry %ju: no path name", (uintmax_t)c->entries);
	if (unpack_clean_path(name, &path, err) < 0)
		return sheep_err_wrap(err, "entry '%s'", name);
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if (*path != '\0' && is_whiteout(base)) {
		_cleanup_free_ char *copy = strdup(path);
		const char *parent, *wname;

		if (copy == NULL)
			return sheep_err_set(err, ENOMEM, "entry '%s'", path);
		unpack_split_path(copy, &parent, &wname);
		return unpack_whiteout(c, parent, wname + strlen(WHITEOUT_PREFIX), err);
	}
	if (unpack_entry_create(c, a, e, path, err) < 0)
		return -1;
	if (*path != '\0' && unpack_pathset_add(&c->created, path) < 0)
		return sheep_err_set(err, errno, "entry '%s'", path);
	return 0;
}

static void ctx_clear(struct unpack_layer_ctx *c)
{
	for (size_t i = 0; i < c->dirs_len; i++)
		free(c->dirs[i].path);
	free(c->dirs);
	unpack_pathset_clear(&c->created);
	unpack_pathset_clear(&c->skipped);
}

int unpack_layer_apply(int rootfd, struct archive *a, const struct unpack_layer_opts *opts,
		       struct sheep_err **err)
{
	struct unpack_layer_ctx c = {.rootfd = rootfd, .opts = opts};
	struct archive_entry *e;
	int r, ret = -1;

	for (;;) {
		if (unpack_cancelled(opts, err) < 0)
			goto out;
		r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			sheep_err_set(err, 0, "read entry %ju: %s", (uintmax_t)c.entries + 1,
				      archive_error_string(a));
			goto out;
		}
		c.entries++;
		if (apply_one(&c, a, e, err) < 0)
			goto out;
	}
	ret = finish_dirs(&c, err);
out:
	ctx_clear(&c);
	/* a read or write the signal cut short (EINTR) failed for that reason */
	if (ret < 0 && unpack_cancelled(opts, err) < 0)
		return -1;
	return ret;
}

int unpack_layer_apply_fd(int rootfd, int fd, const struct unpack_layer_opts *opts,
			  struct sheep_err **err)
{
	struct archive *a = unpack_archive_new();
	int ret;

	if (a == NULL)
		return sheep_err_set(err, ENOMEM, "archive_read_new");
	if (archive_read_open_fd(a, fd, 128 * 1024) != ARCHIVE_OK) {
		sheep_err_set(err, 0, "open archive: %s", archive_error_string(a));
		archive_read_free(a);
		return -1;
	}
	ret = unpack_layer_apply(rootfd, a, opts, err);
	archive_read_free(a);
	return ret;
}
