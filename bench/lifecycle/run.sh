#!/bin/sh
# Lifecycle benchmark: N sequential foreground `run` of a container whose process is a static
# /bin/true equivalent, for sheep-oci, runc and crun, interleaved (one of each per round, the order
# rotated every round) so that drift of the machine hits all three alike. Reports median, mean and
# p90 ms per container, the sheep-oci/crun and sheep-oci/runc ratios and the peak RSS of a run.
#
# All three runtimes run in one private mount namespace (unshare -m) where /sys/fs/cgroup is a pure
# cgroup2 mount: crun refuses this host's hybrid layout, so the same view is given to all three.
# The config is `sheep-oci spec` with terminal false, args /probe true (or busybox true), ociVersion
# 1.0.2 (crun 1.8.1 rejects 1.3.0) and no linux.resources, identical for the three runtimes.
#
# Usage: bench/lifecycle/run.sh [SHEEP_OCI] [N]      (as root)
#   env RUNC=/usr/sbin/runc CRUN=/usr/bin/crun PROBE=<static probe> WARMUP=3
#       RAW=DIR (keep the raw per-run lines: ns, max RSS KiB, exit status)
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)

BENCH_NAME=bench/lifecycle
BENCH_PREFIX=lcb
. "$TOP/bench/lib.sh"

if [ "$INNER" = 1 ]; then
	bench_enter_inner

	one() { # $1 runtime, $2 id suffix, $3 output file; aborts with the runtime's error
		eval bin=\$BIN_$1
		res=$("$W/timer" "$bin" --root "$W/state-$1" run --bundle "$W/bundle" \
			"$PREFIX-$1-$2" </dev/null 2>"$W/err-$1")
		echo "$res" >>"$3"
		set -- "$1" "$2" $res
		if [ "${5:-none}" != 0 ]; then
			echo "run.sh: $1 run $PREFIX-$1-$2 exited $5:" >&2
			cat "$W/err-$1" >&2
			exit 1
		fi
	}
	i=0
	while [ $i -lt "$WARMUP" ]; do
		for rt in sheep runc crun; do one $rt w$i "$W/warmup"; done
		i=$((i + 1))
	done
	i=0
	while [ $i -lt "$N" ]; do
		case $((i % 3)) in
		0) order="sheep runc crun" ;;
		1) order="runc crun sheep" ;;
		*) order="crun sheep runc" ;;
		esac
		for rt in $order; do one $rt $i "$W/times-$rt"; done
		i=$((i + 1))
	done
	exit 0
fi

# ---- outside: checks, bundle, the namespace, the report --------------------------------------
[ "$(id -u)" = 0 ] || die "needs root (namespaces, mounts, cgroups)"
for b in "$SHEEP_OCI" "$RUNC" "$CRUN"; do
	[ -x "$b" ] || die "no executable $b"
done
for t in jq unshare cc; do
	command -v $t >/dev/null || die "needs $t"
done

W=$(mktemp -d /tmp/sheep-bench-lifecycle.XXXXXX)
outer_cleanup() {
	# The inner trap deletes the containers; if it never ran (killed), processes and cgroups
	# left behind are found by prefix in the host's view of the v2 hierarchy.
	[ -d /sys/fs/cgroup/unified ] && kill_prefixed_cgroups /sys/fs/cgroup/unified
	rm -rf "$W"
}
trap outer_cleanup EXIT
trap 'exit 130' INT TERM

cc -O2 -o "$W/timer" "$HERE/timer.c" || die "cannot build the timer"

mkdir -p "$W/bundle/rootfs" "$W/state-sheep" "$W/state-runc" "$W/state-crun"
if [ -x "$PROBE" ]; then
	cp "$PROBE" "$W/bundle/rootfs/probe"
	ARGS='["/probe","true"]'
	PAYLOAD="static probe ($PROBE): /probe true"
elif [ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q static; then
	mkdir -p "$W/bundle/rootfs/bin"
	cp /bin/busybox "$W/bundle/rootfs/bin/busybox"
	ARGS='["/bin/busybox","true"]'
	PAYLOAD="busybox-static: /bin/busybox true"
else
	die "no static payload: build tests/probe/probe or install busybox-static"
fi
(cd "$W/bundle" && "$SHEEP_OCI" spec) || die "sheep-oci spec failed"
jq --argjson args "$ARGS" '.ociVersion = "1.0.2" | .process.terminal = false |
	.process.args = $args | del(.linux.resources)' "$W/bundle/config.json" >"$W/config.tmp"
mv "$W/config.tmp" "$W/bundle/config.json"

cat >"$W/env" <<EOF
SHEEP_OCI='$SHEEP_OCI'
RUNC='$RUNC'
CRUN='$CRUN'
N='$N'
WARMUP='$WARMUP'
PREFIX='$PREFIX'
EOF

echo "sheep-oci lifecycle benchmark: $N sequential 'run' per runtime, interleaved, $WARMUP warm-up"
echo "  sheep-oci: $SHEEP_OCI ($("$SHEEP_OCI" --version 2>&1 | head -1))"
echo "  runc:      $RUNC ($("$RUNC" --version | head -1))"
echo "  crun:      $CRUN ($("$CRUN" --version | head -1))"
echo "  payload:   $PAYLOAD"
echo "  config:    sheep-oci spec, terminal false, ociVersion 1.0.2, linux.resources removed;"
echo "             the same config.json for all three runtimes (fair: no runtime sets limits)"
echo "  wrapper:   all three in one 'unshare -m' namespace whose /sys/fs/cgroup is a private"
echo "             cgroup2 mount (the host's hybrid v1 mounts unmounted there only)"
echo "  clock:     CLOCK_MONOTONIC around fork..wait4 of the runtime (bench/lifecycle/timer.c)"
echo "  kernel $(uname -r), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo

bench_run_inner
bench_print_table
set -- $S
s_med=$1 s_mean=$2 s_rss=$4
set -- $C
c_med=$1 c_mean=$2
set -- $R
r_med=$1 r_mean=$2
awk -v sm="$s_med" -v sa="$s_mean" -v cm="$c_med" -v ca="$c_mean" -v rm="$r_med" -v ra="$r_mean" \
	-v rss="$s_rss" 'BEGIN {
	printf "sheep-oci/crun: %.2fx (median), %.2fx (mean)   target <= 0.70x crun: %s\n",
		sm / cm, sa / ca, sm / cm <= 0.7 ? "MET" : "NOT MET";
	printf "sheep-oci/runc: %.2fx (median), %.2fx (mean)\n", sm / rm, sa / ra;
	printf "sheep-oci peak RSS of one run: %.2f MiB (median of %s)   target <= 2 MiB: %s\n",
		rss / 1024, "runs", rss <= 2048 ? "MET" : "NOT MET" }'
echo "paired per-round median ratio: sheep-oci/crun $(paired crun)x, sheep-oci/runc $(paired runc)x"
echo "(peak RSS: ru_maxrss from wait4, the runtime plus the children it reaped, as time -f %M)"
