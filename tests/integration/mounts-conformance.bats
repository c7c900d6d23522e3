#!/usr/bin/env bats
# mounts-conformance: config.md "Mounts" and config-linux.md "rootfsPropagation" on benign configs,
# checked against what runc 1.1.5 does. Where runc differs and sheep-oci follows the spec, the test
# says so and requires sheep.

load helpers

setup() {
	setup_sheep
	SHARED=$BATS_TEST_TMPDIR/shared
	mkdir -p "$BUNDLE/data"
	echo hello >"$BUNDLE/data/file"
}

teardown() {
	teardown_sheep
	if [ -n "${SHARED_MOUNTED:-}" ]; then
		umount -R "$SHARED" || echo "teardown: umount -R $SHARED failed" >&2
	fi
}

add_mount() {
	update_config ".mounts += [$1]"
}

# shared_bundle: a bundle inside a shared mount of the host (as /var/lib/kubelet or /run often
# are), so that what propagates between the host and the container can be seen. Sets BUNDLE.
shared_bundle() {
	mkdir -p "$SHARED"
	mount --bind "$SHARED" "$SHARED" && SHARED_MOUNTED=1
	mount --make-shared "$SHARED"
	make_bundle "$SHARED/bundle"
	mkdir -p "$BUNDLE/rootfs/mnt/host" "$BUNDLE/rootfs/mnt/ctr"
}

# propagation_case NAME: creates and starts a sleeping container with rootfsPropagation NAME, mounts
# a tmpfs below its rootfs on the host and one from inside the container; sets PID, SEEN_IN (the
# host's mount as the container sees it, or empty) and SEEN_OUT (the container's mount on the
# host, or empty).
propagation_case() {
	update_config ".linux.rootfsPropagation = \"$1\""
	set_args /bin/sleep 60
	sheep create --bundle "$BUNDLE" "$ID"
	assert_success || return
	sheep start "$ID"
	assert_success || return
	PID=$(container_pid "$ID")
	mount -t tmpfs hostmnt "$BUNDLE/rootfs/mnt/host"
	nsenter -t "$PID" -m -r /bin/mount -t tmpfs ctrmnt /mnt/ctr || fail "mount in the container"
	SEEN_IN=$(grep ' /mnt/host ' "/proc/$PID/mountinfo" || true)
	SEEN_OUT=$(grep " $BUNDLE/rootfs/mnt/ctr " /proc/self/mountinfo || true)
	umount "$BUNDLE/rootfs/mnt/host"
	[ -z "$SEEN_OUT" ] || umount "$BUNDLE/rootfs/mnt/ctr"
	sheep delete --force "$ID"
	echo "rootfsPropagation $1: in: '$SEEN_IN' out: '$SEEN_OUT'" >&2
}

# run_mountinfo PROPAGATION [RUN-FLAG...]: runs cat /proc/self/mountinfo with that rootfsPropagation.
run_mountinfo() {
	update_config ".linux.rootfsPropagation = \"$1\""
	set_args /bin/cat /proc/self/mountinfo
	sheep run "${@:2}" --bundle "$BUNDLE" "$ID"
	assert_success
}

# runc 1.1.5 makes "/" rshared before binding the rootfs, then the rootfs's parent private, so its
# rootfs ends up private; pivot_root(2) refuses a shared new root, which sheep-oci makes shared
# after it. config-linux.md: "the rootfs mount belongs to a new peer group ... not shared with the
# host".
@test "rootfsPropagation shared and rshared: the rootfs is a new peer group, not the host's" {
	requires sheep
	for p in shared rshared; do
		run_mountinfo $p || return
		grep -E "^[0-9]+ [0-9]+ [0-9:]+ [^ ]+ / [^ ]+ shared:[0-9]+ " <<<"$output" ||
			fail "$p: the root mount is not shared"
		if [ "$p" = rshared ]; then
			grep -E " /proc [^ ]+ shared:" <<<"$output" || fail "rshared: /proc not shared"
		else
			grep -E " /proc [^ ]+ shared:" <<<"$output" && fail "shared: /proc is shared"
		fi
	done
	grep -q "$BUNDLE/rootfs" /proc/self/mountinfo && fail "rootfs mount visible on the host"
	true
}

@test "rootfsPropagation rshared: a mount made on the host appears, the container's stay in" {
	requires sheep
	shared_bundle
	propagation_case rshared
	[ -n "$SEEN_IN" ] || fail "the host's mount did not reach the container"
	[ -z "$SEEN_OUT" ] || fail "the container's mount reached the host: $SEEN_OUT"
}

@test "rootfsPropagation rslave: host mounts come in, nothing goes out" {
	shared_bundle
	propagation_case rslave
	[ -n "$SEEN_IN" ] || fail "the host's mount did not reach the container"
	[ -z "$SEEN_OUT" ] || fail "the container's mount reached the host: $SEEN_OUT"
}

# runc 1.1.5 makes only "/" a slave for "slave": the host's shared submounts stay shared with the
# host in the container's namespace. The spec's slave "receives propagation events from the host".
@test "rootfsPropagation slave: host mounts come in, nothing goes out" {
	requires sheep
	shared_bundle
	propagation_case slave
	[ -n "$SEEN_IN" ] || fail "the host's mount did not reach the container"
	[ -z "$SEEN_OUT" ] || fail "the container's mount reached the host: $SEEN_OUT"
}

@test "rootfsPropagation private and rprivate: nothing comes in, nothing goes out" {
	shared_bundle
	for p in private rprivate; do
		propagation_case $p
		[ -z "$SEEN_IN" ] || fail "$p: the host's mount reached the container: $SEEN_IN"
		[ -z "$SEEN_OUT" ] || fail "$p: the container's mount reached the host: $SEEN_OUT"
	done
}

# runc 1.1.5 fails these: "/" made unbindable first, the rootfs cannot be bound onto itself.
@test "rootfsPropagation unbindable and runbindable: the rootfs mount is unbindable" {
	requires sheep
	for p in unbindable runbindable; do
		run_mountinfo $p || return
		grep -E "^[0-9]+ [0-9]+ [0-9:]+ [^ ]+ / [^ ]+ unbindable - " <<<"$output" ||
			fail "$p: the root mount is not unbindable"
		if [ "$p" = runbindable ]; then
			grep -E " /dev [^ ]+ unbindable - " <<<"$output" || fail "/dev is bindable"
		fi
	done
}

@test "rootfsPropagation shared with --no-pivot" {
	requires sheep
	run_mountinfo shared --no-pivot || return
	grep -E " / [^ ]+ shared:[0-9]+ " <<<"$output" || fail "the root mount is not shared"
}

# Docker and podman keep SELinux relabelling (z, Z) and ownership (U) for themselves, crun knows
# copy-symlink; runc passes them to mount(2) as data, which a bind ignores.
@test "a bind accepts z, Z, U and copy-symlink and ignores them, as runc does" {
	add_mount '{"destination":"/data","type":"bind","source":"data","options":["rbind","z","Z","U","copy-symlink","ro"]}'
	add_mount '{"destination":"/data2","source":"data","options":["bind","Z"]}'
	set_args /bin/sh -c 'cat /data/file /data2/file; grep -E " /data2? " /proc/self/mountinfo'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_contains "hello"
	grep -E " /data ro," <<<"$output" || fail "/data is not read-only"
	# no option reached the mounts (the mount point's path may hold any letter: options only,
	# the per-mount field 6 and the super options after " - TYPE SOURCE ")
	awk '{ print $6; for (i = 7; i <= NF; i++) if ($i == "-") print $(i + 3) }' <<<"$output" |
		grep -E '(^|,)(z|Z|U|copy-symlink)(,|$)' && fail "an option reached a mount" || true
}

# runc passes an unknown word on a bind to mount(2), which ignores it: "noexce" would silently
# leave the bind executable. sheep-oci names it.
@test "a typo in a bind's options is refused with its index" {
	requires sheep
	add_mount '{"destination":"/data","type":"bind","source":"data","options":["rbind","noexce"]}'
	sheep run --bundle "$BUNDLE" "$ID"
	n=$(jq '.mounts | length - 1' "$BUNDLE/config.json")
	assert_sheep_error run "$ID" "config.json: mounts[$n].options[1]: unknown mount option 'noexce'"
	assert_nothing_left "$ID"
}

@test "z on a tmpfs is refused with its index (runc: the kernel's EINVAL)" {
	add_mount '{"destination":"/t","type":"tmpfs","source":"tmpfs","options":["size=1m","z"]}'
	sheep run --bundle "$BUNDLE" "$ID"
	n=$(jq '.mounts | length - 1' "$BUNDLE/config.json")
	assert_sheep_error run "$ID" "config.json: mounts[$n].options[1]: unknown mount option 'z'"
	assert_nothing_left "$ID"
}

# After pivot_root the old root is made an rslave before it is detached; done through "." (the new
# root, which mount(2) does not cross) it turned every mount of the container into a slave, and the
# "shared" of these mounts was lost.
@test "a mount's own shared or rshared propagation survives pivot_root" {
	mkdir -p "$BUNDLE/data/sub"
	add_mount '{"destination":"/t1","type":"tmpfs","source":"tmpfs","options":["shared"]}'
	add_mount '{"destination":"/t2","type":"tmpfs","source":"tmpfs","options":["rshared"]}'
	add_mount '{"destination":"/b","type":"bind","source":"data","options":["rbind","shared"]}'
	set_args /bin/cat /proc/self/mountinfo
	for flag in "" --no-pivot; do
		sheep run $flag --bundle "$BUNDLE" "$ID"
		assert_success
		for d in /t1 /t2 /b; do
			grep -E " $d [^ ]+ shared:[0-9]+ " <<<"$output" || fail "$flag: $d is not shared"
		done
	done
	grep -q "$BUNDLE/rootfs" /proc/self/mountinfo && fail "rootfs mount visible on the host"
	true
}

# mount(2) with MS_REMOUNT and no MS_BIND changes the superblock: "remount,ro" on a bind of a host
# filesystem made the HOST's filesystem read-only (runc 1.1.5 does that too). The per-mount flags
# now change on the container's mount alone.
@test "remount,ro of a bind makes the bind read-only, not the host's filesystem" {
	requires sheep
	mkdir -p "$BATS_TEST_TMPDIR/hostfs"
	mount -t tmpfs -o size=1m sheephostfs "$BATS_TEST_TMPDIR/hostfs"
	add_mount '{"destination":"/h","type":"bind","source":"'"$BATS_TEST_TMPDIR/hostfs"'","options":["rbind","nosuid"]}'
	add_mount '{"destination":"/h","type":"none","source":"none","options":["remount","ro"]}'
	set_args /bin/sh -c 'grep " /h " /proc/self/mountinfo; touch /h/x'
	sheep run --bundle "$BUNDLE" "$ID"
	sb=$(grep " $BATS_TEST_TMPDIR/hostfs " /proc/self/mountinfo | sed 's/.* - //')
	touch "$BATS_TEST_TMPDIR/hostfs/y" && w=yes || w=no
	mount -o remount,rw "$BATS_TEST_TMPDIR/hostfs"
	umount "$BATS_TEST_TMPDIR/hostfs"
	echo "host superblock: $sb, host writable: $w" >&2
	assert_failure 1
	assert_output_contains "Read-only file system"
	grep -E " /h ro,nosuid," <<<"$output" || fail "/h is not ro,nosuid"
	[ "$w" = yes ] || fail "the host's filesystem became read-only: $sb"
	[[ "$sb" == "tmpfs sheephostfs rw,"* ]] || fail "host superblock changed: $sb"
}

# MS_REMOUNT resets the flags not passed: a data remount (tmpfs size=) kept no nosuid or ro.
@test "remount with filesystem data keeps the mount's flags and adds the named ones" {
	requires sheep
	add_mount '{"destination":"/t","type":"tmpfs","source":"tmpfs","options":["size=1m","nosuid","ro"]}'
	add_mount '{"destination":"/t","type":"tmpfs","source":"tmpfs","options":["remount","size=2m","noexec"]}'
	add_mount '{"destination":"/u","type":"tmpfs","source":"tmpfs","options":["size=1m","nodev","ro"]}'
	add_mount '{"destination":"/u","type":"tmpfs","source":"tmpfs","options":["remount","rw","size=3m"]}'
	set_args /bin/sh -c 'grep -E " /(t|u) " /proc/self/mountinfo; touch /u/x'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	grep -E " /t ro,nosuid,noexec,.* ro,size=2048k" <<<"$output" || fail "/t lost its flags"
	grep -E " /u rw,nodev,.* rw,size=3072k" <<<"$output" || fail "/u is not rw,nodev"
}

# A bind's "rw" cleared the per-mount ro of its source: a directory the host had bound read-only
# became writable in the container (runc 1.1.5 keeps it read-only for "rbind,rw", though not once
# another flag such as nosuid is named). "rrw" still clears it on purpose.
@test "a bind with rw of a host read-only bind stays read-only; rrw makes it writable" {
	local ro=$BATS_TEST_TMPDIR/robind
	mkdir -p "$ro" "$BUNDLE/data/w"
	mount --bind "$BUNDLE/data/w" "$ro"
	mount -o remount,bind,ro "$ro"
	add_mount '{"destination":"/r","type":"bind","source":"'"$ro"'","options":["rbind","rw"]}'
	set_args /bin/touch /r/x
	sheep run --bundle "$BUNDLE" "$ID"
	local st1=$status out1=$output
	update_config '.mounts[-1].options = ["rbind","rw","nosuid","nodev"]'
	is_runc || sheep run --bundle "$BUNDLE" "$ID"
	local st2=$status out2=$output
	update_config '.mounts[-1].options = ["rbind","rrw"]'
	is_runc || sheep run --bundle "$BUNDLE" "$ID"
	local st3=$status
	umount "$ro"
	[ "$st1" -eq 1 ] && [[ "$out1" == *"Read-only file system"* ]] || fail "rw: $st1 $out1"
	[ "$st2" -eq 1 ] && [[ "$out2" == *"Read-only file system"* ]] || fail "rw,nosuid: $st2 $out2"
	is_runc || [ "$st3" -eq 0 ] || fail "rrw: status $st3"
	is_runc || [ -e "$BUNDLE/data/w/x" ] || fail "rrw: nothing written"
}

# mount(2)'s superblock words, as runc 1.1.5 and crun accept them: acl and iversion are for the
# filesystem to honour (tmpfs always has ACLs), silent and loud only change what the kernel logs.
# None of them is filesystem data.
@test "acl, noacl, iversion, noiversion, silent and loud are accepted on a tmpfs" {
	add_mount '{"destination":"/t1","type":"tmpfs","source":"tmpfs","options":["acl","iversion","silent","size=1m"]}'
	add_mount '{"destination":"/t2","type":"tmpfs","source":"tmpfs","options":["noacl","noiversion","loud","nosuid"]}'
	set_args /bin/sh -c 'grep -E " /(t1|t2) " /proc/self/mountinfo'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	grep -E " /t1 .* - tmpfs .*size=1024k" <<<"$output" || fail "no 1m tmpfs on /t1"
	grep -E " /t2 [^ ]*nosuid.* - tmpfs " <<<"$output" || fail "no nosuid tmpfs on /t2"
	awk '{ for (i = 7; i <= NF; i++) if ($i == "-") print $(i + 3) }' <<<"$output" |
		grep -E '(^|,)(acl|noacl|iversion|noiversion|silent|loud)(,|$)' &&
		fail "a word reached a filesystem's data" || true
}

# fstab's "defaults" sets no flag (crun: flag 0). runc 1.1.5 lists it in its features but hands
# it to the filesystem as data, which tmpfs refuses (EINVAL).
@test "defaults sets nothing on a tmpfs or a bind" {
	requires sheep
	add_mount '{"destination":"/t1","type":"tmpfs","source":"tmpfs","options":["defaults","size=1m"]}'
	add_mount '{"destination":"/data","type":"bind","source":"data","options":["rbind","defaults","ro"]}'
	set_args /bin/sh -c 'cat /data/file; grep -E " /(t1|data) " /proc/self/mountinfo'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_contains hello
	grep -E " /t1 .* - tmpfs .*size=1024k" <<<"$output" || fail "no 1m tmpfs on /t1"
	grep -E " /data ro," <<<"$output" || fail "/data is not read-only"
	grep -E '(^|,)defaults(,|$)' <<<"$output" && fail "defaults reached a mount" || true
}

# A tmpfs without mode= on a directory the image has takes that directory's mode (runc does the
# same); on a directory the runtime makes it keeps tmpfs's 1777; mode= always wins.
@test "a tmpfs without mode= on an existing directory takes its mode; a made one gets 1777" {
	local r=$BUNDLE/rootfs
	mkdir "$r/keep" "$r/given"
	chmod 0710 "$r/keep" "$r/given"
	add_mount '{"destination":"/keep","type":"tmpfs","source":"tmpfs","options":["nosuid"]}'
	add_mount '{"destination":"/given","type":"tmpfs","source":"tmpfs","options":["mode=1500"]}'
	add_mount '{"destination":"/made/a/b","type":"tmpfs","source":"tmpfs"}'
	set_args /bin/stat -c '%n %a' /keep /given /made/a/b /made/a
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	# runc 1.1.5 chmods an explicit mode= back to the directory's; fixed in later runc
	if is_runc; then
		assert_output_contains "/keep 710"
		return 0
	fi
	assert_output $'/keep 710\n/given 1500\n/made/a/b 1777\n/made/a 755'
	[ "$(stat -c %a "$r/given")" = 710 ] || fail "the rootfs directory itself was changed"
}

# A read-only /dev (runc's issue 3248) still gets its devices, devpts and mqueue: it is made
# read-only once they are in.
@test "a read-only /dev tmpfs gets its devices and submounts and ends read-only" {
	update_config '.mounts |= map(if .destination == "/dev" then .options += ["ro"] else . end)'
	# one line: set_args makes an argument of each line
	set_args /bin/sh -c 'grep "^tmpfs /dev " /proc/mounts | cut -d" " -f4 | cut -d, -f1; test -c /dev/null && echo null; test -d /dev/pts && echo pts; touch /dev/x 2>/dev/null || echo refused; echo hi >/dev/shm/ok && echo shm'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output $'ro\nnull\npts\nrefused\nshm'
}
