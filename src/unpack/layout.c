/* OCI image layouts (image-spec image-layout.md): oci-layout, index.json -> manifest (by --ref or
 * platform, through nested indexes) -> config and layers, each blob verified before it is used. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "unpack/digest.h"
#include "unpack/source.h"
#include "util/cleanup.h"

#define MAX_INDEX_DEPTH 4

static bool is_manifest(const char *mt)
{
	return strcmp(mt, OCI_MEDIA_MANIFEST) == 0 || strcmp(mt, DOCKER_MEDIA_MANIFEST) == 0;
}

static bool is_index(const char *mt)
{
	return strcmp(mt, OCI_MEDIA_INDEX) == 0 || strcmp(mt, DOCKER_MEDIA_MANIFEST_LIST) == 0;
}

static bool is_layer(const char *mt)
{
	static const char *const known[] = {
	    OCI_MEDIA_LAYER,
	    OCI_MEDIA_LAYER_GZIP,
	    OCI_MEDIA_LAYER_ZSTD,
	    "application/vnd.oci.image.layer.nondistributable.v1.tar",
	    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
	    "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
	    DOCKER_MEDIA_LAYER_GZIP,
	    /* containers/image writes uncompressed docker layers with this type */
	    "application/vnd.docker.image.rootfs.diff.tar",
	    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
	};
	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		if (strcmp(mt, known[i]) == 0)
			return true;
	return false;
}

/* Reads a JSON blob named by a descriptor, verified; *ret_path names it in errors. */
static int read_desc(const struct unpack_source *s, const struct oci_image_descriptor *d,
		     char **ret_data, size_t *ret_len, struct sheep_err **err)
{
	_cleanup_free_ char *path = NULL;
	struct unpack_blob_want want = {.digest = d->digest, .size = d->size};

	if (unpack_digest_check(d->digest, err) < 0)
		return -1;
	path = unpack_blob_path(d->digest);
	if (path == NULL)
		return sheep_err_set(err, ENOMEM, "blob path");
	return unpack_blob_read(s->imagefd, path, &want, UNPACK_MAX_JSON, ret_data, ret_len, err);
}

static bool platform_matches(const struct unpack_source *s, const struct oci_image_platform *p)
{
	if (p == NULL)
		return true;
	if (strcmp(p->os, s->os) != 0 || strcmp(p->architecture, s->arch) != 0)
		return false;
	return s->variant == NULL || p->variant == NULL || strcmp(p->variant, s->variant) == 0;
}

/* --ref names an entry of index.json only: the image it names may be an index of platforms
 * (image-layout.md: "org.opencontainers.image.ref.name" on the descriptors of index.json), whose
 * entries carry no names and are chosen by platform. */
static const struct oci_image_descriptor *pick(const struct unpack_source *s,
					       const struct oci_image_index *idx, const char *what,
					       const char *ref, struct sheep_err **err)
{
	const struct oci_image_descriptor *found = NULL;
	size_t n = 0;

	for (size_t i = 0; i < idx->manifests_len; i++) {
		const struct oci_image_descriptor *d = &idx->manifests[i];
		const char *name = oci_map_get(d->annotations, OCI_ANNOTATION_REF_NAME);

		if (ref != NULL && (name == NULL || strcmp(name, ref) != 0))
			continue;
		if (ref == NULL && idx->manifests_len > 1 && !platform_matches(s, d->platform))
			continue;
		found = d;
		n++;
	}
	if (n == 1 && platform_matches(s, found->platform))
		return found;
	if (n == 1)
		sheep_err_set(
		    err, 0, "%s: the manifest is for %s/%s%s%s, not %s", what, found->platform->os,
		    found->platform->architecture, found->platform->variant ? "/" : "",
		    found->platform->variant ? found->platform->variant : "", s->platform);
	else if (ref != NULL)
		sheep_err_set(err, 0, "%s: %s '%s'", what,
			      n ? "more than one image named" : "no image named", ref);
	else if (n == 0)
		sheep_err_set(err, 0, "%s: no manifest for %s", what, s->platform);
	else
		sheep_err_set(err, 0, "%s: %zu images, choose one with --ref", what, n);
	return NULL;
}

/* index -> (nested indexes) -> manifest descriptor, copied into *ret. */
static int resolve_manifest(const struct unpack_source *s, struct oci_image_index *idx,
			    const char *what, int depth, struct oci_image_manifest **ret,
			    char **ret_digest, struct sheep_err **err)
{
	const struct oci_image_descriptor *d = pick(s, idx, what, depth ? NULL : s->opts->ref, err);
	_cleanup_free_ char *data = NULL, *error = NULL;
	size_t len;

	if (d == NULL)
		return -1;
	if (!is_manifest(d->media_type) && !is_index(d->media_type))
		return sheep_err_set(err, 0, "%s: unknown media type '%s'", what, d->media_type);
	if (read_desc(s, d, &data, &len, err) < 0)
		return -1;
	if (is_index(d->media_type)) {
		struct oci_image_index *sub;
		int r;

		if (depth >= MAX_INDEX_DEPTH)
			return sheep_err_set(err, 0, "%s: indexes nested too deep", d->digest);
		sub = oci_image_index_parse_data(data, len, d->digest, &error);
		if (sub == NULL)
			return sheep_err_take(err, 0, TAKE_PTR(error));
		r = resolve_manifest(s, sub, d->digest, depth + 1, ret, ret_digest, err);
		oci_image_index_free(sub);
		return r;
	}
	*ret = oci_image_manifest_parse_data(data, len, d->digest, &error);
	if (*ret == NULL)
		return sheep_err_take(err, 0, TAKE_PTR(error));
	*ret_digest = strdup(d->digest);
	return *ret_digest ? 0 : sheep_err_set(err, ENOMEM, "manifest");
}

static int read_config(const struct unpack_source *s, const struct oci_image_manifest *m,
		       struct unpack_image *img, struct sheep_err **err)
{
	_cleanup_free_ char *data = NULL, *error = NULL;
	size_t len;

	if (strcmp(m->config.media_type, OCI_MEDIA_CONFIG) != 0 &&
	    strcmp(m->config.media_type, DOCKER_MEDIA_CONFIG) != 0)
		return sheep_err_set(err, 0, "config: unknown media type '%s'",
				     m->config.media_type);
	if (read_desc(s, &m->config, &data, &len, err) < 0)
		return sheep_err_wrap(err, "config");
	img->config = oci_image_config_parse_data(data, len, m->config.digest, &error);
	if (img->config == NULL)
		return sheep_err_take(err, 0, TAKE_PTR(error));
	return unpack_check_platform(s, img->config, err);
}

static int apply_layers(const struct unpack_source *s, const struct oci_image_manifest *m,
			struct sheep_err **err)
{
	struct sheep_unpack_progress prog = {.layers = (unsigned)m->layers_len};

	for (size_t i = 0; i < m->layers_len; i++) {
		const struct oci_image_descriptor *d = &m->layers[i];
		struct unpack_blob_want want = {.digest = d->digest, .size = d->size};
		_cleanup_free_ char *path = NULL;

		if (!is_layer(d->media_type))
			return sheep_err_set(err, 0, "layer %zu: unknown media type '%s'", i + 1,
					     d->media_type);
		if (unpack_digest_check(d->digest, err) < 0)
			return sheep_err_wrap(err, "layer %zu", i + 1);
		path = unpack_blob_path(d->digest);
		if (path == NULL)
			return sheep_err_set(err, ENOMEM, "layer %zu", i + 1);
		prog.layer = (unsigned)i + 1;
		prog.bytes_done = 0;
		prog.bytes_total = (uint64_t)d->size;
		if (unpack_blob_apply_layer(s->imagefd, path, &want, s->rootfd, s->lopts, s->opts,
					    &prog, err) < 0)
			return sheep_err_wrap(err, "layer %zu", i + 1);
	}
	return 0;
}

static int read_index(const struct unpack_source *s, struct oci_image_index **ret,
		      struct sheep_err **err)
{
	_cleanup_free_ char *data = NULL, *error = NULL;
	struct oci_image_layout *layout;
	struct unpack_blob_want any = {.size = -1};
	size_t len;

	if (unpack_blob_read(s->imagefd, "oci-layout", &any, UNPACK_MAX_JSON, &data, &len, err) < 0)
		return -1;
	layout = oci_image_layout_parse_data(data, len, "oci-layout", &error);
	if (layout == NULL)
		return sheep_err_take(err, 0, TAKE_PTR(error));
	if (strcmp(layout->image_layout_version, "1.0.0") != 0) {
		sheep_err_set(err, 0, "oci-layout: unsupported imageLayoutVersion '%s'",
			      layout->image_layout_version);
		oci_image_layout_free(layout);
		return -1;
	}
	oci_image_layout_free(layout);
	free(TAKE_PTR(data));
	if (unpack_blob_read(s->imagefd, "index.json", &any, UNPACK_MAX_JSON, &data, &len, err) < 0)
		return -1;
	*ret = oci_image_index_parse_data(data, len, "index.json", &error);
	return *ret ? 0 : sheep_err_take(err, 0, TAKE_PTR(error));
}

int unpack_layout_apply(const struct unpack_source *s, struct unpack_image *img,
			struct sheep_err **err)
{
	struct oci_image_manifest *m = NULL;
	struct oci_image_index *idx = NULL;
	int ret = -1;

	if (read_index(s, &idx, err) < 0)
		return -1;
	if (resolve_manifest(s, idx, "index.json", 0, &m, &img->digest, err) < 0)
		goto out;
	if (read_config(s, m, img, err) < 0)
		goto out;
	ret = apply_layers(s, m, err);
out:
	oci_image_manifest_free(m);
	oci_image_index_free(idx);
	return ret;
}
