#!/bin/sh
# Exec latency benchmark: one long-running container per runtime (sheep-oci, runc, crun), then N
# foreground `exec ID /probe true` per runtime, interleaved (one of each per round, the order
# rotated every round) so that drift of the machine hits all three alike. Reports median, mean and
# p90 ms per exec, the sheep-oci/crun and sheep-oci/runc ratios and the peak RSS of an exec.
#
# The environment is the lifecycle benchmark's (bench/lifecycle/run.sh): all three runtimes in one
# private mount namespace (unshare -m) whose /sys/fs/cgroup is a pure cgroup2 mount, one config
# for all three: `sheep-oci spec`, terminal false, ociVersion 1.0.2, no linux.resources; the
# container's process is `/probe sleep 1000000`.
#
# Usage: bench/exec/run.sh [SHEEP_OCI] [N]      (as root)
#   env RUNC=/usr/sbin/runc CRUN=/usr/bin/crun PROBE=<static probe> WARMUP=3
#       RAW=DIR (keep the raw per-exec lines: ns, max RSS KiB, exit status)
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)

BENCH_NAME=bench/exec
BENCH_PREFIX=exb
. "$TOP/bench/lib.sh"

if [ "$INNER" = 1 ]; then
	bench_enter_inner

	# One detached container per runtime; its stdio is /dev/null so that nothing holds a pipe.
	for rt in sheep runc crun; do
		eval bin=\$BIN_$rt
		if ! "$bin" --root "$W/state-$rt" run -d --bundle "$W/bundle" "$PREFIX-$rt" \
			</dev/null >/dev/null 2>"$W/err-$rt"; then
			echo "bench/exec: $rt run -d $PREFIX-$rt failed:" >&2
			cat "$W/err-$rt" >&2
			exit 1
		fi
		st=$("$bin" --root "$W/state-$rt" state "$PREFIX-$rt" | jq -r .status)
		[ "$st" = running ] || die "$rt: container $PREFIX-$rt is '$st', not running"
	done

	one() { # $1 runtime, $2 output file; aborts with the runtime's error
		eval bin=\$BIN_$1
		# the timer's line is the last one (the probe prints nothing, but be sure)
		res=$("$W/timer" "$bin" --root "$W/state-$1" exec "$PREFIX-$1" /probe true \
			</dev/null 2>"$W/err-$1" | tail -n 1)
		echo "$res" >>"$2"
		set -- "$1" "$2" $res
		if [ "${5:-none}" != 0 ]; then
			echo "bench/exec: $1 exec $PREFIX-$1 /probe true exited ${5:-?}:" >&2
			cat "$W/err-$1" >&2
			exit 1
		fi
	}
	i=0
	while [ $i -lt "$WARMUP" ]; do
		for rt in sheep runc crun; do one $rt "$W/warmup"; done
		i=$((i + 1))
	done
	i=0
	while [ $i -lt "$N" ]; do
		case $((i % 3)) in
		0) order="sheep runc crun" ;;
		1) order="runc crun sheep" ;;
		*) order="crun sheep runc" ;;
		esac
		for rt in $order; do one $rt "$W/times-$rt"; done
		i=$((i + 1))
	done
	exit 0
fi

# ---- outside: checks, bundle, the namespace, the report --------------------------------------
[ "$(id -u)" = 0 ] || die "needs root (namespaces, mounts, cgroups)"
for b in "$SHEEP_OCI" "$RUNC" "$CRUN" "$PROBE"; do
	[ -x "$b" ] || die "no executable $b"
done
for t in jq unshare cc; do
	command -v $t >/dev/null || die "needs $t"
done

W=$(mktemp -d /tmp/sheep-bench-exec.XXXXXX)
# sheep-oci's default parent cgroup (sheep-oci/ in the v2 hierarchy): removed at the end only if
# this run created it and it is empty (rmdir fails while another user's container is in it).
SHEEP_PARENT=/sys/fs/cgroup/unified/sheep-oci
PARENT_EXISTED=0
[ -d "$SHEEP_PARENT" ] && PARENT_EXISTED=1
outer_cleanup() {
	# The inner trap deletes the containers; if it never ran (killed), processes and cgroups
	# left behind are found by prefix in the host's view of the v2 hierarchy.
	[ -d /sys/fs/cgroup/unified ] && kill_prefixed_cgroups /sys/fs/cgroup/unified
	[ "$PARENT_EXISTED" = 0 ] && [ -d "$SHEEP_PARENT" ] && rmdir "$SHEEP_PARENT" 2>/dev/null || true
	rm -rf "$W"
}
trap outer_cleanup EXIT
trap 'exit 130' INT TERM

# The lifecycle benchmark's timer: CLOCK_MONOTONIC around fork..wait4, plus ru_maxrss.
cc -O2 -o "$W/timer" "$HERE/../lifecycle/timer.c" || die "cannot build the timer"

mkdir -p "$W/bundle/rootfs" "$W/state-sheep" "$W/state-runc" "$W/state-crun"
cp "$PROBE" "$W/bundle/rootfs/probe"
(cd "$W/bundle" && "$SHEEP_OCI" spec) || die "sheep-oci spec failed"
jq '.ociVersion = "1.0.2" | .process.terminal = false |
	.process.args = ["/probe", "sleep", "1000000"] | del(.linux.resources)' \
	"$W/bundle/config.json" >"$W/config.tmp"
mv "$W/config.tmp" "$W/bundle/config.json"

cat >"$W/env" <<EOF
SHEEP_OCI='$SHEEP_OCI'
RUNC='$RUNC'
CRUN='$CRUN'
N='$N'
WARMUP='$WARMUP'
PREFIX='$PREFIX'
EOF

echo "sheep-oci exec benchmark: $N foreground 'exec ID /probe true' per runtime, interleaved," \
	"$WARMUP warm-up"
echo "  sheep-oci: $SHEEP_OCI ($("$SHEEP_OCI" --version 2>&1 | head -1))"
echo "  runc:      $RUNC ($("$RUNC" --version | head -1))"
echo "  crun:      $CRUN ($("$CRUN" --version | head -1))"
echo "  container: one per runtime, 'run -d' of /probe sleep 1000000 (static probe $PROBE)"
echo "  config:    sheep-oci spec, terminal false, ociVersion 1.0.2, linux.resources removed;"
echo "             the same config.json for all three runtimes"
echo "  wrapper:   all three in one 'unshare -m' namespace whose /sys/fs/cgroup is a private"
echo "             cgroup2 mount (the host's hybrid v1 mounts unmounted there only)"
echo "  clock:     CLOCK_MONOTONIC around fork..wait4 of the runtime (bench/lifecycle/timer.c)"
echo "  kernel $(uname -r), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo

bench_run_inner
bench_print_table
set -- $S
s_med=$1 s_mean=$2
set -- $C
c_med=$1 c_mean=$2
set -- $R
r_med=$1 r_mean=$2
awk -v sm="$s_med" -v sa="$s_mean" -v cm="$c_med" -v ca="$c_mean" -v rm="$r_med" -v ra="$r_mean" \
	'BEGIN {
	printf "exec sheep-oci/crun: %.2fx (median), %.2fx (mean)   target <= 0.70x crun: %s\n",
		sm / cm, sa / ca, sm / cm <= 0.7 ? "MET" : "NOT MET";
	printf "exec sheep-oci/runc: %.2fx (median), %.2fx (mean)\n", sm / rm, sa / ra }'
echo "exec paired per-round median ratio: sheep-oci/crun $(paired crun)x," \
	"sheep-oci/runc $(paired runc)x"
echo "(peak RSS: ru_maxrss from wait4, the runtime plus the children it reaped, as time -f %M)"
