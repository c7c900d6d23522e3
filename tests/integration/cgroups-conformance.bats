#!/usr/bin/env bats
# linux.resources compared with runc 1.1.5 on the hybrid host: the default device list, 0 as "not
# set", `update --memory -1` and checkBeforeUpdate on cgroup v1. Each case failed before its fix.

load helpers

setup() {
	setup_sheep
	requires cgroup_v1
	set_args /probe pause --ready /tmp/ready
}

teardown() {
	teardown_sheep
}

run_probe() {
	sheep run -d --bundle "$BUNDLE" "$ID"
	assert_success
	wait_file "$BUNDLE/rootfs/tmp/ready"
}

# cg CONTROLLER FILE: a control file of the container's default cgroup in a v1 hierarchy.
cg() {
	local d
	d=$(cgroup_dirs "$ID" | grep "^/sys/fs/cgroup/$1/") || fail "no $1 cgroup for $ID" || return
	cat "$d/$2"
}

# The v1 list every container gets (compared sorted: the kernel keeps insertion order). runc 1.1.5
# adds "b *:* m", "c *:* m" and "c 10:200 rwm"; sheep-oci leaves those to the config.
DEFAULT_DEVICES='c 1:3 rwm
c 1:5 rwm
c 1:7 rwm
c 1:8 rwm
c 1:9 rwm
c 136:* rwm
c 5:0 rwm
c 5:2 rwm'

@test "conformance: a config without device rules still denies all but the default devices" {
	update_config 'del(.linux.resources)'
	run_probe
	# a new v1 devices cgroup inherits "a *:* rwm": every host device was open
	[ "$(cg devices devices.list | LC_ALL=C sort)" = "$(LC_ALL=C sort <<<"$DEFAULT_DEVICES")" ] ||
		fail "devices.list: $(cg devices devices.list)"
	sheep exec "$ID" /bin/sh -c 'mknod /tmp/vda b 254 0 && echo made'
	assert_failure
	assert_output "mknod: /tmp/vda: Operation not permitted"
}

@test "conformance: the default devices leave out the host console (5:1)" {
	update_config '.linux.resources.devices = [{"allow": false, "access": "rwm"}]'
	run_probe
	[ "$(cg devices devices.list | LC_ALL=C sort)" = "$(LC_ALL=C sort <<<"$DEFAULT_DEVICES")" ] ||
		fail "devices.list: $(cg devices devices.list)"
}

@test "conformance: memory and cpu values of 0 are not set (the init is not OOM-killed)" {
	update_config '.linux.resources.memory = {"limit": 0, "reservation": 0, "swap": 0} |
		.linux.resources.cpu = {"shares": 0, "quota": 0, "period": 0}'
	run_probe
	[ "$(cg memory memory.limit_in_bytes)" = 9223372036854771712 ]
	[ "$(cg memory memory.soft_limit_in_bytes)" = 9223372036854771712 ]
	[ "$(cg cpu cpu.shares)" = 1024 ]
	[ "$(cg cpu cpu.cfs_quota_us)" = -1 ]
	[ "$(cg cpu cpu.cfs_period_us)" = 100000 ]
	sheep update --cpu-quota 0 --cpu-period 0 --cpu-share 0 --memory 0 "$ID"
	assert_success
	[ "$(cg cpu cpu.shares)" = 1024 ]
	[ "$(cg cpu cpu.cfs_period_us)" = 100000 ]
	[ "$(cg memory memory.limit_in_bytes)" = 9223372036854771712 ]
}

@test "conformance: update --memory -1 lifts memory+swap too" {
	update_config '.linux.resources.memory = {"limit": 67108864, "swap": 134217728}'
	run_probe
	[ "$(cg memory memory.memsw.limit_in_bytes)" = 134217728 ]
	sheep update --memory -1 "$ID"
	assert_success
	[ "$(cg memory memory.limit_in_bytes)" = 9223372036854771712 ]
	[ "$(cg memory memory.memsw.limit_in_bytes)" = 9223372036854771712 ]
}

@test "conformance: checkBeforeUpdate refuses a v1 limit below the usage" {
	run_probe
	echo '{"memory": {"limit": 4096, "checkBeforeUpdate": true}}' >"$BATS_TEST_TMPDIR/r.json"
	sheep update --resources "$BATS_TEST_TMPDIR/r.json" "$ID"
	assert_failure 1
	[[ "$output" =~ ^"sheep-oci: update '$ID': set cgroup: memory.limit_in_bytes '4096' is below the current usage '"[0-9]+"': Device or resource busy"$ ]] ||
		fail "unexpected: $output"
	[ "$(cg memory memory.limit_in_bytes)" = 9223372036854771712 ]
	echo '{"memory": {"limit": 268435456, "checkBeforeUpdate": true}}' >"$BATS_TEST_TMPDIR/r.json"
	sheep update --resources "$BATS_TEST_TMPDIR/r.json" "$ID"
	assert_success
	[ "$(cg memory memory.limit_in_bytes)" = 268435456 ]
}

@test "a controller no hierarchy has (rdma on this host) is a clear error, nothing left" {
	grep -qw rdma /proc/cgroups && [ -d /sys/fs/cgroup/rdma ] && skip "rdma is mounted here"
	grep -qw rdma /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null && skip "rdma is in the v2 tree"
	update_config '.linux.resources = {"rdma": {"mlx5_1": {"hcaHandles": 3, "hcaObjects": 10000}}}'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" "set cgroup: controller 'rdma' is not available: neither a v1 hierarchy nor the cgroup v2 tree at '/sys/fs/cgroup/unified' has it"
	assert_nothing_left "$ID"
}

@test "hugepageLimits limit reservations as well as usage where the kernel accounts them" {
	requires sheep
	grep -qw hugetlb /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null ||
		skip "requires hugetlb in the cgroup v2 tree"
	update_config '.linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 4194304}]'
	run_probe
	local own d
	own=$(sed -n 's/^0:://p' /proc/self/cgroup)
	d=/sys/fs/cgroup/unified${own%/}/sheep-oci/$ID
	[ "$(cat "$d/hugetlb.2MB.max")" = 4194304 ] || fail "hugetlb.2MB.max: $(cat "$d/hugetlb.2MB.max")"
	[ -e "$d/hugetlb.2MB.rsvd.max" ] || skip "no reservation accounting in this kernel"
	[ "$(cat "$d/hugetlb.2MB.rsvd.max")" = 4194304 ] ||
		fail "hugetlb.2MB.rsvd.max: $(cat "$d/hugetlb.2MB.rsvd.max")"
}
