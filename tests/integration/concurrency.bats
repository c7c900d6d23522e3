#!/usr/bin/env bats
# Concurrency (issue 10): many lifecycles at once on one --root, racing `start`s and `delete`s of
# the same id, and `list` polled while containers come and go. Every background job is a runtime
# command this file starts; its pid is remembered and waited for (or killed) by the test itself.
# The last test is the short variant of the leak soak (bench/soak/run.sh 20).

load helpers

SHEEP_NET=${SHEEP_NET:-$(dirname "$SHEEP_OCI")/../net/sheep-net}
PARALLEL=${SHEEP_CONCURRENCY:-50}

setup() {
	setup_sheep
	JOBS=()
	IDS=()
	LOGS="$BATS_TEST_TMPDIR/logs"
	mkdir -p "$LOGS"
}

teardown() {
	local pid id rc=0
	for pid in "${JOBS[@]}"; do
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	teardown_sheep || rc=1
	for id in "${IDS[@]}"; do
		assert_no_cgroup "$id" || rc=1
	done
	return $rc
}

# rt ARGS...: the runtime on this file's root, fd 3 closed, bounded in time; output to stdout.
rt() {
	SHEEP_TEST_MARK=$BATS_TEST_TMPDIR timeout -k 5 "$SHEEP_TIMEOUT" \
		"$SHEEP_OCI" --root "$ROOT" "$@" </dev/null 3>&-
}

# lifecycle ID: create, start, exec, kill, wait for "stopped", delete; prints each step and
# fails at the first step that fails or says something unexpected. When READY is set, the kill
# waits until the container has printed a line matching it (its output is $LOGS/ID.ctr): on two
# busy cores the container's first command may not have run yet when exec returns.
lifecycle() {
	local id=$1 out st i
	# create's own messages share the container's log: shown with it when create fails
	echo "create $id"
	rt create --bundle "$BUNDLE" "$id" >"$LOGS/$id.ctr" 2>&1 ||
		{ st=$?; echo "create exited $st: $(cat "$LOGS/$id.ctr")"; return 1; }
	echo "start" && rt start "$id" 2>&1 || return
	out=$(rt exec "$id" /probe echo "exec-$id" 2>&1) || { echo "exec: $out"; return 1; }
	[ "$out" = "exec-$id" ] || { echo "exec printed '$out'"; return 1; }
	if [ -n "${READY:-}" ]; then
		for ((i = 0; i < 300; i++)); do
			grep -q "$READY" "$LOGS/$id.ctr" && break
			sleep 0.1
		done
		grep -q "$READY" "$LOGS/$id.ctr" || { echo "never printed '$READY'"; return 1; }
	fi
	echo "kill" && rt kill "$id" KILL 2>&1 || return
	for ((i = 0; i < 100; i++)); do
		st=$(rt state "$id" 2>&1 | jq -r .status) || { echo "state failed: $st"; return 1; }
		[ "$st" = stopped ] && break
		sleep 0.1
	done
	[ "$st" = stopped ] || { echo "still $st after kill"; return 1; }
	echo "delete" && rt delete "$id" 2>&1 || return
	[ ! -e "$ROOT/$id" ] || { echo "state dir left after delete"; return 1; }
	echo "done"
}

# list_loop STOPFILE LOG: `list --format json` until STOPFILE exists; fails on the first error or
# output that is not a JSON array of objects with id and status; the log ends with the count.
list_loop() {
	local n=0 out
	while [ ! -e "$1" ]; do
		out=$(rt list --format json 2>&1) || { echo "list failed: $out" >>"$2"; return 1; }
		jq -e 'type == "array" and all(.[]; (.id | type) == "string" and
			(.status | type) == "string")' <<<"$out" >/dev/null ||
			{ echo "list printed invalid JSON: $out" >>"$2"; return 1; }
		n=$((n + 1))
	done
	echo "lists: $n" >>"$2"
}

# run_parallel: runs lifecycle for IDS[@] in parallel with a list_loop; fails naming every id
# whose lifecycle failed, with its log.
run_parallel() {
	local id i rc=0 lpid stop="$BATS_TEST_TMPDIR/stop"
	list_loop "$stop" "$LOGS/list" &
	lpid=$!
	JOBS+=("$lpid")
	local pids=()
	for id in "${IDS[@]}"; do
		lifecycle "$id" >"$LOGS/$id.log" 2>&1 &
		pids+=("$!")
		JOBS+=("$!")
	done
	for i in "${!pids[@]}"; do
		if ! wait "${pids[$i]}"; then
			echo "lifecycle ${IDS[$i]} failed:" >&2
			cat "$LOGS/${IDS[$i]}.log" >&2
			rc=1
		fi
	done
	touch "$stop"
	wait "$lpid" || { cat "$LOGS/list" >&2; rc=1; }
	cat "$LOGS/list" >&2
	grep -q '^lists: [1-9]' "$LOGS/list" || { echo "list never ran" >&2; rc=1; }
	for id in "${IDS[@]}"; do
		assert_nothing_left "$id" || rc=1
	done
	[ -z "$(ls -A "$ROOT")" ] || { echo "left under root: $(ls -A "$ROOT")" >&2; rc=1; }
	return $rc
}

@test "concurrency: $PARALLEL parallel create/start/exec/kill/delete on one root, list meanwhile" {
	requires exec
	set_args /probe pause
	local i
	for ((i = 0; i < PARALLEL; i++)); do
		IDS+=("$ID-$i")
	done
	run_parallel
}

@test "concurrency: $PARALLEL parallel networked lifecycles get distinct addresses" {
	requires exec sheep
	[ -x "$SHEEP_NET" ] || skip "requires sheep-net ($SHEEP_NET)"
	command -v nft >/dev/null || skip "requires nft (Debian package nftables)"
	# The container records its address in its own log before pausing.
	set_args /bin/sh -c 'ip -4 -o addr show dev eth0; exec /probe pause'
	READY=eth0
	update_config ".hooks.createRuntime = [{\"path\": \"$SHEEP_NET\", \"args\": [\"sheep-net\", \"up\"]}] |
		.hooks.poststop = [{\"path\": \"$SHEEP_NET\", \"args\": [\"sheep-net\", \"down\"]}]"
	local i id addrs
	for ((i = 0; i < PARALLEL; i++)); do
		IDS+=("$ID-n$i")
	done
	run_parallel
	addrs=$(for id in "${IDS[@]}"; do awk '/eth0/ {print $4}' "$LOGS/$id.ctr"; done)
	[ "$(wc -l <<<"$addrs")" -eq "$PARALLEL" ] || fail "addresses: $addrs"
	[ -z "$(sort <<<"$addrs" | uniq -d)" ] || fail "duplicate addresses: $(sort <<<"$addrs" | uniq -d)"
	for id in "${IDS[@]}"; do
		! "$SHEEP_NET" ls | grep -q "^$id " || fail "lease of '$id' left behind"
	done
}

# The first creates under a missing default parent ("sheep-oci") race to make it: on v1 a new
# cpuset is empty until its maker copies its parent's cpus and mems, and a create whose own
# directory copied the still empty parent could not put its init in (ENOSPC: about 1 round in 3
# failed before). Ten rounds of ten creates at once, each round from no parent again.
@test "concurrency: parallel first creates under the default parent all join their cgroups" {
	set_args /probe pause
	local round i id pids gate="$BATS_TEST_TMPDIR/gate"
	for ((round = 0; round < 10; round++)); do
		pids=()
		# the creates wait for the gate's lock, taken here, and start together when it goes
		exec {lock}>"$gate"
		flock -x "$lock"
		for ((i = 0; i < 10; i++)); do
			id="$ID-r$round-$i"
			IDS+=("$id")
			(flock -s "$gate" true && rt create --bundle "$BUNDLE" "$id") >"$LOGS/$id" 2>&1 {lock}>&- &
			pids+=("$!")
			JOBS+=("$!")
		done
		sleep 0.2
		exec {lock}>&-
		for ((i = 0; i < 10; i++)); do
			wait "${pids[$i]}" || fail "create $ID-r$round-$i: $(cat "$LOGS/$ID-r$round-$i")"
		done
		for ((i = 0; i < 10; i++)); do
			rt delete --force "$ID-r$round-$i" || fail "delete $ID-r$round-$i"
		done
		for ((i = 0; i < 10; i++)); do
			assert_nothing_left "$ID-r$round-$i"
		done
	done
}

# racing_deletes: two `delete --force $ID` at once: both succeed (deleting a container that is
# already gone is no error for --force), or one does and the other says why, and nothing is left.
racing_deletes() {
	local a b sa=0 sb=0
	rt delete --force "$ID" >"$LOGS/a" 2>&1 &
	a=$!
	rt delete --force "$ID" >"$LOGS/b" 2>&1 &
	b=$!
	JOBS+=("$a" "$b")
	wait "$a" || sa=$?
	wait "$b" || sb=$?
	echo "a: status $sa: $(cat "$LOGS/a")" >&2
	echo "b: status $sb: $(cat "$LOGS/b")" >&2
	[ "$sa" -eq 0 ] || [ "$sb" -eq 0 ] || fail "both deletes failed" || return
	if [ "$sa" -ne 0 ]; then
		status=$sa output=$(cat "$LOGS/a")
	elif [ "$sb" -ne 0 ]; then
		status=$sb output=$(cat "$LOGS/b")
	fi
	if [ "$sa" -ne 0 ] || [ "$sb" -ne 0 ]; then
		[ -n "$output" ] || fail "the failing delete printed nothing" || return
		if is_sheep; then
			assert_failure 1 && assert_output_contains "sheep-oci: delete '$ID': " || return
		fi
	fi
	assert_nothing_left "$ID"
}

@test "concurrency: two concurrent delete --force of one running container" {
	set_args /probe pause
	sheep run -d --bundle "$BUNDLE" "$ID"
	assert_success
	racing_deletes
}

@test "concurrency: two concurrent delete --force of one created container" {
	set_args /probe pause
	sheep create --bundle "$BUNDLE" "$ID"
	assert_success
	racing_deletes
}

# one_of_two VERB MESSAGE [OPTION...]: `VERB OPTION... $ID` twice at once; exactly one succeeds,
# and the other fails cleanly: exit 1 with MESSAGE (another runtime: any message).
one_of_two() {
	local a b sa=0 sb=0
	rt "$1" "${@:3}" "$ID" >"$LOGS/a" 2>&1 &
	a=$!
	rt "$1" "${@:3}" "$ID" >"$LOGS/b" 2>&1 &
	b=$!
	JOBS+=("$a" "$b")
	wait "$a" || sa=$?
	wait "$b" || sb=$?
	echo "a: $sa $(cat "$LOGS/a")" >&2
	echo "b: $sb $(cat "$LOGS/b")" >&2
	[ $((sa == 0)) -ne $((sb == 0)) ] || fail "expected exactly one $1 to succeed: $sa, $sb" ||
		return
	if [ "$sa" -ne 0 ]; then output=$(cat "$LOGS/a"); status=$sa; else output=$(cat "$LOGS/b"); status=$sb; fi
	if is_sheep; then
		assert_sheep_error "$1" "$ID" "$2"
	else
		assert_failure && { [ -n "$output" ] || fail "the failing $1 printed nothing"; }
	fi
}

@test "concurrency: two concurrent start of one created container: one runs it, once" {
	# Each run of the process appends a line to the container's output: exactly one expected.
	set_args /probe echo ran ';' pause
	sheep create --bundle "$BUNDLE" "$ID"
	assert_success
	local ctr_out=$OUTFILE
	one_of_two start "cannot start a container that is running"
	wait_status "$ID" running
	retry 50 0.1 grep -q '^ran$' "$ctr_out"
	sleep 0.2
	[ "$(grep -c '^ran$' "$ctr_out")" -eq 1 ] || fail "the process ran $(grep -c '^ran$' "$ctr_out") times"
	sheep delete --force "$ID"
	assert_success
	assert_nothing_left "$ID"
}

# Two creates of one id at once: one container, made by one of them; the other's failure takes
# nothing of the winner's with it (its state, cgroup and process stay, and it runs).
@test "concurrency: two concurrent create of one id: one creates it, the other is refused" {
	set_args /probe echo ran ';' pause
	one_of_two create "container '$ID' already exists" --bundle "$BUNDLE"
	[ "$(rt state "$ID" | jq -r .status)" = created ] || fail "not created: $(rt state "$ID")"
	rt start "$ID" || fail "start of the created container failed"
	wait_status "$ID" running
	rt delete --force "$ID" || fail "delete failed"
	assert_nothing_left "$ID"
}

# Plain delete (no --force) of a stopped container, twice at once: one deletes it and runs its
# poststop hook, the other finds no container (exit 1, the message), and the hook ran once.
@test "concurrency: two concurrent delete of one stopped container: one deletes it, poststop once" {
	local log="$BATS_TEST_TMPDIR/poststop.log"
	set_args /probe echo done
	update_config ".hooks.poststop = [{\"path\": \"/bin/sh\",
		\"args\": [\"sh\", \"-c\", \"echo poststop >>$log\"]}]"
	sheep run -d --bundle "$BUNDLE" "$ID"
	assert_success
	wait_status "$ID" stopped
	one_of_two delete "container '$ID' does not exist"
	[ "$(cat "$log")" = poststop ] || fail "poststop log: $(cat "$log")"
	assert_nothing_left "$ID"
}

@test "soak: 20 runs and 20 create/start/kill/delete cycles leave the host's counts unchanged" {
	requires sheep
	local net=()
	[ ! -x "$SHEEP_NET" ] || ! command -v nft >/dev/null || net=(--network --publish 47813:80)
	run env SHEEP_OCI="$SHEEP_OCI" PROBE="$SHEEP_PROBE" SHEEP_NET="$SHEEP_NET" \
		"$BATS_TEST_DIRNAME/../../bench/soak/run.sh" "${net[@]}" 20 3>&-
	echo "$output" >&2
	assert_success
	assert_output_contains "failed cycles: 0"
	refute_output_contains "differs"
}
