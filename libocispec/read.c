/* libocispec/read.c: reading a whole document from a file or fd with a hard size limit, so a
 * hostile 100 MiB config.json costs one fstat (or one bounded read from a pipe), never a slurp.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ocispec.h"
#include "json.h"

static char *too_large(const char *name, unsigned long long n, bool exact)
{
	return oci_strdup_printf("%s: file too large (%s%llu bytes, limit %u)", name,
				 exact ? "" : "more than ", n, OCI_MAX_INPUT_SIZE);
}

/* Reads at most OCI_MAX_INPUT_SIZE + 1 bytes: a 100 MiB file costs one bounded read. */
int oci_json_read_fd(int fd, const char *name, char **ret_data, size_t *ret_len, char **ret_error)
{
	const size_t limit = OCI_MAX_INPUT_SIZE;
	struct stat st;
	size_t used = 0, cap = 0;
	char *buf = NULL;

	*ret_error = NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		off_t pos = lseek(fd, 0, SEEK_CUR);
		if (pos >= 0 && st.st_size - pos > (off_t)limit) {
			*ret_error = too_large(name, (unsigned long long)(st.st_size - pos), true);
			return -1;
		}
	}
	for (;;) {
		ssize_t n;
		if (used + 1 >= cap) {
			size_t ncap = cap ? cap * 2 : 16384;
			char *nbuf;
			if (ncap > limit + 2)
				ncap = limit + 2;
			nbuf = realloc(buf, ncap);
			if (nbuf == NULL) {
				free(buf);
				*ret_error = oci_strdup_printf("%s: out of memory", name);
				return -1;
			}
			buf = nbuf;
			cap = ncap;
		}
		n = read(fd, buf + used, cap - 1 - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*ret_error = oci_strdup_printf("%s: read: %s", name, strerror(errno));
			free(buf);
			return -1;
		}
		if (n == 0)
			break;
		used += (size_t)n;
		if (used > limit) {
			free(buf);
			*ret_error = too_large(name, limit, false);
			return -1;
		}
	}
	buf[used] = '\0';
	*ret_data = buf;
	*ret_len = used;
	return 0;
}

int oci_json_read_file(const char *path, const char *name, char **ret_data, size_t *ret_len,
		       char **ret_error)
{
	/* O_NONBLOCK: opening a FIFO nobody writes to must not hang (it then reads as empty);
	 * reads themselves block as usual once it is cleared. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	int r, flags;

	*ret_error = NULL;
	if (fd < 0) {
		*ret_error = oci_strdup_printf("%s: open '%s': %s", name, path, strerror(errno));
		return -1;
	}
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
		*ret_error = oci_strdup_printf("%s: fcntl '%s': %s", name, path, strerror(errno));
		close(fd);
		return -1;
	}
	r = oci_json_read_fd(fd, name, ret_data, ret_len, ret_error);
	close(fd);
	return r;
}
