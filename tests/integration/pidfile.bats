#!/usr/bin/env bats
# --pid-file for create, run --detach and exec --detach.

load helpers

setup() {
	setup_sheep
}

teardown() {
	teardown_sheep
}

@test "create --pid-file writes the pid that state reports" {
	sheep create --bundle "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
	assert_success
	[ "$(cat "$BATS_TEST_TMPDIR/pid")" -eq "$(container_pid "$ID")" ]
	pid_alive "$(cat "$BATS_TEST_TMPDIR/pid")"
}

@test "a relative --pid-file is relative to the caller's directory" {
	cd "$BATS_TEST_TMPDIR"
	sheep create --bundle "$BUNDLE" --pid-file pid.rel "$ID"
	assert_success
	[ "$(cat "$BATS_TEST_TMPDIR/pid.rel")" -eq "$(container_pid "$ID")" ]
}

@test "run --detach --pid-file" {
	set_args /probe pause --ready /tmp/ready
	sheep run -d --pid-file "$BATS_TEST_TMPDIR/pid" --bundle "$BUNDLE" "$ID"
	assert_success
	wait_file "$BUNDLE/rootfs/tmp/ready"
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	[ "$pid" -eq "$(container_pid "$ID")" ]
	sheep delete --force "$ID"
	retry 20 0.1 pid_dead "$pid"
}

@test "an existing pid file is replaced" {
	echo 999999999 >"$BATS_TEST_TMPDIR/pid"
	sheep create --bundle "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
	assert_success
	[ "$(cat "$BATS_TEST_TMPDIR/pid")" -eq "$(container_pid "$ID")" ]
}

@test "exec --detach --pid-file writes the exec'd process's pid" {
	requires exec
	set_args /probe pause --ready /tmp/ready
	sheep run -d --bundle "$BUNDLE" "$ID"
	wait_file "$BUNDLE/rootfs/tmp/ready"
	sheep exec --detach --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$ID" /probe sleep 1000
	assert_success
	pid=$(cat "$BATS_TEST_TMPDIR/exec.pid")
	[ "$pid" -ne "$(container_pid "$ID")" ]
	pid_alive "$pid"
	[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "/probe sleep 1000 " ]
	sheep delete --force "$ID"
	retry 20 0.1 pid_dead "$pid"
}
