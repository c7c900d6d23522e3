/* The parent side of create, split in phases: load and validate (no side effects), make the state
 * directory, cgroup and fifo, spawn the init, serve its requests, record the result. */
#ifndef SHEEP_CORE_VERBS_CREATE_JOB_H
#define SHEEP_CORE_VERBS_CREATE_JOB_H

#include "core/container.h"
#include "core/proc/init.h"
#include "core/proc/sync.h"
#include "core/state.h"

struct create_job {
	const struct sheep_create_opts *opts;
	char *raw_config;
	size_t raw_config_len;
	struct oci_config *config;
	char *bundle;
	char *rootfs;
	int rootfd;
	int dirfd; /* state directory, -1 until made */
	struct sheep_cgroup *cgroup;
	int console_sock; /* connected --console-socket, or -1 */
	struct sheep_init_ctx ctx;
	struct sync_pair sync;
	struct sheep_state st;
	pid_t pid;
	int pty_master;
	bool poststop_due; /* the init was spawned: a failing create runs poststop in undo */
};

/* create_load.c: everything checked before the first side effect */
int create_load(struct create_job *j, struct sheep_err **err);
/* create_serve.c: answer the init's requests until it is ready */
int create_serve(struct create_job *j, struct sheep_err **err);

#endif
