/* Fuzz target: container ids. An id becomes a directory name under the state root, so an accepted
 * id must never be able to name anything but one entry of that directory. */
#include <ctype.h>
#include <string.h>

#include "fuzz.h"
#include "core/state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *id = fuzz_strndup(data, size);
	struct sheep_err *err = NULL;
	int ret = sheep_state_check_id(id, &err);

	for (const unsigned char *p = (const unsigned char *)id; ret == 0 && *p; p++)
		if (!isgraph(*p))
			abort();
	if (ret == 0 && (!id[0] || strchr(id, '/') || !strcmp(id, ".") || !strcmp(id, "..") ||
			 strlen(id) > 1024))
		abort();
	fuzz_check_err(ret, err);
	free(id);
	return 0;
}
