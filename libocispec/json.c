/* libocispec/json.c: JSON text -> DOM with yajl's callback parser, and bounded file reading.
 * Every limit that protects the runtime from a hostile config.json is enforced here, while the
 * document is being read, so nothing downstream ever sees an oversized or ambiguous document.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "ocispec.h"
#include "json.h"

/* Objects with more members than this get a hash index so duplicate detection stays linear. */
#define LINEAR_KEYS 16

struct frame {
	struct oci_json node; /* the container being built */
	size_t cap;
	uint32_t *index; /* open-addressing table of member positions + 1, 0 = empty */
	size_t index_cap;
	const char *key; /* object: the member name waiting for its value */
};

struct parser {
	const char *data;
	size_t len;
	const char *name;
	yajl_handle h;
	char *arena;
	size_t arena_used;
	size_t arena_cap;
	struct frame stack[OCI_MAX_DEPTH];
	int depth;
	struct oci_json root;
	bool have_root;
	char *error;
};

char *oci_strdup_printf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	return r < 0 ? NULL : s;
}

const char *oci_json_type_name(const struct oci_json *v)
{
	static const char *const names[] = {"null",   "boolean", "number",
					    "string", "array",	 "object"};

	return v->type < sizeof(names) / sizeof(names[0]) ? names[v->type] : "value";
}

const struct oci_json *oci_json_get(const struct oci_json *obj, const char *key)
{
	if (obj == NULL || obj->type != OCI_JSON_OBJECT)
		return NULL;
	for (uint32_t i = 0; i < obj->len; i++)
		if (strcmp(obj->items[i].key, key) == 0)
			return &obj->items[i];
	return NULL;
}

static void value_free(struct oci_json *v)
{
	/* Recursion depth is bounded by OCI_MAX_DEPTH: deeper documents are never built. */
	if (v->type != OCI_JSON_ARRAY && v->type != OCI_JSON_OBJECT)
		return;
	for (uint32_t i = 0; i < v->len; i++)
		value_free(&v->items[i]);
	free(v->items);
	v->items = NULL;
	v->len = 0;
}

void oci_json_doc_free(struct oci_json_doc *doc)
{
	if (doc == NULL)
		return;
	value_free(&doc->root);
	free(doc->arena);
	free(doc);
}

static size_t offset_now(struct parser *p)
{
	return yajl_get_bytes_consumed(p->h);
}

/* Sets our own error and returns 0, which makes yajl cancel the parse. */
__attribute__((format(printf, 2, 3))) static int fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;

	if (p->error != NULL)
		return 0;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	p->error = oci_strdup_printf("%s: %s", p->name, msg ? msg : "out of memory");
	free(msg);
	if (p->error == NULL)
		p->error = strdup("out of memory");
	return 0;
}

/* Start of the string token that ends just before byte `end` (its opening quote). */
static size_t string_start(const struct parser *p, size_t end)
{
	size_t i = end >= 2 ? end - 2 : 0;

	while (i > 0) {
		if (p->data[i] == '"') {
			size_t bs = 0;
			while (i - bs > 0 && p->data[i - bs - 1] == '\\')
				bs++;
			if (bs % 2 == 0)
				return i;
		}
		i--;
	}
	return 0;
}

/* "linux.sysctl" for errors found while parsing: the member names and indexes that lead from the
 * top level through the first `count` open containers. */
static char *parse_path(const struct parser *p, int count)
{
	char *path = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&path, &size);

	if (f == NULL)
		return NULL;
	for (int i = 0; i < count && i < p->depth; i++) {
		const struct frame *fr = &p->stack[i];
		if (fr->node.type == OCI_JSON_ARRAY)
			fprintf(f, "[%u]", fr->node.len);
		else if (fr->key != NULL)
			fprintf(f, "%s%s", ftell(f) > 0 ? "." : "", fr->key);
	}
	if (fclose(f) != 0) {
		free(path);
		return NULL;
	}
	return path;
}

/* fail() with the path through the first `count` open containers before the message. */
__attribute__((format(printf, 3, 4))) static int fail_in(struct parser *p, int count,
							 const char *fmt, ...)
{
	char *path = parse_path(p, count), *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (path != NULL && *path != '\0')
		fail(p, "%s: %s", path, msg ? msg : "out of memory");
	else
		fail(p, "%s", msg ? msg : "out of memory");
	free(path);
	free(msg);
	return 0;
}

static const char *arena_copy(struct parser *p, const void *s, size_t n)
{
	char *dst;

	/* The arena was sized from the input: a decoded token plus its NUL never outgrows its
	 * text plus a separator, so this cannot trigger on any input; it guards the invariant. */
	if (n + 1 > p->arena_cap - p->arena_used) {
		fail(p, "internal error: text arena exhausted at byte %zu", offset_now(p));
		return NULL;
	}
	dst = p->arena + p->arena_used;
	memcpy(dst, s, n);
	dst[n] = '\0';
	p->arena_used += n + 1;
	return dst;
}

static uint64_t hash_key(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static int index_insert(struct frame *f, uint32_t pos)
{
	size_t mask = f->index_cap - 1;
	size_t i = hash_key(f->node.items[pos].key) & mask;

	while (f->index[i] != 0)
		i = (i + 1) & mask;
	f->index[i] = pos + 1;
	return 0;
}

static int index_grow(struct frame *f)
{
	size_t cap = f->index_cap ? f->index_cap * 2 : 4 * LINEAR_KEYS;
	uint32_t *index = calloc(cap, sizeof(*index));

	if (index == NULL)
		return -1;
	free(f->index);
	f->index = index;
	f->index_cap = cap;
	for (uint32_t pos = 0; pos < f->node.len; pos++)
		index_insert(f, pos);
	return 0;
}

static bool has_key(struct frame *f, const char *key)
{
	if (f->index == NULL) {
		for (uint32_t i = 0; i < f->node.len; i++)
			if (strcmp(f->node.items[i].key, key) == 0)
				return true;
		return false;
	}
	for (size_t i = hash_key(key) & (f->index_cap - 1); f->index[i] != 0;
	     i = (i + 1) & (f->index_cap - 1))
		if (strcmp(f->node.items[f->index[i] - 1].key, key) == 0)
			return true;
	return false;
}

static int add_value(struct parser *p, struct oci_json *v)
{
	struct frame *f;

	if (p->depth == 0) {
		p->root = *v;
		p->have_root = true;
		return 1;
	}
	f = &p->stack[p->depth - 1];
	if (f->node.len == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 4;
		struct oci_json *items = realloc(f->node.items, cap * sizeof(*items));
		if (items == NULL)
			return fail(p, "out of memory at byte %zu", offset_now(p));
		f->node.items = items;
		f->cap = cap;
	}
	if (f->node.type == OCI_JSON_OBJECT) {
		v->key = f->key;
		f->key = NULL;
	}
	f->node.items[f->node.len++] = *v;
	if (f->node.type != OCI_JSON_OBJECT || f->node.len <= LINEAR_KEYS)
		return 1;
	if (f->node.len * 2 > f->index_cap)
		return index_grow(f) == 0 ? 1 : fail(p, "out of memory at byte %zu", offset_now(p));
	index_insert(f, f->node.len - 1);
	return 1;
}

static int on_null(void *ctx)
{
	struct oci_json v = {.type = OCI_JSON_NULL};

	return add_value(ctx, &v);
}

static int on_boolean(void *ctx, int b)
{
	struct oci_json v = {.type = OCI_JSON_BOOL, .boolean = b != 0};

	return add_value(ctx, &v);
}

static int on_number(void *ctx, const char *s, size_t n)
{
	struct oci_json v = {.type = OCI_JSON_NUMBER, .len = (uint32_t)n};

	v.text = arena_copy(ctx, s, n);
	return v.text ? add_value(ctx, &v) : 0;
}

static int on_string(void *ctx, const unsigned char *s, size_t n)
{
	struct parser *p = ctx;
	struct oci_json v = {.type = OCI_JSON_STRING, .len = (uint32_t)n};

	/* A NUL inside a string would silently truncate it in C (a path, an argument). */
	if (memchr(s, '\0', n) != NULL)
		return fail_in(p, p->depth, "\\u0000 in string at byte %zu",
			       string_start(p, offset_now(p)));
	v.text = arena_copy(p, s, n);
	return v.text ? add_value(p, &v) : 0;
}

static int on_key(void *ctx, const unsigned char *s, size_t n)
{
	struct parser *p = ctx;
	struct frame *f = &p->stack[p->depth - 1];
	const char *key;

	if (memchr(s, '\0', n) != NULL)
		return fail_in(p, p->depth - 1, "\\u0000 in key at byte %zu",
			       string_start(p, offset_now(p)));
	key = arena_copy(p, s, n);
	if (key == NULL)
		return 0;
	/* RFC 8259 leaves duplicate names undefined; two readers could disagree on which wins. */
	if (has_key(f, key))
		return fail_in(p, p->depth - 1, "duplicate key '%s' at byte %zu", key,
			       string_start(p, offset_now(p)));
	f->key = key;
	return 1;
}

static int open_container(struct parser *p, enum oci_json_type type)
{
	if (p->depth >= OCI_MAX_DEPTH)
		return fail(p, "JSON nested deeper than %d levels at byte %zu", OCI_MAX_DEPTH,
			    offset_now(p) - 1);
	p->stack[p->depth++] = (struct frame){.node = {.type = type}};
	return 1;
}

static int close_container(struct parser *p)
{
	struct frame f = p->stack[--p->depth];

	free(f.index);
	if (f.node.len > 0 && f.cap > f.node.len) {
		/* Trim the doubling slack: arrays can hold a million items. */
		struct oci_json *items = realloc(f.node.items, f.node.len * sizeof(*items));
		if (items != NULL)
			f.node.items = items;
	}
	if (add_value(p, &f.node))
		return 1;
	value_free(&f.node);
	return 0;
}

static int on_start_map(void *ctx)
{
	return open_container(ctx, OCI_JSON_OBJECT);
}

static int on_start_array(void *ctx)
{
	return open_container(ctx, OCI_JSON_ARRAY);
}

static int on_end(void *ctx)
{
	return close_container(ctx);
}

static const yajl_callbacks callbacks = {
    .yajl_null = on_null,
    .yajl_boolean = on_boolean,
    .yajl_number = on_number,
    .yajl_string = on_string,
    .yajl_start_map = on_start_map,
    .yajl_map_key = on_key,
    .yajl_end_map = on_end,
    .yajl_start_array = on_start_array,
    .yajl_end_array = on_end,
};

static char *yajl_message(struct parser *p, size_t offset)
{
	unsigned char *raw = yajl_get_error(p->h, 0, (const unsigned char *)p->data, p->len);
	const char *text = raw ? (const char *)raw : "parse error";
	size_t n = strcspn(text, "\n");
	char *msg =
	    oci_strdup_printf("%s: invalid JSON at byte %zu: %.*s", p->name, offset, (int)n, text);

	if (raw)
		yajl_free_error(p->h, raw);
	return msg;
}

static void parser_cleanup(struct parser *p)
{
	while (p->depth > 0) {
		struct frame *f = &p->stack[--p->depth];
		free(f->index);
		value_free(&f->node);
	}
	if (p->have_root)
		value_free(&p->root);
	free(p->arena);
	if (p->h)
		yajl_free(p->h);
}

/*
 * Offset of the first byte that is not well-formed UTF-8 (RFC 3629), or `len`. yajl checks only
 * the shape of multi-byte sequences: overlong forms ("\xc0\xaf" for '/'), UTF-16 surrogates and
 * code points past U+10FFFF get through it, and would reach paths and arguments.
 */
static size_t utf8_invalid_at(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		unsigned char lo = 0x80, hi = 0xbf;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3;
		else
			return i;
		/* the second byte's range excludes overlongs, surrogates and > U+10FFFF */
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
		else if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
		if (i + n >= len)
			return i;
		for (size_t k = 1; k <= n; k++) {
			unsigned char b = s[i + k];
			if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xbf))
				return i;
		}
		i += n + 1;
	}
	return len;
}

static int precheck(const char *data, size_t len, const char *name, char **ret_error)
{
	const char *nul;
	size_t bad;

	if (len > OCI_MAX_INPUT_SIZE) {
		*ret_error = oci_strdup_printf("%s: file too large (%zu bytes, limit %u)", name,
					       len, OCI_MAX_INPUT_SIZE);
		return -1;
	}
	nul = memchr(data, '\0', len);
	if (nul != NULL) {
		*ret_error =
		    oci_strdup_printf("%s: NUL byte at byte %zu", name, (size_t)(nul - data));
		return -1;
	}
	bad = utf8_invalid_at((const unsigned char *)data, len);
	if (bad < len) {
		*ret_error = oci_strdup_printf("%s: invalid UTF-8 at byte %zu", name, bad);
		return -1;
	}
	return 0;
}

static int run_parser(struct parser *p, char **ret_error)
{
	yajl_status st = yajl_parse(p->h, (const unsigned char *)p->data, p->len);
	/* yajl stops just past the offending byte; report the byte itself */
	size_t offset = yajl_get_bytes_consumed(p->h);

	if (offset > 0)
		offset--;

	/* errors found by the final flush (a truncated document) are at the end of the input */
	if (st == yajl_status_ok) {
		st = yajl_complete_parse(p->h);
		offset = p->len;
	}
	if (st == yajl_status_ok && p->have_root)
		return 0;
	if (p->error != NULL) {
		*ret_error = p->error;
		p->error = NULL;
	} else {
		*ret_error = yajl_message(p, offset);
	}
	return -1;
}

struct oci_json_doc *oci_json_parse(const char *data, size_t len, const char *name,
				    char **ret_error)
{
	struct parser p = {.data = data, .len = len, .name = name};
	struct oci_json_doc *doc;

	*ret_error = NULL;
	if (precheck(data, len, name, ret_error) < 0)
		return NULL;
	p.arena_cap = len + 2;
	p.arena = malloc(p.arena_cap);
	doc = calloc(1, sizeof(*doc));
	p.h = yajl_alloc(&callbacks, NULL, &p);
	if (p.arena == NULL || doc == NULL || p.h == NULL) {
		*ret_error = oci_strdup_printf("%s: out of memory", name);
		goto fail;
	}
	if (run_parser(&p, ret_error) < 0)
		goto fail;
	doc->root = p.root;
	doc->arena = p.arena;
	p.have_root = false;
	p.arena = NULL;
	parser_cleanup(&p);
	return doc;
fail:
	free(p.error);
	parser_cleanup(&p);
	free(doc);
	return NULL;
}
