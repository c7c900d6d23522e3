/* pause and resume: freeze and thaw the container's cgroup. The paused status is not stored:
 * container_status() derives it from the freezer, so it cannot go stale. */
#include <errno.h>

#include "core/container.h"
#include "core/verbs/lookup.h"

/* from is the status the verb needs; frozen what it makes of the cgroup. */
static int set_paused(const char *root, const char *id, enum sheep_status from, bool frozen,
		      struct sheep_err **err)
{
	struct container_ref r;
	int ret = -1;

	if (container_open(root, id, &r, err) < 0)
		return -1;
	if (r.status != from)
		sheep_err_code(err, 0, "container is not %s", frozen ? "running" : "paused");
	else if (container_need_cgroup(&r, err) == 0)
		ret = sheep_cgroup_freeze(r.cgroup, frozen, err);
	container_close(&r);
	return ret;
}

int sheep_container_pause(const char *root, const char *id, struct sheep_err **err)
{
	return set_paused(root, id, SHEEP_RUNNING, true, err);
}

int sheep_container_resume(const char *root, const char *id, struct sheep_err **err)
{
	return set_paused(root, id, SHEEP_PAUSED, false, err);
}
