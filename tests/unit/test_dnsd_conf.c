/* test_dnsd_conf: dnsd/conf — the INI reader, listen/zone/NSID values, transfer ACLs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dnsd/conf.h"
#include "lib/log.h"

static const char *
write_tmp(const char *text)
{
	static char path[64];
	int fd;
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/test_dnsd_conf.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static void
test_conf_reads_every_key(void **state)
{
	const char *p = write_tmp("# comment\n"
	                          "[dnsd]\n"
	                          "listen = 192.0.2.1, [2001:db8::1]:5353\n"
	                          "listen = 198.51.100.1:53\n"
	                          "threads = 3\n"
	                          "identity = pop1\n"
	                          "nsid = 0x706f7031\n"
	                          "version = \"\"\n"
	                          "user = nobody\n"
	                          "allow_transfer = 192.0.2.0/24 2001:db8::5\n"
	                          "tcp_clients = 10\n"
	                          "tcp_timeout = 3s\n"
	                          "max_udp = 1400\n"
	                          "; another comment\n"
	                          "[zone:example.com]\n"
	                          "file = /var/lib/zones/example.com\n"
	                          "[zone:example.net.]\n"
	                          "file = net.zone\n");
	struct dnsd_conf c;
	struct addr a;

	(void)state;
	dnsd_conf_init(&c);
	assert_int_equal(dnsd_conf_load(&c, p), 0);
	unlink(p);
	assert_int_equal(c.nlisten, 3);
	assert_int_equal(c.listen[0].port, 53);
	assert_int_equal(c.listen[1].port, 5353);
	assert_int_equal(c.listen[1].addr.af, AF_INET6);
	assert_int_equal(c.threads, 3);
	assert_string_equal(c.identity, "pop1");
	assert_true(c.nsid_set);
	assert_int_equal(c.nsidlen, 4);
	assert_memory_equal(c.nsid, "pop1", 4);
	assert_string_equal(c.version, "");
	assert_string_equal(c.user, "nobody");
	assert_int_equal(c.tcp_clients, 10);
	assert_int_equal(c.tcp_timeout, SEC(3));
	assert_int_equal(c.max_udp, 1400);
	assert_int_equal(c.nzones, 2);
	assert_string_equal(c.zones[0].name, "example.com");
	assert_string_equal(c.zones[1].file, "net.zone");
	addr_parse("192.0.2.77", &a);
	assert_true(dnsd_conf_xfr_allowed(&c, &a));
	addr_parse("192.0.3.1", &a);
	assert_false(dnsd_conf_xfr_allowed(&c, &a));
	addr_parse("2001:db8::5", &a);
	assert_true(dnsd_conf_xfr_allowed(&c, &a));
	addr_parse("2001:db8::6", &a);
	assert_false(dnsd_conf_xfr_allowed(&c, &a));
	dnsd_conf_free(&c);
}

static void
test_conf_rejects_bad_values(void **state)
{
	static const char *bad[] = {
	    "[dnsd]\nlisten = 192.0.2.300\n",
	    "[dnsd]\nthreads = 0\n",
	    "[dnsd]\nthreads = many\n",
	    "[dnsd]\nnsid = 0x123\n",
	    "[dnsd]\nnsid = 0xzz\n",
	    "[dnsd]\nbogus = 1\n",
	    "[dnsd]\nallow_transfer = 192.0.2.1/33\n",
	    "[dnsd]\nmax_udp = 100\n",
	    "[dnsd]\ntcp_timeout = 5\n",
	    "listen = 192.0.2.1\n",
	    "[other]\n",
	    "[dnsd\n",
	    "[dnsd]\njust words\n",
	    "[zone:example.com]\nfile = \n",
	    "[zone:example.com]\n",
	    "[zone:example.com]\nfile = x\npath = y\n",
	    "[zone:a..b]\nfile = x\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *p = write_tmp(bad[i]);
		struct dnsd_conf c;
		int rc;

		dnsd_conf_init(&c);
		rc = dnsd_conf_load(&c, p);
		unlink(p);
		if (rc != -1)
			print_error("case %zu accepted: %s", i, bad[i]);
		assert_int_equal(rc, -1);
		dnsd_conf_free(&c);
	}
	{
		struct dnsd_conf c;

		dnsd_conf_init(&c);
		assert_int_equal(dnsd_conf_load(&c, "/nonexistent/dnsd.ini"), -1);
	}
}

static void
test_conf_zone_replaces_same_name(void **state)
{
	struct dnsd_conf c;
	const char *why;

	(void)state;
	dnsd_conf_init(&c);
	assert_int_equal(dnsd_conf_zone(&c, "example.com", "a", &why), 0);
	assert_int_equal(dnsd_conf_zone(&c, "EXAMPLE.com.", "b", &why), 0);
	assert_int_equal(c.nzones, 1);
	assert_string_equal(c.zones[0].file, "b");
	assert_int_equal(dnsd_conf_nsid(&c, "plain text", &why), 0);
	assert_int_equal(c.nsidlen, 10);
	assert_int_equal(dnsd_conf_listen(&c, "[2001:db8::1]:99", &why), 0);
	assert_int_equal(c.listen[0].port, 99);
	assert_int_equal(dnsd_conf_listen(&c, "not an address", &why), -1);
	dnsd_conf_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_conf_reads_every_key),
	    cmocka_unit_test(test_conf_rejects_bad_values),
	    cmocka_unit_test(test_conf_zone_replaces_same_name),
	};

	log_init("test_dnsd_conf", LOG_LVL_ERR, 0);
	return cmocka_run_group_tests_name("dnsd_conf", tests, NULL, NULL);
}
