/* A set of paths (open addressing, FNV-1a): the entries one layer created, so that a whiteout
 * only hides what lower layers put there (image-spec layer.md, "Whiteouts"). */
#ifndef SHEEP_UNPACK_PATHSET_H
#define SHEEP_UNPACK_PATHSET_H

#include <stdbool.h>
#include <stddef.h>

struct unpack_pathset {
	char **slots;
	size_t cap; /* a power of two, or 0 */
	size_t len;
};

/* Adds path and every parent of it. Returns 0 or -1 (ENOMEM). */
int unpack_pathset_add(struct unpack_pathset *set, const char *path);
bool unpack_pathset_has(const struct unpack_pathset *set, const char *path);
void unpack_pathset_clear(struct unpack_pathset *set);

#endif
