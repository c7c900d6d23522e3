/* state.json: writing and reading the runtime's own record of a container, and the runtime-spec
 * state document built from it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "core/rootfs.h"
#include "core/state.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* state.json holds config.json's annotations (at most OCI_MAX_INPUT_SIZE, written compact: never
 * longer than they were in config.json) plus a few bounded fields: id, bundle, created, cgroup.
 * The same bound is checked when writing, so a state that was written can always be read back. */
#define STATE_MAX_SIZE (OCI_MAX_INPUT_SIZE + 1024 * 1024)

static void gen_str(yajl_gen g, const char *key, const char *val)
{
	if (val == NULL)
		return;
	yajl_gen_string(g, (const unsigned char *)key, strlen(key));
	yajl_gen_string(g, (const unsigned char *)val, strlen(val));
}

static void gen_int(yajl_gen g, const char *key, long long val)
{
	yajl_gen_string(g, (const unsigned char *)key, strlen(key));
	yajl_gen_integer(g, val);
}

static void gen_bool(yajl_gen g, const char *key, bool val)
{
	yajl_gen_string(g, (const unsigned char *)key, strlen(key));
	yajl_gen_bool(g, val);
}

static void gen_map(yajl_gen g, const char *key, const struct oci_map *m)
{
	yajl_gen_string(g, (const unsigned char *)key, strlen(key));
	yajl_gen_map_open(g);
	for (size_t i = 0; m && i < m->len; i++)
		gen_str(g, m->keys[i], m->values[i]);
	yajl_gen_map_close(g);
}

int sheep_state_hooks_of(const struct oci_config *c)
{
	const struct oci_hooks *h = c->hooks;

	if (h == NULL)
		return 0;
	return (h->start_container_len ? SHEEP_HOOKS_START_CONTAINER : 0) |
	       (h->poststart_len ? SHEEP_HOOKS_POSTSTART : 0) |
	       (h->poststop_len ? SHEEP_HOOKS_POSTSTOP : 0);
}

int sheep_state_save(int dirfd, const struct sheep_state *st, struct sheep_err **err)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;
	int ret;

	if (g == NULL)
		return sheep_err_set(err, ENOMEM, "write state");
	yajl_gen_map_open(g);
	gen_str(g, "id", st->id);
	gen_str(g, "bundle", st->bundle);
	gen_str(g, "rootfs", st->rootfs);
	gen_int(g, "pid", st->pid);
	/* start_time fits in int64 for ~2.9e9 years of uptime at 100 Hz */
	gen_int(g, "startTime", (long long)st->start_time);
	gen_str(g, "created", st->created);
	gen_int(g, "owner", st->owner);
	gen_bool(g, "creating", st->creating);
	gen_bool(g, "ownPidns", st->own_pidns);
	if (st->no_process)
		gen_bool(g, "noProcess", true);
	if (st->host_mount_ns)
		gen_bool(g, "hostMountNs", true);
	gen_str(g, "cgroup", st->cgroup);
	gen_map(g, "annotations", &st->annotations);
	if (st->hooks >= 0)
		gen_int(g, "hooks", st->hooks);
	yajl_gen_map_close(g);
	yajl_gen_get_buf(g, &buf, &len);
	if (len > STATE_MAX_SIZE)
		ret = sheep_err_code(err, EFBIG, "%zu bytes, more than %u", len, STATE_MAX_SIZE);
	else
		ret = sheep_write_file_atomic_at(dirfd, SHEEP_STATE_FILE, (const char *)buf, len,
						 0600, err);
	yajl_gen_free(g);
	return ret < 0 ? sheep_err_wrap(err, "write state") : 0;
}

static char *tree_str(yajl_val root, const char *key)
{
	const char *path[] = {key, NULL};
	yajl_val v = yajl_tree_get(root, path, yajl_t_string);
	const char *text = v ? YAJL_GET_STRING(v) : NULL;
	return text ? strdup(text) : NULL;
}

static long long tree_int_or(yajl_val root, const char *key, long long absent)
{
	const char *path[] = {key, NULL};
	yajl_val v = yajl_tree_get(root, path, yajl_t_number);
	return v && YAJL_IS_INTEGER(v) ? YAJL_GET_INTEGER(v) : absent;
}

static long long tree_int(yajl_val root, const char *key)
{
	return tree_int_or(root, key, 0);
}

static bool tree_bool(yajl_val root, const char *key)
{
	const char *path[] = {key, NULL};
	yajl_val v = yajl_tree_get(root, path, yajl_t_any);
	return v && YAJL_IS_TRUE(v);
}

static int tree_map(yajl_val root, const char *key, struct oci_map *m)
{
	const char *path[] = {key, NULL};
	yajl_val v = yajl_tree_get(root, path, yajl_t_object);
	size_t n = v ? YAJL_GET_OBJECT(v)->len : 0;

	if (n == 0)
		return 0;
	m->keys = calloc(n, sizeof(char *));
	m->values = calloc(n, sizeof(char *));
	if (!m->keys || !m->values)
		return -1;
	for (size_t i = 0; i < n; i++) {
		yajl_val val = YAJL_GET_OBJECT(v)->values[i];
		m->keys[i] = strdup(YAJL_GET_OBJECT(v)->keys[i]);
		m->values[i] = strdup(YAJL_IS_STRING(val) ? YAJL_GET_STRING(val) : "");
		m->len = i + 1;
		if (!m->keys[i] || !m->values[i])
			return -1;
	}
	return 0;
}

static int parse_state(const char *text, struct sheep_state **ret, struct sheep_err **err)
{
	char ebuf[256];
	yajl_val root = yajl_tree_parse(text, ebuf, sizeof(ebuf));
	struct sheep_state *st;

	if (root == NULL) {
		/* yajl's message goes on with the text and a "(right here) ---^" marker on lines of
		 * their own: the first line is the error (a message is one line, STYLE.md) */
		ebuf[strcspn(ebuf, "\n")] = '\0';
		return sheep_err_code(err, EINVAL, "parse state.json: %s", ebuf);
	}
	st = calloc(1, sizeof(*st));
	if (st == NULL) {
		yajl_tree_free(root);
		return sheep_err_set(err, ENOMEM, "parse state.json");
	}
	st->id = tree_str(root, "id");
	st->bundle = tree_str(root, "bundle");
	st->rootfs = tree_str(root, "rootfs");
	st->created = tree_str(root, "created");
	st->cgroup = tree_str(root, "cgroup");
	st->pid = (pid_t)tree_int(root, "pid");
	st->start_time = (unsigned long long)tree_int(root, "startTime");
	st->owner = (uid_t)tree_int(root, "owner");
	st->creating = tree_bool(root, "creating");
	st->own_pidns = tree_bool(root, "ownPidns");
	st->no_process = tree_bool(root, "noProcess");
	st->host_mount_ns = tree_bool(root, "hostMountNs");
	st->hooks = (int)tree_int_or(root, "hooks", -1);
	if (st->hooks < -1 || st->hooks > 7)
		st->hooks = -1;
	if (tree_map(root, "annotations", &st->annotations) < 0 || st->id == NULL) {
		yajl_tree_free(root);
		sheep_state_free(st);
		return sheep_err_code(err, EINVAL, "parse state.json: missing id or out of memory");
	}
	yajl_tree_free(root);
	*ret = st;
	return 0;
}

/* The state directory, opened and locked. The lock may be granted only after the holder (a
 * delete) removed the directory: a removed directory has no links left, and the name is opened
 * again, as it may name a new container by now, or nothing. */
static int open_locked(int rootfd, const char *id, struct sheep_err **err)
{
	for (int attempt = 0;; attempt++) {
		_cleanup_close_ int dirfd =
		    openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		struct stat st;

		if (dirfd < 0 && errno == ENOENT)
			return sheep_err_code(err, ENOENT, "container '%s' does not exist", id);
		if (dirfd < 0)
			return sheep_err_set(err, errno, "open state directory '%s'", id);
		if (flock(dirfd, LOCK_EX) < 0)
			return sheep_err_set(err, errno, "lock state directory '%s'", id);
		if (fstat(dirfd, &st) < 0)
			return sheep_err_set(err, errno, "stat state directory '%s'", id);
		if (st.st_nlink > 0)
			return TAKE_FD(dirfd);
		if (attempt == 10)
			return sheep_err_code(err, ENOENT, "container '%s' does not exist", id);
	}
}

int sheep_state_load(int rootfd, const char *id, struct sheep_state **ret, int *ret_dirfd,
		     struct sheep_err **err)
{
	_cleanup_close_ int dirfd = -1;
	_cleanup_free_ char *text = NULL;

	if (sheep_state_check_id(id, err) < 0)
		return -1;
	dirfd = open_locked(rootfd, id, err);
	if (dirfd < 0)
		return -1;
	if (sheep_read_file_at(dirfd, SHEEP_STATE_FILE, STATE_MAX_SIZE, &text, NULL, err) < 0) {
		/* a create that died before writing any state: the directory alone is what is left */
		if ((*err)->errnum == ENOENT) {
			sheep_err_freep(err);
			*ret = calloc(1, sizeof(**ret));
			if (*ret == NULL || ((*ret)->id = strdup(id)) == NULL)
				return sheep_err_set(err, ENOMEM, "load state");
			(*ret)->creating = true;
			(*ret)->hooks = -1;
			*ret_dirfd = TAKE_FD(dirfd);
			return 0;
		}
		return sheep_err_wrap(err, "load state of '%s'", id);
	}
	if (parse_state(text, ret, err) < 0)
		return -1;
	*ret_dirfd = TAKE_FD(dirfd);
	return 0;
}

/* The files this runtime writes. A create that failed with EMFILE holds every descriptor it may
 * have and cannot open the directory: then they go by "ID/NAME" from the root, which needs no new
 * descriptor (after checking that ID is a directory, not a symlink). */
static void unlink_own_files(int rootfd, const char *id)
{
	static const char *const files[] = {SHEEP_STATE_FILE, SHEEP_CONFIG_FILE, SHEEP_EXEC_FIFO};
	_cleanup_close_ int dirfd =
	    openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	bool by_path = dirfd < 0 && (errno == EMFILE || errno == ENFILE);
	struct stat st;
	char path[PATH_MAX];

	if (by_path && (fstatat(rootfd, id, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode)))
		return;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		int n = snprintf(path, sizeof(path), "%s/%s", id, files[i]);

		if (dirfd >= 0)
			unlinkat(dirfd, files[i], 0);
		else if (by_path && n < (int)sizeof(path))
			unlinkat(rootfd, path, 0);
	}
	/* where a container without a mount namespace had its rootfs bound (empty once detached;
	 * still a mount point, rmdir fails with EBUSY and the scan below refuses it too) */
	if (dirfd >= 0)
		unlinkat(dirfd, SHEEP_HOST_ROOTFS, AT_REMOVEDIR);
}

int sheep_state_remove(int rootfd, const char *id, struct sheep_err **err)
{
	/* The known files, then the directory: no scan unless something else is there (a
	 * temporary file of a create that was killed). */
	unlink_own_files(rootfd, id);
	if (unlinkat(rootfd, id, AT_REMOVEDIR) == 0 || errno == ENOENT)
		return 0;
	if (sheep_rm_rf_at(rootfd, id, err) < 0)
		return sheep_err_wrap(err, "remove state directory");
	return 0;
}

static void map_clear(struct oci_map *m)
{
	for (size_t i = 0; i < m->len; i++) {
		free(m->keys[i]);
		free(m->values[i]);
	}
	free(m->keys);
	free(m->values);
	*m = (struct oci_map){0};
}

void sheep_state_clear(struct sheep_state *st)
{
	free(st->id);
	free(st->bundle);
	free(st->rootfs);
	free(st->created);
	free(st->cgroup);
	map_clear(&st->annotations);
	*st = (struct sheep_state){0};
}

void sheep_state_free(struct sheep_state *st)
{
	if (st == NULL)
		return;
	sheep_state_clear(st);
	free(st);
}

char *sheep_state_oci_json(const struct sheep_state *st, enum sheep_status status,
			   struct sheep_err **err)
{
	struct oci_state s = {
	    .oci_version = (char *)OCI_SPEC_VERSION,
	    .id = st->id,
	    /* "paused" is not in the spec's list but runc reports it and managers expect it */
	    .status = (char *)sheep_status_name(status),
	    .has_pid = status != SHEEP_STOPPED,
	    .pid = status != SHEEP_STOPPED ? st->pid : 0,
	    .bundle = st->bundle ? st->bundle : (char *)"",
	    .annotations = st->annotations.len ? (struct oci_map *)&st->annotations : NULL,
	};
	char *msg = NULL, *json = oci_state_to_json(&s, NULL, &msg);

	if (json == NULL)
		sheep_err_take(err, EINVAL, msg);
	return json;
}

/* Parsed with yajl directly, not oci_state_parse_data: the parent's document is indented and may
 * be longer than OCI_MAX_INPUT_SIZE (small annotations from a config.json near that limit). */
char *sheep_state_oci_json_in_container(const char *json, enum sheep_status status, pid_t pid,
					struct sheep_err **err)
{
	char ebuf[256];
	yajl_val root = yajl_tree_parse(json, ebuf, sizeof(ebuf));
	struct sheep_state st = {.pid = pid};
	char *out = NULL;

	if (root == NULL) {
		ebuf[strcspn(ebuf, "\n")] = '\0';
		sheep_err_code(err, EINVAL, "parse state: %s", ebuf);
		return NULL;
	}
	st.id = tree_str(root, "id");
	st.bundle = tree_str(root, "bundle");
	if (st.id == NULL || tree_map(root, "annotations", &st.annotations) < 0)
		sheep_err_code(err, EINVAL, "parse state: missing id or out of memory");
	else
		out = sheep_state_oci_json(&st, status, err);
	yajl_tree_free(root);
	sheep_state_clear(&st);
	return out;
}
