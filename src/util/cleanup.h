/* Scope-bound cleanup of heap memory, fds and FILEs, and the TAKE_* helpers that hand ownership on. */
#ifndef SHEEP_UTIL_CLEANUP_H
#define SHEEP_UTIL_CLEANUP_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void sheep_freep(void *p)
{
	free(*(void **)p);
}

static inline void sheep_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void sheep_fclosep(FILE **f)
{
	if (*f != NULL)
		fclose(*f);
}

/* Frees a NULL-terminated array of strings and the array. */
static inline void sheep_strvfree(char **v)
{
	if (v == NULL)
		return;
	for (char **p = v; *p != NULL; p++)
		free(*p);
	free(v);
}

static inline void sheep_strvfreep(char ***v)
{
	sheep_strvfree(*v);
}

#define _cleanup_free_ __attribute__((cleanup(sheep_freep)))
#define _cleanup_close_ __attribute__((cleanup(sheep_closep)))
#define _cleanup_fclose_ __attribute__((cleanup(sheep_fclosep)))
#define _cleanup_strv_ __attribute__((cleanup(sheep_strvfreep)))

#define TAKE_PTR(p)                                                                                \
	({                                                                                         \
		__typeof__(p) _tp = (p);                                                           \
		(p) = NULL;                                                                        \
		_tp;                                                                               \
	})
#define TAKE_FD(fd)                                                                                \
	({                                                                                         \
		int _tf = (fd);                                                                    \
		(fd) = -1;                                                                         \
		_tf;                                                                               \
	})

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
