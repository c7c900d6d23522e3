/* Reading and writing single cgroup control files. Every failure names the file and the value, so
 * a rejected limit reads as "write 'memory.limit_in_bytes' = '1048576': Device or resource busy". */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cgroup/internal.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* Control files are a few bytes; cgroup.procs of a big container is the largest we read. */
#define CG_READ_MAX (16u * 1024u * 1024u)

int cg_write(const char *dir, const char *file, const char *value, struct sheep_err **err)
{
	_cleanup_close_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int fd = -1;

	if (dfd < 0)
		return sheep_err_set(err, errno, "write '%s' = '%s': open '%s'", file, value, dir);
	/* O_TRUNC is a no-op on cgroupfs but keeps a fake hierarchy (plain files) exact. */
	fd = openat(dfd, file, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || sheep_write_all(fd, value, strlen(value)) < 0)
		return sheep_err_set(err, errno, "write '%s' = '%s'", file, value);
	return 0;
}

int cg_writef(const char *dir, const char *file, struct sheep_err **err, const char *fmt, ...)
{
	_cleanup_free_ char *value = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&value, fmt, ap);
	va_end(ap);
	if (r < 0) {
		value = NULL;
		return sheep_err_set(err, ENOMEM, "write '%s'", file);
	}
	return cg_write(dir, file, value, err);
}

int cg_read(const char *dir, const char *file, char **ret, struct sheep_err **err)
{
	_cleanup_close_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	char *buf = NULL;
	size_t len = 0;

	if (dfd < 0)
		return sheep_err_set(err, errno, "open '%s'", dir);
	if (sheep_read_file_at(dfd, file, CG_READ_MAX, &buf, &len, err) < 0)
		return -1;
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		buf[--len] = '\0';
	*ret = buf;
	return 0;
}

bool cg_file_exists(const char *dir, const char *file)
{
	_cleanup_free_ char *p = NULL;

	if (asprintf(&p, "%s/%s", dir, file) < 0)
		return false;
	return access(p, F_OK) == 0;
}
