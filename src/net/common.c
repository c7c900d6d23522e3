/* Small helpers shared by every part of sheep-net: address text, subnets, ids, and the names and
 * MACs derived from them. Pure functions, no I/O. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"

const char *sheep_net_ntoa(uint32_t a, char buf[16])
{
	snprintf(buf, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
	return buf;
}

int sheep_net_aton(const char *s, uint32_t *ret)
{
	uint32_t a = 0;

	for (int i = 0; i < 4; i++) {
		char *end;
		unsigned long v;

		if (*s < '0' || *s > '9')
			return -1;
		v = strtoul(s, &end, 10);
		if (v > 255 || end - s > 3 || (i < 3 && *end != '.') || (i == 3 && *end != '\0'))
			return -1;
		a = (a << 8) | (uint32_t)v;
		s = end + 1;
	}
	*ret = a;
	return 0;
}

void sheep_net_default(struct sheep_net_network *ret)
{
	memset(ret, 0, sizeof(*ret));
	strcpy(ret->name, SHEEP_NET_DEFAULT);
	ret->subnet = SHEEP_NET_DEFAULT_SUBNET;
	ret->prefix = SHEEP_NET_DEFAULT_PREFIX;
}

int sheep_net_parse_subnet(const char *name, const char *cidr, struct sheep_net_network *ret,
			   struct sheep_err **err)
{
	char buf[32], *slash, *end;
	unsigned long len;
	uint32_t a;

	if (strlen(cidr) >= sizeof(buf))
		return sheep_err_set(err, 0, "invalid subnet '%s'", cidr);
	strcpy(buf, cidr);
	slash = strchr(buf, '/');
	if (slash == NULL)
		return sheep_err_set(err, 0, "invalid subnet '%s': expected ADDRESS/LENGTH", cidr);
	*slash = '\0';
	len = strtoul(slash + 1, &end, 10);
	if (sheep_net_aton(buf, &a) < 0 || *end != '\0' || slash[1] == '\0' || len < 8 || len > 30)
		return sheep_err_set(err, 0, "invalid subnet '%s': expected ADDRESS/8..30", cidr);
	if ((a & ~(0xffffffffu << (32 - len))) != 0)
		return sheep_err_set(err, 0, "invalid subnet '%s': host bits set", cidr);
	memset(ret, 0, sizeof(*ret));
	snprintf(ret->name, sizeof(ret->name), "%s", name);
	ret->subnet = a;
	ret->prefix = (unsigned int)len;
	return 0;
}

bool sheep_net_id_valid(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > 1024)
		return false;
	return strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+.-") ==
	       n;
}

static uint64_t fnv1a64(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull;
	}
	return h;
}

void sheep_net_veth_name(const char *id, char ret[SHEEP_NET_IFNAMSIZ])
{
	snprintf(ret, SHEEP_NET_IFNAMSIZ, "sh%012llx",
		 (unsigned long long)(fnv1a64(id) & 0xffffffffffffull));
}

void sheep_net_bridge_mac(const char *name, uint8_t ret[6])
{
	uint64_t h = fnv1a64(name);

	ret[0] = 0x02; /* locally administered, unicast */
	for (int i = 1; i < 6; i++)
		ret[i] = (uint8_t)(h >> (8 * i));
}

void sheep_net_lease_clear(struct sheep_net_lease *l)
{
	free(l->id);
	free(l->ports);
	memset(l, 0, sizeof(*l));
}
