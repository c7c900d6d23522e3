/* Running OCI hooks: fork + execve with the state JSON on stdin, waited for with a pidfd so a
 * timeout never needs signals or a second process. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
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

/* Waits for pid; with a timeout (seconds, 0 = none) the hook is killed when it runs over, with
 * its process group: a shell hook's children would otherwise outlive it, holding the runtime's
 * stderr open (a caller reading it to the end would hang) and whatever the hook was doing. */
static int wait_hook(pid_t pid, int timeout, int *ret_status, struct sheep_err **err)
{
	_cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);

	if (pidfd >= 0 && timeout > 0) {
		struct pollfd p = {.fd = pidfd, .events = POLLIN};
		int r;

		do
			r = poll(&p, 1, timeout * 1000);
		while (r < 0 && errno == EINTR);
		if (r == 0) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return sheep_err_code(err, ETIMEDOUT, "timed out after %d s", timeout);
		}
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
	_cleanup_close_ int errr = -1, errw = -1;
	int pipefd[2], errfds[2], status = 0, e;
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
	/* A hook may exit without reading stdin: EPIPE is not a failure (SIGPIPE is ignored). */
	(void)sheep_write_all(pipefd[1], state_json, strlen(state_json));
	close(pipefd[1]);
	if (wait_hook(pid, h->has_timeout ? (int)h->timeout : 0, &status, err) < 0)
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
