/* Fuzz target: a process document (`exec --process FILE`), parsed and checked as exec does. */
#include "core/caps.h"
#include "fuzz.h"
#include "ocispec.h"
#include "core/process.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sheep_err *err = NULL;
	struct sheep_caps *caps = NULL;
	char *error = NULL;
	struct oci_process *p =
	    oci_process_parse_data((const char *)data, size, "process.json", &error);
	int ret;

	if (p == NULL) {
		if (error == NULL)
			abort();
		free(error);
		return 0;
	}
	ret = sheep_process_validate(p, "process.json: ", &err);
	fuzz_check_err(ret, err);
	err = NULL;
	ret = sheep_caps_parse(p->capabilities, "process.json: ", &caps, &err);
	fuzz_check_err(ret, err);
	sheep_caps_free(caps);
	oci_process_free(p);
	return 0;
}
