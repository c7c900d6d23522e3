/* Linux security modules for the container's process: process.apparmorProfile and
 * process.selinuxLabel (runtime-spec "Linux process"). */
#ifndef SHEEP_CORE_LSM_H
#define SHEEP_CORE_LSM_H

#include <stdbool.h>

#include "ocispec.h"
#include "util/err.h"

/* Before anything is made: a profile or label for an LSM the host does not run is an error (as in
 * runc); none given is always fine. prefix names the document ("config.json: process."). */
int sheep_lsm_check(const char *apparmor_profile, const char *selinux_label, const char *prefix,
		    struct sheep_err **err);
/* Whether a profile or label is given at all (an empty string is none). */
bool sheep_lsm_given(const char *apparmor_profile, const char *selinux_label);
/* In the container's process, just before execve: the profile/label it execs into. */
int sheep_lsm_apply(const char *apparmor_profile, const char *selinux_label,
		    struct sheep_err **err);

/* linux.mountLabel as the label for the container's filesystems when SELinux runs on this host;
 * NULL when it does not (the label then means nothing, as in runc) or none is given. */
const char *sheep_lsm_mount_label(const char *mount_label);

#endif
