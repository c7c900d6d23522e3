/* linux.memoryPolicy: names to MPOL_* numbers, the node list to a bitmask, set_mempolicy(2). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/mempolicy.h"
#include "util/idlist.h"

#define PATH "config.json: linux.memoryPolicy."

/* uapi linux/mempolicy.h values, named here so the build needs no libnuma headers */
static const struct {
	const char *name;
	int value;
	bool needs_nodes, takes_nodes;
} modes[] = {
    {"MPOL_DEFAULT", 0, false, false},
    {"MPOL_PREFERRED", 1, false, true},
    {"MPOL_BIND", 2, true, true},
    {"MPOL_INTERLEAVE", 3, true, true},
    {"MPOL_LOCAL", 4, false, false},
    {"MPOL_PREFERRED_MANY", 5, true, true},
    {"MPOL_WEIGHTED_INTERLEAVE", 6, true, true},
};
static const struct {
	const char *name;
	int value;
} flags[] = {
    {"MPOL_F_STATIC_NODES", 1 << 15},
    {"MPOL_F_RELATIVE_NODES", 1 << 14},
    {"MPOL_F_NUMA_BALANCING", 1 << 13},
};

static int parse_flags(const struct oci_memory_policy *p, int *ret, struct sheep_err **err)
{
	for (size_t i = 0; i < p->flags_len; i++) {
		size_t f = 0;

		while (f < sizeof(flags) / sizeof(flags[0]) && strcmp(flags[f].name, p->flags[i]))
			f++;
		if (f == sizeof(flags) / sizeof(flags[0]))
			return sheep_err_code(err, EINVAL, PATH "flags[%zu]: unknown flag '%s'", i,
					      p->flags[i]);
		*ret |= flags[f].value;
	}
	if ((*ret & flags[0].value) && (*ret & flags[1].value))
		return sheep_err_code(err, EINVAL,
				      PATH "flags: MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES "
					   "exclude each other");
	return 0;
}

int sheep_mempolicy_parse(const struct oci_memory_policy *p, struct sheep_mempolicy *ret,
			  struct sheep_err **err)
{
	size_t m = 0;
	int f = 0;

	*ret = (struct sheep_mempolicy){0};
	if (p->mode == NULL)
		return sheep_err_code(err, EINVAL, PATH "mode: required");
	while (m < sizeof(modes) / sizeof(modes[0]) && strcmp(modes[m].name, p->mode))
		m++;
	if (m == sizeof(modes) / sizeof(modes[0]))
		return sheep_err_code(err, EINVAL, PATH "mode: unknown mode '%s'", p->mode);
	if (p->nodes != NULL &&
	    !sheep_id_list_parse(p->nodes, ret->nodes, SHEEP_MEMPOLICY_MAX_NODES, &ret->has_nodes))
		return sheep_err_code(err, EINVAL,
				      PATH "nodes: '%s' is not a list of nodes below %d like 0-3,7",
				      p->nodes, SHEEP_MEMPOLICY_MAX_NODES);
	if (ret->has_nodes && !modes[m].takes_nodes)
		return sheep_err_code(err, EINVAL, PATH "nodes: %s takes no nodes", p->mode);
	if (!ret->has_nodes && modes[m].needs_nodes)
		return sheep_err_code(err, EINVAL, PATH "nodes: %s needs at least one node",
				      p->mode);
	if (parse_flags(p, &f, err) < 0)
		return -1;
	ret->mode = modes[m].value | f;
	return 0;
}

int sheep_mempolicy_apply(const struct oci_memory_policy *p, struct sheep_err **err)
{
	struct sheep_mempolicy mp;

	if (p == NULL)
		return 0;
	if (sheep_mempolicy_parse(p, &mp, err) < 0)
		return -1;
	/* maxnode counts one more than the bits the kernel reads (set_mempolicy(2) BUGS) */
	if (syscall(SYS_set_mempolicy, mp.mode, mp.has_nodes ? mp.nodes : NULL,
		    mp.has_nodes ? SHEEP_MEMPOLICY_MAX_NODES + 1 : 0) < 0)
		return sheep_err_set(err, errno, "set_mempolicy %s nodes '%s'", p->mode,
				     p->nodes ? p->nodes : "");
	return 0;
}
