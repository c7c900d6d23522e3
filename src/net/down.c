/* `sheep-net down`: detach a container: lease, map elements, and the veth only when its namespace
 * outlives the container (a dying namespace's veth is the kernel's business, not worth waiting
 * for). Anything already gone counts as done, so down is safe to repeat and after a crash. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "net/link.h"
#include "net/nft.h"
#include "net/verbs.h"
#include "util/cleanup.h"

static int release_veth(const char *id, struct sheep_err **err)
{
	struct sheep_nl nl = {0};
	int r = sheep_nl_open(&nl, NETLINK_ROUTE, err);

	if (r == 0)
		r = sheep_link_veth_release(&nl, id, err);
	sheep_nl_close(&nl);
	return r;
}

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
	/* before the lease is saved free: a failure keeps the address leased */
	if (release_veth(id, err) < 0) {
		r = sheep_err_wrap(err, "release veth");
	} else if (old.ports_len > 0) {
		_cleanup_close_ int lock = sheep_net_lock_nft(o->run_dir, err);

		if (lock < 0 || sheep_nft_ports_delete(old.addr, old.ports, old.ports_len, err) < 0)
			r = sheep_err_wrap(err, "unpublish ports");
	}
	sheep_net_lease_clear(&old);
	if (r == 0)
		r = sheep_ipam_save(s, err);
	return r;
}
