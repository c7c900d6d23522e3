/* Links and addresses: the bridge, the container's veth pair, and the container side's
 * configuration (eth0, lo, default route). All over rtnetlink, nothing executed. */
#ifndef SHEEP_NET_LINK_H
#define SHEEP_NET_LINK_H

#include "net/nl.h"

/* Ensures the network's bridge exists with its static MAC, gateway address and route_localnet,
 * and is up; a new bridge takes the MTU of the IPv4 default route's link (1500 without one); *ret_bridge gets its ifindex and MTU. Cheap when it already is: one RTM_GETLINK.
 * Concurrent first use is safe. */
int sheep_link_bridge_ensure(struct sheep_nl *nl, const struct sheep_net_network *net,
			     struct sheep_nl_link *ret_bridge, bool *ret_created,
			     struct sheep_err **err);
/* Creates host veth `host` on the bridge and its peer as eth0 inside netns_fd in one request (both
 * ends with the bridge's MTU, so an admin's `ip link set sheep0 mtu N` reaches new containers), then
 * brings the host end up and stores the id in its alias. A leftover host end of that name (a dead
 * container's, not yet reaped by the kernel) is deleted and the creation retried once. */
int sheep_link_veth_create(struct sheep_nl *nl, const char *id, const char *host,
			   const struct sheep_nl_link *bridge, int netns_fd,
			   struct sheep_err **err);
/* Inside the container: eth0 gets addr/prefix and comes up, lo comes up, default via gateway. */
int sheep_link_ctr_configure(int netns_fd, const struct sheep_net_network *net, uint32_t addr,
			     struct sheep_err **err);
/* Detaching id: its host veth (name and alias) is deleted, with eth0, when the peer's namespace
 * is still alive (pinned under /run/netns, or joined by another process): its address would
 * otherwise stay in use while the lease is handed out again. A dying namespace's pair, or none,
 * is left to the kernel. */
int sheep_link_veth_release(struct sheep_nl *nl, const char *id, struct sheep_err **err);
/* Deletes a link by name; a missing link is fine. */
int sheep_link_delete(struct sheep_nl *nl, const char *name, struct sheep_err **err);
/* Writes value to a /proc/sys file only when it differs (no write, no audit noise). */
int sheep_sysctl_ensure(const char *path, const char *value, struct sheep_err **err);

#endif
