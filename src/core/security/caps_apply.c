/* In the container process: switch to the configured uid/gid/groups and leave exactly the parsed
 * capabilities. A capability the process does not have itself (outside its bounding or permitted
 * set, e.g. CAP_SYS_RESOURCE on a host that dropped it) cannot be granted and is left out. */
#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "core/caps.h"
#include "core/security/caps_priv.h"
#include "util/cleanup.h"

struct current {
	uint64_t permitted, inheritable, bounding;
	unsigned int ncaps;
};

static const char *cap_label(unsigned int cap)
{
	const char *const *names = sheep_caps_all_names();

	for (unsigned int i = 0; names[i] != NULL; i++) {
		if (i == cap)
			return names[i];
	}
	return "?";
}

static int read_current(struct current *c, struct sheep_err **err)
{
	cap_t now = cap_get_proc();

	if (now == NULL)
		return sheep_err_set(err, errno, "capget");
	*c = (struct current){.ncaps = cap_max_bits()};
	for (unsigned int cap = 0; cap < c->ncaps && cap < 64; cap++) {
		cap_flag_value_t p = CAP_CLEAR, i = CAP_CLEAR;

		cap_get_flag(now, cap, CAP_PERMITTED, &p);
		cap_get_flag(now, cap, CAP_INHERITABLE, &i);
		if (p == CAP_SET)
			c->permitted |= SHEEP_CAP_BIT(cap);
		if (i == CAP_SET)
			c->inheritable |= SHEEP_CAP_BIT(cap);
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) > 0)
			c->bounding |= SHEEP_CAP_BIT(cap);
	}
	cap_free(now);
	return 0;
}

/* Needs CAP_SETPCAP in the effective set, so this runs while the process is still uid 0. */
static int drop_bounding(const struct current *c, uint64_t keep, struct sheep_err **err)
{
	for (unsigned int cap = 0; cap < c->ncaps && cap < 64; cap++) {
		if (!(c->bounding & SHEEP_CAP_BIT(cap)) || (keep & SHEEP_CAP_BIT(cap)))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return sheep_err_set(err, errno, "prctl(PR_CAPBSET_DROP) '%s'",
					     cap_label(cap));
	}
	return 0;
}

/* EINVAL from these calls means an id has no mapping in the process's user namespace. */
static int ids_error(const char *call, const char *what, unsigned int id, struct sheep_err **err)
{
	if (errno == EINVAL)
		return sheep_err_set(err, 0, "%s: %s %u is not mapped in the user namespace", call,
				     what, id);
	return sheep_err_set(err, errno, "%s %u", call, id);
}

static int gid_cmp(const void *a, const void *b)
{
	gid_t x = *(const gid_t *)a, y = *(const gid_t *)b;

	return x < y ? -1 : x > y;
}

/* The groups sorted (as the kernel keeps them) without duplicates, which it would list twice
 * (runc drops them too). */
static size_t unique_groups(gid_t *groups, size_t n)
{
	size_t kept = 0;

	if (n < 2) /* also keeps a NULL array with n 0 away from qsort (declared nonnull) */
		return n;
	qsort(groups, n, sizeof(*groups), gid_cmp);
	for (size_t i = 0; i < n; i++)
		if (kept == 0 || groups[kept - 1] != groups[i])
			groups[kept++] = groups[i];
	return kept;
}

static int set_ids(uid_t uid, gid_t gid, const gid_t *given, size_t ngroups, struct sheep_err **err)
{
	_cleanup_free_ gid_t *groups = ngroups ? calloc(ngroups, sizeof(*groups)) : NULL;

	if (ngroups > 0 && groups == NULL)
		return sheep_err_set(err, ENOMEM, "setgroups");
	if (ngroups > 0)
		memcpy(groups, given, ngroups * sizeof(*groups));
	ngroups = unique_groups(groups, ngroups);
	/* In a user namespace whose setgroups is "deny" the call is EPERM; with no groups asked
	 * for there is nothing to lose, the unmapped groups could not be changed anyway. */
	if (setgroups(ngroups, groups) < 0 && !(errno == EPERM && ngroups == 0))
		return errno == EINVAL ? sheep_err_set(err, 0,
						       "setgroups: an additional gid is not mapped "
						       "in the user namespace")
				       : sheep_err_set(err, errno, "setgroups %zu groups", ngroups);
	if (setresgid(gid, gid, gid) < 0)
		return ids_error("setresgid", "gid", (unsigned int)gid, err);
	if (setresuid(uid, uid, uid) < 0)
		return ids_error("setresuid", "uid", (unsigned int)uid, err);
	return 0;
}

static int set_flag(cap_t c, cap_flag_t which, uint64_t mask)
{
	for (cap_value_t cap = 0; cap < 64; cap++) {
		if ((mask & SHEEP_CAP_BIT(cap)) && cap_set_flag(c, which, 1, &cap, CAP_SET) < 0)
			return -1;
	}
	return 0;
}

static int set_sets(uint64_t eff, uint64_t perm, uint64_t inh, struct sheep_err **err)
{
	cap_t c = cap_init();
	int r;

	if (c == NULL)
		return sheep_err_set(err, errno, "cap_init");
	r = set_flag(c, CAP_EFFECTIVE, eff) < 0 || set_flag(c, CAP_PERMITTED, perm) < 0 ||
		    set_flag(c, CAP_INHERITABLE, inh) < 0
		? -1
		: cap_set_proc(c);
	cap_free(c);
	if (r < 0)
		return sheep_err_set(err, errno, "capset");
	return 0;
}

static int raise_ambient(uint64_t amb, struct sheep_err **err)
{
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return sheep_err_set(err, errno, "prctl(PR_CAP_AMBIENT_CLEAR_ALL)");
	for (unsigned int cap = 0; cap < 64; cap++) {
		if ((amb & SHEEP_CAP_BIT(cap)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			return sheep_err_set(err, errno, "prctl(PR_CAP_AMBIENT_RAISE) '%s'",
					     cap_label(cap));
	}
	return 0;
}

static int apply(const struct sheep_caps *caps, uid_t uid, gid_t gid, const gid_t *groups,
		 size_t ngroups, struct sheep_err **err)
{
	struct current c = {0};
	uint64_t avail, bset, perm, eff, inh;

	if (read_current(&c, err) < 0)
		return -1;
	/* What this process holds itself is all it can pass on (capabilities(7), capset rules). */
	avail = c.permitted & c.bounding;
	bset = c.bounding & caps->bounding;
	perm = caps->permitted & avail;
	eff = caps->effective & perm;
	/* capset: the new inheritable set must lie within old inheritable | bounding. */
	inh = caps->inheritable & avail & (c.inheritable | bset);
	if (drop_bounding(&c, caps->bounding, err) < 0)
		return -1;
	/* Keep the permitted set across the switch to a non-zero uid (capabilities(7)). */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return sheep_err_set(err, errno, "prctl(PR_SET_KEEPCAPS)");
	if (set_ids(uid, gid, groups, ngroups, err) < 0)
		return -1;
	if (set_sets(eff, perm, inh, err) < 0)
		return -1;
	/* An ambient capability must be both permitted and inheritable (PR_CAP_AMBIENT_RAISE). */
	return raise_ambient(caps->ambient & perm & inh, err);
}

int sheep_caps_apply_user(const struct sheep_caps *caps, uid_t uid, gid_t gid, const gid_t *groups,
			  size_t ngroups, struct sheep_err **err)
{
	int r = caps == NULL ? set_ids(uid, gid, groups, ngroups, err)
			     : apply(caps, uid, gid, groups, ngroups, err);

	if (r < 0)
		return sheep_err_wrap(err, "become uid %u gid %u", (unsigned int)uid,
				      (unsigned int)gid);
	return 0;
}
