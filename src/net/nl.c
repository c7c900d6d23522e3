/* Netlink plumbing for sheep-net: sockets (also inside another namespace), batched requests with
 * per-request acks, the rtnetlink message builders and link queries. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "net/nl.h"
#include "util/cleanup.h"

int sheep_nl_open(struct sheep_nl *nl, int bus, struct sheep_err **err)
{
	nl->sk = mnl_socket_open2(bus, SOCK_CLOEXEC);
	if (nl->sk == NULL)
		return sheep_err_set(err, errno, "open netlink socket");
	if (mnl_socket_bind(nl->sk, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;

		mnl_socket_close(nl->sk);
		nl->sk = NULL;
		return sheep_err_set(err, e, "bind netlink socket");
	}
	nl->portid = mnl_socket_get_portid(nl->sk);
	nl->seq = (uint32_t)time(NULL) << 8;
	return 0;
}

int sheep_nl_open_in(struct sheep_nl *nl, int netns_fd, struct sheep_err **err)
{
	_cleanup_close_ int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	int ret;

	if (self < 0)
		return sheep_err_set(err, errno, "open '/proc/thread-self/ns/net'");
	if (setns(netns_fd, CLONE_NEWNET) < 0)
		return sheep_err_set(err, errno, "setns to the container's network namespace");
	/* A netlink socket stays bound to the namespace it was created in. */
	ret = sheep_nl_open(nl, NETLINK_ROUTE, err);
	if (setns(self, CLONE_NEWNET) < 0) {
		sheep_nl_close(nl);
		return sheep_err_set(err, errno, "setns back to the host network namespace");
	}
	return ret;
}

void sheep_nl_close(struct sheep_nl *nl)
{
	if (nl->sk != NULL)
		mnl_socket_close(nl->sk);
	nl->sk = NULL;
}

struct nlmsghdr *sheep_nl_batch_add(struct sheep_nl_batch *b, uint16_t type, uint16_t flags,
				    const char *op, const char *subject)
{
	struct nlmsghdr *nlh;

	/* b->len is the start of the last message; its body is complete once the next one starts.
	 * Each body stays far below 1 KiB; keep that much room for the one being built. */
	if (b->n > 0)
		b->len += MNL_ALIGN(((struct nlmsghdr *)(b->buf + b->len))->nlmsg_len);
	if (b->n >= SHEEP_NL_BATCH_MAX || b->len + 1024 > sizeof(b->buf))
		return NULL;
	nlh = mnl_nlmsg_put_header(b->buf + b->len);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	b->req[b->n].op = op;
	snprintf(b->req[b->n].subject, sizeof(b->req[b->n].subject), "%s", subject);
	b->req[b->n].ok_errno = 0;
	b->n++;
	return nlh;
}

/* Message lengths are final only once the body is built: walk and number them at send time. */
static size_t batch_seal(struct sheep_nl *nl, struct sheep_nl_batch *b, uint32_t *ret_base)
{
	size_t off = 0;

	*ret_base = ++nl->seq;
	for (size_t i = 0; i < b->n; i++) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)(b->buf + off);

		nlh->nlmsg_seq = *ret_base + (uint32_t)i;
		off += MNL_ALIGN(nlh->nlmsg_len);
	}
	nl->seq += (uint32_t)b->n;
	return off;
}

int sheep_nl_batch_run(struct sheep_nl *nl, struct sheep_nl_batch *b, struct sheep_err **err)
{
	char rbuf[8192] __attribute__((aligned(8)));
	uint32_t base;
	size_t len = batch_seal(nl, b, &base), acked = 0;
	int first_err = -1, first_errno = 0;

	if (mnl_socket_sendto(nl->sk, b->buf, len) < 0)
		return sheep_err_set(err, errno, "%s '%s': send", b->req[0].op, b->req[0].subject);
	while (acked < b->n) {
		ssize_t r = mnl_socket_recvfrom(nl->sk, rbuf, sizeof(rbuf));
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)rbuf;
		int left = (int)r;

		if (r < 0)
			return sheep_err_set(err, errno, "%s '%s': receive", b->req[0].op,
					     b->req[0].subject);
		for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
			size_t i = nlh->nlmsg_seq - base;

			if (nlh->nlmsg_type != NLMSG_ERROR || i >= b->n)
				continue;
			acked++;
			if (e->error != 0 && -e->error != b->req[i].ok_errno && first_err < 0) {
				first_err = (int)i;
				first_errno = -e->error;
			}
		}
	}
	b->len = b->n = 0;
	if (first_err >= 0)
		return sheep_err_set(err, first_errno, "%s '%s'", b->req[first_err].op,
				     b->req[first_err].subject);
	return 0;
}

void sheep_nl_put_bridge(struct nlmsghdr *nlh, const char *name, const uint8_t mac[6])
{
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct nlattr *info;

	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(nlh, info);
}

void sheep_nl_put_veth(struct nlmsghdr *nlh, const char *host, const char *peer, int master,
		       int peer_netns_fd, unsigned int mtu)
{
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct nlattr *info, *data, *peer_nest;
	struct ifinfomsg *pifi;

	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, host);
	mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master);
	if (mtu != 0)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	/* VETH_INFO_PEER carries a whole ifinfomsg followed by the peer's own attributes. */
	peer_nest = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	pifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*pifi));
	pifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)peer_netns_fd);
	if (mtu != 0)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	mnl_attr_nest_end(nlh, peer_nest);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
}

void sheep_nl_put_link_set(struct nlmsghdr *nlh, int ifindex, const char *name, const char *alias,
			   bool up)
{
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	if (up) {
		ifi->ifi_change = IFF_UP;
		ifi->ifi_flags = IFF_UP;
	}
	if (ifindex == 0)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (alias != NULL)
		mnl_attr_put_strz(nlh, IFLA_IFALIAS, alias);
}

void sheep_nl_put_addr(struct nlmsghdr *nlh, int ifindex, uint32_t addr, unsigned int prefix,
		       uint32_t brd)
{
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (unsigned char)prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned int)ifindex;
	mnl_attr_put_u32(nlh, IFA_LOCAL, htonl(addr));
	mnl_attr_put_u32(nlh, IFA_ADDRESS, htonl(addr));
	mnl_attr_put_u32(nlh, IFA_BROADCAST, htonl(brd));
}

void sheep_nl_put_default_route(struct nlmsghdr *nlh, uint32_t gw)
{
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	rtm->rtm_family = AF_INET;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(nlh, RTA_GATEWAY, htonl(gw));
}

void sheep_nl_put_link_name(struct nlmsghdr *nlh, const char *name)
{
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
}

void sheep_nl_put_hairpin(struct nlmsghdr *nlh, const char *name)
{
	struct nlattr *info, *data;

	sheep_nl_put_link_name(nlh, name);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_SLAVE_KIND, "bridge");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_SLAVE_DATA);
	mnl_attr_put_u8(nlh, IFLA_BRPORT_MODE, 1);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
}

static int link_attr_cb(const struct nlattr *a, void *data)
{
	struct sheep_nl_link *l = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type == IFLA_MTU && mnl_attr_validate(a, MNL_TYPE_U32) == 0)
		l->mtu = mnl_attr_get_u32(a);
	if (type == IFLA_LINK && mnl_attr_validate(a, MNL_TYPE_U32) == 0)
		l->peer_ifindex = (int)mnl_attr_get_u32(a);
	if (type == IFLA_LINK_NETNSID && mnl_attr_validate(a, MNL_TYPE_U32) == 0)
		l->peer_nsid = (int)mnl_attr_get_u32(a);
	if ((type != IFLA_IFNAME && type != IFLA_IFALIAS) ||
	    mnl_attr_validate(a, MNL_TYPE_STRING) < 0)
		return MNL_CB_OK;
	/* MNL_TYPE_STRING does not check for the NUL: copy no more than the payload */
	if (type == IFLA_IFNAME)
		snprintf(l->name, sizeof(l->name), "%.*s", (int)mnl_attr_get_payload_len(a),
			 mnl_attr_get_str(a));
	else
		snprintf(l->alias, sizeof(l->alias), "%.*s", (int)mnl_attr_get_payload_len(a),
			 mnl_attr_get_str(a));
	return MNL_CB_OK;
}

int sheep_nl_parse_link(const struct nlmsghdr *nlh, struct sheep_nl_link *ret)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	memset(ret, 0, sizeof(*ret));
	if (nlh->nlmsg_type != RTM_NEWLINK || nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
		return -1;
	ret->ifindex = ifi->ifi_index;
	ret->flags = ifi->ifi_flags;
	ret->peer_nsid = SHEEP_NL_NSID_NONE;
	mnl_attr_parse(nlh, sizeof(*ifi), link_attr_cb, ret);
	return 0;
}

struct dump_ctx {
	int (*fn)(const struct sheep_nl_link *l, void *data, struct sheep_err **err);
	void *data;
	struct sheep_err **err;
	struct sheep_nl_link *one; /* a single-link query stores its answer here */
};

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *c = data;
	struct sheep_nl_link l;

	if (sheep_nl_parse_link(nlh, c->one != NULL ? c->one : &l) < 0)
		return MNL_CB_OK;
	if (c->fn != NULL && c->fn(&l, c->data, c->err) < 0)
		return MNL_CB_ERROR;
	return MNL_CB_OK;
}

int sheep_nl_query(struct sheep_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	char buf[16384] __attribute__((aligned(8)));
	uint32_t seq = nlh->nlmsg_seq = ++nl->seq;
	int ret;

	if (mnl_socket_sendto(nl->sk, nlh, nlh->nlmsg_len) < 0)
		return -1;
	do {
		ssize_t r = mnl_socket_recvfrom(nl->sk, buf, sizeof(buf));

		if (r < 0)
			return -1;
		ret = mnl_cb_run(buf, (size_t)r, seq, nl->portid, cb, data);
	} while (ret > MNL_CB_STOP);
	return ret;
}

/* RTM_GETLINK of one link, by name or (name NULL) by index, in the namespace numbered nsid
 * (SHEEP_NL_NSID_NONE: the socket's). -1 with errno. */
static int link_query(struct sheep_nl *nl, const char *name, int ifindex, int nsid,
		      struct sheep_nl_link *ret)
{
	char buf[512] __attribute__((aligned(8)));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct dump_ctx c = {.one = ret};
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_GETLINK;
	/* the ack after the answer is what ends the receive loop */
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	if (name != NULL) {
		sheep_nl_put_link_name(nlh, name);
	} else {
		ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
		ifi->ifi_family = AF_UNSPEC;
		ifi->ifi_index = ifindex;
	}
	if (nsid != SHEEP_NL_NSID_NONE)
		mnl_attr_put_u32(nlh, IFLA_TARGET_NETNSID, (uint32_t)nsid);
	memset(ret, 0, sizeof(*ret));
	return sheep_nl_query(nl, nlh, dump_cb, &c);
}

int sheep_nl_link_get(struct sheep_nl *nl, const char *name, struct sheep_nl_link *ret,
		      struct sheep_err **err)
{
	if (link_query(nl, name, 0, SHEEP_NL_NSID_NONE, ret) < 0)
		return errno == ENODEV ? 0 : sheep_err_set(err, errno, "get link '%s'", name);
	return ret->ifindex > 0 ? 1 : 0;
}

int sheep_nl_nsid_alive(struct sheep_nl *nl, int nsid, int ifindex, struct sheep_err **err)
{
	struct sheep_nl_link l;

	/* rtnetlink takes a reference on the target namespace, which a dying one refuses */
	if (link_query(nl, NULL, ifindex, nsid, &l) == 0)
		return l.ifindex > 0;
	if (errno == EINVAL || errno == ENODEV)
		return 0;
	return sheep_err_set(err, errno, "get link %d of namespace %d", ifindex, nsid);
}

static bool attr_u32(const struct nlattr *a, uint32_t *ret)
{
	if (a == NULL || mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return false;
	*ret = mnl_attr_get_u32(a);
	return true;
}

static int route_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_get_type(a) <= RTA_MAX)
		tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

static int metrics_cb(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == RTAX_MTU)
		attr_u32(a, data);
	return MNL_CB_OK;
}

int sheep_nl_parse_route(const struct nlmsghdr *nlh, struct sheep_nl_route *ret)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[RTA_MAX + 1] = {0};
	const struct rtnexthop *hop;
	uint32_t table, v;

	memset(ret, 0, sizeof(*ret));
	if (nlh->nlmsg_type != RTM_NEWROUTE || nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*rtm)))
		return -1;
	mnl_attr_parse(nlh, sizeof(*rtm), route_attr_cb, tb);
	if (!attr_u32(tb[RTA_TABLE], &table))
		table = rtm->rtm_table;
	ret->is_default_main = rtm->rtm_family == AF_INET && rtm->rtm_dst_len == 0 &&
			       rtm->rtm_type == RTN_UNICAST && table == RT_TABLE_MAIN;
	if (attr_u32(tb[RTA_OIF], &v)) {
		ret->oif = (int)v;
	} else if (tb[RTA_MULTIPATH] != NULL &&
		   mnl_attr_get_payload_len(tb[RTA_MULTIPATH]) >= sizeof(*hop)) {
		hop = mnl_attr_get_payload(tb[RTA_MULTIPATH]);
		ret->oif = hop->rtnh_ifindex;
	}
	if (attr_u32(tb[RTA_PRIORITY], &v))
		ret->metric = v;
	if (tb[RTA_METRICS] != NULL && mnl_attr_validate(tb[RTA_METRICS], MNL_TYPE_NESTED) == 0)
		mnl_attr_parse_nested(tb[RTA_METRICS], metrics_cb, &ret->mtu);
	return 0;
}

static int default_route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct sheep_nl_route r, *best = data;

	if (sheep_nl_parse_route(nlh, &r) == 0 && r.is_default_main && r.oif > 0 &&
	    (best->oif == 0 || r.metric < best->metric))
		*best = r;
	return MNL_CB_OK;
}

/* A dump request of rtnetlink type `type` for family, answers to cb. -1 with errno. */
static int dump(struct sheep_nl *nl, uint16_t type, uint8_t family, mnl_cb_t cb, void *data)
{
	char buf[512] __attribute__((aligned(8)));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtgenmsg *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->rtgen_family = family;
	return sheep_nl_query(nl, nlh, cb, data);
}

int sheep_nl_default_route_mtu(struct sheep_nl *nl, unsigned int *ret_mtu, struct sheep_err **err)
{
	struct sheep_nl_route best = {0};
	struct sheep_nl_link l;

	if (dump(nl, RTM_GETROUTE, AF_INET, default_route_cb, &best) < 0)
		return sheep_err_set(err, errno, "dump IPv4 routes");
	if (best.oif == 0)
		return 0;
	if (link_query(nl, NULL, best.oif, SHEEP_NL_NSID_NONE, &l) < 0)
		return errno == ENODEV ? 0 : sheep_err_set(err, errno, "get link %d", best.oif);
	*ret_mtu = best.mtu != 0 && best.mtu < l.mtu ? best.mtu : l.mtu;
	return *ret_mtu != 0;
}

int sheep_nl_link_dump(struct sheep_nl *nl,
		       int (*fn)(const struct sheep_nl_link *l, void *data, struct sheep_err **err),
		       void *data, struct sheep_err **err)
{
	struct dump_ctx c = {.fn = fn, .data = data, .err = err};

	if (dump(nl, RTM_GETLINK, AF_UNSPEC, dump_cb, &c) < 0)
		return sheep_err_set(err, errno, "dump links");
	return 0;
}
