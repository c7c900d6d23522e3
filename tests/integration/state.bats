#!/usr/bin/env bats
# state: the runtime-spec state JSON (ociVersion, id, status, pid, bundle, annotations), with
# runc's additions (rootfs, created, owner) that tools written for runc read.

load helpers

setup() {
	setup_sheep
}

teardown() {
	teardown_sheep
}

@test "state of a created container has every required field" {
	update_config '.annotations = {"org.sheep.test": "yes", "b": "2"}'
	sheep create --bundle "$BUNDLE" "$ID"
	assert_success
	sheep state "$ID"
	assert_success
	jq -e --arg id "$ID" --arg b "$BUNDLE" '.id == $id and .status == "created" and
		.bundle == $b and (.ociVersion | test("^1\\.")) and .pid > 0' <<<"$output"
	jq -e '.annotations == {"org.sheep.test": "yes", "b": "2"}' <<<"$output"
	pid_alive "$(jq .pid <<<"$output")"
}

@test "state has runc's rootfs, created and owner too" {
	sheep create --bundle "$BUNDLE" "$ID"
	assert_success
	sheep state "$ID"
	assert_success
	jq -e --arg r "$BUNDLE/rootfs" '.rootfs == $r and has("owner") and
		(.created | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$"))' <<<"$output" ||
		fail "state: $output"
}

@test "state pid is the container process, as seen from the host" {
	set_args /probe pause --ready /tmp/ready
	sheep run -d --bundle "$BUNDLE" "$ID"
	wait_file "$BUNDLE/rootfs/tmp/ready"
	sheep state "$ID"
	jq -e '.status == "running"' <<<"$output"
	pid=$(jq .pid <<<"$output")
	[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "/probe pause --ready /tmp/ready " ]
}

@test "state reports 'stopped' once the process exits" {
	sheep run -d --bundle "$BUNDLE" "$ID"
	assert_success
	wait_status "$ID" stopped
	sheep state "$ID"
	assert_success
	jq -e --arg id "$ID" '.id == $id and .status == "stopped"' <<<"$output"
}

@test "state notices a process killed behind the runtime's back" {
	set_args /probe pause --ready /tmp/ready
	sheep run -d --bundle "$BUNDLE" "$ID"
	wait_file "$BUNDLE/rootfs/tmp/ready"
	kill -KILL "$(container_pid "$ID")"
	wait_status "$ID" stopped
}

@test "state of an unknown container fails" {
	sheep state "$ID"
	assert_sheep_error state "$ID" "container '$ID' does not exist"
}

@test "state without an id is a usage error" {
	sheep state
	assert_failure
}
