/* Unit tests for sheep-net's rtnetlink builders: each message is built into a buffer and parsed
 * back with mnl_attr_*, no kernel involved. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include <cmocka.h>

#include "net/nl.h"

static char buf[4096] __attribute__((aligned(8)));

static struct nlmsghdr *fresh(uint16_t type)
{
	struct nlmsghdr *nlh;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	return nlh;
}

/* Collects attributes of one nesting level by type. */
static int collect(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_get_type(a) < 64)
		tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

static void test_veth(void **state)
{
	struct nlmsghdr *nlh = fresh(RTM_NEWLINK);
	const struct nlattr *tb[64] = {0}, *info[64] = {0}, *data[64] = {0}, *peer[64] = {0};
	const struct ifinfomsg *pifi;

	sheep_nl_put_veth(nlh, "sh0123456789ab", "eth0", 5, 9, 1400);
	assert_int_equal(mnl_attr_parse(nlh, sizeof(struct ifinfomsg), collect, tb), MNL_CB_OK);
	assert_string_equal(mnl_attr_get_str(tb[IFLA_IFNAME]), "sh0123456789ab");
	assert_int_equal(mnl_attr_get_u32(tb[IFLA_MASTER]), 5);
	assert_int_equal(mnl_attr_get_u32(tb[IFLA_MTU]), 1400);
	mnl_attr_parse_nested(tb[IFLA_LINKINFO], collect, info);
	assert_string_equal(mnl_attr_get_str(info[IFLA_INFO_KIND]), "veth");
	mnl_attr_parse_nested(info[IFLA_INFO_DATA], collect, data);
	assert_non_null(data[VETH_INFO_PEER]);
	/* the peer nest starts with its own ifinfomsg, then the peer's attributes */
	pifi = mnl_attr_get_payload(data[VETH_INFO_PEER]);
	assert_int_equal(pifi->ifi_family, AF_UNSPEC);
	assert_int_equal(
	    mnl_attr_parse_payload((const char *)pifi + sizeof(*pifi),
				   mnl_attr_get_payload_len(data[VETH_INFO_PEER]) - sizeof(*pifi),
				   collect, peer),
	    MNL_CB_OK);
	assert_string_equal(mnl_attr_get_str(peer[IFLA_IFNAME]), "eth0");
	assert_int_equal(mnl_attr_get_u32(peer[IFLA_NET_NS_FD]), 9);
	assert_int_equal(mnl_attr_get_u32(peer[IFLA_MTU]), 1400);
	/* mtu 0: the kernel's default, no attribute on either end */
	nlh = fresh(RTM_NEWLINK);
	sheep_nl_put_veth(nlh, "sh0123456789ab", "eth0", 5, 9, 0);
	memset(tb, 0, sizeof(tb));
	mnl_attr_parse(nlh, sizeof(struct ifinfomsg), collect, tb);
	assert_null(tb[IFLA_MTU]);
	/* kernel 6.18: never IFF_UP together with IFLA_MASTER */
	assert_int_equal(((struct ifinfomsg *)mnl_nlmsg_get_payload(nlh))->ifi_change & IFF_UP, 0);
}

static void test_hairpin(void **state)
{
	struct nlmsghdr *nlh = fresh(RTM_NEWLINK);
	const struct nlattr *tb[64] = {0}, *info[64] = {0}, *data[64] = {0};

	sheep_nl_put_hairpin(nlh, "sh0123456789ab");
	mnl_attr_parse(nlh, sizeof(struct ifinfomsg), collect, tb);
	assert_string_equal(mnl_attr_get_str(tb[IFLA_IFNAME]), "sh0123456789ab");
	mnl_attr_parse_nested(tb[IFLA_LINKINFO], collect, info);
	assert_null(info[IFLA_INFO_KIND]); /* the veth is changed, not created */
	assert_string_equal(mnl_attr_get_str(info[IFLA_INFO_SLAVE_KIND]), "bridge");
	mnl_attr_parse_nested(info[IFLA_INFO_SLAVE_DATA], collect, data);
	assert_int_equal(mnl_attr_get_u8(data[IFLA_BRPORT_MODE]), 1);
}

static void test_bridge(void **state)
{
	static const uint8_t mac[6] = {2, 1, 2, 3, 4, 5};
	struct nlmsghdr *nlh = fresh(RTM_NEWLINK);
	const struct nlattr *tb[64] = {0}, *info[64] = {0};

	sheep_nl_put_bridge(nlh, "sheep0", mac);
	mnl_attr_parse(nlh, sizeof(struct ifinfomsg), collect, tb);
	assert_string_equal(mnl_attr_get_str(tb[IFLA_IFNAME]), "sheep0");
	assert_int_equal(mnl_attr_get_payload_len(tb[IFLA_ADDRESS]), 6);
	assert_memory_equal(mnl_attr_get_payload(tb[IFLA_ADDRESS]), mac, 6);
	mnl_attr_parse_nested(tb[IFLA_LINKINFO], collect, info);
	assert_string_equal(mnl_attr_get_str(info[IFLA_INFO_KIND]), "bridge");
}

static void test_link_set(void **state)
{
	struct nlmsghdr *nlh = fresh(RTM_NEWLINK);
	const struct nlattr *tb[64] = {0};
	struct ifinfomsg *ifi;

	sheep_nl_put_link_set(nlh, 0, "sh0123456789ab", "web1", true);
	ifi = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ifi->ifi_index, 0);
	assert_int_equal(ifi->ifi_change, IFF_UP);
	assert_int_equal(ifi->ifi_flags, IFF_UP);
	mnl_attr_parse(nlh, sizeof(*ifi), collect, tb);
	assert_string_equal(mnl_attr_get_str(tb[IFLA_IFNAME]), "sh0123456789ab");
	assert_string_equal(mnl_attr_get_str(tb[IFLA_IFALIAS]), "web1");
	nlh = fresh(RTM_NEWLINK);
	memset(tb, 0, sizeof(tb));
	sheep_nl_put_link_set(nlh, 7, NULL, NULL, true);
	mnl_attr_parse(nlh, sizeof(*ifi), collect, tb);
	assert_int_equal(((struct ifinfomsg *)mnl_nlmsg_get_payload(nlh))->ifi_index, 7);
	assert_null(tb[IFLA_IFNAME]);
}

static void test_addr_route(void **state)
{
	struct nlmsghdr *nlh = fresh(RTM_NEWADDR);
	const struct nlattr *tb[64] = {0};
	struct ifaddrmsg *ifa;
	struct rtmsg *rtm;

	sheep_nl_put_addr(nlh, 3, 0x0a140005, 16, 0x0a14ffff);
	ifa = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ifa->ifa_family, AF_INET);
	assert_int_equal(ifa->ifa_prefixlen, 16);
	assert_int_equal(ifa->ifa_index, 3);
	mnl_attr_parse(nlh, sizeof(*ifa), collect, tb);
	assert_int_equal(mnl_attr_get_u32(tb[IFA_LOCAL]), htonl(0x0a140005));
	assert_int_equal(mnl_attr_get_u32(tb[IFA_BROADCAST]), htonl(0x0a14ffff));
	nlh = fresh(RTM_NEWROUTE);
	memset(tb, 0, sizeof(tb));
	sheep_nl_put_default_route(nlh, 0x0a140001);
	rtm = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(rtm->rtm_dst_len, 0);
	assert_int_equal(rtm->rtm_table, RT_TABLE_MAIN);
	mnl_attr_parse(nlh, sizeof(*rtm), collect, tb);
	assert_int_equal(mnl_attr_get_u32(tb[RTA_GATEWAY]), htonl(0x0a140001));
}

static void test_batch_and_parse(void **state)
{
	static struct sheep_nl_batch b;
	struct nlmsghdr *m1, *m2;
	struct sheep_nl_link l;

	m1 = sheep_nl_batch_add(&b, RTM_NEWLINK, NLM_F_CREATE, "create veth", "shX");
	sheep_nl_put_link_set(m1, 0, "shX", "web1", false);
	mnl_attr_put_u32(m1, IFLA_MTU, 1400);
	m2 = sheep_nl_batch_add(&b, RTM_NEWLINK, 0, "set link up", "shX");
	/* the second request starts right after the first one's aligned end */
	assert_ptr_equal((char *)m2, (char *)m1 + MNL_ALIGN(m1->nlmsg_len));
	assert_int_equal(m1->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE);
	assert_string_equal(b.req[1].op, "set link up");
	assert_int_equal(b.n, 2);
	assert_int_equal(sheep_nl_parse_link(m1, &l), 0);
	assert_string_equal(l.name, "shX");
	assert_string_equal(l.alias, "web1");
	assert_int_equal(l.mtu, 1400);
	m1->nlmsg_type = RTM_NEWADDR;
	assert_int_equal(sheep_nl_parse_link(m1, &l), -1);
	for (int i = 2; i < SHEEP_NL_BATCH_MAX; i++)
		assert_non_null(sheep_nl_batch_add(&b, RTM_NEWLINK, 0, "x", "y"));
	assert_null(sheep_nl_batch_add(&b, RTM_NEWLINK, 0, "x", "y"));
}

static void test_parse_peer(void **state)
{
	struct nlmsghdr *nlh = fresh(RTM_NEWLINK);
	struct sheep_nl_link l;

	sheep_nl_put_link_set(nlh, 7, NULL, "web1", false);
	assert_int_equal(sheep_nl_parse_link(nlh, &l), 0);
	assert_int_equal(l.peer_nsid, SHEEP_NL_NSID_NONE); /* absent: not a cross-namespace pair */
	mnl_attr_put_u32(nlh, IFLA_LINK, 2);
	mnl_attr_put_u32(nlh, IFLA_LINK_NETNSID, (uint32_t)-1);
	assert_int_equal(sheep_nl_parse_link(nlh, &l), 0);
	assert_int_equal(l.peer_ifindex, 2);
	assert_int_equal(l.peer_nsid, -1); /* a dying namespace the kernel no longer numbers */
}

static struct nlmsghdr *route(uint8_t family, uint8_t dst_len, uint8_t type, uint32_t table)
{
	struct nlmsghdr *nlh = fresh(RTM_NEWROUTE);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	rtm->rtm_family = family;
	rtm->rtm_dst_len = dst_len;
	rtm->rtm_type = type;
	rtm->rtm_table = RT_TABLE_UNSPEC;
	mnl_attr_put_u32(nlh, RTA_TABLE, table);
	return nlh;
}

static void test_parse_route(void **state)
{
	struct nlmsghdr *nlh = route(AF_INET, 0, RTN_UNICAST, RT_TABLE_MAIN);
	struct sheep_nl_route r;
	struct rtnexthop *hop;
	struct nlattr *nest;

	mnl_attr_put_u32(nlh, RTA_OIF, 3);
	mnl_attr_put_u32(nlh, RTA_PRIORITY, 100);
	nest = mnl_attr_nest_start(nlh, RTA_METRICS);
	mnl_attr_put_u32(nlh, RTAX_MTU, 1300);
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(sheep_nl_parse_route(nlh, &r), 0);
	assert_true(r.is_default_main);
	assert_int_equal(r.oif, 3);
	assert_int_equal(r.metric, 100);
	assert_int_equal(r.mtu, 1300);
	/* multipath: the first hop's link */
	nlh = route(AF_INET, 0, RTN_UNICAST, RT_TABLE_MAIN);
	hop = &(struct rtnexthop){.rtnh_len = sizeof(*hop), .rtnh_ifindex = 9};
	mnl_attr_put(nlh, RTA_MULTIPATH, sizeof(*hop), hop);
	assert_int_equal(sheep_nl_parse_route(nlh, &r), 0);
	assert_int_equal(r.oif, 9);
	assert_int_equal(r.mtu, 0);
	/* not the IPv4 default route of the main table */
	assert_int_equal(sheep_nl_parse_route(route(AF_INET, 8, RTN_UNICAST, 254), &r), 0);
	assert_false(r.is_default_main);
	assert_int_equal(sheep_nl_parse_route(route(AF_INET, 0, RTN_UNICAST, 100), &r), 0);
	assert_false(r.is_default_main);
	assert_int_equal(sheep_nl_parse_route(route(AF_INET6, 0, RTN_UNICAST, 254), &r), 0);
	assert_false(r.is_default_main);
	assert_int_equal(sheep_nl_parse_route(route(AF_INET, 0, RTN_UNREACHABLE, 254), &r), 0);
	assert_false(r.is_default_main);
	assert_int_equal(sheep_nl_parse_route(fresh(RTM_NEWLINK), &r), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_veth),       cmocka_unit_test(test_bridge),
	    cmocka_unit_test(test_hairpin),    cmocka_unit_test(test_link_set),
	    cmocka_unit_test(test_addr_route), cmocka_unit_test(test_batch_and_parse),
	    cmocka_unit_test(test_parse_peer), cmocka_unit_test(test_parse_route),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
