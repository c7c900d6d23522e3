/* Path resolution inside an untrusted directory tree (a container rootfs): symlinks and ".." are
 * resolved as if rootfd were "/" (openat2 RESOLVE_IN_ROOT, or an fd walk where openat2 is missing),
 * so no path can reach outside the root. libc only. */
#ifndef SHEEP_UTIL_PATH_H
#define SHEEP_UTIL_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/err.h"

/* Big enough for "/proc/self/fd/<int>". */
#define SHEEP_FD_PATH_MAX 32

/* Opens path (absolute or relative: both relative to rootfd) with open(2) flags (O_CLOEXEC is
 * always added) resolving every symlink and ".." inside rootfd; magic links (/proc/self/fd/...)
 * are refused. With O_NOFOLLOW a final symlink is opened itself (needs O_PATH). Returns the fd.
 * Errors: "open 'etc/passwd' in root: No such file or directory". */
int sheep_path_open_in_root(int rootfd, const char *path, int flags, mode_t mode,
			    struct sheep_err **err);

/* mkdir -p inside rootfd: creates every missing component (the last with mode, parents 0755,
 * before umask), following symlinks inside the root, a dangling one too (its target is made,
 * inside the root, as runc does). Returns an O_PATH|O_DIRECTORY fd of the final directory. */
int sheep_path_mkdir_in_root(int rootfd, const char *path, mode_t mode, struct sheep_err **err);

/* Like sheep_path_mkdir_in_root() for the parents, then creates path as an empty regular file
 * if it does not exist (an existing file or directory is fine). Returns an O_PATH fd of it. */
int sheep_path_mkfile_in_root(int rootfd, const char *path, mode_t mode, struct sheep_err **err);

/* Writes "/proc/self/fd/<fd>" into buf (SHEEP_FD_PATH_MAX bytes): the way to name a resolved fd
 * to mount(2) without re-resolving a path string. */
const char *sheep_path_fd_name(int fd, char buf[SHEEP_FD_PATH_MAX]);

/* Unit tests only: false forces the fd-walk fallback, as on kernels without openat2. */
void sheep_path_use_openat2(bool enabled);

#endif
