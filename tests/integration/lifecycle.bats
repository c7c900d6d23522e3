#!/usr/bin/env bats
# create -> start -> stopped -> delete, and the states in between (runtime-spec "Lifecycle").

load helpers

setup() {
	setup_sheep
}

teardown() {
	teardown_sheep
}

@test "create leaves the container 'created' with a live init, start runs it" {
	set_args /probe write /tmp/started yes
	sheep create --bundle "$BUNDLE" "$ID"
	assert_success
	[ "$(container_status "$ID")" = created ]
	pid=$(container_pid "$ID")
	pid_alive "$pid"
	# The user process has not run yet (the init waits for start).
	[ ! -e "$BUNDLE/rootfs/tmp/started" ]

	sheep start "$ID"
	assert_success
	wait_status "$ID" stopped
	[ "$(cat "$BUNDLE/rootfs/tmp/started")" = yes ]
	retry 20 0.1 pid_dead "$pid"

	sheep delete "$ID"
	assert_success
	assert_nothing_left "$ID"
}

@test "a created container's init shows as 'sheep-oci init' (runc's: 'runc init'), not the runtime's command line" {
	set_args /probe sleep 100
	sheep create --bundle "$BUNDLE" "$ID"
	assert_success
	pid=$(container_pid "$ID")
	cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" | sed 's/ *$//')
	if is_runc; then
		[ "$cmdline" = "runc init" ] || fail "cmdline: '$cmdline'"
	elif is_sheep; then
		[ "$cmdline" = "sheep-oci init" ] || fail "cmdline: '$cmdline'"
	fi
	# the options the runtime parsed were not overwritten with them: start and state still work
	sheep start "$ID"
	assert_success
	[ "$(container_status "$ID")" = running ]
	[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "/probe sleep 100 " ] ||
		fail "after start: '$(tr '\0' ' ' <"/proc/$pid/cmdline")'"
}

@test "a long-running container is 'running' after start and 'stopped' once killed" {
	set_args /probe pause --ready /tmp/ready
	sheep create --bundle "$BUNDLE" "$ID"
	assert_success
	sheep start "$ID"
	assert_success
	wait_file "$BUNDLE/rootfs/tmp/ready"
	[ "$(container_status "$ID")" = running ]

	sheep kill "$ID" KILL
	assert_success
	wait_status "$ID" stopped
	sheep delete "$ID"
	assert_success
	assert_nothing_left "$ID"
}

@test "create uses the current directory as the bundle when --bundle is not given" {
	cd "$BUNDLE"
	sheep create "$ID"
	assert_success
	sheep state "$ID"
	assert_success
	[ "$(jq -r .bundle <<<"$output")" = "$BUNDLE" ]
}

@test "a relative --bundle is recorded as an absolute path" {
	cd "$BUNDLE/.."
	sheep create --bundle "$(basename "$BUNDLE")" "$ID"
	assert_success
	sheep state "$ID"
	[ "$(jq -r .bundle <<<"$output")" = "$BUNDLE" ]
}

@test "the container's stdout and stderr are the caller's" {
	set_args /bin/sh -c 'echo to-stdout; echo to-stderr >&2'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_contains to-stdout
	assert_output_contains to-stderr
}

@test "start twice: the second start fails and changes nothing" {
	set_args /probe pause --ready /tmp/ready
	sheep create --bundle "$BUNDLE" "$ID"
	sheep start "$ID"
	assert_success
	wait_file "$BUNDLE/rootfs/tmp/ready"
	sheep start "$ID"
	assert_sheep_error start "$ID" "cannot start a container that is running"
	[ "$(container_status "$ID")" = running ]
}

@test "start of a stopped container fails" {
	sheep create --bundle "$BUNDLE" "$ID"
	sheep start "$ID"
	assert_success
	wait_status "$ID" stopped
	sheep start "$ID"
	assert_sheep_error start "$ID" "cannot start a container that is stopped"
	[ "$(container_status "$ID")" = stopped ]
}

@test "a container can be created again under the same id after delete" {
	sheep create --bundle "$BUNDLE" "$ID"
	assert_success
	sheep delete --force "$ID"
	assert_success
	sheep create --bundle "$BUNDLE" "$ID"
	assert_success
	sheep start "$ID"
	assert_success
	wait_status "$ID" stopped
	sheep delete "$ID"
	assert_success
	assert_nothing_left "$ID"
}

@test "delete --force of a created container kills its init" {
	sheep create --bundle "$BUNDLE" "$ID"
	assert_success
	pid=$(container_pid "$ID")
	sheep delete --force "$ID"
	assert_success
	retry 20 0.1 pid_dead "$pid"
	assert_nothing_left "$ID"
}

# config.md: process is "REQUIRED when start is called"; create builds the container without one
# (runtime-tools' start test creates such a container).
@test "a config without process: create works, start fails and stops it, delete leaves nothing" {
	update_config 'del(.process)'
	sheep create --bundle "$BUNDLE" "$ID"
	assert_success
	[ "$(container_status "$ID")" = created ]
	pid=$(container_pid "$ID")
	# the container exists: exec works in it (nothing to inherit but the root)
	sheep exec "$ID" /probe echo inside
	assert_success
	assert_output "inside"
	sheep start "$ID"
	assert_sheep_error start "$ID" "config.json: process: required to start the container"
	retry 20 0.1 pid_dead "$pid"
	[ "$(container_status "$ID")" = stopped ]
	sheep delete "$ID"
	assert_success
	assert_nothing_left "$ID"
}

@test "a config without process: run fails and leaves nothing" {
	update_config 'del(.process)'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" "config.json: process: required to start the container"
	assert_nothing_left "$ID"
}
