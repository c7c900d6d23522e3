/* Private to src/core/security: the parsed capability sets, shared by parsing (parent) and
 * applying (container process). Bit n of a mask is capability number n. */
#ifndef SHEEP_CORE_SECURITY_CAPS_PRIV_H
#define SHEEP_CORE_SECURITY_CAPS_PRIV_H

#include <stdint.h>

struct sheep_caps {
	uint64_t bounding;
	uint64_t effective;
	uint64_t permitted;
	uint64_t inheritable;
	uint64_t ambient;
};

#define SHEEP_CAP_BIT(cap) (UINT64_C(1) << (cap))

#endif
