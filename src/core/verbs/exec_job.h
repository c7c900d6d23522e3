/* exec's parent side, split like create's: the process to run (exec_process.c), the namespaces to
 * join, the spawn and the wait (exec.c). */
#ifndef SHEEP_CORE_VERBS_EXEC_JOB_H
#define SHEEP_CORE_VERBS_EXEC_JOB_H

#include "core/caps.h"
#include "core/container.h"
#include "core/process.h"
#include "core/proc/init.h"
#include "core/proc/sync.h"
#include "core/verbs/lookup.h"

struct exec_job {
	const struct sheep_exec_opts *opts;
	struct container_ref ref;
	struct oci_config *config;     /* the container's, from its state directory */
	struct oci_process *proc_file; /* --process, parsed */
	struct oci_process proc;       /* what runs (borrows from the two above and opts) */
	struct oci_config view;	       /* config with .process = &proc, for the init steps */
	char **env;
	uint32_t *gids; /* the container's additionalGids plus --additional-gids */
	int pidns_fd;
	char **sub_plan; /* --cgroup: a sub path per hierarchy (sheep_cgroup_sub_plan), or NULL */
	size_t sub_plan_len;
	bool
	    status_checked; /* the container was running: a later failure may be its init exiting */
	struct sheep_init_ctx ctx;
	struct sync_pair sync;
	int console_sock;
	pid_t pid;
	int pty_master;
};

int exec_build_process(struct exec_job *j, struct sheep_err **err);

#endif
