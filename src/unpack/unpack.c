/* sheep_unpack(): the staging directory beside the bundle, telling the image formats apart, the
 * config, and the final rename. Nothing is visible at BUNDLE until every layer is applied and
 * every digest checked; a failure or a cancel removes the staging directory, the next unpack of
 * the same bundle removes one a SIGKILL left. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "unpack/digest.h"
#include "unpack/resolve.h"
#include "unpack/source.h"
#include "util/cleanup.h"
#include "util/fs.h"

#define STAGING_SUFFIX ".unpack-"
#define STAGING_RANDOM 6 /* mkdtemp's XXXXXX */

struct staging {
	int parentfd;	/* the bundle's parent directory */
	char name[256]; /* ".NAME.unpack-XXXXXX" in it */
	int fd;		/* flock'ed while the unpack runs: a live staging directory is not stale */
	int rootfd;
	bool created;	     /* name is the staging directory's, which is ours to remove */
	sigset_t saved_mask; /* while `blocked` */
	bool blocked;
};

void sheep_unpack_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGPIPE);
}

/* From here on the unpack ends without being cut short: a second Ctrl-C while the staging
 * directory is removed must not leave half of it behind. */
static void staging_block_signals(struct staging *st)
{
	sigset_t set;

	if (st->blocked)
		return;
	sheep_unpack_signals(&set);
	st->blocked = sigprocmask(SIG_BLOCK, &set, &st->saved_mask) == 0;
}

void unpack_image_clear(struct unpack_image *img)
{
	oci_image_config_free(img->config);
	free(img->digest);
	free(img->ref);
	*img = (struct unpack_image){0};
}

int unpack_check_platform(const struct unpack_source *s, const struct oci_image_config *c,
			  struct sheep_err **err)
{
	/* a variant left out on either side matches any (arm64 images rarely name "v8") */
	if (strcmp(c->os, s->os) != 0 || strcmp(c->architecture, s->arch) != 0 ||
	    (s->variant && c->variant && strcmp(c->variant, s->variant) != 0))
		return sheep_err_set(err, 0, "image is for %s/%s%s%s, not %s", c->os,
				     c->architecture, c->variant ? "/" : "",
				     c->variant ? c->variant : "", s->platform);
	return 0;
}

/* "linux/amd64[/variant]", defaulting to this machine (GOARCH names, image-spec config.md). The
 * whole string goes in the second half of buf (for messages), the split one in the first. */
static int parse_platform(const char *platform, char *buf, size_t len, struct unpack_source *s,
			  struct sheep_err **err)
{
	char *whole = buf + len / 2, *slash;
	struct utsname u;

	if (platform == NULL) {
		uname(&u);
		snprintf(whole, len / 2, "linux/%s",
			 strcmp(u.machine, "x86_64") == 0    ? "amd64"
			 : strcmp(u.machine, "aarch64") == 0 ? "arm64"
							     : u.machine);
	} else if (snprintf(whole, len / 2, "%s", platform) >= (int)len / 2) {
		return sheep_err_set(err, 0, "platform '%s': too long", platform);
	}
	memcpy(buf, whole, len / 2);
	s->platform = whole;
	s->os = buf;
	slash = strchr(buf, '/');
	if (slash == NULL || slash == buf || slash[1] == '\0')
		return sheep_err_set(err, 0, "platform '%s': expected OS/ARCH[/VARIANT]", whole);
	*slash = '\0';
	s->arch = slash + 1;
	slash = strchr(s->arch, '/');
	if (slash != NULL) {
		*slash = '\0';
		s->variant = slash + 1;
	}
	return 0;
}

/* The final rename(2) replaces an empty directory atomically, so an empty BUNDLE stays in place
 * until then (and stays if the unpack fails). */
static bool is_empty_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	bool empty = d != NULL;

	while (d != NULL && (de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			empty = false;
	if (d != NULL)
		closedir(d);
	return empty;
}

/* ".NAME.unpack-" followed by exactly the six characters mkdtemp draws from. */
static bool is_staging_name(const char *name, const char *prefix)
{
	size_t plen = strlen(prefix);

	return strncmp(name, prefix, plen) == 0 && strlen(name) == plen + STAGING_RANDOM &&
	       strspn(name + plen,
		      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") ==
		   STAGING_RANDOM;
}

/* One candidate: a real directory, ours, made before this unpack began, and not locked by a
 * running unpack (flock is released when its holder dies, SIGKILL included). Best effort: what
 * cannot be removed stays, and this unpack goes on. */
static void remove_if_stale(int parentfd, const char *name, const struct timespec *start)
{
	_cleanup_close_ int fd =
	    openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat sb;

	if (fd < 0 || fstat(fd, &sb) < 0 || sb.st_uid != geteuid())
		return;
	if (sb.st_mtim.tv_sec > start->tv_sec ||
	    (sb.st_mtim.tv_sec == start->tv_sec && sb.st_mtim.tv_nsec >= start->tv_nsec))
		return;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0)
		return;
	sheep_rm_rf_at(parentfd, name, NULL);
}

static void remove_stale(int parentfd, const char *prefix, const struct timespec *start)
{
	int fd = openat(parentfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *de;

	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL)
		if (is_staging_name(de->d_name, prefix))
			remove_if_stale(parentfd, de->d_name, start);
	closedir(d);
}

/* BUNDLE must not exist or be an empty directory; the staging directory goes beside it so the
 * final rename stays on one file system. */
static int staging_create(const char *bundle, struct staging *st, const struct timespec *start,
			  struct sheep_err **err)
{
	_cleanup_free_ char *b1 = strdup(bundle), *b2 = strdup(bundle);
	struct stat sb;

	if (b1 == NULL || b2 == NULL)
		return sheep_err_set(err, ENOMEM, "bundle");
	if (lstat(bundle, &sb) == 0 && (!S_ISDIR(sb.st_mode) || !is_empty_dir(bundle)))
		return sheep_err_set(err, 0, "bundle '%s' exists and is not an empty directory",
				     bundle);
	snprintf(st->name, sizeof(st->name), ".%.200s" STAGING_SUFFIX, basename(b2));
	const char *dir = dirname(b1);
	st->parentfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (st->parentfd < 0)
		return sheep_err_set(err, errno, "open '%s'", dir);
	remove_stale(st->parentfd, st->name, start);
	strcat(st->name, "XXXXXX");
	_cleanup_free_ char *tmpl = NULL;
	if (asprintf(&tmpl, "%s/%s", dir, st->name) < 0)
		return sheep_err_set(err, ENOMEM, "bundle");
	if (mkdtemp(tmpl) == NULL)
		return sheep_err_set(err, errno, "create staging directory beside '%s'", bundle);
	memcpy(st->name, strrchr(tmpl, '/') + 1, strlen(st->name));
	st->created = true;
	st->fd = openat(st->parentfd, st->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (st->fd >= 0 && flock(st->fd, LOCK_EX | LOCK_NB) < 0)
		return sheep_err_set(err, errno, "lock '%s'", st->name);
	if (st->fd < 0 || mkdirat(st->fd, "rootfs", 0755) < 0)
		return sheep_err_set(err, errno, "create '%s/rootfs'", st->name);
	st->rootfd = openat(st->fd, "rootfs", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (st->rootfd < 0)
		return sheep_err_set(err, errno, "open '%s/rootfs'", st->name);
	return 0;
}

static void staging_close(struct staging *st)
{
	if (st->rootfd >= 0)
		close(st->rootfd);
	if (st->fd >= 0)
		close(st->fd);
	st->rootfd = st->fd = -1;
}

static bool is_file_at(int dirfd, const char *name)
{
	struct stat sb;

	return fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(sb.st_mode);
}

/* A file IMAGE is extracted into rootfs first; if it turns out to hold an image (oci-layout or
 * manifest.json at its top), that tree becomes the image directory and rootfs starts again. */
static int open_image(const char *image, struct staging *st, const struct sheep_unpack_opts *opts,
		      const struct unpack_layer_opts *lopts, int *ret_imagefd,
		      struct sheep_err **err)
{
	struct sheep_unpack_progress prog = {0};
	struct unpack_blob_want any = {.size = -1};
	struct stat sb;
	int fd = open(image, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0 || fstat(fd, &sb) < 0) {
		int saved = errno;
		if (fd >= 0)
			close(fd);
		return sheep_err_set(err, saved, "open image '%s'", image);
	}
	if (S_ISDIR(sb.st_mode)) {
		*ret_imagefd = fd;
		return 0;
	}
	prog.bytes_total = (uint64_t)sb.st_size;
	if (unpack_blob_apply_fd(fd, image, &any, st->rootfd, lopts, opts, &prog, err) < 0)
		return -1;
	*ret_imagefd = -1;
	if (!is_file_at(st->rootfd, "oci-layout") && !is_file_at(st->rootfd, "manifest.json"))
		return 0; /* a plain rootfs tarball */
	close(st->rootfd);
	st->rootfd = -1;
	if (renameat(st->fd, "rootfs", st->fd, "image") < 0 || mkdirat(st->fd, "rootfs", 0755) < 0)
		return sheep_err_set(err, errno, "image '%s': move aside", image);
	st->rootfd = openat(st->fd, "rootfs", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	*ret_imagefd = openat(st->fd, "image", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (st->rootfd < 0 || *ret_imagefd < 0)
		return sheep_err_set(err, errno, "image '%s': open", image);
	return 0;
}

static int write_config(struct staging *st, const struct oci_config *config, struct sheep_err **err)
{
	_cleanup_free_ char *json = NULL;
	char *error = NULL;
	size_t len = 0;

	json = oci_config_to_json(config, &len, &error);
	if (json == NULL)
		return sheep_err_take(err, 0, error);
	return sheep_write_file_atomic_at(st->fd, "config.json", json, len, 0644, err);
}

static int unpack_into(const char *image, struct staging *st, struct unpack_source *s,
		       struct oci_config *config, struct sheep_err **err)
{
	struct unpack_image img = {0};
	int ret = -1;

	if (open_image(image, st, s->opts, s->lopts, &s->imagefd, err) < 0)
		return -1;
	s->rootfd = st->rootfd;
	if (s->imagefd >= 0) {
		if (is_file_at(s->imagefd, "oci-layout"))
			ret = unpack_layout_apply(s, &img, err);
		else if (is_file_at(s->imagefd, "manifest.json"))
			ret = unpack_docker_apply(s, &img, err);
		else
			ret = sheep_err_set(
			    err, 0, "'%s': not an image (no oci-layout or manifest.json)", image);
		if (ret == 0 && s->opts->ref && (img.ref = strdup(s->opts->ref)) == NULL)
			ret = sheep_err_set(err, ENOMEM, "image");
		if (ret == 0)
			ret = unpack_config_fill(config, &img, st->rootfd, s->opts->rootless, err);
		unpack_image_clear(&img);
		close(s->imagefd);
		if (ret < 0)
			return -1;
	}
	if (sheep_rm_rf_at(st->fd, "image", err) < 0 || write_config(st, config, err) < 0)
		return -1;
	return 0;
}

/* Moves the finished staging directory to BUNDLE, unless a cancel came first. */
static int staging_commit(struct staging *st, const char *bundle,
			  const struct unpack_layer_opts *lopts, struct sheep_err **err)
{
	_cleanup_free_ char *b = strdup(bundle);

	if (b == NULL)
		return sheep_err_set(err, ENOMEM, "unpack");
	staging_block_signals(st);
	if (unpack_cancelled(lopts, err) < 0)
		return -1;
	/* rename(2) replaces an empty directory atomically, and fails on a non-empty one that
	 * appeared meanwhile */
	if (fchmodat(st->parentfd, st->name, 0755, 0) < 0 ||
	    renameat(st->parentfd, st->name, st->parentfd, basename(b)) < 0)
		return sheep_err_set(err, errno, "rename '%s' to '%s'", st->name, bundle);
	return 0;
}

int sheep_unpack(const char *image, const char *bundle, const struct sheep_unpack_opts *opts,
		 struct oci_config *config, struct sheep_err **err)
{
	struct unpack_layer_opts lopts = {.rootless = opts->rootless, .cancel = opts->cancel};
	struct unpack_source s = {.imagefd = -1, .opts = opts, .lopts = &lopts};
	struct staging st = {.parentfd = -1, .fd = -1, .rootfd = -1};
	struct timespec start;
	char platform[256]; /* split, then whole (parse_platform) */
	int ret = -1;

	/* the clock file system timestamps come from */
	clock_gettime(CLOCK_REALTIME_COARSE, &start);
	if (parse_platform(opts->platform, platform, sizeof(platform), &s, err) < 0 ||
	    staging_create(bundle, &st, &start, err) < 0 ||
	    unpack_into(image, &st, &s, config, err) < 0)
		goto out;
	ret = staging_commit(&st, bundle, &lopts, err);
out:
	staging_block_signals(&st);
	staging_close(&st);
	if (ret < 0 && st.created)
		sheep_rm_rf_at(st.parentfd, st.name, NULL);
	if (st.parentfd >= 0)
		close(st.parentfd);
	if (st.blocked)
		sigprocmask(SIG_SETMASK, &st.saved_mask, NULL);
	if (ret < 0 && unpack_cancelled(&lopts, err) < 0)
		return -1;
	if (ret < 0)
		return sheep_err_wrap(err, "image '%s'", image);
	return 0;
}
