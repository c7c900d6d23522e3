/* One entry point per verb; each parses its own options (src/cli/cmd_<verb>.c). */
#ifndef SHEEP_CLI_VERBS_H
#define SHEEP_CLI_VERBS_H

#include "cli/cli.h"

int cmd_spec(struct cli_globals *g, int argc, char **argv);
int cmd_unpack(struct cli_globals *g, int argc, char **argv);

#endif
