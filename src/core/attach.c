/* Staying attached to a container process (run and exec in the foreground): forward signals, relay
 * the terminal, and wait for the process. */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "core/attach.h"
#include "util/fs.h"

/* Every signal whose default would end or stop the runtime and leave the process orphaned, as runc
 * forwards them (SIGRTMIN+3 is how systemd is told to halt), plus SIGCHLD and SIGWINCH, handled
 * here. Not SIGPIPE (a write to a closed stdout is the runtime's own error), nor the synchronous
 * faults, nor SIGURG (ignored by default; runc leaves it too). */
static const int forwarded[] = {SIGHUP,	 SIGINT,    SIGQUIT,   SIGABRT, SIGUSR1,  SIGUSR2, SIGALRM,
				SIGTERM, SIGSTKFLT, SIGCHLD,   SIGCONT, SIGTSTP,  SIGTTIN, SIGTTOU,
				SIGXCPU, SIGXFSZ,   SIGVTALRM, SIGPROF, SIGWINCH, SIGIO,   SIGPWR};

int sheep_attach_block_signals(sigset_t *old, struct sheep_err **err)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(&set, forwarded[i]);
	for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
		sigaddset(&set, sig);
	if (sigprocmask(SIG_BLOCK, &set, old) < 0)
		return sheep_err_set(err, errno, "sigprocmask");
	int fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		return sheep_err_set(err, errno, "signalfd");
	return fd;
}

void sheep_attach_copy_winsize(int pty)
{
	struct winsize ws;

	if (pty >= 0 && ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(pty, TIOCSWINSZ, &ws);
}

bool sheep_attach_raw(int pty, struct termios *saved)
{
	struct termios t;

	if (pty < 0 || !isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, saved) < 0)
		return false;
	t = *saved;
	cfmakeraw(&t);
	sheep_attach_copy_winsize(pty);
	return tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0;
}

void sheep_attach_restore(bool raw, const struct termios *saved)
{
	if (raw)
		tcsetattr(STDIN_FILENO, TCSANOW, saved);
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

/* Our input ended: a process reads end-of-file from a terminal only when the line discipline sees
 * its EOF character (termios(3) VEOF, ^D) at the start of a line, so send that (after a newline's
 * worth: a second one when the input did not end with a line feed). Otherwise `echo x | exec -t ID
 * cat` waits forever. On a pty master, tcgetattr reads the slave's settings. */
static void send_eof(int pty, bool line_open)
{
	struct termios t;
	char eof[2] = {4, 4};

	if (tcgetattr(pty, &t) == 0 && t.c_cc[VEOF] != _POSIX_VDISABLE)
		eof[0] = eof[1] = (char)t.c_cc[VEOF];
	(void)sheep_write_all(pty, eof, line_open ? 2 : 1);
}

/* stdin to the terminal, remembering whether the last byte ended a line; -1 at end of input. */
static int relay_input(int pty, bool *line_open)
{
	char buf[16384];
	ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n == 0)
		send_eof(pty, *line_open);
	if (n <= 0)
		return -1;
	*line_open = buf[n - 1] != '\n';
	return sheep_write_all(pty, buf, (size_t)n) < 0 ? -1 : 0;
}

static int exit_status_of(int wstatus)
{
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return WEXITSTATUS(wstatus);
}

int sheep_attach_wait(pid_t pid, int sigfd, int pty)
{
	struct pollfd p[3] = {{sigfd, POLLIN, 0}, {pty, POLLIN, 0}, {pty >= 0 ? 0 : -1, POLLIN, 0}};
	bool line_open = false;
	int wstatus;

	for (;;) {
		if (poll(p, 3, -1) < 0 && errno != EINTR)
			return 1;
		if (p[1].revents && relay(pty, STDOUT_FILENO) < 0)
			p[1].fd = -1;
		if (p[2].revents && relay_input(pty, &line_open) < 0)
			p[2].fd = -1;
		if (!(p[0].revents & POLLIN))
			continue;
		struct signalfd_siginfo si;
		while (read(sigfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo == SIGWINCH)
				sheep_attach_copy_winsize(pty);
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
