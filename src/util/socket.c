/* Unix socket helpers for the console socket and the seccomp listener. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/socket.h"

int sheep_unix_connect(const char *path, struct sheep_err **err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int sock;

	if (strlen(path) >= sizeof(sa.sun_path))
		return sheep_err_set(err, ENAMETOOLONG, "connect to '%s'", path);
	strcpy(sa.sun_path, path);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return sheep_err_set(err, errno, "socket");
	if (connect(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int saved = errno;
		close(sock);
		return sheep_err_set(err, saved, "connect to '%s'", path);
	}
	return sock;
}

int sheep_send_fd(int sock, int fd, const char *payload, struct sheep_err **err)
{
	struct iovec iov = {(void *)payload, strlen(payload)};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl = {0};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = ctl.buf,
			    .msg_controllen = sizeof(ctl.buf)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	while (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0)
		if (errno != EINTR)
			return sheep_err_set(err, errno, "send fd");
	return 0;
}
