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
int cmd_features(struct cli_globals *g, int argc, char **argv);
int cmd_spec(struct cli_globals *g, int argc, char **argv);
int cmd_unpack(struct cli_globals *g, int argc, char **argv);

#endif
