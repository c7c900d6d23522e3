/* The library's log sink: a handler set by the program, nothing printed when none is set. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/log.h"

static sheep_log_fn handler;

void sheep_log_set_handler(sheep_log_fn fn)
{
	handler = fn;
}

void sheep_log(enum sheep_log_level level, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;

	if (handler == NULL)
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (msg)
		handler(level, msg);
	free(msg);
}
