/* One entry point per verb; each parses its own options (src/cli/cmd_<verb>.c). */
#ifndef SHEEP_CLI_VERBS_H
#define SHEEP_CLI_VERBS_H

#include "cli/cli.h"

int cmd_create(struct cli_globals *g, int argc, char **argv);
int cmd_run(struct cli_globals *g, int argc, char **argv);
int cmd_start(struct cli_globals *g, int argc, char **argv);
int cmd_state(struct cli_globals *g, int argc, char **argv);
int cmd_kill(struct cli_globals *g, int argc, char **argv);
int cmd_delete(struct cli_globals *g, int argc, char **argv);
int cmd_list(struct cli_globals *g, int argc, char **argv);
int cmd_exec(struct cli_globals *g, int argc, char **argv);
int cmd_pause(struct cli_globals *g, int argc, char **argv);
int cmd_resume(struct cli_globals *g, int argc, char **argv);
int cmd_ps(struct cli_globals *g, int argc, char **argv);
int cmd_update(struct cli_globals *g, int argc, char **argv);
int cmd_events(struct cli_globals *g, int argc, char **argv);
int cmd_features(struct cli_globals *g, int argc, char **argv);
int cmd_spec(struct cli_globals *g, int argc, char **argv);
int cmd_unpack(struct cli_globals *g, int argc, char **argv);
/* `unpack` in sheep-oci: hands over to sheep-oci-unpack (cmd_unpack_exec.c). */
int cmd_unpack_exec(struct cli_globals *g, int argc, char **argv);

#define UNPACK_SUMMARY "turn an image (OCI layout, docker-archive, rootfs tar) into a bundle"
#define UNPACK_USAGE                                                                               \
	"[--rootless] [--platform OS/ARCH] [--ref NAME] [--quiet] IMAGE BUNDLE\n"                  \
	"  --rootless         no chown and no device nodes (default when not root)\n"              \
	"  --platform P       the platform to pick from a multi-platform index (default: this "    \
	"one)\n"                                                                                   \
	"  --ref NAME         the image to pick by ref.name annotation or docker RepoTag\n"        \
	"  -q, --quiet        no progress bar"

#endif
