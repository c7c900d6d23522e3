/* libocispec: typed C structures for the OCI runtime-spec (1.0 - 1.3, Linux) config, the container
 * state and the runtime features document, parsed from and written back to JSON with yajl.
 * This header is the contract between the parser and the rest of sheep-oci; it depends on libc only.
 *
 * Conventions:
 *   - strings are `char *`, NULL when the key is absent;
 *   - arrays are `T *name; size_t name_len;` (NULL/0 when absent);
 *   - optional scalars carry `bool has_<name>`; a bool whose absence means false has no flag;
 *   - enum-valued strings are kept as strings and validated by the parser (unknown value = error);
 *   - objects that may be absent are pointers, NULL when absent;
 *   - JSON objects of string -> string are `struct oci_map`.
 */
#ifndef OCISPEC_H
#define OCISPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OCI_SPEC_VERSION "1.3.0"
/* Inputs larger than this are refused before parsing: a config is a few KiB, never megabytes. */
#define OCI_MAX_INPUT_SIZE (16u * 1024u * 1024u)
/* Nesting deeper than this is refused: the deepest real config nests about 6 levels. */
#define OCI_MAX_DEPTH 64

struct oci_map {
	char **keys;
	char **values;
	size_t len;
};

struct oci_id_mapping {
	uint32_t container_id; /* containerID */
	uint32_t host_id;      /* hostID */
	uint32_t size;
};

struct oci_mount {
	char *destination;
	char *type;
	char *source;
	char **options;
	size_t options_len;
	struct oci_id_mapping *uid_mappings; /* uidMappings */
	size_t uid_mappings_len;
	struct oci_id_mapping *gid_mappings; /* gidMappings */
	size_t gid_mappings_len;
};

struct oci_hook {
	char *path;
	char **args;
	size_t args_len;
	char **env;
	size_t env_len;
	bool has_timeout;
	int64_t timeout; /* seconds, >= 1 */
};

struct oci_hooks {
	struct oci_hook *prestart;
	size_t prestart_len;
	struct oci_hook *create_runtime; /* createRuntime */
	size_t create_runtime_len;
	struct oci_hook *create_container; /* createContainer */
	size_t create_container_len;
	struct oci_hook *start_container; /* startContainer */
	size_t start_container_len;
	struct oci_hook *poststart;
	size_t poststart_len;
	struct oci_hook *poststop;
	size_t poststop_len;
};

struct oci_root {
	char *path;
	bool readonly;
};

struct oci_console_size {
	uint64_t height;
	uint64_t width;
};

struct oci_user {
	uint32_t uid;
	uint32_t gid;
	bool has_umask;
	uint32_t umask;
	uint32_t *additional_gids; /* additionalGids */
	size_t additional_gids_len;
	char *username;
};

struct oci_capabilities {
	char **bounding;
	size_t bounding_len;
	char **permitted;
	size_t permitted_len;
	char **effective;
	size_t effective_len;
	char **inheritable;
	size_t inheritable_len;
	char **ambient;
	size_t ambient_len;
};

struct oci_rlimit {
	char *type; /* "RLIMIT_[A-Z]+" */
	uint64_t soft;
	uint64_t hard;
};

struct oci_io_priority {
	char *class_; /* "class": IOPRIO_CLASS_RT | IOPRIO_CLASS_BE | IOPRIO_CLASS_IDLE */
	int32_t priority;
};

struct oci_scheduler {
	char *policy; /* SCHED_OTHER ... SCHED_DEADLINE */
	bool has_nice;
	int32_t nice;
	bool has_priority;
	int32_t priority;
	char **flags; /* SCHED_FLAG_* */
	size_t flags_len;
	bool has_runtime;
	uint64_t runtime;
	bool has_deadline;
	uint64_t deadline;
	bool has_period;
	uint64_t period;
};

struct oci_exec_cpu_affinity {
	char *initial;
	char *final;
};

struct oci_process {
	bool terminal;
	struct oci_console_size *console_size; /* consoleSize */
	struct oci_user user;		       /* absent = uid 0, gid 0 */
	bool has_user;
	char **args;
	size_t args_len;
	char *command_line; /* commandLine (Windows only; kept for round-trip) */
	char **env;
	size_t env_len;
	char *cwd;
	struct oci_capabilities *capabilities;
	struct oci_rlimit *rlimits;
	size_t rlimits_len;
	bool no_new_privileges; /* noNewPrivileges */
	char *apparmor_profile; /* apparmorProfile */
	bool has_oom_score_adj;
	int64_t oom_score_adj;		     /* oomScoreAdj */
	char *selinux_label;		     /* selinuxLabel */
	struct oci_io_priority *io_priority; /* ioPriority */
	struct oci_scheduler *scheduler;
	struct oci_exec_cpu_affinity *exec_cpu_affinity; /* execCPUAffinity */
};

struct oci_namespace {
	char *type; /* mount pid network uts ipc user cgroup time */
	char *path;
};

struct oci_device {
	char *type; /* c b u p */
	char *path;
	bool has_major;
	int64_t major;
	bool has_minor;
	int64_t minor;
	bool has_file_mode;
	uint32_t file_mode; /* fileMode, 0..0777 */
	bool has_uid;
	uint32_t uid;
	bool has_gid;
	uint32_t gid;
};

struct oci_device_cgroup {
	bool allow;
	char *type; /* a c b, NULL = all */
	bool has_major;
	int64_t major;
	bool has_minor;
	int64_t minor;
	char *access; /* rwm */
};

struct oci_memory {
	bool has_limit;
	int64_t limit;
	bool has_reservation;
	int64_t reservation;
	bool has_swap;
	int64_t swap;
	bool has_kernel;
	int64_t kernel;
	bool has_kernel_tcp;
	int64_t kernel_tcp; /* kernelTCP */
	bool has_swappiness;
	uint64_t swappiness;
	bool has_disable_oom_killer;
	bool disable_oom_killer; /* disableOOMKiller */
	bool has_use_hierarchy;
	bool use_hierarchy; /* useHierarchy */
	bool has_check_before_update;
	bool check_before_update; /* checkBeforeUpdate */
};

struct oci_cpu {
	bool has_shares;
	uint64_t shares;
	bool has_quota;
	int64_t quota;
	bool has_burst;
	uint64_t burst;
	bool has_period;
	uint64_t period;
	bool has_realtime_runtime;
	int64_t realtime_runtime; /* realtimeRuntime */
	bool has_realtime_period;
	uint64_t realtime_period; /* realtimePeriod */
	char *cpus;
	char *mems;
	bool has_idle;
	int64_t idle;
};

struct oci_pids {
	int64_t limit;
};

struct oci_block_io_device_weight {
	int64_t major;
	int64_t minor;
	bool has_weight;
	uint16_t weight;
	bool has_leaf_weight;
	uint16_t leaf_weight; /* leafWeight */
};

struct oci_block_io_device_throttle {
	int64_t major;
	int64_t minor;
	bool has_rate;
	uint64_t rate;
};

struct oci_block_io {
	bool has_weight;
	uint16_t weight;
	bool has_leaf_weight;
	uint16_t leaf_weight;				  /* leafWeight */
	struct oci_block_io_device_weight *weight_device; /* weightDevice */
	size_t weight_device_len;
	struct oci_block_io_device_throttle *throttle_read_bps_device; /* throttleReadBpsDevice */
	size_t throttle_read_bps_device_len;
	struct oci_block_io_device_throttle *throttle_write_bps_device; /* throttleWriteBpsDevice */
	size_t throttle_write_bps_device_len;
	struct oci_block_io_device_throttle *throttle_read_iops_device; /* throttleReadIOPSDevice */
	size_t throttle_read_iops_device_len;
	struct oci_block_io_device_throttle
	    *throttle_write_iops_device; /* throttleWriteIOPSDevice */
	size_t throttle_write_iops_device_len;
};

struct oci_hugepage_limit {
	char *page_size; /* pageSize, "^[1-9][0-9]*[KMG]B$" */
	uint64_t limit;
};

struct oci_interface_priority {
	char *name;
	uint32_t priority;
};

struct oci_network {
	bool has_class_id;
	uint32_t class_id; /* classID */
	struct oci_interface_priority *priorities;
	size_t priorities_len;
};

struct oci_rdma_limit {
	bool has_hca_handles;
	uint32_t hca_handles; /* hcaHandles */
	bool has_hca_objects;
	uint32_t hca_objects; /* hcaObjects */
};

struct oci_rdma {
	char **devices; /* the object's keys */
	struct oci_rdma_limit *limits;
	size_t len;
};

struct oci_resources {
	struct oci_device_cgroup *devices;
	size_t devices_len;
	struct oci_memory *memory;
	struct oci_cpu *cpu;
	struct oci_pids *pids;
	struct oci_block_io *block_io;		    /* blockIO */
	struct oci_hugepage_limit *hugepage_limits; /* hugepageLimits */
	size_t hugepage_limits_len;
	struct oci_network *network;
	struct oci_rdma *rdma;
	struct oci_map *unified;
};

struct oci_syscall_arg {
	uint32_t index;
	uint64_t value;
	bool has_value_two;
	uint64_t value_two; /* valueTwo */
	char *op;	    /* SCMP_CMP_* */
};

struct oci_syscall {
	char **names;
	size_t names_len;
	char *action; /* SCMP_ACT_* */
	bool has_errno_ret;
	uint32_t errno_ret; /* errnoRet */
	struct oci_syscall_arg *args;
	size_t args_len;
};

struct oci_seccomp {
	char *default_action; /* defaultAction */
	bool has_default_errno_ret;
	uint32_t default_errno_ret; /* defaultErrnoRet */
	char **architectures;	    /* SCMP_ARCH_* */
	size_t architectures_len;
	char **flags; /* SECCOMP_FILTER_FLAG_* */
	size_t flags_len;
	char *listener_path;	 /* listenerPath */
	char *listener_metadata; /* listenerMetadata */
	struct oci_syscall *syscalls;
	size_t syscalls_len;
};

struct oci_intel_rdt {
	char *clos_id; /* closID */
	char **schemata;
	size_t schemata_len;
	char *l3_cache_schema; /* l3CacheSchema */
	char *mem_bw_schema;   /* memBwSchema */
	bool has_enable_monitoring;
	bool enable_monitoring; /* enableMonitoring */
};

struct oci_memory_policy {
	char *mode; /* MPOL_* */
	char *nodes;
	char **flags; /* MPOL_F_* */
	size_t flags_len;
};

struct oci_personality {
	char *domain; /* LINUX | LINUX32 */
	char **flags;
	size_t flags_len;
};

struct oci_time_offset {
	bool has_secs;
	int64_t secs;
	bool has_nanosecs;
	uint32_t nanosecs;
};

struct oci_time_offsets {
	struct oci_time_offset *boottime;
	struct oci_time_offset *monotonic;
};

struct oci_net_devices {
	char **host_names; /* the object's keys: interface names on the host */
	char **names;	   /* "name" inside the container, NULL = same as the key */
	size_t len;
};

struct oci_linux {
	struct oci_namespace *namespaces;
	size_t namespaces_len;
	struct oci_id_mapping *uid_mappings; /* uidMappings */
	size_t uid_mappings_len;
	struct oci_id_mapping *gid_mappings; /* gidMappings */
	size_t gid_mappings_len;
	struct oci_time_offsets *time_offsets; /* timeOffsets */
	struct oci_device *devices;
	size_t devices_len;
	struct oci_net_devices *net_devices; /* netDevices */
	char *cgroups_path;		     /* cgroupsPath */
	struct oci_resources *resources;
	struct oci_intel_rdt *intel_rdt; /* intelRdt */
	struct oci_map *sysctl;
	struct oci_seccomp *seccomp;
	char *rootfs_propagation; /* rootfsPropagation: private shared slave unbindable */
	char **masked_paths;	  /* maskedPaths */
	size_t masked_paths_len;
	char **readonly_paths; /* readonlyPaths */
	size_t readonly_paths_len;
	char *mount_label; /* mountLabel */
	struct oci_personality *personality;
	struct oci_memory_policy *memory_policy; /* memoryPolicy */
};

struct oci_config {
	char *oci_version; /* ociVersion */
	struct oci_root *root;
	struct oci_mount *mounts;
	size_t mounts_len;
	struct oci_process *process;
	char *hostname;
	char *domainname;
	struct oci_hooks *hooks;
	struct oci_map *annotations;
	struct oci_linux *linux_; /* "linux" (a predefined macro in GNU C) */
};

struct oci_state {
	char *oci_version; /* ociVersion */
	char *id;
	char *status; /* creating created running stopped */
	bool has_pid;
	int64_t pid;
	char *bundle;
	struct oci_map *annotations;
};

struct oci_features_seccomp {
	bool has_enabled;
	bool enabled;
	char **actions;
	size_t actions_len;
	char **operators;
	size_t operators_len;
	char **archs;
	size_t archs_len;
	char **known_flags; /* knownFlags */
	size_t known_flags_len;
	char **supported_flags; /* supportedFlags */
	size_t supported_flags_len;
};

struct oci_features_cgroup {
	bool has_v1;
	bool v1;
	bool has_v2;
	bool v2;
	bool has_systemd;
	bool systemd;
	bool has_systemd_user;
	bool systemd_user; /* systemdUser */
	bool has_rdma;
	bool rdma;
};

/* {"enabled": bool} objects: apparmor, selinux, intelRdt, mountExtensions.idmap, netDevices */
struct oci_features_enabled {
	bool has_enabled;
	bool enabled;
};

struct oci_features_linux {
	char **namespaces;
	size_t namespaces_len;
	char **capabilities;
	size_t capabilities_len;
	struct oci_features_cgroup *cgroup;
	struct oci_features_seccomp *seccomp;
	struct oci_features_enabled *apparmor;
	struct oci_features_enabled *selinux;
	struct oci_features_enabled *intel_rdt;	   /* intelRdt */
	struct oci_features_enabled *idmap_mounts; /* mountExtensions.idmap */
	struct oci_features_enabled *net_devices;  /* netDevices */
};

struct oci_features {
	char *oci_version_min; /* ociVersionMin */
	char *oci_version_max; /* ociVersionMax */
	char **hooks;
	size_t hooks_len;
	char **mount_options; /* mountOptions */
	size_t mount_options_len;
	struct oci_map *annotations;
	char **potentially_unsafe_config_annotations; /* potentiallyUnsafeConfigAnnotations */
	size_t potentially_unsafe_config_annotations_len;
	struct oci_features_linux *linux_; /* "linux" */
};

/*
 * Parsing. `name` prefixes every error message (e.g. "config.json"); on failure NULL is returned
 * and *ret_error holds a malloc'd message such as
 *   "config.json: linux.namespaces[1].type: unknown namespace 'foo'"
 *   "config.json: process.args: expected array, got string"
 *   "config.json: invalid JSON at byte 312: ..."
 * The caller frees it. Unknown keys are ignored; unknown values of known enums, wrong types,
 * numbers out of range of their C type, duplicate keys, NUL bytes, invalid UTF-8, nesting deeper
 * than OCI_MAX_DEPTH and inputs over OCI_MAX_INPUT_SIZE are errors.
 * The config's ociVersion must be 1.0.0 .. 1.3.x.
 */
struct oci_config *oci_config_parse_data(const char *data, size_t len, const char *name,
					 char **ret_error);
struct oci_config *oci_config_parse_file(const char *path, const char *name, char **ret_error);
struct oci_config *oci_config_parse_fd(int fd, const char *name, char **ret_error);
/* Pretty-printed (indent 2 spaces / tab per yajl_gen_beautify), NUL-terminated; NULL + message on
 * failure. *ret_len may be NULL. */
char *oci_config_to_json(const struct oci_config *config, size_t *ret_len, char **ret_error);
void oci_config_free(struct oci_config *config);

struct oci_state *oci_state_parse_data(const char *data, size_t len, const char *name,
				       char **ret_error);
struct oci_state *oci_state_parse_file(const char *path, const char *name, char **ret_error);
struct oci_state *oci_state_parse_fd(int fd, const char *name, char **ret_error);
char *oci_state_to_json(const struct oci_state *state, size_t *ret_len, char **ret_error);
void oci_state_free(struct oci_state *state);

struct oci_features *oci_features_parse_data(const char *data, size_t len, const char *name,
					     char **ret_error);
char *oci_features_to_json(const struct oci_features *features, size_t *ret_len, char **ret_error);
void oci_features_free(struct oci_features *features);

/* Process documents (`exec --process FILE`) are the config's "process" object on its own. */
struct oci_process *oci_process_parse_data(const char *data, size_t len, const char *name,
					   char **ret_error);
struct oci_process *oci_process_parse_file(const char *path, const char *name, char **ret_error);
void oci_process_free(struct oci_process *process);

/* Frees what the struct owns (not the struct itself); for callers that edit parsed documents. */
void oci_mount_clear(struct oci_mount *mount);
/* `update --resources`: a linux.resources object on its own. */
struct oci_resources *oci_resources_parse_data(const char *data, size_t len, const char *name,
					       char **ret_error);
void oci_resources_free(struct oci_resources *resources);

/* Lookup helper: the value for key, or NULL. */
const char *oci_map_get(const struct oci_map *map, const char *key);

#endif
