#!/usr/bin/env bats
# process.apparmorProfile / selinuxLabel on a host without those LSMs: none given is fine, a value
# given is a clear error before anything is made (runc's behaviour).

load helpers

setup() {
	setup_sheep
}

teardown() {
	teardown_sheep
}

no_apparmor() {
	[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ] ||
		skip "the host runs AppArmor"
}

no_selinux() {
	[ ! -e /sys/fs/selinux/enforce ] || skip "the host runs SELinux"
}

@test "lsm: empty profile and label are fine without the LSMs" {
	update_config '.process.apparmorProfile = "" | .process.selinuxLabel = ""'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
}

@test "lsm: an AppArmor profile on a host without AppArmor is an error and leaves nothing" {
	requires sheep
	no_apparmor
	update_config '.process.apparmorProfile = "docker-default"'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" \
		"config.json: process.apparmorProfile: 'docker-default' given but AppArmor is not enabled on this host"
	assert_nothing_left "$ID"
}

@test "lsm: an SELinux label on a host without SELinux is an error and leaves nothing" {
	requires sheep
	no_selinux
	update_config '.process.selinuxLabel = "system_u:system_r:container_t:s0"'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" \
		"config.json: process.selinuxLabel: 'system_u:system_r:container_t:s0' given but SELinux is not enabled on this host"
	assert_nothing_left "$ID"
}

@test "lsm: exec --apparmor and --process-label are checked the same way" {
	requires sheep exec
	no_apparmor
	no_selinux
	set_args /probe pause --ready /tmp/ready
	sheep run -d --bundle "$BUNDLE" "$ID"
	wait_file "$BUNDLE/rootfs/tmp/ready"
	sheep exec --apparmor foo "$ID" /probe true
	assert_sheep_error exec "$ID" \
		"process.apparmorProfile: 'foo' given but AppArmor is not enabled on this host"
	sheep exec --process-label bar "$ID" /probe true
	assert_sheep_error exec "$ID" \
		"process.selinuxLabel: 'bar' given but SELinux is not enabled on this host"
	sheep exec "$ID" /probe true
	assert_success
}

# linux.mountLabel labels filesystems where SELinux runs (issue 4); elsewhere it means nothing and
# the container runs with unlabelled mounts. (runc 1.1.5 passes context= regardless, and the
# kernel refuses its /dev tmpfs with EINVAL.)
@test "lsm: linux.mountLabel on a host without SELinux is ignored, no context= on any mount" {
	requires sheep
	no_selinux
	update_config '.linux.mountLabel = "system_u:object_r:container_file_t:s0:c1,c2"'
	set_args /bin/cat /proc/self/mountinfo
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_contains " / /dev rw,nosuid - tmpfs "
	refute_output_contains "context="
}
