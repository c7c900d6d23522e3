# More containerd scenarios (sourced by run.sh; ctr_runflags and task_status in containerd.sh):
# ctr run -t, --mount, --cwd, --cgroup, the loopback of a new network namespace, task exec
# --user, task metrics (the shim reads the cgroups), pause/resume and removal after exit.

group_ctr_more() {
	local c=st-$RT_NAME-more cg=/sheeptest/st-$RT_NAME-cg pid
	# ctr -t wants a terminal of its own: script(1) gives it one (and may echo a NUL, ^@)
	expect_match "ctr run -t" '^(\^@)?/dev/pts/[0-9]+$' script -qec "ctr -a '$CTR_SOCK' \
		-n '$CTR_NS' run -t --rm $(ctr_runflags) $IMAGE st-$RT_NAME-tty tty" /dev/null
	mkdir -p "$T/cmnt" && echo from-host >"$T/cmnt/file"
	expect_out "ctr run --mount rbind:ro: read" "from-host" ctrc run --rm $(ctr_runflags) \
		--mount "type=bind,src=$T/cmnt,dst=/m,options=rbind:ro" "$IMAGE" st-$RT_NAME-m1 \
		cat /m/file
	expect_match "ctr run --mount rbind:ro: write refused" 'Read-only file system' ctrc run \
		--rm $(ctr_runflags) --mount "type=bind,src=$T/cmnt,dst=/m,options=rbind:ro" "$IMAGE" \
		st-$RT_NAME-m2 sh -c 'echo x > /m/file 2>&1; true'
	# nobody else makes process.cwd here: the runtime creates a missing one (as runc does)
	expect_out "ctr run --cwd (missing dir created)" "/no/such/dir" ctrc run --rm \
		$(ctr_runflags) --cwd /no/such/dir "$IMAGE" st-$RT_NAME-cwd pwd
	# a new network namespace: the runtime brings its loopback up (runc does; managers with
	# "network none" rely on it)
	expect_match "ctr run: loopback up in the new netns" ' 0% packet loss' ctrc run --rm \
		$(ctr_runflags) "$IMAGE" st-$RT_NAME-lo ping -c 1 -W 2 127.0.0.1
	expect_rc "ctr run -d --cgroup" 0 ctrc run -d $(ctr_runflags) --cgroup "$cg" "$IMAGE" "$c" \
		sh -c "$TERM_OK"
	wait_for 10 "[ \"\$(task_status $c)\" = RUNNING ]"
	pid=$(ctrc task ls 2>/dev/null | awk -v id="$c" '$1 == id {print $2}')
	expect_true "ctr run --cgroup: init in that memory cgroup" "pid $pid; procs: \
$(cat "/sys/fs/cgroup/memory$cg/cgroup.procs" 2>&1)" \
		grep -qx "$pid" "/sys/fs/cgroup/memory$cg/cgroup.procs"
	expect_out "ctr task exec --user 1000" "1000 1000" ctrc task exec --exec-id u1 \
		--user 1000 "$c" sh -c 'echo $(id -u) $(id -g)'
	expect_match "ctr task metrics" 'memory\.usage_in_bytes +[1-9][0-9]*' ctrc task metrics "$c"
	expect_rc "ctr task pause (--cgroup)" 0 ctrc task pause "$c"
	expect_match "ctr task metrics (paused)" 'pids\.current +[1-9]' ctrc task metrics "$c"
	expect_rc "ctr task resume (--cgroup)" 0 ctrc task resume "$c"
	expect_rc "ctr task kill (SIGTERM)" 0 ctrc task kill "$c"
	wait_for 10 "[ \"\$(task_status $c)\" = STOPPED ]"
	expect_out "ctr task: exited 0 after SIGTERM" "STOPPED" task_status "$c"
	expect_rc "ctr task rm after exit" 0 ctrc task rm "$c"
	expect_rc "ctr c rm after task exit" 0 ctrc container rm "$c"
	expect_true "ctr: the --cgroup directory removed" "still there" \
		[ ! -d "/sys/fs/cgroup/memory$cg" ]
	run ls -A "$T/ctr-root-$RT_NAME/$CTR_NS"
	expect_true "ctr --cgroup: runtime state removed" "status $rc, state dir: $out" \
		[ "$rc" -eq 0 -a -z "$out" ]
}

# --with-ns pid:PATH: the new container's init joins another task's pid namespace.
group_ctr_ns_join() {
	local c=st-$RT_NAME-nsj pid
	ctrc run -d $(ctr_runflags) "$IMAGE" "$c" sleep 1000 >/dev/null 2>&1
	wait_for 10 "[ \"\$(task_status $c)\" = RUNNING ]"
	pid=$(ctrc task ls 2>/dev/null | awk -v id="$c" '$1 == id {print $2}')
	expect_match "ctr run --with-ns pid:PATH: only that task's processes" \
		'^init=[0-9]{1,2} procs=[0-9] pid1=sleep 1000$' ctrc run --rm $(ctr_runflags) \
		--with-ns "pid:/proc/$pid/ns/pid" "$IMAGE" "$c-join" \
		sh -c 'echo init=$$ procs=$(ps -o pid= | wc -l) pid1=$(tr "\0" " " </proc/1/cmdline)'
}
