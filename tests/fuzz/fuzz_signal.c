/* Fuzz target: signal names and numbers as `kill` and `delete --force` take them. */
#include <signal.h>

#include "core/container.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size);
	struct sheep_err *err = NULL;
	int sig = 0;
	int ret = sheep_signal_parse(text, &sig, &err);

	/* success must give a signal the kernel accepts */
	if (ret == 0 && (sig <= 0 || sig >= NSIG))
		abort();
	fuzz_check_err(ret, err);
	free(text);
	return 0;
}
