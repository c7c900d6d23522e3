#!/usr/bin/env bats
# linux.memoryPolicy (runtime-spec 1.3): the container's processes, its init and exec'd ones, run
# with the NUMA policy given; /proc/self/numa_maps shows it on every mapping that has no policy of
# its own. These machines have one node (0).

load helpers

setup() {
	setup_sheep
	[ -r /proc/self/numa_maps ] || skip "requires a kernel with NUMA (CONFIG_NUMA)"
}

teardown() {
	teardown_sheep
}

@test "memoryPolicy: MPOL_BIND to node 0 for the init and for exec" {
	update_config '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0"}'
	set_args /bin/cat /proc/self/numa_maps
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_contains " bind:0 "
	refute_output_contains " default "
	set_args /probe pause
	sheep run -d --bundle "$BUNDLE" "$ID"
	assert_success
	sheep exec "$ID" /bin/cat /proc/self/numa_maps
	assert_success
	assert_output_contains " bind:0 "
}

@test "memoryPolicy: MPOL_INTERLEAVE with MPOL_F_STATIC_NODES" {
	update_config '.linux.memoryPolicy = {"mode": "MPOL_INTERLEAVE", "nodes": "0",
		"flags": ["MPOL_F_STATIC_NODES"]}'
	set_args /bin/cat /proc/self/numa_maps
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_contains " interleave=static:0 "
}

@test "memoryPolicy: a node the host lacks fails create naming it; a bad list names the path" {
	requires sheep
	update_config '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "7"}'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_failure 1
	assert_output "sheep-oci: run '$ID': set the memory policy: set_mempolicy MPOL_BIND nodes '7': Invalid argument"
	assert_nothing_left "$ID"
	update_config '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0-"}'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_failure 1
	assert_output "sheep-oci: run '$ID': config.json: linux.memoryPolicy.nodes: '0-' is not a list of nodes below 1024 like 0-3,7"
	assert_nothing_left "$ID"
}
