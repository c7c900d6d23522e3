/* libocispec/types_linux.c: field tables of the config's "linux" object (config-linux.json,
 * defs-linux.json): namespaces, id mappings, devices, resources, seccomp, intelRdt, ...
 * Key order is the order the runtime-spec documents them in; the writer follows it.
 */
#include "checks.h"
#include "types.h"

#define V(...) ((const char *const[]){__VA_ARGS__, NULL})

const struct oci_enum oci_namespace_enum = {
    "namespace", V("mount", "pid", "network", "uts", "ipc", "user", "cgroup", "time")};
const struct oci_enum oci_seccomp_action_enum = {
    "seccomp action",
    V("SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
      "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY")};
const struct oci_enum oci_seccomp_arch_enum = {
    "seccomp architecture",
    V("SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64",
      "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64",
      "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32",
      "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X",
      "SCMP_ARCH_SH", "SCMP_ARCH_SHEB", "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64",
      "SCMP_ARCH_RISCV64")};
const struct oci_enum oci_seccomp_flag_enum = {
    "seccomp flag", V("SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
		      "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV")};
const struct oci_enum oci_seccomp_operator_enum = {
    "seccomp operator", V("SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE",
			  "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ")};
/* The schema lists the four plain modes; the recursive spellings are accepted as well because
 * runc accepts them and container managers write them (e.g. "rprivate"). */
static const struct oci_enum propagation_enum = {
    "rootfs propagation",
    V("private", "shared", "slave", "unbindable", "rprivate", "rshared", "rslave", "runbindable")};
static const struct oci_enum device_type_enum = {"device type", V("c", "b", "u", "p")};
static const struct oci_enum mpol_mode_enum = {"memory policy mode",
					       V("MPOL_DEFAULT", "MPOL_BIND", "MPOL_INTERLEAVE",
						 "MPOL_WEIGHTED_INTERLEAVE", "MPOL_PREFERRED",
						 "MPOL_PREFERRED_MANY", "MPOL_LOCAL")};
static const struct oci_enum mpol_flag_enum = {
    "memory policy flag",
    V("MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES")};
static const struct oci_enum personality_enum = {"personality domain", V("LINUX", "LINUX32")};

#define REQ .required = true

static const struct oci_field id_mapping_fields[] = {
    OCI_F("containerID", OCI_UINT32, struct oci_id_mapping, container_id, REQ),
    OCI_F("hostID", OCI_UINT32, struct oci_id_mapping, host_id, REQ),
    OCI_F("size", OCI_UINT32, struct oci_id_mapping, size, REQ),
};
const struct oci_type oci_id_mapping_type = OCI_TYPE(struct oci_id_mapping, id_mapping_fields);

static const struct oci_field namespace_fields[] = {
    OCI_F("type", OCI_STRING, struct oci_namespace, type, REQ, .values = &oci_namespace_enum),
    OCI_F("path", OCI_STRING, struct oci_namespace, path),
};
static const struct oci_type namespace_type = OCI_TYPE(struct oci_namespace, namespace_fields);

static const struct oci_field time_offset_fields[] = {
    OCI_FH("secs", OCI_INT64, struct oci_time_offset, secs),
    OCI_FH("nanosecs", OCI_UINT32, struct oci_time_offset, nanosecs),
};
static const struct oci_type time_offset_type =
    OCI_TYPE(struct oci_time_offset, time_offset_fields);

static const struct oci_field time_offsets_fields[] = {
    OCI_F("boottime", OCI_OBJECT, struct oci_time_offsets, boottime, .type = &time_offset_type),
    OCI_F("monotonic", OCI_OBJECT, struct oci_time_offsets, monotonic, .type = &time_offset_type),
};
static const struct oci_type time_offsets_type =
    OCI_TYPE(struct oci_time_offsets, time_offsets_fields);

static const struct oci_field device_fields[] = {
    OCI_F("type", OCI_STRING, struct oci_device, type, REQ, .values = &device_type_enum),
    OCI_F("path", OCI_STRING, struct oci_device, path, REQ),
    OCI_FH("major", OCI_INT64, struct oci_device, major),
    OCI_FH("minor", OCI_INT64, struct oci_device, minor),
    OCI_FH("fileMode", OCI_UINT32, struct oci_device, file_mode, .check = oci_check_file_mode),
    OCI_FH("uid", OCI_UINT32, struct oci_device, uid),
    OCI_FH("gid", OCI_UINT32, struct oci_device, gid),
};
static const struct oci_type device_type = OCI_TYPE(struct oci_device, device_fields);

/* netDevices values are {"name": string}: an array of them has the layout of a char * array */
struct net_device_value {
	char *name;
};
_Static_assert(sizeof(struct net_device_value) == sizeof(char *), "netDevices value layout");
_Static_assert(offsetof(struct oci_net_devices, host_names) == offsetof(struct oci_keyed, keys) &&
		   offsetof(struct oci_net_devices, names) == offsetof(struct oci_keyed, values) &&
		   offsetof(struct oci_net_devices, len) == offsetof(struct oci_keyed, len),
	       "oci_net_devices layout");
_Static_assert(offsetof(struct oci_rdma, devices) == offsetof(struct oci_keyed, keys) &&
		   offsetof(struct oci_rdma, limits) == offsetof(struct oci_keyed, values) &&
		   offsetof(struct oci_rdma, len) == offsetof(struct oci_keyed, len),
	       "oci_rdma layout");
static const struct oci_field net_device_fields[] = {
    OCI_F("name", OCI_STRING, struct net_device_value, name),
};
static const struct oci_type net_device_type = OCI_TYPE(struct net_device_value, net_device_fields);

static const struct oci_field syscall_arg_fields[] = {
    OCI_F("index", OCI_UINT32, struct oci_syscall_arg, index, REQ),
    OCI_F("value", OCI_UINT64, struct oci_syscall_arg, value, REQ),
    OCI_FH("valueTwo", OCI_UINT64, struct oci_syscall_arg, value_two),
    OCI_F("op", OCI_STRING, struct oci_syscall_arg, op, REQ, .values = &oci_seccomp_operator_enum),
};
static const struct oci_type syscall_arg_type =
    OCI_TYPE(struct oci_syscall_arg, syscall_arg_fields);

static const struct oci_field syscall_fields[] = {
    OCI_FA("names", OCI_STRING_ARRAY, struct oci_syscall, names, REQ, .check = oci_check_not_empty),
    OCI_F("action", OCI_STRING, struct oci_syscall, action, REQ,
	  .values = &oci_seccomp_action_enum),
    OCI_FH("errnoRet", OCI_UINT32, struct oci_syscall, errno_ret),
    OCI_FA("args", OCI_OBJECT_ARRAY, struct oci_syscall, args, .type = &syscall_arg_type),
};
static const struct oci_type syscall_type = OCI_TYPE(struct oci_syscall, syscall_fields);

static const struct oci_field seccomp_fields[] = {
    OCI_F("defaultAction", OCI_STRING, struct oci_seccomp, default_action, REQ,
	  .values = &oci_seccomp_action_enum),
    OCI_FH("defaultErrnoRet", OCI_UINT32, struct oci_seccomp, default_errno_ret),
    OCI_FA("architectures", OCI_STRING_ARRAY, struct oci_seccomp, architectures,
	   .values = &oci_seccomp_arch_enum),
    OCI_FA("flags", OCI_STRING_ARRAY, struct oci_seccomp, flags, .values = &oci_seccomp_flag_enum),
    OCI_F("listenerPath", OCI_STRING, struct oci_seccomp, listener_path),
    OCI_F("listenerMetadata", OCI_STRING, struct oci_seccomp, listener_metadata),
    OCI_FA("syscalls", OCI_OBJECT_ARRAY, struct oci_seccomp, syscalls, .type = &syscall_type),
};
static const struct oci_type seccomp_type = OCI_TYPE(struct oci_seccomp, seccomp_fields);

static const struct oci_field intel_rdt_fields[] = {
    OCI_F("closID", OCI_STRING, struct oci_intel_rdt, clos_id),
    OCI_FA("schemata", OCI_STRING_ARRAY, struct oci_intel_rdt, schemata),
    OCI_F("l3CacheSchema", OCI_STRING, struct oci_intel_rdt, l3_cache_schema),
    OCI_F("memBwSchema", OCI_STRING, struct oci_intel_rdt, mem_bw_schema,
	  .check = oci_check_mem_bw_schema),
    OCI_FH("enableMonitoring", OCI_BOOL, struct oci_intel_rdt, enable_monitoring),
};
static const struct oci_type intel_rdt_type = OCI_TYPE(struct oci_intel_rdt, intel_rdt_fields);

static const struct oci_field personality_fields[] = {
    OCI_F("domain", OCI_STRING, struct oci_personality, domain, .values = &personality_enum),
    OCI_FA("flags", OCI_STRING_ARRAY, struct oci_personality, flags),
};
static const struct oci_type personality_type =
    OCI_TYPE(struct oci_personality, personality_fields);

static const struct oci_field memory_policy_fields[] = {
    OCI_F("mode", OCI_STRING, struct oci_memory_policy, mode, .values = &mpol_mode_enum),
    OCI_F("nodes", OCI_STRING, struct oci_memory_policy, nodes),
    OCI_FA("flags", OCI_STRING_ARRAY, struct oci_memory_policy, flags, .values = &mpol_flag_enum),
};
static const struct oci_type memory_policy_type =
    OCI_TYPE(struct oci_memory_policy, memory_policy_fields);

static const struct oci_field linux_fields[] = {
    OCI_FA("namespaces", OCI_OBJECT_ARRAY, struct oci_linux, namespaces, .type = &namespace_type),
    OCI_FA("uidMappings", OCI_OBJECT_ARRAY, struct oci_linux, uid_mappings,
	   .type = &oci_id_mapping_type),
    OCI_FA("gidMappings", OCI_OBJECT_ARRAY, struct oci_linux, gid_mappings,
	   .type = &oci_id_mapping_type),
    OCI_F("timeOffsets", OCI_OBJECT, struct oci_linux, time_offsets, .type = &time_offsets_type),
    OCI_FA("devices", OCI_OBJECT_ARRAY, struct oci_linux, devices, .type = &device_type),
    OCI_F("netDevices", OCI_KEYED, struct oci_linux, net_devices, .type = &net_device_type),
    OCI_F("cgroupsPath", OCI_STRING, struct oci_linux, cgroups_path),
    OCI_F("resources", OCI_OBJECT, struct oci_linux, resources, .type = &oci_resources_type),
    OCI_F("intelRdt", OCI_OBJECT, struct oci_linux, intel_rdt, .type = &intel_rdt_type),
    OCI_F("sysctl", OCI_MAP, struct oci_linux, sysctl),
    OCI_F("seccomp", OCI_OBJECT, struct oci_linux, seccomp, .type = &seccomp_type),
    OCI_F("rootfsPropagation", OCI_STRING, struct oci_linux, rootfs_propagation,
	  .values = &propagation_enum),
    OCI_FA("maskedPaths", OCI_STRING_ARRAY, struct oci_linux, masked_paths),
    OCI_FA("readonlyPaths", OCI_STRING_ARRAY, struct oci_linux, readonly_paths),
    OCI_F("mountLabel", OCI_STRING, struct oci_linux, mount_label),
    OCI_F("personality", OCI_OBJECT, struct oci_linux, personality, .type = &personality_type),
    OCI_F("memoryPolicy", OCI_OBJECT, struct oci_linux, memory_policy, .type = &memory_policy_type),
};
const struct oci_type oci_linux_type = OCI_TYPE(struct oci_linux, linux_fields);
