#!/bin/bash
# bench/net/run.sh [N]: N sequential attach/detach cycles of one network namespace, three ways,
# side by side: sheep-net up/down (whole processes, state JSON on stdin), the same job done with
# `ip` and `iptables` commands, and Debian's CNI bridge plugin (CNI_COMMAND=ADD/DEL, host-local
# IPAM, ipMasq). Prints median and p90 per step and the ratios. Needs root; touches only its own
# namespaces, bridges (sheep0, snbench0, snbench1) and its own rules; sends no packets.
# Detach is timed as a poststop hook sees it: the namespace's last process, alive for 50 ms after
# attach, has been killed just before, so the namespace is dying (or gone) and the kernel tears
# its veth down meanwhile. (Until 2026-11 the holders stayed alive during detach, which no
# runtime does; a namespace still alive at detach has its host veth set down, ~0.3 ms.)
#
# DETACH=alive times detach with the namespace still alive instead, as a CNI plugin's DEL usually
# sees it (podman and CRI remove the pinned namespace after DEL): the plugin then deletes the
# veth, sheep-net sets its host end down.
#
# Environment: SHEEP_NET (default: build-net/src/net/sheep-net next to this tree), CNI_PATH
# (default /usr/lib/cni, Debian package containernetworking-plugins), METHODS (default
# "true sheep ip cni"; e.g. "true sheep" for an A/B of two sheep-net builds).
set -euo pipefail

N=${1:-100}
METHODS=${METHODS:-true sheep ip cni}
DETACH=${DETACH:-dying}
case $DETACH in dying | alive) ;; *) echo "bench/net: DETACH is dying or alive" >&2; exit 1 ;; esac
HERE=$(cd "$(dirname "$0")" && pwd)
SHEEP_NET=${SHEEP_NET:-$HERE/../../build-net/src/net/sheep-net}
CNI_PATH=${CNI_PATH:-/usr/lib/cni}
WORK=$(mktemp -d /tmp/sheep-net-bench.XXXXXX)
HOLDER=
export LC_ALL=C

for tool in ip iptables "$SHEEP_NET" "$CNI_PATH/bridge"; do
	command -v "$tool" >/dev/null || { echo "bench/net: missing $tool" >&2; exit 1; }
done

cleanup() {
	stop_holders
	ip link del snbench0 2>/dev/null || true
	ip link del snbench1 2>/dev/null || true
	iptables -t nat -D POSTROUTING -s 10.21.0.0/16 ! -o snbench0 -j MASQUERADE 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT

# Namespaces are created before the timed loop; each is killed between its attach and its detach
# (see above). Leftovers die after the loop, with a pause so that their teardown by a kernel
# worker holding rtnl does not land on the next method.
HOLDERS=()
start_holders() {
	local i h
	for ((i = 0; i < N + 3; i++)); do
		unshare -n sleep 1000 </dev/null >/dev/null 2>&1 &
		h=$!
		disown "$h"
		HOLDERS+=("$h")
	done
	for h in "${HOLDERS[@]}"; do
		while [ "$(readlink /proc/$h/ns/net)" = "$(readlink /proc/self/ns/net)" ]; do :; done
	done
}

stop_holders() {
	local h
	for h in "${HOLDERS[@]}"; do kill -KILL "$h" 2>/dev/null || true; done
	HOLDERS=()
	sleep 1 # let the kernel reap them before the next method
}

# now_us VAR: the time in microseconds into VAR. No $(...): the fork of a command substitution
# (~0.5 ms here) would land inside every timed interval, the same for each method, and pull
# every ratio towards 1.
now_us() {
	local t=$EPOCHREALTIME
	printf -v "$1" '%d' $((${t%.*} * 1000000 + 10#${t#*.}))
}

# stats FILE: "median p90" in milliseconds with 2 decimals
stats() {
	sort -n "$1" | awk '{v[NR] = $1} END {
		m = v[int((NR + 1) / 2)]; p = v[int(NR * 0.9 + 0.5)];
		printf "%.2f %.2f", m / 1000, p / 1000 }'
}

# The state arrives on stdin as a runtime passes it; a here-string costs no extra process.
sheep_up() {
	"$SHEEP_NET" up <<<"{\"ociVersion\":\"1.2.0\",\"id\":\"bench$1\",\"status\":\"creating\",\"pid\":$HOLDER,\"bundle\":\"/\"}"
}

sheep_down() {
	"$SHEEP_NET" down <<<"{\"ociVersion\":\"1.2.0\",\"id\":\"bench$1\",\"status\":\"stopped\",\"bundle\":\"/\"}"
}

# The same job with iproute2 and iptables: bridge once, veth into the namespace, master, up,
# address, lo, default route, ip_forward, one MASQUERADE rule (checked, added if missing).
ip_up() {
	local i=$1 v="snb$1" a="10.21.$(($1 / 250)).$(($1 % 250 + 2))"
	ip link show snbench0 >/dev/null 2>&1 || {
		ip link add snbench0 type bridge
		ip addr add 10.21.0.1/16 dev snbench0
		ip link set snbench0 up
	}
	ip link add "$v" type veth peer name eth0 netns "$HOLDER"
	ip link set "$v" master snbench0
	ip link set "$v" up
	nsenter -t "$HOLDER" -n ip addr add "$a/16" dev eth0
	nsenter -t "$HOLDER" -n ip link set eth0 up
	nsenter -t "$HOLDER" -n ip link set lo up
	nsenter -t "$HOLDER" -n ip route add default via 10.21.0.1
	[ "$(cat /proc/sys/net/ipv4/ip_forward)" = 1 ] || echo 1 >/proc/sys/net/ipv4/ip_forward
	iptables -t nat -C POSTROUTING -s 10.21.0.0/16 ! -o snbench0 -j MASQUERADE 2>/dev/null ||
		iptables -t nat -A POSTROUTING -s 10.21.0.0/16 ! -o snbench0 -j MASQUERADE
}

ip_down() { # the kernel may have removed it with the namespace already
	ip link del "snb$1" 2>/dev/null || true
}

cni() {
	CNI_COMMAND=$1 CNI_CONTAINERID="bench$2" CNI_NETNS="/proc/$HOLDER/ns/net" CNI_IFNAME=eth0 \
		CNI_PATH="$CNI_PATH" "$CNI_PATH/bridge" >/dev/null <<JSON
{"cniVersion": "1.0.0", "name": "snbench", "type": "bridge", "bridge": "snbench1",
 "isGateway": true, "ipMasq": true,
 "ipam": {"type": "host-local", "subnet": "10.22.0.0/16", "dataDir": "$WORK/cni-ipam"}}
JSON
}

cni_up() { cni ADD "$1"; }
cni_down() { cni DEL "$1"; }

# The floor on this machine: starting a process that does nothing, twice per cycle.
true_up() { /bin/true <<<"{}"; }
true_down() { /bin/true <<<"{}"; }

run_method() {
	local name=$1 i t0 t1 t2 t3
	: >"$WORK/$name.up"
	: >"$WORK/$name.down"
	start_holders
	for ((i = 0; i < N + 3; i++)); do
		HOLDER=${HOLDERS[$i]}
		now_us t0
		"${name}_up" "$i"
		now_us t1
		# the container runs a little (the netlink socket up opened inside the namespace
		# holds it for one RCU grace period after up exits), then exits before its
		# poststop: kill the holder and wait until its namespace reference is dropped (a
		# zombie has no ns links; test is a builtin)
		sleep 0.05
		if [ "$DETACH" = dying ]; then
			kill -KILL "$HOLDER"
			while [ -e "/proc/$HOLDER/ns/net" ]; do :; done
		fi
		now_us t2
		"${name}_down" "$i"
		now_us t3
		if ((i >= 3)); then # the first cycles create bridges and tables: warm-up
			echo $((t1 - t0)) >>"$WORK/$name.up"
			echo $((t3 - t2)) >>"$WORK/$name.down"
		fi
	done
	stop_holders
}

for m in $METHODS; do
	run_method "$m"
done

printf 'N=%d cycles per method (after 3 warm-up cycles), namespace %s at detach; times in ms\n' \
	"$N" "$DETACH"
printf '%-22s %14s %14s %16s\n' method "attach med/p90" "detach med/p90" "cycle med (sum)"
declare -A MED UP DOWN
for m in $METHODS; do
	read -r um up90 <<<"$(stats "$WORK/$m.up")"
	read -r dm dp90 <<<"$(stats "$WORK/$m.down")"
	MED[$m]=$(awk -v a="$um" -v b="$dm" 'BEGIN {printf "%.2f", a + b}')
	UP[$m]=$um DOWN[$m]=$dm
	label=$m
	[ "$m" = sheep ] && label="sheep-net"
	[ "$m" = ip ] && label="ip + iptables"
	[ "$m" = cni ] && label="CNI bridge plugin"
	[ "$m" = true ] && label="(/bin/true: floor)"
	printf '%-22s %6s / %-6s %6s / %-6s %16s\n' "$label" "$um" "$up90" "$dm" "$dp90" "${MED[$m]}"
done
[ -z "${MED[sheep]:-}" ] || [ -z "${MED[ip]:-}" ] || [ -z "${MED[cni]:-}" ] ||
	awk -v s="${MED[sheep]}" -v i="${MED[ip]}" -v c="${MED[cni]}" -v su="${UP[sheep]}" \
		-v sd="${DOWN[sheep]}" -v cu="${UP[cni]}" -v cd="${DOWN[cni]}" 'BEGIN {
	printf "ratio: CNI / sheep-net = %.1fx (attach %.1fx, detach %.1fx), ip+iptables / sheep-net = %.1fx\n",
		c / s, cu / su, cd / sd, i / s }'
if command -v cc >/dev/null && cc -O2 -o "$WORK/nft_ctx" "$HERE/nft_ctx.c" -lnftables 2>/dev/null; then
	printf 'libnftables context + one command, in process: %s ms (median of 50)\n' \
		"$("$WORK/nft_ctx" 50)"
fi
printf 'load average: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
