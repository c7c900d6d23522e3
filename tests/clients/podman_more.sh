# More podman + conmon scenarios (sourced by run.sh): the run options, devices, security options,
# resources read back inside, user namespaces, pods, exec options and the lifecycle verbs managers
# use. Containers are named st-<runtime>-<what>; the runner removes them after each group.

# The caller's capability bounding set: what --privileged and exec --privileged grant (podman
# gives every capability the host side still has).
host_capbnd() {
	awk '/^CapBnd:/ {print $2}' /proc/self/status
}

group_podman_run_opts() {
	# --init: podman bind-mounts catatonit at /run/podman-init as PID 1
	expect_match "podman run --init: PID 1 is the init" '^/run/podman-init -- sh -c ' \
		pmrun --rm --init "$IMAGE" sh -c 'tr "\0" " " </proc/1/cmdline; true'
	# the kernel names a process after the path it was executed by (execve(2)): sh, not the
	# busybox binary the applet links to; ps, top, pgrep and podman top show this name
	expect_out "podman run --init: /proc/1/comm" "podman-init" pmrun --rm --init "$IMAGE" \
		cat /proc/1/comm
	expect_out "podman run: /proc/1/comm is the command's name" "sh" pmrun --rm "$IMAGE" \
		sh -c 'cat /proc/1/comm; true'
	# --network none: podman leaves the new network namespace to the runtime, which brings its
	# loopback up (runc does; anything talking to localhost inside depends on it)
	expect_match "podman --network none: loopback up" ' 0% packet loss' pmrun --rm "$IMAGE" \
		ping -c 1 -W 2 127.0.0.1
	expect_out "podman run --hostname" "myhost" pmrun --rm --hostname myhost "$IMAGE" hostname
	printf 'A=1\nB=two words\n' >"$T/env-file"
	expect_out "podman run --env-file" "1|two words" pmrun --rm --env-file "$T/env-file" \
		"$IMAGE" sh -c 'echo "$A|$B"'
	expect_out "podman run --workdir (existing)" "/home/user" pmrun --rm --workdir /home/user \
		"$IMAGE" pwd
	# podman 4.3 itself refuses a --workdir the image lacks (before any runtime runs)
	expect_match "podman run --workdir (missing): podman refuses" \
		'workdir "/no/such" does not' \
		bash -c 'pmrun --rm --workdir /no/such "$IMAGE" pwd; true'
	expect_out "podman run --user nobody --group-add 1000" \
		"uid=65534(nobody) gid=65534(nogroup) groups=1000(user),65534(nogroup)" \
		pmrun --rm --user nobody --group-add 1000 "$IMAGE" id
	expect_match "podman run --shm-size 3m" '^shm /dev/shm tmpfs .*size=3072k' \
		pmrun --rm --shm-size 3m "$IMAGE" grep /dev/shm /proc/mounts
	expect_out "podman run --ulimit nofile=512:2048" "512 2048" pmrun --rm \
		--ulimit nofile=512:2048 --ulimit nproc=1024:1024 "$IMAGE" \
		sh -c 'echo $(ulimit -n) $(ulimit -Hn)'
	expect_out "podman run --umask 0027" "0027" pmrun --rm --umask 0027 "$IMAGE" sh -c umask
	# an empty HOME counts as none (runc): the user's home from the image's /etc/passwd
	expect_out "podman run -e HOME= --user 1000: HOME from passwd" "/home/user" pmrun --rm \
		-e HOME= --user 1000 "$IMAGE" sh -c 'echo "$HOME"'
	run pmrun --rm --personality LINUX32 "$IMAGE" uname -m
	if [ "$rc" -eq 0 ] && [ "$out" = i686 ]; then
		record ok "podman run --personality LINUX32"
	elif [ "$RT_NAME" = runc ] && [ "$out" = x86_64 ]; then
		record xfail "podman run --personality LINUX32" \
			"runc 1.1.5 ignores linux.personality"
	else
		record fail "podman run --personality LINUX32" "status $rc, wanted i686, got: $out"
	fi
	expect_out "podman run --oom-score-adj 100" "100" pmrun --rm --oom-score-adj 100 "$IMAGE" \
		cat /proc/self/oom_score_adj
}

# --dns and --add-host need a network of the container's own: the default bridge, no traffic
group_podman_names() {
	expect_match "podman run --add-host" '^198\.51\.100\.7[[:space:]]+foo\.example' \
		pmr run --rm --add-host foo.example:198.51.100.7 "$IMAGE" \
		grep foo.example /etc/hosts
	expect_out "podman run --dns: resolv.conf" "nameserver 203.0.113.53" pmr run --rm \
		--dns 203.0.113.53 "$IMAGE" grep nameserver /etc/resolv.conf
}

group_podman_mounts_more() {
	expect_match "podman run --tmpfs /x:size=1m" '^tmpfs /x tmpfs rw,.*size=1024k' pmrun --rm \
		--tmpfs /x:size=1m "$IMAGE" grep ' /x ' /proc/mounts
	expect_match "podman --mount type=tmpfs" '^tmpfs /y tmpfs rw,.*size=2048k' pmrun --rm \
		--mount type=tmpfs,destination=/y,tmpfs-size=2m "$IMAGE" grep ' /y ' /proc/mounts
	mkdir -p "$T/mro" && echo from-host >"$T/mro/file"
	expect_out "podman --mount type=bind,ro: read" "from-host" pmrun --rm \
		--mount "type=bind,source=$T/mro,destination=/m,ro" "$IMAGE" cat /m/file
	expect_match "podman --mount type=bind,ro: write refused" 'Read-only file system' \
		pmrun --rm --mount "type=bind,source=$T/mro,destination=/m,ro" "$IMAGE" \
		sh -c 'echo x > /m/file 2>&1; true'
	expect_out "podman --read-only --read-only-tmpfs: /tmp /run /var/tmp" "ok" pmrun --rm \
		--read-only --read-only-tmpfs "$IMAGE" \
		sh -c 'touch /tmp/a /run/a /var/tmp/a && ! touch /a 2>/dev/null && echo ok'
	expect_match "podman --read-only --read-only-tmpfs=false: /tmp ro" 'Read-only file system' \
		pmrun --rm --read-only --read-only-tmpfs=false "$IMAGE" \
		sh -c 'touch /tmp/a 2>&1; true'
	# a volume with rshared makes podman ask for rootfsPropagation "shared" (pivot_root
	# refuses a shared new root: the runtime shares the rootfs only after it)
	mkdir -p "$T/rshared"
	expect_match "podman -v :rshared: the volume is shared inside" '^shared:[0-9]+$' \
		pmrun --rm -v "$T/rshared:/h:rshared" "$IMAGE" sh -c \
		'grep " /h " /proc/self/mountinfo | grep -o "shared:[0-9]*" | head -1'
	run pmrun -d --name "st-$RT_NAME-exp" "$IMAGE" sh -c 'echo data > /tmp/exported; sleep 1000'
	wait_for 10 "pm exec st-$RT_NAME-exp test -e /tmp/exported"
	run bash -c "pm export st-$RT_NAME-exp | tar tf -"
	expect_true "podman export | tar tf" "status $rc: $(printf '%s' "$out" | head -5)" \
		grep -qx 'tmp/exported' <<<"$out"
}

group_podman_devices() {
	# podman passes the host node's full st_mode (S_IFCHR | 0600) as linux.devices[].fileMode
	expect_out "podman run --device /dev/fuse" "opened" pmrun --rm --device /dev/fuse "$IMAGE" \
		sh -c 'exec 3<>/dev/fuse && echo opened'
	expect_out "podman run --device: node mode" "crw------- 10, 229" pmrun --rm \
		--device /dev/fuse "$IMAGE" sh -c 'ls -l /dev/fuse | awk "{print \$1, \$5, \$6}"'
	expect_out "podman run --device-cgroup-rule + mknod" "opened" pmrun --rm \
		--device-cgroup-rule 'c 10:229 rwm' "$IMAGE" \
		sh -c 'mknod /dev/f c 10 229 && exec 3<>/dev/f && echo opened'
	expect_match "podman run without the rule: mknod'ed node refused" \
		'Operation not permitted' \
		pmrun --rm "$IMAGE" sh -c 'mknod /dev/f c 10 229 && cat /dev/f 2>&1; true'
}

group_podman_security_more() {
	local bnd
	bnd=$(host_capbnd)
	expect_out "podman seccomp=unconfined" "Seccomp:	0" pmrun --rm \
		--security-opt seccomp=unconfined "$IMAGE" grep Seccomp: /proc/self/status
	cat >"$T/deny-mkdir.json" <<-'EOF'
		{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"],
		 "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
	EOF
	expect_out "podman custom seccomp: mkdir denied, touch allowed" "EPERM touch-ok" \
		pmrun --rm --security-opt "seccomp=$T/deny-mkdir.json" "$IMAGE" sh -c \
		'mkdir /tmp/d 2>&1 | grep -q "not permitted" && echo -n "EPERM "
		touch /tmp/f && echo touch-ok'
	expect_out "podman no-new-privileges" "NoNewPrivs:	1" pmrun --rm \
		--security-opt no-new-privileges "$IMAGE" grep NoNewPrivs: /proc/self/status
	expect_out "podman --cap-add SYS_ADMIN: mount works" "mounted" pmrun --rm \
		--cap-add SYS_ADMIN "$IMAGE" sh -c 'mount -t tmpfs t /tmp && echo mounted'
	expect_out "podman --privileged: every capability" "CapEff:	$bnd" pmrun --rm \
		--privileged "$IMAGE" grep CapEff: /proc/self/status
	expect_out "podman --privileged: host devices, sysfs rw, no seccomp" "fuse rw 0" \
		pmrun --rm --privileged "$IMAGE" sh -c 'test -c /dev/fuse && echo -n "fuse "; \
		awk "\$2 == \"/sys\" {split(\$4, o, \",\"); printf \"%s \", o[1]}" /proc/mounts; \
		awk "/^Seccomp:/ {print \$2}" /proc/self/status'
}

# v1 hierarchies: the container's own cgroups at /sys/fs/cgroup/<ctrl>; the host's sysctls are
# compared before and after (they are per-namespace and must not leak out).
group_podman_resources() {
	local before after
	expect_out "podman --cpus 0.5 --cpu-shares 512 --cpuset-cpus 0" "50000 100000 512 0" \
		pmrun --rm --cpus 0.5 --cpu-shares 512 --cpuset-cpus 0 "$IMAGE" sh -c \
		'cd /sys/fs/cgroup; echo $(cat cpu/cpu.cfs_quota_us cpu/cpu.cfs_period_us \
		cpu/cpu.shares cpuset/cpuset.cpus)'
	expect_out "podman --memory-swap --memory-reservation" "67108864 134217728 33554432" \
		pmrun --rm --memory 64m --memory-swap 128m --memory-reservation 32m "$IMAGE" sh -c \
		'cd /sys/fs/cgroup/memory; echo $(cat memory.limit_in_bytes \
		memory.memsw.limit_in_bytes memory.soft_limit_in_bytes)'
	# no BFQ/CFQ weight on these kernels: podman warns and drops the weight before the runtime
	expect_match "podman --blkio-weight: discarded by podman" 'Weight discarded' \
		pmrun --rm --blkio-weight 300 "$IMAGE" true
	before=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/sys/kernel/msgmax)
	expect_out "podman --sysctl (net, ipc) inside" "0 4096" pmrun --rm \
		--sysctl net.ipv4.ip_unprivileged_port_start=0 --sysctl kernel.msgmax=4096 \
		"$IMAGE" \
		sh -c 'cd /proc/sys; echo $(cat net/ipv4/ip_unprivileged_port_start kernel/msgmax)'
	after=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/sys/kernel/msgmax)
	expect_true "podman --sysctl: host values unchanged" "before $before, after $after" \
		[ "$before" = "$after" ]
}

group_podman_userns() {
	expect_match "podman --uidmap/--gidmap: maps" '^ +0 +100000 +65536 ?/ +0 +100000 +65536$' \
		pmrun --rm --uidmap 0:100000:65536 --gidmap 0:100000:65536 "$IMAGE" \
		sh -c 'echo $(cat /proc/self/uid_map) / $(cat /proc/self/gid_map) | sed "s/^/ /"'
	expect_out "podman --uidmap: rootfs owned by root inside" "0 0 1000" pmrun --rm \
		--uidmap 0:100000:65536 --gidmap 0:100000:65536 "$IMAGE" sh -c \
		'echo $(stat -c %u /bin/busybox) $(id -u) $(stat -c %u /home/user)'
	pmrun -d --name "st-$RT_NAME-uns" --uidmap 0:100000:65536 --gidmap 0:100000:65536 \
		"$IMAGE" sleep 1000 >/dev/null 2>&1
	run pm inspect --format '{{.State.Pid}}' "st-$RT_NAME-uns"
	expect_out "podman --uidmap: host sees the mapped uid" "100000" stat -c %u "/proc/$out"
}

# A pod: an infra container (a /pause script added to the test image) whose net, ipc and uts
# namespaces the pod's containers join by path; traffic only over the pod's own loopback.
make_pause_image() {
	pm image exists localhost/sheeppause:latest && return 0
	mkdir -p "$T/pause" && cp "$T/rootfs.tar" "$T/pause/pause.tar" || return 1
	printf '#!/bin/sh\ntrap "exit 0" TERM INT\nwhile :; do sleep 1; done\n' >"$T/pause/pause"
	chmod 755 "$T/pause/pause"
	tar -C "$T/pause" -rf "$T/pause/pause.tar" ./pause 2>/dev/null ||
		tar -C "$T/pause" --transform 's,^,./,' -rf "$T/pause/pause.tar" pause
	pm import --change 'ENV=PATH=/bin' "$T/pause/pause.tar" localhost/sheeppause:latest \
		>/dev/null 2>&1
}

# busybox readlink takes one file
NS_LINKS='for n in net ipc uts; do readlink /proc/self/ns/$n; done'

group_podman_pod() {
	local p=st-$RT_NAME-pod a b
	make_pause_image
	expect_rc "podman pod create" 0 pmr pod create --name "$p" --network none \
		--infra-image localhost/sheeppause:latest --infra-command /pause
	expect_rc "podman run --pod: server" 0 pmr run -d --pod "$p" --name "$p-srv" "$IMAGE" \
		sh -c 'while :; do echo from-server | nc -l -p 8080; done'
	wait_for 10 "pm exec $p-srv sh -c 'netstat -ltn | grep -q :8080'"
	expect_out "podman pod: localhost between containers" "from-server" pmr run --rm \
		--pod "$p" "$IMAGE" nc 127.0.0.1 8080
	run pmr exec "$p-srv" sh -c "$NS_LINKS"
	a=$out
	run pmr run --rm --pod "$p" "$IMAGE" sh -c "$NS_LINKS"
	b=$out
	expect_true "podman pod: net, ipc, uts shared" "server: $a; other: $b" \
		[ "$(grep -cE '^(net|ipc|uts):\[[0-9]+\]$' <<<"$a")" -eq 3 -a "$a" = "$b" ]
	expect_out "podman pod: hostname is the pod's" "$p" pmr run --rm --pod "$p" "$IMAGE" \
		hostname
	expect_rc "podman pod rm -f" 0 pmr pod rm -f -t 2 "$p"
	expect_rc "podman pod rm: pod gone" 1 pmr pod exists "$p"
}

group_podman_exec_more() {
	local c=st-$RT_NAME-exm bnd
	bnd=$(host_capbnd)
	pmrun -d --name "$c" "$IMAGE" sh -c "$TERM_OK" >/dev/null 2>&1
	wait_for 10 "pm logs $c | grep -q started"
	expect_out "podman exec --workdir" "/home/user" pmr exec --workdir /home/user "$c" pwd
	expect_out "podman exec --env" "v1 v2" pmr exec --env X=v1 --env Y=v2 "$c" \
		sh -c 'echo $X $Y'
	expect_out "podman exec --user nobody" "65534 65534" pmr exec --user nobody "$c" \
		sh -c 'echo $(id -u) $(id -g)'
	# the kernel names the process after the path it executed: the applet, not busybox (sheep-oci
	# goes through its exec trampoline for that, CVE-2019-5736)
	expect_out "podman exec: /proc/self/comm is the command's name" "cat" pmr exec "$c" \
		cat /proc/self/comm
	expect_rc "podman exec -d" 0 pmr exec -d "$c" sh -c 'sleep 0.5; echo bg > /tmp/bg'
	wait_for 10 "pm exec $c cat /tmp/bg"
	expect_out "podman exec -d: ran in the background" "bg" pmr exec "$c" cat /tmp/bg
	expect_out "podman exec --privileged" "CapEff:	$bnd" pmr exec --privileged "$c" \
		grep CapEff: /proc/self/status
	expect_match "podman exec (not privileged): default caps" '^CapEff:	0+[0-9a-f]{8}$' \
		pmr exec "$c" grep CapEff: /proc/self/status
	run_stdin $'typed\n' pm exec -i -t "$c" sh -c 'read x; echo "got $x"; tty'
	expect_true "podman exec -it with stdin" "status $rc, got: $out" \
		grep -q '^got typed$' <<<"$out"
}

# TERM_OK from podman.sh; this one ignores SIGTERM (sh as PID 1 with an empty trap)
TERM_IGNORED='trap "" TERM; trap "echo got-usr1" USR1; echo started; while :; do sleep 0.2; done'

group_podman_lifecycle_more() {
	local c=st-$RT_NAME-lc t0
	pmrun -d --name "$c" "$IMAGE" sh -c "$TERM_IGNORED" >/dev/null 2>&1
	wait_for 10 "pm logs $c | grep -q started"
	expect_rc "podman kill --signal USR1" 0 pmr kill --signal USR1 "$c"
	wait_for 5 "pm logs $c | grep -q got-usr1"
	expect_match "podman kill --signal USR1: trapped" '^got-usr1$' pmr logs "$c"
	run pmr top "$c" pid user comm args
	expect_true "podman top pid user comm args" "status $rc: $out" \
		grep -qE '^1 +root +sh +sh -c trap' <<<"$out"
	# attached output: a USR1 sent a second later is echoed by the trap
	CMD_TIMEOUT=3 run bash -c "(sleep 1; pm kill --signal USR1 $c >/dev/null) &
		pm attach --no-stdin --sig-proxy=false $c"
	expect_true "podman attach: live output" "status $rc: $out" \
		[ "$rc" -eq 124 -a "$(grep -cx got-usr1 <<<"$out")" -ge 1 ]
	echo to-container >"$T/cp-in"
	expect_rc "podman cp into a running container" 0 pmr cp "$T/cp-in" "$c:/tmp/cp-in"
	expect_out "podman cp: file inside" "to-container" pmr exec "$c" cat /tmp/cp-in
	pmr exec "$c" sh -c 'echo from-container > /tmp/cp-out' >/dev/null 2>&1
	expect_rc "podman cp out of a running container" 0 pmr cp "$c:/tmp/cp-out" "$T/cp-out"
	expect_out "podman cp: file on the host" "from-container" cat "$T/cp-out"
	t0=$SECONDS
	expect_rc "podman stop -t 2 (SIGTERM ignored)" 0 pmr stop -t 2 "$c"
	expect_true "podman stop -t 2: SIGKILL after 2 s" "took $((SECONDS - t0)) s" \
		[ $((SECONDS - t0)) -ge 2 -a $((SECONDS - t0)) -lt 8 ]
	expect_out "podman stop -t 2: exit code 137" "exited 137" pmr inspect --format \
		'{{.State.Status}} {{.State.ExitCode}}' "$c"
	pmrun -d --name "$c-rm" "$IMAGE" sh -c "$TERM_OK" >/dev/null 2>&1
	expect_rc "podman rm -f (running)" 0 pmr rm -f "$c-rm"
	expect_rc "podman rm -f: container gone" 1 pmr container exists "$c-rm"
}

group_podman_wait_logs() {
	local c=st-$RT_NAME-wl
	pmrun -d --name "$c" "$IMAGE" sh -c 'echo one; sleep 1; echo two; exit 5' >/dev/null 2>&1
	expect_out "podman logs -f (until exit)" $'one\ntwo' pmr logs -f "$c"
	expect_out "podman wait: exit code" "5" pmr wait "$c"
	expect_out "podman inspect after exit" "exited 5 false" pmr inspect --format \
		'{{.State.Status}} {{.State.ExitCode}} {{.State.OOMKilled}}' "$c"
	pmrun -d --name "$c-rp" --restart on-failure:2 "$IMAGE" sh -c 'exit 3' >/dev/null 2>&1
	wait_for 20 "[ \"\$(pm inspect --format '{{.RestartCount}} {{.State.Status}}' $c-rp)\" = \
		'2 exited' ]"
	expect_out "podman --restart on-failure:2" "2 exited 3" pmr inspect --format \
		'{{.RestartCount}} {{.State.Status}} {{.State.ExitCode}}' "$c-rp"
	# podman has no systemd here for the timer; "healthcheck run" runs the check once by exec
	pmrun -d --name "$c-hc" --health-cmd 'test -d /tmp' "$IMAGE" sleep 1000 >/dev/null 2>&1
	expect_rc "podman healthcheck run" 0 pmr healthcheck run "$c-hc"
	expect_out "podman healthcheck: healthy" "healthy" pmr inspect --format \
		'{{.State.Health.Status}}' "$c-hc"
}

# Namespaces joined by path (--pid/--ipc/--network container:X): the new container's processes,
# its init included, live in X's namespaces, so ps lists X's processes only and the init's own
# pid there is small; a container's host pid (the suite's shell) is no one's to signal.
PID_VIEW='echo init=$$ procs=$(ps -o pid= | wc -l) pid1=$(tr "\0" " " </proc/1/cmdline)'
JOINED_VIEW="$PID_VIEW
kill -0 "

group_podman_ns_join() {
	local c=st-$RT_NAME-nsj a b
	pmrun -d --name "$c" "$IMAGE" sleep 1000 >/dev/null 2>&1
	run pmrun --rm --pid "container:$c" "$IMAGE" sh -c "$JOINED_VIEW$$ 2>/dev/null &&
		echo host-pid-$$-signalled; true"
	expect_match "podman --pid container:X: only X's processes" \
		'^init=[0-9]{1,2} procs=[0-9] pid1=sleep 1000$' printf '%s\n' "$out"
	expect_true "podman --pid container:X: host pids out of reach" "got: $out" \
		[ "$(grep -c signalled <<<"$out")" -eq 0 -a "$rc" -eq 0 ]
	run pmr exec "$c" sh -c "$NS_LINKS; readlink /proc/self/ns/pid"
	a=$out
	run pmr run --rm --pid "container:$c" --ipc "container:$c" --network "container:$c" \
		"$IMAGE" sh -c "$NS_LINKS; readlink /proc/self/ns/pid; true"
	b=$out
	expect_true "podman --pid/--ipc/--network container:X: same namespaces" "X: $a; new: $b" \
		[ "$(grep -cE '^(net|ipc|uts|pid):\[[0-9]+\]$' <<<"$a")" -eq 4 -a \
		"$(sed '3d' <<<"$a")" = "$(sed '3d' <<<"$b")" ]
}

# conmon --timeout kills the init's process group (getpgid of the init): like runc, the runtime
# gives the init, and each exec'd process, a session and process group of its own.
SESSION='echo $(cut -d" " -f5,6 /proc/$$/stat)'

group_podman_session() {
	local c=st-$RT_NAME-to t0
	expect_out "podman run: the init leads its own session" "1 1" pmrun --rm "$IMAGE" \
		sh -c "$SESSION; true"
	pmrun -d --name "$c-x" "$IMAGE" sleep 1000 >/dev/null 2>&1
	run pmr exec "$c-x" sh -c 'echo $$ $(cut -d" " -f5,6 /proc/$$/stat)'
	expect_true "podman exec: the process leads its own session" "status $rc: $out" \
		[ "$rc" -eq 0 -a "$(awk '$1 == $2 && $2 == $3' <<<"$out")" = "$out" -a -n "$out" ]
	t0=$SECONDS
	CMD_TIMEOUT=40 run pmrun --name "$c" --timeout 2 "$IMAGE" sleep 100
	expect_true "podman run --timeout 2: killed after 2 s" \
		"status $rc after $((SECONDS - t0)) s: $out" \
		[ $((SECONDS - t0)) -lt 10 -a "$rc" -ne 0 ]
	expect_match "podman run --timeout 2: exited, conmon recorded it" '^exited ' \
		pmr inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$c"
}
