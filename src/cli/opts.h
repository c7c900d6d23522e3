/* Verb option parsing: a getopt_long wrapper that answers --help and rejects unknown options. */
#ifndef SHEEP_CLI_OPTS_H
#define SHEEP_CLI_OPTS_H

#include <getopt.h>

#include "cli/cli.h"

#define CLI_OPT_STOP (-2)
#define CLI_HELP_OPTION                                                                            \
	{                                                                                          \
		"help", no_argument, NULL, 'h'                                                     \
	}

/* Next option character, -1 at the end of options, or CLI_OPT_STOP with *ret_status set (help
 * printed: 0; usage error printed: 1). shortopts must start with "+:" and contain 'h'. */
int cli_next_opt(struct cli_globals *g, const char *verb, int argc, char **argv,
		 const char *shortopts, const struct option *longopts, int *ret_status);

/* The usage error for getopt's '?' at argv[optind - 1]: an unknown option, or a long option
 * that takes no value given one ("--detach=yes"; getopt then sets optopt to the option's value,
 * which is not a character to print). Returns 1. */
int cli_bad_option(struct cli_globals *g, const char *verb, char **argv);

/* The longopts of a verb whose only option is --help. */
extern const struct option cli_help_only[];

/* The container id at argv[optind], followed by at most max_extra arguments (-1: any); NULL with
 * the usage error printed and *status set when it is missing or too much follows. */
const char *cli_parse_id(struct cli_globals *g, const char *verb, int argc, char **argv,
			 int max_extra, int *status);

#endif
