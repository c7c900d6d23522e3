/* The device allowlist (config-linux.md "Device allowlist") on cgroup v2: the rules become an eBPF
 * program of type BPF_PROG_TYPE_CGROUP_DEVICE attached to the container's cgroup. Shared by the
 * files of the cgroup module and its unit tests, not part of the public API. */
#ifndef SHEEP_CORE_CGROUP_DEVICES_BPF_H
#define SHEEP_CORE_CGROUP_DEVICES_BPF_H

#include <linux/bpf.h>
#include <stddef.h>

#include "ocispec.h"
#include "util/err.h"

/* The name every program of ours carries (BPF_OBJ_NAME_LEN), so a replace detaches only ours. */
#define CG_DEVICES_PROG_NAME "sheep_devices"

/* The devices every container keeps (config-linux.md "Default Devices"), allowed after the rules
 * of the config on v1 and v2 alike, so a deny-all does not take away /dev/null. */
extern const struct oci_device_cgroup cg_default_device_rules[];
extern const size_t cg_default_device_rules_len;

/* Checks type (a, b, c or absent), access (letters of "rwm", absent = "rwm") and the numbers
 * (0..4294967295) of every rule; errors name linux.resources.devices[i]. */
int cg_devices_validate(const struct oci_device_cgroup *rules, size_t len, struct sheep_err **err);

/* The rules as the container gets them, the same on v1 and v2: deny all, the config's rules in
 * order, then the default devices. *ret is malloc'd; its strings belong to r and the defaults. */
int cg_devices_effective(const struct oci_resources *r, struct oci_device_cgroup **ret,
			 size_t *ret_len, struct sheep_err **err);

/* Translates the ordered rules into a program over struct bpf_cgroup_dev_ctx that returns 1
 * (allow) or 0 (deny): the last rule that matches decides; no rule matching allows. An allow rule
 * matches when the requested access is a subset of its access, a deny rule when they intersect.
 * Pure (no kernel); *ret is malloc'd. */
int cg_devices_bpf_build(const struct oci_device_cgroup *rules, size_t len, struct bpf_insn **ret,
			 size_t *ret_len, struct sheep_err **err);

/* bpf(BPF_PROG_LOAD) of a device program; returns its fd (O_CLOEXEC). On a rejected program the
 * error carries the verifier's reason. */
int cg_devices_bpf_load(const struct bpf_insn *insns, size_t len, struct sheep_err **err);

/* The line of a verifier log that says why: the last non-empty one that is not the "processed N
 * insns" summary. Points into log (which is modified); "" when there is none. */
const char *cg_bpf_log_reason(char *log);

/* Attaches prog to the cgroup directory cgfd (BPF_F_ALLOW_MULTI), then detaches the device
 * programs of ours that were attached there before: an update replaces, never stacks. */
int cg_devices_bpf_replace(int cgfd, int prog, struct sheep_err **err);

/* The v2 apply function of linux.resources.devices; dir is the container's v2 directory. Returns
 * 1 when an unprivileged caller may not load the filter (the rules are skipped), else 0 or -1. */
int cg_v2_devices(const char *dir, const struct oci_resources *r, struct sheep_err **err);

#endif
