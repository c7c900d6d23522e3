#!/usr/bin/env bats
# list [--format table|json] [--quiet]

load helpers

setup() {
	setup_sheep
}

teardown() {
	teardown_sheep
}

@test "list of an empty root" {
	sheep list --quiet
	assert_success
	assert_output ""
	sheep list --format json
	assert_success
	jq -e 'length == 0' <<<"$output"
	sheep list
	assert_success
	[ "${#lines[@]}" -le 1 ]
}

@test "list shows every container with its status" {
	set_args /probe pause --ready /tmp/ready
	sheep run -d --bundle "$BUNDLE" "$ID-a"
	wait_file "$BUNDLE/rootfs/tmp/ready"
	sheep create --bundle "$BUNDLE" "$ID-b"

	sheep list --quiet
	assert_success
	[ "$(sort <<<"$output")" = "$(printf '%s\n' "$ID-a" "$ID-b")" ]

	sheep list --format json
	assert_success
	jq -e --arg a "$ID-a" --arg b "$ID-b" --arg bundle "$BUNDLE" '
		(map({(.id): .status}) | add) == {($a): "running", ($b): "created"} and
		all(.[]; .bundle == $bundle and .pid > 0)' <<<"$output"

	sheep list
	assert_success
	[[ "${lines[0]}" == ID* ]]
	grep -E "^$ID-a +[0-9]+ +running +$BUNDLE" <<<"$output"
	grep -E "^$ID-b +[0-9]+ +created +$BUNDLE" <<<"$output"
}

@test "list shows stopped containers until they are deleted" {
	sheep run -d --bundle "$BUNDLE" "$ID"
	wait_status "$ID" stopped
	sheep list --format json
	jq -e --arg id "$ID" '.[] | select(.id == $id) | .status == "stopped"' <<<"$output"
	sheep delete "$ID"
	sheep list --quiet
	assert_output ""
}

@test "list with an unknown format fails" {
	sheep list --format yaml
	assert_failure
}
