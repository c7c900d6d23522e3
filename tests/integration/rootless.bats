#!/usr/bin/env bats
# Rootless: an unprivileged user (created by the test) runs a container from `spec --rootless`:
# a user namespace mapping the caller to root, state under $XDG_RUNTIME_DIR, no cgroups.

load helpers

RL_USER=sheep-rootless

setup() {
	requires root sheep userns
	id "$RL_USER" >/dev/null 2>&1 || useradd --no-create-home --shell /usr/sbin/nologin "$RL_USER"
	RL_UID=$(id -u "$RL_USER")
	# bats' own temporary directories are private to root: the user works in one of its own
	RL_DIR=$(mktemp -d /tmp/sheep-rootless.XXXXXX)
	chmod 755 "$RL_DIR"
	make_bundle "$RL_DIR/bundle"
	rm -f "$BUNDLE/config.json"
	chown -R "$RL_USER" "$BUNDLE"
	XDG="$RL_DIR/xdg"
	install -d -o "$RL_USER" -m 700 "$XDG"
	# written by the user: the mapping is of the caller's own ids
	rl_sheep spec --rootless --bundle "$BUNDLE"
	assert_success
	update_config '.process.terminal = false | .root.readonly = false'
}

teardown() {
	rl_sheep delete --force "$ID" || true
	local left=0
	[ ! -e "$XDG/sheep-oci/$ID" ] || left=1
	rm -rf "$RL_DIR"
	[ "$left" = 0 ] || fail "state directory left under $XDG"
}

# rl_sheep ARGS...: the runtime as the unprivileged user, with its default state root
rl_sheep() {
	local out="$RL_DIR/out"
	status=0
	# output goes to a file: a detached container keeps its stdout open
	setpriv --reuid "$RL_UID" --regid "$RL_UID" --clear-groups \
		env XDG_RUNTIME_DIR="$XDG" "$SHEEP_OCI" "$@" >"$out" 2>&1 </dev/null 3>&- || status=$?
	output=$(cat "$out")
	echo "\$ (as $RL_USER) sheep-oci $* -> $status: $output" >&2
}

@test "rootless: spec --rootless maps the caller to root in a user namespace" {
	set_args /probe id
	chown "$RL_USER" "$BUNDLE/config.json"
	rl_sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_contains "uid=0"
	update_config '.process.args = ["/probe", "cat", "/proc/self/uid_map"]'
	rl_sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	[[ "$output" =~ 0[[:space:]]+$RL_UID[[:space:]]+1 ]] || fail "uid_map: $output"
}

@test "rootless: the state lives under \$XDG_RUNTIME_DIR and is removed by delete" {
	set_args /probe pause --ready /tmp/ready
	rl_sheep run -d --bundle "$BUNDLE" "$ID"
	assert_success
	[ -d "$XDG/sheep-oci/$ID" ] || fail "no state directory under $XDG/sheep-oci"
	[ ! -e "/run/sheep-oci/$ID" ]
	rl_sheep state "$ID"
	assert_output_contains '"status": "running"'
	rl_sheep delete --force "$ID"
	assert_success
	[ ! -e "$XDG/sheep-oci/$ID" ]
}

@test "rootless: mapping ids the user does not own is a clear error and leaves nothing" {
	update_config '.linux.uidMappings = [{"containerID": 0, "hostID": 0, "size": 1}]'
	rl_sheep run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_contains "set up user namespace"
	[ ! -e "$XDG/sheep-oci/$ID" ]
}

@test "rootless: more ids through newuidmap/newgidmap and /etc/subuid, /etc/subgid" {
	command -v newuidmap >/dev/null || skip "requires newuidmap (Debian package uidmap)"
	local start=420000
	# the test's own ranges, removed in the same test whatever happens
	cp /etc/subuid "$RL_DIR/subuid.orig"
	cp /etc/subgid "$RL_DIR/subgid.orig"
	echo "$RL_USER:$start:65536" >>/etc/subuid
	echo "$RL_USER:$start:65536" >>/etc/subgid
	update_config '.linux.uidMappings += [{"containerID": 1, "hostID": '"$start"', "size": 65536}] |
		.linux.gidMappings += [{"containerID": 1, "hostID": '"$start"', "size": 65536}] |
		.process.user = {"uid": 1000, "gid": 1000}'
	set_args /probe cat /proc/self/uid_map ';' id
	rl_sheep run --bundle "$BUNDLE" "$ID"
	cp "$RL_DIR/subuid.orig" /etc/subuid
	cp "$RL_DIR/subgid.orig" /etc/subgid
	assert_success
	[[ "$output" =~ 1[[:space:]]+$start[[:space:]]+65536 ]] || fail "uid_map: $output"
	assert_output_contains "uid=1000"
}
