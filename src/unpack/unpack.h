/* sheep-oci unpack: an image (OCI layout directory or tar, docker-archive, plain rootfs tarball;
 * optionally compressed) to a runtime bundle (BUNDLE/rootfs + BUNDLE/config.json). */
#ifndef SHEEP_UNPACK_UNPACK_H
#define SHEEP_UNPACK_UNPACK_H

#include <stdbool.h>
#include <stdint.h>

#include "ocispec.h"
#include "util/err.h"

struct sheep_unpack_progress {
	uint64_t bytes_done;  /* of the current stage */
	uint64_t bytes_total; /* 0 when unknown */
	unsigned layer;	      /* 1-based layer being applied, 0 while reading the image archive */
	unsigned layers;
};

typedef void (*sheep_unpack_progress_fn)(const struct sheep_unpack_progress *p, void *data);

struct sheep_unpack_opts {
	const char *ref;      /* --ref: index annotation org.opencontainers.image.ref.name, or a
				 docker-archive RepoTag; NULL = the only image */
	const char *platform; /* "os/arch[/variant]"; NULL = this machine's */
	bool rootless;	      /* no chown, no device nodes */
	sheep_unpack_progress_fn progress; /* NULL = none */
	void *progress_data;
};

/*
 * Unpacks `image` into `bundle` (which must not exist, or be an empty directory). `config` is the
 * default spec (sheep_spec_default()); the image config fills process.args (Entrypoint + Cmd),
 * env, cwd, user (names looked up in the unpacked /etc/passwd and /etc/group) and annotations,
 * and the result is written to BUNDLE/config.json. Everything happens in a temporary directory
 * beside the bundle, renamed into place at the end: a failure leaves nothing behind.
 */
int sheep_unpack(const char *image, const char *bundle, const struct sheep_unpack_opts *opts,
		 struct oci_config *config, struct sheep_err **err);

#endif
