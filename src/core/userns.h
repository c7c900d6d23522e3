/* User namespace id maps, written by the parent for the child (runtime-spec linux.uidMappings). */
#ifndef SHEEP_CORE_USERNS_H
#define SHEEP_CORE_USERNS_H

#include <sys/types.h>

#include "ocispec.h"
#include "util/err.h"

int sheep_userns_write_maps(pid_t pid, const struct oci_linux *l, struct sheep_err **err);

#endif
