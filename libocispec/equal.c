/* libocispec/equal.c: deep comparison of two documents through the field tables, so that
 * "parse -> write -> parse gives an equal struct" can be checked for every field at once.
 * Absent and present-but-empty arrays differ (the writer keeps `"args": []`).
 */
#include <string.h>

#include "codec.h"

static bool str_equal(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

static size_t integer_size(enum oci_kind kind)
{
	switch (kind) {
	case OCI_INT64:
	case OCI_UINT64:
		return 8;
	case OCI_INT32:
	case OCI_UINT32:
		return 4;
	default:
		return 2;
	}
}

static bool map_equal(const struct oci_map *a, const struct oci_map *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	if (a->len != b->len)
		return false;
	for (size_t i = 0; i < a->len; i++)
		if (!str_equal(a->keys[i], b->keys[i]) || !str_equal(a->values[i], b->values[i]))
			return false;
	return true;
}

static bool keyed_equal(const struct oci_type *t, const struct oci_keyed *a,
			const struct oci_keyed *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	if (a->len != b->len)
		return false;
	for (size_t i = 0; i < a->len; i++)
		if (!str_equal(a->keys[i], b->keys[i]) ||
		    !oci_equal(t, (const char *)a->values + i * t->size,
			       (const char *)b->values + i * t->size))
			return false;
	return true;
}

static bool array_equal(const struct oci_field *f, const void *a, const void *b)
{
	const char *pa = *(const char *const *)((const char *)a + f->off);
	const char *pb = *(const char *const *)((const char *)b + f->off);
	size_t len = *(const size_t *)((const char *)a + f->len_off);

	if (pa == NULL || pb == NULL)
		return pa == pb;
	if (len != *(const size_t *)((const char *)b + f->len_off))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (f->kind == OCI_STRING_ARRAY &&
		    !str_equal(((char *const *)pa)[i], ((char *const *)pb)[i]))
			return false;
		if (f->kind == OCI_UINT32_ARRAY &&
		    ((const uint32_t *)pa)[i] != ((const uint32_t *)pb)[i])
			return false;
		if (f->kind == OCI_OBJECT_ARRAY &&
		    !oci_equal(f->type, pa + i * f->type->size, pb + i * f->type->size))
			return false;
	}
	return true;
}

static bool field_equal(const struct oci_field *f, const void *a, const void *b)
{
	const char *pa = (const char *)a + f->off, *pb = (const char *)b + f->off;

	if (f->has_off != OCI_NO_FLAG) {
		bool ha = *(const bool *)((const char *)a + f->has_off);
		if (ha != *(const bool *)((const char *)b + f->has_off))
			return false;
		if (!ha)
			return true;
	}
	switch (f->kind) {
	case OCI_STRING:
		return str_equal(*(char *const *)pa, *(char *const *)pb);
	case OCI_BOOL:
		return *(const bool *)pa == *(const bool *)pb;
	case OCI_STRING_ARRAY:
	case OCI_UINT32_ARRAY:
	case OCI_OBJECT_ARRAY:
		return array_equal(f, a, b);
	case OCI_MAP:
		return map_equal(*(struct oci_map *const *)pa, *(struct oci_map *const *)pb);
	case OCI_OBJECT:
		return oci_equal(f->type, *(void *const *)pa, *(void *const *)pb);
	case OCI_INLINE:
		return oci_equal(f->type, pa, pb);
	case OCI_FLATTEN:
		return oci_equal(f->type, a, b);
	case OCI_KEYED:
		return keyed_equal(f->type, *(struct oci_keyed *const *)pa,
				   *(struct oci_keyed *const *)pb);
	default:
		return memcmp(pa, pb, integer_size(f->kind)) == 0;
	}
}

bool oci_equal(const struct oci_type *t, const void *a, const void *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	for (size_t i = 0; i < t->nfields; i++)
		if (!field_equal(&t->fields[i], a, b))
			return false;
	return true;
}
