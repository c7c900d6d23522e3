/* Paths inside an untrusted root: lexical cleaning of archive names and fd-relative opens that
 * can never leave the root (openat2 RESOLVE_IN_ROOT), creating missing parent directories. */
#ifndef SHEEP_UNPACK_RESOLVE_H
#define SHEEP_UNPACK_RESOLVE_H

#include <stdbool.h>
#include <sys/types.h>

#include "util/err.h"

/* Cleans an archive entry name into a relative path: leading '/' and './' and empty or '.'
 * components are dropped, a '..' component is refused ("path escapes the root"). The root
 * itself becomes "". *ret is malloc'd. */
int unpack_clean_path(const char *name, char **ret, struct sheep_err **err);
/* Splits a cleaned, non-empty path in place: *ret_parent is "" for a top-level name. */
void unpack_split_path(char *path, const char **ret_parent, const char **ret_name);
/* openat2(rootfd, path, flags | O_CLOEXEC) resolved as if rootfd were '/', never through a magic
 * link or a mount. "" opens the root itself. Returns the fd or -1 with errno (no sheep_err: the
 * callers decide whether ENOENT is an error). */
int unpack_open_in_root(int rootfd, const char *path, int flags);
/* Opens `path` below the root for reading only if it is a regular file: looked up O_PATH (with
 * `flags`, O_NOFOLLOW say), checked, then reopened through that fd, so a FIFO or device node an
 * image put there is never opened (it would block, or be the host's device). Returns the fd;
 * -1 with errno for a failed lookup (*ret_mode 0), or with *ret_mode the type found otherwise. */
int unpack_open_regular_in_root(int rootfd, const char *path, int flags, mode_t *ret_mode);
/* Opens directory `path` below the root as an O_PATH fd, creating missing components (0755,
 * owned by the caller) one at a time, each created with mkdirat in its resolved parent. */
int unpack_mkdir_in_root(int rootfd, const char *path, int *ret_fd, struct sheep_err **err);

#endif
