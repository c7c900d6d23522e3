/* The runtime library's public API: one function per lifecycle verb. Used by the CLI only. */
#ifndef SHEEP_CORE_CONTAINER_H
#define SHEEP_CORE_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "core/state.h"
#include "util/err.h"

struct sheep_create_opts {
	const char *root; /* state root; NULL = default */
	const char *id;
	const char *bundle; /* NULL = current directory */
	const char *pid_file;
	const char *console_socket;
	int preserve_fds;
	int listen_fds; /* of those, socket-activation fds: LISTEN_FDS/LISTEN_PID=1 are set */
	bool no_pivot;
	bool no_new_keyring;
	bool systemd_cgroup;
	/* run in the foreground: the caller keeps the init as its child and the pty master */
	bool foreground;
	/* run: leave the stopped container for `state`/`delete` instead of deleting it (--keep) */
	bool keep;
};

/* What a foreground create hands to run. */
struct sheep_created {
	pid_t pid;
	int pty_master; /* -1 unless process.terminal without a console socket */
};

int sheep_container_create(const struct sheep_create_opts *opts, struct sheep_created *ret,
			   struct sheep_err **err);
int sheep_container_start(const char *root, const char *id, struct sheep_err **err);
/* The runtime-spec state JSON of one container. */
int sheep_container_kill(const char *root, const char *id, int signum, bool all,
			 struct sheep_err **err);
int sheep_container_delete(const char *root, const char *id, bool force, struct sheep_err **err);

/* create + start; in the foreground (detach false) also wait, relay signals and the terminal,
 * delete, and set *ret_status to the exit status (128+N when killed by signal N). */
int sheep_container_run(const struct sheep_create_opts *opts, bool detach, int *ret_status,
			struct sheep_err **err);

/* exec: a new process in a running container. Without process_file the process is the
 * container's own process with args replaced and the other fields overridden when given. */
struct sheep_exec_opts {
	const char *root;
	const char *id;
	const char *process_file; /* --process: a runtime-spec process document */
	char **args;
	size_t args_len;
	bool tty;
	const char *console_socket;
	bool detach;
	const char *pid_file;
	const char *cwd;
	char **env; /* appended to (and overriding) the container's environment */
	size_t env_len;
	bool has_user;
	uid_t uid;
	gid_t gid;
	gid_t *additional_gids;
	size_t additional_gids_len;
	char **caps; /* added to every capability set */
	size_t caps_len;
	bool no_new_privs;
	const char *apparmor_profile; /* --apparmor */
	const char *process_label;    /* --process-label (SELinux) */
	int preserve_fds;
	char **sub_cgroups; /* --cgroup [CONTROLLER[,...]:]PATH: below the container's cgroup */
	size_t sub_cgroups_len;
};
/* In the foreground, *ret_status is the process's exit status (128+N when killed by signal N). */
int sheep_container_exec(const struct sheep_exec_opts *opts, int *ret_status,
			 struct sheep_err **err);

struct sheep_list_entry {
	struct sheep_state *state;
	enum sheep_status status;
};
int sheep_container_list(const char *root, struct sheep_list_entry **ret, size_t *ret_len,
			 struct sheep_err **err);
void sheep_container_list_free(struct sheep_list_entry *l, size_t len);
/* One container's entry, as list gives it (ret->state is the caller's: sheep_state_free). */
int sheep_container_state(const char *root, const char *id, struct sheep_list_entry *ret,
			  struct sheep_err **err);

/* Parses a signal: a number, "KILL" or "SIGKILL" (any case). */
int sheep_signal_parse(const char *text, int *ret, struct sheep_err **err);

/* The cgroup verbs. struct sheep_cgroup_stats is in core/cgroup.h. */
struct sheep_cgroup_stats;
struct oci_resources;

/* pause / resume: freeze or thaw every process of a running (paused) container; `state` then
 * reports "paused". */
int sheep_container_pause(const char *root, const char *id, struct sheep_err **err);
int sheep_container_resume(const char *root, const char *id, struct sheep_err **err);
/* ps: host pids of every process in the container's cgroup; *ret_pids is malloc'd. */
int sheep_container_pids(const char *root, const char *id, pid_t **ret_pids, size_t *ret_len,
			 struct sheep_err **err);
/* update: applies linux.resources (only the values given) to a container that is not stopped. */
int sheep_container_update(const char *root, const char *id, const struct oci_resources *res,
			   struct sheep_err **err);
/* events --stats: one reading of the container's cgroup counters (sheep_cgroup_stats_clear). */
int sheep_container_stats(const char *root, const char *id, struct sheep_cgroup_stats *ret,
			  struct sheep_err **err);
/* events: calls fn with type "stats" (and the counters) every interval_ms and with "oom" (stats
 * NULL) for each OOM kill, until the container stops or fn returns non-zero. The container is
 * not kept locked meanwhile. */
typedef int (*sheep_event_fn)(const char *type, const struct sheep_cgroup_stats *stats, void *data);
int sheep_container_events(const char *root, const char *id, int interval_ms, sheep_event_fn fn,
			   void *data, struct sheep_err **err);
#endif
