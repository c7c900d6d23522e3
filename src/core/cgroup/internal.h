/* Shared between the files of the cgroup module, not part of the public API: the layout (one entry
 * per mounted hierarchy), the container's directory in each, and the small file helpers. The unit
 * tests include it to inject a fake hierarchy root (a temporary directory). */
#ifndef SHEEP_CORE_CGROUP_INTERNAL_H
#define SHEEP_CORE_CGROUP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cgroup.h"
#include "ocispec.h"
#include "util/err.h"

/* The parent of the default cgroups ("<own cgroup>/sheep-oci/<id>"). */
#define CG_DEFAULT_PARENT "sheep-oci"

/* One hierarchy: in the layout, path is the runtime's own cgroup; in a sheep_cgroup, the
 * container's. Both are relative to mountpoint and start with '/'. */
struct cg_hier {
	char *controllers; /* "cpu,cpuacct", "name=systemd", "" for v2 */
	char *mountpoint;  /* "/sys/fs/cgroup/cpu" */
	char *path;	   /* "/", "/sheep-oci/web1" */
	bool v2;
	int created; /* trailing components of path the runtime created (0: joined an existing one) */
};

struct cg_layout {
	struct cg_hier *h;
	size_t len;
};

struct sheep_cgroup {
	struct cg_hier *h;
	size_t len;
	int clone_fd;
	char *note; /* what was skipped, for a debug line; NULL when nothing */
};

void cg_hier_clear(struct cg_hier *h);
void cg_layout_clear(struct cg_layout *l);

/* layout.c: parses /proc/self/mountinfo and /proc/self/cgroup texts into one entry per hierarchy
 * that is both mounted and listed for this process. */
int cg_layout_parse(const char *mountinfo, const char *proc_cgroup, struct cg_layout *ret,
		    struct sheep_err **err);
/* The layout of this process, read once per invocation (cached). */
const struct cg_layout *cg_layout_get(struct sheep_err **err);
/* True when the comma-separated list has the item. */
bool cg_list_has(const char *list, const char *item);

/* paths.c */
/* The container's path below each hierarchy root: absolute cgroupsPath as given, relative (or the
 * default "sheep-oci/<id>") below own. Refuses "." and ".." components and control characters. */
int cg_path_compute(const char *own, const char *cgroups_path, const char *id, char **ret,
		    struct sheep_err **err);
/* How many trailing components of h->path do not exist yet (what cg_dir_create would make). */
int cg_dir_missing(const struct cg_hier *h);
/* mkdir of every missing component of h->path below h->mountpoint; sets h->created. */
int cg_dir_create(struct cg_hier *h, struct sheep_err **err);
/* Removes the created components (the leaf with any sub-cgroups, then created parents). Retries
 * EBUSY for up to timeout_ms while dying processes leave. */
int cg_dir_remove(const struct cg_hier *h, int timeout_ms, struct sheep_err **err);
char *cg_hier_dir(const struct cg_hier *h); /* mountpoint + path, malloc'd */

/* write.c: leaves that name the file and the value. */
int cg_write(const char *dir, const char *file, const char *value, struct sheep_err **err);
int cg_writef(const char *dir, const char *file, struct sheep_err **err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Reads a small cgroup file; the trailing newline is stripped. */
int cg_read(const char *dir, const char *file, char **ret, struct sheep_err **err);
bool cg_file_exists(const char *dir, const char *file);

/* resources.c: applies every given part of res to the hierarchies of cg. Appends skipped items to
 * cg->note when note is non-NULL. */
int cg_apply(struct sheep_cgroup *cg, const struct oci_resources *res, struct sheep_err **err);
/* The deny-all list and the default devices, for a create whose config has no device rules. */
int cg_apply_default_devices(struct sheep_cgroup *cg, struct sheep_err **err);
/* The hierarchy holding a controller: the v1 one that lists v1name, else the v2 one when v2name is
 * non-NULL, else NULL. */
const struct cg_hier *cg_find(const struct sheep_cgroup *cg, const char *v1name,
			      const char *v2name);
/* Makes sure ctrl is in cgroup.subtree_control of every ancestor of the v2 leaf. */
int cg_v2_enable(const struct cg_hier *h, const char *ctrl, struct sheep_err **err);

/* res_v1.c / res_v2.c: one function per controller, dir is the container's directory. */
int cg_v1_memory(const char *dir, const struct oci_memory *m, struct sheep_err **err);
int cg_v1_cpu(const char *dir, const struct oci_cpu *c, struct sheep_err **err);
int cg_v1_cpuset(const char *dir, const struct oci_cpu *c, struct sheep_err **err);
int cg_v1_cpuset_inherit(const char *parent, const char *dir, struct sheep_err **err);
int cg_v1_pids(const char *dir, const struct oci_pids *p, struct sheep_err **err);
int cg_v1_blkio(const char *dir, const struct oci_block_io *b, struct sheep_err **err);
int cg_v1_hugetlb(const char *dir, const struct oci_resources *r, struct sheep_err **err);
int cg_v1_net_cls(const char *dir, const struct oci_network *n, struct sheep_err **err);
int cg_v1_net_prio(const char *dir, const struct oci_network *n, struct sheep_err **err);
int cg_v1_devices(const char *dir, const struct oci_resources *r, struct sheep_err **err);
int cg_rdma(const char *dir, const struct oci_rdma *r, struct sheep_err **err);
/* hugepageLimits into hugetlb.<size>.<suffix> and, where it exists, hugetlb.<size>.rsvd.<suffix>
 * (v1 "limit_in_bytes", v2 "max"). */
int cg_hugetlb(const char *dir, const struct oci_resources *r, const char *suffix,
	       struct sheep_err **err);

int cg_v2_memory(const char *dir, const struct oci_memory *m, struct sheep_err **err);
int cg_v2_cpu(const char *dir, const struct oci_cpu *c, struct sheep_err **err);
int cg_v2_cpuset(const char *dir, const struct oci_cpu *c, struct sheep_err **err);
int cg_v2_pids(const char *dir, const struct oci_pids *p, struct sheep_err **err);
int cg_v2_io(const char *dir, const struct oci_block_io *b, struct sheep_err **err);
int cg_v2_hugetlb(const char *dir, const struct oci_resources *r, struct sheep_err **err);
/* checkBeforeUpdate: refuses m's limit when it is below the usage (files named for v1 or v2). */
int cg_check_memory_usage(const char *dir, const char *limit, const char *usage,
			  const struct oci_memory *m, struct sheep_err **err);
/* cgroup v1 shares (2..262144) to v2 cpu.weight (1..10000), and blkio weight (10..1000) to
 * io.weight (1..10000): both map the ends of one range linearly onto the other. */
unsigned long long cg_shares_to_weight(unsigned long long shares);
unsigned long long cg_blkio_to_io_weight(unsigned long long w);

/* stats.c: a number file ("max" = UINT64_MAX), and the value of key in a "key value" file; a
 * missing file or key leaves *ret unchanged and is not an error. */
int cg_read_u64(const char *dir, const char *file, uint64_t *ret, struct sheep_err **err);
int cg_read_key(const char *dir, const char *file, const char *key, uint64_t *ret,
		struct sheep_err **err);
/* Reads a file; a missing one is not an error: *ret stays NULL. */
int cg_read_opt(const char *dir, const char *file, char **ret, struct sheep_err **err);

/* stats_detail.c: runc's detailed counters (cpuacct.usage_all, memory.kmem[.tcp].*, memory.stat
 * as a raw map, hugetlb per page size, v1 cpuset), each added to st; missing files add nothing. */
int cg_stats_percpu_modes(const char *dir, struct sheep_cgroup_stats *st, struct sheep_err **err);
int cg_stats_kmem_v1(const char *dir, struct sheep_cgroup_stats *st, struct sheep_err **err);
int cg_stats_memory_raw(const char *dir, struct sheep_cgroup_stats *st, struct sheep_err **err);
int cg_stats_hugetlb(const char *dir, bool v2, struct sheep_cgroup_stats *st,
		     struct sheep_err **err);
int cg_stats_cpuset_v1(const char *dir, struct sheep_cgroup_stats *st, struct sheep_err **err);

/* ops.c: SIGKILLs what is left in the cgroup and waits up to timeout_ms until it is empty. */
int cg_kill_remaining(const struct sheep_cgroup *cg, int timeout_ms, struct sheep_err **err);

/* cgroup.c: create with an injected layout and systemd marker directory (the unit tests). */
/* delegate.c: sheep_cgroup_delegate with the kernel's list of delegatable files at
 * delegate_list (a missing list means the spec's fallback of three files). */
int cg_delegate_in(const struct sheep_cgroup *cg, const char *delegate_list, uid_t uid,
		   struct sheep_err **err);
int cg_create_in(const struct cg_layout *layout, const char *systemd_dir,
		 const struct sheep_cgroup_opts *opts, const struct oci_resources *res,
		 struct sheep_cgroup **ret, struct sheep_err **err);

#endif
