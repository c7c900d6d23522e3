/* Parent/child messages over a SOCK_SEQPACKET socketpair (the table is in sync.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "core/proc/sync.h"
#include "util/cleanup.h"

int sync_pair_open(struct sync_pair *p, struct sheep_err **err)
{
	int fds[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
		return sheep_err_set(err, errno, "socketpair");
	p->parent = fds[0];
	p->child = fds[1];
	/* A packet larger than the send buffer fails with EMSGSIZE, and the default (wmem_default,
	 * often 208 KiB) is below SYNC_MAX_PAYLOAD. The kernel doubles the value it is given, so this
	 * is enough even where wmem_max caps the request at its usual 208 KiB. */
	for (int i = 0; i < 2; i++) {
		int size = SYNC_MAX_PAYLOAD + (int)sizeof(struct sync_hdr);

		if (setsockopt(fds[i], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size)) < 0) {
			int saved = errno;

			sync_close_parent(p);
			sync_close_child(p);
			return sheep_err_set(err, saved, "set sync socket buffer size");
		}
	}
	return 0;
}

void sync_close_parent(struct sync_pair *p)
{
	sheep_closep(&p->parent);
	p->parent = -1;
}

void sync_close_child(struct sync_pair *p)
{
	sheep_closep(&p->child);
	p->child = -1;
}

int sync_send(int sock, enum sync_type type, const char *payload, size_t len, int fd,
	      struct sheep_err **err)
{
	struct sync_hdr hdr = {.type = type};
	struct iovec iov[2] = {{&hdr, sizeof(hdr)}, {(void *)payload, len}};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct msghdr mh = {.msg_iov = iov, .msg_iovlen = payload ? 2 : 1};

	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	while (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0) {
		if (errno != EINTR)
			return sheep_err_set(err, errno, "send sync message %d", type);
	}
	return 0;
}

void sync_send_error(int sock, const struct sheep_err *e)
{
	struct sync_hdr hdr = {.type = SYNC_ERROR, .errnum = e ? e->errnum : 0};
	const char *msg = e ? e->msg : "unknown error";
	struct iovec iov[2] = {{&hdr, sizeof(hdr)}, {(void *)msg, strlen(msg)}};
	struct msghdr mh = {.msg_iov = iov, .msg_iovlen = 2};

	(void)sendmsg(sock, &mh, MSG_NOSIGNAL);
}

static int take_fd(struct msghdr *mh)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		int fd;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
		return fd;
	}
	return -1;
}

int sync_recv(int sock, struct sync_msg *msg, struct sheep_err **err)
{
	struct sync_hdr hdr;
	_cleanup_free_ char *buf = malloc(SYNC_MAX_PAYLOAD + 1);
	struct iovec iov[2] = {{&hdr, sizeof(hdr)}, {buf, SYNC_MAX_PAYLOAD}};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct msghdr mh = {.msg_iov = iov,
			    .msg_iovlen = 2,
			    .msg_control = ctl.buf,
			    .msg_controllen = sizeof(ctl.buf)};
	ssize_t n;

	*msg = (struct sync_msg){.fd = -1};
	if (buf == NULL)
		return sheep_err_set(err, ENOMEM, "receive sync message");
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return sheep_err_set(err, errno, "receive sync message");
	if (n == 0)
		return sheep_err_set(err, ECONNRESET, "the other side of the sync socket exited");
	msg->fd = take_fd(&mh);
	if ((size_t)n < sizeof(hdr)) {
		sync_msg_clear(msg);
		return sheep_err_set(err, EPROTO, "short sync message");
	}
	/* the rest of a longer packet is gone: never act on a cut-off state JSON or message */
	if (mh.msg_flags & MSG_TRUNC) {
		sync_msg_clear(msg);
		return sheep_err_code(err, EMSGSIZE, "sync message longer than %d bytes",
				      SYNC_MAX_PAYLOAD);
	}
	msg->type = hdr.type;
	msg->errnum = hdr.errnum;
	msg->len = (size_t)n - sizeof(hdr);
	buf[msg->len] = '\0';
	if (msg->len > 0)
		msg->payload = TAKE_PTR(buf);
	return 0;
}

int sync_expect(int sock, enum sync_type type, struct sync_msg *msg, struct sheep_err **err)
{
	if (sync_recv(sock, msg, err) < 0)
		return -1;
	if (msg->type == SYNC_ERROR) {
		char *text = TAKE_PTR(msg->payload);
		int errnum = msg->errnum;

		sync_msg_clear(msg);
		/* The text already carries strerror(errnum); keep the errno for the caller. */
		return sheep_err_take(err, errnum, text ? text : strdup("unknown error"));
	}
	if (msg->type != type) {
		int got = msg->type;

		sync_msg_clear(msg);
		return sheep_err_set(err, EPROTO, "unexpected sync message %d (wanted %d)", got,
				     type);
	}
	return 0;
}

void sync_msg_clear(struct sync_msg *msg)
{
	free(msg->payload);
	msg->payload = NULL;
	if (msg->fd >= 0)
		close(msg->fd);
	msg->fd = -1;
}
