/* linux.netDevices over rtnetlink (see netdev.h). A move into another network namespace drops the
 * interface's addresses and leaves it down: the permanent global ones are read first and added
 * back on the other side, then the link is set up, as the runtime-spec asks. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>

#include "core/netdev.h"
#include "core/rtnl.h"
#include "util/cleanup.h"

#define MAX_ADDRS 64
/* The address flags a request may carry (the rest the kernel sets itself). */
#define SETTABLE_FLAGS                                                                             \
	(IFA_F_NODAD | IFA_F_HOMEADDRESS | IFA_F_MANAGETEMPADDR | IFA_F_NOPREFIXROUTE |            \
	 IFA_F_MCAUTOJOIN)

struct saved_addr {
	struct ifaddrmsg ifa;
	uint32_t flags;
	unsigned char local[16], address[16], broadcast[16];
	size_t local_len, address_len, broadcast_len;
};

struct addr_list {
	int ifindex;
	struct saved_addr a[MAX_ADDRS];
	size_t len;
};

/* An interface name the kernel accepts: 1..15 bytes, no '/', ':' or space, not "." or "..";
 * a "%d" (one) only where a template is allowed. */
static bool valid_ifname(const char *n, bool template)
{
	const char *pct = strchr(n, '%');
	size_t len = strlen(n);

	if (len == 0 || len >= IFNAMSIZ || strcmp(n, ".") == 0 || strcmp(n, "..") == 0)
		return false;
	for (const char *p = n; *p; p++)
		if (*p == '/' || *p == ':' || (unsigned char)*p <= ' ')
			return false;
	return pct == NULL || (template && pct[1] == 'd' && strchr(pct + 1, '%') == NULL);
}

int sheep_netdev_check(const struct oci_net_devices *devs, bool has_net, struct sheep_err **err)
{
	if (devs == NULL || devs->len == 0)
		return 0;
	if (!has_net)
		return sheep_err_code(err, EINVAL,
				      "config.json: linux.netDevices: the container has no network "
				      "namespace of its own (add one to linux.namespaces)");
	for (size_t i = 0; i < devs->len; i++) {
		const char *host = devs->host_names[i], *name = devs->names[i];

		if (!valid_ifname(host, false))
			return sheep_err_code(
			    err, EINVAL,
			    "config.json: linux.netDevices: invalid interface name '%s'", host);
		if (name != NULL && !valid_ifname(name, true))
			return sheep_err_code(
			    err, EINVAL,
			    "config.json: linux.netDevices.%s.name: invalid interface name '%s'",
			    host, name);
		if (if_nametoindex(host) == 0)
			return sheep_err_set(
			    err, errno == ENXIO ? ENODEV : errno,
			    "config.json: linux.netDevices: network device '%s' does not exist",
			    host);
	}
	return 0;
}

static void copy_attr(const struct nlmsghdr *h, uint16_t type, unsigned char *to, size_t *len)
{
	const struct rtattr *a = rtnl_find(h, sizeof(struct ifaddrmsg), type);

	if (a != NULL && RTA_PAYLOAD(a) <= 16) {
		memcpy(to, RTA_DATA(a), RTA_PAYLOAD(a));
		*len = RTA_PAYLOAD(a);
	}
}

static int collect_addr(const struct nlmsghdr *h, void *data)
{
	struct addr_list *l = data;
	const struct ifaddrmsg *ifa = NLMSG_DATA(h);
	const struct rtattr *f = rtnl_find(h, sizeof(*ifa), IFA_FLAGS);
	uint32_t flags = f ? *(const uint32_t *)RTA_DATA(f) : ifa->ifa_flags;
	struct saved_addr *s;

	if (h->nlmsg_type != RTM_NEWADDR || (int)ifa->ifa_index != l->ifindex ||
	    !(flags & IFA_F_PERMANENT) || ifa->ifa_scope != RT_SCOPE_UNIVERSE)
		return 0;
	if (l->len == MAX_ADDRS)
		return -E2BIG;
	s = &l->a[l->len++];
	*s = (struct saved_addr){.ifa = *ifa, .flags = flags};
	copy_attr(h, IFA_LOCAL, s->local, &s->local_len);
	copy_attr(h, IFA_ADDRESS, s->address, &s->address_len);
	copy_attr(h, IFA_BROADCAST, s->broadcast, &s->broadcast_len);
	return 0;
}

static int save_addrs(int fd, struct addr_list *l)
{
	struct ifaddrmsg ifa = {.ifa_family = AF_UNSPEC};
	struct rtnl_msg m;

	rtnl_init(&m, RTM_GETADDR, NLM_F_DUMP, &ifa, sizeof(ifa));
	return rtnl_call(fd, &m, collect_addr, l);
}

static int take_index(const struct nlmsghdr *h, void *data)
{
	if (h->nlmsg_type == RTM_NEWLINK)
		*(int *)data = ((const struct ifinfomsg *)NLMSG_DATA(h))->ifi_index;
	return 0;
}

/* The interface with that index (name NULL) or name in fd's namespace: 0 and its index, or
 * -ENODEV. */
static int link_get(int fd, int index, const char *name, int *ret_index)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = name ? 0 : index};
	struct rtnl_msg m;

	rtnl_init(&m, RTM_GETLINK, 0, &ifi, sizeof(ifi));
	if (name != NULL)
		rtnl_attr(&m, IFLA_IFNAME, name, strlen(name) + 1);
	return rtnl_call(fd, &m, take_index, ret_index);
}

static int move_link(int fd, int ifindex, int nsfd, const char *name)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = ifindex};
	uint32_t ns = (uint32_t)nsfd;
	struct rtnl_msg m;

	rtnl_init(&m, RTM_NEWLINK, 0, &ifi, sizeof(ifi));
	rtnl_attr(&m, IFLA_NET_NS_FD, &ns, sizeof(ns));
	/* the name in the new namespace (a "%d" template is the kernel's to fill in) */
	rtnl_attr(&m, IFLA_IFNAME, name, strlen(name) + 1);
	return rtnl_call(fd, &m, NULL, NULL);
}

static int add_addr(int fd, int ifindex, const struct saved_addr *s)
{
	struct ifaddrmsg ifa = s->ifa;
	uint32_t flags = s->flags & SETTABLE_FLAGS;
	struct rtnl_msg m;
	int r;

	ifa.ifa_index = (uint32_t)ifindex;
	ifa.ifa_flags = (uint8_t)flags;
	rtnl_init(&m, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &ifa, sizeof(ifa));
	if (s->local_len)
		rtnl_attr(&m, IFA_LOCAL, s->local, s->local_len);
	if (s->address_len)
		rtnl_attr(&m, IFA_ADDRESS, s->address, s->address_len);
	if (s->broadcast_len)
		rtnl_attr(&m, IFA_BROADCAST, s->broadcast, s->broadcast_len);
	rtnl_attr(&m, IFA_FLAGS, &flags, sizeof(flags));
	r = rtnl_call(fd, &m, NULL, NULL);
	return r == -EEXIST ? 0 : r;
}

static int link_up(int fd, int ifindex)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC,
				.ifi_index = ifindex,
				.ifi_flags = IFF_UP,
				.ifi_change = IFF_UP};
	struct rtnl_msg m;

	rtnl_init(&m, RTM_NEWLINK, 0, &ifi, sizeof(ifi));
	return rtnl_call(fd, &m, NULL, NULL);
}

/* Before: the device exists, the new name is free in the container (a template is the kernel's
 * to resolve); its addresses are saved, then it moves. */
static int move_link_checked(int host, int ctr, int nsfd, const char *to, struct addr_list *l)
{
	int ignored, r;

	if (l->ifindex == 0)
		return -ENODEV;
	if (strchr(to, '%') == NULL && link_get(ctr, 0, to, &ignored) == 0)
		return -EEXIST;
	r = save_addrs(host, l);
	return r < 0 ? r : move_link(host, l->ifindex, nsfd, to);
}

/* After: found by its index, which a move keeps unless it is taken there, else by name. */
static int configure_moved(int ctr, const char *to, const struct addr_list *l)
{
	int index = 0, r = link_get(ctr, l->ifindex, NULL, &index);

	if (r == -ENODEV && strchr(to, '%') == NULL)
		r = link_get(ctr, 0, to, &index);
	for (size_t i = 0; r == 0 && i < l->len; i++)
		r = add_addr(ctr, index, &l->a[i]);
	return r == 0 ? link_up(ctr, index) : r;
}

static int move_one(int host, int ctr, int nsfd, const char *from, const char *to,
		    struct sheep_err **err)
{
	_cleanup_free_ struct addr_list *l = calloc(1, sizeof(*l));
	int r;

	if (l == NULL)
		return sheep_err_set(err, ENOMEM, "network device '%s'", from);
	l->ifindex = (int)if_nametoindex(from);
	r = move_link_checked(host, ctr, nsfd, to, l);
	if (r < 0)
		return sheep_err_set(err, -r, "move network device '%s' into the container as '%s'",
				     from, to);
	r = configure_moved(ctr, to, l);
	if (r < 0)
		return sheep_err_set(err, -r, "set up network device '%s' in the container", to);
	return 0;
}

int sheep_netdev_move(const struct oci_net_devices *devs, pid_t pid, struct sheep_err **err)
{
	_cleanup_close_ int host = -1, ctr = -1, nsfd = -1;
	char path[64];

	if (devs == NULL || devs->len == 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		return sheep_err_set(err, errno, "open '%s'", path);
	if ((host = rtnl_open(err)) < 0 || (ctr = rtnl_open_in(pid, err)) < 0)
		return -1;
	for (size_t i = 0; i < devs->len; i++) {
		const char *to = devs->names[i] ? devs->names[i] : devs->host_names[i];

		if (move_one(host, ctr, nsfd, devs->host_names[i], to, err) < 0)
			return sheep_err_wrap(err, "linux.netDevices");
	}
	return 0;
}
