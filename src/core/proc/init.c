/* The container's init, as a table of named steps run in order after clone. A failing step's
 * name becomes the error's context; the error goes to the parent as SYNC_ERROR and init exits. */
#include <errno.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/close_range.h>

#include "core/hooks.h"
#include "core/lsm.h"
#include "core/mempolicy.h"
#include "core/proc/init.h"
#include "core/proc/init_steps.h"
#include "core/proc/sync.h"
#include "core/process.h"
#include "core/rootfs.h"
#include "core/state.h"
#include "core/userns.h"
#include "util/cleanup.h"
#include "util/fault.h"
#include "util/path.h"
#include "util/strv.h"

static int step_wait_parent(struct sheep_init_ctx *c, struct sheep_err **err)
{
	struct sync_msg m;

	if (sync_expect(c->sync_fd, SYNC_GO, &m, err) < 0)
		return -1;
	c->state_json = TAKE_PTR(m.payload);
	sync_msg_clear(&m);
	return c->state_json ? 0 : sheep_err_set(err, EPROTO, "no state from the parent");
}

/* A new network namespace has only lo, and down; runc brings it up, and podman's "none" network,
 * ctr's default and pods talking over localhost rely on it. */
static int loopback_up(struct sheep_err **err)
{
	struct ifreq ifr = {.ifr_name = "lo"};
	_cleanup_close_ int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return sheep_err_set(err, errno, "socket AF_INET");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return sheep_err_set(err, errno, "SIOCGIFFLAGS 'lo'");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		return sheep_err_set(err, errno, "set 'lo' up");
	return 0;
}

static int step_namespaces(struct sheep_init_ctx *c, struct sheep_err **err)
{
	struct sync_msg m;
	int rest = c->ns.unshare_flags & ~(CLONE_NEWUSER | CLONE_NEWTIME);

	if (sheep_ns_join_all(&c->ns, err) < 0)
		return -1;
	if (c->root_fd >= 0 && (fchdir(c->root_fd) < 0 || chroot(".") < 0))
		return sheep_err_set(err, errno, "enter the container's root");
	sheep_closep(&c->root_fd);
	/* In a user namespace joined by path the host's root is unmapped: files the rootfs setup
	 * makes would belong to no one there (EOVERFLOW). Its root, as in a new one; an exec'd
	 * process goes straight to its own user. */
	if (!c->is_exec && sheep_ns_plan_join_fd(&c->ns, CLONE_NEWUSER) >= 0 &&
	    (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
		return sheep_err_set(err, errno,
				     "become root in the joined user namespace (is id 0 mapped?)");
	if ((c->ns.unshare_flags & CLONE_NEWUSER) && unshare(CLONE_NEWUSER) < 0)
		return sheep_err_set(err, errno, "unshare user namespace");
	if (c->ns.new_user) {
		if (sync_send(c->sync_fd, SYNC_USERMAP, NULL, 0, -1, err) < 0 ||
		    sync_expect(c->sync_fd, SYNC_USERMAP_DONE, &m, err) < 0)
			return -1;
		sync_msg_clear(&m);
		if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
			return sheep_err_set(err, errno, "become root in the user namespace");
	}
	if (rest && unshare(rest) < 0)
		return sheep_err_set(err, errno, "unshare namespaces 0x%x", rest);
	if (!c->is_exec && ((c->ns.clone_flags | c->ns.unshare_flags) & CLONE_NEWNET) &&
	    loopback_up(err) < 0)
		return -1;
	if (c->ns.new_time) {
		if (unshare(CLONE_NEWTIME) < 0)
			return sheep_err_set(err, errno, "unshare time namespace");
		/* Becoming root of a new user namespace above changed our ids, which made us
		 * non-dumpable: /proc/self then belongs to the host's root and timens_offsets cannot
		 * be opened (EACCES). Dumpable again until the end of this step; nothing else runs in
		 * the container yet. */
		if (c->ns.new_user && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
			return sheep_err_set(err, errno, "prctl PR_SET_DUMPABLE");
		if (sheep_ns_write_time_offsets(c->config->linux_->time_offsets, err) < 0)
			return -1;
	}
	/* From here nobody may read this process's memory or open /proc/PID/exe (the runtime's
	 * binary); not before, because an unprivileged parent must still write our id maps. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return sheep_err_set(err, errno, "prctl PR_SET_DUMPABLE");
	return 0;
}

static int step_runtime_hooks(struct sheep_init_ctx *c, struct sheep_err **err)
{
	const struct oci_hooks *h = c->config->hooks;
	const struct oci_net_devices *nd =
	    c->config->linux_ ? c->config->linux_->net_devices : NULL;
	struct sync_msg m;

	/* the runtime's work in its own namespaces once ours exist: netDevices, then the hooks */
	if ((nd == NULL || nd->len == 0) &&
	    (h == NULL || (h->prestart_len == 0 && h->create_runtime_len == 0)))
		return 0;
	if (sync_send(c->sync_fd, SYNC_RUNTIME_HOOKS, NULL, 0, -1, err) < 0 ||
	    sync_expect(c->sync_fd, SYNC_HOOKS_DONE, &m, err) < 0)
		return -1;
	sync_msg_clear(&m);
	return 0;
}

static int step_mempolicy(struct sheep_init_ctx *c, struct sheep_err **err)
{
	return sheep_mempolicy_apply(c->config->linux_ ? c->config->linux_->memory_policy : NULL,
				     err);
}

/* execCPUAffinity.final, once the exec'd process is in the container's cgroup (joining a v1
 * cpuset reset its affinity to the cpuset's CPUs). */
static int step_exec_affinity(struct sheep_init_ctx *c, struct sheep_err **err)
{
	if (c->has_final_affinity &&
	    sched_setaffinity(0, sizeof(c->final_affinity), &c->final_affinity) < 0)
		return sheep_err_set(err, errno, "sched_setaffinity");
	return 0;
}

static int step_hostname(struct sheep_init_ctx *c, struct sheep_err **err)
{
	const char *h = c->config->hostname, *d = c->config->domainname;

	if (h && *h && sethostname(h, strlen(h)) < 0)
		return sheep_err_set(err, errno, "sethostname '%s'", h);
	if (d && *d && setdomainname(d, strlen(d)) < 0)
		return sheep_err_set(err, errno, "setdomainname '%s'", d);
	return 0;
}

/* A missing process.cwd is made (root-owned, 0755), as runc does and as managers that pass an
 * image's WorkingDir unchecked rely on; here, in the mounted rootfs (the current directory) before
 * root.readonly applies, resolved inside it. */
static int make_cwd(const char *cwd, struct sheep_err **err)
{
	_cleanup_close_ int root = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int dir = -1;

	if (root < 0)
		return sheep_err_set(err, errno, "open the rootfs");
	dir = sheep_path_mkdir_in_root(root, cwd, 0755, err);
	if (dir < 0)
		return sheep_err_wrap(err, "create the working directory '%s'", cwd);
	return 0;
}

/* in the rootfs, mounts done, before pivot_root: the cwd, then createContainer hooks */
static int before_pivot(void *data, struct sheep_err **err)
{
	struct sheep_init_ctx *c = data;
	const struct oci_hooks *h = c->config->hooks;
	_cleanup_free_ char *state = NULL;

	if (make_cwd(c->config->process->cwd, err) < 0)
		return -1;
	if (h == NULL || h->create_container_len == 0)
		return 0;
	state = sheep_state_oci_json_in_container(c->state_json, SHEEP_CREATED, getpid(), err);
	if (state == NULL)
		return -1;
	return sheep_hooks_run("createContainer", h->create_container, h->create_container_len,
			       state, err);
}

static int step_rootfs(struct sheep_init_ctx *c, struct sheep_err **err)
{
	struct sheep_rootfs_opts o = {
	    .rootfs = c->rootfs,
	    .bundle = c->bundle,
	    .no_pivot = c->no_pivot,
	    .host_mount_ns = !c->ns.has_mount,
	    .host_mount_dirfd = c->host_mount_dirfd,
	    .userns = c->ns.has_user,
	    .console_fd = -1,
	    .cgroupns = c->ns.has_cgroup,
	    .mount_label =
		sheep_lsm_mount_label(c->config->linux_ ? c->config->linux_->mount_label : NULL),
	    .cgroup_mounts = c->cgroup_mounts,
	    .cgroup_mounts_len = c->cgroup_mounts_len,
	    .premade_binds = c->premade_binds,
	    .before_pivot = before_pivot,
	    .before_pivot_data = c,
	};

	return sheep_rootfs_setup(c->config, &o, err);
}

static int cmp_int(const void *a, const void *b)
{
	return (*(const int *)a > *(const int *)b) - (*(const int *)a < *(const int *)b);
}

/* Closes every fd but stdio, the preserved ones and init's own (sync socket, exec fifo, and in a
 * fault-injection build the trace) before chdir, so no host directory fd can be reached through
 * /proc/self/fd (CVE-2024-21626). */
static int step_close_fds(struct sheep_init_ctx *c, struct sheep_err **err)
{
	int keep[4] = {c->sync_fd, c->fifo_fd, sheep_fault_trace_fd(), c->tramp_fd};
	unsigned int from = 3 + (unsigned)c->preserve_fds;

	/* ascending, so the ranges between them can be closed in order */
	qsort(keep, ARRAY_SIZE(keep), sizeof(keep[0]), cmp_int);
	for (size_t i = 0; i < ARRAY_SIZE(keep); i++) {
		if (keep[i] < 0 || (unsigned)keep[i] < from)
			continue;
		if ((unsigned)keep[i] > from && syscall(SYS_close_range, from, keep[i] - 1, 0) < 0)
			return sheep_err_set(err, errno, "close_range");
		from = (unsigned)keep[i] + 1;
	}
	if (syscall(SYS_close_range, from, ~0U, 0) < 0)
		return sheep_err_set(err, errno, "close_range");
	return 0;
}

static int step_cwd(struct sheep_init_ctx *c, struct sheep_err **err)
{
	const char *cwd = c->config->process->cwd;
	char buf[4096];

	if (chdir(cwd) < 0)
		return sheep_err_set(err, errno, "chdir '%s'", cwd);
	/* getcwd fails with ENOENT when cwd is outside the root (reached through a magic link). */
	if (getcwd(buf, sizeof(buf)) == NULL || buf[0] != '/')
		return sheep_err_set(err, EPERM, "cwd '%s' is outside the container's root", cwd);
	return 0;
}

static int step_process_attrs(struct sheep_init_ctx *c, struct sheep_err **err)
{
	const struct oci_process *p = c->config->process;

	if (!c->no_new_keyring &&
	    syscall(SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, NULL) < 0 && errno != ENOSYS)
		return sheep_err_set(err, errno, "join a new session keyring");
	if (sheep_process_set_rlimits(p, err) < 0 || sheep_process_set_oom_score_adj(p, err) < 0 ||
	    sheep_process_set_scheduler(p, err) < 0 || sheep_process_set_io_priority(p, err) < 0 ||
	    sheep_process_set_personality(c->config->linux_, err) < 0)
		return -1;
	return 0;
}

static int step_user(struct sheep_init_ctx *c, struct sheep_err **err)
{
	const struct oci_user *u = &c->config->process->user;

	umask(u->has_umask ? u->umask : 022);
	return sheep_caps_apply_user(c->caps, u->uid, u->gid, u->additional_gids,
				     u->additional_gids_len, err);
}

static int step_lsm(struct sheep_init_ctx *c, struct sheep_err **err)
{
	const struct oci_process *p = c->config->process;

	return sheep_lsm_apply(p->apparmor_profile, p->selinux_label, err);
}

static int step_no_new_privs(struct sheep_init_ctx *c, struct sheep_err **err)
{
	if (c->config->process->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return sheep_err_set(err, errno, "prctl PR_SET_NO_NEW_PRIVS");
	return 0;
}

/* Loading a filter needs no_new_privs or CAP_SYS_ADMIN. Without no_new_privs the filter goes in
 * before the capabilities are dropped (so the user switch runs under the filter, as in runc);
 * with it, as late as possible, just before exec. */
static int load_seccomp(struct sheep_init_ctx *c, bool early, struct sheep_err **err)
{
	_cleanup_close_ int listener = -1;

	if (c->seccomp == NULL || early == c->config->process->no_new_privileges)
		return 0;
	if (sheep_seccomp_install(c->seccomp, &listener, err) < 0)
		return -1;
	if (listener >= 0)
		return sync_send(c->sync_fd, SYNC_SECCOMP, NULL, 0, listener, err);
	return 0;
}

static int step_seccomp_early(struct sheep_init_ctx *c, struct sheep_err **err)
{
	return load_seccomp(c, true, err);
}

static int step_seccomp(struct sheep_init_ctx *c, struct sheep_err **err)
{
	return load_seccomp(c, false, err);
}

const struct sheep_init_step sheep_init_steps[] = {
    {"wait-parent", "wait for the runtime", step_wait_parent},
    {"namespaces", "set up namespaces", step_namespaces},
    {"runtime-hooks", "run runtime hooks", step_runtime_hooks},
    {"hostname", "set hostname", step_hostname},
    {"rootfs", NULL, step_rootfs}, /* sheep_rootfs_setup names its own intent */
    {"console", "set up console", sheep_init_step_console},
    {"close-fds", "close inherited fds", step_close_fds},
    {"cwd", "change to the working directory", step_cwd},
    {"process-attrs", "set process attributes", step_process_attrs},
    {"env", "prepare the environment", sheep_init_step_env},
    {"memory-policy", "set the memory policy", step_mempolicy},
    {"prepare-start", "prepare to wait for start", sheep_init_step_prepare_start},
    {"seccomp-early", "load seccomp filter", step_seccomp_early},
    {"user", "set user and capabilities", step_user},
    {"find-exec", "find the executable", sheep_init_step_find_exec},
    {"lsm", "set the LSM profile", step_lsm},
    {"no-new-privs", "set no_new_privileges", step_no_new_privs},
    {"seccomp", "load seccomp filter", step_seccomp},
    {"wait-start", "wait for start", sheep_init_step_wait_start},
    {NULL, NULL, NULL},
};

/* exec: the pid namespace was joined by the parent (it applies only to children) and the cgroup
 * entered before SYNC_GO; the success report is the sync socket closing on execve. */
const struct sheep_init_step sheep_exec_steps[] = {
    {"wait-parent", "wait for the runtime", step_wait_parent},
    {"cpu-affinity", "set the CPU affinity", step_exec_affinity},
    {"namespaces", "join the container's namespaces", step_namespaces},
    {"console", "set up console", sheep_init_step_console},
    {"close-fds", "close inherited fds", step_close_fds},
    {"cwd", "change to the working directory", step_cwd},
    {"process-attrs", "set process attributes", step_process_attrs},
    {"env", "prepare the environment", sheep_init_step_env},
    {"memory-policy", "set the memory policy", step_mempolicy},
    {"seccomp-early", "load seccomp filter", step_seccomp_early},
    {"user", "set user and capabilities", step_user},
    {"find-exec", "find the executable", sheep_init_step_find_exec},
    {"lsm", "set the LSM profile", step_lsm},
    {"no-new-privs", "set no_new_privileges", step_no_new_privs},
    {"seccomp", "load seccomp filter", step_seccomp},
    {NULL, NULL, NULL},
};
