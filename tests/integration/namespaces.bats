#!/usr/bin/env bats
# linux.namespaces: new namespaces differ from the host's, paths join existing ones, user
# namespaces map ids.

load helpers

setup() {
	setup_sheep
}

teardown() {
	# holders of user namespaces started by a test (userns_holder); SIGKILL: the holder is pid 1
	# of its pid namespace, which ignores signals it has no handler for
	[ -z "${HOLDERS:-}" ] || kill -KILL $HOLDERS 2>/dev/null || true
	teardown_sheep
}

host_ns() {
	readlink "/proc/self/ns/$1"
}

# ns_of OUTPUT TYPE: the probe's `ns` line for TYPE.
ns_of() {
	sed -n "s/^$2 -> //p" <<<"$1"
}

@test "each configured namespace is new, the others are the host's" {
	set_args /probe ns
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	for t in pid net ipc uts mnt; do
		[ "$(ns_of "$output" "$t")" != "$(host_ns "$t")" ] || fail "$t namespace is the host's"
	done
	[ "$(ns_of "$output" user)" = "$(host_ns user)" ]
}

@test "the process is pid 1 of its pid namespace" {
	set_args /probe pid
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_contains "pid=1 ppid=0"
}

@test "without a network namespace the container uses the host's" {
	update_config '.linux.namespaces |= map(select(.type != "network"))'
	set_args /probe ns
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	[ "$(ns_of "$output" net)" = "$(host_ns net)" ]
}

# host_mounts: the runtime's mount table, mount points and propagation (ids left out).
host_mounts() {
	awk '{ o = $5; for (i = 7; $i != "-"; i++) o = o " " $i; print o }' /proc/self/mountinfo |
		sort
}

# config-linux.md: a namespace type that is not listed is the runtime's, the mount namespace too
# (runtime-tools' linux_ns_itype runs such a container). Its mounts are made in the runtime's
# namespace below a private bind of the rootfs in the state directory, entered by chroot, and
# delete takes them away.
@test "without a mount namespace: the runtime's, the rootfs entered by chroot; delete restores the mount table" {
	update_config '.linux.namespaces |= map(select(.type != "mount"))'
	local before
	before=$(host_mounts)
	set_args /probe ns ';' ls / ';' mounts ';' pause --ready /tmp/ready
	sheep run -d --bundle "$BUNDLE" "$ID"
	assert_success
	wait_file "$BUNDLE/rootfs/tmp/ready"
	# from the host: the container's /proc is a mount below the rootfs, and / kept its propagation
	local at
	at=$(realpath "$ROOT")/$ID/rootfs
	grep -q " $at/proc " /proc/self/mountinfo || fail "no /proc below $at"
	[ "$(host_mounts | grep -v "^$at")" = "$before" ] ||
		fail "host mounts changed: $(diff <(echo "$before") <(host_mounts | grep -v "^$at"))"
	# an exec'd process joins the same root, not the runtime's
	sheep exec "$ID" /probe ls /
	assert_success
	assert_output_contains "probe"
	refute_output_contains "vmlinuz"
	sheep exec "$ID" /probe cwd
	assert_output "/"
	sheep delete --force "$ID"
	assert_success
	[ "$(host_mounts)" = "$before" ] || fail "mounts left: $(diff <(echo "$before") <(host_mounts))"
	assert_nothing_left "$ID"
}

@test "without a mount namespace: the container's view, and a failing create leaves no mount" {
	update_config '.linux.namespaces |= map(select(.type != "mount"))'
	local before
	before=$(host_mounts)
	set_args /probe ns ';' ls /
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	[ "$(ns_of "$output" mnt)" = "$(host_ns mnt)" ] || fail "not the runtime's mount namespace"
	assert_output_contains "probe"
	[ "$(host_mounts)" = "$before" ] || fail "run left mounts"
	# a mount that fails after others were made (proc is the first of the default config)
	update_config '.mounts += [{"destination": "/x", "type": "nosuchfs", "source": "none"}]'
	sheep create --bundle "$BUNDLE" "$ID"
	assert_failure 1
	[ "$(host_mounts)" = "$before" ] || fail "mounts left: $(diff <(echo "$before") <(host_mounts))"
	assert_nothing_left "$ID"
}

@test "without a mount namespace: two containers on one rootfs, each deleted alone" {
	update_config '.linux.namespaces |= map(select(.type != "mount"))'
	local before
	before=$(host_mounts)
	set_args /probe pause
	sheep run -d --bundle "$BUNDLE" "$ID"
	assert_success
	sheep run -d --bundle "$BUNDLE" "$ID-b"
	assert_success
	sheep delete --force "$ID"
	assert_success
	# the second one's root is intact
	sheep exec "$ID-b" /probe ls /proc/1
	assert_success
	assert_output_contains "status"
	sheep delete --force "$ID-b"
	assert_success
	[ "$(host_mounts)" = "$before" ] || fail "mounts left: $(diff <(echo "$before") <(host_mounts))"
	assert_nothing_left "$ID"
	assert_nothing_left "$ID-b"
}

@test "a namespace path joins another container's namespace" {
	set_args /probe pause --ready /tmp/ready
	sheep run -d --bundle "$BUNDLE" "$ID-a"
	wait_file "$BUNDLE/rootfs/tmp/ready"
	pid=$(container_pid "$ID-a")
	make_bundle "$BATS_TEST_TMPDIR/b2"
	update_config '.linux.namespaces |= map(if .type == "network" or .type == "ipc"
		then .path = "/proc/'"$pid"'/ns/" + (if .type == "network" then "net" else "ipc" end)
		else . end)'
	set_args /probe ns
	sheep run --bundle "$BUNDLE" "$ID-b"
	assert_success
	[ "$(ns_of "$output" net)" = "$(readlink "/proc/$pid/ns/net")" ]
	[ "$(ns_of "$output" ipc)" = "$(readlink "/proc/$pid/ns/ipc")" ]
	[ "$(ns_of "$output" uts)" != "$(readlink "/proc/$pid/ns/uts")" ]
}

@test "a namespace path that does not exist fails and leaves nothing behind" {
	update_config '.linux.namespaces |= map(if .type == "network"
		then .path = "/proc/999999999/ns/net" else . end)'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_nothing_left "$ID"
}

@test "a cgroup namespace shows the container's cgroup as /" {
	# the default spec already has one; a second would be a duplicate (an error)
	update_config '.linux.namespaces |= (map(select(.type != "cgroup")) + [{"type": "cgroup"}])'
	set_args /probe cat /proc/self/cgroup
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	grep -q ':pids:/$' <<<"$output"
}

@test "a user namespace maps the ids" {
	requires userns
	userns_mapped
	set_args /probe cat /proc/self/uid_map ';' cat /proc/self/gid_map ';' id ';' ns
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	[ "$(awk '{print $1, $2, $3}' <<<"${lines[0]}")" = "0 100000 65536" ]
	[ "$(awk '{print $1, $2, $3}' <<<"${lines[1]}")" = "0 100000 65536" ]
	assert_output_contains "uid=0 gid=0"
	[ "$(ns_of "$output" user)" != "$(host_ns user)" ]
}

@test "a hostname without a uts namespace is rejected" {
	update_config '.linux.namespaces |= map(select(.type != "uts")) | .hostname = "nope"'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_nothing_left "$ID"
	[ "$(hostname)" != nope ]
}

# runc 1.1.5 sets it in the host's uts namespace (the host's domainname changed): sheep-oci only
@test "a domainname without a uts namespace is rejected, the host's unchanged" {
	requires sheep
	local before
	before=$(cat /proc/sys/kernel/domainname)
	update_config '.linux.namespaces |= map(select(.type != "uts")) | del(.hostname) |
		.domainname = "hostile.example"'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" "config.json: domainname: setting it needs a uts namespace other than the runtime's"
	assert_nothing_left "$ID"
	[ "$(cat /proc/sys/kernel/domainname)" = "$before" ] ||
		fail "the host's domainname changed to $(cat /proc/sys/kernel/domainname)"
}

# A uts namespace joined by path (a pod's) is the container's to name, as with runc; joining the
# runtime's own by its path is no namespace of the container's (runc 1.1.5 renames the host).
@test "hostname and domainname in a uts namespace joined by path; never the runtime's own" {
	unshare -u sleep 1000 >/dev/null 2>&1 3>&- &
	HOLDER=$!
	HOLDERS="${HOLDERS:-} $HOLDER"
	for _ in $(seq 100); do
		[ "$(readlink "/proc/$HOLDER/ns/uts")" != "$(host_ns uts)" ] && break
		sleep 0.02
	done
	update_config '.linux.namespaces |= map(if .type == "uts"
		then .path = "/proc/'"$HOLDER"'/ns/uts" else . end) |
		.hostname = "podname" | .domainname = "pod.example"'
	set_args /bin/sh -c 'hostname; cat /proc/sys/kernel/domainname'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	[ "${lines[0]}" = podname ]
	[ "$(nsenter -t "$HOLDER" -u hostname)" = podname ]
	is_sheep || return 0 # runc 1.1.5 leaves the domainname
	[ "${lines[1]}" = pod.example ]
	local host_name host_domain
	host_name=$(hostname) host_domain=$(cat /proc/sys/kernel/domainname)
	update_config '.linux.namespaces |= map(if .type == "uts"
		then .path = "/proc/self/ns/uts" else . end)'
	sheep run --bundle "$BUNDLE" "$ID-self"
	assert_sheep_error run "$ID-self" "config.json: hostname: setting it needs a uts namespace other than the runtime's"
	assert_nothing_left "$ID-self"
	[ "$(hostname)" = "$host_name" ] && [ "$(cat /proc/sys/kernel/domainname)" = "$host_domain" ] ||
		fail "the host was renamed"
}

@test "an unknown namespace type is rejected before anything is created" {
	update_config '.linux.namespaces += [{"type": "foo"}]'
	sheep create --bundle "$BUNDLE" "$ID"
	assert_failure 1
	is_sheep && assert_output_contains "unknown namespace 'foo'"
	assert_nothing_left "$ID"
}

@test "a user namespace with a time namespace: the offsets apply (they could not be written)" {
	requires userns
	userns_mapped
	update_config '.linux.namespaces += [{"type": "time"}] |
		.linux.timeOffsets = {"boottime": {"secs": 864000, "nanosecs": 0}}'
	set_args /bin/cat /proc/uptime
	local host
	host=$(cut -d. -f1 /proc/uptime)
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	local inside=${output%%.*}
	[ "$inside" -ge $((host + 864000)) ] && [ "$inside" -lt $((host + 864000 + 60)) ] ||
		fail "uptime inside $inside, on the host $host"
}

# userns_holder: a process in a user namespace of its own, mapped 0 -> 100000 (65536 ids) from
# here, with a pid namespace of its own too; sets HOLDER (killed in teardown). Its output goes
# nowhere: bats waits for every holder of its own descriptors.
userns_holder() {
	unshare --user --pid --fork sleep 1000 >/dev/null 2>&1 3>&- &
	local u=$! pid=
	for _ in $(seq 100); do
		pid=$(pgrep -P "$u" -x sleep) && break
		sleep 0.02
	done
	[ -n "$pid" ] || fail "no holder"
	echo "0 100000 65536" >"/proc/$pid/uid_map"
	echo "0 100000 65536" >"/proc/$pid/gid_map"
	HOLDER=$pid
	HOLDERS="${HOLDERS:-} $u $pid"
}

@test "a user namespace joined by path: the container is its root, with a new or a joined pid namespace" {
	requires userns
	userns_holder
	userns_rootfs 100000
	# podman passes the mappings along (--userns=container:): accepted, not written
	update_config '.linux.namespaces += [{"type": "user", "path": "/proc/'"$HOLDER"'/ns/user"}] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	set_args /probe cat /proc/self/uid_map ';' id ';' pid ';' ns
	# a new pid namespace: made inside the joined user namespace, so /proc can be mounted
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	[ "$(awk '{print $1, $2, $3}' <<<"${lines[0]}")" = "0 100000 65536" ]
	assert_output_contains "uid=0 gid=0"
	assert_output_contains "pid=1 ppid=0"
	[ "$(ns_of "$output" user)" = "$(readlink "/proc/$HOLDER/ns/user")" ]
	# the holder's pid namespace joined too: files made during setup belong to the mapped root
	update_config '.linux.namespaces |= map(if .type == "pid"
		then .path = "/proc/'"$HOLDER"'/ns/pid" else . end)'
	sheep run --bundle "$BUNDLE" "$ID-pid"
	assert_success
	assert_output_contains "uid=0 gid=0"
	[ "$(ns_of "$output" pid)" = "$(readlink "/proc/$HOLDER/ns/pid")" ]
}

@test "a user namespace joined by path without id 0 mapped is refused, naming it" {
	requires userns
	unshare --user sleep 1000 >/dev/null 2>&1 3>&- &
	HOLDER=$!
	HOLDERS="$HOLDER"
	sleep 0.1
	update_config '.linux.namespaces += [{"type": "user", "path": "/proc/'"$HOLDER"'/ns/user"}] |
		.linux.namespaces |= map(select(.type != "pid"))'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_failure 1
	assert_output_contains "become root in the joined user namespace (is id 0 mapped?)"
	[ ! -e "$ROOT/$ID" ]
}
