#!/usr/bin/env bats
# linux.resources.devices on cgroup v2 (config-linux.md "Device allowlist"): the rules become one
# BPF_CGROUP_DEVICE program on the container's cgroup, replaced (never stacked) by update, gone
# with the cgroup on delete. The runtime sees a pure v2 layout (pure_v2_runtime in helpers.bash).
#
# The default devices (/dev/null, zero, full, ...) stay allowed after the config's rules, as on v1
# and in runc; the denials are checked on devices outside that list (fuse 10:229, tun 10:200).
# bpftool (Debian package bpftool) counts the attached programs; without it that check is skipped.

load helpers

setup() {
	setup_sheep
	requires sheep
	pure_v2_runtime
	update_config '.linux.devices = [{"path":"/dev/fuse","type":"c","major":10,"minor":229,
			"fileMode":438}] |
		.process.capabilities.bounding += ["CAP_MKNOD"] |
		.process.capabilities.effective += ["CAP_MKNOD"] |
		.process.capabilities.permitted += ["CAP_MKNOD"]'
	# the runtime creates /dev/fuse inside the cgroup: its rule needs m
	rules '[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":3,
		"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":5,"access":"r"},
		{"allow":true,"type":"c","major":10,"minor":229,"access":"rm"}]'
	set_args /probe pause --ready /tmp/ready
}

teardown() {
	teardown_sheep
	[ -z "$CG" ] || [ ! -d "$CG" ] || fail "cgroup left behind: $CG"
}

# rules JSON: linux.resources.devices of the bundle.
rules() {
	update_config ".linux.resources.devices = $1"
}

start_container() {
	sheep run -d --bundle "$BUNDLE" "$ID"
	assert_success
	wait_file "$BUNDLE/rootfs/tmp/ready"
}

# inside SCRIPT: runs a shell script in the container (same cgroup, same device filter).
inside() {
	sheep exec "$ID" /bin/sh -c "$1"
}

# programs: the names of the device programs attached to the container's cgroup itself.
programs() {
	bpftool cgroup show "$CG" | awk '$2 == "cgroup_device" { print $4 }'
}

assert_one_program() {
	if ! command -v bpftool >/dev/null; then
		echo "bpftool not installed: the program count is not checked" >&2
		return 0
	fi
	local p
	p=$(programs)
	[ "$p" = sheep_devices ] || fail "expected one program 'sheep_devices' on $CG, got: '$p'"
}

@test "devices v2: read, write and mknod verdicts inside the container, one program" {
	start_container
	[ -d "$CG" ] || fail "no v2 cgroup $CG"
	inside 'exec 3</dev/null 4>/dev/null && echo null-rw'
	assert_success
	assert_output "null-rw"
	inside 'exec 3</dev/zero && echo zero-r'
	assert_output "zero-r"
	# c 1:5 r does not take write away: the default devices come after the config's rules
	inside 'exec 3>/dev/zero && exec 4>/dev/full && echo defaults-w'
	assert_output "defaults-w"
	inside 'exec 3</dev/fuse && echo fuse-r'
	assert_output "fuse-r"
	inside 'exec 3>/dev/fuse && echo fuse-w'
	assert_failure
	assert_output "/bin/sh: can't create /dev/fuse: Operation not permitted"
	inside 'mknod /tmp/tun c 10 200 && echo tun-m'
	assert_failure
	assert_output "mknod: /tmp/tun: Operation not permitted"
	inside 'mknod /tmp/loop b 7 0 && echo loop-m'
	assert_output "mknod: /tmp/loop: Operation not permitted"
	inside 'mknod /tmp/fuse c 10 229 && mknod /tmp/urandom c 1 9 && echo m-ok'
	assert_success
	assert_output "m-ok"
	assert_one_program
}

@test "devices v2: update replaces the program, the verdicts change" {
	start_container
	echo '{"devices": [{"allow":false,"access":"rwm"},
		{"allow":true,"type":"c","major":10,"minor":229,"access":"rw"},
		{"allow":true,"type":"c","major":10,"minor":200,"access":"m"}]}' >"$BATS_TEST_TMPDIR/r1"
	sheep update --resources "$BATS_TEST_TMPDIR/r1" "$ID"
	assert_success
	assert_one_program
	inside 'exec 3>/dev/fuse && mknod /tmp/tun c 10 200 && echo now-allowed'
	assert_success
	assert_output "now-allowed"
	inside 'mknod /tmp/fuse c 10 229'
	assert_output "mknod: /tmp/fuse: Operation not permitted"
	# a second update with the same rules still leaves exactly one
	sheep update --resources "$BATS_TEST_TMPDIR/r1" "$ID"
	assert_success
	assert_one_program
	echo '{"devices": [{"allow":true,"type":"c","major":10,"minor":229,"access":"rwm"},
		{"allow":false,"type":"c","major":10,"access":"w"}]}' >"$BATS_TEST_TMPDIR/r2"
	sheep update --resources "$BATS_TEST_TMPDIR/r2" "$ID"
	assert_success
	assert_one_program
	inside 'exec 3</dev/fuse && echo fuse-r'
	assert_output "fuse-r"
	inside 'exec 3>/dev/fuse'
	assert_output "/bin/sh: can't create /dev/fuse: Operation not permitted"
	sheep delete --force "$ID"
	assert_success
	[ ! -d "$CG" ] || fail "cgroup left behind: $CG"
}

@test "devices v2: created, not started: the program is there; delete removes all" {
	sheep create --bundle "$BUNDLE" "$ID"
	assert_success
	assert_one_program
	sheep delete --force "$ID"
	assert_success
	[ ! -d "$CG" ] || fail "cgroup left behind: $CG"
	assert_nothing_left "$ID"
}

# As runc: a config without device rules still gets deny-all plus the default devices; a new
# cgroup would otherwise inherit its parent's 'a *:* rwm' and every host device could be opened.
@test "devices v2: no rules still gets the default filter" {
	update_config 'del(.linux.resources.devices) | del(.linux.devices)'
	start_container
	inside 'mknod /tmp/tun c 10 200 && echo m-ok'
	assert_output "mknod: /tmp/tun: Operation not permitted"
	inside 'echo x >/dev/null && head -c1 /dev/zero | wc -c'
	assert_output "1"
	assert_one_program
}

@test "devices v2: an invalid rule is an error naming it, the same as on v1, nothing left" {
	rules '[{"allow":false,"access":"rwm"},{"allow":true,"type":"x","major":1,"minor":3}]'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" \
		"set cgroup: linux.resources.devices[1].type: unknown device type 'x' (a, b or c)"
	[ ! -d "$CG" ] || fail "cgroup left behind: $CG"
	rules '[{"allow":true,"type":"c","major":1,"minor":3,"access":"q"}]'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" \
		"set cgroup: linux.resources.devices[0].access: 'q' is not a combination of r, w and m"
	SHEEP_OCI=$REAL_OCI sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" \
		"set cgroup: linux.resources.devices[0].access: 'q' is not a combination of r, w and m"
	assert_nothing_left "$ID"
}
