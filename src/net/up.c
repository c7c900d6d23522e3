/* `sheep-net up`: attach a container to its network. Everything that can fail comes after the
 * lease is written and is undone in reverse on failure, so a failed up leaves no lease, veth or
 * map element behind. The lease lock is held throughout, which also orders concurrent ups. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "net/link.h"
#include "net/nft.h"
#include "net/verbs.h"
#include "util/cleanup.h"

struct up_ctx {
	const struct sheep_net_opts *o;
	struct sheep_ipam *s;
	struct sheep_nl nl;
	char veth[SHEEP_NET_IFNAMSIZ];
	int netns_fd;
};

static int network_def(const struct sheep_net_opts *o, struct sheep_net_network *ret,
		       struct sheep_err **err)
{
	if (o->subnet == NULL) {
		sheep_net_default(ret);
		if (strcmp(o->network, SHEEP_NET_DEFAULT) == 0)
			return 0;
		return 1; /* an existing network: its store knows the subnet */
	}
	if (strlen(o->network) >= SHEEP_NET_IFNAMSIZ)
		return sheep_err_set(err, 0, "network name '%s' longer than 15 characters",
				     o->network);
	return sheep_net_parse_subnet(o->network, o->subnet, ret, err);
}

static int alloc_lease(struct up_ctx *c, const char *id, pid_t pid, uint32_t *ret_addr,
		       struct sheep_err **err)
{
	struct sheep_net_lease tmpl = {.id = (char *)id,
				       .pid = pid,
				       .created = time(NULL),
				       .ports = c->o->ports,
				       .ports_len = c->o->ports_len};
	struct sheep_err *full = NULL;
	size_t reclaimed = 0;

	if (sheep_net_proc_identity(pid, &tmpl.start_time, &tmpl.netns_ino) < 0)
		return sheep_err_set(err, errno, "read '/proc/%d/stat'", (int)pid);
	if (sheep_ipam_alloc(c->s, &tmpl, ret_addr, &full) == 0)
		return sheep_ipam_save(c->s, err);
	if (full->errnum != 0) {
		*err = full;
		return -1;
	}
	/* Exhausted: leases of crashed containers may be holding it; reclaim once and retry. */
	if (sheep_net_gc_store(c->s, c->o->run_dir, &reclaimed, err) < 0 || reclaimed == 0) {
		sheep_err_free(*err);
		*err = full;
		return -1;
	}
	sheep_err_free(full);
	if (sheep_ipam_alloc(c->s, &tmpl, ret_addr, err) < 0)
		return -1;
	return sheep_ipam_save(c->s, err);
}

static int publish(struct up_ctx *c, uint32_t addr, struct sheep_err **err)
{
	_cleanup_close_ int lock = -1;
	_cleanup_free_ char *script = NULL;
	size_t size = 0;
	FILE *f;

	if (c->o->ports_len == 0)
		return 0;
	lock = sheep_net_lock_nft(c->o->run_dir, err);
	if (lock < 0)
		return -1;
	f = open_memstream(&script, &size);
	if (f == NULL)
		return sheep_err_set(err, errno, "open_memstream");
	sheep_nft_script_ports(f, "create", addr, c->o->ports, c->o->ports_len);
	fclose(f);
	if (sheep_nft_run(script, err) < 0) {
		sheep_nft_ports_explain(c->o->ports, c->o->ports_len, err);
		return sheep_err_wrap(err, "publish ports");
	}
	return 0;
}

/* Undo after the lease exists. Each step is idempotent; the first error is what gets reported. */
static void rollback(struct up_ctx *c, const char *id)
{
	struct sheep_net_lease old;

	sheep_link_delete(&c->nl, c->veth, NULL);
	if (sheep_ipam_release(c->s, id, &old) == 1) {
		sheep_ipam_save(c->s, NULL);
		sheep_net_lease_clear(&old);
	}
}

static int attach(struct up_ctx *c, const char *id, pid_t pid, struct sheep_err **err)
{
	struct sheep_net_network def;
	struct sheep_nl_link bridge;
	bool created;
	uint32_t addr;
	int d = network_def(c->o, &def, err);

	if (d < 0 || sheep_ipam_open(c->o->run_dir, c->o->network, d == 0 ? &def : NULL, true,
				     &c->s, err) < 0)
		return -1;
	if (sheep_ipam_save(c->s, err) < 0 || sheep_nl_open(&c->nl, NETLINK_ROUTE, err) < 0 ||
	    sheep_link_bridge_ensure(&c->nl, &c->s->net, &bridge, &created, err) < 0 ||
	    sheep_net_nft_ensure(c->o->run_dir, &c->s->net, created, err) < 0 ||
	    sheep_sysctl_ensure("/proc/sys/net/ipv4/ip_forward", "1", err) < 0)
		return -1;
	if (alloc_lease(c, id, pid, &addr, err) < 0)
		return sheep_err_wrap(err, "allocate address");
	sheep_net_veth_name(id, c->veth);
	if (sheep_link_veth_create(&c->nl, id, c->veth, &bridge, c->netns_fd, err) < 0)
		sheep_err_wrap(err, "attach to bridge '%s'", c->s->net.name);
	else if (sheep_link_ctr_configure(c->netns_fd, &c->s->net, addr, err) < 0)
		sheep_err_wrap(err, "configure container network");
	else if (publish(c, addr, err) == 0)
		return 0;
	rollback(c, id);
	return -1;
}

/* A container without a network namespace of its own would get its "eth0", address and default
 * route configured in sheep-net's (the host's) namespace: refuse before anything is made. */
static int check_own_netns(int netns_fd, struct sheep_err **err)
{
	struct stat ctr, self;

	if (fstat(netns_fd, &ctr) < 0 || stat("/proc/self/ns/net", &self) < 0)
		return sheep_err_set(err, errno, "stat network namespace");
	if (ctr.st_ino == self.st_ino && ctr.st_dev == self.st_dev)
		return sheep_err_set(err, 0,
				     "the container shares the host's network namespace: up needs "
				     "a network namespace of its own (linux.namespaces 'network')");
	return 0;
}

int sheep_net_up(const struct sheep_net_opts *o, const char *id, pid_t pid, struct sheep_err **err)
{
	struct up_ctx c = {.o = o, .netns_fd = -1};
	char path[64];
	int r;

	if (!sheep_net_id_valid(id))
		return sheep_err_set(err, 0, "invalid container id");
	if (pid <= 0)
		return sheep_err_set(err, 0,
				     "the state has no pid: up must run as a createRuntime hook");
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	c.netns_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (c.netns_fd < 0)
		return sheep_err_set(err, errno, "open '%s'", path);
	r = check_own_netns(c.netns_fd, err);
	if (r == 0)
		r = attach(&c, id, pid, err);
	sheep_nl_close(&c.nl);
	sheep_ipam_close(c.s);
	close(c.netns_fd);
	return r;
}
