/* The per-layer set of created paths. Parents are added with their children so that an opaque
 * whiteout never removes a directory the same layer filled implicitly. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unpack/pathset.h"

static uint64_t hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

/* The slot holding s[0..n), or the empty slot where it belongs. */
static char **find(const struct unpack_pathset *set, const char *s, size_t n)
{
	size_t i = (size_t)hash(s, n) & (set->cap - 1);

	while (set->slots[i] != NULL) {
		if (strncmp(set->slots[i], s, n) == 0 && set->slots[i][n] == '\0')
			return &set->slots[i];
		i = (i + 1) & (set->cap - 1);
	}
	return &set->slots[i];
}

static int grow(struct unpack_pathset *set)
{
	size_t ncap = set->cap ? set->cap * 2 : 256;
	struct unpack_pathset n = {calloc(ncap, sizeof(char *)), ncap, set->len};

	if (n.slots == NULL)
		return -1;
	for (size_t i = 0; i < set->cap; i++)
		if (set->slots[i] != NULL)
			*find(&n, set->slots[i], strlen(set->slots[i])) = set->slots[i];
	free(set->slots);
	*set = n;
	return 0;
}

/* Returns 1 when added, 0 when already there, -1 on ENOMEM. */
static int add_one(struct unpack_pathset *set, const char *s, size_t n)
{
	char **slot;

	if ((set->len + 1) * 2 > set->cap && grow(set) < 0)
		return -1;
	slot = find(set, s, n);
	if (*slot != NULL)
		return 0;
	*slot = strndup(s, n);
	if (*slot == NULL)
		return -1;
	set->len++;
	return 1;
}

int unpack_pathset_add(struct unpack_pathset *set, const char *path)
{
	size_t n = strlen(path);

	for (;;) {
		int r = add_one(set, path, n);
		if (r < 0) {
			errno = ENOMEM;
			return -1;
		}
		/* a parent already present means all its parents are too */
		if (r == 0)
			return 0;
		while (n > 0 && path[n - 1] != '/')
			n--;
		if (n == 0)
			return 0;
		n--;
	}
}

bool unpack_pathset_has(const struct unpack_pathset *set, const char *path)
{
	if (set->cap == 0)
		return false;
	return *find(set, path, strlen(path)) != NULL;
}

void unpack_pathset_clear(struct unpack_pathset *set)
{
	for (size_t i = 0; i < set->cap; i++)
		free(set->slots[i]);
	free(set->slots);
	*set = (struct unpack_pathset){0};
}
