/* Unit tests for sheep-net's IPAM: the next-free allocator (order, wrap-around, reserved
 * addresses, exhaustion) and the lease store (persistence, errors, concurrent forked writers). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "net/ipam.h"
#include "util/fs.h"

static struct sheep_net_network net29(void)
{
	struct sheep_net_network n = {.name = "t0", .subnet = 0x0a630000, .prefix = 29};

	return n; /* 10.99.0.0/29: .1 gateway, .7 broadcast, .2-.6 for containers */
}

static void test_next_free(void **state)
{
	struct sheep_net_network n = net29();
	uint32_t used[] = {0x0a630003, 0x0a630004}, a;

	assert_int_equal(sheep_ipam_next_free(&n, 0, NULL, 0, &a), 0);
	assert_int_equal(a, 0x0a630002); /* never .0 or the gateway .1 */
	assert_int_equal(sheep_ipam_next_free(&n, 0x0a630002, used, 2, &a), 0);
	assert_int_equal(a, 0x0a630005); /* after the last one handed out, skipping used */
	assert_int_equal(sheep_ipam_next_free(&n, 0x0a630006, used, 2, &a), 0);
	assert_int_equal(a, 0x0a630002); /* wraps around, never the broadcast .7 */
	assert_int_equal(sheep_ipam_next_free(&n, 0x0a630005, used, 2, &a), 0);
	assert_int_equal(a, 0x0a630006);
}

static void test_next_free_full(void **state)
{
	struct sheep_net_network n = net29();
	uint32_t used[] = {0x0a630002, 0x0a630003, 0x0a630004, 0x0a630005, 0x0a630006}, a;

	errno = 0;
	assert_int_equal(sheep_ipam_next_free(&n, 0x0a630004, used, 5, &a), -1);
	assert_int_equal(errno, ENOSPC);
	assert_int_equal(sheep_ipam_next_free(&n, 0x0a630004, used, 4, &a), 0);
	assert_int_equal(a, 0x0a630006);
}

static char *tmpdir(void)
{
	char *d = strdup("/tmp/test_net_ipam.XXXXXX");

	assert_non_null(mkdtemp(d));
	return d;
}

static void alloc_id(const char *dir, const struct sheep_net_network *n, const char *id,
		     uint32_t *ret)
{
	struct sheep_net_lease t = {.id = (char *)id, .pid = 1, .netns_ino = 42, .created = 7};
	struct sheep_err *err = NULL;
	struct sheep_ipam *s = NULL;

	assert_int_equal(sheep_ipam_open(dir, n->name, n, true, &s, &err), 0);
	assert_int_equal(sheep_ipam_alloc(s, &t, ret, &err), 0);
	assert_int_equal(sheep_ipam_save(s, &err), 0);
	sheep_ipam_close(s);
}

static void test_store(void **state)
{
	struct sheep_net_network n = net29();
	struct sheep_err *err = NULL;
	struct sheep_ipam *s = NULL;
	char *dir = tmpdir();
	uint32_t a, b;

	alloc_id(dir, &n, "c1", &a);
	alloc_id(dir, &n, "c2", &b);
	assert_int_equal(a, 0x0a630002);
	assert_int_equal(b, 0x0a630003);
	/* reopened without a definition: the stored network is used */
	assert_int_equal(sheep_ipam_open(dir, "t0", NULL, true, &s, &err), 0);
	assert_int_equal(s->net.prefix, 29);
	assert_int_equal(s->len, 2);
	assert_int_equal(sheep_ipam_find(s, "c2")->addr, 0x0a630003);
	assert_int_equal(sheep_ipam_find(s, "c2")->netns_ino, 42);
	assert_int_equal(sheep_ipam_release(s, "c1", NULL), 1);
	assert_int_equal(sheep_ipam_release(s, "c1", NULL), 0);
	assert_int_equal(sheep_ipam_save(s, &err), 0);
	sheep_ipam_close(s);
	/* next free after the last handed out (.3), not the lowest free (.2) */
	alloc_id(dir, &n, "c3", &a);
	assert_int_equal(a, 0x0a630004);
	assert_int_equal(sheep_rm_rf_at(AT_FDCWD, dir, &err), 0);
	free(dir);
}

static void test_store_errors(void **state)
{
	struct sheep_net_network n = net29();
	struct sheep_net_lease t = {.id = (char *)"c1"};
	struct sheep_err *err = NULL;
	struct sheep_ipam *s = NULL;
	char *dir = tmpdir();
	uint32_t a;

	assert_int_equal(sheep_ipam_open(dir, "nope", NULL, true, &s, &err), -1);
	assert_string_equal(err->msg, "network 'nope': unknown network");
	assert_int_equal(err->errnum, ENOENT);
	sheep_err_free(err);
	err = NULL;
	for (int i = 0; i < 5; i++) {
		char id[8];

		snprintf(id, sizeof(id), "c%d", i);
		alloc_id(dir, &n, id, &a);
	}
	assert_int_equal(sheep_ipam_open(dir, "t0", NULL, true, &s, &err), 0);
	assert_int_equal(sheep_ipam_alloc(s, &t, &a, &err), -1);
	assert_string_equal(err->msg,
			    "network 't0': container 'c1' already has a lease: File exists");
	sheep_err_free(err);
	err = NULL;
	t.id = (char *)"c9";
	assert_int_equal(sheep_ipam_alloc(s, &t, &a, &err), -1);
	assert_string_equal(err->msg, "network 't0': no free address in 10.99.0.0/29");
	assert_int_equal(err->errnum, 0);
	sheep_err_free(err);
	sheep_ipam_close(s);
	assert_int_equal(sheep_rm_rf_at(AT_FDCWD, dir, NULL), 0);
	free(dir);
}

static void test_parse_errors(void **state)
{
	struct sheep_ipam s = {0};
	struct sheep_err *err = NULL;
	char bad[] = "network t0 10.99.0.0/29\nlast 10.99.0.2\nlease c1 10.99.0.300 1 2 3 4 -\n";
	char good[] = "network t0 10.99.0.0/29\nlast 10.99.0.2\n"
		      "lease c1 10.99.0.2 1 2 3 4 0.0.0.0:80:8080/tcp\n";
	char *text;

	assert_int_equal(sheep_ipam_parse(&s, bad, &err), -1);
	assert_string_equal(err->msg, "line 3: invalid lease");
	sheep_err_free(err);
	free(s.leases);
	memset(&s, 0, sizeof(s));
	assert_int_equal(sheep_ipam_parse(&s, good, &err), 0);
	assert_int_equal(s.leases[0].ports_len, 1);
	text = sheep_ipam_format(&s);
	assert_string_equal(text, "network t0 10.99.0.0/29\nlast 10.99.0.2\n"
				  "lease c1 10.99.0.2 1 2 3 4 0.0.0.0:80:8080/tcp\n");
	free(text);
	sheep_net_lease_clear(&s.leases[0]);
	free(s.leases);
}

/* Forked processes allocating at once must get distinct addresses and lose no lease. */
static void test_concurrent(void **state)
{
	struct sheep_net_network n = {.name = "t1", .subnet = 0x0a640000, .prefix = 24};
	struct sheep_err *err = NULL;
	struct sheep_ipam *s = NULL;
	char *dir = tmpdir();

	for (int p = 0; p < 8; p++) {
		if (fork() == 0) {
			for (int i = 0; i < 10; i++) {
				struct sheep_net_lease t = {.pid = 1};
				struct sheep_ipam *c = NULL;
				char id[16];
				uint32_t a;

				snprintf(id, sizeof(id), "p%d-%d", p, i);
				t.id = id;
				if (sheep_ipam_open(dir, "t1", &n, true, &c, NULL) < 0 ||
				    sheep_ipam_alloc(c, &t, &a, NULL) < 0 ||
				    sheep_ipam_save(c, NULL) < 0)
					_exit(1);
				sheep_ipam_close(c);
			}
			free(dir); /* the child's copy: valgrind checks each process at its exit */
			_exit(0);
		}
	}
	for (int p = 0; p < 8; p++) {
		int st;

		assert_true(wait(&st) > 0);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	assert_int_equal(sheep_ipam_open(dir, "t1", NULL, true, &s, &err), 0);
	assert_int_equal(s->len, 80);
	for (size_t i = 0; i < s->len; i++)
		for (size_t j = i + 1; j < s->len; j++)
			assert_int_not_equal(s->leases[i].addr, s->leases[j].addr);
	sheep_ipam_close(s);
	assert_int_equal(sheep_rm_rf_at(AT_FDCWD, dir, NULL), 0);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_next_free),	 cmocka_unit_test(test_next_free_full),
	    cmocka_unit_test(test_store),	 cmocka_unit_test(test_store_errors),
	    cmocka_unit_test(test_parse_errors), cmocka_unit_test(test_concurrent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
