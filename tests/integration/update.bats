#!/usr/bin/env bats
# update [--resources FILE|-] [FLAGS...] ID: new limits written to the container's cgroup, from a
# linux.resources document and/or runc's flags (flags win), with errors that name the flag.

load helpers

setup() {
	setup_sheep
	requires cgroup_v1
	set_args /probe pause --ready /tmp/ready
}

teardown() {
	teardown_sheep
}

run_probe() {
	sheep run -d --bundle "$BUNDLE" "$ID"
	assert_success
	CT_OUT=$OUTFILE
	wait_file "$BUNDLE/rootfs/tmp/ready"
}

# cg CONTROLLER FILE: a control file of the container's default cgroup in a v1 hierarchy.
cg() {
	local d
	d=$(cgroup_dirs "$ID" | grep "^/sys/fs/cgroup/$1/") || fail "no $1 cgroup for $ID" || return
	cat "$d/$2"
}

@test "update flags: memory, cpu, cpuset and pids limits are written" {
	run_probe
	# --cpu-share is runc's spelling, --cpu-shares the brief's: sheep-oci takes both
	sheep update --memory 64m --memory-reservation 32M --memory-swap 128mb --cpu-share 512 \
		--cpu-period 50000 --cpu-quota 20000 --cpuset-cpus 0 --pids-limit 42 "$ID"
	assert_success
	assert_output ""
	[ "$(cg memory memory.limit_in_bytes)" = 67108864 ]
	[ "$(cg memory memory.soft_limit_in_bytes)" = 33554432 ]
	[ "$(cg memory memory.memsw.limit_in_bytes)" = 134217728 ]
	[ "$(cg cpu cpu.shares)" = 512 ]
	[ "$(cg cpu cpu.cfs_period_us)" = 50000 ]
	[ "$(cg cpu cpu.cfs_quota_us)" = 20000 ]
	[ "$(cg cpuset cpuset.cpus)" = 0 ]
	[ "$(cg pids pids.max)" = 42 ]
	# -1 lifts a limit again
	sheep update --pids-limit -1 --cpu-quota -1 "$ID"
	assert_success
	[ "$(cg pids pids.max)" = max ]
	[ "$(cg cpu cpu.cfs_quota_us)" = -1 ]
	is_sheep || return 0
	sheep update --cpu-shares 256 "$ID"
	assert_success
	[ "$(cg cpu cpu.shares)" = 256 ]
}

@test "update --resources FILE and -, flags override the document" {
	run_probe
	echo '{"memory": {"limit": 50331648}, "pids": {"limit": 17}, "cpu": {"shares": 300}}' \
		>"$BATS_TEST_TMPDIR/res.json"
	sheep update --resources "$BATS_TEST_TMPDIR/res.json" "$ID"
	assert_success
	[ "$(cg memory memory.limit_in_bytes)" = 50331648 ]
	[ "$(cg pids pids.max)" = 17 ]
	[ "$(cg cpu cpu.shares)" = 300 ]
	if is_sheep; then # runc ignores the flags when --resources is given
		sheep update --resources "$BATS_TEST_TMPDIR/res.json" --pids-limit 19 "$ID"
		assert_success
		[ "$(cg pids pids.max)" = 19 ]
	fi
	echo '{"pids": {"limit": 23}}' |
		timeout 30 "$SHEEP_OCI" --root "$ROOT" update -r - "$ID" 3>&-
	[ "$(cg pids pids.max)" = 23 ]
	# values not given stay
	[ "$(cg cpu cpu.shares)" = 300 ]
}

@test "the new pids limit is enforced inside the container" {
	# (set_args takes one line per argument)
	set_args /bin/sh -c 'touch /tmp/ready; while [ ! -e /tmp/go ]; do usleep 20000; done; for i in 1 2 3 4 5 6; do /probe pause & done; wait'
	run_probe
	sheep update --pids-limit 4 "$ID"
	assert_success
	touch "$BUNDLE/rootfs/tmp/go"
	# busybox sh reports the failed fork on the container's stderr
	retry 50 0.1 grep -q "can't fork: Resource temporarily unavailable" "$CT_OUT"
}

@test "update: bad flag values and missing input are usage errors naming the flag" {
	requires sheep
	for args in "--memory 12x" "--memory -5" "--cpu-shares -2" "--cpu-quota abc" \
		"--pids-limit 1.5" "--blkio-weight 5" "--blkio-weight 1001"; do
		sheep update $args "$ID"
		assert_failure 1
		assert_output_contains "sheep-oci: update: ${args% *}: invalid value '${args#* }'"
	done
	sheep update --memory 1m
	assert_failure 1
	assert_output_contains "sheep-oci: update: missing container id"
}

@test "update: unreadable or invalid --resources, missing and stopped containers" {
	requires sheep
	sheep update --pids-limit 5 nosuch
	assert_sheep_error update nosuch "container 'nosuch' does not exist"
	run_probe
	sheep update -r "$BATS_TEST_TMPDIR/none.json" "$ID"
	assert_sheep_error update "$ID" \
		"--resources: open '$BATS_TEST_TMPDIR/none.json': No such file or directory"
	echo '{"memory": {"limit": "lots"}}' >"$BATS_TEST_TMPDIR/bad.json"
	sheep update -r "$BATS_TEST_TMPDIR/bad.json" "$ID"
	assert_sheep_error update "$ID" "$BATS_TEST_TMPDIR/bad.json: memory.limit: expected number, got string"
	sheep kill "$ID" KILL
	wait_status "$ID" stopped
	sheep update --pids-limit 5 "$ID"
	assert_sheep_error update "$ID" "container is not running"
	# with nothing to change the container is still checked
	sheep update "$ID"
	assert_sheep_error update "$ID" "container is not running"
	sheep update nosuch
	assert_sheep_error update nosuch "container 'nosuch' does not exist"
}

@test "update: no --resources and no flag changes nothing and succeeds, as runc" {
	run_probe
	before=$(cg pids pids.max)
	sheep update "$ID"
	assert_success
	[ "$(cg pids pids.max)" = "$before" ]
}

@test "update: a value the kernel rejects names the file and the value" {
	requires sheep
	run_probe
	sheep update --memory 4k "$ID"
	assert_sheep_error update "$ID" \
		"set cgroup: write 'memory.limit_in_bytes' = '4096': Device or resource busy"
	# the limit in force is unchanged
	[ "$(cg memory memory.limit_in_bytes)" -gt 4096 ]
}
