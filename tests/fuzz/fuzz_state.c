/* Fuzz target: state.json (what `state` and the hooks read). Parse, write back, parse again. */
#include <string.h>

#include "fuzz.h"
#include "ocispec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *error = NULL, *json, *again;
	size_t len = 0, len2 = 0;
	struct oci_state *s = oci_state_parse_data((const char *)data, size, "state.json", &error);
	struct oci_state *s2;

	if (s == NULL) {
		if (error == NULL)
			abort();
		free(error);
		return 0;
	}
	/* the writer's output must parse, and writing that again must give the same bytes */
	json = oci_state_to_json(s, &len, &error);
	if (json == NULL)
		abort();
	s2 = oci_state_parse_data(json, len, "round-trip", &error);
	if (s2 == NULL || (again = oci_state_to_json(s2, &len2, &error)) == NULL)
		abort();
	if (len != len2 || memcmp(json, again, len) != 0)
		abort();
	free(again);
	free(json);
	oci_state_free(s2);
	oci_state_free(s);
	return 0;
}
