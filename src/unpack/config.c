/* The image config -> runtime config (image-spec conversion.md): args = Entrypoint + Cmd, Env,
 * WorkingDir, User, and ExposedPorts, StopSignal, labels, os/arch and the image digest as
 * annotations. Fields the image leaves out keep the default spec's values. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "unpack/source.h"
#include "unpack/user.h"
#include "util/cleanup.h"

#define ANNOTATION_DIGEST "io.sheep-oci.image.digest"
#define ANNOTATION_REF "io.sheep-oci.image.ref"

static void strv_free(char **v, size_t len)
{
	for (size_t i = 0; i < len; i++)
		free(v[i]);
	free(v);
}

/* A NULL-terminated copy of a[0..na) followed by b[0..nb). */
static char **strv_concat(char **a, size_t na, char **b, size_t nb)
{
	char **v = calloc(na + nb + 1, sizeof(char *));

	for (size_t i = 0; v != NULL && i < na + nb; i++) {
		v[i] = strdup(i < na ? a[i] : b[i - na]);
		if (v[i] == NULL) {
			strv_free(v, i);
			return NULL;
		}
	}
	return v;
}

/* Sets key (replacing an existing value) in a NULL-terminated oci_map, creating the map. */
static int map_set(struct oci_map **mp, const char *key, const char *value)
{
	struct oci_map *m = *mp ? *mp : (*mp = calloc(1, sizeof(**mp)));
	char *k, *v, **nk, **nv;

	if (m == NULL || (v = strdup(value)) == NULL)
		return -1;
	for (size_t i = 0; i < m->len; i++)
		if (strcmp(m->keys[i], key) == 0) {
			free(m->values[i]);
			m->values[i] = v;
			return 0;
		}
	nk = realloc(m->keys, (m->len + 2) * sizeof(char *));
	if (nk)
		m->keys = nk;
	nv = realloc(m->values, (m->len + 2) * sizeof(char *));
	if (nv)
		m->values = nv;
	if (nk == NULL || nv == NULL || (k = strdup(key)) == NULL) {
		free(v);
		return -1;
	}
	m->keys[m->len] = k;
	m->values[m->len] = v;
	m->len++;
	m->keys[m->len] = m->values[m->len] = NULL;
	return 0;
}

static bool has_path(char **env, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (strncmp(env[i], "PATH=", 5) == 0)
			return true;
	return false;
}

static int fill_process(struct oci_process *p, const struct oci_image_exec_config *x)
{
	char **v;

	if (x->entrypoint_len + x->cmd_len > 0) {
		if ((v = strv_concat(x->entrypoint, x->entrypoint_len, x->cmd, x->cmd_len)) == NULL)
			return -1;
		strv_free(p->args, p->args_len);
		p->args = v;
		p->args_len = x->entrypoint_len + x->cmd_len;
	}
	if (x->env_len > 0) {
		/* an image without PATH still needs one to find its command */
		bool keep_path = !has_path(x->env, x->env_len) && has_path(p->env, p->env_len);
		char *path = keep_path ? p->env[0] : NULL;
		for (size_t i = 0; keep_path && i < p->env_len; i++)
			if (strncmp(p->env[i], "PATH=", 5) == 0)
				path = p->env[i];
		if ((v = strv_concat(&path, path ? 1 : 0, x->env, x->env_len)) == NULL)
			return -1;
		strv_free(p->env, p->env_len);
		p->env_len = x->env_len + (path ? 1 : 0);
		p->env = v;
	}
	if (x->working_dir != NULL && *x->working_dir != '\0') {
		char *cwd = strdup(x->working_dir);
		if (cwd == NULL)
			return -1;
		free(p->cwd);
		p->cwd = cwd;
	}
	return 0;
}

static int fill_user(struct oci_process *p, const char *spec, int rootfd, struct sheep_err **err)
{
	struct unpack_user u;
	uint32_t *groups = NULL;

	if (unpack_user_resolve(rootfd, spec, &u, err) < 0)
		return -1;
	if (u.ngroups > 0 && (groups = malloc(u.ngroups * sizeof(*groups))) == NULL)
		return sheep_err_set(err, ENOMEM, "user");
	if (groups)
		memcpy(groups, u.groups, u.ngroups * sizeof(*groups));
	free(p->user.additional_gids);
	p->user.uid = u.uid;
	p->user.gid = u.gid;
	p->user.additional_gids = groups;
	p->user.additional_gids_len = u.ngroups;
	p->has_user = true;
	return 0;
}

static int fill_annotations(struct oci_config *c, const struct unpack_image *img)
{
	const struct oci_image_config *ic = img->config;
	const struct oci_image_exec_config *x = ic->config;
	struct oci_map **a = &c->annotations;
	_cleanup_free_ char *ports = NULL;
	size_t len = 0;

	/* labels first: the spec's own keys below win over a label of the same name */
	for (size_t i = 0; x && x->labels && i < x->labels->len; i++)
		if (map_set(a, x->labels->keys[i], x->labels->values[i]) < 0)
			return -1;
	for (size_t i = 0; x && x->exposed_ports && i < x->exposed_ports->len; i++) {
		const char *k = x->exposed_ports->keys[i];
		char *n = realloc(ports, len + strlen(k) + 2);
		if (n == NULL)
			return -1;
		ports = n;
		len += (size_t)sprintf(ports + len, "%s%s", len ? "," : "", k);
	}
	if ((ports && map_set(a, "org.opencontainers.image.exposedPorts", ports) < 0) ||
	    (x && x->stop_signal &&
	     map_set(a, "org.opencontainers.image.stopSignal", x->stop_signal) < 0) ||
	    map_set(a, "org.opencontainers.image.os", ic->os) < 0 ||
	    map_set(a, "org.opencontainers.image.architecture", ic->architecture) < 0 ||
	    (ic->author && map_set(a, "org.opencontainers.image.author", ic->author) < 0) ||
	    (ic->created && map_set(a, "org.opencontainers.image.created", ic->created) < 0) ||
	    (img->digest && map_set(a, ANNOTATION_DIGEST, img->digest) < 0) ||
	    (img->ref && map_set(a, ANNOTATION_REF, img->ref) < 0))
		return -1;
	return 0;
}

int unpack_config_fill(struct oci_config *config, const struct unpack_image *img, int rootfd,
		       struct sheep_err **err)
{
	const struct oci_image_exec_config *x = img->config->config;

	if (config->process == NULL)
		return sheep_err_set(err, 0, "image config: the default spec has no process");
	if (x != NULL && fill_process(config->process, x) < 0)
		return sheep_err_set(err, ENOMEM, "image config");
	if (x != NULL && x->user != NULL && fill_user(config->process, x->user, rootfd, err) < 0)
		return sheep_err_wrap(err, "image config");
	if (fill_annotations(config, img) < 0)
		return sheep_err_set(err, ENOMEM, "image config: annotations");
	return 0;
}
