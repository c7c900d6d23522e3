#!/usr/bin/env bats
# ps [--format table|json] ID [PS_ARGS...]: the processes of the container's cgroup, as runc's
# json (host pids, what containerd's shim parses) or as ps(1) lines filtered to the container;
# and delete of a container whose init left processes behind in its cgroup.

load helpers

setup() {
	setup_sheep
	set_args /bin/sh -c '/probe pause & /probe pause & exec /probe pause --ready /tmp/ready'
}

teardown() {
	teardown_sheep
}

run_three() {
	sheep run -d --bundle "$BUNDLE" "$ID"
	assert_success
	wait_file "$BUNDLE/rootfs/tmp/ready"
	retry 20 0.1 test "$(test_processes | wc -l)" -ge 3
}

@test "ps --format json prints the host pids of every process in the container" {
	run_three
	sheep ps --format json "$ID"
	assert_success
	want=$(test_processes | sort -n | jq -s -c .)
	got=$(jq -c 'sort' <<<"$output")
	[ "$got" = "$want" ] || fail "ps json $got, expected $want"
	jq -e --argjson pid "$(container_pid "$ID")" 'index($pid) != null' <<<"$output"
}

@test "ps prints ps -ef's header and only the container's lines" {
	run_three
	sheep ps "$ID"
	assert_success
	[[ "${lines[0]}" == UID*PID*PPID*CMD ]] || fail "header: ${lines[0]}"
	[ "${#lines[@]}" -eq 4 ] || fail "expected header + 3 lines"
	for p in $(test_processes); do
		printf '%s\n' "${lines[@]}" | awk -v p="$p" '$2 == p' | grep -q 'probe pause' ||
			fail "no line for $p"
	done
	refute_output_contains "bats"
}

@test "ps passes its extra arguments to ps(1), with or without --" {
	run_three
	sheep ps "$ID" -o pid,comm
	assert_success
	[ "$(awk '{print $1}' <<<"${lines[0]}")" = PID ] || fail "header: ${lines[0]}"
	[ "${#lines[@]}" -eq 4 ]
	[ "$(printf '%s\n' "${lines[@]:1}" | awk '{print $2}' | sort -u)" = probe ]
	is_sheep || return 0 # runc hands the "--" to ps
	sheep ps "$ID" -- -o pid,ppid
	assert_success
	[ "$(awk '{print $2}' <<<"${lines[0]}")" = PPID ] || fail "header: ${lines[0]}"
	[ "${#lines[@]}" -eq 4 ]
}

@test "ps errors: missing container, unknown format, ps arguments with json, no PID column" {
	requires sheep
	sheep ps nosuch
	assert_sheep_error ps nosuch "container 'nosuch' does not exist"
	sheep ps --format yaml "$ID"
	assert_failure 1
	assert_output_contains "sheep-oci: ps: --format: unknown format 'yaml' (table or json)"
	sheep ps --format json "$ID" aux
	assert_failure 1
	assert_output_contains "sheep-oci: ps: too many arguments"
	run_three
	sheep ps "$ID" -o comm
	assert_sheep_error ps "$ID" "the output of 'ps' has no PID column"
	sheep ps "$ID" --no-such-ps-option
	assert_failure 1
	assert_output_contains "sheep-oci: ps '$ID': 'ps' failed (status 1)"
}

# Without a pid namespace the init's children outlive it; the container is stopped, but its
# cgroup is not empty until delete kills them.
@test "delete kills what the init left in the cgroup and removes the cgroup" {
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	set_args /bin/sh -c '/probe pause & /probe pause & /probe write /tmp/ready 1'
	sheep run -d --bundle "$BUNDLE" "$ID"
	assert_success
	wait_status "$ID" stopped
	retry 20 0.1 test "$(test_processes | wc -l)" -eq 2
	sheep ps --format json "$ID"
	assert_success
	[ "$(jq length <<<"$output")" -eq 2 ]
	sheep delete "$ID"
	assert_success
	assert_nothing_left "$ID"
}

@test "delete after kill --all without a pid namespace leaves no cgroup" {
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	run_three
	sheep kill --all "$ID" KILL
	assert_success
	wait_status "$ID" stopped
	sheep delete "$ID"
	assert_success
	assert_nothing_left "$ID"
}
