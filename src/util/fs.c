/* File and directory helpers: whole-file reads, atomic writes, mkdir -p, rm -rf. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"

int sheep_read_fd(int fd, size_t max, char **ret_buf, size_t *ret_len, struct sheep_err **err)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0;

	for (;;) {
		if (cap - len < 4096) {
			size_t ncap = cap ? cap * 2 : 8192;
			char *n;

			if (ncap > max + 1)
				ncap = max + 1;
			if (ncap <= len)
				return sheep_err_set(err, EFBIG, "read: more than %zu bytes", max);
			n = realloc(buf, ncap + 1);
			if (n == NULL)
				return sheep_err_set(err, ENOMEM, "read");
			buf = n;
			cap = ncap;
		}
		ssize_t r = read(fd, buf + len, cap - len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return sheep_err_set(err, errno, "read");
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > max)
			return sheep_err_set(err, EFBIG, "read: more than %zu bytes", max);
	}
	if (buf == NULL && (buf = malloc(1)) == NULL)
		return sheep_err_set(err, ENOMEM, "read");
	buf[len] = '\0';
	*ret_buf = TAKE_PTR(buf);
	if (ret_len)
		*ret_len = len;
	return 0;
}

int sheep_read_file_at(int dirfd, const char *path, size_t max, char **ret_buf, size_t *ret_len,
		       struct sheep_err **err)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return sheep_err_set(err, errno, "open '%s'", path);
	if (sheep_read_fd(fd, max, ret_buf, ret_len, err) < 0)
		return sheep_err_wrap(err, "'%s'", path);
	return 0;
}

int sheep_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int sheep_write_file(const char *path, const char *data, size_t len, struct sheep_err **err)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return sheep_err_set(err, errno, "open '%s'", path);
	if (sheep_write_all(fd, data, len) < 0)
		return sheep_err_set(err, errno, "write '%s'", path);
	return 0;
}

int sheep_write_file_atomic_at(int dirfd, const char *name, const char *data, size_t len,
			       mode_t mode, struct sheep_err **err)
{
	char tmp[PATH_MAX];
	_cleanup_close_ int fd = -1;

	if (snprintf(tmp, sizeof(tmp), ".%s.tmp.%d", name, (int)getpid()) >= (int)sizeof(tmp))
		return sheep_err_set(err, ENAMETOOLONG, "write '%s'", name);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return sheep_err_set(err, errno, "create '%s'", tmp);
	if (sheep_write_all(fd, data, len) < 0) {
		int saved = errno;
		unlinkat(dirfd, tmp, 0);
		return sheep_err_set(err, saved, "write '%s'", tmp);
	}
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		int saved = errno;
		unlinkat(dirfd, tmp, 0);
		return sheep_err_set(err, saved, "rename '%s' to '%s'", tmp, name);
	}
	return 0;
}

int sheep_mkdir_p(const char *path, mode_t mode, struct sheep_err **err)
{
	_cleanup_free_ char *copy = strdup(path);

	if (copy == NULL)
		return sheep_err_set(err, ENOMEM, "mkdir '%s'", path);
	for (char *p = copy + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(copy, mode) < 0 && errno != EEXIST)
			return sheep_err_set(err, errno, "mkdir '%s'", copy);
		*p = saved;
		if (saved == '\0')
			break;
	}
	return 0;
}

static int rm_rf_children(int dirfd, struct sheep_err **err)
{
	DIR *d = fdopendir(dirfd);
	struct dirent *de;
	int ret = 0;

	if (d == NULL) {
		close(dirfd);
		return sheep_err_set(err, errno, "opendir");
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (sheep_rm_rf_at(dirfd, de->d_name, err) < 0) {
			ret = -1;
			break;
		}
	}
	closedir(d);
	return ret;
}

int sheep_rm_rf_at(int dirfd, const char *name, struct sheep_err **err)
{
	int fd;

	if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return sheep_err_set(err, errno, "unlink '%s'", name);
	if (unlinkat(dirfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
		return 0;
	if (errno != ENOTEMPTY && errno != EEXIST)
		return sheep_err_set(err, errno, "rmdir '%s'", name);
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return sheep_err_set(err, errno, "open '%s'", name);
	if (rm_rf_children(fd, err) < 0)
		return sheep_err_wrap(err, "'%s'", name);
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return sheep_err_set(err, errno, "rmdir '%s'", name);
	return 0;
}

int sheep_write_pid_file(const char *path, pid_t pid, struct sheep_err **err)
{
	_cleanup_free_ char *d = strdup(path), *b = strdup(path);
	_cleanup_close_ int dirfd = -1;
	char buf[16];
	int n = snprintf(buf, sizeof(buf), "%d", (int)pid);

	if (d == NULL || b == NULL)
		return sheep_err_set(err, ENOMEM, "pid file");
	dirfd = open(dirname(d), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return sheep_err_set(err, errno, "open directory of pid file '%s'", path);
	if (sheep_write_file_atomic_at(dirfd, basename(b), buf, (size_t)n, 0644, err) < 0)
		return sheep_err_wrap(err, "write pid file '%s'", path);
	return 0;
}
