#!/usr/bin/env bats
# process.terminal with --console-socket: the container gets a pty, the master goes to the socket.

load helpers

setup() {
	requires recvtty
	setup_sheep
	SOCK=$BATS_TEST_TMPDIR/tty.sock
	TTYOUT=$BATS_TEST_TMPDIR/tty.out
}

teardown() {
	[ -z "${RECV_PID:-}" ] || kill "$RECV_PID" 2>/dev/null || true
	teardown_sheep
}

# start_recvtty [INPUT]: listens on SOCK; the terminal's output lands in TTYOUT.
start_recvtty() {
	"$SHEEP_RECVTTY" "$SOCK" "$TTYOUT" "$@" 3>&- &
	RECV_PID=$!
	wait_file "$SOCK"
}

# wait_recvtty: recvtty exits once the last slave is closed.
wait_recvtty() {
	retry 100 0.1 pid_dead "$RECV_PID"
	wait "$RECV_PID"
}

@test "terminal: the process's stdio is a pty from the console socket" {
	update_config '.process.terminal = true'
	set_args /probe tty
	start_recvtty
	sheep run -d --console-socket "$SOCK" --bundle "$BUNDLE" "$ID"
	assert_success
	wait_recvtty
	for fd in 0 1 2; do
		grep -q "^$fd: isatty=1 ttyname=/dev/pts/" "$TTYOUT" || fail "fd $fd: $(cat "$TTYOUT")"
	done
}

@test "consoleSize sets the window size" {
	update_config '.process.terminal = true | .process.consoleSize = {"height": 25, "width": 91}'
	set_args /probe tty
	start_recvtty
	sheep run -d --console-socket "$SOCK" --bundle "$BUNDLE" "$ID"
	assert_success
	wait_recvtty
	grep -q "winsize=25x91" "$TTYOUT" || fail "$(cat "$TTYOUT")"
}

@test "input written to the master reaches the process" {
	update_config '.process.terminal = true'
	set_args /bin/sh -c 'read line; echo "got:$line"'
	start_recvtty hello-tty
	sheep run -d --console-socket "$SOCK" --bundle "$BUNDLE" "$ID"
	assert_success
	wait_recvtty
	grep -q "got:hello-tty" "$TTYOUT" || fail "$(cat "$TTYOUT")"
}

@test "terminal without a console socket for a detached container fails" {
	update_config '.process.terminal = true'
	sheep create --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_nothing_left "$ID"
}

@test "a console socket nobody listens on fails create" {
	update_config '.process.terminal = true'
	sheep create --console-socket "$BATS_TEST_TMPDIR/nobody.sock" --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_nothing_left "$ID"
}

@test "exec --tty gets its own pty" {
	requires exec
	set_args /probe pause --ready /tmp/ready
	sheep run -d --bundle "$BUNDLE" "$ID"
	wait_file "$BUNDLE/rootfs/tmp/ready"
	start_recvtty
	sheep exec --tty --detach --console-socket "$SOCK" "$ID" /probe tty
	assert_success
	wait_recvtty
	grep -q "^1: isatty=1 ttyname=/dev/pts/" "$TTYOUT" || fail "$(cat "$TTYOUT")"
}
