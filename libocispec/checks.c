/* libocispec/checks.c: the schema patterns and ranges that the field tables attach to single
 * fields (runtime-spec config-schema.json, defs.json, config-linux.json), and the accepted
 * ociVersion range. Each check runs with the decoder's path on the field it checks.
 */
#include <string.h>

#include "checks.h"

static bool all_of(const char *s, const char *set)
{
	return s[strspn(s, set)] == '\0';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Strings quoted back in messages are cut: a hostile value can be megabytes long. */
#define Q "'%.128s'"

int oci_check_file_mode(struct oci_decoder *d, const void *v)
{
	uint32_t mode = *(const uint32_t *)v;

	/* defs.json FileMode: decimal 0..511, i.e. permission bits only (0777); podman sends the
	 * host node's whole st_mode (S_IFCHR | 0600), which runc and crun accept: type bits pass */
	if ((mode & ~0170000u) > 0777)
		return oci_decode_fail(d, "file mode %u out of range (0 to 0777)", mode);
	return 0;
}

int oci_check_hook_timeout(struct oci_decoder *d, const void *v)
{
	int64_t t = *(const int64_t *)v;

	if (t < 1)
		return oci_decode_fail(d, "timeout %lld out of range (minimum 1)", (long long)t);
	return 0;
}

int oci_check_pid(struct oci_decoder *d, const void *v)
{
	int64_t pid = *(const int64_t *)v;

	if (pid < 0)
		return oci_decode_fail(d, "pid %lld out of range (minimum 0)", (long long)pid);
	return 0;
}

int oci_check_rlimit_type(struct oci_decoder *d, const void *v)
{
	const char *s = *(char *const *)v;

	/* ^RLIMIT_[A-Z]+$ */
	if (strncmp(s, "RLIMIT_", 7) != 0 || s[7] == '\0' ||
	    !all_of(s + 7, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
		return oci_decode_fail(d, "invalid rlimit type " Q, s);
	return 0;
}

int oci_check_page_size(struct oci_decoder *d, const void *v)
{
	const char *s = *(char *const *)v;
	size_t n = strlen(s), digits = strspn(s, "0123456789");

	/* ^[1-9][0-9]*[KMG]B$ */
	if (n < 3 || s[0] == '0' || digits != n - 2 || !strchr("KMG", s[n - 2]) || s[n - 1] != 'B')
		return oci_decode_fail(d, "invalid page size " Q, s);
	return 0;
}

int oci_check_cpu_list(struct oci_decoder *d, const void *v)
{
	const char *s = *(char *const *)v;

	/* ^[0-9, -]*$ */
	if (!all_of(s, "0123456789, -"))
		return oci_decode_fail(d, "invalid CPU list " Q, s);
	return 0;
}

int oci_check_mem_bw_schema(struct oci_decoder *d, const void *v)
{
	const char *s = *(char *const *)v;

	/* ^MB:[^\n]*$ */
	if (strncmp(s, "MB:", 3) != 0 || strchr(s, '\n') != NULL)
		return oci_decode_fail(d, "invalid memory bandwidth schema " Q, s);
	return 0;
}

int oci_check_not_empty(struct oci_decoder *d, const void *v)
{
	/* the array pointer is followed by its _len (see OCI_FA) */
	if (*(const size_t *)((const char *)v + sizeof(char **)) == 0)
		return oci_decode_fail(d, "must not be empty");
	return 0;
}

/*
 * The runtime implements runtime-spec 1.0 to 1.3: 1.MINOR.PATCH with MINOR 0..3 and any
 * pre-release or build suffix ("1.0.2-dev", "1.1.0-rc.1"): later 1.x minors may add fields
 * whose absence here would go unnoticed, and 2.x may change meanings.
 */
int oci_check_version(struct oci_decoder *d, const void *v)
{
	const char *s = *(char *const *)v;
	const char *p = s;

	if (p[0] == '1' && p[1] == '.' && p[2] >= '0' && p[2] <= '3' && p[3] == '.' &&
	    is_digit(p[4])) {
		for (p += 4; is_digit(*p); p++)
			;
		if (*p == '\0' || *p == '-' || *p == '+')
			return 0;
	}
	return oci_decode_fail(d, "unsupported version " Q " (supported: 1.0.0 to 1.3.x)", s);
}
