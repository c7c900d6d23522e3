#!/usr/bin/env bats
# sheep-net: bridge networking as an OCI hook. Network namespaces are held by `unshare -n`
# processes the tests start (or by real containers); NAT and "other hosts" are a fake internet
# namespace on TEST-NET-2 (198.51.100.0/24) behind a test veth. No packet leaves the machine.

load helpers

load net-helpers

setup() {
	net_setup
}

teardown() {
	net_teardown
}

@test "net: address, route, gateway and neighbour reachable, veth named by hash with id alias" {
	holder; local p1=$HPID
	holder; local p2=$HPID
	net_up "${TAG}a" "$p1"
	assert_success
	net_up "${TAG}b" "$p2"
	assert_success
	[[ "$(addr_of "$p1")" == 10.20.*/16 ]] || fail "address: $(addr_of "$p1")"
	[ "$(in_ns "$p1" ip route show default)" = "default via 10.20.0.1 dev eth0 proto static " ] ||
		[ "$(in_ns "$p1" ip route show default)" = "default via 10.20.0.1 dev eth0 proto static" ] ||
		fail "route: $(in_ns "$p1" ip route show default)"
	in_ns "$p1" ip link show lo | grep -q 'UP'
	in_ns "$p1" busybox ping -c1 -W2 10.20.0.1
	in_ns "$p1" busybox ping -c1 -W2 "$(addr_of "$p2" | cut -d/ -f1)"
	[ "$(cat /proc/sys/net/ipv4/ip_forward)" = 1 ]
	ip -d link show master sheep0 | grep -q "alias ${TAG}a"
	run "$SHEEP_NET" ls
	[[ "$output" == *"${TAG}a "*"sheep0"*"10.20."* ]] || fail "ls: $output"
	net_down "${TAG}b"
	assert_success
	net_down "${TAG}b" # again: already done
	assert_success
}

@test "net: NAT to a fake internet shows the host's address; one MASQUERADE after 20 parallel ups" {
	local pids=() ups=() i
	fake_internet
	for i in $(seq 1 20); do
		holder
		pids+=("$HPID")
	done
	for i in $(seq 1 20); do
		IDS+=("${TAG}p$i")
		state_json "${TAG}p$i" "${pids[$((i - 1))]}" | "$SHEEP_NET" up &
		ups+=("$!")
	done
	for i in "${ups[@]}"; do wait "$i" || fail "an up failed" || return; done
	[ "$("$SHEEP_NET" ls | grep -c "^${TAG}p")" -eq 20 ]
	[ "$("$SHEEP_NET" ls | grep "^${TAG}p" | awk '{print $3}' | sort -u | wc -l)" -eq 20 ]
	[ "$(nft list chain ip sheep postrouting | grep -c 'oifname != @bridges masquerade')" -eq 1 ]
	nft list set ip sheep subnets | grep -q '10.20.0.0/16'
	run http_get_in "${pids[0]}" http://198.51.100.2:8000/cgi-bin/ip
	assert_success
	assert_output "[::ffff:198.51.100.1]" # busybox httpd listens on a v4-mapped socket
}

@test "net: published port from the host, 127.0.0.1, another container and another host" {
	local www=$BATS_TEST_TMPDIR/www port=$((20000 + $$ % 10000))
	mkdir -p "$www" && echo hello >"$www/index.html"
	fake_internet
	holder busybox httpd -f -p 80 -h "$www"; local srv=$HPID
	holder; local cli=$HPID
	net_up "${TAG}s" "$srv" --publish "$port:80"
	assert_success
	net_up "${TAG}c" "$cli"
	assert_success
	[ "$(http_get "http://10.20.0.1:$port/")" = hello ]
	[ "$(http_get "http://127.0.0.1:$port/")" = hello ]
	[ "$(http_get_in "$cli" "http://10.20.0.1:$port/")" = hello ]
	[ "$(http_get_in "$INET_PID" "http://198.51.100.1:$port/")" = hello ]
	net_down "${TAG}s"
	assert_success
	! http_get "http://127.0.0.1:$port/" || fail "port still published after down"
}

@test "net: a port published twice fails and leaves nothing behind" {
	local port=$((30000 + $$ % 10000))
	holder; local p1=$HPID
	holder; local p2=$HPID
	net_up "${TAG}a" "$p1" --publish "$port:80"
	assert_success
	net_up "${TAG}b" "$p2" --publish "$port:81"
	[ "$status" -eq 1 ]
	[ "$output" = "sheep-net: up '${TAG}b': publish ports: host port $port/tcp is already published" ]
	! "$SHEEP_NET" ls | grep -q "^${TAG}b "
	! ip -d link show | grep -q "alias ${TAG}b$"
	in_ns "$p2" ip link show eth0 2>/dev/null && fail "eth0 left in the namespace" || true
}

@test "net: a container in the host's network namespace is refused before anything is made" {
	local default
	default=$(ip route show default)
	sleep 1000 </dev/null >/dev/null 2>&1 3>&- &
	local pid=$!
	HOLDERS+=("$pid")
	disown "$pid"
	net_up "${TAG}h" "$pid"
	[ "$status" -eq 1 ]
	[ "$output" = "sheep-net: up '${TAG}h': the container shares the host's network namespace: up needs a network namespace of its own (linux.namespaces 'network')" ]
	! "$SHEEP_NET" ls | grep -q "^${TAG}h "
	# (other tests' links and routes come and go asynchronously: only what this one could add)
	! ip -d link show | grep -q "alias ${TAG}h$" || fail "a veth was made"
	[ "$(ip route show default)" = "$default" ] || fail "the default route changed"
	! ip route show | grep -q "via 10.20.0.1" || fail "a route via the gateway was added"
}

@test "net: down after the namespace is gone removes the lease and the map elements" {
	local port=$((40000 + $$ % 10000))
	holder; local p=$HPID
	# (only this test's element: other users of sheep0 publish and unpublish meanwhile)
	net_up "${TAG}a" "$p" --publish "$port:80"
	assert_success
	nft list map ip sheep tcp_any | grep -q " $port :"
	kill -KILL "$p"
	net_down "${TAG}a"
	assert_success
	! nft list map ip sheep tcp_any | grep -q " $port :" || fail "element left"
	! "$SHEEP_NET" ls | grep -q "^${TAG}a "
}

@test "net: gc reclaims the lease and elements of a container killed without poststop" {
	local port=$((50000 + $$ % 10000))
	holder; local p=$HPID
	net_up "${TAG}g" "$p" --publish "$port:80/udp"
	assert_success
	kill -KILL "$p"
	# SIGKILL is delivered asynchronously: gc must run once the namespace is really gone
	retry 250 0.02 sh -c "! test -e /proc/$p/ns/net"
	run "$SHEEP_NET" gc
	assert_success
	# (any count: another user's gc on this machine may have reclaimed it first; the lease must
	# be gone either way)
	[[ "$output" == "reclaimed "[0-9]* ]] || fail "gc: $output"
	! "$SHEEP_NET" ls | grep -q "^${TAG}g "
	! nft list map ip sheep udp_any | grep -q "$port :"
}

@test "net: reload after the table is flushed restores NAT and published ports" {
	local www=$BATS_TEST_TMPDIR/www port=$((21000 + $$ % 10000))
	mkdir -p "$www" && echo hello >"$www/index.html"
	fake_internet
	holder busybox httpd -f -p 80 -h "$www"; local srv=$HPID
	net_up "${TAG}r" "$srv" --publish "$port:80"
	assert_success
	# what `nft flush ruleset` does to our table, without touching other programs' tables
	nft delete table ip sheep
	! http_get "http://127.0.0.1:$port/" || fail "reachable without the table"
	run "$SHEEP_NET" reload
	assert_success
	[ "$(http_get "http://127.0.0.1:$port/")" = hello ]
	[ "$(http_get_in "$srv" "http://198.51.100.2:8000/cgi-bin/ip")" = \
		"[::ffff:198.51.100.1]" ]
	[ "$(nft list chain ip sheep postrouting | grep -c 'oifname != @bridges masquerade')" -eq 1 ]
}

@test "net: exhaustion of a small network is a clear error, leaves nothing, and runs gc once" {
	local net="${TAG}x" i pids=()
	for i in 1 2 3 4 5 6; do
		holder
		pids+=("$HPID")
	done
	for i in 1 2 3 4 5; do
		net_up "${TAG}e$i" "${pids[$((i - 1))]}" --network "$net" --subnet 10.99.0.0/29
		assert_success
	done
	net_up "${TAG}e6" "${pids[5]}" --network "$net"
	[ "$status" -eq 1 ]
	[ "$output" = "sheep-net: up '${TAG}e6': allocate address: network '$net': no free address in 10.99.0.0/29" ]
	! "$SHEEP_NET" ls | grep -q "^${TAG}e6 "
	! ip -d link show | grep -q "alias ${TAG}e6$"
	kill -KILL "${pids[2]}" # a crash: no poststop, the lease stays until gc
	net_up "${TAG}e6" "${pids[5]}" --network "$net"
	assert_success
	[[ "$(addr_of "${pids[5]}")" == 10.99.0.4/29 ]] || fail "got $(addr_of "${pids[5]}")"
	for i in 1 2 4 5 6; do net_down_net "${TAG}e$i" "$net"; done
}

net_down_net() {
	state_json "$1" 0 | "$SHEEP_NET" down --network "$2"
}

@test "net: hook errors name the verb and id" {
	run bash -c "printf '{\"ociVersion\":\"1.2.0\",\"id\":\"x1\",\"status\":\"creating\",\"bundle\":\"/\"}' | $SHEEP_NET up"
	[ "$status" -eq 1 ]
	[ "$output" = "sheep-net: up 'x1': the state has no pid: up must run as a createRuntime hook" ]
	run bash -c "state_json() { :; }; echo '{}' | $SHEEP_NET up --publish 80"
	[ "$status" -eq 1 ]
	[ "$output" = "sheep-net: up: invalid port '80': expected [HOSTIP:]HOSTPORT:CTRPORT" ]
	run "$SHEEP_NET" frob
	[ "$status" -eq 1 ]
	[[ "$output" == "sheep-net: unknown command 'frob'"* ]]
}

@test "net: --help and --version exit 0 on stdout" {
	run "$SHEEP_NET" --help
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "usage: sheep-net up "* ]]
	run "$SHEEP_NET" --version
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^sheep-net\ version\ [0-9] ]]
	[[ "${lines[1]}" =~ ^commit:\  ]]
}

@test "net: sheep-oci spec --network runs a networked container; delete releases the lease" {
	requires sheep
	make_bundle
	set_args /bin/sleep 100
	update_config ".hooks.createRuntime = [{\"path\": \"$SHEEP_NET\", \"args\": [\"sheep-net\", \"up\"]}] |
		.hooks.poststop = [{\"path\": \"$SHEEP_NET\", \"args\": [\"sheep-net\", \"down\"]}]"
	sheep run -d --bundle "$BUNDLE" "$ID"
	assert_success
	local pid
	pid=$(container_pid "$ID")
	[[ "$(addr_of "$pid")" == 10.20.*/16 ]] || fail "address: $(addr_of "$pid")"
	in_ns "$pid" busybox ping -c1 -W2 10.20.0.1
	"$SHEEP_NET" ls | grep -q "^$ID "
	sheep delete --force "$ID"
	assert_success
	! "$SHEEP_NET" ls | grep -q "^$ID "
}

@test "net: spec --network writes both hooks with the installed path" {
	requires sheep
	mkdir -p "$BATS_TEST_TMPDIR/b"
	sheep spec --bundle "$BATS_TEST_TMPDIR/b" --network --publish 8080:80
	assert_success
	run jq -c '[.hooks.createRuntime[0].args, .hooks.poststop[0].args]' "$BATS_TEST_TMPDIR/b/config.json"
	assert_output '[["sheep-net","up","--publish","8080:80"],["sheep-net","down"]]'
	run jq -r '.hooks.createRuntime[0].path' "$BATS_TEST_TMPDIR/b/config.json"
	[[ "$output" == */bin/sheep-net ]]
	sheep spec --bundle "$BATS_TEST_TMPDIR/c" --publish 8080:80
	assert_failure 1
	assert_output_contains "sheep-oci: spec: --publish requires --network"
}

@test "net: SIGTERM and SIGINT do not interrupt a hook half way" {
	holder; local p=$HPID pid
	mkfifo "$BATS_TEST_TMPDIR/in"
	IDS+=("${TAG}t")
	"$SHEEP_NET" up <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out" 2>&1 &
	pid=$!
	exec 5>"$BATS_TEST_TMPDIR/in" # sheep-net is now running, blocked reading its state
	sleep 0.2
	kill -TERM "$pid"
	kill -INT "$pid"
	state_json "${TAG}t" "$p" >&5
	exec 5>&-
	wait "$pid" || fail "up was interrupted: $(cat "$BATS_TEST_TMPDIR/out")"
	"$SHEEP_NET" ls | grep -q "^${TAG}t "
	[[ "$(addr_of "$p")" == 10.20.*/16 ]]
}
