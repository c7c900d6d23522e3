/* Making the container process (create's init, or an exec'd process). */
#ifndef SHEEP_CORE_PROC_SPAWN_H
#define SHEEP_CORE_PROC_SPAWN_H

#include <sys/types.h>

#include "core/proc/init.h"
#include "core/proc/sync.h"

/* clone3 (into the cgroup when cgroup_fd >= 0) with a fallback to clone, inside the pid
 * namespace pidns_fd when >= 0 (the runtime's own again afterwards); the child runs
 * sheep_init_main(ctx) with its end of sync. Returns the child's pid in the parent. */
pid_t sheep_spawn(struct sheep_init_ctx *ctx, struct sync_pair *sync, int clone_flags,
		  int cgroup_fd, int pidns_fd, struct sheep_err **err);

/* The child's end of the sync socket closed before it reported success: it died. Reaps it, sets
 * *pid to -1 (nothing left to kill) and fails with "WHO was killed by signal N before WHEN" (or
 * "exited with status N"). */
int sheep_spawn_reap_died(pid_t *pid, const char *who, const char *when, struct sheep_err **err);

#endif
