#!/usr/bin/env bats
# sheep-net inside a private network namespace standing in for the host (its own sheep0, nft
# table, routes and lease store): a namespace that outlives its container, the bridge MTU taken
# from the default route, and a flushed nft table. Nothing here touches the host's namespace.

load helpers
load net-helpers

setup() {
	requires root
	[ -x "$SHEEP_NET" ] || skip "requires sheep-net ($SHEEP_NET)"
	command -v nft >/dev/null || skip "requires nft (Debian package nftables)"
	HNS="snih$$"
	NSES=("$HNS")
	HOLDERS=()
	RUN=$BATS_TEST_TMPDIR/run
	ip netns add "$HNS"
	in_host ip link set lo up
}

teardown() {
	local p n
	for p in "${HOLDERS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
	# the host namespace takes its bridge, veths and nft table along
	for n in "${NSES[@]}"; do ip netns del "$n" 2>/dev/null || true; done
	for n in "${NSES[@]}"; do
		[ ! -e "/run/netns/$n" ] || fail "namespace $n left behind"
	done
}

in_host() {
	nsenter --net="/run/netns/$HNS" "$@"
}

# proc_in NSPATH|new: a sleeping process in that network namespace (new: one of its own, which
# dies with it); sets P.
proc_in() {
	local HOLDER_NETNS=$1
	[ "$1" != new ] || HOLDER_NETNS=
	holder
	P=$HPID
}

# hook VERB ID PID ARGS...: sheep-net in the private host namespace, like `run`.
hook() {
	local verb=$1 id=$2 pid=$3
	shift 3
	status=0
	output=$(printf '{"ociVersion":"1.2.0","id":"%s","status":"creating","pid":%s,"bundle":"/"}' \
		"$id" "$pid" | SHEEP_NET_RUN_DIR="$RUN" in_host "$SHEEP_NET" "$verb" "$@" 2>&1) ||
		status=$?
	echo "$verb $id: status $status: $output" >&2
}

# new_ns NAME: a namespace pinned under /run/netns, removed in teardown.
new_ns() {
	ip netns add "$1"
	NSES+=("$1")
}

link_mtu() { # link_mtu NSPATH IFNAME
	nsenter --net="$1" ip -o link show "$2" | sed 's/.* mtu \([0-9]*\) .*/\1/'
}

@test "net-isolated: down cuts off the veth of a namespace that outlives its container (pinned or joined); gc removes it" {
	local c1="snic1$$" p1 p2 p3 veth
	new_ns "$c1"
	proc_in "/run/netns/$c1"; p1=$P
	proc_in new; p2=$P
	proc_in "/proc/$p2/ns/net"; p3=$P # joins p2's namespace (a sidecar): it outlives p2
	hook up a1 "$p1"
	assert_success
	hook up a2 "$p2"
	assert_success
	ip -n "$c1" -4 -o addr show dev eth0 | grep -q ' 10\.20\.0\.'
	kill -KILL "$p1" "$p2"
	hook down a1 0
	assert_success
	hook down a2 0
	assert_success
	# the namespaces live on (pinned; p3): their eth0 is off the bridge (its host end down), so
	# the address freed with the lease cannot be claimed twice
	ip -n "$c1" -o link show eth0 | grep -q 'M-DOWN\|NO-CARRIER' ||
		fail "eth0 in $c1 still has a carrier: $(ip -n "$c1" -o link show eth0)"
	nsenter -t "$p3" -n ip -o link show eth0 | grep -q 'M-DOWN\|NO-CARRIER' ||
		fail "eth0 in p3's namespace still has a carrier"
	for veth in $(in_host ip -o link show type veth | awk -F': ' '{print $2}'); do
		in_host ip -o link show "${veth%@*}" | grep -q 'state DOWN' || fail "host veth $veth up"
	done
	run env SHEEP_NET_RUN_DIR="$RUN" "$SHEEP_NET" ls
	[ "${#lines[@]}" -eq 1 ]
	# gc removes pairs whose lease is gone
	run env SHEEP_NET_RUN_DIR="$RUN" nsenter --net="/run/netns/$HNS" "$SHEEP_NET" gc
	assert_success
	! ip -n "$c1" link show eth0 2>/dev/null || fail "eth0 left in $c1 after gc"
	! nsenter -t "$p3" -n ip link show eth0 2>/dev/null || fail "eth0 left in p3's namespace"
	for veth in $(in_host ip -o link show type veth | awk -F': ' '{print $2}'); do
		fail "host veth $veth left after gc"
	done
	# the common case: the namespace dies with the container; down succeeds, the kernel reaps
	proc_in new; p1=$P
	hook up a3 "$p1"
	assert_success
	kill -KILL "$p1"
	retry 100 0.01 sh -c "! test -e /proc/$p1/ns/net"
	hook down a3 0
	assert_success
	retry 100 0.05 sh -c "! nsenter --net=/run/netns/$HNS ip -o link show type veth | grep -q ."
}

@test "net-isolated: a new bridge takes the MTU of the default route's link (1500 without one)" {
	local c="snim$$"
	# the uplink: one end of a veth pair kept inside the private namespace (the kernel here has
	# no dummy driver)
	in_host ip link add snid0 mtu 1280 type veth peer name snid1
	in_host ip link set snid1 up
	in_host ip link set snid0 up
	in_host ip addr add 203.0.113.2/24 dev snid0
	in_host ip route add default via 203.0.113.1 dev snid0
	new_ns "$c"
	proc_in "/run/netns/$c"
	hook up m1 "$P"
	assert_success
	[ "$(link_mtu "/run/netns/$HNS" sheep0)" = 1280 ]
	[ "$(link_mtu "/run/netns/$c" eth0)" = 1280 ]
	# a route's own mtu below its link's wins; the lowest metric is the default route used
	in_host ip link set snid0 mtu 1400
	in_host ip route del default
	in_host ip route add default via 203.0.113.1 dev snid0 metric 20
	in_host ip route add default via 203.0.113.1 dev snid0 metric 10 mtu 1300
	proc_in new
	hook up m2 "$P" --network snim1 --subnet 10.98.0.0/24
	assert_success
	[ "$(link_mtu "/run/netns/$HNS" snim1)" = 1300 ]
	# no default route: 1500
	in_host ip route flush exact 0.0.0.0/0
	proc_in new
	hook up m3 "$P" --network snim2 --subnet 10.98.1.0/24
	assert_success
	[ "$(link_mtu "/run/netns/$HNS" snim2)" = 1500 ]
	# an existing bridge keeps the MTU its admin set
	in_host ip link set sheep0 mtu 1200
	in_host ip route add default via 203.0.113.1 dev snid0
	proc_in new
	hook up m4 "$P"
	assert_success
	[ "$(link_mtu "/run/netns/$HNS" sheep0)" = 1200 ]
	[ "$(link_mtu "/proc/$P/ns/net" eth0)" = 1200 ]
}

@test "net-isolated: after nft flush table ip sheep (chains and sets kept) the next up restores every rule" {
	local c1="snif1$$" c2="snif2$$" before
	new_ns "$c1"
	new_ns "$c2"
	proc_in "/run/netns/$c1"; local p1=$P
	proc_in "/run/netns/$c2"; local p2=$P
	hook up f1 "$p1" --publish 8080:80
	assert_success
	before=$(in_host nft list table ip sheep)
	in_host nft flush table ip sheep
	[ -z "$(in_host nft list chain ip sheep postrouting | grep masquerade)" ]
	hook up f2 "$p2"
	assert_success
	[ "$(in_host nft list table ip sheep)" = "$before" ] ||
		fail "table after up: $(in_host nft list table ip sheep)"
	# a base chain deleted after the flush is noticed too
	in_host nft flush table ip sheep
	in_host nft delete chain ip sheep output
	proc_in new
	hook up f3 "$P"
	assert_success
	[ "$(in_host nft list table ip sheep)" = "$before" ]
}
