/* The container process's own settings (runtime-spec "process"): rlimits, OOM score, scheduler,
 * I/O priority, personality, and finding the executable. Used by init and by exec. */
#ifndef SHEEP_CORE_PROCESS_H
#define SHEEP_CORE_PROCESS_H

#include <sched.h>
#include <stdbool.h>
#include <sys/types.h>

#include "ocispec.h"
#include "util/err.h"

/* Checks what can be checked before any side effect (rlimit names and soft <= hard). */
int sheep_process_validate(const struct oci_process *p, const char *json_prefix,
			   struct sheep_err **err);
int sheep_process_set_rlimits(const struct oci_process *p, struct sheep_err **err);
int sheep_process_set_oom_score_adj(const struct oci_process *p, struct sheep_err **err);
int sheep_process_set_scheduler(const struct oci_process *p, struct sheep_err **err);
int sheep_process_set_io_priority(const struct oci_process *p, struct sheep_err **err);
int sheep_process_set_personality(const struct oci_linux *l, struct sheep_err **err);
/* Resolves args[0] in PATH from the process env (not the runtime's); the path returned is
 * malloc'd and exists as an executable. */
/* execCPUAffinity (exec'd processes only, never the init), in the runtime before the process is
 * made: sets "initial" on the runtime itself (the child inherits it) and gives the mask the
 * child sets once in the container's cgroup: "final", else, when only "initial" was given, the
 * container's default (its init's). *has_final false: nothing for the child to do. */
int sheep_process_exec_affinity(const struct oci_process *p, pid_t init, cpu_set_t *final,
				bool *has_final, struct sheep_err **err);
/* The environment the process gets (runtime-spec "process.env", environ(7) entries) followed by
 * extra (the runtime's own, LISTEN_FDS say), which win: a name given twice keeps its first place
 * and its last value, as with runc (getenv(3) would see the first, not the override a caller
 * appended); home ("HOME=...") is added when no entry names HOME. NULL-terminated; the entries
 * are borrowed: free() only the vector. NULL when out of memory. */
char **sheep_process_env(char *const *env, size_t n, char *const *extra, size_t n_extra,
			 const char *home);
/* "HOME=<dir>" of uid from etc/passwd under rootfd (resolved inside it), "HOME=/" when the file,
 * the user or its directory is missing: what runc gives a process whose config sets no HOME. */
void sheep_process_home(int rootfd, uid_t uid, char *buf, size_t size);
int sheep_process_find_exec(const struct oci_process *p, char **ret_path, struct sheep_err **err);

#endif
