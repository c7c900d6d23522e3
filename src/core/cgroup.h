/* The container's cgroup: one directory per hierarchy (cgroup v1, v2 or the hybrid of both),
 * created and limited by the runtime before clone, joined by the container's init, and torn down on
 * delete. Callers never see the layout; they hold an opaque struct sheep_cgroup. */
#ifndef SHEEP_CORE_CGROUP_H
#define SHEEP_CORE_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ocispec.h"
#include "util/err.h"

struct sheep_cgroup; /* the container's cgroup in every hierarchy */

struct sheep_cgroup_opts {
	const char *id;		  /* container id */
	const char *cgroups_path; /* linux.cgroupsPath, NULL = default "sheep-oci/<id>" */
	bool rootless; /* unprivileged caller: only a writable delegated cgroup, else none */
	bool systemd;  /* --systemd-cgroup */
	/* Called with the planned cgroup (paths, and the directories about to be made) before the
	 * first mkdir, so the caller can record it where a later `delete` finds it even if this
	 * process is killed halfway; failing it fails the create. Optional. */
	int (*record)(const struct sheep_cgroup *planned, void *data, struct sheep_err **err);
	void *record_data;
};

/* In the runtime process before clone: detect the layout (once per invocation, from
 * /proc/self/mountinfo and /proc/self/cgroup), compute paths, mkdir in each hierarchy, apply
 * linux.resources (res may be NULL). On failure nothing is left behind (directories it created are
 * removed). A rootless caller without a writable cgroup gets *ret with no hierarchies (every other
 * call is then a no-op). */
int sheep_cgroup_create(const struct sheep_cgroup_opts *opts, const struct oci_resources *res,
			struct sheep_cgroup **ret, struct sheep_err **err);

/* Hands the container's cgroup to uid (a host uid), as config-linux.md "Cgroup ownership" allows:
 * the directory and the files /sys/kernel/cgroup/delegate lists (those present). Only on a pure
 * v2 layout and for a cgroup the runtime made; otherwise nothing is changed. */
int sheep_cgroup_delegate(const struct sheep_cgroup *cg, uid_t uid, struct sheep_err **err);

/* A v2 directory fd for clone3(CLONE_INTO_CGROUP) when the whole layout is v2, else -1.
 * The fd is owned by cg (closed by sheep_cgroup_free). */
int sheep_cgroup_clone_fd(const struct sheep_cgroup *cg);

/* Moves pid into the cgroup of every hierarchy (called before the child runs container code), or
 * into the sub cgroups of a plan (sheep_cgroup_sub_plan; NULL: the container's own), which must
 * exist. */
int sheep_cgroup_enter(const struct sheep_cgroup *cg, char *const *subs, pid_t pid,
		       struct sheep_err **err);

/* exec --cgroup: each spec "[CONTROLLER[,CONTROLLER...]:]PATH" names a cgroup below the
 * container's, in the hierarchies of those controllers (all of them without a list). The plan is
 * one sub path per hierarchy (sheep_cgroup_hierarchies of them; NULL: the container's own),
 * checked before any process exists:
 * "--cgroup '../x': bad sub cgroup path", "--cgroup: unknown controller 'foo'". */
int sheep_cgroup_sub_plan(const struct sheep_cgroup *cg, char *const *specs, size_t n, char ***ret,
			  struct sheep_err **err);
void sheep_cgroup_sub_plan_free(char **subs, size_t n);
size_t sheep_cgroup_hierarchies(const struct sheep_cgroup *cg);

/* Opaque text for the state file (malloc'd, NULL on ENOMEM), and back. */
char *sheep_cgroup_serialize(const struct sheep_cgroup *cg);
int sheep_cgroup_load(const char *serialized, struct sheep_cgroup **ret, struct sheep_err **err);

/* PIDs of all processes in the container's cgroup (for kill --all and ps); *ret_pids is malloc'd. */
int sheep_cgroup_pids(const struct sheep_cgroup *cg, pid_t **ret_pids, size_t *ret_len,
		      struct sheep_err **err);

/* Signals every process (freeze, signal, thaw on v1; cgroup.kill for SIGKILL on v2). */
int sheep_cgroup_kill(const struct sheep_cgroup *cg, int signum, struct sheep_err **err);

/* Removes the directories the runtime created: processes still in a cgroup it created (children
 * the init left behind without a pid namespace) are SIGKILLed and waited for (up to 5 s), and
 * dying ones (an OOM victim) briefly; never removes, or kills in, a cgroup it did not create (an
 * existing cgroup that was joined is left). */
int sheep_cgroup_destroy(const struct sheep_cgroup *cg, struct sheep_err **err);

/* Freezes (true) or thaws (false) every process of the container (pause / resume). */
int sheep_cgroup_freeze(const struct sheep_cgroup *cg, bool frozen, struct sheep_err **err);
/* True when the runtime made the container's cgroup (in the hierarchy that lists its processes);
 * false for one it joined (cgroupsPath naming an existing cgroup), which may hold processes that
 * are not the container's: delete must not SIGKILL the whole cgroup then. */
bool sheep_cgroup_owned(const struct sheep_cgroup *cg);
/* True when the container's cgroup is frozen (or freezing): the container is paused. */
bool sheep_cgroup_frozen(const struct sheep_cgroup *cg);

/* Applies linux.resources again (the update verb); only the values given are written. */
int sheep_cgroup_update(const struct sheep_cgroup *cg, const struct oci_resources *res,
			struct sheep_err **err);

/* Usage counters for `events --stats`, in runc's units (nanoseconds, bytes). A counter the
 * layout does not provide is 0. */
struct sheep_cgroup_mem {
	uint64_t usage, max, limit, failcnt; /* max: the peak usage */
};
struct sheep_cgroup_io {
	unsigned int major, minor;
	char op[8];
	uint64_t value;
};
/* One line of memory.stat as the kernel wrote it (runc's "raw" map). */
struct sheep_cgroup_kv {
	char key[48];
	uint64_t value;
};
/* One huge page size ("2MB", "1GB"): v2 has no peak (max stays 0). */
struct sheep_cgroup_hugetlb {
	char size[16];
	uint64_t usage, max, failcnt;
};
/* v1 cpuset: the cpu and memory node lists and the flags (runc's "cpuset"). */
struct sheep_cgroup_cpuset {
	bool present; /* false without a v1 cpuset hierarchy */
	uint16_t *cpus, *mems;
	size_t cpus_len, mems_len;
	uint64_t cpu_exclusive, mem_hardwall, mem_exclusive, memory_migrate, memory_spread_page,
	    memory_spread_slab, memory_pressure, sched_load_balance;
	int64_t sched_relax_domain_level; /* -1: the system default */
};
struct sheep_cgroup_stats {
	uint64_t cpu_total, cpu_kernel, cpu_user;
	uint64_t *cpu_percpu; /* cgroup v1 only */
	size_t cpu_percpu_len;
	/* v1 cpuacct.usage_all, nanoseconds per cpu in kernel and user mode (same length) */
	uint64_t *cpu_percpu_kernel, *cpu_percpu_user;
	size_t cpu_percpu_modes_len;
	uint64_t cpu_periods, cpu_throttled_periods, cpu_throttled_time;
	struct sheep_cgroup_mem memory, swap; /* swap: memory+swap on v1, as runc reports it */
	uint64_t memory_cache;
	struct sheep_cgroup_mem kernel, kernel_tcp; /* v1 memory.kmem.* and memory.kmem.tcp.* */
	struct sheep_cgroup_kv *memory_raw;	    /* every line of memory.stat */
	size_t memory_raw_len;
	struct sheep_cgroup_hugetlb *hugetlb; /* one entry per page size the kernel offers */
	size_t hugetlb_len;
	struct sheep_cgroup_cpuset cpuset;
	uint64_t pids_current, pids_limit; /* limit 0: unlimited */
	/* block I/O per device and operation ("Read", "Write", ...): bytes and operations */
	struct sheep_cgroup_io *io_bytes, *io_ops;
	size_t io_bytes_len, io_ops_len;
};
int sheep_cgroup_stats(const struct sheep_cgroup *cg, struct sheep_cgroup_stats *ret,
		       struct sheep_err **err);
void sheep_cgroup_stats_clear(struct sheep_cgroup_stats *st);

/* OOM notifications (`events`): v1 an eventfd registered on memory.oom_control, v2 an inotify
 * watch on memory.events. Poll sheep_cgroup_oom_fd() for POLLIN, then sheep_cgroup_oom_read()
 * (never blocks) says how many OOM kills happened since the last read (0 after a spurious
 * wakeup, or when the cgroup was removed). */
struct sheep_cgroup_oom;
int sheep_cgroup_oom_open(const struct sheep_cgroup *cg, struct sheep_cgroup_oom **ret,
			  struct sheep_err **err);
int sheep_cgroup_oom_fd(const struct sheep_cgroup_oom *w);
int sheep_cgroup_oom_read(struct sheep_cgroup_oom *w, uint64_t *ret_count, struct sheep_err **err);
void sheep_cgroup_oom_free(struct sheep_cgroup_oom *w);

/* For the rootfs module's cgroup mount without a cgroup namespace: one entry per hierarchy. */
struct sheep_cgroup_mount {
	char *controllers; /* "cpu,cpuacct", "name=systemd", "" for v2 */
	char *host_path;   /* container cgroup dir on the host */
	bool v2;
};
int sheep_cgroup_mounts(const struct sheep_cgroup *cg, struct sheep_cgroup_mount **ret,
			size_t *ret_len, struct sheep_err **err);
void sheep_cgroup_mounts_free(struct sheep_cgroup_mount *m, size_t len);

/* What create/update skipped (e.g. device rules on a pure v2 layout), for a debug log line; NULL
 * when nothing was skipped. Owned by cg. */
const char *sheep_cgroup_note(const struct sheep_cgroup *cg);

/* False for the empty object a rootless caller without a writable cgroup gets. */
bool sheep_cgroup_has_hierarchies(const struct sheep_cgroup *cg);

void sheep_cgroup_free(struct sheep_cgroup *cg);
static inline void sheep_cgroup_freep(struct sheep_cgroup **cg)
{
	sheep_cgroup_free(*cg);
}
#define _cleanup_cgroup_ __attribute__((cleanup(sheep_cgroup_freep)))

#endif
