/* `list [--format table|json] [--quiet]` and `state`, in runc's formats: one container is the
 * spec's state document plus runc's rootfs, created and owner (a user name), with annotations
 * when there are some; the table is aligned as Go's tabwriter aligns it. */
#include <stdio.h>
#include <stdlib.h>
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

/* The owner as runc names it: the user name from /etc/passwd (read directly, as runc does, which
 * also keeps NSS out of a static binary), or "#UID" when the uid has none. */
static char *owner_name(uid_t uid)
{
	_cleanup_fclose_ FILE *f = fopen("/etc/passwd", "re");
	_cleanup_free_ char *line = NULL;
	char *name = NULL;
	size_t cap = 0;

	while (f && name == NULL && getline(&line, &cap, f) > 0) {
		char *user = strtok(line, ":"), *uid_text;

		if (user && strtok(NULL, ":") && (uid_text = strtok(NULL, ":")) &&
		    strtoul(uid_text, NULL, 10) == uid && strspn(uid_text, "0123456789") > 0)
			name = strdup(user);
	}
	if (name == NULL && asprintf(&name, "#%u", (unsigned)uid) < 0)
		name = NULL;
	return name;
}

/* runc lists in the order of its directory listing, which Go sorts by name */
static int by_id(const void *a, const void *b)
{
	return strcmp(((const struct sheep_list_entry *)a)->state->id,
		      ((const struct sheep_list_entry *)b)->state->id);
}

static void gen_annotations(yajl_gen g, const struct oci_map *m)
{
	if (m->len == 0)
		return; /* runc leaves the field out then (omitempty) */
	yajl_gen_string(g, (const unsigned char *)"annotations", 11);
	yajl_gen_map_open(g);
	for (size_t i = 0; i < m->len; i++)
		gen_kv(g, m->keys[i], m->values[i]);
	yajl_gen_map_close(g);
}

/* runc's fields for one container, in its order, so tools that parse runc's output read ours */
static void gen_container(yajl_gen g, const struct sheep_list_entry *e)
{
	const struct sheep_state *st = e->state;
	bool stopped = e->status == SHEEP_STOPPED;
	_cleanup_free_ char *owner = owner_name(st->owner);

	yajl_gen_map_open(g);
	gen_kv(g, "ociVersion", OCI_SPEC_VERSION);
	gen_kv(g, "id", st->id);
	yajl_gen_string(g, (const unsigned char *)"pid", 3);
	yajl_gen_integer(g, stopped ? 0 : st->pid);
	gen_kv(g, "status", sheep_status_name(e->status));
	gen_kv(g, "bundle", st->bundle);
	/* unknown for a create that died before writing its state: left out, as "" is no time
	 * to a reader that parses it as one (go-runc) */
	if (st->rootfs != NULL)
		gen_kv(g, "rootfs", st->rootfs);
	if (st->created != NULL)
		gen_kv(g, "created", st->created);
	gen_annotations(g, &st->annotations);
	gen_kv(g, "owner", owner);
	yajl_gen_map_close(g);
}

/* `list --format json`: an array of them; `state`: one, indented as runc indents it */
static void print_json(const struct sheep_list_entry *l, size_t n, bool one)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;

	if (one) {
		yajl_gen_config(g, yajl_gen_beautify, 1);
		yajl_gen_config(g, yajl_gen_indent_string, "  ");
		gen_container(g, l);
	} else {
		yajl_gen_array_open(g);
		for (size_t i = 0; i < n; i++)
			gen_container(g, &l[i]);
		yajl_gen_array_close(g);
	}
	yajl_gen_get_buf(g, &buf, &len);
	printf("%.*s%s", (int)len, buf, len > 0 && buf[len - 1] == '\n' ? "" : "\n");
	yajl_gen_free(g);
}

#define LIST_COLUMNS 6

/* runc writes its table through tabwriter.NewWriter(out, 12, 1, 3, ' ', 0): every column but the
 * last is as wide as its widest cell plus 3 spaces, and at least 12. */
static void print_row(char *const *cells, const size_t *width)
{
	for (int c = 0; c < LIST_COLUMNS - 1; c++)
		printf("%-*s", (int)width[c], cells[c]);
	printf("%s\n", cells[LIST_COLUMNS - 1]);
}

static char **table_cells(const struct sheep_list_entry *e)
{
	const struct sheep_state *st = e->state;
	char **cells = calloc(LIST_COLUMNS, sizeof(*cells));

	if (cells == NULL)
		return NULL;
	cells[0] = strdup(st->id);
	if (asprintf(&cells[1], "%d", e->status == SHEEP_STOPPED ? 0 : (int)st->pid) < 0)
		cells[1] = NULL;
	cells[2] = strdup(sheep_status_name(e->status));
	cells[3] = strdup(st->bundle ? st->bundle : "");
	cells[4] = strdup(st->created ? st->created : "");
	cells[5] = owner_name(st->owner);
	for (int c = 0; c < LIST_COLUMNS; c++)
		if (cells[c] == NULL)
			cells[c] = strdup("");
	return cells;
}

static void print_table(const struct sheep_list_entry *l, size_t n)
{
	static char *const header[LIST_COLUMNS] = {"ID",     "PID",	"STATUS",
						   "BUNDLE", "CREATED", "OWNER"};
	_cleanup_free_ char ***rows = calloc(n + 1, sizeof(*rows));
	size_t width[LIST_COLUMNS];

	if (rows == NULL)
		return;
	for (int c = 0; c < LIST_COLUMNS; c++)
		width[c] = strlen(header[c]) + 3 < 12 ? 12 : strlen(header[c]) + 3;
	for (size_t i = 0; i < n; i++) {
		rows[i] = table_cells(&l[i]);
		for (int c = 0; rows[i] && c < LIST_COLUMNS; c++)
			if (rows[i][c] && strlen(rows[i][c]) + 3 > width[c])
				width[c] = strlen(rows[i][c]) + 3;
	}
	print_row(header, width);
	for (size_t i = 0; i < n; i++) {
		if (rows[i] == NULL)
			continue;
		print_row(rows[i], width);
		for (int c = 0; c < LIST_COLUMNS; c++)
			free(rows[i][c]);
		free(rows[i]);
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
	if (n > 1)
		qsort(l, n, sizeof(*l), by_id);
	if (quiet)
		for (size_t i = 0; i < n; i++)
			printf("%s\n", l[i].state->id);
	else if (json)
		print_json(l, n, false);
	else
		print_table(l, n);
	sheep_container_list_free(l, n);
	return 0;
}

int cmd_state(struct cli_globals *g, int argc, char **argv)
{
	_cleanup_err_ struct sheep_err *err = NULL;
	struct sheep_list_entry e = {0};
	int c, status = 1;
	const char *id;

	while ((c = cli_next_opt(g, "state", argc, argv, "+:h", cli_help_only, &status)) != -1)
		if (c == CLI_OPT_STOP)
			return status;
	if ((id = cli_parse_id(g, "state", argc, argv, 0, &status)) == NULL)
		return status;
	if (sheep_container_state(g->root, id, &e, &err) < 0)
		return cli_fail_id(g, "state", id, err);
	print_json(&e, 1, true);
	sheep_state_free(e.state);
	return 0;
}
