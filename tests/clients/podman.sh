# podman + conmon scenarios (sourced by run.sh). podman runs the runtime at $RT_PATH with the
# suite's private storage; containers are named st-<runtime>-<what> and removed by the runner.

# podman run with the flags every scenario shares: no network unless a scenario asks for one.
pmrun() {
	pmr run --network none "$@"
}
export -f pmrun

group_podman_basic() {
	expect_out "podman run --rm echo" "hello" pmrun --rm "$IMAGE" echo hello
	expect_out "podman run -t (tty)" "/dev/pts/0" pmrun --rm -t "$IMAGE" tty
	run_stdin $'line one\nline two\n' pmr run --rm -i --network none "$IMAGE" cat
	expect_true "podman run -i (stdin)" "status $rc, got: $out" [ "$out" = $'line one\nline two' ]
	expect_rc "podman run exit code 42" 42 pmrun --rm "$IMAGE" sh -c 'exit 42'
	run pmrun --rm "$IMAGE" no-such-command
	expect_true "podman run missing command -> 127" "status $rc: $out" [ "$rc" -eq 127 ]
	# conmon passes --log-format=json --log FILE; podman shows the message read from FILE
	expect_true "podman shows the runtime's error" "got: $out" \
		grep -qE "no-such-command.*not found" <<<"$out"
}

# A container that says when it starts and exits 0 on SIGTERM (sh runs traps when wait returns).
TERM_OK='trap "echo got-term; exit 0" TERM; echo started; sleep 1000 & wait'

group_podman_detached() {
	local c=st-$RT_NAME-det t0
	expect_rc "podman run -d" 0 pmrun -d --name "$c" "$IMAGE" sh -c "$TERM_OK"
	wait_for 10 "pm logs $c | grep -q started"
	expect_out "podman exec" "exec-ok" pmr exec "$c" echo exec-ok
	expect_match "podman exec -t" '^/dev/pts/[0-9]+$' pmr exec -t "$c" tty
	expect_out "podman exec --user 1000:1000" "1000 1000" pmr exec --user 1000:1000 "$c" \
		sh -c 'echo $(id -u) $(id -g)'
	expect_rc "podman exec exit code 7" 7 pmr exec "$c" sh -c 'exit 7'
	run_stdin $'to-exec\n' pm exec -i "$c" cat
	expect_true "podman exec -i (stdin)" "status $rc, got: $out" [ "$out" = to-exec ]
	expect_match "podman ps" "^$c Up" pmr ps --format '{{.Names}} {{.Status}}'
	expect_match "podman top" 'sleep 1000' pmr top "$c"
	expect_match "podman logs" '^started$' pmr logs "$c"
	t0=$SECONDS
	expect_rc "podman stop" 0 pmr stop -t 20 "$c"
	expect_true "podman stop: SIGTERM honoured (< 10 s)" "took $((SECONDS - t0)) s" \
		[ $((SECONDS - t0)) -lt 10 ]
	expect_match "podman stop: container saw SIGTERM" '^got-term$' pmr logs "$c"
	expect_out "podman stop: exit code 0" "exited 0" pmr inspect --format \
		'{{.State.Status}} {{.State.ExitCode}}' "$c"
	expect_rc "podman start (stopped container)" 0 pmr start "$c"
	expect_rc "podman kill" 0 pmr kill "$c"
	wait_for 10 "pm inspect --format '{{.State.Status}}' $c | grep -q exited"
	expect_out "podman kill: exit code 137" "exited 137" pmr inspect --format \
		'{{.State.Status}} {{.State.ExitCode}}' "$c"
	expect_rc "podman rm" 0 pmr rm "$c"
	expect_rc "podman rm: container gone" 1 pmr container exists "$c"
}

group_podman_restart() {
	local c=st-$RT_NAME-restart pid1 pid2
	pmrun -d --name "$c" "$IMAGE" sh -c "$TERM_OK" >/dev/null 2>&1
	run pmr inspect --format '{{.State.Pid}}' "$c"
	pid1=$out
	expect_rc "podman restart" 0 pmr restart -t 10 "$c"
	run pmr inspect --format '{{.State.Status}} {{.State.Pid}}' "$c"
	pid2=${out#running }
	expect_true "podman restart: running with a new init" "before '$pid1', after '$out'" \
		[ "${out%% *}" = running -a "$pid2" != "$pid1" -a -n "$pid1" ]
	expect_out "podman restart: exec after restart" "again" pmr exec "$c" echo again
}

group_podman_pause() {
	local c=st-$RT_NAME-pause
	pmrun -d --name "$c" "$IMAGE" sh -c "$TERM_OK" >/dev/null 2>&1
	expect_rc "podman pause" 0 pmr pause "$c"
	expect_out "podman pause: status paused" "paused" pmr inspect --format '{{.State.Status}}' "$c"
	expect_rc "podman unpause" 0 pmr unpause "$c"
	expect_out "podman unpause: exec works" "awake" pmr exec "$c" echo awake
}

# v1 hierarchies here: podman mounts the container's own cgroups on /sys/fs/cgroup/<ctrl>.
group_podman_limits() {
	expect_out "podman --memory 64m read back" "67108864" pmrun --rm --memory 64m "$IMAGE" \
		cat /sys/fs/cgroup/memory/memory.limit_in_bytes
	expect_out "podman --pids-limit 42 read back" "42" pmrun --rm --pids-limit 42 "$IMAGE" \
		cat /sys/fs/cgroup/pids/pids.max
}

group_podman_security() {
	expect_match "podman --read-only: / not writable" 'Read-only file system' \
		pmrun --rm --read-only "$IMAGE" sh -c 'touch /x 2>&1; true'
	expect_out "podman --read-only: /tmp still writable" "ok" pmrun --rm --read-only "$IMAGE" \
		sh -c 'touch /tmp/x && echo ok'
	expect_out "podman --cap-drop ALL" "CapEff:	0000000000000000" pmrun --rm --cap-drop ALL \
		"$IMAGE" grep CapEff /proc/self/status
	expect_out "podman --user 1000:1000" "1000 1000" pmrun --rm --user 1000:1000 "$IMAGE" \
		sh -c 'echo $(id -u) $(id -g)'
}

group_podman_network() {
	expect_out "podman --network none: only lo" "lo" pmr run --rm --network none "$IMAGE" \
		ls /sys/class/net
	# the default bridge network; ping only its gateway (the host end), never beyond
	expect_match "podman default network: ping gateway" ' 0% packet loss' pmr run --rm "$IMAGE" \
		sh -c 'gw=$(ip route | awk "/^default/ {print \$3}"); echo gw=$gw; ping -c 1 -W 3 $gw'
}

group_podman_mounts() {
	mkdir -p "$T/rw" "$T/ro" && echo from-host >"$T/ro/file"
	expect_rc "podman -v rw: write" 0 pmrun --rm -v "$T/rw:/data" "$IMAGE" \
		sh -c 'echo from-container > /data/file'
	expect_out "podman -v rw: file on the host" "from-container" cat "$T/rw/file"
	expect_out "podman -v ro: read" "from-host" pmrun --rm -v "$T/ro:/data:ro" "$IMAGE" \
		cat /data/file
	expect_match "podman -v ro: write refused" 'Read-only file system' pmrun --rm \
		-v "$T/ro:/data:ro" "$IMAGE" sh -c 'echo x > /data/file 2>&1; true'
}

group_podman_pid_host() {
	# the suite's own shell is visible inside, under its host pid
	expect_out "podman --pid host" "visible" pmrun --rm --pid host "$IMAGE" \
		sh -c "test -d /proc/$$ && echo visible"
}

group_podman_stats() {
	local c=st-$RT_NAME-stats
	pmrun -d --name "$c" "$IMAGE" sh -c "$TERM_OK" >/dev/null 2>&1
	expect_match "podman stats --no-stream" "^$c [0-9.]+[kMG]?B" pmr stats --no-stream \
		--format '{{.Name}} {{.MemUsage}}' "$c"
}

group_podman_oom() {
	local c=st-$RT_NAME-oom id
	# busybox tail keeps /dev/zero's one endless line in memory
	pmrun --name "$c" --memory 32m --memory-swap 32m "$IMAGE" tail /dev/zero >/dev/null 2>&1
	run pmr inspect --format '{{.State.OOMKilled}} {{.State.ExitCode}} {{.Id}}' "$c"
	id=${out##* }
	if [ "${out% *}" = "true 137" ]; then
		record ok "podman OOM kill reported"
	elif [ "${out% *}" = "false 137" ] && dmesg | grep -q "oom_memcg=/libpod_parent/libpod-$id"; then
		# the kernel did OOM-kill it in its memcg, but conmon 2.1.6 did not write its oom file
		# (seen with runc too): a manager limitation on these hybrid v1 machines
		record xfail "podman OOM kill reported" "kernel OOM-killed libpod-${id:0:12}; \
podman/conmon reported OOMKilled=false (conmon 2.1.6, cgroup v1)"
	else
		record fail "podman OOM kill reported" "inspect: $out; no OOM kill of it in dmesg"
	fi
}
