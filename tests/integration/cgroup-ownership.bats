#!/usr/bin/env bats
# Cgroup ownership (config-linux.md): on a pure cgroup v2 layout, a container with a cgroup
# namespace of its own and /sys/fs/cgroup mounted read-write gets its cgroup handed to the host
# uid of its process user: the directory and the files /sys/kernel/cgroup/delegate lists, no
# other file. Not with the cgroup mount read-only, without a cgroup namespace, or on v1. runc
# 1.1.5 predates this part of the spec.

load helpers

setup() {
	setup_sheep
	requires sheep
	pure_v2_runtime
	# the cgroup mount of `spec`, read-write; the process runs as 1000
	update_config '(.mounts[] | select(.destination == "/sys/fs/cgroup") | .options) -= ["ro"] |
		.process.user = {"uid": 1000, "gid": 1000}'
	set_args /probe pause --ready /tmp/ready
}

teardown() {
	teardown_sheep
	[ -z "$CG" ] || [ ! -d "$CG" ] || fail "cgroup left behind: $CG"
}

start_container() {
	sheep run -d --bundle "$BUNDLE" "$ID"
	assert_success
	wait_file "$BUNDLE/rootfs/tmp/ready"
}

@test "cgroup ownership: the process user owns its cgroup and the delegatable files only" {
	start_container
	[ "$(stat -c %u "$CG")" = 1000 ] || fail "cgroup dir owned by $(stat -c %u "$CG")"
	[ "$(stat -c %u "$CG/cgroup.procs")" = 1000 ] || fail "cgroup.procs not delegated"
	[ "$(stat -c %u "$CG/cgroup.subtree_control")" = 1000 ] || fail "subtree_control not delegated"
	# a file the kernel does not list stays root's
	[ "$(stat -c %u "$CG/cgroup.max.depth")" = 0 ] || fail "cgroup.max.depth was given away"
	# inside: the user (without CAP_DAC_OVERRIDE) makes a sub cgroup in its own tree
	sheep exec "$ID" /bin/sh -c 'id -u; mkdir /sys/fs/cgroup/sub && echo made'
	assert_success
	assert_output_contains 1000
	assert_output_contains made
	[ -d "$CG/sub" ] || fail "no sub cgroup on the host"
	rmdir "$CG/sub"
}

@test "cgroup ownership: a read-only cgroup mount keeps the cgroup root's" {
	update_config '(.mounts[] | select(.destination == "/sys/fs/cgroup") | .options) += ["ro"]'
	start_container
	[ "$(stat -c %u "$CG")" = 0 ]
	[ "$(stat -c %u "$CG/cgroup.procs")" = 0 ]
}

@test "cgroup ownership: without a cgroup namespace the cgroup stays root's" {
	update_config '.linux.namespaces -= [{"type": "cgroup"}]'
	start_container
	[ "$(stat -c %u "$CG")" = 0 ]
}

@test "cgroup ownership: in a user namespace the owner is the host uid the user maps to" {
	requires userns
	userns_mapped
	start_container
	[ "$(stat -c %u "$CG")" = 101000 ] || fail "cgroup dir owned by $(stat -c %u "$CG")"
	[ "$(stat -c %u "$CG/cgroup.procs")" = 101000 ]
}

@test "cgroup ownership: not on the hybrid layout (v1 in use: delegation is not safe there)" {
	SHEEP_OCI=$REAL_OCI
	start_container
	local d n=0
	for d in $(cgroup_dirs "$ID") "$CG"; do
		[ -d "$d" ] || continue
		n=$((n + 1))
		[ "$(stat -c %u "$d")" = 0 ] || fail "$d owned by $(stat -c %u "$d")"
	done
	[ "$n" -gt 1 ] || fail "no cgroup directories found"
}
