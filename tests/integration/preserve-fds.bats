#!/usr/bin/env bats
# The fds a container gets: 0, 1, 2 and --preserve-fds N more (3 .. 3+N-1), nothing else.

load helpers

setup() {
	setup_sheep
	set_args /probe fds
	echo data3 >"$BATS_TEST_TMPDIR/f3"
	echo data4 >"$BATS_TEST_TMPDIR/f4"
}

teardown() {
	teardown_sheep
}

# run_fds ARGS...: a foreground run with fds 3, 4 and 9 open on files (unlike `sheep`, which closes
# fd 3); sets status and output (from a file: a created container keeps its stdout open).
run_fds() {
	local out
	out=$(mktemp "$BATS_TEST_TMPDIR/out.XXXXXX")
	status=0
	SHEEP_TEST_MARK=$BATS_TEST_TMPDIR timeout 60 "$SHEEP_OCI" --root "$ROOT" "$@" >"$out" 2>&1 \
		</dev/null 3<"$BATS_TEST_TMPDIR/f3" 4<"$BATS_TEST_TMPDIR/f4" 9<"$BATS_TEST_TMPDIR/f4" ||
		status=$?
	output=$(cat "$out")
	printf '$ %s\nstatus: %s\n%s\n' "$*" "$status" "$output" >&2
}

@test "without --preserve-fds the container sees only 0, 1 and 2" {
	run_fds run --bundle "$BUNDLE" "$ID"
	assert_success
	[ "$(cut -d' ' -f1 <<<"$output" | sort -n | xargs)" = "0 1 2" ]
}

@test "--preserve-fds 1 passes fd 3 and nothing above it" {
	run_fds run --preserve-fds 1 --bundle "$BUNDLE" "$ID"
	assert_success
	[ "$(cut -d' ' -f1 <<<"$output" | sort -n | xargs)" = "0 1 2 3" ]
	assert_output_contains "3 -> $BATS_TEST_TMPDIR/f3"
}

@test "--preserve-fds 2 passes fds 3 and 4 and they are readable" {
	set_args /bin/sh -c 'cat <&3; cat <&4; /probe fds'
	run_fds run --preserve-fds 2 --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_contains data3
	assert_output_contains data4
	assert_output_contains "4 -> $BATS_TEST_TMPDIR/f4"
	refute_output_contains "9 ->"
}

@test "create --preserve-fds: the fds reach the process started later" {
	set_args /bin/sh -c 'cat <&3 >/tmp/got3'
	run_fds create --preserve-fds 1 --bundle "$BUNDLE" "$ID"
	assert_success
	sheep start "$ID"
	assert_success
	wait_status "$ID" stopped
	[ "$(cat "$BUNDLE/rootfs/tmp/got3")" = data3 ]
}

@test "the runtime's own fds do not leak into exec'd processes" {
	requires exec
	set_args /probe pause --ready /tmp/ready
	sheep run -d --bundle "$BUNDLE" "$ID"
	wait_file "$BUNDLE/rootfs/tmp/ready"
	run_fds exec "$ID" /probe fds
	assert_success
	[ "$(cut -d' ' -f1 <<<"$output" | sort -n | xargs)" = "0 1 2" ]
}

@test "socket activation: LISTEN_FDS passes the fds and tells the process (LISTEN_PID=1)" {
	requires sheep
	set_args /probe fds ';' env
	LISTEN_FDS=2 run_fds run --bundle "$BUNDLE" "$ID"
	assert_success
	[ "$(grep -E '^[0-9]+ ' <<<"$output" | cut -d' ' -f1 | sort -n | xargs)" = "0 1 2 3 4" ]
	assert_output_contains "LISTEN_FDS=2"
	assert_output_contains "LISTEN_PID=1"
}

@test "socket activation for another process (LISTEN_PID not ours) passes nothing" {
	requires sheep
	set_args /probe fds ';' env
	LISTEN_FDS=2 LISTEN_PID=1 run_fds run --bundle "$BUNDLE" "$ID"
	assert_success
	[ "$(grep -E '^[0-9]+ ' <<<"$output" | cut -d' ' -f1 | sort -n | xargs)" = "0 1 2" ]
	refute_output_contains "LISTEN_FDS"
}

# Every preserved fd must be the caller's. An fd the caller did not pass would be filled by one of
# the runtime's own, which the init kept: the state lock (every later verb on the container hung)
# or a host directory (CVE-2024-21626). runc 1.1.5 does not check: its own fd 5 reaches the
# container in the first test.
@test "--preserve-fds beyond the fds the caller passed fails, naming the first missing one" {
	requires sheep
	run_fds run --preserve-fds 3 --bundle "$BUNDLE" "$ID"
	assert_failure 1
	assert_output_contains \
	    "sheep-oci: run '$ID': preserving 3 fds (--preserve-fds, LISTEN_FDS): fd 5 is not open"
	assert_nothing_left "$ID"
}

@test "--preserve-fds with a gap in the caller's fds fails and leaves nothing" {
	requires sheep
	set_args /probe pause
	status=0
	SHEEP_TEST_MARK=$BATS_TEST_TMPDIR timeout 60 "$SHEEP_OCI" --root "$ROOT" create \
		--preserve-fds 2 --bundle "$BUNDLE" "$ID" >"$BATS_TEST_TMPDIR/out" 2>&1 </dev/null \
		3<"$BATS_TEST_TMPDIR/f3" 4<&- || status=$?
	output=$(cat "$BATS_TEST_TMPDIR/out")
	assert_failure 1
	assert_output_contains "fd 4 is not open"
	assert_nothing_left "$ID"
	# and the id is free: nothing holds its state (the lock fd once stayed with the init)
	sheep delete --force "$ID"
	assert_success
}

@test "exec --preserve-fds beyond the caller's fds fails; the container is unaffected" {
	requires exec sheep
	set_args /probe pause --ready /tmp/ready
	sheep run -d --bundle "$BUNDLE" "$ID"
	wait_file "$BUNDLE/rootfs/tmp/ready"
	run_fds exec --preserve-fds 4 "$ID" /probe fds
	assert_failure
	assert_output_contains "fd 5 is not open"
	[ "$(container_status "$ID")" = running ]
	run_fds exec --preserve-fds 2 "$ID" /probe fds
	assert_success
	[ "$(cut -d' ' -f1 <<<"$output" | sort -n | xargs)" = "0 1 2 3 4" ]
}

@test "an empty --pid-file or --console-socket counts as not given (as runc)" {
	sheep run --pid-file "" --console-socket "" --bundle "$BUNDLE" "$ID"
	assert_success
	assert_nothing_left "$ID"
}
