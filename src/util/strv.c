/* String vector helpers. */
#include <stdlib.h>
#include <string.h>

#include "util/strv.h"

char **sheep_strv_view(char *const *v, size_t n)
{
	char **out = calloc(n + 1, sizeof(char *));

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		out[i] = v[i];
	return out;
}

const char *sheep_strv_env_get(char *const *env, size_t n, const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < n; i++)
		if (strncmp(env[i], name, len) == 0 && env[i][len] == '=')
			return env[i] + len + 1;
	return NULL;
}
