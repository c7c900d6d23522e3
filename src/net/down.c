/* `sheep-net down`: detach a container. Only bookkeeping is undone here (lease, map elements):
 * the veth dies with the namespace, and waiting for that is the kernel's business. Anything
 * already gone counts as done, so down is safe to repeat and safe after a crash. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "net/nft.h"
#include "net/verbs.h"
#include "util/cleanup.h"

int sheep_net_down(const struct sheep_net_opts *o, const char *id, struct sheep_err **err)
{
	_cleanup_ipam_ struct sheep_ipam *s = NULL;
	struct sheep_net_lease old = {0};
	struct sheep_err *open_err = NULL;
	int r = 0;

	if (!sheep_net_id_valid(id))
		return sheep_err_set(err, 0, "invalid container id");
	if (sheep_ipam_open(o->run_dir, o->network, NULL, true, &s, &open_err) < 0) {
		if (open_err->errnum == ENOENT) { /* never used: nothing to release */
			sheep_err_free(open_err);
			return 0;
		}
		*err = open_err;
		return -1;
	}
	if (sheep_ipam_release(s, id, &old) == 0)
		return 0;
	if (old.ports_len > 0) {
		_cleanup_close_ int lock = sheep_net_lock_nft(o->run_dir, err);

		if (lock < 0 || sheep_nft_ports_delete(old.addr, old.ports, old.ports_len, err) < 0)
			r = sheep_err_wrap(err, "unpublish ports");
	}
	sheep_net_lease_clear(&old);
	if (r == 0)
		r = sheep_ipam_save(s, err);
	return r;
}
