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

#include "core/attach.h"
#include "core/container.h"
#include "util/cleanup.h"
#include "util/fs.h"

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
		sheep_attach_copy_winsize(c.pty_master);
	}
	if (sheep_container_start(o->root, o->id, err) < 0) {
		struct sheep_err *ignored = NULL;
		sheep_container_delete(o->root, o->id, true, &ignored);
		sheep_err_free(ignored);
		waitpid(c.pid, NULL, 0);
		sheep_closep(&c.pty_master);
		return -1;
	}
	*ret_status = sheep_attach_wait(c.pid, sigfd, c.pty_master);
	if (raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	sheep_closep(&c.pty_master);
	if (o->keep)
		return 0;
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
	sigfd = sheep_attach_block_signals(&old, err);
	if (sigfd < 0)
		return -1;
	ret = foreground(o, sigfd, ret_status, err);
	close(sigfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}
