/* The image's User ("name", "uid", "name:group", "uid:gid", ...) resolved in the unpacked
 * /etc/passwd and /etc/group (image-spec config.md, "User"), read through the root so that a
 * symlinked /etc/passwd cannot make us read a host file. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "unpack/resolve.h"
#include "unpack/user.h"
#include "util/cleanup.h"
#include "util/fs.h"

#define MAX_DB (8u * 1024u * 1024u)

static bool parse_id(const char *s, uint32_t *ret)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > UINT32_MAX - 1)
		return false;
	*ret = (uint32_t)v;
	return true;
}

/* Reads a colon-separated database; a missing file reads as empty. The image decides what is
 * there: a FIFO or a device node is refused without being opened. */
static int read_db(int rootfd, const char *path, char **ret, struct sheep_err **err)
{
	mode_t type = 0;
	_cleanup_close_ int fd = unpack_open_regular_in_root(rootfd, path, 0, &type);

	if (fd < 0 && type != 0)
		return sheep_err_set(err, 0, "'/%s' is not a regular file", path);
	if (fd < 0) {
		if (errno != ENOENT)
			return sheep_err_set(err, errno, "open '/%s'", path);
		*ret = strdup("");
		return *ret ? 0 : sheep_err_set(err, ENOMEM, "read '/%s'", path);
	}
	if (sheep_read_fd(fd, MAX_DB, ret, NULL, err) < 0)
		return sheep_err_wrap(err, "'/%s'", path);
	return 0;
}

/* Finds the line whose field 0 (by name) or field 2 (by id) matches; splits it into fields. */
static bool find_entry(char *db, const char *name, const uint32_t *id, char *fields[4])
{
	for (char *line = db, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		int n = 0;
		for (char *p = line; n < 4 && p; n++) {
			fields[n] = p;
			p = strchr(p, ':');
			if (p)
				*p++ = '\0';
		}
		uint32_t v;
		if (n < 3)
			continue;
		if (name ? strcmp(fields[0], name) == 0 : (parse_id(fields[2], &v) && v == *id))
			return true;
	}
	return false;
}

/* Sets *ret_name to the passwd entry's name (a copy) when the user is found, even when it was
 * given as a uid: image-spec config.md "User" applies "the default group and supplementary
 * groups of the given user/uid" (podman with runc, too, runs `USER 1000` with the groups that
 * list the name of 1000's passwd entry). */
static int lookup_user(const char *passwd, const char *user, struct unpack_user *u, char **ret_name,
		       struct sheep_err **err)
{
	_cleanup_free_ char *db = strdup(passwd);
	char *f[4] = {NULL};
	bool numeric = parse_id(user, &u->uid);

	if (db == NULL)
		return sheep_err_set(err, ENOMEM, "user");
	if (!find_entry(db, numeric ? NULL : user, numeric ? &u->uid : NULL, f) || f[3] == NULL) {
		if (numeric)
			return 0; /* a uid need not be in /etc/passwd; its group is then 0 */
		return sheep_err_set(err, 0, "user '%s': not found in /etc/passwd", user);
	}
	if (!parse_id(f[2], &u->uid) || !parse_id(f[3], &u->gid))
		return sheep_err_set(err, 0, "user '%s': bad /etc/passwd entry", user);
	*ret_name = strdup(f[0]);
	return *ret_name ? 0 : sheep_err_set(err, ENOMEM, "user");
}

static int lookup_group(const char *group_db, const char *group, uint32_t *gid,
			struct sheep_err **err)
{
	_cleanup_free_ char *db = strdup(group_db);
	char *f[4] = {NULL};

	if (db == NULL)
		return sheep_err_set(err, ENOMEM, "group");
	if (parse_id(group, gid))
		return 0;
	if (!find_entry(db, group, NULL, f) || !parse_id(f[2], gid))
		return sheep_err_set(err, 0, "group '%s': not found in /etc/group", group);
	return 0;
}

/* Supplementary groups: every /etc/group line whose member list names the user. */
static int add_groups(char *db, const char *name, struct unpack_user *u)
{
	for (char *line = db, *next; name && line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		char *f[4] = {NULL}, *save = NULL;
		int n = 0;
		for (char *p = line; n < 4 && p; n++) {
			f[n] = p;
			p = strchr(p, ':');
			if (p)
				*p++ = '\0';
		}
		uint32_t gid;
		if (n < 4 || !parse_id(f[2], &gid) || gid == u->gid)
			continue;
		for (char *m = strtok_r(f[3], ",", &save); m; m = strtok_r(NULL, ",", &save)) {
			if (strcmp(m, name) != 0 || u->ngroups == ARRAY_SIZE(u->groups))
				continue;
			u->groups[u->ngroups++] = gid;
			break;
		}
	}
	return 0;
}

int unpack_user_resolve(int rootfd, const char *spec, struct unpack_user *u, struct sheep_err **err)
{
	_cleanup_free_ char *copy = strdup(spec ? spec : ""), *passwd = NULL, *group = NULL;
	_cleanup_free_ char *name = NULL;
	char *colon;

	*u = (struct unpack_user){0};
	if (copy == NULL)
		return sheep_err_set(err, ENOMEM, "user");
	colon = strchr(copy, ':');
	if (colon)
		*colon++ = '\0';
	if (read_db(rootfd, "etc/passwd", &passwd, err) < 0 ||
	    read_db(rootfd, "etc/group", &group, err) < 0)
		return -1;
	/* no user: root, as docker and podman run it (with root's groups) */
	if (lookup_user(passwd, *copy != '\0' ? copy : "0", u, &name, err) < 0)
		return -1;
	if (colon != NULL && *colon != '\0')
		return lookup_group(group, colon, &u->gid, err);
	/* the primary group is a supplementary one too, as initgroups(3) makes it and podman
	 * runs it: it survives a setgid program's change of the effective gid */
	u->groups[u->ngroups++] = u->gid;
	return add_groups(group, name, u);
}
