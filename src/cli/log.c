/* The one place the CLI reports: errors and log lines, as text or as runc-style JSON lines,
 * to stderr and to the --log file. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/log.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/jsonstr.h"
#include "util/utctime.h"

/* Text lines print control characters as \xNN: an id or path with a newline or an escape
 * sequence (from a caller or a hostile config) must not forge log lines or drive the terminal. */
static void put_text(FILE *out, const char *msg)
{
	for (const unsigned char *p = (const unsigned char *)msg; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			fprintf(out, "\\x%02x", *p);
		else
			fputc(*p, out);
	}
	fputc('\n', out);
}

static void format_line(FILE *out, bool json, const char *level, const char *msg)
{
	if (json) {
		char ts[SHEEP_UTC_LEN];
		char *quoted = sheep_json_quote(msg);

		sheep_utc_now(ts);
		fprintf(out, "{\"level\":\"%s\",\"msg\":%s,\"time\":\"%s\"}\n", level,
			quoted ? quoted : "\"out of memory\"", ts);
		free(quoted);
	} else {
		put_text(out, msg);
	}
}

/* Appends one line to the --log file with a single write, so concurrent writers never interleave. */
static void write_log_file(struct cli_globals *g, const char *level, const char *msg)
{
	_cleanup_free_ char *line = NULL;
	size_t len = 0;
	FILE *mem;
	int fd;

	if (g->log_path == NULL)
		return;
	mem = open_memstream(&line, &len);
	if (mem == NULL)
		return;
	if (!g->log_json)
		fprintf(mem, "%s: ", level);
	format_line(mem, g->log_json, level, msg);
	fclose(mem);
	fd = open(g->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0)
		return;
	(void)sheep_write_all(fd, line, len);
	close(fd);
}

static void report(struct cli_globals *g, const char *level, const char *msg, bool to_stderr)
{
	write_log_file(g, level, msg);
	if (!to_stderr)
		return;
	if (g->log_json && g->log_path == NULL)
		format_line(stderr, true, level, msg);
	else {
		fputs("sheep-oci: ", stderr);
		put_text(stderr, msg);
	}
}

int cli_fail(struct cli_globals *g, const char *verb, struct sheep_err *err)
{
	_cleanup_free_ char *msg = NULL;

	if (asprintf(&msg, "%s%s%s", verb ? verb : "", verb ? ": " : "",
		     err ? err->msg : "unknown error") < 0)
		return 1;
	report(g, "error", msg, true);
	return 1;
}

int cli_fail_id(struct cli_globals *g, const char *verb, const char *id, struct sheep_err *err)
{
	_cleanup_free_ char *label = NULL;

	if (asprintf(&label, "%s '%s'", verb, id) < 0)
		return cli_fail(g, verb, err);
	return cli_fail(g, label, err);
}

int cli_usage_error(struct cli_globals *g, const char *verb, const char *fmt, ...)
{
	_cleanup_free_ char *text = NULL, *msg = NULL;
	const struct cli_verb *v = verb ? cli_find_verb(verb) : NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	if (asprintf(&msg, "%s%s%s", verb ? verb : "", verb ? ": " : "", text ? text : fmt) < 0)
		return 1;
	report(g, "error", msg, true);
	if (v)
		fprintf(stderr, "Usage: sheep-oci %s %s\n", v->name, v->usage);
	return 1;
}

static struct cli_globals *core_log_globals;

static void core_log(enum sheep_log_level level, const char *msg)
{
	cli_log(core_log_globals, level == SHEEP_LOG_DEBUG ? "debug" : "warning", "%s", msg);
}

int cli_log_init(struct cli_globals *g)
{
	int fd;

	core_log_globals = g;
	sheep_log_set_handler(core_log);
	if (g->log_path == NULL)
		return 0;
	/* Lines are appended one open at a time (write_log_file); a file that cannot be written
	 * at all is an error at once, as with runc, not messages lost later. */
	fd = open(g->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0) {
		fprintf(stderr, "sheep-oci: --log '%s': %s\n", g->log_path, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

void cli_log(struct cli_globals *g, const char *level, const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL;
	bool debug = strcmp(level, "debug") == 0;
	va_list ap;

	if (debug && !g->debug)
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (msg == NULL)
		return;
	/* Warnings reach the user on stderr when there is no log file to read them from. */
	report(g, level, msg, g->log_path == NULL && !debug);
}
