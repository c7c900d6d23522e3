#!/usr/bin/env bats
# rootfs: root.path (relative or absolute), root.readonly, pivot_root and --no-pivot.

load helpers

setup() {
	setup_sheep
}

teardown() {
	teardown_sheep
}

@test "root.readonly makes / read-only, and the spec's mounts stay writable" {
	update_config '.root.readonly = true'
	set_args /probe write /x y \; write /dev/shm/x y
	sheep run --bundle "$BUNDLE" "$ID"
	assert_failure 1
	assert_output_contains "Read-only file system"
	set_args /probe write /dev/shm/x y
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
}

@test "an absolute root.path works" {
	update_config ".root.path = \"$BUNDLE/rootfs\""
	set_args /probe cat /etc/passwd
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_contains "root:x:0:0"
}

@test "--no-pivot: the rootfs is / and the host is not reachable" {
	set_args /probe ls /
	sheep run --no-pivot --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_contains probe
	refute_output_contains vmlinuz
}

@test "after pivot_root the old root is gone" {
	set_args /probe mounts
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	refute_output_contains "/.pivot"
	[ "$(grep -c '^/ ' <<<"$output")" -eq 1 ] || fail "expected one mount on /"
}

@test "nothing mounted in the container shows on the host" {
	before=$(wc -l </proc/self/mountinfo)
	set_args /probe true
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	grep -q "$BUNDLE" /proc/self/mountinfo && fail "a container mount leaked to the host"
	[ "$(wc -l </proc/self/mountinfo)" -eq "$before" ] || fail "host mount count changed"
}
