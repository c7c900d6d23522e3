/* `sheep-oci features` */
#include <stdio.h>

#include "cli/opts.h"
#include "cli/verbs.h"
#include "core/features.h"
#include "util/cleanup.h"

int cmd_features(struct cli_globals *g, int argc, char **argv)
{
	static const struct option longopts[] = {CLI_HELP_OPTION, {NULL, 0, NULL, 0}};
	_cleanup_err_ struct sheep_err *err = NULL;
	_cleanup_free_ char *json = NULL;
	int c, status = 1;

	while ((c = cli_next_opt(g, "features", argc, argv, "+:h", longopts, &status)) != -1)
		if (c == CLI_OPT_STOP)
			return status;
	if (optind != argc)
		return cli_usage_error(g, "features", "unexpected argument '%s'", argv[optind]);
	json = sheep_features_json(&err);
	if (json == NULL)
		return cli_fail(g, "features", err);
	printf("%s\n", json);
	return 0;
}
