/* sheep-net's shared vocabulary: a network (bridge + IPv4 subnet), a lease, a published port.
 * Addresses are IPv4 in host byte order throughout; conversion happens at the netlink/nft edge. */
#ifndef SHEEP_NET_NET_H
#define SHEEP_NET_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define SHEEP_NET_RUN_DIR "/run/sheep-net"
#define SHEEP_NET_DEFAULT "sheep0"
#define SHEEP_NET_DEFAULT_SUBNET 0x0a140000u /* 10.20.0.0 */
#define SHEEP_NET_DEFAULT_PREFIX 16
#define SHEEP_NET_IFNAMSIZ 16

struct sheep_net_network {
	char name[SHEEP_NET_IFNAMSIZ]; /* network name, also its bridge's name */
	uint32_t subnet;
	unsigned int prefix; /* 8..30 */
};

struct sheep_net_port {
	uint32_t host_ip; /* 0: every local address */
	uint16_t host_port;
	uint16_t ctr_port;
	uint8_t proto; /* IPPROTO_TCP or IPPROTO_UDP */
};

struct sheep_net_lease {
	char *id;
	uint32_t addr;
	uint64_t netns_ino; /* inode of the container's network namespace */
	int64_t created;    /* unix seconds */
	int64_t pid;	    /* the container's pid at `up`, with its start time against pid reuse */
	uint64_t start_time;
	struct sheep_net_port *ports;
	size_t ports_len;
};

static inline uint32_t sheep_net_gateway(const struct sheep_net_network *n)
{
	return n->subnet + 1;
}

static inline uint32_t sheep_net_broadcast(const struct sheep_net_network *n)
{
	return n->subnet | (0xffffffffu >> n->prefix);
}

/* "a.b.c.d" of a host-order address into buf (16 bytes). */
const char *sheep_net_ntoa(uint32_t addr, char buf[16]);
/* Parses "a.b.c.d" (strict, no trailing text). Returns 0 or -1. */
int sheep_net_aton(const char *s, uint32_t *ret);
/* Parses "a.b.c.d/len" into a network named name; the address must be the network address. */
int sheep_net_parse_subnet(const char *name, const char *cidr, struct sheep_net_network *ret,
			   struct sheep_err **err);
/* The default network: sheep0, 10.20.0.0/16. */
void sheep_net_default(struct sheep_net_network *ret);
/* Container ids as runc accepts them: [A-Za-z0-9_+.-], 1..1024 characters. */
bool sheep_net_id_valid(const char *id);
/* Host end of a container's veth: "sh" + 12 hex digits of a 64-bit FNV-1a hash of the id. */
void sheep_net_veth_name(const char *id, char ret[SHEEP_NET_IFNAMSIZ]);
/* A locally administered, stable MAC for a bridge (so its neighbours' caches stay valid). */
void sheep_net_bridge_mac(const char *name, uint8_t ret[6]);

void sheep_net_lease_clear(struct sheep_net_lease *l);

#endif
