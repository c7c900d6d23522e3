/* Netlink through libmnl: one socket per namespace, requests batched into one sendmsg, every
 * request acknowledged, the first failure reported as "<op> '<subject>': <strerror>". The put_*
 * builders only fill a buffer, so the unit tests can parse their output without a kernel. */
#ifndef SHEEP_NET_NL_H
#define SHEEP_NET_NL_H

#include <libmnl/libmnl.h>
#include <stdint.h>

#include "net/net.h"

#define SHEEP_NL_BATCH_MAX 16

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
	char name[SHEEP_NET_IFNAMSIZ];
	char alias[256];
};

/* Parses an RTM_NEWLINK message. Returns 0, or -1 when it is not one. */
int sheep_nl_parse_link(const struct nlmsghdr *nlh, struct sheep_nl_link *ret);
/* Looks a link up by name: 1 found, 0 no such device, -1 error. */
int sheep_nl_link_get(struct sheep_nl *nl, const char *name, struct sheep_nl_link *ret,
		      struct sheep_err **err);
/* Calls fn for every link (a dump). fn returns < 0 to stop with an error already set. */
int sheep_nl_link_dump(struct sheep_nl *nl,
		       int (*fn)(const struct sheep_nl_link *l, void *data, struct sheep_err **err),
		       void *data, struct sheep_err **err);

#endif
