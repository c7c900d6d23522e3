/* Safe resolution below an untrusted root. Every lookup goes through openat2 with RESOLVE_IN_ROOT,
 * so absolute symlinks and '..' planted by earlier entries or layers resolve inside the root
 * (openat2(2)); the final component of an entry is then handled with *at calls that never follow. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "unpack/resolve.h"
#include "util/cleanup.h"
#include "util/path.h"

int unpack_clean_path(const char *name, char **ret, struct sheep_err **err)
{
	_cleanup_free_ char *out = malloc(strlen(name) + 1);
	const char *p = name;
	size_t len = 0;

	if (out == NULL)
		return sheep_err_set(err, ENOMEM, "clean path");
	while (*p != '\0') {
		const char *end = strchrnul(p, '/');
		size_t n = (size_t)(end - p);

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return sheep_err_set(err, 0, "path escapes the root");
		if (n > 0 && !(n == 1 && p[0] == '.')) {
			if (len > 0)
				out[len++] = '/';
			memcpy(out + len, p, n);
			len += n;
		}
		p = *end ? end + 1 : end;
	}
	out[len] = '\0';
	*ret = TAKE_PTR(out);
	return 0;
}

void unpack_split_path(char *path, const char **ret_parent, const char **ret_name)
{
	char *slash = strrchr(path, '/');

	if (slash == NULL) {
		*ret_parent = "";
		*ret_name = path;
		return;
	}
	*slash = '\0';
	*ret_parent = path;
	*ret_name = slash + 1;
}

int unpack_open_in_root(int rootfd, const char *path, int flags)
{
	struct open_how how = {
	    .flags = (unsigned)(flags | O_CLOEXEC),
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	int fd;

	/* EAGAIN: a concurrent rename made the kernel give up on a safe walk; try again. */
	for (int tries = 0; tries < 16; tries++) {
		fd = (int)syscall(SYS_openat2, rootfd, *path ? path : ".", &how, sizeof(how));
		if (fd >= 0 || errno != EAGAIN)
			break;
	}
	return fd;
}

int unpack_open_regular_in_root(int rootfd, const char *path, int flags, mode_t *ret_mode)
{
	_cleanup_close_ int pfd = unpack_open_in_root(rootfd, path, O_PATH | flags);
	char name[SHEEP_FD_PATH_MAX];
	struct stat st;

	*ret_mode = 0;
	if (pfd < 0 || fstat(pfd, &st) < 0)
		return -1;
	if (!S_ISREG(st.st_mode)) {
		*ret_mode = st.st_mode & S_IFMT;
		errno = EINVAL;
		return -1;
	}
	*ret_mode = S_IFREG;
	return open(sheep_path_fd_name(pfd, name), O_RDONLY | O_CLOEXEC | O_NOCTTY);
}

int unpack_mkdir_in_root(int rootfd, const char *path, int *ret_fd, struct sheep_err **err)
{
	_cleanup_free_ char *copy = NULL;
	_cleanup_close_ int parent = -1;
	int fd = unpack_open_in_root(rootfd, path, O_PATH | O_DIRECTORY);

	if (fd >= 0 || errno != ENOENT) {
		if (fd < 0)
			return sheep_err_set(err, errno, "open directory '%s'", path);
		*ret_fd = fd;
		return 0;
	}
	copy = strdup(path);
	if (copy == NULL)
		return sheep_err_set(err, ENOMEM, "open directory '%s'", path);
	parent = unpack_open_in_root(rootfd, "", O_PATH | O_DIRECTORY);
	if (parent < 0)
		return sheep_err_set(err, errno, "open root");
	for (char *start = copy, *p = copy;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		/* the component is a plain name: mkdirat never follows it. A directory made just
		 * now is opened by name (no-follow); whatever was already there (a planted symlink
		 * included) is resolved again inside the root. Resolving every new component from
		 * the root would make deep trees quadratic. */
		if (mkdirat(parent, start, 0755) == 0)
			fd = openat(parent, start, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		else if (errno == EEXIST)
			fd = unpack_open_in_root(rootfd, copy, O_PATH | O_DIRECTORY);
		else
			return sheep_err_set(err, errno, "mkdir '%s'", copy);
		if (fd < 0)
			return sheep_err_set(err, errno, "open directory '%s'", copy);
		close(parent);
		parent = fd;
		if (saved == '\0')
			break;
		*p = saved;
		start = p + 1;
	}
	*ret_fd = TAKE_FD(parent);
	return 0;
}
