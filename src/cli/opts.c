/* Option parsing shared by every verb: --help and unknown-option handling in one place. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

const char *cli_path_or_unset(const char *arg)
{
	return arg != NULL && *arg != '\0' ? arg : NULL;
}

int cli_count_inherited_fds(void)
{
	/* the lowest free fd from 3 on, in one call and without touching a file system; with no
	 * stdio open at all there is nothing to duplicate, and nothing counts as passed */
	for (int src = STDIN_FILENO; src <= STDERR_FILENO; src++) {
		int probe = fcntl(src, F_DUPFD_CLOEXEC, 3);

		if (probe >= 0) {
			close(probe);
			return probe - 3;
		}
	}
	return 0;
}

int cli_check_preserved_fds(struct cli_globals *g, const char *verb, const char *id, int n)
{
	_cleanup_err_ struct sheep_err *err = NULL;

	if (n <= g->inherited_fds)
		return 0;
	sheep_err_set(&err, 0, "preserving %d fds (--preserve-fds, LISTEN_FDS): fd %d is not open",
		      n, 3 + g->inherited_fds);
	return cli_fail_id(g, verb, id, err);
}
