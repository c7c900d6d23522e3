/* Opening an existing container for a verb, and deriving its status (paused included). */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/verbs/lookup.h"
#include "util/cleanup.h"
#include "util/fs.h"

int container_open(const char *root, const char *id, struct container_ref *r,
		   struct sheep_err **err)
{
	*r = (struct container_ref){.rootfd = -1, .dirfd = -1};
	if (sheep_state_check_id(id, err) < 0)
		return -1;
	if (sheep_state_root_open(root ? root : sheep_state_default_root(), false, &r->rootfd,
				  err) < 0) {
		if ((*err)->errnum != ENOENT)
			return -1;
		sheep_err_freep(err);
		return sheep_err_code(err, ENOENT, "container '%s' does not exist", id);
	}
	if (sheep_state_load(r->rootfd, id, &r->st, &r->dirfd, err) < 0) {
		container_close(r);
		return -1;
	}
	if (r->st->cgroup && sheep_cgroup_load(r->st->cgroup, &r->cgroup, err) < 0) {
		container_close(r);
		return -1;
	}
	r->status = container_status(r->st, r->dirfd, r->cgroup);
	return 0;
}

enum sheep_status container_status(const struct sheep_state *st, int dirfd,
				   const struct sheep_cgroup *cg)
{
	enum sheep_status s = sheep_state_status(st, dirfd);
	struct sheep_cgroup *loaded = NULL;

	if (s != SHEEP_RUNNING && s != SHEEP_CREATED)
		return s;
	/* Paused is no state of its own on disk: a created or running container whose cgroup is
	 * frozen, so a freeze by anyone (runc, a manager writing freezer.state) reads the same, and
	 * a thaw gives back the status underneath. */
	if (cg == NULL && st->cgroup != NULL && sheep_cgroup_load(st->cgroup, &loaded, NULL) == 0)
		cg = loaded;
	if (cg != NULL && sheep_cgroup_frozen(cg))
		s = SHEEP_PAUSED;
	sheep_cgroup_free(loaded);
	return s;
}

int container_need_cgroup(const struct container_ref *r, struct sheep_err **err)
{
	if (r->cgroup == NULL || !sheep_cgroup_has_hierarchies(r->cgroup))
		return sheep_err_code(err, ENOENT, "container has no cgroup");
	return 0;
}

struct oci_config *container_config(const struct container_ref *r, struct sheep_err **err)
{
	_cleanup_free_ char *raw = NULL;
	size_t len = 0;
	char *msg = NULL;
	struct oci_config *c;

	if (sheep_read_file_at(r->dirfd, SHEEP_CONFIG_FILE, OCI_MAX_INPUT_SIZE, &raw, &len, err) <
	    0)
		return NULL;
	c = oci_config_parse_data(raw, len, "config.json", &msg);
	if (c == NULL)
		sheep_err_take(err, EINVAL, msg);
	return c;
}

void container_close(struct container_ref *r)
{
	sheep_cgroup_free(r->cgroup);
	sheep_state_free(r->st);
	sheep_closep(&r->dirfd);
	sheep_closep(&r->rootfd);
	*r = (struct container_ref){.rootfd = -1, .dirfd = -1};
}
