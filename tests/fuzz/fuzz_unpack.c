/* Fuzz target: the layer unpacker on an in-memory tar (any compression libarchive reads), applied
 * onto a fresh root in a scratch directory. A layer must never change anything outside the root. */
#include <archive.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fuzz.h"
#include "unpack/layer.h"
#include "util/fs.h"

/* scratch/outside/secret is what a hostile layer aims at; scratch/box/root is recreated for
 * every input, so box holds nothing between inputs. */
static struct {
	char path[128];
	int fd, boxfd, outfd;
	struct stat scratch, outside, secret;
	struct unpack_layer_opts opts;
} s = {.fd = -1};

static char scratch_dir[64];

static void scratch_unmount(void)
{
	umount2(scratch_dir, MNT_DETACH);
	rmdir(scratch_dir);
}

/* As root, work in a private mount namespace on a tmpfs of our own: nodev, so device nodes from
 * a layer cannot be opened, nosuid, bounded in size, and gone when the fuzzer exits. The tmpfs
 * goes on a fresh directory, not over /tmp, which may hold the corpus being replayed (a source
 * tree checked out under /tmp). Elsewhere the unpacker's rootless mode in $TMPDIR (no chown, no
 * device nodes). */
static const char *scratch_mount(void)
{
	if (unshare(CLONE_NEWNS) < 0) {
		s.opts.rootless = true;
		return NULL;
	}
	snprintf(scratch_dir, sizeof(scratch_dir), "/tmp/sheep-fuzz.XXXXXX");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 || mkdtemp(scratch_dir) == NULL ||
	    mount("fuzz", scratch_dir, "tmpfs", MS_NODEV | MS_NOSUID, "size=256m,mode=1777") < 0)
		abort();
	atexit(scratch_unmount);
	return scratch_dir;
}

static void same_stat(int dirfd, const char *name, const struct stat *want)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_ino != want->st_ino ||
	    st.st_mode != want->st_mode || st.st_nlink != want->st_nlink ||
	    st.st_uid != want->st_uid || st.st_size != want->st_size ||
	    st.st_mtim.tv_sec != want->st_mtim.tv_sec ||
	    st.st_mtim.tv_nsec != want->st_mtim.tv_nsec ||
	    st.st_ctim.tv_nsec != want->st_ctim.tv_nsec)
		abort();
}

/* The rootless scratch directory is on the real file system: remove it at exit. */
static void scratch_remove(void)
{
	struct sheep_err *err = NULL;

	if (sheep_rm_rf_at(AT_FDCWD, s.path, &err) < 0)
		sheep_err_free(err);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	const char *scratch = scratch_mount();
	int fd;

	snprintf(s.path, sizeof(s.path), "%s/fuzz-unpack.XXXXXX",
		 scratch ? scratch
		 : tmp	 ? tmp
			 : "/tmp");
	if (mkdtemp(s.path) == NULL)
		abort();
	if (s.opts.rootless)
		atexit(scratch_remove);
	s.fd = open(s.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s.fd < 0 || mkdirat(s.fd, "box", 0755) < 0 || mkdirat(s.fd, "outside", 0755) < 0)
		abort();
	s.boxfd = openat(s.fd, "box", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	s.outfd = openat(s.fd, "outside", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	fd = openat(s.outfd, "secret", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (s.boxfd < 0 || s.outfd < 0 || fd < 0 || write(fd, "secret", 6) != 6)
		abort();
	close(fd);
	if (fstat(s.fd, &s.scratch) < 0 || fstat(s.outfd, &s.outside) < 0 ||
	    fstatat(s.outfd, "secret", &s.secret, 0) < 0)
		abort();
	return 0;
}

/* box holds nothing but "." and ".." once root is removed. */
static void box_empty(void)
{
	char buf[1024] __attribute__((aligned(8)));
	long n;

	if (lseek(s.boxfd, 0, SEEK_SET) < 0 ||
	    (n = syscall(SYS_getdents64, s.boxfd, buf, sizeof(buf))) < 0)
		abort();
	for (long off = 0; off < n;) {
		struct dirent64 *d = (struct dirent64 *)(buf + off);

		if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0)
			abort();
		off += d->d_reclen;
	}
}

/* Applies the input onto box/root; returns whether the unpacker reported success. */
static int apply(const uint8_t *data, size_t size)
{
	struct archive *a = unpack_archive_new();
	struct sheep_err *err = NULL;
	int rootfd, ret = -1;

	if (a == NULL || mkdirat(s.boxfd, "root", 0755) < 0)
		abort();
	rootfd = openat(s.boxfd, "root", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		abort();
	if (archive_read_open_memory(a, data, size) == ARCHIVE_OK) {
		ret = unpack_layer_apply(rootfd, a, &s.opts, &err);
		fuzz_check_err(ret, err);
	}
	archive_read_free(a);
	close(rootfd);
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sheep_err *err = NULL;

	if (s.fd < 0)
		LLVMFuzzerInitialize(NULL, NULL);
	apply(data, size);
	if (sheep_rm_rf_at(s.boxfd, "root", &err) < 0)
		abort();
	/* nothing may have appeared next to the root or changed outside it */
	same_stat(s.fd, ".", &s.scratch);
	same_stat(s.outfd, ".", &s.outside);
	same_stat(s.outfd, "secret", &s.secret);
	box_empty();
	return 0;
}
