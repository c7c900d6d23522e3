#!/usr/bin/env bats
# exec (issue 6): every flag of `exec`, foreground exit codes and signal forwarding, the exec'd
# process in the container's namespaces, cgroup and seccomp filter, and the errors (exact texts,
# nothing left behind: the container keeps running with only its own processes).

load helpers

setup() {
	requires exec
	setup_sheep
	SOCK=$BATS_TEST_TMPDIR/tty.sock
	TTYOUT=$BATS_TEST_TMPDIR/tty.out
	echo data3 >"$BATS_TEST_TMPDIR/f3"
	echo data4 >"$BATS_TEST_TMPDIR/f4"
}

teardown() {
	[ -z "${RECV_PID:-}" ] || kill "$RECV_PID" 2>/dev/null || true
	teardown_sheep
}

# start_paused: a running container whose init waits for signals; sets INIT (its host pid) and
# BEFORE (the test's processes at that point, to compare with after a failed exec).
start_paused() {
	set_args /probe pause --ready /tmp/ready
	sheep run -d --bundle "$BUNDLE" "$ID"
	assert_success || return
	wait_file "$BUNDLE/rootfs/tmp/ready" || return
	INIT=$(container_pid "$ID")
	[ "$INIT" -gt 0 ] || fail "no init pid: '$INIT'" || return
	BEFORE=$(test_processes | sort -n | xargs)
}

# assert_unchanged: after a failed exec the container still runs and no process was added.
assert_unchanged() {
	[ "$(container_status "$ID")" = running ] || fail "container is $(container_status "$ID")" ||
		return
	retry 20 0.1 same_processes
}

same_processes() {
	local now
	now=$(test_processes | sort -n | xargs)
	[ "$now" = "$BEFORE" ] || fail "processes before: '$BEFORE', after: '$now'"
}

# exec_fds ARGS...: `exec` with fds 3 and 4 open on files (unlike `sheep`, which closes fd 3).
exec_fds() {
	local out
	out=$(mktemp "$BATS_TEST_TMPDIR/out.XXXXXX")
	status=0
	SHEEP_TEST_MARK=$BATS_TEST_TMPDIR timeout 60 "$SHEEP_OCI" --root "$ROOT" exec "$@" \
		>"$out" 2>&1 </dev/null 3<"$BATS_TEST_TMPDIR/f3" 4<"$BATS_TEST_TMPDIR/f4" ||
		status=$?
	output=$(cat "$out")
	printf '$ exec %s\nstatus: %s\n%s\n' "$*" "$status" "$output" >&2
}

# cap_bit NAME-IN-STATUS BIT: true when BIT is set in the probe status line NAME (CapEff...).
cap_bit() {
	local hex
	hex=$(awk -v k="$1:" '$1 == k { print $2 }' <<<"$output")
	[ -n "$hex" ] || fail "no $1 line in: $output" || return
	(((0x$hex >> $2) & 1))
}

start_recvtty() {
	"$SHEEP_RECVTTY" "$SOCK" "$TTYOUT" "$@" 3>&- &
	RECV_PID=$!
	wait_file "$SOCK"
}

wait_recvtty() {
	retry 100 0.1 pid_dead "$RECV_PID"
	wait "$RECV_PID"
}

# --- exit codes and signals -------------------------------------------------------------------

@test "exec: a foreground exec returns the process's exit status" {
	start_paused
	sheep exec "$ID" /probe echo from exec
	assert_success
	assert_output "from exec"
	sheep exec "$ID" /probe exit 7
	assert_failure 7
	sheep exec "$ID" /probe exit 0
	assert_success
}

@test "exec: a process killed by signal N gives 128+N" {
	start_paused
	sheep exec "$ID" /bin/sh -c 'kill -KILL $$'
	assert_failure 137
	sheep exec "$ID" /bin/sh -c 'kill -USR1 $$'
	assert_failure 138
	[ "$(container_status "$ID")" = running ]
}

@test "exec: SIGTERM to the runtime is forwarded to the foreground process" {
	start_paused
	sheep_bg exec "$ID" /probe pause --ready /tmp/exec-ready
	wait_file "$BUNDLE/rootfs/tmp/exec-ready"
	kill -TERM "$BG_PID"
	wait_bg 10
	assert_failure 143
	assert_output "signal 15 (TERM)"
	# the signal went to the exec'd process only: the init still runs
	[ "$(container_status "$ID")" = running ]
	pid_alive "$INIT"
}

@test "exec: SIGUSR1 and SIGHUP are forwarded too, the process decides when to exit" {
	start_paused
	sheep_bg exec "$ID" /probe pause -n 2 --ready /tmp/exec-ready
	wait_file "$BUNDLE/rootfs/tmp/exec-ready"
	kill -USR1 "$BG_PID"
	sleep 0.3
	pid_alive "$BG_PID" || fail "the runtime exited on the first signal"
	kill -HUP "$BG_PID"
	wait_bg 10
	assert_failure $((128 + 1))
	[ "$(head -1 "$BG_OUT")" = "signal 10 (USR1)" ] || fail "first: $(cat "$BG_OUT")"
	[ "$(sed -n 2p "$BG_OUT")" = "signal 1 (HUP)" ] || fail "second: $(cat "$BG_OUT")"
}

# --- --process --------------------------------------------------------------------------------

@test "exec --process: args, env, cwd and user come from the process JSON" {
	start_paused
	jq -n '{"args": ["/probe", "env", ";", "cwd", ";", "id"], "cwd": "/tmp",
		"env": ["FROMFILE=yes", "PATH=/bin"], "user": {"uid": 1000, "gid": 1000,
		"additionalGids": [7]}}' >"$BATS_TEST_TMPDIR/p.json"
	sheep exec --process "$BATS_TEST_TMPDIR/p.json" "$ID"
	assert_success
	grep -qx FROMFILE=yes <<<"$output" || fail "no FROMFILE=yes"
	grep -qx /tmp <<<"$output" || fail "cwd is not /tmp"
	# the file's env replaces the container's (TERM=xterm is in config.json only)
	refute_output_contains "TERM=xterm"
	assert_output_contains "uid=1000 gid=1000 euid=1000 egid=1000 groups=7"
}

# execCPUAffinity (runtime-spec 1.2): "final" is where the exec'd process runs once in the
# container's cgroup; "initial" only where the runtime runs before that (not observable inside,
# but checked); the container's init never takes it.
@test "exec --process: execCPUAffinity.final pins the process; the init is not pinned" {
	requires sheep
	[ "$(nproc)" -ge 2 ] || skip "requires two CPUs"
	update_config '.process.execCPUAffinity = {"initial": "0", "final": "1"}'
	start_paused
	jq -n '{"args": ["/bin/grep", "Cpus_allowed_list", "/proc/self/status"], "cwd": "/",
		"execCPUAffinity": {"initial": "0", "final": "1"}}' >"$BATS_TEST_TMPDIR/p.json"
	sheep exec --process "$BATS_TEST_TMPDIR/p.json" "$ID"
	assert_success
	[ "$(awk '{print $2}' <<<"$output")" = 1 ] || fail "exec'd process: $output"
	jq '.execCPUAffinity = {"initial": "1"}' "$BATS_TEST_TMPDIR/p.json" >"$BATS_TEST_TMPDIR/q.json"
	sheep exec --process "$BATS_TEST_TMPDIR/q.json" "$ID"
	assert_success
	[ "$(awk '{print $2}' <<<"$output")" = "$(awk '/Cpus_allowed_list/ {print $2}' \
		"/proc/$INIT/status")" ] || fail "without final: $output"
	grep -q "Cpus_allowed_list:.*0" "/proc/$INIT/status" || fail "the init was pinned"
	jq '.execCPUAffinity = {"final": "0-"}' "$BATS_TEST_TMPDIR/p.json" >"$BATS_TEST_TMPDIR/r.json"
	sheep exec --process "$BATS_TEST_TMPDIR/r.json" "$ID"
	assert_failure 1
	assert_output "sheep-oci: exec '$ID': process.json: execCPUAffinity.final: '0-' is not a list of CPUs like 0-3,7"
}

@test "exec --process: the file's capabilities and noNewPrivileges apply" {
	update_config '.process.noNewPrivileges = false'
	start_paused
	jq -n '{"args": ["/probe", "status"], "cwd": "/", "user": {"uid": 0, "gid": 0},
		"noNewPrivileges": true,
		"capabilities": {"bounding": ["CAP_SYS_CHROOT"], "effective": ["CAP_SYS_CHROOT"],
		"permitted": ["CAP_SYS_CHROOT"]}}' >"$BATS_TEST_TMPDIR/p.json"
	sheep exec --process "$BATS_TEST_TMPDIR/p.json" "$ID"
	assert_success
	assert_output_contains "NoNewPrivs:	1"
	cap_bit CapEff 18 || fail "CAP_SYS_CHROOT (18) not effective"
	! cap_bit CapEff 5 || fail "CAP_KILL (5) of config.json is effective"
}

@test "exec: the argument order conmon and the containerd shim use" {
	start_paused
	jq -n '{"args": ["/probe", "sleep", "1000"], "cwd": "/"}' >"$BATS_TEST_TMPDIR/p.json"
	sheep exec --pid-file "$BATS_TEST_TMPDIR/exec.pid" --process "$BATS_TEST_TMPDIR/p.json" \
		--detach "$ID"
	assert_success
	pid=$(cat "$BATS_TEST_TMPDIR/exec.pid")
	pid_alive "$pid"
	[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "/probe sleep 1000 " ]
}

@test "exec --process: a bad document is an error naming the JSON path" {
	start_paused
	jq -n '{"args": "/probe true", "cwd": "/"}' >"$BATS_TEST_TMPDIR/bad.json"
	sheep exec --process "$BATS_TEST_TMPDIR/bad.json" "$ID"
	assert_sheep_error exec "$ID" "process.json: args: expected array, got string"
	assert_unchanged
}

@test "exec --process: a file that is not JSON or does not exist fails" {
	start_paused
	echo '{"args": [' >"$BATS_TEST_TMPDIR/cut.json"
	sheep exec --process "$BATS_TEST_TMPDIR/cut.json" "$ID"
	assert_failure
	! is_sheep || assert_output_contains "sheep-oci: exec '$ID': process.json"
	sheep exec --process "$BATS_TEST_TMPDIR/none.json" "$ID"
	assert_failure
	! is_sheep || assert_output_contains "$BATS_TEST_TMPDIR/none.json"
	assert_unchanged
}

# --- --tty, --detach, --pid-file -------------------------------------------------------------

@test "exec --tty --detach --console-socket: stdio is a pty sent to the socket" {
	requires recvtty
	start_paused
	start_recvtty
	sheep exec --tty --detach --console-socket "$SOCK" "$ID" /probe tty
	assert_success
	wait_recvtty
	for fd in 0 1 2; do
		grep -q "^$fd: isatty=1 ttyname=/dev/pts/" "$TTYOUT" || fail "fd $fd: $(cat "$TTYOUT")"
	done
}

@test "exec --tty: input written to the master reaches the process" {
	requires recvtty
	start_paused
	start_recvtty hello-exec
	sheep exec -t -d --console-socket "$SOCK" "$ID" /bin/sh -c 'read l; echo "got:$l"'
	assert_success
	wait_recvtty
	grep -q "got:hello-exec" "$TTYOUT" || fail "$(cat "$TTYOUT")"
}

@test "exec without --tty: stdio is not a terminal" {
	start_paused
	sheep exec "$ID" /probe tty
	assert_success
	assert_output_contains "1: isatty=0"
}

@test "exec --tty --detach without --console-socket fails" {
	start_paused
	sheep exec --tty --detach "$ID" /probe true
	assert_sheep_error exec "$ID" "--tty with --detach needs --console-socket"
	assert_unchanged
}

@test "exec --tty: a console socket nobody listens on fails" {
	start_paused
	sheep exec --tty --detach --console-socket "$BATS_TEST_TMPDIR/nobody.sock" "$ID" /probe true
	assert_failure
	assert_unchanged
}

@test "exec --detach --pid-file: returns while the process runs, its pid in the file" {
	start_paused
	sheep exec --detach --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$ID" \
		/probe write /tmp/started yes ';' sleep 1000
	assert_success
	pid=$(cat "$BATS_TEST_TMPDIR/exec.pid")
	[[ "$pid" =~ ^[0-9]+$ ]] || fail "pid file holds '$pid'"
	[ "$pid" -ne "$INIT" ]
	pid_alive "$pid"
	wait_file "$BUNDLE/rootfs/tmp/started"
	[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "/probe write /tmp/started yes ; sleep 1000 " ]
	sheep delete --force "$ID"
	assert_success
	retry 20 0.1 pid_dead "$pid"
}

@test "exec --detach: a process that exits at once still succeeds" {
	start_paused
	sheep exec -d "$ID" /probe write /tmp/done yes
	assert_success
	wait_file "$BUNDLE/rootfs/tmp/done"
}

# --- --cwd, --env, --user, --additional-gids -------------------------------------------------

@test "exec --cwd: the working directory inside the container" {
	mkdir -p "$BUNDLE/rootfs/home/user/sub"
	start_paused
	sheep exec "$ID" /probe cwd
	assert_output /
	sheep exec --cwd /home/user/sub "$ID" /probe cwd
	assert_success
	assert_output /home/user/sub
}

@test "exec --cwd: a directory missing in the container fails" {
	start_paused
	sheep exec --cwd /no/such/dir "$ID" /probe cwd
	assert_failure
	[ "$output" != /no/such/dir ] || fail "the process ran in the missing directory"
	assert_unchanged
}

@test "exec --env: variables are added and override the container's" {
	update_config '.process.env += ["KEEP=from-config", "OVER=old"]'
	start_paused
	sheep exec --env NEW=added --env OVER=new --env PATH=/bin "$ID" /probe env
	assert_success
	grep -qx NEW=added <<<"$output" || fail "NEW missing"
	grep -qx KEEP=from-config <<<"$output" || fail "KEEP missing"
	grep -qx TERM=xterm <<<"$output" || fail "TERM missing"
	[ "$(grep -c '^OVER=' <<<"$output")" -eq 1 ] || fail "OVER not exactly once"
	grep -qx OVER=new <<<"$output" || fail "OVER not overridden"
	[ "$(grep -c '^PATH=' <<<"$output")" -eq 1 ] || fail "PATH not exactly once"
	grep -qx PATH=/bin <<<"$output" || fail "PATH not overridden"
}

@test "exec --user UID:GID and UID alone" {
	start_paused
	sheep exec "$ID" /probe id
	assert_output_contains "uid=0 gid=0"
	sheep exec --user 1000:1001 "$ID" /probe id
	assert_success
	assert_output_contains "uid=1000 gid=1001 euid=1000 egid=1001"
	sheep exec -u 1234 "$ID" /probe id
	assert_success
	assert_output_contains "uid=1234 gid=0 euid=1234 egid=0"
}

@test "exec --additional-gids: supplementary groups" {
	start_paused
	sheep exec --user 1000:1000 --additional-gids 10 --additional-gids 20 "$ID" /probe id
	assert_success
	groups=$(sed -n 's/.*groups=//p' <<<"$output" | tr ',' '\n' | sort -n | xargs)
	[ "$groups" = "10 20" ] || fail "groups: '$groups'"
}

@test "exec --user with a bad value is a usage error" {
	start_paused
	for bad in abc 1000:xyz -5 1000: :5; do
		sheep exec --user "$bad" "$ID" /probe id
		assert_failure
		refute_output_contains "uid="
		if is_sheep; then
			assert_failure 1
			assert_output_contains "exec: --user: invalid 'UID[:GID]' '$bad'"
		fi
	done
	assert_unchanged
}

@test "exec --additional-gids with a bad value fails" {
	start_paused
	sheep exec --additional-gids staff "$ID" /probe id
	assert_failure
	refute_output_contains "uid="
	! is_sheep || assert_output_contains "exec: --additional-gids: invalid gid 'staff'"
	assert_unchanged
}

# --- --cap, --no-new-privs, --preserve-fds ---------------------------------------------------

@test "exec --cap: the capability is effective (CapEff)" {
	start_paused
	sheep exec "$ID" /probe status
	assert_success
	! cap_bit CapEff 18 || fail "CAP_SYS_CHROOT effective without --cap"
	cap_bit CapEff 5 || fail "CAP_KILL from config.json not effective"
	sheep exec --cap CAP_SYS_CHROOT --cap CAP_SYS_TIME "$ID" /probe status ';' syscall chroot
	assert_success
	cap_bit CapEff 18 || fail "CAP_SYS_CHROOT (18) not effective"
	cap_bit CapEff 25 || fail "CAP_SYS_TIME (25) not effective"
	cap_bit CapEff 5 || fail "CAP_KILL lost"
	assert_output_contains "chroot: ok"
}

@test "exec --cap: an unknown capability fails" {
	# runc warns and ignores it; sheep-oci refuses it (issue 6: unknown names are errors)
	requires sheep
	start_paused
	sheep exec --cap CAP_NO_SUCH "$ID" /probe status
	assert_failure
	refute_output_contains "CapEff"
	! is_sheep || assert_output_contains "sheep-oci: exec '$ID': --cap"
	assert_unchanged
}

@test "exec --no-new-privs sets NoNewPrivs" {
	update_config '.process.noNewPrivileges = false'
	start_paused
	sheep exec "$ID" /probe status
	assert_success
	assert_output_contains "NoNewPrivs:	0"
	sheep exec --no-new-privs "$ID" /probe status
	assert_success
	assert_output_contains "NoNewPrivs:	1"
}

@test "exec --preserve-fds: N fds after stdio reach the process, nothing above" {
	start_paused
	exec_fds "$ID" /probe fds
	assert_success
	[ "$(cut -d' ' -f1 <<<"$output" | sort -n | xargs)" = "0 1 2" ]
	exec_fds --preserve-fds 1 "$ID" /probe fds
	assert_success
	[ "$(cut -d' ' -f1 <<<"$output" | sort -n | xargs)" = "0 1 2 3" ]
	assert_output_contains "3 -> $BATS_TEST_TMPDIR/f3"
	exec_fds --preserve-fds 2 "$ID" /bin/sh -c 'cat <&3; cat <&4'
	assert_success
	assert_output "data3
data4"
}

# --- namespaces, cgroup, seccomp -------------------------------------------------------------

@test "exec: the process joins every namespace of the container's init" {
	start_paused
	sheep exec "$ID" /probe ns
	assert_success
	n=0
	while read -r name _ target; do
		want=$(readlink "/proc/$INIT/ns/$name")
		[ "$target" = "$want" ] || fail "$name: exec has $target, init has $want" || return
		n=$((n + 1))
	done <<<"$output"
	[ "$n" -ge 7 ] || fail "only $n namespaces listed"
	# the comparison means something: the container has its own pid, mnt, uts, ipc namespaces
	for name in pid mnt uts ipc; do
		[ "$(readlink "/proc/$INIT/ns/$name")" != "$(readlink "/proc/$$/ns/$name")" ] ||
			fail "the container shares the host's $name namespace"
	done
}

@test "exec: the process sees the container's pid namespace and root" {
	start_paused
	sheep exec "$ID" /probe pid ';' ls /proc ';' cat /tmp/ready
	assert_success
	grep -qx 1 <<<"$output" || fail "init is not pid 1 in the exec's view"
	[[ "${lines[0]}" =~ ^pid=[0-9]+\ ppid=0$ ]] || fail "pid line: ${lines[0]}"
}

# /proc/PID/comm and ps show the name of the path executed, as with runc: a busybox applet
# (a link to busybox) is "cat", not "busybox"; the process's argv[0] is its own.
@test "exec: the process is named after its path (a busybox applet is not 'busybox')" {
	start_paused
	sheep exec "$ID" cat /proc/self/comm
	assert_success
	[ "$output" = cat ] || fail "comm: $output"
	sheep exec "$ID" /bin/sh -c 'cat /proc/$$/comm; tr "\0" "\n" </proc/$$/cmdline | head -1'
	assert_success
	[ "${lines[0]}" = sh ] || fail "comm: ${lines[0]}"
	[ "${lines[1]}" = /bin/sh ] || fail "argv[0]: ${lines[1]}"
}

@test "exec: the process is in the container's cgroup (every hierarchy)" {
	start_paused
	sheep exec -d --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$ID" /probe sleep 1000
	assert_success
	pid=$(cat "$BATS_TEST_TMPDIR/exec.pid")
	diff "/proc/$INIT/cgroup" "/proc/$pid/cgroup" >&2 || fail "cgroups differ"
	! diff -q "/proc/$$/cgroup" "/proc/$pid/cgroup" >/dev/null ||
		fail "the exec'd process is in the test's own cgroup"
}

@test "exec: the container's seccomp filter applies" {
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}'
	start_paused
	sheep exec "$ID" /probe status ';' syscall mkdir ';' syscall getpid
	assert_success
	assert_output_contains "Seccomp:	2"
	assert_output_contains "mkdir: EACCES"
	assert_output_contains "getpid: ok"
}

@test "exec: without a seccomp profile there is no filter" {
	start_paused
	sheep exec "$ID" /probe status
	assert_success
	assert_output_contains "Seccomp:	0"
}

# --- errors -----------------------------------------------------------------------------------

@test "exec into a missing container fails, nothing is created" {
	sheep exec nosuch-$$ /probe true
	assert_sheep_error exec "nosuch-$$" "container 'nosuch-$$' does not exist"
	assert_nothing_left "nosuch-$$"
}

@test "exec into a stopped container fails" {
	sheep run -d --bundle "$BUNDLE" "$ID"
	assert_success
	wait_status "$ID" stopped
	BEFORE=$(test_processes | sort -n | xargs)
	sheep exec "$ID" /probe write /tmp/ran yes
	assert_sheep_error exec "$ID" "cannot exec in a stopped container"
	[ ! -e "$BUNDLE/rootfs/tmp/ran" ] || fail "the process ran"
	[ "$(container_status "$ID")" = stopped ]
	same_processes
}

@test "exec into a paused container fails; after resume it works" {
	start_paused
	sheep pause "$ID"
	assert_success
	sheep exec "$ID" /probe write /tmp/ran yes
	assert_sheep_error exec "$ID" "cannot exec in a paused container"
	[ "$(container_status "$ID")" = paused ]
	same_processes
	sheep resume "$ID"
	assert_success
	[ ! -e "$BUNDLE/rootfs/tmp/ran" ] || fail "the process ran while paused"
	sheep exec "$ID" /probe echo resumed
	assert_success
	assert_output resumed
}

@test "exec without a command is a usage error" {
	start_paused
	sheep exec "$ID"
	assert_failure
	! is_sheep || {
		assert_failure 1
		assert_output_contains "exec: missing command (or --process FILE)"
	}
	assert_unchanged
}

@test "exec without an id is a usage error" {
	sheep exec
	assert_failure
	! is_sheep || {
		assert_failure 1
		assert_output_contains "exec: missing container id"
	}
}

@test "exec of a missing program fails and leaves the container running" {
	start_paused
	sheep exec "$ID" /no/such/program
	assert_failure
	assert_unchanged
}
