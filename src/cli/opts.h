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

/* An option's path, or NULL for an empty one: runc takes --pid-file "" and --console-socket ""
 * as not given, and callers build command lines that rely on it. */
const char *cli_path_or_unset(const char *arg);

/* How many fds from 3 on the caller left open, without a gap: the most --preserve-fds (and
 * LISTEN_FDS) can pass on. Taken first thing in main, before the runtime opens any fd of its own
 * (the --log file...), which would fill the first gap. */
int cli_count_inherited_fds(void);

/* The preserved fds 3 .. 3+n-1 must all be the caller's: a gap would be filled by an fd of the
 * runtime's (a state lock, a host directory), which the container's init then kept (the lock
 * made every later verb on the container hang; a host directory is CVE-2024-21626). Returns 0,
 * or 1 with the error printed. */
int cli_check_preserved_fds(struct cli_globals *g, const char *verb, const char *id, int n);

#endif
