#!/usr/bin/env bats
# Fault injection (issue 10): a runtime built with --enable-fault-injection SIGKILLs itself at the
# point SHEEP_FAULT names (util/fault.h). Each test first traces a normal run of a verb
# (SHEEP_FAULT_TRACE) to learn the points it passes — runtime steps and every step of the
# container's init — then kills the verb at each point in turn. After every kill `state` and
# `list` must answer (a half-made container reads creating, created or stopped), and
# `delete --force` plus `sheep-net gc` must bring this test's footprint on the host back to
# nothing: state dir, processes, cgroups, mounts, veth, address lease, published port.
# Skipped when the runtime under test was built without the knob.

load helpers

SHEEP_NET=${SHEEP_NET:-$(dirname "$SHEEP_OCI")/../net/sheep-net}

setup() {
	setup_sheep
	TRACE=$BATS_TEST_TMPDIR/trace
	SHEEP_FAULT_TRACE=$TRACE "$SHEEP_OCI" --root "$ROOT" list >/dev/null </dev/null 3>&- ||
		fail "list failed"
	grep -qx 'main:list' "$TRACE" 2>/dev/null ||
		skip "requires a runtime built with --enable-fault-injection"
	rm -f "$TRACE"
	PORT=$((20000 + RANDOM % 20000))
	NET=0
	if [ -x "$SHEEP_NET" ] && command -v nft >/dev/null; then
		NET=1
		update_config ".hooks.createRuntime = [{\"path\": \"$SHEEP_NET\",
				\"args\": [\"sheep-net\", \"up\", \"--publish\", \"$PORT:80\"]}] |
			.hooks.poststop = [{\"path\": \"$SHEEP_NET\", \"args\": [\"sheep-net\", \"down\"]}]"
	fi
	set_args /probe pause
}

teardown() {
	teardown_sheep
	[ "$NET" = 1 ] && "$SHEEP_NET" gc >/dev/null 2>&1
	assert_no_cgroup "$ID"
}

# rt ARGS...: the runtime on this file's root, bounded in time, output to stdout; fd 3 closed.
rt() {
	SHEEP_TEST_MARK=$BATS_TEST_TMPDIR timeout -k 5 "$SHEEP_TIMEOUT" \
		"$SHEEP_OCI" --root "$ROOT" "$@" </dev/null 3>&-
}

# footprint: what this test's container holds on the host, one "name count" per line.
footprint() {
	echo "state_dirs $(ls -A "$ROOT" | wc -l)"
	echo "processes $(test_processes | wc -l)"
	echo "cgroups $(for d in $(cgroup_dirs "$ID"); do [ -d "$d" ] && echo "$d"; done | wc -l)"
	echo "mounts $(grep -cF -- "$BATS_TEST_TMPDIR" /proc/self/mountinfo)"
	if [ "$NET" = 1 ]; then
		echo "veths $(ip -d -o link show | grep -c "alias $ID\$")"
		echo "leases $("$SHEEP_NET" ls | grep -c "^$ID ")"
		echo "published $(nft list table ip sheep 2>/dev/null | grep -cw "$PORT")"
	fi
}

# trace_points PREFIX CMD...: runs a runtime command with tracing; prints the points it passed
# whose name starts with PREFIX (one of each, in order).
trace_points() {
	local prefix=$1
	shift
	rm -f "$TRACE"
	SHEEP_FAULT_TRACE=$TRACE "$@" >/dev/null || fail "traced run failed: $*" || return
	grep -E "^($prefix)" "$TRACE" | awk '!seen[$0]++'
}

# after_fault POINT: the checks after a kill at POINT: state answers with an allowed status and
# no empty created time (or the container is gone), list answers, delete --force and gc leave
# nothing.
after_fault() {
	local point=$1 out st
	if out=$(rt state "$ID" 2>&1); then
		st=$(jq -r .status <<<"$out") || fail "$point: state printed '$out'" || return
		case "$st" in
		creating | created | running | stopped) ;;
		*) fail "$point: state says '$st'" || return ;;
		esac
		# runc's created is a time to go-runc: absent when unknown, never ""
		jq -e '(has("created") | not) or (.created | test("^[0-9]{4}-"))' <<<"$out" >/dev/null ||
			fail "$point: state's created: '$out'" || return
	else
		[[ "$out" == *"container '$ID' does not exist"* ]] ||
			fail "$point: state failed: $out" || return
	fi
	out=$(rt list --format json 2>&1) || fail "$point: list failed: $out" || return
	jq -e 'type == "array"' <<<"$out" >/dev/null || fail "$point: list printed '$out'" || return
	out=$(rt delete --force "$ID" 2>&1) || fail "$point: delete --force failed: $out" || return
	[ "$NET" = 0 ] || "$SHEEP_NET" gc >/dev/null || fail "$point: sheep-net gc failed" || return
	retry 30 0.1 assert_footprint "$point"
}

assert_footprint() {
	local now
	now=$(footprint)
	[ "$now" = "$BEFORE" ] || fail "$1: left behind: $(diff <(echo "$BEFORE") <(echo "$now") |
		grep '^>' | tr '\n' ' ')"
}

# kill_at POINT CMD...: runs CMD with SHEEP_FAULT=POINT; the run must end by the kill (137) or,
# when the point is in the container's init or an exec'd child, by the verb reporting that it
# died. Output goes to a file: a container left running holds its stdout open.
kill_at() {
	local point=$1 out rc=0
	shift
	SHEEP_FAULT=$point "$@" >"$BATS_TEST_TMPDIR/kill_at.out" 2>&1 || rc=$?
	out=$(cat "$BATS_TEST_TMPDIR/kill_at.out")
	case "$rc:$point" in
	137:*) ;;
	0:init:wait-start) ;; # after the start gate: create itself completed
	1:init:*)
		[[ "$out" == *"the container's init exited with status 137 before it was ready"* ]] ||
			fail "$point: create said '$out'" ;;
	1:exec-init:*)
		[[ "$out" == *"the process was killed by signal 9 before it was executed"* ]] ||
			fail "$point: exec said '$out'" ;;
	*) fail "$point: exit $rc: $out" ;;
	esac
}

@test "faults: the knob traces the points of create, start, exec and delete" {
	local points
	points=$(trace_points 'create:|init:' rt create --bundle "$BUNDLE" "$ID")
	for p in create:state-dir create:cgroup-planned create:cgroup create:clone \
		create:state-pid create:served create:state-created init:namespaces init:rootfs \
		init:seccomp; do
		grep -qx "$p" <<<"$points" || fail "create did not pass '$p': $points"
	done
	[ "$NET" = 0 ] || grep -qx create:runtime-hooks <<<"$points" || fail "no runtime-hooks"
	points=$(trace_points 'start:|init:wait-start' rt start "$ID")
	grep -qx start:gate-opened <<<"$points" || fail "start: $points"
	points=$(trace_points 'exec' rt exec "$ID" /probe true)
	grep -qx exec:clone <<<"$points" && grep -qx exec-init:seccomp <<<"$points" ||
		fail "exec: $points"
	points=$(trace_points 'delete:' rt delete --force "$ID")
	[ "$(echo $points)" = "delete:killed delete:cgroup delete:poststop" ] || fail "delete: $points"
}

@test "faults: create killed at each of its points and its init's leaves nothing after delete" {
	local points p
	BEFORE=$(footprint)
	points=$(trace_points 'create:|init:' rt create --bundle "$BUNDLE" "$ID") || return
	rt delete --force "$ID" || fail "delete"
	[ "$(wc -l <<<"$points")" -ge 20 ] || fail "too few points: $points"
	for p in $points; do
		kill_at "$p" rt create --bundle "$BUNDLE" "$ID" || return
		after_fault "$p" || return
	done
}

@test "faults: start killed at each of its points leaves nothing after delete" {
	local points p
	update_config '.hooks.poststart = [{"path": "/bin/true"}]'
	BEFORE=$(footprint)
	rt create --bundle "$BUNDLE" "$ID" || fail "create"
	points=$(trace_points 'start:' rt start "$ID") || return
	rt delete --force "$ID" || fail "delete"
	grep -qx start:poststart <<<"$points" || fail "no poststart point: $points"
	for p in $points; do
		rt create --bundle "$BUNDLE" "$ID" || fail "$p: create"
		kill_at "$p" rt start "$ID" || return
		after_fault "$p" || return
	done
}

@test "faults: exec killed at each of its points (and its child's) leaves nothing after delete" {
	local points p mode
	BEFORE=$(footprint)
	rt run -d --bundle "$BUNDLE" "$ID" || fail "run"
	points=$(trace_points 'exec' rt exec "$ID" /probe true) || return
	rt delete --force "$ID" || fail "delete"
	for p in $points; do
		for mode in fg detach; do
			rt run -d --bundle "$BUNDLE" "$ID" || fail "$p: run"
			if [ $mode = fg ]; then
				kill_at "$p" rt exec "$ID" /probe pause || return
			else
				kill_at "$p" rt exec -d "$ID" /probe pause || return
			fi
			# the container itself is untouched by a failed exec
			[ "$(rt state "$ID" | jq -r .status)" = running ] ||
				fail "$p ($mode): the container is not running"
			after_fault "$p ($mode)" || return
		done
	done
}

@test "faults: delete killed at each of its points is finished by the next delete --force" {
	local points p
	BEFORE=$(footprint)
	rt run -d --bundle "$BUNDLE" "$ID" || fail "run"
	points=$(trace_points 'delete:' rt delete --force "$ID") || return
	for p in $points; do
		rt run -d --bundle "$BUNDLE" "$ID" || fail "$p: run"
		kill_at "$p" rt delete --force "$ID" || return
		after_fault "$p" || return
	done
}

@test "faults: run killed at each point of its create and start leaves nothing after delete" {
	local points p
	BEFORE=$(footprint)
	points=$(trace_points 'create:|start:' rt run -d --bundle "$BUNDLE" "$ID") || return
	rt delete --force "$ID" || fail "delete"
	for p in $points; do
		kill_at "$p" rt run -d --bundle "$BUNDLE" "$ID" || return
		after_fault "$p" || return
	done
}
