/* Option parsing shared by every verb: --help and unknown-option handling in one place. */
#include <getopt.h>
#include <stdio.h>

#include "cli/opts.h"

int cli_next_opt(struct cli_globals *g, const char *verb, int argc, char **argv,
		 const char *shortopts, const struct option *longopts, int *ret_status)
{
	int c = getopt_long(argc, argv, shortopts, longopts, NULL);

	switch (c) {
	case 'h':
		cli_print_verb_help(cli_find_verb(verb), stdout);
		*ret_status = 0;
		return CLI_OPT_STOP;
	case ':':
		*ret_status =
		    cli_usage_error(g, verb, "option '%s' needs a value", argv[optind - 1]);
		return CLI_OPT_STOP;
	case '?':
		if (optopt)
			*ret_status = cli_usage_error(g, verb, "unknown option '-%c'", optopt);
		else
			*ret_status =
			    cli_usage_error(g, verb, "unknown option '%s'", argv[optind - 1]);
		return CLI_OPT_STOP;
	default:
		return c;
	}
}
