/* Making the container process (create's init, or an exec'd process). */
#ifndef SHEEP_CORE_PROC_SPAWN_H
#define SHEEP_CORE_PROC_SPAWN_H

#include <sys/types.h>

#include "core/proc/init.h"
#include "core/proc/sync.h"

/* clone3 (into the cgroup when cgroup_fd >= 0) with a fallback to clone; the child runs
 * sheep_init_main(ctx) with its end of sync. Returns the child's pid in the parent. */
pid_t sheep_spawn(struct sheep_init_ctx *ctx, struct sync_pair *sync, int clone_flags,
		  int cgroup_fd, struct sheep_err **err);

#endif
