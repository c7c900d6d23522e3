/* `update [--resources FILE|-] [FLAGS...] ID`: a linux.resources document and/or runc's flags
 * (which override the same values of the document), applied to the container's cgroup. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/opts.h"
#include "cli/verbs.h"
#include "core/container.h"
#include "ocispec.h"
#include "util/cleanup.h"
#include "util/fs.h"

enum {
	OPT_MEMORY = 256,
	OPT_MEM_RESERVATION,
	OPT_MEM_SWAP,
	OPT_CPU_SHARES,
	OPT_CPU_QUOTA,
	OPT_CPU_PERIOD,
	OPT_CPUSET_CPUS,
	OPT_CPUSET_MEMS,
	OPT_PIDS_LIMIT,
	OPT_BLKIO_WEIGHT,
	OPT_CPU_RT_PERIOD,
	OPT_CPU_RT_RUNTIME,
	OPT_KERNEL_MEMORY,
	OPT_KERNEL_MEMORY_TCP,
	OPT_L3_CACHE,
	OPT_MEM_BW,
};

static const struct option update_options[] = {
    {"resources", required_argument, NULL, 'r'},
    {"memory", required_argument, NULL, OPT_MEMORY},
    {"memory-reservation", required_argument, NULL, OPT_MEM_RESERVATION},
    {"memory-swap", required_argument, NULL, OPT_MEM_SWAP},
    {"cpu-shares", required_argument, NULL, OPT_CPU_SHARES},
    {"cpu-share", required_argument, NULL, OPT_CPU_SHARES}, /* runc's spelling */
    {"cpu-quota", required_argument, NULL, OPT_CPU_QUOTA},
    {"cpu-period", required_argument, NULL, OPT_CPU_PERIOD},
    {"cpuset-cpus", required_argument, NULL, OPT_CPUSET_CPUS},
    {"cpuset-mems", required_argument, NULL, OPT_CPUSET_MEMS},
    {"pids-limit", required_argument, NULL, OPT_PIDS_LIMIT},
    {"blkio-weight", required_argument, NULL, OPT_BLKIO_WEIGHT},
    {"cpu-rt-period", required_argument, NULL, OPT_CPU_RT_PERIOD},
    {"cpu-rt-runtime", required_argument, NULL, OPT_CPU_RT_RUNTIME},
    {"kernel-memory", required_argument, NULL, OPT_KERNEL_MEMORY},
    {"kernel-memory-tcp", required_argument, NULL, OPT_KERNEL_MEMORY_TCP},
    {"l3-cache-schema", required_argument, NULL, OPT_L3_CACHE},
    {"mem-bw-schema", required_argument, NULL, OPT_MEM_BW},
    CLI_HELP_OPTION,
    {NULL, 0, NULL, 0},
};

/* The long name of an option value, for messages ("--cpu-shares"). */
static const char *opt_name(int c)
{
	for (const struct option *o = update_options; o->name; o++)
		if (o->val == c)
			return o->name;
	return "?";
}

/* A signed number; with units, a size with a k/m/g/t suffix (powers of 1024, optionally followed
 * by b, as runc's --memory takes it); -1 means unlimited where the kernel allows it. */
static int parse_int(const char *text, bool units, int64_t min, int64_t max, int64_t *ret)
{
	static const char suffixes[] = "kmgt";
	char *end = NULL;
	long long v;
	const char *s;

	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno != 0 || end == text)
		return -1;
	if (units && *end && (s = strchr(suffixes, end[0] | 0x20)) != NULL && v > 0) {
		for (long i = 0; i <= s - suffixes; i++) {
			if (v > INT64_MAX / 1024)
				return -1;
			v *= 1024;
		}
		end++;
		if ((*end | 0x20) == 'b')
			end++;
	} else if (units && (*end | 0x20) == 'b') {
		end++;
	}
	if (*end != '\0' || v < min || v > max)
		return -1;
	*ret = v;
	return 0;
}

static void *ensure(void **part, size_t size)
{
	if (*part == NULL)
		*part = calloc(1, size);
	return *part;
}

static int set_cpuset(struct oci_cpu *cpu, int c, const char *text)
{
	char **dst = c == OPT_CPUSET_CPUS ? &cpu->cpus : &cpu->mems;
	char *v = strdup(text);

	if (v == NULL)
		return -1;
	free(*dst);
	*dst = v;
	return 0;
}

/* Puts one flag's value into res; -1 for a bad value, -2 out of memory. */
static int set_cpu(struct oci_resources *res, int c, const char *text)
{
	struct oci_cpu *cpu = ensure((void **)&res->cpu, sizeof(*res->cpu));
	int64_t v;

	if (cpu == NULL)
		return -2;
	if (c == OPT_CPUSET_CPUS || c == OPT_CPUSET_MEMS)
		return set_cpuset(cpu, c, text) < 0 ? -2 : 0;
	if (parse_int(text, false, c == OPT_CPU_QUOTA || c == OPT_CPU_RT_RUNTIME ? -1 : 0,
		      INT64_MAX, &v) < 0)
		return -1;
	if (c == OPT_CPU_RT_PERIOD) {
		cpu->has_realtime_period = true;
		cpu->realtime_period = (uint64_t)v;
	} else if (c == OPT_CPU_RT_RUNTIME) {
		cpu->has_realtime_runtime = true;
		cpu->realtime_runtime = v;
	} else if (c == OPT_CPU_SHARES) {
		cpu->has_shares = true;
		cpu->shares = (uint64_t)v;
	} else if (c == OPT_CPU_QUOTA) {
		cpu->has_quota = true;
		cpu->quota = v;
	} else {
		cpu->has_period = true;
		cpu->period = (uint64_t)v;
	}
	return 0;
}

static int set_memory(struct oci_resources *res, int c, const char *text)
{
	struct oci_memory *m = ensure((void **)&res->memory, sizeof(*res->memory));
	int64_t v;

	if (m == NULL)
		return -2;
	if (parse_int(text, true, -1, INT64_MAX, &v) < 0)
		return -1;
	if (c == OPT_MEMORY) {
		m->has_limit = true;
		m->limit = v;
	} else if (c == OPT_MEM_RESERVATION) {
		m->has_reservation = true;
		m->reservation = v;
	} else if (c == OPT_KERNEL_MEMORY) {
		/* linux.resources.memory.kernel: written where the kernel still has the file */
		m->has_kernel = true;
		m->kernel = v;
	} else if (c == OPT_KERNEL_MEMORY_TCP) {
		m->has_kernel_tcp = true;
		m->kernel_tcp = v;
	} else {
		m->has_swap = true;
		m->swap = v;
	}
	return 0;
}

static int set_flag(struct oci_resources *res, int c, const char *text)
{
	int64_t v;

	switch (c) {
	case OPT_MEMORY:
	case OPT_MEM_RESERVATION:
	case OPT_MEM_SWAP:
	case OPT_KERNEL_MEMORY:
	case OPT_KERNEL_MEMORY_TCP:
		return set_memory(res, c, text);
	case OPT_PIDS_LIMIT:
		if (parse_int(text, false, -1, INT64_MAX, &v) < 0)
			return -1;
		if (ensure((void **)&res->pids, sizeof(*res->pids)) == NULL)
			return -2;
		res->pids->limit = v;
		return 0;
	case OPT_BLKIO_WEIGHT:
		/* the range of blkio.weight (cgroup-v1/blkio-controller.rst) */
		if (parse_int(text, false, 10, 1000, &v) < 0)
			return -1;
		if (ensure((void **)&res->block_io, sizeof(*res->block_io)) == NULL)
			return -2;
		res->block_io->has_weight = true;
		res->block_io->weight = (uint16_t)v;
		return 0;
	default:
		return set_cpu(res, c, text);
	}
}

/* The --resources document: a file, or standard input for "-". */
static struct oci_resources *load_resources(const char *path, struct sheep_err **err)
{
	_cleanup_free_ char *raw = NULL;
	const char *name = strcmp(path, "-") == 0 ? "stdin" : path;
	char *msg = NULL;
	size_t len = 0;
	struct oci_resources *res;
	int r;

	if (strcmp(path, "-") == 0)
		r = sheep_read_fd(STDIN_FILENO, OCI_MAX_INPUT_SIZE, &raw, &len, err);
	else
		r = sheep_read_file_at(AT_FDCWD, path, OCI_MAX_INPUT_SIZE, &raw, &len, err);
	if (r < 0) {
		sheep_err_wrap(err, "--resources");
		return NULL;
	}
	res = oci_resources_parse_data(raw, len, name, &msg);
	if (res == NULL)
		sheep_err_take(err, EINVAL, msg);
	return res;
}

struct flag {
	int c;
	const char *value;
};

/* Options into flags (applied after the document, whatever their order); returns 0, or the exit
 * status of a usage error or help. */
static int parse_opts(struct cli_globals *g, int argc, char **argv, const char **resources,
		      struct flag *flags, size_t *n)
{
	int c, status = 1;

	while ((c = cli_next_opt(g, "update", argc, argv, "+:hr:", update_options, &status)) !=
	       -1) {
		if (c == CLI_OPT_STOP)
			return status < 0 ? 1 : (status == 0 ? -1 : status);
		if (c == OPT_L3_CACHE || c == OPT_MEM_BW)
			/* as linux.intelRdt at create: resctrl groups are not managed by this runtime */
			return cli_usage_error(g, "update",
					       "--%s: not supported (Intel RDT is not managed "
					       "by this runtime)",
					       opt_name(c));
		if (c == 'r')
			*resources = optarg;
		else if (*n < (size_t)argc)
			flags[(*n)++] = (struct flag){c, optarg};
	}
	if (optind >= argc)
		return cli_usage_error(g, "update", "missing container id");
	if (optind + 1 < argc)
		return cli_usage_error(g, "update", "too many arguments");
	/* No document and no flag changes nothing; the container is still checked (runc returns 0
	 * for a running one too). */
	return 0;
}

int cmd_update(struct cli_globals *g, int argc, char **argv)
{
	_cleanup_err_ struct sheep_err *err = NULL;
	_cleanup_free_ struct flag *flags = calloc((size_t)argc, sizeof(*flags));
	struct oci_resources *res = NULL;
	const char *resources = NULL, *id;
	size_t n = 0;
	int r = 0;

	if (flags == NULL)
		return cli_usage_error(g, "update", "out of memory");
	r = parse_opts(g, argc, argv, &resources, flags, &n);
	if (r != 0)
		return r < 0 ? 0 : r;
	id = argv[optind];
	res = resources ? load_resources(resources, &err) : calloc(1, sizeof(*res));
	if (res == NULL)
		return err ? cli_fail_id(g, "update", id, err)
			   : cli_usage_error(g, "update", "out of memory");
	for (size_t i = 0; i < n && r == 0; i++) {
		r = set_flag(res, flags[i].c, flags[i].value);
		if (r == -1)
			r = cli_usage_error(g, "update", "--%s: invalid value '%s'",
					    opt_name(flags[i].c), flags[i].value);
		else if (r == -2)
			r = cli_usage_error(g, "update", "out of memory");
	}
	if (r == 0 && sheep_container_update(g->root, id, res, &err) < 0)
		r = cli_fail_id(g, "update", id, err);
	oci_resources_free(res);
	return r;
}
