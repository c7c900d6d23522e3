/* process.capabilities: capability names (libcap's, upper case with the CAP_ prefix, as in
 * runtime-spec config.md "capabilities") parsed into five bitmasks in the runtime process. What the
 * running kernel does not have is dropped here; applying the masks is caps_apply.c. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

#include "core/caps.h"
#include "core/log.h"
#include "core/security/caps_priv.h"
#include "util/cleanup.h"

/* Bits of a uint64_t mask; libcap numbers capabilities from 0 and the kernel has 41 today. */
#define MAX_CAPS 64

static const char *all_names[MAX_CAPS + 1];

/* libcap's names are lower case ("cap_chown") and it answers a bare number for a capability it
 * has no name for: the first number ends the table. Built once; the strings live for the
 * process (the table is static, so it is reachable, not leaked). */
const char *const *sheep_caps_all_names(void)
{
	static bool built;

	if (built)
		return all_names;
	for (int i = 0; i < MAX_CAPS; i++) {
		char *name = cap_to_name(i);

		if (name == NULL || strncmp(name, "cap_", 4) != 0) {
			cap_free(name);
			break;
		}
		char *upper = strdup(name);

		cap_free(name);
		if (upper == NULL)
			break;
		for (char *p = upper; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		all_names[i] = upper;
	}
	built = true;
	return all_names;
}

/* The capability number of `name`, -1 when libcap does not know it. */
static int cap_number(const char *name)
{
	const char *const *names = sheep_caps_all_names();

	if (name == NULL)
		return -1;
	for (int i = 0; names[i] != NULL; i++) {
		if (strcmp(names[i], name) == 0)
			return i;
	}
	return -1;
}

/* Sets the bit of `name` in *mask; 1 when it was skipped because the kernel lacks it. */
static int add_name(uint64_t *mask, const char *name)
{
	int cap = cap_number(name);

	if (cap < 0)
		return -1;
	if (cap >= (int)cap_max_bits())
		return 1;
	*mask |= SHEEP_CAP_BIT(cap);
	return 0;
}

/* A name that is no capability at all (a typo, "CAP_TEST", no CAP_ prefix) is an error, as with
 * crun 1.8 and runtime-tools' process_capabilities_fail; one this libcap knows but the running
 * kernel does not is skipped (the spec's "cannot be mapped to a kernel interface"), as runc. */
static int parse_set(char **names, size_t len, const char *set, uint64_t *mask, const char *where,
		     struct sheep_err **err)
{
	for (size_t i = 0; i < len; i++) {
		int r = add_name(mask, names[i]);

		if (r < 0)
			return sheep_err_set(err, 0,
					     "%scapabilities.%s[%zu]: unknown capability '%s'",
					     where, set, i, names[i] ? names[i] : "");
		if (r > 0)
			sheep_log(SHEEP_LOG_DEBUG,
				  "%scapabilities.%s[%zu]: %s is unknown to the running kernel: "
				  "skipped",
				  where, set, i, names[i]);
	}
	return 0;
}

int sheep_caps_parse(const struct oci_capabilities *cfg, const char *where, struct sheep_caps **ret,
		     struct sheep_err **err)
{
	_cleanup_free_ struct sheep_caps *caps = calloc(1, sizeof(*caps));

	*ret = NULL;
	if (caps == NULL)
		return sheep_err_set(err, ENOMEM, "parse capabilities");
	if (cfg != NULL) {
		const struct {
			const char *name;
			char **names;
			size_t len;
			uint64_t *mask;
		} sets[] = {
		    {"bounding", cfg->bounding, cfg->bounding_len, &caps->bounding},
		    {"effective", cfg->effective, cfg->effective_len, &caps->effective},
		    {"permitted", cfg->permitted, cfg->permitted_len, &caps->permitted},
		    {"inheritable", cfg->inheritable, cfg->inheritable_len, &caps->inheritable},
		    {"ambient", cfg->ambient, cfg->ambient_len, &caps->ambient},
		};

		for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
			if (parse_set(sets[i].names, sets[i].len, sets[i].name, sets[i].mask, where,
				      err) < 0)
				return -1;
	}
	*ret = TAKE_PTR(caps);
	return 0;
}

int sheep_caps_add(struct sheep_caps *caps, const char *name, struct sheep_err **err)
{
	uint64_t bit = 0;

	if (add_name(&bit, name) < 0)
		return sheep_err_set(err, 0, "unknown capability '%s'", name ? name : "");
	caps->bounding |= bit;
	caps->effective |= bit;
	caps->permitted |= bit;
	caps->inheritable |= bit;
	return 0;
}

uint64_t sheep_caps_mask(const struct sheep_caps *caps, char which)
{
	if (caps == NULL)
		return 0;
	switch (which) {
	case 'b':
		return caps->bounding;
	case 'e':
		return caps->effective;
	case 'p':
		return caps->permitted;
	case 'i':
		return caps->inheritable;
	case 'a':
		return caps->ambient;
	default:
		return 0;
	}
}

void sheep_caps_free(struct sheep_caps *caps)
{
	free(caps);
}

/* One warning per capability in `bits`: config.md says a capability that cannot be granted MUST
 * be logged as a warning (and the container still runs without it). */
static void warn_each(uint64_t bits, const char *set, const char *why)
{
	const char *const *names = sheep_caps_all_names();

	for (int i = 0; i < MAX_CAPS && names[i] != NULL; i++)
		if (bits & SHEEP_CAP_BIT(i))
			sheep_log(SHEEP_LOG_WARNING, "process.capabilities%s%s: %s %s: not granted",
				  set ? "." : "", set ? set : "", names[i], why);
}

/* The runtime's own inheritable set (the container process starts with it). */
static uint64_t own_inheritable(void)
{
	cap_t now = cap_get_proc();
	uint64_t mask = 0;

	for (int i = 0; now != NULL && i < MAX_CAPS && i < (int)cap_max_bits(); i++) {
		cap_flag_value_t v = CAP_CLEAR;

		if (cap_get_flag(now, i, CAP_INHERITABLE, &v) == 0 && v == CAP_SET)
			mask |= SHEEP_CAP_BIT(i);
	}
	cap_free(now);
	return mask;
}

void sheep_caps_warn_ungrantable(const struct sheep_caps *caps)
{
	uint64_t bounding = 0, all;

	if (caps == NULL)
		return;
	all =
	    caps->bounding | caps->effective | caps->permitted | caps->inheritable | caps->ambient;
	/* only the requested ones are asked about: one prctl each on the create path */
	for (int i = 0; i < MAX_CAPS; i++)
		if ((all & SHEEP_CAP_BIT(i)) && cap_get_bound(i) == 1)
			bounding |= SHEEP_CAP_BIT(i);
	warn_each(all & ~bounding, NULL, "is outside the runtime's own bounding set");
	warn_each(caps->effective & ~caps->permitted & bounding, "effective",
		  "is not in the permitted set");
	/* capset(2): the new inheritable set must lie within the old one and the bounding set */
	warn_each(caps->inheritable & bounding & ~caps->bounding & ~own_inheritable(),
		  "inheritable", "is not in the bounding set");
}
