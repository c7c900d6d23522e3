/* Unit tests of libocispec's config parser and writer: every field of a full config, round trips,
 * and every error message (exact text). Hostile inputs are in test_ocispec_hostile.c, state,
 * features and process documents in test_ocispec_docs.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "test_ocispec.h"
#include "types.h"

#define FULL OCISPEC_FIXTURES "/full-config.json"

static struct oci_config *parse_full(void)
{
	char *err = NULL;
	struct oci_config *c = oci_config_parse_file(FULL, "full-config.json", &err);

	if (c == NULL)
		fail_msg("%s", err);
	return c;
}

static void check_process(const struct oci_process *p)
{
	assert_true(p->terminal);
	assert_int_equal(p->console_size->height, 25);
	assert_int_equal(p->console_size->width, 80);
	assert_true(p->has_user);
	assert_int_equal(p->user.uid, 1000);
	assert_int_equal(p->user.gid, 1001);
	assert_true(p->user.has_umask);
	assert_int_equal(p->user.umask, 18);
	assert_int_equal(p->user.additional_gids_len, 3);
	assert_int_equal(p->user.additional_gids[2], UINT32_MAX);
	assert_string_equal(p->user.username, "lamb");
	assert_int_equal(p->args_len, 3);
	assert_string_equal(p->args[2], "h\xc3\xa9llo w\xc3\xb6rld");
	assert_null(p->args[3]); /* NULL-terminated for execve */
	assert_string_equal(p->command_line, "probe.exe --serve");
	assert_int_equal(p->env_len, 2);
	assert_string_equal(p->env[1], "TERM=xterm");
	assert_string_equal(p->cwd, "/srv");
	assert_int_equal(p->capabilities->bounding_len, 2);
	assert_string_equal(p->capabilities->effective[0], "CAP_KILL");
	assert_non_null(p->capabilities->inheritable); /* present and empty */
	assert_int_equal(p->capabilities->inheritable_len, 0);
	assert_string_equal(p->capabilities->permitted[1], "CAP_NET_BIND_SERVICE");
	assert_string_equal(p->capabilities->ambient[0], "CAP_NET_BIND_SERVICE");
	assert_int_equal(p->rlimits_len, 2);
	assert_string_equal(p->rlimits[0].type, "RLIMIT_NOFILE");
	assert_int_equal(p->rlimits[0].hard, 4096);
	assert_int_equal(p->rlimits[0].soft, 1024);
	assert_true(p->rlimits[1].hard == UINT64_MAX);
	assert_true(p->no_new_privileges);
	assert_string_equal(p->apparmor_profile, "sheep-default");
	assert_true(p->has_oom_score_adj);
	assert_int_equal(p->oom_score_adj, -500);
	assert_string_equal(p->selinux_label, "system_u:system_r:svirt_lxc_net_t:s0:c124,c675");
	assert_string_equal(p->io_priority->class_, "IOPRIO_CLASS_BE");
	assert_int_equal(p->io_priority->priority, 4);
	assert_string_equal(p->scheduler->policy, "SCHED_DEADLINE");
	assert_true(p->scheduler->has_nice && p->scheduler->nice == -5);
	assert_true(p->scheduler->has_priority && p->scheduler->priority == 7);
	assert_int_equal(p->scheduler->flags_len, 2);
	assert_string_equal(p->scheduler->flags[1], "SCHED_FLAG_RECLAIM");
	assert_true(p->scheduler->has_runtime && p->scheduler->runtime == 10000000);
	assert_true(p->scheduler->has_deadline && p->scheduler->deadline == 20000000);
	assert_true(p->scheduler->has_period && p->scheduler->period == 30000000);
	assert_string_equal(p->exec_cpu_affinity->initial, "0-3, 7");
	assert_string_equal(p->exec_cpu_affinity->final, "1");
}

static void check_top(const struct oci_config *c)
{
	const struct oci_hooks *h = c->hooks;

	assert_string_equal(c->oci_version, "1.3.0");
	assert_string_equal(c->root->path, "rootfs");
	assert_true(c->root->readonly);
	assert_string_equal(c->hostname, "flock");
	assert_string_equal(c->domainname, "pasture.test");
	assert_int_equal(c->mounts_len, 2);
	assert_string_equal(c->mounts[0].destination, "/proc");
	assert_null(c->mounts[0].options);
	assert_string_equal(c->mounts[1].type, "bind");
	assert_string_equal(c->mounts[1].source, "/var/lib/sheep/data");
	assert_int_equal(c->mounts[1].options_len, 2);
	assert_string_equal(c->mounts[1].options[1], "ro");
	assert_int_equal(c->mounts[1].uid_mappings[0].host_id, 100000);
	assert_int_equal(c->mounts[1].gid_mappings[0].host_id, 200000);
	assert_int_equal(c->mounts[1].gid_mappings[0].size, 65536);
	assert_string_equal(h->prestart[0].path, "/usr/bin/legacy-hook");
	assert_false(h->prestart[0].has_timeout);
	assert_string_equal(h->create_runtime[0].args[1], "up");
	assert_string_equal(h->create_runtime[0].env[0], "DEBUG=1");
	assert_true(h->create_runtime[0].has_timeout);
	assert_int_equal(h->create_runtime[0].timeout, 30);
	assert_int_equal(h->create_container[0].timeout, 1);
	assert_non_null(h->start_container[0].args);
	assert_int_equal(h->start_container[0].args_len, 0);
	assert_string_equal(h->poststart[0].path, "/hooks/poststart");
	assert_string_equal(h->poststop[0].args[1], "down");
	assert_string_equal(oci_map_get(c->annotations, "org.example.flock"), "north");
	assert_string_equal(oci_map_get(c->annotations, "empty"), "");
	assert_null(oci_map_get(c->annotations, "missing"));
}

static void check_linux(const struct oci_linux *l)
{
	assert_int_equal(l->namespaces_len, 8);
	assert_string_equal(l->namespaces[1].type, "network");
	assert_string_equal(l->namespaces[1].path, "/var/run/netns/pasture");
	assert_string_equal(l->namespaces[7].type, "time");
	assert_int_equal(l->uid_mappings[0].host_id, 1000);
	assert_int_equal(l->gid_mappings[0].size, 32000);
	assert_true(l->time_offsets->boottime->has_secs);
	assert_int_equal(l->time_offsets->boottime->secs, -86400);
	assert_int_equal(l->time_offsets->boottime->nanosecs, 500);
	assert_false(l->time_offsets->monotonic->has_nanosecs);
	assert_int_equal(l->devices_len, 3);
	assert_string_equal(l->devices[0].type, "c");
	assert_string_equal(l->devices[0].path, "/dev/fuse");
	assert_int_equal(l->devices[0].major, 10);
	assert_int_equal(l->devices[0].minor, 229);
	assert_int_equal(l->devices[0].file_mode, 0666);
	assert_true(l->devices[0].has_uid && l->devices[0].has_gid);
	assert_false(l->devices[2].has_major || l->devices[2].has_file_mode);
	assert_int_equal(l->net_devices->len, 2);
	assert_string_equal(l->net_devices->host_names[0], "eth1");
	assert_string_equal(l->net_devices->names[0], "pasture0");
	assert_string_equal(l->net_devices->host_names[1], "ens4");
	assert_null(l->net_devices->names[1]);
	assert_string_equal(l->cgroups_path, "/sheep/flock");
	assert_string_equal(l->intel_rdt->clos_id, "guaranteed_group");
	assert_string_equal(l->intel_rdt->schemata[1], "MB:0=70;1=80");
	assert_string_equal(l->intel_rdt->l3_cache_schema, "L3:0=7f0;1=1f");
	assert_string_equal(l->intel_rdt->mem_bw_schema, "MB:0=20;1=70");
	assert_true(l->intel_rdt->has_enable_monitoring && l->intel_rdt->enable_monitoring);
	assert_string_equal(oci_map_get(l->sysctl, "net.core.somaxconn"), "256");
	assert_string_equal(l->rootfs_propagation, "slave");
	assert_string_equal(l->masked_paths[1], "/sys/firmware");
	assert_string_equal(l->readonly_paths[0], "/proc/sys");
	assert_string_equal(l->mount_label, "system_u:object_r:svirt_sandbox_file_t:s0:c715,c811");
	assert_string_equal(l->personality->domain, "LINUX32");
	assert_string_equal(l->personality->flags[0], "ADDR_NO_RANDOMIZE");
	assert_string_equal(l->memory_policy->mode, "MPOL_INTERLEAVE");
	assert_string_equal(l->memory_policy->nodes, "0-1");
	assert_string_equal(l->memory_policy->flags[1], "MPOL_F_NUMA_BALANCING");
}

static void check_seccomp(const struct oci_seccomp *s)
{
	assert_string_equal(s->default_action, "SCMP_ACT_ERRNO");
	assert_true(s->has_default_errno_ret && s->default_errno_ret == 38);
	assert_int_equal(s->architectures_len, 3);
	assert_string_equal(s->architectures[2], "SCMP_ARCH_X32");
	assert_string_equal(s->flags[1], "SECCOMP_FILTER_FLAG_SPEC_ALLOW");
	assert_string_equal(s->listener_path, "/run/seccomp-agent.sock");
	assert_string_equal(s->listener_metadata, "flock=north");
	assert_int_equal(s->syscalls_len, 3);
	assert_string_equal(s->syscalls[0].names[1], "chmod");
	assert_false(s->syscalls[0].has_errno_ret);
	assert_null(s->syscalls[0].args);
	assert_true(s->syscalls[1].has_errno_ret && s->syscalls[1].errno_ret == 1);
	assert_int_equal(s->syscalls[1].args_len, 2);
	assert_int_equal(s->syscalls[1].args[0].value, 255);
	assert_true(s->syscalls[1].args[0].has_value_two);
	assert_int_equal(s->syscalls[1].args[0].value_two, 4294967295u);
	assert_string_equal(s->syscalls[1].args[0].op, "SCMP_CMP_MASKED_EQ");
	assert_int_equal(s->syscalls[1].args[1].index, 5);
	assert_true(s->syscalls[1].args[1].value == UINT64_MAX);
	assert_false(s->syscalls[1].args[1].has_value_two);
	assert_string_equal(s->syscalls[2].action, "SCMP_ACT_NOTIFY");
}

static void check_resources(const struct oci_resources *r)
{
	const struct oci_block_io *b = r->block_io;

	assert_false(r->devices[0].allow);
	assert_null(r->devices[0].type);
	assert_string_equal(r->devices[0].access, "rwm");
	assert_true(r->devices[1].allow && r->devices[1].has_major && r->devices[1].minor == 229);
	assert_true(r->memory->has_limit && r->memory->limit == 536870912);
	assert_int_equal(r->memory->reservation, 268435456);
	assert_true(r->memory->has_swap && r->memory->swap == -1);
	assert_int_equal(r->memory->kernel, -1);
	assert_true(r->memory->has_kernel_tcp && r->memory->kernel_tcp == 0);
	assert_int_equal(r->memory->swappiness, 60);
	assert_true(r->memory->has_disable_oom_killer && !r->memory->disable_oom_killer);
	assert_true(r->memory->has_use_hierarchy && r->memory->use_hierarchy);
	assert_true(r->memory->has_check_before_update && r->memory->check_before_update);
	assert_int_equal(r->cpu->shares, 1024);
	assert_int_equal(r->cpu->quota, 100000);
	assert_int_equal(r->cpu->burst, 5000);
	assert_int_equal(r->cpu->period, 100000);
	assert_int_equal(r->cpu->realtime_runtime, 950000);
	assert_int_equal(r->cpu->realtime_period, 1000000);
	assert_string_equal(r->cpu->cpus, "0-1");
	assert_string_equal(r->cpu->mems, "0");
	assert_true(r->cpu->has_idle && r->cpu->idle == 1);
	assert_int_equal(r->pids->limit, 32771);
	assert_true(b->has_weight && b->weight == 500 && b->leaf_weight == 300);
	assert_int_equal(b->weight_device[0].leaf_weight, 65535);
	assert_false(b->weight_device[1].has_weight);
	assert_int_equal(b->throttle_read_bps_device[0].rate, 600);
	assert_int_equal(b->throttle_write_bps_device[0].minor, 16);
	assert_int_equal(b->throttle_read_iops_device[0].rate, 800);
	assert_false(b->throttle_write_iops_device[0].has_rate);
	assert_string_equal(r->hugepage_limits[0].page_size, "2MB");
	assert_int_equal(r->hugepage_limits[0].limit, 209715200);
	assert_true(r->network->has_class_id && r->network->class_id == 1048577);
	assert_string_equal(r->network->priorities[1].name, "eth1");
	assert_int_equal(r->network->priorities[1].priority, 1000);
	assert_int_equal(r->rdma->len, 2);
	assert_string_equal(r->rdma->devices[0], "mlx5_1");
	assert_int_equal(r->rdma->limits[0].hca_handles, 3);
	assert_false(r->rdma->limits[1].has_hca_handles);
	assert_int_equal(r->rdma->limits[1].hca_objects, 1000);
	assert_string_equal(oci_map_get(r->unified, "memory.high"), "max");
}

static void test_full_fields(void **state)
{
	struct oci_config *c = parse_full();

	check_top(c);
	check_process(c->process);
	check_linux(c->linux_);
	check_seccomp(c->linux_->seccomp);
	check_resources(c->linux_->resources);
	oci_config_free(c);
}

/* parse -> write -> parse gives an equal struct (every table field), and writing is stable */
static void test_full_round_trip(void **state)
{
	struct oci_config *c = parse_full(), *c2;
	char *err = NULL, *json, *json2;
	size_t len = 0, len2 = 0;

	json = oci_config_to_json(c, &len, &err);
	assert_non_null(json);
	assert_int_equal(strlen(json), len);
	c2 = parse_ok(json);
	assert_true(oci_equal(&oci_config_type, c, c2));
	check_process(c2->process);
	check_linux(c2->linux_);
	check_resources(c2->linux_->resources);
	check_seccomp(c2->linux_->seccomp);
	json2 = oci_config_to_json(c2, &len2, &err);
	assert_string_equal(json, json2);
	/* a change anywhere is seen by the comparison the round trip relies on */
	c2->linux_->resources->rdma->limits[1].hca_objects++;
	assert_false(oci_equal(&oci_config_type, c, c2));
	free(json);
	free(json2);
	oci_config_free(c);
	oci_config_free(c2);
}

static void test_writer_format(void **state)
{
	struct oci_config *c = parse_ok(CFG("\"root\": {\"path\": \"r\"}, \"process\": "
					    "{\"cwd\": \"/\", \"args\": []}, \"hostname\": null"));
	char *err = NULL, *json = oci_config_to_json(c, NULL, &err);

	/* tab-indented, spec key order (process before root), absent fields not written */
	assert_string_equal(json, "{\n\t\"ociVersion\": \"1.0.0\",\n\t\"process\": {\n"
				  "\t\t\"args\": [\n\n\t\t],\n\t\t\"cwd\": \"/\"\n\t},\n"
				  "\t\"root\": {\n\t\t\"path\": \"r\"\n\t}\n}\n");
	free(json);
	oci_config_free(c);
}

static void test_parse_fd_and_file(void **state)
{
	struct oci_config *a = parse_full(), *b;
	char *err = NULL;
	int fd = open(FULL, O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	b = oci_config_parse_fd(fd, "config.json", &err);
	close(fd);
	assert_non_null(b);
	assert_true(oci_equal(&oci_config_type, a, b));
	oci_config_free(a);
	oci_config_free(b);
	assert_null(oci_config_parse_file("/nonexistent/config.json", "config.json", &err));
	assert_string_equal(err, "config.json: open '/nonexistent/config.json': "
				 "No such file or directory");
	free(err);
	assert_null(oci_config_parse_fd(-1, "config.json", &err));
	assert_string_equal(err, "config.json: read: Bad file descriptor");
	free(err);
}

static const struct {
	const char *json;
	const char *msg;
} errors[] = {
    {CFG("\"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"foo\"}]}"),
     "config.json: linux.namespaces[1].type: unknown namespace 'foo'"},
    {CFG("\"process\": {\"cwd\": \"/\", \"args\": \"sh\"}"),
     "config.json: process.args: expected array, got string"},
    {CFG("\"process\": {\"cwd\": \"/\", \"args\": [\"sh\", 1]}"),
     "config.json: process.args[1]: expected string, got number"},
    {CFG("\"linux\": {\"resources\": {\"memory\": {\"limit\": 1e400}}}"),
     "config.json: linux.resources.memory.limit: number 1e400 out of range for int64"},
    {CFG("\"process\": {\"cwd\": \"/\", \"user\": {\"uid\": -1}}"),
     "config.json: process.user.uid: number -1 out of range for uint32"},
    {CFG("\"process\": {\"cwd\": \"/\", \"user\": {\"uid\": 1.5}}"),
     "config.json: process.user.uid: number 1.5 is not an integer"},
    {CFG("\"process\": {\"cwd\": \"/\", \"user\": {\"uid\": \"0\"}}"),
     "config.json: process.user.uid: expected number, got string"},
    {CFG("\"root\": {\"path\": \"r\", \"readonly\": 1}"),
     "config.json: root.readonly: expected boolean, got number"},
    {CFG("\"root\": []"), "config.json: root: expected object, got array"},
    {CFG("\"annotations\": {\"a\": true}"),
     "config.json: annotations.a: expected string, got boolean"},
    {"[]", "config.json: expected object, got array"},
    {"{}", "config.json: ociVersion: required"},
    {"{\"ociVersion\": null}", "config.json: ociVersion: required"},
    {"{\"ociVersion\": \"2.0.0\"}",
     "config.json: ociVersion: unsupported version '2.0.0' (supported: 1.0.0 to 1.3.x)"},
    {"{\"ociVersion\": \"1.4.0\"}",
     "config.json: ociVersion: unsupported version '1.4.0' (supported: 1.0.0 to 1.3.x)"},
    {"{\"ociVersion\": \"0.5.0-dev\"}",
     "config.json: ociVersion: unsupported version '0.5.0-dev' (supported: 1.0.0 to 1.3.x)"},
    {"{\"ociVersion\": \"1.0\"}",
     "config.json: ociVersion: unsupported version '1.0' (supported: 1.0.0 to 1.3.x)"},
    {CFG("\"root\": {}"), "config.json: root.path: required"},
    {CFG("\"process\": {\"args\": []}"), "config.json: process.cwd: required"},
    {CFG("\"mounts\": [{\"destination\": \"/a\"}, {\"source\": \"/b\"}]"),
     "config.json: mounts[1].destination: required"},
    {CFG("\"hooks\": {\"poststop\": [{\"args\": []}]}"),
     "config.json: hooks.poststop[0].path: required"},
    {CFG("\"hooks\": {\"prestart\": [{\"path\": \"/h\", \"timeout\": 0}]}"),
     "config.json: hooks.prestart[0].timeout: timeout 0 out of range (minimum 1)"},
    {CFG("\"linux\": {\"namespaces\": [{\"path\": \"/x\"}]}"),
     "config.json: linux.namespaces[0].type: required"},
    {CFG("\"linux\": {\"seccomp\": {\"syscalls\": []}}"),
     "config.json: linux.seccomp.defaultAction: required"},
    {CFG("\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_DENY\"}}"),
     "config.json: linux.seccomp.defaultAction: unknown seccomp action 'SCMP_ACT_DENY'"},
    {CFG("\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", "
	 "\"architectures\": [\"SCMP_ARCH_Z80\"]}}"),
     "config.json: linux.seccomp.architectures[0]: unknown seccomp architecture 'SCMP_ARCH_Z80'"},
    {CFG("\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", "
	 "\"flags\": [\"SECCOMP_FILTER_FLAG_X\"]}}"),
     "config.json: linux.seccomp.flags[0]: unknown seccomp flag 'SECCOMP_FILTER_FLAG_X'"},
    {CFG("\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": "
	 "[{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, "
	 "\"value\": 1, \"op\": \"SCMP_CMP_XX\"}]}]}}"),
     "config.json: linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator 'SCMP_CMP_XX'"},
    {CFG("\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": "
	 "[{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, "
	 "\"op\": \"SCMP_CMP_EQ\"}]}]}}"),
     "config.json: linux.seccomp.syscalls[0].args[0].value: required"},
    {CFG("\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": "
	 "[{\"action\": \"SCMP_ACT_ALLOW\"}]}}"),
     "config.json: linux.seccomp.syscalls[0].names: required"},
    {CFG("\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": "
	 "[{\"names\": [], \"action\": \"SCMP_ACT_ALLOW\"}]}}"),
     "config.json: linux.seccomp.syscalls[0].names: must not be empty"},
    {CFG("\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": "
	 "[{\"names\": [\"read\"]}]}}"),
     "config.json: linux.seccomp.syscalls[0].action: required"},
    {CFG("\"linux\": {\"rootfsPropagation\": \"everywhere\"}"),
     "config.json: linux.rootfsPropagation: unknown rootfs propagation 'everywhere'"},
    {CFG("\"process\": {\"cwd\": \"/\", \"scheduler\": {\"policy\": \"SCHED_FAST\"}}"),
     "config.json: process.scheduler.policy: unknown scheduler policy 'SCHED_FAST'"},
    {CFG("\"process\": {\"cwd\": \"/\", \"scheduler\": {\"nice\": 1}}"),
     "config.json: process.scheduler.policy: required"},
    {CFG("\"process\": {\"cwd\": \"/\", \"scheduler\": {\"policy\": \"SCHED_RR\", "
	 "\"flags\": [\"SCHED_FLAG_FAST\"]}}"),
     "config.json: process.scheduler.flags[0]: unknown scheduler flag 'SCHED_FLAG_FAST'"},
    {CFG("\"process\": {\"cwd\": \"/\", \"ioPriority\": {\"class\": \"IOPRIO_CLASS_NONE\"}}"),
     "config.json: process.ioPriority.class: unknown io priority class 'IOPRIO_CLASS_NONE'"},
    {CFG("\"process\": {\"cwd\": \"/\", \"ioPriority\": {\"priority\": 1}}"),
     "config.json: process.ioPriority.class: required"},
    {CFG("\"linux\": {\"memoryPolicy\": {\"mode\": \"MPOL_ALL\"}}"),
     "config.json: linux.memoryPolicy.mode: unknown memory policy mode 'MPOL_ALL'"},
    {CFG("\"linux\": {\"memoryPolicy\": {\"mode\": \"MPOL_BIND\", \"flags\": [\"MPOL_F_X\"]}}"),
     "config.json: linux.memoryPolicy.flags[0]: unknown memory policy flag 'MPOL_F_X'"},
    {CFG("\"linux\": {\"personality\": {\"domain\": \"LINUX64\"}}"),
     "config.json: linux.personality.domain: unknown personality domain 'LINUX64'"},
    {CFG("\"linux\": {\"devices\": [{\"type\": \"x\", \"path\": \"/dev/x\"}]}"),
     "config.json: linux.devices[0].type: unknown device type 'x'"},
    {CFG("\"linux\": {\"devices\": [{\"path\": \"/dev/x\"}]}"),
     "config.json: linux.devices[0].type: required"},
    {CFG("\"linux\": {\"devices\": [{\"type\": \"c\"}]}"),
     "config.json: linux.devices[0].path: required"},
    {CFG("\"linux\": {\"devices\": [{\"type\": \"c\", \"path\": \"/d\", \"fileMode\": 512}]}"),
     "config.json: linux.devices[0].fileMode: file mode 512 out of range (0 to 0777)"},
    /* the file-type bits podman sends (S_IFCHR | 0600 = 8576) pass; anything else above 0777 not */
    {CFG("\"linux\": {\"devices\": [{\"type\": \"c\", \"path\": \"/d\", \"fileMode\": 9088}]}"),
     "config.json: linux.devices[0].fileMode: file mode 9088 out of range (0 to 0777)"},
    {CFG("\"process\": {\"cwd\": \"/\", \"rlimits\": [{\"type\": \"RLIMIT_nofile\", "
	 "\"soft\": 1, \"hard\": 1}]}"),
     "config.json: process.rlimits[0].type: invalid rlimit type 'RLIMIT_nofile'"},
    {CFG("\"process\": {\"cwd\": \"/\", \"rlimits\": [{\"type\": \"RLIMIT_\", "
	 "\"soft\": 1, \"hard\": 1}]}"),
     "config.json: process.rlimits[0].type: invalid rlimit type 'RLIMIT_'"},
    {CFG("\"process\": {\"cwd\": \"/\", \"rlimits\": [{\"type\": \"RLIMIT_CORE\", "
	 "\"hard\": 1}]}"),
     "config.json: process.rlimits[0].soft: required"},
    {CFG("\"process\": {\"cwd\": \"/\", \"rlimits\": [{\"soft\": 1, \"hard\": 1}]}"),
     "config.json: process.rlimits[0].type: required"},
    {CFG("\"process\": {\"cwd\": \"/\", \"consoleSize\": {\"height\": 1}}"),
     "config.json: process.consoleSize.width: required"},
    {CFG("\"process\": {\"cwd\": \"/\", \"execCPUAffinity\": {\"initial\": \"0-3;5\"}}"),
     "config.json: process.execCPUAffinity.initial: invalid CPU list '0-3;5'"},
    {CFG("\"linux\": {\"uidMappings\": [{\"containerID\": 0, \"size\": 1}]}"),
     "config.json: linux.uidMappings[0].hostID: required"},
    {CFG("\"mounts\": [{\"destination\": \"/m\", \"gidMappings\": [{\"hostID\": 0, "
	 "\"size\": 1}]}]"),
     "config.json: mounts[0].gidMappings[0].containerID: required"},
    {CFG("\"linux\": {\"resources\": {\"hugepageLimits\": [{\"pageSize\": \"2mb\", "
	 "\"limit\": 1}]}}"),
     "config.json: linux.resources.hugepageLimits[0].pageSize: invalid page size '2mb'"},
    {CFG("\"linux\": {\"resources\": {\"hugepageLimits\": [{\"pageSize\": \"02MB\", "
	 "\"limit\": 1}]}}"),
     "config.json: linux.resources.hugepageLimits[0].pageSize: invalid page size '02MB'"},
    {CFG("\"linux\": {\"resources\": {\"hugepageLimits\": [{\"pageSize\": \"2MB\"}]}}"),
     "config.json: linux.resources.hugepageLimits[0].limit: required"},
    {CFG("\"linux\": {\"resources\": {\"devices\": [{\"access\": \"rwm\"}]}}"),
     "config.json: linux.resources.devices[0].allow: required"},
    {CFG("\"linux\": {\"resources\": {\"pids\": {}}}"),
     "config.json: linux.resources.pids.limit: required"},
    {CFG("\"linux\": {\"resources\": {\"blockIO\": {\"weightDevice\": [{\"major\": 8}]}}}"),
     "config.json: linux.resources.blockIO.weightDevice[0].minor: required"},
    {CFG("\"linux\": {\"resources\": {\"blockIO\": {\"weight\": 65536}}}"),
     "config.json: linux.resources.blockIO.weight: number 65536 out of range for uint16"},
    {CFG("\"linux\": {\"resources\": {\"network\": {\"priorities\": [{\"name\": \"eth0\"}]}}}"),
     "config.json: linux.resources.network.priorities[0].priority: required"},
    {CFG("\"linux\": {\"resources\": {\"rdma\": {\"mlx5\": {\"hcaHandles\": -1}}}}"),
     "config.json: linux.resources.rdma.mlx5.hcaHandles: number -1 out of range for uint32"},
    {CFG("\"linux\": {\"netDevices\": {\"eth0\": {\"name\": 5}}}"),
     "config.json: linux.netDevices.eth0.name: expected string, got number"},
    {CFG("\"linux\": {\"netDevices\": [\"eth0\"]}"),
     "config.json: linux.netDevices: expected object, got array"},
    {CFG("\"linux\": {\"intelRdt\": {\"memBwSchema\": \"L3:0=1\"}}"),
     "config.json: linux.intelRdt.memBwSchema: invalid memory bandwidth schema 'L3:0=1'"},
    {CFG("\"linux\": {\"timeOffsets\": {\"boottime\": {\"nanosecs\": -1}}}"),
     "config.json: linux.timeOffsets.boottime.nanosecs: number -1 out of range for uint32"},
    {CFG("\"hostname\": \"a\", \"hostname\": \"b\""),
     "config.json: duplicate key 'hostname' at byte 41"},
    {CFG("\"linux\": {\"sysctl\": {\"a\": \"1\", \"a\": \"2\"}}"),
     "config.json: linux.sysctl: duplicate key 'a' at byte 55"},
    {CFG("\"mounts\": [{\"destination\": \"/a\"}, {\"destination\": \"/b\", "
	 "\"destination\": \"/c\"}]"),
     "config.json: mounts[1]: duplicate key 'destination' at byte 80"},
    {CFG("\"hostname\": \"a\"} x"), "config.json: invalid JSON at byte 41: parse error: "
				    "trailing garbage"},
    {"{\"ociVersion\": \"1.0.0\",}",
     "config.json: invalid JSON at byte 23: parse error: invalid object key (must be a string)"},
    {"{\"ociVersion\": \"1.0.0\"", "config.json: invalid JSON at byte 22: parse error: "
				   "premature EOF"},
    {"", "config.json: invalid JSON at byte 0: parse error: premature EOF"},
};

static void test_errors(void **state)
{
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
		EXPECT_ERROR(errors[i].json, errors[i].msg);
}

static void test_versions_accepted(void **state)
{
	static const char *const ok[] = {"1.0.0", "1.0.2-dev", "1.1.0-rc.1",
					 "1.2.1", "1.3.0",     "1.3.12+build"};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		char json[128];
		snprintf(json, sizeof(json), "{\"ociVersion\": \"%s\"}", ok[i]);
		oci_config_free(parse_ok(json));
	}
}

/* Unknown keys are ignored (spec extensibility); null stands for absent. */
static void test_unknown_and_null(void **state)
{
	struct oci_config *c =
	    parse_ok(CFG("\"solaris\": {\"milestone\": \"x\"}, \"hostname\": null, \"process\": "
			 "{\"cwd\": \"/\", \"user\": null, \"x-extension\": [1, {\"a\": null}]}, "
			 "\"linux\": {\"resources\": {\"oomScoreAdj\": 100, \"memory\": null}}"));

	assert_null(c->hostname);
	assert_false(c->process->has_user);
	assert_null(c->linux_->resources->memory);
	oci_config_free(c);
}

/* Integers written as 1e3 or 1.0 are exact integers; nothing goes through a double. */
static void test_number_spellings(void **state)
{
	struct oci_config *c = parse_ok(
	    CFG("\"process\": {\"cwd\": \"/\", \"user\": {\"uid\": 1e3, \"gid\": 4294967295.000e0, "
		"\"umask\": 0.0}, \"oomScoreAdj\": -0}, \"linux\": {\"resources\": {\"memory\": "
		"{\"limit\": 9223372036854775807, \"swap\": 92233720368547758.07e2}}}"));

	assert_int_equal(c->process->user.uid, 1000);
	assert_int_equal(c->process->user.gid, UINT32_MAX);
	assert_int_equal(c->process->user.umask, 0);
	assert_int_equal(c->process->oom_score_adj, 0);
	assert_true(c->linux_->resources->memory->limit == INT64_MAX);
	assert_true(c->linux_->resources->memory->swap == INT64_MAX);
	oci_config_free(c);
	EXPECT_ERROR(CFG("\"linux\": {\"resources\": {\"memory\": {\"limit\": 1e-1}}}"),
		     "config.json: linux.resources.memory.limit: number 1e-1 is not an integer");
	EXPECT_ERROR(
	    CFG("\"linux\": {\"resources\": {\"memory\": {\"limit\": 9223372036854775808}}}"),
	    "config.json: linux.resources.memory.limit: number 9223372036854775808 out of "
	    "range for int64");
	EXPECT_ERROR(CFG("\"linux\": {\"resources\": {\"memory\": {\"limit\": 1e-99999999999}}}"),
		     "config.json: linux.resources.memory.limit: number 1e-99999999999 is not an "
		     "integer");
}

static void expect_write_error(const struct oci_config *c, const char *want)
{
	char *err = NULL;

	assert_null(oci_config_to_json(c, NULL, &err));
	assert_string_equal(err, want);
	free(err);
}

/* The writer refuses what the parser would refuse to read back, naming the field. */
static void test_writer_errors(void **state)
{
	struct oci_config c = {.oci_version = "1.0.0"};
	struct oci_root root = {.path = "r\xff"};
	char *args[] = {"a", NULL};
	struct oci_process p = {.cwd = "/", .args = args, .args_len = 2};
	struct oci_namespace ns[] = {{.type = "pid"}, {.path = "/proc/1/ns/net"}};
	struct oci_linux l = {.namespaces = ns, .namespaces_len = 2};
	char *keys[] = {"k"}, *values[] = {"v\xc0"};
	struct oci_map ann = {.keys = keys, .values = values, .len = 1};

	expect_write_error(NULL, "config: cannot write JSON: no document");
	c.root = &root;
	expect_write_error(&c, "config: cannot write JSON: root.path: invalid UTF-8");
	c.root = NULL;
	c.process = &p;
	expect_write_error(&c, "config: cannot write JSON: process.args[1]: NULL string");
	c.process = NULL;
	c.linux_ = &l;
	expect_write_error(&c, "config: cannot write JSON: linux.namespaces[1].type: required");
	c.linux_ = NULL;
	c.annotations = &ann;
	expect_write_error(&c, "config: cannot write JSON: annotations.k: invalid UTF-8");
	c.annotations = NULL;
	c.oci_version = NULL;
	expect_write_error(&c, "config: cannot write JSON: ociVersion: required");
}

/* A caller that builds a struct by hand and forgets has_user still gets the user written. */
static void test_writer_user_without_flag(void **state)
{
	struct oci_process p = {.cwd = "/", .user = {.uid = 7}};
	struct oci_config c = {.oci_version = "1.0.0", .process = &p}, *back;
	char *err = NULL, *json = oci_config_to_json(&c, NULL, &err);

	back = parse_ok(json);
	assert_true(back->process->has_user);
	assert_int_equal(back->process->user.uid, 7);
	free(json);
	oci_config_free(back);
}

static void test_free_null_and_helpers(void **state)
{
	struct oci_config *c = parse_full();

	oci_config_free(NULL);
	oci_state_free(NULL);
	oci_features_free(NULL);
	oci_process_free(NULL);
	oci_mount_clear(NULL);
	oci_resources_free(NULL);
	assert_null(oci_map_get(NULL, "a"));
	assert_null(oci_map_get(c->annotations, NULL));
	oci_mount_clear(&c->mounts[1]);
	assert_null(c->mounts[1].destination);
	assert_int_equal(c->mounts[1].options_len, 0);
	oci_resources_free(c->linux_->resources);
	c->linux_->resources = NULL;
	oci_config_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_full_fields),
	    cmocka_unit_test(test_full_round_trip),
	    cmocka_unit_test(test_writer_format),
	    cmocka_unit_test(test_parse_fd_and_file),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_versions_accepted),
	    cmocka_unit_test(test_unknown_and_null),
	    cmocka_unit_test(test_number_spellings),
	    cmocka_unit_test(test_writer_errors),
	    cmocka_unit_test(test_writer_user_without_flag),
	    cmocka_unit_test(test_free_null_and_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
