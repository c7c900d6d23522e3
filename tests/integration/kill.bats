#!/usr/bin/env bats
# kill [--all] ID [SIGNAL]: signal names and numbers, the default SIGTERM, and its errors.

load helpers

setup() {
	setup_sheep
	set_args /probe pause --ready /tmp/ready
}

teardown() {
	teardown_sheep
}

# start_paused: a running probe that reports the signal it gets into its output file.
start_paused() {
	sheep run -d --bundle "$BUNDLE" "$ID"
	assert_success
	CT_OUT=$OUTFILE
	wait_file "$BUNDLE/rootfs/tmp/ready"
}

# expect_signal N NAME: the probe printed it and the container stopped.
expect_signal() {
	wait_status "$ID" stopped
	grep -qx "signal $1 ($2)" "$CT_OUT" || fail "probe did not get signal $1: $(cat "$CT_OUT")"
}

@test "kill without a signal sends SIGTERM" {
	start_paused
	sheep kill "$ID"
	assert_success
	expect_signal 15 TERM
}

@test "kill takes a signal number" {
	start_paused
	sheep kill "$ID" 10
	assert_success
	expect_signal 10 USR1
}

@test "kill takes a signal name with and without SIG" {
	start_paused
	sheep kill "$ID" HUP
	assert_success
	expect_signal 1 HUP
	sheep delete "$ID"
	make_bundle "$BATS_TEST_TMPDIR/b2"
	set_args /probe pause --ready /tmp/ready
	start_paused
	sheep kill "$ID" SIGUSR2
	assert_success
	expect_signal 12 USR2
}

@test "kill KILL of a created container stops it" {
	sheep create --bundle "$BUNDLE" "$ID"
	pid=$(container_pid "$ID")
	sheep kill "$ID" KILL
	assert_success
	wait_status "$ID" stopped
	retry 20 0.1 pid_dead "$pid"
}

@test "kill --all signals every process of the container" {
	set_args /bin/sh -c '/probe pause & /probe pause & exec /probe pause --ready /tmp/ready'
	start_paused
	retry 20 0.1 test "$(test_processes | wc -l)" -ge 3
	sheep kill --all "$ID" KILL
	assert_success
	wait_status "$ID" stopped
	retry 20 0.1 assert_no_test_processes
}

@test "kill KILL of a paused container stops it (a frozen process is thawed to die)" {
	start_paused
	sheep pause "$ID"
	assert_success
	[ "$(container_status "$ID")" = paused ]
	sheep kill "$ID" KILL
	assert_success
	wait_status "$ID" stopped
	sheep delete "$ID"
	assert_success
}

@test "kill of a stopped container fails" {
	sheep create --bundle "$BUNDLE" "$ID"
	sheep kill "$ID" KILL
	wait_status "$ID" stopped
	sheep kill "$ID" KILL
	assert_failure 1
	[ "$(container_status "$ID")" = stopped ]
}

@test "kill with an unknown signal fails and leaves the container running" {
	start_paused
	sheep kill "$ID" NOSUCHSIG
	assert_failure 1
	sheep kill "$ID" 0x
	assert_failure 1
	[ "$(container_status "$ID")" = running ]
}

@test "kill of an unknown container fails" {
	sheep kill "$ID" KILL
	assert_sheep_error kill "$ID" "container '$ID' does not exist"
}
