/* linux.namespaces: which namespaces the container gets new, which it joins by path, and in which
 * order they are made (clone flags vs. unshare/setns in the child). */
#ifndef SHEEP_CORE_NAMESPACES_H
#define SHEEP_CORE_NAMESPACES_H

#include <stdbool.h>

#include "ocispec.h"
#include "util/err.h"

#define SHEEP_NS_MAX 8

struct sheep_ns_join {
	int flag; /* CLONE_NEW* */
	int fd;
};

struct sheep_ns_plan {
	int clone_flags;   /* passed to clone3 */
	int unshare_flags; /* unshared by the child after it joined the path namespaces */
	struct sheep_ns_join joins[SHEEP_NS_MAX];
	int njoins;
	bool new_user;
	bool new_pid;
	bool new_cgroup;
	bool new_time;
	bool has_mount, has_pid, has_user, has_cgroup, has_net;
	/* the user namespace given by path was entered before clone (sheep_spawn): the child
	 * skips it in sheep_ns_join_all */
	bool user_entered;
};

/* Validates the list (duplicates, id mappings, time offsets) and opens every path namespace
 * (checking it is a namespace of the declared type). Nothing else is changed. */
int sheep_ns_plan_make(const struct oci_linux *linux_cfg, struct sheep_ns_plan *plan,
		       struct sheep_err **err);
void sheep_ns_plan_close(struct sheep_ns_plan *plan);
/* In the child: setns into every path namespace (the user namespace first). */
int sheep_ns_join_all(const struct sheep_ns_plan *plan, struct sheep_err **err);
/* The fd of the namespace of this CLONE_NEW* type given by path, -1 when there is none. */
int sheep_ns_plan_join_fd(const struct sheep_ns_plan *plan, int flag);
/* CLONE_NEW* flag for a spec namespace type, 0 when unknown. */
int sheep_ns_flag(const char *type);
const char *sheep_ns_proc_name(int flag);
/* True when the plan makes a new namespace of this type (CLONE_NEW*), or joins one by a path that
 * is not the runtime's own: joining /proc/1/ns/net is no private network namespace. */
bool sheep_ns_plan_private(const struct sheep_ns_plan *plan, int flag);
/* In the child, after unshare(CLONE_NEWTIME): /proc/self/timens_offsets. */
int sheep_ns_write_time_offsets(const struct oci_time_offsets *t, struct sheep_err **err);

#endif
