/* libocispec image types: the OCI image-spec (v1.0 - v1.1) documents an unpacker reads (oci-layout,
 * index, manifest, image config, descriptors) and docker-archive's manifest.json, parsed from JSON
 * with the same conventions and limits as ocispec.h. Depends on libc only. */
#ifndef OCISPEC_IMAGE_H
#define OCISPEC_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ocispec.h"

#define OCI_MEDIA_INDEX "application/vnd.oci.image.index.v1+json"
#define OCI_MEDIA_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define OCI_MEDIA_CONFIG "application/vnd.oci.image.config.v1+json"
#define OCI_MEDIA_LAYER "application/vnd.oci.image.layer.v1.tar"
#define OCI_MEDIA_LAYER_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"
#define OCI_MEDIA_LAYER_ZSTD "application/vnd.oci.image.layer.v1.tar+zstd"
#define DOCKER_MEDIA_MANIFEST_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define DOCKER_MEDIA_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define DOCKER_MEDIA_CONFIG "application/vnd.docker.container.image.v1+json"
#define DOCKER_MEDIA_LAYER_GZIP "application/vnd.docker.image.rootfs.diff.tar.gzip"
/* annotation naming a manifest in an index (image-spec annotations.md) */
#define OCI_ANNOTATION_REF_NAME "org.opencontainers.image.ref.name"

struct oci_image_platform {
	char *architecture;
	char *os;
	char *os_version;   /* os.version */
	char **os_features; /* os.features */
	size_t os_features_len;
	char *variant;
};

struct oci_image_descriptor {
	char *media_type; /* mediaType, required */
	char *digest;	  /* required: "algorithm:encoded" */
	int64_t size;	  /* required, >= 0 */
	char **urls;
	size_t urls_len;
	struct oci_map *annotations;
	struct oci_image_platform *platform;
	char *artifact_type; /* artifactType */
};

struct oci_image_layout {
	char *image_layout_version; /* imageLayoutVersion, required */
};

struct oci_image_index {
	int64_t schema_version; /* schemaVersion, must be 2 */
	char *media_type;
	struct oci_image_descriptor *manifests; /* required */
	size_t manifests_len;
	struct oci_map *annotations;
};

struct oci_image_manifest {
	int64_t schema_version; /* schemaVersion, must be 2 */
	char *media_type;
	struct oci_image_descriptor config; /* required */
	bool has_config;
	struct oci_image_descriptor *layers; /* required */
	size_t layers_len;
	struct oci_map *annotations;
};

/* An object whose keys are the value (ExposedPorts, Volumes): {"80/tcp": {}} */
struct oci_image_keys {
	char **keys;
	void *values; /* unused: empty objects */
	size_t len;
};

struct oci_image_exec_config {
	char *user;			      /* User */
	struct oci_image_keys *exposed_ports; /* ExposedPorts */
	char **env;			      /* Env: "NAME=value" */
	size_t env_len;
	char **entrypoint; /* Entrypoint */
	size_t entrypoint_len;
	char **cmd; /* Cmd */
	size_t cmd_len;
	struct oci_image_keys *volumes; /* Volumes */
	char *working_dir;		/* WorkingDir */
	struct oci_map *labels;		/* Labels */
	char *stop_signal;		/* StopSignal */
};

struct oci_image_rootfs {
	char *type;	 /* "layers", required */
	char **diff_ids; /* required */
	size_t diff_ids_len;
};

struct oci_image_config {
	char *created;
	char *author;
	char *architecture; /* required */
	char *os;	    /* required */
	char *os_version;   /* os.version */
	char **os_features; /* os.features */
	size_t os_features_len;
	char *variant;
	struct oci_image_exec_config *config;
	struct oci_image_rootfs rootfs; /* required */
	bool has_rootfs;
};

/* docker-archive (`docker save`) manifest.json: an array of these. */
struct oci_docker_archive_image {
	char *config;	  /* Config: path of the config file in the archive, required */
	char **repo_tags; /* RepoTags */
	size_t repo_tags_len;
	char **layers; /* Layers: paths of the layer tars, required */
	size_t layers_len;
};

struct oci_docker_archive_manifest {
	struct oci_docker_archive_image *images;
	size_t images_len;
};

/* Parsers: NULL + malloc'd *ret_error ("index.json: manifests[0].digest: required") on failure. */
struct oci_image_layout *oci_image_layout_parse_data(const char *data, size_t len, const char *name,
						     char **ret_error);
struct oci_image_index *oci_image_index_parse_data(const char *data, size_t len, const char *name,
						   char **ret_error);
struct oci_image_manifest *oci_image_manifest_parse_data(const char *data, size_t len,
							 const char *name, char **ret_error);
struct oci_image_config *oci_image_config_parse_data(const char *data, size_t len, const char *name,
						     char **ret_error);
struct oci_docker_archive_manifest *oci_docker_archive_manifest_parse_data(const char *data,
									   size_t len,
									   const char *name,
									   char **ret_error);
void oci_image_layout_free(struct oci_image_layout *layout);
void oci_image_index_free(struct oci_image_index *index);
void oci_image_manifest_free(struct oci_image_manifest *manifest);
void oci_image_config_free(struct oci_image_config *config);
void oci_docker_archive_manifest_free(struct oci_docker_archive_manifest *manifest);

#endif
