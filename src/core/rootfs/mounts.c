/* One entry of config.json "mounts": the destination is resolved in-root and created to match the
 * source, the new mount is built detached (open_tree for binds, fsopen/fsmount for filesystems)
 * with its flags already set, then attached with move_mount onto the resolved fd. Building the
 * mount first means no path string is ever re-resolved and binds need no separate ro remount. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "core/rootfs/mount_opts.h"
#include "core/rootfs/rootfs_int.h"
#include "util/cleanup.h"
#include "util/path.h"

/* fs_context reports why a parameter was refused as "e <message>" lines readable on the fd. */
static void fs_log(int fsfd, char *buf, size_t len)
{
	ssize_t n = read(fsfd, buf, len - 1);

	if (n <= 2) {
		buf[0] = '\0';
	} else {
		buf[n] = '\0';
		for (char *p = buf + 2; *p; p++)
			if ((unsigned char)*p < ' ')
				*p = '\0';
		memmove(buf, buf + 2, strlen(buf + 2) + 1);
	}
}

static int fs_param(int fsfd, const char *word)
{
	_cleanup_free_ char *key = strdup(word);
	char *eq;

	if (key == NULL)
		return -1;
	eq = strchr(key, '=');
	if (eq == NULL)
		return fsconfig(fsfd, FSCONFIG_SET_FLAG, key, NULL, 0);
	*eq = '\0';
	return fsconfig(fsfd, FSCONFIG_SET_STRING, key, eq + 1, 0);
}

/* acl, noacl, iversion, noiversion: superblock flags of mount(2) (runc passes them so), which
 * the filesystem interprets; the new mount API has them as parameters of the filesystems that
 * have a choice (ext4's "noacl"). A filesystem without the parameter decides alone (tmpfs always
 * has ACLs), as it does for mount(2): its refusal, and the message it logged, are dropped. */
static int fs_sb_choice(int fsfd, const struct sheep_mount_opts *o, unsigned long flag,
			const char *on, const char *off)
{
	const char *name = (o->flags & flag) ? on : (o->cleared & flag) ? off : NULL;
	char drained[256];

	if (name == NULL || fsconfig(fsfd, FSCONFIG_SET_FLAG, name, NULL, 0) == 0)
		return 0;
	if (errno != EINVAL)
		return -1;
	fs_log(fsfd, drained, sizeof(drained));
	return 0;
}

/* Superblock flags travel as fsconfig flags; per-mount ones go to fsmount(). "silent" and
 * "loud" need nothing: the kernel's messages about a new mount go to its fs_context log, read
 * only to explain a failure, not to the kernel log. */
static int fs_configure(int fsfd, const struct oci_mount *m, const struct sheep_mount_opts *o,
			const char *label)
{
	_cleanup_free_ char *data = o->data ? strdup(o->data) : NULL;
	char *save = NULL;

	if (m->source != NULL && m->source[0] != '\0' &&
	    fsconfig(fsfd, FSCONFIG_SET_STRING, "source", m->source, 0) < 0)
		return -1;
	if ((o->flags & MS_RDONLY) && fsconfig(fsfd, FSCONFIG_SET_FLAG, "ro", NULL, 0) < 0)
		return -1;
	if ((o->flags & MS_SYNCHRONOUS) && fsconfig(fsfd, FSCONFIG_SET_FLAG, "sync", NULL, 0) < 0)
		return -1;
	if ((o->flags & MS_DIRSYNC) && fsconfig(fsfd, FSCONFIG_SET_FLAG, "dirsync", NULL, 0) < 0)
		return -1;
	if ((o->flags & MS_LAZYTIME) && fsconfig(fsfd, FSCONFIG_SET_FLAG, "lazytime", NULL, 0) < 0)
		return -1;
	if (fs_sb_choice(fsfd, o, MS_POSIXACL, "acl", "noacl") < 0 ||
	    fs_sb_choice(fsfd, o, MS_I_VERSION, "iversion", "noiversion") < 0)
		return -1;
	for (char *w = data ? strtok_r(data, ",", &save) : NULL; w; w = strtok_r(NULL, ",", &save))
		if (fs_param(fsfd, w) < 0)
			return -1;
	if (label && sheep_mount_takes_context(m->type, o->data) &&
	    fsconfig(fsfd, FSCONFIG_SET_STRING, "context", label, 0) < 0)
		return -1;
	return fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0);
}

static int make_fs(const struct oci_mount *m, const struct sheep_mount_opts *o, const char *label,
		   const char *what, struct sheep_err **err)
{
	_cleanup_close_ int fsfd = fsopen(m->type, FSOPEN_CLOEXEC);
	char klog[256] = "";
	int mfd;

	if (fsfd < 0)
		return sheep_err_set(err, errno, "%s", what);
	if (fs_configure(fsfd, m, o, label) < 0) {
		int saved = errno;

		fs_log(fsfd, klog, sizeof(klog));
		return sheep_err_set(err, saved, "%s%s%s%s", what, klog[0] ? " (" : "", klog,
				     klog[0] ? ")" : "");
	}
	mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, (unsigned)sheep_mount_flags_to_attr(o->flags));
	if (mfd < 0)
		return sheep_err_set(err, errno, "%s", what);
	return mfd;
}

/* Per-mount flags of a bind: only what the options name, so a bind inherits the rest. A new
 * bind's "rw" (rw_clears false) does not make a read-only source writable: managers add "rw" to
 * volumes by default, and a directory the host bound read-only stays read-only in the container
 * (runc keeps it so for "rbind,rw"); "rrw" or a "remount,rw" clear it on purpose. */
static struct mount_attr bind_attr(const struct sheep_mount_opts *o, bool rw_clears)
{
	const unsigned long atime = MS_NOATIME | MS_STRICTATIME | MS_RELATIME;
	struct mount_attr a = {
	    .attr_set = sheep_mount_flags_to_attr(o->flags) & ~(uint64_t)MOUNT_ATTR__ATIME,
	    .attr_clr =
		sheep_mount_flags_to_attr(o->cleared & ~(atime | (rw_clears ? 0 : MS_RDONLY))),
	};

	if ((o->flags | o->cleared) & atime) {
		a.attr_clr |= MOUNT_ATTR__ATIME;
		a.attr_set |= sheep_mount_flags_to_attr(o->flags) & MOUNT_ATTR__ATIME;
	}
	return a;
}

static int bind_idmap(int mfd, const struct oci_config *config, const struct oci_mount *m,
		      const struct sheep_mount_opts *o, struct sheep_err **err)
{
	const struct oci_linux *l = config->linux_;
	bool own = m->uid_mappings_len > 0 && m->gid_mappings_len > 0;
	_cleanup_close_ int userns = -1;
	struct mount_attr a = {.attr_set = MOUNT_ATTR_IDMAP};

	userns = rootfs_idmap_userns(own ? m->uid_mappings : l->uid_mappings,
				     own ? m->uid_mappings_len : l->uid_mappings_len,
				     own ? m->gid_mappings : l->gid_mappings,
				     own ? m->gid_mappings_len : l->gid_mappings_len, err);
	if (userns < 0)
		return -1;
	a.userns_fd = (uint64_t)userns;
	if (mount_setattr(mfd, "", AT_EMPTY_PATH | (o->idmap_recursive ? AT_RECURSIVE : 0), &a,
			  sizeof(a)) < 0)
		return sheep_err_set(err, errno, "mount_setattr idmap");
	return 0;
}

/* The detached bind tree of src, idmapped when the options ask for it. */
static int open_bind_tree(const struct oci_config *config, const struct oci_mount *m,
			  const struct sheep_mount_opts *o, const char *src, struct sheep_err **err)
{
	unsigned flags =
	    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | ((o->flags & MS_REC) ? AT_RECURSIVE : 0);
	_cleanup_close_ int mfd = open_tree(AT_FDCWD, src, flags);

	if (mfd < 0)
		return sheep_err_set(err, errno, "open_tree '%s'", src);
	if (o->idmap && bind_idmap(mfd, config, m, o, err) < 0)
		return -1;
	return TAKE_FD(mfd);
}

/* What the init in a user namespace cannot open that the runtime on the host could. */
static bool out_of_reach(int e)
{
	return e == EACCES || e == EPERM;
}

/* premade: the tree the runtime made on the host for this mount (sheep_rootfs_premake_binds),
 * or -1. An idmapped bind always takes it; another one only when the init cannot reach the
 * source itself: its own bind sees what the mounts before it made (a bind of a rootfs path). */
static int make_bind(const struct oci_config *config, const struct oci_mount *m,
		     const struct sheep_mount_opts *o, const char *src, int premade,
		     struct sheep_err **err)
{
	_cleanup_close_ int mfd = -1;
	struct mount_attr a = bind_attr(o, false);

	if (premade < 0 || !o->idmap)
		mfd = open_bind_tree(config, m, o, src, err);
	if (mfd < 0 && premade >= 0 && (o->idmap || out_of_reach((*err)->errnum))) {
		sheep_err_freep(err);
		mfd = fcntl(premade, F_DUPFD_CLOEXEC, 3);
		if (mfd < 0)
			return sheep_err_set(err, errno, "dup the premade tree of '%s'", src);
	}
	if (mfd < 0)
		return -1;
	if ((a.attr_set || a.attr_clr) && mount_setattr(mfd, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0)
		return sheep_err_set(err, errno, "mount_setattr '%s'", src);
	return TAKE_FD(mfd);
}

/* After the mount is attached: recursive attributes, then propagation in the order given. */
static int finish_mount(int mfd, const struct sheep_mount_opts *o, struct sheep_err **err)
{
	struct mount_attr a = {.attr_set = o->attr_set, .attr_clr = o->attr_clr};

	if ((a.attr_set || a.attr_clr) &&
	    mount_setattr(mfd, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof(a)) < 0)
		return sheep_err_set(err, errno, "mount_setattr recursive attributes");
	for (size_t i = 0; i < o->propagation_len; i++) {
		struct mount_attr p = {.propagation = o->propagation[i] & ~MS_REC};
		unsigned rec = (o->propagation[i] & MS_REC) ? AT_RECURSIVE : 0;

		if (mount_setattr(mfd, "", AT_EMPTY_PATH | rec, &p, sizeof(p)) < 0)
			return sheep_err_set(err, errno, "mount_setattr propagation");
	}
	return 0;
}

/* A superblock remount for data and the superblock's own flags. MS_REMOUNT also resets the
 * mount's flags to those passed, so the current ones (statvfs's ST_* are the MS_* values) go
 * along; ro stays as it is unless the options name ro or rw. */
static int remount_sb(int fd, const struct sheep_mount_opts *o, struct sheep_err **err)
{
	const unsigned long sb_flags =
	    MS_SYNCHRONOUS | MS_DIRSYNC | MS_LAZYTIME | MS_POSIXACL | MS_I_VERSION | MS_SILENT;
	const unsigned long keep = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME |
				   MS_NODIRATIME | MS_RELATIME | MS_NOSYMFOLLOW | MS_SYNCHRONOUS;
	char path[SHEEP_FD_PATH_MAX];
	unsigned long flags;
	struct statvfs sv;

	if (o->data == NULL && !(o->flags & sb_flags))
		return 0;
	if (fstatvfs(fd, &sv) < 0)
		return sheep_err_set(err, errno, "remount: statvfs");
	flags = (sv.f_flag & keep & ~o->cleared) | (o->flags & (sb_flags | MS_RDONLY));
	if (mount(NULL, sheep_path_fd_name(fd, path), NULL, MS_REMOUNT | flags, o->data) < 0)
		return sheep_err_set(err, errno, "remount");
	return 0;
}

/* "remount": change an existing mount at the destination (resolved now, so the top mount). Its
 * per-mount flags (ro, nosuid, nodev, noexec, atimes, nosymfollow) change with mount_setattr, on
 * that mount only, and only those named: mount(2) with MS_REMOUNT would apply ro to the
 * superblock, and "remount,ro" on a bind of a host filesystem made the host's filesystem
 * read-only (runc does that). Filesystem data and sync, dirsync, lazytime still need a superblock
 * remount, done first since it resets the mount's flags. */
static int remount(struct rootfs_ctx *c, const struct oci_mount *m,
		   const struct sheep_mount_opts *o, struct sheep_err **err)
{
	_cleanup_close_ int fd = sheep_path_open_in_root(c->rootfd, m->destination, O_PATH, 0, err);
	struct mount_attr a = bind_attr(o, true); /* a remount's rw is meant for this mount */

	if (fd < 0 || remount_sb(fd, o, err) < 0)
		return -1;
	if ((a.attr_set || a.attr_clr) && mount_setattr(fd, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0)
		return sheep_err_set(err, errno, "remount: mount_setattr");
	return finish_mount(fd, o, err);
}

static char *bind_source(const struct rootfs_ctx *c, const char *source)
{
	char *s = NULL;

	if (source[0] == '/')
		return strdup(source);
	if (asprintf(&s, "%s/%s", c->opts->bundle ? c->opts->bundle : ".", source) < 0)
		return NULL;
	return s;
}

/* The destination, created as a directory or a file to match what will be mounted on it.
 * proc and sysfs refuse a symlinked destination, like /proc -> / in a hostile image. */
static int open_destination(struct rootfs_ctx *c, const struct oci_mount *m, const char *src,
			    int premade, struct sheep_err **err)
{
	struct stat st;

	if (!sheep_mount_is_bind(m) &&
	    (strcmp(m->type, "proc") == 0 || strcmp(m->type, "sysfs") == 0)) {
		_cleanup_close_ int fd =
		    sheep_path_open_in_root(c->rootfd, m->destination, O_PATH | O_NOFOLLOW, 0, err);

		if (fd < 0 && (*err)->errnum != ENOENT)
			return -1;
		sheep_err_freep(err);
		*err = NULL;
		if (fd >= 0 && fstat(fd, &st) == 0 && S_ISLNK(st.st_mode))
			return sheep_err_set(err, ELOOP, "destination '%s' is a symlink",
					     m->destination);
	}
	/* in a user namespace the path may be out of reach: then the premade tree tells */
	if (src != NULL && stat(src, &st) < 0 &&
	    !(out_of_reach(errno) && premade >= 0 && fstat(premade, &st) == 0))
		return sheep_err_set(err, errno, "stat '%s'", src);
	if (src != NULL && !S_ISDIR(st.st_mode))
		return sheep_path_mkfile_in_root(c->rootfd, m->destination, 0644, err);
	return sheep_path_mkdir_in_root(c->rootfd, m->destination, 0755, err);
}

static int mount_new(struct rootfs_ctx *c, size_t index, const struct oci_mount *m,
		     const struct sheep_mount_opts *o, const char *what, struct sheep_err **err)
{
	int premade = c->opts->premade_binds ? c->opts->premade_binds[index] : -1;
	bool bind = sheep_mount_is_bind(m);
	_cleanup_free_ char *src = bind ? bind_source(c, m->source) : NULL;
	_cleanup_close_ int dst = -1, mfd = -1;

	if (bind && src == NULL)
		return sheep_err_set(err, ENOMEM, "%s", what);
	dst = open_destination(c, m, src, premade, err);
	if (dst < 0)
		return -1;
	if (!bind && strcmp(m->type, "cgroup") == 0)
		return rootfs_mount_cgroup(c, dst, m->destination, !(o->flags & MS_RDONLY), err);
	mfd = bind ? make_bind(c->config, m, o, src, premade, err)
		   : make_fs(m, o, c->opts->mount_label, what, err);
	if (mfd < 0)
		return -1;
	if (o->tmpcopyup && rootfs_tmpcopyup(dst, mfd, err) < 0)
		return -1;
	if (move_mount(mfd, "", dst, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return sheep_err_set(err, errno, "%s", what);
	return finish_mount(mfd, o, err);
}

static bool data_has(const char *data, const char *key)
{
	size_t len = strlen(key);

	for (const char *p = data; p != NULL && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (strncmp(p, key, len) == 0)
			return true;
	return false;
}

/* A tmpfs without mode= on a directory the rootfs already has takes that directory's mode, as
 * with runc (an image's 0710 /run stays 0710 instead of tmpfs's 1777); one it makes keeps the
 * tmpfs default. */
static int tmpfs_inherit_mode(struct rootfs_ctx *c, const struct oci_mount *m,
			      struct sheep_mount_opts *o, struct sheep_err **err)
{
	_cleanup_err_ struct sheep_err *ignored = NULL;
	_cleanup_close_ int fd = -1;
	char *data = NULL;
	struct stat st;

	if (sheep_mount_is_bind(m) || strcmp(m->type, "tmpfs") != 0 || data_has(o->data, "mode="))
		return 0;
	fd = sheep_path_open_in_root(c->rootfd, m->destination, O_PATH | O_DIRECTORY, 0, &ignored);
	if (fd < 0 || fstat(fd, &st) < 0)
		return 0; /* missing (made later, tmpfs default) or not a directory (fails later) */
	if (asprintf(&data, "%s%smode=%o", o->data ? o->data : "", o->data ? "," : "",
		     (unsigned)(st.st_mode & 07777)) < 0)
		return sheep_err_set(err, ENOMEM, "tmpfs mode");
	free(o->data);
	o->data = data;
	return 0;
}

/* A read-only /dev could take neither its devices nor the devpts and mqueue mounts below it: it
 * is mounted writable and made read-only at the end (rootfs_dev_readonly), as runc does. */
static void defer_dev_readonly(struct rootfs_ctx *c, const struct oci_mount *m,
			       struct sheep_mount_opts *o)
{
	/* destinations are absolute (sheep_rootfs_validate) */
	if (sheep_mount_is_bind(m) || strcmp(m->type, "tmpfs") != 0 || !(o->flags & MS_RDONLY) ||
	    strcmp(m->destination + strspn(m->destination, "/"), "dev") != 0)
		return;
	o->flags &= ~(unsigned long)MS_RDONLY;
	c->dev_readonly = true;
}

int rootfs_dev_readonly(struct rootfs_ctx *c, struct sheep_err **err)
{
	struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};
	_cleanup_close_ int fd = -1;

	if (!c->dev_readonly)
		return 0;
	fd = sheep_path_open_in_root(c->rootfd, "/dev", O_PATH | O_DIRECTORY | O_NOFOLLOW, 0, err);
	if (fd < 0)
		return -1;
	/* that mount only: devpts, mqueue and shm below keep their own flags */
	if (mount_setattr(fd, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
		return sheep_err_set(err, errno, "make '/dev' read-only");
	return 0;
}

int rootfs_mount_one(struct rootfs_ctx *c, size_t index, struct sheep_err **err)
{
	const struct oci_mount *m = &c->config->mounts[index];
	struct sheep_mount_opts o;
	char what[512];
	int r;

	snprintf(what, sizeof(what), "mount '%s' on '%s' (mounts[%zu])",
		 sheep_mount_is_bind(m) ? m->source : m->type, m->destination, index);
	if (sheep_mount_opts_parse(m, index, &o, err) < 0)
		return -1;
	if (o.flags & MS_REMOUNT) {
		r = remount(c, m, &o, err);
	} else {
		defer_dev_readonly(c, m, &o);
		r = tmpfs_inherit_mode(c, m, &o, err);
		if (r == 0)
			r = mount_new(c, index, m, &o, what, err);
	}
	sheep_mount_opts_clear(&o);
	/* leaves that already say "mount 'x' on 'y' (mounts[i])" need no second prefix */
	if (r < 0 && (*err)->msg != NULL && strncmp((*err)->msg, what, strlen(what)) != 0)
		sheep_err_wrap(err, "%s", what);
	return r;
}

/* In a new user namespace the init cannot idmap a host filesystem (MOUNT_ATTR_IDMAP needs
 * CAP_SYS_ADMIN where the filesystem was mounted, and the mappings name host ids), so the runtime
 * makes those trees on the host before clone; the init inherits the fds and attaches them. */
static bool wants_idmap(const struct oci_mount *m)
{
	for (size_t i = 0; sheep_mount_is_bind(m) && i < m->options_len; i++)
		if (strcmp(m->options[i], "idmap") == 0 || strcmp(m->options[i], "ridmap") == 0)
			return true;
	return false;
}

/* The detached tree of one bind mount; -1 with err set, or -1 and no error when its options
 * do not parse (the init reports that, with its context) or it is a remount. */
static int premake_one(struct rootfs_ctx *c, size_t i, struct sheep_err **err)
{
	const struct oci_mount *m = &c->config->mounts[i];
	_cleanup_free_ char *src = NULL;
	struct sheep_mount_opts o;
	int fd = -1;

	if (sheep_mount_opts_parse(m, i, &o, err) < 0) {
		sheep_err_freep(err);
		return -1;
	}
	if (!(o.flags & MS_REMOUNT)) {
		src = bind_source(c, m->source);
		fd = src ? open_bind_tree(c->config, m, &o, src, err)
			 : sheep_err_set(err, ENOMEM, "bind");
	}
	sheep_mount_opts_clear(&o);
	return fd;
}

static int *premade_table(size_t n)
{
	int *fds = malloc(n * sizeof(*fds));

	for (size_t k = 0; fds && k < n; k++)
		fds[k] = -1;
	return fds;
}

int sheep_rootfs_premake_binds(const struct oci_config *config, const char *bundle, bool userns,
			       int **ret_fds, struct sheep_err **err)
{
	struct sheep_rootfs_opts ro = {.bundle = bundle};
	struct rootfs_ctx c = {.config = config, .opts = &ro};
	int *fds = NULL;

	*ret_fds = NULL;
	for (size_t i = 0; i < config->mounts_len; i++) {
		bool idmap = wants_idmap(&config->mounts[i]);

		if (!idmap && !(userns && sheep_mount_is_bind(&config->mounts[i])))
			continue;
		if (fds == NULL && (fds = premade_table(config->mounts_len)) == NULL)
			return sheep_err_set(err, ENOMEM, "premake bind mounts");
		fds[i] = premake_one(&c, i, err);
		if (fds[i] >= 0 || *err == NULL)
			continue;
		if (!idmap) { /* the init tries it itself, and reports it as usual */
			sheep_err_freep(err);
			continue;
		}
		sheep_rootfs_premade_close(fds, config->mounts_len);
		return sheep_err_wrap(err, "mount '%s' on '%s' (mounts[%zu])",
				      config->mounts[i].source, config->mounts[i].destination, i);
	}
	*ret_fds = fds;
	return 0;
}

void sheep_rootfs_premade_close(int *fds, size_t n)
{
	for (size_t i = 0; fds && i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
}
