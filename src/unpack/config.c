/* The image config -> runtime config (image-spec conversion.md): args = Entrypoint + Cmd, Env,
 * WorkingDir, User, and ExposedPorts, StopSignal, labels, os/arch and the image digest as
 * annotations. Fields the image leaves out keep the default spec's values. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unpack/source.h"
#include "unpack/user.h"
#include "util/cleanup.h"

#define ANNOTATION_DIGEST "io.sheep-oci.image.digest"
#define ANNOTATION_REF "io.sheep-oci.image.ref"
#define ANNOTATION_VOLUMES "io.sheep-oci.image.volumes"
#define ANNOTATION_USER "io.sheep-oci.image.user"

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

static bool same_name(const char *a, const char *b)
{
	size_t n = strcspn(a, "=");

	return n == strcspn(b, "=") && strncmp(a, b, n) == 0;
}

/* The image's Env with the default PATH in front when it sets none (its command must still be
 * found), and a name the image sets twice only once, with its last value: `ENV A=1` then `ENV
 * A=2` means A=2 to docker and podman, while a duplicate in envp leaves the choice to getenv(3). */
static int fill_env(struct oci_process *p, const struct oci_image_exec_config *x)
{
	const char *path = NULL;
	char **v;
	size_t n = 0;

	for (size_t i = 0; !has_path(x->env, x->env_len) && i < p->env_len; i++)
		if (strncmp(p->env[i], "PATH=", 5) == 0)
			path = p->env[i];
	if ((v = calloc(x->env_len + 2, sizeof(char *))) == NULL)
		return -1;
	if (path && (v[n++] = strdup(path)) == NULL)
		goto oom;
	for (size_t i = 0; i < x->env_len; i++) {
		bool later = false;
		for (size_t j = i + 1; j < x->env_len && !later; j++)
			later = same_name(x->env[i], x->env[j]);
		if (!later && (v[n++] = strdup(x->env[i])) == NULL)
			goto oom;
	}
	strv_free(p->env, p->env_len);
	p->env = v;
	p->env_len = n;
	return 0;
oom:
	strv_free(v, n);
	return -1;
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
	if (x->env_len > 0 && fill_env(p, x) < 0)
		return -1;
	if (x->working_dir != NULL && *x->working_dir != '\0') {
		/* runtime-spec: cwd MUST be absolute; a builder's relative WORKDIR is below / */
		char *cwd = NULL;
		if (asprintf(&cwd, "%s%s", *x->working_dir == '/' ? "" : "/", x->working_dir) < 0)
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

/* "a,b,c" from the keys of ExposedPorts or Volumes; NULL (and *oom untouched) when empty. */
/* The strings joined with commas, NULL when there are none (or *oom when out of memory). */
static char *join_strs(char *const *v, size_t n, bool *oom)
{
	size_t len = 0;
	char *s;

	for (size_t i = 0; i < n; i++)
		len += strlen(v[i]) + 1;
	if (len == 0)
		return NULL;
	if ((s = malloc(len)) == NULL) {
		*oom = true;
		return NULL;
	}
	for (size_t i = 0, off = 0; i < n; i++)
		off += (size_t)sprintf(s + off, "%s%s", i ? "," : "", v[i]);
	return s;
}

static char *join_keys(const struct oci_image_keys *k, bool *oom)
{
	return k ? join_strs(k->keys, k->len, oom) : NULL;
}

/* conversion.md "Annotation Fields": the implicit org.opencontainers.image.* values first, then
 * Config.Labels, which "MUST take precedence" over them; our own io.sheep-oci.image.* keys last,
 * so that a label cannot pass for the digest that was verified. */
static int fill_annotations(struct oci_config *c, const struct unpack_image *img)
{
	const struct oci_image_config *ic = img->config;
	const struct oci_image_exec_config *x = ic->config;
	struct oci_map **a = &c->annotations;
	bool oom = false;
	_cleanup_free_ char *ports = join_keys(x ? x->exposed_ports : NULL, &oom);
	_cleanup_free_ char *volumes = join_keys(x ? x->volumes : NULL, &oom);
	_cleanup_free_ char *features = join_strs(ic->os_features, ic->os_features_len, &oom);
	const struct {
		const char *key, *value;
	} implicit[] = {
	    {"org.opencontainers.image.os", ic->os},
	    {"org.opencontainers.image.architecture", ic->architecture},
	    {"org.opencontainers.image.variant", ic->variant},
	    {"org.opencontainers.image.os.version", ic->os_version},
	    /* comma-separated, as the image tools that write this key do */
	    {"org.opencontainers.image.os.features", features},
	    {"org.opencontainers.image.author", ic->author},
	    {"org.opencontainers.image.created", ic->created},
	    {"org.opencontainers.image.stopSignal", x ? x->stop_signal : NULL},
	    {"org.opencontainers.image.exposedPorts", ports},
	    /* not a spec key (conversion.md maps Volumes to mounts): ours, for a manager */
	    {ANNOTATION_VOLUMES, volumes},
	};

	if (oom)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(implicit); i++)
		if (implicit[i].value && map_set(a, implicit[i].key, implicit[i].value) < 0)
			return -1;
	for (size_t i = 0; x && x->labels && i < x->labels->len; i++)
		if (map_set(a, x->labels->keys[i], x->labels->values[i]) < 0)
			return -1;
	if ((img->digest && map_set(a, ANNOTATION_DIGEST, img->digest) < 0) ||
	    (img->ref && map_set(a, ANNOTATION_REF, img->ref) < 0))
		return -1;
	return 0;
}

/* A rootless bundle maps one id, the caller's, to the container's root (sheep-oci spec
 * --rootless), and every file of the rootfs is the caller's: an image user other than root
 * could neither be switched to (setuid/setgroups to an unmapped id fail) nor write its files.
 * The process runs as the container's root; the image's User stays as an annotation. */
static int rootless_user(struct oci_config *c, const char *user)
{
	free(c->process->user.additional_gids);
	c->process->user.additional_gids = NULL;
	c->process->user.additional_gids_len = 0;
	c->process->user.uid = c->process->user.gid = 0;
	return user && *user ? map_set(&c->annotations, ANNOTATION_USER, user) : 0;
}

int unpack_config_fill(struct oci_config *config, const struct unpack_image *img, int rootfd,
		       bool rootless, struct sheep_err **err)
{
	const struct oci_image_exec_config *x = img->config->config;

	if (config->process == NULL)
		return sheep_err_set(err, 0, "image config: the default spec has no process");
	if (x != NULL && fill_process(config->process, x) < 0)
		return sheep_err_set(err, ENOMEM, "image config");
	/* resolved also when rootless: a user the image does not have is an error either way */
	if (fill_user(config->process, x ? x->user : NULL, rootfd, err) < 0)
		return sheep_err_wrap(err, "image config");
	if (fill_annotations(config, img) < 0 ||
	    (rootless && rootless_user(config, x ? x->user : NULL) < 0))
		return sheep_err_set(err, ENOMEM, "image config: annotations");
	return 0;
}
