#!/usr/bin/env bats
# devices: the default devices, their links, and linux.devices with mode and owner.

load helpers

setup() {
	setup_sheep
}

teardown() {
	teardown_sheep
}

@test "default devices are character devices with mode 0666" {
	set_args /probe stat /dev/null \; stat /dev/zero \; stat /dev/full \; stat /dev/random \; \
		stat /dev/urandom \; stat /dev/tty
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	for want in rdev=1:3 rdev=1:5 rdev=1:7 rdev=1:8 rdev=1:9 rdev=5:0; do
		grep -q "type=char mode=0666 .*$want" <<<"$output" || fail "no 0666 device $want"
	done
}

@test "standard links in /dev" {
	set_args /probe stat /dev/ptmx \; stat /dev/fd \; stat /dev/stderr
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	# probe stat does not follow links: the sizes are the targets' lengths
	[[ ${lines[0]} == "type=symlink "*" size=8" ]] || fail "/dev/ptmx is not -> pts/ptmx"
	[[ ${lines[1]} == "type=symlink "*" size=13" ]] || fail "/dev/fd is not -> /proc/self/fd"
	[[ ${lines[2]} == "type=symlink "*" size=15" ]] || fail "/dev/stderr is not -> /proc/self/fd/2"
}

@test "linux.devices: type, numbers, fileMode, uid and gid" {
	update_config '.linux.devices = [{"path":"/dev/mynull","type":"c","major":1,"minor":3,
		"fileMode":416,"uid":7,"gid":8},{"path":"/dev/sub/fifo","type":"p"}]'
	set_args /probe stat /dev/mynull \; stat /dev/sub/fifo
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_contains "type=char mode=0640 uid=7 gid=8 rdev=1:3"
	assert_output_contains "type=fifo"
}

@test "linux.devices the device rules do not allow are made, and denied on open (as runc)" {
	requires cgroup_v1
	# the spec's default rules deny all; 10:229 (fuse) is in neither the config's nor the defaults
	update_config '.linux.devices = [{"path":"/dev/myfuse","type":"c","major":10,"minor":229,
		"fileMode":438}]'
	set_args /bin/sh -c 'stat -c "%F %t:%T" /dev/myfuse; cat /dev/myfuse'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_failure 1
	assert_output_contains "character special file a:e5"
	assert_output_contains "cat: can't open '/dev/myfuse': Operation not permitted"
	# allowed by the config: usable
	update_config '.linux.resources.devices += [{"allow":true,"type":"c","major":10,"minor":229,
		"access":"rw"}]'
	set_args /bin/sh -c 'exec 3</dev/myfuse && echo opened'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output "opened"
}

@test "linux.devices fileMode with the file-type bits (podman sends st_mode): the permission bits apply" {
	# 8630 = S_IFCHR (020000) | 0666, as podman --device writes it; runc and crun accept it
	update_config '.linux.devices = [{"path":"/dev/mynull","type":"c","major":1,"minor":3,
		"fileMode":8630}]'
	set_args /probe stat /dev/mynull
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_contains "type=char mode=0666"
}

@test "a /dev/null symlink in the image does not redirect to a host file" {
	echo secret >"$BATS_TEST_TMPDIR/hostfile"
	update_config '.mounts |= map(select(.destination != "/dev"))'
	ln -sf "$BATS_TEST_TMPDIR/hostfile" "$BUNDLE/rootfs/dev/null"
	set_args /probe stat /dev/null
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	[ "$(cat "$BATS_TEST_TMPDIR/hostfile")" = secret ] || fail "host file changed"
	# runc leaves the image's symlink in place; sheep-oci replaces it with the device
	is_sheep || return 0
	assert_output_contains "rdev=1:3"
}

@test "a device outside /dev is made where the config says (config-linux.md allows it)" {
	update_config '.linux.devices = [{"path":"/opt/devs/null1","type":"c","major":1,"minor":3,"fileMode":432}]'
	set_args /bin/sh -c 'stat -c "%F %t:%T %a" /opt/devs/null1; echo hi >/opt/devs/null1 && echo written'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_contains "character special file 1:3 660"
	assert_output_contains written
}

# config-linux.md "Devices": "If a file already exists at path that does not match the requested
# device, the runtime MUST generate an error." (runc 1.1.5 keeps whatever is there.)
@test "a file of the image at a device's path: an error if it is not that device, untouched" {
	requires sheep
	mkdir -p "$BUNDLE/rootfs/opt/devs"
	echo image >"$BUNDLE/rootfs/opt/devs/null1"
	ln -s /etc/passwd "$BUNDLE/rootfs/opt/devs/null2"
	update_config '.linux.devices = [{"path":"/opt/devs/null1","type":"c","major":1,"minor":3}]'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" \
		"set up rootfs: create device '/opt/devs/null1': a file that is not this device is already there"
	assert_nothing_left "$ID"
	[ "$(cat "$BUNDLE/rootfs/opt/devs/null1")" = image ] || fail "the image's file was replaced"
	update_config '.linux.devices = [{"path":"/opt/devs/null2","type":"c","major":1,"minor":3}]'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_failure 1
	assert_output_contains "create device '/opt/devs/null2': a file that is not this device"
	[ -L "$BUNDLE/rootfs/opt/devs/null2" ] || fail "the image's symlink was replaced"
	# another device (1:5 where 1:3 is asked for) is not the requested one either
	rm "$BUNDLE/rootfs/opt/devs/null1"
	mknod "$BUNDLE/rootfs/opt/devs/null1" c 1 5
	update_config '.linux.devices = [{"path":"/opt/devs/null1","type":"c","major":1,"minor":3}]'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_failure 1
	assert_output_contains "a file that is not this device is already there"
}

@test "the requested device already in the image is kept, with the config's mode and owner" {
	requires sheep
	mkdir -p "$BUNDLE/rootfs/opt/devs"
	mknod -m 0600 "$BUNDLE/rootfs/opt/devs/null1" c 1 3
	update_config '.linux.devices = [{"path":"/opt/devs/null1","type":"c","major":1,"minor":3,
		"fileMode":432,"uid":1,"gid":2}]'
	set_args /bin/sh -c 'stat -c "%F %t:%T %a %u:%g" /opt/devs/null1'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output "character special file 1:3 660 1:2"
}

@test "a device path that is not absolute is refused" {
	requires sheep
	update_config '.linux.devices = [{"path":"dev/x","type":"c","major":1,"minor":3}]'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" "config.json: linux.devices[0].path: must be an absolute path to a file, without '.' or '..', got 'dev/x'"
	assert_nothing_left "$ID"
}
