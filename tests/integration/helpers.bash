# Shared by every tests/integration/*.bats file: bundles built from the probe program, a wrapper
# that runs the runtime under test with its own --root, assertions that print what they saw, and
# a teardown that proves nothing was left behind (state dir, process, cgroup).
#
# Environment: SHEEP_OCI     the runtime under test (sheep-oci, or /usr/sbin/runc to check the tests)
#              SHEEP_PROBE   the static probe binary (tests/probe/probe in the build dir)
#              SHEEP_RECVTTY the console-socket receiver (default: next to the probe)
#              SHEEP_TIMEOUT seconds before one runtime command is killed (default 60)

SHEEP_OCI=${SHEEP_OCI:-sheep-oci}
SHEEP_PROBE=${SHEEP_PROBE:-}
SHEEP_RECVTTY=${SHEEP_RECVTTY:-$(dirname "${SHEEP_PROBE:-.}")/recvtty}
SHEEP_TIMEOUT=${SHEEP_TIMEOUT:-60}
BUSYBOX=${BUSYBOX:-/bin/busybox}

# One state root per test file, so tests never touch /run/sheep-oci (or /run/runc).
ROOT="${BATS_FILE_TMPDIR:-$BATS_TMPDIR}/root"
# A container id unique to the test (cgroup paths are shared by every test file of the run).
ID="t${BATS_SUITE_TEST_NUMBER:-$BATS_TEST_NUMBER}-$$"

is_sheep() {
	"$SHEEP_OCI" --version 2>/dev/null | grep -q '^sheep-oci'
}

is_runc() {
	"$SHEEP_OCI" --version 2>/dev/null | grep -q '^runc'
}

is_crun() {
	"$SHEEP_OCI" --version 2>/dev/null | grep -q '^crun'
}

# requires FEATURE...: skips the test with the reason when the machine or runtime lacks one.
requires() {
	local f
	for f in "$@"; do
		case "$f" in
		root) [ "$(id -u)" -eq 0 ] || skip "requires root" ;;
		cgroup_v1) [ -d /sys/fs/cgroup/pids ] && [ "$(stat -f -c %T /sys/fs/cgroup/pids)" = cgroupfs ] ||
			skip "requires cgroup_v1" ;;
		cgroup_v2) [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || skip "requires cgroup_v2" ;;
		userns) [ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 0)" -gt 0 ] ||
			skip "requires userns" ;;
		sheep) is_sheep || skip "requires sheep-oci" ;;
		runc) is_runc || skip "requires runc" ;;
		crun) is_crun || skip "requires crun" ;;
		# exec is issue 6: these tests run as soon as the runtime has the verb
		exec) "$SHEEP_OCI" help exec >/dev/null 2>&1 || skip "requires the exec verb (not implemented yet)" ;;
		recvtty) [ -x "$SHEEP_RECVTTY" ] || skip "requires recvtty ($SHEEP_RECVTTY)" ;;
		*) fail "requires: unknown feature '$f'" ;;
		esac
	done
}

fail() {
	echo "FAIL: $*" >&2
	return 1
}

# make_bundle [DIR]: a bundle whose rootfs holds /probe, busybox with its applets and the usual
# empty directories; config.json from `spec`, edited to run `/probe true` without a terminal on
# a writable rootfs (tests leave ready files in /tmp). Sets BUNDLE.
make_bundle() {
	BUNDLE=${1:-$BATS_TEST_TMPDIR/bundle}
	local r="$BUNDLE/rootfs" applet
	[ -x "$SHEEP_PROBE" ] || fail "SHEEP_PROBE='$SHEEP_PROBE' is not an executable probe" || return
	mkdir -p "$r"/{bin,proc,sys,dev,tmp,etc,root,home/user}
	chmod 1777 "$r/tmp"
	cp "$SHEEP_PROBE" "$r/probe"
	cp "$BUSYBOX" "$r/bin/busybox"
	for applet in $("$BUSYBOX" --list); do
		[ -e "$r/bin/$applet" ] || ln -s busybox "$r/bin/$applet"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n' \
		>"$r/etc/passwd"
	printf 'root:x:0:\nuser:x:1000:\n' >"$r/etc/group"
	"$SHEEP_OCI" spec --bundle "$BUNDLE" || fail "'$SHEEP_OCI spec' failed" || return
	update_config '.process.terminal = false | .process.args = ["/probe", "true"] |
		.root.readonly = false | .process.env += ["SHEEP_TEST_MARK='"$BATS_TEST_TMPDIR"'"]'
}

# update_config 'JQ-EXPR' [BUNDLE]: edits config.json in place.
update_config() {
	local cfg="${2:-$BUNDLE}/config.json"
	jq "$1" "$cfg" >"$cfg.new" && mv "$cfg.new" "$cfg"
}

# set_args ARG...: the container process's args (set_args /probe echo hi).
set_args() {
	update_config ".process.args = $(printf '%s\n' "$@" | jq -R . | jq -s -c .)"
}

# sheep ARGS...: runs "$SHEEP_OCI" --root "$ROOT" ARGS like bats' `run`: sets status, output and
# lines, and OUTFILE (where a detached container's stdout/stderr keep going). stdin is /dev/null and
# fd 3 (bats' TAP stream) is closed so a container can never hold the test run open.
sheep() {
	OUTFILE=$(mktemp "$BATS_TEST_TMPDIR/out.XXXXXX")
	status=0
	SHEEP_TEST_MARK=$BATS_TEST_TMPDIR timeout -k 5 "$SHEEP_TIMEOUT" \
		"$SHEEP_OCI" --root "$ROOT" "$@" >"$OUTFILE" 2>&1 </dev/null 3>&- || status=$?
	output=$(cat "$OUTFILE")
	mapfile -t lines <<<"$output"
	{
		echo "\$ $(basename "$SHEEP_OCI") --root \$ROOT $*"
		echo "status: $status"
		[ -z "$output" ] || printf '%s\n' "$output"
	} >&2
	return 0
}

# sheep_bg ARGS...: starts the runtime in the background (a foreground `run` a test signals);
# sets BG_PID and BG_OUT. wait_bg [SECS] then sets status and output like `sheep`.
sheep_bg() {
	BG_OUT=$(mktemp "$BATS_TEST_TMPDIR/bg.XXXXXX")
	echo "\$ $(basename "$SHEEP_OCI") --root \$ROOT $* &" >&2
	SHEEP_TEST_MARK=$BATS_TEST_TMPDIR "$SHEEP_OCI" --root "$ROOT" "$@" >"$BG_OUT" 2>&1 \
		</dev/null 3>&- &
	BG_PID=$!
}

wait_bg() {
	local i
	for ((i = 0; i < ${1:-10} * 10; i++)); do
		pid_alive "$BG_PID" || break
		sleep 0.1
	done
	pid_alive "$BG_PID" && kill -KILL "$BG_PID"
	status=0
	wait "$BG_PID" || status=$?
	output=$(cat "$BG_OUT")
	echo "status: $status" >&2
	[ -z "$output" ] || printf '%s\n' "$output" >&2
}

assert_success() {
	[ "$status" -eq 0 ] || fail "expected success, got status $status: $output"
}

# assert_failure [STATUS]
assert_failure() {
	if [ $# -gt 0 ]; then
		[ "$status" -eq "$1" ] || fail "expected status $1, got $status: $output"
	else
		[ "$status" -ne 0 ] || fail "expected failure, got success: $output"
	fi
}

assert_output_contains() {
	[[ "$output" == *"$1"* ]] || fail "output does not contain '$1': $output"
}

refute_output_contains() {
	[[ "$output" != *"$1"* ]] || fail "output contains '$1': $output"
}

assert_output() {
	[ "$output" = "$1" ] || fail "expected output '$1', got '$output'"
}

# assert_sheep_error VERB ID MESSAGE: sheep-oci exits 1 and prints `sheep-oci: VERB 'ID': MESSAGE`
# exactly once; other runtimes word their errors (and runc exec its status) their own way.
assert_sheep_error() {
	is_sheep || {
		assert_failure
		return
	}
	assert_failure 1 || return
	local want="sheep-oci: $1 '$2': $3" n
	n=$(grep -cF -- "$want" <<<"$output")
	[ "$n" -eq 1 ] || fail "expected '$want' once, found it $n times in: $output"
}

# retry N DELAY CMD...: runs CMD until it succeeds, at most N times.
retry() {
	local n=$1 delay=$2 i
	shift 2
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep "$delay"
	done
	fail "'$*' did not succeed after $n tries"
}

# container_status ID / container_pid ID: fields of `state`.
container_status() {
	timeout 10 "$SHEEP_OCI" --root "$ROOT" state "$1" 2>/dev/null </dev/null 3>&- | jq -r .status
}

container_pid() {
	timeout 10 "$SHEEP_OCI" --root "$ROOT" state "$1" 2>/dev/null </dev/null 3>&- | jq -r .pid
}

status_is() {
	[ "$(container_status "$1")" = "$2" ]
}

# wait_status ID STATUS: polls `state` for up to 10 s.
wait_status() {
	retry 100 0.1 status_is "$1" "$2"
}

# wait_file PATH: waits up to 10 s for PATH (a probe's --ready file) to exist.
wait_file() {
	retry 100 0.1 test -e "$1"
}

# pid_alive PID: true while PID exists and is not a zombie.
pid_alive() {
	local st
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

pid_dead() {
	! pid_alive "$1"
}

# test_processes [MARK]: pids of live processes this test started through the runtime. Every
# runtime command runs with SHEEP_TEST_MARK=<test tmpdir> in its environment and make_bundle puts
# it in process.env, so container processes and their children carry it (a host cannot find them
# by /proc/PID/root once they pivot_root into another mount namespace). Processes whose root or
# cwd is under MARK (an init before pivot_root) count too; the test's own shell does not.
test_processes() {
	local mark=${1:-$BATS_TEST_TMPDIR}
	cd / || return
	# One grep and one find over all of /proc (a fork per process made every teardown slow). A
	# zombie's environ reads empty and its root/cwd cannot be read: only live processes match.
	{
		grep -lsxzF -- "SHEEP_TEST_MARK=$mark" /proc/[0-9]*/environ
		find /proc/[0-9]*/root /proc/[0-9]*/cwd -maxdepth 0 \
			\( -lname "$mark" -o -lname "$mark/*" \) 2>/dev/null
	} | cut -d/ -f3 | sort -un | grep -vx "$$"
}

assert_no_test_processes() {
	local left p
	left=$(test_processes "$@")
	[ -z "$left" ] || fail "processes left: $(for p in $left; do
		echo -n "$p: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null); "
	done)"
}

# cgroup_dirs ID: the v1 directories the runtime makes by default (no cgroupsPath) for ID:
# sheep-oci nests `sheep-oci/ID` under its own cgroup in each hierarchy, runc nests `ID`.
cgroup_dirs() {
	local line ctrl path sub=$1
	is_sheep && sub="sheep-oci/$1"
	while IFS=: read -r _ ctrl path; do
		ctrl=${ctrl#name=}
		[ -n "$ctrl" ] || continue
		ctrl=${ctrl%%,*}
		[ -d "/sys/fs/cgroup/$ctrl" ] && echo "/sys/fs/cgroup/$ctrl${path%/}/$sub"
	done </proc/self/cgroup
}

assert_no_cgroup() {
	local d
	for d in $(cgroup_dirs "$1"); do
		[ ! -d "$d" ] || fail "cgroup left behind: $d"
	done
}

assert_no_state() {
	[ ! -e "$ROOT/$1" ] || fail "state left behind: $ROOT/$1"
}

# assert_nothing_left ID: no state dir, no cgroup, no process started by the test.
assert_nothing_left() {
	assert_no_state "$1" && assert_no_cgroup "$1" &&
		retry 20 0.1 assert_no_test_processes
}

# pure_v2_runtime: the machines are hybrid; this makes every runtime command run in a mount
# namespace of its own with cgroup2 mounted over /sys/fs/cgroup (the v1 hierarchies hidden), so
# the runtime sees a pure v2 layout. From here the same tree is /sys/fs/cgroup/unified (UNIFIED).
# Skips where that cannot be done. Sets SHEEP_OCI to the wrapper, REAL_OCI to the runtime, and CG
# to the container's default cgroup as seen from here.
pure_v2_runtime() {
	UNIFIED=/sys/fs/cgroup/unified
	[ "$(stat -f -c %T /sys/fs/cgroup)" = tmpfs ] || skip "requires the hybrid layout"
	[ "$(stat -f -c %T $UNIFIED 2>/dev/null)" = cgroup2fs ] || skip "requires $UNIFIED (cgroup2)"
	grep -q '^0::/$' /proc/self/cgroup || skip "requires the v2 root as own v2 cgroup"
	REAL_OCI=$SHEEP_OCI
	SHEEP_OCI=$BATS_TEST_TMPDIR/sheep-oci-v2
	cat >"$SHEEP_OCI" <<-EOF
		#!/bin/sh
		exec unshare -m --propagation private sh -c \
			'mount -t cgroup2 none /sys/fs/cgroup && exec "\$0" "\$@"' "$REAL_OCI" "\$@"
	EOF
	chmod +x "$SHEEP_OCI"
	CG=$UNIFIED/sheep-oci/$ID
}

# setup_sheep: the usual setup: root, a fresh bundle in BUNDLE.
setup_sheep() {
	requires root
	mkdir -p "$ROOT"
	make_bundle
}

# teardown_sheep: `delete --force`s every container left under ROOT, then fails the test if a
# state dir, a process in the test's temp dir or a default cgroup is still there.
teardown_sheep() {
	local id ids rc=0
	ids=$(ls -A "$ROOT" 2>/dev/null)
	for id in $ids; do
		SHEEP_TEST_MARK=$BATS_TEST_TMPDIR timeout 30 "$SHEEP_OCI" --root "$ROOT" \
			delete --force "$id" </dev/null >&2 2>&1 3>&- ||
			rc=1
	done
	[ -z "$(ls -A "$ROOT" 2>/dev/null)" ] || { fail "state left under $ROOT: $(ls -A "$ROOT")"; rc=1; }
	retry 30 0.1 assert_no_test_processes || rc=1
	for id in $ids "$ID"; do
		assert_no_cgroup "$id" || rc=1
	done
	return $rc
}

# userns_mapped: the container gets a new user namespace mapping ids 0-65535 to 100000-165535,
# and the rootfs is owned to match (userns_rootfs).
userns_mapped() {
	update_config '.linux.namespaces += [{"type": "user"}] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	userns_rootfs 100000
}

# userns_rootfs HOSTID: the bundle's rootfs owned by HOSTID (a user namespace's mapped root), and
# bats' private (0700) temp directories above it made passable for that id.
userns_rootfs() {
	local d=$BUNDLE
	chown -R "$1:$1" "$BUNDLE/rootfs"
	while [ "$d" != "$BATS_TMPDIR" ] && [ "$d" != / ]; do
		chmod o+x "$d"
		d=$(dirname "$d")
	done
}
