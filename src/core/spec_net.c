/* The network hooks written by `spec --network`. createRuntime runs in the runtime namespace
 * once the container's namespaces exist (runtime-spec config.md "createRuntime Hooks"), which is
 * what `sheep-net up` needs to create eth0 inside; poststop runs after the container is gone. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/spec_net.h"
#include "util/cleanup.h"

#ifndef SHEEP_NET_PATH
#define SHEEP_NET_PATH "/usr/local/bin/sheep-net"
#endif

/* Appends a hook running sheep-net with args (argv[0] included), NULL-terminated. */
static int append_hook(struct oci_hook **hooks, size_t *len, char **args, size_t n)
{
	struct oci_hook *grown = realloc(*hooks, (*len + 1) * sizeof(*grown));
	struct oci_hook *h;

	if (grown == NULL)
		return -1;
	*hooks = grown;
	h = &grown[*len];
	memset(h, 0, sizeof(*h));
	h->path = strdup(SHEEP_NET_PATH);
	h->args = calloc(n, sizeof(char *));
	if (h->path == NULL || h->args == NULL) {
		free(h->path);
		free(h->args);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		h->args[i] = args[i];
	h->args_len = n;
	(*len)++;
	return 0;
}

static char **make_args(const char *verb, char *const *publish, size_t publish_len, size_t *ret_n)
{
	size_t n = 2 + 2 * publish_len, k = 0;
	char **v = calloc(n + 1, sizeof(char *));

	if (v == NULL)
		return NULL;
	v[k++] = strdup("sheep-net");
	v[k++] = strdup(verb);
	for (size_t i = 0; i < publish_len; i++) {
		v[k++] = strdup("--publish");
		v[k++] = strdup(publish[i]);
	}
	for (size_t i = 0; i < n; i++) {
		if (v[i] == NULL) {
			sheep_strvfree(v);
			return NULL;
		}
	}
	*ret_n = n;
	return v;
}

int sheep_spec_net_add(struct oci_config *config, char *const *publish, size_t publish_len,
		       struct sheep_err **err)
{
	_cleanup_strv_ char **up = NULL, **down = NULL;
	size_t up_n = 0, down_n = 0;

	if (config->hooks == NULL)
		config->hooks = calloc(1, sizeof(*config->hooks));
	up = make_args("up", publish, publish_len, &up_n);
	down = make_args("down", NULL, 0, &down_n);
	if (config->hooks == NULL || up == NULL || down == NULL)
		return sheep_err_set(err, ENOMEM, "add network hooks");
	if (append_hook(&config->hooks->create_runtime, &config->hooks->create_runtime_len, up,
			up_n) < 0)
		return sheep_err_set(err, ENOMEM, "add network hooks");
	free(TAKE_PTR(up)); /* the strings now belong to the hook */
	if (append_hook(&config->hooks->poststop, &config->hooks->poststop_len, down, down_n) < 0)
		return sheep_err_set(err, ENOMEM, "add network hooks");
	free(TAKE_PTR(down));
	return 0;
}
