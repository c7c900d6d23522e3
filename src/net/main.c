/* sheep-net's command line: verb dispatch, options, the OCI state on stdin for the hooks, and the
 * one place that prints errors ("sheep-net: up 'ID': ..."), exit status 1 on failure. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "git-commit.h"
#include "net/ports.h"
#include "net/verbs.h"
#include "ocispec.h"
#include "util/cleanup.h"

static const char default_network[] = SHEEP_NET_DEFAULT;

static const char usage[] =
    "usage: sheep-net up [--network NAME [--subnet CIDR]] [--publish [IP:]HPORT:CPORT[/PROTO]]...\n"
    "       sheep-net down [--network NAME]\n"
    "       sheep-net gc | reload | ls\n"
    "up and down are OCI hooks (createRuntime, poststop): they read the state JSON on stdin.\n";

static int fail(const char *verb, const char *id, struct sheep_err *err)
{
	if (id != NULL)
		fprintf(stderr, "sheep-net: %s '%s': %s\n", verb, id, err ? err->msg : "failed");
	else
		fprintf(stderr, "sheep-net: %s: %s\n", verb, err ? err->msg : "failed");
	return 1;
}

static int parse_opts(int argc, char **argv, struct sheep_net_opts *o, struct sheep_err **err)
{
	static const struct option longopts[] = {
	    {"network", required_argument, NULL, 'n'},
	    {"subnet", required_argument, NULL, 's'},
	    {"publish", required_argument, NULL, 'p'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+:n:s:p:h", longopts, NULL)) != -1) {
		struct sheep_net_port *grown;

		if (c == 'h') {
			fputs(usage, stdout);
			exit(0);
		} else if (c == 'n') {
			o->network = optarg;
		} else if (c == 's') {
			o->subnet = optarg;
		} else if (c == 'p') {
			grown = realloc(o->ports, (o->ports_len + 1) * sizeof(*grown));
			if (grown == NULL)
				return sheep_err_set(err, ENOMEM, "parse options");
			o->ports = grown;
			if (sheep_net_port_parse(optarg, &o->ports[o->ports_len++], err) < 0)
				return -1;
		} else {
			return sheep_err_set(err, 0, "unknown option or missing value '%s'",
					     argv[optind - 1]);
		}
	}
	if (optind != argc)
		return sheep_err_set(err, 0, "unexpected argument '%s'", argv[optind]);
	return 0;
}

/* An option a verb does not use is refused rather than ignored: `ls --network x` listing every
 * network, or `down --publish` looking like it unpublished something, would mislead. */
static int check_verb_opts(const char *verb, const struct sheep_net_opts *o, struct sheep_err **err)
{
	bool down = strcmp(verb, "down") == 0;
	const char *bad = NULL;

	if (strcmp(verb, "up") == 0)
		return 0;
	if (o->ports_len > 0)
		bad = "--publish";
	else if (o->subnet != NULL)
		bad = "--subnet";
	else if (!down && o->network != default_network)
		bad = "--network";
	if (bad != NULL)
		return sheep_err_set(err, 0, "%s is not an option of %s", bad, verb);
	return 0;
}

static struct oci_state *read_state(struct sheep_err **err)
{
	char *msg = NULL;
	struct oci_state *st = oci_state_parse_fd(STDIN_FILENO, "state", &msg);

	if (st == NULL)
		sheep_err_take(err, 0, msg);
	else if (st->id == NULL)
		sheep_err_set(err, 0, "state: id: missing");
	if (st != NULL && st->id == NULL) {
		oci_state_free(st);
		st = NULL;
	}
	return st;
}

static int hook(const char *verb, struct sheep_net_opts *o, struct sheep_err **err)
{
	struct oci_state *st = read_state(err);
	int r;

	if (st == NULL)
		return fail(verb, NULL, *err);
	if (strcmp(verb, "up") == 0)
		r = sheep_net_up(o, st->id, st->has_pid ? (pid_t)st->pid : 0, err);
	else
		r = sheep_net_down(o, st->id, err);
	if (r < 0)
		r = fail(verb, st->id, *err);
	oci_state_free(st);
	return r;
}

static int admin(const char *verb, struct sheep_net_opts *o, struct sheep_err **err)
{
	size_t n = 0;

	if (strcmp(verb, "gc") == 0) {
		if (sheep_net_gc(o, &n, err) < 0)
			return fail(verb, NULL, *err);
		printf("reclaimed %zu lease%s\n", n, n == 1 ? "" : "s");
		return 0;
	}
	if (strcmp(verb, "reload") == 0)
		return sheep_net_reload(o, err) < 0 ? fail(verb, NULL, *err) : 0;
	if (strcmp(verb, "ls") == 0)
		return sheep_net_ls(o, stdout, err) < 0 ? fail(verb, NULL, *err) : 0;
	fprintf(stderr, "sheep-net: unknown command '%s'\n%s", verb, usage);
	return 1;
}

int main(int argc, char **argv)
{
	struct sheep_net_opts o = {.run_dir = SHEEP_NET_RUN_DIR, .network = default_network};
	_cleanup_err_ struct sheep_err *err = NULL;
	const char *env = getenv("SHEEP_NET_RUN_DIR");
	sigset_t block;
	int r;

	if (argc < 2) {
		fputs(usage, stderr);
		return 1;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-v") == 0) {
		printf("sheep-net version %s\ncommit: %s\n", PACKAGE_VERSION, GIT_COMMIT);
		return 0;
	}
	if (env != NULL && env[0] == '/')
		o.run_dir = env;
	/* A hook killed half way would leave a lease without a veth or an element without a lease:
	 * finish the work, then die. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, NULL);
	if (parse_opts(argc - 1, argv + 1, &o, &err) < 0 ||
	    check_verb_opts(argv[1], &o, &err) < 0) {
		free(o.ports); /* the --publish entries parsed before the bad one */
		return fail(argv[1], NULL, err);
	}
	if (strcmp(argv[1], "up") == 0 || strcmp(argv[1], "down") == 0)
		r = hook(argv[1], &o, &err);
	else
		r = admin(argv[1], &o, &err);
	free(o.ports);
	return r;
}
