/* exec: run one more process in a running container. It joins every namespace of the container's
 * init (the pid namespace from here, since that applies to children only), its cgroup, and goes
 * through the same init steps as the container's own process, minus rootfs, hooks and the start
 * gate. Success is the sync socket closing on execve (it is close-on-exec). */
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/attach.h"
#include "core/log.h"
#include "core/lsm.h"
#include "core/proc/exec_tramp.h"
#include "core/proc/spawn.h"
#include "core/process.h"
#include "core/verbs/exec_job.h"
#include "util/cleanup.h"
#include "util/fault.h"
#include "util/fs.h"
#include "util/socket.h"

static const struct {
	const char *name;
	int flag;
} joinable[] = {
    {"user", CLONE_NEWUSER},
    {"mnt", CLONE_NEWNS},
    {"net", CLONE_NEWNET},
    {"uts", CLONE_NEWUTS},
    {"ipc", CLONE_NEWIPC},
    {"cgroup", CLONE_NEWCGROUP},
    {"time", 0x00000080 /* CLONE_NEWTIME */},
    {"pid", CLONE_NEWPID},
};

/* Opens /proc/PID/ns/NAME when it differs from ours (joining one's own user namespace fails). */
static int open_ns(pid_t pid, const char *name, int *ret_fd, struct sheep_err **err)
{
	char path[64], self[64];
	struct stat a, b;

	*ret_fd = -1;
	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, name);
	snprintf(self, sizeof(self), "/proc/self/ns/%s", name);
	if (stat(path, &a) < 0)
		return errno == ENOENT && strcmp(name, "time") == 0
			   ? 0
			   : sheep_err_set(err, errno, "stat '%s'", path);
	if (stat(self, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
		return 0;
	*ret_fd = open(path, O_RDONLY | O_CLOEXEC);
	return *ret_fd < 0 ? sheep_err_set(err, errno, "open '%s'", path) : 0;
}

static int plan_joins(struct exec_job *j, struct sheep_err **err)
{
	struct sheep_ns_plan *p = &j->ctx.ns;

	/* no mount namespace to join that would give the process the container's root: the
	 * init's root (its chroot) is taken instead */
	if (j->ref.st->host_mount_ns) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d/root", (int)j->ref.st->pid);
		j->ctx.root_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (j->ctx.root_fd < 0)
			return sheep_err_set(err, errno, "open '%s'", path);
	}

	for (size_t i = 0; i < sizeof(joinable) / sizeof(joinable[0]); i++) {
		int fd;

		if (open_ns(j->ref.st->pid, joinable[i].name, &fd, err) < 0)
			return -1;
		if (fd < 0)
			continue;
		if (joinable[i].flag == CLONE_NEWPID) {
			j->pidns_fd = fd;
			continue;
		}
		p->joins[p->njoins++] = (struct sheep_ns_join){joinable[i].flag, fd};
	}
	return 0;
}

static int check_status(struct exec_job *j, struct sheep_err **err)
{
	enum sheep_status s = j->ref.status;

	if (s == SHEEP_STOPPED || s == SHEEP_PAUSED || s == SHEEP_CREATING)
		return sheep_err_set(err, 0, "cannot exec in a %s container", sheep_status_name(s));
	if (j->proc.terminal && !j->opts->console_socket && j->opts->detach)
		return sheep_err_set(err, 0, "--tty with --detach needs --console-socket");
	return 0;
}

static int plan_sub_cgroups(struct exec_job *j, struct sheep_err **err)
{
	if (container_need_cgroup(&j->ref, err) < 0)
		return sheep_err_wrap(err, "--cgroup");
	j->sub_plan_len = sheep_cgroup_hierarchies(j->ref.cgroup);
	return sheep_cgroup_sub_plan(j->ref.cgroup, j->opts->sub_cgroups, j->opts->sub_cgroups_len,
				     &j->sub_plan, err);
}

static int prepare(struct exec_job *j, struct sheep_err **err)
{
	_cleanup_err_ struct sheep_err *e = NULL;
	const struct oci_linux *l;
	char cache[PATH_MAX];
	int n;

	if (container_open(j->opts->root, j->opts->id, &j->ref, err) < 0)
		return -1;
	j->config = container_config(&j->ref, err);
	if (j->config == NULL || exec_build_process(j, err) < 0 || check_status(j, err) < 0)
		return -1;
	j->status_checked = true;
	if (sheep_exe_guard_self(&j->ctx.self_exe, err) < 0)
		return -1;
	/* Without it (another architecture, vm.memfd_noexec) the checked fd is run instead; also
	 * under an AppArmor profile or SELinux label, which take effect at the next execve: the
	 * trampoline's, from a memfd the policy has no rule for. */
	if (sheep_lsm_given(j->proc.apparmor_profile, j->proc.selinux_label))
		sheep_log(SHEEP_LOG_DEBUG, "exec: an LSM label is set: no trampoline");
	else if ((j->ctx.tramp_fd = sheep_exec_tramp_open(&e)) < 0)
		sheep_log(SHEEP_LOG_DEBUG, "exec: %s", e->msg);
	l = j->config->linux_;
	n = snprintf(cache, sizeof(cache), "%s/" SHEEP_SECCOMP_CACHE_DIR,
		     j->opts->root ? j->opts->root : sheep_state_default_root());
	if (l && l->seccomp &&
	    sheep_seccomp_compile_cached(l->seccomp, n < (int)sizeof(cache) ? cache : NULL,
					 &j->ctx.seccomp, err) < 0)
		return -1;
	if (j->opts->console_socket && j->proc.terminal &&
	    (j->console_sock = sheep_unix_connect(j->opts->console_socket, err)) < 0)
		return sheep_err_wrap(err, "console socket");
	if (j->opts->sub_cgroups_len > 0 && plan_sub_cgroups(j, err) < 0)
		return -1;
	return plan_joins(j, err);
}

/* Serves the child until its sync socket closes on execve (success, announced by SYNC_EXECVE) or
 * it reports an error or dies. */
static int serve(struct exec_job *j, struct sheep_err **err)
{
	bool execve_next = false;

	for (;;) {
		struct sync_msg m;
		int ret = 0;

		if (sync_recv(j->sync.parent, &m, err) < 0) {
			if ((*err)->errnum != ECONNRESET)
				return -1;
			if (!execve_next)
				return sheep_spawn_reap_died(&j->pid, "the process",
							     "it was executed", err);
			sheep_err_freep(err);
			return 0;
		}
		if (m.type == SYNC_EXECVE)
			execve_next = true;
		if (m.type == SYNC_ERROR) {
			int errnum = m.errnum;
			char *text = TAKE_PTR(m.payload);
			sync_msg_clear(&m);
			return sheep_err_take(err, errnum, text ? text : strdup("exec failed"));
		}
		if (m.type == SYNC_PTY && j->console_sock >= 0)
			ret = sheep_send_fd(j->console_sock, m.fd, "/dev/ptmx", err);
		else if (m.type == SYNC_PTY) {
			j->pty_master = m.fd;
			m.fd = -1;
		}
		sync_msg_clear(&m);
		if (ret < 0)
			return -1;
	}
}

/* Without CLONE_INTO_CGROUP (cgroup v1) the process is moved in after the clone, and the pids
 * controller limits only forks, not moves (kernel cgroup-v1/pids.rst: pids.current may exceed
 * pids.max by migration): the exec would be one task over the container's limit. runc forks inside
 * the cgroup and so fails there; refuse the same way. Two racing execs may still both get in. */
static int enter_cgroup(struct exec_job *j, struct sheep_err **err)
{
	struct sheep_cgroup_stats st = {0};
	uint64_t limit;
	bool over;

	if (sheep_cgroup_enter(j->ref.cgroup, j->sub_plan, j->pid, err) < 0)
		return -1;
	if (sheep_cgroup_stats(j->ref.cgroup, &st, err) < 0)
		return sheep_err_wrap(err, "read the container's pids limit");
	limit = st.pids_limit;
	over = limit > 0 && st.pids_current > limit;
	sheep_cgroup_stats_clear(&st);
	if (over)
		return sheep_err_set(err, EAGAIN,
				     "the container's pids limit (%" PRIu64 ") is reached", limit);
	return 0;
}

static int start_process(struct exec_job *j, struct sheep_err **err)
{
	/* a sub-cgroup is joined after the clone, by its path */
	int cgfd = j->ref.cgroup && !j->sub_plan ? sheep_cgroup_clone_fd(j->ref.cgroup) : -1;
	_cleanup_free_ char *state = NULL;

	if (sync_pair_open(&j->sync, err) < 0)
		return -1;
	/* execCPUAffinity.initial: where the runtime, and so the new process, runs until it is in
	 * the container's cgroup */
	if (sheep_process_exec_affinity(&j->proc, j->ref.st->pid, &j->ctx.final_affinity,
					&j->ctx.has_final_affinity, err) < 0)
		return -1;
	j->pid = sheep_spawn(&j->ctx, &j->sync, 0, cgfd, j->pidns_fd, err);
	if (j->pid < 0)
		return -1;
	sheep_fault_point("exec:", "clone");
	sync_close_child(&j->sync);
	if (j->ref.cgroup && cgfd < 0 && enter_cgroup(j, err) < 0)
		return -1;
	state = sheep_state_oci_json(j->ref.st, j->ref.status, err);
	if (state == NULL)
		return -1;
	if (sync_send(j->sync.parent, SYNC_GO, state, strlen(state), -1, err) < 0)
		return (*err)->errnum == EPIPE || (*err)->errnum == ECONNRESET
			   ? sheep_spawn_reap_died(&j->pid, "the process", "it was executed", err)
			   : -1;
	sheep_fault_point("exec:", "go");
	return serve(j, err);
}

static void job_free(struct exec_job *j)
{
	sheep_ns_plan_close(&j->ctx.ns);
	sheep_closep(&j->ctx.root_fd);
	sheep_caps_free(j->ctx.caps);
	sheep_seccomp_free(j->ctx.seccomp);
	free(j->ctx.state_json);
	free(j->env);
	free(j->gids);
	sheep_cgroup_sub_plan_free(j->sub_plan, j->sub_plan_len);
	oci_process_free(j->proc_file);
	oci_config_free(j->config);
	container_close(&j->ref);
	sheep_closep(&j->pidns_fd);
	sheep_closep(&j->ctx.tramp_fd);
	sheep_closep(&j->console_sock);
	sheep_closep(&j->pty_master);
	sync_close_parent(&j->sync);
	sync_close_child(&j->sync);
}

static void kill_process(struct exec_job *j)
{
	if (j->pid > 0) {
		kill(j->pid, SIGKILL);
		waitpid(j->pid, NULL, 0);
		j->pid = -1;
	}
}

/* An init in the middle of its exit: it has left its namespaces (its /proc/PID/ns links are
 * gone) but is not a zombie yet, so its status still reads as before. Its pid cannot be reused
 * until it is reaped, so the pid alone identifies it. */
static bool init_exiting(pid_t pid)
{
	char path[64], target[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)pid);
	return readlink(path, target, sizeof(target)) < 0 && errno == ENOENT;
}

/* The exec failed after the status check: when the init exited meanwhile, that is why (the kernel
 * SIGKILLs every process of a pid namespace whose init dies, a half-made exec'd one too), and the
 * error says so instead of naming whatever step the process died in. */
static int failed_after_check(struct exec_job *j, struct sheep_err **err)
{
	kill_process(j);
	if (container_status(j->ref.st, j->ref.dirfd, j->ref.cgroup) != SHEEP_STOPPED &&
	    !init_exiting(j->ref.st->pid))
		return -1;
	sheep_err_freep(err);
	return sheep_err_set(err, 0, "cannot exec in a stopped container (its init exited)");
}

static int exec_steps(struct exec_job *j, int sigfd, int *ret_status, struct sheep_err **err)
{
	struct termios saved;
	bool raw;

	/* the init may exit at any moment after the check: its namespaces vanish (stat
	 * /proc/PID/ns/mnt: ENOENT) or the half-made process dies with them */
	if (prepare(j, err) < 0)
		return j->status_checked ? failed_after_check(j, err) : -1;
	if (start_process(j, err) < 0)
		return failed_after_check(j, err);
	sheep_fault_point("exec:", "served");
	/* the process runs: other verbs on this container must not wait for it */
	container_close(&j->ref);
	/* a caller that gets no pid file cannot manage the process: do not leave it running (runc
	 * kills it too) */
	if (j->opts->pid_file && sheep_write_pid_file(j->opts->pid_file, j->pid, err) < 0) {
		kill_process(j);
		return -1;
	}
	sheep_fault_point("exec:", "pid-file");
	if (j->opts->detach)
		return 0;
	raw = sheep_attach_raw(j->pty_master, &saved);
	*ret_status = sheep_attach_wait(j->pid, sigfd, j->pty_master);
	sheep_attach_restore(raw, &saved);
	return 0;
}

int sheep_container_exec(const struct sheep_exec_opts *o, int *ret_status, struct sheep_err **err)
{
	struct exec_job j = {.opts = o,
			     .pidns_fd = -1,
			     .console_sock = -1,
			     .pty_master = -1,
			     .sync = {-1, -1},
			     .ctx = {.fifo_fd = -1,
				     .root_fd = -1,
				     .exec_fd = -1,
				     .tramp_fd = -1,
				     .sync_fd = -1,
				     .is_exec = true,
				     .no_new_keyring = true,
				     .preserve_fds = o->preserve_fds}};
	sigset_t old;
	int sigfd = -1, ret;

	*ret_status = 0;
	if (!o->detach && (sigfd = sheep_attach_block_signals(&old, err)) < 0)
		return -1;
	ret = exec_steps(&j, sigfd, ret_status, err);
	if (sigfd >= 0) {
		close(sigfd);
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
	job_free(&j);
	return ret;
}
