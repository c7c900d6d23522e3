/* Keeping the runtime's own binary out of the container's reach (CVE-2019-5736). */
#ifndef SHEEP_CORE_PROC_EXE_GUARD_H
#define SHEEP_CORE_PROC_EXE_GUARD_H

#include <stdbool.h>
#include <sys/types.h>

#include "util/err.h"

struct sheep_exe_id {
	dev_t dev;
	ino_t ino;
};

/* The runtime binary's identity, taken in the runtime before clone. */
int sheep_exe_guard_self(struct sheep_exe_id *ret, struct sheep_err **err);
/* Opens the executable the container's process will run (O_PATH) and refuses it when it, or the
 * interpreter of a #! script, is the runtime binary: through a link to /proc/self/exe the container
 * would otherwise get the runtime to execute itself inside the container, where the container's
 * processes can open /proc/PID/exe and later overwrite the host's binary. Returns the fd. */
int sheep_exe_guard_open(const char *path, const struct sheep_exe_id *self, bool *ret_script,
			 struct sheep_err **err);

#endif
