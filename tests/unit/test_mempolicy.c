/* core/mempolicy.c: linux.memoryPolicy to set_mempolicy's arguments, and every refusal with its
 * JSON path. Setting it needs nothing but the current process: MPOL_DEFAULT is set for real. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/mempolicy.h"
#include "test_core.h"

#define BITS (8 * sizeof(unsigned long))

static struct oci_memory_policy policy(const char *mode, const char *nodes, char **flags, size_t n)
{
	return (struct oci_memory_policy){
	    .mode = (char *)mode, .nodes = (char *)nodes, .flags = flags, .flags_len = n};
}

static bool has_node(const struct sheep_mempolicy *mp, unsigned n)
{
	return mp->nodes[n / BITS] & (1UL << (n % BITS));
}

static void test_modes_and_nodes(void **state)
{
	char *fl[] = {"MPOL_F_STATIC_NODES"};
	struct oci_memory_policy p = policy("MPOL_BIND", "0-3,7,1023", fl, 1);
	struct sheep_mempolicy mp;

	(void)state;
	assert_int_equal(sheep_mempolicy_parse(&p, &mp, NULL), 0);
	assert_int_equal(mp.mode, 2 | (1 << 15));
	assert_true(mp.has_nodes);
	for (unsigned n = 0; n < SHEEP_MEMPOLICY_MAX_NODES; n++)
		assert_int_equal(has_node(&mp, n), n <= 3 || n == 7 || n == 1023);
	p = policy("MPOL_DEFAULT", NULL, NULL, 0);
	assert_int_equal(sheep_mempolicy_parse(&p, &mp, NULL), 0);
	assert_int_equal(mp.mode, 0);
	assert_false(mp.has_nodes);
	p = policy("MPOL_LOCAL", "", NULL, 0);
	assert_int_equal(sheep_mempolicy_parse(&p, &mp, NULL), 0);
	assert_int_equal(mp.mode, 4);
	p = policy("MPOL_PREFERRED", NULL, NULL, 0); /* no node: allocate locally */
	assert_int_equal(sheep_mempolicy_parse(&p, &mp, NULL), 0);
	assert_int_equal(mp.mode, 1);
	p = policy("MPOL_WEIGHTED_INTERLEAVE", "1", NULL, 0);
	assert_int_equal(sheep_mempolicy_parse(&p, &mp, NULL), 0);
	assert_int_equal(mp.mode, 6);
	assert_true(has_node(&mp, 1) && !has_node(&mp, 0));
}

static void refused(struct oci_memory_policy p, const char *msg)
{
	struct sheep_mempolicy mp;
	struct sheep_err *err = NULL;

	assert_int_equal(sheep_mempolicy_parse(&p, &mp, &err), -1);
	assert_err(err, EINVAL, msg);
}

static void test_refusals(void **state)
{
	static const char *const bad_nodes[] = {"x",
						"1-",
						"-1",
						"3-1",
						"1,",
						",1",
						"1,,2",
						"1024",
						"0-1024",
						"1 2",
						"99999999999999999999"};
	char *both[] = {"MPOL_F_STATIC_NODES", "MPOL_F_RELATIVE_NODES"}, *odd[] = {"MPOL_F_X"};
	char msg[160];

	(void)state;
	refused(policy(NULL, "0", NULL, 0), "config.json: linux.memoryPolicy.mode: required");
	refused(policy("MPOL_NOPE", "0", NULL, 0),
		"config.json: linux.memoryPolicy.mode: unknown mode 'MPOL_NOPE'");
	for (size_t i = 0; i < sizeof(bad_nodes) / sizeof(bad_nodes[0]); i++) {
		snprintf(msg, sizeof(msg),
			 "config.json: linux.memoryPolicy.nodes: '%s' is not a list of nodes below "
			 "1024 like 0-3,7",
			 bad_nodes[i]);
		refused(policy("MPOL_BIND", bad_nodes[i], NULL, 0), msg);
	}
	refused(policy("MPOL_DEFAULT", "0", NULL, 0),
		"config.json: linux.memoryPolicy.nodes: MPOL_DEFAULT takes no nodes");
	refused(policy("MPOL_LOCAL", "0", NULL, 0),
		"config.json: linux.memoryPolicy.nodes: MPOL_LOCAL takes no nodes");
	refused(policy("MPOL_BIND", "", NULL, 0),
		"config.json: linux.memoryPolicy.nodes: MPOL_BIND needs at least one node");
	refused(policy("MPOL_INTERLEAVE", NULL, NULL, 0),
		"config.json: linux.memoryPolicy.nodes: MPOL_INTERLEAVE needs at least one node");
	refused(policy("MPOL_BIND", "0", both, 2),
		"config.json: linux.memoryPolicy.flags: MPOL_F_STATIC_NODES and "
		"MPOL_F_RELATIVE_NODES exclude each other");
	refused(policy("MPOL_BIND", "0", odd, 1),
		"config.json: linux.memoryPolicy.flags[0]: unknown flag 'MPOL_F_X'");
}

static void test_apply(void **state)
{
	struct oci_memory_policy p = policy("MPOL_DEFAULT", NULL, NULL, 0);

	(void)state;
	assert_int_equal(sheep_mempolicy_apply(NULL, NULL), 0);
	assert_int_equal(sheep_mempolicy_apply(&p, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_modes_and_nodes),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_apply),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
