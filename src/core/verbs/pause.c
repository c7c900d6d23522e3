/* pause and resume: freeze and thaw the container's cgroup. The paused status is not stored:
 * container_status() derives it from the freezer, so it cannot go stale. */
#include <errno.h>

#include "core/container.h"
#include "core/verbs/lookup.h"

/* frozen is what the verb makes of the cgroup. As with runc, a created container can be paused
 * too (its init waits for start, frozen or not); start refuses it until resume. */
static int set_paused(const char *root, const char *id, bool frozen, struct sheep_err **err)
{
	struct container_ref r;
	bool from_ok;
	int ret = -1;

	if (container_open(root, id, &r, err) < 0)
		return -1;
	if (frozen)
		from_ok = r.status == SHEEP_RUNNING || r.status == SHEEP_CREATED;
	else
		from_ok = r.status == SHEEP_PAUSED;
	if (!from_ok)
		sheep_err_code(err, 0, "container is not %s", frozen ? "running" : "paused");
	else if (container_need_cgroup(&r, err) == 0)
		ret = sheep_cgroup_freeze(r.cgroup, frozen, err);
	container_close(&r);
	return ret;
}

int sheep_container_pause(const char *root, const char *id, struct sheep_err **err)
{
	return set_paused(root, id, true, err);
}

int sheep_container_resume(const char *root, const char *id, struct sheep_err **err)
{
	return set_paused(root, id, false, err);
}
