/* state: one container's state and status, for the runtime-spec state document (and runc's
 * additions, which the CLI prints). */
#include "core/container.h"
#include "core/verbs/lookup.h"

int sheep_container_state(const char *root, const char *id, struct sheep_list_entry *ret,
			  struct sheep_err **err)
{
	struct container_ref r;

	if (container_open(root, id, &r, err) < 0)
		return -1;
	ret->state = r.st;
	ret->status = r.status;
	r.st = NULL;
	container_close(&r);
	return 0;
}
