/* events: the counters of the container's cgroup, once (--stats) or every interval, and its OOM
 * kills as they happen, until the container's init exits. The state lock is released before the
 * wait, so a long-running `events` never blocks kill or delete. */
#include <errno.h>
#include <poll.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "core/container.h"
#include "core/verbs/lookup.h"
#include "util/cleanup.h"

int sheep_container_stats(const char *root, const char *id, struct sheep_cgroup_stats *ret,
			  struct sheep_err **err)
{
	struct container_ref r;
	int ret_code = -1;

	if (container_open(root, id, &r, err) < 0)
		return -1;
	if (r.status == SHEEP_STOPPED)
		sheep_err_code(err, 0, "container is not running");
	else if (container_need_cgroup(&r, err) == 0)
		ret_code = sheep_cgroup_stats(r.cgroup, ret, err);
	container_close(&r);
	return ret_code;
}

struct watch {
	struct sheep_cgroup *cg;
	int pidfd;		      /* the init: readable once it has exited */
	struct sheep_cgroup_oom *oom; /* NULL without a memory controller */
};

static void watch_close(struct watch *w)
{
	sheep_cgroup_oom_free(w->oom);
	sheep_cgroup_free(w->cg);
	sheep_closep(&w->pidfd);
}

/* The pidfd is opened before the start time is checked, so it cannot name a recycled pid. */
static int watch_open(const char *root, const char *id, struct watch *w, struct sheep_err **err)
{
	struct container_ref r;
	struct sheep_err *e = NULL;

	*w = (struct watch){.pidfd = -1};
	if (container_open(root, id, &r, err) < 0)
		return -1;
	if (r.status != SHEEP_STOPPED)
		w->pidfd = (int)syscall(SYS_pidfd_open, r.st->pid, 0);
	if (w->pidfd < 0 || !sheep_pid_alive(r.st->pid, r.st->start_time))
		sheep_err_code(err, 0, "container is not running");
	else if (container_need_cgroup(&r, err) == 0 &&
		 sheep_cgroup_oom_open(r.cgroup, &w->oom, &e) < 0 && e->errnum != ENOENT)
		*err = TAKE_PTR(e);
	sheep_err_free(e);
	w->cg = TAKE_PTR(r.cgroup);
	container_close(&r);
	if (*err != NULL) {
		watch_close(w);
		return -1;
	}
	return 0;
}

static int report_oom(struct watch *w, sheep_event_fn fn, void *data, struct sheep_err **err)
{
	uint64_t n = 0;

	if (w->oom == NULL || sheep_cgroup_oom_read(w->oom, &n, err) < 0)
		return w->oom == NULL ? 0 : -1;
	for (uint64_t i = 0; i < n; i++)
		if (fn("oom", NULL, data) != 0)
			return 1;
	return 0;
}

/* 1 when the caller stops (or the cgroup is gone with the container), 0 to go on. */
static int report_stats(struct watch *w, sheep_event_fn fn, void *data, struct sheep_err **err)
{
	struct sheep_cgroup_stats st;
	struct pollfd p = {.fd = w->pidfd, .events = POLLIN};
	int r;

	if (sheep_cgroup_stats(w->cg, &st, err) < 0) {
		if (poll(&p, 1, 0) != 1)
			return -1;
		sheep_err_freep(err); /* it stopped and was deleted meanwhile */
		return 1;
	}
	r = fn("stats", &st, data) != 0;
	sheep_cgroup_stats_clear(&st);
	return r;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int watch_loop(struct watch *w, int interval_ms, sheep_event_fn fn, void *data,
		      struct sheep_err **err)
{
	struct pollfd p[2] = {{.fd = w->pidfd, .events = POLLIN},
			      {.fd = w->oom ? sheep_cgroup_oom_fd(w->oom) : -1, .events = POLLIN}};
	long long next = now_ms() + interval_ms;
	int r = 0;

	while (r == 0) {
		long long left = next - now_ms();
		int n = poll(p, 2, left > 0 ? (int)left : 0);

		if (n < 0 && errno != EINTR)
			return sheep_err_set(err, errno, "poll");
		if (n > 0 && (p[1].revents & POLLIN))
			r = report_oom(w, fn, data, err);
		if (r == 0 && n > 0 && p[0].revents) {
			/* an OOM kill of the init wakes both: its event comes first */
			r = report_oom(w, fn, data, err);
			return r < 0 ? -1 : 0;
		}
		if (r == 0 && n == 0) {
			r = report_stats(w, fn, data, err);
			next = now_ms() + interval_ms;
		}
	}
	return r < 0 ? -1 : 0;
}

int sheep_container_events(const char *root, const char *id, int interval_ms, sheep_event_fn fn,
			   void *data, struct sheep_err **err)
{
	struct watch w;
	int r;

	if (watch_open(root, id, &w, err) < 0)
		return -1;
	r = watch_loop(&w, interval_ms, fn, data, err);
	watch_close(&w);
	return r;
}
