#!/usr/bin/env bats
# sheep-oci unpack interrupted: SIGINT, SIGTERM, SIGHUP and SIGPIPE during a layer or the config
# write end the unpack through its failure path (no bundle, no staging directory, the message,
# death by the signal: status 128+N), and a staging directory a SIGKILL left is removed by the
# next unpack of the same bundle, and nothing else is.

SHEEP_OCI=${SHEEP_OCI:-sheep-oci}
MKIMAGE="$BATS_TEST_DIRNAME/unpack_mkimage.py"

# One image for the whole file: a 200 MiB first layer, a 100 MiB second one (random data, so
# that neither compression nor sparse files make them fast), and a one-file image.
setup_file() {
	[ "$(id -u)" -eq 0 ] || return 0
	local f="$BATS_FILE_TMPDIR"
	mkdir -p "$f/l1/etc" "$f/l2" "$f/l3"
	echo one >"$f/l1/etc/marker1"
	head -c 200M /dev/urandom >"$f/l1/big1"
	echo two >"$f/l2/marker2"
	head -c 100M /dev/urandom >"$f/l2/big2"
	echo three >"$f/l3/small"
	tar -C "$f/l1" -cf "$f/l1.tar" etc big1
	tar -C "$f/l2" -cf "$f/l2.tar" marker2 big2
	tar -C "$f/l3" -cf "$f/l3.tar" small
	rm -rf "$f/l1" "$f/l2" "$f/l3"
	python3 "$MKIMAGE" --format oci --out "$f/img" "$f/l1.tar" "$f/l2.tar" >/dev/null
	python3 "$MKIMAGE" --format oci --out "$f/small" "$f/l3.tar" >/dev/null
	rm -f "$f/l1.tar" "$f/l2.tar"
}

setup() {
	[ "$(id -u)" -eq 0 ] || skip "requires root (the unpack chowns)"
	T=$(mktemp -d /tmp/unpack-int.XXXXXX)
	IMG="$BATS_FILE_TMPDIR/img"
	PID=
	TRACER=
}

teardown() {
	[ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null
	[ -n "${T:-}" ] && rm -rf "$T"
}

# start_unpack [strace options...]: in the background with the default dispositions (a
# background job of a script has SIGINT ignored, and an ignored signal stays ignored); PID is
# the unpacker (under strace when options are given, which relays the signal and the status).
start_unpack() {
	if [ $# -eq 0 ]; then
		env --default-signal "$SHEEP_OCI" unpack "$IMG" "$T/bundle" 2>"$T/err" &
		PID=$!
		return
	fi
	command -v strace >/dev/null || skip "needs strace (to hold a syscall while the signal comes)"
	env --default-signal strace -qq -o /dev/null "$@" "$SHEEP_OCI" unpack "$IMG" "$T/bundle" \
		2>"$T/err" &
	TRACER=$!
	for _ in $(seq 500); do
		PID=$(pgrep -P "$TRACER") && return
		sleep 0.01
	done
	echo "no tracee"
	return 1
}

# wait_for GLOB: until a path below the staging directory exists (the unpack got that far)
wait_for() {
	local deadline=$((SECONDS + 20))
	while [ "$SECONDS" -lt "$deadline" ]; do
		compgen -G "$T/.bundle.unpack-*/$1" >/dev/null && return 0
		kill -0 "$PID" 2>/dev/null || { echo "unpack ended before $1: $(cat "$T/err")"; return 1; }
	done
	echo "timeout waiting for $1"
	return 1
}

# interrupt SIGNAL [MAX_MS]: sends it, waits, checks status 128+N, the message, the time it took
# (a data block, not the rest of the layer; the bound is generous for a loaded CI machine) and
# that neither the bundle nor a staging directory is left
interrupt() {
	kill -s "$1" "$PID"
	interrupt_status "$@"
}

# interrupt_status SIGNAL [MAX_MS]: the checks of interrupt, for a signal sent or on its way
interrupt_status() {
	local t0 t1 pid=${TRACER:-$PID} max=${2:-1000}
	t0=$(date +%s%N)
	wait "$pid" && status=0 || status=$?
	t1=$(date +%s%N)
	PID=
	echo "status=$status ms=$(((t1 - t0) / 1000000)) err=$(cat "$T/err")"
	[ "$status" -eq $((128 + $(kill -l "$1"))) ]
	[ "$(cat "$T/err")" = "sheep-oci: unpack: interrupted (SIG$1)" ]
	[ $(((t1 - t0) / 1000000)) -lt "$max" ]
	[ ! -e "$T/bundle" ]
	[ -z "$(ls -A "$T" | grep unpack-)" ] || { ls -A "$T"; return 1; }
}

@test "unpack interrupt: SIGINT during the first layer" {
	start_unpack
	wait_for rootfs/big1
	interrupt INT
}

@test "unpack interrupt: SIGTERM during the first layer" {
	start_unpack
	wait_for rootfs/big1
	interrupt TERM
}

@test "unpack interrupt: SIGINT during a later layer" {
	start_unpack
	wait_for rootfs/marker2
	interrupt INT
}

@test "unpack interrupt: SIGTERM during a later layer" {
	start_unpack
	wait_for rootfs/marker2
	interrupt TERM
}

@test "unpack interrupt: SIGHUP and SIGPIPE during a layer" {
	start_unpack
	wait_for rootfs/big1
	interrupt HUP
	start_unpack
	wait_for rootfs/big1
	interrupt PIPE
}

# The config is written after every layer: strace delivers the signal as the rename of the
# config's temporary file begins (at that syscall, not after a poll that a loaded machine can
# lose), and the check before the final rename stops the unpack.
@test "unpack interrupt: SIGINT and SIGTERM during the config write" {
	command -v strace >/dev/null || skip "needs strace (to signal the unpack at a syscall)"
	IMG="$BATS_FILE_TMPDIR/small"
	for sig in INT TERM; do
		# no start_unpack: the unpack may be over before its pid could be looked up
		env --default-signal strace -qq -o /dev/null -e trace=renameat \
			-e inject=renameat:signal="$sig":when=1 "$SHEEP_OCI" unpack "$IMG" "$T/bundle" \
			2>"$T/err" &
		TRACER=$!
		interrupt_status "$sig" 3000
		TRACER=
	done
}

# A second signal while the staging directory is removed (its first unlinkat is held for a
# second) neither stops the removal halfway nor changes the signal the unpack dies of.
@test "unpack interrupt: a second signal during the cleanup" {
	start_unpack -e trace=unlinkat -e inject=unlinkat:delay_enter=1000000:when=1
	wait_for rootfs/big1
	kill -s INT "$PID"
	sleep 0.3
	kill -s TERM "$PID"
	wait "$TRACER" && status=0 || status=$?
	PID=
	echo "status=$status err=$(cat "$T/err")"
	[ "$status" -eq 130 ]
	[ "$(cat "$T/err")" = "sheep-oci: unpack: interrupted (SIGINT)" ]
	[ ! -e "$T/bundle" ]
	[ -z "$(ls -A "$T" | grep unpack-)" ]
}

# nohup, or a background job of a non-interactive shell: an ignored SIGINT stays ignored.
@test "unpack interrupt: an inherited ignored SIGINT is not handled" {
	(
		trap '' INT
		exec "$SHEEP_OCI" unpack "$IMG" "$T/bundle" 2>"$T/err"
	) &
	PID=$!
	wait_for rootfs/big1
	kill -s INT "$PID"
	wait "$PID" && status=0 || status=$?
	PID=
	echo "status=$status err=$(cat "$T/err")"
	[ "$status" -eq 0 ]
	[ -f "$T/bundle/rootfs/big2" ]
}

@test "unpack interrupt: a staging directory left by SIGKILL goes with the next unpack" {
	start_unpack
	wait_for rootfs/big1
	kill -s KILL "$PID"
	wait "$PID" || true
	PID=
	left=$(ls -A "$T" | grep '^\.bundle\.unpack-')
	[ -n "$left" ] && [ -d "$T/$left/rootfs" ]
	# not to be touched: another user's, a longer name, another bundle's, a locked one
	mkdir "$T/.bundle.unpack-nobody" "$T/.bundle.unpack-abcdefg" "$T/.other.unpack-abcdef" \
		"$T/.bundle.unpack-locked"
	chown 65534 "$T/.bundle.unpack-nobody"
	touch -d '1 hour ago' "$T"/.*.unpack-*
	flock "$T/.bundle.unpack-locked" sleep 30 &
	LOCKER=$!
	sleep 0.2
	IMG="$BATS_FILE_TMPDIR/small"
	run "$SHEEP_OCI" unpack "$IMG" "$T/bundle"
	kill "$LOCKER"
	wait "$LOCKER" || true
	echo "status=$status output=$output $(ls -A "$T")"
	[ "$status" -eq 0 ]
	[ "$(cat "$T/bundle/rootfs/small")" = three ]
	[ ! -e "$T/$left" ]
	[ "$(ls -A "$T" | grep unpack- | sort | tr '\n' ' ')" = \
		".bundle.unpack-abcdefg .bundle.unpack-locked .bundle.unpack-nobody .other.unpack-abcdef " ]
}
