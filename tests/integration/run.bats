#!/usr/bin/env bats
# run: create + start (+ wait and delete in the foreground): exit status, signals, --detach.

load helpers

setup() {
	setup_sheep
}

teardown() {
	teardown_sheep
}

@test "run exits with the container's exit status" {
	set_args /probe exit 7
	sheep run --bundle "$BUNDLE" "$ID"
	assert_failure 7
	set_args /probe false
	sheep run --bundle "$BUNDLE" "$ID"
	assert_failure 1
	set_args /probe echo hello world
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output "hello world"
}

@test "a foreground run leaves nothing behind" {
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_nothing_left "$ID"
}

@test "run exits 128+N when the container is killed by signal N" {
	set_args /probe pause --ready /tmp/ready
	sheep_bg run --bundle "$BUNDLE" "$ID"
	wait_file "$BUNDLE/rootfs/tmp/ready"
	pid=$(container_pid "$ID")
	[ -n "$pid" ] || { wait_bg 1; fail "no pid in state"; }
	kill -KILL "$pid"
	wait_bg
	assert_failure 137
	assert_nothing_left "$ID"
}

@test "run forwards signals to the container process" {
	set_args /probe pause --ready /tmp/ready
	sheep_bg run --bundle "$BUNDLE" "$ID"
	wait_file "$BUNDLE/rootfs/tmp/ready"
	pid_alive "$BG_PID" || { wait_bg 1; fail "run exited early"; }
	kill -USR1 "$BG_PID"
	wait_bg
	assert_failure 138
	assert_output_contains "signal 10 (USR1)"
}

@test "run forwards SIGTERM; a process that exits 0 on it makes run exit 0" {
	set_args /probe pause --term-ok --ready /tmp/ready
	sheep_bg run --bundle "$BUNDLE" "$ID"
	wait_file "$BUNDLE/rootfs/tmp/ready"
	kill -TERM "$BG_PID"
	wait_bg
	assert_success
	assert_output_contains "signal 15 (TERM)"
	assert_nothing_left "$ID"
}

@test "run --detach returns at once and leaves the container running" {
	set_args /probe pause --ready /tmp/ready
	sheep run --detach --bundle "$BUNDLE" "$ID"
	assert_success
	wait_file "$BUNDLE/rootfs/tmp/ready"
	[ "$(container_status "$ID")" = running ]
	sheep kill "$ID" KILL
	wait_status "$ID" stopped
	sheep delete "$ID"
	assert_success
	assert_nothing_left "$ID"
}

@test "run -d of a short process: the container stays until delete" {
	set_args /probe write /tmp/done yes
	sheep run -d --bundle "$BUNDLE" "$ID"
	assert_success
	wait_status "$ID" stopped
	[ "$(cat "$BUNDLE/rootfs/tmp/done")" = yes ]
	sheep delete "$ID"
	assert_success
	assert_nothing_left "$ID"
}

@test "run of a missing program fails and leaves nothing behind" {
	set_args /no-such-program
	sheep run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_nothing_left "$ID"
}

@test "run of a duplicate id fails and leaves the first container alone" {
	set_args /probe pause --ready /tmp/ready
	sheep run -d --bundle "$BUNDLE" "$ID"
	assert_success
	wait_file "$BUNDLE/rootfs/tmp/ready"
	pid=$(container_pid "$ID")
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" "container '$ID' already exists"
	[ "$(container_status "$ID")" = running ]
	[ "$(container_pid "$ID")" = "$pid" ]
}
