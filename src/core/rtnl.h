/* A minimal rtnetlink client for the runtime (linux.netDevices): build a request, send it, read
 * the answers until the kernel's ack or the end of a dump. sheep-net has its own, fuller one; the
 * runtime may not depend on it (ARCHITECTURE.md "Allowed directions"). */
#ifndef SHEEP_CORE_RTNL_H
#define SHEEP_CORE_RTNL_H

#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "util/err.h"

#define RTNL_MSG_MAX 1024

struct rtnl_msg {
	union {
		struct nlmsghdr h;
		char raw[RTNL_MSG_MAX];
	};
};

/* A request of TYPE with NLM_F_REQUEST | flags and the family header hdr (copied). */
void rtnl_init(struct rtnl_msg *m, uint16_t type, uint16_t flags, const void *hdr, size_t len);
/* Appends an attribute; -1 (nothing appended) when it does not fit. */
int rtnl_attr(struct rtnl_msg *m, uint16_t type, const void *data, size_t len);

/* A NETLINK_ROUTE socket (close-on-exec) in the caller's network namespace. */
int rtnl_open(struct sheep_err **err);
/* The same in the network namespace of process pid (entered and left again by this thread). */
int rtnl_open_in(pid_t pid, struct sheep_err **err);

/* Sends m and reads the answers: every data message goes to cb (when not NULL; a negative return
 * stops and is returned). 0 on the ack or the end of a dump, -errno when the kernel refuses. */
int rtnl_call(int fd, struct rtnl_msg *m, int (*cb)(const struct nlmsghdr *h, void *data),
	      void *data);

/* The attribute TYPE of a message whose family header is hdr_len bytes, or NULL. */
const struct rtattr *rtnl_find(const struct nlmsghdr *h, size_t hdr_len, uint16_t type);

#endif
