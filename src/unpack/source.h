/* The image formats an unpack reads layers and a config from: OCI layouts (layout.c) and
 * docker-archives (docker.c), both as a directory below imagefd. */
#ifndef SHEEP_UNPACK_SOURCE_H
#define SHEEP_UNPACK_SOURCE_H

#include "image.h"
#include "unpack/layer.h"
#include "unpack/unpack.h"
#include "util/err.h"

#define UNPACK_MAX_JSON (4u * 1024u * 1024u) /* index, manifest, config: a few KiB in practice */

struct unpack_image {
	struct oci_image_config *config;
	char *digest; /* the manifest's digest (OCI) or the config's (docker-archive) */
	char *ref;    /* the name it was chosen by, or NULL */
};

struct unpack_source {
	int imagefd;
	int rootfd;
	const struct sheep_unpack_opts *opts;
	const struct unpack_layer_opts *lopts;
	const char *os, *arch, *variant; /* the wanted platform */
	const char *platform;		 /* the same as "os/arch[/variant]", for messages */
};

int unpack_layout_apply(const struct unpack_source *s, struct unpack_image *ret,
			struct sheep_err **err);
int unpack_docker_apply(const struct unpack_source *s, struct unpack_image *ret,
			struct sheep_err **err);
/* The image config was made for the wanted platform ("image is for linux/arm64, not ..."). */
int unpack_check_platform(const struct unpack_source *s, const struct oci_image_config *c,
			  struct sheep_err **err);
void unpack_image_clear(struct unpack_image *img);

/* config.c: fills the runtime config from the image config; rootless: the process runs as the
 * container's root (the one mapped id), the image's User in io.sheep-oci.image.user. */
int unpack_config_fill(struct oci_config *config, const struct unpack_image *img, int rootfd,
		       bool rootless, struct sheep_err **err);

#endif
