/* `sheep-oci spec [--bundle DIR] [--rootless]` */
#include <unistd.h>

#include "cli/opts.h"
#include "cli/verbs.h"
#include "core/spec.h"

int cmd_spec(struct cli_globals *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"bundle", required_argument, NULL, 'b'},
		{"rootless", no_argument, NULL, 'r'},
		CLI_HELP_OPTION,
		{NULL, 0, NULL, 0},
	};
	struct sheep_spec_opts opts = {.uid = geteuid(), .gid = getegid()};
	_cleanup_err_ struct sheep_err *err = NULL;
	const char *bundle = ".";
	struct oci_config *config;
	int c, status = 1, ret;

	while ((c = cli_next_opt(g, "spec", argc, argv, "+:hb:", longopts, &status)) != -1) {
		if (c == CLI_OPT_STOP)
			return status;
		if (c == 'b')
			bundle = optarg;
		else if (c == 'r')
			opts.rootless = true;
	}
	if (optind != argc)
		return cli_usage_error(g, "spec", "unexpected argument '%s'", argv[optind]);
	config = sheep_spec_default(&opts, &err);
	if (config == NULL)
		return cli_fail(g, "spec", err);
	ret = sheep_spec_write(bundle, config, &err);
	oci_config_free(config);
	return ret < 0 ? cli_fail(g, "spec", err) : 0;
}
