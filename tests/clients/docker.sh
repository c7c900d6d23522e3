# Docker scenarios (sourced by run.sh): the suite's own dockerd (private socket and data root, no
# iptables, no bridge) with sheep-oci added as the runtime "sheep"; runc is dockerd's default.

dk_rt() {
	if [ "$RT_NAME" = runc ]; then echo runc; else echo sheep; fi
}

group_docker_run_rm() {
	expect_out "docker run --rm echo" "hello" dk run --rm --runtime "$(dk_rt)" --network none \
		"$IMAGE" echo hello
	expect_rc "docker run exit code 42" 42 dk run --rm --runtime "$(dk_rt)" --network none \
		"$IMAGE" sh -c 'exit 42'
}

group_docker_detached() {
	local c=st-$RT_NAME-det t0
	expect_rc "docker run -d" 0 dk run -d --name "$c" --runtime "$(dk_rt)" --network none \
		"$IMAGE" sh -c "$TERM_OK"
	wait_for 10 "dk logs $c | grep -q started"
	expect_out "docker exec" "exec-ok" dk exec "$c" echo exec-ok
	# script(1) provides the terminal; it may echo a NUL typed at the end of its stdin
	expect_match "docker exec -t" '^(\^@)?/dev/pts/[0-9]+$' script -qec \
		"docker -H unix://$DOCKER_SOCK exec -t $c tty" /dev/null
	expect_rc "docker exec exit code 7" 7 dk exec "$c" sh -c 'exit 7'
	t0=$SECONDS
	expect_rc "docker stop" 0 dk stop -t 20 "$c"
	expect_true "docker stop: SIGTERM honoured (< 10 s)" "took $((SECONDS - t0)) s" \
		[ $((SECONDS - t0)) -lt 10 ]
	expect_out "docker stop: exit code 0" "exited 0" dk inspect --format \
		'{{.State.Status}} {{.State.ExitCode}}' "$c"
	expect_rc "docker rm" 0 dk rm "$c"
}

group_docker_oom() {
	local c=st-$RT_NAME-oom
	dk run --name "$c" --runtime "$(dk_rt)" --network none --memory 32m --memory-swap 32m \
		"$IMAGE" tail /dev/zero >/dev/null 2>&1
	expect_out "docker OOM kill reported" "true 137" dk inspect --format \
		'{{.State.OOMKilled}} {{.State.ExitCode}}' "$c"
}
