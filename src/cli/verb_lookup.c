/* Finding a verb in the table and printing its help (shared by sheep-oci and sheep-oci-unpack). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

const struct cli_verb *cli_find_verb(const char *name)
{
	for (const struct cli_verb *v = cli_verbs; v->name; v++)
		if (strcmp(v->name, name) == 0)
			return v;
	return NULL;
}

void cli_print_verb_help(const struct cli_verb *v, FILE *out)
{
	fprintf(out, "sheep-oci %s - %s\n\nUsage: sheep-oci %s %s\n", v->name, v->summary, v->name,
		v->usage);
}
