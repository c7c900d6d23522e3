/* AppArmor and SELinux for the container's process. Both are set for the next execve through
 * /proc/thread-self/attr: the process keeps running unconfined until it execs the user's program,
 * so the runtime's own remaining steps are not subject to the container's profile. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/lsm.h"
#include "core/rootfs.h"
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

/* "<pid>/task/<tid>/attr/<rel>" beneath a verified procfs, not /proc/thread-self by path: after
 * pivot_root "/proc" is whatever the rootfs put there, and a write landing in an ordinary file
 * would silently leave the process unconfined (the CVE-2025-52881 class). */
static int write_attr(int procfd, const char *rel, const char *text, struct sheep_err **err)
{
	char path[96];

	snprintf(path, sizeof(path), "%d/task/%d/attr/%s", (int)getpid(), (int)gettid(), rel);
	return sheep_procfs_write(procfd, path, text, err);
}

/* AppArmor's own attr directory where the kernel has it (stacking LSMs), else the shared file. */
static int write_attr_either(int procfd, const char *rel, const char *fallback, const char *text,
			     struct sheep_err **err)
{
	struct sheep_err *e = NULL;

	if (write_attr(procfd, rel, text, &e) == 0)
		return 0;
	sheep_err_free(e);
	return write_attr(procfd, fallback, text, err);
}

bool sheep_lsm_given(const char *apparmor_profile, const char *selinux_label)
{
	return (apparmor_profile && *apparmor_profile) || (selinux_label && *selinux_label);
}

int sheep_lsm_apply(const char *apparmor_profile, const char *selinux_label, struct sheep_err **err)
{
	_cleanup_close_ int procfd = -1;
	char buf[4096];

	if (!sheep_lsm_given(apparmor_profile, selinux_label))
		return 0;
	procfd = sheep_procfs_open(err);
	if (procfd < 0)
		return sheep_err_wrap(err, "set the LSM label");
	if (apparmor_profile && *apparmor_profile) {
		snprintf(buf, sizeof(buf), "exec %s", apparmor_profile);
		if (write_attr_either(procfd, "apparmor/exec", "exec", buf, err) < 0)
			return sheep_err_wrap(err, "set AppArmor profile '%s'", apparmor_profile);
	}
	if (selinux_label && *selinux_label && write_attr(procfd, "exec", selinux_label, err) < 0)
		return sheep_err_wrap(err, "set SELinux label '%s'", selinux_label);
	return 0;
}
