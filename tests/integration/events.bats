#!/usr/bin/env bats
# events [--stats] [--interval D] ID: runc's JSON: one stats document with --stats; otherwise
# stats every interval and OOM events as they happen, until the container stops.

load helpers

setup() {
	setup_sheep
	requires cgroup_v1
	set_args /probe pause --ready /tmp/ready
}

teardown() {
	[ -z "${BG_PID:-}" ] || { kill -KILL "$BG_PID" 2>/dev/null; wait "$BG_PID" 2>/dev/null; } || true
	teardown_sheep
}

run_probe() {
	sheep run -d --bundle "$BUNDLE" "$ID"
	assert_success
	CT_OUT=$OUTFILE
	wait_file "$BUNDLE/rootfs/tmp/ready"
}

# watching: the background `events` has its OOM notification open (eventfd on v1, inotify on v2).
watching() {
	ls -l "/proc/$BG_PID/fd" 2>/dev/null | grep -Eq 'anon_inode:(\[eventfd\]|inotify)'
}

@test "events --stats prints one stats document with the container's limits and usage" {
	update_config '.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 50}}'
	run_probe
	sheep events --stats "$ID"
	assert_success
	[ "${#lines[@]}" -eq 1 ] || fail "expected one line"
	jq -e --arg id "$ID" '.type == "stats" and .id == $id' <<<"$output"
	jq -e '.data.memory.usage.limit == 67108864 and .data.memory.usage.usage > 0' <<<"$output"
	jq -e '.data.pids == {"current": 1, "limit": 50}' <<<"$output"
	jq -e '.data.cpu.usage.total > 0 and (.data.cpu.usage.percpu | length) > 0' <<<"$output"
	# runc leaves zero counters out
	! is_sheep || jq -e '.data.cpu.throttling | has("periods") and has("throttledPeriods")' <<<"$output"
	! is_sheep || jq -e '.data.blkio.ioServiceBytesRecursive | type == "array"' <<<"$output"
	# update shows in the next reading
	sheep update --pids-limit 60 "$ID"
	sheep events --stats "$ID"
	jq -e '.data.pids.limit == 60' <<<"$output"
}

@test "events prints stats every interval and ends when the container stops" {
	run_probe
	sheep_bg events --interval 100ms "$ID"
	sleep 0.7
	sheep kill "$ID" KILL
	wait_bg 10
	! is_sheep || assert_success # runc's events goes on after the container stopped
	mapfile -t lines <<<"$output"
	n=$(grep -c '"type":"stats"' <<<"$output")
	[ "$n" -ge 3 ] || fail "expected at least 3 stats lines, got $n"
	[ "$n" -eq "${#lines[@]}" ] || fail "lines other than stats"
	jq -s -e --arg id "$ID" 'all(.id == $id and (.data.memory.usage.usage > 0))' <<<"$output"
}

@test "events reports an OOM kill, then ends with the container; delete leaves nothing" {
	# 32 MiB without swap; dd allocates a 64 MiB buffer and is OOM-killed
	update_config '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}'
	set_args /bin/sh -c 'touch /tmp/ready; while [ ! -e /tmp/go ]; do usleep 20000; done; exec dd if=/dev/zero of=/dev/null bs=64M count=1'
	run_probe
	sheep_bg events --interval 1h "$ID"
	retry 50 0.1 watching
	touch "$BUNDLE/rootfs/tmp/go"
	wait_bg 20
	! is_sheep || assert_success
	assert_output "{\"type\":\"oom\",\"id\":\"$ID\"}"
	[ "$(container_status "$ID")" = stopped ]
	sheep delete "$ID"
	assert_success
	assert_nothing_left "$ID"
}

@test "events errors: stopped or missing container, bad interval" {
	requires sheep
	sheep events --stats nosuch
	assert_sheep_error events nosuch "container 'nosuch' does not exist"
	sheep events nosuch
	assert_sheep_error events nosuch "container 'nosuch' does not exist"
	sheep events --interval 5 "$ID"
	assert_failure 1
	assert_output_contains "sheep-oci: events: --interval: invalid duration '5'"
	sheep events --interval 1x "$ID"
	assert_output_contains "sheep-oci: events: --interval: invalid duration '1x'"
	run_probe
	sheep kill "$ID" KILL
	wait_status "$ID" stopped
	sheep events --stats "$ID"
	assert_sheep_error events "$ID" "container is not running"
	sheep events "$ID"
	assert_sheep_error events "$ID" "container is not running"
}
