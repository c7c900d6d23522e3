/* clone3 places the child in its cgroup atomically (CLONE_INTO_CGROUP) on cgroup v2; clone is
 * the fallback for kernels or seccomp profiles (of a caller that is itself in a container) without
 * clone3. Both are used fork-like (no new stack): the child continues on a copy of this one. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>

#include "core/proc/spawn.h"
#include "util/cleanup.h"

static pid_t spawn(struct sheep_init_ctx *ctx, struct sync_pair *sync, int clone_flags,
		   int cgroup_fd, struct sheep_err **err)
{
	struct clone_args args = {
	    .flags = (unsigned)clone_flags | (cgroup_fd >= 0 ? CLONE_INTO_CGROUP : 0),
	    .exit_signal = SIGCHLD,
	    .cgroup = cgroup_fd >= 0 ? (unsigned)cgroup_fd : 0,
	};
	pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));

	if (pid < 0 && (errno == ENOSYS || errno == EPERM || errno == E2BIG)) {
		if (cgroup_fd >= 0)
			return sheep_err_set(err, errno, "clone3 into cgroup");
		pid = (pid_t)syscall(SYS_clone, clone_flags | SIGCHLD, NULL, NULL, NULL, NULL);
	}
	if (pid < 0)
		return sheep_err_set(err, errno, "clone the container process");
	if (pid == 0) {
		sync_close_parent(sync);
		ctx->sync_fd = sync->child;
		sheep_init_main(ctx);
	}
	return pid;
}

/* setns(CLONE_NEWPID) chooses the namespace of the children made afterwards only: a pid
 * namespace to join is entered around the clone, by the runtime (the child's own setns would leave
 * it in the runtime's namespace), and left again at once, so no later child of the runtime (a
 * hook, LeakSanitizer's tracer at exit) lands in the container's. /proc/self/ns/pid names the
 * active namespace, which setns leaves unchanged: the way back. */
pid_t sheep_spawn(struct sheep_init_ctx *ctx, struct sync_pair *sync, int clone_flags,
		  int cgroup_fd, int pidns_fd, struct sheep_err **err)
{
	_cleanup_close_ int self = -1;
	pid_t pid;

	if (pidns_fd < 0)
		return spawn(ctx, sync, clone_flags, cgroup_fd, err);
	self = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return sheep_err_set(err, errno, "open '/proc/self/ns/pid'");
	if (setns(pidns_fd, CLONE_NEWPID) < 0)
		return sheep_err_set(err, errno, "join the container's pid namespace");
	pid = spawn(ctx, sync, clone_flags, cgroup_fd, err);
	(void)setns(self, CLONE_NEWPID);
	return pid;
}

int sheep_spawn_reap_died(pid_t *pid, const char *who, const char *when, struct sheep_err **err)
{
	int status = 0;

	sheep_err_freep(err);
	if (waitpid(*pid, &status, 0) != *pid)
		return sheep_err_set(err, ECONNRESET, "%s died before %s", who, when);
	*pid = -1;
	if (WIFSIGNALED(status))
		return sheep_err_set(err, 0, "%s was killed by signal %d before %s", who,
				     WTERMSIG(status), when);
	return sheep_err_set(err, 0, "%s exited with status %d before %s", who, WEXITSTATUS(status),
			     when);
}
