/* The mount option table (runtime-spec config.md "Mounts", mount(8) names): each OCI option as an
 * MS_* flag to set or clear, a propagation change, a recursive MOUNT_ATTR_* for mount_setattr(2), or
 * one of the runtime's own (idmap, tmpcopyup); anything else is filesystem data. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "core/rootfs.h"
#include "core/rootfs/mount_opts.h"
#include "util/cleanup.h"

enum opt_kind {
	OPT_SET,   /* MS_* flag set */
	OPT_CLEAR, /* MS_* flag cleared */
	OPT_PROP,  /* propagation change, applied after the mount */
	OPT_RSET,  /* recursive MOUNT_ATTR_* set */
	OPT_RCLR,  /* recursive MOUNT_ATTR_* cleared */
	OPT_RATIME,
	OPT_IDMAP,
	OPT_RIDMAP,
	OPT_TMPCOPYUP,
};

struct opt {
	const char *name;
	enum opt_kind kind;
	unsigned long value;
};

static const struct opt opts[] = {
    {"ro", OPT_SET, MS_RDONLY},
    {"rw", OPT_CLEAR, MS_RDONLY},
    {"nosuid", OPT_SET, MS_NOSUID},
    {"suid", OPT_CLEAR, MS_NOSUID},
    {"nodev", OPT_SET, MS_NODEV},
    {"dev", OPT_CLEAR, MS_NODEV},
    {"noexec", OPT_SET, MS_NOEXEC},
    {"exec", OPT_CLEAR, MS_NOEXEC},
    {"sync", OPT_SET, MS_SYNCHRONOUS},
    {"async", OPT_CLEAR, MS_SYNCHRONOUS},
    {"dirsync", OPT_SET, MS_DIRSYNC},
    {"remount", OPT_SET, MS_REMOUNT},
    {"mand", OPT_SET, MS_MANDLOCK},
    {"nomand", OPT_CLEAR, MS_MANDLOCK},
    {"atime", OPT_CLEAR, MS_NOATIME},
    {"noatime", OPT_SET, MS_NOATIME},
    {"relatime", OPT_SET, MS_RELATIME},
    {"norelatime", OPT_CLEAR, MS_RELATIME},
    {"strictatime", OPT_SET, MS_STRICTATIME},
    {"nostrictatime", OPT_CLEAR, MS_STRICTATIME},
    {"diratime", OPT_CLEAR, MS_NODIRATIME},
    {"nodiratime", OPT_SET, MS_NODIRATIME},
    {"lazytime", OPT_SET, MS_LAZYTIME},
    {"nolazytime", OPT_CLEAR, MS_LAZYTIME},
    {"nosymfollow", OPT_SET, MS_NOSYMFOLLOW},
    {"symfollow", OPT_CLEAR, MS_NOSYMFOLLOW},
    /* fstab's placeholder, as runc and crun accept it */
    {"defaults", OPT_SET, 0},
    /* superblock flags of mount(2); a new mount passes them to the filesystem (mounts.c) */
    {"acl", OPT_SET, MS_POSIXACL},
    {"noacl", OPT_CLEAR, MS_POSIXACL},
    {"iversion", OPT_SET, MS_I_VERSION},
    {"noiversion", OPT_CLEAR, MS_I_VERSION},
    {"silent", OPT_SET, MS_SILENT},
    {"loud", OPT_CLEAR, MS_SILENT},
    {"bind", OPT_SET, MS_BIND},
    {"rbind", OPT_SET, MS_BIND | MS_REC},
    {"shared", OPT_PROP, MS_SHARED},
    {"rshared", OPT_PROP, MS_SHARED | MS_REC},
    {"slave", OPT_PROP, MS_SLAVE},
    {"rslave", OPT_PROP, MS_SLAVE | MS_REC},
    {"private", OPT_PROP, MS_PRIVATE},
    {"rprivate", OPT_PROP, MS_PRIVATE | MS_REC},
    {"unbindable", OPT_PROP, MS_UNBINDABLE},
    {"runbindable", OPT_PROP, MS_UNBINDABLE | MS_REC},
    {"rro", OPT_RSET, MOUNT_ATTR_RDONLY},
    {"rrw", OPT_RCLR, MOUNT_ATTR_RDONLY},
    {"rnosuid", OPT_RSET, MOUNT_ATTR_NOSUID},
    {"rsuid", OPT_RCLR, MOUNT_ATTR_NOSUID},
    {"rnodev", OPT_RSET, MOUNT_ATTR_NODEV},
    {"rdev", OPT_RCLR, MOUNT_ATTR_NODEV},
    {"rnoexec", OPT_RSET, MOUNT_ATTR_NOEXEC},
    {"rexec", OPT_RCLR, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", OPT_RSET, MOUNT_ATTR_NODIRATIME},
    {"rdiratime", OPT_RCLR, MOUNT_ATTR_NODIRATIME},
    {"rnosymfollow", OPT_RSET, MOUNT_ATTR_NOSYMFOLLOW},
    {"rsymfollow", OPT_RCLR, MOUNT_ATTR_NOSYMFOLLOW},
    /* atime is one 3-valued field in mount_setattr: "not noatime" means the default, relatime */
    {"rnoatime", OPT_RATIME, MOUNT_ATTR_NOATIME},
    {"ratime", OPT_RATIME, MOUNT_ATTR_RELATIME},
    {"rrelatime", OPT_RATIME, MOUNT_ATTR_RELATIME},
    {"rnorelatime", OPT_RATIME, MOUNT_ATTR_STRICTATIME},
    {"rstrictatime", OPT_RATIME, MOUNT_ATTR_STRICTATIME},
    {"rnostrictatime", OPT_RATIME, MOUNT_ATTR_RELATIME},
    {"idmap", OPT_IDMAP, 0},
    {"ridmap", OPT_RIDMAP, 0},
    {"tmpcopyup", OPT_TMPCOPYUP, 0},
};

const char *const *sheep_mount_option_names(void)
{
	static const char *names[ARRAY_SIZE(opts) + 1];

	if (names[0] == NULL)
		for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
			names[i] = opts[i].name;
	return names;
}

/* Filesystems whose every option the runtime knows: there, an unknown bare word is a typo, not
 * data. The words listed are the bare (no '=') data options those filesystems accept. */
static const struct {
	const char *type;
	const char *words[8];
} strict_types[] = {
    {"bind", {NULL}},
    {"proc", {NULL}},
    {"sysfs", {NULL}},
    {"mqueue", {NULL}},
    {"tmpfs", {"noswap", "quota", "usrquota", "grpquota", NULL}},
    {"devpts", {"newinstance", NULL}},
    {"cgroup2",
     {"nsdelegate", "favordynmods", "memory_localevents", "memory_recursiveprot",
      "memory_hugetlb_accounting", "pids_localevents", NULL}},
};

bool sheep_mount_is_bind(const struct oci_mount *m)
{
	if (m->type != NULL && strcmp(m->type, "bind") == 0)
		return true;
	for (size_t i = 0; i < m->options_len; i++)
		if (strcmp(m->options[i], "bind") == 0 || strcmp(m->options[i], "rbind") == 0)
			return true;
	return false;
}

static bool names_context(const char *word, size_t len)
{
	static const char *const keys[] = {"context=", "fscontext=", "defcontext=", "rootcontext="};

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (len >= strlen(keys[i]) && strncmp(word, keys[i], strlen(keys[i])) == 0)
			return true;
	return false;
}

bool sheep_mount_takes_context(const char *type, const char *data)
{
	static const char *const policy_labelled[] = {
	    "proc",	   "sysfs",    "cgroup",  "cgroup2", "mqueue",
	    "securityfs",  "debugfs",  "tracefs", "bpf",     "selinuxfs",
	    "binfmt_misc", "configfs", "fusectl", "pstore",  "efivarfs"};

	if (type == NULL || strcmp(type, "bind") == 0)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(policy_labelled); i++)
		if (strcmp(type, policy_labelled[i]) == 0)
			return false;
	/* data that sets a context itself keeps it */
	for (const char *w = data; w && *w; w += strcspn(w, ","), w += *w == ',')
		if (names_context(w, strcspn(w, ",")))
			return false;
	return true;
}

static const struct opt *find_opt(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
		if (strcmp(opts[i].name, name) == 0)
			return &opts[i];
	return NULL;
}

/* Is a bare word, not in the option table, acceptable as data for this mount? */
static bool data_word_ok(const struct oci_mount *m, const char *word)
{
	const char *type = sheep_mount_is_bind(m) ? "bind" : m->type;

	if (strchr(word, '=') != NULL || type == NULL)
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(strict_types); i++) {
		if (strcmp(strict_types[i].type, type) != 0)
			continue;
		for (const char *const *w = strict_types[i].words; *w != NULL; w++)
			if (strcmp(*w, word) == 0)
				return true;
		return false;
	}
	return true;
}

/* Words managers keep in a bind's options for their own use: SELinux relabelling (z, Z) and
 * ownership (U) that podman and Docker do before create, and crun's copy-symlink. runc 1.1.5 passes
 * them as data, which a bind ignores, so they are accepted and dropped here too (copy-symlink
 * thus binds the symlink's target, as runc does). A typo on a bind is still an error. */
static bool bind_ignores(const struct oci_mount *m, const char *word)
{
	static const char *const words[] = {"z", "Z", "U", "copy-symlink"};

	if (!sheep_mount_is_bind(m))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (strcmp(words[i], word) == 0)
			return true;
	return false;
}

static int add_data(struct sheep_mount_opts *o, const char *word)
{
	char *data = NULL;

	if (asprintf(&data, "%s%s%s", o->data ? o->data : "", o->data ? "," : "", word) < 0)
		return -1;
	free(o->data);
	o->data = data;
	return 0;
}

static int apply_opt(struct sheep_mount_opts *o, const struct opt *opt)
{
	switch (opt->kind) {
	case OPT_SET:
		o->flags |= opt->value;
		o->cleared &= ~opt->value;
		break;
	case OPT_CLEAR:
		o->flags &= ~opt->value;
		o->cleared |= opt->value;
		break;
	case OPT_PROP:
		if (o->propagation_len == SHEEP_MOUNT_MAX_PROPAGATION)
			return -1;
		o->propagation[o->propagation_len++] = opt->value;
		break;
	case OPT_RSET:
		o->attr_set |= opt->value;
		o->attr_clr &= ~opt->value;
		break;
	case OPT_RCLR:
		o->attr_clr |= opt->value;
		o->attr_set &= ~opt->value;
		break;
	case OPT_RATIME:
		o->attr_clr |= MOUNT_ATTR__ATIME;
		o->attr_set = (o->attr_set & ~(uint64_t)MOUNT_ATTR__ATIME) | opt->value;
		break;
	case OPT_IDMAP:
	case OPT_RIDMAP:
		o->idmap = true;
		o->idmap_recursive = o->idmap_recursive || opt->kind == OPT_RIDMAP;
		break;
	case OPT_TMPCOPYUP:
		o->tmpcopyup = true;
		break;
	}
	return 0;
}

int sheep_mount_opts_parse(const struct oci_mount *m, size_t index, struct sheep_mount_opts *ret,
			   struct sheep_err **err)
{
	struct sheep_mount_opts o = {0};

	for (size_t i = 0; i < m->options_len; i++) {
		const char *name = m->options[i];
		const struct opt *opt = find_opt(name);
		int r;

		if (opt != NULL)
			r = apply_opt(&o, opt);
		else if (bind_ignores(m, name))
			r = 0;
		else if (*name != '\0' && data_word_ok(m, name))
			r = add_data(&o, name);
		else {
			sheep_mount_opts_clear(&o);
			return sheep_err_set(err, 0,
					     "config.json: mounts[%zu].options[%zu]: unknown mount "
					     "option '%s'",
					     index, i, name);
		}
		if (r < 0) {
			sheep_mount_opts_clear(&o);
			return sheep_err_set(err, errno == ENOMEM ? ENOMEM : 0,
					     "config.json: mounts[%zu].options[%zu]: too many "
					     "propagation options",
					     index, i);
		}
	}
	*ret = o;
	return 0;
}

void sheep_mount_opts_clear(struct sheep_mount_opts *o)
{
	free(o->data);
	o->data = NULL;
}

uint64_t sheep_mount_flags_to_attr(unsigned long ms_flags)
{
	uint64_t attr = 0;

	if (ms_flags & MS_RDONLY)
		attr |= MOUNT_ATTR_RDONLY;
	if (ms_flags & MS_NOSUID)
		attr |= MOUNT_ATTR_NOSUID;
	if (ms_flags & MS_NODEV)
		attr |= MOUNT_ATTR_NODEV;
	if (ms_flags & MS_NOEXEC)
		attr |= MOUNT_ATTR_NOEXEC;
	if (ms_flags & MS_NODIRATIME)
		attr |= MOUNT_ATTR_NODIRATIME;
	if (ms_flags & MS_NOSYMFOLLOW)
		attr |= MOUNT_ATTR_NOSYMFOLLOW;
	if (ms_flags & MS_NOATIME)
		attr |= MOUNT_ATTR_NOATIME;
	else if (ms_flags & MS_STRICTATIME)
		attr |= MOUNT_ATTR_STRICTATIME;
	return attr;
}
