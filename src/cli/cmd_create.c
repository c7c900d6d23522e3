/* `create` and `run`: the same options (run adds --detach), one parser. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/opts.h"
#include "cli/verbs.h"
#include "core/container.h"
#include "util/cleanup.h"

enum {
	OPT_PID_FILE = 256,
	OPT_CONSOLE,
	OPT_PRESERVE,
	OPT_NO_PIVOT,
	OPT_NO_KEYRING,
	OPT_KEEP,
	OPT_NO_SUBREAPER
};

static const struct option create_options[] = {
    {"bundle", required_argument, NULL, 'b'},
    {"pid-file", required_argument, NULL, OPT_PID_FILE},
    {"console-socket", required_argument, NULL, OPT_CONSOLE},
    {"preserve-fds", required_argument, NULL, OPT_PRESERVE},
    {"no-pivot", no_argument, NULL, OPT_NO_PIVOT},
    {"no-new-keyring", no_argument, NULL, OPT_NO_KEYRING},
    {"detach", no_argument, NULL, 'd'},
    {"keep", no_argument, NULL, OPT_KEEP},
    {"no-subreaper", no_argument, NULL, OPT_NO_SUBREAPER},
    CLI_HELP_OPTION,
    {NULL, 0, NULL, 0},
};

static int parse_count(struct cli_globals *g, const char *verb, const char *text, int *ret)
{
	char *end;
	long n = strtol(text, &end, 10);

	if (*text == '\0' || *end || n < 0 || n > 65536)
		return cli_usage_error(g, verb, "--preserve-fds: invalid count '%s'", text);
	*ret = (int)n;
	return 0;
}

/* LISTEN_FDS is meant for the process named by LISTEN_PID (sd_listen_fds(3)). */
static bool listen_pid_is_ours(void)
{
	const char *pid = getenv("LISTEN_PID");

	return pid == NULL || atoi(pid) == (int)getpid();
}

/* Returns 0 and fills o, or an exit status > 0 (usage error), or -1 after help. */
static int parse_create(struct cli_globals *g, const char *verb, int argc, char **argv,
			struct sheep_create_opts *o, bool *detach)
{
	const char *listen = getenv("LISTEN_FDS");
	int c, status = 1, listen_fds = 0;
	bool keep = false;

	while ((c = cli_next_opt(g, verb, argc, argv, "+:hb:d", create_options, &status)) != -1) {
		switch (c) {
		case CLI_OPT_STOP:
			return status == 0 ? -1 : status;
		case 'b':
			o->bundle = optarg;
			break;
		case OPT_PID_FILE:
			o->pid_file = cli_path_or_unset(optarg);
			break;
		case OPT_CONSOLE:
			o->console_socket = cli_path_or_unset(optarg);
			break;
		case OPT_PRESERVE:
			if (parse_count(g, verb, optarg, &o->preserve_fds))
				return 1;
			break;
		case OPT_NO_PIVOT:
			o->no_pivot = true;
			break;
		case OPT_NO_KEYRING:
			o->no_new_keyring = true;
			break;
		case 'd':
		case OPT_KEEP:
		case OPT_NO_SUBREAPER:
			if (detach == NULL)
				return cli_usage_error(g, verb, "unknown option '%s'",
						       argv[optind - 1]);
			if (c == 'd')
				*detach = true;
			else if (c == OPT_KEEP)
				keep = true;
			/* --no-subreaper: this runtime never makes itself a subreaper */
			break;
		default:
			break;
		}
	}
	/* run deletes the container once its process exits, unless --keep (as runc) */
	o->keep = keep;
	if (optind + 1 != argc)
		return cli_usage_error(
		    g, verb, optind >= argc ? "missing container id" : "too many arguments");
	o->id = argv[optind];
	/* systemd socket activation: the listening fds follow stdio and are passed on, and the
	 * container's process is told about them (as its pid 1, the pid it will have) */
	if (listen && parse_count(g, verb, listen, &listen_fds) == 0 && listen_fds > 0 &&
	    listen_pid_is_ours()) {
		o->preserve_fds += listen_fds;
		o->listen_fds = listen_fds;
	}
	o->root = g->root;
	o->systemd_cgroup = g->systemd_cgroup;
	return cli_check_preserved_fds(g, verb, o->id, o->preserve_fds);
}

int cmd_create(struct cli_globals *g, int argc, char **argv)
{
	struct sheep_create_opts o = {0};
	_cleanup_err_ struct sheep_err *err = NULL;
	int r = parse_create(g, "create", argc, argv, &o, NULL);

	if (r != 0)
		return r < 0 ? 0 : r;
	if (sheep_container_create(&o, NULL, &err) < 0)
		return cli_fail_id(g, "create", o.id, err);
	return 0;
}

int cmd_run(struct cli_globals *g, int argc, char **argv)
{
	struct sheep_create_opts o = {0};
	_cleanup_err_ struct sheep_err *err = NULL;
	bool detach = false;
	int status = 0, r = parse_create(g, "run", argc, argv, &o, &detach);

	if (r != 0)
		return r < 0 ? 0 : r;
	o.foreground = !detach;
	if (sheep_container_run(&o, detach, &status, &err) < 0)
		return cli_fail_id(g, "run", o.id, err);
	return status;
}
