/* The verb table: names, summaries and usage lines; `help VERB`. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/verbs.h"

static int cmd_help(struct cli_globals *g, int argc, char **argv);

const struct cli_verb cli_verbs[] = {
	{"spec", cmd_spec, "write a default config.json into a bundle",
	 "[--bundle DIR] [--rootless]\n"
	 "  -b, --bundle DIR   bundle directory (default: the current directory)\n"
	 "  --rootless         a configuration for an unprivileged user"},
	{"unpack", cmd_unpack, "turn an image (OCI layout, docker-archive, rootfs tar) into a bundle",
	 "[--rootless] [--platform OS/ARCH] [--ref NAME] [--quiet] IMAGE BUNDLE\n"
	 "  --rootless         no chown and no device nodes (default when not root)\n"
	 "  --platform P       the platform to pick from a multi-platform index (default: this one)\n"
	 "  --ref NAME         the image to pick by ref.name annotation or docker RepoTag\n"
	 "  -q, --quiet        no progress bar"},
	{"help", cmd_help, "show help for a command", "[COMMAND]"},
	{NULL, NULL, NULL, NULL},
};

const struct cli_verb *cli_find_verb(const char *name)
{
	for (const struct cli_verb *v = cli_verbs; v->name; v++)
		if (strcmp(v->name, name) == 0)
			return v;
	return NULL;
}

void cli_print_verb_help(const struct cli_verb *v, FILE *out)
{
	fprintf(out, "sheep-oci %s - %s\n\nUsage: sheep-oci %s %s\n", v->name, v->summary, v->name,
		v->usage);
}

static int cmd_help(struct cli_globals *g, int argc, char **argv)
{
	const struct cli_verb *v;

	if (argc < 2) {
		fprintf(stdout, "Usage: sheep-oci help COMMAND\n\nCommands:\n");
		for (v = cli_verbs; v->name; v++)
			fprintf(stdout, "  %-10s %s\n", v->name, v->summary);
		return 0;
	}
	v = cli_find_verb(argv[1]);
	if (v == NULL)
		return cli_usage_error(g, "help", "unknown command '%s'", argv[1]);
	cli_print_verb_help(v, stdout);
	return 0;
}
