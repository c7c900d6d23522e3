#!/usr/bin/env bats
# maskedPaths and readonlyPaths.

load helpers

setup() {
	setup_sheep
}

teardown() {
	teardown_sheep
}

@test "a masked file reads as /dev/null, a masked directory is empty" {
	update_config '.linux.maskedPaths = ["/proc/version", "/proc/acpi", "/does/not/exist"]'
	set_args /probe cat /proc/version \; ls /proc/acpi \; stat /proc/version
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output "type=char mode=0666 uid=0 gid=0 rdev=1:3 size=0"
}

@test "a masked directory cannot be written" {
	update_config '.linux.maskedPaths = ["/proc/acpi"]'
	set_args /probe write /proc/acpi/x y
	sheep run --bundle "$BUNDLE" "$ID"
	assert_failure 1
	assert_output_contains "Read-only file system"
}

@test "readonlyPaths are read-only" {
	update_config '.linux.readonlyPaths = ["/proc/sys", "/does/not/exist"]'
	set_args /probe write /proc/sys/kernel/domainname x
	sheep run --bundle "$BUNDLE" "$ID"
	assert_failure 1
	assert_output_contains "Read-only file system"
}

@test "sysctl is written before /proc/sys becomes read-only" {
	update_config '.linux.readonlyPaths = ["/proc/sys"] | .linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	set_args /probe cat /proc/sys/net/ipv4/ip_forward
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output 1
}
