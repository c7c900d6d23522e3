/* delete: stop what is left (with --force), remove the cgroup, run poststop hooks, remove the
 * state directory. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/container.h"
#include "core/hooks.h"
#include "core/rootfs.h"
#include "core/verbs/lookup.h"
#include "util/cleanup.h"
#include "util/fault.h"

/* Whether the config lists a pid namespace (new or joined): then the init's death ends the
 * container's processes and a joined cgroup's other processes are not the container's to kill
 * (as runc). In the host's pid namespace the cgroup is the only way to find them all. */
static bool own_pid_namespace(const struct container_ref *r)
{
	_cleanup_err_ struct sheep_err *e = NULL;
	struct oci_config *c = container_config(r, &e);
	bool found = false;

	for (size_t i = 0; c && c->linux_ && i < c->linux_->namespaces_len; i++)
		if (strcmp(c->linux_->namespaces[i].type, "pid") == 0)
			found = true;
	oci_config_free(c);
	return found;
}

/* Kills the container and waits (up to 10 s) for its init to be gone. A cgroup the runtime made
 * is killed whole; a joined one only when the container has no pid namespace of its own. */
static int kill_and_wait(struct container_ref *r, struct sheep_err **err)
{
	_cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, r->st->pid, 0);
	struct pollfd p = {.fd = pidfd, .events = POLLIN};

	if (r->cgroup && (sheep_cgroup_owned(r->cgroup) || !own_pid_namespace(r)))
		(void)sheep_cgroup_kill(r->cgroup, SIGKILL, err);
	sheep_err_freep(err);
	if (pidfd < 0 || !sheep_pid_alive(r->st->pid, r->st->start_time))
		return 0;
	if (syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
		return sheep_err_set(err, errno, "kill %d", (int)r->st->pid);
	while (poll(&p, 1, 10000) < 0)
		if (errno != EINTR)
			return sheep_err_set(err, errno, "wait for %d", (int)r->st->pid);
	return 0;
}

static void run_poststop(struct container_ref *r)
{
	_cleanup_err_ struct sheep_err *e = NULL;
	struct oci_config *c = NULL;
	_cleanup_free_ char *state = NULL;

	/* the config is read only for its hooks, and not at all when the state says it has none */
	if (r->st->hooks >= 0 && !(r->st->hooks & SHEEP_HOOKS_POSTSTOP))
		return;
	c = container_config(r, &e);

	if (c && c->hooks && c->hooks->poststop_len) {
		state = sheep_state_oci_json(r->st, SHEEP_STOPPED, &e);
		if (state)
			sheep_hooks_run_warn("poststop", c->hooks->poststop, c->hooks->poststop_len,
					     state);
	}
	oci_config_free(c);
}

int sheep_container_delete(const char *root, const char *id, bool force, struct sheep_err **err)
{
	struct container_ref r;
	int ret = -1;

	if (container_open(root, id, &r, err) < 0) {
		/* containerd's shim deletes twice: a missing container is already deleted */
		if (force && (*err)->errnum == ENOENT) {
			sheep_err_freep(err);
			return 0;
		}
		return -1;
	}
	/* runtime-spec "delete": a container that is not stopped is an error and left as it is.
	 * runc and crun also delete a created one; containerd's CRI and Docker kill a task before
	 * deleting it (WithProcessKill) and podman passes --force, so the rule costs them nothing. */
	if (r.status != SHEEP_STOPPED && !force) {
		sheep_err_set(err, 0, "cannot delete a %s container (use --force)",
			      sheep_status_name(r.status));
		goto out;
	}
	if (r.status == SHEEP_PAUSED && r.cgroup)
		(void)sheep_cgroup_freeze(r.cgroup, false, err);
	sheep_err_freep(err);
	if (r.status != SHEEP_STOPPED && kill_and_wait(&r, err) < 0)
		goto out;
	sheep_fault_point("delete:", "killed");
	if (r.cgroup && sheep_cgroup_destroy(r.cgroup, err) < 0)
		goto out;
	sheep_fault_point("delete:", "cgroup");
	if (r.st->host_mount_ns && sheep_rootfs_host_ns_release(r.dirfd, err) < 0)
		goto out;
	run_poststop(&r);
	sheep_fault_point("delete:", "poststop");
	ret = sheep_state_remove(r.rootfd, id, err);
out:
	container_close(&r);
	return ret;
}
