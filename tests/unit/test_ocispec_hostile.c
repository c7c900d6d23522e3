/* Unit tests of libocispec against hostile input: nesting, size (data, file, pipe), integer limits
 * of every C type, invalid UTF-8, NUL bytes, duplicate keys, huge arrays and objects.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_ocispec.h"

#define HEAD "{\"ociVersion\": \"1.0.0\", "

static char *xmalloc(size_t n)
{
	char *p = malloc(n);

	assert_non_null(p);
	return p;
}

/* `{"ociVersion": "1.0.0", "x": ` + depth-1 '[' + ']'s + '}': `depth` levels in all. */
static char *nested(size_t depth, size_t *ret_len)
{
	const char *head = "{\"ociVersion\": \"1.0.0\", \"x\": ";
	size_t h = strlen(head), len = h + 2 * (depth - 1) + 1;
	char *s = xmalloc(len + 1);

	memcpy(s, head, h);
	memset(s + h, '[', depth - 1);
	memset(s + h + depth - 1, ']', depth - 1);
	s[len - 1] = '}';
	s[len] = '\0';
	*ret_len = len;
	return s;
}

static void test_nesting(void **state)
{
	size_t len;
	char *s = nested(OCI_MAX_DEPTH, &len);
	char want[128];

	oci_config_free(parse_ok(s)); /* exactly the limit is fine */
	free(s);
	s = nested(OCI_MAX_DEPTH + 1, &len);
	/* the 65th container opens at byte 28 (after `{"ociVersion": "1.0.0", "x": `) + 63 */
	snprintf(want, sizeof(want), "config.json: JSON nested deeper than 64 levels at byte %zu",
		 strlen("{\"ociVersion\": \"1.0.0\", \"x\": ") + 63);
	expect_error(s, len, want);
	free(s);
	s = nested(10000, &len);
	expect_error(s, len, want);
	free(s);
	s = xmalloc(10001);
	memset(s, '[', 10000);
	expect_error(s, 10000, "config.json: JSON nested deeper than 64 levels at byte 64");
	free(s);
}

/* `{"ociVersion": "1.0.0", "x": "aaa..."}` of exactly `len` bytes */
static char *padded(size_t len)
{
	const char *head = "{\"ociVersion\": \"1.0.0\", \"x\": \"";
	char *s = xmalloc(len + 1);

	memset(s, 'a', len);
	memcpy(s, head, strlen(head));
	memcpy(s + len - 2, "\"}", 2);
	s[len] = '\0';
	return s;
}

static void test_size_data(void **state)
{
	char *s = padded(OCI_MAX_INPUT_SIZE);

	oci_config_free(parse_ok(s));
	free(s);
	s = padded(OCI_MAX_INPUT_SIZE + 1);
	expect_error(s, OCI_MAX_INPUT_SIZE + 1,
		     "config.json: file too large (16777217 bytes, limit 16777216)");
	free(s);
}

/* A 100 MiB (sparse) file is refused from its size, without reading it. */
static void test_size_file(void **state)
{
	char path[] = "/tmp/test_ocispec_XXXXXX";
	int fd = mkstemp(path);
	char *err = NULL;

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 100 << 20), 0);
	assert_null(oci_config_parse_file(path, "config.json", &err));
	assert_string_equal(err, "config.json: file too large (104857600 bytes, limit 16777216)");
	free(err);
	assert_null(oci_config_parse_fd(fd, "config.json", &err));
	assert_string_equal(err, "config.json: file too large (104857600 bytes, limit 16777216)");
	free(err);
	assert_int_equal(lseek(fd, 0, SEEK_CUR), 0);
	close(fd);
	unlink(path);
}

/* From a pipe the size is unknown: reading stops one byte past the limit. */
static void test_size_pipe(void **state)
{
	const size_t total = 20u << 20;
	int p[2];
	pid_t pid;
	char *err = NULL, buf[65536];
	size_t left = 0;
	ssize_t n;
	int status;

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		memset(buf, ' ', sizeof(buf));
		for (size_t done = 0; done < total; done += sizeof(buf))
			if (write(p[1], buf, sizeof(buf)) != (ssize_t)sizeof(buf))
				_exit(1);
		_exit(0);
	}
	close(p[1]);
	assert_null(oci_config_parse_fd(p[0], "config.json", &err));
	assert_string_equal(
	    err, "config.json: file too large (more than 16777216 bytes, limit 16777216)");
	free(err);
	while ((n = read(p[0], buf, sizeof(buf))) > 0)
		left += (size_t)n;
	close(p[0]);
	assert_true(left >= total - OCI_MAX_INPUT_SIZE - 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* A FIFO without a writer reads as empty instead of blocking the runtime forever. */
static void test_fifo_without_writer(void **state)
{
	char dir[] = "/tmp/test_ocispec_XXXXXX", path[64];
	char *err = NULL;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/config.json", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_null(oci_config_parse_file(path, "config.json", &err));
	assert_string_equal(err, "config.json: invalid JSON at byte 0: parse error: premature EOF");
	free(err);
	unlink(path);
	rmdir(dir);
}

static void test_long_enum_value_quoted_short(void **state)
{
	static char s[100100];
	const char *head = CFG("\"linux\": {\"rootfsPropagation\": \"");
	size_t h = strlen(head) - 1, n = 100000;
	char want[256];

	memcpy(s, head, h);
	memset(s + h, 'x', n);
	memcpy(s + h + n, "\"}}", 4);
	snprintf(want, sizeof(want),
		 "config.json: linux.rootfsPropagation: unknown rootfs propagation '%.128s...'",
		 s + h);
	EXPECT_ERROR(s, want);
}

static const struct {
	const char *prefix, *suffix, *path, *type;
	const char *min, *max, *below, *above;
} limits[] = {
    {HEAD "\"linux\": {\"resources\": {\"memory\": {\"limit\": ", "}}}}",
     "linux.resources.memory.limit", "int64", "-9223372036854775808", "9223372036854775807",
     "-9223372036854775809", "9223372036854775808"},
    {HEAD "\"process\": {\"cwd\": \"/\", \"rlimits\": [{\"type\": \"RLIMIT_AS\", "
	  "\"soft\": 1, \"hard\": ",
     "}]}}", "process.rlimits[0].hard", "uint64", "0", "18446744073709551615", "-1",
     "18446744073709551616"},
    {HEAD "\"process\": {\"cwd\": \"/\", \"ioPriority\": {\"class\": \"IOPRIO_CLASS_BE\", "
	  "\"priority\": ",
     "}}}", "process.ioPriority.priority", "int32", "-2147483648", "2147483647", "-2147483649",
     "2147483648"},
    {HEAD "\"process\": {\"cwd\": \"/\", \"user\": {\"uid\": ", "}}}", "process.user.uid", "uint32",
     "0", "4294967295", "-1", "4294967296"},
    {HEAD "\"process\": {\"cwd\": \"/\", \"user\": {\"additionalGids\": [1, ", "]}}}",
     "process.user.additionalGids[1]", "uint32", "0", "4294967295", "-1", "4294967296"},
    {HEAD "\"linux\": {\"resources\": {\"blockIO\": {\"leafWeight\": ", "}}}}",
     "linux.resources.blockIO.leafWeight", "uint16", "0", "65535", "-1", "65536"},
};

static void test_integer_limits(void **state)
{
	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		const char *ok[] = {limits[i].min, limits[i].max};
		const char *bad[] = {limits[i].below, limits[i].above};
		char json[512], want[512];
		for (size_t j = 0; j < 2; j++) {
			snprintf(json, sizeof(json), "%s%s%s", limits[i].prefix, ok[j],
				 limits[i].suffix);
			oci_config_free(parse_ok(json));
			snprintf(json, sizeof(json), "%s%s%s", limits[i].prefix, bad[j],
				 limits[i].suffix);
			snprintf(want, sizeof(want),
				 "config.json: %s: number %s out of range for %s", limits[i].path,
				 bad[j], limits[i].type);
			EXPECT_ERROR(json, want);
		}
	}
}

static void test_integer_values(void **state)
{
	struct oci_config *c = parse_ok(
	    CFG("\"process\": {\"cwd\": \"/\", \"user\": {\"uid\": 4294967295}, \"rlimits\": "
		"[{\"type\": \"RLIMIT_AS\", \"soft\": 18446744073709551615, \"hard\": 0}], "
		"\"ioPriority\": {\"class\": \"IOPRIO_CLASS_RT\", \"priority\": -2147483648}}, "
		"\"linux\": {\"resources\": {\"memory\": {\"limit\": -9223372036854775808}, "
		"\"blockIO\": {\"weight\": 65535}}}"));

	assert_true(c->process->user.uid == UINT32_MAX);
	assert_true(c->process->rlimits[0].soft == UINT64_MAX);
	assert_true(c->process->io_priority->priority == INT32_MIN);
	assert_true(c->linux_->resources->memory->limit == INT64_MIN);
	assert_true(c->linux_->resources->block_io->weight == UINT16_MAX);
	oci_config_free(c);
}

static void test_invalid_utf8(void **state)
{
	static const struct {
		const char *json;
		const char *msg;
	} bad[] = {
	    {CFG("\"hostname\": \"a\xff\""), "config.json: invalid UTF-8 at byte 38"},
	    /* in a key, a lead byte without its continuation */
	    {CFG("\"annotations\": {\"k\xc3\": \"v\"}"), "config.json: invalid UTF-8 at byte 42"},
	    /* overlong '/', a UTF-16 surrogate, past U+10FFFF, truncated at the end */
	    {CFG("\"hostname\": \"\xc0\xaf\""), "config.json: invalid UTF-8 at byte 37"},
	    {CFG("\"hostname\": \"\xe0\x80\xaf\""), "config.json: invalid UTF-8 at byte 37"},
	    {CFG("\"hostname\": \"\xed\xa0\x80\""), "config.json: invalid UTF-8 at byte 37"},
	    {CFG("\"hostname\": \"\xf4\x90\x80\x80\""), "config.json: invalid UTF-8 at byte 37"},
	    {"{\"ociVersion\": \"1.0.0\"}\xe2\x82", "config.json: invalid UTF-8 at byte 23"},
	};
	struct oci_config *c;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT_ERROR(bad[i].json, bad[i].msg);
	/* the largest code point of each length is fine */
	c = parse_ok(CFG("\"hostname\": \"\x7f\xdf\xbf\xef\xbf\xbf\xf4\x8f\xbf\xbf\xed\x9f\xbf\""));
	assert_int_equal(strlen(c->hostname), 13);
	oci_config_free(c);
}

static void test_nul_bytes(void **state)
{
	static const char raw[] = "{\"ociVersion\": \"1.0.0\", \"hostname\": \"a\0b\"}";

	expect_error(raw, sizeof(raw) - 1, "config.json: NUL byte at byte 38");
	EXPECT_ERROR(CFG("\"hostname\": \"a\\u0000b\""),
		     "config.json: hostname: \\u0000 in string at byte 36");
	EXPECT_ERROR(CFG("\"process\": {\"cwd\": \"/\", \"args\": [\"sh\", \"-c\\u0000\"]}"),
		     "config.json: process.args[1]: \\u0000 in string at byte 63");
	EXPECT_ERROR(CFG("\"annotations\": {\"k\\u0000\": \"v\"}"),
		     "config.json: annotations: \\u0000 in key at byte 40");
}

static void test_empty_and_garbage(void **state)
{
	expect_error("", 0, "config.json: invalid JSON at byte 0: parse error: premature EOF");
	EXPECT_ERROR("   ", "config.json: invalid JSON at byte 3: parse error: premature EOF");
	EXPECT_ERROR("{\"ociVersion\": \"1.0.0\"} {}",
		     "config.json: invalid JSON at byte 24: parse error: trailing garbage");
	EXPECT_ERROR("{\"ociVersion\": \"1.0.0\"} // comment",
		     "config.json: invalid JSON at byte 23: parse error: trailing garbage");
	EXPECT_ERROR("\"1.0.0\"", "config.json: expected object, got string");
	EXPECT_ERROR("null", "config.json: expected object, got null");
}

/* A million-element array is fine: the input size bounds it, not a count. */
static void test_million_elements(void **state)
{
	const char *head = CFG("\"linux\": {\"maskedPaths\": [");
	size_t n = 1000000, h = strlen(head) - 1, len = h + 4 * n + 2;
	char *s = xmalloc(len + 1), *p = s;
	struct oci_config *c;
	char *err = NULL;

	memcpy(p, head, h);
	p += h;
	for (size_t i = 0; i < n; i++, p += 4)
		memcpy(p, i ? ",\"a\"" : " \"a\"", 4);
	memcpy(p, "]}}", 3);
	len = (size_t)(p + 3 - s);
	c = oci_config_parse_data(s, len, "config.json", &err);
	assert_non_null(c);
	assert_int_equal(c->linux_->masked_paths_len, n);
	assert_string_equal(c->linux_->masked_paths[n - 1], "a");
	assert_null(c->linux_->masked_paths[n]);
	oci_config_free(c);
	free(s);
}

/* Duplicates are found in big objects too (hashed), at the right byte. */
static void test_duplicate_in_big_object(void **state)
{
	size_t n = 100000, cap = 32 + 16 * n;
	char *s = xmalloc(cap), want[128];
	size_t len = (size_t)snprintf(s, cap, "{\"ociVersion\": \"1.0.0\", \"annotations\": {");
	size_t dup_at;
	struct oci_config *c;

	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len, "%s\"k%zu\":\"v\"", i ? "," : "", i);
	memcpy(s + len, "}}", 3);
	c = parse_ok(s);
	assert_int_equal(c->annotations->len, n);
	assert_string_equal(oci_map_get(c->annotations, "k99999"), "v");
	oci_config_free(c);
	dup_at = len + 1;
	len += (size_t)snprintf(s + len, cap - len, ",\"k4242\":\"w\"}}");
	snprintf(want, sizeof(want), "config.json: annotations: duplicate key 'k4242' at byte %zu",
		 dup_at);
	expect_error(s, len, want);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nesting),
	    cmocka_unit_test(test_size_data),
	    cmocka_unit_test(test_size_file),
	    cmocka_unit_test(test_size_pipe),
	    cmocka_unit_test(test_fifo_without_writer),
	    cmocka_unit_test(test_long_enum_value_quoted_short),
	    cmocka_unit_test(test_integer_limits),
	    cmocka_unit_test(test_integer_values),
	    cmocka_unit_test(test_invalid_utf8),
	    cmocka_unit_test(test_nul_bytes),
	    cmocka_unit_test(test_empty_and_garbage),
	    cmocka_unit_test(test_million_elements),
	    cmocka_unit_test(test_duplicate_in_big_object),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
