/* The verb table: names, summaries and usage lines; `help VERB`. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/verbs.h"

static int cmd_help(struct cli_globals *g, int argc, char **argv);

const struct cli_verb cli_verbs[] = {
    {"spec", cmd_spec, "write a default config.json into a bundle",
     "[--bundle DIR] [--rootless] [--network [--publish SPEC]...]\n"
     "  -b, --bundle DIR   bundle directory (default: the current directory)\n"
     "  --rootless         a configuration for an unprivileged user\n"
     "  --network          add the sheep-net hooks (bridge sheep0, 10.20.0.0/16, NAT)\n"
     "  --publish SPEC     publish [HOSTIP:]HOSTPORT:CTRPORT[/tcp|udp] (with --network)"},
    {"create", cmd_create, "create a container (it waits for start)",
     "[OPTIONS] ID\n"
     "  -b, --bundle DIR        bundle directory (default: the current directory)\n"
     "  --pid-file FILE         write the container's pid to FILE\n"
     "  --console-socket PATH   send the pty master to this unix socket\n"
     "  --preserve-fds N        pass N file descriptors after stdio to the container\n"
     "  --no-pivot              use MS_MOVE + chroot instead of pivot_root\n"
     "  --no-new-keyring        keep the caller's session keyring"},
    {"start", cmd_start, "start a created container", "ID"},
    {"run", cmd_run, "create and start a container",
     "[OPTIONS] ID\n"
     "  -d, --detach            return once the container runs\n"
     "  --keep                  keep the stopped container (state, delete) after it exits\n"
     "  --no-subreaper          accepted: the runtime is never a subreaper\n"
     "  (and every option of create)"},
    {"exec", cmd_exec, "run a new process in a running container",
     "[OPTIONS] ID [COMMAND [ARGS...]]\n"
     "  -p, --process FILE      the process as a runtime-spec process JSON document\n"
     "  -t, --tty               allocate a pseudo-terminal\n"
     "  --console-socket PATH   send the pty master to this unix socket\n"
     "  -d, --detach            return once the process runs\n"
     "  --pid-file FILE         write the process's pid to FILE\n"
     "  --cwd DIR               working directory inside the container\n"
     "  -e, --env NAME=VALUE    add or override an environment variable (repeatable)\n"
     "  -u, --user UID[:GID]    run as this user\n"
     "  -g, --additional-gids G add a supplementary group (repeatable)\n"
     "  -c, --cap CAP           add a capability (repeatable)\n"
     "  --no-new-privs          set no_new_privileges\n"
     "  --preserve-fds N        pass N file descriptors after stdio\n"
     "  --apparmor PROFILE      run under this AppArmor profile\n"
     "  --process-label LABEL   run with this SELinux label\n"
     "  --ignore-paused         accepted for runc compatibility (a paused container is\n"
     "                          still refused)\n"
     "  --cgroup [CTRL:]PATH    run in PATH below the container's cgroup (repeatable)"},
    {"state", cmd_state, "print a container's state as JSON", "ID"},
    {"kill", cmd_kill, "send a signal to a container",
     "[--all] ID [SIGNAL]\n"
     "  -a, --all               signal every process of the container\n"
     "  SIGNAL                  a number, KILL or SIGKILL (default SIGTERM)"},
    {"delete", cmd_delete, "delete a container",
     "[--force] ID\n"
     "  -f, --force             kill a running container first"},
    {"list", cmd_list, "list containers",
     "[--format table|json] [--quiet]\n"
     "  -f, --format FORMAT     table (default) or json\n"
     "  -q, --quiet             print only the ids"},
    {"pause", cmd_pause, "suspend every process of a container", "ID"},
    {"resume", cmd_resume, "resume a paused container", "ID"},
    {"ps", cmd_ps, "list the processes of a container",
     "[--format table|json] ID [PS_ARGS...]\n"
     "  -f, --format FORMAT     table (default: `ps -ef` filtered to the container) or json\n"
     "  PS_ARGS                 arguments for ps(1) instead of -ef (table only)"},
    {"update", cmd_update, "change the resource limits of a container",
     "[OPTIONS] ID\n"
     "  -r, --resources FILE    a runtime-spec linux.resources JSON document (- for stdin)\n"
     "  --memory N              memory limit in bytes (k, m, g, t suffixes; -1 unlimited)\n"
     "  --memory-reservation N  memory soft limit\n"
     "  --memory-swap N         memory plus swap limit\n"
     "  --cpu-shares N          relative cpu weight (also --cpu-share, as runc spells it)\n"
     "  --cpu-quota N           cpu time per period in microseconds (-1 unlimited)\n"
     "  --cpu-period N          cpu period in microseconds\n"
     "  --cpuset-cpus LIST      cpus to run on (0-3,5)\n"
     "  --cpuset-mems LIST      memory nodes to use\n"
     "  --pids-limit N          maximum number of processes (-1 unlimited)\n"
     "  --blkio-weight N        block io weight (10-1000)\n"
     "  --cpu-rt-period N       realtime period in microseconds (cgroup v1)\n"
     "  --cpu-rt-runtime N      realtime runtime per period in microseconds (cgroup v1)\n"
     "  --kernel-memory N       kernel memory limit (where the kernel still has it)\n"
     "  --kernel-memory-tcp N   kernel TCP buffer limit (where the kernel still has it)\n"
     "  --l3-cache-schema S, --mem-bw-schema S  refused: Intel RDT is not managed\n"
     "  Flags override the same values from --resources."},
    {"events", cmd_events, "print a container's statistics and OOM events as JSON",
     "[--stats] [--interval D] ID\n"
     "  --stats                 print the statistics once and exit\n"
     "  --interval D            statistics every D (5s, 500ms, 1m; default 5s) until the\n"
     "                          container stops; OOM events as they happen"},
    {"unpack", cmd_unpack_exec, UNPACK_SUMMARY, UNPACK_USAGE},
    {"features", cmd_features, "print the OCI features document as JSON", ""},
    {"help", cmd_help, "show help for a command", "[COMMAND]"},
    {NULL, NULL, NULL, NULL},
};

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
