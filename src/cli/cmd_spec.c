/* `sheep-oci spec [--bundle DIR] [--rootless] [--network [--publish SPEC]...]` */
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/opts.h"
#include "cli/verbs.h"
#include "core/spec.h"
#include "core/spec_net.h"
#include "util/cleanup.h"

int cmd_spec(struct cli_globals *g, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"bundle", required_argument, NULL, 'b'},
	    {"rootless", no_argument, NULL, 'r'},
	    {"network", no_argument, NULL, 'n'},
	    {"publish", required_argument, NULL, 'p'},
	    CLI_HELP_OPTION,
	    {NULL, 0, NULL, 0},
	};
	struct sheep_spec_opts opts = {.uid = geteuid(), .gid = getegid()};
	_cleanup_err_ struct sheep_err *err = NULL;
	const char *bundle = ".";
	struct oci_config *config;
	int c, status = 1, ret;
	bool network = false;
	_cleanup_free_ char **publish = calloc((size_t)argc + 1, sizeof(char *));
	size_t publish_len = 0;

	while ((c = cli_next_opt(g, "spec", argc, argv, "+:hb:p:", longopts, &status)) != -1) {
		if (c == CLI_OPT_STOP)
			return status;
		if (c == 'b')
			bundle = optarg;
		else if (c == 'r')
			opts.rootless = true;
		else if (c == 'n')
			network = true;
		else if (c == 'p' && publish != NULL)
			publish[publish_len++] = optarg;
	}
	if (publish_len > 0 && !network)
		return cli_usage_error(g, "spec", "--publish requires --network");
	if (optind != argc)
		return cli_usage_error(g, "spec", "unexpected argument '%s'", argv[optind]);
	config = sheep_spec_default(&opts, &err);
	if (config == NULL)
		return cli_fail(g, "spec", err);
	ret = network ? sheep_spec_net_add(config, publish, publish_len, &err) : 0;
	if (ret == 0)
		ret = sheep_spec_write(bundle, config, &err);
	oci_config_free(config);
	return ret < 0 ? cli_fail(g, "spec", err) : 0;
}
