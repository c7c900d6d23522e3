/* Paths inside an untrusted root: lexical cleaning of archive names and fd-relative opens that
 * can never leave the root (openat2 RESOLVE_IN_ROOT), creating missing parent directories. */
#ifndef SHEEP_UNPACK_RESOLVE_H
#define SHEEP_UNPACK_RESOLVE_H

#include <stdbool.h>

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
/* Opens directory `path` below the root as an O_PATH fd, creating missing components (0755,
 * owned by the caller) one at a time, each created with mkdirat in its resolved parent. */
int unpack_mkdir_in_root(int rootfd, const char *path, int *ret_fd, struct sheep_err **err);

#endif
