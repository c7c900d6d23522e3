/* libocispec/types_resources.c: field tables of linux.resources (config-linux.json): cgroup
 * limits for devices, memory, cpu, pids, blockIO, hugepages, network, rdma and unified.
 */
#include "checks.h"
#include "types.h"

#define REQ .required = true

static const struct oci_field device_cgroup_fields[] = {
    OCI_F("allow", OCI_BOOL, struct oci_device_cgroup, allow, REQ),
    OCI_F("type", OCI_STRING, struct oci_device_cgroup, type),
    OCI_FH("major", OCI_INT64, struct oci_device_cgroup, major),
    OCI_FH("minor", OCI_INT64, struct oci_device_cgroup, minor),
    OCI_F("access", OCI_STRING, struct oci_device_cgroup, access),
};
static const struct oci_type device_cgroup_type =
    OCI_TYPE(struct oci_device_cgroup, device_cgroup_fields);

static const struct oci_field memory_fields[] = {
    OCI_FH("limit", OCI_INT64, struct oci_memory, limit),
    OCI_FH("reservation", OCI_INT64, struct oci_memory, reservation),
    OCI_FH("swap", OCI_INT64, struct oci_memory, swap),
    OCI_FH("kernel", OCI_INT64, struct oci_memory, kernel),
    OCI_FH("kernelTCP", OCI_INT64, struct oci_memory, kernel_tcp),
    OCI_FH("swappiness", OCI_UINT64, struct oci_memory, swappiness),
    OCI_FH("disableOOMKiller", OCI_BOOL, struct oci_memory, disable_oom_killer),
    OCI_FH("useHierarchy", OCI_BOOL, struct oci_memory, use_hierarchy),
    OCI_FH("checkBeforeUpdate", OCI_BOOL, struct oci_memory, check_before_update),
};
static const struct oci_type memory_type = OCI_TYPE(struct oci_memory, memory_fields);

static const struct oci_field cpu_fields[] = {
    OCI_FH("shares", OCI_UINT64, struct oci_cpu, shares),
    OCI_FH("quota", OCI_INT64, struct oci_cpu, quota),
    OCI_FH("burst", OCI_UINT64, struct oci_cpu, burst),
    OCI_FH("period", OCI_UINT64, struct oci_cpu, period),
    OCI_FH("realtimeRuntime", OCI_INT64, struct oci_cpu, realtime_runtime),
    OCI_FH("realtimePeriod", OCI_UINT64, struct oci_cpu, realtime_period),
    OCI_F("cpus", OCI_STRING, struct oci_cpu, cpus),
    OCI_F("mems", OCI_STRING, struct oci_cpu, mems),
    OCI_FH("idle", OCI_INT64, struct oci_cpu, idle),
};
static const struct oci_type cpu_type = OCI_TYPE(struct oci_cpu, cpu_fields);

static const struct oci_field pids_fields[] = {
    OCI_F("limit", OCI_INT64, struct oci_pids, limit, REQ),
};
static const struct oci_type pids_type = OCI_TYPE(struct oci_pids, pids_fields);

static const struct oci_field weight_device_fields[] = {
    OCI_F("major", OCI_INT64, struct oci_block_io_device_weight, major, REQ),
    OCI_F("minor", OCI_INT64, struct oci_block_io_device_weight, minor, REQ),
    OCI_FH("weight", OCI_UINT16, struct oci_block_io_device_weight, weight),
    OCI_FH("leafWeight", OCI_UINT16, struct oci_block_io_device_weight, leaf_weight),
};
static const struct oci_type weight_device_type =
    OCI_TYPE(struct oci_block_io_device_weight, weight_device_fields);

static const struct oci_field throttle_fields[] = {
    OCI_F("major", OCI_INT64, struct oci_block_io_device_throttle, major, REQ),
    OCI_F("minor", OCI_INT64, struct oci_block_io_device_throttle, minor, REQ),
    OCI_FH("rate", OCI_UINT64, struct oci_block_io_device_throttle, rate),
};
static const struct oci_type throttle_type =
    OCI_TYPE(struct oci_block_io_device_throttle, throttle_fields);

static const struct oci_field block_io_fields[] = {
    OCI_FH("weight", OCI_UINT16, struct oci_block_io, weight),
    OCI_FH("leafWeight", OCI_UINT16, struct oci_block_io, leaf_weight),
    OCI_FA("weightDevice", OCI_OBJECT_ARRAY, struct oci_block_io, weight_device,
	   .type = &weight_device_type),
    OCI_FA("throttleReadBpsDevice", OCI_OBJECT_ARRAY, struct oci_block_io, throttle_read_bps_device,
	   .type = &throttle_type),
    OCI_FA("throttleWriteBpsDevice", OCI_OBJECT_ARRAY, struct oci_block_io,
	   throttle_write_bps_device, .type = &throttle_type),
    OCI_FA("throttleReadIOPSDevice", OCI_OBJECT_ARRAY, struct oci_block_io,
	   throttle_read_iops_device, .type = &throttle_type),
    OCI_FA("throttleWriteIOPSDevice", OCI_OBJECT_ARRAY, struct oci_block_io,
	   throttle_write_iops_device, .type = &throttle_type),
};
static const struct oci_type block_io_type = OCI_TYPE(struct oci_block_io, block_io_fields);

static const struct oci_field hugepage_fields[] = {
    OCI_F("pageSize", OCI_STRING, struct oci_hugepage_limit, page_size, REQ,
	  .check = oci_check_page_size),
    OCI_F("limit", OCI_UINT64, struct oci_hugepage_limit, limit, REQ),
};
static const struct oci_type hugepage_type = OCI_TYPE(struct oci_hugepage_limit, hugepage_fields);

static const struct oci_field priority_fields[] = {
    OCI_F("name", OCI_STRING, struct oci_interface_priority, name, REQ),
    OCI_F("priority", OCI_UINT32, struct oci_interface_priority, priority, REQ),
};
static const struct oci_type priority_type =
    OCI_TYPE(struct oci_interface_priority, priority_fields);

static const struct oci_field network_fields[] = {
    OCI_FH("classID", OCI_UINT32, struct oci_network, class_id),
    OCI_FA("priorities", OCI_OBJECT_ARRAY, struct oci_network, priorities, .type = &priority_type),
};
static const struct oci_type network_type = OCI_TYPE(struct oci_network, network_fields);

static const struct oci_field rdma_limit_fields[] = {
    OCI_FH("hcaHandles", OCI_UINT32, struct oci_rdma_limit, hca_handles),
    OCI_FH("hcaObjects", OCI_UINT32, struct oci_rdma_limit, hca_objects),
};
static const struct oci_type rdma_limit_type = OCI_TYPE(struct oci_rdma_limit, rdma_limit_fields);

static const struct oci_field resources_fields[] = {
    OCI_FA("devices", OCI_OBJECT_ARRAY, struct oci_resources, devices, .type = &device_cgroup_type),
    OCI_F("memory", OCI_OBJECT, struct oci_resources, memory, .type = &memory_type),
    OCI_F("cpu", OCI_OBJECT, struct oci_resources, cpu, .type = &cpu_type),
    OCI_F("pids", OCI_OBJECT, struct oci_resources, pids, .type = &pids_type),
    OCI_F("blockIO", OCI_OBJECT, struct oci_resources, block_io, .type = &block_io_type),
    OCI_FA("hugepageLimits", OCI_OBJECT_ARRAY, struct oci_resources, hugepage_limits,
	   .type = &hugepage_type),
    OCI_F("network", OCI_OBJECT, struct oci_resources, network, .type = &network_type),
    OCI_F("rdma", OCI_KEYED, struct oci_resources, rdma, .type = &rdma_limit_type),
    OCI_F("unified", OCI_MAP, struct oci_resources, unified),
};
const struct oci_type oci_resources_type = OCI_TYPE(struct oci_resources, resources_fields);
