/* process.capabilities and process.user (runtime-spec config.md#linux-process): the five capability
 * sets parsed into bitmasks in the parent, applied in the container process with the uid/gid. */
#ifndef SHEEP_CORE_CAPS_H
#define SHEEP_CORE_CAPS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ocispec.h"
#include "util/err.h"

/* The five sets as bitmasks (bit n = capability n), parsed and validated in the parent. */
struct sheep_caps;

/* Names must carry the CAP_ prefix and be known to libcap; any other is an error naming its JSON
 * path after `where` (e.g. "config.json: process."):
 *   "config.json: process.capabilities.bounding[2]: unknown capability 'CAP_FOO'"
 * Names libcap knows but the running kernel lacks (>= cap_max_bits()) are skipped with a debug
 * log. cfg NULL -> an empty set of sets (every mask 0). */
int sheep_caps_parse(const struct oci_capabilities *cfg, const char *where, struct sheep_caps **ret,
		     struct sheep_err **err);

/* In the container process: become uid/gid with the supplementary groups and exactly these
 * capabilities: drop the bounding set (needs CAP_SETPCAP, so before the uid change), keep caps
 * across setresuid (PR_SET_KEEPCAPS), setgroups/setresgid/setresuid, capset effective/permitted/
 * inheritable, then raise ambient. Capabilities that the process cannot hold (outside its
 * current bounding set, e.g. CAP_SYS_RESOURCE on a host that dropped it) are left out silently.
 * caps NULL: the capability sets are not touched; the kernel's uid-change rules apply (uid 0 keeps
 * its capabilities, any other uid loses them). groups may be NULL when ngroups is 0. */
int sheep_caps_apply_user(const struct sheep_caps *caps, uid_t uid, gid_t gid, const gid_t *groups,
			  size_t ngroups, struct sheep_err **err);

/* For `exec --cap CAP`: adds the capability to the bounding, effective, permitted and inheritable
 * sets (not ambient). Error "unknown capability 'CAP_FOO'". */
int sheep_caps_add(struct sheep_caps *caps, const char *name, struct sheep_err **err);

/* The mask of one set, for tests and the state file. which: 'b' 'e' 'p' 'i' 'a'. */
uint64_t sheep_caps_mask(const struct sheep_caps *caps, char which);

/* Logs a warning for each capability the process will not get: outside the runtime's own
 * bounding set (CAP_SYS_RESOURCE on these hosts), effective but not permitted, or inheritable but
 * outside the configured bounding set (capset(2) refuses it). The kernel's rules
 * leave them out; config.md asks for a warning. Ambient capabilities without inheritable ones are
 * not warned about: the default spec (runc's too) lists ambient but no inheritable set. */
void sheep_caps_warn_ungrantable(const struct sheep_caps *caps);

void sheep_caps_free(struct sheep_caps *caps);

/* NULL-terminated names of every capability libcap knows ("CAP_CHOWN", ...), for features. */
const char *const *sheep_caps_all_names(void);

#endif
