#!/usr/bin/env bats
# sheep-net against issue 7 and what users of the CNI bridge plugin, netavark and Docker's bridge
# expect: the host's loopback services stay private, udp ports, port conflicts and --publish
# errors that leave nothing, crashes in the middle, concurrent first use, a lost table, MTU,
# ip_forward, shared namespaces and per-verb options. Only namespaces the tests create; TEST-NET-2.

load helpers
load net-helpers

setup() {
	net_setup
	command -v python3 >/dev/null || skip "requires python3"
}

teardown() {
	net_teardown
}

# udp_once ADDR PORT [TIMEOUT]: waits for one datagram on ADDR:PORT, prints it (python3).
udp_once() {
	timeout "${3:-3}" python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
print(s.recvfrom(100)[0].decode().strip())' "$1" "$2"
}

# udp_echo: a container payload answering every datagram on port 53 with "echo:" + its text.
UDP_ECHO='import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 53))
while True:
    d, a = s.recvfrom(100)
    s.sendto(b"echo:" + d, a)'

# udp_ask [PID] ADDR PORT TEXT: sends TEXT, prints the answer (from inside PID's namespace).
udp_ask() {
	local pre=()
	if [ $# -eq 4 ]; then pre=(nsenter -t "$1" -n); shift; fi
	"${pre[@]}" timeout 4 python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1)
for _ in range(3):
    s.sendto(sys.argv[3].encode(), (sys.argv[1], int(sys.argv[2])))
    try:
        print(s.recv(100).decode()); break
    except socket.timeout:
        pass' "$@"
}

@test "net-conformance: a container cannot reach the host's 127.0.0.1 services; published 127.0.0.1 still works" {
	local port=$((23000 + $$ % 10000)) www=$BATS_TEST_TMPDIR/www got
	mkdir -p "$www" && echo hello >"$www/index.html"
	holder busybox httpd -f -p 80 -h "$www"; local srv=$HPID
	net_up "${TAG}l" "$srv" --publish "$port:80"
	assert_success
	# route_localnet is on for sheep0: root in the container routes 127.0.0.1 to the gateway
	# (CVE-2020-8558's shape) and sends to a service the host bound to 127.0.0.1 only
	in_ns "$srv" ip route del local 127.0.0.0/8 dev lo table local
	in_ns "$srv" ip route del local 127.0.0.1 dev lo table local
	in_ns "$srv" sysctl -qw net.ipv4.conf.eth0.route_localnet=1
	in_ns "$srv" ip route add 127.0.0.1/32 via 10.20.0.1 dev eth0
	udp_once 127.0.0.1 $((port + 1)) 2 >"$BATS_TEST_TMPDIR/got" &
	local l=$!
	sleep 0.3
	in_ns "$srv" bash -c "echo leak >/dev/udp/127.0.0.1/$((port + 1))"
	wait "$l" || true
	got=$(cat "$BATS_TEST_TMPDIR/got")
	[ -z "$got" ] || fail "the host's 127.0.0.1:$((port + 1)) received '$got' from the container"
	[ "$(cat /proc/sys/net/ipv4/conf/sheep0/route_localnet)" = 1 ]
	[ "$(http_get "http://127.0.0.1:$port/")" = hello ]
}

@test "net-conformance: udp and tcp published ports from another host, the host, 127.0.0.1 and hairpin" {
	local port=$((24000 + $$ % 10000)) www=$BATS_TEST_TMPDIR/www
	mkdir -p "$www" && echo hello >"$www/index.html"
	fake_internet
	holder python3 -c "$UDP_ECHO"; local u=$HPID
	holder busybox httpd -f -p 80 -h "$www"; local t=$HPID
	net_up "${TAG}u" "$u" --publish "$port:53/udp"
	assert_success
	net_up "${TAG}t" "$t" --publish "198.51.100.1:$((port + 1)):80"
	assert_success
	[ "$(udp_ask "$INET_PID" 198.51.100.1 "$port" a)" = echo:a ]
	[ "$(udp_ask 127.0.0.1 "$port" b)" = echo:b ]
	[ "$(udp_ask 198.51.100.1 "$port" c)" = echo:c ]
	[ "$(udp_ask "$t" 10.20.0.1 "$port" d)" = echo:d ] # another container
	[ "$(udp_ask "$u" 10.20.0.1 "$port" e)" = echo:e ] # its own port (hairpin)
	[ "$(http_get_in "$t" "http://198.51.100.1:$((port + 1))/")" = hello ] # tcp, its own
	[ "$(cat /sys/class/net/"$(ip -d -o link show | grep "alias ${TAG}t" |
		awk -F': ' '{print $2}' | cut -d@ -f1)"/brport/hairpin_mode)" = 1 ]
	# a port published on one host address answers there only
	[ "$(http_get_in "$INET_PID" "http://198.51.100.1:$((port + 1))/")" = hello ]
	[ "$(http_get "http://198.51.100.1:$((port + 1))/")" = hello ]
	! http_get "http://127.0.0.1:$((port + 1))/" || fail "published on 127.0.0.1 too"
	# the tcp port is not reachable as udp, nor the udp one as tcp
	[ -z "$(udp_ask 198.51.100.1 $((port + 1)) f)" ]
	! http_get "http://127.0.0.1:$port/" || fail "udp port answered tcp"
}

@test "net-conformance: a host port taken by another container or given twice is named, nothing left" {
	local port=$((25000 + $$ % 10000))
	holder; local p1=$HPID
	holder; local p2=$HPID
	net_up "${TAG}a" "$p1" --publish "$port:80/udp" --publish "198.51.100.1:$port:80"
	assert_success
	net_up "${TAG}b" "$p2" --publish "$((port + 1)):80" --publish "$port:81/udp"
	[ "$status" -eq 1 ]
	[ "$output" = "sheep-net: up '${TAG}b': publish ports: host port $port/udp is already published" ]
	net_up "${TAG}b" "$p2" --publish "198.51.100.1:$port:81"
	[ "$output" = "sheep-net: up '${TAG}b': publish ports: host port 198.51.100.1:$port/tcp is already published" ]
	net_up "${TAG}b" "$p2" --publish "$((port + 2)):80" --publish "$((port + 2)):81"
	[ "$status" -eq 1 ]
	[ "$output" = "sheep-net: up '${TAG}b': publish ports: host port $((port + 2))/tcp is given twice" ]
	! "$SHEEP_NET" ls | grep -q "^${TAG}b "
	! ip -d link show | grep -q "alias ${TAG}b$"
	! in_ns "$p2" ip link show eth0 2>/dev/null || fail "eth0 left in the namespace"
	! nft list map ip sheep tcp_any | grep -q "$((port + 1)) :" || fail "element left"
	# the first container's ports survive the failed attempts
	nft list map ip sheep udp_any | grep -q "$port :"
}

@test "net-conformance: --publish syntax errors exit 1 with the reason before anything is made" {
	local spec want
	holder; local p=$HPID
	while IFS='|' read -r spec want; do
		net_up "${TAG}s" "$p" --publish "$spec"
		[ "$status" -eq 1 ] || fail "'$spec' accepted"
		[ "$output" = "sheep-net: up: invalid port '$spec': $want" ] || fail "'$spec': $output"
	done <<-'EOF2'
		80|expected [HOSTIP:]HOSTPORT:CTRPORT
		0:80|ports are 1..65535
		65536:80|ports are 1..65535
		http:80|ports are 1..65535
		8080-8081:80|ports are 1..65535
		:80|ports are 1..65535
		8080:|ports are 1..65535
		8080:80/sctp|protocol must be tcp or udp
		8080:80/|protocol must be tcp or udp
		1.2.3:8080:80|bad host address '1.2.3'
	EOF2
	for spec in 1.2.3.4:1:2:3 "[::1]:8080:80"; do
		run "$SHEEP_NET" up --publish "$spec"
		[ "$output" = "sheep-net: up: invalid port '$spec'" ]
	done
	! "$SHEEP_NET" ls | grep -q "^${TAG}s "
	! in_ns "$p" ip link show eth0 2>/dev/null || fail "eth0 made"
}

@test "net-conformance: options a verb does not take are refused, not ignored" {
	run "$SHEEP_NET" ls --network sheep0
	assert_failure 1
	assert_output "sheep-net: ls: --network is not an option of ls"
	run "$SHEEP_NET" gc --subnet 10.0.0.0/8
	assert_output "sheep-net: gc: --subnet is not an option of gc"
	run bash -c "echo '{}' | '$SHEEP_NET' down --publish 80:80"
	assert_failure 1
	assert_output "sheep-net: down: --publish is not an option of down"
	run "$SHEEP_NET" reload extra
	assert_output "sheep-net: reload: unexpected argument 'extra'"
}

@test "net-conformance: sheep-net killed at any point of up: gc leaves no lease, veth or element" {
	local port=$((26000 + $$ % 10000)) i pids=() up
	for i in $(seq 1 12); do
		holder
		pids+=("$HPID")
		IDS+=("${TAG}k$i")
		# in a sanitizer build, no exit-time leak check: killed in the middle of it, the
		# process leaves an empty report file behind (seen in CI), and a process killed at a
		# random point has no meaningful leak report anyway (UB checks stay on)
		state_json "${TAG}k$i" "$HPID" |
			ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
				"$SHEEP_NET" up --publish "$((port + i)):80" &
		up=$!
		sleep "0.00$((i % 10))"
		kill -KILL "$up" 2>/dev/null || true
		wait "$up" || true
	done
	for i in "${pids[@]}"; do kill -KILL "$i"; done
	for i in "${pids[@]}"; do retry 250 0.02 sh -c "! test -e /proc/$i/ns/net"; done
	run "$SHEEP_NET" gc
	assert_success
	! "$SHEEP_NET" ls | grep -q "^${TAG}k" || fail "lease left: $("$SHEEP_NET" ls)"
	retry 100 0.05 sh -c "! ip -d link show | grep -q 'alias ${TAG}k'" ||
		fail "veth left: $(ip -d link show | grep "alias ${TAG}k")"
	for i in $(seq 1 12); do
		! nft list map ip sheep tcp_any | grep -q " $((port + i)) :" || fail "element $((port + i))"
	done
	! ls "$NETRUN/sheep0" | grep -v '^lock$\|^leases$' || fail "temporary files left"
}

@test "net-conformance: 10 parallel first ups on a network with no bridge yet" {
	local net="${TAG}y" i pids=() ups=()
	NETS+=("$net")
	for i in $(seq 1 10); do
		holder
		pids+=("$HPID")
	done
	for i in $(seq 1 10); do
		state_json "${TAG}f$i" "${pids[$((i - 1))]}" |
			"$SHEEP_NET" up --network "$net" --subnet 10.97.0.0/24 &
		ups+=("$!")
	done
	for i in "${ups[@]}"; do wait "$i" || fail "an up failed" || return; done
	[ "$("$SHEEP_NET" ls | awk -v n="$net" '$2 == n {print $3}' | sort -u | wc -l)" -eq 10 ]
	[ "$(ip -o link show type bridge | grep -c ": $net:")" -eq 1 ]
	[ "$(ip -4 -o addr show dev "$net" | awk '{print $4}')" = 10.97.0.1/24 ]
	[ "$(nft -j list set ip sheep subnets | jq '[.nftables[].set.elem // [] | .[]] |
		map(select(.prefix.addr == "10.97.0.0")) | length')" -eq 1 ]
	in_ns "${pids[9]}" busybox ping -c1 -W2 10.97.0.1
}

@test "net-conformance: after the table is lost the next up rebuilds it; down still succeeds" {
	local port=$((27000 + $$ % 10000)) www=$BATS_TEST_TMPDIR/www
	mkdir -p "$www" && echo hello >"$www/index.html"
	holder busybox httpd -f -p 80 -h "$www"; local srv=$HPID
	holder; local other=$HPID
	net_up "${TAG}r" "$srv" --publish "$port:80"
	assert_success
	nft delete table ip sheep # what `nft flush ruleset` does to it
	net_up "${TAG}o" "$other"
	assert_success
	[ "$(http_get "http://127.0.0.1:$port/")" = hello ]
	nft list chain ip sheep localnet | grep -q 'daddr 127.0.0.0/8 drop'
	nft delete table ip sheep
	net_down "${TAG}r"
	assert_success
	! "$SHEEP_NET" ls | grep -q "^${TAG}r "
	run "$SHEEP_NET" reload
	assert_success
	! nft list map ip sheep tcp_any | grep -q "$port :" || fail "element of a released lease"
}

@test "net-conformance: ip_forward is written only when it differs" {
	local f=$BATS_TEST_TMPDIR/ip_forward
	holder; local p1=$HPID
	holder; local p2=$HPID
	# a private mount namespace shows sheep-net a file of ours as /proc/sys/net/ipv4/ip_forward
	printf '1\n' >"$f"
	touch -d '2000-01-01' "$f"
	IDS+=("${TAG}w1" "${TAG}w2")
	state_json "${TAG}w1" "$p1" | unshare -m sh -c \
		"mount --bind '$f' /proc/sys/net/ipv4/ip_forward && exec '$SHEEP_NET' up"
	[ "$(stat -c %Y "$f")" = "$(date -d 2000-01-01 +%s)" ] || fail "written although it was 1"
	printf '0\n' >"$f"
	state_json "${TAG}w2" "$p2" | unshare -m sh -c \
		"mount --bind '$f' /proc/sys/net/ipv4/ip_forward && exec '$SHEEP_NET' up"
	[ "$(cat "$f")" = 1 ]
}

mtu_in() {
	in_ns "$1" ip -o link show eth0 | sed 's/.* mtu \([0-9]*\) .*/\1/'
}

@test "net-conformance: veths take the bridge's MTU (an admin's ip link set NET mtu N)" {
	local net="${TAG}m"
	NETS+=("$net")
	holder; local p1=$HPID
	holder; local p2=$HPID
	net_up "${TAG}m1" "$p1" --network "$net" --subnet 10.96.0.0/24
	assert_success
	# (sysfs shows the host's links whatever the network namespace: ask ip)
	[ "$(mtu_in "$p1")" = "$(cat "/sys/class/net/$net/mtu")" ]
	ip link set "$net" mtu 1280
	net_up "${TAG}m2" "$p2" --network "$net"
	assert_success
	[ "$(mtu_in "$p2")" = 1280 ]
	local veth
	veth=$(ip -d -o link show | grep "alias ${TAG}m2" | awk -F': ' '{print $2}' | cut -d@ -f1)
	[ "$(cat "/sys/class/net/$veth/mtu")" = 1280 ]
	in_ns "$p2" busybox ping -c1 -W2 -s 1252 10.96.0.1
	state_json "${TAG}m1" 0 | "$SHEEP_NET" down --network "$net"
	state_json "${TAG}m2" 0 | "$SHEEP_NET" down --network "$net"
}

@test "net-conformance: a namespace shared with another container is refused; the first stays" {
	holder; local p1=$HPID
	net_up "${TAG}a" "$p1"
	assert_success
	local addr
	addr=$(addr_of "$p1")
	nsenter -t "$p1" -n sleep 1000 </dev/null >/dev/null 2>&1 3>&- &
	local p2=$!
	HOLDERS+=("$p2")
	disown "$p2"
	retry 100 0.02 sh -c "[ \"\$(readlink /proc/$p2/ns/net)\" = \"\$(readlink /proc/$p1/ns/net)\" ]"
	net_up "${TAG}b" "$p2"
	[ "$status" -eq 1 ]
	[[ "$output" == "sheep-net: up '${TAG}b': attach to bridge 'sheep0': create veth 'sh"*"': the container's network namespace already has an 'eth0'" ]] ||
		fail "$output"
	! "$SHEEP_NET" ls | grep -q "^${TAG}b "
	[ "$(addr_of "$p1")" = "$addr" ]
	in_ns "$p1" busybox ping -c1 -W2 10.20.0.1
	net_down "${TAG}b" # a down of the refused one must not touch the first
	assert_success
	"$SHEEP_NET" ls | grep -q "^${TAG}a "
}
