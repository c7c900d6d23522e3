#!/usr/bin/env bats
# Issue 10, besides fault injection (faults.bats): a full state disk, too few file descriptors, a
# container init that dies before its process runs, a process that cannot be loaded, hooks that
# hang. Each checks what the user sees and that nothing is left: state dir, process, cgroup, mount.

load helpers

setup() {
	setup_sheep
	MOUNTS_BEFORE=$(grep -c -F "$BATS_TEST_TMPDIR" /proc/self/mountinfo || true)
}

teardown() {
	local rc=0
	teardown_sheep || rc=1
	if [ -n "${DISK:-}" ] && mountpoint -q "$DISK"; then
		umount "$DISK" || rc=1
	fi
	return $rc
}

# small_root [FREE-KIB] [TMPFS-OPTS]: a 64 KiB tmpfs as --root, filled so FREE-KIB stay free.
small_root() {
	DISK=$BATS_TEST_TMPDIR/disk
	mkdir -p "$DISK"
	mount -t tmpfs -o "size=64k${2:+,$2}" sheep-test "$DISK"
	ROOT=$DISK/root
	mkdir "$ROOT"
	fill_disk "${1:-0}"
}

# fill_disk FREE-KIB: leaves FREE-KIB free on DISK (tmpfs counts whole pages).
fill_disk() {
	rm -f "$DISK/fill"
	local avail=$(($(stat -f -c '%a * %S' "$DISK") / 1024))
	[ "$avail" -le "$1" ] ||
		dd if=/dev/zero of="$DISK/fill" bs=1k count=$((avail - $1)) status=none
	[ "$(($(stat -f -c '%a * %S' "$DISK") / 1024))" -eq "$1" ] ||
		fail "could not leave $1 KiB free on $DISK"
}

# assert_no_mounts: no mount under the test's directory besides those the test made itself.
assert_no_mounts() {
	local now own=0
	[ -z "${DISK:-}" ] || own=1
	now=$(grep -c -F "$BATS_TEST_TMPDIR" /proc/self/mountinfo || true)
	[ "$now" -eq "$((MOUNTS_BEFORE + own))" ] ||
		fail "mounts left: $(grep -F "$BATS_TEST_TMPDIR" /proc/self/mountinfo)"
}

assert_enospc() {
	assert_sheep_error "$1" "$ID" "$2" || return
	assert_output_contains ": No space left on device"
}

@test "a full state disk: create and run fail naming the write, nothing is left" {
	small_root 0
	for verb in create run; do
		sheep "$verb" --bundle "$BUNDLE" "$ID"
		assert_enospc "$verb" "write '.config.json.tmp."
		assert_nothing_left "$ID"
		assert_no_mounts
		[ -z "$(ls -A "$ROOT")" ] || fail "left in the root: $(ls -A "$ROOT")"
	done
}

@test "a page left for config.json: writing state.json fails, nothing is left" {
	small_root 4
	set_args /probe pause
	sheep create --bundle "$BUNDLE" "$ID"
	# where the first state.json is written (before the cgroup or after the clone) may move
	assert_failure 1
	[ "$(grep -c "^sheep-oci: create '$ID': .*write state: write '.state.json.tmp.[0-9]*': No \
space left on device$" <<<"$output")" -eq 1 ] || fail "not the state write's ENOSPC: $output"
	assert_nothing_left "$ID"
	assert_no_mounts
	[ -z "$(ls -A "$ROOT")" ]
}

@test "no inodes left: creating the state directory fails" {
	small_root 32 nr_inodes=8
	local i=0
	while touch "$DISK/i$i" 2>/dev/null; do i=$((i + 1)); done
	sheep create --bundle "$BUNDLE" "$ID"
	assert_enospc create "create state directory '$ID'"
	assert_nothing_left "$ID"
}

@test "the disk fills during create (a createRuntime hook): create fails, poststop runs" {
	small_root 32
	update_config '.hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c",
			"dd if=/dev/zero of='"$DISK"'/fill2 bs=1k status=none 2>/dev/null; true"]}] |
		.hooks.poststop = [{"path": "/bin/sh", "args": ["sh", "-c",
			"rm -f '"$DISK"'/fill2; echo done > '"$BATS_TEST_TMPDIR"'/poststop"]}]'
	set_args /probe pause
	sheep create --bundle "$BUNDLE" "$ID"
	assert_enospc create "write state: write '.state.json.tmp."
	[ "$(cat "$BATS_TEST_TMPDIR/poststop")" = done ]
	assert_nothing_left "$ID"
	assert_no_mounts
}

@test "a container created before the disk filled: start, kill and delete work" {
	small_root 32
	set_args /probe pause --ready /tmp/ready
	sheep create --bundle "$BUNDLE" "$ID"
	assert_success
	fill_disk 0
	sheep start "$ID"
	assert_success
	wait_file "$BUNDLE/rootfs/tmp/ready"
	sheep state "$ID"
	assert_success
	[ "$(jq -r .status <<<"$output")" = running ]
	sheep kill "$ID" KILL
	assert_success
	wait_status "$ID" stopped
	sheep delete "$ID"
	assert_success
	assert_nothing_left "$ID"
	[ "$(($(stat -f -c '%a * %S' "$DISK") / 1024))" -gt 0 ] || fail "delete freed no space"
}

# sheep_nofile N ARGS...: `sheep ARGS` with RLIMIT_NOFILE N (soft and hard) and only fds 0-2 open.
sheep_nofile() {
	local n=$1
	shift
	OUTFILE=$(mktemp "$BATS_TEST_TMPDIR/out.XXXXXX")
	status=0
	SHEEP_TEST_MARK=$BATS_TEST_TMPDIR timeout -k 5 "$SHEEP_TIMEOUT" \
		prlimit --nofile="$n:$n" "$SHEEP_OCI" --root "$ROOT" "$@" \
		>"$OUTFILE" 2>&1 </dev/null 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- || status=$?
	output=$(cat "$OUTFILE")
	echo "\$ prlimit --nofile=$n:$n $(basename "$SHEEP_OCI") $* -> $status: $output" >&2
}

# fd_floor: the smallest RLIMIT_NOFILE with which the runtime starts at all. 3 for the static
# binary; a dynamically linked one (the sanitizer build) needs more for the loader to open its
# libraries, and fails in ld.so, before any of its own code runs, below that.
fd_floor() {
	local n
	for n in $(seq 3 64); do
		prlimit --nofile="$n:$n" "$SHEEP_OCI" --version >/dev/null 2>&1 </dev/null 3>&- 4>&- \
			5>&- 6>&- 7>&- 8>&- 9>&- && break
	done
	echo "$n"
}

# A failure for lack of fds: exit 1, says so, never "Success", and leaves nothing.
assert_emfile_clean() {
	assert_failure 1 || return
	assert_output_contains "Too many open files" || return
	refute_output_contains "Success" || return
	assert_nothing_left "$ID" && assert_no_mounts
}

@test "RLIMIT_NOFILE: below the smallest limit run works with, run fails cleanly" {
	requires sheep
	# raising the hard limit needs CAP_SYS_RESOURCE: the container keeps the runtime's
	update_config 'del(.process.rlimits)'
	local n min=
	for n in $(seq "$(fd_floor)" 64); do
		sheep_nofile "$n" run --bundle "$BUNDLE" "$ID"
		if [ "$status" -eq 0 ]; then
			min=$n
			break
		fi
		assert_emfile_clean
	done
	[ -n "$min" ] || fail "run never worked with up to 64 fds"
	echo "# smallest RLIMIT_NOFILE for run: $min" >&3
	assert_nothing_left "$ID"
	# and every limit above it works too (no fd count that happens to pass once)
	for n in $((min + 1)) $((min + 4)) 256; do
		sheep_nofile "$n" run --bundle "$BUNDLE" "$ID"
		assert_success
	done
}

@test "RLIMIT_NOFILE: exec with too few fds fails cleanly, the container is untouched" {
	requires sheep exec
	update_config 'del(.process.rlimits)'
	set_args /probe pause --ready /tmp/ready
	sheep run -d --bundle "$BUNDLE" "$ID"
	assert_success
	wait_file "$BUNDLE/rootfs/tmp/ready"
	local pid n min=
	pid=$(container_pid "$ID")
	for n in $(seq "$(fd_floor)" 64); do
		sheep_nofile "$n" exec "$ID" /probe write /tmp/exec-ran yes
		if [ "$status" -eq 0 ]; then
			min=$n
			break
		fi
		assert_failure 1
		assert_output_contains "Too many open files"
		refute_output_contains "Success"
		[ ! -e "$BUNDLE/rootfs/tmp/exec-ran" ] || fail "exec failed, yet its process ran"
		[ "$(container_status "$ID")" = running ]
		# only the container's init: no half-started exec process
		retry 20 0.1 test "$(test_processes | wc -l)" -eq 1
	done
	[ -n "$min" ] || fail "exec never worked with up to 64 fds"
	echo "# smallest RLIMIT_NOFILE for exec: $min" >&3
	[ "$(cat "$BUNDLE/rootfs/tmp/exec-ran")" = yes ]
	[ "$(container_pid "$ID")" = "$pid" ]
}

@test "the init is SIGKILLed while it waits for start: stopped, start fails, delete cleans up" {
	set_args /probe write /tmp/started yes
	sheep create --bundle "$BUNDLE" "$ID"
	assert_success
	pid=$(container_pid "$ID")
	kill -KILL "$pid"
	retry 20 0.1 pid_dead "$pid"
	wait_status "$ID" stopped
	sheep start "$ID"
	assert_sheep_error start "$ID" "cannot start a container that is stopped"
	[ ! -e "$BUNDLE/rootfs/tmp/started" ]
	sheep delete "$ID"
	assert_success
	assert_nothing_left "$ID"
	assert_no_mounts
}

# put_dynamic_true: /dyn, the host's dynamically linked `true`, without its loader or libraries.
put_dynamic_true() {
	local bin=/bin/true
	file -L "$bin" 2>/dev/null | grep -q 'dynamically linked' || readelf -l "$bin" 2>/dev/null |
		grep -q 'program interpreter' || skip "requires a dynamically linked /bin/true"
	cp "$bin" "$BUNDLE/rootfs/dyn"
	LOADER=$(readelf -l "$bin" | sed -n 's/.*program interpreter: \(.*\)]/\1/p')
	[ -n "$LOADER" ] || LOADER=$(ldd "$bin" | awk '$1 ~ /^\// {print $1; exit}')
	[ -n "$LOADER" ] || skip "cannot tell the loader of $bin"
}

@test "a dynamic binary whose loader is missing: create fails naming the loader" {
	requires sheep
	put_dynamic_true
	set_args /dyn
	sheep create --bundle "$BUNDLE" "$ID"
	assert_sheep_error create "$ID" \
		"find the executable: interpreter '$LOADER' of '/dyn': No such file or directory"
	assert_nothing_left "$ID"
	assert_no_mounts
}

@test "a dynamic binary with its loader and libraries runs" {
	put_dynamic_true
	local lib
	for lib in $(ldd /bin/true | grep -o '/[^ ]*'); do
		mkdir -p "$BUNDLE/rootfs$(dirname "$lib")"
		cp -L "$lib" "$BUNDLE/rootfs$lib"
	done
	set_args /dyn
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
}

@test "a script whose #! interpreter is missing: create fails naming it" {
	requires sheep
	printf '#!/no/such/interp -x\necho hi\n' >"$BUNDLE/rootfs/script"
	chmod +x "$BUNDLE/rootfs/script"
	set_args /script
	sheep create --bundle "$BUNDLE" "$ID"
	assert_sheep_error create "$ID" \
		"find the executable: interpreter '/no/such/interp' of '/script': No such file or directory"
	assert_nothing_left "$ID"
	# with an interpreter that is there the same script runs
	printf '#!/bin/sh\necho script-ran\n' >"$BUNDLE/rootfs/script"
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output script-ran
}

@test "exec of a binary whose loader is missing fails naming the loader" {
	requires sheep exec
	put_dynamic_true
	set_args /probe pause --ready /tmp/ready
	sheep run -d --bundle "$BUNDLE" "$ID"
	assert_success
	wait_file "$BUNDLE/rootfs/tmp/ready"
	sheep exec "$ID" /dyn
	assert_sheep_error exec "$ID" \
		"find the executable: interpreter '$LOADER' of '/dyn': No such file or directory"
	[ "$(container_status "$ID")" = running ]
	retry 20 0.1 test "$(test_processes | wc -l)" -eq 1
}

# A file of garbage with +x: the kernel's ENOEXEC, unless a binfmt_misc handler (which create
# cannot see from inside the container) claims it. So create succeeds and the process fails
# after start; like runc's, the init says why on the container's stderr, with a shell's 126.
@test "an executable file of garbage (ENOEXEC): the container fails, says why, nothing is left" {
	{
		printf 'not a program'
		head -c 512 /dev/urandom
	} >"$BUNDLE/rootfs/garbage"
	chmod +x "$BUNDLE/rootfs/garbage"
	set_args /garbage
	sheep run --bundle "$BUNDLE" "$ID"
	assert_failure
	refute_output_contains "Success"
	if is_sheep; then
		[ "$status" -eq 126 ] || fail "exit status $status"
		assert_output "exec /garbage: Exec format error"
	fi
	assert_nothing_left "$ID"
	assert_no_mounts
}

# The hooks below carry the test's mark in their env: test_processes sees one left running.
@test "a hanging poststop with a timeout does not hang delete" {
	update_config '.hooks.poststop = [{"path": "/bin/sleep", "args": ["sleep", "60"],
		"timeout": 1, "env": ["SHEEP_TEST_MARK='"$BATS_TEST_TMPDIR"'"]}]'
	sheep run -d --bundle "$BUNDLE" "$ID"
	assert_success
	wait_status "$ID" stopped
	SECONDS=0
	sheep delete "$ID"
	assert_success
	[ "$SECONDS" -lt 15 ] || fail "delete took $SECONDS s"
	is_sheep && assert_output_contains "poststop hook 0 ('/bin/sleep'): timed out after 1 s"
	assert_nothing_left "$ID"
}

@test "a hanging prestart (and its children) is killed at its timeout, nothing is left" {
	update_config '.hooks.prestart = [{"path": "/bin/sh",
		"args": ["sh", "-c", "sleep 60 & sleep 60"], "timeout": 1,
		"env": ["PATH=/usr/bin:/bin", "SHEEP_TEST_MARK='"$BATS_TEST_TMPDIR"'"]}]'
	SECONDS=0
	sheep create --bundle "$BUNDLE" "$ID"
	assert_failure 1
	[ "$SECONDS" -lt 15 ] || fail "create took $SECONDS s"
	is_sheep && assert_output_contains "prestart hook 0 ('/bin/sh'): timed out after 1 s"
	assert_nothing_left "$ID"
	assert_no_mounts
}

@test "a hanging createRuntime hook is killed at its timeout, poststop still runs" {
	update_config '.hooks.createRuntime = [{"path": "/bin/sleep", "args": ["sleep", "60"],
			"timeout": 1}] |
		.hooks.poststop = [{"path": "/bin/sh", "args": ["sh", "-c",
			"echo ran > '"$BATS_TEST_TMPDIR"'/poststop"]}]'
	sheep create --bundle "$BUNDLE" "$ID"
	assert_failure 1
	[ "$(cat "$BATS_TEST_TMPDIR/poststop")" = ran ]
	assert_nothing_left "$ID"
}
