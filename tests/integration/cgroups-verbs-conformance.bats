#!/usr/bin/env bats
# The cgroup verbs compared with runc 1.1.5 on the hybrid host: ps, events, update and exec of a
# paused container, the cgroup namespace view, a joined cgroup that holds a process of someone
# else, and delete of a container that made cgroups of its own inside its cgroup.

load helpers

setup() {
	setup_sheep
	requires cgroup_v1
	set_args /probe pause --ready /tmp/ready
	FOREIGN_PID=
	JOINED=
}

teardown() {
	local d
	[ -z "$FOREIGN_PID" ] || kill -KILL "$FOREIGN_PID" 2>/dev/null
	[ -z "$FOREIGN_PID" ] || wait "$FOREIGN_PID" 2>/dev/null
	teardown_sheep
	for d in $JOINED; do
		[ ! -d "$d" ] || rmdir "$d"
	done
}

run_probe() {
	sheep run -d --bundle "$BUNDLE" "$ID"
	assert_success
	wait_file "$BUNDLE/rootfs/tmp/ready"
}

# own_dirs NAME: NAME below the test's own cgroup in the pids, freezer, devices and memory
# hierarchies and the unified tree (where a relative cgroupsPath NAME puts the container).
own_dirs() {
	local ctrl path
	while IFS=: read -r _ ctrl path; do
		case "$ctrl" in
		pids | freezer | devices | memory) echo "/sys/fs/cgroup/$ctrl${path%/}/$1" ;;
		"") [ ! -d /sys/fs/cgroup/unified ] || echo "/sys/fs/cgroup/unified${path%/}/$1" ;;
		esac
	done </proc/self/cgroup
}

# A cgroup the test made, with a process of its own in it (FOREIGN_PID); sets JOINED.
make_foreign_cgroup() {
	local d
	JOINED=$(own_dirs "join-$ID")
	sleep 1000 &
	FOREIGN_PID=$!
	for d in $JOINED; do
		mkdir "$d" && echo "$FOREIGN_PID" >"$d/cgroup.procs" || fail "cannot join $d" || return
	done
}

@test "a paused container: ps and events --stats still answer, update applies, exec is refused" {
	run_probe
	sheep pause "$ID"
	assert_success
	sheep ps --format json "$ID"
	assert_success
	[ "$(jq -c . <<<"$output")" = "[$(container_pid "$ID")]" ] || fail "ps: $output"
	sheep update --pids-limit 42 "$ID"
	assert_success
	sheep events --stats "$ID"
	assert_success
	[ "$(jq -c '[.type, .data.pids.limit]' <<<"$output")" = '["stats",42]' ]
	sheep exec "$ID" /probe true
	assert_sheep_error exec "$ID" "cannot exec in a paused container"
	[ "$(container_status "$ID")" = paused ]
}

@test "ps: exec'd processes are listed, PS_ARGS go to ps(1), a stopped container has none" {
	run_probe
	sheep exec -d "$ID" /probe pause
	assert_success
	retry 20 0.1 test "$(test_processes | wc -l)" -ge 2
	sheep ps --format json "$ID"
	assert_success
	[ "$(jq -c 'sort' <<<"$output")" = "$(test_processes | sort -n | jq -s -c .)" ]
	sheep ps "$ID" -o pid,comm
	assert_success
	[ "${lines[0]}" = "$(ps -o pid,comm | head -1)" ] || fail "header: ${lines[0]}"
	[ "${#lines[@]}" -eq 3 ] || fail "expected a header and 2 processes"
	sheep kill "$ID" KILL
	assert_success
	wait_status "$ID" stopped
	sheep ps --format json "$ID"
	assert_success
	[ "$(jq -c 'if . == null then [] else . end' <<<"$output")" = "[]" ]
}

@test "events --stats: runc's keys and units (ns, bytes), the configured limits" {
	update_config '.linux.resources.memory = {"limit": 67108864} |
		.linux.resources.pids = {"limit": 77} |
		.linux.resources.cpu = {"quota": 50000, "period": 100000}'
	run_probe
	sheep events --stats "$ID"
	assert_success
	jq -e --arg id "$ID" '.type == "stats" and .id == $id' <<<"$output" >/dev/null ||
		fail "type/id: $output"
	jq -e '.data | (.cpu.usage | has("total") and has("percpu") and has("kernel") and
			has("user")) and (.cpu.throttling | has("periods")) and
		(.memory.usage | has("usage") and has("limit") and has("failcnt")) and
		(.memory | has("swap")) and has("blkio") and has("pids")' <<<"$output" >/dev/null ||
		fail "keys: $output"
	[ "$(jq '.data.memory.usage.limit' <<<"$output")" = 67108864 ]
	[ "$(jq '.data.pids.limit' <<<"$output")" = 77 ]
	[ "$(jq '.data.pids.current' <<<"$output")" = 1 ]
	[ "$(jq '.data.cpu.usage.percpu | length' <<<"$output")" -eq "$(nproc --all)" ]
	# nanoseconds: the init has run for more than a microsecond
	[ "$(jq '.data.cpu.usage.total' <<<"$output")" -gt 1000 ]
	# bytes: a running probe uses more than a page
	[ "$(jq '.data.memory.usage.usage' <<<"$output")" -ge 4096 ]
}

@test "events: an OOM kill of a process other than the init is reported and events goes on" {
	update_config '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}'
	# one line each: set_args makes one argument per line
	set_args /bin/sh -c 'touch /tmp/ready; while [ ! -e /tmp/go ]; do usleep 20000; done; dd if=/dev/zero of=/dev/null bs=64M count=1; exec /probe pause'
	run_probe
	sheep_bg events --interval 1h "$ID"
	sleep 0.5
	touch "$BUNDLE/rootfs/tmp/go"
	sleep 2
	pid_alive "$BG_PID" || fail "events ended with the container running"
	[ "$(container_status "$ID")" = running ]
	kill -TERM "$BG_PID"
	wait_bg 5
	assert_output "{\"type\":\"oom\",\"id\":\"$ID\"}"
}

# runc 1.1.5 fails the first check: it leaves name=systemd to systemd and the init shows
# /<id> there (outside the namespace root); the spec's cgroup namespace root is the container's
# cgroup in every hierarchy.
@test "cgroup namespace: / for every hierarchy, the cgroup mount shows the own cgroup read-only" {
	set_args /bin/sh -c 'cat /proc/self/cgroup; echo =; cat /sys/fs/cgroup/pids/cgroup.procs; echo =; mkdir /sys/fs/cgroup/pids/x 2>&1; echo =; grep " /sys/fs/cgroup/" /proc/self/mountinfo'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	local view procs mkdir_out mounts
	view=$(awk '/^=/{exit} {print}' <<<"$output")
	procs=$(awk '/^=/{n++; next} n == 1' <<<"$output")
	mkdir_out=$(awk '/^=/{n++; next} n == 2' <<<"$output")
	mounts=$(awk '/^=/{n++; next} n == 3' <<<"$output")
	[ -z "$(grep -v ':/$' <<<"$view")" ] || fail "not / in the namespace: $view"
	[ "$(grep -c . <<<"$view")" -eq "$(grep -c . /proc/self/cgroup)" ] || fail "$view"
	# the container's own cgroup: the shell (pid 1) and cat, nothing of the host
	[ "$(grep -c . <<<"$procs")" -le 2 ] && grep -qx 1 <<<"$procs" || fail "procs: $procs"
	[[ "$mkdir_out" == *"Read-only file system"* ]] || fail "mkdir: $mkdir_out"
	[ -z "$(awk '$5 ~ "^/sys/fs/cgroup/" && $4 != "/"' <<<"$mounts")" ] || fail "roots: $mounts"
	[ -z "$(awk '$5 ~ "^/sys/fs/cgroup/" && $6 !~ /(^|,)ro(,|$)/' <<<"$mounts")" ] ||
		fail "writable: $mounts"
	assert_nothing_left "$ID"
}

# runc removes the sub-cgroups bottom-up; a leftover one would make the container's rmdir fail.
@test "delete --force removes the sub-cgroups the container made in a writable cgroup mount" {
	update_config '(.mounts[] | select(.destination == "/sys/fs/cgroup") | .options) |=
		map(if . == "ro" then "rw" else . end)'
	set_args /bin/sh -c 'for c in pids freezer memory; do mkdir -p /sys/fs/cgroup/$c/a/b; done; /probe pause & for c in pids freezer memory; do echo $! >/sys/fs/cgroup/$c/a/b/cgroup.procs; done; exec /probe pause --ready /tmp/ready'
	run_probe
	local d
	for d in $(cgroup_dirs "$ID" | grep -E '/(pids|freezer|memory)/'); do
		[ -n "$(cat "$d/a/b/cgroup.procs")" ] || fail "nothing in $d/a/b"
	done
	sheep delete --force "$ID"
	assert_success
	assert_nothing_left "$ID"
}

@test "without a cgroup namespace, sub-cgroups made through the bind of the own cgroup go too" {
	update_config '.linux.namespaces |= map(select(.type != "cgroup")) |
		(.mounts[] | select(.destination == "/sys/fs/cgroup") | .options) |=
		map(if . == "ro" then "rw" else . end)'
	set_args /bin/sh -c 'mkdir -p /sys/fs/cgroup/pids/a/b && echo $$ >/sys/fs/cgroup/pids/a/b/cgroup.procs; exec /probe pause --ready /tmp/ready'
	run_probe
	local d
	d=$(cgroup_dirs "$ID" | grep /pids/)
	[ "$(cat "$d/a/b/cgroup.procs")" = "$(container_pid "$ID")" ] || fail "init not in a/b"
	sheep delete --force "$ID"
	assert_success
	assert_nothing_left "$ID"
}

@test "a joined cgroup: delete keeps the cgroup and the process the runtime did not make" {
	make_foreign_cgroup
	update_config ".linux.cgroupsPath = \"join-$ID\""
	run_probe
	sheep kill "$ID" KILL
	assert_success
	wait_status "$ID" stopped
	sheep delete "$ID"
	assert_success
	pid_alive "$FOREIGN_PID" || fail "delete killed the foreign process"
	local d
	for d in $JOINED; do
		[ -d "$d" ] || fail "delete removed $d"
		grep -qx "$FOREIGN_PID" "$d/cgroup.procs" || fail "foreign process left $d"
	done
}

@test "a joined cgroup: delete --force kills the container, not the other process in the cgroup" {
	make_foreign_cgroup
	update_config ".linux.cgroupsPath = \"join-$ID\""
	run_probe
	sheep delete --force "$ID"
	assert_success
	pid_alive "$FOREIGN_PID" || fail "delete --force killed the foreign process"
	local d
	for d in $JOINED; do
		[ -d "$d" ] || fail "delete removed $d"
	done
}

@test "events --stats: memory kernel, kernelTCP and raw, percpu by mode, hugetlb, cpuset, intel_rdt and network_interfaces as runc" {
	run_probe
	sheep events --stats "$ID"
	assert_success
	jq -e '.data | (.memory.kernel | has("usage") and has("limit")) and
		(.memory.kernelTCP | has("limit")) and (.memory.raw | has("total_rss")) and
		(.cpu.usage.percpu_kernel | length > 0) and
		(.cpu.usage | (.percpu_user | length) == (.percpu | length)) and
		(.hugetlb | type == "object") and (.cpuset.cpus | length > 0) and
		(.cpuset.sched_relax_domain_level | type == "number") and
		(.intel_rdt == {}) and has("network_interfaces")' <<<"$output" >/dev/null || fail "keys: $output"
	local d
	d=$(cgroup_dirs "$ID" | grep /memory/)
	# raw is memory.stat as the kernel wrote it
	[ "$(jq '.data.memory.raw | length' <<<"$output")" -eq "$(grep -c . "$d/memory.stat")" ]
}

# exec --cgroup [CONTROLLER[,CONTROLLER]:]PATH (runc's option): a cgroup below the container's,
# made by the container through its writable cgroup mount.
@test "exec --cgroup joins sub-cgroups of the container's, per controller or in all" {
	requires exec cgroup_v1
	# in a cgroup namespace (runc's default spec has none), paths read from inside start at /
	update_config '(.mounts[] | select(.destination == "/sys/fs/cgroup") | .options) |=
		map(if . == "ro" then "rw" else . end) |
		.linux.namespaces |= (if any(.type == "cgroup") then . else . + [{"type": "cgroup"}] end)'
	set_args /bin/sh -c 'for c in memory pids; do mkdir -p /sys/fs/cgroup/$c/sub; done; exec /probe pause --ready /tmp/ready'
	run_probe
	sheep exec --cgroup memory:sub "$ID" /bin/sh -c 'grep -E ":(memory|pids):" /proc/self/cgroup | cut -d: -f2- | sort | xargs'
	assert_success
	assert_output "memory:/sub pids:/"
	sheep exec --cgroup memory,pids:/sub/ "$ID" /bin/sh -c 'grep -E ":(memory|pids):" /proc/self/cgroup | cut -d: -f2- | sort | xargs'
	assert_success
	assert_output "memory:/sub pids:/sub"
	sheep exec --cgroup / "$ID" /bin/sh -c 'grep -E ":memory:" /proc/self/cgroup | cut -d: -f3'
	assert_success
	assert_output "/"
}

@test "exec --cgroup: a path out of the container's cgroup, an unknown controller or a missing cgroup fails" {
	requires exec cgroup_v1
	set_args /probe pause --ready /tmp/ready
	run_probe
	sheep exec --cgroup .. "$ID" /probe true
	assert_failure
	is_sheep && assert_output "sheep-oci: exec '$ID': --cgroup '..': bad sub cgroup path"
	sheep exec --cgroup a/../../b "$ID" /probe true
	assert_failure
	sheep exec --cgroup whaaat:/ "$ID" /probe true
	assert_failure
	is_sheep && assert_output "sheep-oci: exec '$ID': --cgroup: unknown controller 'whaaat'"
	sheep exec --cgroup memory:nonexistent "$ID" /probe true
	assert_failure
	is_sheep && assert_output_contains "/nonexistent': No such file or directory"
	# nothing was left running: only the init
	[ "$(test_processes | wc -l)" -eq 1 ] || fail "processes: $(test_processes | xargs)"
}
