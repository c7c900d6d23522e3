/* linux.resources on cgroup v2 (Documentation/admin-guide/cgroup-v2.rst): the v1-shaped values of
 * the spec converted to the unified interface, writing only the files whose value is given.
 * Settings with no v2 counterpart (swappiness, OOM killer, kernel memory, leaf weights) are
 * ignored, as the spec allows for values a platform cannot apply. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cgroup/internal.h"
#include "util/cleanup.h"

unsigned long long cg_shares_to_weight(unsigned long long shares)
{
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return 1 + ((shares - 2) * 9999) / 262142;
}

unsigned long long cg_blkio_to_io_weight(unsigned long long w)
{
	if (w < 10)
		w = 10;
	if (w > 1000)
		w = 1000;
	return 1 + ((w - 10) * 9999) / 990;
}

static int write_max(const char *dir, const char *file, long long v, struct sheep_err **err)
{
	if (v < 0)
		return cg_write(dir, file, "max", err);
	return cg_writef(dir, file, err, "%lld", v);
}

/* The spec's swap is memory+swap (the v1 memsw); v2 limits swap alone. 0 means "not set". */
static int memory_swap(const char *dir, const struct oci_memory *m, struct sheep_err **err)
{
	if (!m->has_swap || m->swap == 0)
		return 0;
	if (m->swap < 0)
		return cg_write(dir, "memory.swap.max", "max", err);
	if (!m->has_limit || m->limit < 0)
		return sheep_err_set(err, EINVAL,
				     "memory.swap '%lld' needs a memory limit on cgroup v2",
				     (long long)m->swap);
	if (m->swap < m->limit)
		return sheep_err_set(err, EINVAL, "memory.swap '%lld' is below memory.limit '%lld'",
				     (long long)m->swap, (long long)m->limit);
	return cg_writef(dir, "memory.swap.max", err, "%lld", (long long)(m->swap - m->limit));
}

/* checkBeforeUpdate (runtime-spec 1.2): refuse a limit below what the cgroup already uses instead
 * of letting the kernel reclaim or OOM-kill to meet it. limit and usage name the files: v2
 * memory.max and memory.current, v1 memory.limit_in_bytes and memory.usage_in_bytes. */
int cg_check_memory_usage(const char *dir, const char *limit, const char *usage,
			  const struct oci_memory *m, struct sheep_err **err)
{
	_cleanup_free_ char *cur = NULL;

	if (!m->check_before_update || !m->has_limit || m->limit <= 0)
		return 0;
	if (cg_read(dir, usage, &cur, err) < 0)
		return -1;
	if (strtoull(cur, NULL, 10) > (unsigned long long)m->limit)
		return sheep_err_set(err, EBUSY, "%s '%lld' is below the current usage '%s'", limit,
				     (long long)m->limit, cur);
	return 0;
}

/* A limit or reservation of 0 is "not set", as on v1 (res_v1.c). */
int cg_v2_memory(const char *dir, const struct oci_memory *m, struct sheep_err **err)
{
	if (cg_check_memory_usage(dir, "memory.max", "memory.current", m, err) < 0)
		return -1;
	if (m->has_limit && m->limit != 0 &&
	    write_max(dir, "memory.max", (long long)m->limit, err) < 0)
		return -1;
	if (memory_swap(dir, m, err) < 0)
		return -1;
	if (m->has_reservation && m->reservation != 0 &&
	    write_max(dir, "memory.low", (long long)m->reservation, err) < 0)
		return -1;
	return 0;
}

/* cpu.max is "$QUOTA $PERIOD"; the kernel keeps the period when only the quota is written, but a
 * period alone needs the current quota. */
static int cpu_max(const char *dir, const struct oci_cpu *c, struct sheep_err **err)
{
	_cleanup_free_ char *cur = NULL;
	char quota[24] = "max";

	if (c->has_quota && c->quota > 0)
		snprintf(quota, sizeof(quota), "%lld", (long long)c->quota);
	if (!c->has_period || c->period == 0)
		return cg_write(dir, "cpu.max", quota, err);
	if (!c->has_quota || c->quota == 0) { /* keep the current quota */
		if (cg_read(dir, "cpu.max", &cur, err) < 0)
			return -1;
		cur[strcspn(cur, " ")] = '\0';
		snprintf(quota, sizeof(quota), "%s", cur);
	}
	return cg_writef(dir, "cpu.max", err, "%s %llu", quota, (unsigned long long)c->period);
}

int cg_v2_cpu(const char *dir, const struct oci_cpu *c, struct sheep_err **err)
{
	if (c->has_realtime_runtime || c->has_realtime_period)
		return sheep_err_set(err, EOPNOTSUPP,
				     "cpu.realtimeRuntime and cpu.realtimePeriod "
				     "are not supported on cgroup v2");
	if (c->has_shares && c->shares != 0 &&
	    cg_writef(dir, "cpu.weight", err, "%llu", cg_shares_to_weight(c->shares)) < 0)
		return -1;
	/* 0 is "not set" for both, as on v1; a negative quota is "max" */
	if (((c->has_quota && c->quota != 0) || (c->has_period && c->period != 0)) &&
	    cpu_max(dir, c, err) < 0)
		return -1;
	if (c->has_burst &&
	    cg_writef(dir, "cpu.max.burst", err, "%llu", (unsigned long long)c->burst) < 0)
		return -1;
	if (c->has_idle && cg_writef(dir, "cpu.idle", err, "%lld", (long long)c->idle) < 0)
		return -1;
	return 0;
}

/* An empty cpuset on v2 means "the parent's": nothing to copy, unlike v1. */
int cg_v2_cpuset(const char *dir, const struct oci_cpu *c, struct sheep_err **err)
{
	if (c->cpus != NULL && cg_write(dir, "cpuset.cpus", c->cpus, err) < 0)
		return -1;
	if (c->mems != NULL && cg_write(dir, "cpuset.mems", c->mems, err) < 0)
		return -1;
	return 0;
}

int cg_v2_pids(const char *dir, const struct oci_pids *p, struct sheep_err **err)
{
	if (p->limit == 0)
		return 0; /* "not set", as on v1 */
	return write_max(dir, "pids.max", (long long)p->limit, err);
}

static int io_max(const char *dir, const char *key, const struct oci_block_io_device_throttle *t,
		  size_t n, struct sheep_err **err)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].has_rate &&
		    cg_writef(dir, "io.max", err, "%lld:%lld %s=%llu", (long long)t[i].major,
			      (long long)t[i].minor, key, (unsigned long long)t[i].rate) < 0)
			return -1;
	return 0;
}

/* io.bfq.weight takes the v1 range as is; io.weight (the io.cost controller) needs converting.
 * A weight of 0 means "not set" (Docker sends it for every container; see res_v1.c). */
static int io_weights(const char *dir, const struct oci_block_io *b, struct sheep_err **err)
{
	bool bfq = cg_file_exists(dir, "io.bfq.weight");
	const char *file = bfq ? "io.bfq.weight" : "io.weight";

	if (b->has_weight && b->weight != 0 &&
	    cg_writef(dir, file, err, "default %llu",
		      bfq ? b->weight : cg_blkio_to_io_weight(b->weight)) < 0)
		return -1;
	for (size_t i = 0; i < b->weight_device_len; i++) {
		const struct oci_block_io_device_weight *d = &b->weight_device[i];

		if (d->has_weight &&
		    cg_writef(dir, file, err, "%lld:%lld %llu", (long long)d->major,
			      (long long)d->minor,
			      bfq ? d->weight : cg_blkio_to_io_weight(d->weight)) < 0)
			return -1;
	}
	return 0;
}

int cg_v2_io(const char *dir, const struct oci_block_io *b, struct sheep_err **err)
{
	if (io_weights(dir, b, err) < 0)
		return -1;
	if (io_max(dir, "rbps", b->throttle_read_bps_device, b->throttle_read_bps_device_len, err) <
		0 ||
	    io_max(dir, "wbps", b->throttle_write_bps_device, b->throttle_write_bps_device_len,
		   err) < 0 ||
	    io_max(dir, "riops", b->throttle_read_iops_device, b->throttle_read_iops_device_len,
		   err) < 0 ||
	    io_max(dir, "wiops", b->throttle_write_iops_device, b->throttle_write_iops_device_len,
		   err) < 0)
		return -1;
	return 0;
}

int cg_v2_hugetlb(const char *dir, const struct oci_resources *r, struct sheep_err **err)
{
	return cg_hugetlb(dir, r, "max", err);
}
