#!/usr/bin/env bash
# The README's first command: on a fresh Debian 12 machine as root, install the build
# dependencies, build and install sheep-oci and sheep-net (/usr/local), make a small busybox image
# with no download, unpack it into a bundle, and run it on the sheep0 bridge network.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export DEBIAN_FRONTEND=noninteractive
mapfile -t pkgs < <(grep -v '^#' contrib/debian-packages.txt | grep -v '^$')
apt-get update -qq && apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null

./autogen.sh >/dev/null 2>&1
mkdir -p build && cd build
[ -f Makefile ] || ../configure >/dev/null
make -j"$(nproc)" >/dev/null && make install >/dev/null
echo "== $(sheep-oci --version | head -1)"

work=$(mktemp -d /tmp/sheep-quickstart.XXXXXX)
trap 'sheep-oci delete --force quickstart >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
# An image without a registry: a rootfs tarball of busybox-static and its applets.
mkdir -p "$work/rootfs/bin" "$work/rootfs"/{proc,sys,dev,tmp,etc}
cp /bin/busybox "$work/rootfs/bin/"
for a in $("$work/rootfs/bin/busybox" --list); do
	[ "$a" = busybox ] || ln -sf busybox "$work/rootfs/bin/$a"
done
echo 'root:x:0:0:root:/root:/bin/sh' >"$work/rootfs/etc/passwd"
tar -C "$work/rootfs" -czf "$work/image.tar.gz" .
sheep-oci unpack --quiet "$work/image.tar.gz" "$work/bundle"
echo "== unpacked $work/image.tar.gz into $work/bundle"

# Networking: the hooks that `spec --network` writes, merged into the unpacked config.
mkdir "$work/net" && sheep-oci spec --network --bundle "$work/net"
jq --slurpfile net "$work/net/config.json" '.hooks = $net[0].hooks | .process.terminal = false |
	.process.capabilities |= map_values(. + ["CAP_NET_RAW"]) |
	.process.args = ["sh", "-c", "echo \"== inside: $(hostname)\"; ip -4 addr show eth0 | grep inet; ip route; ping -c 1 -W 2 10.20.0.1"]' \
	"$work/bundle/config.json" >"$work/config.json"
mv "$work/config.json" "$work/bundle/config.json"
sheep-oci run --bundle "$work/bundle" quickstart
echo "== sheep-net's masquerade rules: one for traffic leaving 10.20.0.0/16, two for published ports"
echo "   reached from a container (hairpin) or from 127.0.0.1:"
nft list table ip sheep | grep -i masquerade
