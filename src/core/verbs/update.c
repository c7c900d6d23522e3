/* update: new linux.resources for a created, running or paused container, written to its cgroup
 * (only the values given). The stored config.json keeps the values of create: the limits in
 * force are read from the cgroup itself (events --stats). */
#include "core/container.h"
#include "core/verbs/lookup.h"

int sheep_container_update(const char *root, const char *id, const struct oci_resources *res,
			   struct sheep_err **err)
{
	struct container_ref r;
	int ret = -1;

	if (container_open(root, id, &r, err) < 0)
		return -1;
	if (r.status == SHEEP_STOPPED)
		sheep_err_code(err, 0, "container is not running");
	else if (container_need_cgroup(&r, err) == 0)
		ret = sheep_cgroup_update(r.cgroup, res, err);
	container_close(&r);
	return ret;
}
