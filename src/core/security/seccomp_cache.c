/* The compiled-filter cache: a canonical text of everything that determines the BPF program names
 * a file (FNV-1a of the text) holding that text, the install-time fields and the program. A hit
 * needs the stored text byte-identical to the current one, so a hash collision only misses. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/seccomp.h"
#include "core/security/seccomp_priv.h"
#include "util/cleanup.h"
#include "util/fs.h"

#define CACHE_MAGIC "sheep-seccomp-cache 1\n"
/* A docker-default profile is ~20 KiB of text and ~6 KiB of BPF; anything near this is not ours. */
#define CACHE_MAX_SIZE (4u << 20)
/* BPF_MAXINSNS: the kernel refuses longer programs, so a longer cached one is corrupt. */
#define MAX_INSNS 4096

static void put_str(FILE *f, const char *s)
{
	if (s == NULL)
		fputs("n;", f);
	else
		fprintf(f, "s%zu:%s;", strlen(s), s);
}

static void put_strv(FILE *f, const char *tag, char *const *v, size_t len)
{
	fprintf(f, "%s%zu[", tag, len);
	for (size_t i = 0; i < len; i++)
		put_str(f, v[i]);
	fputs("]\n", f);
}

static void put_syscall(FILE *f, const struct oci_syscall *sc)
{
	put_strv(f, "names", sc->names, sc->names_len);
	fputs("action", f);
	put_str(f, sc->action);
	fprintf(f, "errno%d:%" PRIu32 ";args%zu[", sc->has_errno_ret, sc->errno_ret, sc->args_len);
	for (size_t i = 0; i < sc->args_len; i++) {
		const struct oci_syscall_arg *a = &sc->args[i];

		fprintf(f, "%" PRIu32 ",%" PRIu64 ",%d,%" PRIu64 ",", a->index, a->value,
			a->has_value_two, a->value_two);
		put_str(f, a->op);
	}
	fputs("]\n", f);
}

/* The libseccomp version and native arch are part of the key: they decide the program and which
 * names are skipped. listenerMetadata only matters for validation, so only its presence counts. */
static char *canonical_text(const struct oci_seccomp *cfg, size_t *ret_len)
{
	const struct scmp_version *v = seccomp_version();
	char *buf = NULL;
	FILE *f = open_memstream(&buf, ret_len);

	if (f == NULL)
		return NULL;
	fprintf(f, "libseccomp %u.%u.%u native %" PRIu32 "\ndefault", v->major, v->minor, v->micro,
		seccomp_arch_native());
	put_str(f, cfg->default_action);
	fprintf(f, "errno%d:%" PRIu32 "\n", cfg->has_default_errno_ret, cfg->default_errno_ret);
	put_strv(f, "arches", cfg->architectures, cfg->architectures_len);
	put_strv(f, "flags", cfg->flags, cfg->flags_len);
	fprintf(f, "listener%d,%d\nsyscalls%zu\n", cfg->listener_path != NULL,
		cfg->listener_metadata != NULL, cfg->syscalls_len);
	for (size_t i = 0; i < cfg->syscalls_len; i++)
		put_syscall(f, &cfg->syscalls[i]);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static uint64_t fnv1a64(const char *p, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

/* The directory must be ours alone: created by us (0700), owned by the caller, not a symlink. */
static int open_cache_dir(const char *path)
{
	struct stat st;
	int fd;

	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -1;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 07777) != 0700) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Reads the file only when it is a regular file of the caller, mode 0600. */
static char *read_entry(int dirfd, const char *name, size_t *ret_len)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct sheep_err *e = NULL;
	struct stat st;
	char *buf = NULL;

	if (fd < 0 || fstat(fd, &st) < 0)
		return NULL;
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 07777) != 0600)
		return NULL;
	if (sheep_read_fd(fd, CACHE_MAX_SIZE, &buf, ret_len, &e) < 0) {
		sheep_err_free(e);
		return NULL;
	}
	return buf;
}

struct cursor {
	const char *p, *end;
};

/* Consumes exactly `s`. */
static bool take(struct cursor *c, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n) != 0)
		return false;
	c->p += n;
	return true;
}

/* Consumes a decimal number followed by `sep`. */
static bool take_num(struct cursor *c, char sep, unsigned long long max, unsigned long long *ret)
{
	unsigned long long v = 0;
	const char *start = c->p;

	while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
		v = v * 10 + (unsigned long long)(*c->p++ - '0');
		if (v > max)
			return false;
	}
	if (c->p == start || c->p == c->end || *c->p != sep)
		return false;
	c->p++;
	*ret = v;
	return true;
}

/* Consumes `len` bytes into *ret (NULL: only compared with `expect`). */
static bool take_bytes(struct cursor *c, size_t len, const void *expect, const char **ret)
{
	if ((size_t)(c->end - c->p) < len)
		return false;
	if (expect != NULL && memcmp(c->p, expect, len) != 0)
		return false;
	if (ret != NULL)
		*ret = c->p;
	c->p += len;
	return true;
}

static bool parse_skipped(struct cursor *c, struct sheep_seccomp *s, size_t n)
{
	s->skipped = calloc(n + 1, sizeof(char *));
	if (s->skipped == NULL)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned long long len;
		const char *name;

		if (!take_num(c, ':', 4096, &len) || !take_bytes(c, len, NULL, &name) ||
		    !take(c, "\n") || memchr(name, '\0', len) != NULL)
			return false;
		s->skipped[i] = strndup(name, len);
		if (s->skipped[i] == NULL)
			return false;
		s->skipped_len++;
	}
	return true;
}

/* magic, "canon LEN\n" TEXT "\n", "flags F listener L skipped N\n" N*(LEN:NAME\n),
 * "bpf LEN\n" PROG, end of file. */
static bool parse_entry(struct cursor *c, const char *canon, size_t canon_len,
			struct sheep_seccomp *s)
{
	unsigned long long len, flags, listener, nskip;
	const char *prog;

	if (!take(c, CACHE_MAGIC) || !take(c, "canon ") ||
	    !take_num(c, '\n', CACHE_MAX_SIZE, &len) || len != canon_len ||
	    !take_bytes(c, len, canon, NULL) || !take(c, "\nflags ") ||
	    !take_num(c, ' ', UINT32_MAX, &flags) || !take(c, "listener ") ||
	    !take_num(c, ' ', 1, &listener) || !take(c, "skipped ") ||
	    !take_num(c, '\n', 4096, &nskip) || !parse_skipped(c, s, nskip) || !take(c, "bpf ") ||
	    !take_num(c, '\n', MAX_INSNS * sizeof(struct sock_filter), &len) || len == 0 ||
	    len % sizeof(struct sock_filter) != 0 || !take_bytes(c, len, NULL, &prog) ||
	    c->p != c->end)
		return false;
	s->prog = malloc(len);
	if (s->prog == NULL)
		return false;
	memcpy(s->prog, prog, len);
	s->prog_len = len / sizeof(struct sock_filter);
	s->flags = (unsigned int)flags;
	s->needs_listener = listener != 0;
	return true;
}

static struct sheep_seccomp *lookup(int dirfd, const char *name, const char *canon,
				    size_t canon_len)
{
	size_t len = 0;
	_cleanup_free_ char *buf = read_entry(dirfd, name, &len);
	struct sheep_seccomp *s;
	struct cursor c;

	if (buf == NULL)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	c = (struct cursor){buf, buf + len};
	if (!parse_entry(&c, canon, canon_len, s)) {
		sheep_seccomp_free(s);
		return NULL;
	}
	return s;
}

/* Best effort: a cache that cannot be written only costs the next container a compile. */
static void store(int dirfd, const char *name, const char *canon, size_t canon_len,
		  const struct sheep_seccomp *s)
{
	size_t bpf_len = s->prog_len * sizeof(struct sock_filter), len = 0;
	_cleanup_free_ char *buf = NULL;
	struct sheep_err *e = NULL;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return;
	fprintf(f, CACHE_MAGIC "canon %zu\n", canon_len);
	fwrite(canon, 1, canon_len, f);
	fprintf(f, "\nflags %u listener %d skipped %zu\n", s->flags, s->needs_listener,
		s->skipped_len);
	for (size_t i = 0; i < s->skipped_len; i++)
		fprintf(f, "%zu:%s\n", strlen(s->skipped[i]), s->skipped[i]);
	fprintf(f, "bpf %zu\n", bpf_len);
	fwrite(s->prog, 1, bpf_len, f);
	if (fclose(f) != 0)
		return;
	if (sheep_write_file_atomic_at(dirfd, name, buf, len, 0600, &e) < 0)
		sheep_err_free(e);
}

struct aged {
	char name[NAME_MAX + 1];
	struct timespec mtime;
};

static int older_first(const void *a, const void *b)
{
	const struct timespec *x = &((const struct aged *)a)->mtime;
	const struct timespec *y = &((const struct aged *)b)->mtime;

	if (x->tv_sec != y->tv_sec)
		return x->tv_sec < y->tv_sec ? -1 : 1;
	return (x->tv_nsec > y->tv_nsec) - (x->tv_nsec < y->tv_nsec);
}

/* After a miss: at most SHEEP_SECCOMP_CACHE_MAX entries stay, the least recently used (a hit
 * refreshes an entry's mtime) go first, so a host that sees ever new profiles (generated per
 * container, say) does not grow the cache without bound. Best effort, like store(). */
static void prune(int dirfd)
{
	_cleanup_free_ struct aged *all = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	struct stat st;
	int fd = dup(dirfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;

	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' ||
		    fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (n == cap) {
			struct aged *grown =
			    realloc(all, (cap = cap ? cap * 2 : 128) * sizeof(*all));
			if (grown == NULL)
				break;
			all = grown;
		}
		snprintf(all[n].name, sizeof(all[n].name), "%s", de->d_name);
		all[n++].mtime = st.st_mtim;
	}
	closedir(d);
	if (n <= SHEEP_SECCOMP_CACHE_MAX)
		return;
	qsort(all, n, sizeof(*all), older_first);
	for (size_t i = 0; i < n - SHEEP_SECCOMP_CACHE_MAX; i++)
		unlinkat(dirfd, all[i].name, 0);
}

int sheep_seccomp_compile_cached(const struct oci_seccomp *cfg, const char *cache_dir,
				 struct sheep_seccomp **ret, struct sheep_err **err)
{
	_cleanup_close_ int dirfd = -1;
	_cleanup_free_ char *canon = NULL;
	size_t canon_len = 0;
	char name[32];

	*ret = NULL;
	if (cfg == NULL || cache_dir == NULL)
		return sheep_seccomp_compile(cfg, ret, err);
	canon = canonical_text(cfg, &canon_len);
	dirfd = canon != NULL ? open_cache_dir(cache_dir) : -1;
	if (dirfd < 0)
		return sheep_seccomp_compile(cfg, ret, err);
	snprintf(name, sizeof(name), "%016" PRIx64, fnv1a64(canon, canon_len));
	*ret = lookup(dirfd, name, canon, canon_len);
	if (*ret != NULL) {
		/* recently used: the last to be pruned */
		utimensat(dirfd, name, NULL, 0);
		return 0;
	}
	if (sheep_seccomp_compile(cfg, ret, err) < 0)
		return -1;
	store(dirfd, name, canon, canon_len, *ret);
	prune(dirfd);
	return 0;
}
