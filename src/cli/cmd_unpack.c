/* `sheep-oci unpack [--rootless] [--platform OS/ARCH] [--ref NAME] [--quiet] IMAGE BUNDLE`:
 * the default spec filled from the image, and a progress bar on a terminal. */
#include <stdio.h>
#include <unistd.h>

#include "cli/opts.h"
#include "cli/verbs.h"
#include "core/spec.h"
#include "unpack/unpack.h"

/* One line, redrawn in place: "layer 2/5 [#######.....]  12.3/40.0 MiB" */
static void draw_progress(const struct sheep_unpack_progress *p, void *data)
{
	static const int width = 30;
	double mib = 1024.0 * 1024.0;
	int fill =
	    p->bytes_total ? (int)((double)p->bytes_done * width / (double)p->bytes_total) : 0;

	if (fill > width)
		fill = width;
	if (p->layer)
		fprintf(stderr, "\rlayer %u/%u [", p->layer, p->layers);
	else
		fprintf(stderr, "\rimage     [");
	for (int i = 0; i < width; i++)
		fputc(i < fill ? '#' : '.', stderr);
	fprintf(stderr, "] %7.1f/%.1f MiB ", (double)p->bytes_done / mib,
		(double)p->bytes_total / mib);
	*(int *)data = 1;
}

int cmd_unpack(struct cli_globals *g, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"rootless", no_argument, NULL, 'r'},
	    {"platform", required_argument, NULL, 'p'},
	    {"ref", required_argument, NULL, 'R'},
	    {"quiet", no_argument, NULL, 'q'},
	    CLI_HELP_OPTION,
	    {NULL, 0, NULL, 0},
	};
	struct sheep_spec_opts sopts = {.uid = geteuid(), .gid = getegid()};
	struct sheep_unpack_opts opts = {.rootless = geteuid() != 0};
	_cleanup_err_ struct sheep_err *err = NULL;
	struct oci_config *config;
	int c, status = 1, ret, drawn = 0;
	bool quiet = false;

	while ((c = cli_next_opt(g, "unpack", argc, argv, "+:hq", longopts, &status)) != -1) {
		if (c == CLI_OPT_STOP)
			return status;
		if (c == 'r')
			opts.rootless = true;
		else if (c == 'p')
			opts.platform = optarg;
		else if (c == 'R')
			opts.ref = optarg;
		else if (c == 'q')
			quiet = true;
	}
	if (argc - optind != 2)
		return cli_usage_error(g, "unpack", "expected IMAGE and BUNDLE");
	if (!quiet && isatty(STDERR_FILENO)) {
		opts.progress = draw_progress;
		opts.progress_data = &drawn;
	}
	sopts.rootless = opts.rootless;
	config = sheep_spec_default(&sopts, &err);
	if (config == NULL)
		return cli_fail(g, "unpack", err);
	ret = sheep_unpack(argv[optind], argv[optind + 1], &opts, config, &err);
	oci_config_free(config);
	if (drawn)
		fputc('\n', stderr);
	return ret < 0 ? cli_fail(g, "unpack", err) : 0;
}
