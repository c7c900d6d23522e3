/* Unix sockets: connecting by path and passing an fd (SCM_RIGHTS) with a text payload. */
#ifndef SHEEP_UTIL_SOCKET_H
#define SHEEP_UTIL_SOCKET_H

#include "util/err.h"

/* A connected SOCK_STREAM socket to path (close-on-exec). */
int sheep_unix_connect(const char *path, struct sheep_err **err);
/* Sends fd with payload as the message body (the console socket and seccomp listener protocols). */
int sheep_send_fd(int sock, int fd, const char *payload, struct sheep_err **err);

#endif
