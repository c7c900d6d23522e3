#!/usr/bin/env bats
# The process section seen from inside (env, cwd, user, capabilities, rlimits, no_new_privs,
# hostname, umask) and exec into a running container.

load helpers

setup() {
	setup_sheep
}

teardown() {
	teardown_sheep
}

# probe_run CMD...: runs the probe with CMD in a fresh container in the foreground.
probe_run() {
	set_args /probe "$@"
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
}

# start_paused: a running container to exec into.
start_paused() {
	set_args /probe pause --ready /tmp/ready
	sheep run -d --bundle "$BUNDLE" "$ID"
	assert_success
	wait_file "$BUNDLE/rootfs/tmp/ready"
}

@test "process.env and process.cwd" {
	update_config '.process.env += ["FOO=bar", "EMPTY="] | .process.cwd = "/tmp"'
	probe_run env ';' cwd
	grep -qx FOO=bar <<<"$output"
	grep -qx EMPTY= <<<"$output"
	grep -qx 'PATH=.*' <<<"$output"
	[ "${lines[-1]}" = /tmp ]
}

@test "process.user: uid, gid and additionalGids" {
	update_config '.process.user = {"uid": 1000, "gid": 1000, "additionalGids": [10, 20]}'
	probe_run id
	assert_output_contains "uid=1000 gid=1000 euid=1000 egid=1000 groups="
	[[ "$output" =~ groups=.*10 ]] && [[ "$output" =~ groups=.*20 ]]
}

@test "the default capabilities of spec are what the process gets" {
	caps=$(jq -r '.process.capabilities.bounding | length' "$BUNDLE/config.json")
	probe_run status
	# CAP_AUDIT_WRITE (29), CAP_KILL (5), CAP_NET_BIND_SERVICE (10) in runc's and sheep's default.
	[ "$caps" -eq 3 ] || skip "spec's default capability set changed"
	grep -qx $'CapEff:\t0000000020000420' <<<"$output"
	grep -qx $'CapBnd:\t0000000020000420' <<<"$output"
}

@test "process.capabilities sets each set separately" {
	update_config '.process.capabilities = {"bounding": ["CAP_KILL", "CAP_CHOWN"],
		"effective": ["CAP_KILL"], "permitted": ["CAP_KILL"], "inheritable": []}'
	probe_run status
	grep -qx $'CapBnd:\t0000000000000021' <<<"$output"
	grep -qx $'CapEff:\t0000000000000020' <<<"$output"
	grep -qx $'CapPrm:\t0000000000000020' <<<"$output"
	grep -qx $'CapInh:\t0000000000000000' <<<"$output"
}

@test "noNewPrivileges true and false" {
	update_config '.process.noNewPrivileges = true'
	probe_run status
	grep -qx $'NoNewPrivs:\t1' <<<"$output"
	update_config '.process.noNewPrivileges = false'
	probe_run status
	grep -qx $'NoNewPrivs:\t0' <<<"$output"
}

@test "process.rlimits" {
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 512, "hard": 1024},
		{"type": "RLIMIT_CORE", "soft": 0, "hard": 0}]'
	probe_run rlimits
	grep -qx 'RLIMIT_NOFILE 512 1024' <<<"$output"
	grep -qx 'RLIMIT_CORE 0 0' <<<"$output"
}

@test "an unknown rlimit type is rejected" {
	update_config '.process.rlimits = [{"type": "RLIMIT_NOPE", "soft": 1, "hard": 1}]'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_nothing_left "$ID"
}

@test "hostname" {
	update_config '.hostname = "sheep-host"'
	probe_run hostname
	assert_output sheep-host
}

@test "process.user.umask" {
	update_config '.process.user.umask = 63'
	probe_run umask
	assert_output 0077
}

@test "exec runs a process in the container and returns its status" {
	requires exec
	start_paused
	sheep exec "$ID" /probe echo from exec
	assert_success
	assert_output "from exec"
	sheep exec "$ID" /probe exit 5
	assert_failure 5
	# The exec'd process shares the container's pid namespace.
	sheep exec "$ID" /probe ls /proc
	assert_success
	grep -qx 1 <<<"$output"
}

@test "exec --env, --cwd and --user" {
	requires exec
	start_paused
	sheep exec --env FOO=1 --env BAR=2 --cwd /tmp --user 1000:1000 "$ID" \
		/probe env ';' cwd ';' id
	assert_success
	grep -qx FOO=1 <<<"$output"
	grep -qx BAR=2 <<<"$output"
	grep -qx /tmp <<<"$output"
	assert_output_contains "uid=1000 gid=1000"
}

@test "exec --cap adds a capability" {
	requires exec
	start_paused
	sheep exec "$ID" /probe syscall chroot
	assert_output "chroot: EPERM"
	sheep exec --cap CAP_SYS_CHROOT "$ID" /probe syscall chroot
	assert_output "chroot: ok"
}

@test "exec --process reads a process JSON" {
	requires exec
	start_paused
	jq -n '{"args": ["/probe", "env", ";", "id"], "cwd": "/", "env": ["FROMFILE=yes"],
		"user": {"uid": 1000, "gid": 1000}}' >"$BATS_TEST_TMPDIR/process.json"
	sheep exec --process "$BATS_TEST_TMPDIR/process.json" "$ID"
	assert_success
	grep -qx FROMFILE=yes <<<"$output"
	assert_output_contains "uid=1000 gid=1000"
}

@test "exec into a stopped container fails" {
	requires exec
	sheep run -d --bundle "$BUNDLE" "$ID"
	wait_status "$ID" stopped
	sheep exec "$ID" /probe true
	assert_failure
}

@test "exec of a missing program fails and leaves the container running" {
	requires exec
	start_paused
	sheep exec "$ID" /no/such/program
	assert_failure
	[ "$(container_status "$ID")" = running ]
}
