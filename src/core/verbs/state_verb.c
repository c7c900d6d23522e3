/* state: the runtime-spec state document of one container. */
#include "core/container.h"
#include "core/verbs/lookup.h"

int sheep_container_state(const char *root, const char *id, char **ret_json, struct sheep_err **err)
{
	struct container_ref r;

	if (container_open(root, id, &r, err) < 0)
		return -1;
	*ret_json = sheep_state_oci_json(r.st, r.status, err);
	container_close(&r);
	return *ret_json ? 0 : -1;
}
