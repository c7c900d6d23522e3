/* tmpcopyup (runtime-spec config.md, a runc/crun extension): a tmpfs mounted over a directory of
 * the image starts with a copy of what it hides. Files, directories, symlinks and device nodes keep
 * their mode and owner; the walk never follows a symlink. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/rootfs/rootfs_int.h"
#include "util/cleanup.h"

#define COPYUP_MAX_DEPTH 256

static int copy_file(int from, int to, const char *name, const struct stat *st)
{
	_cleanup_close_ int in = openat(from, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int out = -1;

	if (in < 0)
		return -1;
	out = openat(to, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		     st->st_mode & 07777);
	if (out < 0)
		return -1;
	for (off_t left = st->st_size; left > 0;) {
		ssize_t n = sendfile(out, in, NULL, left > (1 << 30) ? (1 << 30) : (size_t)left);

		if (n <= 0)
			return n == 0 ? 0 : -1;
		left -= n;
	}
	return 0;
}

static int copy_tree(int from, int to, int depth);

static int copy_entry(int from, int to, const char *name, int depth)
{
	struct stat st;
	char target[PATH_MAX];
	ssize_t n;

	if (fstatat(from, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	if (S_ISDIR(st.st_mode)) {
		_cleanup_close_ int sub_from = -1, sub_to = -1;

		if (mkdirat(to, name, st.st_mode & 07777) < 0)
			return -1;
		sub_from = openat(from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		sub_to = openat(to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub_from < 0 || sub_to < 0 || copy_tree(sub_from, sub_to, depth + 1) < 0)
			return -1;
	} else if (S_ISLNK(st.st_mode)) {
		n = readlinkat(from, name, target, sizeof(target) - 1);
		if (n < 0)
			return -1;
		target[n] = '\0';
		if (symlinkat(target, to, name) < 0)
			return -1;
	} else if (S_ISREG(st.st_mode)) {
		if (copy_file(from, to, name, &st) < 0)
			return -1;
	} else if (mknodat(to, name, st.st_mode, st.st_rdev) < 0) {
		return -1;
	}
	if (fchownat(to, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	if (!S_ISLNK(st.st_mode) && fchmodat(to, name, st.st_mode & 07777, 0) < 0)
		return -1;
	return 0;
}

static int copy_tree(int from, int to, int depth)
{
	_cleanup_close_ int dupfd = openat(from, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir;
	struct dirent *e;
	int r = 0;

	/* three fds a level: the limit keeps the walk well inside RLIMIT_NOFILE's usual 1,024 */
	if (depth > COPYUP_MAX_DEPTH) {
		errno = ELOOP;
		return -1;
	}
	dir = dupfd < 0 ? NULL : fdopendir(dupfd);
	if (dir == NULL)
		return -1;
	dupfd = -1;
	while (r == 0 && (errno = 0, e = readdir(dir)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		r = copy_entry(from, to, e->d_name, depth);
	}
	if (r == 0 && errno != 0)
		r = -1;
	closedir(dir);
	return r;
}

int rootfs_tmpcopyup(int fromfd, int tofd, struct sheep_err **err)
{
	_cleanup_close_ int from = openat(fromfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int to = openat(tofd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat st;

	if (from < 0 || to < 0 || copy_tree(from, to, 0) < 0)
		return errno == ELOOP
			   ? sheep_err_set(err, 0, "tmpcopyup: directories nested deeper than %d",
					   COPYUP_MAX_DEPTH)
			   : sheep_err_set(err, errno, "tmpcopyup");
	/* the tmpfs root takes the mode and owner of the directory it covers */
	if (fstat(from, &st) == 0 &&
	    (fchown(to, st.st_uid, st.st_gid) < 0 || fchmod(to, st.st_mode & 07777) < 0))
		return sheep_err_set(err, errno, "tmpcopyup");
	return 0;
}
