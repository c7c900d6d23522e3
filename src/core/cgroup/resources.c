/* Dispatches linux.resources to the hierarchy that holds each controller: a v1 hierarchy when the
 * controller is mounted there, else the v2 tree (hybrid layouts split controllers between both),
 * and applies linux.resources.unified on v2 only. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cgroup/devices_bpf.h"
#include "core/cgroup/internal.h"
#include "util/cleanup.h"

const struct cg_hier *cg_find(const struct sheep_cgroup *cg, const char *v1name, const char *v2name)
{
	const struct cg_hier *v2 = NULL;

	for (size_t i = 0; i < cg->len; i++) {
		if (cg->h[i].v2)
			v2 = &cg->h[i];
		else if (v1name != NULL && cg_list_has(cg->h[i].controllers, v1name))
			return &cg->h[i];
	}
	return v2name != NULL ? v2 : NULL;
}

/* True when the space-separated list (cgroup.controllers, cgroup.subtree_control) has word. */
static bool word_in(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; *p;) {
		size_t len = strcspn(p, " ");

		if (len == n && strncmp(p, word, n) == 0)
			return true;
		p += len;
		p += strspn(p, " ");
	}
	return false;
}

/* A v2 controller works in a cgroup only when every ancestor lists it in cgroup.subtree_control.
 * Only missing ones are written, so an already prepared tree is read, never changed. */
int cg_v2_enable(const struct cg_hier *h, const char *ctrl, struct sheep_err **err)
{
	_cleanup_free_ char *dir = cg_hier_dir(h), *avail = NULL;
	size_t base = strlen(h->mountpoint);

	if (dir == NULL)
		return sheep_err_set(err, ENOMEM, "enable '%s'", ctrl);
	/* A controller the kernel lacks or that a v1 hierarchy holds is not in the root's list:
	 * say so, rather than the EINVAL of writing it to subtree_control. */
	if (cg_read(h->mountpoint, "cgroup.controllers", &avail, NULL) == 0 &&
	    !word_in(avail, ctrl))
		return sheep_err_set(err, 0,
				     "controller '%s' is not available: neither a v1 hierarchy nor "
				     "the cgroup v2 tree at '%s' has it",
				     ctrl, h->mountpoint);
	for (char *s = dir + base; s != NULL && *s; s = strchr(s + 1, '/')) {
		_cleanup_free_ char *cur = NULL;
		char saved = *s;

		*s = '\0';
		if (cg_read(dir, "cgroup.subtree_control", &cur, err) < 0)
			return sheep_err_wrap(err, "enable '%s' in '%s'", ctrl, dir);
		if (!word_in(cur, ctrl) &&
		    cg_writef(dir, "cgroup.subtree_control", err, "+%s", ctrl) < 0)
			return sheep_err_wrap(err, "enable '%s' in '%s'", ctrl, dir);
		*s = saved;
	}
	return 0;
}

typedef int (*apply_fn)(const char *dir, const struct oci_resources *r, struct sheep_err **err);

struct controller {
	const char *v1;	  /* v1 hierarchy name */
	const char *v2;	  /* v2 controller name, NULL when v1 only */
	const char *what; /* the config key, for "not mounted" errors */
	bool (*given)(const struct oci_resources *r);
	apply_fn v1_apply, v2_apply; /* 0, or 1: skipped (a note says so), or -1 */
	/* v2 is a BPF hook every cgroup has, not a controller to enable in subtree_control */
	bool v2_hook;
};

/* Adapters: the per-controller functions take their own part of the resources. */
#define ADAPT(name, fn, part)                                                                      \
	static int name(const char *dir, const struct oci_resources *r, struct sheep_err **err)    \
	{                                                                                          \
		return fn(dir, r->part, err);                                                      \
	}
ADAPT(mem1, cg_v1_memory, memory)
ADAPT(mem2, cg_v2_memory, memory)
ADAPT(cpu1, cg_v1_cpu, cpu)
ADAPT(cpu2, cg_v2_cpu, cpu)
ADAPT(cpuset1, cg_v1_cpuset, cpu)
ADAPT(cpuset2, cg_v2_cpuset, cpu)
ADAPT(pids1, cg_v1_pids, pids)
ADAPT(pids2, cg_v2_pids, pids)
ADAPT(blkio1, cg_v1_blkio, block_io)
ADAPT(io2, cg_v2_io, block_io)
ADAPT(netcls1, cg_v1_net_cls, network)
ADAPT(netprio1, cg_v1_net_prio, network)
ADAPT(rdma, cg_rdma, rdma)

static bool has_memory(const struct oci_resources *r)
{
	return r->memory != NULL;
}
static bool has_cpu(const struct oci_resources *r)
{
	const struct oci_cpu *c = r->cpu;

	return c != NULL && (c->has_shares || c->has_quota || c->has_period || c->has_burst ||
			     c->has_realtime_runtime || c->has_realtime_period || c->has_idle);
}
static bool has_cpuset(const struct oci_resources *r)
{
	return r->cpu != NULL && (r->cpu->cpus != NULL || r->cpu->mems != NULL);
}
static bool has_pids(const struct oci_resources *r)
{
	return r->pids != NULL;
}
static bool has_blkio(const struct oci_resources *r)
{
	return r->block_io != NULL;
}
static bool has_hugetlb(const struct oci_resources *r)
{
	return r->hugepage_limits_len > 0;
}
static bool has_classid(const struct oci_resources *r)
{
	return r->network != NULL && r->network->has_class_id;
}
static bool has_prio(const struct oci_resources *r)
{
	return r->network != NULL && r->network->priorities_len > 0;
}
static bool has_rdma(const struct oci_resources *r)
{
	return r->rdma != NULL && r->rdma->len > 0;
}
static bool has_devices(const struct oci_resources *r)
{
	return r->devices_len > 0;
}

static const struct controller controllers[] = {
    {"memory", "memory", "memory", has_memory, mem1, mem2, false},
    {"cpuset", "cpuset", "cpu.cpus/mems", has_cpuset, cpuset1, cpuset2, false},
    {"cpu", "cpu", "cpu", has_cpu, cpu1, cpu2, false},
    {"pids", "pids", "pids", has_pids, pids1, pids2, false},
    {"blkio", "io", "blockIO", has_blkio, blkio1, io2, false},
    {"hugetlb", "hugetlb", "hugepageLimits", has_hugetlb, cg_v1_hugetlb, cg_v2_hugetlb, false},
    {"net_cls", NULL, "network.classID", has_classid, netcls1, NULL, false},
    {"net_prio", NULL, "network.priorities", has_prio, netprio1, NULL, false},
    {"rdma", "rdma", "rdma", has_rdma, rdma, rdma, false},
    /* On v2 the device rules are an eBPF program attached to the cgroup (devices_bpf.c). Last:
     * cg_apply_default_devices uses it. */
    {"devices", "devices", "devices", has_devices, cg_v1_devices, cg_v2_devices, true},
};

static void add_note(struct sheep_cgroup *cg, const char *text)
{
	char *n = NULL;

	if (asprintf(&n, "%s%s%s", cg->note ? cg->note : "", cg->note ? "; " : "", text) < 0)
		return;
	free(cg->note);
	cg->note = n;
}

static int apply_one(struct sheep_cgroup *cg, const struct controller *c,
		     const struct oci_resources *r, struct sheep_err **err)
{
	const struct cg_hier *h = cg_find(cg, c->v1, c->v2);
	_cleanup_free_ char *dir = NULL;
	int ret;

	if (h == NULL)
		return sheep_err_set(err, ENOENT,
				     "linux.resources.%s: controller '%s' is not mounted", c->what,
				     c->v1);
	if (h->v2 && !c->v2_hook && cg_v2_enable(h, c->v2, err) < 0)
		return -1;
	dir = cg_hier_dir(h);
	if (dir == NULL)
		return sheep_err_set(err, ENOMEM, "set cgroup");
	ret = (h->v2 ? c->v2_apply : c->v1_apply)(dir, r, err);
	if (ret > 0) /* only cg_v2_devices skips */
		add_note(cg,
			 "linux.resources.devices skipped: an unprivileged caller cannot load the "
			 "cgroup v2 device filter");
	return ret < 0 ? -1 : 0;
}

/* The controller a v2 file belongs to is the part of its name before the first dot. */
static int apply_unified(struct sheep_cgroup *cg, const struct oci_map *u, struct sheep_err **err)
{
	const struct cg_hier *v2 = cg_find(cg, NULL, "");
	_cleanup_free_ char *dir = NULL;

	for (size_t i = 0; i < u->len; i++) {
		const char *key = u->keys[i];
		_cleanup_free_ char *ctrl = strndup(key, strcspn(key, "."));

		if (ctrl == NULL)
			return sheep_err_set(err, ENOMEM, "linux.resources.unified");
		if (strchr(key, '/') != NULL || key[0] == '.' || strchr(key, '.') == NULL)
			return sheep_err_set(
			    err, EINVAL, "linux.resources.unified: invalid file name '%s'", key);
		if (cg_find(cg, ctrl, NULL) != NULL)
			return sheep_err_set(err, EINVAL,
					     "linux.resources.unified: cgroup v2 file '%s' but the "
					     "controller is on cgroup v1",
					     key);
		if (v2 == NULL)
			return sheep_err_set(err, ENOENT,
					     "linux.resources.unified: cgroup v2 is not mounted");
		if (strcmp(ctrl, "cgroup") != 0 && cg_v2_enable(v2, ctrl, err) < 0)
			return -1;
		free(dir);
		dir = cg_hier_dir(v2);
		if (dir == NULL || cg_write(dir, key, u->values[i], err) < 0)
			return dir == NULL ? sheep_err_set(err, ENOMEM, "unified") : -1;
	}
	return 0;
}

/* A new v1 devices cgroup inherits its parent's list ("a *:* rwm" below the root), so a config
 * without device rules would leave every host device open to a container that may mknod, where
 * runc still denies all but its defaults. Create calls this for such configs; update does not. */
int cg_apply_default_devices(struct sheep_cgroup *cg, struct sheep_err **err)
{
	static const struct oci_resources none;
	const struct controller *c = &controllers[ARRAY_SIZE(controllers) - 1];
	const struct cg_hier *h = cg_find(cg, c->v1, c->v2);
	_cleanup_free_ char *dir = h ? cg_hier_dir(h) : NULL;

	/* No devices hierarchy (or a rootless caller could not write it), or a directory that is
	 * not a cgroup (the unit tests' fake trees): nothing to set. */
	if (dir == NULL || !cg_file_exists(dir, h->v2 ? "cgroup.controllers" : "devices.deny"))
		return 0;
	return apply_one(cg, c, &none, err);
}

int cg_apply(struct sheep_cgroup *cg, const struct oci_resources *res, struct sheep_err **err)
{
	if (res == NULL)
		return 0;
	/* Before anything is written, and the same errors on v1 as on v2. */
	if (cg_devices_validate(res->devices, res->devices_len, err) < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(controllers); i++)
		if (controllers[i].given(res) && apply_one(cg, &controllers[i], res, err) < 0)
			return -1;
	if (res->unified != NULL && apply_unified(cg, res->unified, err) < 0)
		return -1;
	return 0;
}
