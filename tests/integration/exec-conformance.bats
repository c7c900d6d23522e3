#!/usr/bin/env bats
# exec compared with runc 1.1.5 and the runtime-spec (conformance audit): a terminal's end of input,
# a --process document without capabilities, every namespace kind joined (user with mappings,
# cgroup, time) as the host sees it, concurrent execs, and nothing left behind (fds, mounts, procs).

load helpers

setup() {
	requires exec
	setup_sheep
}

teardown() {
	teardown_sheep
}

# start_paused: a running container whose init waits for signals; sets INIT (its host pid).
start_paused() {
	set_args /probe pause --ready /tmp/ready
	sheep run -d --bundle "$BUNDLE" "$ID"
	assert_success || return
	wait_file "$BUNDLE/rootfs/tmp/ready" || return
	INIT=$(container_pid "$ID")
	[ "$INIT" -gt 0 ] || fail "no init pid: '$INIT'"
}

# exec_input INPUT ARGS...: `exec ARGS` in the foreground with INPUT (printf %b) on a pipe as stdin.
exec_input() {
	status=0
	output=$(printf '%b' "$1" | SHEEP_TEST_MARK=$BATS_TEST_TMPDIR timeout -k 5 20 \
		"$SHEEP_OCI" --root "$ROOT" exec "${@:2}" 2>&1 3>&-) || status=$?
	printf '$ exec %s\nstatus: %s\n%s\n' "${*:2}" "$status" "$output" >&2
}

# ns_links PID: "NAME -> ns:[inode]" for every namespace kind the kernel has.
ns_links() {
	local n
	for n in cgroup ipc mnt net pid time user uts; do
		[ ! -e "/proc/$1/ns/$n" ] || echo "$n -> $(readlink "/proc/$1/ns/$n")"
	done
}

# assert_same_ns PID: PID (an exec'd process) is in every namespace of the init, seen from the host.
assert_same_ns() {
	diff <(ns_links "$INIT") <(ns_links "$1") >&2 || fail "namespaces of $1 differ from the init's"
}

# exec_detached_pid ARGS...: `exec -d --pid-file` and the pid it wrote in EXEC_PID.
exec_detached_pid() {
	sheep exec -d --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$ID" "$@"
	assert_success || return
	EXEC_PID=$(cat "$BATS_TEST_TMPDIR/exec.pid")
}

# --- the terminal relay -------------------------------------------------------------------------

# runc refuses --tty in the foreground without a controlling terminal ("open /dev/tty"); sheep-oci
# relays a pty. The end of its input used to stay unseen: a `cat` on the terminal waited forever
# and so did exec.
@test "exec --tty in the foreground: the end of the input reaches the process as end-of-file" {
	requires sheep
	start_paused
	exec_input 'hello\n' -t "$ID" /bin/sh -c 'cat >/tmp/got; echo "cat ended"'
	assert_success
	assert_output_contains "cat ended"
	[ "$(cat "$BUNDLE/rootfs/tmp/got")" = hello ] || fail "got: $(cat "$BUNDLE/rootfs/tmp/got")"
	# input without a final line feed: the first EOF character ends the line, the second the input
	exec_input 'no newline' -t "$ID" /bin/sh -c 'cat >/tmp/got; echo "cat ended"'
	assert_success
	assert_output_contains "cat ended"
	[ "$(cat "$BUNDLE/rootfs/tmp/got")" = "no newline" ] || fail "got: $(cat "$BUNDLE/rootfs/tmp/got")"
	# no input at all
	exec_input '' -t "$ID" /bin/sh -c 'cat; echo "exit $?"'
	assert_success
	assert_output_contains "exit 0"
}

@test "exec --tty in the foreground: the exit status comes back through the relay" {
	requires sheep
	start_paused
	exec_input '' -t "$ID" /bin/sh -c 'exit 3'
	assert_failure 3
	exec_input '' -t "$ID" /bin/sh -c 'kill -TERM $$'
	assert_failure 143
}

# --- the process document -----------------------------------------------------------------------

# runc: a process without "capabilities" gets the container's (make_bundle's spec: AUDIT_WRITE 29,
# KILL 5, NET_BIND_SERVICE 10); an explicit empty object gives none.
@test "exec --process without capabilities: the container's sets; {} means none" {
	start_paused
	echo '{"args": ["/probe", "status"], "cwd": "/"}' >"$BATS_TEST_TMPDIR/p.json"
	sheep exec --process "$BATS_TEST_TMPDIR/p.json" "$ID"
	assert_success
	assert_output_contains "CapEff:	0000000020000420"
	assert_output_contains "CapBnd:	0000000020000420"
	jq '.capabilities = {}' "$BATS_TEST_TMPDIR/p.json" >"$BATS_TEST_TMPDIR/q.json"
	sheep exec --process "$BATS_TEST_TMPDIR/q.json" "$ID"
	assert_success
	assert_output_contains "CapEff:	0000000000000000"
	assert_output_contains "CapBnd:	0000000000000000"
}

# runtime-spec config.md: user.umask and oomScoreAdj are part of the process; runc 1.1.5 drops both
# on exec (umask 0022, oom_score_adj 0), so this runs for sheep-oci only.
@test "exec --process: user.umask and oomScoreAdj apply" {
	requires sheep
	start_paused
	echo '{"args": ["/bin/sh", "-c", "/probe umask; cat /proc/self/oom_score_adj"], "cwd": "/",
		"user": {"uid": 1000, "gid": 1000, "umask": 63}, "oomScoreAdj": 500}' \
		>"$BATS_TEST_TMPDIR/p.json"
	sheep exec --process "$BATS_TEST_TMPDIR/p.json" "$ID"
	assert_success
	assert_output "0077
500"
}

# --- namespaces and cgroups, seen from the host -------------------------------------------------

@test "exec: every namespace of the init is joined, a mapped user namespace and cgroup too" {
	requires userns
	userns_mapped
	update_config '.linux.namespaces |= (map(select(.type != "cgroup")) + [{"type": "cgroup"}])'
	start_paused
	exec_detached_pid /probe sleep 1000 || return
	assert_same_ns "$EXEC_PID"
	diff "/proc/$INIT/cgroup" "/proc/$EXEC_PID/cgroup" >&2 || fail "cgroups differ"
	# root in the container is host uid 100000, with the container's capabilities only
	grep -q '^Uid:	100000	100000	100000	100000$' "/proc/$EXEC_PID/status" ||
		fail "$(grep Uid "/proc/$EXEC_PID/status")"
	diff <(grep ^Cap "/proc/$INIT/status") <(grep ^Cap "/proc/$EXEC_PID/status") >&2 ||
		fail "capabilities differ from the init's"
	sheep exec "$ID" /bin/sh -c 'cat /proc/self/uid_map; grep -c ":/$" /proc/self/cgroup'
	assert_success
	[[ "${lines[0]}" =~ ^\ +0\ +100000\ +65536$ ]] || fail "uid_map: ${lines[0]}"
	# in its cgroup namespace the process sees its cgroup as the root in every hierarchy
	[ "${lines[1]}" = "$(wc -l <"/proc/$EXEC_PID/cgroup")" ] || fail "cgroup view: $output"
}

# runc 1.1.5 has no time namespace ("namespace time does not exist").
@test "exec: the container's time namespace is joined and its offsets apply" {
	requires sheep
	[ -e /proc/self/ns/time ] || skip "requires time namespaces"
	update_config '.linux.namespaces += [{"type": "time"}] |
		.linux.timeOffsets = {"boottime": {"secs": 1000000, "nanosecs": 0}}'
	start_paused
	exec_detached_pid /probe sleep 1000 || return
	assert_same_ns "$EXEC_PID"
	sheep exec "$ID" cat /proc/uptime
	assert_success
	local host inside
	host=$(cut -d. -f1 /proc/uptime)
	inside=${output%%.*}
	((inside - host >= 999990 && inside - host <= 1000010)) || fail "uptime $inside, host $host"
}

# mount_counts: the host's mounts under the test's directory and the container's mounts (other
# tests on the machine may mount elsewhere on the host meanwhile).
mount_counts() {
	echo "$(grep -cF "$BATS_TEST_TMPDIR" /proc/self/mountinfo) $(wc -l <"/proc/$INIT/mountinfo")"
}

# --- many execs, and what they leave ------------------------------------------------------------

@test "exec: 20 concurrent execs each get their own output and status; nothing is left" {
	start_paused
	local fds mounts i pids=()
	fds=$(ls "/proc/$INIT/fd" | wc -l)
	mounts=$(mount_counts)
	for i in $(seq 1 20); do
		SHEEP_TEST_MARK=$BATS_TEST_TMPDIR timeout 60 "$SHEEP_OCI" --root "$ROOT" exec "$ID" \
			/bin/sh -c "echo out-$i; exit $((i % 5))" >"$BATS_TEST_TMPDIR/c.$i" 2>&1 \
			</dev/null 3>&- &
		pids+=($!)
	done
	for i in $(seq 1 20); do
		status=0
		wait "${pids[i - 1]}" || status=$?
		[ "$status" -eq $((i % 5)) ] || fail "exec $i: status $status" || return
		[ "$(cat "$BATS_TEST_TMPDIR/c.$i")" = "out-$i" ] ||
			fail "exec $i: $(cat "$BATS_TEST_TMPDIR/c.$i")" || return
	done
	[ "$(container_status "$ID")" = running ] || fail "container is $(container_status "$ID")"
	[ "$(ls "/proc/$INIT/fd" | wc -l)" -eq "$fds" ] || fail "init fds: $(ls -l "/proc/$INIT/fd")"
	[ "$(mount_counts)" = "$mounts" ] || fail "mounts (test's on the host, container's): $mounts," \
		"now $(mount_counts)"
	[ "$(test_processes | xargs)" = "$INIT" ] || fail "processes: $(test_processes | xargs)"
}

@test "exec: a failing exec leaves no process, fd or mount behind either" {
	start_paused
	local fds mounts
	fds=$(ls "/proc/$INIT/fd" | wc -l)
	mounts=$(mount_counts)
	sheep exec --cwd /no/such "$ID" /probe true
	assert_failure
	sheep exec "$ID" /no/such/program
	assert_failure
	sheep exec -d "$ID" /probe true
	assert_success
	[ "$(ls "/proc/$INIT/fd" | wc -l)" -eq "$fds" ] || fail "init fds: $(ls -l "/proc/$INIT/fd")"
	[ "$(mount_counts)" = "$mounts" ] || fail "mounts (test's on the host, container's): $mounts," \
		"now $(mount_counts)"
	retry 20 0.1 test "$(test_processes | xargs)" = "$INIT"
}

# An init that exits while execs start: each exec runs (0), is killed with the pid namespace (137:
# the kernel SIGKILLs its members when the init dies) or says the container stopped. The race used
# to surface as "send sync message 1: Broken pipe" (the half-made process killed before GO).
@test "exec racing the init's exit: success, 137 or 'stopped', never another error; nothing left" {
	set_args /probe sleep 1
	sheep run -d --bundle "$BUNDLE" "$ID"
	assert_success
	local i pids=() st out
	for i in $(seq 1 30); do
		SHEEP_TEST_MARK=$BATS_TEST_TMPDIR timeout 30 "$SHEEP_OCI" --root "$ROOT" exec "$ID" \
			/probe sleep 0.3 >"$BATS_TEST_TMPDIR/r.$i" 2>&1 </dev/null 3>&- &
		pids+=($!)
		sleep 0.05
	done
	for i in $(seq 1 30); do
		st=0
		wait "${pids[i - 1]}" || st=$?
		out=$(cat "$BATS_TEST_TMPDIR/r.$i")
		echo "exec $i: $st $out" >&2
		case "$st:$out" in
		0: | 137:) ;;
		255:*) is_runc || fail "exec $i: status 255: $out" || return ;; # runc's own words
		1:"sheep-oci: exec '$ID': cannot exec in a stopped container") ;;
		1:"sheep-oci: exec '$ID': cannot exec in a stopped container (its init exited)") ;;
		*) fail "exec $i: status $st: $out" || return ;;
		esac
	done
	wait_status "$ID" stopped
	sheep delete "$ID"
	assert_success
	retry 20 0.1 assert_no_test_processes
}

# runc: --user changes the ids only and --additional-gids adds to the container's groups; both used
# to replace the container's additionalGids (and --user its umask).
@test "exec --user keeps the container's groups and umask; --additional-gids adds to them" {
	update_config '.process.user = {"uid": 0, "gid": 0, "additionalGids": [10, 11], "umask": 63}'
	start_paused
	sheep exec --user 1000 "$ID" /probe id
	assert_success
	assert_output "uid=1000 gid=0 euid=1000 egid=0 groups=10,11"
	sheep exec --user 1000:1000 --additional-gids 20 --additional-gids 21 "$ID" /probe id
	assert_success
	assert_output "uid=1000 gid=1000 euid=1000 egid=1000 groups=10,11,20,21"
	# runc 1.1.5 leaves exec's umask at 0022 whatever the config says
	if is_sheep; then
		sheep exec -u 1000 "$ID" /probe umask
		assert_output "0077"
	fi
}

# cgroup v1 limits forks, not moves into a cgroup: an exec moved in after its clone used to run as
# one task over pids.max (runtime-spec: pids.limit is the maximum number of tasks). runc 1.1.5 is
# erratic there: its init sometimes dies in the cgroup (Go's pthread_create: EAGAIN) and sometimes
# gets in, so this is sheep-oci's only: refused, then it works once `update` raised the limit.
@test "exec into a container at its pids limit fails; after update it runs" {
	requires cgroup_v1 sheep
	update_config '.linux.resources.pids = {"limit": 1}'
	start_paused
	sheep exec "$ID" /probe echo hi
	assert_sheep_error exec "$ID" "the container's pids limit (1) is reached"
	retry 20 0.1 test "$(test_processes | xargs)" = "$INIT"
	sheep update --pids-limit 10 "$ID"
	assert_success
	sheep exec "$ID" /probe echo hi
	assert_success
	assert_output "hi"
}

# on_terminal INPUT ARGS...: `exec ARGS` on a new 40x120 terminal (python's pty), INPUT typed after
# 0.5 s; output is what the terminal showed, then "echo-restored=BOOL status=N" (the terminal's
# ECHO flag once exec is done, its exit status).
on_terminal() {
	cat >"$BATS_TEST_TMPDIR/ptyrun.py" <<'PY'
import fcntl, os, pty, select, struct, sys, termios, time
# ptyrun.py INPUT CMD...: runs CMD on a new terminal of 40 rows x 120 columns, writes INPUT (after
# 0.5 s), prints what the terminal showed, then 'echo-restored=BOOL' and 'status=N'
inp = sys.argv[1].encode().decode('unicode_escape').encode()
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', 40, 120, 0, 0))
    os.execvp(sys.argv[2], sys.argv[2:])
out = b''
start = time.time(); sent = False
while time.time() - start < 20:
    if not sent and time.time() - start > 0.5:
        os.write(fd, inp); sent = True
    r, _, _ = select.select([fd], [], [], 0.1)
    if r:
        try:
            d = os.read(fd, 4096)
        except OSError:
            break
        if not d:
            break
        out += d
    else:
        w = os.waitpid(pid, os.WNOHANG)
        if w[0] == pid and sent:
            pid = -1; st = w[1]; break
echo = bool(termios.tcgetattr(fd)[3] & termios.ECHO)
if pid > 0:
    _, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors='replace').replace('\r', ''))
print('echo-restored=%s status=%d' % (echo, os.waitstatus_to_exitcode(st)))
PY
	output=$(SHEEP_TEST_MARK=$BATS_TEST_TMPDIR timeout 30 python3 "$BATS_TEST_TMPDIR/ptyrun.py" \
		"$1" "$SHEEP_OCI" --root "$ROOT" exec "${@:2}" </dev/null 3>&-)
	printf '$ exec %s (on a terminal)\n%s\n' "${*:2}" "$output" >&2
}

# runc puts its terminal in raw mode and gives the pty its size; exec did neither (run did): every
# typed line was echoed twice, ^C was the runtime's SIGINT, and the size was 0x0 until a SIGWINCH.
@test "exec --tty on a terminal: raw mode while it runs, the terminal's size, settings restored" {
	command -v python3 >/dev/null || skip "requires python3"
	start_paused
	on_terminal 'abc\r' -t "$ID" /bin/sh -c '/probe tty; read l; echo got:$l'
	assert_output_contains "winsize=40x120"
	assert_output_contains "got:abc"
	[ "$(grep -c abc <<<"$output")" -eq 2 ] || fail "typed input echoed other than once"
	assert_output_contains "echo-restored=True status=0"
}

# A pid file that cannot be written used to fail the exec while its process went on running,
# orphaned (detached or not); runc kills it.
@test "exec --pid-file in a missing directory fails and leaves no process" {
	start_paused
	sheep exec -d --pid-file "$BATS_TEST_TMPDIR/none/exec.pid" "$ID" /probe sleep 1000
	assert_sheep_error exec "$ID" \
		"open directory of pid file '$BATS_TEST_TMPDIR/none/exec.pid': No such file or directory"
	sheep exec --pid-file "$BATS_TEST_TMPDIR/none/exec.pid" "$ID" /probe sleep 1000
	assert_failure
	retry 20 0.1 test "$(test_processes | xargs)" = "$INIT"
	[ "$(container_status "$ID")" = running ] || fail "container is $(container_status "$ID")"
}

# runc forwards every signal it can catch; the runtime forwarded ten and died of the others
# (SIGRTMIN+3, systemd's halt; SIGPWR; SIGVTALRM...), leaving the process orphaned in the container.
@test "exec in the foreground forwards SIGRTMIN+3, SIGPWR and SIGXCPU, and is not killed by them" {
	start_paused
	local sig num
	for sig in RTMIN+3 PWR XCPU; do
		rm -f "$BUNDLE/rootfs/tmp/exec-ready"
		sheep_bg exec "$ID" /probe pause --ready /tmp/exec-ready
		wait_file "$BUNDLE/rootfs/tmp/exec-ready"
		kill -s "$sig" "$BG_PID"
		wait_bg
		num=$(kill -l "$sig")
		# the process reports the signal and dies of it (probe pause), exec returns 128+N
		assert_failure $((128 + num)) || return
		assert_output_contains "signal $num " || return
		retry 20 0.1 test "$(test_processes | xargs)" = "$INIT" || return
	done
}
