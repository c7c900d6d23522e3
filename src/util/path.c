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

/* The start of every step: the next component into name, with last telling whether it is the
 * final one. Returns WALK_END when nothing is left ("/", "a/.."): the current directory is the
 * answer; WALK_DONE for "." and ".." (".." pops, never above the root); WALK_NAME otherwise. */
enum walk_take { WALK_END, WALK_DONE, WALK_NAME };

static enum walk_take walk_take(struct walk *w, char name[NAME_MAX + 1], const char **rest,
				bool *last)
{
	if (!walk_next(w, name, rest))
		return WALK_END;
	*last = **rest == '\0';
	if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0)
		return WALK_NAME;
	if (name[1] == '.' && w->depth > 0)
		close(w->fds[w->depth--]);
	memmove(w->todo, *rest, strlen(*rest) + 1);
	return WALK_DONE;
}

/* What a walk is for: open(2) flags and mode for an opening walk (walk_step); for a creating one
 * (make_step), what a missing last component becomes and its mode. */
enum walk_make { MAKE_DIR, MAKE_FILE };
struct walk_req {
	int flags;
	mode_t mode;
	enum walk_make make;
};

typedef int walk_step_fn(struct walk *w, const struct walk_req *req, int *ret_fd);

/* Runs step until it has the result (1) or fails (-1, errno kept). */
static int walk_run(int rootfd, const char *path, walk_step_fn *step, const struct walk_req *req)
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
		r = step(&w, req, &fd);
	saved = errno;
	walk_pop_all(&w);
	free(w.fds);
	free(w.todo);
	errno = saved;
	return r < 0 ? -1 : fd;
}

/* One step of the walk; returns 1 when the final fd is in *ret_fd, 0 to go on, -1 with errno. */
static int walk_step(struct walk *w, const struct walk_req *req, int *ret_fd)
{
	int flags = req->flags;
	mode_t mode = req->mode;
	char name[NAME_MAX + 1];
	const char *rest;
	struct stat st;
	int cur = w->fds[w->depth], fd;
	bool last;

	switch (walk_take(w, name, &rest, &last)) {
	case WALK_END:
		*ret_fd = openat(cur, ".", (flags & ~O_NOFOLLOW) | O_CLOEXEC, mode);
		return *ret_fd < 0 ? -1 : 1;
	case WALK_DONE:
		return 0;
	case WALK_NAME:
		break;
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
	const struct walk_req req = {.flags = flags, .mode = mode};

	return walk_run(rootfd, path, walk_step, &req);
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

/* One step of a creating walk: like walk_step, but a missing component is made (a directory, or
 * for the last one what `last` says) and a symlink is followed even when its target is missing,
 * so its target gets made inside the root (as runc does: an image's /etc/resolv.conf ->
 * /run/systemd/resolve/stub-resolv.conf is made there for the bind mount on it). Returns 1 with
 * an O_PATH fd of the result, 0 to go on, -1 with errno. */
static int make_step(struct walk *w, const struct walk_req *req, int *ret_fd)
{
	enum walk_make last_make = req->make;
	mode_t mode = req->mode;
	char name[NAME_MAX + 1];
	const char *rest;
	struct stat st;
	int cur = w->fds[w->depth], fd;
	bool last, missing;

	switch (walk_take(w, name, &rest, &last)) {
	case WALK_END:
		*ret_fd = openat(cur, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
		return *ret_fd < 0 ? -1 : 1;
	case WALK_DONE:
		return 0;
	case WALK_NAME:
		break;
	}
	missing = fstatat(cur, name, &st, AT_SYMLINK_NOFOLLOW) < 0;
	if (missing && errno != ENOENT)
		return -1;
	if (!missing && S_ISLNK(st.st_mode))
		return walk_splice_link(w, name, rest);
	if (last && last_make == MAKE_FILE) {
		/* O_NOFOLLOW: a symlink swapped in since the fstatat fails instead of being followed */
		if (missing) {
			fd = openat(cur, name, O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, mode);
			if (fd < 0)
				return -1;
			close(fd);
		}
		*ret_fd = openat(cur, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		return *ret_fd < 0 ? -1 : 1;
	}
	if (missing && mkdirat(cur, name, last ? mode : 0755) < 0 && errno != EEXIST)
		return -1;
	fd = openat(cur, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (last) {
		*ret_fd = fd;
		return 1;
	}
	if (walk_push(w, fd) < 0)
		return -1;
	memmove(w->todo, rest, strlen(rest) + 1);
	return 0;
}

/* mkdir -p or create-file inside the root, by the fd walk (whatever the kernel has: openat2
 * cannot make what it resolves). Rootfs setup runs before anything in the container executes. */
static int make_walk(int rootfd, const char *path, enum walk_make last_make, mode_t mode)
{
	const struct walk_req req = {.mode = mode, .make = last_make};

	return walk_run(rootfd, path, make_step, &req);
}

/* The common case, everything there, costs one openat2; only a missing part takes the walk. */
static int make_in_root(int rootfd, const char *path, enum walk_make last_make, mode_t mode)
{
	int fd = open_in_root(rootfd, path, O_PATH | (last_make == MAKE_DIR ? O_DIRECTORY : 0), 0);

	if (fd >= 0 || errno != ENOENT)
		return fd;
	return make_walk(rootfd, path, last_make, mode);
}

int sheep_path_mkdir_in_root(int rootfd, const char *path, mode_t mode, struct sheep_err **err)
{
	int fd = make_in_root(rootfd, path, MAKE_DIR, mode);

	if (fd < 0)
		return sheep_err_set(err, errno, "mkdir '%s' in root", path);
	return fd;
}

int sheep_path_mkfile_in_root(int rootfd, const char *path, mode_t mode, struct sheep_err **err)
{
	int fd = make_in_root(rootfd, path, MAKE_FILE, mode);

	if (fd < 0)
		return sheep_err_set(err, errno, "create '%s' in root", path);
	return fd;
}
