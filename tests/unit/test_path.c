/* util/path.c: in-root resolution against a temporary tree full of hostile symlinks, run twice:
 * through openat2 and through the fd-walk fallback. No root needed. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/path.h"

struct tree {
	char root[64];	/* the "container rootfs" */
	char host[128]; /* a directory next to it playing the host */
	int rootfd;
};

static void put(int dirfd, const char *name, const char *text)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* root/etc/passwd = "inside", host/passwd = "host", and links that try to reach the host. */
static int setup(void **state, bool openat2)
{
	struct tree *t = calloc(1, sizeof(*t));
	int hostfd;

	strcpy(t->root, "/tmp/test_path.XXXXXX");
	assert_non_null(mkdtemp(t->root));
	snprintf(t->host, sizeof(t->host), "%s/host", t->root);
	strcat(t->root, "/root");
	assert_int_equal(mkdir(t->root, 0755), 0);
	assert_int_equal(mkdir(t->host, 0755), 0);
	t->rootfd = open(t->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	hostfd = open(t->host, O_PATH | O_DIRECTORY | O_CLOEXEC);
	put(hostfd, "passwd", "host");
	close(hostfd);
	assert_int_equal(mkdirat(t->rootfd, "etc", 0755), 0);
	assert_int_equal(mkdirat(t->rootfd, "host", 0755), 0); /* where "up" lands, in the root */
	put(t->rootfd, "etc/passwd", "inside");
	assert_int_equal(symlinkat(t->host, t->rootfd, "abs"), 0);  /* -> host dir, absolute */
	assert_int_equal(symlinkat("../host", t->rootfd, "up"), 0); /* -> host dir, by ".." */
	assert_int_equal(symlinkat("../../../../../etc", t->rootfd, "dd"), 0); /* deep ".." */
	assert_int_equal(symlinkat("/etc", t->rootfd, "etclink"), 0);
	assert_int_equal(symlinkat("loop2", t->rootfd, "loop1"), 0);
	assert_int_equal(symlinkat("loop1", t->rootfd, "loop2"), 0);
	assert_int_equal(symlinkat("/proc/self/root", t->rootfd, "magic"), 0);
	assert_int_equal(symlinkat("/nowhere/x", t->rootfd, "dangling"), 0);
	put(t->rootfd, "file", "f");
	sheep_path_use_openat2(openat2);
	*state = t;
	return 0;
}

static int setup_openat2(void **state)
{
	return setup(state, true);
}

static int setup_walk(void **state)
{
	return setup(state, false);
}

static int teardown(void **state)
{
	struct tree *t = *state;
	_cleanup_err_ struct sheep_err *err = NULL;
	char top[64];

	close(t->rootfd);
	snprintf(top, sizeof(top), "%.*s", (int)(strrchr(t->root, '/') - t->root), t->root);
	assert_int_equal(sheep_rm_rf_at(AT_FDCWD, top, &err), 0);
	free(t);
	sheep_path_use_openat2(true);
	return 0;
}

/* Reads path in root; returns a static copy of its text or the errno as "E<n>". */
static const char *cat(struct tree *t, const char *path)
{
	static char buf[64];
	_cleanup_err_ struct sheep_err *err = NULL;
	int fd = sheep_path_open_in_root(t->rootfd, path, O_RDONLY, 0, &err);
	ssize_t n;

	if (fd < 0) {
		assert_non_null(err);
		snprintf(buf, sizeof(buf), "E%d", err->errnum);
		return buf;
	}
	assert_null(err);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

static void test_plain_paths(void **state)
{
	struct tree *t = *state;

	assert_string_equal(cat(t, "/etc/passwd"), "inside");
	assert_string_equal(cat(t, "etc/passwd"), "inside");
	assert_string_equal(cat(t, "//etc/./passwd"), "inside");
	assert_string_equal(cat(t, "/etclink/passwd"), "inside");
}

static void test_escapes_stay_inside(void **state)
{
	struct tree *t = *state;

	/* Each of these would reach host/passwd ("host") if resolved naively. */
	assert_string_equal(cat(t, "/../host/passwd"), "E2");
	assert_string_equal(cat(t, "/up/passwd"), "E2");
	assert_string_equal(cat(t, "/abs/passwd"), "E2");
	assert_string_equal(cat(t, "/dd/passwd"), "inside");
	assert_string_equal(cat(t, "../../../../etc/passwd"), "inside");
	assert_string_equal(cat(t, "/etc/../../../etc/passwd"), "inside");
}

static void test_loops_and_magic(void **state)
{
	struct tree *t = *state;
	_cleanup_err_ struct sheep_err *err = NULL;

	assert_string_equal(cat(t, "/loop1"), "E40"); /* ELOOP */
	/* /proc/self/root inside the root is just a missing path (no /proc there). */
	assert_string_equal(cat(t, "/magic/etc/passwd"), "E2");
	assert_int_equal(sheep_path_open_in_root(t->rootfd, "/etc/missing", O_RDONLY, 0, &err), -1);
	assert_string_equal(err->msg, "open '/etc/missing' in root: No such file or directory");
}

static void test_nofollow_final(void **state)
{
	struct tree *t = *state;
	_cleanup_err_ struct sheep_err *err = NULL;
	struct stat st;
	int fd = sheep_path_open_in_root(t->rootfd, "/etclink", O_PATH | O_NOFOLLOW, 0, &err);

	assert_true(fd >= 0);
	assert_int_equal(fstatat(fd, "", &st, AT_EMPTY_PATH), 0);
	assert_true(S_ISLNK(st.st_mode));
	close(fd);
}

static void test_mkdir_in_root(void **state)
{
	struct tree *t = *state;
	_cleanup_err_ struct sheep_err *err = NULL;
	struct stat st;
	char onhost[192];
	int fd;

	/* up -> ../host: the new dirs must appear under root/host, never in the real host dir. */
	fd = sheep_path_mkdir_in_root(t->rootfd, "/up/new/deeper", 0755, &err);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(fstatat(t->rootfd, "host/new/deeper", &st, 0), 0);
	assert_true(S_ISDIR(st.st_mode));
	snprintf(onhost, sizeof(onhost), "%s/new", t->host);
	assert_int_equal(access(onhost, F_OK), -1);
	/* etclink -> /etc: the root's etc */
	fd = sheep_path_mkdir_in_root(t->rootfd, "etclink/sub/", 0755, &err);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(fstatat(t->rootfd, "etc/sub", &st, 0), 0);
	/* existing directories and the root itself are fine */
	fd = sheep_path_mkdir_in_root(t->rootfd, "etc", 0755, &err);
	assert_true(fd >= 0);
	close(fd);
	fd = sheep_path_mkdir_in_root(t->rootfd, "/", 0755, &err);
	assert_true(fd >= 0);
	close(fd);
	assert_null(err);
}

static void test_mkdir_errors(void **state)
{
	struct tree *t = *state;
	_cleanup_err_ struct sheep_err *e1 = NULL, *e2 = NULL, *e3 = NULL;

	assert_int_equal(sheep_path_mkdir_in_root(t->rootfd, "/file/sub", 0755, &e1), -1);
	assert_string_equal(e1->msg, "mkdir '/file/sub' in root: Not a directory");
	assert_int_equal(sheep_path_mkdir_in_root(t->rootfd, "/loop1/x", 0755, &e2), -1);
	assert_string_equal(e2->msg, "mkdir '/loop1/x' in root: Too many levels of symbolic links");
	assert_int_equal(sheep_path_mkdir_in_root(t->rootfd, "/file/a/b", 0755, &e3), -1);
	assert_string_equal(e3->msg, "mkdir '/file/a/b' in root: Not a directory");
}

/* A dangling symlink on the way is followed inside the root and its target made there (runc's
 * behaviour); nothing is made on the host, whatever the link says. */
static void test_mkdir_through_dangling_links(void **state)
{
	struct tree *t = *state;
	_cleanup_err_ struct sheep_err *err = NULL;
	char onhost[192], inroot[256];
	struct stat st;
	int fd;

	fd = sheep_path_mkdir_in_root(t->rootfd, "/dangling/sub", 0700, &err);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(fstatat(t->rootfd, "nowhere/x/sub", &st, 0), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(fstatat(t->rootfd, "nowhere/x", &st, 0), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	/* abs -> the host dir by its absolute path: made at that path inside the root */
	fd = sheep_path_mkdir_in_root(t->rootfd, "/abs/newdir", 0755, &err);
	assert_true(fd >= 0);
	close(fd);
	snprintf(onhost, sizeof(onhost), "%s/newdir", t->host);
	assert_int_equal(access(onhost, F_OK), -1);
	snprintf(inroot, sizeof(inroot), "%s/newdir", t->host + 1);
	assert_int_equal(fstatat(t->rootfd, inroot, &st, 0), 0);
	/* ".." of the made path stays in the root too */
	fd = sheep_path_mkdir_in_root(t->rootfd, "/dd/../../../new2", 0755, &err);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(fstatat(t->rootfd, "new2", &st, 0), 0);
	assert_null(err);
}

static void test_mkfile_in_root(void **state)
{
	struct tree *t = *state;
	_cleanup_err_ struct sheep_err *err = NULL, *e2 = NULL;
	struct stat st;
	char onhost[192];
	int fd;

	fd = sheep_path_mkfile_in_root(t->rootfd, "/up/a/b/newfile", 0644, &err);
	assert_true(fd >= 0);
	assert_int_equal(fstatat(fd, "", &st, AT_EMPTY_PATH), 0);
	assert_true(S_ISREG(st.st_mode));
	close(fd);
	assert_int_equal(fstatat(t->rootfd, "host/a/b/newfile", &st, 0), 0);
	snprintf(onhost, sizeof(onhost), "%s/a", t->host);
	assert_int_equal(access(onhost, F_OK), -1);
	/* existing file: opened, not truncated */
	fd = sheep_path_mkfile_in_root(t->rootfd, "/etc/passwd", 0644, &err);
	assert_true(fd >= 0);
	close(fd);
	assert_string_equal(cat(t, "/etc/passwd"), "inside");
	/* a trailing dangling link: the file is made at its target, inside the root */
	fd = sheep_path_mkfile_in_root(t->rootfd, "/dangling", 0600, &err);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(fstatat(t->rootfd, "nowhere/x", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(sheep_path_mkfile_in_root(t->rootfd, "/loop1", 0644, &e2), -1);
	assert_string_equal(e2->msg, "create '/loop1' in root: Too many levels of symbolic links");
}

static void test_fd_name(void **state)
{
	char buf[SHEEP_FD_PATH_MAX];

	assert_string_equal(sheep_path_fd_name(12345, buf), "/proc/self/fd/12345");
	assert_string_equal(sheep_path_fd_name(INT_MAX, buf), "/proc/self/fd/2147483647");
}

/* Untrusted files are read only when regular: a FIFO (opened O_NONBLOCK) or a device is refused
 * by name, not read or waited on. */
static void test_read_regular(void **state)
{
	char dir[] = "/tmp/test-regular.XXXXXX", path[64];
	struct sheep_err *err = NULL;
	char *buf = NULL;
	size_t len = 0;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/f", dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	assert_int_equal(write(fd, "abc", 3), 3);
	lseek(fd, 0, SEEK_SET);
	assert_int_equal(sheep_read_regular_fd(fd, "f", 16, &buf, &len, &err), 0);
	assert_int_equal(len, 3);
	assert_string_equal(buf, "abc");
	free(buf);
	lseek(fd, 0, SEEK_SET);
	assert_int_equal(sheep_read_regular_fd(fd, "f", 2, &buf, &len, &err), -1);
	assert_non_null(strstr(err->msg, "'f': "));
	sheep_err_freep(&err);
	close(fd);
	unlink(path);
	assert_int_equal(mkfifo(path, 0600), 0);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	assert_int_equal(sheep_read_regular_fd(fd, "f", 16, &buf, &len, &err), -1);
	assert_string_equal(err->msg, "'f' is not a regular file");
	sheep_err_freep(&err);
	close(fd);
	fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	assert_int_equal(sheep_read_regular_fd(fd, "/dev/zero", 16, &buf, &len, &err), -1);
	assert_string_equal(err->msg, "'/dev/zero' is not a regular file");
	sheep_err_freep(&err);
	close(fd);
	unlink(path);
	rmdir(dir);
}

static void assert_file(int dirfd, const char *name, const char *want)
{
	char buf[64] = {0};
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(read(fd, buf, sizeof(buf) - 1), (ssize_t)strlen(want));
	assert_string_equal(buf, want);
	close(fd);
}

static int count_entries(int dirfd)
{
	int n = 0, fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fdopendir(fd);
	struct dirent *e;

	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

/* The atomic write creates, then replaces by exchange (no rename over the old file, see fs.c),
 * leaves no temporary file behind, replaces a symlink itself (never its target) and refuses to
 * swap out a directory, which stays where it was. */
static void test_write_atomic(void **state)
{
	char dir[] = "/tmp/test-atomic.XXXXXX";
	struct sheep_err *err = NULL;
	struct stat st;
	int dirfd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_int_equal(sheep_write_file_atomic_at(dirfd, "f", "one", 3, 0600, &err), 0);
	assert_file(dirfd, "f", "one");
	assert_int_equal(sheep_write_file_atomic_at(dirfd, "f", "second", 6, 0600, &err), 0);
	assert_file(dirfd, "f", "second");
	assert_int_equal(count_entries(dirfd), 1);

	put(dirfd, "target", "kept");
	assert_int_equal(symlinkat("target", dirfd, "link"), 0);
	assert_int_equal(sheep_write_file_atomic_at(dirfd, "link", "new", 3, 0600, &err), 0);
	assert_int_equal(fstatat(dirfd, "link", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_file(dirfd, "link", "new");
	assert_file(dirfd, "target", "kept");

	assert_int_equal(mkdirat(dirfd, "d", 0755), 0);
	put(dirfd, "d/inner", "x");
	assert_int_equal(sheep_write_file_atomic_at(dirfd, "d", "no", 2, 0600, &err), -1);
	assert_int_equal(err->errnum, EISDIR);
	sheep_err_freep(&err);
	assert_file(dirfd, "d/inner", "x");
	assert_int_equal(count_entries(dirfd), 4); /* f, target, link, d: no temporary left */

	close(dirfd);
	assert_int_equal(sheep_rm_rf_at(AT_FDCWD, dir, &err), 0);
}

/* An image can nest directories deeper than a recursive walk could hold open (RLIMIT_NOFILE) or
 * keep on the stack: the removal walks with a few fds, and a symlink to the host is only unlinked. */
static void test_rm_rf_deep(void **state)
{
	struct tree *t = *state;
	_cleanup_err_ struct sheep_err *err = NULL;
	struct rlimit old, low = {.rlim_cur = 32};
	char onhost[192];
	int fd = -1, next;

	assert_int_equal(mkdirat(t->rootfd, "deep", 0755), 0);
	fd = openat(t->rootfd, "deep", O_PATH | O_DIRECTORY | O_CLOEXEC);
	for (int i = 0; i < 1500 && fd >= 0; i++) {
		put(fd, "f", "x");
		assert_int_equal(symlinkat(t->host, fd, "host"), 0);
		assert_int_equal(mkdirat(fd, "a", 0755), 0);
		next = openat(fd, "a", O_PATH | O_DIRECTORY | O_CLOEXEC);
		close(fd);
		fd = next;
	}
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	low.rlim_max = old.rlim_max;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	assert_int_equal(sheep_rm_rf_at(t->rootfd, "deep", &err), 0);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
	assert_int_equal(faccessat(t->rootfd, "deep", F_OK, AT_SYMLINK_NOFOLLOW), -1);
	snprintf(onhost, sizeof(onhost), "%s/passwd", t->host);
	assert_int_equal(access(onhost, F_OK), 0);
	/* missing is fine; a symlink to a directory is removed itself */
	assert_int_equal(sheep_rm_rf_at(t->rootfd, "deep", &err), 0);
	assert_int_equal(sheep_rm_rf_at(t->rootfd, "abs", &err), 0);
	assert_int_equal(access(onhost, F_OK), 0);
}

/* A file that cannot be removed (immutable: needs CAP_LINUX_IMMUTABLE and a file system with
 * the flag) fails the removal naming it, below the top it was asked for. */
static void test_rm_rf_error(void **state)
{
	struct tree *t = *state;
	_cleanup_err_ struct sheep_err *err = NULL;
	int flags = FS_IMMUTABLE_FL, fd;

	assert_int_equal(mkdirat(t->rootfd, "keep", 0755), 0);
	assert_int_equal(mkdirat(t->rootfd, "keep/sub", 0755), 0);
	fd = openat(t->rootfd, "keep/sub", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	put(fd, "stuck", "x");
	close(fd);
	fd = openat(t->rootfd, "keep/sub/stuck", O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	if (ioctl(fd, FS_IOC_SETFLAGS, &flags) < 0) {
		close(fd);
		skip();
	}
	assert_int_equal(sheep_rm_rf_at(t->rootfd, "keep", &err), -1);
	assert_string_equal(err->msg, "'keep': unlink 'stuck': Operation not permitted");
	flags = 0;
	assert_int_equal(ioctl(fd, FS_IOC_SETFLAGS, &flags), 0);
	close(fd);
}

#define BOTH(fn)                                                                                   \
	cmocka_unit_test_setup_teardown(fn, setup_openat2, teardown),                              \
	    cmocka_unit_test_setup_teardown(fn, setup_walk, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    BOTH(test_plain_paths),
	    BOTH(test_escapes_stay_inside),
	    BOTH(test_loops_and_magic),
	    BOTH(test_nofollow_final),
	    BOTH(test_mkdir_in_root),
	    BOTH(test_mkdir_errors),
	    BOTH(test_mkdir_through_dangling_links),
	    BOTH(test_mkfile_in_root),
	    cmocka_unit_test(test_fd_name),
	    BOTH(test_rm_rf_deep),
	    BOTH(test_rm_rf_error),
	    cmocka_unit_test(test_read_regular),
	    cmocka_unit_test(test_write_atomic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
