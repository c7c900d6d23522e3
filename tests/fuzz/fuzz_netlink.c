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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the input is an exact-size, aligned copy (libFuzzer's new[], replay.c's guarded copy),
	 * like sheep_nl_query()'s aligned receive buffer; seq and portid 0 make libmnl skip those
	 * checks, so every message reaches the parser */
	mnl_cb_run(data, size, 0, 0, on_message, NULL);
	return 0;
}
