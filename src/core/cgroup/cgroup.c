/* The container's cgroup object: creation (paths, mkdir, limits, rollback on failure), the text
 * kept in the state file, and the per-hierarchy list the rootfs module mounts. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cgroup/internal.h"
#include "util/cleanup.h"

#define SYSTEMD_DIR "/run/systemd/system"
#define STATE_MAGIC "sheep-cgroup 1\n"
/* How long destroy waits for dying tasks to leave before reporting EBUSY. */
#define REMOVE_TIMEOUT_MS 2000
/* How long destroy waits for processes it killed to leave the cgroup. */
#define KILL_TIMEOUT_MS 5000

void sheep_cgroup_free(struct sheep_cgroup *cg)
{
	if (cg == NULL)
		return;
	for (size_t i = 0; i < cg->len; i++)
		cg_hier_clear(&cg->h[i]);
	free(cg->h);
	if (cg->clone_fd >= 0)
		close(cg->clone_fd);
	free(cg->note);
	free(cg);
}

static struct sheep_cgroup *cg_new(size_t n)
{
	struct sheep_cgroup *cg = calloc(1, sizeof(*cg));

	if (cg == NULL)
		return NULL;
	cg->clone_fd = -1;
	cg->h = calloc(n ? n : 1, sizeof(*cg->h));
	if (cg->h == NULL) {
		free(cg);
		return NULL;
	}
	return cg;
}

static void rollback(const struct sheep_cgroup *cg)
{
	for (size_t i = 0; i < cg->len; i++)
		cg_dir_remove(&cg->h[i], 0, NULL);
}

/* Every hierarchy's path, and how many of its trailing components are missing: what the runtime
 * is about to create, known before any mkdir so the caller can record it first. */
static int plan_dirs(struct sheep_cgroup *cg, const struct cg_layout *l,
		     const struct sheep_cgroup_opts *opts, struct sheep_err **err)
{
	for (size_t i = 0; i < l->len; i++) {
		struct cg_hier *h = &cg->h[cg->len];

		h->v2 = l->h[i].v2;
		h->controllers = strdup(l->h[i].controllers);
		h->mountpoint = strdup(l->h[i].mountpoint);
		if (h->controllers == NULL || h->mountpoint == NULL) {
			cg_hier_clear(h);
			return sheep_err_set(err, ENOMEM, "create cgroup");
		}
		if (cg_path_compute(l->h[i].path, opts->cgroups_path, opts->id, &h->path, err) <
		    0) {
			cg_hier_clear(h);
			return -1;
		}
		cg->len++;
		h->created = cg_dir_missing(h);
	}
	return 0;
}

/* mkdir in every hierarchy. A rootless caller keeps only hierarchies it may write (a delegated
 * cgroup); the others are dropped rather than failing the container. */
static int make_dirs(struct sheep_cgroup *cg, const struct sheep_cgroup_opts *opts,
		     struct sheep_err **err)
{
	size_t kept = 0;

	/* from here on the counts say what was made, so a rollback removes nothing else */
	for (size_t i = 0; i < cg->len; i++)
		cg->h[i].created = 0;
	for (size_t i = 0; i < cg->len; i++) {
		struct cg_hier *h = &cg->h[i];
		struct sheep_err *e = NULL;

		if (cg_dir_create(h, &e) == 0) {
			cg->h[kept++] = *h;
			continue;
		}
		if (opts->rootless && h->created == 0 &&
		    (e->errnum == EACCES || e->errnum == EPERM || e->errnum == EROFS)) {
			sheep_err_free(e);
			cg_hier_clear(h);
			continue;
		}
		*err = e;
		/* the ones not tried yet stay (created 0) so they are freed with cg */
		for (size_t j = i; j < cg->len; j++)
			cg->h[kept++] = cg->h[j];
		cg->len = kept;
		return -1;
	}
	cg->len = kept;
	return 0;
}

static int open_clone_fd(struct sheep_cgroup *cg, struct sheep_err **err)
{
	_cleanup_free_ char *dir = NULL;

	if (cg->len != 1 || !cg->h[0].v2)
		return 0;
	dir = cg_hier_dir(&cg->h[0]);
	if (dir == NULL)
		return sheep_err_set(err, ENOMEM, "open cgroup");
	cg->clone_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg->clone_fd < 0)
		return sheep_err_set(err, errno, "open '%s'", dir);
	return 0;
}

int cg_create_in(const struct cg_layout *layout, const char *systemd_dir,
		 const struct sheep_cgroup_opts *opts, const struct oci_resources *res,
		 struct sheep_cgroup **ret, struct sheep_err **err)
{
	struct sheep_cgroup *cg;

	if (opts->systemd) {
		if (access(systemd_dir, F_OK) < 0)
			return sheep_err_set(err, 0,
					     "systemd cgroup driver not supported on this host "
					     "(systemd is not PID 1)");
		return sheep_err_set(err, EOPNOTSUPP, "systemd cgroup driver");
	}
	cg = cg_new(layout->len);
	if (cg == NULL)
		return sheep_err_set(err, ENOMEM, "create cgroup");
	if (plan_dirs(cg, layout, opts, err) < 0 ||
	    (opts->record && opts->record(cg, opts->record_data, err) < 0)) {
		sheep_cgroup_free(cg);
		return sheep_err_wrap(err, "create cgroup");
	}
	if (make_dirs(cg, opts, err) < 0 || open_clone_fd(cg, err) < 0) {
		rollback(cg);
		sheep_cgroup_free(cg);
		return sheep_err_wrap(err, "create cgroup");
	}
	if (cg_apply(cg, res, err) < 0 ||
	    ((res == NULL || res->devices_len == 0) && cg_apply_default_devices(cg, err) < 0)) {
		rollback(cg);
		sheep_cgroup_free(cg);
		return sheep_err_wrap(err, "set cgroup");
	}
	*ret = cg;
	return 0;
}

int sheep_cgroup_create(const struct sheep_cgroup_opts *opts, const struct oci_resources *res,
			struct sheep_cgroup **ret, struct sheep_err **err)
{
	const struct cg_layout *l = cg_layout_get(err);

	if (l == NULL)
		return sheep_err_wrap(err, "create cgroup: detect layout");
	return cg_create_in(l, SYSTEMD_DIR, opts, res, ret, err);
}

int sheep_cgroup_clone_fd(const struct sheep_cgroup *cg)
{
	return cg->clone_fd;
}

bool sheep_cgroup_has_hierarchies(const struct sheep_cgroup *cg)
{
	return cg->len > 0;
}

size_t sheep_cgroup_hierarchies(const struct sheep_cgroup *cg)
{
	return cg->len;
}

const char *sheep_cgroup_note(const struct sheep_cgroup *cg)
{
	return cg->note;
}

int sheep_cgroup_update(const struct sheep_cgroup *cg, const struct oci_resources *res,
			struct sheep_err **err)
{
	/* cg_apply only appends to the note; the caller's object is otherwise unchanged. */
	if (cg_apply((struct sheep_cgroup *)cg, res, err) < 0)
		return sheep_err_wrap(err, "set cgroup");
	return 0;
}

/* rmdir in every hierarchy, so one busy directory does not strand the others; the first error
 * is kept. */
static int remove_all(const struct sheep_cgroup *cg, int timeout_ms, struct sheep_err **err)
{
	int r = 0;

	for (size_t i = 0; i < cg->len; i++)
		if (cg_dir_remove(&cg->h[i], r < 0 ? 0 : timeout_ms, r < 0 ? NULL : err) < 0)
			r = -1;
	return r;
}

int sheep_cgroup_destroy(const struct sheep_cgroup *cg, struct sheep_err **err)
{
	struct sheep_err *e = NULL;

	/* The usual case, on the run path: the processes are gone and each rmdir works at once. */
	if (remove_all(cg, 0, &e) == 0)
		return 0;
	if (e->errnum != EBUSY) {
		*err = e;
		return sheep_err_wrap(err, "remove cgroup");
	}
	sheep_err_free(e);
	/* Busy: children an init without a pid namespace left behind are killed; dying tasks (an
	 * OOM victim) get a moment to leave. */
	if (cg_kill_remaining(cg, KILL_TIMEOUT_MS, err) < 0 ||
	    remove_all(cg, REMOVE_TIMEOUT_MS, err) < 0)
		return sheep_err_wrap(err, "remove cgroup");
	return 0;
}

/* One line per hierarchy, tab-separated: kind, created count, controllers, mountpoint, path.
 * Tabs and newlines cannot occur: paths with control characters are refused at create. */
char *sheep_cgroup_serialize(const struct sheep_cgroup *cg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return NULL;
	fputs(STATE_MAGIC, f);
	for (size_t i = 0; i < cg->len; i++)
		fprintf(f, "%s\t%d\t%s\t%s\t%s\n", cg->h[i].v2 ? "v2" : "v1", cg->h[i].created,
			cg->h[i].controllers, cg->h[i].mountpoint, cg->h[i].path);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int load_line(char *line, struct cg_hier *h, struct sheep_err **err)
{
	char *f[5], *save = line, *end = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
		f[i] = strsep(&save, "\t");
		if (f[i] == NULL)
			return sheep_err_set(err, EINVAL, "expected 5 fields");
	}
	if (save != NULL || (strcmp(f[0], "v1") != 0 && strcmp(f[0], "v2") != 0) ||
	    f[3][0] != '/' || f[4][0] != '/')
		return sheep_err_set(err, EINVAL, "bad entry");
	h->v2 = f[0][1] == '2';
	h->created = (int)strtol(f[1], &end, 10);
	if (*end != '\0' || end == f[1] || h->created < 0)
		return sheep_err_set(err, EINVAL, "bad created count '%s'", f[1]);
	h->controllers = strdup(f[2]);
	h->mountpoint = strdup(f[3]);
	h->path = strdup(f[4]);
	if (h->controllers == NULL || h->mountpoint == NULL || h->path == NULL)
		return sheep_err_set(err, ENOMEM, "load");
	return 0;
}

int sheep_cgroup_load(const char *serialized, struct sheep_cgroup **ret, struct sheep_err **err)
{
	_cleanup_free_ char *copy = NULL;
	struct sheep_cgroup *cg;
	char *save = NULL;
	size_t n = 0, lineno = 1;

	if (strncmp(serialized, STATE_MAGIC, strlen(STATE_MAGIC)) != 0)
		return sheep_err_set(err, EINVAL, "load cgroup state: unknown format");
	copy = strdup(serialized + strlen(STATE_MAGIC));
	for (const char *p = serialized; *p; p++)
		n += *p == '\n';
	cg = copy ? cg_new(n) : NULL;
	if (cg == NULL)
		return sheep_err_set(err, ENOMEM, "load cgroup state");
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		lineno++;
		cg->len++;
		if (load_line(l, &cg->h[cg->len - 1], err) < 0) {
			sheep_cgroup_free(cg);
			return sheep_err_wrap(err, "load cgroup state: line %zu", lineno);
		}
	}
	/* for exec: clone3 straight into the cgroup; none (-1) if the directory is gone */
	if (open_clone_fd(cg, err) < 0)
		sheep_err_freep(err);
	*ret = cg;
	return 0;
}

void sheep_cgroup_mounts_free(struct sheep_cgroup_mount *m, size_t len)
{
	for (size_t i = 0; m != NULL && i < len; i++) {
		free(m[i].controllers);
		free(m[i].host_path);
	}
	free(m);
}

int sheep_cgroup_mounts(const struct sheep_cgroup *cg, struct sheep_cgroup_mount **ret,
			size_t *ret_len, struct sheep_err **err)
{
	struct sheep_cgroup_mount *m = calloc(cg->len ? cg->len : 1, sizeof(*m));

	if (m == NULL)
		return sheep_err_set(err, ENOMEM, "cgroup mounts");
	for (size_t i = 0; i < cg->len; i++) {
		m[i].v2 = cg->h[i].v2;
		m[i].controllers = strdup(cg->h[i].controllers);
		m[i].host_path = cg_hier_dir(&cg->h[i]);
		if (m[i].controllers == NULL || m[i].host_path == NULL) {
			sheep_cgroup_mounts_free(m, i + 1);
			return sheep_err_set(err, ENOMEM, "cgroup mounts");
		}
	}
	*ret = m;
	*ret_len = cg->len;
	return 0;
}
