/* `exec [OPTIONS] ID [COMMAND [ARGS...]]` with runc's options, in the order conmon and containerd's
 * shim pass them (`exec --pid-file P --process F --detach [--tty --console-socket S] ID`). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/opts.h"
#include "cli/verbs.h"
#include "core/container.h"
#include "util/cleanup.h"

enum {
	OPT_PROCESS = 256,
	OPT_CONSOLE,
	OPT_PID_FILE,
	OPT_CWD,
	OPT_NNP,
	OPT_APPARMOR,
	OPT_LABEL,
	OPT_PRESERVE,
	OPT_CGROUP,
	OPT_IGNORE_PAUSED
};

static const struct option exec_options[] = {
    {"process", required_argument, NULL, 'p'},
    {"tty", no_argument, NULL, 't'},
    {"console-socket", required_argument, NULL, OPT_CONSOLE},
    {"detach", no_argument, NULL, 'd'},
    {"pid-file", required_argument, NULL, OPT_PID_FILE},
    {"cwd", required_argument, NULL, OPT_CWD},
    {"env", required_argument, NULL, 'e'},
    {"user", required_argument, NULL, 'u'},
    {"additional-gids", required_argument, NULL, 'g'},
    {"cap", required_argument, NULL, 'c'},
    {"no-new-privs", no_argument, NULL, OPT_NNP},
    {"apparmor", required_argument, NULL, OPT_APPARMOR},
    {"process-label", required_argument, NULL, OPT_LABEL},
    {"preserve-fds", required_argument, NULL, OPT_PRESERVE},
    {"cgroup", required_argument, NULL, OPT_CGROUP},
    {"ignore-paused", no_argument, NULL, OPT_IGNORE_PAUSED},
    CLI_HELP_OPTION,
    {NULL, 0, NULL, 0},
};

struct exec_lists {
	char *env[256], *caps[64], *cgroups[32];
	gid_t gids[256];
};

static int parse_id_number(const char *text, unsigned *ret)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || end == text || *end || v > 0xffffffffUL || text[0] == '-')
		return -1;
	*ret = (unsigned)v;
	return 0;
}

/* --user UID[:GID] */
static int parse_user(const char *text, struct sheep_exec_opts *o)
{
	_cleanup_free_ char *copy = strdup(text);
	char *colon = copy ? strchr(copy, ':') : NULL;
	unsigned uid, gid = 0;

	if (copy == NULL)
		return -1;
	if (colon)
		*colon = '\0';
	if (parse_id_number(copy, &uid) < 0 || (colon && parse_id_number(colon + 1, &gid) < 0))
		return -1;
	o->has_user = true;
	o->uid = uid;
	o->gid = gid;
	return 0;
}

static int add_item(struct cli_globals *g, const char *what, char **v, size_t *n, size_t max)
{
	if (*n >= max)
		return cli_usage_error(g, "exec", "too many %s options", what);
	v[(*n)++] = optarg;
	return 0;
}

static int parse_option(struct cli_globals *g, int c, struct sheep_exec_opts *o,
			struct exec_lists *l)
{
	unsigned num;

	switch (c) {
	case 'p':
		o->process_file = optarg;
		return 0;
	case 't':
		o->tty = true;
		return 0;
	case 'd':
		o->detach = true;
		return 0;
	case OPT_CONSOLE:
		o->console_socket = cli_path_or_unset(optarg);
		return 0;
	case OPT_PID_FILE:
		o->pid_file = cli_path_or_unset(optarg);
		return 0;
	case OPT_CWD:
		o->cwd = optarg;
		return 0;
	case OPT_NNP:
		o->no_new_privs = true;
		return 0;
	case 'e':
		return add_item(g, "--env", l->env, &o->env_len, ARRAY_SIZE(l->env));
	case 'c':
		return add_item(g, "--cap", l->caps, &o->caps_len, ARRAY_SIZE(l->caps));
	case 'u':
		return parse_user(optarg, o) < 0
			   ? cli_usage_error(g, "exec", "--user: invalid 'UID[:GID]' '%s'", optarg)
			   : 0;
	case 'g':
		if (parse_id_number(optarg, &num) < 0 || o->additional_gids_len >= 256)
			return cli_usage_error(g, "exec", "--additional-gids: invalid gid '%s'",
					       optarg);
		l->gids[o->additional_gids_len++] = num;
		return 0;
	case OPT_PRESERVE:
		/* the same bound as create's; atoi took "abc" as 0 */
		if (parse_id_number(optarg, &num) < 0 || num > 65536)
			return cli_usage_error(g, "exec", "--preserve-fds: invalid count '%s'",
					       optarg);
		o->preserve_fds = (int)num;
		return 0;
	case OPT_APPARMOR:
		o->apparmor_profile = optarg;
		return 0;
	case OPT_LABEL:
		o->process_label = optarg;
		return 0;
	case OPT_CGROUP:
		return add_item(g, "--cgroup", l->cgroups, &o->sub_cgroups_len,
				ARRAY_SIZE(l->cgroups));
	case OPT_IGNORE_PAUSED:
		/* runc's switch for exec into a paused container; this runtime refuses that with its
		 * own error whatever the flag says, so it changes nothing in any other state */
		return 0;
	default:
		return 0;
	}
}

int cmd_exec(struct cli_globals *g, int argc, char **argv)
{
	struct sheep_exec_opts o = {.root = g->root};
	static struct exec_lists lists;
	_cleanup_err_ struct sheep_err *err = NULL;
	int c, status = 1;

	o.env = lists.env;
	o.caps = lists.caps;
	o.additional_gids = lists.gids;
	o.sub_cgroups = lists.cgroups;
	while ((c = cli_next_opt(g, "exec", argc, argv, "+:hp:tde:u:g:c:", exec_options,
				 &status)) != -1) {
		if (c == CLI_OPT_STOP)
			return status;
		if (parse_option(g, c, &o, &lists) != 0)
			return 1;
	}
	if (optind >= argc)
		return cli_usage_error(g, "exec", "missing container id");
	o.id = argv[optind++];
	o.args = argv + optind;
	o.args_len = (size_t)(argc - optind);
	if (o.process_file == NULL && o.args_len == 0)
		return cli_usage_error(g, "exec", "missing command (or --process FILE)");
	if (cli_check_preserved_fds(g, "exec", o.id, o.preserve_fds) != 0)
		return 1;
	if (sheep_container_exec(&o, &status, &err) < 0)
		return cli_fail_id(g, "exec", o.id, err);
	return status;
}
