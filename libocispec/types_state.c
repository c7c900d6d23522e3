/* libocispec/types_state.c: field tables of the container state (state-schema.json) and of the
 * runtime features document (features-schema.json, features-linux.json).
 */
#include "checks.h"
#include "types.h"

#define V(...) ((const char *const[]){__VA_ARGS__, NULL})
#define REQ .required = true

/* state-schema.json lists four; "paused" is what runc reports for a frozen container, container
 * managers expect it, and sheep-oci's own state output uses it, so it must read back. */
static const struct oci_enum status_enum = {
    "status", V("creating", "created", "running", "stopped", "paused")};

static const struct oci_field state_fields[] = {
    OCI_F("ociVersion", OCI_STRING, struct oci_state, oci_version, REQ),
    OCI_F("id", OCI_STRING, struct oci_state, id, REQ),
    OCI_F("status", OCI_STRING, struct oci_state, status, REQ, .values = &status_enum),
    OCI_FH("pid", OCI_INT64, struct oci_state, pid, .check = oci_check_pid),
    OCI_F("bundle", OCI_STRING, struct oci_state, bundle, REQ),
    OCI_F("annotations", OCI_MAP, struct oci_state, annotations),
};
const struct oci_type oci_state_type = OCI_TYPE(struct oci_state, state_fields);

static const struct oci_field enabled_fields[] = {
    OCI_FH("enabled", OCI_BOOL, struct oci_features_enabled, enabled),
};
static const struct oci_type enabled_type = OCI_TYPE(struct oci_features_enabled, enabled_fields);

static const struct oci_field cgroup_fields[] = {
    OCI_FH("v1", OCI_BOOL, struct oci_features_cgroup, v1),
    OCI_FH("v2", OCI_BOOL, struct oci_features_cgroup, v2),
    OCI_FH("systemd", OCI_BOOL, struct oci_features_cgroup, systemd),
    OCI_FH("systemdUser", OCI_BOOL, struct oci_features_cgroup, systemd_user),
    OCI_FH("rdma", OCI_BOOL, struct oci_features_cgroup, rdma),
};
static const struct oci_type cgroup_type = OCI_TYPE(struct oci_features_cgroup, cgroup_fields);

#define S struct oci_features_seccomp
static const struct oci_field seccomp_fields[] = {
    OCI_FH("enabled", OCI_BOOL, S, enabled),
    OCI_FA("actions", OCI_STRING_ARRAY, S, actions, .values = &oci_seccomp_action_enum),
    OCI_FA("operators", OCI_STRING_ARRAY, S, operators, .values = &oci_seccomp_operator_enum),
    OCI_FA("archs", OCI_STRING_ARRAY, S, archs, .values = &oci_seccomp_arch_enum),
    OCI_FA("knownFlags", OCI_STRING_ARRAY, S, known_flags, .values = &oci_seccomp_flag_enum),
    OCI_FA("supportedFlags", OCI_STRING_ARRAY, S, supported_flags,
	   .values = &oci_seccomp_flag_enum),
};
#undef S
static const struct oci_type seccomp_type = OCI_TYPE(struct oci_features_seccomp, seccomp_fields);

/* "mountExtensions": {"idmap": {...}} is flattened into oci_features_linux.idmap_mounts */
static const struct oci_field mount_extensions_fields[] = {
    OCI_F("idmap", OCI_OBJECT, struct oci_features_linux, idmap_mounts, .type = &enabled_type),
};
static const struct oci_type mount_extensions_type =
    OCI_TYPE(struct oci_features_linux, mount_extensions_fields);

#define L struct oci_features_linux
static const struct oci_field features_linux_fields[] = {
    OCI_FA("namespaces", OCI_STRING_ARRAY, L, namespaces, .values = &oci_namespace_enum),
    OCI_FA("capabilities", OCI_STRING_ARRAY, L, capabilities),
    OCI_F("cgroup", OCI_OBJECT, L, cgroup, .type = &cgroup_type),
    OCI_F("seccomp", OCI_OBJECT, L, seccomp, .type = &seccomp_type),
    OCI_F("apparmor", OCI_OBJECT, L, apparmor, .type = &enabled_type),
    OCI_F("selinux", OCI_OBJECT, L, selinux, .type = &enabled_type),
    OCI_F("intelRdt", OCI_OBJECT, L, intel_rdt, .type = &enabled_type),
    {.key = "mountExtensions",
     .kind = OCI_FLATTEN,
     .has_off = OCI_NO_FLAG,
     .type = &mount_extensions_type},
    OCI_F("netDevices", OCI_OBJECT, L, net_devices, .type = &enabled_type),
};
#undef L
static const struct oci_type features_linux_type =
    OCI_TYPE(struct oci_features_linux, features_linux_fields);

static const struct oci_field features_fields[] = {
    OCI_F("ociVersionMin", OCI_STRING, struct oci_features, oci_version_min, REQ),
    OCI_F("ociVersionMax", OCI_STRING, struct oci_features, oci_version_max, REQ),
    OCI_FA("hooks", OCI_STRING_ARRAY, struct oci_features, hooks),
    OCI_FA("mountOptions", OCI_STRING_ARRAY, struct oci_features, mount_options),
    OCI_F("annotations", OCI_MAP, struct oci_features, annotations),
    OCI_FA("potentiallyUnsafeConfigAnnotations", OCI_STRING_ARRAY, struct oci_features,
	   potentially_unsafe_config_annotations),
    OCI_F("linux", OCI_OBJECT, struct oci_features, linux_, .type = &features_linux_type),
};
const struct oci_type oci_features_type = OCI_TYPE(struct oci_features, features_fields);
