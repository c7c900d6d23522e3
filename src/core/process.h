/* The container process's own settings (runtime-spec "process"): rlimits, OOM score, scheduler,
 * I/O priority, personality, and finding the executable. Used by init and by exec. */
#ifndef SHEEP_CORE_PROCESS_H
#define SHEEP_CORE_PROCESS_H

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
int sheep_process_find_exec(const struct oci_process *p, char **ret_path, struct sheep_err **err);

#endif
