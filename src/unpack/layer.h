/* The layer applier: one tar stream (a layer, or a whole rootfs) applied onto a root directory
 * with whiteouts, ownership, modes, times, xattrs, links and device nodes. */
#ifndef SHEEP_UNPACK_LAYER_H
#define SHEEP_UNPACK_LAYER_H

#include <archive.h>
#include <archive_entry.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "unpack/pathset.h"
#include "util/err.h"

struct unpack_layer_opts {
	/* No chown, no device nodes (an unprivileged user cannot make them); files and
	 * directories are owned by the caller. */
	bool rootless;
	/* NULL, or set (by a signal handler) to the signal number that asks the unpack to stop:
	 * checked between entries and between data blocks, so a huge file does not delay it. */
	const volatile sig_atomic_t *cancel;
};

/* A directory whose mode and times are set when the layer is done: writing entries into a
 * directory changes its mtime, and a read-only mode would stop a rootless unpack. */
struct unpack_dir_meta {
	char *path;
	mode_t mode;
	struct timespec times[2];
};

struct unpack_layer_ctx {
	int rootfd;
	const struct unpack_layer_opts *opts;
	struct unpack_pathset created;
	struct unpack_pathset skipped; /* device nodes left out by a rootless unpack */
	struct unpack_dir_meta *dirs;
	size_t dirs_len, dirs_cap;
	uint64_t entries;
};

/* Applies every entry of an opened archive (tar, any filter) onto rootfd. Entry errors name the
 * entry: "entry 'etc/x': ...". The archive is read to its end but not closed. */
int unpack_layer_apply(int rootfd, struct archive *a, const struct unpack_layer_opts *opts,
		       struct sheep_err **err);
/* The same for a tar file given by fd (for plain rootfs tarballs and tests). */
int unpack_layer_apply_fd(int rootfd, int fd, const struct unpack_layer_opts *opts,
			  struct sheep_err **err);
/* 0 while not cancelled; else replaces *err (whatever failure the interruption caused, e.g. an
 * EINTR) with "interrupted (SIGINT)" and returns -1. */
int unpack_cancelled(const struct unpack_layer_opts *opts, struct sheep_err **err);
/* A new libarchive reader for layers: tar formats, every compression filter. */
struct archive *unpack_archive_new(void);

/* entry.c: one non-whiteout entry (path cleaned, not ""); whiteout.c: one whiteout. */
int unpack_entry_create(struct unpack_layer_ctx *c, struct archive *a, struct archive_entry *e,
			char *path, struct sheep_err **err);
int unpack_whiteout(struct unpack_layer_ctx *c, const char *parent, const char *name,
		    struct sheep_err **err);
/* meta.c: owner, mode (not for symlinks), xattrs and times of the entry onto fd. `fd` is an
 * O_PATH fd unless `real_fd`; parentfd/name name the same inode (for utimensat). */
int unpack_meta_apply(struct unpack_layer_ctx *c, struct archive_entry *e, int fd, bool real_fd,
		      int parentfd, const char *name, const char *path, struct sheep_err **err);
int unpack_dir_defer(struct unpack_layer_ctx *c, const char *path, struct archive_entry *e);

#endif
