#!/usr/bin/env bats
# delete [--force] ID: what may be deleted, and that delete leaves nothing behind.

load helpers

setup() {
	setup_sheep
}

teardown() {
	teardown_sheep
}

@test "delete of a stopped container removes state, cgroups and processes" {
	sheep run -d --bundle "$BUNDLE" "$ID"
	wait_status "$ID" stopped
	sheep delete "$ID"
	assert_success
	assert_nothing_left "$ID"
	sheep state "$ID"
	assert_failure 1
}

@test "delete of a running container without --force fails and changes nothing" {
	set_args /probe pause --ready /tmp/ready
	sheep run -d --bundle "$BUNDLE" "$ID"
	wait_file "$BUNDLE/rootfs/tmp/ready"
	sheep delete "$ID"
	assert_sheep_error delete "$ID" "cannot delete a running container (use --force)"
	[ "$(container_status "$ID")" = running ]
}

@test "delete --force of a running container kills it" {
	set_args /probe pause --ready /tmp/ready
	sheep run -d --bundle "$BUNDLE" "$ID"
	wait_file "$BUNDLE/rootfs/tmp/ready"
	pid=$(container_pid "$ID")
	sheep delete --force "$ID"
	assert_success
	retry 20 0.1 pid_dead "$pid"
	assert_nothing_left "$ID"
}

@test "delete --force kills a process that ignores SIGTERM" {
	set_args /probe sig-ignore TERM INT HUP ';' write /tmp/ready 1 ';' sleep 1000
	sheep run -d --bundle "$BUNDLE" "$ID"
	wait_file "$BUNDLE/rootfs/tmp/ready"
	sheep delete --force "$ID"
	assert_success
	assert_nothing_left "$ID"
}

@test "delete of a created container without --force fails and changes nothing (runtime-spec)" {
	sheep create --bundle "$BUNDLE" "$ID"
	assert_success
	pid=$(container_pid "$ID")
	sheep delete "$ID"
	assert_sheep_error delete "$ID" "cannot delete a created container (use --force)"
	[ "$(container_status "$ID")" = created ]
	[ "$(container_pid "$ID")" = "$pid" ]
	# killed, it is stopped and goes without --force
	sheep kill "$ID" KILL
	assert_success
	wait_status "$ID" stopped
	sheep delete "$ID"
	assert_success
	assert_nothing_left "$ID"
}

@test "delete --force of a created container" {
	sheep create --bundle "$BUNDLE" "$ID"
	sheep delete --force "$ID"
	assert_success
	assert_nothing_left "$ID"
}

@test "delete of a container killed behind the runtime's back" {
	set_args /probe pause --ready /tmp/ready
	sheep run -d --bundle "$BUNDLE" "$ID"
	wait_file "$BUNDLE/rootfs/tmp/ready"
	kill -KILL "$(container_pid "$ID")"
	wait_status "$ID" stopped
	sheep delete "$ID"
	assert_success
	assert_nothing_left "$ID"
}

@test "delete --force of a missing id succeeds" {
	sheep delete --force "$ID"
	assert_success
}

@test "delete of a missing id fails" {
	sheep delete "$ID"
	assert_sheep_error delete "$ID" "container '$ID' does not exist"
}

@test "delete --force of a state directory whose process is gone" {
	sheep run -d --bundle "$BUNDLE" "$ID"
	wait_status "$ID" stopped
	sheep delete --force "$ID"
	assert_success
	assert_nothing_left "$ID"
}

# In the host's pid namespace the init's death ends nothing else: the exec'd processes live on in
# the container's cgroup, which delete (plain, as the container reads "stopped", or --force)
# must empty and remove (runc's issue 4047).
delete_host_pidns_init_gone() {
	local init procs
	update_config '.linux.namespaces -= [{"type": "pid"}]'
	set_args /probe sleep 1000
	sheep run -d --bundle "$BUNDLE" "$ID"
	assert_success
	init=$(container_pid "$ID")
	for _ in 1 2 3; do
		sheep exec -d "$ID" /probe sleep 1000
		assert_success
	done
	kill -KILL "$init"
	wait_status "$ID" stopped
	procs=$(cat "$(cgroup_dirs "$ID" | grep /pids/)/cgroup.procs")
	[ "$(wc -w <<<"$procs")" -eq 3 ] || fail "cgroup.procs after the init's death: $procs"
	sheep delete "$@" "$ID"
	assert_success
	for p in $procs; do
		retry 20 0.1 pid_dead "$p"
	done
	assert_nothing_left "$ID"
}

@test "delete in the host's pid namespace after the init died kills the other processes" {
	delete_host_pidns_init_gone
}

@test "delete --force in the host's pid namespace after the init died kills the other processes" {
	delete_host_pidns_init_gone --force
}
