/* Fuzz target: sheep-net's parser of rtnetlink link replies. The input is a receive buffer as
 * sheep_nl_query() hands it to mnl_cb_run(): any number of messages, each link parsed. */
#include <string.h>

#include "fuzz.h"
#include "net/nl.h"

static int on_message(const struct nlmsghdr *nlh, void *data)
{
	struct sheep_nl_link l;

	if (sheep_nl_parse_link(nlh, &l) == 0) {
		/* both are printed with %s: they must be terminated inside their buffers */
		if (memchr(l.name, '\0', sizeof(l.name)) == NULL ||
		    memchr(l.alias, '\0', sizeof(l.alias)) == NULL)
			abort();
	}
	return MNL_CB_OK;
}

/* libmnl 1.0.4 (Debian 12) compares (int)nlmsg_len with the bytes left, so a length above
 * INT_MAX passes its check and the walk jumps out of the buffer. The kernel never sends such a
 * length; only the prefix of messages that fit the buffer is handed on, as the kernel's would. */
static size_t framed_prefix(const uint8_t *data, size_t size)
{
	size_t off = 0;

	while (size - off >= sizeof(struct nlmsghdr)) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)(data + off);

		if (nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_len > size - off)
			break;
		off += MNL_ALIGN(nlh->nlmsg_len);
		if (off > size)
			off = size;
	}
	return off;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the input is an exact-size, aligned copy (libFuzzer's new[], replay.c's guarded copy),
	 * like sheep_nl_query()'s aligned receive buffer; seq and portid 0 make libmnl skip those
	 * checks, so every message reaches the parser */
	mnl_cb_run(data, framed_prefix(data, size), 0, 0, on_message, NULL);
	return 0;
}
