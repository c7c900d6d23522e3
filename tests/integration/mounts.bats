#!/usr/bin/env bats
# mounts: config.json "mounts" in order, every kind of option, binds of dirs and files, errors that
# name the mount index and option.

load helpers

setup() {
	setup_sheep
	mkdir -p "$BUNDLE/data"
	echo hello >"$BUNDLE/data/file"
	echo bound >"$BUNDLE/hostname"
}

teardown() {
	teardown_sheep
}

add_mount() {
	update_config ".mounts += [$1]"
}

@test "a bind mount with a bundle-relative source is read-only with ro" {
	add_mount '{"destination":"/data","type":"bind","source":"data","options":["rbind","ro","nosuid"]}'
	set_args /probe cat /data/file \; write /data/new x
	sheep run --bundle "$BUNDLE" "$ID"
	assert_failure 1
	assert_output_contains hello
	assert_output_contains "Read-only file system"
	[ ! -e "$BUNDLE/data/new" ] || fail "the write reached the host"
}

@test "a file is bound onto a file, and the destination is created to match" {
	add_mount '{"destination":"/etc/deep/hostname","type":"bind","source":"hostname","options":["bind"]}'
	set_args /probe stat /etc/deep/hostname \; cat /etc/deep/hostname
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_contains "type=file"
	assert_output_contains bound
}

@test "tmpfs options: flags go to the mount, the rest is filesystem data" {
	add_mount '{"destination":"/scratch","type":"tmpfs","source":"tmpfs","options":["nosuid","nodev","noexec","size=1m","mode=700"]}'
	set_args /probe mounts \; stat /scratch
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	grep -E '^/scratch tmpfs ro?w?,?nosuid,nodev,noexec.*size=1024k' <<<"$output" ||
		fail "no /scratch tmpfs with nosuid,nodev,noexec,size=1024k"
	assert_output_contains "type=dir mode=0700"
}

@test "recursive attributes: rro makes submounts read-only too" {
	requires sheep
	mkdir -p "$BUNDLE/data/sub"
	add_mount '{"destination":"/data","type":"bind","source":"data","options":["rbind"]}'
	add_mount '{"destination":"/data/sub","type":"tmpfs","source":"tmpfs"}'
	add_mount '{"destination":"/data","type":"bind","source":"data","options":["rbind","rro"]}'
	set_args /probe write /data/sub/x y
	sheep run --bundle "$BUNDLE" "$ID"
	assert_failure 1
	assert_output_contains "Read-only file system"
}

@test "tmpcopyup fills the tmpfs with what it covers" {
	mkdir -p "$BUNDLE/rootfs/opt/app" && echo kept >"$BUNDLE/rootfs/opt/app/conf"
	add_mount '{"destination":"/opt/app","type":"tmpfs","source":"tmpfs","options":["tmpcopyup"]}'
	set_args /probe cat /opt/app/conf \; write /opt/app/conf changed
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output kept
	[ "$(cat "$BUNDLE/rootfs/opt/app/conf")" = kept ] || fail "the image file changed"
}

@test "an unknown option is refused before anything is created" {
	add_mount '{"destination":"/x","type":"tmpfs","source":"tmpfs","options":["nodev","bogus"]}'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_failure
	n=$(jq '.mounts | length - 1' "$BUNDLE/config.json")
	assert_sheep_error run "$ID" "config.json: mounts[$n].options[1]: unknown mount option 'bogus'"
	assert_nothing_left "$ID"
}

@test "a relative destination is taken below / (deprecated; config.md says so, runc too)" {
	add_mount '{"destination":"rel/dir","type":"tmpfs","source":"tmpfs"}'
	set_args /bin/sh -c 'grep -c " /rel/dir tmpfs " /proc/mounts'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_contains 1
	if is_sheep; then
		n=$(jq '.mounts | length - 1' "$BUNDLE/config.json")
		assert_output_contains "sheep-oci: config.json: mounts[$n].destination: 'rel/dir' is relative (deprecated): taken as '/rel/dir'"
	fi
	[ ! -e "/rel" ] || fail "a /rel appeared on the host"
}

@test "an empty destination is refused" {
	requires sheep
	add_mount '{"destination":"","type":"tmpfs","source":"tmpfs"}'
	sheep run --bundle "$BUNDLE" "$ID"
	n=$(jq '.mounts | length - 1' "$BUNDLE/config.json")
	assert_sheep_error run "$ID" "config.json: mounts[$n].destination: must be an absolute path, got ''"
	assert_nothing_left "$ID"
}

@test "a mount failure names the mount and its index" {
	requires sheep
	add_mount '{"destination":"/x","type":"nosuchfs","source":"none"}'
	sheep run --bundle "$BUNDLE" "$ID"
	n=$(jq '.mounts | length - 1' "$BUNDLE/config.json")
	assert_sheep_error run "$ID" "set up rootfs: mount 'nosuchfs' on '/x' (mounts[$n]): No such device"
	assert_nothing_left "$ID"
}

@test "idmap: a bind mount shows files with the mapped owner" {
	requires sheep
	add_mount '{"destination":"/data","type":"bind","source":"data","options":["bind","idmap"],
		"uidMappings":[{"containerID":0,"hostID":100000,"size":65536}],
		"gidMappings":[{"containerID":0,"hostID":100000,"size":65536}]}'
	set_args /probe stat /data/file
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_contains "uid=100000 gid=100000"
}

@test "idmap in a container with a user namespace: host root's files appear as the container's root" {
	requires sheep userns
	userns_mapped
	chown 0:0 "$BUNDLE/data" "$BUNDLE/data/file"
	add_mount '{"destination":"/plain","type":"bind","source":"data","options":["bind"]}'
	add_mount '{"destination":"/data","type":"bind","source":"data","options":["bind","idmap"],
		"uidMappings":[{"containerID":0,"hostID":100000,"size":65536}],
		"gidMappings":[{"containerID":0,"hostID":100000,"size":65536}]}'
	set_args /probe stat /plain/file \; stat /data/file \; write /data/new x
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	# without idmap host root is the overflow id in the container; with it, the container's root
	[[ "${lines[0]}" == *"uid=65534 gid=65534"* ]] || fail "plain: ${lines[0]}"
	[[ "${lines[1]}" == *"uid=0 gid=0"* ]] || fail "idmapped: ${lines[1]}"
	# a file the container's root makes there belongs to host root
	[ "$(stat -c %u:%g "$BUNDLE/data/new")" = 0:0 ]
	# the mount was made by the runtime on the host: nothing of it is left there
	! grep -q " $BUNDLE/data " /proc/self/mountinfo
}

@test "idmap: a source that cannot be opened fails create naming the mount, nothing is left" {
	requires sheep
	local n
	n=$(jq '.mounts | length' "$BUNDLE/config.json")
	add_mount '{"destination":"/data","type":"bind","source":"nosuch","options":["bind","idmap"],
		"uidMappings":[{"containerID":0,"hostID":100000,"size":65536}],
		"gidMappings":[{"containerID":0,"hostID":100000,"size":65536}]}'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" \
		"mount 'nosuch' on '/data' (mounts[$n]): open_tree '$BUNDLE/nosuch': No such file or directory"
	assert_nothing_left "$ID"
}

# A destination through a dangling symlink is made where the link points, inside the rootfs, as
# runc does (an image's /etc/resolv.conf -> /run/systemd/resolve/stub-resolv.conf gets the bind
# mount a manager puts there). The host is never touched (security.bats).
@test "a bind on a path through a dangling symlink component mounts at the link's target" {
	local r=$BUNDLE/rootfs
	rm -f "$r/etc/hosts"
	ln -s /tmp/foo/bar "$r/jump"
	ln -s /jump/baz/hosts "$r/etc/hosts"
	add_mount '{"destination":"/etc/hosts","type":"bind","source":"hostname","options":["bind"]}'
	set_args /bin/sh -c 'cat /etc/hosts; grep -c " /tmp/foo/bar/baz/hosts " /proc/self/mounts'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output $'bound\n1'
	[ -f "$r/tmp/foo/bar/baz/hosts" ] || fail "not made inside the rootfs"
}

@test "a bind on a trailing dangling symlink mounts at its target, a file or a directory" {
	local r=$BUNDLE/rootfs
	rm -f "$r/etc/hosts"
	ln -s /tmp/hosts "$r/etc/hosts"
	add_mount '{"destination":"/etc/hosts","type":"bind","source":"hostname","options":["bind"]}'
	set_args /bin/sh -c 'cat /tmp/hosts'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output bound
	[ -f "$r/tmp/hosts" ] || fail "no file made at the link's target"
	sheep delete --force "$ID"
	rm -f "$r/tmp/hosts"
	update_config '.mounts[-1] = {"destination":"/etc/hosts","type":"bind","source":"data","options":["bind"]}'
	set_args /bin/sh -c 'cat /tmp/hosts/file'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output hello
	[ -d "$r/tmp/hosts" ] || fail "no directory made at the link's target"
}

@test "a symlink loop in a destination fails naming the mount" {
	ln -s loop2 "$BUNDLE/rootfs/loop1"
	ln -s loop1 "$BUNDLE/rootfs/loop2"
	add_mount '{"destination":"/loop1/x","type":"tmpfs","source":"tmpfs"}'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_failure 1
	is_sheep && assert_output_contains "(mounts[7]): mkdir '/loop1/x' in root: Too many levels of symbolic links"
	assert_nothing_left "$ID"
}

# In a user namespace the init (root of that namespace, 100000 on the host) cannot reach a bind
# source below a 0700 directory of the host's root; the runtime opens those trees before clone,
# as runc does, and the init attaches them, at create and for exec'd processes alike.
@test "userns: bind sources the container's root cannot reach are mounted all the same" {
	requires userns
	local i
	for i in 1 2; do
		mkdir -p "$BUNDLE/private$i/dir"
		echo "in$i" >"$BUNDLE/private$i/dir/file"
		chmod 700 "$BUNDLE/private$i"
	done
	userns_mapped
	add_mount '{"destination":"/m1","type":"bind","source":"private1/dir","options":["bind","ro"]}'
	add_mount '{"destination":"/m2","type":"bind","source":"private2/dir","options":["rbind"]}'
	set_args /bin/sh -c 'cat /m1/file /m2/file; grep -c " /m1 .* ro," /proc/self/mountinfo; exec /probe pause --ready /tmp/ready'
	sheep run -d --bundle "$BUNDLE" "$ID"
	assert_success
	wait_file "$BUNDLE/rootfs/tmp/ready"
	sheep exec "$ID" /bin/cat /m1/file /m2/file
	assert_success
	assert_output $'in1\nin2'
}

# ... while a bind the init can reach is made by the init itself, after the mounts before it: a
# bind of a rootfs path carries what was mounted there (runc's mount-order case; runc 1.1.5 binds
# the host's view, later runc does not).
@test "userns: a bind of a rootfs path carries the mounts made before it" {
	requires userns sheep
	mkdir -p "$BUNDLE/rootfs/mnt/x" "$BUNDLE/rootfs/final"
	userns_mapped
	add_mount '{"destination":"/mnt/x","type":"bind","source":"data","options":["bind"]}'
	add_mount '{"destination":"/final","type":"bind","source":"'"$BUNDLE"'/rootfs/mnt","options":["rbind"]}'
	set_args /bin/cat /final/x/file
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output hello
}
