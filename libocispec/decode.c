/* libocispec/decode.c: DOM -> C structs, driven by the field tables of codec.h. Owns the error
 * messages that name a JSON path ("linux.namespaces[1].type: unknown namespace 'foo'") and the
 * exact integer conversion (numbers are decimal text; no double ever rounds a limit).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"

/* Longest number text quoted back in an error message. */
#define NUMBER_QUOTE_MAX 64

static void path_append(struct oci_decoder *d, const char *s, size_t n)
{
	if (d->path_len + n + 1 > d->path_cap) {
		size_t cap = (d->path_len + n + 1) * 2;
		char *p = realloc(d->path, cap);
		if (p == NULL)
			return; /* the message loses part of its path, nothing worse */
		d->path = p;
		d->path_cap = cap;
	}
	memcpy(d->path + d->path_len, s, n);
	d->path_len += n;
	d->path[d->path_len] = '\0';
}

size_t oci_path_push_key(struct oci_decoder *d, const char *key)
{
	size_t old = d->path_len;

	if (old > 0)
		path_append(d, ".", 1);
	path_append(d, key, strlen(key));
	return old;
}

size_t oci_path_push_index(struct oci_decoder *d, size_t i)
{
	size_t old = d->path_len;
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "[%zu]", i);

	path_append(d, buf, (size_t)n);
	return old;
}

void oci_path_pop(struct oci_decoder *d, size_t old)
{
	if (d->path != NULL && old <= d->path_len) {
		d->path_len = old;
		d->path[old] = '\0';
	}
}

int oci_decode_fail(struct oci_decoder *d, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;

	if (d->error != NULL)
		return -1;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (d->path_len > 0)
		d->error =
		    oci_strdup_printf("%s: %s: %s", d->name, d->path, msg ? msg : "out of memory");
	else
		d->error = oci_strdup_printf("%s: %s", d->name, msg ? msg : "out of memory");
	free(msg);
	if (d->error == NULL)
		d->error = strdup("out of memory");
	return -1;
}

void oci_decoder_release(struct oci_decoder *d)
{
	free(d->path);
	free(d->error);
	d->path = d->error = NULL;
	d->path_len = d->path_cap = 0;
}

static int expect(struct oci_decoder *d, const struct oci_json *v, enum oci_json_type type)
{
	static const char *const names[] = {"null",   "boolean", "number",
					    "string", "array",	 "object"};

	if (v->type == type)
		return 0;
	return oci_decode_fail(d, "expected %s, got %s", names[type], oci_json_type_name(v));
}

static char digit_at(const char *ip, size_t ilen, const char *fp, size_t i)
{
	return i < ilen ? ip[i] : fp[i - ilen];
}

/* JSON number text -> sign and magnitude, exactly: "1e3" is 1000, "1.5" is not an integer,
 * "1e400" is out of range. Returns 0, -1 (not an integer) or -2 (magnitude over uint64). */
static int parse_magnitude(const char *s, bool *neg, uint64_t *mag)
{
	const char *ip, *fp = "";
	size_t ilen, flen = 0, total, first, last;
	long long exp = 0, e2;
	bool eneg = false;

	*neg = *s == '-';
	s += *neg;
	ip = s;
	ilen = strspn(s, "0123456789");
	s += ilen;
	if (*s == '.') {
		fp = ++s;
		flen = strspn(s, "0123456789");
		s += flen;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		eneg = *s == '-';
		s += *s == '-' || *s == '+';
		for (; *s >= '0' && *s <= '9'; s++)
			if (exp < 1000000)
				exp = exp * 10 + (*s - '0');
	}
	total = ilen + flen;
	for (first = 0; first < total && digit_at(ip, ilen, fp, first) == '0'; first++)
		;
	*mag = 0;
	if (first == total)
		return 0; /* zero, whatever its spelling */
	for (last = total - 1; digit_at(ip, ilen, fp, last) == '0'; last--)
		;
	/* value = digits[first..last] * 10^e2 */
	e2 = (eneg ? -exp : exp) - (long long)flen + (long long)(total - 1 - last);
	if (e2 < 0)
		return -1;
	if ((long long)(last - first + 1) + e2 > 20)
		return -2;
	for (size_t i = first; i <= last; i++) {
		uint64_t dg = (uint64_t)(digit_at(ip, ilen, fp, i) - '0');
		if (*mag > (UINT64_MAX - dg) / 10)
			return -2;
		*mag = *mag * 10 + dg;
	}
	for (; e2 > 0; e2--) {
		if (*mag > UINT64_MAX / 10)
			return -2;
		*mag *= 10;
	}
	return 0;
}

int oci_parse_uint64(const char *text, uint64_t max, uint64_t *ret)
{
	bool neg;
	uint64_t mag;
	int r = parse_magnitude(text, &neg, &mag);

	if (r < 0)
		return r;
	if ((neg && mag != 0) || mag > max)
		return -2;
	*ret = mag;
	return 0;
}

int oci_parse_int64(const char *text, int64_t min, int64_t max, int64_t *ret)
{
	bool neg;
	uint64_t mag;
	int r = parse_magnitude(text, &neg, &mag);

	if (r < 0)
		return r;
	if (!neg) {
		if (mag > (uint64_t)max)
			return -2;
		*ret = (int64_t)mag;
		return 0;
	}
	/* -(min + 1) + 1 is |min| without overflowing int64 */
	if (mag > (uint64_t)(-(min + 1)) + 1)
		return -2;
	*ret = mag == 0 ? 0 : -(int64_t)(mag - 1) - 1;
	return 0;
}

static int decode_integer(struct oci_decoder *d, const struct oci_json *v, enum oci_kind kind,
			  void *dst)
{
	static const char *const tname[] = {[OCI_INT64] = "int64",
					    [OCI_UINT64] = "uint64",
					    [OCI_INT32] = "int32",
					    [OCI_UINT32] = "uint32",
					    [OCI_UINT16] = "uint16"};
	int64_t i = 0;
	uint64_t u = 0;
	int r;

	if (expect(d, v, OCI_JSON_NUMBER) < 0)
		return -1;
	switch (kind) {
	case OCI_INT64:
		r = oci_parse_int64(v->text, INT64_MIN, INT64_MAX, &i);
		*(int64_t *)dst = i;
		break;
	case OCI_INT32:
		r = oci_parse_int64(v->text, INT32_MIN, INT32_MAX, &i);
		*(int32_t *)dst = (int32_t)i;
		break;
	case OCI_UINT64:
		r = oci_parse_uint64(v->text, UINT64_MAX, &u);
		*(uint64_t *)dst = u;
		break;
	case OCI_UINT32:
		r = oci_parse_uint64(v->text, UINT32_MAX, &u);
		*(uint32_t *)dst = (uint32_t)u;
		break;
	default:
		r = oci_parse_uint64(v->text, UINT16_MAX, &u);
		*(uint16_t *)dst = (uint16_t)u;
		break;
	}
	if (r == -1)
		return oci_decode_fail(d, "number %.*s%s is not an integer", NUMBER_QUOTE_MAX,
				       v->text, v->len > NUMBER_QUOTE_MAX ? "..." : "");
	if (r < 0)
		return oci_decode_fail(d, "number %.*s%s out of range for %s", NUMBER_QUOTE_MAX,
				       v->text, v->len > NUMBER_QUOTE_MAX ? "..." : "",
				       tname[kind]);
	return 0;
}

static int decode_string(struct oci_decoder *d, const struct oci_json *v,
			 const struct oci_enum *values, char **dst)
{
	if (expect(d, v, OCI_JSON_STRING) < 0)
		return -1;
	if (values != NULL) {
		const char *const *a = values->values;
		while (*a != NULL && strcmp(*a, v->text) != 0)
			a++;
		if (*a == NULL)
			return oci_decode_fail(d, "unknown %s '%.128s%s'", values->noun, v->text,
					       v->len > 128 ? "..." : "");
	}
	*dst = strdup(v->text);
	return *dst ? 0 : oci_decode_fail(d, "out of memory");
}

/* Arrays are allocated at their full length at once (zeroed), so a failure half-way leaves a
 * struct that oci_free_fields can free. */
static void *alloc_array(struct oci_decoder *d, size_t n, size_t size, size_t extra)
{
	void *a = calloc(n + extra ? n + extra : 1, size);

	if (a == NULL)
		oci_decode_fail(d, "out of memory");
	return a;
}

static int decode_string_array(struct oci_decoder *d, const struct oci_json *v,
			       const struct oci_field *f, void *obj)
{
	char ***dst = (char ***)((char *)obj + f->off);

	if (expect(d, v, OCI_JSON_ARRAY) < 0)
		return -1;
	/* One extra NULL: args and env go straight to execve(). */
	if ((*dst = alloc_array(d, v->len, sizeof(char *), 1)) == NULL)
		return -1;
	*(size_t *)((char *)obj + f->len_off) = v->len;
	for (uint32_t i = 0; i < v->len; i++) {
		size_t old = oci_path_push_index(d, i);
		if (decode_string(d, &v->items[i], f->values, &(*dst)[i]) < 0)
			return -1;
		oci_path_pop(d, old);
	}
	return 0;
}

static int decode_uint32_array(struct oci_decoder *d, const struct oci_json *v,
			       const struct oci_field *f, void *obj)
{
	uint32_t **dst = (uint32_t **)((char *)obj + f->off);

	if (expect(d, v, OCI_JSON_ARRAY) < 0)
		return -1;
	if ((*dst = alloc_array(d, v->len, sizeof(uint32_t), 0)) == NULL)
		return -1;
	*(size_t *)((char *)obj + f->len_off) = v->len;
	for (uint32_t i = 0; i < v->len; i++) {
		size_t old = oci_path_push_index(d, i);
		if (decode_integer(d, &v->items[i], OCI_UINT32, &(*dst)[i]) < 0)
			return -1;
		oci_path_pop(d, old);
	}
	return 0;
}

static int decode_map(struct oci_decoder *d, const struct oci_json *v, struct oci_map **dst)
{
	struct oci_map *m;

	if (expect(d, v, OCI_JSON_OBJECT) < 0)
		return -1;
	if ((m = *dst = calloc(1, sizeof(*m))) == NULL)
		return oci_decode_fail(d, "out of memory");
	m->keys = alloc_array(d, v->len, sizeof(char *), 1);
	m->values = alloc_array(d, v->len, sizeof(char *), 1);
	if (m->keys == NULL || m->values == NULL)
		return -1;
	m->len = v->len;
	for (uint32_t i = 0; i < v->len; i++) {
		size_t old = oci_path_push_key(d, v->items[i].key);
		if ((m->keys[i] = strdup(v->items[i].key)) == NULL)
			return oci_decode_fail(d, "out of memory");
		if (decode_string(d, &v->items[i], NULL, &m->values[i]) < 0)
			return -1;
		oci_path_pop(d, old);
	}
	return 0;
}

static int decode_object_array(struct oci_decoder *d, const struct oci_json *v,
			       const struct oci_field *f, void *obj)
{
	char **dst = (char **)((char *)obj + f->off);
	size_t size = f->type->size;

	if (expect(d, v, OCI_JSON_ARRAY) < 0)
		return -1;
	if ((*dst = alloc_array(d, v->len, size, 0)) == NULL)
		return -1;
	*(size_t *)((char *)obj + f->len_off) = v->len;
	for (uint32_t i = 0; i < v->len; i++) {
		size_t old = oci_path_push_index(d, i);
		if (oci_decode_object(d, &v->items[i], f->type, *dst + i * size) < 0)
			return -1;
		oci_path_pop(d, old);
	}
	return 0;
}

static int decode_keyed(struct oci_decoder *d, const struct oci_json *v, const struct oci_type *t,
			struct oci_keyed **dst)
{
	struct oci_keyed *k;

	if (expect(d, v, OCI_JSON_OBJECT) < 0)
		return -1;
	if ((k = *dst = calloc(1, sizeof(*k))) == NULL)
		return oci_decode_fail(d, "out of memory");
	k->keys = alloc_array(d, v->len, sizeof(char *), 1);
	k->values = alloc_array(d, v->len, t->size, 0);
	if (k->keys == NULL || k->values == NULL)
		return -1;
	k->len = v->len;
	for (uint32_t i = 0; i < v->len; i++) {
		size_t old = oci_path_push_key(d, v->items[i].key);
		if ((k->keys[i] = strdup(v->items[i].key)) == NULL)
			return oci_decode_fail(d, "out of memory");
		if (oci_decode_object(d, &v->items[i], t, (char *)k->values + i * t->size) < 0)
			return -1;
		oci_path_pop(d, old);
	}
	return 0;
}

static int decode_pointer(struct oci_decoder *d, const struct oci_json *v, const struct oci_type *t,
			  void **dst)
{
	if ((*dst = calloc(1, t->size)) == NULL)
		return oci_decode_fail(d, "out of memory");
	return oci_decode_object(d, v, t, *dst);
}

static int decode_field(struct oci_decoder *d, const struct oci_field *f, const struct oci_json *v,
			void *obj)
{
	void *dst = (char *)obj + f->off;

	switch (f->kind) {
	case OCI_STRING:
		return decode_string(d, v, f->values, dst);
	case OCI_BOOL:
		if (expect(d, v, OCI_JSON_BOOL) < 0)
			return -1;
		*(bool *)dst = v->boolean;
		return 0;
	case OCI_INT64:
	case OCI_UINT64:
	case OCI_INT32:
	case OCI_UINT32:
	case OCI_UINT16:
		return decode_integer(d, v, f->kind, dst);
	case OCI_STRING_ARRAY:
		return decode_string_array(d, v, f, obj);
	case OCI_UINT32_ARRAY:
		return decode_uint32_array(d, v, f, obj);
	case OCI_MAP:
		return decode_map(d, v, dst);
	case OCI_OBJECT:
		return decode_pointer(d, v, f->type, dst);
	case OCI_INLINE:
		return oci_decode_object(d, v, f->type, dst);
	case OCI_OBJECT_ARRAY:
		return decode_object_array(d, v, f, obj);
	case OCI_FLATTEN:
		return oci_decode_object(d, v, f->type, obj);
	case OCI_KEYED:
		return decode_keyed(d, v, f->type, dst);
	}
	return oci_decode_fail(d, "internal error: unknown field kind %d", f->kind);
}

int oci_decode_object(struct oci_decoder *d, const struct oci_json *v, const struct oci_type *t,
		      void *obj)
{
	if (expect(d, v, OCI_JSON_OBJECT) < 0)
		return -1;
	for (size_t i = 0; i < t->nfields; i++) {
		const struct oci_field *f = &t->fields[i];
		const struct oci_json *m = oci_json_get(v, f->key);
		size_t old = oci_path_push_key(d, f->key);

		if (m == NULL || m->type == OCI_JSON_NULL) {
			/* null stands for absent: the spec's Go structs write it that way */
			if (f->required)
				return oci_decode_fail(d, "required");
			oci_path_pop(d, old);
			continue;
		}
		if (decode_field(d, f, m, obj) < 0)
			return -1;
		if (f->has_off != OCI_NO_FLAG)
			*(bool *)((char *)obj + f->has_off) = true;
		if (f->check != NULL && f->check(d, (char *)obj + f->off) < 0)
			return -1;
		oci_path_pop(d, old);
	}
	return t->check ? t->check(d, obj) : 0;
}

void *oci_decode_document(const char *data, size_t len, const char *name, const struct oci_type *t,
			  char **ret_error)
{
	struct oci_decoder d = {.name = name};
	struct oci_json_doc *doc = oci_json_parse(data, len, name, ret_error);
	void *obj;

	if (doc == NULL)
		return NULL;
	obj = calloc(1, t->size);
	if (obj == NULL)
		oci_decode_fail(&d, "out of memory");
	else if (oci_decode_object(&d, &doc->root, t, obj) == 0) {
		oci_json_doc_free(doc);
		oci_decoder_release(&d);
		return obj;
	}
	oci_free_fields(t, obj);
	free(obj);
	oci_json_doc_free(doc);
	*ret_error = d.error;
	d.error = NULL;
	oci_decoder_release(&d);
	return NULL;
}
