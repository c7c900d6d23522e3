/* libocispec/encode.c: C structs -> JSON (yajl_gen), and the destructor and deep comparison that
 * walk the same field tables as the decoder. A field is written only when present: strings,
 * arrays and objects when non-NULL, flagged scalars when their has_ flag is set.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"

struct encoder {
	yajl_gen g;
	struct oci_decoder *d; /* path and error */
};

static int gen_ok(struct encoder *e, yajl_gen_status st)
{
	if (st == yajl_gen_status_ok)
		return 0;
	return oci_decode_fail(e->d, "yajl_gen error %d", (int)st);
}

static int gen_str(struct encoder *e, const char *s)
{
	yajl_gen_status st;

	if (s == NULL)
		return oci_decode_fail(e->d, "NULL string");
	st = yajl_gen_string(e->g, (const unsigned char *)s, strlen(s));
	if (st == yajl_gen_invalid_string)
		return oci_decode_fail(e->d, "invalid UTF-8");
	return gen_ok(e, st);
}

static int gen_integer(struct encoder *e, enum oci_kind kind, const void *p)
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
	return gen_ok(e, yajl_gen_number(e->g, buf, (size_t)n));
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

static int encode_item(struct encoder *e, const struct oci_field *f, const char *array, size_t i)
{
	switch (f->kind) {
	case OCI_STRING_ARRAY:
		return gen_str(e, ((char *const *)array)[i]);
	case OCI_UINT32_ARRAY:
		return gen_integer(e, OCI_UINT32, (const uint32_t *)array + i);
	default:
		return oci_encode_object(e->g, e->d, f->type, array + i * f->type->size);
	}
}

static int encode_array(struct encoder *e, const struct oci_field *f, const void *obj)
{
	const char *array = *(const char *const *)((const char *)obj + f->off);
	size_t len = *(const size_t *)((const char *)obj + f->len_off);

	if (gen_ok(e, yajl_gen_array_open(e->g)) < 0)
		return -1;
	for (size_t i = 0; i < len; i++) {
		size_t old = oci_path_push_index(e->d, i);
		if (encode_item(e, f, array, i) < 0)
			return -1;
		oci_path_pop(e->d, old);
	}
	return gen_ok(e, yajl_gen_array_close(e->g));
}

/* struct oci_map (t == NULL) and struct oci_keyed share the keys-first layout */
static int encode_keyed(struct encoder *e, const struct oci_type *t, const void *p)
{
	const struct oci_keyed *k = p;
	const struct oci_map *m = p;
	size_t len = t ? k->len : m->len;

	if (gen_ok(e, yajl_gen_map_open(e->g)) < 0)
		return -1;
	for (size_t i = 0; i < len; i++) {
		const char *key = t ? k->keys[i] : m->keys[i];
		size_t old;
		int r;
		if (gen_str(e, key) < 0)
			return -1;
		old = oci_path_push_key(e->d, key);
		if (t != NULL)
			r = oci_encode_object(e->g, e->d, t, (const char *)k->values + i * t->size);
		else
			r = gen_str(e, m->values[i]);
		if (r < 0)
			return -1;
		oci_path_pop(e->d, old);
	}
	return gen_ok(e, yajl_gen_map_close(e->g));
}

static int encode_field(struct encoder *e, const struct oci_field *f, const void *obj)
{
	const char *p = (const char *)obj + f->off;

	switch (f->kind) {
	case OCI_STRING:
		return gen_str(e, *(char *const *)p);
	case OCI_BOOL:
		return gen_ok(e, yajl_gen_bool(e->g, *(const bool *)p));
	case OCI_INT64:
	case OCI_UINT64:
	case OCI_INT32:
	case OCI_UINT32:
	case OCI_UINT16:
		return gen_integer(e, f->kind, p);
	case OCI_STRING_ARRAY:
	case OCI_UINT32_ARRAY:
	case OCI_OBJECT_ARRAY:
		return encode_array(e, f, obj);
	case OCI_MAP:
		return encode_keyed(e, NULL, *(void *const *)p);
	case OCI_OBJECT:
		return oci_encode_object(e->g, e->d, f->type, *(void *const *)p);
	case OCI_INLINE:
		return oci_encode_object(e->g, e->d, f->type, p);
	case OCI_FLATTEN:
		return oci_encode_object(e->g, e->d, f->type, obj);
	case OCI_KEYED:
		return encode_keyed(e, f->type, *(void *const *)p);
	}
	return oci_decode_fail(e->d, "internal error: unknown field kind %d", f->kind);
}

int oci_encode_object(yajl_gen g, struct oci_decoder *d, const struct oci_type *t, const void *obj)
{
	struct encoder e = {.g = g, .d = d};

	if (gen_ok(&e, yajl_gen_map_open(g)) < 0)
		return -1;
	for (size_t i = 0; i < t->nfields; i++) {
		const struct oci_field *f = &t->fields[i];
		size_t old = oci_path_push_key(d, f->key);
		if (!field_present(f, obj)) {
			/* what the parser requires, the writer must not leave out */
			if (f->required)
				return oci_decode_fail(d, "required");
			oci_path_pop(d, old);
			continue;
		}
		if (gen_str(&e, f->key) < 0 || encode_field(&e, f, obj) < 0)
			return -1;
		oci_path_pop(d, old);
	}
	return gen_ok(&e, yajl_gen_map_close(g));
}

static char *encode(yajl_gen g, struct oci_decoder *d, const struct oci_type *t, const void *obj,
		    size_t *ret_len)
{
	const unsigned char *buf;
	size_t len;
	char *out;

	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_config(g, yajl_gen_indent_string, "\t");
	yajl_gen_config(g, yajl_gen_validate_utf8, 1);
	if (oci_encode_object(g, d, t, obj) < 0)
		return NULL;
	if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok ||
	    (out = malloc(len + 1)) == NULL) {
		oci_decode_fail(d, "out of memory");
		return NULL;
	}
	memcpy(out, buf, len);
	out[len] = '\0';
	if (ret_len != NULL)
		*ret_len = len;
	return out;
}

char *oci_encode_document(const struct oci_type *t, const void *obj, const char *what,
			  size_t *ret_len, char **ret_error)
{
	char *name = oci_strdup_printf("%s: cannot write JSON", what);
	struct oci_decoder d = {.name = name ? name : what};
	yajl_gen g = NULL;
	char *out = NULL;

	*ret_error = NULL;
	if (obj == NULL)
		oci_decode_fail(&d, "no document");
	else if ((g = yajl_gen_alloc(NULL)) == NULL)
		oci_decode_fail(&d, "out of memory");
	else
		out = encode(g, &d, t, obj, ret_len);
	if (g != NULL)
		yajl_gen_free(g);
	if (out == NULL) {
		*ret_error = d.error;
		d.error = NULL;
	}
	oci_decoder_release(&d);
	free(name);
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
