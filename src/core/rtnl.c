/* The rtnetlink request/answer loop of rtnl.h. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/rtnl.h"
#include "util/cleanup.h"

void rtnl_init(struct rtnl_msg *m, uint16_t type, uint16_t flags, const void *hdr, size_t len)
{
	memset(m, 0, sizeof(*m));
	m->h.nlmsg_type = type;
	m->h.nlmsg_flags = NLM_F_REQUEST | flags;
	m->h.nlmsg_len = (uint32_t)NLMSG_LENGTH(len);
	memcpy(NLMSG_DATA(&m->h), hdr, len);
}

int rtnl_attr(struct rtnl_msg *m, uint16_t type, const void *data, size_t len)
{
	size_t at = NLMSG_ALIGN(m->h.nlmsg_len);
	struct rtattr *a = (struct rtattr *)(m->raw + at);

	if (at + RTA_SPACE(len) > sizeof(m->raw))
		return -1;
	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	m->h.nlmsg_len = (uint32_t)(at + RTA_SPACE(len));
	return 0;
}

int rtnl_open(struct sheep_err **err)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0)
		return sheep_err_set(err, errno, "open rtnetlink socket");
	return fd;
}

int rtnl_open_in(pid_t pid, struct sheep_err **err)
{
	_cleanup_close_ int own = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	_cleanup_close_ int target = -1;
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	target = open(path, O_RDONLY | O_CLOEXEC);
	if (own < 0 || target < 0)
		return sheep_err_set(err, errno, "open '%s'",
				     own < 0 ? "/proc/thread-self/ns/net" : path);
	/* a netlink socket belongs to the namespace it was made in, for good */
	if (setns(target, CLONE_NEWNET) < 0)
		return sheep_err_set(err, errno, "enter the network namespace of %d", (int)pid);
	fd = rtnl_open(err);
	if (setns(own, CLONE_NEWNET) < 0) {
		/* the runtime cannot go on in the container's namespace */
		if (fd >= 0)
			close(fd);
		return sheep_err_set(err, errno, "return to the runtime's network namespace");
	}
	return fd;
}

/* One datagram of answers: -errno / 0 for an error or ack, 1 to read on, or cb's failure. */
static int answers(const char *buf, size_t n, uint32_t seq,
		   int (*cb)(const struct nlmsghdr *h, void *data), void *data)
{
	for (const struct nlmsghdr *h = (const void *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
		if (h->nlmsg_seq != seq)
			continue;
		if (h->nlmsg_type == NLMSG_ERROR)
			return ((const struct nlmsgerr *)NLMSG_DATA(h))->error;
		if (h->nlmsg_type == NLMSG_DONE)
			return 0;
		if (cb != NULL) {
			int r = cb(h, data);
			if (r < 0)
				return r;
		}
	}
	return 1;
}

int rtnl_call(int fd, struct rtnl_msg *m, int (*cb)(const struct nlmsghdr *h, void *data),
	      void *data)
{
	static uint32_t seq;
	char buf[16384];
	int r = 1;

	m->h.nlmsg_seq = ++seq;
	/* NLM_F_DUMP is two bits, one of them NLM_F_EXCL's: a dump ends with NLMSG_DONE, the rest
	 * is acked */
	if ((m->h.nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP)
		m->h.nlmsg_flags |= NLM_F_ACK;
	if (send(fd, m, m->h.nlmsg_len, 0) < 0)
		return -errno;
	while (r == 1) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EPROTO;
		r = answers(buf, (size_t)n, m->h.nlmsg_seq, cb, data);
	}
	return r;
}

const struct rtattr *rtnl_find(const struct nlmsghdr *h, size_t hdr_len, uint16_t type)
{
	const struct rtattr *a = (const void *)((const char *)NLMSG_DATA(h) + NLMSG_ALIGN(hdr_len));
	int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(NLMSG_ALIGN(hdr_len));

	for (; RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == type)
			return a;
	return NULL;
}
