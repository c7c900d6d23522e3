/* start: open the gate (exec.fifo) the init waits on; with startContainer or poststart hooks,
 * wait until the init has executed the user's program, then run poststart hooks. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/container.h"
#include "core/hooks.h"
#include "core/verbs/lookup.h"
#include "util/cleanup.h"
#include "util/fault.h"

/* The init keeps its end of the fifo open until its execve of the user's program (or its death)
 * closes it. start keeps a read end of its own, opened before its write end so that the init's
 * last close reads as a hangup, and waits for it: poststart hooks then run after the program is
 * executed (runtime-spec lifecycle step 9), and a startContainer hook's failure, which the init
 * writes there first, is start's error (step 7: "MUST generate an error"). */
static int wait_exec(int rfd, struct sheep_err **err)
{
	struct pollfd p = {.fd = rfd,
			   .events = 0}; /* POLLHUP only: the byte start wrote is unread */
	char buf[4096];
	ssize_t n;

	while (poll(&p, 1, -1) < 0)
		if (errno != EINTR)
			return sheep_err_set(err, errno, "poll '%s'", SHEEP_EXEC_FIFO);
	n = read(rfd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return 0;
	if (buf[0] == '0')
		return sheep_err_set(err, 0, "the container's init exited before start");
	buf[n] = '\0';
	return sheep_err_set(err, 0, "%s", buf);
}

static int open_gate(struct container_ref *r, bool wait, struct sheep_err **err)
{
	_cleanup_close_ int fd = -1, rfd = -1;

	if (r->status != SHEEP_CREATED)
		return sheep_err_set(err, 0, "cannot start a container that is %s",
				     sheep_status_name(r->status));
	if (wait) {
		rfd = openat(r->dirfd, SHEEP_EXEC_FIFO, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (rfd < 0)
			return sheep_err_set(err, errno, "open '%s'", SHEEP_EXEC_FIFO);
	}
	/* O_NONBLOCK: ENXIO instead of blocking forever when the init is gone */
	fd = openat(r->dirfd, SHEEP_EXEC_FIFO, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ENXIO)
		return sheep_err_set(err, 0, "the container's init exited before start");
	if (fd < 0)
		return sheep_err_set(err, errno, "open '%s'", SHEEP_EXEC_FIFO);
	/* The fifo goes first: from here on the status reads "running". */
	if (unlinkat(r->dirfd, SHEEP_EXEC_FIFO, 0) < 0)
		return sheep_err_set(err, errno, "remove '%s'", SHEEP_EXEC_FIFO);
	if (write(fd, "0", 1) != 1)
		return sheep_err_set(err, errno, "write '%s'", SHEEP_EXEC_FIFO);
	sheep_closep(&fd);
	return rfd >= 0 ? wait_exec(rfd, err) : 0;
}

/* runtime-spec 1.3 (lifecycle step 9, as runc always did): a failing poststart hook is start's
 * error and stops the container. Bundles that declare an earlier version were written against
 * "log a warning and continue" (what crun does), and keep it: their ociVersion decides. */
static bool poststart_failure_stops(const struct oci_config *c)
{
	const char *v = c->oci_version;

	return v != NULL && v[0] == '1' && v[1] == '.' && v[2] >= '3' && v[2] <= '9';
}

/* The container stopped: its init killed (runtime-spec: a failing start "stops the container");
 * the rest of the lifecycle is delete's. */
static void stop_init(const struct container_ref *r)
{
	struct sheep_err *ignored = NULL;

	sheep_signal_init(r->st, SIGKILL, &ignored);
	sheep_err_free(ignored);
}

static int run_poststart(const struct container_ref *r, const struct oci_config *config,
			 struct sheep_err **err)
{
	const struct oci_hooks *h = config->hooks;
	_cleanup_free_ char *state = sheep_state_oci_json(r->st, SHEEP_RUNNING, err);

	if (state == NULL)
		return -1;
	if (!poststart_failure_stops(config)) {
		sheep_hooks_run_warn("poststart", h->poststart, h->poststart_len, state);
		return 0;
	}
	if (sheep_hooks_run("poststart", h->poststart, h->poststart_len, state, err) == 0)
		return 0;
	stop_init(r);
	return -1;
}

int sheep_container_start(const char *root, const char *id, struct sheep_err **err)
{
	struct container_ref r;
	struct oci_config *config = NULL;
	const struct oci_hooks *hooks;
	int ret = -1;

	if (container_open(root, id, &r, err) < 0)
		return -1;
	/* the config is read only for its hooks, and not at all when the state says it has none */
	if (r.st->hooks < 0 ||
	    (r.st->hooks & (SHEEP_HOOKS_START_CONTAINER | SHEEP_HOOKS_POSTSTART))) {
		config = container_config(&r, err);
		if (config == NULL)
			goto out;
	}
	/* config.md: process is "REQUIRED when start is called". The init could never run
	 * anything: it is stopped, as after a failing startContainer hook. */
	if (r.status == SHEEP_CREATED && r.st->no_process) {
		stop_init(&r);
		sheep_err_set(err, 0, "config.json: process: required to start the container");
		goto out;
	}
	hooks = config ? config->hooks : NULL;
	if (open_gate(&r, hooks && (hooks->start_container_len || hooks->poststart_len), err) < 0)
		goto out;
	sheep_fault_point("start:", "gate-opened");
	ret = 0;
	if (hooks && hooks->poststart_len) {
		ret = run_poststart(&r, config, err);
		sheep_fault_point("start:", "poststart");
	}
out:
	oci_config_free(config);
	container_close(&r);
	return ret;
}
