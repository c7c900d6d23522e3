/* The verbs on a container's cgroup: `pause`, `resume`, `ps` and `events`, with runc's output
 * formats (ps --format json is what containerd's shim parses; events prints runc's JSON). `update`
 * is in cmd_update.c. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "cli/opts.h"
#include "cli/verbs.h"
#include "core/cgroup.h"
#include "core/container.h"
#include "util/cleanup.h"
#include "util/fs.h"

extern char **environ;

static int pause_or_resume(struct cli_globals *g, const char *verb, int argc, char **argv)
{
	_cleanup_err_ struct sheep_err *err = NULL;
	int c, status = 1, r;
	const char *id;

	while ((c = cli_next_opt(g, verb, argc, argv, "+:h", cli_help_only, &status)) != -1)
		if (c == CLI_OPT_STOP)
			return status;
	if ((id = cli_parse_id(g, verb, argc, argv, 0, &status)) == NULL)
		return status;
	if (strcmp(verb, "pause") == 0)
		r = sheep_container_pause(g->root, id, &err);
	else
		r = sheep_container_resume(g->root, id, &err);
	return r < 0 ? cli_fail_id(g, verb, id, err) : 0;
}

int cmd_pause(struct cli_globals *g, int argc, char **argv)
{
	return pause_or_resume(g, "pause", argc, argv);
}

int cmd_resume(struct cli_globals *g, int argc, char **argv)
{
	return pause_or_resume(g, "resume", argc, argv);
}

/* Runs ps(1) with args and returns its whole standard output. */
static int run_ps(char **args, char **ret, struct sheep_err **err)
{
	_cleanup_close_ int rd = -1, wr = -1;
	posix_spawn_file_actions_t fa;
	int fds[2], r, wstatus;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return sheep_err_set(err, errno, "pipe");
	rd = fds[0];
	wr = fds[1];
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, wr, STDOUT_FILENO);
	r = posix_spawnp(&pid, "ps", &fa, NULL, args, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r != 0)
		return sheep_err_set(err, r, "run 'ps'");
	sheep_closep(&wr);
	r = sheep_read_fd(rd, 64u * 1024u * 1024u, ret, NULL, err);
	while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	if (r < 0)
		return sheep_err_wrap(err, "read the output of 'ps'");
	if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
		free(*ret);
		*ret = NULL;
		return sheep_err_set(err, 0, "'ps' failed (status %d)",
				     WIFEXITED(wstatus) ? WEXITSTATUS(wstatus)
							: 128 + WTERMSIG(wstatus));
	}
	return 0;
}

/* The index of the PID column in ps's header line, or -1. */
static int pid_column(const char *header)
{
	int col = 0;

	for (const char *p = header + strspn(header, " "); *p; col++) {
		size_t n = strcspn(p, " ");

		if (n == 3 && strncmp(p, "PID", 3) == 0)
			return col;
		p += n;
		p += strspn(p, " ");
	}
	return -1;
}

static bool line_in(const char *line, int col, const pid_t *pids, size_t n)
{
	const char *p = line + strspn(line, " ");
	long v;

	for (int i = 0; i < col && *p; i++) {
		p += strcspn(p, " ");
		p += strspn(p, " ");
	}
	v = strtol(p, NULL, 10);
	for (size_t i = 0; i < n; i++)
		if (pids[i] == v)
			return true;
	return false;
}

/* runc's table: ps(1)'s header and the lines whose PID is in the container. */
static int print_ps_table(char **args, const pid_t *pids, size_t n, struct sheep_err **err)
{
	_cleanup_free_ char *out = NULL;
	char *line, *save = NULL;
	int col;

	if (run_ps(args, &out, err) < 0)
		return -1;
	line = strtok_r(out, "\n", &save);
	col = line ? pid_column(line) : -1;
	if (col < 0)
		return sheep_err_set(err, 0, "the output of 'ps' has no PID column");
	printf("%s\n", line);
	while ((line = strtok_r(NULL, "\n", &save)) != NULL)
		if (line_in(line, col, pids, n))
			printf("%s\n", line);
	return 0;
}

static void print_ps_json(const pid_t *pids, size_t n)
{
	printf("[");
	for (size_t i = 0; i < n; i++)
		printf("%s%d", i ? "," : "", (int)pids[i]);
	printf("]\n");
}

static char *ps_default[] = {"ps", "-ef", NULL};

/* ps args after the id: "ps ID -- aux" and "ps ID aux" both give ps "aux". */
static char **ps_argv(int argc, char **argv, int first)
{
	char **def = ps_default, **v;
	int n = 0;

	if (first < argc && strcmp(argv[first], "--") == 0)
		first++;
	if (first >= argc)
		return def;
	v = calloc((size_t)(argc - first + 2), sizeof(*v));
	if (v == NULL)
		return def;
	v[n++] = "ps";
	while (first < argc)
		v[n++] = argv[first++];
	return v;
}

int cmd_ps(struct cli_globals *g, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"format", required_argument, NULL, 'f'}, CLI_HELP_OPTION, {NULL, 0, NULL, 0}};
	_cleanup_err_ struct sheep_err *err = NULL;
	_cleanup_free_ pid_t *pids = NULL;
	char **args;
	bool json = false;
	int c, status = 1, r = 0;
	const char *id;
	size_t n = 0;

	while ((c = cli_next_opt(g, "ps", argc, argv, "+:hf:", longopts, &status)) != -1) {
		if (c == CLI_OPT_STOP)
			return status;
		if (strcmp(optarg, "json") != 0 && strcmp(optarg, "table") != 0)
			return cli_usage_error(
			    g, "ps", "--format: unknown format '%s' (table or json)", optarg);
		json = strcmp(optarg, "json") == 0;
	}
	if ((id = cli_parse_id(g, "ps", argc, argv, json ? 0 : -1, &status)) == NULL)
		return status;
	if (sheep_container_pids(g->root, id, &pids, &n, &err) < 0)
		return cli_fail_id(g, "ps", id, err);
	if (json) {
		print_ps_json(pids, n);
		return 0;
	}
	args = ps_argv(argc, argv, optind + 1);
	r = print_ps_table(args, pids, n, &err);
	if (args != ps_default)
		free(args);
	return r < 0 ? cli_fail_id(g, "ps", id, err) : 0;
}

/* A Go-style duration as runc takes it: "5s", "500ms", "1m30s" (units h, m, s, ms, us, ns). */
static int parse_duration_ms(const char *text, int *ret)
{
	static const struct {
		const char *unit;
		double ms;
	} units[] = {{"ms", 1}, {"us", 1e-3}, {"ns", 1e-6}, {"h", 3600e3}, {"m", 60e3}, {"s", 1e3}};
	double total = 0;
	const char *p = text;

	while (*p) {
		char *end;
		double v = strtod(p, &end);
		size_t i;

		if (end == p || v < 0)
			return -1;
		for (i = 0; i < ARRAY_SIZE(units); i++)
			if (strncmp(end, units[i].unit, strlen(units[i].unit)) == 0)
				break;
		if (i == ARRAY_SIZE(units))
			return -1;
		total += v * units[i].ms;
		p = end + strlen(units[i].unit);
	}
	if (*text == '\0' || total < 1 || total > 24 * 3600e3)
		return -1;
	*ret = (int)total;
	return 0;
}

static void gen_str(yajl_gen y, const char *s)
{
	yajl_gen_string(y, (const unsigned char *)s, strlen(s));
}

/* Counters are unsigned 64-bit ("max" is UINT64_MAX): written as number text, not long long. */
static void gen_u64(yajl_gen y, const char *key, uint64_t v)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%" PRIu64, v);

	gen_str(y, key);
	yajl_gen_number(y, buf, (size_t)n);
}

static void gen_u64s(yajl_gen y, const char *key, const uint64_t *v, size_t n)
{
	gen_str(y, key);
	yajl_gen_array_open(y);
	for (size_t i = 0; i < n; i++) {
		char buf[24];
		int len = snprintf(buf, sizeof(buf), "%" PRIu64, v[i]);

		yajl_gen_number(y, buf, (size_t)len);
	}
	yajl_gen_array_close(y);
}

static void gen_mem(yajl_gen y, const char *key, const struct sheep_cgroup_mem *m)
{
	gen_str(y, key);
	yajl_gen_map_open(y);
	gen_u64(y, "limit", m->limit);
	gen_u64(y, "usage", m->usage);
	gen_u64(y, "max", m->max);
	gen_u64(y, "failcnt", m->failcnt);
	yajl_gen_map_close(y);
}

static void gen_cpu(yajl_gen y, const struct sheep_cgroup_stats *st)
{
	gen_str(y, "cpu");
	yajl_gen_map_open(y);
	gen_str(y, "usage");
	yajl_gen_map_open(y);
	gen_u64(y, "total", st->cpu_total);
	gen_u64s(y, "percpu", st->cpu_percpu, st->cpu_percpu_len);
	gen_u64(y, "kernel", st->cpu_kernel);
	gen_u64(y, "user", st->cpu_user);
	if (st->cpu_percpu_modes_len > 0) { /* runc: omitted when empty */
		gen_u64s(y, "percpu_kernel", st->cpu_percpu_kernel, st->cpu_percpu_modes_len);
		gen_u64s(y, "percpu_user", st->cpu_percpu_user, st->cpu_percpu_modes_len);
	}
	yajl_gen_map_close(y);
	gen_str(y, "throttling");
	yajl_gen_map_open(y);
	gen_u64(y, "periods", st->cpu_periods);
	gen_u64(y, "throttledPeriods", st->cpu_throttled_periods);
	gen_u64(y, "throttledTime", st->cpu_throttled_time);
	yajl_gen_map_close(y);
	yajl_gen_map_close(y);
}

/* runc's blkio entries: {"major":8,"minor":0,"op":"Read","value":N} */
static void gen_io(yajl_gen y, const char *key, const struct sheep_cgroup_io *v, size_t n)
{
	gen_str(y, key);
	yajl_gen_array_open(y);
	for (size_t i = 0; i < n; i++) {
		yajl_gen_map_open(y);
		gen_u64(y, "major", v[i].major);
		gen_u64(y, "minor", v[i].minor);
		gen_str(y, "op");
		gen_str(y, v[i].op);
		gen_u64(y, "value", v[i].value);
		yajl_gen_map_close(y);
	}
	yajl_gen_array_close(y);
}

/* runc's hugetlb map: {"2MB": {"usage": N, "max": N, "failcnt": N}}, {} without the controller */
static void gen_hugetlb(yajl_gen y, const struct sheep_cgroup_stats *st)
{
	gen_str(y, "hugetlb");
	yajl_gen_map_open(y);
	for (size_t i = 0; i < st->hugetlb_len; i++) {
		gen_str(y, st->hugetlb[i].size);
		yajl_gen_map_open(y);
		gen_u64(y, "usage", st->hugetlb[i].usage);
		gen_u64(y, "max", st->hugetlb[i].max);
		gen_u64(y, "failcnt", st->hugetlb[i].failcnt);
		yajl_gen_map_close(y);
	}
	yajl_gen_map_close(y);
}

static void gen_u16s(yajl_gen y, const char *key, const uint16_t *v, size_t n)
{
	if (n == 0) /* runc: omitted when empty */
		return;
	gen_str(y, key);
	yajl_gen_array_open(y);
	for (size_t i = 0; i < n; i++)
		yajl_gen_integer(y, v[i]);
	yajl_gen_array_close(y);
}

/* runc's cpuset (v1 only), its key order */
static void gen_cpuset(yajl_gen y, const struct sheep_cgroup_cpuset *c)
{
	if (!c->present)
		return;
	gen_str(y, "cpuset");
	yajl_gen_map_open(y);
	gen_u16s(y, "cpus", c->cpus, c->cpus_len);
	gen_u64(y, "cpu_exclusive", c->cpu_exclusive);
	gen_u16s(y, "mems", c->mems, c->mems_len);
	gen_u64(y, "mem_hardwall", c->mem_hardwall);
	gen_u64(y, "mem_exclusive", c->mem_exclusive);
	gen_u64(y, "memory_migrate", c->memory_migrate);
	gen_u64(y, "memory_spread_page", c->memory_spread_page);
	gen_u64(y, "memory_spread_slab", c->memory_spread_slab);
	gen_u64(y, "memory_pressure", c->memory_pressure);
	gen_u64(y, "sched_load_balance", c->sched_load_balance);
	gen_str(y, "sched_relax_domain_level");
	yajl_gen_integer(y, c->sched_relax_domain_level);
	yajl_gen_map_close(y);
}

/* runc's stats document (libcontainer's events types): cpu, cpuset, memory, pids, blkio, hugetlb,
 * intel_rdt, network_interfaces. */
static void gen_stats(yajl_gen y, const struct sheep_cgroup_stats *st)
{
	gen_str(y, "data");
	yajl_gen_map_open(y);
	gen_cpu(y, st);
	gen_cpuset(y, &st->cpuset);
	gen_str(y, "memory");
	yajl_gen_map_open(y);
	gen_u64(y, "cache", st->memory_cache);
	gen_mem(y, "usage", &st->memory);
	gen_mem(y, "swap", &st->swap);
	gen_mem(y, "kernel", &st->kernel);
	gen_mem(y, "kernelTCP", &st->kernel_tcp);
	if (st->memory_raw_len > 0) { /* runc: omitted when empty */
		gen_str(y, "raw");
		yajl_gen_map_open(y);
		for (size_t i = 0; i < st->memory_raw_len; i++)
			gen_u64(y, st->memory_raw[i].key, st->memory_raw[i].value);
		yajl_gen_map_close(y);
	}
	yajl_gen_map_close(y);
	gen_str(y, "pids");
	yajl_gen_map_open(y);
	gen_u64(y, "current", st->pids_current);
	gen_u64(y, "limit", st->pids_limit);
	yajl_gen_map_close(y);
	gen_str(y, "blkio");
	yajl_gen_map_open(y);
	gen_io(y, "ioServiceBytesRecursive", st->io_bytes, st->io_bytes_len);
	gen_io(y, "ioServicedRecursive", st->io_ops, st->io_ops_len);
	yajl_gen_map_close(y);
	gen_hugetlb(y, st);
	/* as runc 1.1.5 prints them: no Intel RDT group is managed, no interface is its own */
	gen_str(y, "intel_rdt");
	yajl_gen_map_open(y);
	yajl_gen_map_close(y);
	gen_str(y, "network_interfaces");
	yajl_gen_null(y);
	yajl_gen_map_close(y);
}

/* One JSON line per event; a closed stdout ends `events`. */
static int print_event(const char *type, const struct sheep_cgroup_stats *st, void *data)
{
	yajl_gen y = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;
	int r;

	if (y == NULL)
		return 1;
	yajl_gen_map_open(y);
	gen_str(y, "type");
	gen_str(y, type);
	gen_str(y, "id");
	gen_str(y, (const char *)data);
	if (st != NULL)
		gen_stats(y, st);
	yajl_gen_map_close(y);
	yajl_gen_get_buf(y, &buf, &len);
	r = printf("%.*s\n", (int)len, buf) < 0 || fflush(stdout) != 0;
	yajl_gen_free(y);
	return r;
}

int cmd_events(struct cli_globals *g, int argc, char **argv)
{
	static const struct option longopts[] = {{"stats", no_argument, NULL, 's'},
						 {"interval", required_argument, NULL, 'i'},
						 CLI_HELP_OPTION,
						 {NULL, 0, NULL, 0}};
	_cleanup_err_ struct sheep_err *err = NULL;
	struct sheep_cgroup_stats st;
	int c, status = 1, interval_ms = 5000;
	bool once = false;
	const char *id;

	while ((c = cli_next_opt(g, "events", argc, argv, "+:h", longopts, &status)) != -1) {
		if (c == CLI_OPT_STOP)
			return status;
		if (c == 's')
			once = true;
		else if (parse_duration_ms(optarg, &interval_ms) < 0)
			return cli_usage_error(g, "events", "--interval: invalid duration '%s'",
					       optarg);
	}
	if ((id = cli_parse_id(g, "events", argc, argv, 0, &status)) == NULL)
		return status;
	if (!once) {
		if (sheep_container_events(g->root, id, interval_ms, print_event, (void *)id,
					   &err) < 0)
			return cli_fail_id(g, "events", id, err);
		return 0;
	}
	if (sheep_container_stats(g->root, id, &st, &err) < 0)
		return cli_fail_id(g, "events", id, err);
	print_event("stats", &st, (void *)id);
	sheep_cgroup_stats_clear(&st);
	return 0;
}
