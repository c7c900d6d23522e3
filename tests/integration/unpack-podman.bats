#!/usr/bin/env bats
# sheep-oci unpack against podman (issue 8): a tree with every kind of entry goes in through
# `podman import` with an image config, comes out of `podman save` as oci-archive, docker-archive
# and oci-dir, is unpacked and compared with the input entry by entry (type, mode, owner, link
# target, size, device numbers, hard links, mtime, xattrs); config.json is checked and the bundle
# runs. A three-layer image from `podman build` (RUN rm, with runc) checks whiteouts against
# podman's own view of the same image.
#
# What podman keeps: `podman import` stores the tarball as the layer and containers/storage keeps
# its tar-split, so `podman save` hands back the input tar byte for byte in every format (the
# diff_id is the input's sha256): setuid/setgid/sticky, owners (of symlinks too), user.*,
# trusted.* and security.capability xattrs, hard links, devices, fifos and mtimes all survive.
# Podman's own extracted tree (vfs) drops trusted.* xattrs; its saved layers keep them. The
# imported config has no PATH in Env: unpack adds the default one.
#
# podman runs on a private store under the test's temp dir and in a private mount namespace with
# tmpfs on /run and /var/lib, because whatever --root says it creates /run/containers/networks,
# writes its blob info cache to /var/lib/containers/cache, and a RUN step keeps runc state in
# /run/runc. Nothing of it reaches the machine; teardown removes the store even after a failure.

load helpers
load unpack_helpers

IMAGE=localhost/sheep-roundtrip:1
DERIVED=localhost/sheep-roundtrip:derived
DEFAULT_PATH=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

setup() {
	requires root
	command -v podman >/dev/null || skip "requires podman"
	[ -x "$SHEEP_PROBE" ] || fail "SHEEP_PROBE='$SHEEP_PROBE' is not an executable probe" || return
	T=$BATS_TEST_TMPDIR
	pm_setup "$T/podman"
	make_tree "$T/in"
	tar --xattrs --xattrs-include='*' --numeric-owner -C "$T/in" -cf "$T/in.tar" .
	pm import --change 'CMD ["/probe","echo","hi"]' --change 'ENV A=b' --change 'WORKDIR /w' \
		--change 'USER 1000' "$T/in.tar" "$IMAGE" >&2
}

teardown() {
	local rc=0
	teardown_sheep || rc=1
	pm_teardown || rc=1
	rm -rf "$T/bundle" "$T/bundle2" || rc=1
	return $rc
}

# make_tree DIR: files with modes 0644, 0755, 04755, 0600; owners 1000:1000 and 0:0 (a symlink's
# too); directories 0700, 02775 and 01777; relative and absolute symlinks, a hard link, a fifo, a
# char device, xattrs in three namespaces, a 150-byte and a non-ASCII name, old mtimes.
make_tree() {
	local r=$1
	mkdir -p "$r"/{bin,etc,data,dev,w,tmp,sg}
	cp "$SHEEP_PROBE" "$r/probe"
	cp "$BUSYBOX" "$r/bin/busybox"
	ln -s busybox "$r/bin/sh"
	printf 'root:x:0:0::/root:/bin/sh\nu:x:1000:1000::/w:/bin/sh\n' >"$r/etc/passwd"
	printf 'root:x:0:\nu:x:1000:\nextra:x:55:u\n' >"$r/etc/group"
	echo 644 >"$r/data/f644" && chmod 0644 "$r/data/f644"
	echo 755 >"$r/data/f755" && chmod 0755 "$r/data/f755"
	echo suid >"$r/data/suid" && chmod 04755 "$r/data/suid"
	echo 600 >"$r/data/f600" && chown 1000:1000 "$r/data/f600" && chmod 0600 "$r/data/f600"
	mkdir -m 0700 "$r/secret" && echo s >"$r/secret/s"
	chown 1000:0 "$r/sg" && chmod 02775 "$r/sg"
	chmod 01777 "$r/tmp"
	chown 1000:1000 "$r/w"
	ln -s ../data/f644 "$r/data/rel"
	ln -s /data/f644 "$r/data/abs" && chown -h 1000:1000 "$r/data/abs"
	ln "$r/data/f644" "$r/data/hard"
	mkfifo "$r/data/fifo"
	mknod "$r/dev/null" c 1 3
	echo long >"$r/data/$(printf 'n%.0s' {1..150})"
	echo é >"$r/data/with space é"
	# security.capability: cap_net_raw=ep (VFS_CAP_REVISION_2); set last, a chown clears it
	python3 -c 'import os, sys
os.setxattr(sys.argv[1] + "/data/f644", "user.sheep", b"value")
os.setxattr(sys.argv[1] + "/secret", "user.dir", b"d")
os.setxattr(sys.argv[1] + "/data/f755", "trusted.t", b"tv")
os.setxattr(sys.argv[1] + "/data/f755", "security.capability",
            bytes.fromhex("0100000200200000000000000000000000000000"))' "$r"
	touch -d '2001-02-03 04:05:06' "$r/data/f644"
	touch -h -d '2002-01-01 00:00:00' "$r/data/abs"
	touch -d '2003-01-01 00:00:00' "$r/secret" "$r/sg" "$r/data"
	touch -d '2004-01-01 00:00:00' "$r"
}

# tree_list DIR: one line per entry, sorted by path with the root first; a hard link names the
# first path of its inode; names and non-text xattr values escaped. TREE_SKIP_XATTR (a regex)
# leaves some xattr names out.
tree_list() {
	python3 - "$1" <<-'EOF'
		import os, re, stat, sys
		root, skip = os.fsencode(sys.argv[1]), os.environ.get("TREE_SKIP_XATTR")
		kinds = {stat.S_IFREG: "f", stat.S_IFDIR: "d", stat.S_IFLNK: "l", stat.S_IFIFO: "p",
		         stat.S_IFCHR: "c", stat.S_IFBLK: "b", stat.S_IFSOCK: "s"}
		esc = lambda b: b.decode("ascii", "backslashreplace")
		paths = [root] + [os.path.join(d, n) for d, ds, fs in os.walk(root) for n in ds + fs]
		ents = sorted((esc(os.path.relpath(p, root)), p, os.lstat(p)) for p in paths)
		first = {}
		for rel, p, st in ents:
		    first.setdefault(st.st_ino, rel)
		for rel, p, st in ents:
		    k = kinds[stat.S_IFMT(st.st_mode)]
		    extra = "-"
		    if k == "l":
		        extra = "-> " + esc(os.readlink(p))
		    elif k == "f":
		        extra = "size=%d" % st.st_size
		        if st.st_nlink > 1:
		            extra += " link=" + first[st.st_ino]
		    elif k in "cb":
		        extra = "dev=%d,%d" % (os.major(st.st_rdev), os.minor(st.st_rdev))
		    xs = []
		    for x in sorted(os.listxattr(p, follow_symlinks=False)):
		        if skip and re.search(skip, x):
		            continue
		        v = os.getxattr(p, x, follow_symlinks=False)
		        text = v.isascii() and v.decode().isprintable()
		        xs.append(x + "=" + (v.decode() if text else "0x" + v.hex()))
		    print("%s %s %04o %d:%d %s mtime=%d xattrs=[%s]" % (rel, k, stat.S_IMODE(st.st_mode),
		          st.st_uid, st.st_gid, extra, st.st_mtime, ",".join(xs)))
	EOF
}

# same_tree WANT GOT: the listings of two trees are equal (the diff is shown when not).
same_tree() {
	tree_list "$1" >"$T/want.lst" && tree_list "$2" >"$T/got.lst" || return
	diff -u "$T/want.lst" "$T/got.lst" >&2 || fail "the trees '$1' and '$2' differ"
}

expect_eq() {
	[ "$2" = "$3" ] || fail "$1: expected '$3', got '$2'"
}

# unpack ARGS...: sheep-oci unpack, status and output like `run`.
unpack() {
	run "$SHEEP_OCI" unpack --quiet "$@"
	echo "\$ sheep-oci unpack $*: status $status: $output" >&2
}

# check_config DIGEST: config.json from the image config podman import wrote.
check_config() {
	local c=$BUNDLE/config.json
	expect_eq args "$(jq -c .process.args "$c")" '["/probe","echo","hi"]' &&
		expect_eq env "$(jq -c .process.env "$c")" "[\"$DEFAULT_PATH\",\"A=b\"]" &&
		expect_eq cwd "$(jq -r .process.cwd "$c")" /w &&
		expect_eq user "$(jq -c .process.user "$c")" '{"uid":1000,"gid":1000,"additionalGids":[1000,55]}' &&
		expect_eq digest "$(jq -r '.annotations["io.sheep-oci.image.digest"]' "$c")" "$1"
}

# check_runs: the bundle runs its image command, then as the image's user, in its WORKDIR.
check_runs() {
	update_config '.process.terminal = false'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success && assert_output hi || return
	set_args /probe id ";" cwd ";" cat /data/f644
	sheep run --bundle "$BUNDLE" "$ID-2"
	assert_success &&
		assert_output "$(printf 'uid=1000 gid=1000 euid=1000 egid=1000 groups=55,1000\n/w\n644')"
}

# round_trip FORMAT [UNPACK-OPTION...]: podman save in FORMAT, unpack, compare, check, run.
round_trip() {
	local format=$1 img=$T/image digest
	shift
	pm save -q --format "$format" -o "$img" "$IMAGE" >&2 || fail "podman save failed" || return
	BUNDLE=$T/bundle
	unpack "$@" "$img" "$BUNDLE"
	[ "$status" -eq 0 ] || fail "unpack failed" || return
	same_tree "$T/in" "$BUNDLE/rootfs" || return
	# a docker-archive is named by its config digest (podman's image Id); an OCI layout by the
	# manifest digest in index.json, which podman writes anew on save (not its .Digest)
	case $format in
	docker-archive) digest=sha256:$(pm image inspect --format '{{.Id}}' "$IMAGE") ;;
	oci-archive) digest=$(tar -xOf "$img" index.json | jq -r '.manifests[0].digest') ;;
	oci-dir) digest=$(jq -r '.manifests[0].digest' "$img/index.json") ;;
	esac
	check_config "$digest" && check_runs
}

@test "podman round trip: oci-archive, picked by its ref name" {
	round_trip oci-archive --ref "$IMAGE"
	expect_eq ref "$(jq -r '.annotations["io.sheep-oci.image.ref"]' "$BUNDLE/config.json")" "$IMAGE"
}

@test "podman round trip: docker-archive" {
	round_trip docker-archive
	# the layer podman saved is the imported tar itself
	local config
	config=$(tar -xOf "$T/image" manifest.json | jq -r '.[0].Config')
	expect_eq diff_id "$(tar -xOf "$T/image" "$config" | jq -r '.rootfs.diff_ids[0]')" \
		"sha256:$(sha256sum <"$T/in.tar" | cut -d' ' -f1)"
}

@test "podman round trip: oci-dir" {
	round_trip oci-dir
	[ -f "$T/image/index.json" ] || fail "podman save --format oci-dir did not write a layout"
}

@test "podman round trip: podman build layers and whiteouts, compared with podman's own tree" {
	local runtime m
	runtime=$(command -v runc || command -v crun) ||
		skip "requires runc or crun (the runtime of podman build's RUN steps)"
	mkdir "$T/ctx"
	cat >"$T/ctx/Containerfile" <<-EOF
		FROM $IMAGE
		USER 0
		RUN ["/bin/busybox", "rm", "-rf", "/data/f600", "/secret"]
		RUN ["/bin/busybox", "sh", "-c", "echo new >/data/added"]
		USER 1000
	EOF
	pm build -q --runtime "$runtime" --network none --pull=never -t "$DERIVED" "$T/ctx" >&2 ||
		fail "podman build failed" || return
	pm save -q --format docker-archive -o "$T/derived.tar" "$DERIVED" >&2
	# the RUN rm layer holds the whiteouts: a file in a kept directory, a directory at the top
	tar -xf "$T/derived.tar" -C "$T" manifest.json
	expect_eq layers "$(jq '.[0].Layers | length' "$T/manifest.json")" 3 || return
	expect_eq whiteouts "$(tar -xOf "$T/derived.tar" "$(jq -r '.[0].Layers[1]' "$T/manifest.json")" |
		tar -t | grep -F .wh. | sed 's|^\./||' | sort | tr '\n' ' ')" ".wh.secret data/.wh.f600 " ||
		return
	BUNDLE=$T/bundle
	unpack "$T/derived.tar" "$BUNDLE"
	[ "$status" -eq 0 ] || return
	[ ! -e "$BUNDLE/rootfs/data/f600" ] && [ ! -e "$BUNDLE/rootfs/secret" ] ||
		fail "a whiteout was not applied" || return
	expect_eq added "$(cat "$BUNDLE/rootfs/data/added")" new
	m=$(pm image mount "$DERIVED") && [ -d "$m" ] || fail "podman image mount failed" || return
	derived_list "$m" >"$T/podman.lst"
	pm image unmount "$DERIVED" >/dev/null
	derived_list "$BUNDLE/rootfs" >"$T/sheep.lst"
	diff -u "$T/podman.lst" "$T/sheep.lst" >&2 || fail "the unpacked tree differs from podman's"
	expect_eq trusted "$(getfattr_one "$BUNDLE/rootfs/data/f755" trusted.t)" tv
	check_runs
	# the same image out of a multi-image docker-archive, picked by --ref; the base too
	pm save -q -m --format docker-archive -o "$T/multi.tar" "$IMAGE" "$DERIVED" >&2
	unpack --ref "$DERIVED" "$T/multi.tar" "$T/bundle2"
	[ "$status" -eq 0 ] || return
	diff -u "$T/sheep.lst" <(derived_list "$T/bundle2/rootfs") >&2 ||
		fail "the image picked from the multi-image archive differs" || return
	rm -rf "$T/bundle2"
	unpack --ref "$IMAGE" "$T/multi.tar" "$T/bundle2"
	[ "$status" -eq 0 ] || return
	same_tree "$T/in" "$T/bundle2/rootfs"
}

# derived_list DIR: tree_list without the root's line and trusted.* xattrs. Podman's vfs tree drops
# trusted.* (its saved layers keep them: the tests above). The RUN rm layer deletes /secret without
# a "./" entry, so the root's mtime is the time the layer was applied, by podman or by unpack
# (which restores the times of the directories a layer carries, not of others).
derived_list() {
	TREE_SKIP_XATTR='^trusted\.' tree_list "$1" | sed 1d
}

getfattr_one() {
	python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], sys.argv[2]).decode())' "$1" "$2"
}
