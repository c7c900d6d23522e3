/* A small driver of the cgroup API for tests/integration/cgroups.bats: real cgroups as root,
 * without needing the rest of the runtime. The state text goes to stdout (create) and is read
 * back from a file by the other commands.
 *   create ID PATH|- [memory=N] [pids=N] [cpus=S] [shares=N] [devices] [unified:K=V]
 *   enter STATE PID | pids STATE | kill STATE SIG | freeze STATE 0|1 | destroy STATE | mounts STATE */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cgroup.h"
#include "util/cleanup.h"
#include "util/fs.h"

static struct oci_memory mem;
static struct oci_pids pids;
static struct oci_cpu cpu;
static struct oci_device_cgroup devs[2] = {
    {.allow = false, .access = "rwm"},
    {.allow = true,
     .type = "c",
     .has_major = true,
     .major = 10,
     .has_minor = true,
     .minor = 200,
     .access = "rw"},
};
static char *ukeys[8], *uvals[8];
static struct oci_map unified = {.keys = ukeys, .values = uvals};
static struct oci_resources res;

static void parse_res(int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		char *a = argv[i];

		if (strncmp(a, "memory=", 7) == 0) {
			mem.has_limit = true;
			mem.limit = strtoll(a + 7, NULL, 10);
			res.memory = &mem;
		} else if (strncmp(a, "pids=", 5) == 0) {
			pids.limit = strtoll(a + 5, NULL, 10);
			res.pids = &pids;
		} else if (strncmp(a, "cpus=", 5) == 0) {
			cpu.cpus = a + 5;
			res.cpu = &cpu;
		} else if (strncmp(a, "shares=", 7) == 0) {
			cpu.has_shares = true;
			cpu.shares = strtoull(a + 7, NULL, 10);
			res.cpu = &cpu;
		} else if (strcmp(a, "devices") == 0) {
			res.devices = devs;
			res.devices_len = 2;
		} else if (strncmp(a, "unified:", 8) == 0 && unified.len < 8) {
			char *eq = strchr(a, '=');

			*eq = '\0';
			ukeys[unified.len] = a + 8;
			uvals[unified.len++] = eq + 1;
			res.unified = &unified;
		}
	}
}

static int load(const char *file, struct sheep_cgroup **cg, struct sheep_err **err)
{
	_cleanup_free_ char *text = NULL;

	if (sheep_read_file_at(AT_FDCWD, file, 1 << 20, &text, NULL, err) < 0)
		return -1;
	return sheep_cgroup_load(text, cg, err);
}

static int run(int argc, char **argv, struct sheep_err **err)
{
	struct sheep_cgroup *cg = NULL;
	int r = -1;

	if (strcmp(argv[1], "create") == 0) {
		struct sheep_cgroup_opts o = {.id = argv[2],
					      .cgroups_path = strcmp(argv[3], "-") ? argv[3] : NULL,
					      .systemd = getenv("SYSTEMD") != NULL};
		_cleanup_free_ char *text = NULL;

		parse_res(argc - 4, argv + 4);
		if (sheep_cgroup_create(&o, &res, &cg, err) < 0)
			return -1;
		text = sheep_cgroup_serialize(cg);
		fputs(text, stdout);
		sheep_cgroup_free(cg);
		return 0;
	}
	if (load(argv[2], &cg, err) < 0)
		return -1;
	if (strcmp(argv[1], "enter") == 0) {
		r = sheep_cgroup_enter(cg, NULL, atoi(argv[3]), err);
	} else if (strcmp(argv[1], "pids") == 0) {
		_cleanup_free_ pid_t *p = NULL;
		size_t n = 0;

		r = sheep_cgroup_pids(cg, &p, &n, err);
		for (size_t i = 0; r == 0 && i < n; i++)
			printf("%d\n", (int)p[i]);
	} else if (strcmp(argv[1], "kill") == 0) {
		r = sheep_cgroup_kill(cg, atoi(argv[3]), err);
	} else if (strcmp(argv[1], "freeze") == 0) {
		r = sheep_cgroup_freeze(cg, atoi(argv[3]) != 0, err);
	} else if (strcmp(argv[1], "destroy") == 0) {
		r = sheep_cgroup_destroy(cg, err);
	} else if (strcmp(argv[1], "mounts") == 0) {
		struct sheep_cgroup_mount *m = NULL;
		size_t n = 0;

		r = sheep_cgroup_mounts(cg, &m, &n, err);
		for (size_t i = 0; r == 0 && i < n; i++)
			printf("%s %s %s\n", m[i].v2 ? "v2" : "v1", m[i].controllers,
			       m[i].host_path);
		sheep_cgroup_mounts_free(m, n);
	}
	sheep_cgroup_free(cg);
	return r;
}

int main(int argc, char **argv)
{
	_cleanup_err_ struct sheep_err *err = NULL;

	if (argc < 3 || (strcmp(argv[1], "create") == 0 && argc < 4)) {
		fprintf(stderr, "usage: see the comment at the top of test_cgroup_helper.c\n");
		return 2;
	}
	if (run(argc, argv, &err) < 0) {
		fprintf(stderr, "%s\n", err ? err->msg : "failed");
		return 1;
	}
	return 0;
}
