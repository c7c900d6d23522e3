# Shared by the benchmarks that compare sheep-oci, runc and crun side by side (bench/lifecycle,
# bench/exec): arguments and defaults, cleanup of what a run made (containers and cgroups carrying
# its prefix), and the private mount namespace with a pure cgroup2 on /sys/fs/cgroup that crun
# needs on this host's hybrid layout. Sourced with HERE, TOP, BENCH_NAME and BENCH_PREFIX set.

if [ "${1:-}" = "--inner" ]; then
	INNER=1
	W=$2
	. "$W/env"
else
	INNER=0
	SHEEP_OCI=${1:-$TOP/build-bench/src/cli/sheep-oci}
	N=${2:-100}
	RUNC=${RUNC:-/usr/sbin/runc}
	CRUN=${CRUN:-/usr/bin/crun}
	PROBE=${PROBE:-$TOP/build-bench/tests/probe/probe}
	WARMUP=${WARMUP:-3}
	PREFIX=$BENCH_PREFIX$$
	abspath() { case "$1" in /*) echo "$1" ;; */*) echo "$PWD/$1" ;; *) command -v "$1" || echo "$1" ;; esac; }
	SHEEP_OCI=$(abspath "$SHEEP_OCI")
	RUNC=$(abspath "$RUNC")
	CRUN=$(abspath "$CRUN")
	PROBE=$(abspath "$PROBE")
fi

die() {
	echo "$BENCH_NAME: $*" >&2
	exit 1
}

# Containers and cgroups this run made carry $PREFIX in their id; nothing else is touched.
kill_prefixed_cgroups() { # $1: a cgroup2 mount point
	for d in $(find "$1" -mindepth 1 -maxdepth 4 -depth -type d -name "$PREFIX*" 2>/dev/null); do
		for p in $(cat "$d/cgroup.procs" 2>/dev/null); do
			kill -9 "$p" 2>/dev/null || true
		done
		# children first (-depth); a cgroup empties a moment after its last process is reaped
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			rmdir "$d" 2>/dev/null && break
			sleep 0.1
		done
		[ -d "$d" ] && echo "$BENCH_NAME: could not remove cgroup $d" >&2
	done
	return 0
}

# In the private mount namespace: cleanup on exit, and a pure cgroup2 on /sys/fs/cgroup.
bench_enter_inner() {
	inner_cleanup() {
		for rt in sheep runc crun; do
			eval bin=\$BIN_$rt
			for id in $("$bin" --root "$W/state-$rt" list -q 2>/dev/null); do
				case "$id" in "$PREFIX"*) "$bin" --root "$W/state-$rt" delete -f "$id" \
					>/dev/null 2>&1 || echo "$BENCH_NAME: $rt delete -f $id failed" >&2 ;;
				esac
			done
		done
		kill_prefixed_cgroups /sys/fs/cgroup
	}
	trap inner_cleanup EXIT
	trap 'exit 130' INT TERM
	# Private propagation first, so the umount and the mount below never reach the host.
	mount --make-rprivate /
	umount -R /sys/fs/cgroup 2>/dev/null || umount -l /sys/fs/cgroup 2>/dev/null || true
	mount -t cgroup2 none /sys/fs/cgroup
	BIN_sheep=$SHEEP_OCI
	BIN_runc=$RUNC
	BIN_crun=$CRUN
}

# Per runtime: sorted ns column -> median, mean, p90 (nearest rank); RSS median and max.
stats() { # $1 runtime -> "median mean p90 rss_median rss_max" (ms, ms, ms, KiB, KiB)
	t=$(cut -d' ' -f1 "$W/times-$1" | sort -n | awk '{ v[NR] = $1; s += $1 }
		END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
		      p = int(0.9 * NR + 0.999999); if (p < 1) p = 1;
		      printf "%.3f %.3f %.3f", m / 1e6, s / NR / 1e6, v[p] / 1e6 }')
	r=$(cut -d' ' -f2 "$W/times-$1" | sort -n | awk '{ v[NR] = $1 }
		END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
		      printf "%d %d", m, v[NR] }')
	echo "$t $r"
}

# Per-round ratios (the three runtimes of a round run back to back): robust to slow drift.
paired() { # $1 runtime -> median over rounds of sheep/$1
	paste -d' ' "$W/times-sheep" "$W/times-$1" | awk '{ print $1 / $4 }' | sort -g |
		awk '{ v[NR] = $1 }
		END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f", m }'
}

# Runs the timed loop (this benchmark's run.sh --inner) in a private mount namespace, in the
# background so that a signal to this shell interrupts the wait and is passed on (by PID).
bench_run_inner() {
	local rc=0
	unshare -m sh "$HERE/run.sh" --inner "$W" &
	INNER_PID=$!
	trap 'kill -TERM $INNER_PID 2>/dev/null; wait $INNER_PID; exit 130' INT TERM
	wait $INNER_PID || rc=$?
	trap 'exit 130' INT TERM
	[ "$rc" = 0 ] || die "the timed loop failed (status $rc)"
}

# The side-by-side table of the three runtimes (RAW=DIR keeps the raw lines first); sets S, R
# and C to each runtime's stats.
bench_print_table() {
	if [ -n "${RAW:-}" ]; then # keep the raw "ns maxrss_kib status" lines, in run order
		mkdir -p "$RAW" && for rt in sheep runc crun; do cp "$W/times-$rt" "$RAW/$rt.txt"; done
	fi
	S=$(stats sheep)
	R=$(stats runc)
	C=$(stats crun)
	printf '%-10s %10s %10s %10s %14s %12s\n' runtime "median ms" "mean ms" "p90 ms" \
		"peak RSS KiB" "(max KiB)"
	for row in "sheep-oci $S" "runc $R" "crun $C"; do
		set -- $row
		printf '%-10s %10s %10s %10s %14s %12s\n' "$1" "$2" "$3" "$4" "$5" "$6"
	done
	echo
}
