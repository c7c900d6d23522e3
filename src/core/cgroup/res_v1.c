/* linux.resources on cgroup v1: one function per controller, each writing only the files whose
 * value the config gives (config-linux.md "Control groups"). dir is the container's directory in
 * that controller's hierarchy. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cgroup/devices_bpf.h"
#include "core/cgroup/internal.h"
#include "util/cleanup.h"

/* Writes the file only when it exists: kernel memory limits are gone from newer kernels. */
static int write_if_present(const char *dir, const char *file, long long v, struct sheep_err **err)
{
	if (!cg_file_exists(dir, file))
		return 0;
	return cg_writef(dir, file, err, "%lld", v);
}

/* The kernel refuses a memory limit above memsw and a memsw below the memory limit (EINVAL), so the
 * order that works depends on the values already set: try limit first, else swap first. */
static int memory_limits(const char *dir, long long limit, long long swap, struct sheep_err **err)
{
	struct sheep_err *first = NULL;

	if (limit == 0)
		return swap != 0 ? cg_writef(dir, "memory.memsw.limit_in_bytes", err, "%lld", swap)
				 : 0;
	if (cg_writef(dir, "memory.limit_in_bytes", &first, "%lld", limit) == 0)
		return swap != 0 ? cg_writef(dir, "memory.memsw.limit_in_bytes", err, "%lld", swap)
				 : 0;
	if (swap == 0 || first->errnum != EINVAL) {
		*err = first;
		return -1;
	}
	sheep_err_free(first);
	if (cg_writef(dir, "memory.memsw.limit_in_bytes", err, "%lld", swap) < 0)
		return -1;
	return cg_writef(dir, "memory.limit_in_bytes", err, "%lld", limit);
}

/* 0 means "not set" for the limit, swap and reservation, as in runc: Docker and containerd send 0
 * for a container without the option, and a 0-byte limit would OOM-kill the init at once. An
 * unlimited memory limit without a swap value lifts memsw too (runc's `update --memory -1`); the
 * kernel refuses the limit above the old memsw otherwise. */
static int memory_and_swap(const char *dir, const struct oci_memory *m, struct sheep_err **err)
{
	long long limit = m->has_limit ? (long long)m->limit : 0;
	long long swap = m->has_swap ? (long long)m->swap : 0;

	if (limit < 0 && swap == 0 && cg_file_exists(dir, "memory.memsw.limit_in_bytes"))
		swap = -1;
	return memory_limits(dir, limit, swap, err);
}

int cg_v1_memory(const char *dir, const struct oci_memory *m, struct sheep_err **err)
{
	if (cg_check_memory_usage(dir, "memory.limit_in_bytes", "memory.usage_in_bytes", m, err) <
		0 ||
	    memory_and_swap(dir, m, err) < 0)
		return -1;
	if (m->has_reservation && m->reservation != 0 &&
	    cg_writef(dir, "memory.soft_limit_in_bytes", err, "%lld", (long long)m->reservation) <
		0)
		return -1;
	if (m->has_swappiness &&
	    cg_writef(dir, "memory.swappiness", err, "%llu", (unsigned long long)m->swappiness) < 0)
		return -1;
	if (m->has_disable_oom_killer &&
	    cg_write(dir, "memory.oom_control", m->disable_oom_killer ? "1" : "0", err) < 0)
		return -1;
	if (m->has_use_hierarchy &&
	    cg_write(dir, "memory.use_hierarchy", m->use_hierarchy ? "1" : "0", err) < 0)
		return -1;
	if (m->has_kernel &&
	    write_if_present(dir, "memory.kmem.limit_in_bytes", (long long)m->kernel, err) < 0)
		return -1;
	if (m->has_kernel_tcp && write_if_present(dir, "memory.kmem.tcp.limit_in_bytes",
						  (long long)m->kernel_tcp, err) < 0)
		return -1;
	return 0;
}

/* The period bounds the quota (and the realtime period the runtime), so the period goes first;
 * burst may not exceed the quota, so it goes last. Shares, period and quota of 0 are "not set"
 * (runc skips them; the kernel would refuse 0 or clamp shares to 2). */
int cg_v1_cpu(const char *dir, const struct oci_cpu *c, struct sheep_err **err)
{
	if (c->has_shares && c->shares != 0 &&
	    cg_writef(dir, "cpu.shares", err, "%llu", (unsigned long long)c->shares) < 0)
		return -1;
	if (c->has_period && c->period != 0 &&
	    cg_writef(dir, "cpu.cfs_period_us", err, "%llu", (unsigned long long)c->period) < 0)
		return -1;
	if (c->has_quota && c->quota != 0 &&
	    cg_writef(dir, "cpu.cfs_quota_us", err, "%lld", (long long)c->quota) < 0)
		return -1;
	if (c->has_burst &&
	    cg_writef(dir, "cpu.cfs_burst_us", err, "%llu", (unsigned long long)c->burst) < 0)
		return -1;
	if (c->has_realtime_period && cg_writef(dir, "cpu.rt_period_us", err, "%llu",
						(unsigned long long)c->realtime_period) < 0)
		return -1;
	if (c->has_realtime_runtime &&
	    cg_writef(dir, "cpu.rt_runtime_us", err, "%lld", (long long)c->realtime_runtime) < 0)
		return -1;
	if (c->has_idle && cg_writef(dir, "cpu.idle", err, "%lld", (long long)c->idle) < 0)
		return -1;
	return 0;
}

int cg_v1_cpuset(const char *dir, const struct oci_cpu *c, struct sheep_err **err)
{
	if (c->cpus != NULL && cg_write(dir, "cpuset.cpus", c->cpus, err) < 0)
		return -1;
	if (c->mems != NULL && cg_write(dir, "cpuset.mems", c->mems, err) < 0)
		return -1;
	return 0;
}

/* The parent's value of FILE, filled in first when still empty: a concurrent create may have made
 * the parent (the shared "sheep-oci") a moment ago and not copied its own parent's values yet;
 * copying them here is what that create is about to do. Each step up is a shorter path, and the
 * hierarchy's root always has the values. */
static int cpuset_of_parent(const char *parent, const char *file, char **value,
			    struct sheep_err **err)
{
	_cleanup_free_ char *above = NULL;
	char *slash;

	if (cg_read(parent, file, value, err) < 0)
		return -1;
	if (**value != '\0')
		return 0;
	above = strdup(parent);
	if (above == NULL)
		return sheep_err_set(err, ENOMEM, "read '%s/%s'", parent, file);
	slash = strrchr(above, '/');
	if (slash != NULL)
		*slash = '\0';
	if (slash == NULL || slash == above || !cg_file_exists(above, file))
		return sheep_err_set(err, ENOSPC, "'%s/%s' is empty", parent, file);
	free(*value);
	*value = NULL;
	if (cpuset_of_parent(above, file, value, err) < 0)
		return -1;
	return cg_write(parent, file, *value, err);
}

int cg_v1_cpuset_inherit(const char *parent, const char *dir, struct sheep_err **err)
{
	static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		_cleanup_free_ char *mine = NULL, *theirs = NULL;

		if (!cg_file_exists(dir, files[i]))
			continue; /* not a cpuset directory (a fake hierarchy in the unit tests) */
		if (cg_read(dir, files[i], &mine, err) < 0)
			return -1;
		if (*mine != '\0')
			continue; /* cgroup.clone_children already copied it */
		if (cpuset_of_parent(parent, files[i], &theirs, err) < 0 ||
		    cg_write(dir, files[i], theirs, err) < 0)
			return -1;
	}
	return 0;
}

int cg_v1_pids(const char *dir, const struct oci_pids *p, struct sheep_err **err)
{
	/* 0 is "not set" for Docker and runc; negative is unlimited. */
	if (p->limit == 0)
		return 0;
	if (p->limit < 0)
		return cg_write(dir, "pids.max", "max", err);
	return cg_writef(dir, "pids.max", err, "%lld", (long long)p->limit);
}

static int throttles(const char *dir, const char *file,
		     const struct oci_block_io_device_throttle *t, size_t n, struct sheep_err **err)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].has_rate &&
		    cg_writef(dir, file, err, "%lld:%lld %llu", (long long)t[i].major,
			      (long long)t[i].minor, (unsigned long long)t[i].rate) < 0)
			return -1;
	return 0;
}

/* CFQ's blkio.weight left with CFQ (Linux 5.0); BFQ offers blkio.bfq.weight with the same range.
 * Leaf weights were CFQ-only: they are written where the file still exists. A weight of 0 is
 * outside the range (10..1000) and means "not set": Docker sends blockIO.weight 0 for every
 * container without --blkio-weight, and runc skips it too. */
static int blkio_weights(const char *dir, const struct oci_block_io *b, struct sheep_err **err)
{
	bool cfq = cg_file_exists(dir, "blkio.weight");
	const char *w = cfq ? "blkio.weight" : "blkio.bfq.weight";
	const char *wd = cfq ? "blkio.weight_device" : "blkio.bfq.weight_device";

	if (b->has_weight && b->weight != 0 && cg_writef(dir, w, err, "%u", b->weight) < 0)
		return -1;
	if (b->has_leaf_weight && b->leaf_weight != 0 && cfq &&
	    cg_writef(dir, "blkio.leaf_weight", err, "%u", b->leaf_weight) < 0)
		return -1;
	for (size_t i = 0; i < b->weight_device_len; i++) {
		const struct oci_block_io_device_weight *d = &b->weight_device[i];

		if (d->has_weight && cg_writef(dir, wd, err, "%lld:%lld %u", (long long)d->major,
					       (long long)d->minor, d->weight) < 0)
			return -1;
		if (d->has_leaf_weight && cfq &&
		    cg_writef(dir, "blkio.leaf_weight_device", err, "%lld:%lld %u",
			      (long long)d->major, (long long)d->minor, d->leaf_weight) < 0)
			return -1;
	}
	return 0;
}

int cg_v1_blkio(const char *dir, const struct oci_block_io *b, struct sheep_err **err)
{
	if (blkio_weights(dir, b, err) < 0)
		return -1;
	if (throttles(dir, "blkio.throttle.read_bps_device", b->throttle_read_bps_device,
		      b->throttle_read_bps_device_len, err) < 0 ||
	    throttles(dir, "blkio.throttle.write_bps_device", b->throttle_write_bps_device,
		      b->throttle_write_bps_device_len, err) < 0 ||
	    throttles(dir, "blkio.throttle.read_iops_device", b->throttle_read_iops_device,
		      b->throttle_read_iops_device_len, err) < 0 ||
	    throttles(dir, "blkio.throttle.write_iops_device", b->throttle_write_iops_device,
		      b->throttle_write_iops_device_len, err) < 0)
		return -1;
	return 0;
}

/* config-linux.md: the limit applies to reservations where the kernel accounts them (the
 * ".rsvd." file next to the usage one), as well as to usage (page faults) as before; the
 * reservation file is skipped where it does not exist. */
int cg_hugetlb(const char *dir, const struct oci_resources *r, const char *suffix,
	       struct sheep_err **err)
{
	for (size_t i = 0; i < r->hugepage_limits_len; i++) {
		const struct oci_hugepage_limit *h = &r->hugepage_limits[i];
		_cleanup_free_ char *file = NULL, *rsvd = NULL;

		if (asprintf(&file, "hugetlb.%s.%s", h->page_size, suffix) < 0 ||
		    asprintf(&rsvd, "hugetlb.%s.rsvd.%s", h->page_size, suffix) < 0)
			return sheep_err_set(err, ENOMEM, "hugetlb");
		if (cg_writef(dir, file, err, "%llu", (unsigned long long)h->limit) < 0)
			return -1;
		if (cg_file_exists(dir, rsvd) &&
		    cg_writef(dir, rsvd, err, "%llu", (unsigned long long)h->limit) < 0)
			return -1;
	}
	return 0;
}

int cg_v1_hugetlb(const char *dir, const struct oci_resources *r, struct sheep_err **err)
{
	return cg_hugetlb(dir, r, "limit_in_bytes", err);
}

int cg_v1_net_cls(const char *dir, const struct oci_network *n, struct sheep_err **err)
{
	return cg_writef(dir, "net_cls.classid", err, "%u", n->class_id);
}

int cg_v1_net_prio(const char *dir, const struct oci_network *n, struct sheep_err **err)
{
	for (size_t i = 0; i < n->priorities_len; i++)
		if (cg_writef(dir, "net_prio.ifpriomap", err, "%s %u", n->priorities[i].name,
			      n->priorities[i].priority) < 0)
			return -1;
	return 0;
}

/* Same file format on v1 and v2 (Documentation/admin-guide/cgroup-v1/rdma.rst). */
int cg_rdma(const char *dir, const struct oci_rdma *r, struct sheep_err **err)
{
	for (size_t i = 0; i < r->len; i++) {
		const struct oci_rdma_limit *l = &r->limits[i];
		char handles[32] = "", objects[32] = "";

		if (!l->has_hca_handles && !l->has_hca_objects)
			continue;
		if (l->has_hca_handles)
			snprintf(handles, sizeof(handles), " hca_handle=%u", l->hca_handles);
		if (l->has_hca_objects)
			snprintf(objects, sizeof(objects), " hca_object=%u", l->hca_objects);
		if (cg_writef(dir, "rdma.max", err, "%s%s%s", r->devices[i], handles, objects) < 0)
			return -1;
	}
	return 0;
}

static int device_rule(const char *dir, const struct oci_device_cgroup *d, struct sheep_err **err)
{
	char major[24] = "*", minor[24] = "*";

	if (d->has_major)
		snprintf(major, sizeof(major), "%lld", (long long)d->major);
	if (d->has_minor)
		snprintf(minor, sizeof(minor), "%lld", (long long)d->minor);
	return cg_writef(dir, d->allow ? "devices.allow" : "devices.deny", err, "%s %s:%s %s",
			 d->type ? d->type : "a", major, minor, d->access ? d->access : "rwm");
}

/* Deny everything first, then the rules in order: the last matching rule wins, as the spec
 * requires, and nothing is briefly allowed that the config denies. */
int cg_v1_devices(const char *dir, const struct oci_resources *r, struct sheep_err **err)
{
	if (cg_write(dir, "devices.deny", "a", err) < 0)
		return -1;
	for (size_t i = 0; i < r->devices_len; i++)
		if (device_rule(dir, &r->devices[i], err) < 0)
			return -1;
	/* The default devices (devices_bpf.c) after the config's rules, as on v2. */
	for (size_t i = 0; i < cg_default_device_rules_len; i++)
		if (device_rule(dir, &cg_default_device_rules[i], err) < 0)
			return -1;
	return 0;
}
