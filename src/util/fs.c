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

int sheep_read_regular_fd(int fd, const char *what, size_t max, char **ret_buf, size_t *ret_len,
			  struct sheep_err **err)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return sheep_err_set(err, errno, "fstat '%s'", what);
	if (!S_ISREG(st.st_mode))
		return sheep_err_set(err, 0, "'%s' is not a regular file", what);
	if (sheep_read_fd(fd, max, ret_buf, ret_len, err) < 0)
		return sheep_err_wrap(err, "'%s'", what);
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

/* Puts tmp in place of name atomically. An existing name is swapped out (RENAME_EXCHANGE) and
 * then unlinked rather than renamed over: ext4 (auto_da_alloc) forces block allocation and
 * writeback of a file renamed over another, and freeing those blocks again costs a synchronous
 * discard on a filesystem mounted with "discard". A state file rewritten three times during a
 * create and deleted a moment later then never touches the disk. */
static int replace_at(int dirfd, const char *tmp, const char *name)
{
	if (renameat2(dirfd, tmp, dirfd, name, RENAME_EXCHANGE) == 0) {
		if (unlinkat(dirfd, tmp, 0) == 0 || errno == ENOENT)
			return 0;
		/* name was a directory: put it back and fail as renameat would have */
		int saved = errno == EISDIR || errno == EPERM ? EISDIR : errno;
		renameat2(dirfd, tmp, dirfd, name, RENAME_EXCHANGE);
		errno = saved;
		return -1;
	}
	if (errno != ENOENT && errno != EINVAL)
		return -1;
	/* ENOENT: nothing to replace yet; EINVAL: a filesystem without exchange */
	return renameat(dirfd, tmp, dirfd, name);
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
	if (replace_at(dirfd, tmp, name) < 0) {
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

/* One directory on the way down: its name in its parent and its identity, checked when ".." leads
 * back up, so a directory moved meanwhile cannot make the removal continue somewhere else. */
struct rm_level {
	char *name;
	dev_t dev;
	ino_t ino;
};

struct rm_walk {
	struct rm_level *levels;
	size_t depth, cap;
};

static int rm_push(struct rm_walk *w, int fd, const char *name)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -1;
	/* one file system only: whatever is mounted inside the tree is not ours to empty */
	if (w->depth > 0 && st.st_dev != w->levels[0].dev) {
		errno = EXDEV;
		return -1;
	}
	if (w->depth == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 16;
		struct rm_level *n = realloc(w->levels, cap * sizeof(*n));

		if (n == NULL)
			return -1;
		w->levels = n;
		w->cap = cap;
	}
	w->levels[w->depth] = (struct rm_level){strdup(name), st.st_dev, st.st_ino};
	if (w->levels[w->depth].name == NULL)
		return -1;
	w->depth++;
	return 0;
}

/* Removes dirfd/name if it is not a directory or is an empty one; 1: a non-empty directory. */
static int rm_entry(int dirfd, const char *name, struct sheep_err **err)
{
	int unlink_errno, rmdir_errno;
	struct stat st;

	if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	unlink_errno = errno;
	/* EISDIR from Linux, EPERM where POSIX lets unlink(2) refuse directories that way */
	if (unlink_errno != EISDIR && unlink_errno != EPERM)
		return sheep_err_set(err, unlink_errno, "unlink '%s'", name);
	if (unlinkat(dirfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
		return 0;
	if (errno == ENOTEMPTY || errno == EEXIST)
		return 1;
	rmdir_errno = errno;
	/* not a directory after all: unlink's EPERM was the answer (an immutable file) */
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode))
		return sheep_err_set(err, unlink_errno, "unlink '%s'", name);
	return sheep_err_set(err, rmdir_errno, "rmdir '%s'", name);
}

/* Removes every entry of dirfd that is not a directory or is an empty one; returns 1 with the
 * name of the first non-empty directory (to descend into), 0 once dirfd is empty. */
static int rm_entries(int dirfd, char **ret_name, struct sheep_err **err)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *de;
	int r = 0;

	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return sheep_err_set(err, errno, "opendir");
	}
	while (r == 0 && (errno = 0, de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		r = rm_entry(dirfd, de->d_name, err);
		if (r == 1 && (*ret_name = strdup(de->d_name)) == NULL)
			r = sheep_err_set(err, ENOMEM, "rm");
	}
	if (r == 0 && errno != 0)
		r = sheep_err_set(err, errno, "readdir");
	closedir(d);
	return r;
}

/* The way back up: ".." of the emptied directory, checked to be the one walked down from. */
static int rm_up(struct rm_walk *w, int cur, struct sheep_err **err)
{
	const struct rm_level *up = &w->levels[w->depth - 2];
	int fd = openat(cur, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0 || st.st_dev != up->dev || st.st_ino != up->ino) {
		int saved = fd < 0 ? errno : ESTALE;

		if (fd >= 0)
			close(fd);
		return sheep_err_set(err, saved, "'%s' moved during removal", up->name);
	}
	if (unlinkat(fd, w->levels[w->depth - 1].name, AT_REMOVEDIR) < 0 && errno != ENOENT) {
		int saved = errno;

		close(fd);
		return sheep_err_set(err, saved, "rmdir '%s'", w->levels[w->depth - 1].name);
	}
	return fd;
}

/* Depth-first without recursion and with a constant number of fds: an image can nest directories
 * deeper than the stack or RLIMIT_NOFILE would allow a recursive walk (symlinks let a layer
 * create paths far below PATH_MAX). */
static int rm_tree(int dirfd, const char *name, struct sheep_err **err)
{
	struct rm_walk w = {0};
	int cur = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), r = 0;
	char *child = NULL;

	if (cur < 0 || rm_push(&w, cur, name) < 0)
		r = sheep_err_set(err, errno, "open '%s'", name);
	while (r == 0) {
		int next = -1;

		r = rm_entries(cur, &child, err);
		if (r == 1) {
			next = openat(cur, child, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (next < 0 || rm_push(&w, next, child) < 0) {
				r = errno == EXDEV
					? sheep_err_set(err, 0, "'%s' is a mount point", child)
					: sheep_err_set(err, errno, "open '%s'", child);
				sheep_closep(&next);
			} else {
				r = 0;
			}
		} else if (r == 0 && w.depth == 1) {
			if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
				r = sheep_err_set(err, errno, "rmdir '%s'", name);
			break;
		} else if (r == 0) {
			next = rm_up(&w, cur, err);
			r = next < 0 ? -1 : 0;
			free(w.levels[--w.depth].name);
		}
		free(child);
		child = NULL;
		if (r == 0) {
			close(cur);
			cur = next;
		}
	}
	sheep_closep(&cur);
	while (w.depth > 0)
		free(w.levels[--w.depth].name);
	free(w.levels);
	return r < 0 ? -1 : 0;
}

int sheep_rm_rf_at(int dirfd, const char *name, struct sheep_err **err)
{
	int r = rm_entry(dirfd, name, err);

	if (r <= 0)
		return r;
	if (rm_tree(dirfd, name, err) < 0)
		return sheep_err_wrap(err, "'%s'", name);
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
