#!/usr/bin/env bats
# process.* compared with runc 1.1.5 and the runtime-spec (conformance audit): values the kernel
# would refuse deep in the init (or silently read as something else) refused up front naming the
# field, errors that say what is missing (CAP_SYS_RESOURCE, an unmapped id), capabilities that
# cannot be granted warned about, and the behaviours found right kept from regressing.

load helpers

setup() {
	setup_sheep
}

teardown() {
	teardown_sheep
}

@test "process: ioPriority.priority outside 0-7 is refused (not turned into I/O hint bits)" {
	# runc 1.1.5 ignores ioPriority; config.md: "ranging from 0 (highest) to 7 (lowest)"
	requires sheep
	update_config '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 9}'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" "config.json: process.ioPriority.priority: 9 is not in 0-7"
	assert_nothing_left "$ID"
}

@test "process: ioPriority 0-7 is what the process gets" {
	requires sheep
	update_config '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 7}'
	set_args /bin/sh -c 'ionice -p $$'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output "best-effort: prio 7"
}

@test "process: oomScoreAdj outside -1000..1000 is refused before anything is created" {
	update_config '.process.oomScoreAdj = 1001'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" "config.json: process.oomScoreAdj: 1001 is not in -1000..1000"
	assert_nothing_left "$ID"
}

@test "process: oomScoreAdj 1000 is set, below the runtime's own says CAP_SYS_RESOURCE" {
	update_config '.process.oomScoreAdj = 1000'
	set_args /bin/cat /proc/self/oom_score_adj
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output 1000
	[ "$(cat /proc/self/oom_score_adj)" -eq 0 ] || skip "the runtime's own oom_score_adj is not 0"
	if (($((0x$(awk '/^CapEff/ {print $2}' /proc/self/status))) & (1 << 24))); then
		skip "this host has CAP_SYS_RESOURCE"
	fi
	update_config '.process.oomScoreAdj = -1000'
	sheep run --bundle "$BUNDLE" "$ID-2"
	assert_sheep_error run "$ID-2" "set process attributes: set oomScoreAdj -1000 (below the runtime's own: needs CAP_SYS_RESOURCE): write '/proc/self/oom_score_adj': Permission denied"
	assert_nothing_left "$ID-2"
}

@test "process: a real-time scheduler policy without a priority of 1-99 is refused up front" {
	# runc 1.1.5 ignores scheduler; sched(7): SCHED_FIFO/RR take 1-99, the others 0
	requires sheep
	update_config '.process.scheduler = {"policy": "SCHED_FIFO"}'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" \
		"config.json: process.scheduler.priority: SCHED_FIFO needs 1-99, not 0"
	assert_nothing_left "$ID"
	update_config '.process.scheduler = {"policy": "SCHED_BATCH", "priority": 3}'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" \
		"config.json: process.scheduler.priority: SCHED_BATCH takes none (0), not 3"
	assert_nothing_left "$ID"
}

@test "process: SCHED_BATCH with a nice value is what the process gets" {
	requires sheep
	update_config '.process.scheduler = {"policy": "SCHED_BATCH", "nice": 5}'
	set_args /bin/sh -c 'cut -d" " -f19,41 /proc/self/stat'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output "5 3"
}

@test "process: a hard rlimit above the runtime's own names CAP_SYS_RESOURCE" {
	requires sheep
	if (($((0x$(awk '/^CapEff/ {print $2}' /proc/self/status))) & (1 << 24))); then
		skip "this host has CAP_SYS_RESOURCE"
	fi
	local hard
	hard=$(ulimit -Hn)
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 100, "hard": '$((hard + 1))'}]'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" "set process attributes: process.rlimits[0]: hard limit $((hard + 1)) of RLIMIT_NOFILE is above the runtime's own $hard, and raising it needs CAP_SYS_RESOURCE"
	assert_nothing_left "$ID"
}

@test "process: duplicate rlimits are refused (config.md MUST; runc 1.1.5 takes the last)" {
	requires sheep
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 100, "hard": 100},
		{"type": "RLIMIT_NOFILE", "soft": 50, "hard": 50}]'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" "config.json: process.rlimits[1].type: duplicate rlimit 'RLIMIT_NOFILE'"
	assert_nothing_left "$ID"
}

@test "process: an inheritable capability outside the bounding set is warned about, not granted" {
	requires sheep
	update_config '.process.capabilities = {"inheritable": ["CAP_CHOWN"]}'
	set_args /probe status
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_contains "sheep-oci: process.capabilities.inheritable: CAP_CHOWN is not in the bounding set: not granted"
	assert_output_contains "CapInh:	0000000000000000"
}

@test "process: a uid without a mapping in the user namespace is named" {
	requires userns sheep
	userns_mapped
	update_config '.process.user = {"uid": 70000, "gid": 0}'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" "set user and capabilities: become uid 70000 gid 0: setresuid: uid 70000 is not mapped in the user namespace"
	assert_nothing_left "$ID"
	update_config '.process.user = {"uid": 0, "gid": 0, "additionalGids": [70000]}'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" "set user and capabilities: become uid 0 gid 0: setgroups: an additional gid is not mapped in the user namespace"
	assert_nothing_left "$ID"
}

@test "process: user ids, additionalGids and umask 0 inside a user namespace" {
	requires userns
	userns_mapped
	update_config '.process.user = {"uid": 1000, "gid": 1000, "additionalGids": [5, 3], "umask": 0}'
	set_args /probe id ';' umask
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_contains "uid=1000 gid=1000 euid=1000 egid=1000 groups=3,5"
	assert_output_contains "0000"
}

@test "process: umask absent is 0022" {
	update_config 'del(.process.user.umask)'
	set_args /probe umask
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output "0022"
}

@test "process: a script whose interpreter is missing names the interpreter" {
	requires sheep
	printf '#!/nonexistent/sh\necho x\n' >"$BUNDLE/rootfs/script"
	chmod 755 "$BUNDLE/rootfs/script"
	set_args /script
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" \
		"find the executable: interpreter '/nonexistent/sh' of '/script': No such file or directory"
	assert_nothing_left "$ID"
}

@test "process: a missing cwd is created, a relative one refused" {
	update_config '.process.cwd = "/not/yet"'
	set_args /probe cwd
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output "/not/yet"
	update_config '.process.cwd = "tmp"'
	sheep run --bundle "$BUNDLE" "$ID-2"
	assert_sheep_error run "$ID-2" "config.json: process.cwd: must be an absolute path"
	assert_nothing_left "$ID-2"
}

@test "process: noNewPrivileges decides whether a setuid program gains euid 0" {
	cp "$SHEEP_PROBE" "$BUNDLE/rootfs/suid"
	chmod 4755 "$BUNDLE/rootfs/suid"
	update_config '.process.user = {"uid": 1000, "gid": 1000} | .process.noNewPrivileges = true |
		.process.capabilities.bounding += ["CAP_SETUID"]'
	set_args /suid id
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_contains "uid=1000 gid=1000 euid=1000"
	update_config '.process.noNewPrivileges = false'
	sheep run --bundle "$BUNDLE" "$ID-2"
	assert_success
	assert_output_contains "uid=1000 gid=1000 euid=0"
}

@test "process: linux.personality LINUX32 makes uname -m i686" {
	# runc 1.1.5 does not implement personality
	requires sheep
	[ "$(uname -m)" = x86_64 ] || skip "not x86_64"
	update_config '.linux.personality = {"domain": "LINUX32"}'
	set_args /bin/uname -m
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output i686
}

@test "process: exec --process checks ioPriority and oomScoreAdj the same way" {
	requires exec sheep
	set_args /probe pause --ready /tmp/ready
	sheep run -d --bundle "$BUNDLE" "$ID"
	assert_success
	wait_file "$BUNDLE/rootfs/tmp/ready"
	jq '.process | .args = ["/bin/true"] | .ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 8}' \
		"$BUNDLE/config.json" >"$BATS_TEST_TMPDIR/p.json"
	sheep exec --process "$BATS_TEST_TMPDIR/p.json" "$ID"
	assert_sheep_error exec "$ID" "process.json: ioPriority.priority: 8 is not in 0-7"
	jq '.process | .args = ["/bin/cat", "/proc/self/oom_score_adj"] | .oomScoreAdj = 500' \
		"$BUNDLE/config.json" >"$BATS_TEST_TMPDIR/p.json"
	sheep exec --process "$BATS_TEST_TMPDIR/p.json" "$ID"
	assert_success
	assert_output 500
	status_is "$ID" running
}

@test "process: repeated additionalGids are set once, as with runc" {
	update_config '.process.user = {"uid": 1000, "gid": 1000, "additionalGids": [3000, 5, 3000, 5]}'
	set_args /bin/sh -c 'grep ^Groups: /proc/self/status'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	[ "$(echo "$output" | tr -s '\t ' ' ' | sed 's/ $//')" = "Groups: 5 3000" ] ||
		fail "got: $output"
}
