#!/usr/bin/env bats
# The documents sheep-oci writes validate against the runtime-spec's JSON schemas: spec (plain,
# --rootless, --network), features, and state. The schemas come from SHEEP_SCHEMA_DIR, the
# runtime-spec reference beside the repository, or Debian's golang-github-opencontainers-specs-dev
# (an older spec: config and state only).

load helpers

REFERENCE_SCHEMAS="$BATS_TEST_DIRNAME/../../../shared/reference/runtime-spec-schema"
DEBIAN_SCHEMAS=/usr/share/gocode/src/github.com/opencontainers/runtime-spec/schema

setup() {
	requires root
	command -v /usr/bin/python3 >/dev/null && /usr/bin/python3 -c 'import jsonschema' 2>/dev/null ||
		skip "python3-jsonschema is not installed"
	SCHEMAS=
	for d in "${SHEEP_SCHEMA_DIR:-}" "$REFERENCE_SCHEMAS" "$DEBIAN_SCHEMAS"; do
		[ -n "$d" ] && [ -f "$d/config-schema.json" ] && { SCHEMAS=$d; break; }
	done
	[ -n "$SCHEMAS" ] || skip "no runtime-spec schema directory (set SHEEP_SCHEMA_DIR)"
	mkdir -p "$ROOT"
	DOC=$BATS_TEST_TMPDIR/doc
	mkdir -p "$DOC"
}

teardown() {
	teardown_sheep
}

# valid SCHEMA FILE: the document validates (the validator prints each violation).
valid() {
	run /usr/bin/python3 "$BATS_TEST_DIRNAME/../schema/validate.py" "$SCHEMAS" "$1" "$2"
	echo "$output" >&2
	[ "$status" -eq 0 ] || fail "$2 does not validate against $1: $output"
}

@test "schema: the validator rejects a document that breaks the schema" {
	"$SHEEP_OCI" spec --bundle "$DOC"
	jq '.process.args = "true"' "$DOC/config.json" >"$DOC/bad.json"
	run /usr/bin/python3 "$BATS_TEST_DIRNAME/../schema/validate.py" "$SCHEMAS" config-schema.json \
		"$DOC/bad.json"
	[ "$status" -eq 1 ]
	[[ "$output" == *"process/args"* ]]
}

@test "schema: spec, spec --rootless and spec --network validate" {
	"$SHEEP_OCI" spec --bundle "$DOC"
	valid config-schema.json "$DOC/config.json"
	rm "$DOC/config.json"
	"$SHEEP_OCI" spec --rootless --bundle "$DOC"
	valid config-schema.json "$DOC/config.json"
	rm "$DOC/config.json"
	"$SHEEP_OCI" spec --network --publish 8080:80 --bundle "$DOC"
	valid config-schema.json "$DOC/config.json"
}

@test "schema: features validates" {
	[ -f "$SCHEMAS/features-schema.json" ] || skip "$SCHEMAS has no features schema (older spec)"
	"$SHEEP_OCI" features >"$DOC/features.json"
	valid features-schema.json "$DOC/features.json"
	# the implementation and libseccomp versions, as runc reports its own
	jq -e '.annotations["io.github.seccomp.libseccomp.version"] | test("^[0-9]+[.][0-9]+[.][0-9]+$")' \
		"$DOC/features.json"
	jq -e '.annotations["org.sheep-oci.version"] | length > 0' "$DOC/features.json"
	# supported, independent of whether this host runs the LSM (features-linux.md)
	jq -e '.linux.apparmor.enabled and .linux.selinux.enabled' "$DOC/features.json"
}

@test "schema: state validates when created, running and stopped" {
	make_bundle
	set_args /probe pause --ready /tmp/ready
	update_config '.annotations = {"org.example.key": "value"}'
	sheep create --bundle "$BUNDLE" "$ID"
	assert_success
	sheep state "$ID"
	echo "$output" >"$DOC/created.json"
	valid state-schema.json "$DOC/created.json"
	[ "$(jq -r .status "$DOC/created.json")" = created ]
	[ "$(jq -r '.annotations["org.example.key"]' "$DOC/created.json")" = value ]
	sheep start "$ID"
	wait_file "$BUNDLE/rootfs/tmp/ready"
	sheep state "$ID"
	echo "$output" >"$DOC/running.json"
	valid state-schema.json "$DOC/running.json"
	sheep kill "$ID" KILL
	wait_status "$ID" stopped
	sheep state "$ID"
	echo "$output" >"$DOC/stopped.json"
	valid state-schema.json "$DOC/stopped.json"
}
