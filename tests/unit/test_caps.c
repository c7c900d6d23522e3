/* Unit tests of src/core/security/caps*.c: name lookup, masks, unknown names with their JSON
 * path (warnings), exec --cap, and (as root, in a child) the uid/gid switch with exactly the asked-for sets
 * as /proc/self/status reports them. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/caps.h"
#include "core/log.h"
#include "test_seccomp_child.h"

#define BIT(n) (UINT64_C(1) << (n))

static void test_all_names(void **state)
{
	const char *const *names = sheep_caps_all_names();
	size_t n = 0;

	while (names[n] != NULL)
		n++;
	/* libcap >= 2.48 names 41 capabilities, up to CAP_CHECKPOINT_RESTORE (40). */
	assert_true(n >= 41);
	assert_string_equal(names[0], "CAP_CHOWN");
	assert_string_equal(names[21], "CAP_SYS_ADMIN");
	assert_string_equal(names[40], "CAP_CHECKPOINT_RESTORE");
	assert_ptr_equal(sheep_caps_all_names(), names); /* built once */
}

static void test_parse_masks(void **state)
{
	char *b[] = {"CAP_CHOWN", "CAP_NET_BIND_SERVICE", "CAP_SYS_ADMIN"};
	char *e[] = {"CAP_KILL"};
	char *a[] = {"CAP_NET_RAW", "CAP_NET_RAW"};
	struct oci_capabilities cfg = {.bounding = b,
				       .bounding_len = 3,
				       .effective = e,
				       .effective_len = 1,
				       .permitted = b,
				       .permitted_len = 2,
				       .ambient = a,
				       .ambient_len = 2};
	struct sheep_caps *caps = NULL;
	struct sheep_err *err = NULL;

	assert_int_equal(sheep_caps_parse(&cfg, "config.json: process.", &caps, &err), 0);
	assert_null(err);
	assert_int_equal(sheep_caps_mask(caps, 'b'), BIT(0) | BIT(10) | BIT(21));
	assert_int_equal(sheep_caps_mask(caps, 'p'), BIT(0) | BIT(10));
	assert_int_equal(sheep_caps_mask(caps, 'e'), BIT(5));
	assert_int_equal(sheep_caps_mask(caps, 'i'), 0);
	assert_int_equal(sheep_caps_mask(caps, 'a'), BIT(13));
	assert_int_equal(sheep_caps_mask(caps, 'x'), 0);
	assert_int_equal(sheep_caps_mask(NULL, 'b'), 0);
	sheep_caps_free(caps);

	assert_int_equal(sheep_caps_parse(NULL, "config.json: process.", &caps, &err), 0);
	assert_non_null(caps);
	assert_int_equal(sheep_caps_mask(caps, 'b') | sheep_caps_mask(caps, 'e'), 0);
	sheep_caps_free(caps);
	sheep_caps_free(NULL);
}

static char warnings[2048];

static void capture_log(enum sheep_log_level level, const char *msg)
{
	if (level == SHEEP_LOG_WARNING)
		snprintf(warnings + strlen(warnings), sizeof(warnings) - strlen(warnings), "%s\n",
			 msg);
}

/* A name that is no capability is an error naming its JSON path; nothing is returned. */
static void expect_parse_error(const struct oci_capabilities *cfg, const char *msg)
{
	struct sheep_caps *caps = NULL;
	struct sheep_err *err = NULL;

	assert_int_equal(sheep_caps_parse(cfg, "config.json: process.", &caps, &err), -1);
	assert_null(caps);
	assert_non_null(err);
	assert_string_equal(err->msg, msg);
	sheep_err_free(err);
}

static void test_parse_unknown(void **state)
{
	char *bad[] = {"CAP_CHOWN", "CAP_KILL", "CAP_FOO"};
	char *lower[] = {"cap_chown"};
	char *bare[] = {"CHOWN"};
	char *empty[] = {NULL};
	struct oci_capabilities cfg = {.bounding = bad, .bounding_len = 3};

	(void)state;
	expect_parse_error(&cfg, "config.json: process.capabilities.bounding[2]: unknown "
				 "capability 'CAP_FOO'");
	cfg = (struct oci_capabilities){.ambient = lower, .ambient_len = 1};
	expect_parse_error(&cfg, "config.json: process.capabilities.ambient[0]: unknown "
				 "capability 'cap_chown'");
	cfg = (struct oci_capabilities){.inheritable = bare, .inheritable_len = 1};
	expect_parse_error(&cfg, "config.json: process.capabilities.inheritable[0]: unknown "
				 "capability 'CHOWN'");
	cfg = (struct oci_capabilities){.effective = empty, .effective_len = 1};
	expect_parse_error(&cfg,
			   "config.json: process.capabilities.effective[0]: unknown capability ''");
	cfg = (struct oci_capabilities){.permitted = bad, .permitted_len = 3};
	expect_parse_error(&cfg, "config.json: process.capabilities.permitted[2]: unknown "
				 "capability 'CAP_FOO'");
}

/* capset(2) keeps an inheritable capability only within the bounding set: one asked for outside
 * it is warned about (config.md: what cannot be granted MUST be logged), one inside it is not. */
static void test_warn_inheritable_outside_bounding(void **state)
{
	char *chown_[] = {"CAP_CHOWN"};
	struct oci_capabilities cfg = {.inheritable = chown_, .inheritable_len = 1};
	struct sheep_caps *caps = NULL;
	struct sheep_err *err = NULL;

	if (cap_get_bound(CAP_CHOWN) != 1)
		skip();
	assert_int_equal(sheep_caps_parse(&cfg, "config.json: process.", &caps, &err), 0);
	warnings[0] = '\0';
	sheep_log_set_handler(capture_log);
	sheep_caps_warn_ungrantable(caps);
	assert_string_equal(warnings, "process.capabilities.inheritable: CAP_CHOWN is not in the "
				      "bounding set: not granted\n");
	sheep_caps_free(caps);
	cfg.bounding = chown_;
	cfg.bounding_len = 1;
	assert_int_equal(sheep_caps_parse(&cfg, "config.json: process.", &caps, &err), 0);
	warnings[0] = '\0';
	sheep_caps_warn_ungrantable(caps);
	sheep_log_set_handler(NULL);
	assert_string_equal(warnings, "");
	sheep_caps_free(caps);
}

static void test_add(void **state)
{
	struct sheep_caps *caps = NULL;
	struct sheep_err *err = NULL;

	assert_int_equal(sheep_caps_parse(NULL, "config.json: process.", &caps, &err), 0);
	assert_int_equal(sheep_caps_add(caps, "CAP_SYS_PTRACE", &err), 0);
	assert_int_equal(sheep_caps_mask(caps, 'b'), BIT(19));
	assert_int_equal(sheep_caps_mask(caps, 'e'), BIT(19));
	assert_int_equal(sheep_caps_mask(caps, 'p'), BIT(19));
	assert_int_equal(sheep_caps_mask(caps, 'i'), BIT(19));
	assert_int_equal(sheep_caps_mask(caps, 'a'), 0);
	assert_int_equal(sheep_caps_add(caps, "CAP_NOPE", &err), -1);
	assert_string_equal(err->msg, "unknown capability 'CAP_NOPE'");
	sheep_err_free(err);
	assert_int_equal(sheep_caps_mask(caps, 'b'), BIT(19));
	sheep_caps_free(caps);
}

/* ---- as root, in a child ---- */

static void skip_unless_root(void)
{
	if (geteuid() != 0)
		skip();
}

static uint64_t status_mask(const char *key)
{
	char v[64];

	if (proc_status(key, v, sizeof(v)) < 0)
		return UINT64_MAX;
	return strtoull(v, NULL, 16);
}

static uint64_t host_bounding(void)
{
	return status_mask("CapBnd");
}

struct apply_case {
	struct sheep_caps *caps;
	uid_t uid;
	gid_t gid;
	const gid_t *groups;
	size_t ngroups;
	uint64_t eff, prm, inh, amb, bnd; /* expected */
	const char *uids, *gid_line, *groups_line;
};

static int child_apply(int fd, void *arg)
{
	struct apply_case *c = arg;
	struct sheep_err *err = NULL;
	char v[128];

	if (sheep_caps_apply_user(c->caps, c->uid, c->gid, c->groups, c->ngroups, &err) < 0) {
		dprintf(fd, "%s", err->msg);
		return 1;
	}
	dprintf(
	    fd, "eff %llx prm %llx inh %llx amb %llx bnd %llx",
	    (unsigned long long)status_mask("CapEff"), (unsigned long long)status_mask("CapPrm"),
	    (unsigned long long)status_mask("CapInh"), (unsigned long long)status_mask("CapAmb"),
	    (unsigned long long)status_mask("CapBnd"));
	if (status_mask("CapEff") != c->eff || status_mask("CapPrm") != c->prm ||
	    status_mask("CapInh") != c->inh || status_mask("CapAmb") != c->amb ||
	    status_mask("CapBnd") != c->bnd)
		return 2;
	if (proc_status("Uid", v, sizeof(v)) < 0 || strcmp(v, c->uids) != 0)
		return 3;
	if (proc_status("Gid", v, sizeof(v)) < 0 || strcmp(v, c->gid_line) != 0)
		return 4;
	if (proc_status("Groups", v, sizeof(v)) < 0 || strcmp(v, c->groups_line) != 0)
		return 5;
	return 0;
}

static void run_case(struct apply_case *c)
{
	char out[512];
	int r = run_in_child(child_apply, c, out, sizeof(out));

	if (r != 0)
		fail_msg("child check %d: %s", r, out);
}

static struct sheep_caps *caps_of(char **names, size_t n, bool ambient)
{
	struct oci_capabilities cfg = {.bounding = names,
				       .bounding_len = n,
				       .effective = names,
				       .effective_len = n,
				       .permitted = names,
				       .permitted_len = n,
				       .inheritable = names,
				       .inheritable_len = n,
				       .ambient = ambient ? names : NULL,
				       .ambient_len = ambient ? n : 0};
	struct sheep_caps *caps = NULL;
	struct sheep_err *err = NULL;

	assert_int_equal(sheep_caps_parse(&cfg, "config.json: process.", &caps, &err), 0);
	return caps;
}

static void test_apply_non_root(void **state)
{
	char *names[] = {"CAP_NET_BIND_SERVICE"};
	const gid_t groups[] = {1000, 2000};
	struct apply_case c = {.uid = 1000,
			       .gid = 1001,
			       .groups = groups,
			       .ngroups = 2,
			       .eff = BIT(10),
			       .prm = BIT(10),
			       .inh = BIT(10),
			       .amb = BIT(10),
			       .bnd = BIT(10),
			       .uids = "1000\t1000\t1000\t1000",
			       .gid_line = "1001\t1001\t1001\t1001",
			       .groups_line = "1000 2000"};

	skip_unless_root();
	c.caps = caps_of(names, 1, true);
	run_case(&c);
	sheep_caps_free(c.caps);
}

/* No capabilities object: a non-root uid ends with none, by the kernel's own rules. */
static void test_apply_no_caps(void **state)
{
	struct apply_case c = {.uid = 1000,
			       .gid = 1000,
			       .eff = 0,
			       .prm = 0,
			       .inh = 0,
			       .amb = 0,
			       .uids = "1000\t1000\t1000\t1000",
			       .gid_line = "1000\t1000\t1000\t1000",
			       .groups_line = ""};

	skip_unless_root();
	c.bnd = host_bounding();
	run_case(&c);
}

/* CAP_SYS_RESOURCE is outside this machine's bounding set: asking for it is not an error, it is
 * just not granted (it cannot be: capset refuses what the process does not hold). */
static void test_apply_unavailable_cap(void **state)
{
	char *names[] = {"CAP_CHOWN", "CAP_SYS_RESOURCE"};
	uint64_t want = BIT(0) | BIT(24), got;
	struct apply_case c = {
	    .uid = 0, .gid = 0, .uids = "0\t0\t0\t0", .gid_line = "0\t0\t0\t0", .groups_line = ""};

	skip_unless_root();
	got = want & host_bounding();
	c = (struct apply_case){.uid = 0,
				.gid = 0,
				.eff = got,
				.prm = got,
				.inh = got,
				.amb = got,
				.bnd = got,
				.uids = "0\t0\t0\t0",
				.gid_line = "0\t0\t0\t0",
				.groups_line = ""};
	c.caps = caps_of(names, 2, true);
	run_case(&c);
	sheep_caps_free(c.caps);
}

/* An unprivileged process cannot shrink its bounding set, nor go back to uid 0 (its gid is still
 * 0, so setresgid succeeds): the first failure is reported. */
static int child_unprivileged(int fd, void *arg)
{
	struct sheep_err *err = NULL;

	if (setresuid(65534, 65534, 65534) < 0)
		return 1;
	if (sheep_caps_apply_user(arg, 0, 0, NULL, 0, &err) == 0)
		return 2;
	dprintf(fd, "%s", err->msg);
	sheep_err_free(err);
	return 0;
}

static void test_apply_error(void **state)
{
	char *names[] = {"CAP_KILL"};
	struct sheep_caps *caps;
	char msg[256];

	skip_unless_root();
	caps = caps_of(names, 1, false);
	assert_int_equal(run_in_child(child_unprivileged, caps, msg, sizeof(msg)), 0);
	assert_string_equal(msg, "become uid 0 gid 0: prctl(PR_CAPBSET_DROP) "
				 "'CAP_CHOWN': Operation not permitted");
	assert_int_equal(run_in_child(child_unprivileged, NULL, msg, sizeof(msg)), 0);
	assert_string_equal(msg, "become uid 0 gid 0: setresuid 0: Operation not "
				 "permitted");
	sheep_caps_free(caps);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_all_names),
	    cmocka_unit_test(test_parse_masks),
	    cmocka_unit_test(test_parse_unknown),
	    cmocka_unit_test(test_warn_inheritable_outside_bounding),
	    cmocka_unit_test(test_add),
	    cmocka_unit_test(test_apply_non_root),
	    cmocka_unit_test(test_apply_no_caps),
	    cmocka_unit_test(test_apply_unavailable_cap),
	    cmocka_unit_test(test_apply_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
