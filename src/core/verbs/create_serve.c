/* create, phase 3: answer the init's requests (id maps, runtime hooks, the pty, the seccomp
 * listener) until it reports READY or fails. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "core/hooks.h"
#include "core/netdev.h"
#include "core/proc/spawn.h"
#include "core/userns.h"
#include "core/verbs/create_job.h"
#include "util/cleanup.h"
#include "util/fault.h"
#include "util/jsonstr.h"
#include "util/socket.h"

static int run_runtime_hooks(struct create_job *j, struct sheep_err **err)
{
	const struct oci_hooks *h = j->config->hooks;
	_cleanup_free_ char *state = NULL;

	if (h == NULL)
		return 0;
	/* "created": these hooks are steps 3-5 of the spec's lifecycle, after the environment was
	 * created (step 2, the "creating" status); crun and runtime-tools agree */
	state = sheep_state_oci_json(&j->st, SHEEP_CREATED, err);
	if (state == NULL)
		return -1;
	/* prestart is deprecated but still run, before createRuntime (runtime-spec "prestart") */
	if (sheep_hooks_run("prestart", h->prestart, h->prestart_len, state, err) < 0 ||
	    sheep_hooks_run("createRuntime", h->create_runtime, h->create_runtime_len, state, err) <
		0)
		return -1;
	sheep_fault_point("create:", "runtime-hooks");
	return 0;
}

static int handle_pty(struct create_job *j, struct sync_msg *m, struct sheep_err **err)
{
	if (m->fd < 0)
		return sheep_err_set(err, EPROTO, "no pty in the message");
	if (j->console_sock >= 0) {
		if (sheep_send_fd(j->console_sock, m->fd, "/dev/ptmx", err) < 0)
			return sheep_err_wrap(err, "send the pty to '%s'", j->opts->console_socket);
		return 0;
	}
	j->pty_master = m->fd;
	m->fd = -1;
	return 0;
}

static int handle_seccomp(struct create_job *j, struct sync_msg *m, struct sheep_err **err)
{
	const struct oci_seccomp *s = j->config->linux_->seccomp;
	_cleanup_close_ int sock = -1;
	_cleanup_free_ char *state = NULL, *msg = NULL, *metadata = NULL;

	if (s->listener_path == NULL)
		return sheep_err_set(err, 0,
				     "config.json: linux.seccomp.listenerPath: required for "
				     "SCMP_ACT_NOTIFY");
	/* the filter goes in at the end of create, the environment made: "created", as for hooks */
	state = sheep_state_oci_json(&j->st, SHEEP_CREATED, err);
	if (state == NULL)
		return -1;
	metadata = sheep_json_quote(s->listener_metadata ? s->listener_metadata : "");
	/* runtime-spec "Seccomp": the container process state, naming the fd it carries */
	if (metadata == NULL ||
	    asprintf(&msg,
		     "{\"ociVersion\":\"%s\",\"fds\":[\"seccompFd\"],\"pid\":%d,"
		     "\"metadata\":%s,\"state\":%s}",
		     OCI_SPEC_VERSION, (int)j->pid, metadata, state) < 0)
		return sheep_err_set(err, ENOMEM, "seccomp listener");
	sock = sheep_unix_connect(s->listener_path, err);
	if (sock < 0)
		return sheep_err_wrap(err, "seccomp listener");
	return sheep_send_fd(sock, m->fd, msg, err);
}

static int handle(struct create_job *j, struct sync_msg *m, struct sheep_err **err)
{
	switch (m->type) {
	case SYNC_USERMAP:
		if (sheep_userns_write_maps(j->pid, j->config->linux_, err) < 0)
			return -1;
		return sync_send(j->sync.parent, SYNC_USERMAP_DONE, NULL, 0, -1, err);
	case SYNC_RUNTIME_HOOKS:
		/* the container's network namespace exists: its devices first, so hooks see them */
		if (j->config->linux_ &&
		    sheep_netdev_move(j->config->linux_->net_devices, j->pid, err) < 0)
			return -1;
		if (run_runtime_hooks(j, err) < 0)
			return -1;
		return sync_send(j->sync.parent, SYNC_HOOKS_DONE, NULL, 0, -1, err);
	case SYNC_PTY:
		return handle_pty(j, m, err);
	case SYNC_SECCOMP:
		return handle_seccomp(j, m, err);
	default:
		return sheep_err_set(err, EPROTO, "unexpected message %d from the container",
				     m->type);
	}
}

int create_serve(struct create_job *j, struct sheep_err **err)
{
	for (;;) {
		struct sync_msg m;
		int ret;

		if (sync_recv(j->sync.parent, &m, err) < 0)
			/* the init never execs before READY: its end closed because it died */
			return (*err)->errnum != ECONNRESET
				   ? -1
				   : sheep_spawn_reap_died(&j->pid, "the container's init",
							   "it was ready", err);
		if (m.type == SYNC_READY) {
			sync_msg_clear(&m);
			return 0;
		}
		if (m.type == SYNC_ERROR) {
			char *text = TAKE_PTR(m.payload);
			int errnum = m.errnum;
			sync_msg_clear(&m);
			return sheep_err_take(err, errnum,
					      text ? text : strdup("container init failed"));
		}
		ret = handle(j, &m, err);
		sync_msg_clear(&m);
		if (ret < 0) {
			/* tell init to stop waiting; it is killed right after anyway */
			sync_send_error(j->sync.parent, *err);
			return -1;
		}
	}
}
