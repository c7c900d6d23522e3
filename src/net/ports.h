/* --publish [HOSTIP:]HOSTPORT:CTRPORT[/tcp|udp] and the lease file form of a port list. */
#ifndef SHEEP_NET_PORTS_H
#define SHEEP_NET_PORTS_H

#include "net/net.h"

int sheep_net_port_parse(const char *spec, struct sheep_net_port *ret, struct sheep_err **err);
/* "HOSTIP:HOSTPORT:CTRPORT/PROTO" (HOSTIP 0.0.0.0 when any) into buf; returns buf. */
const char *sheep_net_port_format(const struct sheep_net_port *p, char buf[48]);
/* Comma-separated list, "-" when empty (the lease file's field). */
int sheep_net_ports_parse_list(const char *s, struct sheep_net_port **ret, size_t *ret_len,
			       struct sheep_err **err);
char *sheep_net_ports_format_list(const struct sheep_net_port *p, size_t n);

#endif
