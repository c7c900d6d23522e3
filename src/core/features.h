/* `sheep-oci features`: what this runtime supports, as the runtime-spec features document. */
#ifndef SHEEP_CORE_FEATURES_H
#define SHEEP_CORE_FEATURES_H

#include "util/err.h"

/* The features JSON (runtime-spec features-schema.json), built from the tables the modules use. */
char *sheep_features_json(struct sheep_err **err);

#endif
