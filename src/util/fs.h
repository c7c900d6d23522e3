/* File, directory and fd helpers used across the runtime. */
#ifndef SHEEP_UTIL_FS_H
#define SHEEP_UTIL_FS_H

#include <stddef.h>
#include <sys/types.h>

#include "util/err.h"

/* Reads all of fd (at most max bytes, else EFBIG) into a NUL-terminated malloc'd buffer. */
int sheep_read_fd(int fd, size_t max, char **ret_buf, size_t *ret_len, struct sheep_err **err);
/* sheep_read_fd() of a regular file only: a FIFO or a device from an untrusted tree (opened
 * O_NONBLOCK by the caller) is refused, "'WHAT' is not a regular file", instead of read; read
 * errors are prefixed "'WHAT': ". */
int sheep_read_regular_fd(int fd, const char *what, size_t max, char **ret_buf, size_t *ret_len,
			  struct sheep_err **err);
/* Reads a whole file, relative to dirfd (AT_FDCWD for cwd). */
int sheep_read_file_at(int dirfd, const char *path, size_t max, char **ret_buf, size_t *ret_len,
		       struct sheep_err **err);
/* Writes the whole buffer, retrying on EINTR and short writes. Returns 0 or -1 with errno. */
int sheep_write_all(int fd, const void *buf, size_t len);
/* Opens path (O_WRONLY|O_CLOEXEC, no creation) and writes data: for /proc and cgroup files. */
int sheep_write_file(const char *path, const char *data, size_t len, struct sheep_err **err);
/* Creates dirfd/name atomically: writes a temporary file, fsync-free, then renames it over. */
int sheep_write_file_atomic_at(int dirfd, const char *name, const char *data, size_t len,
			       mode_t mode, struct sheep_err **err);
/* mkdir -p; existing directories are fine. */
int sheep_mkdir_p(const char *path, mode_t mode, struct sheep_err **err);
/* Removes a directory tree below dirfd/name without following symlinks. Missing is fine. */
int sheep_rm_rf_at(int dirfd, const char *name, struct sheep_err **err);

/* Writes pid as text to path atomically (temporary file + rename in the same directory). */
int sheep_write_pid_file(const char *path, pid_t pid, struct sheep_err **err);

#endif
