#!/bin/sh
# Unpack benchmark: a ~200 MiB image of 4 layers (many small files and a few large ones), unpacked
# by `sheep-oci unpack` versus the baseline the issue sets: `tar -x` of the same layers plus
# `sha256sum` of the blobs. Warm page cache for both, same file system, the previous tree removed
# and synced before each timed run, best of N runs.
# Usage: bench/unpack/run.sh [SHEEP_OCI] [RUNS]   (as root: ownership and device nodes)
set -eu
SHEEP_OCI=${1:-sheep-oci}
RUNS=${2:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
MKIMAGE="$HERE/../../tests/integration/unpack_mkimage.py"
W=$(mktemp -d /var/tmp/sheep-bench-unpack.XXXXXX)
trap 'rm -rf "$W"' EXIT

# layer N: 2000 files of 4-24 KiB (~28 MiB) + 2 files of 11 MiB = ~50 MiB, incompressible data
python3 - "$W" <<'PY'
import os, sys, random
w = sys.argv[1]
rnd = random.Random(42)
for n in range(4):
    root = os.path.join(w, "l%d" % n)
    for i in range(2000):
        d = os.path.join(root, "usr/share/d%d/s%d" % (n, i % 50))
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "f%d" % i), "wb") as f:
            f.write(rnd.randbytes(rnd.randint(4096, 24576)))
    os.makedirs(os.path.join(root, "opt"), exist_ok=True)
    for i in range(2):
        with open(os.path.join(root, "opt", "big%d-%d" % (n, i)), "wb") as f:
            f.write(rnd.randbytes(11 << 20))
PY
for n in 0 1 2 3; do tar -C "$W/l$n" -cf "$W/l$n.tar" . && rm -rf "$W/l$n"; done
python3 "$MKIMAGE" --format oci --out "$W/img" "$W/l0.tar" "$W/l1.tar" "$W/l2.tar" "$W/l3.tar" >/dev/null
echo "image: $(du -sm "$W/img" | cut -f1) MiB in 4 layers, $(tar -tf "$W/l0.tar" | wc -l) entries per layer"

best() { sort -n | head -1; }
now() { date +%s.%N; }

time_sheep() {
	rm -rf "$W/bundle" && sync
	t0=$(now)
	"$SHEEP_OCI" unpack --quiet "$W/img" "$W/bundle"
	t1=$(now)
	echo "$t1 - $t0" | bc
}

time_tar() {
	rm -rf "$W/tarroot" && mkdir "$W/tarroot" && sync
	t0=$(now)
	sha256sum "$W"/img/blobs/sha256/* >/dev/null
	for n in 0 1 2 3; do tar -C "$W/tarroot" --same-owner -xpf "$W/l$n.tar"; done
	t1=$(now)
	echo "$t1 - $t0" | bc
}

time_sheep >/dev/null && time_tar >/dev/null # warm up the page cache
S=$(for i in $(seq "$RUNS"); do time_sheep; done | best)
T=$(for i in $(seq "$RUNS"); do time_tar; done | best)
printf 'sheep-oci unpack:       %6.2f s\n' "$S"
printf 'tar -x + sha256sum:     %6.2f s\n' "$T"
printf 'ratio sheep/baseline:   %6.2f\n' "$(echo "$S / $T" | bc -l)"
