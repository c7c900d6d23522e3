/* Netlink through libmnl: one socket per namespace, requests batched into one sendmsg, every
 * request acknowledged, the first failure reported as "<op> '<subject>': <strerror>". The put_*
 * builders only fill a buffer, so the unit tests can parse their output without a kernel. */
#ifndef SHEEP_NET_NL_H
#define SHEEP_NET_NL_H

#include <libmnl/libmnl.h>
#include <stdint.h>

#include "net/net.h"

#define SHEEP_NL_BATCH_MAX 16
#define SHEEP_NL_NSID_NONE (-2)

struct sheep_nl {
	struct mnl_socket *sk;
	unsigned int portid;
	uint32_t seq;
};

struct sheep_nl_batch {
	char buf[8192] __attribute__((aligned(8)));
	size_t len;
	size_t n;
	struct {
		const char *op; /* "create veth" */
		char subject[64];
		int ok_errno; /* an error that counts as success (EEXIST for "create once") */
	} req[SHEEP_NL_BATCH_MAX];
};

int sheep_nl_open(struct sheep_nl *nl, int bus, struct sheep_err **err);
/* Opens a NETLINK_ROUTE socket inside the network namespace netns_fd (setns there and back). */
int sheep_nl_open_in(struct sheep_nl *nl, int netns_fd, struct sheep_err **err);
void sheep_nl_close(struct sheep_nl *nl);

/* Starts a request in the batch (NLM_F_REQUEST|NLM_F_ACK|flags); NULL when the batch is full. */
struct nlmsghdr *sheep_nl_batch_add(struct sheep_nl_batch *b, uint16_t type, uint16_t flags,
				    const char *op, const char *subject);
/* Sends the batch and waits for every ack. */
int sheep_nl_batch_run(struct sheep_nl *nl, struct sheep_nl_batch *b, struct sheep_err **err);

/* Sends one request and runs cb on every answer until the ack/dump end. -1 with errno. */
int sheep_nl_query(struct sheep_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

/* Message bodies (after sheep_nl_batch_add or mnl_nlmsg_put_header). */
void sheep_nl_put_bridge(struct nlmsghdr *nlh, const char *name, const uint8_t mac[6]);
/* mtu 0 leaves both ends at the kernel's default */
void sheep_nl_put_veth(struct nlmsghdr *nlh, const char *host, const char *peer, int master,
		       int peer_netns_fd, unsigned int mtu);
void sheep_nl_put_link_set(struct nlmsghdr *nlh, int ifindex, const char *name, const char *alias,
			   bool up);
void sheep_nl_put_addr(struct nlmsghdr *nlh, int ifindex, uint32_t addr, unsigned int prefix,
		       uint32_t brd);
void sheep_nl_put_default_route(struct nlmsghdr *nlh, uint32_t gw);
void sheep_nl_put_link_name(struct nlmsghdr *nlh, const char *name);
/* Bridge port `name` in hairpin mode: frames may leave by the port they came in on. */
void sheep_nl_put_hairpin(struct nlmsghdr *nlh, const char *name);

struct sheep_nl_link {
	int ifindex;
	unsigned int flags; /* IFF_* */
	unsigned int mtu;
	int peer_ifindex; /* IFLA_LINK: a veth's other end, in the namespace below */
	/* IFLA_LINK_NETNSID: that end's namespace as this one numbers it; -1 when the kernel will
	 * not number it (dying), SHEEP_NL_NSID_NONE when absent (same namespace, or no peer) */
	int peer_nsid;
	char name[SHEEP_NET_IFNAMSIZ];
	char alias[256];
};

/* Parses an RTM_NEWLINK message. Returns 0, or -1 when it is not one. */
int sheep_nl_parse_link(const struct nlmsghdr *nlh, struct sheep_nl_link *ret);
/* Looks a link up by name: 1 found, 0 no such device, -1 error. */
int sheep_nl_link_get(struct sheep_nl *nl, const char *name, struct sheep_nl_link *ret,
		      struct sheep_err **err);
/* Is the namespace this socket's namespace numbers nsid alive, asked through its link ifindex?
 * 1 yes, 0 no (a dying namespace cannot be referenced: EINVAL; or no such link), -1 error. */
int sheep_nl_nsid_alive(struct sheep_nl *nl, int nsid, int ifindex, struct sheep_err **err);
/* The MTU of the link holding the main table's IPv4 default route (the lowest metric, or the
 * route's own mtu when smaller): 1 found, 0 no default route, -1 error. */
int sheep_nl_default_route_mtu(struct sheep_nl *nl, unsigned int *ret_mtu, struct sheep_err **err);

struct sheep_nl_route {
	int oif;	      /* RTA_OIF, or the first hop of RTA_MULTIPATH; 0 when none */
	unsigned int metric;  /* RTA_PRIORITY */
	unsigned int mtu;     /* RTAX_MTU in RTA_METRICS, 0 when not set */
	bool is_default_main; /* an IPv4 unicast route to 0.0.0.0/0 in the main table */
};
/* Parses an RTM_NEWROUTE message. Returns 0, or -1 when it is not one. */
int sheep_nl_parse_route(const struct nlmsghdr *nlh, struct sheep_nl_route *ret);

/* Calls fn for every link (a dump). fn returns < 0 to stop with an error already set. */
int sheep_nl_link_dump(struct sheep_nl *nl,
		       int (*fn)(const struct sheep_nl_link *l, void *data, struct sheep_err **err),
		       void *data, struct sheep_err **err);

#endif
