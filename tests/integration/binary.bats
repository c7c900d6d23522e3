#!/usr/bin/env bats
# The runtime binary and the host stay out of the container's reach: runc's CVE-2019-5736 (the
# container gets the runtime to execute itself through /proc/self/exe, then overwrites it) and
# CVE-2024-21626 (a working directory reached through a leaked host fd).

load helpers

setup() {
	setup_sheep
	SUM_BEFORE=$(sha256sum "$(command -v "$SHEEP_OCI")" | cut -d' ' -f1)
}

teardown() {
	teardown_sheep
	[ "$(sha256sum "$(command -v "$SHEEP_OCI")" | cut -d' ' -f1)" = "$SUM_BEFORE" ] ||
		fail "the runtime binary changed"
}

@test "CVE-2019-5736: a process that is a link to /proc/self/exe is refused at create" {
	requires sheep
	ln -s /proc/self/exe "$BUNDLE/rootfs/bin/evil"
	set_args /bin/evil
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" "find the executable: executable '/bin/evil' is the runtime's own binary"
	assert_nothing_left "$ID"
}

@test "CVE-2019-5736: exec of a link to /proc/self/exe or a script interpreted by it is refused" {
	requires sheep exec
	ln -s /proc/self/exe "$BUNDLE/rootfs/bin/evil"
	printf '#!/proc/self/exe\necho hi\n' >"$BUNDLE/rootfs/bin/evil.sh"
	chmod +x "$BUNDLE/rootfs/bin/evil.sh"
	set_args /probe pause --ready /tmp/ready
	sheep run -d --bundle "$BUNDLE" "$ID"
	wait_file "$BUNDLE/rootfs/tmp/ready"
	sheep exec "$ID" /bin/evil
	assert_sheep_error exec "$ID" "find the executable: executable '/bin/evil' is the runtime's own binary"
	sheep exec "$ID" /bin/evil.sh
	assert_sheep_error exec "$ID" \
		"find the executable: interpreter '/proc/self/exe' of '/bin/evil.sh' is the runtime's own binary"
	# an ordinary script still runs
	printf '#!/bin/sh\necho script ok\n' >"$BUNDLE/rootfs/bin/good.sh"
	chmod +x "$BUNDLE/rootfs/bin/good.sh"
	sheep exec "$ID" /bin/good.sh
	assert_success
	assert_output_contains "script ok"
}

@test "CVE-2024-21626: a cwd through a leaked host directory fd does not reach the host" {
	set_args /probe cwd
	update_config '.process.cwd = "/proc/self/fd/7"'
	status=0
	"$SHEEP_OCI" --root "$ROOT" run --bundle "$BUNDLE" "$ID" >"$BATS_TEST_TMPDIR/out" 2>&1 \
		7<"$BATS_TEST_TMPDIR" </dev/null 3>&- || status=$?
	output=$(cat "$BATS_TEST_TMPDIR/out")
	echo "status $status: $output" >&2
	[ "$status" -ne 0 ] || fail "the container started in a host directory: $output"
	refute_output_contains "$BATS_TEST_TMPDIR"
	assert_nothing_left "$ID"
}
