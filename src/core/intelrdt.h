/* linux.intelRdt (runtime-spec config-linux.md "IntelRdt"): this runtime does not place containers
 * in resctrl groups. Rather than ignore the field, create refuses it: with the spec's own error
 * where no resctrl filesystem is mounted, and as unsupported where one is. */
#ifndef SHEEP_CORE_INTELRDT_H
#define SHEEP_CORE_INTELRDT_H

#include "ocispec.h"
#include "util/err.h"

/* 0 when rdt is NULL; otherwise -1 with the reason. mountinfo is the mount table to search
 * (/proc/self/mountinfo; a test passes its own). */
int sheep_intelrdt_check(const struct oci_intel_rdt *rdt, const char *mountinfo,
			 struct sheep_err **err);

#endif
