#!/usr/bin/env bats
# Hostile bundles, configs and images: what they may do to the host or to the runtime (crash, hang,
# leak, escape). Each case checks the error and what the host sees afterwards: files, staging
# directories, state, processes.

load helpers

setup() {
	setup_sheep
	H=$BATS_TEST_TMPDIR/h
	mkdir -p "$H"
}

teardown() {
	[ -z "${RECV_PID:-}" ] || kill "$RECV_PID" 2>/dev/null || true
	teardown_sheep
}

# hostile_tar KIND OUT: writes one tar built for the case (python's tarfile, no image downloads).
hostile_tar() {
	python3 - "$@" <<'EOF'
import io, sys, tarfile
kind, out = sys.argv[1], sys.argv[2]
def add(t, name, type_=tarfile.DIRTYPE, link="", data=b""):
    ti = tarfile.TarInfo(name); ti.type = type_; ti.linkname = link
    ti.mode = 0o755; ti.size = len(data)
    t.addfile(ti, io.BytesIO(data) if data else None)
with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
    seg = "/".join(["a"] * 2000)
    if kind == "deep":  # 1,100 levels in plain names, 10,000 through symlinks
        add(t, "d/" + "/".join(["a"] * 1100))
        add(t, seg)
        prev = seg
        for k in range(1, 5):
            add(t, "s%d" % k, tarfile.SYMTYPE, link=prev)
            add(t, "s%d/%s" % (k, seg))
            prev = "s%d/%s" % (k, seg)
        add(t, "../last", tarfile.REGTYPE, data=b"x")  # ends with a refused entry
    elif kind == "passwd-fifo":  # a FIFO where the User lookup reads
        add(t, "etc")
        add(t, "etc/passwd", tarfile.FIFOTYPE)
EOF
}

@test "unpack: a failed image nesting 10,000 directories deep leaves nothing (1,024 fds, no recursion)" {
	requires sheep
	hostile_tar deep "$H/deep.tar"
	local unpack=(${SHEEP_OCI} unpack "$H/deep.tar" "$H/bundle")
	status=0
	output=$(ulimit -n 1024 && "${unpack[@]}" 2>&1) || status=$?
	echo "status=$status output=$output"
	assert_failure 1
	assert_output "sheep-oci: unpack: image '$H/deep.tar': entry '../last': path escapes the root"
	[ -z "$(ls -A "$H" | grep -v '^deep.tar$')" ] || fail "left in $H: $(ls -A "$H")"
}

@test "config.json that is a FIFO, a device, a directory: create fails at once, nothing is left" {
	local cfg="$BUNDLE/config.json"
	mv "$cfg" "$H/config.json"
	mkfifo "$cfg"
	sheep create --bundle "$BUNDLE" "$ID"
	assert_sheep_error create "$ID" "'$cfg' is not a regular file"
	assert_nothing_left "$ID"
	rm "$cfg" && ln -s /dev/zero "$cfg"
	sheep create --bundle "$BUNDLE" "$ID"
	assert_sheep_error create "$ID" "'$cfg' is not a regular file"
	rm "$cfg" && mkdir "$cfg"
	sheep create --bundle "$BUNDLE" "$ID"
	assert_sheep_error create "$ID" "'$cfg' is not a regular file"
	assert_nothing_left "$ID"
	# a symlink to a regular file is fine
	rmdir "$cfg" && ln -s "$H/config.json" "$cfg"
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
}

@test "root.path a symlink to a directory runs in that directory; to the host's / it is refused" {
	mv "$BUNDLE/rootfs" "$H/real"
	ln -s "$H/real" "$BUNDLE/rootfs"
	set_args /probe echo inside
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output inside
	rm "$BUNDLE/rootfs" && ln -s / "$BUNDLE/rootfs"
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" "rootfs '$BUNDLE/rootfs' is the host's root directory"
	update_config '.root.path = "/"'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" "rootfs '/' is the host's root directory"
	assert_nothing_left "$ID"
}

@test "a hook with a relative path is refused before anything runs (config.md: MUST be absolute)" {
	mkdir -p "$BUNDLE/rel"
	printf '#!/bin/sh\ntouch %s/ran\n' "$H" >"$BUNDLE/rel/hook"
	chmod +x "$BUNDLE/rel/hook"
	update_config '.hooks.poststop = [{"path": "/bin/true"}, {"path": "rel/hook"}]'
	cd "$BUNDLE"
	sheep run "$ID"
	assert_sheep_error run "$ID" "config.json: hooks.poststop[1].path: must be an absolute path, got 'rel/hook'"
	[ ! -e "$H/ran" ] || fail "the relative hook ran"
	assert_nothing_left "$ID"
}

@test "linux.devices: numbers beyond dev_t and paths with '..' or '.' are refused at create" {
	update_config '.linux.devices = [{"path": "/dev/trunc", "type": "c", "major": 4294967297, "minor": 3}]'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" "config.json: linux.devices[0].major: 4294967297 out of range (0 to 4095)"
	update_config '.linux.devices = [{"path": "/dev/a/..", "type": "c", "major": 1, "minor": 3}]'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" "config.json: linux.devices[0].path: must be an absolute path to a file, without '.' or '..', got '/dev/a/..'"
	assert_nothing_left "$ID"
	update_config '.linux.devices = [{"path": "/dev/big", "type": "c", "major": 4095, "minor": 1048575}] |
		.linux.resources.devices += [{"allow": true, "type": "c", "major": 4095, "minor": 1048575,
		"access": "m"}]'
	set_args /bin/stat -c '%t:%T' /dev/big
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output "fff:fffff"
}

@test "a mount at a default device's path wins over the default device (as runc)" {
	echo from-host >"$H/file"
	update_config '.mounts += [{"destination": "/dev/null", "type": "bind", "source": "/dev/null",
		"options": ["bind"]}, {"destination": "/dev/zero", "type": "bind", "source": "'"$H/file"'",
		"options": ["bind", "ro"]}]'
	set_args /bin/sh -c 'stat -c "%t:%T" /dev/null; cat /dev/zero'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output "1:3
from-host"
	[ "$(cat "$H/file")" = from-host ]
	# a file bound on /dev/null is not bound over maskedPaths
	update_config '.mounts[-2].source = "'"$H/file"'"'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" "set up rootfs: mask paths: '/dev/null' is not the null device (1:3)"
	assert_nothing_left "$ID"
}

@test "tmpcopyup over a directory nested 300 deep fails naming the limit, nothing is left" {
	local d="$BUNDLE/rootfs/var/deep" i
	mkdir -p "$d"
	for ((i = 0; i < 300; i++)); do d=$d/d; done
	mkdir -p "$d"
	update_config '.mounts += [{"destination": "/var/deep", "type": "tmpfs", "source": "tmpfs",
		"options": ["tmpcopyup"]}]'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" "set up rootfs: mount 'tmpfs' on '/var/deep' (mounts[7]): tmpcopyup: directories nested deeper than 256"
	assert_nothing_left "$ID"
}

@test "unpack: a FIFO at /etc/passwd is not read (the unpack blocked for ever), nothing is left" {
	requires sheep
	hostile_tar passwd-fifo "$H/l.tar"
	python3 "$BATS_TEST_DIRNAME/unpack_mkimage.py" --format oci --out "$H/img" \
		--config '{"User": "web", "Cmd": ["/bin/sh"]}' "$H/l.tar" >/dev/null
	status=0
	output=$(timeout 20 "$SHEEP_OCI" unpack "$H/img" "$H/bundle" 2>&1) || status=$?
	echo "status=$status output=$output"
	assert_failure 1
	assert_output "sheep-oci: unpack: image '$H/img': image config: '/etc/passwd' is not a regular file"
	[ -z "$(ls -A "$H" | grep -v '^img$\|^l.tar$')" ] || fail "left in $H: $(ls -A "$H")"
}

@test "a FIFO at /dev/console of an image without a /dev tmpfs: the terminal works (create hung)" {
	requires recvtty
	local sock=$BATS_TEST_TMPDIR/tty.sock out=$BATS_TEST_TMPDIR/tty.out
	mkfifo "$BUNDLE/rootfs/dev/console"
	update_config '.mounts |= map(select(.destination | startswith("/dev") | not)) |
		.mounts += [{"destination": "/dev/pts", "type": "devpts", "source": "devpts",
		"options": ["newinstance", "ptmxmode=0666"]}] | .process.terminal = true'
	set_args /bin/sh -c 'stat -c "%F %t" /dev/console'
	"$SHEEP_RECVTTY" "$sock" "$out" 3>&- &
	RECV_PID=$!
	wait_file "$sock"
	sheep run -d --console-socket "$sock" --bundle "$BUNDLE" "$ID"
	assert_success
	retry 100 0.1 pid_dead "$RECV_PID"
	grep -q "character special file 88" "$out" || fail "$(cat "$out")"
	[ -f "$BUNDLE/rootfs/dev/console" ] || fail "the image's /dev/console is not a file of ours"
}

@test "HOME from an image whose /etc/passwd is a FIFO or a link to /dev/zero: HOME=/, no hang" {
	update_config 'del(.process.env[] | select(startswith("HOME=")))'
	set_args /bin/sh -c 'echo "$HOME"'
	rm -f "$BUNDLE/rootfs/etc/passwd"
	mkfifo "$BUNDLE/rootfs/etc/passwd"
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output "/"
	rm "$BUNDLE/rootfs/etc/passwd"
	ln -s /dev/zero "$BUNDLE/rootfs/etc/passwd"
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output "/"
}

@test "an id with a newline or an escape sequence is refused and printed escaped, one line" {
	requires sheep
	sheep run --bundle "$BUNDLE" $'a\nb\e[31m'
	assert_failure 1
	[ "${#lines[@]}" -eq 1 ] || fail "more than one line: $output"
	assert_output "sheep-oci: run 'a\\x0ab\\x1b[31m': invalid container id: it has a space or control character"
	[ -z "$(ls -A "$ROOT")" ] || fail "state left: $(ls -A "$ROOT")"
}
