/* Published ports: parsing the --publish syntax and the compact list kept in lease files. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/ports.h"
#include "util/cleanup.h"

static int parse_port(const char *s, uint16_t *ret)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || v == 0 || v > 65535)
		return -1;
	*ret = (uint16_t)v;
	return 0;
}

int sheep_net_port_parse(const char *spec, struct sheep_net_port *ret, struct sheep_err **err)
{
	char buf[64], *proto, *f[3];
	size_t n = 0;

	memset(ret, 0, sizeof(*ret));
	ret->proto = IPPROTO_TCP;
	if (strlen(spec) >= sizeof(buf))
		return sheep_err_set(err, 0, "invalid port '%s'", spec);
	strcpy(buf, spec);
	proto = strchr(buf, '/');
	if (proto != NULL) {
		*proto++ = '\0';
		if (strcmp(proto, "udp") == 0)
			ret->proto = IPPROTO_UDP;
		else if (strcmp(proto, "tcp") != 0)
			return sheep_err_set(
			    err, 0, "invalid port '%s': protocol must be tcp or udp", spec);
	}
	for (char *p = buf, *colon; n < 3; p = colon + 1) {
		f[n++] = p;
		colon = strchr(p, ':');
		if (colon == NULL)
			break;
		*colon = '\0';
		if (n == 3)
			return sheep_err_set(err, 0, "invalid port '%s'", spec);
	}
	if (n < 2)
		return sheep_err_set(err, 0,
				     "invalid port '%s': expected [HOSTIP:]HOSTPORT:CTRPORT", spec);
	if (n == 3 && sheep_net_aton(f[0], &ret->host_ip) < 0)
		return sheep_err_set(err, 0, "invalid port '%s': bad host address '%s'", spec,
				     f[0]);
	if (parse_port(f[n - 2], &ret->host_port) < 0 || parse_port(f[n - 1], &ret->ctr_port) < 0)
		return sheep_err_set(err, 0, "invalid port '%s': ports are 1..65535", spec);
	return 0;
}

const char *sheep_net_port_format(const struct sheep_net_port *p, char buf[48])
{
	char ip[16];

	snprintf(buf, 48, "%s:%u:%u/%s", sheep_net_ntoa(p->host_ip, ip), p->host_port, p->ctr_port,
		 p->proto == IPPROTO_UDP ? "udp" : "tcp");
	return buf;
}

int sheep_net_ports_parse_list(const char *s, struct sheep_net_port **ret, size_t *ret_len,
			       struct sheep_err **err)
{
	_cleanup_free_ char *copy = NULL;
	_cleanup_free_ struct sheep_net_port *v = NULL;
	size_t n = 0, cap = 1;
	char *save = NULL;

	*ret = NULL;
	*ret_len = 0;
	if (strcmp(s, "-") == 0)
		return 0;
	for (const char *c = s; *c != '\0'; c++)
		cap += *c == ',';
	copy = strdup(s);
	v = calloc(cap, sizeof(*v));
	if (copy == NULL || v == NULL)
		return sheep_err_set(err, ENOMEM, "parse ports");
	for (char *t = strtok_r(copy, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save))
		if (n >= cap || sheep_net_port_parse(t, &v[n++], err) < 0)
			return sheep_err_set(err, 0, "invalid port list '%s'", s);
	*ret = TAKE_PTR(v);
	*ret_len = n;
	return 0;
}

char *sheep_net_ports_format_list(const struct sheep_net_port *p, size_t n)
{
	char *out = malloc(n * 48 + 2), buf[48];
	size_t len = 0;

	if (out == NULL)
		return NULL;
	strcpy(out, "-");
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(out + len, "%s%s", i ? "," : "",
				       sheep_net_port_format(&p[i], buf));
	return out;
}
