/* Fuzz target: linux.seccomp translated to BPF without loading it. The input is the seccomp object
 * itself, wrapped into a minimal config, so the fuzzer spends its time inside the profile. */
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "ocispec.h"
#include "core/seccomp.h"

static const char head[] = "{\"ociVersion\":\"1.0.2\",\"linux\":{\"seccomp\":";
static const char tail[] = "}}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = sizeof(head) - 1 + size + sizeof(tail) - 1;
	char *json = malloc(len), *error = NULL;
	struct sheep_seccomp *s = NULL;
	struct sheep_err *err = NULL;
	struct oci_config *c;
	int ret;

	if (json == NULL)
		abort();
	memcpy(json, head, sizeof(head) - 1);
	memcpy(json + sizeof(head) - 1, data, size);
	memcpy(json + sizeof(head) - 1 + size, tail, sizeof(tail) - 1);
	c = oci_config_parse_data(json, len, "config.json", &error);
	free(json);
	if (c == NULL) {
		free(error);
		return 0;
	}
	if (c->linux_ && c->linux_->seccomp) {
		ret = sheep_seccomp_compile(c->linux_->seccomp, &s, &err);
		fuzz_check_err(ret, err);
		/* a compiled filter is a whole number of 8-byte BPF instructions, at least one */
		if (ret == 0 && s &&
		    (sheep_seccomp_bpf_size(s) == 0 || sheep_seccomp_bpf_size(s) % 8))
			abort();
		sheep_seccomp_free(s);
	}
	oci_config_free(c);
	return 0;
}
