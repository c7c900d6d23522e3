/* The layer applier: entries, metadata, whiteouts, and hostile layers that aim outside the root. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <time.h>

#include <cmocka.h>

#include "unpack/digest.h"
#include "unpack/layer.h"
#include "unpack/resolve.h"
#include "unpack_fixture.h"

static const struct unpack_layer_opts root_opts = {.rootless = false};

static int setup(void **state)
{
	struct fx_dir *d = calloc(1, sizeof(*d));

	fx_dir_setup(d);
	*state = d;
	return 0;
}

static int teardown(void **state)
{
	fx_dir_teardown(*state);
	free(*state);
	return 0;
}

/* Applies a layer; returns the error message (malloc'd) or NULL on success. */
static char *apply(struct fx_dir *d, const struct fx_entry *ents, size_t n)
{
	struct sheep_err *err = NULL;
	int fd = fx_tar(ents, n, ARCHIVE_FILTER_NONE);
	char *msg = NULL;

	if (unpack_layer_apply_fd(d->rootfd, fd, &root_opts, &err) < 0) {
		assert_non_null(err);
		msg = strdup(err->msg);
		sheep_err_free(err);
	} else {
		assert_null(err);
	}
	close(fd);
	return msg;
}

#define APPLY_OK(d, ents) assert_null(apply(d, ents, ARRAY_SIZE(ents)))
#define APPLY_FAILS(d, ents, expected)                                                             \
	do {                                                                                       \
		char *_m = apply(d, ents, ARRAY_SIZE(ents));                                       \
		assert_non_null(_m);                                                               \
		assert_string_equal(_m, expected);                                                 \
		free(_m);                                                                          \
	} while (0)
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

static int exists(struct fx_dir *d, const char *path)
{
	struct stat st;

	return fstatat(d->rootfd, path, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static void read_in_root(struct fx_dir *d, const char *path, char *buf, size_t len)
{
	int fd = openat(d->rootfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, len - 1);
	assert_true(n >= 0);
	buf[n] = '\0';
	close(fd);
}

static void test_clean_path(void **state)
{
	struct sheep_err *err = NULL;
	char *p = NULL;

	assert_int_equal(unpack_clean_path("./a//b/./c/", &p, &err), 0);
	assert_string_equal(p, "a/b/c");
	free(p);
	assert_int_equal(unpack_clean_path("/abs/x", &p, &err), 0);
	assert_string_equal(p, "abs/x");
	free(p);
	assert_int_equal(unpack_clean_path("./", &p, &err), 0);
	assert_string_equal(p, "");
	free(p);
	assert_int_equal(unpack_clean_path("a/..b/c..", &p, &err), 0);
	assert_string_equal(p, "a/..b/c..");
	free(p);
	assert_int_equal(unpack_clean_path("a/../../b", &p, &err), -1);
	assert_string_equal(err->msg, "path escapes the root");
	sheep_err_free(err);
}

static void test_regular_tree(void **state)
{
	struct fx_dir *d = *state;
	const struct fx_entry ents[] = {
	    {.path = "./etc/", .type = AE_IFDIR, .perm = 0750, .mtime = 1600000000},
	    {.path = "./etc/hello", .data = "hello world\n", .perm = 04755, .mtime = 1500000000},
	    {.path = "./etc/link", .type = AE_IFLNK, .link = "/etc/hello"},
	    {.path = "./etc/hard", .hardlink = "./etc/hello"},
	    {.path = "./deep/er/file", .data = "x"},
	    {.path = "./fifo", .type = AE_IFIFO, .perm = 0600},
	};
	char buf[64], target[64];
	struct stat st, st2;

	APPLY_OK(d, ents);
	read_in_root(d, "etc/hello", buf, sizeof(buf));
	assert_string_equal(buf, "hello world\n");
	assert_int_equal(fstatat(d->rootfd, "etc/hello", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_int_equal(st.st_mode & 07777, 04755);
	assert_int_equal(st.st_mtime, 1500000000);
	assert_int_equal(st.st_nlink, 2);
	assert_int_equal(fstatat(d->rootfd, "etc/hard", &st2, AT_SYMLINK_NOFOLLOW), 0);
	assert_int_equal(st.st_ino, st2.st_ino);
	assert_int_equal(fstatat(d->rootfd, "etc", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_int_equal(st.st_mode & 07777, 0750);
	assert_int_equal(st.st_mtime, 1600000000); /* set after its children were written */
	assert_int_equal(readlinkat(d->rootfd, "etc/link", target, sizeof(target)), 10);
	assert_memory_equal(target, "/etc/hello", 10);
	assert_int_equal(fstatat(d->rootfd, "fifo", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_true(exists(d, "deep/er/file"));
}

static void test_owner_device_xattr(void **state)
{
	struct fx_dir *d = *state;
	const struct fx_entry ents[] = {
	    {.path = "owned", .data = "x", .uid = 1234, .gid = 5678, .perm = 02755},
	    {.path = "null", .type = AE_IFCHR, .rdev = makedev(1, 3), .perm = 0666},
	    {.path = "attr", .data = "x", .xattr = "user.sheep=baa"},
	    {.path = "cap", .data = "x", .uid = 7, .xattr = "trusted.sheep=t"},
	};
	char val[16] = {0};
	struct stat st;

	if (geteuid() != 0)
		skip(); /* chown, mknod and trusted.* need root */
	APPLY_OK(d, ents);
	assert_int_equal(fstatat(d->rootfd, "owned", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_int_equal(st.st_uid, 1234);
	assert_int_equal(st.st_gid, 5678);
	assert_int_equal(st.st_mode & 07777, 02755); /* mode after chown keeps setgid */
	assert_int_equal(fstatat(d->rootfd, "null", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISCHR(st.st_mode));
	assert_int_equal(st.st_rdev, makedev(1, 3));
	assert_int_equal(st.st_mode & 07777, 0666);
	assert_int_equal(getxattr(d->path, "user.none", val, sizeof(val)), -1);
	char p[128];
	snprintf(p, sizeof(p), "%s/root/attr", d->path);
	assert_int_equal(getxattr(p, "user.sheep", val, sizeof(val)), 3);
	assert_string_equal(val, "baa");
	snprintf(p, sizeof(p), "%s/root/cap", d->path);
	assert_int_equal(getxattr(p, "trusted.sheep", val, sizeof(val)), 1);
}

static void test_replace(void **state)
{
	struct fx_dir *d = *state;
	const struct fx_entry l1[] = {
	    {.path = "a", .type = AE_IFDIR},
	    {.path = "a/old", .data = "old"},
	    {.path = "f", .data = "first"},
	};
	const struct fx_entry l2[] = {
	    {.path = "a", .data = "now a file"}, /* a file over a directory */
	    {.path = "f", .type = AE_IFLNK, .link = "a"},
	};
	char buf[32];

	APPLY_OK(d, l1);
	APPLY_OK(d, l2);
	read_in_root(d, "a", buf, sizeof(buf));
	assert_string_equal(buf, "now a file");
	assert_int_equal(readlinkat(d->rootfd, "f", buf, sizeof(buf)), 1);
}

static void test_whiteouts(void **state)
{
	struct fx_dir *d = *state;
	const struct fx_entry l1[] = {
	    {.path = "a/x", .data = "x"},    {.path = "a/y", .data = "y"},
	    {.path = "o/old", .data = "o"},  {.path = "o/sub/old", .data = "o"},
	    {.path = "gone/z", .data = "z"},
	};
	const struct fx_entry l2[] = {
	    {.path = "a/.wh.x"},	{.path = "o/new", .data = "n"},
	    {.path = "o/.wh..wh..opq"}, {.path = "gone/.wh..wh..opq"},
	    {.path = ".wh.gone"},	{.path = "same", .data = "s"},
	    {.path = ".wh.same"}, /* only hides lower layers */
	    {.path = ".wh.missing"},	{.path = "nodir/.wh.x"},
	    {.path = ".wh..wh.plnk"},
	};

	APPLY_OK(d, l1);
	APPLY_OK(d, l2);
	assert_false(exists(d, "a/x"));
	assert_true(exists(d, "a/y"));
	assert_false(exists(d, "o/old"));
	assert_false(exists(d, "o/sub"));
	assert_true(exists(d, "o/new"));
	assert_false(exists(d, "gone"));
	assert_true(exists(d, "same"));
	assert_false(exists(d, ".wh.missing"));
	assert_false(exists(d, "nodir"));
}

static void test_hostile_dotdot(void **state)
{
	struct fx_dir *d = *state;
	const struct fx_entry ents[] = {{.path = "../outside/secret", .data = "pwned"}};
	const struct fx_entry link[] = {{.path = "x", .hardlink = "../outside/secret"}};
	const struct fx_entry wh[] = {{.path = "a/.wh.."}};
	const struct fx_entry wh2[] = {{.path = ".wh..."}};

	APPLY_FAILS(d, ents, "entry '../outside/secret': path escapes the root");
	APPLY_FAILS(d, link, "hard link 'x' to '../outside/secret': path escapes the root");
	APPLY_FAILS(d, wh, "whiteout 'a/.wh..': invalid name");
	APPLY_FAILS(d, wh2, "whiteout '.wh...': invalid name");
	assert_true(fx_outside_intact(d));
}

static void test_hostile_absolute(void **state)
{
	struct fx_dir *d = *state;
	char abs[128];
	struct fx_entry ents[] = {{.path = abs, .data = "pwned"}};

	snprintf(abs, sizeof(abs), "%s/outside/secret", d->path);
	APPLY_OK(d, ents);
	assert_true(fx_outside_intact(d));
	assert_true(exists(d, abs + 1)); /* landed inside the root */
}

/* A symlink planted by one layer, written through by the next. */
static void test_hostile_symlink_planted(void **state)
{
	struct fx_dir *d = *state;
	char outside[128];
	struct fx_entry l1[] = {
	    {.path = "evil", .type = AE_IFLNK, .link = outside},
	    {.path = "up", .type = AE_IFLNK, .link = "../../../../../../.."},
	    {.path = "evilfile", .type = AE_IFLNK, .link = NULL},
	};
	const struct fx_entry l2[] = {{.path = "evil/pwned", .data = "pwned"}};
	const struct fx_entry l3[] = {
	    {.path = "up/tmp/pwned", .data = "inside"},
	    {.path = "evilfile", .data = "replaces the link"},
	    {.path = "evil/.wh.secret"},
	    {.path = "h", .hardlink = "evil/secret"},
	};
	char buf[32];

	snprintf(outside, sizeof(outside), "%s/outside", d->path);
	l1[2].link = outside;
	APPLY_OK(d, l1);
	{
		char expected[256];
		snprintf(expected, sizeof(expected),
			 "entry 'evil/pwned': open directory 'evil': No such file or directory");
		APPLY_FAILS(d, l2, expected);
	}
	l1[2].link = NULL;
	const struct fx_entry l3a[] = {l3[0], l3[1], l3[2]};
	APPLY_OK(d, l3a);
	read_in_root(d, "tmp/pwned", buf, sizeof(buf));
	assert_string_equal(buf, "inside");
	read_in_root(d, "evilfile", buf, sizeof(buf));
	assert_string_equal(buf, "replaces the link");
	const struct fx_entry l4[] = {l3[3]};
	APPLY_FAILS(d, l4, "hard link 'h': open 'evil': No such file or directory");
	assert_true(fx_outside_intact(d));
}

static void test_hardlink_to_symlink(void **state)
{
	struct fx_dir *d = *state;
	char outside[128];
	struct fx_entry ents[] = {
	    {.path = "s", .type = AE_IFLNK, .link = outside},
	    {.path = "h", .hardlink = "s"},
	};
	struct stat st;

	snprintf(outside, sizeof(outside), "%s/outside/secret", d->path);
	APPLY_OK(d, ents);
	/* linkat without AT_SYMLINK_FOLLOW links the symlink itself, never its target */
	assert_int_equal(fstatat(d->rootfd, "h", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_true(fx_outside_intact(d));
}

static void test_truncated(void **state)
{
	struct fx_dir *d = *state;
	char big[4096];
	struct fx_entry ents[] = {{.path = "big", .data = big}};
	struct sheep_err *err = NULL;
	int fd;
	struct stat st;

	memset(big, 'b', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	fd = fx_tar(ents, 1, ARCHIVE_FILTER_NONE);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(ftruncate(fd, 2048), 0);
	assert_int_equal(unpack_layer_apply_fd(d->rootfd, fd, &root_opts, &err), -1);
	assert_string_equal(err->msg, "read data of 'big': Truncated tar archive");
	sheep_err_free(err);
	close(fd);
}

static void test_compressed(void **state)
{
	struct fx_dir *d = *state;
	const struct fx_entry ents[] = {{.path = "z", .data = "zstd"}};
	const int filters[] = {ARCHIVE_FILTER_GZIP, ARCHIVE_FILTER_ZSTD, ARCHIVE_FILTER_XZ};
	struct sheep_err *err = NULL;
	char buf[16];

	for (size_t i = 0; i < ARRAY_SIZE(filters); i++) {
		int fd = fx_tar(ents, 1, filters[i]);
		assert_int_equal(unpack_layer_apply_fd(d->rootfd, fd, &root_opts, &err), 0);
		close(fd);
		read_in_root(d, "z", buf, sizeof(buf));
		assert_string_equal(buf, "zstd");
	}
}

/* A rootless unpack leaves device nodes out (no CAP_MKNOD), and hard links to them with them;
 * a hard link to anything else that is missing still fails. No root needed. */
static void test_rootless_device_links(void **state)
{
	struct fx_dir *d = *state;
	static const struct unpack_layer_opts rootless = {.rootless = true};
	const struct fx_entry ents[] = {
	    {.path = "dev/sda", .type = AE_IFBLK, .rdev = makedev(8, 0)},
	    {.path = "dev/disk", .hardlink = "dev/sda"},
	    {.path = "f", .data = "x"},
	    {.path = "g", .hardlink = "f"},
	};
	const struct fx_entry dangling[] = {{.path = "h", .hardlink = "nowhere"}};
	struct sheep_err *err = NULL;
	struct stat st;
	int fd = fx_tar(ents, ARRAY_SIZE(ents), ARCHIVE_FILTER_NONE);

	assert_int_equal(unpack_layer_apply_fd(d->rootfd, fd, &rootless, &err), 0);
	close(fd);
	assert_int_equal(fstatat(d->rootfd, "dev/sda", &st, AT_SYMLINK_NOFOLLOW), -1);
	assert_int_equal(fstatat(d->rootfd, "dev/disk", &st, AT_SYMLINK_NOFOLLOW), -1);
	assert_int_equal(fstatat(d->rootfd, "g", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_int_equal(st.st_nlink, 2);
	fd = fx_tar(dangling, ARRAY_SIZE(dangling), ARCHIVE_FILTER_NONE);
	assert_int_equal(unpack_layer_apply_fd(d->rootfd, fd, &rootless, &err), -1);
	close(fd);
	assert_string_equal(err->msg, "hard link 'h' to 'nowhere': No such file or directory");
	sheep_err_free(err);
}

/* A cancel set before the first entry: nothing is created. */
static void test_cancel_before(void **state)
{
	static const struct fx_entry ents[] = {{.path = "a", .data = "x"}};
	static volatile sig_atomic_t cancel = SIGINT;
	const struct unpack_layer_opts opts = {.cancel = &cancel};
	struct fx_dir *d = *state;
	struct sheep_err *err = NULL;
	int fd = fx_tar(ents, 1, ARCHIVE_FILTER_NONE);

	assert_int_equal(unpack_layer_apply_fd(d->rootfd, fd, &opts, &err), -1);
	assert_string_equal(err->msg, "interrupted (SIGINT)");
	sheep_err_free(err);
	err = NULL;
	close(fd);
	assert_false(exists(d, "a"));
	cancel = 0;
	assert_int_equal(unpack_cancelled(&opts, NULL), 0);
	cancel = 64; /* a real-time signal has no abbreviation */
	assert_int_equal(unpack_cancelled(&opts, &err), -1);
	assert_string_equal(err->msg, "interrupted (signal 64)");
	sheep_err_free(err);
}

#define BIG_FILE (1024ull * 1024 * 1024)

/* Feeds a 1 GiB entry into a pipe and sets the cancel after `before` bytes. Then it goes on
 * writing, or, when `stall`, it lets the reader block in read(2) on the empty pipe first and
 * sends it SIGUSR1 until it is done (for at most 3 s: a read that EINTR does not end is then
 * ended by the rest of the entry, and the test fails on the time it took instead of hanging). */
struct feeder {
	int fd;
	size_t before;
	bool stall;
	pthread_t reader;
	volatile sig_atomic_t cancel;
	volatile int done;
	struct timespec set_at;
};

static void on_usr1(int sig)
{
	(void)sig;
}

static struct archive *feed_header(int fd)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();

	archive_write_set_format_pax_restricted(a);
	archive_write_open_fd(a, fd);
	archive_entry_set_pathname(e, "big");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)BIG_FILE);
	archive_write_header(a, e);
	archive_entry_free(e);
	return a;
}

static void *feed(void *data)
{
	static char buf[64 * 1024];
	struct feeder *f = data;
	struct archive *a = feed_header(f->fd);
	size_t sent = 0;
	int kicks = 0;

	while (sent < BIG_FILE && !f->done) {
		if (sent >= f->before && f->cancel == 0) {
			if (f->stall)
				usleep(50000);
			clock_gettime(CLOCK_MONOTONIC, &f->set_at);
			f->cancel = SIGTERM;
		}
		if (f->cancel != 0 && f->stall && kicks++ < 300) {
			pthread_kill(f->reader, SIGUSR1);
			usleep(10000);
			continue;
		}
		if (archive_write_data(a, buf, sizeof(buf)) < 0)
			break; /* EPIPE: the reader stopped and closed its end */
		sent += sizeof(buf);
	}
	archive_write_free(a);
	close(f->fd);
	return NULL;
}

/* It stops within a data block, not at the end of the 1 GiB file: data still coming (the check
 * between blocks, through libarchive's own fd reader), or a read(2) blocked on the empty pipe
 * (EINTR, through the hashing reader the unpack uses for layers). */
static void cancel_during(struct fx_dir *d, bool stall)
{
	struct feeder f = {.before = 8u << 20, .stall = stall, .reader = pthread_self()};
	const struct unpack_layer_opts lopts = {.cancel = &f.cancel};
	const struct sheep_unpack_opts opts = {.cancel = &f.cancel};
	const struct unpack_blob_want want = {.size = -1};
	struct sheep_unpack_progress prog = {0};
	struct sigaction sa = {.sa_handler = on_usr1}; /* no SA_RESTART */
	struct sheep_err *err = NULL;
	struct timespec end;
	struct stat st;
	pthread_t t;
	int p[2];

	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGUSR1, &sa, NULL);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	f.fd = p[1];
	assert_int_equal(pthread_create(&t, NULL, feed, &f), 0);
	if (stall) /* takes p[0] over and closes it */
		assert_int_equal(unpack_blob_apply_fd(p[0], "pipe", &want, d->rootfd, &lopts, &opts,
						      &prog, &err),
				 -1);
	else
		assert_int_equal(unpack_layer_apply_fd(d->rootfd, p[0], &lopts, &err), -1);
	clock_gettime(CLOCK_MONOTONIC, &end);
	if (!stall)
		close(p[0]);
	f.done = 1;
	pthread_join(t, NULL);
	assert_string_equal(err->msg, "interrupted (SIGTERM)");
	sheep_err_free(err);
	/* ~100 ms: the brief's bound, here with room for a loaded machine */
	assert_true((end.tv_sec - f.set_at.tv_sec) * 1000 +
			(end.tv_nsec - f.set_at.tv_nsec) / 1000000 <
		    100);
	assert_int_equal(fstatat(d->rootfd, "big", &st, 0), 0);
	assert_true((uint64_t)st.st_size < BIG_FILE / 4);
}

static void test_cancel_in_copy(void **state)
{
	cancel_during(*state, false);
}

static void test_cancel_blocked_read(void **state)
{
	cancel_during(*state, true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_clean_path),
	    cmocka_unit_test_setup_teardown(test_regular_tree, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_owner_device_xattr, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_replace, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_whiteouts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hostile_dotdot, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hostile_absolute, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hostile_symlink_planted, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hardlink_to_symlink, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_truncated, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_compressed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rootless_device_links, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cancel_before, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cancel_in_copy, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cancel_blocked_read, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
