#!/usr/bin/env bats
# The command line as runc 1.1's callers use it: every runc flag is honoured or refused (never
# silently dropped), and the outputs tools parse (list, state) have runc's shape. These tests also
# pass against runc (SHEEP_OCI=runc) except where they check sheep-oci's own refusals.

load helpers

setup() {
	setup_sheep
	set_args /probe pause --ready /tmp/ready
}

teardown() {
	teardown_sheep
}

run_probe() {
	sheep run -d --bundle "$BUNDLE" "${1:-$ID}"
	assert_success
	wait_file "$BUNDLE/rootfs/tmp/ready"
	rm -f "$BUNDLE/rootfs/tmp/ready"
}

@test "list --format json: runc's fields, owner a user name, annotations, sorted by id" {
	update_config '.annotations = {"org.example.k": "v"}'
	sheep create --bundle "$BUNDLE" "$ID-b"
	assert_success
	update_config 'del(.annotations)'
	sheep create --bundle "$BUNDLE" "$ID-a"
	assert_success
	sheep list --format json
	assert_success
	jq -e --arg a "$ID-a" --arg b "$ID-b" --arg bundle "$BUNDLE" '
		map(.id) == [$a, $b] and
		all(.[]; .owner == "root" and .bundle == $bundle and
			.rootfs == $bundle + "/rootfs" and (.created | test("^[0-9-]+T[0-9:.]+Z$"))) and
		(.[0] | has("annotations") | not) and .[1].annotations == {"org.example.k": "v"} and
		(.[1] | keys_unsorted) == ["ociVersion", "id", "pid", "status", "bundle", "rootfs",
			"created", "annotations", "owner"]' <<<"$output"
}

@test "list: runc's table, columns as wide as their widest cell plus 3, at least 12" {
	sheep create --bundle "$BUNDLE" "$ID"
	assert_success
	local pid created w_id w_pid=12
	pid=$(container_pid "$ID")
	created=$(sheep list --format json && jq -r '.[0].created' <<<"$output")
	w_id=$((${#ID} + 3 < 12 ? 12 : ${#ID} + 3))
	[ $((${#pid} + 3)) -le 12 ] || w_pid=$((${#pid} + 3))
	sheep list
	assert_success
	[ "${#lines[@]}" -eq 2 ] || fail "expected 2 lines: $output"
	[ "${lines[0]}" = "$(printf "%-${w_id}s%-${w_pid}s%-12s%-$((${#BUNDLE} + 3))s%-$((${#created} + 3))s%s" \
		ID PID STATUS BUNDLE CREATED OWNER)" ] || fail "header: '${lines[0]}'"
	[ "${lines[1]}" = "$(printf "%-${w_id}s%-${w_pid}s%-12s%-$((${#BUNDLE} + 3))s%-$((${#created} + 3))s%s" \
		"$ID" "$pid" created "$BUNDLE" "$created" root)" ] || fail "row: '${lines[1]}'"
}

@test "state: one JSON document, one newline (runc: none), no blank line" {
	sheep create --bundle "$BUNDLE" "$ID"
	assert_success
	sheep state "$ID"
	assert_success
	local end
	end=$(tail -c 2 "$OUTFILE" | od -An -c | tr -d ' ')
	[ "$end" = '}\n' ] || { is_runc && [ "${end: -1}" = '}' ]; } ||
		fail "state does not end in '}\\n': $end"
	jq -e --arg id "$ID" '.id == $id and .status == "created"' <"$OUTFILE"
}

@test "run --keep: the exit status is returned and the stopped container stays until delete" {
	set_args /bin/sh -c 'exit 7'
	update_config ".hooks.poststop = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"touch $BATS_TEST_TMPDIR/poststop\"]}]"
	sheep run --keep --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 7 ] || fail "status $status"
	[ "$(container_status "$ID")" = stopped ] || fail "status $(container_status "$ID")"
	[ ! -e "$BATS_TEST_TMPDIR/poststop" ] || fail "poststop ran before delete"
	sheep delete "$ID"
	assert_success
	[ -e "$BATS_TEST_TMPDIR/poststop" ] || fail "poststop did not run at delete"
	assert_nothing_left "$ID"
}

@test "run --detach --keep and --no-subreaper: accepted; create takes neither (as runc)" {
	run_probe
	sheep delete --force "$ID"
	assert_success
	sheep run -d --keep --no-subreaper --bundle "$BUNDLE" "$ID"
	assert_success
	wait_file "$BUNDLE/rootfs/tmp/ready"
	status_is "$ID" running
	sheep create --keep --bundle "$BUNDLE" "$ID-c"
	assert_failure 1
	sheep create --no-subreaper --bundle "$BUNDLE" "$ID-c"
	assert_failure 1
	assert_no_state "$ID-c"
}

@test "exec --ignore-paused: runs in a running container; a paused one is still refused" {
	requires exec
	run_probe
	sheep exec --ignore-paused "$ID" /probe echo hi
	assert_success
	assert_output "hi"
	is_sheep || return 0 # runc waits for the resume instead
	sheep pause "$ID"
	assert_success
	sheep exec --ignore-paused "$ID" /probe echo hi
	assert_sheep_error exec "$ID" "cannot exec in a paused container"
	sheep resume "$ID"
	assert_success
}

@test "exec --cgroup to a sub-cgroup that does not exist fails, not ignored" {
	requires exec
	run_probe
	sheep exec --cgroup sub "$ID" /probe echo exec-ran
	assert_failure
	is_sheep && assert_output_contains "/sub': No such file or directory"
	refute_output_contains "exec-ran"
}

@test "exec --help documents --apparmor, --process-label, --ignore-paused and --cgroup" {
	requires sheep
	sheep exec --help
	assert_success
	local f
	for f in --apparmor --process-label --ignore-paused --cgroup; do
		assert_output_contains "  $f " || return
	done
}

# cpu controller file of a container placed at the top of the cpu hierarchy (cgroupsPath
# /NAME), where the root's realtime budget can be handed down (a nested default cgroup has 0).
@test "update --cpu-rt-period and --cpu-rt-runtime are written" {
	requires cgroup_v1
	[ -f /sys/fs/cgroup/cpu/cpu.rt_runtime_us ] || skip "requires CONFIG_RT_GROUP_SCHED"
	update_config '.linux.cgroupsPath = "/'"$ID"'-rt"'
	run_probe
	sheep update --cpu-rt-period 900000 --cpu-rt-runtime 2000 "$ID"
	assert_success
	[ "$(cat "/sys/fs/cgroup/cpu/$ID-rt/cpu.rt_period_us")" = 900000 ]
	[ "$(cat "/sys/fs/cgroup/cpu/$ID-rt/cpu.rt_runtime_us")" = 2000 ]
	sheep update --cpu-rt-runtime x "$ID"
	assert_failure 1
	is_sheep && assert_output_contains "sheep-oci: update: --cpu-rt-runtime: invalid value 'x'"
	sheep delete --force "$ID"
	assert_success
	[ ! -d "/sys/fs/cgroup/cpu/$ID-rt" ] || fail "cgroup left: /sys/fs/cgroup/cpu/$ID-rt"
}

@test "update --kernel-memory and --kernel-memory-tcp are accepted" {
	requires cgroup_v1
	run_probe
	sheep update --kernel-memory 64m --kernel-memory-tcp 32m "$ID"
	assert_success
}

@test "update --l3-cache-schema and --mem-bw-schema are refused, nothing else is changed" {
	requires sheep cgroup_v1
	run_probe
	local before
	before=$(cat "$(cgroup_dirs "$ID" | grep /pids/)/pids.max")
	sheep update --pids-limit 77 --l3-cache-schema L3:0=f "$ID"
	assert_failure 1
	assert_output_contains \
		"sheep-oci: update: --l3-cache-schema: not supported (Intel RDT is not managed by this runtime)"
	sheep update --mem-bw-schema MB:0=50 "$ID"
	assert_failure 1
	assert_output_contains "sheep-oci: update: --mem-bw-schema: not supported"
	[ "$(cat "$(cgroup_dirs "$ID" | grep /pids/)/pids.max")" = "$before" ]
}

@test "help, --help and VERB --help exit 0; an unknown verb or a missing id exits 1" {
	sheep help
	assert_success
	sheep --help
	assert_success
	sheep list --help
	assert_success
	assert_output_contains "--format"
	sheep no-such-verb
	assert_failure
	is_sheep && assert_failure 1
	sheep state
	assert_failure 1
}

@test "options without their value, or with one they do not take, are named in a one-line error" {
	is_sheep || skip "sheep-oci's own messages"
	expect_eq() { [ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"; }
	"$SHEEP_OCI" --root 2>"$BATS_TEST_TMPDIR/err" && fail "--root without a value succeeded"
	expect_eq "--root" "$(cat "$BATS_TEST_TMPDIR/err")" "sheep-oci: option '--root' needs a value"
	# getopt reports these with optopt set to the long option's value, not a character: it
	# was printed as a control byte
	"$SHEEP_OCI" --debug=1 list 2>"$BATS_TEST_TMPDIR/err" && fail "--debug=1 succeeded"
	expect_eq "--debug=1" "$(cat "$BATS_TEST_TMPDIR/err")" \
		"sheep-oci: option '--debug' takes no value"
	"$SHEEP_OCI" --root "$ROOT" run --detach=yes x 2>"$BATS_TEST_TMPDIR/err" &&
		fail "--detach=yes succeeded"
	expect_eq "--detach=yes" "$(head -1 "$BATS_TEST_TMPDIR/err")" \
		"sheep-oci: run: option '--detach' takes no value"
	"$SHEEP_OCI" --root "$ROOT" list --quiet=3 2>"$BATS_TEST_TMPDIR/err" && fail "--quiet=3"
	expect_eq "--quiet=3" "$(head -1 "$BATS_TEST_TMPDIR/err")" \
		"sheep-oci: list: option '--quiet' takes no value"
	"$SHEEP_OCI" --root "$ROOT" list --bogus=3 2>"$BATS_TEST_TMPDIR/err" && fail "--bogus=3"
	expect_eq "--bogus=3" "$(head -1 "$BATS_TEST_TMPDIR/err")" \
		"sheep-oci: list: unknown option '--bogus=3'"
	[ -z "$(ls -A "$ROOT")" ]
}

@test "exec --preserve-fds takes only a count (atoi took 'abc' as 0)" {
	requires exec
	run_probe
	local v values=(abc 3x "")
	is_sheep && values+=(-1) # runc 1.1.5 takes -1 (as 0)
	for v in "${values[@]}"; do
		sheep exec --preserve-fds "$v" "$ID" /probe echo exec-ran
		assert_failure 1 || return
		refute_output_contains "exec-ran" || return
		if is_sheep; then
			assert_output_contains "sheep-oci: exec: --preserve-fds: invalid count '$v'" ||
				return
		fi
	done
	sheep exec --preserve-fds 0 "$ID" /probe echo exec-ran
	assert_success
	assert_output "exec-ran"
}
