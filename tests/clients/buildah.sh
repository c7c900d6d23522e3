# buildah scenarios (sourced by run.sh): `buildah run` and the RUN steps of `buildah bud` start
# their containers through the OCI runtime (create, start, state, delete), so both run with
# --runtime $RT_PATH. buildah shares the suite's podman storage (the test image is there); its
# working containers are named st-<runtime>-<what> and removed by the runner.

bh() {
	buildah --root "$T/podman/root" --runroot "$T/podman/run" "$@"
}
export -f bh

# bhrun CONTAINER CMD...: buildah run without a network namespace setup of its own
bhrun() {
	local c=$1
	shift
	bh run --runtime "$RT_PATH" --network none "$c" -- "$@"
}
export -f bhrun

group_buildah_run() {
	local c=st-$RT_NAME-bh
	run bh from --name "$c" "$IMAGE"
	expect_true "buildah from (test image)" "status $rc: $out" [ "$rc" -eq 0 ]
	expect_out "buildah run: output" "hello" bhrun "$c" echo hello
	expect_rc "buildah run: exit code 7" 7 bhrun "$c" sh -c 'exit 7'
	run bhrun "$c" no-such-command
	expect_true "buildah run: missing command fails" "status $rc: $out" [ "$rc" -ne 0 ]
	run_stdin $'in-line\n' bh run --runtime "$RT_PATH" --network none "$c" -- cat
	expect_true "buildah run: stdin reaches the command" "status $rc, got: $out" \
		[ "$out" = in-line ]
	expect_out "buildah run --user" "1000 1000" bh run --runtime "$RT_PATH" --network none \
		--user 1000:1000 "$c" -- sh -c 'echo $(id -u) $(id -g)'
	expect_out "buildah run --workingdir" "/home/user" bh run --runtime "$RT_PATH" \
		--network none --workingdir /home/user "$c" -- pwd
	expect_out "buildah run --hostname" "bhost" bh run --runtime "$RT_PATH" --network none \
		--hostname bhost "$c" -- hostname
	mkdir -p "$T/bh-vol" && echo vol-data >"$T/bh-vol/f"
	expect_out "buildah run --volume :ro" "vol-data|ro" bh run --runtime "$RT_PATH" \
		--network none --volume "$T/bh-vol:/vol:ro" "$c" -- \
		sh -c 'd=$(cat /vol/f); touch /vol/x 2>/dev/null && echo "$d|rw" || echo "$d|ro"'
	expect_match "buildah run --mount type=tmpfs" '^tmpfs /scratch tmpfs ' bh run \
		--runtime "$RT_PATH" --network none --mount type=tmpfs,destination=/scratch "$c" -- \
		grep ' /scratch ' /proc/mounts
	expect_out "buildah run --network none: only lo" "lo" bhrun "$c" ls /sys/class/net
	# CAP_NET_RAW is not in buildah's default set (bit 13); --cap-add grants it
	expect_out "buildah run --cap-add CAP_NET_RAW" "1" bh run --runtime "$RT_PATH" \
		--network none --cap-add CAP_NET_RAW "$c" -- \
		sh -c 'echo $(( (0x$(awk "/^CapEff/ {print \$2}" /proc/self/status) >> 13) & 1 ))'
	bh rm "$c" >/dev/null 2>&1
}

# bud: every RUN step is a container of its own; a failing step fails the build with its status.
group_buildah_bud() {
	local ctx=$T/bh-ctx-$RT_NAME img=localhost/st-$RT_NAME-bud c=st-$RT_NAME-bud
	mkdir -p "$ctx" "$ctx/bad"
	printf 'FROM %s\nRUN echo built-by-run > /built\nRUN ["sh", "-c", "id -u > /uid"]\n' \
		"$IMAGE" >"$ctx/Containerfile"
	expect_rc "buildah bud: RUN steps" 0 bh bud --runtime "$RT_PATH" --network none -q \
		-t "$img" "$ctx"
	run bh from --name "$c" "$img"
	expect_out "buildah bud: RUN output in the image" "built-by-run 0" bhrun "$c" \
		sh -c 'echo $(cat /built) $(cat /uid)'
	bh rm "$c" >/dev/null 2>&1
	printf 'FROM %s\nRUN exit 3\n' "$IMAGE" >"$ctx/bad/Containerfile"
	run bh bud --runtime "$RT_PATH" --network none -q -t "$img-bad" "$ctx/bad"
	expect_true "buildah bud: a failing RUN fails the build" "status $rc: $out" \
		grep -q "exit status 3" <<<"$out"
	bh rmi -f "$img" >/dev/null 2>&1
}
