/* linux.memoryPolicy (runtime-spec 1.3): the NUMA memory policy of the container's processes, set
 * with set_mempolicy(2) in the init and in exec'd processes just before execve, which keeps it. */
#ifndef SHEEP_CORE_MEMPOLICY_H
#define SHEEP_CORE_MEMPOLICY_H

#include <stdbool.h>

#include "ocispec.h"
#include "util/err.h"

#define SHEEP_MEMPOLICY_MAX_NODES 1024

struct sheep_mempolicy {
	int mode; /* MPOL_* | MPOL_F_* */
	unsigned long nodes[SHEEP_MEMPOLICY_MAX_NODES / (8 * sizeof(unsigned long))];
	bool has_nodes;
};

/* The policy as set_mempolicy takes it. Errors name the JSON path: a missing mode, a node list
 * that is not "0-3,7" style or names a node >= 1024, nodes given to MPOL_DEFAULT/MPOL_LOCAL or
 * missing for the modes that need them, MPOL_F_STATIC_NODES with MPOL_F_RELATIVE_NODES. */
int sheep_mempolicy_parse(const struct oci_memory_policy *p, struct sheep_mempolicy *ret,
			  struct sheep_err **err);

/* Parses and sets it for the calling process; nothing to do without one. */
int sheep_mempolicy_apply(const struct oci_memory_policy *p, struct sheep_err **err);

#endif
