#!/usr/bin/env bats
# The cgroup module against the real hierarchies of this machine (root), through the small driver
# tests/unit/test_cgroup_helper. Every cgroup is created below the test process's own cgroup under
# a name of the form sheep-oci-test-*, and every test proves it removed what it made.
#
# Environment: SHEEP_CGROUP_HELPER the driver (default: build-cgroup/tests/unit/test_cgroup_helper)

HELPER=${SHEEP_CGROUP_HELPER:-$BATS_TEST_DIRNAME/../../build-cgroup/tests/unit/test_cgroup_helper}

setup() {
	[ "$(id -u)" -eq 0 ] || skip "requires root"
	[ -x "$HELPER" ] || skip "requires the driver ($HELPER): make tests/unit/test_cgroup_helper"
	BASE="sheep-oci-test-$$-$BATS_TEST_NUMBER"
	STATE="$BATS_TEST_TMPDIR/state"
	PIDS=()
}

teardown() {
	local p
	for p in "${PIDS[@]}"; do
		kill -9 "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	[ -s "$STATE" ] && "$HELPER" destroy "$STATE" 2>/dev/null || true
	# Last resort for a failed test: our own leftovers, deepest first, nothing else.
	find /sys/fs/cgroup -depth -type d -path "*/$BASE*" -exec rmdir {} + 2>/dev/null || true
}

# own_dir CONTROLLER: this process's cgroup directory in that v1 hierarchy ("" = the v2 tree).
own_dir() {
	local line path mnt
	if [ -z "$1" ]; then
		path=$(sed -n 's/^0:://p' /proc/self/cgroup)
		mnt=$(findmnt -n -t cgroup2 -o TARGET | head -1)
	else
		line=$(grep -E "^[0-9]+:([^:]*,)?$1(,[^:]*)?:" /proc/self/cgroup)
		path=${line#*:*:}
		mnt=$(findmnt -n -t cgroup -o TARGET,OPTIONS | awk -v c="$1" '$2 ~ "(^|,)" c "(,|$)" {print $1; exit}')
	fi
	echo "$mnt${path%/}"
}

# leftovers: every directory named after this test, anywhere under /sys/fs/cgroup.
leftovers() {
	find /sys/fs/cgroup -type d -path "*/$BASE*" 2>/dev/null
}

run_helper() {
	run "$HELPER" "$@"
	echo "$HELPER $* -> status $status: $output"
}

@test "cgroups: create in every hierarchy below the own cgroup, limits applied, destroy removes all" {
	run_helper create c1 "$BASE/c1" memory=33554432 pids=20 shares=512 devices
	[ "$status" -eq 0 ]
	echo "$output" >"$STATE"
	mem=$(own_dir memory)/$BASE/c1
	[ "$(cat "$mem/memory.limit_in_bytes")" = 33554432 ]
	[ "$(cat "$(own_dir pids)/$BASE/c1/pids.max")" = 20 ]
	[ "$(cat "$(own_dir cpu)/$BASE/c1/cpu.shares")" = 512 ]
	grep -qx 'c 10:200 rw' "$(own_dir devices)/$BASE/c1/devices.list"
	grep -qx 'c 1:3 rwm' "$(own_dir devices)/$BASE/c1/devices.list"
	! grep -q '^a' "$(own_dir devices)/$BASE/c1/devices.list"
	# Only what was given is written.
	[ "$(cat "$mem/memory.soft_limit_in_bytes")" = "$(cat "$mem/../memory.soft_limit_in_bytes")" ]
	[ -d "$(own_dir "")/$BASE/c1" ]
	# A new v1 cpuset gets its parent's cpus so tasks can join.
	[ -n "$(cat "$(own_dir cpuset)/$BASE/c1/cpuset.cpus")" ]
	run_helper destroy "$STATE"
	[ "$status" -eq 0 ]
	[ -z "$(leftovers)" ]
}

@test "cgroups: enter, pids, freeze, kill every process, destroy" {
	run_helper create c1 "$BASE/c1"
	[ "$status" -eq 0 ]
	echo "$output" >"$STATE"
	sleep 300 &
	PIDS+=($!)
	sleep 300 &
	PIDS+=($!)
	for p in "${PIDS[@]}"; do
		run_helper enter "$STATE" "$p"
		[ "$status" -eq 0 ]
	done
	grep -q "$BASE/c1" "/proc/${PIDS[0]}/cgroup"
	[ "$(grep -c "$BASE/c1" "/proc/${PIDS[0]}/cgroup")" -eq "$(grep -c . /proc/self/cgroup)" ]
	run_helper pids "$STATE"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | sort -n | tr '\n' ' ')" = "$(printf '%s\n' "${PIDS[@]}" | sort -n | tr '\n' ' ')" ]
	run_helper freeze "$STATE" 1
	[ "$status" -eq 0 ]
	[ "$(cat "$(own_dir freezer)/$BASE/c1/freezer.state")" = FROZEN ]
	run_helper freeze "$STATE" 0
	[ "$status" -eq 0 ]
	[ "$(cat "$(own_dir freezer)/$BASE/c1/freezer.state")" = THAWED ]
	run_helper kill "$STATE" 9
	[ "$status" -eq 0 ]
	# wait in this shell: `run` would wait from a subshell, which can only see the exit of a job
	# this shell happened to reap before the subshell forked
	for p in "${PIDS[@]}"; do
		st=0
		wait "$p" || st=$?
		[ "$st" -eq 137 ]
	done
	PIDS=()
	run_helper destroy "$STATE"
	[ "$status" -eq 0 ]
	[ -z "$(leftovers)" ]
}

@test "cgroups: destroy kills what is left in a cgroup it created and removes it" {
	run_helper create c1 "$BASE/c1"
	echo "$output" >"$STATE"
	sleep 300 &
	PIDS+=($!)
	run_helper enter "$STATE" "${PIDS[0]}"
	run_helper destroy "$STATE"
	[ "$status" -eq 0 ]
	[ -z "$(leftovers)" ]
	wait "${PIDS[0]}" || [ $? -eq 137 ] # killed by SIGKILL
	! kill -0 "${PIDS[0]}" 2>/dev/null
}

@test "cgroups: destroy of a joined cgroup kills nothing" {
	run_helper create c1 "$BASE/shared"
	echo "$output" >"$STATE"
	run_helper create c2 "$BASE/shared"
	echo "$output" >"$BATS_TEST_TMPDIR/joined"
	sleep 300 &
	PIDS+=($!)
	run_helper enter "$STATE" "${PIDS[0]}"
	run_helper destroy "$BATS_TEST_TMPDIR/joined"
	[ "$status" -eq 0 ]
	kill -0 "${PIDS[0]}"
	[ -d "$(own_dir memory)/$BASE/shared" ]
}

@test "cgroups: an existing cgroup is joined and left in place on destroy" {
	run_helper create c1 "$BASE/shared"
	[ "$status" -eq 0 ]
	echo "$output" >"$STATE"
	run_helper create c2 "$BASE/shared"
	[ "$status" -eq 0 ]
	echo "$output" >"$BATS_TEST_TMPDIR/joined"
	run_helper destroy "$BATS_TEST_TMPDIR/joined"
	[ "$status" -eq 0 ]
	[ -d "$(own_dir memory)/$BASE/shared" ]
	[ -d "$(own_dir pids)/$BASE/shared" ]
	run_helper destroy "$STATE"
	[ "$status" -eq 0 ]
	[ -z "$(leftovers)" ]
}

@test "cgroups: a rejected value names the file and value, and nothing is left behind" {
	run_helper create c1 "$BASE/c1" cpus=4095
	[ "$status" -eq 1 ]
	[ "$output" = "set cgroup: write 'cpuset.cpus' = '4095': Numerical result out of range" ]
	[ -z "$(leftovers)" ]
}

@test "cgroups: unified key of a v1 controller is refused, nothing is left behind" {
	run_helper create c1 "$BASE/c1" unified:memory.high=1000000
	[ "$status" -eq 1 ]
	[ "$output" = "set cgroup: linux.resources.unified: cgroup v2 file 'memory.high' but the controller is on cgroup v1: Invalid argument" ]
	[ -z "$(leftovers)" ]
}

@test "cgroups: unified key of a core v2 file is written on v2" {
	[ -n "$(findmnt -n -t cgroup2 -o TARGET)" ] || skip "requires a cgroup v2 mount"
	run_helper create c1 "$BASE/c1" unified:cgroup.max.descendants=3
	[ "$status" -eq 0 ]
	echo "$output" >"$STATE"
	[ "$(cat "$(own_dir "")/$BASE/c1/cgroup.max.descendants")" = 3 ]
	run_helper destroy "$STATE"
	[ -z "$(leftovers)" ]
}

@test "cgroups: '..' in cgroupsPath is refused before any mkdir" {
	run_helper create c1 "$BASE/../escape"
	[ "$status" -eq 1 ]
	[ "$output" = "create cgroup: cgroupsPath '$BASE/../escape': '.' and '..' are not allowed: Invalid argument" ]
	[ -z "$(leftovers)" ]
}

@test "cgroups: --systemd-cgroup without systemd as PID 1 is a clear error" {
	[ ! -d /run/systemd/system ] || skip "requires a host without systemd"
	SYSTEMD=1 run_helper create c1 "$BASE/c1"
	[ "$status" -eq 1 ]
	[ "$output" = "systemd cgroup driver not supported on this host (systemd is not PID 1)" ]
	[ -z "$(leftovers)" ]
}

@test "cgroups: mounts lists one entry per hierarchy with the container's host path" {
	run_helper create c1 "$BASE/c1"
	echo "$output" >"$STATE"
	run_helper mounts "$STATE"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | wc -l)" -eq "$(grep -c . /proc/self/cgroup)" ]
	echo "$output" | grep -qx "v1 memory $(own_dir memory)/$BASE/c1"
	run_helper destroy "$STATE"
	[ -z "$(leftovers)" ]
}

# In a new mount namespace with cgroup2 mounted over the hybrid /sys/fs/cgroup, the v1 mounts
# below it are still listed in mountinfo but hidden: only the v2 tree may be used.
@test "cgroups: mounts hidden by a later mount on an ancestor are skipped" {
	[ "$(stat -f -c %T /sys/fs/cgroup)" = tmpfs ] || skip "requires the hybrid layout"
	grep -q '^0::/$' /proc/self/cgroup || skip "requires the v2 root as own v2 cgroup"
	run unshare -m --propagation private sh -c '
		mount -t cgroup2 none /sys/fs/cgroup || exit 9
		"$1" create c1 "$2/c1" >"$3" || exit 1
		cat "$3"; "$1" mounts "$3" && "$1" destroy "$3"' sh "$HELPER" "$BASE" "$STATE"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "sheep-cgroup 1" ]
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[1]}" == "v2"*"/sys/fs/cgroup"*"/$BASE/c1" ]]
	[ "${lines[2]}" = "v2  /sys/fs/cgroup/$BASE/c1" ]
	rm -f "$STATE"
	[ -z "$(leftovers)" ]
}
