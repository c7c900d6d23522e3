/* OOM notifications for `events`. cgroup v1: an eventfd registered through cgroup.event_control
 * on memory.oom_control (Documentation/admin-guide/cgroup-v1/memory.rst, "OOM Control"); the
 * kernel also signals it once when the cgroup is removed. cgroup v2: memory.events raises a file
 * modified event on every change (cgroup-v2.rst), and its oom_kill counter says what happened. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "core/cgroup/internal.h"
#include "util/cleanup.h"

struct sheep_cgroup_oom {
	int fd;	   /* v1: eventfd; v2: inotify */
	char *dir; /* the memory cgroup directory */
	bool v2;
	uint64_t seen; /* v2: oom_kill at the last read */
};

void sheep_cgroup_oom_free(struct sheep_cgroup_oom *w)
{
	if (w == NULL)
		return;
	if (w->fd >= 0)
		close(w->fd);
	free(w->dir);
	free(w);
}

int sheep_cgroup_oom_fd(const struct sheep_cgroup_oom *w)
{
	return w->fd;
}

static int open_v1(struct sheep_cgroup_oom *w, struct sheep_err **err)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int ofd = -1;

	w->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (w->fd < 0)
		return sheep_err_set(err, errno, "eventfd");
	if (asprintf(&path, "%s/memory.oom_control", w->dir) < 0) {
		path = NULL;
		return sheep_err_set(err, ENOMEM, "watch OOM");
	}
	ofd = open(path, O_RDONLY | O_CLOEXEC);
	if (ofd < 0)
		return sheep_err_set(err, errno, "open '%s'", path);
	/* the registration keeps its own references: ofd may be closed afterwards */
	return cg_writef(w->dir, "cgroup.event_control", err, "%d %d", w->fd, ofd);
}

static int open_v2(struct sheep_cgroup_oom *w, struct sheep_err **err)
{
	_cleanup_free_ char *path = NULL;

	w->fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (w->fd < 0)
		return sheep_err_set(err, errno, "inotify_init1");
	if (asprintf(&path, "%s/memory.events", w->dir) < 0) {
		path = NULL;
		return sheep_err_set(err, ENOMEM, "watch OOM");
	}
	if (inotify_add_watch(w->fd, path, IN_MODIFY) < 0)
		return sheep_err_set(err, errno, "inotify_add_watch '%s'", path);
	/* count from now: kills before `events` started are not news */
	return cg_read_key(w->dir, "memory.events", "oom_kill", &w->seen, err);
}

int sheep_cgroup_oom_open(const struct sheep_cgroup *cg, struct sheep_cgroup_oom **ret,
			  struct sheep_err **err)
{
	const struct cg_hier *h = cg_find(cg, "memory", "");
	struct sheep_cgroup_oom *w;

	if (h == NULL)
		return sheep_err_set(err, ENOENT, "watch OOM: no memory cgroup");
	w = calloc(1, sizeof(*w));
	if (w == NULL || (w->dir = cg_hier_dir(h)) == NULL) {
		free(w);
		return sheep_err_set(err, ENOMEM, "watch OOM");
	}
	w->fd = -1;
	w->v2 = h->v2;
	if ((w->v2 ? open_v2(w, err) : open_v1(w, err)) < 0) {
		sheep_cgroup_oom_free(w);
		return sheep_err_wrap(err, "watch OOM");
	}
	*ret = w;
	return 0;
}

static int read_v1(struct sheep_cgroup_oom *w, uint64_t *ret, struct sheep_err **err)
{
	uint64_t n = 0;

	if (read(w->fd, &n, sizeof(n)) != (ssize_t)sizeof(n)) {
		if (errno == EAGAIN)
			return 0;
		return sheep_err_set(err, errno, "read eventfd");
	}
	/* the wakeup that tells of the cgroup's removal is no OOM */
	if (!cg_file_exists(w->dir, "memory.oom_control"))
		return 0;
	*ret = n;
	return 0;
}

static int read_v2(struct sheep_cgroup_oom *w, uint64_t *ret, struct sheep_err **err)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	uint64_t now = w->seen;

	while (read(w->fd, buf, sizeof(buf)) > 0)
		; /* the events carry nothing: the counter below does */
	if (errno != EAGAIN)
		return sheep_err_set(err, errno, "read inotify");
	if (!cg_file_exists(w->dir, "memory.events"))
		return 0;
	if (cg_read_key(w->dir, "memory.events", "oom_kill", &now, err) < 0)
		return -1;
	*ret = now > w->seen ? now - w->seen : 0;
	w->seen = now;
	return 0;
}

int sheep_cgroup_oom_read(struct sheep_cgroup_oom *w, uint64_t *ret_count, struct sheep_err **err)
{
	*ret_count = 0;
	if ((w->v2 ? read_v2(w, ret_count, err) : read_v1(w, ret_count, err)) < 0)
		return sheep_err_wrap(err, "read OOM events");
	return 0;
}
