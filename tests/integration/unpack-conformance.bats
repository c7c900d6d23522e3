#!/usr/bin/env bats
# sheep-oci unpack against the image-spec (conversion.md, image-index.md, layer.md) and against
# what podman 4.3 does with the same image: the image config mapped into config.json field by
# field, platforms and refs in (nested) indexes, layer media types and compressions, layer
# semantics (whiteouts in the same layer, opaque directories, hard links across layers, a file
# replaced by a directory and back, metadata), several images in a docker-archive, errors, and an
# image built by `podman build` run by sheep-oci and by podman with the same result.
# Images come from unpack_conformance.py (nothing is downloaded).

load helpers
load unpack_helpers

CONF="$BATS_TEST_DIRNAME/unpack_conformance.py"
DEFAULT_PATH=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

setup() {
	requires root
	[ -x "$SHEEP_PROBE" ] || fail "SHEEP_PROBE='$SHEEP_PROBE' is not an executable probe" || return
	T=$BATS_TEST_TMPDIR
	mkdir -p "$ROOT"
	base_layer "$T/base.tar"
}

teardown() {
	local rc=0
	teardown_sheep || rc=1
	pm_teardown || rc=1
	[ -z "${PUBLIC-}" ] || rm -rf "$PUBLIC" || rc=1
	return $rc
}

# base_layer TAR: busybox, the probe, users and groups (web is in audio and video, root in video).
base_layer() {
	local r=$T/base
	mkdir -p "$r"/{bin,etc,tmp,home/web}
	cp "$BUSYBOX" "$r/bin/busybox"
	ln -s busybox "$r/bin/sh"
	cp "$SHEEP_PROBE" "$r/probe"
	printf 'root:x:0:0::/root:/bin/sh\nweb:x:1000:1001::/home/web:/bin/sh\n' >"$r/etc/passwd"
	printf 'root:x:0:\nweb:x:1001:\naudio:x:29:web\nvideo:x:44:web,root\n' >"$r/etc/group"
	chmod 1777 "$r/tmp"
	chown 1000:1001 "$r/home/web"
	tar --numeric-owner -C "$r" -cf "$1" .
}

# image NAME CONFIG [LAYERS]: an OCI layout $T/NAME of the base layer (and LAYERS, a JSON list
# of [tar, compression, media type]) with CONFIG as the image config's "config" object.
image() {
	python3 "$CONF" oci "$T/$1" "{\"images\":[{\"layers\":[[\"$T/base.tar\"]${3:+,$3}],
		\"config\":{\"config\":$2}}]}" >/dev/null
}

# unpack ARGS...: sheep-oci unpack, status and output like `run`.
unpack() {
	run "$SHEEP_OCI" unpack --quiet "$@"
	echo "\$ sheep-oci unpack $*: status $status: $output" >&2
}

# unpack_config NAME JQ: unpacks $T/NAME into a fresh $T/b-NAME and prints JQ of its config.json.
unpack_config() {
	rm -rf "$T/b-$1"
	unpack "$T/$1" "$T/b-$1" && [ "$status" -eq 0 ] || fail "unpack of $1 failed" || return
	jq -c "$2" "$T/b-$1/config.json"
}

expect_eq() {
	[ "$2" = "$3" ] || fail "$1: expected '$3', got '$2'"
}

# unpack_fails MESSAGE ARGS...: exit 1, the one line `sheep-oci: unpack: MESSAGE`, no bundle and
# no staging directory left.
unpack_fails() {
	local msg=$1 bundle=${*: -1}
	shift
	unpack "$@"
	[ "$status" -eq 1 ] || fail "expected exit status 1, got $status" || return
	expect_eq message "$output" "sheep-oci: unpack: $msg" || return
	[ ! -e "$bundle" ] || fail "'$bundle' was left behind" || return
	! ls -A "$(dirname "$bundle")" | grep -q unpack- || fail "a staging directory was left behind"
}

# config_cases JQ FORMAT CONFIG WANT [CONFIG WANT...]: for each pair, an image whose config
# object is printf FORMAT CONFIG unpacks to a config.json whose JQ is WANT.
config_cases() {
	local jq=$1 format=$2 n=0 cfg
	shift 2
	while [ $# -ge 2 ]; do
		# shellcheck disable=SC2059
		cfg=$(printf "$format" "$1")
		image "c$n" "$cfg"
		expect_eq "$cfg" "$(unpack_config "c$n" "$jq")" "$2" || return
		shift 2
		n=$((n + 1))
	done
}

@test "unpack conformance: Entrypoint and Cmd, null, empty or set, make process.args" {
	config_cases .process.args '%s' \
		'{"Entrypoint":["/e","1"],"Cmd":["c"]}' '["/e","1","c"]' \
		'{"Entrypoint":["/e"],"Cmd":null}' '["/e"]' \
		'{"Entrypoint":["/e"],"Cmd":[]}' '["/e"]' \
		'{"Entrypoint":null,"Cmd":["/c","x"]}' '["/c","x"]' \
		'{"Entrypoint":[],"Cmd":["/c"]}' '["/c"]' \
		'{"Entrypoint":null,"Cmd":null}' '["sh"]' \
		'{"Entrypoint":[],"Cmd":[]}' '["sh"]' \
		'{}' '["sh"]'
}

@test "unpack conformance: Env keeps the default PATH only when the image sets none, a name set twice once" {
	config_cases .process.env '%s' \
		'{"Env":["A=1"]}' "[\"$DEFAULT_PATH\",\"A=1\"]" \
		'{"Env":["A=1","PATH=/img","B=two words"]}' '["A=1","PATH=/img","B=two words"]' \
		'{"Env":["A=1","B=2","A=3"]}' "[\"$DEFAULT_PATH\",\"B=2\",\"A=3\"]" \
		'{"Env":null}' "[\"$DEFAULT_PATH\",\"TERM=xterm\"]"
}

@test "unpack conformance: WorkingDir is process.cwd, relative below /, and exists once the bundle runs" {
	image w '{"WorkingDir":"/no/such/dir","Entrypoint":["/probe","cwd"]}'
	expect_eq cwd "$(unpack_config w .process.cwd)" '"/no/such/dir"' || return
	[ ! -e "$T/b-w/rootfs/no" ] || fail "unpack made the WorkingDir: the runtime's job" || return
	BUNDLE=$T/b-w
	update_config '.process.terminal = false'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success && assert_output /no/such/dir || return
	image rel '{"WorkingDir":"srv/app"}'
	expect_eq relative "$(unpack_config rel .process.cwd)" '"/srv/app"' || return
	image none '{"WorkingDir":""}'
	expect_eq empty "$(unpack_config none .process.cwd)" '"/"'
}

@test "unpack conformance: every User form, groups from /etc/group, and a user or group that is not there" {
	config_cases .process.user '{"User":%s}' \
		'"web"' '{"uid":1000,"gid":1001,"additionalGids":[1001,29,44]}' \
		'"1000"' '{"uid":1000,"gid":1001,"additionalGids":[1001,29,44]}' \
		'"1000:1001"' '{"uid":1000,"gid":1001}' \
		'"web:audio"' '{"uid":1000,"gid":29}' \
		'"1000:audio"' '{"uid":1000,"gid":29}' \
		'"web:7"' '{"uid":1000,"gid":7}' \
		'"4242"' '{"uid":4242,"gid":0,"additionalGids":[0]}' \
		'"4242:4242"' '{"uid":4242,"gid":4242}' \
		'"root"' '{"uid":0,"gid":0,"additionalGids":[0,44]}' \
		'""' '{"uid":0,"gid":0,"additionalGids":[0,44]}' \
		'null' '{"uid":0,"gid":0,"additionalGids":[0,44]}'
	image nobody '{"User":"nobody"}'
	unpack_fails "image '$T/nobody': image config: user 'nobody': not found in /etc/passwd" \
		"$T/nobody" "$T/bundle" || return
	image nogroup '{"User":"web:wheel"}'
	unpack_fails "image '$T/nogroup': image config: group 'wheel': not found in /etc/group" \
		"$T/nogroup" "$T/bundle"
}

@test "unpack conformance: annotations with the spec's keys, labels taking precedence, ours not" {
	python3 "$CONF" oci "$T/ann" "{\"images\":[{\"layers\":[[\"$T/base.tar\"]],\"config\":{
		\"architecture\":\"arm64\",\"variant\":\"v8\",\"os.version\":\"6.1\",\"author\":\"me\",
		\"os.features\":[\"sse4\",\"aes\"],
		\"created\":\"2020-01-02T03:04:05Z\",\"config\":{\"StopSignal\":\"SIGINT\",
		\"ExposedPorts\":{\"8080/tcp\":{},\"53/udp\":{}},\"Volumes\":{\"/data\":{}},
		\"Labels\":{\"org.example\":\"v\",\"org.opencontainers.image.architecture\":\"label\",
		\"io.sheep-oci.image.digest\":\"spoofed\"}}}}]}" >"$T/digest"
	unpack --platform linux/arm64/v8 "$T/ann" "$T/bundle"
	[ "$status" -eq 0 ] || return
	expect_eq annotations "$(jq -c '.annotations' "$T/bundle/config.json")" \
		"{\"org.opencontainers.image.os\":\"linux\",\"org.opencontainers.image.architecture\":\"label\",\"org.opencontainers.image.variant\":\"v8\",\"org.opencontainers.image.os.version\":\"6.1\",\"org.opencontainers.image.os.features\":\"sse4,aes\",\"org.opencontainers.image.author\":\"me\",\"org.opencontainers.image.created\":\"2020-01-02T03:04:05Z\",\"org.opencontainers.image.stopSignal\":\"SIGINT\",\"org.opencontainers.image.exposedPorts\":\"8080/tcp,53/udp\",\"io.sheep-oci.image.volumes\":\"/data\",\"org.example\":\"v\",\"io.sheep-oci.image.digest\":\"$(cat "$T/digest")\"}"
}

# multi_platform: $T/multi, an index named multi:1 (a nested index) of amd64, arm64/v8 and arm/v7
# images whose /platform says which; the manifest digests in $T/multi.digests.
multi_platform() {
	local p
	for p in amd64 arm64-v8 arm-v7; do
		mkdir -p "$T/p-$p" && echo "$p" >"$T/p-$p/platform"
		tar -C "$T/p-$p" -cf "$T/p-$p.tar" .
	done
	python3 "$CONF" oci "$T/multi" "{\"nest\":\"multi:1\",\"images\":[
	 {\"config\":{\"architecture\":\"amd64\"},\"layers\":[[\"$T/base.tar\"],[\"$T/p-amd64.tar\"]],
	  \"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}},
	 {\"config\":{\"architecture\":\"arm64\",\"variant\":\"v8\"},\"layers\":[[\"$T/base.tar\"],[\"$T/p-arm64-v8.tar\"]],
	  \"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}},
	 {\"config\":{\"architecture\":\"arm\",\"variant\":\"v7\"},\"layers\":[[\"$T/base.tar\"],[\"$T/p-arm-v7.tar\"]],
	  \"platform\":{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v7\"}}]}" >/dev/null
}

@test "unpack conformance: a multi-platform index, by --platform (with variant) and by --ref naming the index" {
	local cases=(
		"" amd64
		"--ref multi:1" amd64
		"--platform linux/arm64/v8" arm64-v8
		"--platform linux/arm64" arm64-v8
		"--ref multi:1 --platform linux/arm/v7" arm-v7
	) i
	multi_platform
	[ "$(uname -m)" = x86_64 ] || skip "the default platform of these cases is linux/amd64"
	for ((i = 0; i < ${#cases[@]}; i += 2)); do
		rm -rf "$T/bundle"
		# shellcheck disable=SC2086
		unpack ${cases[i]} "$T/multi" "$T/bundle"
		[ "$status" -eq 0 ] || return
		expect_eq "${cases[i]}" "$(cat "$T/bundle/rootfs/platform")" "${cases[i + 1]}" || return
	done
	rm -rf "$T/bundle"
	local nested
	nested=$(jq -r '.manifests[0].digest' "$T/multi/index.json")
	unpack_fails "image '$T/multi': $nested: no manifest for linux/arm/v6" \
		--platform linux/arm/v6 "$T/multi" "$T/bundle" || return
	unpack_fails "image '$T/multi': index.json: no image named 'multi:2'" \
		--ref multi:2 "$T/multi" "$T/bundle"
}

@test "unpack conformance: the config's own platform is checked, variant included" {
	python3 "$CONF" oci "$T/v7" "{\"images\":[{\"layers\":[[\"$T/base.tar\"]],
		\"config\":{\"architecture\":\"arm\",\"variant\":\"v7\"}}]}" >/dev/null
	unpack_fails "image '$T/v7': image is for linux/arm/v7, not linux/arm/v6" \
		--platform linux/arm/v6 "$T/v7" "$T/bundle" || return
	unpack --platform linux/arm/v7 "$T/v7" "$T/bundle"
	[ "$status" -eq 0 ]
}

@test "unpack conformance: tar, gzip and zstd layers, non-distributable and docker types, empty layers" {
	local mt=application/vnd.oci.image.layer.nondistributable.v1.tar
	mkdir -p "$T/l"/{z,g,n,d} && echo z >"$T/l/z/f" && echo g >"$T/l/g/f" && echo n >"$T/l/n/f"
	echo d >"$T/l/d/f"
	for l in z g n d; do tar -C "$T/l" -cf "$T/$l.tar" "$l"; done
	tar -cf "$T/end.tar" -T /dev/null # just the end-of-archive blocks
	: >"$T/zero.tar"                  # no bytes at all (Go's archive/tar reads it as empty)
	image types '{}' "[\"$T/z.tar\",\"zstd\"],[\"$T/g.tar\",\"gzip\",\"$mt+gzip\"],
		[\"$T/n.tar\",\"zstd\",\"$mt+zstd\"],[\"$T/d.tar\",\"none\",\"application/vnd.docker.image.rootfs.diff.tar\"],
		[\"$T/end.tar\"],[\"$T/end.tar\",\"gzip\"],[\"$T/zero.tar\"],[\"$T/zero.tar\",\"zstd\"]"
	unpack "$T/types" "$T/bundle"
	[ "$status" -eq 0 ] || return
	expect_eq contents "$(cat "$T/bundle/rootfs"/{z,g,n,d}/f | tr '\n' ' ')" "z g n d " || return
	# a zero-byte image file is no image
	unpack_fails "image '$T/zero.tar': read '$T/zero.tar': Unrecognized archive format" \
		"$T/zero.tar" "$T/bundle2"
}

@test "unpack conformance: a docker-archive with several images is picked from by RepoTags" {
	mkdir -p "$T/one" "$T/two" && echo one >"$T/one/which" && echo two >"$T/two/which"
	tar -C "$T/one" -cf "$T/one.tar" . && tar -C "$T/two" -cf "$T/two.tar" .
	python3 "$CONF" docker "$T/arch.tar" "{\"images\":[
		{\"layers\":[[\"$T/base.tar\"],[\"$T/one.tar\"]],\"tags\":[\"localhost/one:1\",\"one:latest\"]},
		{\"layers\":[[\"$T/base.tar\"],[\"$T/two.tar\"]],\"tags\":[\"localhost/two:1\"]}]}" --tar \
		>"$T/ids"
	unpack_fails "image '$T/arch.tar': manifest.json: 2 images, choose one with --ref" \
		"$T/arch.tar" "$T/bundle" || return
	unpack_fails "image '$T/arch.tar': manifest.json: no image named 'localhost/three:1'" \
		--ref localhost/three:1 "$T/arch.tar" "$T/bundle" || return
	unpack --ref one:latest "$T/arch.tar" "$T/bundle"
	[ "$status" -eq 0 ] && expect_eq one "$(cat "$T/bundle/rootfs/which")" one || return
	expect_eq digest "$(jq -r '.annotations["io.sheep-oci.image.digest"]' "$T/bundle/config.json")" \
		"$(sed -n 1p "$T/ids")" || return
	expect_eq ref "$(jq -r '.annotations["io.sheep-oci.image.ref"]' "$T/bundle/config.json")" \
		one:latest || return
	unpack --ref localhost/two:1 "$T/arch.tar" "$T/bundle2"
	[ "$status" -eq 0 ] && expect_eq two "$(cat "$T/bundle2/rootfs/which")" two
}

# layers: A lays out files; B whites out and re-creates in one layer, whites out what it creates
# itself, makes o opaque while adding to it (and q, with the marker after its own entry in a
# lower subdirectory), turns file t into a directory and directory u into a
# file, hard-links a file of A; C turns t back into a file and u back into a directory.
layers() {
	python3 "$CONF" layer "$T/A.tar" '[{"path":"d","type":"d"},{"path":"d/keep","data":"k"},
	 {"path":"d/f","data":"lower"},{"path":"o","type":"d"},{"path":"o/old","data":"o"},
	 {"path":"o/sub","type":"d"},{"path":"o/sub/x","data":"x"},{"path":"t","data":"file"},
	 {"path":"u","type":"d"},{"path":"u/in","data":"i"},{"path":"w","type":"d"},
	 {"path":"w/gone","data":"g"},{"path":"hl","data":"hard","mode":3565,"uid":5,"gid":6,
	  "mtime":123456789,"xattrs":{"user.a":"1"}},
	 {"path":"m","type":"d","mode":1517,"uid":7,"gid":8,"mtime":234567890},
	 {"path":"q","type":"d"},{"path":"q/old","data":"o"},{"path":"q/sub","type":"d"},
	 {"path":"q/sub/x","data":"x"}]'
	python3 "$CONF" layer "$T/B.tar" '[{"path":"d/.wh.f"},{"path":"d/f","data":"upper"},
	 {"path":"w/new","data":"n"},{"path":"w/.wh.new"},{"path":"o","type":"d","mode":448},
	 {"path":"o/.wh..wh..opq"},{"path":"o/sub","type":"d"},{"path":"o/sub/y","data":"y"},
	 {"path":"t","type":"d"},{"path":"t/inner","data":"dir"},{"path":"u","data":"now a file"},
	 {"path":"hl2","type":"h","target":"hl"},{"path":"w/.wh.gone"},
	 {"path":"q/sub/y","data":"y"},{"path":"q/.wh..wh..opq"}]'
	python3 "$CONF" layer "$T/C.tar" '[{"path":".wh.t"},{"path":"t","data":"file again"},
	 {"path":"u","type":"d"},{"path":"u/back","data":"b"}]'
}

# listing DIR: type, mode, owner, links, mtime (not of directories later layers wrote into),
# size and user.a of everything below DIR but the base layer's entries.
listing() {
	(cd "$1" && find d o q t u w hl hl2 m -printf '%p %y %m %U:%G %n %s\n' | sort) &&
		(cd "$1" && stat -c '%n %Y' hl hl2 m o o/sub t u) &&
		python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], "user.a"))' "$1/hl2"
}

@test "unpack conformance: whiteouts only of lower layers, opaque dirs, links across layers, file <-> dir, metadata" {
	layers
	python3 "$CONF" oci "$T/sem" "{\"images\":[{\"layers\":[[\"$T/base.tar\"],[\"$T/A.tar\"],
		[\"$T/B.tar\",\"gzip\"],[\"$T/C.tar\",\"zstd\"]]}]}" >/dev/null
	unpack "$T/sem" "$T/bundle"
	[ "$status" -eq 0 ] || return
	listing "$T/bundle/rootfs" >"$T/got"
	cat >"$T/want" <<-'EOF'
		d d 755 0:0 2 4096
		d/f f 644 0:0 1 5
		d/keep f 644 0:0 1 1
		hl f 6755 5:6 2 4
		hl2 f 6755 5:6 2 4
		m d 2755 7:8 2 4096
		o d 700 0:0 3 4096
		o/sub d 755 0:0 2 4096
		o/sub/y f 644 0:0 1 1
		q d 755 0:0 3 4096
		q/sub d 755 0:0 2 4096
		q/sub/y f 644 0:0 1 1
		t f 644 0:0 1 10
		u d 755 0:0 2 4096
		u/back f 644 0:0 1 1
		w d 755 0:0 2 4096
		w/new f 644 0:0 1 1
		hl 123456789
		hl2 123456789
		m 234567890
		o 1000000000
		o/sub 1000000000
		t 1000000000
		u 1000000000
		b'1'
	EOF
	diff -u "$T/want" "$T/got" >&2 || fail "the unpacked tree is not what the layers say" || return
	expect_eq d/f "$(cat "$T/bundle/rootfs/d/f")" upper
}

# podman_app: localhost/app:1, built by podman from the base layer with every instruction that
# reaches the image config.
podman_app() {
	command -v podman >/dev/null || skip "requires podman"
	local runtime
	runtime=$(command -v runc || command -v crun) ||
		skip "requires runc or crun (the runtime of podman build's RUN steps)"
	pm_setup "$T/podman"
	pm import "$T/base.tar" localhost/base:1 >&2 || fail "podman import failed" || return
	mkdir "$T/ctx"
	cat >"$T/ctx/Containerfile" <<-'EOF'
		FROM localhost/base:1
		RUN ["/bin/busybox", "mkdir", "-p", "/srv/app/data"]
		ENV A=1 B="two words"
		ENV PATH=/usr/bin:/bin:/sbin A=3
		WORKDIR /srv/app/wd
		USER web
		EXPOSE 8080/tcp 53/udp
		LABEL org.example.k=v
		VOLUME /srv/app/data
		STOPSIGNAL SIGINT
		ENTRYPOINT ["/probe"]
		CMD ["id", ";", "cwd", ";", "env"]
	EOF
	pm build -q --runtime "$runtime" --network none --pull=never -t localhost/app:1 "$T/ctx" >&2 ||
		fail "podman build failed"
}

# same_as_podman BUNDLE: the bundle's process sees what podman's does: ids and groups, cwd, env
# (podman adds HOSTNAME, container=podman and TERM, which are its own).
same_as_podman() {
	BUNDLE=$1
	update_config '.process.terminal = false'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success || return
	# the order of the environment is not podman's (buildah moves a name set again to the end)
	expect_eq process "$(sort <<<"$output")" \
		"$(grep -v -e '^HOSTNAME=' -e '^container=' -e '^TERM=' "$T/podman.out" | sort)"
}

@test "unpack conformance: a podman build image runs under sheep-oci as under podman, from every save format" {
	local f
	podman_app
	pm run --rm --runtime "$(command -v runc || command -v crun)" --network none localhost/app:1 \
		>"$T/podman.out" || fail "podman run failed" || return
	cat "$T/podman.out" >&2
	for f in oci-archive docker-archive oci-dir; do
		pm save -q --format "$f" -o "$T/app.$f" localhost/app:1 >&2 || fail "save $f" || return
		unpack "$T/app.$f" "$T/b-$f"
		[ "$status" -eq 0 ] || return
		same_as_podman "$T/b-$f" || return
		expect_eq "$f annotations" "$(jq -c '.annotations | del(.["org.opencontainers.image.created"],
			.["io.sheep-oci.image.digest"], .["io.buildah.version"])' "$T/b-$f/config.json")" \
			'{"org.opencontainers.image.os":"linux","org.opencontainers.image.architecture":"amd64","org.opencontainers.image.stopSignal":"SIGINT","org.opencontainers.image.exposedPorts":"53/udp,8080/tcp","io.sheep-oci.image.volumes":"/srv/app/data","org.example.k":"v"}' ||
			return
		sheep delete "$ID"
	done
}

@test "unpack conformance: a rootless bundle of an image with a User runs, as the container's root" {
	command -v setpriv >/dev/null || skip "requires setpriv(1)"
	image rl '{"User":"web","Entrypoint":["/probe","id"]}'
	# bats' own temp directories are 0700: the image and bundle go where 65534 can reach them
	PUBLIC=$(mktemp -d /tmp/unpack-conformance.XXXXXX)
	mv "$T/rl" "$PUBLIC/rl" && chmod -R a+rX "$PUBLIC" && mkdir -m 0777 "$PUBLIC/out"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$SHEEP_OCI" unpack -q "$PUBLIC/rl" \
		"$PUBLIC/out/b"
	echo "$output" >&2
	[ "$status" -eq 0 ] || fail "rootless unpack failed" || return
	BUNDLE=$PUBLIC/out/b
	expect_eq owner "$(stat -c %u:%g "$BUNDLE/rootfs/home/web")" 65534:65534 || return
	# one id is mapped: web (1000:1001 and its groups) could not be switched to
	expect_eq user "$(jq -c .process.user "$BUNDLE/config.json")" '{"uid":0,"gid":0}' || return
	expect_eq annotation "$(jq -r '.annotations["io.sheep-oci.image.user"]' "$BUNDLE/config.json")" web ||
		return
	update_config '.process.terminal = false'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success && assert_output "uid=0 gid=0 euid=0 egid=0 groups="
}
