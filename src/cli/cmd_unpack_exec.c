/* `sheep-oci unpack` runs the separate program sheep-oci-unpack. Unpacking needs libarchive and
 * libcrypto (and, through libxml2, ICU and libstdc++): linking them into sheep-oci would load them
 * on every create and run, which is the path container managers call thousands of times. */
#include <errno.h>
#include <limits.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/verbs.h"

#define UNPACK_PROGRAM "sheep-oci-unpack"

/* Next to this binary first (a build tree), then the installed libexec directory. */
static int find_helper(char *buf, size_t size)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n > 0) {
		self[n] = '\0';
		snprintf(buf, size, "%s/%s", dirname(self), UNPACK_PROGRAM);
		if (access(buf, X_OK) == 0)
			return 0;
	}
	snprintf(buf, size, "%s/%s", SHEEP_LIBEXECDIR, UNPACK_PROGRAM);
	return access(buf, X_OK);
}

int cmd_unpack_exec(struct cli_globals *g, int argc, char **argv)
{
	char path[PATH_MAX];
	struct sheep_err *err = NULL;

	if (find_helper(path, sizeof(path)) < 0) {
		sheep_err_set(&err, errno, "find '%s'", path);
		return cli_fail(g, "unpack", err);
	}
	g->argv[0] = path;
	execv(path, g->argv);
	sheep_err_set(&err, errno, "execute '%s'", path);
	return cli_fail(g, "unpack", err);
}
