/* OCI hooks (runtime-spec "POSIX-platform Hooks"): run one list with the state on stdin. */
#ifndef SHEEP_CORE_HOOKS_H
#define SHEEP_CORE_HOOKS_H

#include <stddef.h>

#include "ocispec.h"
#include "util/err.h"

/* Runs hooks in order; stops at the first failure ("<kind> hook 0 ('/path'): exited with status
 * 3"). A hook that outlives its timeout is killed. */
int sheep_hooks_run(const char *kind, const struct oci_hook *hooks, size_t n,
		    const char *state_json, struct sheep_err **err);
/* Same, but a failure is only logged as a warning (poststart, poststop). */
void sheep_hooks_run_warn(const char *kind, const struct oci_hook *hooks, size_t n,
			  const char *state_json);

#endif
