# More Docker scenarios (sourced by run.sh; dk_rt in docker.sh): --init, exec options, top,
# stats, pause, restart, devices, capabilities, seccomp and "docker update" on a running
# container (dockerd -> containerd -> shim -> the runtime's "update --resources -").

dkrun() {
	dk run --runtime "$(dk_rt)" --network none "$@"
}
export -f dkrun dk_rt

group_docker_more() {
	local c=st-$RT_NAME-dm pid1 pid2
	expect_match "docker run --init: PID 1 is docker-init" '^/sbin/docker-init -- sh -c ' \
		dkrun --rm --init "$IMAGE" sh -c 'tr "\0" " " </proc/1/cmdline; true'
	expect_out "docker run -w (missing dir)" "/no/such/dir" dkrun --rm -w /no/such/dir \
		"$IMAGE" pwd
	expect_out "docker run --device /dev/fuse" "opened" dkrun --rm --device /dev/fuse "$IMAGE" \
		sh -c 'exec 3<>/dev/fuse && echo opened'
	expect_out "docker run --cap-drop ALL --cap-add NET_RAW" "CapEff:	0000000000002000" \
		dkrun --rm --cap-drop ALL --cap-add NET_RAW "$IMAGE" grep CapEff: /proc/self/status
	cat >"$T/dk-deny-mkdir.json" <<-'EOF2'
		{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"],
		 "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
	EOF2
	expect_match "docker run --security-opt seccomp=FILE" "Operation not permitted" dkrun --rm \
		--security-opt "seccomp=$T/dk-deny-mkdir.json" "$IMAGE" sh -c 'mkdir /tmp/d 2>&1; true'
	expect_rc "docker run -d (more)" 0 dkrun -d --name "$c" "$IMAGE" sh -c "$TERM_OK"
	wait_for 10 "dk logs $c | grep -q started"
	expect_out "docker exec -u -w -e" "1000 /tmp v1" dk exec -u 1000 -w /tmp -e X=v1 "$c" \
		sh -c 'echo $(id -u) $(pwd) $X'
	expect_match "docker top" 'sleep 1000' dk top "$c"
	expect_match "docker stats --no-stream" "^$c [0-9.]+[kKMG]i?B" dk stats --no-stream \
		--format '{{.Name}} {{.MemUsage}}' "$c"
	expect_rc "docker pause" 0 dk pause "$c"
	expect_out "docker pause: paused" "paused" dk inspect --format '{{.State.Status}}' "$c"
	expect_rc "docker unpause" 0 dk unpause "$c"
	expect_out "docker unpause: exec works" "awake" dk exec "$c" echo awake
	pid1=$(dk inspect --format '{{.State.Pid}}' "$c" 2>/dev/null)
	expect_rc "docker restart" 0 dk restart -t 5 "$c"
	run dk inspect --format '{{.State.Status}} {{.State.Pid}}' "$c"
	pid2=${out#running }
	expect_true "docker restart: running with a new init" "before '$pid1', after '$out'" \
		[ "${out%% *}" = running -a -n "$pid1" -a "$pid2" != "$pid1" ]
}

group_docker_update() {
	local c=st-$RT_NAME-upd
	dkrun -d --name "$c" --memory 64m --memory-swap 128m "$IMAGE" sh -c "$TERM_OK" \
		>/dev/null 2>&1
	wait_for 10 "dk logs $c | grep -q started"
	expect_rc "docker update --memory 128m --memory-swap 256m" 0 dk update --memory 128m \
		--memory-swap 256m "$c"
	expect_out "docker update --memory: read back" "134217728 268435456" dk exec "$c" sh -c \
		'cd /sys/fs/cgroup/memory; echo $(cat memory.limit_in_bytes memory.memsw.limit_in_bytes)'
	expect_rc "docker update --cpus 0.5" 0 dk update --cpus 0.5 "$c"
	expect_out "docker update --cpus: read back" "50000 100000" dk exec "$c" sh -c \
		'cd /sys/fs/cgroup/cpu; echo $(cat cpu.cfs_quota_us cpu.cfs_period_us)'
	expect_out "docker update: inspect" "134217728 500000000" dk inspect --format \
		'{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}}' "$c"
	expect_out "docker update: memory limit kept after --cpus" "134217728" dk exec "$c" \
		cat /sys/fs/cgroup/memory/memory.limit_in_bytes
}

# --pid container:X: the new container's init is in X's pid namespace (ps shows X's processes).
group_docker_ns_join() {
	local c=st-$RT_NAME-nsj
	dkrun -d --name "$c" "$IMAGE" sleep 1000 >/dev/null 2>&1
	expect_match "docker --pid container:X: only X's processes" \
		'^init=[0-9]{1,2} procs=[0-9] pid1=sleep 1000$' dkrun --rm --pid "container:$c" "$IMAGE" \
		sh -c 'echo init=$$ procs=$(ps -o pid= | wc -l) pid1=$(tr "\0" " " </proc/1/cmdline)'
}
