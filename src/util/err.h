/* Error objects: a message built from the innermost failure outwards, plus the errno that caused it.
 * Functions take `struct sheep_err **err` last, return -1 and set *err on failure. */
#ifndef SHEEP_UTIL_ERR_H
#define SHEEP_UTIL_ERR_H

#include <stdarg.h>

struct sheep_err {
	int errnum; /* 0 when no errno applies */
	char *msg;  /* full text, strerror(errnum) already appended */
};

/* Sets *err to "fmt...: strerror(errnum)" (or just "fmt..." when errnum is 0). Returns -1.
 * If *err is already set the new error is dropped: the first failure is the one that matters. */
int sheep_err_set(struct sheep_err **err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int sheep_err_setv(struct sheep_err **err, int errnum, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
/* Like sheep_err_set, but the message is complete as given (no strerror appended): for
 * conditions the message already names, where errnum only lets callers tell cases apart. */
int sheep_err_code(struct sheep_err **err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prefixes the existing message with "fmt...: ". Returns -1. */
int sheep_err_wrap(struct sheep_err **err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Takes ownership of a malloc'd message (e.g. from libocispec). Returns -1. */
int sheep_err_take(struct sheep_err **err, int errnum, char *msg);
void sheep_err_free(struct sheep_err *err);
void sheep_err_freep(struct sheep_err **err);
#define _cleanup_err_ __attribute__((cleanup(sheep_err_freep)))

#endif
