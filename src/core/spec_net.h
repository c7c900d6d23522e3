/* `sheep-oci spec --network [--publish ...]`: the sheep-net hooks in a bundle's config. */
#ifndef SHEEP_CORE_SPEC_NET_H
#define SHEEP_CORE_SPEC_NET_H

#include <stddef.h>

#include "ocispec.h"
#include "util/err.h"

/* Appends the createRuntime hook `sheep-net up [--publish P]...` and the poststop hook
 * `sheep-net down` (path: the installed sheep-net) to config. Each publish string is passed on
 * as given ([HOSTIP:]HOSTPORT:CTRPORT[/tcp|udp]); sheep-net checks it when the hook runs. */
int sheep_spec_net_add(struct oci_config *config, char *const *publish, size_t publish_len,
		       struct sheep_err **err);

#endif
