#!/usr/bin/env bats
# linux.netDevices (runtime-spec config-linux.md "Network Devices"): a host interface moved into
# the container's network namespace, renamed when asked, up, with its permanent global addresses.
# The interface is one end of a veth pair this file makes (no dummy module on these machines);
# moved into a namespace that later dies, the kernel destroys it, and teardown removes the rest.
# No packet is sent anywhere.

load helpers

setup() {
	setup_sheep
	# names unique to this test, at most 15 bytes
	DEV="sd$$"
	PEER="sp$$"
	ip link add "$DEV" type veth peer name "$PEER" || fail "veth"
	ip addr add 198.51.100.7/24 dev "$DEV"
	ip -6 addr add 2001:db8::7/64 dev "$DEV" nodad
	# a link-scope address is not carried over (only permanent, global ones are)
	ip addr add 169.254.9.9/16 scope link dev "$DEV"
	set_args /bin/sh -c 'ip -o link show; ip -o addr show'
}

teardown() {
	teardown_sheep
	ip link del "$PEER" 2>/dev/null || true
	ip link del "$DEV" 2>/dev/null || true
}

@test "netDevices: moved, renamed, up, with its permanent global addresses" {
	update_config ".linux.netDevices = {\"$DEV\": {\"name\": \"ctr0\"}}"
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_contains ": ctr0@"
	grep -E ': ctr0@[^:]*: <[^>]*\bUP\b' <<<"$output" || fail "ctr0 is not up"
	assert_output_contains "inet 198.51.100.7/24"
	assert_output_contains "inet6 2001:db8::7/64"
	refute_output_contains "169.254.9.9"
	refute_output_contains "$DEV"
	assert_nothing_left "$ID"
}

@test "netDevices: without a name the interface keeps its host name; it leaves the host" {
	update_config ".linux.netDevices = {\"$DEV\": {}}"
	set_args /probe pause
	sheep run -d --bundle "$BUNDLE" "$ID"
	assert_success
	! ip link show "$DEV" 2>/dev/null || fail "$DEV is still on the host"
	sheep exec "$ID" /bin/ip -o addr show dev "$DEV"
	assert_success
	assert_output_contains "inet 198.51.100.7/24"
}

@test "netDevices: a %d template is named by the kernel" {
	update_config ".linux.netDevices = {\"$DEV\": {\"name\": \"net%d\"}}"
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_contains ": net0@"
	assert_output_contains "inet 198.51.100.7/24"
}

@test "netDevices: a name taken in the container is an error before the move" {
	requires sheep
	update_config ".linux.netDevices = {\"$DEV\": {\"name\": \"lo\"}}"
	sheep run --bundle "$BUNDLE" "$ID"
	assert_failure 1
	assert_output "sheep-oci: run '$ID': linux.netDevices: move network device '$DEV' into the container as 'lo': File exists"
	ip link show "$DEV" >/dev/null || fail "$DEV left the host"
	ip -o addr show dev "$DEV" | grep -q 198.51.100.7 || fail "$DEV lost its address"
	assert_nothing_left "$ID"
}

@test "netDevices: a device missing on the host, an invalid name, no network namespace" {
	requires sheep
	update_config '.linux.netDevices = {"sheepnosuch0": {}}'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_failure 1
	assert_output "sheep-oci: run '$ID': config.json: linux.netDevices: network device 'sheepnosuch0' does not exist: No such device"
	assert_nothing_left "$ID"
	update_config ".linux.netDevices = {\"$DEV\": {\"name\": \"a/b\"}}"
	sheep run --bundle "$BUNDLE" "$ID"
	assert_failure 1
	assert_output "sheep-oci: run '$ID': config.json: linux.netDevices.$DEV.name: invalid interface name 'a/b'"
	update_config ".linux.netDevices = {\"$DEV\": {}} |
		.linux.namespaces |= map(select(.type != \"network\"))"
	sheep run --bundle "$BUNDLE" "$ID"
	assert_failure 1
	assert_output "sheep-oci: run '$ID': config.json: linux.netDevices: the container has no network namespace of its own (add one to linux.namespaces)"
	assert_nothing_left "$ID"
	ip link show "$DEV" >/dev/null || fail "$DEV left the host"
}
