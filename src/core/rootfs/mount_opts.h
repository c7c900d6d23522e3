/* Module-internal: the OCI mount option table and the parsed form of one mount's options. */
#ifndef SHEEP_CORE_ROOTFS_MOUNT_OPTS_H
#define SHEEP_CORE_ROOTFS_MOUNT_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ocispec.h"
#include "util/err.h"

#define SHEEP_MOUNT_MAX_PROPAGATION 8

struct sheep_mount_opts {
	unsigned long flags;   /* MS_* set (superblock and per-mount flags, MS_BIND, MS_REC) */
	unsigned long cleared; /* MS_* explicitly cleared by rw, suid, dev, exec, ... */
	unsigned long
	    propagation[SHEEP_MOUNT_MAX_PROPAGATION]; /* MS_SHARED.. [|MS_REC], in order */
	size_t propagation_len;
	uint64_t attr_set; /* recursive MOUNT_ATTR_* (rro, rnosuid, ...) for mount_setattr */
	uint64_t attr_clr;
	bool idmap;	      /* idmap or ridmap */
	bool idmap_recursive; /* ridmap */
	bool tmpcopyup;
	char *data; /* every other option, comma-joined (filesystem data), or NULL */
};

/* True for mounts that bind: type "bind" or a "bind"/"rbind" option (runtime-spec config.md). */
bool sheep_mount_is_bind(const struct oci_mount *m);

/* Whether a new filesystem of this type gets linux.mountLabel as its context= option: not the
 * kernel's own views (proc, sysfs, cgroup, mqueue, ...), whose labels come from policy and which
 * refuse the option, nor a mount whose data already names a context. */
bool sheep_mount_takes_context(const char *type, const char *data);

/* Parses mounts[index].options. An unknown bare word is an error on filesystems whose options are
 * all known (bind, proc, sysfs, tmpfs, devpts, mqueue, cgroup2): "config.json: mounts[2].options[0]:
 * unknown mount option 'bogus'"; elsewhere it is passed on as data. The managers' own words z, Z,
 * U and copy-symlink are ignored on binds, as runc ignores them. */
int sheep_mount_opts_parse(const struct oci_mount *m, size_t index, struct sheep_mount_opts *ret,
			   struct sheep_err **err);
void sheep_mount_opts_clear(struct sheep_mount_opts *o);

/* Per-mount MS_* flags as MOUNT_ATTR_* (for fsmount/mount_setattr). */
uint64_t sheep_mount_flags_to_attr(unsigned long ms_flags);

#endif
