/* The default bundle configuration written by `sheep-oci spec`. */
#ifndef SHEEP_CORE_SPEC_H
#define SHEEP_CORE_SPEC_H

#include <stdbool.h>
#include <sys/types.h>

#include "ocispec.h"
#include "util/err.h"

struct sheep_spec_opts {
	bool rootless; /* map uid/gid below to root in a user namespace, no cgroups, no netns */
	uid_t uid;
	gid_t gid;
};

/* A default config like runc's: sh in a read-only rootfs with the usual mounts and namespaces. */
struct oci_config *sheep_spec_default(const struct sheep_spec_opts *opts, struct sheep_err **err);
/* Writes config.json into bundle_dir; refuses to overwrite an existing file. */
int sheep_spec_write(const char *bundle_dir, const struct oci_config *config,
		     struct sheep_err **err);

#endif
