/* Test fixtures for the unpacker: tar layers built in memory with libarchive, and a scratch
 * directory holding a root and an "outside" that hostile entries aim at. */
#ifndef TEST_UNPACK_FIXTURE_H
#define TEST_UNPACK_FIXTURE_H

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct fx_entry {
	const char *path;
	mode_t type; /* AE_IFREG when 0 */
	mode_t perm; /* 0644 / 0755 when 0 */
	const char *data;
	const char *link;     /* symlink target */
	const char *hardlink; /* hard link target */
	unsigned uid, gid;
	dev_t rdev;
	const char *xattr; /* "key=value" */
	time_t mtime;
};

/* A tar (filter: ARCHIVE_FILTER_NONE / _GZIP / _ZSTD ...) in a memfd, positioned at 0. */
static inline int fx_tar(const struct fx_entry *ents, size_t n, int filter)
{
	int fd = memfd_create("layer", MFD_CLOEXEC);
	struct archive *a = archive_write_new();

	archive_write_set_format_pax_restricted(a);
	if (filter != ARCHIVE_FILTER_NONE)
		archive_write_add_filter(a, filter);
	if (archive_write_open_fd(a, fd) != ARCHIVE_OK)
		abort();
	for (size_t i = 0; i < n; i++) {
		const struct fx_entry *f = &ents[i];
		struct archive_entry *e = archive_entry_new();
		mode_t type = f->type ? f->type : AE_IFREG;
		size_t len = f->data ? strlen(f->data) : 0;

		archive_entry_set_pathname(e, f->path);
		archive_entry_set_filetype(e, type);
		archive_entry_set_perm(e, f->perm ? f->perm : type == AE_IFDIR ? 0755 : 0644);
		archive_entry_set_uid(e, f->uid);
		archive_entry_set_gid(e, f->gid);
		archive_entry_set_mtime(e, f->mtime ? f->mtime : 1700000000, 0);
		if (f->link)
			archive_entry_set_symlink(e, f->link);
		if (f->hardlink)
			archive_entry_set_hardlink(e, f->hardlink);
		if (f->rdev)
			archive_entry_set_rdev(e, f->rdev);
		if (f->xattr) {
			char key[128];
			const char *eq = strchr(f->xattr, '=');
			snprintf(key, sizeof(key), "%.*s", (int)(eq - f->xattr), f->xattr);
			archive_entry_xattr_add_entry(e, key, eq + 1, strlen(eq + 1));
		}
		archive_entry_set_size(e, type == AE_IFREG && !f->hardlink ? (la_int64_t)len : 0);
		if (archive_write_header(a, e) != ARCHIVE_OK)
			abort();
		if (len && type == AE_IFREG && archive_write_data(a, f->data, len) != (ssize_t)len)
			abort();
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
	lseek(fd, 0, SEEK_SET);
	return fd;
}

/* A scratch directory: DIR/root (the rootfs) and DIR/outside/secret (must never change). */
struct fx_dir {
	char path[64];
	int rootfd;
};

static inline void fx_dir_setup(struct fx_dir *d)
{
	char p[128];
	int fd;

	snprintf(d->path, sizeof(d->path), "/tmp/test-unpack.XXXXXX");
	if (mkdtemp(d->path) == NULL)
		abort();
	snprintf(p, sizeof(p), "%s/root", d->path);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/outside", d->path);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/outside/secret", d->path);
	fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, "secret", 6) != 6)
		abort();
	close(fd);
	snprintf(p, sizeof(p), "%s/root", d->path);
	d->rootfd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static inline void fx_dir_teardown(struct fx_dir *d)
{
	char cmd[160];

	close(d->rootfd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d->path);
	if (system(cmd) != 0)
		abort();
}

/* The outside is untouched: only "secret", still "secret", with one link. */
static inline int fx_outside_intact(const struct fx_dir *d)
{
	char p[128], buf[16] = {0};
	struct stat st;
	int fd, n = 0;
	FILE *ls;

	snprintf(p, sizeof(p), "ls -A '%s/outside' | wc -l", d->path);
	ls = popen(p, "r");
	if (ls == NULL || fscanf(ls, "%d", &n) != 1)
		n = -1;
	if (ls)
		pclose(ls);
	snprintf(p, sizeof(p), "%s/outside/secret", d->path);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || read(fd, buf, sizeof(buf) - 1) < 0)
		return 0;
	close(fd);
	return n == 1 && strcmp(buf, "secret") == 0 && st.st_nlink == 1 &&
	       (st.st_mode & 07777) == 0644;
}

#endif
