/* Fuzz target: config.json as create reads it. Parse, write back and parse again (the output must
 * be a valid config and stable), then every check create runs before its first side effect. */
#include <string.h>

#include "core/caps.h"
#include "fuzz.h"
#include "core/namespaces.h"
#include "ocispec.h"
#include "core/process.h"
#include "core/rootfs.h"

/* The writer's output must parse, and writing the result again must give the same bytes. */
static void check_round_trip(const struct oci_config *c)
{
	char *error = NULL, *again = NULL;
	size_t len = 0, len2 = 0;
	char *json = oci_config_to_json(c, &len, &error);
	struct oci_config *c2;

	if (json == NULL)
		abort();
	c2 = oci_config_parse_data(json, len, "round-trip", &error);
	if (c2 == NULL || (again = oci_config_to_json(c2, &len2, &error)) == NULL)
		abort();
	if (len != len2 || memcmp(json, again, len) != 0)
		abort();
	free(again);
	free(json);
	oci_config_free(c2);
}

/* sheep_ns_plan_make() opens the namespace paths: plan only the namespaces made new. */
static void check_namespaces(const struct oci_linux *l)
{
	struct oci_linux copy = *l;
	struct oci_namespace *ns = calloc(l->namespaces_len + 1, sizeof(*ns));
	struct sheep_err *err = NULL;
	struct sheep_ns_plan plan;
	int ret;

	if (ns == NULL)
		abort();
	copy.namespaces = ns;
	copy.namespaces_len = 0;
	for (size_t i = 0; i < l->namespaces_len; i++)
		if (l->namespaces[i].path == NULL || !l->namespaces[i].path[0])
			ns[copy.namespaces_len++] = l->namespaces[i];
	ret = sheep_ns_plan_make(&copy, &plan, &err);
	if (ret == 0)
		sheep_ns_plan_close(&plan);
	fuzz_check_err(ret, err);
	free(ns);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sheep_err *err = NULL;
	struct sheep_caps *caps = NULL;
	char *error = NULL;
	struct oci_config *c =
	    oci_config_parse_data((const char *)data, size, "config.json", &error);
	int ret;

	if (c == NULL) {
		if (error == NULL)
			abort();
		free(error);
		return 0;
	}
	check_round_trip(c);
	if (c->process) {
		ret = sheep_process_validate(c->process, "config.json: process.", &err);
		fuzz_check_err(ret, err);
		err = NULL;
		ret = sheep_caps_parse(c->process->capabilities, "config.json: process.", &caps,
				       &err);
		fuzz_check_err(ret, err);
		err = NULL;
		sheep_caps_free(caps);
	}
	if (c->linux_)
		check_namespaces(c->linux_);
	ret = sheep_rootfs_validate(c, &err);
	fuzz_check_err(ret, err);
	oci_config_free(c);
	return 0;
}
