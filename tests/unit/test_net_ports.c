/* Unit tests for sheep-net's pure helpers: --publish parsing, port lists, names, subnets, and the
 * nft script text built for ports and networks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include <cmocka.h>

#include "net/nft.h"
#include "net/ports.h"

static void expect_port_error(const char *spec, const char *msg)
{
	struct sheep_err *err = NULL;
	struct sheep_net_port p;

	assert_int_equal(sheep_net_port_parse(spec, &p, &err), -1);
	assert_non_null(err);
	assert_string_equal(err->msg, msg);
	sheep_err_free(err);
}

static void test_port_parse(void **state)
{
	struct sheep_err *err = NULL;
	struct sheep_net_port p;
	char buf[48];

	assert_int_equal(sheep_net_port_parse("8080:80", &p, &err), 0);
	assert_int_equal(p.host_ip, 0);
	assert_int_equal(p.host_port, 8080);
	assert_int_equal(p.ctr_port, 80);
	assert_int_equal(p.proto, IPPROTO_TCP);
	assert_int_equal(sheep_net_port_parse("127.0.0.1:53:5353/udp", &p, &err), 0);
	assert_int_equal(p.host_ip, 0x7f000001);
	assert_int_equal(p.proto, IPPROTO_UDP);
	assert_string_equal(sheep_net_port_format(&p, buf), "127.0.0.1:53:5353/udp");
	assert_null(err);
}

static void test_port_errors(void **state)
{
	expect_port_error("80", "invalid port '80': expected [HOSTIP:]HOSTPORT:CTRPORT");
	expect_port_error("1:2:3:4", "invalid port '1:2:3:4'");
	expect_port_error("0:80", "invalid port '0:80': ports are 1..65535");
	expect_port_error("8080:65536", "invalid port '8080:65536': ports are 1..65535");
	expect_port_error("8080:80/sctp",
			  "invalid port '8080:80/sctp': protocol must be tcp or udp");
	expect_port_error("1.2.3:8080:80",
			  "invalid port '1.2.3:8080:80': bad host address '1.2.3'");
	expect_port_error("x:80", "invalid port 'x:80': ports are 1..65535");
}

static void test_port_list(void **state)
{
	struct sheep_err *err = NULL;
	struct sheep_net_port *v = NULL;
	size_t n = 0;
	char *s;

	assert_int_equal(sheep_net_ports_parse_list("-", &v, &n, &err), 0);
	assert_int_equal(n, 0);
	s = sheep_net_ports_format_list(v, n);
	assert_string_equal(s, "-");
	free(s);
	assert_int_equal(
	    sheep_net_ports_parse_list("0.0.0.0:80:8080/tcp,10.0.0.1:53:53/udp", &v, &n, &err), 0);
	assert_int_equal(n, 2);
	s = sheep_net_ports_format_list(v, n);
	assert_string_equal(s, "0.0.0.0:80:8080/tcp,10.0.0.1:53:53/udp");
	free(s);
	free(v);
	assert_int_equal(sheep_net_ports_parse_list("80", &v, &n, &err), -1);
	assert_string_equal(err->msg, "invalid port '80': expected [HOSTIP:]HOSTPORT:CTRPORT");
	sheep_err_free(err);
}

static void test_names(void **state)
{
	char a[SHEEP_NET_IFNAMSIZ], b[SHEEP_NET_IFNAMSIZ];
	uint8_t mac[6];

	sheep_net_veth_name("web1", a);
	sheep_net_veth_name("web1", b);
	assert_string_equal(a, b);
	assert_int_equal(strlen(a), 14);
	assert_memory_equal(a, "sh", 2);
	sheep_net_veth_name("web2", b);
	assert_string_not_equal(a, b);
	sheep_net_bridge_mac("sheep0", mac);
	assert_int_equal(mac[0], 0x02);
	assert_true(sheep_net_id_valid("a-b_c.d+1"));
	assert_false(sheep_net_id_valid("a b"));
	assert_false(sheep_net_id_valid("../x"));
	assert_false(sheep_net_id_valid(""));
}

static void test_subnet(void **state)
{
	struct sheep_net_network n;
	struct sheep_err *err = NULL;
	uint32_t a;

	assert_int_equal(sheep_net_parse_subnet("t0", "10.99.0.0/29", &n, &err), 0);
	assert_string_equal(n.name, "t0");
	assert_int_equal(sheep_net_gateway(&n), 0x0a630001);
	assert_int_equal(sheep_net_broadcast(&n), 0x0a630007);
	assert_int_equal(sheep_net_parse_subnet("t0", "10.99.0.1/29", &n, &err), -1);
	assert_string_equal(err->msg, "invalid subnet '10.99.0.1/29': host bits set");
	sheep_err_free(err);
	err = NULL;
	assert_int_equal(sheep_net_parse_subnet("t0", "10.99.0.0/31", &n, &err), -1);
	assert_string_equal(err->msg, "invalid subnet '10.99.0.0/31': expected ADDRESS/8..30");
	sheep_err_free(err);
	err = NULL;
	assert_int_equal(sheep_net_parse_subnet("t0", "10.99.0.0", &n, &err), -1);
	assert_string_equal(err->msg, "invalid subnet '10.99.0.0': expected ADDRESS/LENGTH");
	sheep_err_free(err);
	assert_int_equal(sheep_net_aton("256.1.1.1", &a), -1);
	assert_int_equal(sheep_net_aton("1.1.1.1x", &a), -1);
	assert_int_equal(sheep_net_aton("1.1.1", &a), -1);
}

static void test_nft_scripts(void **state)
{
	struct sheep_net_port p[2] = {{0, 8080, 80, IPPROTO_TCP},
				      {0x7f000001, 53, 5353, IPPROTO_UDP}};
	struct sheep_net_network n;
	char *s = NULL, *t;
	size_t size = 0;
	FILE *f = open_memstream(&s, &size);

	sheep_net_default(&n);
	sheep_nft_script_network(f, &n);
	sheep_nft_script_ports(f, "create", 0x0a140005, p, 2);
	sheep_nft_script_ports(f, "delete", 0x0a140005, p, 2);
	fclose(f);
	assert_string_equal(
	    s, "add element ip sheep subnets { 10.20.0.0/16 }\n"
	       "add element ip sheep bridges { \"sheep0\" }\n"
	       "create element ip sheep tcp_any { 8080 : 10.20.0.5 . 80 }\n"
	       "create element ip sheep udp_addr { 127.0.0.1 . 53 : 10.20.0.5 . 5353 }\n"
	       "delete element ip sheep tcp_any { 8080 }\n"
	       "delete element ip sheep udp_addr { 127.0.0.1 . 53 }\n");
	free(s);
	t = sheep_nft_script_table();
	/* replaced atomically, and exactly one masquerade for traffic leaving the networks */
	assert_memory_equal(t, "table ip sheep\ndelete table ip sheep\ntable ip sheep {", 50);
	assert_non_null(strstr(t, "ip saddr @subnets oifname != @bridges masquerade\n"));
	assert_null(strstr(strstr(t, "oifname != @bridges masquerade") + 1,
			   "oifname != @bridges masquerade"));
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_port_parse), cmocka_unit_test(test_port_errors),
	    cmocka_unit_test(test_port_list),  cmocka_unit_test(test_names),
	    cmocka_unit_test(test_subnet),     cmocka_unit_test(test_nft_scripts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
