/* sheep-net's own nftables table `ip sheep`: NAT for every network, published ports as map
 * elements. It never touches another table. libnftables is used only to change things; whether
 * the table is there is asked over nfnetlink directly (context creation costs milliseconds). */
#ifndef SHEEP_NET_NFT_H
#define SHEEP_NET_NFT_H

#include "net/nl.h"

#define SHEEP_NFT_TABLE "sheep"

/* 1: table present and complete (every rule of every chain, hence every chain and set), 0: missing,
 * flushed or damaged, -1: error. */
int sheep_nft_table_ok(struct sheep_err **err);

/* Script builders (text for libnftables), exposed for the unit tests. Returned strings are
 * malloc'd. `table` replaces the whole table atomically (add + delete + define). */
char *sheep_nft_script_table(void);
/* Appends the elements of a network (subnet, bridge) to a script stream. */
void sheep_nft_script_network(FILE *f, const struct sheep_net_network *net);
/* Appends "<verb> element" lines for a container's ports (verb: create, add or delete). */
void sheep_nft_script_ports(FILE *f, const char *verb, uint32_t addr,
			    const struct sheep_net_port *p, size_t n);

/* Runs a script in one transaction. Error text is nft's first message line. */
int sheep_nft_run(const char *script, struct sheep_err **err);
/* Deletes port elements; elements already gone count as deleted. */
int sheep_nft_ports_delete(uint32_t addr, const struct sheep_net_port *p, size_t n,
			   struct sheep_err **err);

/* After a failed publish: names the first of p already published ("host port 8080/tcp is
 * already published") in *err instead of nft's "File exists"; leaves *err alone otherwise. */
void sheep_nft_ports_explain(const struct sheep_net_port *p, size_t n, struct sheep_err **err);

#endif
