/* libocispec/codec.h: the table-driven decoder, encoder, destructor and comparison shared by every
 * libocispec document. A struct is described once, one descriptor per JSON key, and the same
 * tables drive parsing, writing, freeing and equality, so a field cannot be parsed but forgotten
 * by the writer. Internal to libocispec (image.c may use it too); depends on json.h and yajl.
 */
#ifndef OCISPEC_CODEC_H
#define OCISPEC_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>

#include "json.h"
#include "ocispec.h"

enum oci_kind {
	OCI_STRING, /* char *; with `values`: an enum */
	OCI_BOOL,   /* bool, optional has_ flag */
	OCI_INT64,  /* integers: value, optional has_ flag (no flag = always written) */
	OCI_UINT64,
	OCI_INT32,
	OCI_UINT32,
	OCI_UINT16,
	OCI_STRING_ARRAY, /* char **, NULL-terminated, + size_t len; with `values`: enums */
	OCI_UINT32_ARRAY, /* uint32_t * + size_t len */
	OCI_MAP,	  /* struct oci_map * (object of string -> string) */
	OCI_OBJECT,	  /* pointer to a struct of `type`, NULL when absent */
	OCI_INLINE,	  /* a struct of `type` embedded in this one, with a has_ flag */
	OCI_OBJECT_ARRAY, /* array of structs of `type` + size_t len */
	OCI_FLATTEN,	  /* a JSON object whose members are fields of this same struct */
	OCI_KEYED,	  /* pointer to struct oci_keyed: object of name -> struct of `type` */
};

#define OCI_NO_FLAG ((size_t)-1)

struct oci_decoder;

/* Allowed values of an enum-like string, and the noun used in "unknown <noun> '<value>'". */
struct oci_enum {
	const char *noun;
	const char *const *values; /* NULL-terminated */
};

struct oci_field {
	const char *key;
	uint8_t kind;	/* enum oci_kind */
	bool required;	/* "<path>: required" when absent or null */
	size_t off;	/* offset of the value (or of the pointer / array) */
	size_t has_off; /* offset of the has_ flag, or OCI_NO_FLAG */
	size_t len_off; /* offset of the _len for arrays */
	const struct oci_type *type;
	const struct oci_enum *values;
	/* Extra validation after decoding (pattern, range); the decoder's path points at the field.
	 * `value` points at the field's storage. Return 0 or oci_decode_fail(...). */
	int (*check)(struct oci_decoder *d, const void *value);
};

struct oci_type {
	size_t size;
	const struct oci_field *fields;
	size_t nfields;
	/* Whole-object validation after all fields decoded (optional). */
	int (*check)(struct oci_decoder *d, const void *obj);
};

/* The layout shared by struct oci_rdma and struct oci_net_devices. */
struct oci_keyed {
	char **keys;
	void *values;
	size_t len;
};

struct oci_decoder {
	const char *name; /* error prefix, e.g. "config.json" */
	char *path;	  /* "linux.namespaces[1].type" */
	size_t path_len;
	size_t path_cap;
	char *error;
};

/* Field descriptor helpers. S is the struct, M the member, K the JSON key; extra designated
 * initializers (.required = true, .type = &..., .values = &..., .check = ...) may follow. */
#define OCI_F(K, KIND, S, M, ...)                                                                  \
	{                                                                                          \
		.key = K, .kind = KIND, .off = offsetof(S, M), .has_off = OCI_NO_FLAG, __VA_ARGS__ \
	}
#define OCI_FH(K, KIND, S, M, ...)                                                                 \
	{                                                                                          \
		.key = K, .kind = KIND, .off = offsetof(S, M), .has_off = offsetof(S, has_##M),    \
		__VA_ARGS__                                                                        \
	}
#define OCI_FA(K, KIND, S, M, ...)                                                                 \
	{                                                                                          \
		.key = K, .kind = KIND, .off = offsetof(S, M), .has_off = OCI_NO_FLAG,             \
		.len_off = offsetof(S, M##_len), __VA_ARGS__                                       \
	}
#define OCI_TYPE(S, FIELDS, ...)                                                                   \
	{                                                                                          \
		.size = sizeof(S), .fields = FIELDS,                                               \
		.nfields = sizeof(FIELDS) / sizeof(FIELDS[0]), __VA_ARGS__                         \
	}

/* Decoding: every function returns 0, or -1 with d->error set (the first error wins). */
int oci_decode_object(struct oci_decoder *d, const struct oci_json *v, const struct oci_type *t,
		      void *obj);
int oci_decode_fail(struct oci_decoder *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Parses JSON text and decodes its top-level object into a new struct of type t; NULL + message. */
void *oci_decode_document(const char *data, size_t len, const char *name, const struct oci_type *t,
			  char **ret_error);
void oci_decoder_release(struct oci_decoder *d);
/* The path in messages: push returns the length to pop back to. */
size_t oci_path_push_key(struct oci_decoder *d, const char *key);
size_t oci_path_push_index(struct oci_decoder *d, size_t i);
void oci_path_pop(struct oci_decoder *d, size_t old);

/* Writes obj as a JSON object with yajl_gen (beautified, tab-indented): malloc'd NUL-terminated
 * text, or NULL and *ret_error = "<what>: cannot write JSON: <path>: <reason>" (a required field
 * absent, a NULL string in an array, invalid UTF-8). */
char *oci_encode_document(const struct oci_type *t, const void *obj, const char *what,
			  size_t *ret_len, char **ret_error);
/* Errors go to `d` (its name prefixes them, its path locates them). */
int oci_encode_object(yajl_gen g, struct oci_decoder *d, const struct oci_type *t, const void *obj);

/* Frees what obj owns (not obj itself). NULL-safe. */
void oci_free_fields(const struct oci_type *t, void *obj);
void oci_map_free(struct oci_map *map);
/* Deep equality of two structs of type t (NULL == NULL). */
bool oci_equal(const struct oci_type *t, const void *a, const void *b);

/* Integer text -> value, exactly. Returns 0, or -1 ("is not an integer") / -2 (out of range). */
int oci_parse_int64(const char *text, int64_t min, int64_t max, int64_t *ret);
int oci_parse_uint64(const char *text, uint64_t max, uint64_t *ret);

#endif
