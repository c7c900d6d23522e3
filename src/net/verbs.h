/* sheep-net's verbs: up and down (the OCI hooks), gc, reload and ls (administration). Each
 * returns 0 or -1 with *err set; only main.c prints. */
#ifndef SHEEP_NET_VERBS_H
#define SHEEP_NET_VERBS_H

#include <stdio.h>
#include <sys/types.h>

#include "net/ipam.h"
#include "net/net.h"

struct sheep_net_opts {
	const char *run_dir;	      /* lease stores, default SHEEP_NET_RUN_DIR */
	const char *network;	      /* --network, default sheep0 */
	const char *subnet;	      /* --subnet A.B.C.D/N for a network other than sheep0 */
	struct sheep_net_port *ports; /* --publish */
	size_t ports_len;
};

int sheep_net_up(const struct sheep_net_opts *o, const char *id, pid_t pid, struct sheep_err **err);
int sheep_net_down(const struct sheep_net_opts *o, const char *id, struct sheep_err **err);
/* Reclaims what belongs to containers that no longer exist; *ret_reclaimed counts leases. */
int sheep_net_gc(const struct sheep_net_opts *o, size_t *ret_reclaimed, struct sheep_err **err);
int sheep_net_reload(const struct sheep_net_opts *o, struct sheep_err **err);
int sheep_net_ls(const struct sheep_net_opts *o, FILE *out, struct sheep_err **err);

/* Shared by the verbs (state.c). */
int sheep_net_lock_nft(const char *run_dir, struct sheep_err **err);
/* Under the nft lock: the table exists (rebuilt from every lease store if not) and holds net. */
int sheep_net_nft_ensure(const char *run_dir, const struct sheep_net_network *net, bool new_net,
			 struct sheep_err **err);
/* Re-creates the table with every network's and lease's elements; caller holds the nft lock. */
int sheep_net_nft_rebuild(const char *run_dir, struct sheep_err **err);
/* Reclaims the dead leases of one locked store (ports, veth, lease); saves it. */
int sheep_net_gc_store(struct sheep_ipam *s, const char *run_dir, size_t *ret_reclaimed,
		       struct sheep_err **err);
/* Reads /proc/PID: the start time (field 22 of stat) and the network namespace inode. */
int sheep_net_proc_identity(pid_t pid, uint64_t *ret_start, uint64_t *ret_netns_ino);

#endif
