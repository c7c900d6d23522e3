/* ps: the host pids of every process in the container's cgroup (sub-cgroups included). The CLI
 * prints them as JSON or filters ps(1) output with them. */
#include "core/container.h"
#include "core/verbs/lookup.h"

int sheep_container_pids(const char *root, const char *id, pid_t **ret_pids, size_t *ret_len,
			 struct sheep_err **err)
{
	struct container_ref r;
	int ret = -1;

	if (container_open(root, id, &r, err) < 0)
		return -1;
	if (container_need_cgroup(&r, err) == 0)
		ret = sheep_cgroup_pids(r.cgroup, ret_pids, ret_len, err);
	container_close(&r);
	return ret;
}
