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
		--rm $(ctr_runflags) --mount "type=bind,src=$T/cmnt,dst=/m,options=rbind:ro" \
		"$IMAGE" \
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

# --with-ns pid:PATH: the new container's init joins another task's pid namespace (PID_VIEW in
# podman_more.sh).
group_ctr_ns_join() {
	local c=st-$RT_NAME-nsj pid
	ctrc run -d $(ctr_runflags) "$IMAGE" "$c" sleep 1000 >/dev/null 2>&1
	wait_for 10 "[ \"\$(task_status $c)\" = RUNNING ]"
	pid=$(ctrc task ls 2>/dev/null | awk -v id="$c" '$1 == id {print $2}')
	expect_match "ctr run --with-ns pid:PATH: only that task's processes" \
		'^init=[0-9]{1,2} procs=[0-9] pid1=sleep 1000$' ctrc run --rm $(ctr_runflags) \
		--with-ns "pid:/proc/$pid/ns/pid" "$IMAGE" "$c-join" \
		sh -c "$PID_VIEW"
}

group_ctr_opts() {
	local left
	expect_match "ctr run --privileged: host devices" '^fuse$' ctrc run --rm $(ctr_runflags) \
		--privileged "$IMAGE" st-$RT_NAME-priv sh -c 'test -c /dev/fuse && echo fuse'
	# ctr's spec mounts no cgroupfs: the limits are read on the host, in /sheeptest/<id>
	expect_rc "ctr run -d --memory-limit --cpus" 0 ctrc run -d $(ctr_runflags) \
		--memory-limit 67108864 --cpus 0.5 "$IMAGE" st-$RT_NAME-res sleep 1000
	local d=sheeptest/st-$RT_NAME-res
	expect_out "ctr --memory-limit --cpus: host cgroup files" "67108864 50000" sh -c \
		"cd /sys/fs/cgroup; echo \$(cat memory/$d/memory.limit_in_bytes \
		cpu/$d/cpu.cfs_quota_us)"
	ctrc task kill -s SIGKILL "st-$RT_NAME-res" >/dev/null 2>&1
	wait_for 10 "[ \"\$(task_status st-$RT_NAME-res)\" = STOPPED ]"
	expect_rc "ctr task rm (--memory-limit)" 0 ctrc task rm "st-$RT_NAME-res"
	left=$(ls -d /sys/fs/cgroup/*/sheeptest/st-$RT_NAME-res 2>/dev/null)
	expect_true "ctr: the task's cgroups removed" "left: $left" [ -z "$left" ]
	expect_match "ctr run --read-only" 'Read-only file system' ctrc run --rm $(ctr_runflags) \
		--read-only "$IMAGE" st-$RT_NAME-ro sh -c 'touch /x 2>&1; true'
	expect_out "ctr run --env" "v1" ctrc run --rm $(ctr_runflags) --env X=v1 "$IMAGE" \
		st-$RT_NAME-env sh -c 'echo $X'
	expect_match "ctr run --seccomp (default profile)" '^Seccomp:	2$' ctrc run --rm \
		$(ctr_runflags) --seccomp "$IMAGE" st-$RT_NAME-sec grep Seccomp: /proc/self/status
	expect_out "ctr run --net-host: host's net namespace" "$(readlink /proc/self/ns/net)" \
		ctrc run --rm $(ctr_runflags) --net-host "$IMAGE" st-$RT_NAME-nh \
		readlink /proc/self/ns/net
}
