/* Unit tests of src/core/security/seccomp*.c: name tables, validation messages, the rules built
 * (compared with libseccomp directly), the docker-sized fixture, and (as root, in a child) the
 * loaded filter's behaviour, including SCMP_ACT_NOTIFY with its listener. */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <cmocka.h>

#include "core/seccomp.h"
#include "core/security/seccomp_names.h"
#include "core/security/seccomp_priv.h"
#include "test_seccomp_child.h"
#include "test_seccomp_profile.h"

static size_t count(const char *const *v)
{
	size_t n = 0;

	while (v[n] != NULL)
		n++;
	return n;
}

static void test_name_tables(void **state)
{
	uint32_t v;
	unsigned int f;
	enum scmp_compare op;

	assert_int_equal(count(sheep_seccomp_action_names), 9);
	assert_int_equal(count(sheep_seccomp_operator_names), 7);
	assert_int_equal(count(sheep_seccomp_arch_names), 19);
	assert_int_equal(count(sheep_seccomp_flag_names), SHEEP_SECCOMP_FLAG_COUNT);
	for (size_t i = 0; sheep_seccomp_action_names[i]; i++)
		assert_int_equal(sheep_seccomp_action_lookup(sheep_seccomp_action_names[i], &v), 0);
	for (size_t i = 0; sheep_seccomp_operator_names[i]; i++)
		assert_int_equal(sheep_seccomp_op_lookup(sheep_seccomp_operator_names[i], &op), 0);
	for (size_t i = 0; sheep_seccomp_arch_names[i]; i++)
		assert_int_equal(sheep_seccomp_arch_lookup(sheep_seccomp_arch_names[i], &v), 0);
	for (size_t i = 0; sheep_seccomp_flag_names[i]; i++)
		assert_int_equal(sheep_seccomp_flag_lookup(sheep_seccomp_flag_names[i], &f), 0);
	assert_int_equal(sheep_seccomp_action_lookup("SCMP_ACT_FOO", &v), -1);
	assert_int_equal(sheep_seccomp_action_lookup("scmp_act_allow", &v), -1);
	assert_int_equal(sheep_seccomp_op_lookup("SCMP_CMP_FOO", &op), -1);
	assert_int_equal(sheep_seccomp_arch_lookup("SCMP_ARCH_VAX", &v), -1);
	assert_int_equal(sheep_seccomp_flag_lookup("SECCOMP_FILTER_FLAG_NEW_LISTENER", &f), -1);
	assert_int_equal(sheep_seccomp_action_lookup(NULL, &v), -1);
}

static void test_translations(void **state)
{
	uint32_t v;
	unsigned int f;
	enum scmp_compare op;

	assert_int_equal(sheep_seccomp_action_lookup("SCMP_ACT_KILL", &v), 0);
	assert_int_equal(v, SCMP_ACT_KILL_THREAD);
	assert_int_equal(sheep_seccomp_action_lookup("SCMP_ACT_KILL_PROCESS", &v), 0);
	assert_int_equal(v, SCMP_ACT_KILL_PROCESS);
	assert_int_equal(sheep_seccomp_action_lookup("SCMP_ACT_NOTIFY", &v), 0);
	assert_int_equal(v, SCMP_ACT_NOTIFY);
	assert_int_equal(sheep_seccomp_action_lookup("SCMP_ACT_LOG", &v), 0);
	assert_int_equal(v, SCMP_ACT_LOG);
	assert_true(sheep_seccomp_action_takes_errno(SCMP_ACT_ERRNO(5)));
	assert_true(sheep_seccomp_action_takes_errno(SCMP_ACT_TRACE(0)));
	assert_false(sheep_seccomp_action_takes_errno(SCMP_ACT_ALLOW));
	assert_false(sheep_seccomp_action_takes_errno(SCMP_ACT_KILL_PROCESS));
	assert_false(sheep_seccomp_action_takes_errno(SCMP_ACT_NOTIFY));
	assert_int_equal(sheep_seccomp_op_lookup("SCMP_CMP_MASKED_EQ", &op), 0);
	assert_int_equal(op, SCMP_CMP_MASKED_EQ);
	assert_int_equal(sheep_seccomp_op_lookup("SCMP_CMP_GE", &op), 0);
	assert_int_equal(op, SCMP_CMP_GE);
	assert_int_equal(sheep_seccomp_arch_lookup("SCMP_ARCH_X86_64", &v), 0);
	assert_int_equal(v, SCMP_ARCH_X86_64);
	assert_int_equal(sheep_seccomp_arch_lookup("SCMP_ARCH_AARCH64", &v), 0);
	assert_int_equal(v, SCMP_ARCH_AARCH64);
	assert_int_equal(sheep_seccomp_flag_lookup("SECCOMP_FILTER_FLAG_SPEC_ALLOW", &f), 0);
	assert_int_equal(f, SECCOMP_FILTER_FLAG_SPEC_ALLOW);
	assert_int_equal(sheep_seccomp_flag_lookup("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", &f),
			 0);
	assert_int_equal(f, SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);
}

/* A small profile the error tests break one field at a time: default ERRNO, three rules. */
struct small {
	struct oci_seccomp cfg;
	struct oci_syscall rules[3];
	struct oci_syscall_arg args[2];
	char *names0[1], *names1[2], *names2[1];
	char *archs[2];
	char *flags[2];
};

static void small_init(struct small *s)
{
	memset(s, 0, sizeof(*s));
	s->names0[0] = "getcwd";
	s->names1[0] = "read";
	s->names1[1] = "write";
	s->names2[0] = "personality";
	s->rules[0] =
	    (struct oci_syscall){.names = s->names0, .names_len = 1, .action = "SCMP_ACT_ALLOW"};
	s->rules[1] =
	    (struct oci_syscall){.names = s->names1, .names_len = 2, .action = "SCMP_ACT_ALLOW"};
	s->args[0] = (struct oci_syscall_arg){.index = 0, .value = 8, .op = "SCMP_CMP_EQ"};
	s->rules[2] = (struct oci_syscall){.names = s->names2,
					   .names_len = 1,
					   .action = "SCMP_ACT_ALLOW",
					   .args = s->args,
					   .args_len = 1};
	s->archs[0] = "SCMP_ARCH_X86_64";
	s->cfg = (struct oci_seccomp){.default_action = "SCMP_ACT_ERRNO",
				      .syscalls = s->rules,
				      .syscalls_len = 3,
				      .architectures = s->archs,
				      .architectures_len = 1,
				      .flags = s->flags};
}

static void expect_error(const struct oci_seccomp *cfg, const char *msg)
{
	struct sheep_seccomp *s = (struct sheep_seccomp *)0x1;
	struct sheep_err *err = NULL;

	assert_int_equal(sheep_seccomp_compile(cfg, &s, &err), -1);
	assert_null(s);
	assert_non_null(err);
	assert_string_equal(err->msg, msg);
	sheep_err_free(err);
}

static void test_compile_null(void **state)
{
	struct sheep_seccomp *s = (struct sheep_seccomp *)0x1;
	struct sheep_err *err = NULL;
	int fd = 7;

	assert_int_equal(sheep_seccomp_compile(NULL, &s, &err), 0);
	assert_null(s);
	assert_null(err);
	assert_false(sheep_seccomp_needs_listener(NULL));
	assert_int_equal(sheep_seccomp_bpf_size(NULL), 0);
	assert_int_equal(sheep_seccomp_install(NULL, &fd, &err), 0);
	assert_int_equal(fd, -1);
	sheep_seccomp_free(NULL);
}

#define P "config.json: linux.seccomp"

static void test_errors_actions(void **state)
{
	struct small s;

	small_init(&s);
	s.rules[2].action = "SCMP_ACT_FOO";
	expect_error(&s.cfg, P ".syscalls[2].action: unknown seccomp action 'SCMP_ACT_FOO'");
	small_init(&s);
	s.cfg.default_action = "SCMP_ACT_BAR";
	expect_error(&s.cfg, P ".defaultAction: unknown seccomp action 'SCMP_ACT_BAR'");
	small_init(&s);
	s.cfg.default_action = NULL;
	expect_error(&s.cfg, P ".defaultAction: unknown seccomp action ''");
	small_init(&s);
	s.cfg.default_action = "SCMP_ACT_NOTIFY";
	expect_error(&s.cfg, P ".defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
	small_init(&s);
	s.rules[1].has_errno_ret = true;
	expect_error(&s.cfg, P ".syscalls[1].errnoRet: SCMP_ACT_ALLOW does not take an errno");
	small_init(&s);
	s.cfg.default_action = "SCMP_ACT_KILL";
	s.cfg.has_default_errno_ret = true;
	expect_error(&s.cfg, P ".defaultErrnoRet: SCMP_ACT_KILL does not take an errno");
	small_init(&s);
	s.rules[0].action = "SCMP_ACT_ERRNO";
	s.rules[0].has_errno_ret = true;
	s.rules[0].errno_ret = 70000;
	expect_error(&s.cfg, P ".syscalls[0].errnoRet: 70000 is out of range (0-65535)");
}

static void test_errors_fields(void **state)
{
	struct small s;

	small_init(&s);
	s.args[0].index = 7;
	expect_error(&s.cfg,
		     P ".syscalls[2].args[0].index: 7 is not a syscall argument index (0-5)");
	small_init(&s);
	s.args[0].op = "SCMP_CMP_FOO";
	expect_error(&s.cfg, P ".syscalls[2].args[0].op: unknown seccomp operator 'SCMP_CMP_FOO'");
	small_init(&s);
	s.archs[1] = "SCMP_ARCH_VAX";
	s.cfg.architectures_len = 2;
	expect_error(&s.cfg, P ".architectures[1]: unknown seccomp architecture 'SCMP_ARCH_VAX'");
	small_init(&s);
	s.flags[0] = "SECCOMP_FILTER_FLAG_LOG";
	s.flags[1] = "SECCOMP_FILTER_FLAG_FOO";
	s.cfg.flags_len = 2;
	expect_error(&s.cfg, P ".flags[1]: unknown seccomp flag 'SECCOMP_FILTER_FLAG_FOO'");
	small_init(&s);
	s.rules[1].names_len = 0;
	expect_error(&s.cfg, P ".syscalls[1].names: must name at least one syscall");
	/* a big-endian arch with the native little-endian one: libseccomp's EDOM, named */
	small_init(&s);
	s.archs[1] = "SCMP_ARCH_MIPS";
	s.cfg.architectures_len = 2;
	expect_error(&s.cfg, "compile seccomp filter: " P ".architectures[1]: SCMP_ARCH_MIPS has "
			     "another byte order than the native architecture (one filter "
			     "cannot hold both)");
	small_init(&s);
	s.names1[1] = "";
	expect_error(&s.cfg, P ".syscalls[1].names[1]: empty name");
}

static void test_errors_notify(void **state)
{
	struct small s;

	small_init(&s);
	s.flags[0] = "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV";
	s.cfg.flags_len = 1;
	expect_error(&s.cfg, P ".flags[0]: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV requires a rule "
			       "with SCMP_ACT_NOTIFY");
	small_init(&s);
	s.rules[1].action = "SCMP_ACT_NOTIFY";
	s.cfg.listener_path = "/run/agent.sock";
	expect_error(&s.cfg, P ".syscalls[1].names[1]: SCMP_ACT_NOTIFY cannot apply to 'write' "
			       "(the runtime needs it to pass on the listener)");
	small_init(&s);
	s.rules[0].action = "SCMP_ACT_NOTIFY";
	expect_error(&s.cfg, P ".listenerPath: required when a rule uses SCMP_ACT_NOTIFY");
	small_init(&s);
	s.cfg.listener_metadata = "x";
	expect_error(&s.cfg, P ".listenerMetadata: set without listenerPath");
}

static struct sheep_seccomp *compile_ok(const struct oci_seccomp *cfg)
{
	struct sheep_seccomp *s = NULL;
	struct sheep_err *err = NULL;

	if (sheep_seccomp_compile(cfg, &s, &err) < 0)
		fail_msg("compile: %s", err->msg);
	assert_non_null(s);
	return s;
}

/* The BPF that libseccomp itself exports for ctx, to compare ours with. */
static void assert_same_bpf(const struct sheep_seccomp *s, scmp_filter_ctx ctx)
{
	int fd = memfd_create("ref", MFD_CLOEXEC);
	off_t len;
	char *buf;

	assert_true(fd >= 0);
	assert_int_equal(seccomp_export_bpf(ctx, fd), 0);
	len = lseek(fd, 0, SEEK_END);
	buf = malloc(len);
	assert_int_equal(pread(fd, buf, len, 0), len);
	assert_int_equal(sheep_seccomp_bpf_size(s), (size_t)len);
	assert_memory_equal(s->prog, buf, len);
	free(buf);
	close(fd);
	seccomp_release(ctx);
}

static void test_rule_equal_to_default_dropped(void **state)
{
	struct small s;
	struct sheep_seccomp *sc;
	scmp_filter_ctx ref = seccomp_init(SCMP_ACT_ALLOW);

	small_init(&s);
	s.cfg.default_action = "SCMP_ACT_ALLOW";
	s.rules[0].action = "SCMP_ACT_ERRNO";
	s.rules[0].has_errno_ret = true;
	s.rules[0].errno_ret = EACCES;
	sc = compile_ok(&s.cfg);
	seccomp_rule_add(ref, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(getcwd), 0);
	assert_same_bpf(sc, ref);
	assert_int_equal(sc->flags, 0);
	assert_false(sheep_seccomp_needs_listener(sc));
	sheep_seccomp_free(sc);
}

/* Different argument indexes AND in one rule; repeated indexes become one rule each (runc). */
static void test_args_and_or(void **state)
{
	struct small s;
	struct sheep_seccomp *sc;
	scmp_filter_ctx ref = seccomp_init(SCMP_ACT_ERRNO(EPERM));

	small_init(&s);
	s.rules[2].args_len = 2;
	s.args[1] = (struct oci_syscall_arg){.index = 1,
					     .value = 0xf0,
					     .has_value_two = true,
					     .value_two = 0x10,
					     .op = "SCMP_CMP_MASKED_EQ"};
	sc = compile_ok(&s.cfg);
	seccomp_rule_add(ref, SCMP_ACT_ALLOW, SCMP_SYS(getcwd), 0);
	seccomp_rule_add(ref, SCMP_ACT_ALLOW, SCMP_SYS(read), 0);
	seccomp_rule_add(ref, SCMP_ACT_ALLOW, SCMP_SYS(write), 0);
	seccomp_rule_add(ref, SCMP_ACT_ALLOW, SCMP_SYS(personality), 2, SCMP_A0(SCMP_CMP_EQ, 8),
			 SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf0, 0x10));
	assert_same_bpf(sc, ref);
	sheep_seccomp_free(sc);

	ref = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	s.args[1] = (struct oci_syscall_arg){.index = 0, .value = 0x20008, .op = "SCMP_CMP_EQ"};
	sc = compile_ok(&s.cfg);
	seccomp_rule_add(ref, SCMP_ACT_ALLOW, SCMP_SYS(getcwd), 0);
	seccomp_rule_add(ref, SCMP_ACT_ALLOW, SCMP_SYS(read), 0);
	seccomp_rule_add(ref, SCMP_ACT_ALLOW, SCMP_SYS(write), 0);
	seccomp_rule_add(ref, SCMP_ACT_ALLOW, SCMP_SYS(personality), 1, SCMP_A0(SCMP_CMP_EQ, 8));
	seccomp_rule_add(ref, SCMP_ACT_ALLOW, SCMP_SYS(personality), 1,
			 SCMP_A0(SCMP_CMP_EQ, 0x20008));
	assert_same_bpf(sc, ref);
	sheep_seccomp_free(sc);
}

static void test_default_errno_and_unknown_names(void **state)
{
	struct small s;
	struct sheep_seccomp *sc;
	scmp_filter_ctx ref = seccomp_init(SCMP_ACT_ERRNO(ENOSYS));
	const char *const *skipped;
	size_t n;

	small_init(&s);
	s.cfg.has_default_errno_ret = true;
	s.cfg.default_errno_ret = ENOSYS;
	s.names1[0] = "no_such_syscall_42";
	s.cfg.syscalls_len = 2;
	sc = compile_ok(&s.cfg);
	skipped = sheep_seccomp_skipped_names(sc, &n);
	assert_int_equal(n, 1);
	assert_string_equal(skipped[0], "no_such_syscall_42");
	assert_null(skipped[1]);
	seccomp_rule_add(ref, SCMP_ACT_ALLOW, SCMP_SYS(getcwd), 0);
	seccomp_rule_add(ref, SCMP_ACT_ALLOW, SCMP_SYS(write), 0);
	assert_same_bpf(sc, ref);
	sheep_seccomp_free(sc);
	skipped = sheep_seccomp_skipped_names(NULL, &n);
	assert_int_equal(n, 0);
	assert_null(skipped[0]);
}

static void test_flags(void **state)
{
	struct small s;
	struct sheep_seccomp *sc;

	small_init(&s);
	s.flags[0] = "SECCOMP_FILTER_FLAG_LOG";
	s.flags[1] = "SECCOMP_FILTER_FLAG_SPEC_ALLOW";
	s.cfg.flags_len = 2;
	sc = compile_ok(&s.cfg);
	assert_int_equal(sc->flags, SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW);
	sheep_seccomp_free(sc);

	small_init(&s);
	s.rules[0].action = "SCMP_ACT_NOTIFY";
	s.cfg.listener_path = "/run/agent.sock";
	s.flags[0] = "SECCOMP_FILTER_FLAG_TSYNC";
	s.flags[1] = "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV";
	s.cfg.flags_len = 2;
	sc = compile_ok(&s.cfg);
	assert_true(sheep_seccomp_needs_listener(sc));
	assert_int_equal(sc->flags,
			 SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV |
			     SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_TSYNC_ESRCH);
	sheep_seccomp_free(sc);
}

static void test_docker_like_profile(void **state)
{
	struct oci_seccomp *p = test_profile_docker_like();
	struct sheep_seccomp *multi, *native;
	size_t n;

	multi = compile_ok(p);
	p->architectures_len = 1;
	native = compile_ok(p);
	/* Three ABIs need about three times the instructions of one; all within the kernel's
	 * limit of BPF_MAXINSNS (4096) instructions. */
	assert_int_equal(sheep_seccomp_bpf_size(multi) % 8, 0);
	assert_true(sheep_seccomp_bpf_size(native) > 300 * 8);
	assert_true(sheep_seccomp_bpf_size(multi) > 2 * sheep_seccomp_bpf_size(native));
	assert_true(sheep_seccomp_bpf_size(multi) < 4096 * 8);
	/* The fixture names a few syscalls this libseccomp may not know; none of the common. */
	sheep_seccomp_skipped_names(multi, &n);
	assert_true(n < 10);
	assert_int_equal(multi->flags, 0);
	sheep_seccomp_free(multi);
	sheep_seccomp_free(native);
	test_profile_free(p);
}

static void test_supported_flags(void **state)
{
	const char **names;
	size_t n;
	bool log = false, tsync = false;

	assert_int_equal(sheep_seccomp_supported_flags(&names, &n), 0);
	for (size_t i = 0; i < n; i++) {
		log |= strcmp(names[i], "SECCOMP_FILTER_FLAG_LOG") == 0;
		tsync |= strcmp(names[i], "SECCOMP_FILTER_FLAG_TSYNC") == 0;
	}
	/* Both exist since Linux 4.14; the test machines run far newer kernels. */
	assert_true(log);
	assert_true(tsync);
	assert_null(names[n]);
}

/* ---- as root, in a child: the loaded filter ---- */

static void skip_unless_root(void)
{
	if (geteuid() != 0)
		skip();
}

static int child_small(int fd, void *arg)
{
	struct sheep_seccomp *sc = arg;
	struct sheep_err *err = NULL;
	char buf[256], status[64];
	int lfd = 5;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return 1;
	if (sheep_seccomp_install(sc, &lfd, &err) < 0)
		return 2;
	if (lfd != -1)
		return 3;
	if (getcwd(buf, sizeof(buf)) != NULL || errno != EACCES)
		return 4;
	if (proc_status("Seccomp", status, sizeof(status)) < 0 || strcmp(status, "2") != 0)
		return 5;
	return 0;
}

static void test_install_small(void **state)
{
	struct small s;
	struct sheep_seccomp *sc;

	skip_unless_root();
	small_init(&s);
	s.cfg.default_action = "SCMP_ACT_ALLOW";
	s.rules[0].action = "SCMP_ACT_ERRNO";
	s.rules[0].has_errno_ret = true;
	s.rules[0].errno_ret = EACCES;
	sc = compile_ok(&s.cfg);
	assert_int_equal(run_in_child(child_small, sc, NULL, 0), 0);
	sheep_seccomp_free(sc);
}

static int child_docker(int fd, void *arg)
{
	struct sheep_err *err = NULL;
	int lfd;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return 1;
	if (sheep_seccomp_install(arg, &lfd, &err) < 0)
		return 2;
	if (unshare(CLONE_NEWNS) == 0 || errno != EPERM) /* not in the allow list */
		return 3;
	if (personality(0xffffffff) < 0) /* allowed persona (query) */
		return 4;
	if (personality(0x0400000) >= 0 || errno != EPERM) /* READ_IMPLIES_EXEC: not allowed */
		return 5;
	if (syscall(SYS_clone3, NULL, 0) >= 0 || errno != ENOSYS)
		return 6;
	if (socket(40, SOCK_STREAM, 0) >= 0 || errno != EPERM) /* AF_VSOCK */
		return 7;
	if (syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, 0) >= 0 || errno != EPERM)
		return 8;
	if (getppid() <= 0)
		return 9;
	return 0;
}

static void test_install_docker_like(void **state)
{
	struct oci_seccomp *p = test_profile_docker_like();
	struct sheep_seccomp *sc;

	skip_unless_root();
	sc = compile_ok(p);
	assert_int_equal(run_in_child(child_docker, sc, NULL, 0), 0);
	sheep_seccomp_free(sc);
	test_profile_free(p);
}

/* The grandchild's getppid() goes to the listener, which answers 4242. */
static int child_notify(int fd, void *arg)
{
	struct sheep_err *err = NULL;
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	int lfd = -1, status;
	pid_t pid;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return 1;
	if (sheep_seccomp_install(arg, &lfd, &err) < 0 || lfd < 0)
		return 2;
	if (!(fcntl(lfd, F_GETFD) & FD_CLOEXEC))
		return 3;
	pid = fork();
	if (pid == 0)
		_exit(getppid() == 4242 ? 0 : 1);
	memset(&req, 0, sizeof(req));
	if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		return 4;
	if (req.data.nr != SYS_getppid)
		return 5;
	resp = (struct seccomp_notif_resp){.id = req.id, .val = 4242};
	if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0)
		return 6;
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return 7;
	return 0;
}

static void test_install_notify(void **state)
{
	struct small s;
	struct sheep_seccomp *sc;

	skip_unless_root();
	small_init(&s);
	s.cfg.default_action = "SCMP_ACT_ALLOW";
	s.names0[0] = "getppid";
	s.rules[0].action = "SCMP_ACT_NOTIFY";
	s.cfg.listener_path = "/run/agent.sock";
	s.cfg.syscalls_len = 1;
	sc = compile_ok(&s.cfg);
	assert_int_equal(run_in_child(child_notify, sc, NULL, 0), 0);
	sheep_seccomp_free(sc);
}

/* Without no_new_privs and without CAP_SYS_ADMIN the kernel refuses the filter. */
static int child_unprivileged(int fd, void *arg)
{
	struct sheep_err *err = NULL;
	int lfd;

	if (setresuid(65534, 65534, 65534) < 0)
		return 1;
	if (sheep_seccomp_install(arg, &lfd, &err) == 0)
		return 2;
	dprintf(fd, "%s", err->msg);
	return 0;
}

static void test_install_error(void **state)
{
	struct small s;
	struct sheep_seccomp *sc;
	char msg[256];

	skip_unless_root();
	small_init(&s);
	sc = compile_ok(&s.cfg);
	assert_int_equal(run_in_child(child_unprivileged, sc, msg, sizeof(msg)), 0);
	/* the init step adds the intent ("load seccomp filter") once */
	assert_string_equal(msg, "seccomp(SECCOMP_SET_MODE_FILTER, 0x0): Permission denied");
	sheep_seccomp_free(sc);
}

/* A profile past the kernel's BPF_MAXINSNS fails when it is compiled, in the runtime, before
 * anything is spawned, rather than with E2BIG in the container's init. */
static void test_too_many_instructions(void **state)
{
	enum { N = 1000 };
	static char *names[1] = {"personality"};
	static struct oci_syscall_arg args[N][2];
	static struct oci_syscall rules[N];
	struct oci_seccomp cfg = {
	    .default_action = "SCMP_ACT_ALLOW", .syscalls = rules, .syscalls_len = N};
	struct sheep_seccomp *s = (struct sheep_seccomp *)0x1;
	struct sheep_err *err = NULL;

	(void)state;
	/* distinct values (libseccomp shares identical blocks), two arguments: ~7 instructions
	 * a rule */
	for (unsigned int i = 0; i < N; i++) {
		args[i][0] =
		    (struct oci_syscall_arg){.index = 0, .value = i + 1, .op = "SCMP_CMP_EQ"};
		args[i][1] =
		    (struct oci_syscall_arg){.index = 1, .value = i * 7, .op = "SCMP_CMP_GT"};
		rules[i] = (struct oci_syscall){.action = "SCMP_ACT_ERRNO",
						.names = names,
						.names_len = 1,
						.args = args[i],
						.args_len = 2};
	}
	assert_int_equal(sheep_seccomp_compile(&cfg, &s, &err), -1);
	assert_null(s);
	assert_non_null(strstr(err->msg, "compile seccomp filter: " P ": "));
	assert_non_null(
	    strstr(err->msg, " BPF instructions, more than the kernel's limit of 4096"));
	sheep_err_free(err);
	/* a third of it fits */
	cfg.syscalls_len = N / 3;
	assert_int_equal(sheep_seccomp_compile(&cfg, &s, &err), 0);
	assert_true(sheep_seccomp_bpf_size(s) / 8 <= 4096);
	sheep_seccomp_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_name_tables),
	    cmocka_unit_test(test_translations),
	    cmocka_unit_test(test_compile_null),
	    cmocka_unit_test(test_errors_actions),
	    cmocka_unit_test(test_errors_fields),
	    cmocka_unit_test(test_too_many_instructions),
	    cmocka_unit_test(test_errors_notify),
	    cmocka_unit_test(test_rule_equal_to_default_dropped),
	    cmocka_unit_test(test_args_and_or),
	    cmocka_unit_test(test_default_errno_and_unknown_names),
	    cmocka_unit_test(test_flags),
	    cmocka_unit_test(test_docker_like_profile),
	    cmocka_unit_test(test_supported_flags),
	    cmocka_unit_test(test_install_small),
	    cmocka_unit_test(test_install_docker_like),
	    cmocka_unit_test(test_install_notify),
	    cmocka_unit_test(test_install_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
