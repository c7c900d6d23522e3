/* libocispec/types_config.c: field tables of the top of config.json (config-schema.json,
 * defs.json): process, root, mounts, hooks, annotations; "linux" is in types_linux.c.
 */
#include "checks.h"
#include "types.h"

#define V(...) ((const char *const[]){__VA_ARGS__, NULL})
#define REQ .required = true

static const struct oci_enum ioprio_class_enum = {
    "io priority class", V("IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE")};
static const struct oci_enum sched_policy_enum = {
    "scheduler policy", V("SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO",
			  "SCHED_IDLE", "SCHED_DEADLINE")};
static const struct oci_enum sched_flag_enum = {
    "scheduler flag", V("SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM", "SCHED_FLAG_DL_OVERRUN",
			"SCHED_FLAG_KEEP_POLICY", "SCHED_FLAG_KEEP_PARAMS",
			"SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_UTIL_CLAMP_MAX")};

static const struct oci_field console_size_fields[] = {
    OCI_F("height", OCI_UINT64, struct oci_console_size, height, REQ),
    OCI_F("width", OCI_UINT64, struct oci_console_size, width, REQ),
};
static const struct oci_type console_size_type =
    OCI_TYPE(struct oci_console_size, console_size_fields);

static const struct oci_field user_fields[] = {
    OCI_F("uid", OCI_UINT32, struct oci_user, uid),
    OCI_F("gid", OCI_UINT32, struct oci_user, gid),
    OCI_FH("umask", OCI_UINT32, struct oci_user, umask),
    OCI_FA("additionalGids", OCI_UINT32_ARRAY, struct oci_user, additional_gids),
    OCI_F("username", OCI_STRING, struct oci_user, username),
};
static const struct oci_type user_type = OCI_TYPE(struct oci_user, user_fields);

static const struct oci_field capabilities_fields[] = {
    OCI_FA("bounding", OCI_STRING_ARRAY, struct oci_capabilities, bounding),
    OCI_FA("effective", OCI_STRING_ARRAY, struct oci_capabilities, effective),
    OCI_FA("inheritable", OCI_STRING_ARRAY, struct oci_capabilities, inheritable),
    OCI_FA("permitted", OCI_STRING_ARRAY, struct oci_capabilities, permitted),
    OCI_FA("ambient", OCI_STRING_ARRAY, struct oci_capabilities, ambient),
};
static const struct oci_type capabilities_type =
    OCI_TYPE(struct oci_capabilities, capabilities_fields);

static const struct oci_field rlimit_fields[] = {
    OCI_F("type", OCI_STRING, struct oci_rlimit, type, REQ, .check = oci_check_rlimit_type),
    OCI_F("hard", OCI_UINT64, struct oci_rlimit, hard, REQ),
    OCI_F("soft", OCI_UINT64, struct oci_rlimit, soft, REQ),
};
static const struct oci_type rlimit_type = OCI_TYPE(struct oci_rlimit, rlimit_fields);

static const struct oci_field io_priority_fields[] = {
    OCI_F("class", OCI_STRING, struct oci_io_priority, class_, REQ, .values = &ioprio_class_enum),
    OCI_F("priority", OCI_INT32, struct oci_io_priority, priority),
};
static const struct oci_type io_priority_type =
    OCI_TYPE(struct oci_io_priority, io_priority_fields);

static const struct oci_field scheduler_fields[] = {
    OCI_F("policy", OCI_STRING, struct oci_scheduler, policy, REQ, .values = &sched_policy_enum),
    OCI_FH("nice", OCI_INT32, struct oci_scheduler, nice),
    OCI_FH("priority", OCI_INT32, struct oci_scheduler, priority),
    OCI_FA("flags", OCI_STRING_ARRAY, struct oci_scheduler, flags, .values = &sched_flag_enum),
    OCI_FH("runtime", OCI_UINT64, struct oci_scheduler, runtime),
    OCI_FH("deadline", OCI_UINT64, struct oci_scheduler, deadline),
    OCI_FH("period", OCI_UINT64, struct oci_scheduler, period),
};
static const struct oci_type scheduler_type = OCI_TYPE(struct oci_scheduler, scheduler_fields);

static const struct oci_field affinity_fields[] = {
    OCI_F("initial", OCI_STRING, struct oci_exec_cpu_affinity, initial,
	  .check = oci_check_cpu_list),
    OCI_F("final", OCI_STRING, struct oci_exec_cpu_affinity, final, .check = oci_check_cpu_list),
};
static const struct oci_type affinity_type =
    OCI_TYPE(struct oci_exec_cpu_affinity, affinity_fields);

static const struct oci_field process_fields[] = {
    OCI_F("terminal", OCI_BOOL, struct oci_process, terminal),
    OCI_F("consoleSize", OCI_OBJECT, struct oci_process, console_size, .type = &console_size_type),
    OCI_FH("user", OCI_INLINE, struct oci_process, user, .type = &user_type),
    OCI_FA("args", OCI_STRING_ARRAY, struct oci_process, args),
    OCI_F("commandLine", OCI_STRING, struct oci_process, command_line),
    OCI_FA("env", OCI_STRING_ARRAY, struct oci_process, env),
    OCI_F("cwd", OCI_STRING, struct oci_process, cwd, REQ),
    OCI_F("capabilities", OCI_OBJECT, struct oci_process, capabilities, .type = &capabilities_type),
    OCI_FA("rlimits", OCI_OBJECT_ARRAY, struct oci_process, rlimits, .type = &rlimit_type),
    OCI_F("noNewPrivileges", OCI_BOOL, struct oci_process, no_new_privileges),
    OCI_F("apparmorProfile", OCI_STRING, struct oci_process, apparmor_profile),
    OCI_FH("oomScoreAdj", OCI_INT64, struct oci_process, oom_score_adj),
    OCI_F("selinuxLabel", OCI_STRING, struct oci_process, selinux_label),
    OCI_F("ioPriority", OCI_OBJECT, struct oci_process, io_priority, .type = &io_priority_type),
    OCI_F("scheduler", OCI_OBJECT, struct oci_process, scheduler, .type = &scheduler_type),
    OCI_F("execCPUAffinity", OCI_OBJECT, struct oci_process, exec_cpu_affinity,
	  .type = &affinity_type),
};
const struct oci_type oci_process_type = OCI_TYPE(struct oci_process, process_fields);

static const struct oci_field root_fields[] = {
    OCI_F("path", OCI_STRING, struct oci_root, path, REQ),
    OCI_F("readonly", OCI_BOOL, struct oci_root, readonly),
};
static const struct oci_type root_type = OCI_TYPE(struct oci_root, root_fields);

static const struct oci_field mount_fields[] = {
    OCI_F("destination", OCI_STRING, struct oci_mount, destination, REQ),
    OCI_F("type", OCI_STRING, struct oci_mount, type),
    OCI_F("source", OCI_STRING, struct oci_mount, source),
    OCI_FA("options", OCI_STRING_ARRAY, struct oci_mount, options),
    OCI_FA("uidMappings", OCI_OBJECT_ARRAY, struct oci_mount, uid_mappings,
	   .type = &oci_id_mapping_type),
    OCI_FA("gidMappings", OCI_OBJECT_ARRAY, struct oci_mount, gid_mappings,
	   .type = &oci_id_mapping_type),
};
const struct oci_type oci_mount_type = OCI_TYPE(struct oci_mount, mount_fields);

static const struct oci_field hook_fields[] = {
    OCI_F("path", OCI_STRING, struct oci_hook, path, REQ),
    OCI_FA("args", OCI_STRING_ARRAY, struct oci_hook, args),
    OCI_FA("env", OCI_STRING_ARRAY, struct oci_hook, env),
    OCI_FH("timeout", OCI_INT64, struct oci_hook, timeout, .check = oci_check_hook_timeout),
};
static const struct oci_type hook_type = OCI_TYPE(struct oci_hook, hook_fields);

#define HOOKS(K, M) OCI_FA(K, OCI_OBJECT_ARRAY, struct oci_hooks, M, .type = &hook_type)
static const struct oci_field hooks_fields[] = {
    HOOKS("prestart", prestart),
    HOOKS("createRuntime", create_runtime),
    HOOKS("createContainer", create_container),
    HOOKS("startContainer", start_container),
    HOOKS("poststart", poststart),
    HOOKS("poststop", poststop),
};
static const struct oci_type hooks_type = OCI_TYPE(struct oci_hooks, hooks_fields);

static const struct oci_field config_fields[] = {
    OCI_F("ociVersion", OCI_STRING, struct oci_config, oci_version, REQ,
	  .check = oci_check_version),
    OCI_F("process", OCI_OBJECT, struct oci_config, process, .type = &oci_process_type),
    OCI_F("root", OCI_OBJECT, struct oci_config, root, .type = &root_type),
    OCI_F("hostname", OCI_STRING, struct oci_config, hostname),
    OCI_F("domainname", OCI_STRING, struct oci_config, domainname),
    OCI_FA("mounts", OCI_OBJECT_ARRAY, struct oci_config, mounts, .type = &oci_mount_type),
    OCI_F("hooks", OCI_OBJECT, struct oci_config, hooks, .type = &hooks_type),
    OCI_F("annotations", OCI_MAP, struct oci_config, annotations),
    OCI_F("linux", OCI_OBJECT, struct oci_config, linux_, .type = &oci_linux_type),
};
const struct oci_type oci_config_type = OCI_TYPE(struct oci_config, config_fields);
