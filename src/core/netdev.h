/* linux.netDevices (runtime-spec config-linux.md "Network Devices"): existing network interfaces
 * of the runtime's network namespace moved into the container's, optionally renamed, keeping
 * their permanent global addresses, and brought up. */
#ifndef SHEEP_CORE_NETDEV_H
#define SHEEP_CORE_NETDEV_H

#include <stdbool.h>
#include <sys/types.h>

#include "ocispec.h"
#include "util/err.h"

/* Before anything is made: every name a valid interface name ("%d" allowed in the new one), each
 * host device present, and the container given a network namespace of its own (has_net). */
int sheep_netdev_check(const struct oci_net_devices *devs, bool has_net, struct sheep_err **err);

/* In the runtime, once the container's init (pid) has its network namespace: moves every device,
 * after checking that no interface of the new name exists there (a "%d" template is left to the
 * kernel), then re-adds the addresses the move drops and sets the link up. */
int sheep_netdev_move(const struct oci_net_devices *devs, pid_t pid, struct sheep_err **err);

#endif
