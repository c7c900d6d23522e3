/* The state store: one directory per container under the runtime root, holding state.json (written
 * atomically), a copy of the config the container was created from, and exec.fifo until start. */
#ifndef SHEEP_CORE_STATE_H
#define SHEEP_CORE_STATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "ocispec.h"
#include "util/err.h"

#define SHEEP_DEFAULT_ROOT "/run/sheep-oci"
#define SHEEP_STATE_FILE "state.json"
#define SHEEP_CONFIG_FILE "config.json"
#define SHEEP_EXEC_FIFO "exec.fifo"

enum sheep_status {
	SHEEP_CREATING,
	SHEEP_CREATED,
	SHEEP_RUNNING,
	SHEEP_PAUSED,
	SHEEP_STOPPED,
};

struct sheep_state {
	char *id;
	char *bundle;
	char *rootfs;
	pid_t pid;
	unsigned long long start_time; /* field 22 of /proc/PID/stat: guards against pid reuse */
	char *created;		       /* RFC 3339, UTC */
	uid_t owner;
	bool creating; /* create has not finished */
	bool own_pidns;
	/* config.json has no process: the container can be created, not started (config.md) */
	bool no_process;
	/* no mount namespace of its own: its rootfs bind, in the state directory, stays in the
	 * runtime's mount namespace until delete detaches it (sheep_rootfs_host_ns_release) */
	bool host_mount_ns;
	char *cgroup; /* sheep_cgroup_serialize() text, NULL when the container has no cgroup */
	struct oci_map annotations;
	/* SHEEP_HOOKS_* of the hooks config.json lists, so that start and delete need not read and
	 * parse it (podman's configs carry ~30 KiB of seccomp profile) when there are none; -1 in
	 * a state written before it was recorded: then the config is read. */
	int hooks;
};

#define SHEEP_HOOKS_START_CONTAINER 1
#define SHEEP_HOOKS_POSTSTART 2
#define SHEEP_HOOKS_POSTSTOP 4

/* The SHEEP_HOOKS_* bits of a config's hooks. */
int sheep_state_hooks_of(const struct oci_config *c);

/* The runtime root: --root, else /run/sheep-oci for root, else $XDG_RUNTIME_DIR/sheep-oci. */
const char *sheep_state_default_root(void);
/* Opens (and with create, makes) the root directory. */
int sheep_state_root_open(const char *root, bool create, int *ret_fd, struct sheep_err **err);
/* Checks the id: not empty, no '/', not '.' or '..', at most 1024 bytes, printable. */
int sheep_state_check_id(const char *id, struct sheep_err **err);
/* Makes <root>/<id> exclusively: "container 'ID' already exists" when it is there. */
int sheep_state_dir_create(int rootfd, const char *id, int *ret_dirfd, struct sheep_err **err);
/* Loads a container: "container 'ID' does not exist" (ENOENT) when it is not there. The returned
 * dirfd is locked (flock) for the caller's operation; closing it unlocks. */
int sheep_state_load(int rootfd, const char *id, struct sheep_state **ret, int *ret_dirfd,
		     struct sheep_err **err);
int sheep_state_save(int dirfd, const struct sheep_state *st, struct sheep_err **err);
int sheep_state_remove(int rootfd, const char *id, struct sheep_err **err);
void sheep_state_free(struct sheep_state *st);
/* Frees what st owns, not st itself. */
void sheep_state_clear(struct sheep_state *st);

/* Derives the status from the live process (pid + start time), the create marker and the fifo. */
enum sheep_status sheep_state_status(const struct sheep_state *st, int dirfd);
const char *sheep_status_name(enum sheep_status s);
/* True when pid is alive (not a zombie) and started at start_time. */
bool sheep_pid_alive(pid_t pid, unsigned long long start_time);
int sheep_pid_start_time(pid_t pid, unsigned long long *ret, struct sheep_err **err);

/* The runtime-spec state document (ociVersion, id, status, pid, bundle, annotations). */
char *sheep_state_oci_json(const struct sheep_state *st, enum sheep_status status,
			   struct sheep_err **err);
/* The state document json as a hook in the container's namespaces sees it (runtime-spec "State":
 * the pid as the container sees it; the status of that moment, "created" for startContainer). */
char *sheep_state_oci_json_in_container(const char *json, enum sheep_status status, pid_t pid,
					struct sheep_err **err);

#endif
