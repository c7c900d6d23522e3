/* `list [--format table|json] [--quiet]` */
#include <stdio.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "cli/opts.h"
#include "cli/verbs.h"
#include "core/container.h"
#include "util/cleanup.h"

static void gen_kv(yajl_gen g, const char *k, const char *v)
{
	yajl_gen_string(g, (const unsigned char *)k, strlen(k));
	yajl_gen_string(g, (const unsigned char *)(v ? v : ""), v ? strlen(v) : 0);
}

/* runc's `list --format json` fields, so tools that parse runc's output read ours */
static void print_json(const struct sheep_list_entry *l, size_t n)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;

	yajl_gen_array_open(g);
	for (size_t i = 0; i < n; i++) {
		const struct sheep_state *st = l[i].state;
		bool stopped = l[i].status == SHEEP_STOPPED;

		yajl_gen_map_open(g);
		gen_kv(g, "ociVersion", "1.3.0");
		gen_kv(g, "id", st->id);
		yajl_gen_string(g, (const unsigned char *)"pid", 3);
		yajl_gen_integer(g, stopped ? 0 : st->pid);
		gen_kv(g, "status", sheep_status_name(l[i].status));
		gen_kv(g, "bundle", st->bundle);
		gen_kv(g, "rootfs", st->rootfs);
		gen_kv(g, "created", st->created);
		yajl_gen_string(g, (const unsigned char *)"owner", 5);
		yajl_gen_integer(g, st->owner);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_get_buf(g, &buf, &len);
	printf("%.*s\n", (int)len, buf);
	yajl_gen_free(g);
}

static void print_table(const struct sheep_list_entry *l, size_t n)
{
	printf("%-24s %-8s %-10s %-40s %-32s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED",
	       "OWNER");
	for (size_t i = 0; i < n; i++) {
		const struct sheep_state *st = l[i].state;
		printf("%-24s %-8d %-10s %-40s %-32s %u\n", st->id,
		       l[i].status == SHEEP_STOPPED ? 0 : (int)st->pid,
		       sheep_status_name(l[i].status), st->bundle ? st->bundle : "",
		       st->created ? st->created : "", (unsigned)st->owner);
	}
}

int cmd_list(struct cli_globals *g, int argc, char **argv)
{
	static const struct option longopts[] = {{"format", required_argument, NULL, 'f'},
						 {"quiet", no_argument, NULL, 'q'},
						 CLI_HELP_OPTION,
						 {NULL, 0, NULL, 0}};
	_cleanup_err_ struct sheep_err *err = NULL;
	struct sheep_list_entry *l = NULL;
	bool json = false, quiet = false;
	int c, status = 1;
	size_t n = 0;

	while ((c = cli_next_opt(g, "list", argc, argv, "+:hf:q", longopts, &status)) != -1) {
		if (c == CLI_OPT_STOP)
			return status;
		if (c == 'q')
			quiet = true;
		else if (c == 'f' && strcmp(optarg, "json") == 0)
			json = true;
		else if (c == 'f' && strcmp(optarg, "table") != 0)
			return cli_usage_error(g, "list",
					       "--format: unknown format '%s' (table or "
					       "json)",
					       optarg);
	}
	if (optind != argc)
		return cli_usage_error(g, "list", "unexpected argument '%s'", argv[optind]);
	if (sheep_container_list(g->root, &l, &n, &err) < 0)
		return cli_fail(g, "list", err);
	if (quiet)
		for (size_t i = 0; i < n; i++)
			printf("%s\n", l[i].state->id);
	else if (json)
		print_json(l, n);
	else
		print_table(l, n);
	sheep_container_list_free(l, n);
	return 0;
}
