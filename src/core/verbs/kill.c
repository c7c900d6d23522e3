/* kill: signal the init (through a pidfd, so a recycled pid is never signalled) or, with --all,
 * every process of the container's cgroup. */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/container.h"
#include "core/verbs/lookup.h"
#include "util/cleanup.h"

int sheep_signal_parse(const char *text, int *ret, struct sheep_err **err)
{
	const char *name = text;
	char *end;
	long n;

	if (isdigit((unsigned char)text[0])) {
		errno = 0;
		n = strtol(text, &end, 10);
		/* 0 checks that the init exists and may be signalled (kill(2)); runc accepts it */
		if (errno || *end || n < 0 || n >= NSIG)
			return sheep_err_code(err, EINVAL, "invalid signal '%s'", text);
		*ret = (int)n;
		return 0;
	}
	if (strncasecmp(name, "SIG", 3) == 0)
		name += 3;
	for (int s = 1; s < NSIG; s++) {
		const char *abbrev = sigabbrev_np(s);
		if (abbrev && strcasecmp(abbrev, name) == 0) {
			*ret = s;
			return 0;
		}
	}
	return sheep_err_code(err, EINVAL, "invalid signal '%s'", text);
}

int sheep_signal_init(const struct sheep_state *st, int signum, struct sheep_err **err)
{
	_cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, st->pid, 0);

	if (pidfd < 0 || !sheep_pid_alive(st->pid, st->start_time))
		/* containerd's shim reads "container not running" as "already exited" */
		return sheep_err_code(err, ESRCH, "container not running");
	if (syscall(SYS_pidfd_send_signal, pidfd, signum, NULL, 0) < 0)
		return sheep_err_set(err, errno, "send signal %d to %d", signum, (int)st->pid);
	return 0;
}

int sheep_container_kill(const char *root, const char *id, int signum, bool all,
			 struct sheep_err **err)
{
	struct container_ref r;
	int ret;

	if (container_open(root, id, &r, err) < 0)
		return -1;
	if (r.status == SHEEP_STOPPED && !all) {
		container_close(&r);
		return sheep_err_set(err, 0, "container not running");
	}
	if (all && r.cgroup)
		ret = sheep_cgroup_kill(r.cgroup, signum, err);
	else if (r.status == SHEEP_STOPPED)
		ret = 0;
	else
		ret = sheep_signal_init(r.st, signum, err);
	/* A v1-frozen process does not act on SIGKILL until thawed: let the kill happen, as runc
	 * does (a v2 freeze lets fatal signals through, and a thaw there is harmless). */
	if (ret == 0 && signum == SIGKILL && r.status == SHEEP_PAUSED && r.cgroup)
		ret = sheep_cgroup_freeze(r.cgroup, false, err);
	container_close(&r);
	return ret;
}
