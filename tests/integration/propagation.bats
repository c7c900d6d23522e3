#!/usr/bin/env bats
# linux.rootfsPropagation and per-mount propagation options.

load helpers

setup() {
	setup_sheep
	mkdir -p "$BATS_TEST_TMPDIR/shared"
}

teardown() {
	teardown_sheep
	umount -R "$BATS_TEST_TMPDIR/shared" 2>/dev/null || true
}

@test "by default a mount made on the host later does not matter, and nothing propagates out" {
	update_config '.mounts += [{"destination":"/mnt","type":"bind","source":"'"$BATS_TEST_TMPDIR/shared"'","options":["rbind"]}]'
	set_args /probe mounts
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_contains "/mnt "
	grep -q "$BUNDLE/rootfs" /proc/self/mountinfo && fail "rootfs mount visible on the host"
	true
}

@test "an unknown rootfsPropagation is refused" {
	requires sheep
	update_config '.linux.rootfsPropagation = "sideways"'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_nothing_left "$ID"
}

@test "rootfsPropagation private and slave both run" {
	for p in private slave rslave rprivate; do
		update_config ".linux.rootfsPropagation = \"$p\""
		set_args /probe true
		sheep run --bundle "$BUNDLE" "$ID"
		assert_success
	done
}
