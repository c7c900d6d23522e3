/* Lists of small numbers as the kernel writes them ("0-3,7": cpus, NUMA nodes), to bitmasks. */
#ifndef SHEEP_UTIL_IDLIST_H
#define SHEEP_UTIL_IDLIST_H

#include <stdbool.h>
#include <stddef.h>

/* Sets the bit of every id in s in mask (max_ids bits, zeroed first). False when s is not
 * comma-separated ids and lo-hi ranges, or names an id >= max_ids. *ret_any: any id given (an
 * empty string is a valid, empty list). */
bool sheep_id_list_parse(const char *s, unsigned long *mask, size_t max_ids, bool *ret_any);

#endif
