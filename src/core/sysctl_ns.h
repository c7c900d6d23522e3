/* linux.sysctl may only name sysctls that belong to a namespace the container has to itself:
 * anything else would be written into the runtime's own (the host's) kernel settings. */
#ifndef SHEEP_CORE_SYSCTL_NS_H
#define SHEEP_CORE_SYSCTL_NS_H

#include "core/namespaces.h"
#include "ocispec.h"
#include "util/err.h"

/* Which namespace a sysctl lives in: CLONE_NEWNET, CLONE_NEWIPC, CLONE_NEWUTS, or 0 when it is
 * global to the kernel. "net.ipv4.ip_forward" and "net/ipv4/ip_forward" are the same name. */
int sheep_sysctl_ns(const char *key);

/* Refuses a sysctl whose namespace the plan neither makes new nor joins by a path that differs
 * from the runtime's own namespace of that type, and kernel.hostname / kernel.domainname when
 * the config's hostname / domainname field sets the same thing. */
int sheep_sysctl_check(const struct oci_config *config, const struct sheep_ns_plan *plan,
		       struct sheep_err **err);

#endif
