/* linux.seccomp -> BPF, in the runtime process before clone: validate the whole profile first (so
 * a bad config fails before any libseccomp work), then build it in one libseccomp context and
 * export it once into memory. Loading the program is seccomp_install.c. */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "core/seccomp.h"
#include "core/security/seccomp_names.h"
#include "core/security/seccomp_priv.h"
#include "util/cleanup.h"

#define SC "config.json: linux.seccomp"
/* Linux syscalls take at most six arguments (seccomp_data.args[6]). */
#define MAX_ARGS 6
/* libseccomp's binary-tree layout pays off on long rule lists; 2.5.x misbehaves with 0 rules. */
#define OPTIMIZE_MIN_RULES 32

/* Resolves action + errnoRet at `path` (".defaultAction" style) into a libseccomp action. */
static int resolve_action(const char *name, bool has_ret, uint32_t ret, const char *path,
			  const char *ret_path, uint32_t *ret_action, struct sheep_err **err)
{
	uint32_t act;

	if (sheep_seccomp_action_lookup(name, &act) < 0)
		return sheep_err_set(err, 0, SC "%s: unknown seccomp action '%s'", path,
				     name ? name : "");
	if (!sheep_seccomp_action_takes_errno(act)) {
		/* config-linux.md: "When the action doesn't support an errno, the runtime MUST
		 * print and error and fail." */
		if (has_ret)
			return sheep_err_set(err, 0, SC "%s: %s does not take an errno", ret_path,
					     name);
		*ret_action = act;
		return 0;
	}
	if (has_ret && ret > 0xffff)
		return sheep_err_set(err, 0, SC "%s: %u is out of range (0-65535)", ret_path, ret);
	*ret_action = act | (has_ret ? ret : EPERM);
	return 0;
}

static int check_args(const struct oci_syscall *sc, size_t i, struct sheep_err **err)
{
	for (size_t j = 0; j < sc->args_len; j++) {
		enum scmp_compare op;

		if (sc->args[j].index >= MAX_ARGS)
			return sheep_err_set(err, 0,
					     SC
					     ".syscalls[%zu].args[%zu].index: %u is not a syscall "
					     "argument index (0-5)",
					     i, j, sc->args[j].index);
		if (sheep_seccomp_op_lookup(sc->args[j].op, &op) < 0)
			return sheep_err_set(
			    err, 0,
			    SC ".syscalls[%zu].args[%zu].op: unknown seccomp operator "
			       "'%s'",
			    i, j, sc->args[j].op ? sc->args[j].op : "");
	}
	return 0;
}

/* After the filter is loaded the init still has to hand the listener to the runtime; a syscall
 * it needs for that must not wait for an agent that has no listener yet. */
static bool notify_forbidden(const char *name)
{
	return strcmp(name, "write") == 0 || strcmp(name, "sendmsg") == 0;
}

static int check_rule(const struct oci_syscall *sc, size_t i, uint32_t *ret_act,
		      struct sheep_err **err)
{
	char path[64], ret_path[64];

	snprintf(path, sizeof(path), ".syscalls[%zu].action", i);
	snprintf(ret_path, sizeof(ret_path), ".syscalls[%zu].errnoRet", i);
	if (resolve_action(sc->action, sc->has_errno_ret, sc->errno_ret, path, ret_path, ret_act,
			   err) < 0)
		return -1;
	if (sc->names_len == 0)
		return sheep_err_set(err, 0,
				     SC ".syscalls[%zu].names: must name at least one syscall", i);
	for (size_t j = 0; j < sc->names_len; j++) {
		if (sc->names[j] == NULL || sc->names[j][0] == '\0')
			return sheep_err_set(err, 0, SC ".syscalls[%zu].names[%zu]: empty name", i,
					     j);
		if (*ret_act == SCMP_ACT_NOTIFY && notify_forbidden(sc->names[j]))
			return sheep_err_set(err, 0,
					     SC
					     ".syscalls[%zu].names[%zu]: SCMP_ACT_NOTIFY cannot "
					     "apply to '%s' (the runtime needs it to pass on the "
					     "listener)",
					     i, j, sc->names[j]);
	}
	return check_args(sc, i, err);
}

static int check_flags(const struct oci_seccomp *cfg, bool notify, unsigned int *ret_flags,
		       struct sheep_err **err)
{
	unsigned int all = 0;

	for (size_t i = 0; i < cfg->flags_len; i++) {
		unsigned int f;

		if (sheep_seccomp_flag_lookup(cfg->flags[i], &f) < 0)
			return sheep_err_set(err, 0, SC ".flags[%zu]: unknown seccomp flag '%s'", i,
					     cfg->flags[i] ? cfg->flags[i] : "");
		/* The kernel refuses WAIT_KILLABLE_RECV without NEW_LISTENER (EINVAL). */
		if (f == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV && !notify)
			return sheep_err_set(
			    err, 0, SC ".flags[%zu]: %s requires a rule with SCMP_ACT_NOTIFY", i,
			    cfg->flags[i]);
		all |= f;
	}
	if (notify) {
		all |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
		/* TSYNC with NEW_LISTENER is EINVAL unless a sync failure is reported as ESRCH
		 * (it would otherwise be a thread id, ambiguous with the listener fd). */
		if (all & SECCOMP_FILTER_FLAG_TSYNC)
			all |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
	}
	*ret_flags = all;
	return 0;
}

static int check_arches(const struct oci_seccomp *cfg, struct sheep_err **err)
{
	for (size_t i = 0; i < cfg->architectures_len; i++) {
		uint32_t arch;

		if (sheep_seccomp_arch_lookup(cfg->architectures[i], &arch) < 0)
			return sheep_err_set(err, 0,
					     SC ".architectures[%zu]: unknown seccomp architecture "
						"'%s'",
					     i, cfg->architectures[i] ? cfg->architectures[i] : "");
	}
	return 0;
}

/* Everything that can be wrong with the profile, before libseccomp sees it. acts[i] receives the
 * action of syscalls[i]. */
static int check_profile(const struct oci_seccomp *cfg, uint32_t *ret_default, uint32_t *acts,
			 struct sheep_seccomp *s, struct sheep_err **err)
{
	if (resolve_action(cfg->default_action, cfg->has_default_errno_ret, cfg->default_errno_ret,
			   ".defaultAction", ".defaultErrnoRet", ret_default, err) < 0)
		return -1;
	/* An agent would have to answer every syscall of the init, including the one that
	 * passes the listener on: the same deadlock as NOTIFY on write. */
	if (*ret_default == SCMP_ACT_NOTIFY)
		return sheep_err_set(
		    err, 0, SC ".defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
	if (check_arches(cfg, err) < 0)
		return -1;
	for (size_t i = 0; i < cfg->syscalls_len; i++) {
		if (check_rule(&cfg->syscalls[i], i, &acts[i], err) < 0)
			return -1;
		if (acts[i] == SCMP_ACT_NOTIFY && acts[i] != *ret_default)
			s->needs_listener = true;
	}
	if (s->needs_listener && cfg->listener_path == NULL)
		return sheep_err_set(err, 0,
				     SC ".listenerPath: required when a rule uses SCMP_ACT_NOTIFY");
	if (cfg->listener_metadata != NULL && cfg->listener_path == NULL)
		return sheep_err_set(err, 0, SC ".listenerMetadata: set without listenerPath");
	return check_flags(cfg, s->needs_listener, &s->flags, err);
}

static void ctx_releasep(scmp_filter_ctx *ctx)
{
	if (*ctx != NULL)
		seccomp_release(*ctx);
}

static bool repeats_index(const struct oci_syscall *sc)
{
	unsigned int seen = 0;

	for (size_t j = 0; j < sc->args_len; j++) {
		if (seen & (1u << sc->args[j].index))
			return true;
		seen |= 1u << sc->args[j].index;
	}
	return false;
}

static struct scmp_arg_cmp make_cond(const struct oci_syscall_arg *a)
{
	enum scmp_compare op = SCMP_CMP_EQ;

	sheep_seccomp_op_lookup(a->op, &op); /* checked by check_args() */
	/* runtime-spec/runc meaning: for MASKED_EQ `value` is the mask and `valueTwo` the datum
	 * ((arg & value) == valueTwo), which is libseccomp's (datum_a, datum_b) order. */
	return (struct scmp_arg_cmp){.arg = a->index,
				     .op = op,
				     .datum_a = a->value,
				     .datum_b = a->has_value_two ? a->value_two : 0};
}

/* Conditions on different arguments are ANDed in one rule. Several conditions on the same
 * argument would be an AND libseccomp cannot express, so, as runc does, each condition then
 * becomes a rule of its own (the conditions are ORed). */
static int add_rule(scmp_filter_ctx ctx, uint32_t act, int nr, const struct oci_syscall *sc)
{
	struct scmp_arg_cmp conds[MAX_ARGS];
	int r;

	if (sc->args_len == 0)
		return seccomp_rule_add_array(ctx, act, nr, 0, NULL);
	if (repeats_index(sc)) {
		for (size_t j = 0; j < sc->args_len; j++) {
			conds[0] = make_cond(&sc->args[j]);
			r = seccomp_rule_add_array(ctx, act, nr, 1, conds);
			if (r < 0)
				return r;
		}
		return 0;
	}
	for (size_t j = 0; j < sc->args_len; j++)
		conds[j] = make_cond(&sc->args[j]);
	return seccomp_rule_add_array(ctx, act, nr, (unsigned int)sc->args_len, conds);
}

static int skip_name(struct sheep_seccomp *s, const char *name, struct sheep_err **err)
{
	char **v = reallocarray(s->skipped, s->skipped_len + 2, sizeof(char *));

	if (v == NULL)
		return sheep_err_set(err, ENOMEM, "record skipped syscall '%s'", name);
	s->skipped = v;
	v[s->skipped_len] = strdup(name);
	if (v[s->skipped_len] == NULL)
		return sheep_err_set(err, ENOMEM, "record skipped syscall '%s'", name);
	v[++s->skipped_len] = NULL;
	return 0;
}

static int add_rules(scmp_filter_ctx ctx, const struct oci_seccomp *cfg, const uint32_t *acts,
		     uint32_t def, struct sheep_seccomp *s, struct sheep_err **err)
{
	for (size_t i = 0; i < cfg->syscalls_len; i++) {
		const struct oci_syscall *sc = &cfg->syscalls[i];

		/* libseccomp refuses a rule whose action is the default one (EACCES). */
		if (acts[i] == def)
			continue;
		for (size_t j = 0; j < sc->names_len; j++) {
			int nr = seccomp_syscall_resolve_name(sc->names[j]);
			int r;

			/* A profile names syscalls of newer kernels/libseccomps: skip, as runc. */
			if (nr == __NR_SCMP_ERROR) {
				if (skip_name(s, sc->names[j], err) < 0)
					return -1;
				continue;
			}
			r = add_rule(ctx, acts[i], nr, sc);
			if (r < 0)
				return sheep_err_set(err, -r,
						     SC
						     ".syscalls[%zu].names[%zu]: seccomp_rule_add "
						     "'%s'",
						     i, j, sc->names[j]);
		}
	}
	return 0;
}

static int export_prog(scmp_filter_ctx ctx, struct sheep_seccomp *s, struct sheep_err **err)
{
	_cleanup_close_ int fd = memfd_create("sheep-seccomp", MFD_CLOEXEC);
	struct stat st;
	int r;

	if (fd < 0)
		return sheep_err_set(err, errno, "memfd_create 'sheep-seccomp'");
	r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return sheep_err_set(err, -r, "seccomp_export_bpf");
	if (fstat(fd, &st) < 0)
		return sheep_err_set(err, errno, "fstat 'sheep-seccomp'");
	if (st.st_size == 0 || st.st_size % sizeof(struct sock_filter) != 0)
		return sheep_err_set(err, 0, "seccomp_export_bpf: %lld bytes is not a BPF program",
				     (long long)st.st_size);
	s->prog = malloc(st.st_size);
	if (s->prog == NULL)
		return sheep_err_set(err, ENOMEM, "allocate %lld bytes of BPF",
				     (long long)st.st_size);
	if (pread(fd, s->prog, st.st_size, 0) != st.st_size)
		return sheep_err_set(err, errno ? errno : EIO, "read 'sheep-seccomp'");
	s->prog_len = st.st_size / sizeof(struct sock_filter);
	/* Checked here, in the runtime, so that create fails before it spawns anything. */
	if (s->prog_len > BPF_MAXINSNS)
		return sheep_err_set(
		    err, 0, SC ": %zu BPF instructions, more than the kernel's limit of %d",
		    s->prog_len, BPF_MAXINSNS);
	return 0;
}

static int build(const struct oci_seccomp *cfg, const uint32_t *acts, uint32_t def,
		 struct sheep_seccomp *s, struct sheep_err **err)
{
	__attribute__((cleanup(ctx_releasep))) scmp_filter_ctx ctx = seccomp_init(def);
	int r;

	if (ctx == NULL)
		return sheep_err_set(err, EINVAL, "seccomp_init");
	/* The native arch is part of every new context; adding it again is EEXIST. */
	for (size_t i = 0; i < cfg->architectures_len; i++) {
		uint32_t arch = 0;

		sheep_seccomp_arch_lookup(cfg->architectures[i], &arch);
		r = seccomp_arch_add(ctx, arch);
		/* libseccomp keeps one byte order per filter (EDOM for another one). */
		if (r == -EDOM)
			return sheep_err_set(err, 0,
					     SC ".architectures[%zu]: %s has another byte order "
						"than the native architecture (one filter cannot "
						"hold both)",
					     i, cfg->architectures[i]);
		if (r < 0 && r != -EEXIST)
			return sheep_err_set(err, -r,
					     SC ".architectures[%zu]: seccomp_arch_add '%s'", i,
					     cfg->architectures[i]);
	}
	if (cfg->syscalls_len > OPTIMIZE_MIN_RULES)
		seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2); /* best effort */
	if (add_rules(ctx, cfg, acts, def, s, err) < 0)
		return -1;
	return export_prog(ctx, s, err);
}

int sheep_seccomp_compile(const struct oci_seccomp *cfg, struct sheep_seccomp **ret,
			  struct sheep_err **err)
{
	struct sheep_seccomp *s;
	_cleanup_free_ uint32_t *acts = NULL;
	uint32_t def;

	*ret = NULL;
	if (cfg == NULL)
		return 0;
	s = calloc(1, sizeof(*s));
	acts = calloc(cfg->syscalls_len + 1, sizeof(*acts));
	if (s == NULL || acts == NULL) {
		free(s);
		return sheep_err_set(err, ENOMEM, "compile seccomp filter");
	}
	if (check_profile(cfg, &def, acts, s, err) < 0) {
		sheep_seccomp_free(s);
		return -1;
	}
	if (build(cfg, acts, def, s, err) < 0) {
		sheep_seccomp_free(s);
		return sheep_err_wrap(err, "compile seccomp filter");
	}
	*ret = s;
	return 0;
}
