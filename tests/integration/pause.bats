#!/usr/bin/env bats
# pause ID / resume ID: the container's cgroup is frozen and thawed, `state` and `list` say
# "paused" meanwhile, and the verbs refuse the wrong status with runc's wording.

load helpers

setup() {
	setup_sheep
	# a process that visibly makes progress: the counter in /tmp/tick grows while it runs
	set_args /bin/sh -c 'i=0; while :; do i=$((i+1)); echo $i >/tmp/tick; usleep 20000; done'
}

teardown() {
	teardown_sheep
}

run_ticking() {
	sheep run -d --bundle "$BUNDLE" "$ID"
	assert_success
	wait_file "$BUNDLE/rootfs/tmp/tick"
}

tick() {
	cat "$BUNDLE/rootfs/tmp/tick"
}

# counter_stopped: the counter does not move for 0.3 s.
counter_stopped() {
	local a b
	a=$(tick)
	sleep 0.3
	b=$(tick)
	[ "$a" = "$b" ] || fail "counter moved from $a to $b while paused"
}

# freezer_file ID: the file telling whether the container's cgroup is frozen (v1 freezer.state,
# v2 cgroup.freeze), found from its init's /proc/PID/cgroup.
freezer_file() {
	local pid rel
	pid=$(container_pid "$1")
	rel=$(awk -F: '$2 == "freezer" {print $3}' "/proc/$pid/cgroup")
	if [ -n "$rel" ]; then
		echo "/sys/fs/cgroup/freezer$rel/freezer.state"
	else
		rel=$(awk -F: '$1 == "0" {print $3}' "/proc/$pid/cgroup")
		echo "/sys/fs/cgroup$rel/cgroup.freeze"
	fi
}

tick_is_not() {
	[ "$(tick)" != "$1" ]
}

counter_moves() {
	retry 50 0.1 tick_is_not "$(tick)"
}

@test "pause freezes every process, state and list report paused, resume thaws" {
	run_ticking
	sheep pause "$ID"
	assert_success
	assert_output ""
	[ "$(container_status "$ID")" = paused ] || fail "state: $(container_status "$ID")"
	sheep list --format json
	assert_success
	[ "$(jq -r --arg id "$ID" '.[] | select(.id == $id) | .status' <<<"$output")" = paused ]
	counter_stopped
	sheep resume "$ID"
	assert_success
	[ "$(container_status "$ID")" = running ]
	counter_moves
}

@test "pause of a paused or stopped container fails: container is not running" {
	run_ticking
	sheep pause "$ID"
	assert_success
	sheep pause "$ID"
	assert_sheep_error pause "$ID" "container is not running"
	sheep resume "$ID"
	assert_success
	sheep kill "$ID" KILL
	wait_status "$ID" stopped
	sheep pause "$ID"
	assert_sheep_error pause "$ID" "container is not running"
	sheep delete "$ID"
	assert_success
}

@test "a created container pauses as with runc: start refuses it, resume gives created back" {
	sheep create --bundle "$BUNDLE" "$ID"
	assert_success
	sheep pause "$ID"
	assert_success
	[ "$(container_status "$ID")" = paused ] || fail "state: $(container_status "$ID")"
	# frozen from the host's view too
	grep -qE 'FROZEN|^1$' "$(freezer_file "$ID")" || fail "cgroup not frozen"
	if is_sheep; then
		sheep start "$ID"
		assert_sheep_error start "$ID" "cannot start a container that is paused"
		sheep exec "$ID" /probe true
		assert_sheep_error exec "$ID" "cannot exec in a paused container"
		sheep delete "$ID"
		assert_sheep_error delete "$ID" "cannot delete a paused container (use --force)"
	fi
	sheep resume "$ID"
	assert_success
	[ "$(container_status "$ID")" = created ] || fail "state: $(container_status "$ID")"
	sheep start "$ID"
	assert_success
	wait_file "$BUNDLE/rootfs/tmp/tick"
	counter_moves
}

@test "delete --force of a paused created container thaws and removes everything" {
	sheep create --bundle "$BUNDLE" "$ID"
	assert_success
	sheep pause "$ID"
	assert_success
	sheep delete --force "$ID"
	assert_success
	assert_nothing_left "$ID"
}

@test "resume of a running container fails: container is not paused" {
	run_ticking
	sheep resume "$ID"
	assert_sheep_error resume "$ID" "container is not paused"
	[ "$(container_status "$ID")" = running ]
}

@test "pause and resume of a missing container, and usage errors" {
	requires sheep
	sheep pause nosuch
	assert_sheep_error pause nosuch "container 'nosuch' does not exist"
	sheep resume nosuch
	assert_sheep_error resume nosuch "container 'nosuch' does not exist"
	sheep pause
	assert_failure 1
	assert_output_contains "sheep-oci: pause: missing container id"
	sheep resume a b
	assert_failure 1
	assert_output_contains "sheep-oci: resume: too many arguments"
}

@test "delete of a paused container needs --force, which thaws and removes everything" {
	run_ticking
	sheep pause "$ID"
	assert_success
	sheep delete "$ID"
	assert_sheep_error delete "$ID" "cannot delete a paused container (use --force)"
	[ "$(container_status "$ID")" = paused ]
	sheep delete --force "$ID"
	assert_success
	assert_nothing_left "$ID"
}

@test "kill --all reaches the processes of a paused container" {
	run_ticking
	sheep pause "$ID"
	assert_success
	sheep kill --all "$ID" KILL
	assert_success
	wait_status "$ID" stopped
	retry 20 0.1 assert_no_test_processes
}
