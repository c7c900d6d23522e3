/* linux.intelRdt: refused, with the reason (see intelrdt.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/intelrdt.h"

/* A line of mountinfo whose filesystem type (after " - ") is resctrl. */
static bool resctrl_mounted(const char *mountinfo)
{
	FILE *f = fopen(mountinfo, "re");
	char *line = NULL;
	size_t cap = 0;
	bool found = false;

	if (f == NULL)
		return false;
	while (!found && getline(&line, &cap, f) > 0) {
		const char *sep = strstr(line, " - ");
		found = sep != NULL && strncmp(sep + 3, "resctrl ", 8) == 0;
	}
	free(line);
	fclose(f);
	return found;
}

int sheep_intelrdt_check(const struct oci_intel_rdt *rdt, const char *mountinfo,
			 struct sheep_err **err)
{
	if (rdt == NULL)
		return 0;
	if (!resctrl_mounted(mountinfo))
		return sheep_err_code(
		    err, ENODEV,
		    "config.json: linux.intelRdt: no resctrl filesystem is mounted "
		    "(Intel RDT is not available on this host)");
	return sheep_err_code(err, EOPNOTSUPP,
			      "config.json: linux.intelRdt: resctrl groups are not supported by "
			      "this runtime");
}
