/* docker-archive (`docker save`, `podman save --format docker-archive`): manifest.json names the
 * config and the layer tars. The config's file name is its own sha256 (the image id) and the
 * layers are uncompressed, so each layer's digest is its rootfs.diff_ids entry. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unpack/digest.h"
#include "unpack/source.h"
#include "util/cleanup.h"

static const struct oci_docker_archive_image *pick(const struct unpack_source *s,
						   const struct oci_docker_archive_manifest *m,
						   struct sheep_err **err)
{
	const struct oci_docker_archive_image *found = NULL;
	size_t n = 0;

	if (s->opts->ref == NULL) {
		if (m->images_len == 1)
			return &m->images[0];
		sheep_err_set(err, 0, "manifest.json: %zu images, choose one with --ref",
			      m->images_len);
		return NULL;
	}
	for (size_t i = 0; i < m->images_len; i++)
		for (size_t j = 0; j < m->images[i].repo_tags_len; j++)
			if (strcmp(m->images[i].repo_tags[j], s->opts->ref) == 0) {
				found = &m->images[i];
				n++;
				break;
			}
	if (n != 1)
		sheep_err_set(err, 0, "manifest.json: %s '%s'",
			      n ? "more than one image named" : "no image named", s->opts->ref);
	return n == 1 ? found : NULL;
}

/* "<hex>.json" (docker < 25) or "blobs/sha256/<hex>" (docker >= 25): the name is the digest. */
static char *digest_from_name(const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char *d = NULL;

	if (strspn(base, "0123456789abcdef") != 64 ||
	    (base[64] != '\0' && strcmp(base + 64, ".json")))
		return NULL;
	if (asprintf(&d, "sha256:%.64s", base) < 0)
		return NULL;
	return d;
}

static int read_config(const struct unpack_source *s, const char *path, struct unpack_image *img,
		       struct sheep_err **err)
{
	_cleanup_free_ char *data = NULL, *error = NULL, *digest = digest_from_name(path);
	struct unpack_blob_want want = {.digest = digest, .size = -1};
	size_t len;

	if (digest == NULL)
		return sheep_err_set(err, 0,
				     "manifest.json: config '%s' is not named by its digest", path);
	if (unpack_blob_read(s->imagefd, path, &want, UNPACK_MAX_JSON, &data, &len, err) < 0)
		return sheep_err_wrap(err, "config");
	img->config = oci_image_config_parse_data(data, len, path, &error);
	if (img->config == NULL)
		return sheep_err_take(err, 0, TAKE_PTR(error));
	img->digest = TAKE_PTR(digest);
	return unpack_check_platform(s, img->config, err);
}

int unpack_docker_apply(const struct unpack_source *s, struct unpack_image *img,
			struct sheep_err **err)
{
	_cleanup_free_ char *data = NULL, *error = NULL;
	struct oci_docker_archive_manifest *m = NULL;
	const struct oci_docker_archive_image *im;
	struct unpack_blob_want any = {.size = -1};
	struct sheep_unpack_progress prog = {0};
	size_t len;
	int ret = -1;

	if (unpack_blob_read(s->imagefd, "manifest.json", &any, UNPACK_MAX_JSON, &data, &len, err) <
	    0)
		return -1;
	m = oci_docker_archive_manifest_parse_data(data, len, "manifest.json", &error);
	if (m == NULL)
		return sheep_err_take(err, 0, TAKE_PTR(error));
	if ((im = pick(s, m, err)) == NULL || read_config(s, im->config, img, err) < 0)
		goto out;
	if (im->layers_len != img->config->rootfs.diff_ids_len) {
		sheep_err_set(err, 0, "manifest.json: %zu layers, but the config has %zu diff_ids",
			      im->layers_len, img->config->rootfs.diff_ids_len);
		goto out;
	}
	prog.layers = (unsigned)im->layers_len;
	for (size_t i = 0; i < im->layers_len; i++) {
		struct unpack_blob_want want = {.digest = img->config->rootfs.diff_ids[i],
						.size = -1};

		prog.layer = (unsigned)i + 1;
		prog.bytes_done = 0;
		if (unpack_digest_check(want.digest, err) < 0 ||
		    unpack_blob_apply_layer(s->imagefd, im->layers[i], &want, s->rootfd, s->lopts,
					    s->opts, &prog, err) < 0) {
			sheep_err_wrap(err, "layer %zu", i + 1);
			goto out;
		}
	}
	ret = 0;
out:
	oci_docker_archive_manifest_free(m);
	return ret;
}
