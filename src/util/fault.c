/* The test-build half of fault.h: reads SHEEP_FAULT and SHEEP_FAULT_TRACE once per process. */
#include "util/fault.h"

#ifdef SHEEP_FAULT_INJECTION
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

static int trace_fd = -1;
static int initialised;

void sheep_fault_init(void)
{
	const char *path = getenv("SHEEP_FAULT_TRACE");

	if (initialised)
		return;
	initialised = 1;
	if (path != NULL && path[0] != '\0')
		trace_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
}

int sheep_fault_trace_fd(void)
{
	return trace_fd;
}

static int matches(const char *want, const char *prefix, const char *name)
{
	size_t n = strlen(prefix);

	return strncmp(want, prefix, n) == 0 && strcmp(want + n, name) == 0;
}

void sheep_fault_point(const char *prefix, const char *name)
{
	const char *want = getenv("SHEEP_FAULT");

	sheep_fault_init();
	if (trace_fd >= 0) {
		/* one write(2) per line: O_APPEND keeps lines of concurrent processes whole */
		struct iovec v[3] = {
		    {(void *)prefix, strlen(prefix)}, {(void *)name, strlen(name)}, {"\n", 1}};
		(void)!writev(trace_fd, v, 3);
	}
	if (want == NULL || !matches(want, prefix, name))
		return;
	kill(getpid(), SIGKILL);
	/* still here: the init of a pid namespace ignores signals it sends itself */
	_exit(128 + SIGKILL);
}
#endif
