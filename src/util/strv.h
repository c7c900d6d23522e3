/* String vectors: the (pointer, length) arrays of libocispec as the NULL-terminated vectors that
 * execve and friends need. */
#ifndef SHEEP_UTIL_STRV_H
#define SHEEP_UTIL_STRV_H

#include <stddef.h>

/* A malloc'd NULL-terminated copy of the pointers (not the strings): free() it, not its items. */
char **sheep_strv_view(char *const *v, size_t n);
/* The value of NAME in an environment vector ("NAME=value"), or NULL. */
const char *sheep_strv_env_get(char *const *env, size_t n, const char *name);

#endif
