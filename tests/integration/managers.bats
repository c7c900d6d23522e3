#!/usr/bin/env bats
# Regressions found by running sheep-oci under real container managers (tests/clients/run.sh):
# each test reproduces, with a plain bundle, the part of the manager's config.json that broke.

load helpers

setup() {
	setup_sheep
	requires cgroup_v1
}

teardown() {
	teardown_sheep
}

# cg CONTROLLER FILE: a control file of the container's default cgroup in a v1 hierarchy.
cg() {
	local d
	d=$(cgroup_dirs "$ID" | grep "^/sys/fs/cgroup/$1/") || fail "no $1 cgroup for $ID" || return
	cat "$d/$2"
}

@test "blockIO weight 0 (Docker's default for every container) is not written" {
	# dockerd 20.10 sends linux.resources.blockIO.weight = 0 when --blkio-weight is not given;
	# writing it failed with "write 'blkio.bfq.weight' = '0': Numerical result out of range"
	update_config '.linux.resources.blockIO = {"weight": 0, "leafWeight": 0}'
	set_args /probe echo ran
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output "ran"
	assert_nothing_left "$ID"
}

@test "blockIO weight in range is still written" {
	[ -n "$(ls /sys/fs/cgroup/blkio/*/blkio.bfq.weight /sys/fs/cgroup/blkio/*/blkio.weight \
		2>/dev/null)" ] || skip "requires blkio weights (the BFQ or CFQ scheduler)"
	update_config '.linux.resources.blockIO = {"weight": 300}'
	set_args /probe pause --ready /tmp/ready
	sheep run -d --bundle "$BUNDLE" "$ID"
	assert_success
	wait_file "$BUNDLE/rootfs/tmp/ready"
	w=$(cg blkio blkio.bfq.weight 2>/dev/null || cg blkio blkio.weight)
	[ "${w##* }" = 300 ] || fail "blkio weight: '$w'"
}
