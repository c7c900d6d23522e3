/* linux.resources.devices on cgroup v2, where there are no device files: the rules are translated
 * into a BPF_PROG_TYPE_CGROUP_DEVICE program (pure code generation, unit-tested by running it),
 * loaded, and attached to the container's cgroup in place of the one an earlier create or update
 * left there. The default devices list and the rule checks are shared with the v1 files. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/cgroup/devices_bpf.h"
#include "core/cgroup/internal.h"
#include "util/cleanup.h"
#include "util/fs.h"

#define ACC_ALL (BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE)
/* What a rule tests, each read from the ctx (r1) into r0 right before its comparison. */
enum field { F_ACC, F_TYPE, F_MAJOR, F_MINOR };
/* type (3), major (2), minor (2), access (3 and a ja), the verdict (mov, exit) */
#define RULE_MAX_LEN 13
/* The kernel's limit of programs per cgroup and attach type (BPF_CGROUP_MAX_PROGS). */
#define MAX_PROGS 64
#define LOG_SIZE (64 * 1024)

#define DEFAULT_DEV(ma, mi)                                                                        \
	{                                                                                          \
		.allow = true, .type = "c", .has_major = true, .major = (ma), .has_minor = true,   \
		.minor = (mi), .access = "rwm"                                                     \
	}

/* /dev/null, zero, full, random, urandom, tty, ptmx and the pty slaves (136:*). Not 5:1: the
 * container's /dev/console is a bind mount of its pty slave, and a node made for 5:1 would open
 * the host's system console. Stricter than runc, which also allows mknod of any node ("c *:* m",
 * "b *:* m") and /dev/net/tun: a config wanting those lists them. */
const struct oci_device_cgroup cg_default_device_rules[] = {
    DEFAULT_DEV(1, 3),
    DEFAULT_DEV(1, 5),
    DEFAULT_DEV(1, 7),
    DEFAULT_DEV(1, 8),
    DEFAULT_DEV(1, 9),
    DEFAULT_DEV(5, 0),
    DEFAULT_DEV(5, 2),
    {.allow = true, .type = "c", .has_major = true, .major = 136, .access = "rwm"},
};
const size_t cg_default_device_rules_len = ARRAY_SIZE(cg_default_device_rules);

/* BPF_DEVCG_ACC_* bits of an access string (absent = all); -1 for a letter other than r, w, m. */
static int access_bits(const char *access)
{
	int bits = 0;

	if (access == NULL)
		return ACC_ALL;
	for (const char *p = access; *p; p++) {
		if (*p == 'r')
			bits |= BPF_DEVCG_ACC_READ;
		else if (*p == 'w')
			bits |= BPF_DEVCG_ACC_WRITE;
		else if (*p == 'm')
			bits |= BPF_DEVCG_ACC_MKNOD;
		else
			return -1;
	}
	return bits;
}

/* BPF_DEVCG_DEV_* of a type; 0 for "a" or absent (any type), -1 for an unknown type. */
static int type_bits(const char *type)
{
	if (type == NULL || strcmp(type, "a") == 0)
		return 0;
	if (strcmp(type, "c") == 0)
		return BPF_DEVCG_DEV_CHAR;
	if (strcmp(type, "b") == 0)
		return BPF_DEVCG_DEV_BLOCK;
	return -1;
}

/* The ctx has 32-bit numbers, and the v1 files parse them as u32 too. */
static int check_number(size_t i, const char *what, bool has, int64_t v, struct sheep_err **err)
{
	if (has && (v < 0 || v > UINT32_MAX))
		return sheep_err_code(err, EINVAL,
				      "linux.resources.devices[%zu].%s: %lld is out of range "
				      "(0..4294967295)",
				      i, what, (long long)v);
	return 0;
}

int cg_devices_validate(const struct oci_device_cgroup *rules, size_t len, struct sheep_err **err)
{
	for (size_t i = 0; i < len; i++) {
		const struct oci_device_cgroup *d = &rules[i];

		if (type_bits(d->type) < 0)
			return sheep_err_code(
			    err, EINVAL,
			    "linux.resources.devices[%zu].type: unknown device type "
			    "'%s' (a, b or c)",
			    i, d->type);
		if (access_bits(d->access) < 0)
			return sheep_err_code(err, EINVAL,
					      "linux.resources.devices[%zu].access: '%s' is not a "
					      "combination of r, w and m",
					      i, d->access);
		if (check_number(i, "major", d->has_major, d->major, err) < 0 ||
		    check_number(i, "minor", d->has_minor, d->minor, err) < 0)
			return -1;
	}
	return 0;
}

int cg_devices_effective(const struct oci_resources *r, struct oci_device_cgroup **ret,
			 size_t *ret_len, struct sheep_err **err)
{
	size_t n = 1 + r->devices_len + cg_default_device_rules_len;
	struct oci_device_cgroup *all = calloc(n, sizeof(*all));

	if (all == NULL)
		return sheep_err_set(err, ENOMEM, "device rules");
	/* all[0]: deny, any type, any numbers, access rwm (the zeroed rule). */
	if (r->devices_len > 0)
		memcpy(all + 1, r->devices, r->devices_len * sizeof(*all));
	memcpy(all + 1 + r->devices_len, cg_default_device_rules,
	       cg_default_device_rules_len * sizeof(*all));
	*ret = all;
	*ret_len = n;
	return 0;
}

struct prog {
	struct bpf_insn *insns;
	size_t len;
};

static void emit(struct prog *p, uint8_t code, uint8_t dst, uint8_t src, size_t off, int32_t imm)
{
	p->insns[p->len++] = (struct bpf_insn){
	    .code = code, .dst_reg = dst, .src_reg = src, .off = (int16_t)off, .imm = imm};
}

/* One test of a rule: jump ahead to the next rule when it fails. The field is read from the
 * ctx afresh into r0 for each test rather than kept in registers: a comparison narrows what
 * the verifier knows of the register compared (and of every copy of it), so paths reaching a
 * rule with differently narrowed registers were states it verified separately, rule after
 * rule. A fresh load leaves nothing narrowed behind (r0 is dead at the next rule), every path
 * reaches the next rule in the same state and is pruned there: the default filter processes
 * 60 instructions instead of 163 and loads in ~60 us instead of ~170 us. */
static size_t test_len(enum field f)
{
	return f == F_ACC || f == F_TYPE ? 3 : 2;
}

static void emit_test(struct prog *p, enum field f, uint8_t jump, size_t next, int32_t imm)
{
	static const int16_t off[] = {
	    [F_ACC] = offsetof(struct bpf_cgroup_dev_ctx, access_type),
	    [F_TYPE] = offsetof(struct bpf_cgroup_dev_ctx, access_type),
	    [F_MAJOR] = offsetof(struct bpf_cgroup_dev_ctx, major),
	    [F_MINOR] = offsetof(struct bpf_cgroup_dev_ctx, minor),
	};

	emit(p, BPF_LDX | BPF_W | BPF_MEM, 0, 1, off[f], 0);
	if (f == F_TYPE) /* the low 16 bits */
		emit(p, BPF_ALU64 | BPF_AND | BPF_K, 0, 0, 0, 0xffff);
	else if (f == F_ACC) /* the high 16 bits */
		emit(p, BPF_ALU64 | BPF_RSH | BPF_K, 0, 0, 0, 16);
	emit(p, jump | BPF_K, 0, 0, next - p->len - 1, imm);
}

/* One rule: tests that jump to the next rule when it does not match, then the verdict. Returns
 * true when the rule matches every request: the earlier rules are then unreachable and must not
 * be emitted (the verifier refuses a program with unreachable instructions).
 * A request always carries at least one access bit (the kernel asks for mknod, read and/or write),
 * so a rule with an empty access never matches and is left out. */
static bool emit_rule(struct prog *p, const struct oci_device_cgroup *d)
{
	int type = type_bits(d->type), acc = access_bits(d->access);
	bool partial = acc != ACC_ALL;
	size_t n = 2 + (type != 0 ? test_len(F_TYPE) : 0) + (d->has_major ? test_len(F_MAJOR) : 0) +
		   (d->has_minor ? test_len(F_MINOR) : 0) +
		   (partial ? test_len(F_ACC) + !d->allow : 0);
	size_t next = p->len + n;

	if (acc == 0)
		return false;
	if (type != 0)
		emit_test(p, F_TYPE, BPF_JMP | BPF_JNE, next, type);
	/* JMP32 compares the low 32 bits with the immediate: the whole u32 range works. */
	if (d->has_major)
		emit_test(p, F_MAJOR, BPF_JMP32 | BPF_JNE, next, (int32_t)(uint32_t)d->major);
	if (d->has_minor)
		emit_test(p, F_MINOR, BPF_JMP32 | BPF_JNE, next, (int32_t)(uint32_t)d->minor);
	if (partial && d->allow) {
		/* allow: no access outside the rule's may be requested */
		emit_test(p, F_ACC, BPF_JMP | BPF_JSET, next, ACC_ALL & ~acc);
	} else if (partial) {
		/* deny: some requested access is the rule's (on to the verdict, past the ja), else
		 * on to the next rule */
		emit_test(p, F_ACC, BPF_JMP | BPF_JSET, p->len + test_len(F_ACC) + 1, acc);
		emit(p, BPF_JMP | BPF_JA, 0, 0, next - p->len - 1, 0);
	}
	emit(p, BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, d->allow ? 1 : 0);
	emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	return n == 2;
}

int cg_devices_bpf_build(const struct oci_device_cgroup *rules, size_t len, struct bpf_insn **ret,
			 size_t *ret_len, struct sheep_err **err)
{
	struct prog p = {0};
	bool decided = false;

	if (cg_devices_validate(rules, len, err) < 0)
		return -1;
	/* Jump offsets are 16 bits: a block never spans more than RULE_MAX_LEN instructions. */
	p.insns = calloc(RULE_MAX_LEN * len + 2, sizeof(*p.insns));
	if (p.insns == NULL)
		return sheep_err_set(err, ENOMEM, "device filter of %zu rules", len);
	/* The last rule that matches decides: test them from the last one back. */
	for (size_t i = len; i-- > 0 && !decided;)
		decided = emit_rule(&p, &rules[i]);
	if (!decided) {
		emit(&p, BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 1);
		emit(&p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	}
	*ret = p.insns;
	*ret_len = p.len;
	return 0;
}

static int sys_bpf(int cmd, union bpf_attr *a)
{
	return (int)syscall(SYS_bpf, cmd, a, sizeof(*a));
}

const char *cg_bpf_log_reason(char *log)
{
	const char *reason = "";
	char *save = NULL;

	for (char *l = strtok_r(log, "\n", &save); l != NULL; l = strtok_r(NULL, "\n", &save))
		if (strncmp(l, "processed ", 10) != 0)
			reason = l;
	return reason;
}

/* Program fds are always close-on-exec (the kernel creates them O_CLOEXEC). RLIMIT_MEMLOCK is
 * left alone: since Linux 5.11 BPF memory is charged to the memory cgroup instead. */
int cg_devices_bpf_load(const struct bpf_insn *insns, size_t len, struct sheep_err **err)
{
	_cleanup_free_ char *log = NULL;
	const char *reason = "";
	union bpf_attr a;
	int fd, saved;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (uintptr_t)insns;
	a.insn_cnt = (uint32_t)len;
	a.license = (uintptr_t) "GPL";
	memcpy(a.prog_name, CG_DEVICES_PROG_NAME, sizeof(CG_DEVICES_PROG_NAME));
	fd = sys_bpf(BPF_PROG_LOAD, &a);
	if (fd >= 0)
		return fd;
	saved = errno;
	/* Again with the verifier's log, only now: a log that does not fit fails a load (ENOSPC). */
	log = calloc(1, LOG_SIZE);
	if (log != NULL) {
		a.log_buf = (uintptr_t)log;
		a.log_size = LOG_SIZE;
		a.log_level = 1;
		fd = sys_bpf(BPF_PROG_LOAD, &a);
		if (fd >= 0)
			return fd;
		reason = cg_bpf_log_reason(log);
	}
	return sheep_err_set(err, saved, "bpf(BPF_PROG_LOAD) device filter of %zu instructions%s%s",
			     len, *reason ? ": " : "", reason);
}

/* Detaches the program with this id from cgfd if it is a device filter of ours; a program that
 * went away meanwhile is no error. */
static int detach_ours(int cgfd, uint32_t id, struct sheep_err **err)
{
	_cleanup_close_ int fd = -1;
	struct bpf_prog_info info;
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.prog_id = id;
	fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &a);
	if (fd < 0)
		return errno == ENOENT
			   ? 0
			   : sheep_err_set(err, errno, "bpf(BPF_PROG_GET_FD_BY_ID) program %u", id);
	memset(&info, 0, sizeof(info));
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = fd;
	a.info.info_len = sizeof(info);
	a.info.info = (uintptr_t)&info;
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a) < 0)
		return sheep_err_set(err, errno, "bpf(BPF_OBJ_GET_INFO_BY_FD) program %u", id);
	if (strncmp(info.name, CG_DEVICES_PROG_NAME, sizeof(info.name)) != 0)
		return 0;
	memset(&a, 0, sizeof(a));
	a.target_fd = cgfd;
	a.attach_bpf_fd = fd;
	a.attach_type = BPF_CGROUP_DEVICE;
	if (sys_bpf(BPF_PROG_DETACH, &a) < 0 && errno != ENOENT)
		return sheep_err_set(err, errno, "bpf(BPF_PROG_DETACH) program %u", id);
	return 0;
}

int cg_devices_bpf_replace(int cgfd, int prog, struct sheep_err **err)
{
	uint32_t ids[MAX_PROGS], n;
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.query.target_fd = cgfd;
	a.query.attach_type = BPF_CGROUP_DEVICE;
	a.query.prog_ids = (uintptr_t)ids;
	a.query.prog_cnt = MAX_PROGS;
	if (sys_bpf(BPF_PROG_QUERY, &a) < 0)
		return sheep_err_set(err, errno, "bpf(BPF_PROG_QUERY) device programs");
	n = a.query.prog_cnt < MAX_PROGS ? a.query.prog_cnt : MAX_PROGS;
	/* The new program first: while both are attached a device must pass both (the kernel ANDs
	 * the verdicts), so no moment allows what either the old or the new rules deny. */
	memset(&a, 0, sizeof(a));
	a.target_fd = cgfd;
	a.attach_bpf_fd = prog;
	a.attach_type = BPF_CGROUP_DEVICE;
	a.attach_flags = BPF_F_ALLOW_MULTI;
	if (sys_bpf(BPF_PROG_ATTACH, &a) < 0)
		return sheep_err_set(err, errno, "bpf(BPF_PROG_ATTACH) device filter");
	for (uint32_t i = 0; i < n; i++)
		if (detach_ours(cgfd, ids[i], err) < 0)
			return -1;
	return 0;
}

/* True for a caller without privilege over the initial user namespace: not root, or root in a
 * user namespace (a uid_map other than the identity of all ids). */
static bool unprivileged(void)
{
	_cleanup_free_ char *map = NULL;
	unsigned long inside, outside, count;

	if (geteuid() != 0)
		return true;
	if (sheep_read_file_at(AT_FDCWD, "/proc/self/uid_map", 4096, &map, NULL, NULL) < 0)
		return false;
	return sscanf(map, "%lu %lu %lu", &inside, &outside, &count) != 3 || inside != 0 ||
	       outside != 0 || count != 4294967295UL;
}

int cg_v2_devices(const char *dir, const struct oci_resources *r, struct sheep_err **err)
{
	_cleanup_err_ struct sheep_err *load_err = NULL;
	_cleanup_free_ struct oci_device_cgroup *rules = NULL;
	_cleanup_free_ struct bpf_insn *insns = NULL;
	_cleanup_close_ int cgfd = -1;
	_cleanup_close_ int prog = -1;
	size_t n = 0, len = 0;

	if (cg_devices_effective(r, &rules, &n, err) < 0 ||
	    cg_devices_bpf_build(rules, n, &insns, &len, err) < 0)
		return -1;
	cgfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgfd < 0)
		return sheep_err_set(err, errno, "linux.resources.devices: open '%s'", dir);
	prog = cg_devices_bpf_load(insns, len, &load_err);
	/* Only the privileged may load the filter. An unprivileged caller (rootless with a delegated
	 * cgroup) gets the rules skipped, not a failed container, as with runc: it cannot mknod, and
	 * the filters of the ancestor cgroups still apply to it. */
	if (prog < 0 && load_err->errnum == EPERM && unprivileged())
		return 1;
	if (prog < 0) {
		*err = TAKE_PTR(load_err);
		return sheep_err_wrap(err, "linux.resources.devices on '%s'", dir);
	}
	if (cg_devices_bpf_replace(cgfd, prog, err) < 0)
		return sheep_err_wrap(err, "linux.resources.devices on '%s'", dir);
	return 0;
}
