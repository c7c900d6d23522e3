#!/usr/bin/env bats
# config.json hooks: order, the state on stdin, args/env, failures and timeouts.

load helpers

setup() {
	setup_sheep
	HOOKLOG=$BATS_TEST_TMPDIR/hooks.log
	# hook.sh NAME: appends NAME to the log and keeps the state it got on stdin as NAME.json.
	cat >"$BATS_TEST_TMPDIR/hook.sh" <<-SH
		#!/bin/sh
		cat >"$BATS_TEST_TMPDIR/\$1.json"
		echo "\$1 \$HOOKVAR" >>"$HOOKLOG"
	SH
	chmod +x "$BATS_TEST_TMPDIR/hook.sh"
}

teardown() {
	teardown_sheep
}

# add_hook KIND [EXTRA-JQ]: one hook.sh entry for KIND named after it.
add_hook() {
	update_config '.hooks.'"$1"' += [{"path": "'"$BATS_TEST_TMPDIR/hook.sh"'",
		"args": ["hook.sh", "'"$1"'"], "env": ["HOOKVAR=set", "PATH=/usr/bin:/bin"]} '"${2:-}"']'
}

@test "createRuntime, poststart and poststop run in order with the state on stdin" {
	add_hook createRuntime
	add_hook poststart
	add_hook poststop
	set_args /probe pause --ready /tmp/ready
	sheep create --bundle "$BUNDLE" "$ID"
	assert_success
	# runtime-spec: poststart runs after the user process is executed, in start. runc 1.1 runs
	# it at the end of create already (its init process "starts" there), so only the order is
	# common to both.
	is_runc || [ "$(cat "$HOOKLOG")" = "createRuntime set" ] || fail "after create: $(cat "$HOOKLOG")"
	sheep start "$ID"
	assert_success
	wait_file "$BUNDLE/rootfs/tmp/ready"
	sheep delete --force "$ID"
	assert_success
	[ "$(cat "$HOOKLOG")" = "$(printf 'createRuntime set\npoststart set\npoststop set')" ]
	for h in createRuntime poststart poststop; do
		jq -e --arg id "$ID" --arg b "$BUNDLE" '.id == $id and .bundle == $b and
			(.ociVersion | length > 0)' "$BATS_TEST_TMPDIR/$h.json" ||
			fail "$h state: $(cat "$BATS_TEST_TMPDIR/$h.json")"
	done
	jq -e '.pid > 0 and .status == "created"' "$BATS_TEST_TMPDIR/createRuntime.json"
	jq -e '.pid > 0' "$BATS_TEST_TMPDIR/poststart.json"
}

@test "prestart hooks run at create" {
	add_hook prestart
	sheep create --bundle "$BUNDLE" "$ID"
	assert_success
	[ "$(cat "$HOOKLOG")" = "prestart set" ]
	# the environment exists (lifecycle step 2 is over) and the pid is the host's
	jq -e --argjson pid "$(container_pid "$ID")" '.status == "created" and .pid == $pid' \
		"$BATS_TEST_TMPDIR/prestart.json"
}

@test "startContainer runs in the container before the process" {
	update_config '.hooks.startContainer = [{"path": "/bin/sh",
		"args": ["sh", "-c", "echo $$ > /tmp/start-hook"]}]'
	set_args /probe cat /tmp/start-hook
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	[ -n "$output" ]
}

@test "a failing createRuntime hook fails create and leaves nothing behind" {
	update_config '.hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c", "exit 3"]}]'
	sheep create --bundle "$BUNDLE" "$ID"
	assert_failure 1
	assert_nothing_left "$ID"
}

@test "a hook that outlives its timeout fails create" {
	update_config '.hooks.createRuntime = [{"path": "/bin/sleep", "args": ["sleep", "30"],
		"timeout": 1}]'
	SECONDS=0
	sheep create --bundle "$BUNDLE" "$ID"
	assert_failure 1
	[ "$SECONDS" -lt 20 ]
	assert_nothing_left "$ID"
}

@test "a missing hook binary fails create" {
	update_config '.hooks.createRuntime = [{"path": "/no/such/hook"}]'
	sheep create --bundle "$BUNDLE" "$ID"
	assert_failure 1
	is_sheep && assert_output_contains \
		"createRuntime hook 0 ('/no/such/hook'): exec '/no/such/hook': No such file or directory"
	assert_nothing_left "$ID"
}

@test "a hook that is not executable fails create, naming why" {
	local hook=$BATS_TEST_TMPDIR/hook.sh
	printf '#!/bin/sh\nexit 0\n' >"$hook"
	chmod 0644 "$hook"
	update_config ".hooks.createRuntime = [{\"path\": \"$hook\"}]"
	sheep create --bundle "$BUNDLE" "$ID"
	assert_failure 1
	is_sheep && assert_output_contains "exec '$hook': Permission denied"
	assert_nothing_left "$ID"
}

@test "poststop runs at delete of a stopped container" {
	add_hook poststop
	sheep run -d --bundle "$BUNDLE" "$ID"
	wait_status "$ID" stopped
	[ ! -e "$HOOKLOG" ]
	sheep delete "$ID"
	assert_success
	[ "$(cat "$HOOKLOG")" = "poststop set" ]
}

# runtime-spec lifecycle step 9: poststart runs after the user-specified program is executed.
# A seccomp agent holds the init's execve for a second (SCMP_ACT_NOTIFY, then CONTINUE): a start
# that runs poststart hooks before the execve is done lets the hook see the waiting init, not
# the program.
@test "poststart hooks run after the user's program is executed" {
	is_runc && skip "runc 1.1.5 runs poststart hooks in create"
	command -v python3 >/dev/null || skip "requires python3"
	local sock=$BATS_TEST_TMPDIR/agent.sock
	python3 "$BATS_TEST_DIRNAME/seccomp_agent.py" "$sock" hold 1 3>&- &
	local agent=$!
	wait_file "$sock.ready"
	cat >"$BATS_TEST_TMPDIR/comm.sh" <<-SH
		#!/bin/sh
		cat /proc/\$(jq -r .pid)/comm >"$BATS_TEST_TMPDIR/comm"
	SH
	chmod +x "$BATS_TEST_TMPDIR/comm.sh"
	update_config '.hooks.poststart = [{"path": "'"$BATS_TEST_TMPDIR/comm.sh"'"}]
		| .process.noNewPrivileges = true
		| .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "'"$sock"'",
			"syscalls": [{"names": ["execve"], "action": "SCMP_ACT_NOTIFY"}]}'
	set_args /probe pause
	sheep create --bundle "$BUNDLE" "$ID"
	assert_success
	sheep start "$ID"
	assert_success
	wait "$agent"
	[ "$(cat "$BATS_TEST_TMPDIR/comm")" = probe ] ||
		fail "poststart saw '$(cat "$BATS_TEST_TMPDIR/comm")'"
}

# runtime-spec 1.3 lifecycle step 9 (runc has always failed): a failing poststart hook fails
# start, the hooks after it do not run, and the container is stopped; delete runs poststop.
# runc 1.1.5 runs poststart hooks in create, so its create fails instead.
@test "poststart failure, ociVersion 1.3: start fails, the container is stopped" {
	requires sheep
	update_config '.ociVersion = "1.3.0" | .hooks.poststart = [{"path": "/bin/false"}]'
	add_hook poststart
	add_hook poststop
	set_args /probe pause --ready /tmp/ready
	sheep create --bundle "$BUNDLE" "$ID"
	assert_success
	sheep start "$ID"
	assert_sheep_error start "$ID" "poststart hook 0 ('/bin/false'): exited with status 1"
	wait_status "$ID" stopped
	[ ! -e "$HOOKLOG" ] || fail "a hook after the failed one ran: $(cat "$HOOKLOG")"
	sheep delete "$ID"
	assert_success
	[ "$(cat "$HOOKLOG")" = "poststop set" ]
	assert_nothing_left "$ID"
}

# The same under `run`: the container is deleted, poststop hooks included (as runc).
@test "poststart failure, ociVersion 1.3: run fails and removes the container" {
	update_config '.ociVersion = "1.3.0" | .hooks.poststart = [{"path": "/bin/false"}]'
	add_hook poststop
	set_args /probe pause
	sheep run --bundle "$BUNDLE" "$ID"
	assert_failure
	is_sheep && assert_sheep_error run "$ID" "poststart hook 0 ('/bin/false'): exited with status 1"
	[ "$(cat "$HOOKLOG")" = "poststop set" ]
	assert_nothing_left "$ID"
}

# Bundles that declare an earlier version were promised a warning (runtime-spec 1.0.2 to 1.2):
# start succeeds and the remaining hooks run. runc 1.1.5 fails them too.
@test "poststart failure, ociVersion 1.2 or older: a warning, the remaining hooks run" {
	requires sheep
	update_config '.ociVersion = "1.0.2" | .hooks.poststart = [{"path": "/bin/false"}]'
	add_hook poststart
	set_args /probe pause --ready /tmp/ready
	sheep create --bundle "$BUNDLE" "$ID"
	assert_success
	sheep start "$ID"
	assert_success
	assert_output_contains "poststart hook 0 ('/bin/false'): exited with status 1"
	wait_file "$BUNDLE/rootfs/tmp/ready"
	[ "$(container_status "$ID")" = running ]
	[ "$(cat "$HOOKLOG")" = "poststart set" ]
}
