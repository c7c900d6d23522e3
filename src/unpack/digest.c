/* Blob digests with OpenSSL's EVP SHA-256 (image-spec descriptor.md, "Digests"): whole-blob reads
 * for JSON documents, and a libarchive read callback that hashes a layer while it is applied. */
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unpack/digest.h"
#include "unpack/resolve.h"
#include "util/cleanup.h"
#include "util/fs.h"

int unpack_sha256_init(struct unpack_sha256 *h, struct sheep_err **err)
{
	h->bytes = 0;
	h->ctx = EVP_MD_CTX_new();
	if (h->ctx == NULL || EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1) {
		unpack_sha256_free(h);
		return sheep_err_set(err, ENOMEM, "sha256: EVP_DigestInit_ex");
	}
	return 0;
}

void unpack_sha256_update(struct unpack_sha256 *h, const void *data, size_t len)
{
	EVP_DigestUpdate(h->ctx, data, len);
	h->bytes += len;
}

void unpack_sha256_final(struct unpack_sha256 *h, char out[UNPACK_DIGEST_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = 0;

	EVP_DigestFinal_ex(h->ctx, md, &len);
	strcpy(out, "sha256:");
	for (unsigned i = 0; i < len && i < 32; i++)
		sprintf(out + 7 + 2 * i, "%02x", md[i]);
	unpack_sha256_free(h);
}

void unpack_sha256_free(struct unpack_sha256 *h)
{
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
}

int unpack_digest_check(const char *digest, struct sheep_err **err)
{
	const char *colon = strchr(digest, ':');

	if (colon == NULL)
		return sheep_err_set(err, 0, "invalid digest '%s'", digest);
	if ((size_t)(colon - digest) != 6 || strncmp(digest, "sha256", 6) != 0)
		return sheep_err_set(err, 0, "digest '%s': unsupported algorithm '%.*s'", digest,
				     (int)(colon - digest), digest);
	if (strlen(colon + 1) != 64 || strspn(colon + 1, "0123456789abcdef") != 64)
		return sheep_err_set(err, 0, "invalid digest '%s'", digest);
	return 0;
}

char *unpack_blob_path(const char *digest)
{
	char *s = NULL;

	/* callers checked the digest: the hex part is a plain file name */
	if (asprintf(&s, "blobs/sha256/%s", digest + 7) < 0)
		return NULL;
	return s;
}

static int verify(const char *path, const struct unpack_blob_want *want, struct unpack_sha256 *h,
		  struct sheep_err **err)
{
	char got[UNPACK_DIGEST_LEN + 1];
	uint64_t bytes = h->bytes;

	unpack_sha256_final(h, got);
	if (want->size >= 0 && bytes != (uint64_t)want->size)
		return sheep_err_set(err, 0, "'%s': size mismatch: expected %lld bytes, got %llu",
				     path, (long long)want->size, (unsigned long long)bytes);
	if (want->digest != NULL && strcmp(got, want->digest) != 0)
		return sheep_err_set(err, 0, "'%s': digest mismatch: expected %s, got %s", path,
				     want->digest, got);
	return 0;
}

static int open_blob(int imagefd, const char *path, const struct unpack_blob_want *want,
		     struct sheep_err **err)
{
	/* the image (an archive extracted by us) decides what is there: a FIFO or a device node is
	 * refused without being opened */
	mode_t type = 0;
	_cleanup_close_ int fd = unpack_open_regular_in_root(imagefd, path, O_NOFOLLOW, &type);
	struct stat st;

	if (fd < 0 && type != 0)
		return sheep_err_set(err, 0, "blob '%s': not a regular file", path);
	if (fd < 0)
		return sheep_err_set(err, errno, "open blob '%s'", path);
	if (fstat(fd, &st) < 0)
		return sheep_err_set(err, errno, "stat blob '%s'", path);
	/* a wrong size is known before a single byte is read: a truncated or padded blob */
	if (want->size >= 0 && st.st_size != want->size)
		return sheep_err_set(err, 0, "'%s': size mismatch: expected %lld bytes, got %lld",
				     path, (long long)want->size, (long long)st.st_size);
	return TAKE_FD(fd);
}

int unpack_blob_read(int imagefd, const char *path, const struct unpack_blob_want *want, size_t max,
		     char **ret_data, size_t *ret_len, struct sheep_err **err)
{
	_cleanup_close_ int fd = open_blob(imagefd, path, want, err);
	_cleanup_free_ char *data = NULL;
	struct unpack_sha256 h;
	size_t len;

	if (fd < 0)
		return -1;
	if (sheep_read_fd(fd, max, &data, &len, err) < 0)
		return sheep_err_wrap(err, "blob '%s'", path);
	if (unpack_sha256_init(&h, err) < 0)
		return -1;
	unpack_sha256_update(&h, data, len);
	if (verify(path, want, &h, err) < 0)
		return -1;
	*ret_data = TAKE_PTR(data);
	*ret_len = len;
	return 0;
}

struct hashing_reader {
	int fd;
	struct unpack_sha256 h;
	char buf[256 * 1024];
	const struct sheep_unpack_opts *opts;
	const struct unpack_layer_opts *lopts;
	struct sheep_unpack_progress *prog;
};

static la_ssize_t hashing_read(struct archive *a, void *data, const void **ret_buf)
{
	struct hashing_reader *r = data;
	ssize_t n;

	do {
		/* the handlers are installed without SA_RESTART: a read from a pipe or a slow
		 * device that a signal interrupts returns EINTR, and only a cancel ends it */
		if (r->lopts->cancel != NULL && *r->lopts->cancel != 0) {
			archive_set_error(a, EINTR, "interrupted");
			return -1;
		}
		n = read(r->fd, r->buf, sizeof(r->buf));
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		archive_set_error(a, errno, "read");
		return -1;
	}
	unpack_sha256_update(&r->h, r->buf, (size_t)n);
	r->prog->bytes_done += (uint64_t)n;
	if (r->opts->progress != NULL && n > 0)
		r->opts->progress(r->prog, r->opts->progress_data);
	*ret_buf = r->buf;
	return n;
}

/* libarchive stops at the end-of-archive blocks; the digest covers the whole blob. */
static int drain(struct hashing_reader *r, const char *path, struct sheep_err **err)
{
	const void *buf;
	struct archive *dummy = archive_read_new();
	la_ssize_t n;

	while ((n = hashing_read(dummy, r, &buf)) > 0)
		;
	if (n < 0) {
		sheep_err_set(err, archive_errno(dummy), "read blob '%s'", path);
		archive_read_free(dummy);
		return -1;
	}
	archive_read_free(dummy);
	return 0;
}

int unpack_blob_apply_layer(int imagefd, const char *path, const struct unpack_blob_want *want,
			    int rootfd, const struct unpack_layer_opts *lopts,
			    const struct sheep_unpack_opts *opts,
			    struct sheep_unpack_progress *prog, struct sheep_err **err)
{
	struct unpack_blob_want layer = *want;
	int fd = open_blob(imagefd, path, want, err);

	if (fd < 0)
		return -1;
	layer.empty_ok = true;
	return unpack_blob_apply_fd(fd, path, &layer, rootfd, lopts, opts, prog, err);
}

int unpack_blob_apply_fd(int fd, const char *path, const struct unpack_blob_want *want, int rootfd,
			 const struct unpack_layer_opts *lopts,
			 const struct sheep_unpack_opts *opts, struct sheep_unpack_progress *prog,
			 struct sheep_err **err)
{
	_cleanup_free_ struct hashing_reader *r = calloc(1, sizeof(*r));
	struct archive *a = NULL;
	int ret = -1;

	if (r == NULL) {
		close(fd);
		return sheep_err_set(err, ENOMEM, "layer '%s'", path);
	}
	r->opts = opts;
	r->lopts = lopts;
	r->prog = prog;
	r->fd = fd;
	if (unpack_sha256_init(&r->h, err) < 0)
		goto out;
	a = unpack_archive_new();
	if (a != NULL && want->empty_ok)
		archive_read_support_format_empty(a);
	if (a == NULL || archive_read_open(a, r, NULL, hashing_read, NULL) != ARCHIVE_OK) {
		sheep_err_set(err, 0, "read '%s': %s", path,
			      a ? archive_error_string(a) : "out of memory");
		goto out;
	}
	if (unpack_layer_apply(rootfd, a, lopts, err) < 0 || drain(r, path, err) < 0)
		goto out;
	ret = verify(path, want, &r->h, err);
out:
	if (ret < 0)
		unpack_cancelled(lopts, err);
	if (a != NULL)
		archive_read_free(a);
	unpack_sha256_free(&r->h);
	close(r->fd);
	return ret;
}
