#!/bin/bash
# Leak soak (issue 10): N sequential foreground `run`s, then N create/start/kill/delete cycles, on
# a private --root. Before and after, counts what a leaking runtime would leave on the host
# (mounts, cgroups named after the soak's ids, veths, nft elements, IPAM leases, state dirs,
# runtime processes and their fds, zombies) and prints them side by side with the time per cycle
# over the first and the last 10% of each phase. Exits 1 if a count differs or a cycle failed.
#
# Usage: bench/soak/run.sh [--network [--publish SPEC]] [N]      (as root; N defaults to 1000)
#   env SHEEP_OCI=<sheep-oci> PROBE=<static probe> SHEEP_NET=<sheep-net>
#       (defaults: the build-soak build directory of this tree)
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
SHEEP_OCI=${SHEEP_OCI:-$TOP/build-soak/src/cli/sheep-oci}
PROBE=${PROBE:-$TOP/build-soak/tests/probe/probe}
SHEEP_NET=${SHEEP_NET:-$(dirname "$SHEEP_OCI")/../net/sheep-net}
NETWORK=0
PUBLISH=()
N=1000

die() {
	echo "soak: $*" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--network) NETWORK=1 ;;
	--publish) PUBLISH+=(--publish "$2") && shift ;;
	[0-9]*) N=$1 ;;
	*) die "usage: $0 [--network [--publish SPEC]] [N]" ;;
	esac
	shift
done
[ "$N" -ge 10 ] || die "N must be at least 10"
[ "$(id -u)" -eq 0 ] || die "must run as root"
[ -x "$SHEEP_OCI" ] || die "SHEEP_OCI='$SHEEP_OCI' is not executable"
[ -x "$PROBE" ] || die "PROBE='$PROBE' is not executable"
[ "$NETWORK" -eq 0 ] || [ -x "$SHEEP_NET" ] || die "SHEEP_NET='$SHEEP_NET' is not executable"
SHEEP_OCI=$(readlink -f "$SHEEP_OCI")
SHEEP_NET=$(readlink -f "$SHEEP_NET")

PREFIX=soak$$
W=$(mktemp -d "/tmp/$PREFIX.XXXXXX")
ROOT=$W/root
mkdir -p "$ROOT"

# On any exit: force-delete whatever this soak left under its root, then remove its files.
cleanup() {
	local id
	for id in $(ls -A "$ROOT" 2>/dev/null); do
		timeout 30 "$SHEEP_OCI" --root "$ROOT" delete --force "$id" </dev/null >/dev/null 2>&1
	done
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# bundle DIR ARGS...: a rootfs with the probe (and busybox for debugging), config from `spec`.
bundle() {
	local b=$1 args
	shift
	mkdir -p "$b/rootfs"/{bin,proc,sys,dev,tmp}
	cp "$PROBE" "$b/rootfs/probe"
	cp /bin/busybox "$b/rootfs/bin/busybox" 2>/dev/null
	if [ "$NETWORK" -eq 1 ]; then
		"$SHEEP_OCI" spec --bundle "$b" --network "${PUBLISH[@]}" || die "spec --network failed"
		# spec writes the installed path of sheep-net; the soak uses the one next to the runtime.
		jq --arg n "$SHEEP_NET" '.hooks[][].path = $n' "$b/config.json" >"$b/c" || die "jq"
		mv "$b/c" "$b/config.json"
	else
		"$SHEEP_OCI" spec --bundle "$b" || die "spec failed"
	fi
	args=$(printf '%s\n' "$@" | jq -R . | jq -s -c .)
	jq ".process.terminal = false | .process.args = $args | .root.readonly = false" \
		"$b/config.json" >"$b/c" || die "jq"
	mv "$b/c" "$b/config.json"
}

# counts TAG: one "name value" line per resource.
counts() {
	local p exe nproc=0 nfd=0 leases=0 elems=0 f
	echo "mounts_soak $(grep -cF -- " $W" /proc/self/mountinfo)"
	echo "mounts_total $(wc -l </proc/self/mountinfo)"
	echo "cgroup_dirs $(find /sys/fs/cgroup -type d -name "$PREFIX-*" 2>/dev/null | wc -l)"
	echo "veths $(ip -o link show type veth | wc -l)"
	echo "sheep_net_veths $(ip -o link | grep -cE '^[0-9]+: sh[0-9a-f]{12}[@:]')"
	if nft list table ip sheep >/dev/null 2>&1; then
		elems=$(nft -j list table ip sheep | jq '[.nftables[] | (.set // .map // empty) |
			(.elem // []) | length] | add // 0')
	fi
	echo "nft_elements $elems"
	for f in /run/sheep-net/*/leases; do
		[ -f "$f" ] && leases=$((leases + $(grep -cvE '^(network|last) ' "$f")))
	done
	echo "ipam_leases $leases"
	echo "state_dirs $(ls -A "$ROOT" | wc -l)"
	for p in /proc/[0-9]*; do
		exe=$(readlink "$p/exe" 2>/dev/null) || continue
		[ "$exe" = "$SHEEP_OCI" ] || continue
		nproc=$((nproc + 1))
		nfd=$((nfd + $(ls "$p/fd" 2>/dev/null | wc -l)))
	done
	echo "runtime_procs $nproc"
	echo "runtime_fds $nfd"
	ls -l /proc/$$/fd >"$W/fds.$1"
	echo "soak_shell_fds $(grep -c -- '->' "$W/fds.$1")"
	echo "zombie_children $(ps --ppid $$ -o stat= | grep -c '^Z')"
	echo "zombies_runtime $(zombies_runtime)"
	# Other users of the machine mount and leave zombies too: global counts are printed only.
	echo "zombies_global $(ps -eo stat= | grep -c '^Z')"
}

# zombies_runtime: zombies among the container inits of the create cycles (pids from `state`,
# listed in $W/pids). A detached container's init is reparented to PID 1 when `create` exits, so
# after kill it is a zombie until PID 1 reaps it.
zombies_runtime() {
	local p n=0
	for p in $(cat "$W/pids" 2>/dev/null); do
		[ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" = Z ] && n=$((n + 1))
	done
	echo $n
}

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# settle: gives PID 1 up to 10 s to reap killed container processes (see zombies_runtime).
settle() {
	local i t0
	t0=$(now_ms)
	for ((i = 0; i < 100; i++)); do
		[ "$(zombies_runtime)" -eq 0 ] && break
		sleep 0.1
	done
	echo "soak: waited $(($(now_ms) - t0)) ms for PID 1 to reap killed container processes"
}

FAILS=0
TIMES=()

# cycle NAME CMD...: times one cycle into TIMES; a failure is counted and its output printed.
cycle() {
	local t0 out rc
	t0=$(now_ms)
	out=$("${@:2}" 2>&1)
	rc=$?
	TIMES+=($(($(now_ms) - t0)))
	if [ $rc -ne 0 ]; then
		FAILS=$((FAILS + 1))
		echo "soak: $1 failed (status $rc): $out" >&2
	fi
}

rt() {
	timeout -k 5 60 "$SHEEP_OCI" --root "$ROOT" "$@" </dev/null
}

run_once() {
	rt run --bundle "$W/run" "$1" >/dev/null
}

# create/start/kill KILL/wait for "stopped"/delete; the container pauses until killed.
lifecycle_once() {
	local i st
	rt create --bundle "$W/life" "$1" >/dev/null || return
	rt state "$1" | jq -r .pid >>"$W/pids" && rt start "$1" && rt kill "$1" KILL || return
	for ((i = 0; i < 500; i++)); do
		st=$(rt state "$1" | jq -r .status) || return
		[ "$st" = stopped ] && break
		sleep 0.01
	done
	[ "$st" = stopped ] || { echo "$1 still $st after kill"; return 1; }
	rt delete "$1"
}

# summary PHASE: mean ms per cycle over the first and last 10% of TIMES.
summary() {
	local k=$((${#TIMES[@]} / 10)) first=0 last=0 i
	for ((i = 0; i < k; i++)); do
		first=$((first + TIMES[i]))
		last=$((last + TIMES[${#TIMES[@]} - k + i]))
	done
	printf '%-24s %8d cycles  first 10%%: %6.1f ms/cycle  last 10%%: %6.1f ms/cycle\n' \
		"$1" "${#TIMES[@]}" "$(echo "$first / $k" | bc -l)" "$(echo "$last / $k" | bc -l)"
}

bundle "$W/run" /probe true
bundle "$W/life" /probe pause
# One warm-up of each outside the counts: the first networked container may create the bridge,
# the nft table and the lease file, which then stay by design.
cycle warmup run_once "$PREFIX-w0"
cycle warmup lifecycle_once "$PREFIX-w1"
FAILS=0

settle
counts before >"$W/before"
echo "soak: $N runs and $N create/start/kill/delete cycles$([ "$NETWORK" -eq 0 ] || echo \
	", networked ${PUBLISH[*]}"), runtime $SHEEP_OCI"

TIMES=()
for ((i = 0; i < N; i++)); do
	cycle "run $i" run_once "$PREFIX-r$i"
done
summary "run"
TIMES=()
for ((i = 0; i < N; i++)); do
	cycle "lifecycle $i" lifecycle_once "$PREFIX-c$i"
done
summary "create/start/kill/delete"

settle
counts after >"$W/after"
rc=0
printf '\n%-22s %10s %10s\n' resource before after
while read -r name before; do
	after=$(awk -v n="$name" '$1 == n {print $2}' "$W/after")
	mark=
	if [ "$name" = zombies_global ] || [ "$name" = mounts_total ]; then
		mark="  (whole machine, not compared)"
	elif [ "$before" != "$after" ]; then
		mark="  <-- differs"
		rc=1
	fi
	printf '%-22s %10s %10s%s\n' "$name" "$before" "$after" "$mark"
done <"$W/before"
echo "failed cycles: $FAILS"
[ "$FAILS" -eq 0 ] || rc=1
exit $rc
