/* IPAM: one lease store per network in DIR/NAME/ (leases file + lock file). A store is open only
 * while its exclusive flock is held; every change is written atomically (temp file + rename). */
#ifndef SHEEP_NET_IPAM_H
#define SHEEP_NET_IPAM_H

#include "net/net.h"

struct sheep_ipam {
	struct sheep_net_network net;
	uint32_t last; /* last address handed out; allocation continues after it */
	struct sheep_net_lease *leases;
	size_t len;
	int dirfd;
	int lockfd;
	bool dirty;
};

/* Next free address after last in net's range, wrapping, skipping the gateway, the network and
 * broadcast addresses and everything in used (n entries, any order). -1 with errno ENOSPC when
 * the network is full. */
int sheep_ipam_next_free(const struct sheep_net_network *net, uint32_t last, const uint32_t *used,
			 size_t n, uint32_t *ret);

/* Loads dir/name, holding its lock until close when lock is set (readers that only look, like
 * reload and ls, rely on the atomic rename instead). A store that does not exist yet is created
 * for def (NULL: ENOENT error "network 'NAME': unknown network"). If def differs from the stored
 * network, the stored one wins unless it has no leases. */
int sheep_ipam_open(const char *dir, const char *name, const struct sheep_net_network *def,
		    bool lock, struct sheep_ipam **ret, struct sheep_err **err);
/* Adds a lease for tmpl->id with the next free address (copied into *ret_addr). ENOSPC error:
 * "network 'NAME': no free address in A.B.C.D/N"; EEXIST when the id already has a lease. */
int sheep_ipam_alloc(struct sheep_ipam *s, const struct sheep_net_lease *tmpl, uint32_t *ret_addr,
		     struct sheep_err **err);
struct sheep_net_lease *sheep_ipam_find(struct sheep_ipam *s, const char *id);
/* Removes id's lease, moving it to *ret_old if not NULL (caller clears it). 1 removed, 0 absent. */
int sheep_ipam_release(struct sheep_ipam *s, const char *id, struct sheep_net_lease *ret_old);
/* Writes the store if it changed. */
int sheep_ipam_save(struct sheep_ipam *s, struct sheep_err **err);
/* Unlocks and frees (NULL is fine). Unsaved changes are dropped. */
void sheep_ipam_close(struct sheep_ipam *s);
static inline void sheep_ipam_closep(struct sheep_ipam **s)
{
	sheep_ipam_close(*s);
}
#define _cleanup_ipam_ __attribute__((cleanup(sheep_ipam_closep)))

/* Text form of the store, exposed for the unit tests. */
char *sheep_ipam_format(const struct sheep_ipam *s);
int sheep_ipam_parse(struct sheep_ipam *s, char *text, struct sheep_err **err);

#endif
