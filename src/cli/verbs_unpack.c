/* The verb table of sheep-oci-unpack: the one verb it runs, reached through `sheep-oci unpack`. */
#include <stddef.h>

#include "cli/verbs.h"

const struct cli_verb cli_verbs[] = {
    {"unpack", cmd_unpack, UNPACK_SUMMARY, UNPACK_USAGE},
    {NULL, NULL, NULL, NULL},
};
