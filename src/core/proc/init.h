/* The container's init: what the parent prepares for it before clone, and its entry point. */
#ifndef SHEEP_CORE_PROC_INIT_H
#define SHEEP_CORE_PROC_INIT_H

#include <sched.h>
#include <stdbool.h>

#include "core/caps.h"
#include "core/cgroup.h"
#include "core/namespaces.h"
#include "core/proc/exe_guard.h"
#include "core/seccomp.h"
#include "ocispec.h"

/* Everything is prepared by the parent (parsed, compiled, opened) so that the child only applies. */
struct sheep_init_ctx {
	const struct oci_config *config;
	const char *bundle; /* absolute */
	const char *rootfs; /* absolute */
	struct sheep_ns_plan ns;
	struct sheep_caps *caps;
	struct sheep_seccomp *seccomp;
	struct sheep_cgroup_mount *cgroup_mounts;
	size_t cgroup_mounts_len;
	int *premade_binds; /* idmapped bind trees made on the host, per mount (rootfs.h) */
	int sync_fd;	    /* the child's end of the sync socket */
	int fifo_fd;	    /* exec.fifo, opened O_RDWR: reading blocks until `start` writes */
	/* exec into a container without a mount namespace of its own: its init's root (opened
	 * before clone), entered by chroot once the namespaces are joined; -1 otherwise */
	int root_fd;
	/* no mount namespace of its own: the state directory, where the rootfs is bound */
	int host_mount_dirfd;
	int preserve_fds;
	int listen_fds;
	bool no_pivot;
	bool no_new_keyring;
	char *state_json; /* received with SYNC_GO, for createContainer/startContainer hooks */
	char *exec_path;  /* args[0] resolved in the container */
	int exec_fd;	  /* exec_path opened O_PATH and checked (exe_guard.h) */
	int tramp_fd;	  /* exec: the trampoline's memfd (exec_tramp.h), or -1 */
	bool exec_script;
	struct sheep_exe_id self_exe; /* the runtime binary, taken before clone */
	bool no_process; /* config.json has none: the init waits for a start that refuses */
	bool is_exec;	 /* `exec` into a running container rather than its init */
	cpu_set_t final_affinity; /* exec: execCPUAffinity's mask once in the cgroup */
	bool has_final_affinity;
};

/* The child side of create (the container's init) or of exec, run right after clone. Never
 * returns: execs the process or reports the failure to the parent and exits. */
__attribute__((noreturn)) void sheep_init_main(struct sheep_init_ctx *ctx);

#endif
