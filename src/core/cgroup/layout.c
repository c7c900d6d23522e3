/* Cgroup layout detection: which hierarchies exist (v1 per controller, named, co-mounted; v2;
 * or both in the hybrid layout), where they are mounted, and where this process sits in each.
 * One read of /proc/self/mountinfo and one of /proc/self/cgroup, no directory scans: this runs on
 * the create path. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "core/cgroup/internal.h"
#include "util/cleanup.h"
#include "util/fs.h"

#define PROC_READ_MAX (4u * 1024u * 1024u)

void cg_hier_clear(struct cg_hier *h)
{
	free(h->controllers);
	free(h->mountpoint);
	free(h->path);
	memset(h, 0, sizeof(*h));
}

void cg_layout_clear(struct cg_layout *l)
{
	for (size_t i = 0; i < l->len; i++)
		cg_hier_clear(&l->h[i]);
	free(l->h);
	l->h = NULL;
	l->len = 0;
}

bool cg_list_has(const char *list, const char *item)
{
	size_t n = strlen(item);

	for (const char *p = list; p != NULL && *p;) {
		const char *end = strchrnul(p, ',');

		if ((size_t)(end - p) == n && strncmp(p, item, n) == 0)
			return true;
		p = *end ? end + 1 : end;
	}
	return false;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo (proc_pid_mountinfo(5)). */
static void unescape_octal(char *s)
{
	char *out = s;

	for (char *p = s; *p; p++) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
		    p[3] >= '0' && p[3] <= '7') {
			*out++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
			p += 3;
		} else {
			*out++ = *p;
		}
	}
	*out = '\0';
}

struct cg_mount {
	char *root;	  /* field 4: the mount's root inside the hierarchy */
	char *mountpoint; /* field 5 */
	char *superopts;  /* after the fstype and source: "rw,cpu,cpuacct" */
	bool v2;
	bool cgroup; /* cgroup or cgroup2; other mounts only matter for shadowing */
	bool hidden; /* a later mount covers it (shadowed_mounts) */
};

/* Splits one mountinfo line in place; false for lines that cannot be parsed. */
static bool parse_mount_line(char *line, struct cg_mount *m)
{
	char *fields[5], *save = NULL, *sep, *fstype, *src, *opts;

	sep = strstr(line, " - ");
	if (sep == NULL)
		return false;
	*sep = '\0';
	fstype = strtok_r(sep + 3, " ", &save);
	src = strtok_r(NULL, " ", &save);
	opts = strtok_r(NULL, " ", &save);
	if (fstype == NULL || src == NULL || opts == NULL)
		return false;
	save = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		fields[i] = strtok_r(i == 0 ? line : NULL, " ", &save);
		if (fields[i] == NULL)
			return false;
	}
	unescape_octal(fields[3]);
	unescape_octal(fields[4]);
	*m = (struct cg_mount){.root = fields[3], .mountpoint = fields[4], .superopts = opts};
	m->v2 = strcmp(fstype, "cgroup2") == 0;
	m->cgroup = m->v2 || strcmp(fstype, "cgroup") == 0;
	return true;
}

/* True when path is dir or below it ("/" is an ancestor of everything). */
static bool path_within(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return true;
	return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* mountinfo lists mounts in the order they were made, so a mount is hidden when a later one sits
 * on the same mount point or on an ancestor of it: e.g. cgroup2 mounted over the hybrid
 * /sys/fs/cgroup tmpfs in a new mount namespace hides every v1 hierarchy below it. */
static void shadowed_mounts(struct cg_mount *mounts, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n && mounts[i].cgroup && !mounts[i].hidden; j++)
			mounts[i].hidden = path_within(mounts[i].mountpoint, mounts[j].mountpoint);
}

/* The first mount of the hierarchy that /proc/self/cgroup lists with these controllers. */
static const struct cg_mount *match_mount(const struct cg_mount *mounts, size_t n,
					  const char *controllers, bool v2)
{
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *copy = NULL;
		char *save = NULL, *tok;
		bool all = true;

		if (!mounts[i].cgroup || mounts[i].hidden || mounts[i].v2 != v2)
			continue;
		if (v2)
			return &mounts[i];
		copy = strdup(controllers);
		if (copy == NULL)
			return NULL;
		for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
			all = all && cg_list_has(mounts[i].superopts, tok);
		if (all)
			return &mounts[i];
	}
	return NULL;
}

/* The process's cgroup as seen below the mountpoint: a mount whose root is a sub-cgroup (a bind
 * mount, or a mount made inside a cgroup namespace) shows only what lies below that root. */
static const char *own_below_root(const char *own, const char *root)
{
	size_t n = strlen(root);

	if (strcmp(root, "/") == 0)
		return own;
	if (strncmp(own, root, n) == 0 && (own[n] == '/' || own[n] == '\0'))
		return own[n] ? own + n : "/";
	return "/";
}

static int add_hier(struct cg_layout *l, const struct cg_mount *m, const char *controllers,
		    const char *own, struct sheep_err **err)
{
	struct cg_hier *h = realloc(l->h, (l->len + 1) * sizeof(*h));

	if (h == NULL)
		return sheep_err_set(err, ENOMEM, "parse cgroup layout");
	l->h = h;
	h = &l->h[l->len];
	memset(h, 0, sizeof(*h));
	h->v2 = m->v2;
	h->controllers = strdup(m->v2 ? "" : controllers);
	h->mountpoint = strdup(m->mountpoint);
	h->path = strdup(own_below_root(own, m->root));
	l->len++;
	if (h->controllers == NULL || h->mountpoint == NULL || h->path == NULL)
		return sheep_err_set(err, ENOMEM, "parse cgroup layout");
	return 0;
}

static int collect_mounts(char *mountinfo, struct cg_mount **ret, size_t *ret_len,
			  struct sheep_err **err)
{
	struct cg_mount *mounts = NULL;
	size_t n = 0;
	char *save = NULL;

	for (char *line = strtok_r(mountinfo, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct cg_mount m, *grown;

		if (!parse_mount_line(line, &m))
			continue;
		grown = realloc(mounts, (n + 1) * sizeof(*mounts));
		if (grown == NULL) {
			free(mounts);
			return sheep_err_set(err, ENOMEM, "parse mountinfo");
		}
		mounts = grown;
		mounts[n++] = m;
	}
	shadowed_mounts(mounts, n);
	*ret = mounts;
	*ret_len = n;
	return 0;
}

/* One /proc/self/cgroup line is "hierarchy-id:controllers:path"; id 0 with no controllers is v2. */
static int parse_cgroup_lines(char *text, const struct cg_mount *mounts, size_t n,
			      struct cg_layout *l, struct sheep_err **err)
{
	char *save = NULL;

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		const struct cg_mount *m;
		bool v2;

		if (c2 == NULL || c2[1] != '/')
			return sheep_err_set(err, 0, "parse /proc/self/cgroup: bad line '%s'",
					     line);
		*c1 = *c2 = '\0';
		v2 = strcmp(line, "0") == 0 && c1[1] == '\0';
		if (!v2 && c1[1] == '\0')
			continue; /* a v1 hierarchy without controllers or name: nothing to use */
		m = match_mount(mounts, n, c1 + 1, v2);
		if (m == NULL)
			continue; /* listed but not mounted here */
		if (add_hier(l, m, c1 + 1, c2 + 1, err) < 0)
			return -1;
	}
	return 0;
}

int cg_layout_parse(const char *mountinfo, const char *proc_cgroup, struct cg_layout *ret,
		    struct sheep_err **err)
{
	_cleanup_free_ char *mi = strdup(mountinfo), *pc = strdup(proc_cgroup);
	_cleanup_free_ struct cg_mount *mounts = NULL;
	struct cg_layout l = {0};
	size_t n = 0;

	if (mi == NULL || pc == NULL)
		return sheep_err_set(err, ENOMEM, "parse cgroup layout");
	if (collect_mounts(mi, &mounts, &n, err) < 0)
		return -1;
	if (parse_cgroup_lines(pc, mounts, n, &l, err) < 0) {
		cg_layout_clear(&l);
		return -1;
	}
	*ret = l;
	return 0;
}

const struct cg_layout *cg_layout_get(struct sheep_err **err)
{
	static struct cg_layout cached;
	static bool done;
	_cleanup_free_ char *mi = NULL, *pc = NULL;

	if (done)
		return &cached;
	if (sheep_read_file_at(AT_FDCWD, "/proc/self/mountinfo", PROC_READ_MAX, &mi, NULL, err) <
		0 ||
	    sheep_read_file_at(AT_FDCWD, "/proc/self/cgroup", PROC_READ_MAX, &pc, NULL, err) < 0)
		return NULL;
	if (cg_layout_parse(mi, pc, &cached, err) < 0)
		return NULL;
	done = true;
	return &cached;
}
