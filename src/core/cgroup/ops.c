/* Operations on a running container's cgroup: joining it, listing and signalling its processes,
 * freezing and thawing. Signalling every process goes through the freezer so that none can fork
 * a child the kill would miss. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/cgroup/internal.h"
#include "util/cleanup.h"

#define FREEZE_TIMEOUT_MS 2000

int sheep_cgroup_enter(const struct sheep_cgroup *cg, char *const *subs, pid_t pid,
		       struct sheep_err **err)
{
	for (size_t i = 0; i < cg->len; i++) {
		const char *sub = subs && subs[i] ? subs[i] : "";
		_cleanup_free_ char *base = cg_hier_dir(&cg->h[i]), *joined = NULL;
		const char *dir = base;

		/* the container's own cgroup (create's case) needs no second string */
		if (base != NULL && *sub)
			dir = asprintf(&joined, "%s/%s", base, sub) < 0 ? NULL : joined;
		if (dir == NULL)
			return sheep_err_set(err, ENOMEM, "join cgroup");
		if (cg_writef(dir, "cgroup.procs", err, "%d", (int)pid) < 0)
			return sheep_err_wrap(err, "join cgroup '%s'", dir);
	}
	return 0;
}

/* Where the freezer is: the v1 freezer hierarchy, else the v2 core freezer (cgroup.freeze). */
static const struct cg_hier *freezer(const struct sheep_cgroup *cg)
{
	return cg_find(cg, "freezer", "");
}

struct pid_list {
	pid_t *v;
	size_t len, cap;
};

static int add_pids(struct pid_list *l, const char *text)
{
	for (const char *p = text; *p;) {
		char *end;
		long v = strtol(p, &end, 10);

		if (end == p)
			break;
		if (l->len == l->cap) {
			size_t cap = l->cap ? l->cap * 2 : 16;
			pid_t *n = realloc(l->v, cap * sizeof(*n));

			if (n == NULL)
				return -1;
			l->v = n;
			l->cap = cap;
		}
		l->v[l->len++] = (pid_t)v;
		p = end;
	}
	return 0;
}

/* cgroup.procs lists one cgroup only; the container may have made sub-cgroups of its own. */
static int collect(const char *dir, struct pid_list *l, struct sheep_err **err)
{
	_cleanup_free_ char *procs = NULL;
	DIR *d;
	struct dirent *e;
	int r = 0;

	if (cg_read(dir, "cgroup.procs", &procs, err) < 0)
		return -1;
	if (add_pids(l, procs) < 0)
		return sheep_err_set(err, ENOMEM, "list processes");
	d = opendir(dir);
	if (d == NULL)
		return sheep_err_set(err, errno, "opendir '%s'", dir);
	while (r == 0 && (e = readdir(d)) != NULL) {
		_cleanup_free_ char *sub = NULL;

		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		if (asprintf(&sub, "%s/%s", dir, e->d_name) < 0)
			r = sheep_err_set(err, ENOMEM, "list processes");
		else
			r = collect(sub, l, err);
	}
	closedir(d);
	return r;
}

/* The hierarchy whose cgroup.procs lists the container: the freezer's, else the first. */
static const struct cg_hier *pids_hier(const struct sheep_cgroup *cg)
{
	const struct cg_hier *h = freezer(cg);

	return h != NULL || cg->len == 0 ? h : &cg->h[0];
}

int sheep_cgroup_pids(const struct sheep_cgroup *cg, pid_t **ret_pids, size_t *ret_len,
		      struct sheep_err **err)
{
	const struct cg_hier *h = pids_hier(cg);
	struct pid_list l = {0};
	_cleanup_free_ char *dir = NULL;

	if (h != NULL) {
		dir = cg_hier_dir(h);
		if (dir == NULL || collect(dir, &l, err) < 0) {
			free(l.v);
			return dir == NULL ? sheep_err_set(err, ENOMEM, "list cgroup processes")
					   : sheep_err_wrap(err, "list cgroup processes");
		}
	}
	*ret_pids = l.v ? l.v : calloc(1, sizeof(pid_t));
	*ret_len = l.len;
	return *ret_pids ? 0 : sheep_err_set(err, ENOMEM, "list cgroup processes");
}

static void sleep_ms(int ms)
{
	struct timespec ts = {0, (long)ms * 1000000L};

	nanosleep(&ts, NULL);
}

/* Freezing is asynchronous: v1 passes through FREEZING, v2 reports "frozen 1" in cgroup.events
 * once every task has stopped. */
static int wait_state(const char *dir, bool v2, bool frozen, struct sheep_err **err)
{
	const char *file = v2 ? "cgroup.events" : "freezer.state";

	for (int waited = 0;; waited += 5) {
		_cleanup_free_ char *s = NULL;
		bool done;

		if (cg_read(dir, file, &s, err) < 0)
			return -1;
		if (v2)
			done = strstr(s, frozen ? "frozen 1" : "frozen 0") != NULL;
		else
			done = strcmp(s, frozen ? "FROZEN" : "THAWED") == 0;
		if (done)
			return 0;
		if (waited >= FREEZE_TIMEOUT_MS)
			return sheep_err_set(err, ETIMEDOUT, "'%s' in '%s' is '%s'", file, dir, s);
		/* v1 only makes progress while FROZEN is written again (freezer_change_state). */
		if (!v2 && frozen && cg_write(dir, file, "FROZEN", err) < 0)
			return -1;
		sleep_ms(5);
	}
}

static int set_frozen(const struct cg_hier *h, bool frozen, struct sheep_err **err)
{
	_cleanup_free_ char *dir = cg_hier_dir(h);

	if (dir == NULL)
		return sheep_err_set(err, ENOMEM, "freeze");
	if (h->v2 ? cg_write(dir, "cgroup.freeze", frozen ? "1" : "0", err)
		  : cg_write(dir, "freezer.state", frozen ? "FROZEN" : "THAWED", err))
		return -1;
	if (wait_state(dir, h->v2, frozen, err) < 0) {
		if (frozen)
			set_frozen(h, false, NULL);
		return -1;
	}
	return 0;
}

int sheep_cgroup_freeze(const struct sheep_cgroup *cg, bool frozen, struct sheep_err **err)
{
	const struct cg_hier *h = freezer(cg);

	if (h == NULL)
		return sheep_err_set(err, ENOENT, "%s cgroup: no freezer",
				     frozen ? "freeze" : "thaw");
	if (set_frozen(h, frozen, err) < 0)
		return sheep_err_wrap(err, "%s cgroup", frozen ? "freeze" : "thaw");
	return 0;
}

bool sheep_cgroup_frozen(const struct sheep_cgroup *cg)
{
	const struct cg_hier *h = freezer(cg);
	_cleanup_free_ char *dir = NULL, *s = NULL;

	if (h == NULL || (dir = cg_hier_dir(h)) == NULL)
		return false;
	/* v2: what was asked (cgroup.freeze), as runc reports it; v1: FREEZING counts too, the
	 * tasks are already stopping. */
	if (cg_read(dir, h->v2 ? "cgroup.freeze" : "freezer.state", &s, NULL) < 0)
		return false;
	return h->v2 ? strcmp(s, "1") == 0 : strcmp(s, "THAWED") != 0;
}

static int signal_all(const struct sheep_cgroup *cg, int signum, struct sheep_err **err)
{
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;

	if (sheep_cgroup_pids(cg, &pids, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (kill(pids[i], signum) < 0 && errno != ESRCH)
			return sheep_err_set(err, errno, "kill %d", (int)pids[i]);
	return 0;
}

/* SIGKILL on v2 is one write to cgroup.kill (Linux 5.14): atomic against forks, no freezing. */
static int try_cgroup_kill(const struct sheep_cgroup *cg, int signum, struct sheep_err **err)
{
	_cleanup_free_ char *dir = NULL;
	struct sheep_err *e = NULL;

	if (signum != SIGKILL || cg->len != 1 || !cg->h[0].v2)
		return 0;
	dir = cg_hier_dir(&cg->h[0]);
	if (dir == NULL)
		return sheep_err_set(err, ENOMEM, "kill");
	if (cg_write(dir, "cgroup.kill", "1", &e) == 0)
		return 1;
	if (e->errnum == ENOENT) {
		sheep_err_free(e);
		return 0;
	}
	*err = e;
	return -1;
}

int sheep_cgroup_kill(const struct sheep_cgroup *cg, int signum, struct sheep_err **err)
{
	const struct cg_hier *fz = freezer(cg);
	int r = try_cgroup_kill(cg, signum, err);

	if (r != 0)
		return r < 0 ? sheep_err_wrap(err, "kill cgroup") : 0;
	if (fz != NULL && set_frozen(fz, true, err) < 0)
		return sheep_err_wrap(err, "kill cgroup: freeze");
	r = signal_all(cg, signum, err);
	if (fz != NULL && set_frozen(fz, false, r < 0 ? NULL : err) < 0)
		return sheep_err_wrap(err, "kill cgroup: thaw");
	return r < 0 ? sheep_err_wrap(err, "kill cgroup") : 0;
}

bool sheep_cgroup_owned(const struct sheep_cgroup *cg)
{
	const struct cg_hier *h = pids_hier(cg);

	return h != NULL && h->created > 0;
}

/* Processes left in the cgroup after the init died (no pid namespace, or kill --all raced a
 * fork): SIGKILL them all and wait until the cgroup is empty, so the rmdir can succeed. */
int cg_kill_remaining(const struct sheep_cgroup *cg, int timeout_ms, struct sheep_err **err)
{
	/* Only a cgroup of our own is emptied: a joined one may hold processes of others. */
	if (!sheep_cgroup_owned(cg))
		return 0;
	for (int waited = 0, killed = 0;; waited += 5) {
		_cleanup_free_ pid_t *pids = NULL;
		struct sheep_err *e = NULL;
		size_t n = 0;

		if (sheep_cgroup_pids(cg, &pids, &n, &e) < 0) {
			if (e->errnum != ENOENT) { /* ENOENT: already removed */
				*err = e;
				return -1;
			}
			sheep_err_free(e);
			return 0;
		}
		if (n == 0)
			return 0;
		if (waited >= timeout_ms)
			return sheep_err_set(err, EBUSY, "%zu processes still in the cgroup", n);
		/* again every 100 ms: a task that was in the middle of fork may have added one */
		if (killed++ % 20 == 0 && sheep_cgroup_kill(cg, SIGKILL, err) < 0)
			return -1;
		sleep_ms(5);
	}
}
