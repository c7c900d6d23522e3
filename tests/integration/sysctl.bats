#!/usr/bin/env bats
# linux.sysctl: written in the container's own namespaces; a sysctl that would change the host
# (global to the kernel, or in a namespace the container shares with the host) is refused.

load helpers

setup() {
	setup_sheep
}

teardown() {
	teardown_sheep
}

@test "sysctl of the network, ipc and uts namespaces is set inside the container only" {
	host_msgmax=$(cat /proc/sys/kernel/msgmax)
	update_config '.linux.sysctl = {"net.ipv4.ip_default_ttl": "42", "kernel.msgmax": "4321",
		"fs/mqueue/msg_max": "17", "kernel.domainname": "sheep.test"}'
	set_args cat /proc/sys/net/ipv4/ip_default_ttl /proc/sys/kernel/msgmax \
		/proc/sys/fs/mqueue/msg_max /proc/sys/kernel/domainname
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	[ "${lines[0]}" = 42 ] && [ "${lines[1]}" = 4321 ] && [ "${lines[2]}" = 17 ] &&
		[ "${lines[3]}" = sheep.test ]
	[ "$(cat /proc/sys/kernel/msgmax)" = "$host_msgmax" ]
}

@test "a sysctl global to the kernel is refused and the host keeps its value" {
	before=$(cat /proc/sys/kernel/panic)
	update_config ".linux.sysctl = {\"kernel.panic\": \"$((before + 7))\"}"
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" \
		"config.json: linux.sysctl: 'kernel.panic' is not in a separate kernel namespace: it would change the host"
	[ "$(cat /proc/sys/kernel/panic)" = "$before" ]
	assert_nothing_left "$ID"
}

# assert_net_sysctl_refused: the run fails, the host's value is unchanged, nothing is left.
assert_net_sysctl_refused() {
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" \
		"config.json: linux.sysctl: 'net.ipv4.ip_default_ttl' needs the container's own network namespace (a new one, or a path other than the runtime's)"
	[ "$(cat /proc/sys/net/ipv4/ip_default_ttl)" = "$before" ]
	assert_nothing_left "$ID"
}

@test "a network sysctl without a network namespace of its own is refused" {
	before=$(cat /proc/sys/net/ipv4/ip_default_ttl)
	update_config '.linux.namespaces |= map(select(.type != "network"))
		| .linux.sysctl = {"net.ipv4.ip_default_ttl": "33"}'
	assert_net_sysctl_refused
}

@test "joining the host's network namespace by path is not a namespace of its own" {
	before=$(cat /proc/sys/net/ipv4/ip_default_ttl)
	update_config '.linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/net" else . end)
		| .linux.sysctl = {"net.ipv4.ip_default_ttl": "33"}'
	assert_net_sysctl_refused
}

@test "kernel.hostname next to the hostname field is refused" {
	update_config '.hostname = "box" | .linux.sysctl = {"kernel.hostname": "other"}'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" \
		"config.json: linux.sysctl: 'kernel.hostname' conflicts with the hostname field"
	assert_nothing_left "$ID"
}
