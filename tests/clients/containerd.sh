# containerd scenarios (sourced by run.sh): ctr drives containerd-shim-runc-v2, which runs the
# runtime given by --runc-binary with --root under the suite's temp dir.

ctr_runflags() {
	echo --runc-binary "$RT_PATH" --runc-root "$T/ctr-root-$RT_NAME"
}

# task_status ID: RUNNING, PAUSED, STOPPED (empty when there is no task)
task_status() {
	ctrc task ls 2>/dev/null | awk -v id="$1" '$1 == id {print $3}'
}
export -f task_status

group_ctr_run_rm() {
	expect_out "ctr run --rm echo" "hello" ctrc run --rm $(ctr_runflags) "$IMAGE" \
		"st-$RT_NAME-rm" echo hello
	expect_rc "ctr run exit code 42" 42 ctrc run --rm $(ctr_runflags) "$IMAGE" \
		"st-$RT_NAME-rc" sh -c 'exit 42'
	expect_rc "ctr run --rm: container removed" 1 sh -c "ctr -a '$CTR_SOCK' -n '$CTR_NS' \
		containers ls -q | grep -q st-$RT_NAME-rm"
}

group_ctr_detached() {
	local c=st-$RT_NAME-det
	expect_rc "ctr run -d" 0 ctrc run -d $(ctr_runflags) "$IMAGE" "$c" sh -c "$TERM_OK"
	wait_for 10 "[ \"\$(task_status $c)\" = RUNNING ]"
	expect_out "ctr task exec" "exec-ok" ctrc task exec --exec-id e1 "$c" echo exec-ok
	expect_rc "ctr task exec exit code 7" 7 ctrc task exec --exec-id e2 "$c" sh -c 'exit 7'
	# ctr -t wants a terminal of its own: script(1) gives it one. script
	# at the end of its stdin (/dev/null) sometimes types a NUL, echoed as ^@ (runc too)
	expect_match "ctr task exec -t" '^(\^@)?/dev/pts/[0-9]+$' script -qec \
		"ctr -a '$CTR_SOCK' -n '$CTR_NS' task exec -t --exec-id e3 $c tty" /dev/null
	run ctrc task ps "$c"
	expect_true "ctr task ps (init and sleep)" "status $rc: $out" \
		[ "$rc" -eq 0 ] && [ "$(printf '%s\n' "$out" | grep -cE '^[0-9]+ ')" -ge 2 ]
	expect_rc "ctr task pause" 0 ctrc task pause "$c"
	expect_out "ctr task pause: PAUSED" "PAUSED" task_status "$c"
	expect_rc "ctr task resume" 0 ctrc task resume "$c"
	expect_out "ctr task resume: RUNNING" "RUNNING" task_status "$c"
	expect_rc "ctr task kill --all" 0 ctrc task kill --all -s SIGKILL "$c"
	wait_for 10 "[ \"\$(task_status $c)\" = STOPPED ]"
	expect_out "ctr task kill --all: STOPPED" "STOPPED" task_status "$c"
	expect_rc "ctr task delete" 0 ctrc task delete "$c"
	expect_rc "ctr container delete" 0 ctrc container delete "$c"
	run ctrc containers ls -q
	expect_true "ctr: nothing left" "containers: $out" [ -z "$out" ]
	run ls -A "$T/ctr-root-$RT_NAME/$CTR_NS"
	expect_true "ctr: runtime state removed" "state dir: $out" [ "$rc" -eq 0 -a -z "$out" ]
}

# Between groups and at the end: kill and delete every task and container in the namespace.
ctr_cleanup() {
	local id
	for id in $(ctrc task ls -q 2>/dev/null); do
		ctrc task kill -a -s SIGKILL "$id" >/dev/null 2>&1
		timeout 10 ctr -a "$CTR_SOCK" -n "$CTR_NS" task delete -f "$id" >/dev/null 2>&1
	done
	for id in $(ctrc containers ls -q 2>/dev/null); do
		ctrc containers delete "$id" >/dev/null 2>&1
	done
}
