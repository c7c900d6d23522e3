/* Helpers shared by the lifecycle-core unit tests (test_err, test_state, test_namespaces,
 * test_process, test_sync, test_hooks, test_signal): exact error checks and temporary trees. */
#ifndef SHEEP_TEST_CORE_H
#define SHEEP_TEST_CORE_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/err.h"
#include "util/fs.h"

/* The error is set with exactly this errno and text; it is freed and *e reset afterwards. */
#define assert_err(e, num, text)                                                                   \
	do {                                                                                       \
		assert_non_null(e);                                                                \
		assert_string_equal((e)->msg, (text));                                             \
		assert_int_equal((e)->errnum, (num));                                              \
		sheep_err_freep(&(e));                                                             \
	} while (0)

/* A fresh directory under /tmp; the caller owns the buffer (at least 64 bytes). */
static inline void test_mkdtemp(char *buf, const char *name)
{
	snprintf(buf, 64, "/tmp/%s.XXXXXX", name);
	if (mkdtemp(buf) == NULL) {
		perror("mkdtemp");
		abort();
	}
}

static inline void test_rmtree(const char *path)
{
	struct sheep_err *e = NULL;

	if (sheep_rm_rf_at(AT_FDCWD, path, &e) < 0) {
		fprintf(stderr, "remove '%s': %s\n", path, e->msg);
		sheep_err_free(e);
	}
}

/* Writes text to dir/name with mode, returning the full path (malloc'd). */
static inline char *test_put(const char *dir, const char *name, const char *text, mode_t mode)
{
	char *path = NULL;
	int fd;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		abort();
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0 || sheep_write_all(fd, text, strlen(text)) < 0 || fchmod(fd, mode) < 0) {
		perror(path);
		abort();
	}
	close(fd);
	return path;
}

/* Number of open fds of this process: a leak check around a call. */
static inline int test_count_fds(void)
{
	char path[64];
	int n = 0;

	for (int fd = 0; fd < 1024; fd++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n += faccessat(AT_FDCWD, path, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
	}
	return n;
}

#endif
