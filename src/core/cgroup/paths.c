/* Where the container's cgroup lives in each hierarchy (linux.cgroupsPath, config-linux.md
 * "Cgroups Path"), and making and removing those directories. Only directories the runtime made are
 * ever removed; a joined cgroup and the ancestors that existed before stay. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/cgroup/internal.h"
#include "util/cleanup.h"

static int check_components(const char *p, struct sheep_err **err)
{
	for (const char *s = p; *s; s++)
		if ((unsigned char)*s < 0x20)
			return sheep_err_set(err, EINVAL, "cgroupsPath '%s': control character", p);
	for (const char *s = p; *s;) {
		size_t n = strcspn(s, "/");

		if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
			return sheep_err_set(err, EINVAL,
					     "cgroupsPath '%s': '.' and '..' are not allowed", p);
		s += n;
		s += strspn(s, "/");
	}
	return 0;
}

/* Joins a and b with single slashes; the result starts with '/' and has no trailing slash. */
static char *join_clean(const char *a, const char *b)
{
	char *out = malloc(strlen(a) + strlen(b) + 3), *o = out;

	if (out == NULL)
		return NULL;
	for (const char *parts[] = {a, b}, **pp = parts; pp < parts + 2; pp++) {
		for (const char *s = *pp; *s; s++) {
			if (*s == '/' && o > out && o[-1] == '/')
				continue;
			if (o == out && *s != '/')
				*o++ = '/';
			*o++ = *s;
		}
		if (o == out || o[-1] != '/')
			*o++ = '/';
	}
	if (o > out + 1)
		o--; /* the trailing slash */
	*o = '\0';
	return out;
}

int cg_path_compute(const char *own, const char *cgroups_path, const char *id, char **ret,
		    struct sheep_err **err)
{
	_cleanup_free_ char *def = NULL;
	const char *rel = cgroups_path;
	char *p;

	if (rel == NULL || *rel == '\0') {
		if (id == NULL || *id == '\0' || strchr(id, '/') != NULL)
			return sheep_err_set(err, EINVAL, "container id '%s' is not a cgroup name",
					     id ? id : "");
		if (asprintf(&def, CG_DEFAULT_PARENT "/%s", id) < 0)
			return sheep_err_set(err, ENOMEM, "cgroup path");
		rel = def;
	}
	if (check_components(rel, err) < 0)
		return -1;
	p = join_clean(rel[0] == '/' ? "" : own, rel);
	if (p == NULL)
		return sheep_err_set(err, ENOMEM, "cgroup path");
	if (strcmp(p, "/") == 0) {
		free(p);
		return sheep_err_set(err, EINVAL, "cgroupsPath '%s': the hierarchy root", rel);
	}
	*ret = p;
	return 0;
}

char *cg_hier_dir(const struct cg_hier *h)
{
	char *d = NULL;

	if (asprintf(&d, "%s%s", h->mountpoint, strcmp(h->path, "/") == 0 ? "" : h->path) < 0)
		return NULL;
	return d;
}

static int count_components(const char *p)
{
	int n = 0;

	for (const char *s = p; *s; s++)
		if (*s == '/' && s[1] != '\0')
			n++;
	return n;
}

/* On v1 a new cpuset has empty cpus and mems and refuses tasks (ENOSPC) until they are set: give
 * each directory created in the cpuset hierarchy the values of its parent. */
static int after_mkdir(const struct cg_hier *h, const char *dir, struct sheep_err **err)
{
	_cleanup_free_ char *parent = strdup(dir);
	char *slash;

	if (h->v2 || !cg_list_has(h->controllers, "cpuset"))
		return 0;
	if (parent == NULL)
		return sheep_err_set(err, ENOMEM, "mkdir '%s'", dir);
	slash = strrchr(parent, '/');
	if (slash != NULL)
		*slash = '\0';
	return cg_v1_cpuset_inherit(parent, dir, err);
}

static int mkdir_walk(struct cg_hier *h, struct sheep_err **err)
{
	_cleanup_free_ char *full = cg_hier_dir(h);
	int total = count_components(h->path), index = 0, first = -1;

	if (full == NULL)
		return sheep_err_set(err, ENOMEM, "mkdir");
	for (char *s = full + strlen(h->mountpoint) + 1; index < total; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char saved = *s;

		*s = '\0';
		if (mkdir(full, 0755) == 0) {
			if (first < 0)
				first = index;
			h->created = total - first;
			if (after_mkdir(h, full, err) < 0)
				return -1;
		} else if (errno != EEXIST) {
			return sheep_err_set(err, errno, "mkdir '%s'", full);
		}
		*s = saved;
		index++;
	}
	return 0;
}

int cg_dir_missing(const struct cg_hier *h)
{
	_cleanup_free_ char *full = cg_hier_dir(h);
	int missing = 0, total = count_components(h->path);
	char *slash;

	if (full == NULL)
		return 0;
	/* from the leaf up: the first directory that exists ends the missing tail */
	while (missing < total && access(full, F_OK) < 0 && errno == ENOENT) {
		missing++;
		slash = strrchr(full, '/');
		if (slash == NULL || slash <= full + strlen(h->mountpoint))
			break;
		*slash = '\0';
	}
	return missing;
}

/* The last container under the default parent ("sheep-oci") removes it on delete, also while
 * another create is between its mkdir of that parent (made or found) and the mkdir of its own
 * directory inside: that mkdir then fails with ENOENT, and the walk starts again from the top.
 * Each attempt counts only what it made itself; a parent made by an earlier attempt is gone. A
 * hierarchy really missing fails the same way every time, so the bound ends that quickly. */
int cg_dir_create(struct cg_hier *h, struct sheep_err **err)
{
	for (int attempt = 0;; attempt++) {
		struct sheep_err *e = NULL;

		h->created = 0;
		if (mkdir_walk(h, &e) == 0)
			return 0;
		if (e->errnum != ENOENT || attempt == 100) {
			*err = e;
			return -1;
		}
		sheep_err_free(e);
		/* a remover in lockstep with this loop would win every time: wait 0-63 us, at
		 * random, before the next attempt */
		if (attempt > 0) {
			struct timespec ts = {0, (long)(random() % 64) * 1000L};

			nanosleep(&ts, NULL);
		}
	}
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* rmdir of a cgroup and, first, of the sub-cgroups the container made. Only directories: the
 * control files inside vanish with them. */
static int rmdir_tree(const char *dir)
{
	_cleanup_close_ int fd = -1;
	DIR *d;
	struct dirent *e;
	int r = 0;

	/* the usual case, a leaf: no directory scan */
	if (rmdir(dir) == 0 || errno == ENOENT)
		return 0;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	d = fdopendir(fd);
	if (d == NULL)
		return -1;
	fd = -1;
	while ((e = readdir(d)) != NULL) {
		_cleanup_free_ char *sub = NULL;

		if (e->d_type != DT_DIR || strcmp(e->d_name, ".") == 0 ||
		    strcmp(e->d_name, "..") == 0)
			continue;
		if (asprintf(&sub, "%s/%s", dir, e->d_name) < 0 || rmdir_tree(sub) < 0) {
			r = -1;
			break;
		}
	}
	closedir(d);
	if (r == 0 && rmdir(dir) < 0 && errno != ENOENT)
		r = -1;
	return r;
}

/* The runtime's default parent cgroup ("sheep-oci", see cg_path_compute). */
static bool is_default_parent(const char *dir)
{
	const char *base = strrchr(dir, '/');

	return base != NULL && strcmp(base + 1, CG_DEFAULT_PARENT) == 0;
}

int cg_dir_remove(const struct cg_hier *h, int timeout_ms, struct sheep_err **err)
{
	_cleanup_free_ char *full = cg_hier_dir(h);
	int waited = 0, step = 2;

	if (h->created <= 0)
		return 0;
	if (full == NULL)
		return sheep_err_set(err, ENOMEM, "rmdir");
	/* Tasks that were killed stay members until they have exited (an OOM victim too), so the
	 * kernel answers EBUSY for a moment after the last kill. */
	while (rmdir_tree(full) < 0) {
		if (errno != EBUSY || waited >= timeout_ms)
			return sheep_err_set(err, errno, "rmdir '%s'", full);
		sleep_ms(step);
		waited += step;
		step = step < 50 ? step * 2 : 50;
	}
	for (int i = 1;; i++) {
		char *slash = strrchr(full, '/');

		if (slash == NULL || slash <= full + strlen(h->mountpoint))
			break;
		*slash = '\0';
		/* A parent like "sheep-oci" is shared with other containers: keep it while used. The
		 * default parent goes with its last container, whichever made it: when its maker
		 * was deleted first, the rmdir was refused then, and nobody would try again. */
		if (i >= h->created && !is_default_parent(full))
			break;
		if (rmdir(full) < 0)
			break;
	}
	return 0;
}
