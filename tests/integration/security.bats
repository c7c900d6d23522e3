#!/usr/bin/env bats
# security: symlinks in an untrusted rootfs never redirect a mount, device or write to the host.

load helpers

setup() {
	setup_sheep
	HOSTDIR=$BATS_TEST_TMPDIR/hostdir
	mkdir -p "$HOSTDIR"
	echo secret >"$HOSTDIR/file"
}

teardown() {
	teardown_sheep
}

@test "rootfs/mnt -> a host dir: the mount lands inside the rootfs" {
	ln -s "$HOSTDIR" "$BUNDLE/rootfs/mnt"
	mkdir -p "$BUNDLE/rootfs$HOSTDIR"
	update_config '.mounts += [{"destination":"/mnt/evil","type":"tmpfs","source":"tmpfs"}]'
	set_args /probe true
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	[ ! -e "$HOSTDIR/evil" ] || fail "created $HOSTDIR/evil on the host"
	[ -d "$BUNDLE/rootfs$HOSTDIR/evil" ] || fail "mount point not inside the rootfs"
}

@test "rootfs/proc -> / is refused for proc" {
	rmdir "$BUNDLE/rootfs/proc"
	ln -s / "$BUNDLE/rootfs/proc"
	set_args /probe true
	sheep run --bundle "$BUNDLE" "$ID"
	assert_failure
	is_sheep || return 0
	assert_output_contains "mount 'proc' on '/proc' (mounts[0]): destination '/proc' is a symlink"
	assert_nothing_left "$ID"
}

@test "a dangling absolute symlink is not followed to create host paths" {
	ln -s "$HOSTDIR/newdir" "$BUNDLE/rootfs/dangling"
	update_config '.mounts += [{"destination":"/dangling/x","type":"tmpfs","source":"tmpfs"}]'
	set_args /probe true
	sheep run --bundle "$BUNDLE" "$ID"
	[ ! -e "$HOSTDIR/newdir" ] || fail "created $HOSTDIR/newdir on the host"
}

@test "../ in a destination stays in the rootfs" {
	update_config '.mounts += [{"destination":"/../../../../../../tmp/escape","type":"tmpfs","source":"tmpfs"}]'
	set_args /probe true
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	[ ! -e /tmp/escape ] || fail "/tmp/escape created on the host"
	[ -d "$BUNDLE/rootfs/tmp/escape" ] || fail "not created inside the rootfs"
}

@test "sysctl through a rootfs whose /proc is a tmpfs is refused" {
	requires sheep
	update_config '.mounts |= map(if .destination == "/proc" then .type = "tmpfs" | .source = "tmpfs" else . end)
		| .linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" "set up rootfs: set sysctl: '/proc' is not on procfs"
	assert_nothing_left "$ID"
}
