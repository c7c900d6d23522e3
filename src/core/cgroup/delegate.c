/* Cgroup ownership (runtime-spec config-linux.md): a container on a pure cgroup v2 layout that has
 * a cgroup namespace of its own and /sys/fs/cgroup mounted read-write may manage its own cgroup
 * tree. Its cgroup directory, and of its files only those the kernel lists as safe to delegate,
 * are handed to the host uid of the container's process user; never on v1 (delegation is not
 * safe there), never a cgroup the runtime joined instead of making. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cgroup/internal.h"
#include "util/cleanup.h"
#include "util/fs.h"

#define DELEGATE_LIST "/sys/kernel/cgroup/delegate"

/* Without the kernel's list (before Linux 5.x): the spec's fallback. */
static const char fallback_list[] = "cgroup.procs\ncgroup.subtree_control\ncgroup.threads\n";

static int chown_listed(int dirfd, const char *dir, char *list, uid_t uid, struct sheep_err **err)
{
	for (char *save = NULL, *name = strtok_r(list, "\n", &save); name != NULL;
	     name = strtok_r(NULL, "\n", &save)) {
		/* a name of this directory only; a file this cgroup lacks is skipped (spec) */
		if (strchr(name, '/') != NULL || name[0] == '.')
			continue;
		if (fchownat(dirfd, name, uid, (gid_t)-1, AT_SYMLINK_NOFOLLOW) < 0 &&
		    errno != ENOENT)
			return sheep_err_set(err, errno, "chown '%s/%s'", dir, name);
	}
	return 0;
}

int cg_delegate_in(const struct sheep_cgroup *cg, const char *delegate_list, uid_t uid,
		   struct sheep_err **err)
{
	_cleanup_free_ char *dir = NULL, *list = NULL;
	_cleanup_close_ int dirfd = -1;

	if (cg->len != 1 || !cg->h[0].v2 || cg->h[0].created == 0)
		return 0;
	dir = cg_hier_dir(&cg->h[0]);
	if (dir == NULL)
		return sheep_err_set(err, ENOMEM, "delegate cgroup");
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return sheep_err_set(err, errno, "open '%s'", dir);
	if (fchown(dirfd, uid, (gid_t)-1) < 0)
		return sheep_err_set(err, errno, "chown '%s'", dir);
	if (sheep_read_file_at(AT_FDCWD, delegate_list, 64 * 1024, &list, NULL, NULL) < 0) {
		list = strdup(fallback_list);
		if (list == NULL)
			return sheep_err_set(err, ENOMEM, "delegate cgroup");
	}
	return chown_listed(dirfd, dir, list, uid, err);
}

int sheep_cgroup_delegate(const struct sheep_cgroup *cg, uid_t uid, struct sheep_err **err)
{
	return cg_delegate_in(cg, DELEGATE_LIST, uid, err);
}
