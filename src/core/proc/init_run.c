/* The container init's driver (run the steps, report a failure, exec) and its terminal and
 * start-gate steps. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/hooks.h"
#include "core/proc/exec_tramp.h"
#include "core/proc/init_steps.h"
#include "core/proc/sync.h"
#include "core/process.h"
#include "core/state.h"
#include "util/cleanup.h"
#include "util/fault.h"
#include "util/fs.h"
#include "util/proctitle.h"
#include "util/strv.h"

/* The pty comes from the container's own devpts (mounted by the rootfs step), so ttyname works
 * inside; the slave becomes the controlling terminal, stdio and /dev/console. */
int sheep_init_step_console(struct sheep_init_ctx *c, struct sheep_err **err)
{
	const struct oci_process *p = c->config->process;
	_cleanup_close_ int master = -1, slave = -1, console = -1;
	char path[64];

	/* a session of its own either way (as runc): a signal for the runtime's or the manager's
	 * process group (conmon kills -pgid at --timeout) is not the container's */
	if (!p->terminal)
		return setsid() < 0 ? sheep_err_set(err, errno, "setsid") : 0;
	master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return sheep_err_set(err, errno, "open '/dev/ptmx'");
	if (unlockpt(master) < 0)
		return sheep_err_set(err, errno, "unlockpt");
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return sheep_err_set(err, errno, "open the pty peer");
	if (p->console_size) {
		struct winsize ws = {.ws_row = (unsigned short)p->console_size->height,
				     .ws_col = (unsigned short)p->console_size->width};
		if (ioctl(slave, TIOCSWINSZ, &ws) < 0)
			return sheep_err_set(err, errno, "set console size");
	}
	/* an exec'd process gets a pty of its own; /dev/console stays the init's */
	console = c->is_exec
		      ? -1
		      : open("/dev/console", O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (console >= 0) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", slave);
		char target[64];
		snprintf(target, sizeof(target), "/proc/self/fd/%d", console);
		if (mount(path, target, NULL, MS_BIND, NULL) < 0)
			return sheep_err_set(err, errno, "bind the pty on '/dev/console'");
	}
	if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
		return sheep_err_set(err, errno, "make the pty the controlling terminal");
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0)
			return sheep_err_set(err, errno, "dup2 the pty to fd %d", fd);
	return sync_send(c->sync_fd, SYNC_PTY, NULL, 0, master, err);
}

int sheep_init_step_find_exec(struct sheep_init_ctx *c, struct sheep_err **err)
{
	if (c->no_process)
		return 0;
	if (sheep_process_find_exec(c->config->process, &c->exec_path, err) < 0)
		return -1;
	c->exec_fd = sheep_exe_guard_open(c->exec_path, &c->self_exe, &c->exec_script, err);
	return c->exec_fd < 0 ? -1 : 0;
}

/* startContainer runs past the start gate, where nobody reads the sync socket any more: a
 * failure goes back to `start` through the fifo (start.c waits for its end to close) and the
 * container stops (runtime-spec lifecycle step 7: "generate an error, stop the container"). */
static void run_start_hooks(struct sheep_init_ctx *c, const struct oci_hooks *h)
{
	_cleanup_err_ struct sheep_err *e = NULL;
	_cleanup_free_ char *state =
	    sheep_state_oci_json_in_container(c->state_json, SHEEP_CREATED, getpid(), &e);

	if (state == NULL || sheep_hooks_run("startContainer", h->start_container,
					     h->start_container_len, state, &e) < 0) {
		(void)sheep_write_all(c->fifo_fd, e->msg, strlen(e->msg));
		_exit(1);
	}
}

static void die_of_signal(int sig)
{
	_exit(128 + sig);
}

static void end_on_signal(int sig)
{
	struct sigaction old, sa = {.sa_handler = die_of_signal};

	/* one the caller ignores stays ignored, for the process too (execve keeps SIG_IGN) */
	if (sigaction(sig, NULL, &old) < 0 || old.sa_handler != SIG_DFL)
		return;
	sigfillset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

/* Signals whose default action ends a process. A waiting init that is pid 1 of its namespace
 * gets only the signals it handles (pid_namespaces(7)), so `kill created-container TERM` would
 * be dropped and the container stay "created"; handled here, the init ends as runc's does. The
 * handlers go with execve (caught signals are reset to the default). Faults, SIGPIPE (the
 * runtime ignores it) and the glibc-internal real-time signals keep their dispositions. */
static void end_on_signals(void)
{
	static const int sigs[] = {SIGHUP, SIGINT,  SIGQUIT,   SIGUSR1, SIGUSR2, SIGALRM, SIGTERM,
				   SIGIO,  SIGPROF, SIGVTALRM, SIGXCPU, SIGXFSZ, SIGPWR};

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		end_on_signal(sigs[i]);
	for (int s = SIGRTMIN; s <= SIGRTMAX; s++)
		end_on_signal(s);
}

/* What the waiting init needs, done before the seccomp filter goes in (a profile may deny
 * prctl or rt_sigaction, as runc's init makes neither call after loading it): the signal
 * handlers, and the death signal that tied init to a dying create cleared. From here a create
 * that dies makes the READY message fail instead, and init exits. */
int sheep_init_step_prepare_start(struct sheep_init_ctx *c, struct sheep_err **err)
{
	(void)c;
	if (prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0) < 0)
		return sheep_err_set(err, errno, "prctl PR_SET_PDEATHSIG");
	end_on_signals();
	return 0;
}

/* READY tells create it can return; then the init waits for start on the fifo. */
int sheep_init_step_wait_start(struct sheep_init_ctx *c, struct sheep_err **err)
{
	const struct oci_hooks *h = c->config->hooks;
	char byte;
	ssize_t n;

	if (sync_send(c->sync_fd, SYNC_READY, NULL, 0, -1, err) < 0)
		return -1;
	close(c->sync_fd);
	c->sync_fd = -1;
	do
		n = read(c->fifo_fd, &byte, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1 || c->no_process)
		_exit(1); /* nobody to report to: create has returned (start refuses no process) */
	if (h && h->start_container_len)
		run_start_hooks(c, h);
	/* The fifo stays open until execve closes it (close-on-exec): a start that waits for
	 * startContainer or poststart hooks sees the hangup once the user's program runs. */
	return 0;
}

/* Caught signals are reset by execve itself; what would leak into the container's process is
 * the runtime's own SIG_IGN for SIGPIPE and the mask that run and exec block for their signalfd.
 * Dispositions the caller chose (a manager ignoring SIGHUP, say) pass on, as with any execve. */
static void reset_signals(void)
{
	sigset_t none;

	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* "HOME=..." for a config without HOME, looked up by the env step while /etc/passwd is still
 * readable (before the user switch and seccomp); one init or exec per process, so static. */
static char home_entry[4096 + sizeof("HOME=")];

int sheep_init_step_env(struct sheep_init_ctx *c, struct sheep_err **err)
{
	const struct oci_process *p = c->config->process;
	const char *home = sheep_strv_env_get(p->env, p->env_len, "HOME");
	_cleanup_close_ int root = -1;

	home_entry[0] = '\0';
	if (home && *home)
		return 0;
	root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return sheep_err_set(err, errno, "open '/'");
	sheep_process_home(root, p->user.uid, home_entry, sizeof(home_entry));
	return 0;
}

/* The process's environment, plus LISTEN_FDS/LISTEN_PID when socket-activation fds are passed
 * (they replace the config's own). */
static char **process_env(const struct sheep_init_ctx *c)
{
	const struct oci_process *p = c->config->process;
	static char listen_fds[32], listen_pid[] = "LISTEN_PID=1";
	char *extra[] = {listen_fds, listen_pid};

	snprintf(listen_fds, sizeof(listen_fds), "LISTEN_FDS=%d", c->listen_fds);
	return sheep_process_env(p->env, p->env_len, extra, c->listen_fds > 0 ? 2 : 0,
				 home_entry[0] ? home_entry : NULL);
}

static __attribute__((noreturn)) void child_fail(struct sheep_init_ctx *c, struct sheep_err *err)
{
	if (c->sync_fd >= 0)
		sync_send_error(c->sync_fd, err);
	_exit(1);
}

void sheep_init_main(struct sheep_init_ctx *c)
{
	const struct oci_process *p = c->config->process;
	struct sheep_err *err = NULL;
	char **argv, **envp;

	static const char *const title[] = {"sheep-oci", "init"};

	/* Until create has returned, init must not outlive it. */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	/* ps shows "sheep-oci init" (runc's shows "runc init"), not the runtime's command line with
	 * the bundle and the id, for as long as the container is created */
	sheep_proctitle_set(title, 2);
	/* An exec'd process is in the container's pid namespace from the start, next to processes the
	 * container controls: none of them may open its /proc/PID/exe (the runtime's binary, the
	 * CVE-2019-5736 route) or read its memory. No id maps are written for it, so this can be
	 * done at once; the init does it once its maps are written (step_namespaces). */
	if (c->is_exec)
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	for (const struct sheep_init_step *s = c->is_exec ? sheep_exec_steps : sheep_init_steps;
	     s->run; s++) {
		if (s->run(c, &err) < 0) {
			if (s->name)
				sheep_err_wrap(&err, "%s", s->name);
			child_fail(c, err);
		}
		sheep_fault_point(c->is_exec ? "exec-init:" : "init:", s->key);
	}
	argv = sheep_strv_view(p->args, p->args_len);
	envp = process_env(c);
	if (argv == NULL || envp == NULL)
		_exit(1);
	/* exec's parent tells an execve (the socket closes, close-on-exec) from a death this way */
	if (c->is_exec && sync_send(c->sync_fd, SYNC_EXECVE, NULL, 0, -1, &err) < 0)
		_exit(1);
	reset_signals();
	/* an exec'd process outlives the runtime that started it (init cleared this at READY) */
	prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	/* The container's own init goes by its path, as runc's does: no process of the container
	 * exists yet to race the check just made. An exec'd process, which the container's
	 * processes could race (CVE-2019-5736), goes by its path through the trampoline
	 * (exec_tramp.c), or else runs the checked fd, which leaves no window either but names the
	 * process after the file ("busybox" for "sleep"). A script needs its path (its interpreter
	 * opens it; the checked fd is close-on-exec). */
	if (c->is_exec && c->tramp_fd >= 0)
		sheep_exec_tramp_run(c->tramp_fd, c->exec_path, argv, envp);
	if (!c->exec_script && c->is_exec)
		syscall(SYS_execveat, c->exec_fd, "", argv, envp, AT_EMPTY_PATH);
	/* Also the fallback when the container's seccomp profile allows execve but not execveat:
	 * the path was checked a moment ago, so only a swap racing this window could slip by. */
	execve(c->exec_path, argv, envp);
	/* Past the start gate (or exec's SYNC_EXECVE) no runtime reads the sync socket any more:
	 * as with runc, the reason goes to the process's own stderr; status as a shell gives it. */
	int saved = errno;
	dprintf(STDERR_FILENO, "exec %s: %s\n", c->exec_path, strerror(saved));
	_exit(saved == ENOENT ? 127 : 126);
}
