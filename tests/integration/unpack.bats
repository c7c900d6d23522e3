#!/usr/bin/env bats
# sheep-oci unpack: images the tests build themselves (OCI layout dir and tar, docker-archive,
# rootfs tarball), the unpacked tree compared with what went in, and hostile images that must
# fail cleanly without touching anything outside the bundle.

SHEEP_OCI=${SHEEP_OCI:-sheep-oci}
BUSYBOX=${BUSYBOX:-/bin/busybox}
MKIMAGE="$BATS_TEST_DIRNAME/unpack_mkimage.py"
HOSTILE="$BATS_TEST_DIRNAME/unpack_hostile.py"

setup() {
	[ "$(id -u)" -eq 0 ] || skip "requires root (ownership, device nodes)"
	T=$(mktemp -d /tmp/unpack-bats.XXXXXX)
	mkdir "$T/outside"
	echo secret >"$T/outside/secret"
	OUTSIDE_SUM=$(outside_sum)
}

teardown() {
	[ -n "${T:-}" ] && rm -rf "$T"
}

outside_sum() {
	(cd "$T/outside" && find . -printf '%p %y %m %n %s\n' | sort && cat secret) | md5sum
}

# assert_clean: the failed unpack left no bundle, no staging directory, no change outside
assert_clean() {
	[ ! -e "$T/bundle" ] || { echo "bundle left behind"; return 1; }
	! ls -A "$T" | grep -q unpack- || { echo "staging left behind: $(ls -A "$T")"; return 1; }
	[ "$(outside_sum)" = "$OUTSIDE_SUM" ] || { echo "outside changed"; return 1; }
}

unpack() {
	run "$SHEEP_OCI" unpack "$@"
	echo "status=$status output=$output"
}

# base layer: busybox with sh, passwd/group, a setuid file, a device, a fifo, an xattr, links
make_base_layer() {
	local l="$T/l1"
	mkdir -p "$l/bin" "$l/etc" "$l/home/web" "$l/dev" "$l/data"
	cp "$BUSYBOX" "$l/bin/busybox"
	ln -s busybox "$l/bin/sh"
	ln -s busybox "$l/bin/cat"
	printf 'root:x:0:0::/root:/bin/sh\nweb:x:1000:1001::/home/web:/bin/sh\n' >"$l/etc/passwd"
	printf 'root:x:0:\nweb:x:1001:\naudio:x:29:web\n' >"$l/etc/group"
	echo one >"$l/data/one"
	echo gone >"$l/data/gone"
	mkdir "$l/opaque" && echo old >"$l/opaque/old"
	ln "$l/data/one" "$l/data/one-hard"
	install -m 4755 /dev/null "$l/bin/suid"
	chown 1000:1001 "$l/home/web"
	mknod "$l/dev/null" c 1 3
	mkfifo "$l/data/fifo"
	python3 -c 'import os,sys; os.setxattr(sys.argv[1], "user.sheep", b"baa")' "$l/data/one"
	tar --xattrs --xattrs-include='user.*' -C "$l" --numeric-owner -cf "$T/l1.tar" .
}

make_top_layer() {
	local l="$T/l2"
	mkdir -p "$l/data" "$l/opaque"
	touch "$l/data/.wh.gone" "$l/opaque/.wh..wh..opq"
	echo new >"$l/opaque/new"
	echo two >"$l/data/two"
	tar -C "$l" -czf "$T/l2.tgz" .
}

CONFIG='{"Entrypoint":["/bin/sh","-c"],"Cmd":["cat /data/one"],"Env":["FOO=bar"],
"User":"web","WorkingDir":"/home/web","ExposedPorts":{"80/tcp":{},"53/udp":{}},
"Labels":{"org.example.l":"v"},"StopSignal":"SIGINT"}'

check_tree() {
	local r="$T/bundle/rootfs"
	[ "$(cat "$r/data/one")" = one ]
	[ "$(cat "$r/data/two")" = two ]
	[ ! -e "$r/data/gone" ]
	[ ! -e "$r/opaque/old" ] && [ "$(cat "$r/opaque/new")" = new ]
	[ "$(stat -c %i "$r/data/one")" = "$(stat -c %i "$r/data/one-hard")" ]
	[ "$(stat -c %a "$r/bin/suid")" = 4755 ]
	[ "$(stat -c %u:%g "$r/home/web")" = 1000:1001 ]
	[ "$(stat -c %F:%t:%T "$r/dev/null")" = "character special file:1:3" ]
	[ -p "$r/data/fifo" ]
	[ "$(readlink "$r/bin/sh")" = busybox ]
	[ "$(python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], "user.sheep").decode())' "$r/data/one")" = baa ]
}

check_config() {
	local c="$T/bundle/config.json"
	[ "$(jq -c .process.args "$c")" = '["/bin/sh","-c","cat /data/one"]' ]
	[ "$(jq -r '.process.env | join(" ")' "$c")" = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin FOO=bar" ]
	[ "$(jq -r .process.cwd "$c")" = /home/web ]
	[ "$(jq -c '[.process.user.uid, .process.user.gid, .process.user.additionalGids]' "$c")" = '[1000,1001,[1001,29]]' ]
	[ "$(jq -r '.annotations["org.opencontainers.image.exposedPorts"]' "$c")" = "80/tcp,53/udp" ]
	[ "$(jq -r '.annotations["org.example.l"]' "$c")" = v ]
	[ "$(jq -r '.annotations["org.opencontainers.image.stopSignal"]' "$c")" = SIGINT ]
	[ "$(jq -r '.annotations["io.sheep-oci.image.digest"]' "$c")" = "$1" ]
}

@test "unpack: OCI layout directory, layers, whiteouts, metadata and config" {
	make_base_layer && make_top_layer
	digest=$(python3 "$MKIMAGE" --format oci --out "$T/img" --config "$CONFIG" "$T/l1.tar" "$T/l2.tgz")
	unpack --quiet "$T/img" "$T/bundle"
	[ "$status" -eq 0 ]
	check_tree
	check_config "$digest"
}

@test "unpack: OCI archive (tar) picked by --ref, into an existing empty bundle" {
	make_base_layer && make_top_layer
	digest=$(python3 "$MKIMAGE" --format oci --tar --ref sheep:1 --out "$T/img.tar" --config "$CONFIG" "$T/l1.tar" "$T/l2.tgz")
	mkdir "$T/bundle"
	unpack --ref sheep:1 "$T/img.tar" "$T/bundle"
	[ "$status" -eq 0 ]
	check_tree
	check_config "$digest"
	[ "$(jq -r '.annotations["io.sheep-oci.image.ref"]' "$T/bundle/config.json")" = sheep:1 ]
	[ ! -e "$T/bundle/image" ] && [ ! -e "$T/bundle/rootfs/oci-layout" ]
}

@test "unpack: docker-archive, compressed, layers checked against diff_ids" {
	make_base_layer && gunzip -c "$T/l2.tgz" >/dev/null 2>&1 || make_top_layer
	gunzip -c "$T/l2.tgz" >"$T/l2.tar"
	digest=$(python3 "$MKIMAGE" --format docker --tar --ref sheep:2 --out "$T/img.tar" --config "$CONFIG" "$T/l1.tar" "$T/l2.tar")
	zstd -q "$T/img.tar" -o "$T/img.tar.zst"
	unpack "$T/img.tar.zst" "$T/bundle"
	[ "$status" -eq 0 ]
	check_tree
	check_config "$digest"
}

@test "unpack: plain rootfs tarball (docker export) keeps the default config" {
	make_base_layer
	xz -k "$T/l1.tar"
	unpack "$T/l1.tar.xz" "$T/bundle"
	[ "$status" -eq 0 ]
	[ "$(cat "$T/bundle/rootfs/data/one")" = one ]
	[ "$(jq -c .process.args "$T/bundle/config.json")" = '["sh"]' ]
}

@test "unpack: a non-empty bundle is refused and left alone" {
	make_base_layer
	mkdir "$T/bundle" && touch "$T/bundle/keep"
	unpack "$T/l1.tar" "$T/bundle"
	[ "$status" -eq 1 ]
	[ "$output" = "sheep-oci: unpack: image '$T/l1.tar': bundle '$T/bundle' exists and is not an empty directory" ]
	[ "$(ls -A "$T/bundle")" = keep ]
	# an empty bundle directory survives a failed unpack, empty
	rm "$T/bundle/keep" && echo junk >"$T/bad.tar"
	unpack "$T/bad.tar" "$T/bundle"
	[ "$status" -eq 1 ]
	[ "$output" = "sheep-oci: unpack: image '$T/bad.tar': read '$T/bad.tar': Unrecognized archive format" ]
	[ -d "$T/bundle" ] && [ -z "$(ls -A "$T/bundle")" ]
	! ls -A "$T" | grep -q unpack-
}

@test "unpack: as an unprivileged user (rootless): no chown, no devices, a rootless spec" {
	command -v setpriv >/dev/null || skip "requires setpriv(1)"
	make_base_layer
	python3 "$MKIMAGE" --format oci --out "$T/img" "$T/l1.tar" >/dev/null
	chmod -R a+rX "$T" && chmod 1777 "$T"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$SHEEP_OCI" unpack "$T/img" "$T/bundle"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(stat -c %u:%g "$T/bundle/rootfs/home/web")" = 65534:65534 ]
	[ ! -e "$T/bundle/rootfs/dev/null" ]
	[ "$(cat "$T/bundle/rootfs/data/one")" = one ]
	jq -e '.linux.namespaces | map(.type) | index("user")' "$T/bundle/config.json"
}

# hostile_image KIND...: one OCI image with a layer per KIND
hostile_image() {
	local layers=() i=0
	for k in "$@"; do
		python3 "$HOSTILE" "$k" "$T/h$i.tar" "$T/outside"
		layers+=("$T/h$i.tar")
		i=$((i + 1))
	done
	python3 "$MKIMAGE" --format oci --out "$T/img" "${layers[@]}" >/dev/null
}

@test "unpack hostile: '..' entries are refused" {
	hostile_image dotdot
	unpack "$T/img" "$T/bundle"
	[ "$status" -eq 1 ]
	[[ "$output" == *"layer 1: entry '../../../../../../..$T/outside/secret': path escapes the root" ]]
	assert_clean
}

@test "unpack hostile: absolute entries land inside the rootfs" {
	hostile_image absolute
	unpack "$T/img" "$T/bundle"
	[ "$status" -eq 0 ]
	[ "$(cat "$T/bundle/rootfs$T/outside/secret")" = pwned ]
	rm -rf "$T/bundle"
	assert_clean
}

@test "unpack hostile: a symlink planted by one layer is not followed by the next" {
	hostile_image symlink through
	unpack "$T/img" "$T/bundle"
	[ "$status" -eq 1 ]
	[[ "$output" == *"layer 2: entry 'evil/secret': open directory 'evil': No such file or directory" ]]
	assert_clean
}

@test "unpack hostile: hard links cannot point outside" {
	hostile_image hardlink
	unpack "$T/img" "$T/bundle"
	[ "$status" -eq 1 ]
	[[ "$output" == *"hard link 'h' to '../../../../..$T/outside/secret': path escapes the root" ]]
	assert_clean
	rm -rf "$T/img"
	hostile_image hardlink-abs
	unpack "$T/img" "$T/bundle"
	[ "$status" -eq 1 ]
	[[ "$output" == *"layer 1: hard link 'h': open '${T#/}/outside': No such file or directory" ]]
	assert_clean
}

@test "unpack hostile: whiteouts naming '..' or through a symlink" {
	hostile_image whiteout
	unpack "$T/img" "$T/bundle"
	[ "$status" -eq 1 ]
	[[ "$output" == *"layer 1: whiteout '.wh...': invalid name" ]]
	assert_clean
	rm -rf "$T/img"
	hostile_image symlink whiteout-through
	unpack "$T/img" "$T/bundle"
	[ "$status" -eq 0 ]
	rm -rf "$T/bundle"
	assert_clean
}

@test "unpack: digest mismatch, truncated layer, missing blob fail cleanly" {
	make_base_layer
	python3 "$MKIMAGE" --format oci --out "$T/img" "$T/l1.tar" >/dev/null
	layer=$(jq -r '.layers[0].digest' "$T/img/blobs/sha256/$(jq -r '.manifests[0].digest' "$T/img/index.json" | cut -d: -f2)" | cut -d: -f2)
	cp "$T/img/blobs/sha256/$layer" "$T/saved"
	# same size, one byte changed in the tar padding: only the digest can tell
	printf 'X' | dd of="$T/img/blobs/sha256/$layer" bs=1 seek=$(($(stat -c %s "$T/saved") - 1)) conv=notrunc 2>/dev/null
	unpack "$T/img" "$T/bundle"
	[ "$status" -eq 1 ]
	[[ "$output" == *"layer 1: 'blobs/sha256/$layer': digest mismatch: expected sha256:$layer, got sha256:"* ]]
	assert_clean
	head -c 10000 "$T/saved" >"$T/img/blobs/sha256/$layer"
	unpack "$T/img" "$T/bundle"
	[ "$status" -eq 1 ]
	[[ "$output" == *"layer 1: 'blobs/sha256/$layer': size mismatch: expected $(stat -c %s "$T/saved") bytes, got 10000" ]]
	assert_clean
	rm "$T/img/blobs/sha256/$layer"
	unpack "$T/img" "$T/bundle"
	[ "$status" -eq 1 ]
	[[ "$output" == *"layer 1: open blob 'blobs/sha256/$layer': No such file or directory" ]]
	assert_clean
}

@test "unpack: unknown media type and another platform are refused" {
	make_base_layer
	python3 "$MKIMAGE" --format oci --layer-media-type application/x-sheep --out "$T/img" "$T/l1.tar" >/dev/null
	unpack "$T/img" "$T/bundle"
	[ "$status" -eq 1 ]
	[ "$output" = "sheep-oci: unpack: image '$T/img': layer 1: unknown media type 'application/x-sheep'" ]
	assert_clean
	rm -rf "$T/img"
	python3 "$MKIMAGE" --format oci --arch s390x --out "$T/img" "$T/l1.tar" >/dev/null
	unpack --platform linux/amd64 "$T/img" "$T/bundle"
	[ "$status" -eq 1 ]
	[[ "$output" == *"index.json: the manifest is for linux/s390x, not linux/amd64" ]]
	assert_clean
}

@test "unpack: a progress bar on a terminal, nothing with --quiet or without a terminal" {
	command -v script >/dev/null || skip "requires script(1) for a pseudo-terminal"
	make_base_layer
	python3 "$MKIMAGE" --format oci --out "$T/img" "$T/l1.tar" >/dev/null
	run script -qec "'$SHEEP_OCI' unpack '$T/img' '$T/bundle'" /dev/null
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"layer 1/1 [##############################]"*"MiB"* ]]
	rm -rf "$T/bundle"
	run script -qec "'$SHEEP_OCI' unpack --quiet '$T/img' '$T/bundle'" /dev/null
	[ "$status" -eq 0 ] && [ -z "$output" ]
	rm -rf "$T/bundle"
	unpack "$T/img" "$T/bundle"
	[ "$status" -eq 0 ] && [ -z "$output" ]
}

@test "unpack: the unpacked image runs" {
	"$SHEEP_OCI" help run >/dev/null 2>&1 || skip "requires the run verb"
	make_base_layer && make_top_layer
	python3 "$MKIMAGE" --format oci --out "$T/img" --config "$CONFIG" "$T/l1.tar" "$T/l2.tgz" >/dev/null
	unpack "$T/img" "$T/bundle"
	[ "$status" -eq 0 ]
	jq '.process.terminal = false' "$T/bundle/config.json" >"$T/c" && mv "$T/c" "$T/bundle/config.json"
	run "$SHEEP_OCI" --root "$T/state" run --bundle "$T/bundle" "unpack-$$"
	"$SHEEP_OCI" --root "$T/state" delete --force "unpack-$$" >/dev/null 2>&1 || true
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = one ]
}
