#!/usr/bin/env bats
# process.capabilities and process.user (config.md#linux-process): exactly the configured sets,
# the uid/gid/groups switch, unknown names as errors, capabilities the host lacks not granted.

load helpers

setup() {
	setup_sheep
}

teardown() {
	teardown_sheep
}

# caps_all JSON-ARRAY: the same list in all five sets.
caps_all() {
	update_config ".process.capabilities = {\"bounding\": $1, \"effective\": $1,
		\"permitted\": $1, \"inheritable\": $1, \"ambient\": $1}"
}

# bit N as /proc/self/status prints a capability mask
cap_mask() {
	printf '%016x' "$1"
}

@test "capabilities: the default spec's three capabilities are exactly the sets" {
	set_args /probe status
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	# CAP_KILL (5), CAP_NET_BIND_SERVICE (10), CAP_AUDIT_WRITE (29)
	local m
	m=$(cap_mask $(((1 << 5) | (1 << 10) | (1 << 29))))
	assert_output_contains "CapEff:	$m"
	assert_output_contains "CapPrm:	$m"
	assert_output_contains "CapBnd:	$m"
	assert_output_contains "CapInh:	0000000000000000"
	# ambient capabilities must also be inheritable (PR_CAP_AMBIENT_RAISE): not raised
	assert_output_contains "CapAmb:	0000000000000000"
}

@test "capabilities: an empty capabilities object leaves root with none" {
	update_config '.process.capabilities = {}'
	set_args /probe status \; syscall chroot
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_contains "CapEff:	0000000000000000"
	assert_output_contains "CapBnd:	0000000000000000"
	assert_output_contains "chroot: EPERM"
}

@test "capabilities: CAP_SYS_CHROOT granted or not decides chroot(2)" {
	caps_all '["CAP_SYS_CHROOT"]'
	set_args /probe syscall chroot
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output "chroot: ok"
	caps_all '["CAP_KILL"]'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output "chroot: EPERM"
}

@test "capabilities: a non-root user keeps inheritable+ambient capabilities across exec" {
	update_config '.process.user = {"uid": 1000, "gid": 1000, "additionalGids": [2000, 3000]}'
	caps_all '["CAP_NET_BIND_SERVICE"]'
	set_args /probe id \; status
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_contains "uid=1000 gid=1000 euid=1000 egid=1000 groups=2000,3000"
	assert_output_contains "CapEff:	$(cap_mask $((1 << 10)))"
	assert_output_contains "CapAmb:	$(cap_mask $((1 << 10)))"
}

@test "capabilities: a non-root user without ambient capabilities has none" {
	update_config '.process.user = {"uid": 1000, "gid": 1000} |
		.process.capabilities.ambient = []'
	set_args /probe status
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_contains "CapEff:	0000000000000000"
	assert_output_contains "CapPrm:	0000000000000000"
}

@test "capabilities: a capability outside the host's bounding set is not granted, not an error" {
	# runc fails here ("unable to apply caps: operation not permitted"); sheep-oci leaves out
	# what the runtime itself does not hold
	requires sheep
	local host want
	host=$((16#$(awk '/^CapBnd/ {print $2}' /proc/self/status)))
	want=$((((1 << 24) | (1 << 0)) & host)) # CAP_SYS_RESOURCE | CAP_CHOWN
	caps_all '["CAP_CHOWN", "CAP_SYS_RESOURCE"]'
	set_args /probe status
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_contains "CapEff:	$(cap_mask $want)"
	assert_output_contains "CapBnd:	$(cap_mask $want)"
	# config.md: a capability that cannot be granted MUST be logged as a warning
	if ((host & (1 << 24))); then
		refute_output_contains "CAP_SYS_RESOURCE"
	else
		assert_output_contains "sheep-oci: process.capabilities: CAP_SYS_RESOURCE is outside the runtime's own bounding set: not granted"
	fi
}

@test "capabilities: effective without permitted is warned about and not granted" {
	requires sheep
	update_config '.process.capabilities = {"bounding": ["CAP_KILL", "CAP_CHOWN"],
		"effective": ["CAP_KILL", "CAP_CHOWN"], "permitted": ["CAP_KILL"],
		"inheritable": [], "ambient": ["CAP_KILL"]}'
	set_args /probe status
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_contains "CapEff:	$(cap_mask $((1 << 5)))"
	assert_output_contains "CapAmb:	$(cap_mask 0)"
	assert_output_contains "sheep-oci: process.capabilities.effective: CAP_CHOWN is not in the permitted set: not granted"
}

# An unknown name is an error naming its JSON path, before anything is made (crun 1.8 and
# runtime-tools' process_capabilities_fail; runc 1.1.5 warns and goes on).
@test "capabilities: an unknown name is an error naming the JSON path; nothing is left" {
	requires sheep
	update_config '.process.capabilities.bounding = ["CAP_KILL", "CAP_CHOWN", "CAP_FOO"]'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" \
		"config.json: process.capabilities.bounding[2]: unknown capability 'CAP_FOO'"
	assert_nothing_left "$ID"
}

@test "capabilities: names need the CAP_ prefix and upper case" {
	requires sheep
	update_config '.process.capabilities.permitted = ["kill"]'
	sheep create --bundle "$BUNDLE" "$ID"
	assert_sheep_error create "$ID" \
		"config.json: process.capabilities.permitted[0]: unknown capability 'kill'"
	assert_nothing_left "$ID"
}

