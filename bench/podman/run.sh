#!/usr/bin/env bash
# podman benchmark: end-to-end time of `podman run --rm IMAGE true` (podman, conmon, the runtime,
# storage, cleanup) with --runtime sheep-oci against --runtime runc, N runs each, interleaved (the
# order swapped every round). Reports median, mean and p90 ms and the sheep-oci/runc ratios.
#
# The image is built without a registry: a busybox-static rootfs tar -> `podman import`, in a
# private --root/--runroot/--tmpdir under a temp dir. Containers run with --cgroup-manager cgroupfs
# under a cgroup parent named after this run, --network none and explicit ulimits (podman as root
# asks for RLIMIT_NOFILE/NPROC 1048576, which these machines refuse even to root).
#
# Usage: bench/podman/run.sh [SHEEP_OCI] [N]      (as root)
#   env RUNC=/usr/sbin/runc WARMUP=2 RAW=DIR (keep the per-run lines: ns, max RSS KiB, status)
set -euo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
SHEEP_OCI=${1:-$TOP/build-bench/src/cli/sheep-oci}
N=${2:-30}
RUNC=${RUNC:-/usr/sbin/runc}
WARMUP=${WARMUP:-2}
PREFIX=pmb$$
IMAGE=localhost/$PREFIX:latest
case "$SHEEP_OCI" in /*) ;; *) SHEEP_OCI=$PWD/$SHEEP_OCI ;; esac

die() {
	echo "bench/podman: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || die "needs root (podman as root, cgroups)"
for b in "$SHEEP_OCI" "$RUNC"; do
	[ -x "$b" ] || die "no executable $b"
done
for t in podman conmon cc tar /bin/busybox; do
	command -v "$t" >/dev/null || die "needs $t"
done

W=$(mktemp -d /tmp/sheep-bench-podman.XXXXXX)

# podman with this run's private storage and configuration only.
pm() {
	podman --root "$W/root" --runroot "$W/run" --tmpdir "$W/tmp" \
		--cgroup-manager cgroupfs --events-backend file "$@"
}

# State directories podman may create on first use, and cgroups: removed only if this run made them.
MACHINE_DIRS="/run/libpod /run/containers"
before=()
for p in $MACHINE_DIRS; do
	[ -e "$p" ] && before+=("$p")
done
made_here() { # $1 path -> true if it did not exist when the run started
	local b
	for b in "${before[@]+"${before[@]}"}"; do
		[ "$b" = "$1" ] && return 1
	done
	return 0
}

# Every cgroup of this run's containers (and of their conmon) is under /<ctrl>/$PREFIX.
remove_prefixed_cgroups() {
	local d p
	for d in $(find /sys/fs/cgroup -mindepth 1 -maxdepth 3 -depth -type d \
		-path "*/$PREFIX*" 2>/dev/null | sort -r); do
		for p in $(cat "$d/cgroup.procs" 2>/dev/null); do
			kill -9 "$p" 2>/dev/null || true
		done
	done
	for d in $(find /sys/fs/cgroup -mindepth 1 -maxdepth 3 -depth -type d \
		-path "*/$PREFIX*" 2>/dev/null | sort -r); do
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			rmdir "$d" 2>/dev/null && break
			sleep 0.1
		done
		[ -d "$d" ] && echo "bench/podman: could not remove cgroup $d" >&2
	done
	return 0
}

cleanup() {
	set +e
	if [ -d "$W/root" ]; then
		pm rm -af -t 0 >/dev/null 2>&1
		pm rmi -af >/dev/null 2>&1
	fi
	remove_prefixed_cgroups
	# overlay and shm mounts podman left under the temp dir, deepest first
	awk -v t="$W/" 'index($2, t) == 1 { print $2 }' /proc/self/mounts | sort -r |
		xargs -r -n1 umount -l
	for p in $MACHINE_DIRS; do
		made_here "$p" && rm -rf "$p"
	done
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cc -O2 -o "$W/timer" "$HERE/../lifecycle/timer.c" || die "cannot build the timer"

# The image: busybox-static and its applet links, /etc/passwd and /etc/group.
root=$W/rootfs
mkdir -p "$root"/{bin,etc,tmp,proc,sys,dev,root} "$W/tmp"
cp /bin/busybox "$root/bin/busybox"
for a in $(/bin/busybox --list); do
	[ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"
done
printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
printf '%s\n' 'root:x:0:' >"$root/etc/group"
chmod 1777 "$root/tmp"
tar -C "$root" -cf "$W/rootfs.tar" .
pm import --change 'ENV=PATH=/bin' --change 'CMD=["/bin/sh"]' "$W/rootfs.tar" "$IMAGE" \
	>"$W/import.log" 2>&1 || { cat "$W/import.log" >&2; die "podman import failed"; }

# A name per runtime that podman derives from the path's basename (runc's default JSON-log list
# names runc, not sheep-oci: both get the same treatment through this list).
cat >"$W/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
runtime_supports_json = ["crun", "runc", "sheep-oci"]
EOF
export CONTAINERS_CONF=$W/containers.conf

one() { # $1 sheep|runc, $2 round label, $3 output file; aborts with podman's error
	local bin=$SHEEP_OCI res
	[ "$1" = runc ] && bin=$RUNC
	res=$("$W/timer" timeout -k 5 60 podman --root "$W/root" --runroot "$W/run" \
		--tmpdir "$W/tmp" --cgroup-manager cgroupfs --events-backend file \
		run --rm --runtime "$bin" --name "$PREFIX-$1-$2" --cgroup-parent "/$PREFIX" \
		--network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
		"$IMAGE" true </dev/null 2>"$W/err-$1" | tail -n 1)
	echo "$res" >>"$3"
	set -- "$1" "$2" $res
	if [ "${5:-none}" != 0 ]; then
		echo "bench/podman: podman run --runtime $bin exited ${5:-?}:" >&2
		cat "$W/err-$1" >&2
		exit 1
	fi
}

echo "podman benchmark: $N 'podman run --rm IMAGE true' per runtime, interleaved, $WARMUP warm-up"
echo "  podman:    $(podman --version), $(conmon --version | head -1)"
echo "  sheep-oci: $SHEEP_OCI ($("$SHEEP_OCI" --version 2>&1 | head -1))"
echo "  runc:      $RUNC ($("$RUNC" --version | head -1))"
echo "  image:     busybox-static rootfs, podman import; process: true (busybox applet)"
echo "  flags:     private --root/--runroot/--tmpdir, --cgroup-manager cgroupfs,"
echo "             --network none, --ulimit nofile=1024:1024 --ulimit nproc=1024:1024"
echo "  clock:     CLOCK_MONOTONIC around fork..wait4 of podman (bench/lifecycle/timer.c)"
echo "  kernel $(uname -r), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo

for ((i = 0; i < WARMUP; i++)); do
	for rt in sheep runc; do one $rt w$i "$W/warmup"; done
done
for ((i = 0; i < N; i++)); do
	if ((i % 2 == 0)); then order="sheep runc"; else order="runc sheep"; fi
	for rt in $order; do one $rt $i "$W/times-$rt"; done
done

stats() { # $1 runtime -> "median mean p90" (ms)
	cut -d' ' -f1 "$W/times-$1" | sort -n | awk '{ v[NR] = $1; s += $1 }
		END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
		      p = int(0.9 * NR + 0.999999); if (p < 1) p = 1;
		      printf "%.1f %.1f %.1f", m / 1e6, s / NR / 1e6, v[p] / 1e6 }'
}
if [ -n "${RAW:-}" ]; then
	mkdir -p "$RAW" && for rt in sheep runc; do cp "$W/times-$rt" "$RAW/podman-$rt.txt"; done
fi
S=$(stats sheep)
R=$(stats runc)
printf '%-20s %10s %10s %10s\n' "podman --runtime" "median ms" "mean ms" "p90 ms"
for row in "sheep-oci $S" "runc $R"; do
	set -- $row
	printf '%-20s %10s %10s %10s\n' "$1" "$2" "$3" "$4"
done
echo
set -- $S
s_med=$1 s_mean=$2
set -- $R
awk -v sm="$s_med" -v sa="$s_mean" -v rm="$1" -v ra="$2" 'BEGIN {
	printf "podman run --rm sheep-oci/runc: %.2fx (median), %.2fx (mean)\n", sm / rm, sa / ra }'
paired=$(paste -d' ' "$W/times-sheep" "$W/times-runc" | awk '{ print $1 / $4 }' | sort -g |
	awk '{ v[NR] = $1 }
	END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f", m }')
echo "podman run --rm paired per-round median ratio: sheep-oci/runc ${paired}x"
