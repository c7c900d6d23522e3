/* The detailed counters of `events --stats` that runc reports beside the totals: per-cpu time by
 * mode (v1 cpuacct.usage_all), v1 kernel and TCP buffer memory, memory.stat as the raw map, the
 * hugetlb counters of each page size and the v1 cpuset. A missing file leaves its part empty. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cgroup/internal.h"
#include "util/cleanup.h"
#include "util/idlist.h"

/* cpuacct.usage_all: a "cpu user system" header, then "N USER SYSTEM" in ns for each cpu. */
int cg_stats_percpu_modes(const char *dir, struct sheep_cgroup_stats *st, struct sheep_err **err)
{
	_cleanup_free_ char *s = NULL;
	char *save = NULL;
	size_t n = 0;

	if (cg_read_opt(dir, "cpuacct.usage_all", &s, err) < 0)
		return -1;
	for (const char *p = s; p != NULL && *p; p++)
		n += *p == '\n';
	if (s == NULL || n == 0)
		return 0;
	st->cpu_percpu_kernel = calloc(n, sizeof(uint64_t));
	st->cpu_percpu_user = calloc(n, sizeof(uint64_t));
	if (st->cpu_percpu_kernel == NULL || st->cpu_percpu_user == NULL)
		return sheep_err_set(err, ENOMEM, "read 'cpuacct.usage_all'");
	for (char *l = strtok_r(s, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		unsigned int cpu;
		unsigned long long user, sys;

		if (sscanf(l, "%u %llu %llu", &cpu, &user, &sys) != 3)
			continue; /* the header */
		if (st->cpu_percpu_modes_len == n)
			break;
		st->cpu_percpu_user[st->cpu_percpu_modes_len] = user;
		st->cpu_percpu_kernel[st->cpu_percpu_modes_len++] = sys;
	}
	return 0;
}

/* memory.kmem.{usage_in_bytes,max_usage_in_bytes,limit_in_bytes,failcnt} and the same under
 * memory.kmem.tcp: runc's "kernel" and "kernelTCP" entries (v1 only; v2 has no such limits). */
static int kmem_entry(const char *dir, const char *prefix, struct sheep_cgroup_mem *m,
		      struct sheep_err **err)
{
	static const char *const suffix[] = {"usage_in_bytes", "max_usage_in_bytes",
					     "limit_in_bytes", "failcnt"};
	uint64_t *dst[] = {&m->usage, &m->max, &m->limit, &m->failcnt};

	for (size_t i = 0; i < ARRAY_SIZE(suffix); i++) {
		char file[64];

		snprintf(file, sizeof(file), "%s.%s", prefix, suffix[i]);
		if (cg_read_u64(dir, file, dst[i], err) < 0)
			return -1;
	}
	return 0;
}

int cg_stats_kmem_v1(const char *dir, struct sheep_cgroup_stats *st, struct sheep_err **err)
{
	if (kmem_entry(dir, "memory.kmem", &st->kernel, err) < 0)
		return -1;
	return kmem_entry(dir, "memory.kmem.tcp", &st->kernel_tcp, err);
}

/* memory.stat, every "key value" line as it is (v1 or v2 names alike). */
int cg_stats_memory_raw(const char *dir, struct sheep_cgroup_stats *st, struct sheep_err **err)
{
	_cleanup_free_ char *s = NULL;
	char *save = NULL;
	size_t n = 1;

	if (cg_read_opt(dir, "memory.stat", &s, err) < 0)
		return -1;
	if (s == NULL)
		return 0;
	for (const char *p = s; *p; p++)
		n += *p == '\n';
	st->memory_raw = calloc(n, sizeof(*st->memory_raw));
	if (st->memory_raw == NULL)
		return sheep_err_set(err, ENOMEM, "read 'memory.stat'");
	for (char *l = strtok_r(s, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		struct sheep_cgroup_kv *kv = &st->memory_raw[st->memory_raw_len];
		char *sp = strchr(l, ' ');
		char *end = NULL;

		if (sp == NULL || (size_t)(sp - l) >= sizeof(kv->key))
			continue;
		errno = 0;
		kv->value = strtoull(sp + 1, &end, 10);
		if (errno != 0 || end == sp + 1)
			return sheep_err_set(err, 0, "read 'memory.stat': not a number: '%.32s'",
					     sp + 1);
		memcpy(kv->key, l, (size_t)(sp - l));
		st->memory_raw_len++;
	}
	return 0;
}

/* The page size in "hugetlb.<size>.<suffix>" (size without dots: "2MB.rsvd.*" is another file
 * set, the reservations); 0 when name is not such a file. */
static size_t page_size_of(const char *name, const char *suffix, char size[16])
{
	const char *p = name + strlen("hugetlb.");
	size_t len = strcspn(p, ".");

	if (strncmp(name, "hugetlb.", strlen("hugetlb.")) != 0 || len == 0 || len >= 16 ||
	    strcmp(p + len, suffix) != 0)
		return 0;
	memcpy(size, p, len);
	size[len] = '\0';
	return len;
}

static int hugetlb_read(const char *dir, bool v2, struct sheep_cgroup_hugetlb *h,
			struct sheep_err **err)
{
	char file[64];

	if (v2) {
		snprintf(file, sizeof(file), "hugetlb.%s.current", h->size);
		if (cg_read_u64(dir, file, &h->usage, err) < 0)
			return -1;
		snprintf(file, sizeof(file), "hugetlb.%s.events", h->size);
		return cg_read_key(dir, file, "max", &h->failcnt, err);
	}
	snprintf(file, sizeof(file), "hugetlb.%s.usage_in_bytes", h->size);
	if (cg_read_u64(dir, file, &h->usage, err) < 0)
		return -1;
	snprintf(file, sizeof(file), "hugetlb.%s.max_usage_in_bytes", h->size);
	if (cg_read_u64(dir, file, &h->max, err) < 0)
		return -1;
	snprintf(file, sizeof(file), "hugetlb.%s.failcnt", h->size);
	return cg_read_u64(dir, file, &h->failcnt, err);
}

static int hugetlb_add(struct sheep_cgroup_stats *st, const char *size)
{
	struct sheep_cgroup_hugetlb *grown =
	    realloc(st->hugetlb, (st->hugetlb_len + 1) * sizeof(*grown));

	if (grown == NULL)
		return -1;
	st->hugetlb = grown;
	grown[st->hugetlb_len] = (struct sheep_cgroup_hugetlb){0};
	snprintf(grown[st->hugetlb_len++].size, sizeof(grown->size), "%s", size);
	return 0;
}

static int by_size(const void *a, const void *b)
{
	return strcmp(((const struct sheep_cgroup_hugetlb *)a)->size,
		      ((const struct sheep_cgroup_hugetlb *)b)->size);
}

/* The page sizes are the ones the cgroup has files for (the kernel makes a set per size). */
int cg_stats_hugetlb(const char *dir, bool v2, struct sheep_cgroup_stats *st,
		     struct sheep_err **err)
{
	const char *suffix = v2 ? ".max" : ".limit_in_bytes";
	DIR *d = opendir(dir);
	struct dirent *e;
	int r = 0;

	if (d == NULL)
		return errno == ENOENT ? 0 : sheep_err_set(err, errno, "open '%s'", dir);
	while (r == 0 && (e = readdir(d)) != NULL) {
		char size[16];

		if (page_size_of(e->d_name, suffix, size) == 0)
			continue;
		if (hugetlb_add(st, size) < 0)
			r = sheep_err_set(err, ENOMEM, "read hugetlb statistics");
		else
			r = hugetlb_read(dir, v2, &st->hugetlb[st->hugetlb_len - 1], err);
	}
	closedir(d);
	if (r == 0 && st->hugetlb_len > 1) /* readdir order: sorted, as runc's map keys */
		qsort(st->hugetlb, st->hugetlb_len, sizeof(*st->hugetlb), by_size);
	return r;
}

/* "0-1,4" (cpuset.cpus, cpuset.mems) to the ids in ascending order, as runc's []uint16. An empty
 * list (a cpuset cgroup before it is populated) is empty. */
static int id_list(const char *dir, const char *file, uint16_t **ret, size_t *ret_len,
		   struct sheep_err **err)
{
	enum { MAX_IDS = 4096 };
	unsigned long mask[MAX_IDS / (8 * sizeof(unsigned long))];
	const size_t bits = 8 * sizeof(unsigned long);
	_cleanup_free_ char *s = NULL;
	bool any = false;
	size_t n = 0;

	if (cg_read_opt(dir, file, &s, err) < 0)
		return -1;
	if (s == NULL)
		return 0;
	if (!sheep_id_list_parse(s, mask, MAX_IDS, &any))
		return sheep_err_set(err, 0, "read '%s': not a list of ids: '%.32s'", file, s);
	*ret = calloc(MAX_IDS, sizeof(uint16_t));
	if (*ret == NULL)
		return sheep_err_set(err, ENOMEM, "read '%s'", file);
	for (size_t id = 0; any && id < MAX_IDS; id++)
		if (mask[id / bits] & (1UL << (id % bits)))
			(*ret)[n++] = (uint16_t)id;
	*ret_len = n;
	return 0;
}

/* cpuset.sched_relax_domain_level is signed: -1 is the system default. */
static int read_s64(const char *dir, const char *file, int64_t *ret, struct sheep_err **err)
{
	_cleanup_free_ char *s = NULL;
	char *end = NULL;

	if (cg_read_opt(dir, file, &s, err) < 0)
		return -1;
	if (s == NULL)
		return 0;
	errno = 0;
	*ret = strtoll(s, &end, 10);
	if (errno != 0 || end == s || (*end != '\0' && *end != '\n'))
		return sheep_err_set(err, 0, "read '%s': not a number: '%.32s'", file, s);
	return 0;
}

int cg_stats_cpuset_v1(const char *dir, struct sheep_cgroup_stats *st, struct sheep_err **err)
{
	static const char *const flags[] = {
	    "cpuset.cpu_exclusive",   "cpuset.mem_hardwall",	   "cpuset.mem_exclusive",
	    "cpuset.memory_migrate",  "cpuset.memory_spread_page", "cpuset.memory_spread_slab",
	    "cpuset.memory_pressure", "cpuset.sched_load_balance"};
	struct sheep_cgroup_cpuset *c = &st->cpuset;
	uint64_t *dst[] = {&c->cpu_exclusive,	&c->mem_hardwall,	&c->mem_exclusive,
			   &c->memory_migrate,	&c->memory_spread_page, &c->memory_spread_slab,
			   &c->memory_pressure, &c->sched_load_balance};

	c->present = true;
	if (id_list(dir, "cpuset.cpus", &c->cpus, &c->cpus_len, err) < 0 ||
	    id_list(dir, "cpuset.mems", &c->mems, &c->mems_len, err) < 0 ||
	    read_s64(dir, "cpuset.sched_relax_domain_level", &c->sched_relax_domain_level, err) < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(flags); i++)
		if (cg_read_u64(dir, flags[i], dst[i], err) < 0)
			return -1;
	return 0;
}
