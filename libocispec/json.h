/* libocispec/json.h: a small read-only JSON DOM for libocispec's decoders (runtime-spec and
 * image-spec). Built with yajl's callback parser so that every limit is enforced while parsing:
 * input size (OCI_MAX_INPUT_SIZE), nesting (OCI_MAX_DEPTH), duplicate keys, NUL bytes (raw or
 * "\u0000"), invalid UTF-8. Numbers keep their text so integer ranges are checked exactly.
 * Depends on libc and yajl only.
 */
#ifndef OCISPEC_JSON_H
#define OCISPEC_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum oci_json_type {
	OCI_JSON_NULL,
	OCI_JSON_BOOL,
	OCI_JSON_NUMBER,
	OCI_JSON_STRING,
	OCI_JSON_ARRAY,
	OCI_JSON_OBJECT,
};

/*
 * One value. Members of an object and elements of an array are stored by value in `items`
 * (`len` of them); an object member's name is its `key`. Strings and numbers point into the
 * document's text arena, NUL-terminated (strings never contain NUL: it is rejected).
 */
struct oci_json {
	uint8_t type;	 /* enum oci_json_type */
	bool boolean;	 /* OCI_JSON_BOOL */
	uint32_t len;	 /* string length in bytes, or number of items */
	const char *key; /* member name when this value sits in an object, else NULL */
	union {
		const char *text; /* OCI_JSON_STRING (decoded) and OCI_JSON_NUMBER (as written) */
		struct oci_json *items; /* OCI_JSON_ARRAY and OCI_JSON_OBJECT */
	};
};

struct oci_json_doc {
	struct oci_json root;
	char *arena; /* owns every string, number and key */
};

/*
 * Parses `len` bytes. `name` prefixes error messages ("config.json: invalid JSON at byte 3: ...");
 * on failure returns NULL and sets *ret_error to a malloc'd message (the caller frees it).
 */
struct oci_json_doc *oci_json_parse(const char *data, size_t len, const char *name,
				    char **ret_error);
void oci_json_doc_free(struct oci_json_doc *doc);

/*
 * Reads a whole file / fd (from its current offset) into a malloc'd, NUL-terminated buffer,
 * refusing inputs over OCI_MAX_INPUT_SIZE without reading past the limit:
 *   "<name>: file too large (N bytes, limit 16777216)", "<name>: open '<path>': <strerror>".
 * Return 0, or -1 with *ret_error set.
 */
int oci_json_read_fd(int fd, const char *name, char **ret_data, size_t *ret_len, char **ret_error);
int oci_json_read_file(const char *path, const char *name, char **ret_data, size_t *ret_len,
		       char **ret_error);

/* The member `key` of an object (NULL if absent or `obj` is not an object). */
const struct oci_json *oci_json_get(const struct oci_json *obj, const char *key);
/* "null", "boolean", "number", "string", "array", "object". */
const char *oci_json_type_name(const struct oci_json *value);

/* malloc'd printf, NULL on allocation failure (used for every error message). */
char *oci_strdup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
