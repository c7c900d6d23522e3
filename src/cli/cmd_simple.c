/* The verbs that take only a container id and a flag or two: start, kill, delete. */
#include <stdio.h>
#include <string.h>

#include "cli/opts.h"
#include "cli/verbs.h"
#include "core/container.h"
#include "util/cleanup.h"

int cmd_start(struct cli_globals *g, int argc, char **argv)
{
	_cleanup_err_ struct sheep_err *err = NULL;
	int c, status = 1;
	const char *id;

	while ((c = cli_next_opt(g, "start", argc, argv, "+:h", cli_help_only, &status)) != -1)
		if (c == CLI_OPT_STOP)
			return status;
	if ((id = cli_parse_id(g, "start", argc, argv, 0, &status)) == NULL)
		return status;
	if (sheep_container_start(g->root, id, &err) < 0)
		return cli_fail_id(g, "start", id, err);
	return 0;
}

int cmd_kill(struct cli_globals *g, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"all", no_argument, NULL, 'a'}, CLI_HELP_OPTION, {NULL, 0, NULL, 0}};
	_cleanup_err_ struct sheep_err *err = NULL;
	int c, status = 1, signum = 15;
	bool all = false;
	const char *id;

	while ((c = cli_next_opt(g, "kill", argc, argv, "+:ha", longopts, &status)) != -1) {
		if (c == CLI_OPT_STOP)
			return status;
		if (c == 'a')
			all = true;
	}
	if ((id = cli_parse_id(g, "kill", argc, argv, 1, &status)) == NULL)
		return status;
	if (optind + 1 < argc && sheep_signal_parse(argv[optind + 1], &signum, &err) < 0)
		return cli_fail_id(g, "kill", id, err);
	if (sheep_container_kill(g->root, id, signum, all, &err) < 0)
		return cli_fail_id(g, "kill", id, err);
	return 0;
}

int cmd_delete(struct cli_globals *g, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"force", no_argument, NULL, 'f'}, CLI_HELP_OPTION, {NULL, 0, NULL, 0}};
	_cleanup_err_ struct sheep_err *err = NULL;
	int c, status = 1;
	bool force = false;
	const char *id;

	while ((c = cli_next_opt(g, "delete", argc, argv, "+:hf", longopts, &status)) != -1) {
		if (c == CLI_OPT_STOP)
			return status;
		if (c == 'f')
			force = true;
	}
	if ((id = cli_parse_id(g, "delete", argc, argv, 0, &status)) == NULL)
		return status;
	if (sheep_container_delete(g->root, id, force, &err) < 0)
		return cli_fail_id(g, "delete", id, err);
	return 0;
}
