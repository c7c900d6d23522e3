# Helpers for the client suite (sourced by run.sh): result recording, the test image, and the
# private containerd and dockerd the suite starts. Everything the suite creates lives under $T
# (a temp dir) or carries the "st-" name prefix, so cleanup never touches anything else.

# One result line per check on fd 3 (the runner collects them): STATUS<TAB>NAME<TAB>DETAIL.
record() {
	local status=$1 name=$2 detail=${3-}
	detail=$(printf '%s' "$detail" | tr '\t' ' ' | head -c 2000 | base64 -w0)
	printf '%s\t%s\t%s\n' "$status" "$name" "$detail" >&3
}

# run CMD...: run with a per-command time bound; stdout+stderr in $out (CR stripped), status in $rc.
# CMD may be one of the exported client functions below (timeout runs it in a new bash).
run() {
	out=$(timeout -k 5 "${CMD_TIMEOUT:-60}" bash -c '"$@"' _ "$@" 2>&1 </dev/null)
	rc=$?
	out=$(printf '%s' "$out" | tr -d '\r')
}

# run_stdin INPUT CMD...: the same with INPUT on the command's stdin.
run_stdin() {
	local input=$1
	shift
	out=$(printf '%s' "$input" | timeout -k 5 "${CMD_TIMEOUT:-60}" bash -c '"$@"' _ "$@" 2>&1)
	rc=$?
	out=$(printf '%s' "$out" | tr -d '\r')
}

# expect_out NAME WANT CMD...: the command succeeds and prints exactly WANT.
expect_out() {
	local name=$1 want=$2
	shift 2
	run "$@"
	if [ "$rc" -eq 0 ] && [ "$out" = "$want" ]; then
		record ok "$name"
	else
		record fail "$name" "\$ $* -> status $rc, wanted '$want', got: $out"
	fi
}

# expect_match NAME REGEX CMD...: the command succeeds and its output matches REGEX (grep -E).
expect_match() {
	local name=$1 re=$2
	shift 2
	run "$@"
	if [ "$rc" -eq 0 ] && printf '%s\n' "$out" | grep -qE -- "$re"; then
		record ok "$name"
	else
		record fail "$name" "\$ $* -> status $rc, wanted /$re/, got: $out"
	fi
}

# expect_rc NAME WANT CMD...: the command exits with status WANT.
expect_rc() {
	local name=$1 want=$2
	shift 2
	run "$@"
	if [ "$rc" -eq "$want" ]; then
		record ok "$name"
	else
		record fail "$name" "\$ $* -> status $rc, wanted $want; output: $out"
	fi
}

# expect_true NAME DETAIL TEST...: a shell test on values computed by the scenario.
expect_true() {
	local name=$1 detail=$2
	shift 2
	if "$@"; then
		record ok "$name"
	else
		record fail "$name" "$detail"
	fi
}

# wait_for SECS SHELL-CMD: poll SHELL-CMD (bash, client functions available) every 0.2 s until it
# succeeds or SECS pass.
wait_for() {
	local end=$((SECONDS + $1))
	while [ "$SECONDS" -lt "$end" ]; do
		timeout 10 bash -c "$2" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	timeout 10 bash -c "$2" >/dev/null 2>&1
}

# The test image: busybox-static (a shell and the usual tools) plus the static probe, two users.
build_rootfs_tar() {
	local root=$T/rootfs a
	mkdir -p "$root"/{bin,etc,tmp,proc,sys,dev,root,home/user,data} || return 1
	cp /bin/busybox "$root/bin/busybox" || return 1
	for a in $(/bin/busybox --list); do
		[ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"
	done
	if [ -n "${SHEEP_PROBE-}" ] && [ -x "$SHEEP_PROBE" ]; then
		cp "$SHEEP_PROBE" "$root/bin/probe" || return 1
	fi
	printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'user:x:1000:1000:user:/home/user:/bin/sh' \
		'nobody:x:65534:65534:nobody:/:/bin/sh' >"$root/etc/passwd"
	printf '%s\n' 'root:x:0:' 'user:x:1000:' 'nogroup:x:65534:' >"$root/etc/group"
	chmod 1777 "$root/tmp"
	chown 1000:1000 "$root/home/user"
	tar -C "$root" -cf "$T/rootfs.tar" .
}

# podman import -> podman save (docker-archive) -> ctr import and docker load.
build_image() {
	build_rootfs_tar || return 1
	pm import --change 'ENV=PATH=/bin' --change 'CMD=["/bin/sh"]' "$T/rootfs.tar" "$IMAGE" \
		>"$T/import.log" 2>&1 || return 1
	pm save --format docker-archive -o "$T/image.tar" "$IMAGE" >>"$T/import.log" 2>&1 || return 1
}

start_containerd() {
	local d=$T/containerd
	mkdir -p "$d" || return 1
	cat >"$d/config.toml" <<-EOF
		version = 2
		root = "$d/root"
		state = "$d/state"
		disabled_plugins = ["io.containerd.grpc.v1.cri"]
		[grpc]
		  address = "$CTR_SOCK"
		[ttrpc]
		  address = "$d/containerd.sock.ttrpc"
		[debug]
		  address = "$d/debug.sock"
	EOF
	containerd --config "$d/config.toml" >"$d/log" 2>&1 &
	CONTAINERD_PID=$!
	echo "$CONTAINERD_PID" >"$T/containerd.pid"
	wait_for 20 "ctrc version" || return 1
	ctr -a "$CTR_SOCK" -n "$CTR_NS" image import --all-platforms "$T/image.tar" \
		>>"$T/import.log" 2>&1
}

start_dockerd() {
	local d=$T/docker
	mkdir -p "$d" || return 1
	dockerd -H "unix://$DOCKER_SOCK" --data-root "$d/data" --exec-root "$d/exec" \
		--pidfile "$d/dockerd.pid" --containerd "$CTR_SOCK" --iptables=false \
		--ip-forward=false --ip-masq=false --bridge=none \
		--userland-proxy=false --exec-opt native.cgroupdriver=cgroupfs \
		--add-runtime "sheep=$SHEEP_OCI" >"$d/log" 2>&1 &
	DOCKERD_PID=$!
	echo "$DOCKERD_PID" >"$T/dockerd.pid"
	wait_for 30 "dk version" || return 1
	dk load -i "$T/image.tar" >>"$T/import.log" 2>&1
}

# Stop a daemon we started, by its PID: SIGTERM, then SIGKILL after 15 s.
stop_pid() {
	local pid=$1 i
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid"
	for i in $(seq 75); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.2
	done
	kill -KILL "$pid" 2>/dev/null
}

# The clients, with the suite's private storage, sockets and namespaces.
pm() {
	podman --root "$T/podman/root" --runroot "$T/podman/run" --tmpdir "$T/podman/tmp" "$@"
}

pmr() {
	pm --runtime "$RT_PATH" "$@"
}

ctrc() {
	ctr -a "$CTR_SOCK" -n "$CTR_NS" "$@"
}

dk() {
	/usr/bin/docker -H "unix://$DOCKER_SOCK" "$@"
}

export -f pm pmr ctrc dk

# What the managers leave on the machine on first use (state dirs under /run, their parent
# cgroups, netavark's iptables chains) is removed at the end, but only what this run created.
MACHINE_DIRS="/run/containerd /run/docker /run/libpod /run/containers"
CGROUP_PARENTS="docker sheeptest libpod_parent"

machine_snapshot() {
	local p d
	for p in $MACHINE_DIRS; do
		[ -e "$p" ] && echo "$p"
	done >"$T/machine.before"
	for d in /sys/fs/cgroup/*/; do
		for p in $CGROUP_PARENTS; do
			[ -d "$d$p" ] && echo "$d$p"
		done
	done >>"$T/machine.before"
	iptables-save 2>/dev/null | grep -q NETAVARK && echo netavark >>"$T/machine.before"
}

machine_restore() {
	local p d t
	for p in $MACHINE_DIRS; do
		grep -qxF "$p" "$T/machine.before" || rm -rf "$p"
	done
	for d in /sys/fs/cgroup/*/; do
		for p in $CGROUP_PARENTS; do
			[ -d "$d$p" ] && ! grep -qxF "$d$p" "$T/machine.before" &&
				find "$d$p" -depth -type d -exec rmdir {} + 2>/dev/null
		done
	done
	grep -qx netavark "$T/machine.before" && return 0
	# netavark adds its chains on first use and never removes them: jumps first, then chains
	for t in nat filter; do
		iptables -t "$t" -S 2>/dev/null | grep -E '^-A .*-j NETAVARK' | sed 's/^-A/-D/' |
			while read -r rule; do eval "iptables -t $t $rule"; done
		iptables -t "$t" -S 2>/dev/null | sed -n 's/^-N \(NETAVARK[^ ]*\)$/\1/p' |
			while read -r chain; do iptables -t "$t" -F "$chain"; done
		iptables -t "$t" -S 2>/dev/null | sed -n 's/^-N \(NETAVARK[^ ]*\)$/\1/p' |
			while read -r chain; do iptables -t "$t" -X "$chain"; done
	done
}
