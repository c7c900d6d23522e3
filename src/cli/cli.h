/* What every verb of the sheep-oci CLI shares: the global options, the verb table, output. */
#ifndef SHEEP_CLI_H
#define SHEEP_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "util/err.h"

struct cli_globals {
	const char *root; /* --root, NULL = default */
	const char *log_path;
	bool log_json;
	bool debug;
	bool systemd_cgroup;
	bool rootless_flag_set;
	char **argv;	   /* the whole command line, for handing a verb to a helper program */
	int inherited_fds; /* open fds from 3 on, contiguous, as the caller passed them */
};

struct cli_verb {
	const char *name;
	int (*run)(struct cli_globals *g, int argc, char **argv);
	const char *summary;
	const char *usage; /* "[OPTIONS] ID", options described below it */
};

extern const struct cli_verb cli_verbs[];
const struct cli_verb *cli_find_verb(const char *name);
void cli_print_verb_help(const struct cli_verb *v, FILE *out);

/* Prints "sheep-oci: VERB: message" (text or JSON, to stderr and the --log file). Returns 1,
 * the exit status for a failed verb. */
int cli_fail(struct cli_globals *g, const char *verb, struct sheep_err *err);
/* The same, for a verb on one container: "sheep-oci: VERB 'ID': message". */
int cli_fail_id(struct cli_globals *g, const char *verb, const char *id, struct sheep_err *err);
/* Routes the runtime library's log lines through cli_log. Fails (-1, message printed) when the
 * --log file cannot be opened for appending. */
int cli_log_init(struct cli_globals *g);
/* A usage error: prints the message and the verb's usage line, returns 1. */
int cli_usage_error(struct cli_globals *g, const char *verb, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Debug/warning lines go to the --log file (or stderr for warnings without one). */
void cli_log(struct cli_globals *g, const char *level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
