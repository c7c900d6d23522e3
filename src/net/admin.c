/* `sheep-net gc`, `reload` and `ls`: administration over every network's lease store. gc trusts
 * the kernel (is the container's process, with its start time and namespace, still there?);
 * reload trusts the lease stores and rebuilds the nftables table from them. */
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "net/link.h"
#include "net/nft.h"
#include "net/ports.h"
#include "net/verbs.h"
#include "util/cleanup.h"

static void closedirp(DIR **d)
{
	if (*d != NULL)
		closedir(*d);
}

/* Calls fn for every network store in run_dir; a missing run_dir has none. */
static int each_network(const char *run_dir,
			int (*fn)(const char *name, void *data, struct sheep_err **err), void *data,
			struct sheep_err **err)
{
	__attribute__((cleanup(closedirp))) DIR *d = opendir(run_dir);
	struct dirent *de;

	if (d == NULL)
		return errno == ENOENT ? 0 : sheep_err_set(err, errno, "open '%s'", run_dir);
	while ((de = readdir(d)) != NULL)
		if (de->d_type == DT_DIR && de->d_name[0] != '.' && fn(de->d_name, data, err) < 0)
			return -1;
	return 0;
}

struct gc_ctx {
	const struct sheep_net_opts *o;
	size_t reclaimed;
	char **ids; /* every id with a lease after gc, for the veth sweep */
	size_t ids_len;
};

static int gc_one(const char *name, void *data, struct sheep_err **err)
{
	struct gc_ctx *g = data;
	_cleanup_ipam_ struct sheep_ipam *s = NULL;

	if (sheep_ipam_open(g->o->run_dir, name, NULL, true, &s, err) < 0 ||
	    sheep_net_gc_store(s, g->o->run_dir, &g->reclaimed, err) < 0)
		return sheep_err_wrap(err, "network '%s'", name);
	for (size_t i = 0; i < s->len; i++) {
		char **grown = realloc(g->ids, (g->ids_len + 1) * sizeof(*grown));

		if (grown == NULL)
			return sheep_err_set(err, ENOMEM, "gc");
		g->ids = grown;
		g->ids[g->ids_len] = strdup(s->leases[i].id);
		if (g->ids[g->ids_len++] == NULL)
			return sheep_err_set(err, ENOMEM, "gc");
	}
	return 0;
}

struct sweep {
	struct gc_ctx *g;
	char (*doomed)[SHEEP_NET_IFNAMSIZ];
	size_t n;
};

/* A host veth is ours only if its name is the hash of its alias: then an alias without a lease
 * is a leak (an up killed between creating the veth and rolling back). */
static int sweep_cb(const struct sheep_nl_link *l, void *data, struct sheep_err **err)
{
	struct sweep *sw = data;
	char want[SHEEP_NET_IFNAMSIZ], (*grown)[SHEEP_NET_IFNAMSIZ];

	if (l->alias[0] == '\0' || !sheep_net_id_valid(l->alias))
		return 0;
	sheep_net_veth_name(l->alias, want);
	if (strcmp(want, l->name) != 0)
		return 0;
	for (size_t i = 0; i < sw->g->ids_len; i++)
		if (strcmp(sw->g->ids[i], l->alias) == 0)
			return 0;
	grown = realloc(sw->doomed, (sw->n + 1) * sizeof(*grown));
	if (grown == NULL)
		return sheep_err_set(err, ENOMEM, "gc");
	sw->doomed = grown;
	strcpy(sw->doomed[sw->n++], l->name);
	return 0;
}

int sheep_net_gc(const struct sheep_net_opts *o, size_t *ret_reclaimed, struct sheep_err **err)
{
	struct gc_ctx g = {.o = o};
	struct sweep sw = {.g = &g};
	struct sheep_nl nl = {0};
	int r = each_network(o->run_dir, gc_one, &g, err);

	if (r == 0 && (r = sheep_nl_open(&nl, NETLINK_ROUTE, err)) == 0) {
		r = sheep_nl_link_dump(&nl, sweep_cb, &sw, err);
		for (size_t i = 0; r == 0 && i < sw.n; i++)
			r = sheep_link_delete(&nl, sw.doomed[i], err);
		sheep_nl_close(&nl);
	}
	for (size_t i = 0; i < g.ids_len; i++)
		free(g.ids[i]);
	free(g.ids);
	free(sw.doomed);
	*ret_reclaimed = g.reclaimed;
	return r < 0 ? sheep_err_wrap(err, "gc") : 0;
}

int sheep_net_reload(const struct sheep_net_opts *o, struct sheep_err **err)
{
	_cleanup_close_ int lock = sheep_net_lock_nft(o->run_dir, err);

	if (lock < 0 || sheep_net_nft_rebuild(o->run_dir, err) < 0)
		return sheep_err_wrap(err, "reload nft table 'ip %s'", SHEEP_NFT_TABLE);
	return 0;
}

struct ls_ctx {
	const struct sheep_net_opts *o;
	FILE *out;
};

static int ls_one(const char *name, void *data, struct sheep_err **err)
{
	_cleanup_ipam_ struct sheep_ipam *s = NULL;
	struct ls_ctx *c = data;
	FILE *out = c->out;

	if (sheep_ipam_open(c->o->run_dir, name, NULL, false, &s, err) < 0)
		return sheep_err_wrap(err, "list");
	for (size_t i = 0; i < s->len; i++) {
		const struct sheep_net_lease *l = &s->leases[i];
		_cleanup_free_ char *ports = sheep_net_ports_format_list(l->ports, l->ports_len);
		char a[16], veth[SHEEP_NET_IFNAMSIZ];

		sheep_net_veth_name(l->id, veth);
		fprintf(out, "%-24s %-10s %-15s %-14s %s\n", l->id, name,
			sheep_net_ntoa(l->addr, a), veth, ports ? ports : "-");
	}
	return 0;
}

int sheep_net_ls(const struct sheep_net_opts *o, FILE *out, struct sheep_err **err)
{
	struct ls_ctx c = {.o = o, .out = out};

	fprintf(out, "%-24s %-10s %-15s %-14s %s\n", "ID", "NETWORK", "ADDRESS", "VETH", "PORTS");
	return each_network(o->run_dir, ls_one, &c, err);
}
