/* libocispec image-spec documents: oci-layout, index, manifest, image config and docker-archive's
 * manifest.json, described once as codec tables (codec.h) so parsing and freeing agree. The
 * checks here are the spec's MUSTs that the unpacker relies on (schemaVersion, digest grammar). */
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "image.h"
#include "json.h"

/* descriptor.md: digest is algorithm ":" encoded, algorithm [a-z0-9]+([+._-][a-z0-9]+)*,
 * encoded [a-zA-Z0-9=_-]+ */
static int check_digest(struct oci_decoder *d, const void *value)
{
	const char *s = *(char *const *)value, *colon = strchr(s, ':');

	if (colon == NULL || colon == s || colon[1] == '\0')
		return oci_decode_fail(d, "invalid digest '%s'", s);
	for (const char *p = s; p < colon; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789+._-", *p))
			return oci_decode_fail(d, "invalid digest '%s'", s);
	for (const char *p = colon + 1; *p; p++)
		if (!(strchr("=_-", *p) || (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= 'A' && *p <= 'Z')))
			return oci_decode_fail(d, "invalid digest '%s'", s);
	return 0;
}

static int check_size(struct oci_decoder *d, const void *value)
{
	if (*(const int64_t *)value < 0)
		return oci_decode_fail(d, "must not be negative");
	return 0;
}

static int check_schema(struct oci_decoder *d, const void *value)
{
	if (*(const int64_t *)value != 2)
		return oci_decode_fail(d, "unsupported schema version %lld (expected 2)",
				       (long long)*(const int64_t *)value);
	return 0;
}

#define P struct oci_image_platform
static const struct oci_field platform_fields[] = {
    OCI_F("architecture", OCI_STRING, P, architecture, .required = true),
    OCI_F("os", OCI_STRING, P, os, .required = true),
    OCI_F("os.version", OCI_STRING, P, os_version),
    OCI_FA("os.features", OCI_STRING_ARRAY, P, os_features),
    OCI_F("variant", OCI_STRING, P, variant),
};
#undef P
static const struct oci_type platform_type = OCI_TYPE(struct oci_image_platform, platform_fields);

#define D struct oci_image_descriptor
static const struct oci_field descriptor_fields[] = {
    OCI_F("mediaType", OCI_STRING, D, media_type, .required = true),
    OCI_F("digest", OCI_STRING, D, digest, .required = true, .check = check_digest),
    OCI_F("size", OCI_INT64, D, size, .required = true, .check = check_size),
    OCI_FA("urls", OCI_STRING_ARRAY, D, urls),
    OCI_F("annotations", OCI_MAP, D, annotations),
    OCI_F("platform", OCI_OBJECT, D, platform, .type = &platform_type),
    OCI_F("artifactType", OCI_STRING, D, artifact_type),
};
#undef D
static const struct oci_type descriptor_type =
    OCI_TYPE(struct oci_image_descriptor, descriptor_fields);

static const struct oci_field layout_fields[] = {
    OCI_F("imageLayoutVersion", OCI_STRING, struct oci_image_layout, image_layout_version,
	  .required = true),
};
static const struct oci_type layout_type = OCI_TYPE(struct oci_image_layout, layout_fields);

#define I struct oci_image_index
static const struct oci_field index_fields[] = {
    OCI_F("schemaVersion", OCI_INT64, I, schema_version, .required = true, .check = check_schema),
    OCI_F("mediaType", OCI_STRING, I, media_type),
    OCI_FA("manifests", OCI_OBJECT_ARRAY, I, manifests, .required = true, .type = &descriptor_type),
    OCI_F("annotations", OCI_MAP, I, annotations),
};
#undef I
static const struct oci_type index_type = OCI_TYPE(struct oci_image_index, index_fields);

#define M struct oci_image_manifest
static const struct oci_field manifest_fields[] = {
    OCI_F("schemaVersion", OCI_INT64, M, schema_version, .required = true, .check = check_schema),
    OCI_F("mediaType", OCI_STRING, M, media_type),
    OCI_FH("config", OCI_INLINE, M, config, .required = true, .type = &descriptor_type),
    OCI_FA("layers", OCI_OBJECT_ARRAY, M, layers, .required = true, .type = &descriptor_type),
    OCI_F("annotations", OCI_MAP, M, annotations),
};
#undef M
static const struct oci_type manifest_type = OCI_TYPE(struct oci_image_manifest, manifest_fields);

/* {"80/tcp": {}}: only the keys matter; the values are empty objects of no fields */
struct empty {
	char unused;
};
static const struct oci_type empty_type = {.size = sizeof(struct empty), .fields = NULL};

#define E struct oci_image_exec_config
static const struct oci_field exec_fields[] = {
    OCI_F("User", OCI_STRING, E, user),
    OCI_F("ExposedPorts", OCI_KEYED, E, exposed_ports, .type = &empty_type),
    OCI_FA("Env", OCI_STRING_ARRAY, E, env),
    OCI_FA("Entrypoint", OCI_STRING_ARRAY, E, entrypoint),
    OCI_FA("Cmd", OCI_STRING_ARRAY, E, cmd),
    OCI_F("Volumes", OCI_KEYED, E, volumes, .type = &empty_type),
    OCI_F("WorkingDir", OCI_STRING, E, working_dir),
    OCI_F("Labels", OCI_MAP, E, labels),
    OCI_F("StopSignal", OCI_STRING, E, stop_signal),
};
#undef E
static const struct oci_type exec_type = OCI_TYPE(struct oci_image_exec_config, exec_fields);

static const struct oci_field rootfs_fields[] = {
    OCI_F("type", OCI_STRING, struct oci_image_rootfs, type, .required = true),
    OCI_FA("diff_ids", OCI_STRING_ARRAY, struct oci_image_rootfs, diff_ids, .required = true),
};
static const struct oci_type rootfs_type = OCI_TYPE(struct oci_image_rootfs, rootfs_fields);

#define C struct oci_image_config
static const struct oci_field config_fields[] = {
    OCI_F("created", OCI_STRING, C, created),
    OCI_F("author", OCI_STRING, C, author),
    OCI_F("architecture", OCI_STRING, C, architecture, .required = true),
    OCI_F("os", OCI_STRING, C, os, .required = true),
    OCI_F("os.version", OCI_STRING, C, os_version),
    OCI_FA("os.features", OCI_STRING_ARRAY, C, os_features),
    OCI_F("variant", OCI_STRING, C, variant),
    OCI_F("config", OCI_OBJECT, C, config, .type = &exec_type),
    OCI_FH("rootfs", OCI_INLINE, C, rootfs, .required = true, .type = &rootfs_type),
};
#undef C
static const struct oci_type config_type = OCI_TYPE(struct oci_image_config, config_fields);

#define A struct oci_docker_archive_image
static const struct oci_field archive_image_fields[] = {
    OCI_F("Config", OCI_STRING, A, config, .required = true),
    OCI_FA("RepoTags", OCI_STRING_ARRAY, A, repo_tags),
    OCI_FA("Layers", OCI_STRING_ARRAY, A, layers, .required = true),
};
#undef A
static const struct oci_type archive_image_type =
    OCI_TYPE(struct oci_docker_archive_image, archive_image_fields);

/* manifest.json is a bare array; wrapping it lets the table decoder name "[1].Config". */
static const struct oci_field archive_fields[] = {
    OCI_FA("images", OCI_OBJECT_ARRAY, struct oci_docker_archive_manifest, images, .required = true,
	   .type = &archive_image_type),
};
static const struct oci_type archive_type =
    OCI_TYPE(struct oci_docker_archive_manifest, archive_fields);

#define PARSER(NAME, TYPE, T)                                                                      \
	struct TYPE *NAME##_parse_data(const char *data, size_t len, const char *name,             \
				       char **ret_error)                                           \
	{                                                                                          \
		return oci_decode_document(data, len, name, &T, ret_error);                        \
	}                                                                                          \
	void NAME##_free(struct TYPE *obj)                                                         \
	{                                                                                          \
		oci_free_fields(&T, obj);                                                          \
		free(obj);                                                                         \
	}

PARSER(oci_image_layout, oci_image_layout, layout_type)
PARSER(oci_image_index, oci_image_index, index_type)
PARSER(oci_image_manifest, oci_image_manifest, manifest_type)
PARSER(oci_image_config, oci_image_config, config_type)

struct oci_docker_archive_manifest *oci_docker_archive_manifest_parse_data(const char *data,
									   size_t len,
									   const char *name,
									   char **ret_error)
{
	struct oci_json_doc *doc = oci_json_parse(data, len, name, ret_error);
	struct oci_decoder d = {.name = name};
	struct oci_docker_archive_manifest *m;
	struct oci_json wrapper = {.type = OCI_JSON_OBJECT, .len = 1};

	if (doc == NULL)
		return NULL;
	doc->root.key = "images";
	wrapper.items = &doc->root;
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		oci_decode_fail(&d, "out of memory");
	else if (oci_decode_object(&d, &wrapper, &archive_type, m) == 0) {
		oci_json_doc_free(doc);
		oci_decoder_release(&d);
		return m;
	}
	oci_docker_archive_manifest_free(m);
	oci_json_doc_free(doc);
	*ret_error = d.error;
	d.error = NULL;
	oci_decoder_release(&d);
	return NULL;
}

void oci_docker_archive_manifest_free(struct oci_docker_archive_manifest *m)
{
	if (m == NULL)
		return;
	oci_free_fields(&archive_type, m);
	free(m);
}
