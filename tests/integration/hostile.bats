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
    add(t, "../last", tarfile.REGTYPE, data=b"x")  # every kind ends with a refused entry
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
