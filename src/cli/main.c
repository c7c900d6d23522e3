/* sheep-oci entry point: global options, then dispatch to the verb table. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <seccomp.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "git-commit.h"
#include "ocispec.h"
#include "util/fault.h"
#include "util/proctitle.h"

static void print_version(void)
{
	const struct scmp_version *sv = seccomp_version();

	printf("sheep-oci version %s\n", PACKAGE_VERSION);
	printf("commit: %s\n", GIT_COMMIT);
	printf("spec: %s\n", OCI_SPEC_VERSION);
	if (sv)
		printf("libseccomp: %u.%u.%u\n", sv->major, sv->minor, sv->micro);
	printf("features: +SECCOMP +CAP +USERNS +CGROUPV1 +CGROUPV2 +NET +UNPACK\n");
}

static void print_help(FILE *out)
{
	fprintf(out, "Usage: sheep-oci [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]\n\n"
		     "An OCI runtime-spec compliant container runtime.\n\nCommands:\n");
	for (const struct cli_verb *v = cli_verbs; v->name; v++)
		fprintf(out, "  %-10s %s\n", v->name, v->summary);
	fprintf(out,
		"\nGlobal options:\n"
		"  --root DIR            state directory (default /run/sheep-oci)\n"
		"  --log FILE            write log lines (and errors) to FILE\n"
		"  --log-format FORMAT   text (default) or json\n"
		"  --debug               log debug messages\n"
		"  --systemd-cgroup      refused by create and run: no systemd cgroup driver\n"
		"  --criu PATH           accepted for runc compatibility (no checkpoint/restore)\n"
		"  --rootless VALUE      accepted for runc compatibility (auto|true|false)\n"
		"  -v, --version         print the version\n"
		"  -h, --help            show this help\n\n"
		"Run 'sheep-oci help COMMAND' for a command's options.\n");
}

enum { OPT_ROOT = 256, OPT_LOG, OPT_LOG_FORMAT, OPT_DEBUG, OPT_SYSTEMD, OPT_ROOTLESS, OPT_CRIU };

static const struct option global_options[] = {
    {"root", required_argument, NULL, OPT_ROOT},
    {"log", required_argument, NULL, OPT_LOG},
    {"log-format", required_argument, NULL, OPT_LOG_FORMAT},
    {"debug", no_argument, NULL, OPT_DEBUG},
    {"systemd-cgroup", no_argument, NULL, OPT_SYSTEMD},
    {"rootless", required_argument, NULL, OPT_ROOTLESS},
    {"criu", required_argument, NULL, OPT_CRIU},
    {"version", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Returns the index of the verb in argv, or -1 after printing a usage error, or 0 when the run
 * is over (help/version printed). */
static int parse_globals(struct cli_globals *g, int argc, char **argv, int *ret_status)
{
	int c;

	opterr = 0;
	/* ":": a missing value is ':' (with optopt the option's value, not a character) */
	while ((c = getopt_long(argc, argv, "+:vh", global_options, NULL)) != -1) {
		switch (c) {
		case OPT_ROOT:
			g->root = optarg;
			break;
		case OPT_LOG:
			g->log_path = optarg;
			break;
		case OPT_LOG_FORMAT:
			if (strcmp(optarg, "json") == 0)
				g->log_json = true;
			else if (strcmp(optarg, "text") == 0)
				g->log_json = false;
			else {
				*ret_status = cli_usage_error(
				    g, NULL, "--log-format: unknown format '%s' (text or json)",
				    optarg);
				return 0;
			}
			break;
		case OPT_DEBUG:
			g->debug = true;
			break;
		case OPT_SYSTEMD:
			g->systemd_cgroup = true;
			break;
		case OPT_ROOTLESS:
			g->rootless_flag_set = true;
			break;
		case OPT_CRIU:
			break;
		case 'v':
			print_version();
			*ret_status = 0;
			return 0;
		case 'h':
			print_help(stdout);
			*ret_status = 0;
			return 0;
		case ':':
			*ret_status =
			    cli_usage_error(g, NULL, "option '%s' needs a value", argv[optind - 1]);
			return 0;
		default:
			*ret_status = cli_bad_option(g, NULL, argv);
			return 0;
		}
	}
	if (optind >= argc) {
		print_help(stderr);
		*ret_status = 1;
		return 0;
	}
	return optind;
}

int main(int argc, char **argv)
{
	struct cli_globals g = {.argv = argv};
	const struct cli_verb *v;
	int status = 1, first;

	/* before any fd of the runtime's own is open */
	g.inherited_fds = cli_count_inherited_fds();
	/* before getopt permutes argv: the container's init renames itself (init_run.c) */
	(void)sheep_proctitle_init(argc, argv);
	/* A hook or console peer that goes away must not kill the runtime halfway. */
	signal(SIGPIPE, SIG_IGN);
	first = parse_globals(&g, argc, argv, &status);
	if (first <= 0)
		return status;
	v = cli_find_verb(argv[first]);
	if (v == NULL)
		return cli_usage_error(&g, NULL, "unknown command '%s' (see 'sheep-oci --help')",
				       argv[first]);
	if (cli_log_init(&g) < 0)
		return 1;
	sheep_fault_init();
	sheep_fault_point("main:", v->name);
	optind = 0; /* reset getopt for the verb's own options */
	opterr = 0;
	return v->run(&g, argc - first, argv + first);
}
