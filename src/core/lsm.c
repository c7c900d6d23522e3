/* AppArmor and SELinux for the container's process. Both are set for the next execve through
 * /proc/thread-self/attr: the process keeps running unconfined until it execs the user's program,
 * so the runtime's own remaining steps are not subject to the container's profile. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/lsm.h"
#include "util/cleanup.h"
#include "util/fs.h"

static bool apparmor_enabled(void)
{
	char buf[8] = "";
	_cleanup_fclose_ FILE *f = fopen("/sys/module/apparmor/parameters/enabled", "re");

	return f && fgets(buf, sizeof(buf), f) && buf[0] == 'Y';
}

static bool selinux_enabled(void)
{
	return access("/sys/fs/selinux/enforce", F_OK) == 0;
}

const char *sheep_lsm_mount_label(const char *mount_label)
{
	return mount_label && *mount_label && selinux_enabled() ? mount_label : NULL;
}

int sheep_lsm_check(const char *apparmor_profile, const char *selinux_label, const char *prefix,
		    struct sheep_err **err)
{
	if (apparmor_profile && *apparmor_profile && !apparmor_enabled())
		return sheep_err_set(err, 0,
				     "%sapparmorProfile: '%s' given but AppArmor is not enabled on "
				     "this host",
				     prefix, apparmor_profile);
	if (selinux_label && *selinux_label && !selinux_enabled())
		return sheep_err_set(
		    err, 0, "%sselinuxLabel: '%s' given but SELinux is not enabled on this host",
		    prefix, selinux_label);
	return 0;
}

static int write_attr(const char *lsm_path, const char *fallback, const char *text,
		      struct sheep_err **err)
{
	struct sheep_err *e = NULL;

	if (sheep_write_file(lsm_path, text, strlen(text), &e) == 0)
		return 0;
	sheep_err_free(e);
	return sheep_write_file(fallback, text, strlen(text), err);
}

int sheep_lsm_apply(const char *apparmor_profile, const char *selinux_label, struct sheep_err **err)
{
	char buf[4096];

	if (apparmor_profile && *apparmor_profile) {
		snprintf(buf, sizeof(buf), "exec %s", apparmor_profile);
		if (write_attr("/proc/thread-self/attr/apparmor/exec",
			       "/proc/thread-self/attr/exec", buf, err) < 0)
			return sheep_err_wrap(err, "set AppArmor profile '%s'", apparmor_profile);
	}
	if (selinux_label && *selinux_label &&
	    write_attr("/proc/thread-self/attr/exec", "/proc/self/attr/exec", selinux_label, err) <
		0)
		return sheep_err_wrap(err, "set SELinux label '%s'", selinux_label);
	return 0;
}
