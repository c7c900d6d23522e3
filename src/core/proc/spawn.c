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

/* The user namespace given by path, when the container also gets a new pid namespace: that
 * one must be made inside it (its owner), or the init may not mount its /proc (EPERM). setns
 * into a user namespace is one-way, so an intermediate process enters it and clones the init as
 * the runtime's child (CLONE_PARENT), reports its pid and exits. */
static int userns_to_enter(const struct sheep_ns_plan *p, int clone_flags)
{
	return clone_flags & CLONE_NEWPID ? sheep_ns_plan_join_fd(p, CLONE_NEWUSER) : -1;
}

static __attribute__((noreturn)) void intermediate(struct sheep_init_ctx *ctx,
						   struct sync_pair *sync, int clone_flags,
						   int cgroup_fd, int userns_fd, int report)
{
	struct clone_args args = {
	    /* CLONE_PARENT takes no exit_signal: the child gets ours (SIGCHLD) */
	    .flags =
		(unsigned)clone_flags | CLONE_PARENT | (cgroup_fd >= 0 ? CLONE_INTO_CGROUP : 0),
	    .cgroup = cgroup_fd >= 0 ? (unsigned)cgroup_fd : 0,
	};
	int result;
	pid_t pid;

	if (setns(userns_fd, CLONE_NEWUSER) < 0) {
		result = -errno;
		(void)!write(report, &result, sizeof(result));
		_exit(1);
	}
	ctx->ns.user_entered = true;
	pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (pid == 0) {
		close(report);
		sync_close_parent(sync);
		ctx->sync_fd = sync->child;
		sheep_init_main(ctx);
	}
	result = pid < 0 ? -errno : (int)pid;
	(void)!write(report, &result, sizeof(result));
	_exit(0);
}

static pid_t spawn_in_userns(struct sheep_init_ctx *ctx, struct sync_pair *sync, int clone_flags,
			     int cgroup_fd, int userns_fd, struct sheep_err **err)
{
	int p[2], result = -EPROTO;
	pid_t mid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return sheep_err_set(err, errno, "pipe");
	mid = (pid_t)syscall(SYS_clone, SIGCHLD, NULL, NULL, NULL, NULL);
	if (mid == 0) {
		close(p[0]);
		intermediate(ctx, sync, clone_flags, cgroup_fd, userns_fd, p[1]);
	}
	close(p[1]);
	if (mid > 0 && read(p[0], &result, sizeof(result)) != sizeof(result))
		result = -EPROTO;
	close(p[0]);
	if (mid < 0)
		return sheep_err_set(err, errno, "clone the container process");
	waitpid(mid, NULL, 0);
	if (result < 0)
		return sheep_err_set(err, -result,
				     "clone the container process in the joined user namespace");
	return (pid_t)result;
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
	int userns_fd = userns_to_enter(&ctx->ns, clone_flags);
	pid_t pid;

	if (userns_fd >= 0)
		return spawn_in_userns(ctx, sync, clone_flags, cgroup_fd, userns_fd, err);
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
