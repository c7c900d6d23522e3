#!/usr/bin/env bats
# The error contract: exact messages (sheep-oci), exit status 1, nothing left behind, --log files.

load helpers

setup() {
	setup_sheep
}

teardown() {
	teardown_sheep
}

@test "verbs on an unknown id fail with 'does not exist'" {
	for verb in start state kill delete; do
		sheep "$verb" "$ID"
		assert_sheep_error "$verb" "$ID" "container '$ID' does not exist"
	done
}

@test "exec on an unknown id fails with 'does not exist'" {
	requires exec
	sheep exec "$ID" /probe true
	assert_sheep_error exec "$ID" "container '$ID' does not exist"
}

@test "create of an existing id fails and touches nothing" {
	sheep create --bundle "$BUNDLE" "$ID"
	assert_success
	pid=$(container_pid "$ID")
	cp "$ROOT/$ID/state.json" "$BATS_TEST_TMPDIR/state.before" 2>/dev/null || true
	sheep create --bundle "$BUNDLE" "$ID"
	assert_sheep_error create "$ID" "container '$ID' already exists"
	[ "$(container_status "$ID")" = created ]
	[ "$(container_pid "$ID")" = "$pid" ]
	pid_alive "$pid"
}

@test "invalid container ids are rejected before anything is created" {
	long=$(printf 'a%.0s' {1..1025})
	for bad in "" "a/b" "." ".." "$long"; do
		sheep create --bundle "$BUNDLE" "$bad"
		assert_sheep_error create "$bad" "invalid container id"
	done
	[ -z "$(ls -A "$ROOT")" ]
}

@test "a bundle without config.json" {
	rm "$BUNDLE/config.json"
	sheep create --bundle "$BUNDLE" "$ID"
	assert_sheep_error create "$ID" "open '$BUNDLE/config.json': No such file or directory"
	assert_nothing_left "$ID"
}

@test "a missing rootfs" {
	rm -rf "$BUNDLE/rootfs"
	sheep create --bundle "$BUNDLE" "$ID"
	assert_sheep_error create "$ID" "rootfs '$BUNDLE/rootfs' does not exist"
	assert_nothing_left "$ID"
}

@test "config.json that is not JSON" {
	echo '{"ociVersion": ' >"$BUNDLE/config.json"
	sheep create --bundle "$BUNDLE" "$ID"
	assert_failure 1
	assert_nothing_left "$ID"
}

@test "a failed create with --pid-file leaves no pid file" {
	rm -rf "$BUNDLE/rootfs"
	sheep create --bundle "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
	assert_failure 1
	[ ! -e "$BATS_TEST_TMPDIR/pid" ]
}

@test "a process that cannot be executed fails create or start, and delete cleans up" {
	set_args /no/such/binary
	sheep create --bundle "$BUNDLE" "$ID"
	if [ "$status" -eq 0 ]; then
		sheep start "$ID"
		assert_failure 1
		sheep delete --force "$ID"
	fi
	assert_failure 1
	assert_nothing_left "$ID"
}

@test "an unknown verb and an unknown option are usage errors" {
	sheep no-such-verb
	assert_failure
	sheep create --no-such-option "$ID"
	assert_failure
	assert_nothing_left "$ID"
}

@test "--log-format json writes the error as one JSON line to --log" {
	log="$BATS_TEST_TMPDIR/log.json"
	sheep --log "$log" --log-format json state "$ID"
	assert_failure 1
	run jq -e -s 'map(select(.level == "error")) | length >= 1 and
		all(.[]; has("msg") and has("time") and (.time | length > 0))' "$log"
	[ "$status" -eq 0 ] || fail "log is not JSON lines with level, msg, time: $(cat "$log")"
	if is_sheep; then
		jq -e -s --arg m "state '$ID': container '$ID' does not exist" \
			'map(select(.level == "error" and (.msg | contains($m)))) | length == 1' "$log"
	fi
}

@test "--log without --log-format writes text" {
	log="$BATS_TEST_TMPDIR/log.txt"
	sheep --log "$log" state "$ID"
	assert_failure 1
	[ -s "$log" ]
	! jq -e . "$log" >/dev/null 2>&1
}

@test "a --log file that cannot be opened is an error before anything is done (as runc)" {
	sheep --log "$BATS_TEST_TMPDIR/no/such/dir/log" run -d --bundle "$BUNDLE" "$ID"
	assert_failure 1
	is_sheep && assert_output \
	    "sheep-oci: --log '$BATS_TEST_TMPDIR/no/such/dir/log': No such file or directory"
	assert_nothing_left "$ID"
}

@test "a container id with a non-ASCII character is refused, saying so" {
	sheep run --bundle "$BUNDLE" "caf$(printf '\303\251')"
	assert_failure 1
	is_sheep && assert_output_contains "invalid container id: it has a character that is not ASCII"
	[ -z "$(ls -A "$ROOT" 2>/dev/null)" ] || fail "state left: $(ls -A "$ROOT")"
}

# runtime-spec "IntelRdt": with no resctrl filesystem mounted the runtime MUST generate an error
# (this runtime refuses intelRdt everywhere; it never ignores it).
@test "linux.intelRdt without a mounted resctrl is an error and leaves nothing" {
	requires sheep
	grep -q ' - resctrl ' /proc/self/mountinfo && skip "the host has resctrl mounted"
	update_config '.linux.intelRdt = {"closID": "c1", "l3CacheSchema": "L3:0=ff"}'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_failure 1
	assert_output "sheep-oci: run '$ID': config.json: linux.intelRdt: no resctrl filesystem is mounted (Intel RDT is not available on this host)"
	assert_nothing_left "$ID"
}
