/* In-root path resolution: openat2(RESOLVE_IN_ROOT) where the kernel has it (5.6+), otherwise a
 * component-by-component walk that resolves each symlink itself and clamps ".." at the root, and
 * the mkdir -p / create-file helpers built on top of it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/path.h"

/* Linux's own limit on symlinks followed in one lookup (MAXSYMLINKS). */
#define PATH_MAX_LINKS 40

static bool openat2_enabled = true;

void sheep_path_use_openat2(bool enabled)
{
	openat2_enabled = enabled;
}

const char *sheep_path_fd_name(int fd, char buf[SHEEP_FD_PATH_MAX])
{
	snprintf(buf, SHEEP_FD_PATH_MAX, "/proc/self/fd/%d", fd);
	return buf;
}

/* Returns the fd, or -1 with errno (ENOSYS: no openat2, use the walk). */
static int open_openat2(int rootfd, const char *path, int flags, mode_t mode)
{
	struct open_how how = {
	    .flags = (unsigned)(flags | O_CLOEXEC),
	    .mode = (flags & (O_CREAT | __O_TMPFILE)) ? mode : 0,
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd = -1;

	if (*path == '\0')
		path = ".";
	/* EAGAIN: a concurrent rename made the kernel unsure ".." stayed inside; just retry. */
	for (int i = 0; i < 16; i++) {
		fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
		if (fd >= 0 || errno != EAGAIN)
			break;
	}
	return fd;
}

/* The directories walked so far; [0] is the root itself (not owned). ".." pops, never below 0. */
struct walk {
	int *fds;
	size_t depth;
	size_t cap;
	char *todo; /* the rest of the path still to resolve (malloc'd) */
	int links;
};

static void walk_pop_all(struct walk *w)
{
	while (w->depth > 0)
		close(w->fds[w->depth--]);
}

static int walk_push(struct walk *w, int fd)
{
	if (w->depth + 1 >= w->cap) {
		size_t cap = w->cap * 2;
		int *n = realloc(w->fds, cap * sizeof(*n));

		if (n == NULL) {
			close(fd);
			errno = ENOMEM;
			return -1;
		}
		w->fds = n;
		w->cap = cap;
	}
	w->fds[++w->depth] = fd;
	return 0;
}

/* Replaces the symlink `name` (in the current dir) by its target in front of the rest. */
static int walk_splice_link(struct walk *w, const char *name, const char *rest)
{
	char target[PATH_MAX];
	char *todo = NULL;
	ssize_t n;

	if (++w->links > PATH_MAX_LINKS) {
		errno = ELOOP;
		return -1;
	}
	n = readlinkat(w->fds[w->depth], name, target, sizeof(target) - 1);
	if (n < 0)
		return -1;
	target[n] = '\0';
	if (asprintf(&todo, "%s/%s", target, rest) < 0) {
		errno = ENOMEM;
		return -1;
	}
	/* An absolute target starts again at the root: the root of the container, not the host. */
	if (target[0] == '/')
		walk_pop_all(w);
	free(w->todo);
	w->todo = todo;
	return 0;
}

/* Takes the next component of w->todo into name; returns false when none is left. */
static bool walk_next(struct walk *w, char name[NAME_MAX + 1], const char **rest)
{
	char *p = w->todo, *end;
	size_t len;

	while (*p == '/')
		p++;
	if (*p == '\0')
		return false;
	end = strchrnul(p, '/');
	len = (size_t)(end - p);
	if (len > NAME_MAX)
		len = NAME_MAX; /* openat() below then fails with the right errno */
	memcpy(name, p, len);
	name[len] = '\0';
	while (*end == '/')
		end++;
	*rest = end;
	return true;
}

/* One step of the walk; returns 1 when the final fd is in *ret_fd, 0 to go on, -1 with errno. */
static int walk_step(struct walk *w, int flags, mode_t mode, int *ret_fd)
{
	char name[NAME_MAX + 1];
	const char *rest;
	struct stat st;
	int cur = w->fds[w->depth], fd;
	bool last;

	if (!walk_next(w, name, &rest)) {
		/* Nothing left ("/", "a/.."): the current directory is the answer. */
		*ret_fd = openat(cur, ".", (flags & ~O_NOFOLLOW) | O_CLOEXEC, mode);
		return *ret_fd < 0 ? -1 : 1;
	}
	last = *rest == '\0';
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		if (name[1] == '.' && w->depth > 0)
			close(w->fds[w->depth--]);
		memmove(w->todo, rest, strlen(rest) + 1);
		return 0;
	}
	if (fstatat(cur, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode) &&
	    !(last && (flags & O_NOFOLLOW)))
		return walk_splice_link(w, name, rest);
	if (last) {
		/* O_NOFOLLOW: a symlink swapped in since the fstatat fails instead of being followed. */
		*ret_fd = openat(cur, name, flags | O_NOFOLLOW | O_CLOEXEC, mode);
		return *ret_fd < 0 ? -1 : 1;
	}
	fd = openat(cur, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || walk_push(w, fd) < 0)
		return -1;
	memmove(w->todo, rest, strlen(rest) + 1);
	return 0;
}

/* The fallback for kernels without openat2. A concurrent rename of a directory already walked
 * could move it out of the root; container rootfs setup runs before anything in it executes. */
static int open_walk(int rootfd, const char *path, int flags, mode_t mode)
{
	struct walk w = {.fds = malloc(16 * sizeof(int)), .cap = 16, .todo = strdup(path)};
	int fd = -1, r = 0, saved;

	if (w.fds == NULL || w.todo == NULL) {
		errno = ENOMEM;
		r = -1;
	} else {
		w.fds[0] = rootfd;
	}
	while (r == 0)
		r = walk_step(&w, flags, mode, &fd);
	saved = errno;
	walk_pop_all(&w);
	free(w.fds);
	free(w.todo);
	errno = saved;
	return r < 0 ? -1 : fd;
}

static int open_in_root(int rootfd, const char *path, int flags, mode_t mode)
{
	if (openat2_enabled) {
		int fd = open_openat2(rootfd, path, flags, mode);

		if (fd >= 0 || (errno != ENOSYS && errno != E2BIG))
			return fd;
		openat2_enabled = false; /* an old kernel: don't ask again */
	}
	return open_walk(rootfd, path, flags, mode);
}

int sheep_path_open_in_root(int rootfd, const char *path, int flags, mode_t mode,
			    struct sheep_err **err)
{
	int fd = open_in_root(rootfd, path, flags, mode);

	if (fd < 0)
		return sheep_err_set(err, errno, "open '%s' in root", path);
	return fd;
}

/* Length of the first n components of path (with the slashes before them). */
static size_t prefix_len(const char *path, size_t n, bool *ret_more)
{
	const char *p = path;

	for (size_t i = 0; i < n; i++) {
		while (*p == '/')
			p++;
		p = strchrnul(p, '/');
	}
	while (*p == '/')
		p++;
	*ret_more = *p != '\0';
	return (size_t)(p - path);
}

/* Opens (creating it if missing) the component that follows the already-resolved parent. */
static int mkdir_component(int rootfd, int parent, const char *prefix, mode_t mode)
{
	const char *name;
	size_t len = strlen(prefix);
	_cleanup_free_ char *copy = strdup(prefix);
	int fd;

	if (copy == NULL) {
		errno = ENOMEM;
		return -1;
	}
	while (len > 0 && copy[len - 1] == '/')
		copy[--len] = '\0';
	name = strrchr(copy, '/') ? strrchr(copy, '/') + 1 : copy;
	fd = open_in_root(rootfd, copy, O_PATH | O_DIRECTORY, 0);
	if (fd >= 0 || errno != ENOENT)
		return fd;
	if (mkdirat(parent, name, mode) < 0 && errno != EEXIST)
		return -1;
	fd = open_in_root(rootfd, copy, O_PATH | O_DIRECTORY, 0);
	/* Still missing after mkdir said it exists: a dangling symlink, which we do not follow. */
	if (fd < 0 && errno == ENOENT)
		errno = ELOOP;
	return fd;
}

static int mkdir_in_root(int rootfd, const char *path, mode_t mode)
{
	int parent = open_in_root(rootfd, "", O_PATH | O_DIRECTORY, 0);
	bool more = true;

	for (size_t i = 1; parent >= 0 && more; i++) {
		size_t len = prefix_len(path, i, &more);
		_cleanup_free_ char *prefix = strndup(path, len);
		int fd;

		if (prefix == NULL) {
			close(parent);
			errno = ENOMEM;
			return -1;
		}
		fd = mkdir_component(rootfd, parent, prefix, mode);
		sheep_closep(&parent);
		parent = fd;
	}
	return parent;
}

int sheep_path_mkdir_in_root(int rootfd, const char *path, mode_t mode, struct sheep_err **err)
{
	int fd = mkdir_in_root(rootfd, path, mode);

	if (fd < 0)
		return sheep_err_set(err, errno, "mkdir '%s' in root", path);
	return fd;
}

int sheep_path_mkfile_in_root(int rootfd, const char *path, mode_t mode, struct sheep_err **err)
{
	_cleanup_free_ char *dir = strdup(path);
	_cleanup_close_ int parent = -1;
	char *slash, *name;
	int fd;

	if (dir == NULL)
		return sheep_err_set(err, ENOMEM, "create '%s' in root", path);
	fd = open_in_root(rootfd, path, O_PATH, 0);
	if (fd >= 0 || errno != ENOENT)
		goto out;
	for (size_t len = strlen(dir); len > 1 && dir[len - 1] == '/'; len--)
		dir[len - 1] = '\0';
	slash = strrchr(dir, '/');
	name = slash ? slash + 1 : dir;
	if (slash != NULL)
		*slash = '\0';
	parent = mkdir_in_root(rootfd, slash ? dir : "", 0755);
	if (parent < 0)
		goto out;
	/* O_NOFOLLOW: a dangling symlink here is refused rather than created through. */
	fd = openat(parent, name, O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd >= 0) {
		int p = openat(parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);

		close(fd);
		fd = p;
	}
out:
	if (fd < 0)
		return sheep_err_set(err, errno, "create '%s' in root", path);
	return fd;
}
