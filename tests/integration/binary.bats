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

# The race the check alone cannot close: a container process swaps the path between a program
# and a link to /proc/self/exe while `exec` runs it again and again. Each exec runs the program,
# or is refused by the check, or reaches the exec trampoline through the link, which refuses to
# run (status 126); the runtime's binary never runs in the container (teardown: its hash).
@test "CVE-2019-5736: exec of a path swapped to /proc/self/exe meanwhile never runs the runtime" {
	requires sheep exec
	cp "$BUNDLE/rootfs/probe" "$BUNDLE/rootfs/bin/t-real"
	cat >"$BUNDLE/rootfs/bin/swapper" <<-'SH'
		#!/bin/sh
		touch /tmp/ready
		while :; do
			ln -s /proc/self/exe /bin/.e && mv -f /bin/.e /bin/target
			ln -s /bin/t-real /bin/.g && mv -f /bin/.g /bin/target
		done
	SH
	chmod +x "$BUNDLE/rootfs/bin/swapper"
	set_args /bin/swapper
	sheep run -d --bundle "$BUNDLE" "$ID"
	assert_success
	wait_file "$BUNDLE/rootfs/tmp/ready"
	local i ran=0 checked=0 refused=0
	for ((i = 0; i < 40; i++)); do
		sheep exec "$ID" /bin/target echo hi
		if [ "$status" -eq 0 ] && [ "$output" = hi ]; then
			ran=$((ran + 1))
		elif [[ "$output" == *"executable '/bin/target' is the runtime's own binary"* ]]; then
			checked=$((checked + 1))
		elif [ "$status" -eq 126 ] &&
			[ "$output" = "sheep-oci-exec-trampoline: not to be run directly" ]; then
			refused=$((refused + 1))
		else
			fail "exec $i: status $status: $output" || return
		fi
	done
	echo "ran $ran, refused by the check $checked, by the trampoline $refused" >&2
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
