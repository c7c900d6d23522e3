/* Namespace planning and joining. New namespaces are made by clone3 when that is safe (no path to
 * join: then the new user namespace owns them all) and by unshare in the child otherwise, because
 * joining a namespace owned by the host's user namespace needs the host capabilities the child
 * loses once it is in a new user namespace. The cgroup namespace is always unshared after the
 * child entered its cgroup (so the container sees its own cgroup as the root), and the time
 * namespace is unshared so its offsets can be written before execve enters it. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/nsfs.h>

#include "core/namespaces.h"
#include "util/fs.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
	const char *type;
	const char *proc;
	int flag;
} ns_table[] = {
    {"user", "user", CLONE_NEWUSER},	   {"mount", "mnt", CLONE_NEWNS},
    {"pid", "pid", CLONE_NEWPID},	   {"network", "net", CLONE_NEWNET},
    {"uts", "uts", CLONE_NEWUTS},	   {"ipc", "ipc", CLONE_NEWIPC},
    {"cgroup", "cgroup", CLONE_NEWCGROUP}, {"time", "time", CLONE_NEWTIME},
};

int sheep_ns_flag(const char *type)
{
	for (size_t i = 0; i < sizeof(ns_table) / sizeof(ns_table[0]); i++)
		if (strcmp(ns_table[i].type, type) == 0)
			return ns_table[i].flag;
	return 0;
}

bool sheep_ns_plan_private(const struct sheep_ns_plan *plan, int flag)
{
	char self[64];
	struct stat joined, own;

	if ((plan->clone_flags | plan->unshare_flags) & flag)
		return true;
	for (int i = 0; i < plan->njoins; i++) {
		if (plan->joins[i].flag != flag)
			continue;
		snprintf(self, sizeof(self), "/proc/self/ns/%s", sheep_ns_proc_name(flag));
		if (fstat(plan->joins[i].fd, &joined) < 0 || stat(self, &own) < 0)
			return false;
		return joined.st_ino != own.st_ino || joined.st_dev != own.st_dev;
	}
	return false;
}

const char *sheep_ns_proc_name(int flag)
{
	for (size_t i = 0; i < sizeof(ns_table) / sizeof(ns_table[0]); i++)
		if (ns_table[i].flag == flag)
			return ns_table[i].proc;
	return "?";
}

static int open_ns_path(const struct oci_namespace *ns, size_t i, int flag, int *ret_fd,
			struct sheep_err **err)
{
	/* O_NONBLOCK: a FIFO planted at the path must not hang create */
	int fd = open(ns->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	int type;

	if (fd < 0)
		return sheep_err_set(
		    err, errno, "config.json: linux.namespaces[%zu].path: open '%s'", i, ns->path);
	/* ENOTTY: not an nsfs file at all (e.g. a regular file), which setns would reject later */
	type = ioctl(fd, NS_GET_NSTYPE);
	if (type != flag) {
		close(fd);
		return sheep_err_set(
		    err, 0, "config.json: linux.namespaces[%zu].path: '%s' is not %s %s namespace",
		    i, ns->path, strchr("aeiou", ns->type[0]) ? "an" : "a", ns->type);
	}
	*ret_fd = fd;
	return 0;
}

/* user_namespaces(7): a map write takes at most 340 lines, all of it shorter than a page, with
 * ranges that overlap on neither side and end below (u32)-1. The kernel answers any of these with
 * EINVAL for the whole write; checked here so the error names the entry. */
#define MAX_EXTENTS 340
#define ID_END 0xffffffffull

static bool ranges_overlap(uint32_t a, uint32_t b, uint32_t size_a, uint32_t size_b)
{
	return (uint64_t)a < (uint64_t)b + size_b && (uint64_t)b < (uint64_t)a + size_a;
}

static int check_entry(const char *f, const struct oci_id_mapping *m, size_t i,
		       struct sheep_err **err)
{
	if (m[i].size == 0)
		return sheep_err_set(err, 0, "config.json: linux.%s[%zu].size: must not be 0", f,
				     i);
	if ((uint64_t)m[i].container_id + m[i].size > ID_END ||
	    (uint64_t)m[i].host_id + m[i].size > ID_END)
		return sheep_err_set(err, 0,
				     "config.json: linux.%s[%zu]: the range ends past id "
				     "4294967294",
				     f, i);
	for (size_t j = 0; j < i; j++) {
		if (ranges_overlap(m[i].container_id, m[j].container_id, m[i].size, m[j].size))
			return sheep_err_set(
			    err, 0,
			    "config.json: linux.%s[%zu]: containerID range overlaps "
			    "%s[%zu]",
			    f, i, f, j);
		if (ranges_overlap(m[i].host_id, m[j].host_id, m[i].size, m[j].size))
			return sheep_err_set(err, 0,
					     "config.json: linux.%s[%zu]: hostID range overlaps "
					     "%s[%zu]",
					     f, i, f, j);
	}
	return 0;
}

static int check_map(const char *f, const struct oci_id_mapping *m, size_t n,
		     struct sheep_err **err)
{
	size_t text = 0;
	long page = sysconf(_SC_PAGESIZE);
	bool root = false;

	if (n > MAX_EXTENTS)
		return sheep_err_set(
		    err, 0, "config.json: linux.%s: %zu ranges, the kernel takes at most %d", f, n,
		    MAX_EXTENTS);
	for (size_t i = 0; i < n; i++) {
		if (check_entry(f, m, i, err) < 0)
			return -1;
		text += (size_t)snprintf(NULL, 0, "%u %u %u\n", m[i].container_id, m[i].host_id,
					 m[i].size);
		root |= m[i].container_id == 0;
	}
	if (page > 0 && text >= (size_t)page)
		return sheep_err_set(
		    err, 0,
		    "config.json: linux.%s: %zu bytes as text, the kernel takes less "
		    "than %ld",
		    f, text, page);
	/* The init becomes root of the new namespace to build the container (setresuid(0)). */
	if (!root)
		return sheep_err_set(
		    err, 0,
		    "config.json: linux.%s: container id 0 is not mapped (the runtime "
		    "sets the container up as root of its user namespace)",
		    f);
	return 0;
}

static int check_mappings(const struct oci_linux *l, const struct sheep_ns_plan *p,
			  struct sheep_err **err)
{
	bool maps = l->uid_mappings_len || l->gid_mappings_len;

	if (p->new_user && (!l->uid_mappings_len || !l->gid_mappings_len))
		return sheep_err_set(err, 0,
				     "config.json: linux.uidMappings: a new user namespace "
				     "needs uidMappings and gidMappings");
	/* A user namespace joined by path keeps its own maps; managers still pass them (podman for
	 * --userns=container:, runc 1.1 even requires them), and idmapped mounts may use them. */
	if (maps && !p->has_user)
		return sheep_err_set(err, 0,
				     "config.json: linux.uidMappings: mappings given without "
				     "a user namespace");
	if (p->new_user &&
	    (check_map("uidMappings", l->uid_mappings, l->uid_mappings_len, err) < 0 ||
	     check_map("gidMappings", l->gid_mappings, l->gid_mappings_len, err) < 0))
		return -1;
	if (l->time_offsets && !p->new_time)
		return sheep_err_set(err, 0,
				     "config.json: linux.timeOffsets: offsets given without "
				     "a new time namespace");
	return 0;
}

static int plan_one(const struct oci_namespace *ns, size_t i, struct sheep_ns_plan *p, int *seen,
		    struct sheep_err **err)
{
	int flag = sheep_ns_flag(ns->type);

	if (flag == 0)
		return sheep_err_set(err, 0,
				     "config.json: linux.namespaces[%zu].type: unknown "
				     "namespace '%s'",
				     i, ns->type);
	if (*seen & flag)
		return sheep_err_set(err, 0,
				     "config.json: linux.namespaces[%zu].type: duplicate "
				     "namespace '%s'",
				     i, ns->type);
	*seen |= flag;
	p->has_mount |= flag == CLONE_NEWNS;
	p->has_pid |= flag == CLONE_NEWPID;
	p->has_user |= flag == CLONE_NEWUSER;
	p->has_cgroup |= flag == CLONE_NEWCGROUP;
	p->has_net |= flag == CLONE_NEWNET;
	if (ns->path && *ns->path) {
		struct sheep_ns_join *j = &p->joins[p->njoins];

		j->flag = flag;
		if (open_ns_path(ns, i, flag, &j->fd, err) < 0)
			return -1;
		p->njoins++;
		return 0;
	}
	p->unshare_flags |= flag;
	return 0;
}

int sheep_ns_plan_make(const struct oci_linux *l, struct sheep_ns_plan *p, struct sheep_err **err)
{
	int seen = 0;

	*p = (struct sheep_ns_plan){0};
	for (size_t i = 0; l && i < l->namespaces_len; i++) {
		if (plan_one(&l->namespaces[i], i, p, &seen, err) < 0) {
			sheep_ns_plan_close(p);
			return -1;
		}
	}
	p->new_user = p->unshare_flags & CLONE_NEWUSER;
	p->new_pid = p->unshare_flags & CLONE_NEWPID;
	p->new_cgroup = p->unshare_flags & CLONE_NEWCGROUP;
	p->new_time = p->unshare_flags & CLONE_NEWTIME;
	if (l && check_mappings(l, p, err) < 0) {
		sheep_ns_plan_close(p);
		return -1;
	}
	/* The pid namespace can only be entered at fork: always a clone flag. */
	p->clone_flags = p->unshare_flags & CLONE_NEWPID;
	if (p->njoins == 0 && p->new_user)
		p->clone_flags |= p->unshare_flags & ~(CLONE_NEWCGROUP | CLONE_NEWTIME);
	p->unshare_flags &= ~p->clone_flags;
	return 0;
}

void sheep_ns_plan_close(struct sheep_ns_plan *p)
{
	for (int i = 0; i < p->njoins; i++)
		if (p->joins[i].fd >= 0)
			close(p->joins[i].fd);
	p->njoins = 0;
}

static int join(const struct sheep_ns_join *j, struct sheep_err **err)
{
	if (setns(j->fd, j->flag) < 0)
		return sheep_err_set(err, errno, "join %s namespace", sheep_ns_proc_name(j->flag));
	return 0;
}

int sheep_ns_plan_join_fd(const struct sheep_ns_plan *p, int flag)
{
	for (int i = 0; i < p->njoins; i++)
		if (p->joins[i].flag == flag)
			return p->joins[i].fd;
	return -1;
}

int sheep_ns_join_all(const struct sheep_ns_plan *p, struct sheep_err **err)
{
	/* The user namespace first: the others are then joined with its capabilities. */
	for (int i = 0; i < p->njoins && !p->user_entered; i++)
		if (p->joins[i].flag == CLONE_NEWUSER && join(&p->joins[i], err) < 0)
			return -1;
	for (int i = 0; i < p->njoins; i++)
		if (p->joins[i].flag != CLONE_NEWUSER && join(&p->joins[i], err) < 0)
			return -1;
	return 0;
}

int sheep_ns_write_time_offsets(const struct oci_time_offsets *t, struct sheep_err **err)
{
	char buf[256];
	int n = 0;

	if (t == NULL)
		return 0;
	if (t->monotonic)
		n += snprintf(buf + n, sizeof(buf) - n, "monotonic %lld %u\n",
			      (long long)t->monotonic->secs, t->monotonic->nanosecs);
	if (t->boottime)
		n += snprintf(buf + n, sizeof(buf) - n, "boottime %lld %u\n",
			      (long long)t->boottime->secs, t->boottime->nanosecs);
	if (n == 0)
		return 0;
	if (sheep_write_file("/proc/self/timens_offsets", buf, (size_t)n, err) < 0)
		return sheep_err_wrap(err, "set time namespace offsets");
	return 0;
}
