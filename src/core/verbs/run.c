/* run: create + start. In the foreground the runtime stays the init's parent: it forwards signals,
 * relays the terminal, waits, deletes the container and returns its exit status. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "core/container.h"
#include "util/cleanup.h"
#include "util/fs.h"

static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH,
				SIGCHLD, SIGCONT, SIGALRM};

static int block_signals(sigset_t *old, struct sheep_err **err)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(&set, forwarded[i]);
	if (sigprocmask(SIG_BLOCK, &set, old) < 0)
		return sheep_err_set(err, errno, "sigprocmask");
	int fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		return sheep_err_set(err, errno, "signalfd");
	return fd;
}

static void copy_winsize(int pty)
{
	struct winsize ws;

	if (pty >= 0 && ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(pty, TIOCSWINSZ, &ws);
}

/* Moves what is readable from `from` to `to`; returns -1 at end of input. */
static int relay(int from, int to)
{
	char buf[16384];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0)
		return -1;
	return sheep_write_all(to, buf, (size_t)n) < 0 ? -1 : 0;
}

static int exit_status_of(int wstatus)
{
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return WEXITSTATUS(wstatus);
}

/* Returns the exit status once the init has exited. */
static int wait_loop(pid_t pid, int sigfd, int pty)
{
	struct pollfd p[3] = {{sigfd, POLLIN, 0}, {pty, POLLIN, 0}, {pty >= 0 ? 0 : -1, POLLIN, 0}};
	int wstatus;

	for (;;) {
		if (poll(p, 3, -1) < 0 && errno != EINTR)
			return 1;
		if (p[1].revents && relay(pty, STDOUT_FILENO) < 0)
			p[1].fd = -1;
		if (p[2].revents && relay(STDIN_FILENO, pty) < 0)
			p[2].fd = -1;
		if (!(p[0].revents & POLLIN))
			continue;
		struct signalfd_siginfo si;
		while (read(sigfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo == SIGWINCH)
				copy_winsize(pty);
			else if (si.ssi_signo != SIGCHLD)
				kill(pid, (int)si.ssi_signo);
		}
		if (waitpid(pid, &wstatus, WNOHANG) == pid) {
			/* drain what the container wrote before it exited */
			while (pty >= 0 && p[1].fd >= 0 && relay(pty, STDOUT_FILENO) == 0 &&
			       poll(&p[1], 1, 0) > 0)
				;
			return exit_status_of(wstatus);
		}
	}
}

static int foreground(const struct sheep_create_opts *o, int sigfd, int *ret_status,
		      struct sheep_err **err)
{
	struct sheep_created c = {.pty_master = -1};
	struct termios saved;
	bool raw = false;

	if (sheep_container_create(o, &c, err) < 0)
		return -1;
	if (c.pty_master >= 0 && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0) {
		struct termios t = saved;
		cfmakeraw(&t);
		raw = tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0;
		copy_winsize(c.pty_master);
	}
	if (sheep_container_start(o->root, o->id, err) < 0) {
		struct sheep_err *ignored = NULL;
		sheep_container_delete(o->root, o->id, true, &ignored);
		sheep_err_free(ignored);
		waitpid(c.pid, NULL, 0);
		sheep_closep(&c.pty_master);
		return -1;
	}
	*ret_status = wait_loop(c.pid, sigfd, c.pty_master);
	if (raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	sheep_closep(&c.pty_master);
	return sheep_container_delete(o->root, o->id, true, err);
}

int sheep_container_run(const struct sheep_create_opts *o, bool detach, int *ret_status,
			struct sheep_err **err)
{
	sigset_t old;
	int sigfd, ret;

	*ret_status = 0;
	if (detach) {
		if (sheep_container_create(o, NULL, err) < 0)
			return -1;
		if (sheep_container_start(o->root, o->id, err) < 0) {
			struct sheep_err *ignored = NULL;
			sheep_container_delete(o->root, o->id, true, &ignored);
			sheep_err_free(ignored);
			return -1;
		}
		return 0;
	}
	sigfd = block_signals(&old, err);
	if (sigfd < 0)
		return -1;
	ret = foreground(o, sigfd, ret_status, err);
	close(sigfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}
