/* Unit tests of src/core/security/seccomp_cache.c: a hit gives the fresh compile's program (and is
 * really read from the file), a changed profile misses, and a tampered, truncated, foreign or
 * loosely-permitted entry or directory is ignored in favour of a compile. */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/seccomp.h"
#include "core/security/seccomp_priv.h"
#include "test_seccomp_profile.h"
#include "util/fs.h"

struct fixture {
	char root[64];
	char dir[96];
	struct oci_seccomp *profile;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	strcpy(f->root, "/tmp/sheep-scache-XXXXXX");
	assert_non_null(mkdtemp(f->root));
	snprintf(f->dir, sizeof(f->dir), "%s/cache", f->root);
	f->profile = test_profile_docker_like();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(sheep_rm_rf_at(AT_FDCWD, f->root, NULL), 0);
	test_profile_free(f->profile);
	free(f);
	return 0;
}

static void assert_same(const struct sheep_seccomp *a, const struct sheep_seccomp *b)
{
	assert_int_equal(a->prog_len, b->prog_len);
	assert_memory_equal(a->prog, b->prog, a->prog_len * sizeof(*a->prog));
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->needs_listener, b->needs_listener);
	assert_int_equal(a->skipped_len, b->skipped_len);
	for (size_t i = 0; i < a->skipped_len; i++)
		assert_string_equal(a->skipped[i], b->skipped[i]);
}

/* Compiles through the cache and checks the result against a fresh compile. */
static void compile_both(const struct fixture *f, const struct oci_seccomp *p)
{
	struct sheep_seccomp *fresh = NULL, *cached = NULL;

	assert_int_equal(sheep_seccomp_compile(p, &fresh, NULL), 0);
	assert_int_equal(sheep_seccomp_compile_cached(p, f->dir, &cached, NULL), 0);
	assert_same(fresh, cached);
	sheep_seccomp_free(fresh);
	sheep_seccomp_free(cached);
}

/* The number of entries in the cache dir; *name receives the last one. */
static int entries(const struct fixture *f, char *name);

/* A miss beyond SHEEP_SECCOMP_CACHE_MAX entries removes the least recently used: a hit counts as
 * a use, so an old entry that is hit survives and the oldest unused ones go. */
static void test_prune_lru(void **state)
{
	struct fixture *f = *state;
	struct sheep_seccomp *s = NULL;
	struct timespec times[2] = {{0, 0}, {0, 0}};
	char path[160], hit_name[512], last[512];
	int dirfd, i;

	compile_both(f, f->profile); /* creates the dir and the profile's entry */
	assert_int_equal(entries(f, hit_name), 1);
	dirfd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(dirfd >= 0);
	/* fillers older than everything, the profile's own entry the oldest of all */
	for (i = 0; i < SHEEP_SECCOMP_CACHE_MAX + 5; i++) {
		snprintf(path, sizeof(path), "%016x", 0x1000 + i);
		assert_int_equal(sheep_write_file_atomic_at(dirfd, path, "x", 1, 0600, NULL), 0);
		times[0].tv_sec = times[1].tv_sec = 1000000 + i;
		assert_int_equal(utimensat(dirfd, path, times, 0), 0);
	}
	times[0].tv_sec = times[1].tv_sec = 1;
	assert_int_equal(utimensat(dirfd, hit_name, times, 0), 0);
	/* a hit refreshes it; then a miss (another profile) prunes */
	assert_int_equal(sheep_seccomp_compile_cached(f->profile, f->dir, &s, NULL), 0);
	sheep_seccomp_free(s);
	f->profile->default_errno_ret = 38;
	f->profile->has_default_errno_ret = true;
	assert_int_equal(sheep_seccomp_compile_cached(f->profile, f->dir, &s, NULL), 0);
	sheep_seccomp_free(s);
	assert_int_equal(entries(f, last), SHEEP_SECCOMP_CACHE_MAX);
	assert_int_equal(faccessat(dirfd, hit_name, F_OK, 0), 0);
	/* 2 + 69 files, 64 kept: the 7 oldest fillers went */
	for (i = 0; i < SHEEP_SECCOMP_CACHE_MAX + 5; i++) {
		snprintf(path, sizeof(path), "%016x", 0x1000 + i);
		assert_int_equal(faccessat(dirfd, path, F_OK, 0) == 0, i >= 7);
	}
	close(dirfd);
}

static int entries(const struct fixture *f, char *name)
{
	DIR *d = opendir(f->dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(name, 512, "%s/%s", f->dir, de->d_name);
		n++;
	}
	closedir(d);
	return n;
}

static void read_entry(const char *path, char **buf, size_t *len)
{
	assert_int_equal(sheep_read_file_at(AT_FDCWD, path, 1 << 22, buf, len, NULL), 0);
}

static void write_entry(const char *path, const char *buf, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(sheep_write_all(fd, buf, len), 0);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void test_miss_creates_dir_then_hit(void **state)
{
	struct fixture *f = *state;
	struct stat st;
	char name[512];

	compile_both(f, f->profile);
	assert_int_equal(stat(f->dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(entries(f, name), 1);
	assert_int_equal(stat(name, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	compile_both(f, f->profile); /* the hit */
	assert_int_equal(entries(f, name), 1);
}

/* Flipping a byte of the stored program shows up in the result: the hit is read from the file. */
static void test_hit_reads_file(void **state)
{
	struct fixture *f = *state;
	struct sheep_seccomp *s = NULL;
	char name[512], *buf = NULL;
	size_t len = 0;

	compile_both(f, f->profile);
	assert_int_equal(entries(f, name), 1);
	read_entry(name, &buf, &len);
	buf[len - 1] ^= 0x5a;
	write_entry(name, buf, len, 0600);
	assert_int_equal(sheep_seccomp_compile_cached(f->profile, f->dir, &s, NULL), 0);
	assert_memory_equal((char *)s->prog + s->prog_len * 8 - 1, &buf[len - 1], 1);
	sheep_seccomp_free(s);
	free(buf);
}

static void test_changed_profile_misses(void **state)
{
	struct fixture *f = *state;
	char name[512];

	compile_both(f, f->profile);
	f->profile->has_default_errno_ret = true;
	f->profile->default_errno_ret = 38; /* ENOSYS: a different program */
	compile_both(f, f->profile);
	assert_int_equal(entries(f, name), 2);
	f->profile->syscalls[1].args[0].value = 0x1234; /* personality(0x1234) */
	compile_both(f, f->profile);
	assert_int_equal(entries(f, name), 3);
	f->profile->syscalls[1].names[0] = "Personality"; /* unknown to libseccomp: skipped */
	compile_both(f, f->profile);
	assert_int_equal(entries(f, name), 4);
}

/* Poisons the last program byte of the one entry and rewrites it through edit(): the cached
 * compile must then still equal a fresh one. */
static void tamper(struct fixture *f, void (*edit)(char *buf, size_t *len, mode_t *mode))
{
	char name[512], *buf = NULL;
	size_t len = 0;
	mode_t mode = 0600;

	compile_both(f, f->profile);
	assert_int_equal(entries(f, name), 1);
	read_entry(name, &buf, &len);
	buf[len - 1] ^= 0x5a; /* were the entry used, compile_both() would see this */
	edit(buf, &len, &mode);
	write_entry(name, buf, len, mode);
	compile_both(f, f->profile);
	free(buf);
}

static void edit_canon(char *buf, size_t *len, mode_t *mode)
{
	char *p = strstr(buf, "SCMP_ACT_ERRNO");

	(void)len;
	(void)mode;
	assert_non_null(p);
	p[9] = 'X'; /* same length, different text */
}

static void edit_truncate(char *buf, size_t *len, mode_t *mode)
{
	(void)buf;
	(void)mode;
	*len -= 8; /* one instruction short of the announced length */
}

static void edit_truncate_odd(char *buf, size_t *len, mode_t *mode)
{
	(void)buf;
	(void)mode;
	*len -= 3;
}

static void edit_mode(char *buf, size_t *len, mode_t *mode)
{
	(void)buf;
	(void)len;
	*mode = 0644;
}

static void edit_magic(char *buf, size_t *len, mode_t *mode)
{
	(void)len;
	(void)mode;
	buf[0] = 'X';
}

static void test_tampered_canon(void **state)
{
	tamper(*state, edit_canon);
}

static void test_truncated_bpf(void **state)
{
	tamper(*state, edit_truncate);
	tamper(*state, edit_truncate_odd);
}

static void test_wrong_mode(void **state)
{
	tamper(*state, edit_mode);
}

static void test_bad_magic(void **state)
{
	tamper(*state, edit_magic);
}

/* As root: an entry owned by someone else is ignored even with the right mode. */
static void test_foreign_owner(void **state)
{
	struct fixture *f = *state;
	struct sheep_seccomp *s = NULL;
	char name[512], *buf = NULL;
	size_t len = 0;

	if (geteuid() != 0)
		skip();
	compile_both(f, f->profile);
	assert_int_equal(entries(f, name), 1);
	read_entry(name, &buf, &len);
	buf[len - 1] ^= 0x5a;
	write_entry(name, buf, len, 0600);
	assert_int_equal(chown(name, 1, 1), 0);
	assert_int_equal(sheep_seccomp_compile_cached(f->profile, f->dir, &s, NULL), 0);
	assert_int_not_equal(((char *)s->prog)[s->prog_len * 8 - 1], buf[len - 1]);
	sheep_seccomp_free(s);
	free(buf);
}

/* A directory with looser permissions than 0700 is not used at all (nothing written). */
static void test_loose_dir(void **state)
{
	struct fixture *f = *state;
	char name[512];

	assert_int_equal(mkdir(f->dir, 0755), 0);
	assert_int_equal(chmod(f->dir, 0755), 0);
	compile_both(f, f->profile);
	assert_int_equal(entries(f, name), 0);
}

static void test_missing_parent(void **state)
{
	struct fixture *f = *state;

	snprintf(f->dir, sizeof(f->dir), "%s/no/cache", f->root);
	compile_both(f, f->profile);
	assert_int_equal(access(f->dir, F_OK), -1);
}

/* The errors are the compile's own, and nothing is stored for a profile that does not compile. */
static void test_invalid_profile(void **state)
{
	struct fixture *f = *state;
	struct sheep_seccomp *s = NULL;
	struct sheep_err *e = NULL;
	char name[512];
	char *old = f->profile->default_action;

	f->profile->default_action = "SCMP_ACT_FOO";
	assert_int_equal(sheep_seccomp_compile_cached(f->profile, f->dir, &s, &e), -1);
	f->profile->default_action = old;
	assert_null(s);
	assert_string_equal(e->msg,
			    "config.json: linux.seccomp.defaultAction: unknown seccomp action "
			    "'SCMP_ACT_FOO'");
	sheep_err_free(e);
	assert_int_equal(entries(f, name), 0);
}

static void test_null(void **state)
{
	struct fixture *f = *state;
	struct sheep_seccomp *s = (void *)1;

	assert_int_equal(sheep_seccomp_compile_cached(NULL, f->dir, &s, NULL), 0);
	assert_null(s);
	compile_both(&(struct fixture){.dir = ""}, f->profile); /* unusable dir: plain compile */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_miss_creates_dir_then_hit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hit_reads_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_changed_profile_misses, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tampered_canon, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_truncated_bpf, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_wrong_mode, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_magic, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_foreign_owner, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_loose_dir, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_missing_parent, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_invalid_profile, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_null, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_prune_lru, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
