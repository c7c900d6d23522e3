/* Bridge, veth and in-container configuration. The kernel 6.18 ordering constraint shapes the veth
 * setup: IFLA_MASTER and IFF_UP in the same RTM_NEWLINK fail with ENOTCONN, so the host end is
 * enslaved at creation and brought up by a second message of the same batch. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "net/link.h"
#include "util/cleanup.h"
#include "util/fs.h"

int sheep_sysctl_ensure(const char *path, const char *value, struct sheep_err **err)
{
	_cleanup_close_ int fd = open(path, O_RDWR | O_CLOEXEC);
	char cur[32];
	ssize_t n;

	if (fd < 0)
		return sheep_err_set(err, errno, "open '%s'", path);
	n = read(fd, cur, sizeof(cur) - 1);
	if (n < 0)
		return sheep_err_set(err, errno, "read '%s'", path);
	cur[n] = '\0';
	if (strncmp(cur, value, strlen(value)) == 0 && cur[strlen(value)] == '\n')
		return 0;
	if (pwrite(fd, value, strlen(value), 0) < 0)
		return sheep_err_set(err, errno, "write '%s'", path);
	return 0;
}

static int bridge_setup(struct sheep_nl *nl, const struct sheep_net_network *net,
			struct sheep_err **err)
{
	struct sheep_nl_batch b = {0};
	struct nlmsghdr *nlh;
	unsigned int mtu = 1500;
	uint8_t mac[6];

	/* Traffic leaves by the default route: a bridge MTU above that link's (a tunnel, a cloud
	 * VM's 1400 or 1450) loses large packets wherever PMTU discovery is blocked. Only at
	 * creation: an existing bridge's MTU is the admin's. */
	if (sheep_nl_default_route_mtu(nl, &mtu, err) < 0)
		return -1;
	sheep_net_bridge_mac(net->name, mac);
	nlh = sheep_nl_batch_add(&b, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, "create bridge",
				 net->name);
	sheep_nl_put_bridge(nlh, net->name, mac);
	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	b.req[0].ok_errno = EEXIST; /* a concurrent first use created it: fine */
	return sheep_nl_batch_run(nl, &b, err);
}

static int bridge_configure(struct sheep_nl *nl, const struct sheep_net_network *net, int ifindex,
			    struct sheep_err **err)
{
	struct sheep_nl_batch b = {0};
	char path[96];
	struct nlmsghdr *nlh;

	/* Published ports on 127.0.0.1 are DNATed out of the bridge with a loopback source. */
	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/route_localnet", net->name);
	if (sheep_sysctl_ensure(path, "1", err) < 0)
		return -1;
	nlh = sheep_nl_batch_add(&b, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, "add address",
				 net->name);
	sheep_nl_put_addr(nlh, ifindex, sheep_net_gateway(net), net->prefix,
			  sheep_net_broadcast(net));
	nlh = sheep_nl_batch_add(&b, RTM_NEWLINK, 0, "set link up", net->name);
	sheep_nl_put_link_set(nlh, ifindex, NULL, NULL, true);
	return sheep_nl_batch_run(nl, &b, err);
}

int sheep_link_bridge_ensure(struct sheep_nl *nl, const struct sheep_net_network *net,
			     struct sheep_nl_link *ret_bridge, bool *ret_created,
			     struct sheep_err **err)
{
	struct sheep_nl_link *l = ret_bridge;
	int r = sheep_nl_link_get(nl, net->name, l, err);

	*ret_created = false;
	if (r < 0)
		return sheep_err_wrap(err, "ensure bridge '%s'", net->name);
	/* Up means configured: the address and sysctl come before IFF_UP in bridge_configure. */
	if (r == 1 && (l->flags & IFF_UP))
		return 0;
	if (r == 0 && bridge_setup(nl, net, err) < 0)
		return sheep_err_wrap(err, "ensure bridge '%s'", net->name);
	if (r == 0 && sheep_nl_link_get(nl, net->name, l, err) != 1)
		return sheep_err_set(err, ENODEV, "ensure bridge '%s': get link '%s'", net->name,
				     net->name);
	if (bridge_configure(nl, net, l->ifindex, err) < 0)
		return sheep_err_wrap(err, "ensure bridge '%s'", net->name);
	*ret_created = r == 0;
	return 0;
}

static int veth_try(struct sheep_nl *nl, const char *id, const char *host,
		    const struct sheep_nl_link *bridge, int netns_fd, struct sheep_err **err)
{
	struct sheep_nl_batch b = {0};
	struct nlmsghdr *nlh;

	nlh = sheep_nl_batch_add(&b, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, "create veth", host);
	sheep_nl_put_veth(nlh, host, "eth0", bridge->ifindex, netns_fd, bridge->mtu);
	nlh = sheep_nl_batch_add(&b, RTM_NEWLINK, 0, "set link up", host);
	sheep_nl_put_link_set(nlh, 0, host, id, true);
	/* With br_netfilter loaded, a container's connection to its own published port is DNATed
	 * at the bridge and forwarded back to the port it came from: hairpin mode lets it. */
	nlh = sheep_nl_batch_add(&b, RTM_NEWLINK, 0, "set hairpin mode", host);
	sheep_nl_put_hairpin(nlh, host);
	return sheep_nl_batch_run(nl, &b, err);
}

int sheep_link_veth_create(struct sheep_nl *nl, const char *id, const char *host,
			   const struct sheep_nl_link *bridge, int netns_fd, struct sheep_err **err)
{
	struct sheep_err *first = NULL;
	struct sheep_nl_link l;
	int r;

	if (veth_try(nl, id, host, bridge, netns_fd, &first) == 0)
		return 0;
	/* EEXIST on the host name: a previous container of this id whose namespace the kernel
	 * has not torn down yet, or a leak; its lease is gone, so the link is ours to remove. */
	r = first->errnum == EEXIST ? sheep_nl_link_get(nl, host, &l, err) : -1;
	if (r == 0) { /* the name taken is the peer's: a namespace shared with another container */
		sheep_err_free(first);
		return sheep_err_set(err, 0,
				     "create veth '%s': the container's network namespace already "
				     "has an 'eth0'",
				     host);
	}
	if (r != 1 || strcmp(l.alias, id) != 0) {
		sheep_err_free(*err);
		*err = first;
		return -1;
	}
	sheep_err_free(first);
	if (sheep_link_delete(nl, host, err) < 0)
		return -1;
	return veth_try(nl, id, host, bridge, netns_fd, err);
}

int sheep_link_delete(struct sheep_nl *nl, const char *name, struct sheep_err **err)
{
	struct sheep_nl_batch b = {0};
	struct nlmsghdr *nlh = sheep_nl_batch_add(&b, RTM_DELLINK, 0, "delete link", name);

	sheep_nl_put_link_name(nlh, name);
	b.req[0].ok_errno = ENODEV;
	return sheep_nl_batch_run(nl, &b, err);
}

/* Sets a link down by index: the cheap way to take a veth off the bridge (a delete waits for
 * RCU grace periods). */
static int link_set_down(struct sheep_nl *nl, const char *name, int ifindex, struct sheep_err **err)
{
	struct sheep_nl_batch b = {0};
	struct nlmsghdr *nlh = sheep_nl_batch_add(&b, RTM_NEWLINK, 0, "set link down", name);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_change = IFF_UP; /* ifi_flags 0: down */
	b.req[0].ok_errno = ENODEV;
	return sheep_nl_batch_run(nl, &b, err);
}

int sheep_link_veth_release(struct sheep_nl *nl, const char *id, struct sheep_err **err)
{
	char host[SHEEP_NET_IFNAMSIZ];
	struct sheep_nl_link l;
	int r;

	sheep_net_veth_name(id, host);
	r = sheep_nl_link_get(nl, host, &l, err);
	if (r <= 0 || strcmp(l.alias, id) != 0)
		return r < 0 ? -1 : 0;
	if (l.peer_nsid != SHEEP_NL_NSID_NONE) {
		r = sheep_nl_nsid_alive(nl, l.peer_nsid, l.peer_ifindex, err);
		if (r <= 0)
			return r;
	}
	/* The peer's namespace is alive: it outlives the container (pinned, or joined by another
	 * process), or it is a moment from its end (for about an RCU grace period after the last
	 * process exits, sockets still hold it: down as a poststop hook nearly always runs then).
	 * Taking the host end down cuts the container's eth0 off the bridge at once, so the address
	 * freed with the lease cannot be answered for twice; the pair goes when the namespace does,
	 * or with `gc` (a veth whose alias has no lease). Deleting it here instead cost every
	 * networked container ~20 ms of RCU waits at teardown. */
	return link_set_down(nl, host, l.ifindex, err);
}

int sheep_link_ctr_configure(int netns_fd, const struct sheep_net_network *net, uint32_t addr,
			     struct sheep_err **err)
{
	struct sheep_nl nl = {0};
	struct sheep_nl_batch b = {0};
	struct sheep_nl_link eth0;
	struct nlmsghdr *nlh;
	int r;

	if (sheep_nl_open_in(&nl, netns_fd, err) < 0)
		return -1;
	r = sheep_nl_link_get(&nl, "eth0", &eth0, err);
	if (r == 0)
		r = sheep_err_set(err, ENODEV, "get link 'eth0'");
	if (r < 0)
		goto out;
	nlh = sheep_nl_batch_add(&b, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, "add address",
				 "eth0");
	sheep_nl_put_addr(nlh, eth0.ifindex, addr, net->prefix, sheep_net_broadcast(net));
	nlh = sheep_nl_batch_add(&b, RTM_NEWLINK, 0, "set link up", "eth0");
	sheep_nl_put_link_set(nlh, eth0.ifindex, NULL, NULL, true);
	nlh = sheep_nl_batch_add(&b, RTM_NEWLINK, 0, "set link up", "lo");
	sheep_nl_put_link_set(nlh, 0, "lo", NULL, true);
	nlh = sheep_nl_batch_add(&b, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, "add route",
				 "default");
	sheep_nl_put_default_route(nlh, sheep_net_gateway(net));
	r = sheep_nl_batch_run(&nl, &b, err);
out:
	sheep_nl_close(&nl);
	return r;
}
