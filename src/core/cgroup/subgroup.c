/* exec --cgroup [CONTROLLER[,CONTROLLER...]:]PATH (runc's option): the process joins a cgroup below
 * the container's own, in the hierarchies named (all without a controller list). The path stays
 * below the container's cgroup: a ".." is refused rather than resolved. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/cgroup/internal.h"
#include "util/cleanup.h"

/* path without leading, doubled or trailing slashes and "." components, in place; -1 for "..". */
static int clean_sub_path(char *path)
{
	char *out = path;

	for (char *p = path; *p;) {
		size_t len;

		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if (len == 2 && strncmp(p, "..", 2) == 0)
			return -1;
		if (len > 0 && !(len == 1 && *p == '.')) {
			if (out != path)
				*out++ = '/';
			memmove(out, p, len);
			out += len;
		}
		p += len;
	}
	*out = '\0';
	return 0;
}

static int set_sub(const struct sheep_cgroup *cg, char **subs, const char *ctrls, const char *path,
		   struct sheep_err **err)
{
	_cleanup_free_ char *list = strdup(ctrls);
	char *save = NULL;

	if (list == NULL)
		return sheep_err_set(err, ENOMEM, "--cgroup");
	for (char *c = strtok_r(list, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
		size_t i = 0;

		while (i < cg->len && (cg->h[i].v2 || !cg_list_has(cg->h[i].controllers, c)))
			i++;
		if (i == cg->len)
			return sheep_err_set(err, 0, "--cgroup: unknown controller '%s'", c);
		free(subs[i]);
		subs[i] = strdup(path);
		if (subs[i] == NULL)
			return sheep_err_set(err, ENOMEM, "--cgroup");
	}
	return 0;
}

static int plan_one(const struct sheep_cgroup *cg, char **subs, const char *spec,
		    struct sheep_err **err)
{
	_cleanup_free_ char *copy = strdup(spec);
	char *colon, *path;

	if (copy == NULL)
		return sheep_err_set(err, ENOMEM, "--cgroup");
	colon = strchr(copy, ':');
	path = colon ? colon + 1 : copy;
	if (colon)
		*colon = '\0';
	if (clean_sub_path(path) < 0)
		return sheep_err_set(err, 0, "--cgroup '%s': bad sub cgroup path", spec);
	if (colon)
		return set_sub(cg, subs, copy, path, err);
	for (size_t i = 0; i < cg->len; i++) {
		free(subs[i]);
		subs[i] = strdup(path);
		if (subs[i] == NULL)
			return sheep_err_set(err, ENOMEM, "--cgroup");
	}
	return 0;
}

int sheep_cgroup_sub_plan(const struct sheep_cgroup *cg, char *const *specs, size_t n, char ***ret,
			  struct sheep_err **err)
{
	char **subs = calloc(cg->len + 1, sizeof(*subs));

	if (subs == NULL)
		return sheep_err_set(err, ENOMEM, "--cgroup");
	for (size_t i = 0; i < n; i++)
		if (plan_one(cg, subs, specs[i], err) < 0) {
			sheep_cgroup_sub_plan_free(subs, cg->len);
			return -1;
		}
	*ret = subs;
	return 0;
}

void sheep_cgroup_sub_plan_free(char **subs, size_t n)
{
	for (size_t i = 0; subs && i < n; i++)
		free(subs[i]);
	free(subs);
}
