/* Running OCI hooks: fork + execve with the state JSON on stdin, waited for with a pidfd so a
 * timeout never needs signals or a second process. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/hooks.h"
#include "core/log.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/strv.h"

static void hook_child(const struct oci_hook *h, int stdin_fd, int errpipe)
{
	static char *no_env[] = {NULL};
	char *argv0[] = {h->path, NULL};
	char **argv = h->args_len ? sheep_strv_view(h->args, h->args_len) : argv0;
	char **envp = h->env_len ? sheep_strv_view(h->env, h->env_len) : no_env;

	if (argv == NULL || envp == NULL)
		_exit(127);
	/* a process group of its own, so a timeout kills what the hook started too (see wait_hook) */
	setpgid(0, 0);
	if (dup2(stdin_fd, STDIN_FILENO) < 0)
		_exit(127);
	/* stdout of a hook must not mix with the runtime's own output (e.g. `state` JSON) */
	dup2(STDERR_FILENO, STDOUT_FILENO);
	execve(h->path, argv, envp);
	/* the runtime reads why from the close-on-exec pipe (nothing arrives when execve worked) */
	int e = errno;
	(void)!write(errpipe, &e, sizeof(e));
	_exit(127);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Milliseconds left until deadline for poll(2): -1 without a deadline (0), never below 0. */
static int left_ms(long deadline)
{
	long left;

	if (deadline == 0)
		return -1;
	left = deadline - now_ms();
	return left > 0 ? (int)left : 0;
}

static int timed_out(pid_t pid, int timeout, struct sheep_err **err)
{
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return sheep_err_code(err, ETIMEDOUT, "timed out after %d s", timeout);
}

/* Writes the state to the hook's stdin without blocking past the deadline: a hook that does not
 * read it (a state larger than the pipe's 64 KiB) would otherwise hold the runtime in write(2)
 * with the timeout not yet counting. Stops early when the hook exits or closes its stdin. */
static int feed_state(int fd, int pidfd, const char *state, long deadline, struct sheep_err **err)
{
	size_t len = strlen(state), off = 0;

	fcntl(fd, F_SETFL, O_NONBLOCK);
	while (off < len) {
		struct pollfd p[2] = {{.fd = fd, .events = POLLOUT},
				      {.fd = pidfd, .events = POLLIN}};
		ssize_t w = write(fd, state + off, len - off);
		int r;

		if (w > 0) {
			off += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno != EAGAIN)
			return 0; /* EPIPE: the hook does not read its stdin, which is its right */
		r = poll(p, pidfd >= 0 ? 2 : 1, left_ms(deadline));
		if (r < 0 && errno != EINTR)
			return sheep_err_set(err, errno, "poll");
		if (r == 0)
			return 1; /* the deadline passed */
		if (p[1].revents)
			return 0; /* the hook has exited */
	}
	return 0;
}

/* Waits for pid until the deadline (0 = none); a hook that runs over is killed with its process
 * group: a shell hook's children would otherwise outlive it, holding the runtime's stderr open (a
 * caller reading it to the end would hang) and whatever the hook was doing. */
static int wait_hook(pid_t pid, int pidfd, long deadline, int timeout, int *ret_status,
		     struct sheep_err **err)
{
	if (pidfd >= 0 && deadline != 0) {
		struct pollfd p = {.fd = pidfd, .events = POLLIN};
		int r;

		do
			r = poll(&p, 1, left_ms(deadline));
		while (r < 0 && errno == EINTR);
		if (r == 0)
			return timed_out(pid, timeout, err);
	}
	while (waitpid(pid, ret_status, 0) < 0) {
		if (errno != EINTR)
			return sheep_err_set(err, errno, "waitpid");
	}
	return 0;
}

/* Why the hook's execve failed, read from its close-on-exec pipe; 0 when it ran. */
static int exec_errno(int fd)
{
	int e = 0;

	return read(fd, &e, sizeof(e)) == (ssize_t)sizeof(e) ? e : 0;
}

static int run_one(const struct oci_hook *h, const char *state_json, struct sheep_err **err)
{
	_cleanup_close_ int errr = -1, errw = -1, pidfd = -1;
	int pipefd[2], errfds[2], status = 0, e, timeout, fed;
	long deadline;
	pid_t pid;

	if (pipe2(errfds, O_CLOEXEC) < 0)
		return sheep_err_set(err, errno, "pipe");
	errr = errfds[0];
	errw = errfds[1];
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return sheep_err_set(err, errno, "pipe");
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return sheep_err_set(err, errno, "fork");
	}
	if (pid == 0)
		hook_child(h, pipefd[0], errw);
	/* also here, so the group exists before a timeout can fire (the child may not have run yet) */
	setpgid(pid, pid);
	close(pipefd[0]);
	close(TAKE_FD(errw));
	timeout = h->has_timeout ? (int)h->timeout : 0;
	deadline = timeout > 0 ? now_ms() + timeout * 1000L : 0;
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	/* A hook may exit without reading stdin: EPIPE is not a failure (SIGPIPE is ignored). */
	fed = feed_state(pipefd[1], pidfd, state_json, deadline, err);
	close(pipefd[1]);
	if (fed < 0)
		return -1;
	if (fed > 0)
		return timed_out(pid, timeout, err);
	if (wait_hook(pid, pidfd, deadline, timeout, &status, err) < 0)
		return -1;
	e = exec_errno(errr);
	if (e != 0)
		return sheep_err_set(err, e, "exec '%s'", h->path);
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		return sheep_err_set(err, 0, "exited with status %d", WEXITSTATUS(status));
	if (WIFSIGNALED(status))
		return sheep_err_set(err, 0, "killed by signal %d", WTERMSIG(status));
	return 0;
}

int sheep_hooks_run(const char *kind, const struct oci_hook *hooks, size_t n,
		    const char *state_json, struct sheep_err **err)
{
	for (size_t i = 0; i < n; i++) {
		if (run_one(&hooks[i], state_json, err) < 0)
			return sheep_err_wrap(err, "%s hook %zu ('%s')", kind, i, hooks[i].path);
	}
	return 0;
}

void sheep_hooks_run_warn(const char *kind, const struct oci_hook *hooks, size_t n,
			  const char *state_json)
{
	for (size_t i = 0; i < n; i++) {
		_cleanup_err_ struct sheep_err *err = NULL;

		if (run_one(&hooks[i], state_json, &err) < 0)
			sheep_log(SHEEP_LOG_WARNING, "%s hook %zu ('%s'): %s", kind, i,
				  hooks[i].path, err->msg);
	}
}
