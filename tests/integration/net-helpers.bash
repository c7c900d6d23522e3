# Shared by net.bats and net-conformance.bats: holders of network namespaces, sheep-net hook
# calls with a state on stdin, and a fake internet namespace on TEST-NET-2 behind a test veth.

SHEEP_NET=${SHEEP_NET:-$(dirname "$SHEEP_OCI")/../net/sheep-net}
NETRUN=${SHEEP_NET_RUN_DIR:-/run/sheep-net}
TAG="sn$$"

net_setup() {
	requires root
	[ -x "$SHEEP_NET" ] || skip "requires sheep-net ($SHEEP_NET)"
	command -v nft >/dev/null || skip "requires nft (Debian package nftables)"
	HOLDERS=()
	IDS=()
	NETS=("${TAG}x") # test networks: store, bridge and nft elements removed in teardown
	INET_PID=
}

net_teardown() {
	local id pid n reload=
	for id in "${IDS[@]}"; do
		state_json "$id" 0 | "$SHEEP_NET" down 2>/dev/null || true
	done
	for pid in "${HOLDERS[@]}"; do
		kill -KILL "$pid" 2>/dev/null || true
	done
	ip link del "${TAG}h" 2>/dev/null || true
	for n in "${NETS[@]}"; do
		if [ -d "$NETRUN/$n" ]; then
			rm -rf "${NETRUN:?}/$n"
			ip link del "$n" 2>/dev/null || true
			reload=1
		fi
	done
	[ -z "$reload" ] || "$SHEEP_NET" reload || true
	for id in "${IDS[@]}"; do
		! "$SHEEP_NET" ls | grep -q "^$id " || fail "lease of '$id' left behind" || return
	done
}

state_json() {
	printf '{"ociVersion":"1.2.0","id":"%s","status":"creating","pid":%s,"bundle":"/"}' "$1" "$2"
}

# holder [CMD...]: a process in a new network namespace (default: sleep), or in the namespace at
# path HOLDER_NETNS when set; sets HPID. The pid is written from inside (bats' traps keep bash
# from exec'ing a background command, so $! may be a subshell in the host namespace).
holder() {
	[ $# -gt 0 ] || set -- sleep 1000
	local f enter=(unshare -n)
	[ -z "${HOLDER_NETNS:-}" ] || enter=(nsenter --net="$HOLDER_NETNS")
	f=$(mktemp "$BATS_TEST_TMPDIR/holder.XXXXXX")
	"${enter[@]}" sh -c 'echo $$ >"$0.new" && mv "$0.new" "$0" && exec "$@"' "$f" "$@" \
		</dev/null >/dev/null 2>&1 3>&- &
	HOLDERS+=("$!")
	disown "$!"
	retry 500 0.02 test -s "$f"
	HPID=$(cat "$f")
	HOLDERS+=("$HPID")
}

# net ID PID ARGS...: `sheep-net up` with the state on stdin, like `run` (status, output).
net_up() {
	local id=$1 pid=$2
	shift 2
	IDS+=("$id")
	status=0
	output=$(state_json "$id" "$pid" | "$SHEEP_NET" up "$@" 2>&1) || status=$?
	echo "up $id: status $status: $output" >&2
}

net_down() {
	status=0
	output=$(state_json "$1" 0 | "$SHEEP_NET" down 2>&1) || status=$?
}

in_ns() {
	nsenter -t "$1" -n "${@:2}"
}

addr_of() {
	in_ns "$1" ip -4 -o addr show dev eth0 | awk '{print $4}'
}

# fake_internet: namespace INET_PID with 198.51.100.2/24, the host side 198.51.100.1/24 on
# test veth ${TAG}h, serving /cgi-bin/ip (prints the client's address) on port 8000.
fake_internet() {
	local www=$BATS_TEST_TMPDIR/inet
	mkdir -p "$www/cgi-bin"
	printf '#!/bin/sh\necho "Content-Type: text/plain"\necho\necho "$REMOTE_ADDR"\n' \
		>"$www/cgi-bin/ip"
	chmod +x "$www/cgi-bin/ip"
	holder busybox httpd -f -p 8000 -h "$www"
	INET_PID=$HPID
	ip link add "${TAG}h" type veth peer name inet0 netns "$INET_PID"
	ip addr add 198.51.100.1/24 dev "${TAG}h"
	ip link set "${TAG}h" up
	in_ns "$INET_PID" ip addr add 198.51.100.2/24 dev inet0
	in_ns "$INET_PID" ip link set inet0 up
	in_ns "$INET_PID" ip link set lo up
}

# http_get URL / http_get_in PID URL: the body, from the host or from inside a namespace.
http_get() {
	curl -sf -m 4 "$1"
}

http_get_in() {
	in_ns "$1" curl -sf -m 4 "$2"
}
