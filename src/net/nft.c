/* The `ip sheep` nftables table. One postrouting rule masquerades every sheep network's traffic
 * leaving through a non-sheep interface (sets of subnets and bridges, so the rule exists once
 * however many networks and containers there are); published ports are map elements looked up
 * by prerouting (other hosts, containers) and output (the host itself). */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <netinet/in.h>
#include <nftables/libnftables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/nft.h"
#include "util/cleanup.h"

static const char table_body[] =
    "table ip " SHEEP_NFT_TABLE " {\n"
    "\tset subnets { type ipv4_addr; flags interval; }\n"
    "\tset bridges { type ifname; }\n"
    "\tmap tcp_any { type inet_service : ipv4_addr . inet_service; }\n"
    "\tmap tcp_addr { type ipv4_addr . inet_service : ipv4_addr . inet_service; }\n"
    "\tmap udp_any { type inet_service : ipv4_addr . inet_service; }\n"
    "\tmap udp_addr { type ipv4_addr . inet_service : ipv4_addr . inet_service; }\n"
    /* route_localnet on the bridges (for 127.0.0.1:PORT) would also let a container send to
     * the host's 127.0.0.0/8 services: such packets are dropped before conntrack. Replies of
     * DNATed loopback connections still arrive for the bridge's address (masqueraded). */
    "\tchain localnet { type filter hook prerouting priority raw; policy accept;\n"
    "\t\tiifname @bridges ip daddr 127.0.0.0/8 drop\n"
    "\t\tiifname @bridges ip saddr 127.0.0.0/8 drop\n"
    "\t}\n"
    "\tchain prerouting { type nat hook prerouting priority dstnat; policy accept;\n"
    "\t\tfib daddr type local jump publish; }\n"
    "\tchain output { type nat hook output priority -100; policy accept;\n"
    "\t\tfib daddr type local jump publish; }\n"
    "\tchain publish {\n"
    "\t\tdnat to ip daddr . tcp dport map @tcp_addr\n"
    "\t\tdnat to tcp dport map @tcp_any\n"
    "\t\tdnat to ip daddr . udp dport map @udp_addr\n"
    "\t\tdnat to udp dport map @udp_any\n"
    "\t}\n"
    "\tchain postrouting { type nat hook postrouting priority srcnat; policy accept;\n"
    /* the one MASQUERADE for traffic leaving the sheep networks */
    "\t\tip saddr @subnets oifname != @bridges masquerade\n"
    /* hairpin: a container reaching a published port of another one through the host */
    "\t\tip saddr @subnets oifname @bridges ct status dnat masquerade\n"
    /* 127.0.0.1:PORT from the host (route_localnet lets it leave through the bridge) */
    "\t\tip saddr 127.0.0.0/8 oifname @bridges masquerade\n"
    "\t}\n"
    "}\n";

char *sheep_nft_script_table(void)
{
	char *s = NULL;

	if (asprintf(&s, "table ip %s\ndelete table ip %s\n%s", SHEEP_NFT_TABLE, SHEEP_NFT_TABLE,
		     table_body) < 0)
		return NULL;
	return s;
}

void sheep_nft_script_network(FILE *f, const struct sheep_net_network *net)
{
	char a[16];

	fprintf(f, "add element ip %s subnets { %s/%u }\n", SHEEP_NFT_TABLE,
		sheep_net_ntoa(net->subnet, a), net->prefix);
	fprintf(f, "add element ip %s bridges { \"%s\" }\n", SHEEP_NFT_TABLE, net->name);
}

static void port_element(FILE *f, const char *verb, uint32_t addr, const struct sheep_net_port *p)
{
	const char *proto = p->proto == IPPROTO_UDP ? "udp" : "tcp";
	char hip[16], cip[16];

	fprintf(f, "%s element ip %s %s_%s { ", verb, SHEEP_NFT_TABLE, proto,
		p->host_ip ? "addr" : "any");
	if (p->host_ip)
		fprintf(f, "%s . ", sheep_net_ntoa(p->host_ip, hip));
	fprintf(f, "%u", p->host_port);
	if (strcmp(verb, "delete") != 0 && strcmp(verb, "get") != 0)
		fprintf(f, " : %s . %u", sheep_net_ntoa(addr, cip), p->ctr_port);
	fputs(" }\n", f);
}

void sheep_nft_script_ports(FILE *f, const char *verb, uint32_t addr,
			    const struct sheep_net_port *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		port_element(f, verb, addr, &p[i]);
}

/* libnftables and its five dependencies are loaded only when a change is due: most `up`s (no
 * published port, table present) and `down`s never need them, and loading costs a process
 * startup a third of a millisecond. The prototypes come from the header, so types are checked. */
static struct {
	__typeof__(nft_ctx_new) *ctx_new;
	__typeof__(nft_ctx_free) *ctx_free;
	__typeof__(nft_ctx_buffer_output) *buffer_output;
	__typeof__(nft_ctx_buffer_error) *buffer_error;
	__typeof__(nft_run_cmd_from_buffer) *run_cmd;
	__typeof__(nft_ctx_get_error_buffer) *error_buffer;
} lib;

static int nft_load(struct sheep_err **err)
{
	void *h;

	if (lib.run_cmd != NULL)
		return 0;
	h = dlopen("libnftables.so.1", RTLD_NOW | RTLD_LOCAL);
	if (h == NULL)
		return sheep_err_set(err, 0, "nft: load 'libnftables.so.1': %s", dlerror());
	lib.ctx_new = (__typeof__(lib.ctx_new))dlsym(h, "nft_ctx_new");
	lib.ctx_free = (__typeof__(lib.ctx_free))dlsym(h, "nft_ctx_free");
	lib.buffer_output = (__typeof__(lib.buffer_output))dlsym(h, "nft_ctx_buffer_output");
	lib.buffer_error = (__typeof__(lib.buffer_error))dlsym(h, "nft_ctx_buffer_error");
	lib.error_buffer = (__typeof__(lib.error_buffer))dlsym(h, "nft_ctx_get_error_buffer");
	lib.run_cmd = (__typeof__(lib.run_cmd))dlsym(h, "nft_run_cmd_from_buffer");
	if (!lib.ctx_new || !lib.ctx_free || !lib.buffer_output || !lib.buffer_error ||
	    !lib.error_buffer || !lib.run_cmd) {
		lib.run_cmd = NULL;
		return sheep_err_set(err, 0, "nft: load 'libnftables.so.1': missing symbols");
	}
	return 0;
}

static void nft_ctx_freep(struct nft_ctx **c)
{
	if (*c != NULL)
		lib.ctx_free(*c);
}

int sheep_nft_run(const char *script, struct sheep_err **err)
{
	__attribute__((cleanup(nft_ctx_freep))) struct nft_ctx *ctx = NULL;
	const char *msg;
	size_t len;

	if (nft_load(err) < 0)
		return -1;
	ctx = lib.ctx_new(NFT_CTX_DEFAULT);
	if (ctx == NULL)
		return sheep_err_set(err, ENOMEM, "nft: create context");
	if (lib.buffer_output(ctx) < 0 || lib.buffer_error(ctx) < 0)
		return sheep_err_set(err, ENOMEM, "nft: buffer output");
	if (lib.run_cmd(ctx, script) == 0)
		return 0;
	msg = lib.error_buffer(ctx);
	if (msg == NULL)
		msg = "failed";
	if (strncmp(msg, "Error: ", 7) == 0)
		msg += 7;
	len = strcspn(msg, "\n");
	return sheep_err_set(err, 0, "nft: %.*s", (int)len, msg);
}

int sheep_nft_ports_delete(uint32_t addr, const struct sheep_net_port *p, size_t n,
			   struct sheep_err **err)
{
	_cleanup_free_ char *all = NULL;
	size_t size = 0;
	FILE *f;

	if (n == 0)
		return 0;
	f = open_memstream(&all, &size);
	if (f == NULL)
		return sheep_err_set(err, errno, "open_memstream");
	sheep_nft_script_ports(f, "delete", addr, p, n);
	fclose(f);
	if (sheep_nft_run(all, NULL) == 0)
		return 0;
	/* One transaction fails whole when any element is gone: retry one by one, missing is done. */
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *one = NULL;
		struct sheep_err *e = NULL;

		f = open_memstream(&one, &size);
		if (f == NULL)
			return sheep_err_set(err, errno, "open_memstream");
		sheep_nft_script_ports(f, "delete", addr, &p[i], 1);
		fclose(f);
		if (sheep_nft_run(one, &e) < 0 &&
		    strstr(e->msg, "No such file or directory") == NULL) {
			sheep_err_take(err, e->errnum, strdup(e->msg));
			sheep_err_free(e);
			return -1;
		}
		sheep_err_free(e);
	}
	return 0;
}

static bool port_taken(const struct sheep_net_port *p)
{
	_cleanup_free_ char *script = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&script, &size);

	if (f == NULL)
		return false;
	port_element(f, "get", 0, p);
	fclose(f);
	return sheep_nft_run(script, NULL) == 0;
}

static bool port_same(const struct sheep_net_port *a, const struct sheep_net_port *b)
{
	return a->proto == b->proto && a->host_port == b->host_port && a->host_ip == b->host_ip;
}

void sheep_nft_ports_explain(const struct sheep_net_port *p, size_t n, struct sheep_err **err)
{
	const char *why = NULL;
	char ip[20] = "";
	size_t i, j, k = 0;

	for (i = 0; why == NULL && i < n; i++)
		if (port_taken(&p[i]))
			why = "is already published", k = i;
	for (i = 0; why == NULL && i < n; i++)
		for (j = i + 1; why == NULL && j < n; j++)
			if (port_same(&p[i], &p[j]))
				why = "is given twice", k = i;
	if (why == NULL)
		return;
	p += k;
	if (p->host_ip != 0) {
		sheep_net_ntoa(p->host_ip, ip);
		strcat(ip, ":");
	}
	sheep_err_free(*err);
	*err = NULL;
	sheep_err_set(err, 0, "host port %s%u/%s %s", ip, p->host_port,
		      p->proto == IPPROTO_UDP ? "udp" : "tcp", why);
}

/* The rules each chain of table_body holds. Every set and non-base chain is referenced by one of
 * them, and nftables refuses to delete what a rule references, so all of them present means the
 * whole table is: `nft flush table` (rules gone, chains and sets kept) is caught too. */
static const struct {
	const char *chain;
	unsigned int rules;
} table_rules[] = {
    {"localnet", 2}, {"prerouting", 1}, {"output", 1}, {"publish", 4}, {"postrouting", 3},
};
#define TABLE_CHAINS (sizeof(table_rules) / sizeof(table_rules[0]))

static int rule_attr_cb(const struct nlattr *a, void *data)
{
	unsigned int *count = data;

	if (mnl_attr_get_type(a) != NFTA_RULE_CHAIN || mnl_attr_validate(a, MNL_TYPE_STRING) < 0)
		return MNL_CB_OK;
	for (size_t i = 0; i < TABLE_CHAINS; i++)
		if (strlen(table_rules[i].chain) + 1 == mnl_attr_get_payload_len(a) &&
		    memcmp(table_rules[i].chain, mnl_attr_get_str(a),
			   mnl_attr_get_payload_len(a)) == 0)
			count[i]++;
	return MNL_CB_OK;
}

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	if ((nlh->nlmsg_type & 0xff) == NFT_MSG_NEWRULE)
		mnl_attr_parse(nlh, sizeof(struct nfgenmsg), rule_attr_cb, data);
	return MNL_CB_OK;
}

int sheep_nft_table_ok(struct sheep_err **err)
{
	char buf[256] __attribute__((aligned(8)));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	unsigned int count[TABLE_CHAINS] = {0};
	struct sheep_nl nl = {0};
	struct nfgenmsg *g;
	int r;

	/* one dump of the table's rules: about as cheap as asking for the table itself */
	nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETRULE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = NFPROTO_IPV4;
	g->version = NFNETLINK_V0;
	mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, SHEEP_NFT_TABLE);
	if (sheep_nl_open(&nl, NETLINK_NETFILTER, err) < 0)
		return -1;
	r = sheep_nl_query(&nl, nlh, rule_cb, count);
	sheep_nl_close(&nl);
	if (r < 0 && errno != ENOENT)
		return sheep_err_set(err, errno, "list rules of nft table 'ip %s'",
				     SHEEP_NFT_TABLE);
	for (size_t i = 0; i < TABLE_CHAINS; i++)
		if (count[i] < table_rules[i].rules)
			return 0;
	return 1;
}
