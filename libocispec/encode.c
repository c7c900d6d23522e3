/* libocispec/encode.c: C structs -> JSON (yajl_gen), and the destructor and deep comparison that
 * walk the same field tables as the decoder. A field is written only when present: strings,
 * arrays and objects when non-NULL, flagged scalars when their has_ flag is set.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"

static int gen_ok(yajl_gen_status st)
{
	return st == yajl_gen_status_ok ? 0 : -1;
}

static int gen_str(yajl_gen g, const char *s)
{
	if (s == NULL)
		return -1;
	return gen_ok(yajl_gen_string(g, (const unsigned char *)s, strlen(s)));
}

static int gen_integer(yajl_gen g, enum oci_kind kind, const void *p)
{
	char buf[32];
	int n;

	switch (kind) {
	case OCI_INT64:
		n = snprintf(buf, sizeof(buf), "%" PRId64, *(const int64_t *)p);
		break;
	case OCI_UINT64:
		n = snprintf(buf, sizeof(buf), "%" PRIu64, *(const uint64_t *)p);
		break;
	case OCI_INT32:
		n = snprintf(buf, sizeof(buf), "%" PRId32, *(const int32_t *)p);
		break;
	case OCI_UINT32:
		n = snprintf(buf, sizeof(buf), "%" PRIu32, *(const uint32_t *)p);
		break;
	default:
		n = snprintf(buf, sizeof(buf), "%u", (unsigned)*(const uint16_t *)p);
		break;
	}
	return gen_ok(yajl_gen_number(g, buf, (size_t)n));
}

static bool any_byte_set(const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != 0)
			return true;
	return false;
}

static bool field_present(const struct oci_field *f, const void *obj)
{
	const char *p = (const char *)obj + f->off;
	bool has = f->has_off != OCI_NO_FLAG && *(const bool *)((const char *)obj + f->has_off);

	switch (f->kind) {
	case OCI_BOOL:
		return f->has_off != OCI_NO_FLAG ? has : (*(const bool *)p || f->required);
	case OCI_INT64:
	case OCI_UINT64:
	case OCI_INT32:
	case OCI_UINT32:
	case OCI_UINT16:
		return f->has_off == OCI_NO_FLAG || has;
	case OCI_INLINE:
		/* a caller that filled the struct but forgot the flag still gets it written */
		return has || any_byte_set(p, f->type->size);
	case OCI_FLATTEN:
		for (size_t i = 0; i < f->type->nfields; i++)
			if (field_present(&f->type->fields[i], obj))
				return true;
		return false;
	default:
		return *(void *const *)p != NULL;
	}
}

static int encode_array(yajl_gen g, const struct oci_field *f, const void *obj)
{
	const char *p = (const char *)obj + f->off;
	size_t len = *(const size_t *)((const char *)obj + f->len_off);
	int r = gen_ok(yajl_gen_array_open(g));

	for (size_t i = 0; r == 0 && i < len; i++) {
		if (f->kind == OCI_STRING_ARRAY)
			r = gen_str(g, (*(char *const *const *)p)[i]);
		else if (f->kind == OCI_UINT32_ARRAY)
			r = gen_integer(g, OCI_UINT32, *(uint32_t *const *)p + i);
		else
			r = oci_encode_object(g, f->type,
					      *(const char *const *)p + i * f->type->size);
	}
	return r < 0 ? -1 : gen_ok(yajl_gen_array_close(g));
}

static int encode_map(yajl_gen g, const struct oci_map *m)
{
	int r = gen_ok(yajl_gen_map_open(g));

	for (size_t i = 0; r == 0 && i < m->len; i++)
		if ((r = gen_str(g, m->keys[i])) == 0)
			r = gen_str(g, m->values[i]);
	return r < 0 ? -1 : gen_ok(yajl_gen_map_close(g));
}

static int encode_keyed(yajl_gen g, const struct oci_type *t, const struct oci_keyed *k)
{
	int r = gen_ok(yajl_gen_map_open(g));

	for (size_t i = 0; r == 0 && i < k->len; i++)
		if ((r = gen_str(g, k->keys[i])) == 0)
			r = oci_encode_object(g, t, (const char *)k->values + i * t->size);
	return r < 0 ? -1 : gen_ok(yajl_gen_map_close(g));
}

static int encode_field(yajl_gen g, const struct oci_field *f, const void *obj)
{
	const char *p = (const char *)obj + f->off;

	switch (f->kind) {
	case OCI_STRING:
		return gen_str(g, *(char *const *)p);
	case OCI_BOOL:
		return gen_ok(yajl_gen_bool(g, *(const bool *)p));
	case OCI_INT64:
	case OCI_UINT64:
	case OCI_INT32:
	case OCI_UINT32:
	case OCI_UINT16:
		return gen_integer(g, f->kind, p);
	case OCI_STRING_ARRAY:
	case OCI_UINT32_ARRAY:
	case OCI_OBJECT_ARRAY:
		return encode_array(g, f, obj);
	case OCI_MAP:
		return encode_map(g, *(struct oci_map *const *)p);
	case OCI_OBJECT:
		return oci_encode_object(g, f->type, *(void *const *)p);
	case OCI_INLINE:
		return oci_encode_object(g, f->type, p);
	case OCI_FLATTEN:
		return oci_encode_object(g, f->type, obj);
	case OCI_KEYED:
		return encode_keyed(g, f->type, *(struct oci_keyed *const *)p);
	}
	return -1;
}

int oci_encode_object(yajl_gen g, const struct oci_type *t, const void *obj)
{
	if (gen_ok(yajl_gen_map_open(g)) < 0)
		return -1;
	for (size_t i = 0; i < t->nfields; i++) {
		const struct oci_field *f = &t->fields[i];
		if (!field_present(f, obj))
			continue;
		if (gen_str(g, f->key) < 0 || encode_field(g, f, obj) < 0)
			return -1;
	}
	return gen_ok(yajl_gen_map_close(g));
}

char *oci_encode_document(const struct oci_type *t, const void *obj, const char *what,
			  size_t *ret_len, char **ret_error)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;
	char *out = NULL;

	*ret_error = NULL;
	if (g == NULL || obj == NULL) {
		*ret_error = oci_strdup_printf("%s: cannot write JSON: %s", what,
					       g ? "no document" : "out of memory");
		goto out;
	}
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_config(g, yajl_gen_indent_string, "\t");
	yajl_gen_config(g, yajl_gen_validate_utf8, 1);
	if (oci_encode_object(g, t, obj) < 0 ||
	    yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok) {
		*ret_error = oci_strdup_printf(
		    "%s: cannot write JSON: a string is NULL or not valid UTF-8", what);
		goto out;
	}
	out = malloc(len + 1);
	if (out == NULL) {
		*ret_error = oci_strdup_printf("%s: cannot write JSON: out of memory", what);
		goto out;
	}
	memcpy(out, buf, len);
	out[len] = '\0';
	if (ret_len != NULL)
		*ret_len = len;
out:
	if (g != NULL)
		yajl_gen_free(g);
	return out;
}

void oci_map_free(struct oci_map *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->len; i++) {
		free(m->keys[i]);
		free(m->values[i]);
	}
	free(m->keys);
	free(m->values);
	free(m);
}

static void free_keyed(const struct oci_type *t, struct oci_keyed *k)
{
	if (k == NULL)
		return;
	for (size_t i = 0; i < k->len; i++) {
		free(k->keys[i]);
		oci_free_fields(t, (char *)k->values + i * t->size);
	}
	free(k->keys);
	free(k->values);
	free(k);
}

static void free_field(const struct oci_field *f, void *obj)
{
	char *p = (char *)obj + f->off;
	size_t len = f->len_off ? *(size_t *)((char *)obj + f->len_off) : 0;

	switch (f->kind) {
	case OCI_STRING:
	case OCI_UINT32_ARRAY:
		free(*(void **)p);
		break;
	case OCI_STRING_ARRAY:
		for (size_t i = 0; *(char ***)p != NULL && i < len; i++)
			free((*(char ***)p)[i]);
		free(*(void **)p);
		break;
	case OCI_MAP:
		oci_map_free(*(struct oci_map **)p);
		break;
	case OCI_OBJECT:
		oci_free_fields(f->type, *(void **)p);
		free(*(void **)p);
		break;
	case OCI_INLINE:
		oci_free_fields(f->type, p);
		break;
	case OCI_OBJECT_ARRAY:
		for (size_t i = 0; *(char **)p != NULL && i < len; i++)
			oci_free_fields(f->type, *(char **)p + i * f->type->size);
		free(*(void **)p);
		break;
	case OCI_FLATTEN:
		oci_free_fields(f->type, obj);
		break;
	case OCI_KEYED:
		free_keyed(f->type, *(struct oci_keyed **)p);
		break;
	default:
		break;
	}
}

void oci_free_fields(const struct oci_type *t, void *obj)
{
	if (obj == NULL)
		return;
	for (size_t i = 0; i < t->nfields; i++)
		free_field(&t->fields[i], obj);
}
