/* The "0-3,7" parser of idlist.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/idlist.h"

static bool parse_id(const char **s, size_t max_ids, unsigned long *ret)
{
	char *end;

	if (**s < '0' || **s > '9')
		return false;
	errno = 0;
	*ret = strtoul(*s, &end, 10);
	*s = end;
	return errno == 0 && *ret < max_ids;
}

bool sheep_id_list_parse(const char *s, unsigned long *mask, size_t max_ids, bool *ret_any)
{
	const size_t bits = 8 * sizeof(unsigned long);

	memset(mask, 0, (max_ids + bits - 1) / bits * sizeof(unsigned long));
	*ret_any = false;
	while (*s) {
		unsigned long lo, hi;

		if (!parse_id(&s, max_ids, &lo))
			return false;
		hi = lo;
		if (*s == '-' && (s++, !parse_id(&s, max_ids, &hi) || hi < lo))
			return false;
		for (unsigned long n = lo; n <= hi; n++)
			mask[n / bits] |= 1UL << (n % bits);
		*ret_any = true;
		if (*s == ',' && s[1] != '\0')
			s++;
		else if (*s != '\0')
			return false;
	}
	return true;
}
