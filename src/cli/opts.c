/* Option parsing shared by every verb: --help and unknown-option handling in one place. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

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
		*ret_status = cli_bad_option(g, verb, argv);
		return CLI_OPT_STOP;
	default:
		return c;
	}
}

int cli_bad_option(struct cli_globals *g, const char *verb, char **argv)
{
	const char *arg = argv[optind - 1];
	const char *eq = strchr(arg, '=');

	if (strncmp(arg, "--", 2) != 0)
		return cli_usage_error(g, verb, "unknown option '-%c'", optopt);
	if (optopt != 0 && eq != NULL)
		return cli_usage_error(g, verb, "option '%.*s' takes no value", (int)(eq - arg),
				       arg);
	return cli_usage_error(g, verb, "unknown option '%s'", arg);
}

const struct option cli_help_only[] = {CLI_HELP_OPTION, {NULL, 0, NULL, 0}};

const char *cli_parse_id(struct cli_globals *g, const char *verb, int argc, char **argv,
			 int max_extra, int *status)
{
	if (optind >= argc) {
		*status = cli_usage_error(g, verb, "missing container id");
		return NULL;
	}
	if (max_extra >= 0 && argc - optind - 1 > max_extra) {
		*status = cli_usage_error(g, verb, "too many arguments");
		return NULL;
	}
	return argv[optind];
}
