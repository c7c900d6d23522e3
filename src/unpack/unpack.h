/* sheep-oci unpack: an image (OCI layout directory or tar, docker-archive, plain rootfs tarball;
 * optionally compressed) to a runtime bundle (BUNDLE/rootfs + BUNDLE/config.json). */
#ifndef SHEEP_UNPACK_UNPACK_H
#define SHEEP_UNPACK_UNPACK_H

#include <signal.h>
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
	/* NULL, or a flag a signal handler sets to the signal number (see sheep_unpack_signals):
	 * the unpack then stops within a data block and fails with "interrupted (SIGINT)". */
	const volatile sig_atomic_t *cancel;
};

/* The signals that cancel an unpack (SIGINT, SIGTERM, SIGHUP, SIGPIPE): the CLI handles them,
 * sheep_unpack() blocks them while it removes the staging directory or renames it into place. */
void sheep_unpack_signals(sigset_t *set);

/*
 * Unpacks `image` into `bundle` (which must not exist, or be an empty directory). `config` is the
 * default spec (sheep_spec_default()); the image config fills process.args (Entrypoint + Cmd),
 * env, cwd, user (names looked up in the unpacked /etc/passwd and /etc/group) and annotations,
 * and the result is written to BUNDLE/config.json. Everything happens in a temporary directory
 * beside the bundle, renamed into place at the end: a failure leaves nothing behind.
 * Staging directories of an earlier unpack of the same bundle that was killed (SIGKILL) are
 * removed first: ".NAME.unpack-XXXXXX", owned by the caller, older than this call, not locked
 * (a running unpack holds an flock on its own).
 */
int sheep_unpack(const char *image, const char *bundle, const struct sheep_unpack_opts *opts,
		 struct oci_config *config, struct sheep_err **err);

#endif
