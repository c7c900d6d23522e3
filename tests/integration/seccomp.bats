#!/usr/bin/env bats
# linux.seccomp (config-linux.md#seccomp): the filter is loaded, actions and errnoRet behave,
# argument conditions match, profile errors are reported before anything is created.

load helpers

setup() {
	setup_sheep
}

teardown() {
	teardown_sheep
}

# seccomp_profile JSON: sets linux.seccomp.
seccomp_profile() {
	update_config ".linux.seccomp = $1"
}

@test "seccomp: the filter is loaded (Seccomp: 2) and an ERRNO rule returns its errnoRet" {
	seccomp_profile '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}'
	set_args /probe status \; syscall mkdir \; syscall getpid
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_contains "Seccomp:	2"
	assert_output_contains "mkdir: EACCES"
	assert_output_contains "getpid: ok"
}

@test "seccomp: SCMP_ACT_ERRNO without errnoRet returns EPERM; defaultErrnoRet sets the default" {
	seccomp_profile '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
	set_args /probe syscall mkdir
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output "mkdir: EPERM"
}

@test "seccomp: the skipped name is logged at debug level" {
	requires sheep
	seccomp_profile '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["no_such_syscall_in_any_kernel"], "action": "SCMP_ACT_ERRNO"}]}'
	sheep --debug --log "$BATS_TEST_TMPDIR/log" run --bundle "$BUNDLE" "$ID"
	assert_success
	grep -qF "seccomp: syscall 'no_such_syscall_in_any_kernel' unknown to libseccomp, skipped" \
		"$BATS_TEST_TMPDIR/log" || fail "no debug line in: $(cat "$BATS_TEST_TMPDIR/log")"
}

@test "seccomp: SCMP_ACT_KILL_PROCESS kills the container with SIGSYS" {
	seccomp_profile '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["getpid"], "action": "SCMP_ACT_KILL_PROCESS"}]}'
	set_args /probe syscall getpid
	sheep run --bundle "$BUNDLE" "$ID"
	assert_failure 159
	assert_nothing_left "$ID"
}

@test "seccomp: argument conditions (EQ, NE, MASKED_EQ) select the calls a rule applies to" {
	# the probe calls personality(0xffffffff)
	seccomp_profile '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
		 "args": [{"index": 0, "value": 4294967295, "op": "SCMP_CMP_NE"}]}]}'
	set_args /probe syscall personality
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output "personality: ok"
	update_config '.linux.seccomp.syscalls[0].args[0].op = "SCMP_CMP_EQ"'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output "personality: EACCES"
	update_config '.linux.seccomp.syscalls[0].args[0] =
		{"index": 0, "value": 4278190080, "valueTwo": 4278190080, "op": "SCMP_CMP_MASKED_EQ"}'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output "personality: EACCES"
}

@test "seccomp: a default-deny profile with an allow list runs the container" {
	# what the probe and the runtime's last init steps (exec fifo, execve) need
	seccomp_profile '{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
		"architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
		"syscalls": [{"names": ["read", "write", "writev", "open", "openat", "close",
			"fstat", "newfstatat", "statx", "execve", "exit", "exit_group", "brk", "mmap",
			"munmap", "mprotect", "arch_prctl", "set_tid_address", "rt_sigaction",
			"rt_sigprocmask", "rt_sigreturn", "ioctl", "fcntl", "getpid", "getppid",
			"prctl", "capget", "capset", "lseek", "pread64", "futex", "getrandom",
			"set_robust_list", "rseq", "prlimit64", "uname", "getuid", "getgid",
			"geteuid", "getegid", "readlink", "readlinkat", "access", "faccessat",
			"faccessat2", "no_such_syscall_in_any_kernel", "sendmsg", "recvmsg",
			"getdents64", "madvise", "sigaltstack", "nanosleep", "clock_nanosleep", "statfs",
			"fstatfs", "close_range", "dup2", "dup3", "getcwd", "gettid", "tgkill",
			"sched_yield", "sched_getaffinity", "epoll_create1", "epoll_ctl", "epoll_pwait",
			"pipe2", "clone", "clone3", "wait4", "waitid", "kill", "setgroups", "setresuid",
			"setresgid", "chdir", "fchdir", "umask", "getpgrp", "setsid", "clock_gettime"],
			"action": "SCMP_ACT_ALLOW"}]}'
	set_args /probe echo hello \; syscall mkdir
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_contains "hello"
	assert_output_contains "mkdir: EPERM"
}

@test "seccomp: without noNewPrivileges a non-root process still gets its filter" {
	# the kernel wants no_new_privs or CAP_SYS_ADMIN to load a filter: the runtime must load it
	# while it still has the capability
	update_config '.process.noNewPrivileges = false | .process.user = {"uid": 1000, "gid": 1000}'
	seccomp_profile '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}'
	set_args /probe status \; syscall mkdir
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_contains "NoNewPrivs:	0"
	assert_output_contains "Seccomp:	2"
	assert_output_contains "mkdir: EACCES"
}

@test "seccomp: a syscall name unknown to libseccomp is skipped" {
	seccomp_profile '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["no_such_syscall_in_any_kernel", "mkdirat", "mkdir"],
		 "action": "SCMP_ACT_ERRNO"}]}'
	set_args /probe syscall mkdir
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output "mkdir: EPERM"
}

@test "seccomp: a bad argument index is an error naming the JSON path; nothing is left" {
	seccomp_profile '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["getpid"], "action": "SCMP_ACT_ALLOW"},
		{"names": ["getppid"], "action": "SCMP_ACT_ALLOW"},
		{"names": ["personality"], "action": "SCMP_ACT_ERRNO",
		 "args": [{"index": 7, "value": 0, "op": "SCMP_CMP_EQ"}]}]}'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" \
		"config.json: linux.seccomp.syscalls[2].args[0].index: 7 is not a syscall argument index (0-5)"
	assert_nothing_left "$ID"
}

@test "seccomp: errnoRet on an action without an errno is an error" {
	# runc accepts it (and then kills its own init), against config-linux.md's "MUST ... fail"
	requires sheep
	seccomp_profile '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["getpid"], "action": "SCMP_ACT_KILL", "errnoRet": 1}]}'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" \
		"config.json: linux.seccomp.syscalls[0].errnoRet: SCMP_ACT_KILL does not take an errno"
	assert_nothing_left "$ID"
}

@test "seccomp: SCMP_ACT_NOTIFY without listenerPath is an error" {
	requires sheep
	seccomp_profile '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["getpid"], "action": "SCMP_ACT_NOTIFY"}]}'
	sheep run --bundle "$BUNDLE" "$ID"
	assert_sheep_error run "$ID" \
		"config.json: linux.seccomp.listenerPath: required when a rule uses SCMP_ACT_NOTIFY"
	assert_nothing_left "$ID"
}

@test "seccomp: a profile denying prctl and rt_sigaction still starts (nothing of the init's wait needs them after the filter)" {
	# the init cleared its death signal (prctl) and set its signal handlers (rt_sigaction)
	# after loading the filter, so such a profile failed create with "wait for start: prctl"
	seccomp_profile '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["prctl", "rt_sigaction"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
	update_config '.process.noNewPrivileges = true'
	set_args /probe syscall getpid
	sheep run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output "getpid: ok"
	# (without no_new_privs the filter goes in before the user switch, which needs prctl, in
	# runc as here)
}
