/* The error object: building, wrapping and freeing messages. Never prints. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

static struct sheep_err oom_err = {ENOMEM, (char *)"out of memory"};

int sheep_err_take(struct sheep_err **err, int errnum, char *msg)
{
	struct sheep_err *e;

	if (err == NULL || *err != NULL) {
		free(msg);
		return -1;
	}
	e = malloc(sizeof(*e));
	if (e == NULL || msg == NULL) {
		free(e);
		free(msg);
		*err = &oom_err;
		return -1;
	}
	e->errnum = errnum;
	e->msg = msg;
	*err = e;
	return -1;
}

int sheep_err_setv(struct sheep_err **err, int errnum, const char *fmt, va_list ap)
{
	char *msg = NULL, *full = NULL;

	if (err == NULL || *err != NULL)
		return -1;
	if (vasprintf(&msg, fmt, ap) < 0)
		return sheep_err_take(err, ENOMEM, NULL);
	if (errnum == 0)
		return sheep_err_take(err, 0, msg);
	if (asprintf(&full, "%s: %s", msg, strerror(errnum)) < 0)
		full = NULL;
	free(msg);
	return sheep_err_take(err, errnum, full);
}

int sheep_err_set(struct sheep_err **err, int errnum, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sheep_err_setv(err, errnum, fmt, ap);
	va_end(ap);
	return -1;
}

int sheep_err_code(struct sheep_err **err, int errnum, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || *err != NULL)
		return -1;
	va_start(ap, fmt);
	sheep_err_setv(err, 0, fmt, ap);
	va_end(ap);
	if (*err && *err != &oom_err)
		(*err)->errnum = errnum;
	return -1;
}

int sheep_err_wrap(struct sheep_err **err, const char *fmt, ...)
{
	char *prefix = NULL, *full = NULL;
	va_list ap;

	if (err == NULL || *err == NULL || *err == &oom_err)
		return -1;
	va_start(ap, fmt);
	if (vasprintf(&prefix, fmt, ap) < 0)
		prefix = NULL;
	va_end(ap);
	if (prefix == NULL || asprintf(&full, "%s: %s", prefix, (*err)->msg) < 0) {
		free(prefix);
		return -1; /* keep the inner message rather than lose it */
	}
	free(prefix);
	free((*err)->msg);
	(*err)->msg = full;
	return -1;
}

void sheep_err_free(struct sheep_err *err)
{
	if (err == NULL || err == &oom_err)
		return;
	free(err->msg);
	free(err);
}

void sheep_err_freep(struct sheep_err **err)
{
	sheep_err_free(*err);
	*err = NULL;
}
