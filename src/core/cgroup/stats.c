/* Usage counters of the container's cgroup for `events`: cpu, memory and pids, read from the
 * hierarchy that holds each controller (v1 cpuacct/cpu/memory/pids files, or the v2 cpu.stat,
 * memory.* and pids.* files) and reported in runc's units: nanoseconds and bytes. A counter whose
 * file does not exist (controller not mounted, swap accounting off) stays 0. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cgroup/internal.h"
#include "util/cleanup.h"

/* Reads a file; a missing one is not an error (*ret stays NULL, the counter 0). */
int cg_read_opt(const char *dir, const char *file, char **ret, struct sheep_err **err)
{
	struct sheep_err *e = NULL;

	*ret = NULL;
	if (cg_read(dir, file, ret, &e) == 0)
		return 0;
	if (e->errnum == ENOENT) {
		sheep_err_free(e);
		return 0;
	}
	*err = e;
	return -1;
}

/* "max" (v2, pids.max) is unlimited: UINT64_MAX as runc reports memory.max. */
static int parse_u64(const char *file, const char *text, uint64_t *ret, struct sheep_err **err)
{
	char *end = NULL;

	if (strcmp(text, "max") == 0) {
		*ret = UINT64_MAX;
		return 0;
	}
	errno = 0;
	*ret = strtoull(text, &end, 10);
	if (errno != 0 || end == text || (*end != '\0' && *end != '\n' && *end != ' '))
		return sheep_err_set(err, 0, "read '%s': not a number: '%.32s'", file, text);
	return 0;
}

int cg_read_u64(const char *dir, const char *file, uint64_t *ret, struct sheep_err **err)
{
	_cleanup_free_ char *s = NULL;

	if (cg_read_opt(dir, file, &s, err) < 0)
		return -1;
	return s == NULL ? 0 : parse_u64(file, s, ret, err);
}

int cg_read_key(const char *dir, const char *file, const char *key, uint64_t *ret,
		struct sheep_err **err)
{
	_cleanup_free_ char *s = NULL;
	size_t n = strlen(key);

	if (cg_read_opt(dir, file, &s, err) < 0)
		return -1;
	for (char *line = s; line != NULL && *line;) {
		char *next = strchr(line, '\n');

		if (next != NULL)
			*next++ = '\0';
		if (strncmp(line, key, n) == 0 && line[n] == ' ')
			return parse_u64(file, line + n + 1, ret, err);
		line = next;
	}
	return 0;
}

/* cpuacct.usage_percpu: one nanosecond counter per possible cpu, space-separated. */
static int read_percpu(const char *dir, struct sheep_cgroup_stats *st, struct sheep_err **err)
{
	_cleanup_free_ char *s = NULL;
	size_t n = 0;

	if (cg_read_opt(dir, "cpuacct.usage_percpu", &s, err) < 0)
		return -1;
	if (s == NULL)
		return 0;
	for (const char *p = s; *p; p++)
		n += *p != ' ' && (p[1] == ' ' || p[1] == '\0');
	st->cpu_percpu = calloc(n ? n : 1, sizeof(uint64_t));
	if (st->cpu_percpu == NULL)
		return sheep_err_set(err, ENOMEM, "read 'cpuacct.usage_percpu'");
	for (char *p = s, *end; st->cpu_percpu_len < n; p = end)
		st->cpu_percpu[st->cpu_percpu_len++] = strtoull(p, &end, 10);
	return 0;
}

static int cpuacct_v1(const char *dir, struct sheep_cgroup_stats *st, struct sheep_err **err)
{
	/* cpuacct.stat counts USER_HZ ticks (proc(5)); runc reports nanoseconds */
	uint64_t tick = 1000000000ULL / (uint64_t)sysconf(_SC_CLK_TCK), user = 0, sys = 0;

	if (cg_read_u64(dir, "cpuacct.usage", &st->cpu_total, err) < 0 ||
	    cg_read_key(dir, "cpuacct.stat", "user", &user, err) < 0 ||
	    cg_read_key(dir, "cpuacct.stat", "system", &sys, err) < 0 ||
	    read_percpu(dir, st, err) < 0 || cg_stats_percpu_modes(dir, st, err) < 0)
		return -1;
	st->cpu_user = user * tick;
	st->cpu_kernel = sys * tick;
	return 0;
}

static int cpu_v1(const char *dir, struct sheep_cgroup_stats *st, struct sheep_err **err)
{
	return cg_read_key(dir, "cpu.stat", "nr_periods", &st->cpu_periods, err) < 0 ||
		       cg_read_key(dir, "cpu.stat", "nr_throttled", &st->cpu_throttled_periods,
				   err) < 0 ||
		       cg_read_key(dir, "cpu.stat", "throttled_time", &st->cpu_throttled_time,
				   err) < 0
		   ? -1
		   : 0;
}

/* v2 cpu.stat is in microseconds; it exists in every v2 cgroup (the cpu controller adds the
 * throttling lines). */
static int cpu_v2(const char *dir, struct sheep_cgroup_stats *st, struct sheep_err **err)
{
	static const char *const keys[] = {"usage_usec", "user_usec",	 "system_usec",
					   "nr_periods", "nr_throttled", "throttled_usec"};
	uint64_t *dst[] = {&st->cpu_total,
			   &st->cpu_user,
			   &st->cpu_kernel,
			   &st->cpu_periods,
			   &st->cpu_throttled_periods,
			   &st->cpu_throttled_time};

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (cg_read_key(dir, "cpu.stat", keys[i], dst[i], err) < 0)
			return -1;
	st->cpu_total *= 1000;
	st->cpu_user *= 1000;
	st->cpu_kernel *= 1000;
	st->cpu_throttled_time *= 1000;
	return 0;
}

/* v1 memory.memsw.* counts memory plus swap; runc reports it as "swap" all the same. */
static int memory_v1(const char *dir, struct sheep_cgroup_stats *st, struct sheep_err **err)
{
	return cg_read_u64(dir, "memory.usage_in_bytes", &st->memory.usage, err) < 0 ||
		       cg_read_u64(dir, "memory.max_usage_in_bytes", &st->memory.max, err) < 0 ||
		       cg_read_u64(dir, "memory.limit_in_bytes", &st->memory.limit, err) < 0 ||
		       cg_read_u64(dir, "memory.failcnt", &st->memory.failcnt, err) < 0 ||
		       cg_read_u64(dir, "memory.memsw.usage_in_bytes", &st->swap.usage, err) < 0 ||
		       cg_read_u64(dir, "memory.memsw.max_usage_in_bytes", &st->swap.max, err) <
			   0 ||
		       cg_read_u64(dir, "memory.memsw.limit_in_bytes", &st->swap.limit, err) < 0 ||
		       cg_read_u64(dir, "memory.memsw.failcnt", &st->swap.failcnt, err) < 0 ||
		       cg_read_key(dir, "memory.stat", "cache", &st->memory_cache, err) < 0 ||
		       cg_stats_kmem_v1(dir, st, err) < 0 || cg_stats_memory_raw(dir, st, err) < 0
		   ? -1
		   : 0;
}

/* v2 has no failcnt: memory.events "max" counts the times usage hit memory.max. */
static int memory_v2(const char *dir, struct sheep_cgroup_stats *st, struct sheep_err **err)
{
	return cg_read_u64(dir, "memory.current", &st->memory.usage, err) < 0 ||
		       cg_read_u64(dir, "memory.peak", &st->memory.max, err) < 0 ||
		       cg_read_u64(dir, "memory.max", &st->memory.limit, err) < 0 ||
		       cg_read_key(dir, "memory.events", "max", &st->memory.failcnt, err) < 0 ||
		       cg_read_u64(dir, "memory.swap.current", &st->swap.usage, err) < 0 ||
		       cg_read_u64(dir, "memory.swap.peak", &st->swap.max, err) < 0 ||
		       cg_read_u64(dir, "memory.swap.max", &st->swap.limit, err) < 0 ||
		       cg_read_key(dir, "memory.stat", "file", &st->memory_cache, err) < 0 ||
		       cg_stats_memory_raw(dir, st, err) < 0
		   ? -1
		   : 0;
}

/* pids.max "max" is reported as limit 0, as runc does. */
static int pids(const char *dir, struct sheep_cgroup_stats *st, struct sheep_err **err)
{
	if (cg_read_u64(dir, "pids.current", &st->pids_current, err) < 0 ||
	    cg_read_u64(dir, "pids.max", &st->pids_limit, err) < 0)
		return -1;
	if (st->pids_limit == UINT64_MAX)
		st->pids_limit = 0;
	return 0;
}

static int io_add(struct sheep_cgroup_io **v, size_t *n, unsigned int major, unsigned int minor,
		  const char *op, uint64_t value)
{
	struct sheep_cgroup_io *grown = realloc(*v, (*n + 1) * sizeof(**v));

	if (grown == NULL)
		return -1;
	*v = grown;
	grown[*n] = (struct sheep_cgroup_io){.major = major, .minor = minor, .value = value};
	snprintf(grown[*n].op, sizeof(grown[*n].op), "%s", op);
	(*n)++;
	return 0;
}

/* v1 blkio.throttle.io_service*_recursive: "8:0 Read 4096" lines and a "Total N" line. The
 * throttle files exist with every I/O scheduler (the CFQ ones left with CFQ in Linux 5.0). */
static int io_v1_file(const char *dir, const char *file, struct sheep_cgroup_io **v, size_t *n,
		      struct sheep_err **err)
{
	_cleanup_free_ char *s = NULL;
	char *save = NULL;

	if (cg_read_opt(dir, file, &s, err) < 0)
		return -1;
	for (char *l = s ? strtok_r(s, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
		unsigned int major, minor;
		char op[16];
		unsigned long long value;

		if (sscanf(l, "%u:%u %15s %llu", &major, &minor, op, &value) != 4)
			continue; /* "Total N" */
		if (io_add(v, n, major, minor, op, value) < 0)
			return sheep_err_set(err, ENOMEM, "read '%s'", file);
	}
	return 0;
}

static int io_v1(const char *dir, struct sheep_cgroup_stats *st, struct sheep_err **err)
{
	if (io_v1_file(dir, "blkio.throttle.io_service_bytes_recursive", &st->io_bytes,
		       &st->io_bytes_len, err) < 0)
		return -1;
	return io_v1_file(dir, "blkio.throttle.io_serviced_recursive", &st->io_ops, &st->io_ops_len,
			  err);
}

/* v2 io.stat: "8:0 rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N" per device, reported in
 * v1's terms as runc does. */
static int io_v2(const char *dir, struct sheep_cgroup_stats *st, struct sheep_err **err)
{
	static const struct {
		const char *key, *op;
		bool bytes;
	} map[] = {{"rbytes=", "Read", true},	 {"wbytes=", "Write", true},
		   {"dbytes=", "Discard", true}, {"rios=", "Read", false},
		   {"wios=", "Write", false},	 {"dios=", "Discard", false}};
	_cleanup_free_ char *s = NULL;
	char *save = NULL;

	if (cg_read_opt(dir, "io.stat", &s, err) < 0)
		return -1;
	for (char *l = s ? strtok_r(s, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
		unsigned int major, minor;

		if (sscanf(l, "%u:%u", &major, &minor) != 2)
			continue;
		for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
			const char *at = strstr(l, map[i].key);
			struct sheep_cgroup_io **v = map[i].bytes ? &st->io_bytes : &st->io_ops;
			size_t *n = map[i].bytes ? &st->io_bytes_len : &st->io_ops_len;

			if (at != NULL && io_add(v, n, major, minor, map[i].op,
						 strtoull(at + strlen(map[i].key), NULL, 10)) < 0)
				return sheep_err_set(err, ENOMEM, "read 'io.stat'");
		}
	}
	return 0;
}

static int hugetlb_v1(const char *dir, struct sheep_cgroup_stats *st, struct sheep_err **err)
{
	return cg_stats_hugetlb(dir, false, st, err);
}

static int hugetlb_v2(const char *dir, struct sheep_cgroup_stats *st, struct sheep_err **err)
{
	return cg_stats_hugetlb(dir, true, st, err);
}

typedef int (*stat_fn)(const char *dir, struct sheep_cgroup_stats *st, struct sheep_err **err);

/* Runs fn1 (v1) or fn2 (v2) on the hierarchy holding the controller, if there is one. */
static int on_ctrl(const struct sheep_cgroup *cg, const char *v1, const char *v2, stat_fn fn1,
		   stat_fn fn2, struct sheep_cgroup_stats *st, struct sheep_err **err)
{
	const struct cg_hier *h = cg_find(cg, v1, v2);
	_cleanup_free_ char *dir = NULL;

	if (h == NULL)
		return 0;
	dir = cg_hier_dir(h);
	if (dir == NULL)
		return sheep_err_set(err, ENOMEM, "read %s statistics", v1);
	return h->v2 ? fn2(dir, st, err) : fn1(dir, st, err);
}

int sheep_cgroup_stats(const struct sheep_cgroup *cg, struct sheep_cgroup_stats *ret,
		       struct sheep_err **err)
{
	*ret = (struct sheep_cgroup_stats){0};
	/* cpuacct and cpu may be two v1 hierarchies (as on the hybrid machines) or one */
	if (on_ctrl(cg, "cpuacct", "", cpuacct_v1, cpu_v2, ret, err) < 0 ||
	    on_ctrl(cg, "cpu", NULL, cpu_v1, cpu_v2, ret, err) < 0 ||
	    on_ctrl(cg, "memory", "", memory_v1, memory_v2, ret, err) < 0 ||
	    on_ctrl(cg, "pids", "", pids, pids, ret, err) < 0 ||
	    on_ctrl(cg, "blkio", "", io_v1, io_v2, ret, err) < 0 ||
	    on_ctrl(cg, "hugetlb", "", hugetlb_v1, hugetlb_v2, ret, err) < 0 ||
	    on_ctrl(cg, "cpuset", NULL, cg_stats_cpuset_v1, NULL, ret, err) < 0) {
		sheep_cgroup_stats_clear(ret);
		return sheep_err_wrap(err, "read cgroup statistics");
	}
	return 0;
}

void sheep_cgroup_stats_clear(struct sheep_cgroup_stats *st)
{
	free(st->cpu_percpu);
	free(st->cpu_percpu_kernel);
	free(st->cpu_percpu_user);
	free(st->memory_raw);
	free(st->hugetlb);
	free(st->cpuset.cpus);
	free(st->cpuset.mems);
	free(st->io_bytes);
	free(st->io_ops);
	*st = (struct sheep_cgroup_stats){0};
}
