/* sheep_rootfs_validate(): everything about root, mounts, devices and masked/readonly paths that
 * can be checked from config.json alone, before create makes anything. Errors name the JSON path. */
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mount.h>

#include "core/rootfs.h"
#include "core/rootfs/mount_opts.h"
#include "core/rootfs/rootfs_int.h"

int rootfs_propagation_flags(const char *name, unsigned long *ret_flags)
{
	static const struct {
		const char *name;
		unsigned long flags;
	} props[] = {
	    {"private", MS_PRIVATE | MS_REC},	    {"rprivate", MS_PRIVATE | MS_REC},
	    {"shared", MS_SHARED | MS_REC},	    {"rshared", MS_SHARED | MS_REC},
	    {"slave", MS_SLAVE | MS_REC},	    {"rslave", MS_SLAVE | MS_REC},
	    {"unbindable", MS_UNBINDABLE | MS_REC}, {"runbindable", MS_UNBINDABLE | MS_REC},
	};

	for (size_t i = 0; i < sizeof(props) / sizeof(props[0]); i++) {
		if (strcmp(props[i].name, name) == 0) {
			*ret_flags = props[i].flags;
			return 0;
		}
	}
	return -1;
}

/* Whether an absolute path names "/" itself ("/", "/./", "/a/..", "/.." clamped at the root). */
static bool names_root(const char *path)
{
	size_t depth = 0;

	for (const char *p = path; *p;) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (depth > 0)
				depth--;
		} else if (n > 0 && !(n == 1 && p[0] == '.'))
			depth++;
		p += n + (p[n] == '/');
	}
	return depth == 0;
}

static int validate_mount(const struct oci_config *config, size_t i, struct sheep_err **err)
{
	const struct oci_mount *m = &config->mounts[i];
	const struct oci_linux *l = config->linux_;
	struct sheep_mount_opts o;
	bool bind = sheep_mount_is_bind(m);

	if (m->destination == NULL || m->destination[0] != '/')
		return sheep_err_set(err, 0,
				     "config.json: mounts[%zu].destination: must be an absolute "
				     "path, got '%s'",
				     i, m->destination ? m->destination : "");
	/* a mount on the container's root itself is never seen: pivot_root(2) makes the rootfs
	 * mount the root, and what is stacked on it stays hidden (runc fails on it too) */
	if (names_root(m->destination))
		return sheep_err_set(
		    err, 0,
		    "config.json: mounts[%zu].destination: '%s' is the container's "
		    "root (root.path says what it is)",
		    i, m->destination);
	if (bind && (m->source == NULL || m->source[0] == '\0'))
		return sheep_err_set(err, 0,
				     "config.json: mounts[%zu].source: required for a bind "
				     "mount",
				     i);
	if (!bind && (m->type == NULL || m->type[0] == '\0'))
		return sheep_err_set(err, 0, "config.json: mounts[%zu].type: required", i);
	if (sheep_mount_opts_parse(m, i, &o, err) < 0)
		return -1;
	sheep_mount_opts_clear(&o);
	if (o.tmpcopyup && (bind || strcmp(m->type, "tmpfs") != 0))
		return sheep_err_set(
		    err, 0, "config.json: mounts[%zu].options: tmpcopyup needs type 'tmpfs'", i);
	if (o.idmap && !bind)
		return sheep_err_set(
		    err, 0, "config.json: mounts[%zu].options: idmap needs a bind mount", i);
	/* runtime-spec config.md: without uidMappings/gidMappings on the mount, use the container's */
	if (o.idmap && (m->uid_mappings_len == 0 || m->gid_mappings_len == 0) &&
	    (l == NULL || l->uid_mappings_len == 0 || l->gid_mappings_len == 0))
		return sheep_err_set(err, 0,
				     "config.json: mounts[%zu]: idmap needs uidMappings and "
				     "gidMappings",
				     i);
	if (!o.idmap && (m->uid_mappings_len > 0 || m->gid_mappings_len > 0))
		return sheep_err_set(err, 0,
				     "config.json: mounts[%zu]: uidMappings/gidMappings need the "
				     "'idmap' or 'ridmap' option",
				     i);
	return 0;
}

/* A device path names a node: absolute, with no "." or ".." component and no trailing or double
 * slash. It may be anywhere in the container (config-linux.md: "notably outside of /dev"). */
static bool device_path_ok(const char *path)
{
	if (path == NULL || path[0] != '/')
		return false;
	for (const char *p = path + 1;;) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		if (p[n] == '\0')
			return true;
		p += n + 1;
	}
}

/* dev_t as mknod(2) takes it: 12 bits of major, 20 of minor (MINORBITS, linux/kdev_t.h). Larger
 * numbers were cast to 32 bits on the way there, so 4294967297:3 made the null device (1:3). */
#define DEVICE_MAJOR_MAX 4095
#define DEVICE_MINOR_MAX 1048575

static int validate_device(const struct oci_device *d, size_t i, struct sheep_err **err)
{
	if (!device_path_ok(d->path))
		return sheep_err_set(err, 0,
				     "config.json: linux.devices[%zu].path: must be an absolute "
				     "path to a file, without '.' or '..', got '%s'",
				     i, d->path ? d->path : "");
	if (d->type == NULL || strchr("cbup", d->type[0]) == NULL || d->type[1] != '\0')
		return sheep_err_set(err, 0,
				     "config.json: linux.devices[%zu].type: unknown device type "
				     "'%s'",
				     i, d->type ? d->type : "");
	if (d->type[0] != 'p' && (!d->has_major || !d->has_minor))
		return sheep_err_set(
		    err, 0,
		    "config.json: linux.devices[%zu]: major and minor are required "
		    "for type '%s'",
		    i, d->type);
	if (d->type[0] != 'p' && (d->major < 0 || d->major > DEVICE_MAJOR_MAX))
		return sheep_err_set(err, 0,
				     "config.json: linux.devices[%zu].major: %" PRId64
				     " out of range (0 to %d)",
				     i, d->major, DEVICE_MAJOR_MAX);
	if (d->type[0] != 'p' && (d->minor < 0 || d->minor > DEVICE_MINOR_MAX))
		return sheep_err_set(err, 0,
				     "config.json: linux.devices[%zu].minor: %" PRId64
				     " out of range (0 to %d)",
				     i, d->minor, DEVICE_MINOR_MAX);
	return 0;
}

static int validate_paths(char **paths, size_t len, const char *what, struct sheep_err **err)
{
	for (size_t i = 0; i < len; i++)
		if (paths[i][0] != '/')
			return sheep_err_set(
			    err, 0,
			    "config.json: linux.%s[%zu]: must be an absolute path, "
			    "got '%s'",
			    what, i, paths[i]);
	return 0;
}

static int validate_linux(const struct oci_linux *l, struct sheep_err **err)
{
	unsigned long flags;

	if (l->rootfs_propagation != NULL && l->rootfs_propagation[0] != '\0' &&
	    rootfs_propagation_flags(l->rootfs_propagation, &flags) < 0)
		return sheep_err_set(err, 0,
				     "config.json: linux.rootfsPropagation: unknown propagation "
				     "'%s'",
				     l->rootfs_propagation);
	for (size_t i = 0; i < l->devices_len; i++)
		if (validate_device(&l->devices[i], i, err) < 0)
			return -1;
	if (validate_paths(l->masked_paths, l->masked_paths_len, "maskedPaths", err) < 0)
		return -1;
	return validate_paths(l->readonly_paths, l->readonly_paths_len, "readonlyPaths", err);
}

int sheep_rootfs_validate(const struct oci_config *config, struct sheep_err **err)
{
	if (config->root == NULL || config->root->path == NULL || config->root->path[0] == '\0')
		return sheep_err_set(err, 0, "config.json: root.path: required");
	for (size_t i = 0; i < config->mounts_len; i++)
		if (validate_mount(config, i, err) < 0)
			return -1;
	if (config->linux_ != NULL)
		return validate_linux(config->linux_, err);
	return 0;
}
