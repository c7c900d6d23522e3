/* SHA-256 digests (OpenSSL EVP) and reading blobs whose digest and size are verified. */
#ifndef SHEEP_UNPACK_DIGEST_H
#define SHEEP_UNPACK_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "unpack/layer.h"
#include "unpack/unpack.h"
#include "util/err.h"

#define UNPACK_DIGEST_LEN (7 + 64) /* "sha256:" + hex */

struct unpack_sha256 {
	void *ctx; /* EVP_MD_CTX */
	uint64_t bytes;
};

int unpack_sha256_init(struct unpack_sha256 *h, struct sheep_err **err);
void unpack_sha256_update(struct unpack_sha256 *h, const void *data, size_t len);
/* Writes "sha256:<hex>" into out and frees the context. */
void unpack_sha256_final(struct unpack_sha256 *h, char out[UNPACK_DIGEST_LEN + 1]);
void unpack_sha256_free(struct unpack_sha256 *h);
/* "sha256:<64 lowercase hex>" or an error naming what is wrong. */
int unpack_digest_check(const char *digest, struct sheep_err **err);

/* What a blob must be: its digest (NULL = not known) and size (-1 = not known). */
struct unpack_blob_want {
	const char *digest;
	int64_t size;
	/* an empty blob is a layer without entries (Go's archive/tar, which containerd and podman
	 * read layers with, takes it as one); an image file of 0 bytes is no image */
	bool empty_ok;
};

/* Reads the whole file `path` below imagefd (at most max bytes) and verifies it. */
int unpack_blob_read(int imagefd, const char *path, const struct unpack_blob_want *want, size_t max,
		     char **ret_data, size_t *ret_len, struct sheep_err **err);
/* The blob path for a digest: "blobs/sha256/<hex>" (malloc'd). */
char *unpack_blob_path(const char *digest);

/* Applies the layer file `path` (below imagefd) onto rootfd, hashing the raw bytes as libarchive
 * reads them; the digest and size are checked once the whole file has been read. */
int unpack_blob_apply_layer(int imagefd, const char *path, const struct unpack_blob_want *want,
			    int rootfd, const struct unpack_layer_opts *lopts,
			    const struct sheep_unpack_opts *opts,
			    struct sheep_unpack_progress *prog, struct sheep_err **err);

/* The same for an open fd (taken over and closed). */
int unpack_blob_apply_fd(int fd, const char *path, const struct unpack_blob_want *want, int rootfd,
			 const struct unpack_layer_opts *lopts,
			 const struct sheep_unpack_opts *opts, struct sheep_unpack_progress *prog,
			 struct sheep_err **err);

#endif
