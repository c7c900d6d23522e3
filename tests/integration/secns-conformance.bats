#!/usr/bin/env bats
# Seccomp and user namespaces against the runtime-spec (config-linux.md "Seccomp", "User namespace
# mappings") and runc 1.1.5, from the conformance audit: what the kernel would refuse with a bare
# EINVAL/EDOM/E2BIG is reported with the JSON path before anything is created; what the container
# and the seccomp agent see matches runc.

load helpers

setup() {
	setup_sheep
}

teardown() {
	teardown_sheep
}

# userns_config UIDMAPS GIDMAPS: a new user namespace with these mappings (JSON arrays).
userns_config() {
	update_config ".linux.namespaces = [.linux.namespaces[] | select(.type != \"user\")] +
		[{\"type\": \"user\"}] |
		.linux.uidMappings = $1 | .linux.gidMappings = $2"
}

MAP='[{"containerID": 0, "hostID": 100000, "size": 65536}]'

@test "userns: overlapping containerID ranges are named, not a bare EINVAL from uid_map" {
	requires sheep userns
	userns_config '[{"containerID": 0, "hostID": 100000, "size": 100},
		{"containerID": 50, "hostID": 300000, "size": 100}]' "$MAP"
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" \
		"config.json: linux.uidMappings[1]: containerID range overlaps uidMappings[0]"
	assert_nothing_left "$ID"
}

@test "userns: size 0, overlapping hostIDs and more than 340 ranges are config errors" {
	requires sheep userns
	userns_config "$MAP" '[{"containerID": 0, "hostID": 100000, "size": 0}]'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" "config.json: linux.gidMappings[0].size: must not be 0"
	userns_config "$MAP" '[{"containerID": 0, "hostID": 100000, "size": 10},
		{"containerID": 10, "hostID": 100005, "size": 10}]'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" \
		"config.json: linux.gidMappings[1]: hostID range overlaps gidMappings[0]"
	userns_config "$MAP" \
		'[range(341) | {"containerID": (. * 2), "hostID": (100000 + . * 2), "size": 1}]'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" \
		"config.json: linux.gidMappings: 341 ranges, the kernel takes at most 340"
	assert_nothing_left "$ID"
}

@test "userns: a new user namespace without container id 0 mapped is a clear error" {
	requires sheep userns
	# runc: "User namespaces enabled, but no user mapping found."; before: "become root in the
	# user namespace: Invalid argument" from the init
	userns_config '[{"containerID": 1000, "hostID": 100000, "size": 10}]' "$MAP"
	update_config '.process.user = {"uid": 1000, "gid": 0}'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" "config.json: linux.uidMappings: container id 0 is not mapped \
(the runtime sets the container up as root of its user namespace)"
	assert_nothing_left "$ID"
}

@test "userns: several ranges are written; files the container creates belong to the mapped ids" {
	requires userns
	userns_config '[{"containerID": 0, "hostID": 100000, "size": 1000},
		{"containerID": 1000, "hostID": 200000, "size": 10}]' \
		'[{"containerID": 0, "hostID": 100000, "size": 65536}]'
	userns_rootfs 100000
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	chmod 1777 "$BUNDLE/rootfs/tmp"
	set_args /probe cat /proc/self/uid_map \; write /tmp/by-1000 x
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	[ "$(awk '{print $1, $2, $3}' <<<"${lines[0]}")" = "0 100000 1000" ]
	[ "$(awk '{print $1, $2, $3}' <<<"${lines[1]}")" = "1000 200000 10" ]
	[ "$(stat -c %u:%g "$BUNDLE/rootfs/tmp/by-1000")" = "200000:101000" ] ||
		fail "owner on the host: $(stat -c %u:%g "$BUNDLE/rootfs/tmp/by-1000")"
}

@test "seccomp: an architecture of the other byte order is named (libseccomp EDOM)" {
	requires sheep
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_S390X"]}'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" "compile seccomp filter: config.json: \
linux.seccomp.architectures[2]: SCMP_ARCH_S390X has another byte order than the native \
architecture (one filter cannot hold both)"
	assert_nothing_left "$ID"
}

@test "seccomp: a profile past 4096 BPF instructions fails in create, before the init runs" {
	requires sheep
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [range(1000)
		| {"names": ["personality"], "action": "SCMP_ACT_ERRNO",
		   "args": [{"index": 0, "value": (. + 1), "op": "SCMP_CMP_EQ"},
			    {"index": 1, "value": (. * 7), "op": "SCMP_CMP_GT"}]}]}'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" "compile seccomp filter: config.json: linux.seccomp: "
	assert_output_contains " BPF instructions, more than the kernel's limit of 4096"
	# the error is the runtime's, not the init's load step
	refute_output_contains "load seccomp filter"
	assert_nothing_left "$ID"
}

@test "seccomp: SCMP_ACT_NOTIFY sends the agent the listener and the state with the metadata" {
	command -v python3 >/dev/null || skip "requires python3"
	local sock=$BATS_TEST_TMPDIR/agent.sock out=$BATS_TEST_TMPDIR/agent.out
	# a one-shot agent: takes the fd, records what came with it, closes it (the pending call
	# then fails with ENOSYS)
	python3 "$BATS_TEST_DIRNAME/seccomp_agent.py" "$sock" record "$out" 3>&- &
	local agent=$!
	wait_file "$sock.ready"
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"listenerPath": "'"$sock"'", "listenerMetadata": "meta 1",
		"syscalls": [{"names": ["personality"], "action": "SCMP_ACT_NOTIFY"}]}'
	set_args /probe syscall personality
	sheep run --bundle "$BUNDLE" "$ID"
	wait "$agent"
	assert_success
	assert_output "personality: ENOSYS"
	[ "$(head -1 "$out")" = "anon_inode:seccomp notify" ] || fail "fd: $(head -1 "$out")"
	# config-linux.md "seccomp state": fds names the fd, metadata and the container state
	tail -n +2 "$out" | jq -e --arg id "$ID" '.fds == ["seccompFd"] and .metadata == "meta 1"
		and .state.id == $id and .state.status == "created" and .pid == .state.pid' ||
		fail "state: $(cat "$out")"
}
