/* Parent/child messages over a SOCK_SEQPACKET socketpair (the table is in sync.h): small payloads
 * inline, large ones in a sealed memfd checked by the receiver before it reads a byte. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "core/proc/sync.h"
#include "util/cleanup.h"
#include "util/fs.h"

#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#endif

/* What the receiver requires of a payload memfd: no write, no resize, no seal removed. */
#define SYNC_SEALS (F_SEAL_SEAL | F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW)

/* The message's own fd and a payload memfd. */
#define SYNC_MAX_FDS 2

int sync_pair_open(struct sync_pair *p, struct sheep_err **err)
{
	int fds[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
		return sheep_err_set(err, errno, "socketpair");
	p->parent = fds[0];
	p->child = fds[1];
	/* A packet larger than the send buffer fails with EMSGSIZE, and wmem_default may be set
	 * below SYNC_INLINE_MAX. The kernel doubles the value it is given, so this is enough even
	 * where wmem_max caps the request. */
	for (int i = 0; i < 2; i++) {
		int size = SYNC_INLINE_MAX + (int)sizeof(struct sync_hdr);

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

/* A sealed memfd holding payload. MFD_NOEXEC_SEAL first: with vm.memfd_noexec=2 (Linux 6.3+) a
 * memfd without it is refused; an older kernel refuses the flag itself (EINVAL). */
static int payload_memfd(const char *payload, size_t len, struct sheep_err **err)
{
	const unsigned flags = MFD_CLOEXEC | MFD_ALLOW_SEALING;
	_cleanup_close_ int fd = memfd_create("sheep-oci-sync", flags | MFD_NOEXEC_SEAL);

	if (fd < 0 && errno == EINVAL)
		fd = memfd_create("sheep-oci-sync", flags);
	if (fd < 0)
		return sheep_err_set(err, errno, "memfd_create 'sheep-oci-sync'");
	if (sheep_write_all(fd, payload, len) < 0)
		return sheep_err_set(err, errno, "write sync payload memfd");
	if (fcntl(fd, F_ADD_SEALS, SYNC_SEALS) < 0)
		return sheep_err_set(err, errno, "seal sync payload memfd");
	return TAKE_FD(fd);
}

int sync_send(int sock, enum sync_type type, const char *payload, size_t len, int fd,
	      struct sheep_err **err)
{
	struct sync_hdr hdr = {.type = type};
	struct iovec iov[2] = {{&hdr, sizeof(hdr)}, {(void *)payload, len}};
	union {
		char buf[CMSG_SPACE(SYNC_MAX_FDS * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct msghdr mh = {.msg_iov = iov, .msg_iovlen = payload ? 2 : 1};
	_cleanup_close_ int memfd = -1;
	int fds[SYNC_MAX_FDS], nfds = 0;

	if (len > SYNC_MAX_PAYLOAD)
		return sheep_err_code(err, EMSGSIZE, "sync message %d: %zu bytes, more than %d",
				      type, len, SYNC_MAX_PAYLOAD);
	if (len > SYNC_INLINE_MAX) {
		memfd = payload_memfd(payload, len, err);
		if (memfd < 0)
			return sheep_err_wrap(err, "send sync message %d", type);
		hdr.memfd_len = len;
		mh.msg_iovlen = 1;
	}
	if (fd >= 0)
		fds[nfds++] = fd;
	if (memfd >= 0)
		fds[nfds++] = memfd;
	if (nfds > 0) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
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
	/* inline only: the failing side may be unable to make a memfd (EMFILE, seccomp) */
	struct iovec iov[2] = {{&hdr, sizeof(hdr)}, {(void *)msg, strnlen(msg, SYNC_INLINE_MAX)}};
	struct msghdr mh = {.msg_iov = iov, .msg_iovlen = 2};

	(void)sendmsg(sock, &mh, MSG_NOSIGNAL);
}

/* Takes the fds the message carried into fds[] (at most SYNC_MAX_FDS, the control buffer's room;
 * the kernel drops any more), returning how many. */
static int take_fds(struct msghdr *mh, int *fds)
{
	int n = 0;

	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t i = 0; i < k && n < SYNC_MAX_FDS; i++)
			memcpy(&fds[n++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
	}
	return n;
}

/* Reads a payload memfd only once nobody can change it any more: sealed, and exactly the size
 * the header announced (a sender that wrote less, or a plain file, is refused). */
static int read_memfd(int fd, uint64_t len, char **ret, struct sheep_err **err)
{
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	int seals;

	if (len > SYNC_MAX_PAYLOAD)
		return sheep_err_code(err, EMSGSIZE, "sync message longer than %d bytes",
				      SYNC_MAX_PAYLOAD);
	if (fd < 0)
		return sheep_err_set(err, EPROTO, "sync message without its payload memfd");
	seals = fcntl(fd, F_GET_SEALS);
	if (seals < 0 || (seals & SYNC_SEALS) != SYNC_SEALS)
		return sheep_err_set(err, EPROTO, "sync payload memfd is not sealed");
	if (fstat(fd, &st) < 0)
		return sheep_err_set(err, errno, "fstat sync payload memfd");
	if ((uint64_t)st.st_size != len)
		return sheep_err_set(err, EPROTO, "sync payload memfd holds %lld bytes, not %llu",
				     (long long)st.st_size, (unsigned long long)len);
	buf = malloc(len + 1);
	if (buf == NULL)
		return sheep_err_set(err, ENOMEM, "read sync payload memfd");
	for (size_t off = 0; off < len;) {
		ssize_t r = pread(fd, buf + off, len - off, (off_t)off);

		if (r <= 0 && !(r < 0 && errno == EINTR))
			return sheep_err_set(err, r < 0 ? errno : EIO, "read sync payload memfd");
		off += r > 0 ? (size_t)r : 0;
	}
	buf[len] = '\0';
	*ret = TAKE_PTR(buf);
	return 0;
}

/* One recvmsg into hdr and buf (SYNC_INLINE_MAX), the fds it carried in fds[]. */
static ssize_t recv_packet(int sock, struct sync_hdr *hdr, char *buf, int *fds, int *ret_nfds,
			   int *ret_flags)
{
	struct iovec iov[2] = {{hdr, sizeof(*hdr)}, {buf, SYNC_INLINE_MAX}};
	union {
		char buf[CMSG_SPACE(SYNC_MAX_FDS * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct msghdr mh = {.msg_iov = iov,
			    .msg_iovlen = 2,
			    .msg_control = ctl.buf,
			    .msg_controllen = sizeof(ctl.buf)};
	ssize_t n;

	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	*ret_nfds = n > 0 ? take_fds(&mh, fds) : 0;
	*ret_flags = mh.msg_flags;
	return n;
}

int sync_recv(int sock, struct sync_msg *msg, struct sheep_err **err)
{
	struct sync_hdr hdr = {0};
	_cleanup_free_ char *buf = malloc(SYNC_INLINE_MAX + 1);
	_cleanup_close_ int memfd = -1;
	int fds[SYNC_MAX_FDS], nfds = 0, flags = 0;
	ssize_t n;

	*msg = (struct sync_msg){.fd = -1};
	if (buf == NULL)
		return sheep_err_set(err, ENOMEM, "receive sync message");
	n = recv_packet(sock, &hdr, buf, fds, &nfds, &flags);
	if (n < 0)
		return sheep_err_set(err, errno, "receive sync message");
	if (n == 0)
		return sheep_err_set(err, ECONNRESET, "the other side of the sync socket exited");
	/* the memfd comes last; any fd beyond the two a message may carry is closed */
	if (hdr.memfd_len > 0 && (size_t)n >= sizeof(hdr) && nfds > 0)
		memfd = fds[--nfds];
	msg->fd = nfds > 0 ? fds[0] : -1;
	if (nfds > 1)
		close(fds[1]);
	if ((size_t)n < sizeof(hdr) || (hdr.memfd_len > 0 && (size_t)n > sizeof(hdr))) {
		sync_msg_clear(msg);
		return sheep_err_set(err, EPROTO, "%s",
				     (size_t)n < sizeof(hdr)
					 ? "short sync message"
					 : "sync payload both inline and in a memfd");
	}
	/* the rest of a longer packet is gone: never act on a cut-off state JSON or message */
	if (flags & MSG_TRUNC) {
		sync_msg_clear(msg);
		return sheep_err_code(err, EMSGSIZE, "sync message longer than %d bytes",
				      SYNC_INLINE_MAX);
	}
	msg->type = hdr.type;
	msg->errnum = hdr.errnum;
	if (hdr.memfd_len == 0) {
		msg->len = (size_t)n - sizeof(hdr);
		buf[msg->len] = '\0';
		if (msg->len > 0)
			msg->payload = TAKE_PTR(buf);
		return 0;
	}
	if (read_memfd(memfd, hdr.memfd_len, &msg->payload, err) < 0) {
		sync_msg_clear(msg);
		return -1;
	}
	msg->len = hdr.memfd_len;
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
