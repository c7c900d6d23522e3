/* Loading a container for a verb: the root, the locked state directory, the state, the status,
 * and the stored config. */
#ifndef SHEEP_CORE_VERBS_LOOKUP_H
#define SHEEP_CORE_VERBS_LOOKUP_H

#include "core/cgroup.h"
#include "core/state.h"
#include "ocispec.h"

struct container_ref {
	int rootfd;
	int dirfd;
	struct sheep_state *st;
	enum sheep_status status;
	struct sheep_cgroup *cgroup; /* NULL when none was recorded */
};

int container_open(const char *root, const char *id, struct container_ref *ret,
		   struct sheep_err **err);
/* The config.json the container was created from (kept in its state directory). */
struct oci_config *container_config(const struct container_ref *r, struct sheep_err **err);
void container_close(struct container_ref *r);
/* The status from the state and the live process, and "paused" for a running container whose
 * cgroup is frozen (cg may be NULL: loaded from st when needed). */
enum sheep_status container_status(const struct sheep_state *st, int dirfd,
				   const struct sheep_cgroup *cg);
/* "container has no cgroup" unless the container has one (the cgroup verbs). */
int container_need_cgroup(const struct container_ref *r, struct sheep_err **err);
/* Signals the init through a pidfd opened after checking its start time (kill.c). */
int sheep_signal_init(const struct sheep_state *st, int signum, struct sheep_err **err);

#endif
