/* Resolving an image config's User against the unpacked root's /etc/passwd and /etc/group. */
#ifndef SHEEP_UNPACK_USER_H
#define SHEEP_UNPACK_USER_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct unpack_user {
	uint32_t uid, gid;
	uint32_t groups[32]; /* when no group was given: the primary gid, then the user's groups */
	size_t ngroups;
};

/* "" / NULL is root (uid 0, looked up like "0"). Errors: "user 'x': not found in /etc/passwd", "group 'y': not found in
 * /etc/group". */
int unpack_user_resolve(int rootfd, const char *spec, struct unpack_user *u,
			struct sheep_err **err);

#endif
