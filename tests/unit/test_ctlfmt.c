/* test_ctlfmt: agent/ctlfmt — pharosctl's tables from a status JSON, and durations. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/ctlfmt.h"
#include "lib/util.h"

static const char status_json[] =
    "{\"agent\":{\"version\":\"0.1.0\",\"asn\":64501,\"router_id\":\"192.0.2.2\","
    "\"interface\":\"lo\",\"phase\":\"running\",\"uptime\":3725.5,\"reloads\":2,"
    "\"reload_failures\":1},"
    "\"services\":[{\"name\":\"dns\",\"state\":\"up\",\"since\":75,\"drained\":false,"
    "\"drain_file\":false,\"reason\":\"health down -> up\",\"probes\":[{\"name\":\"dns-53\","
    "\"type\":\"dns\",\"state\":\"up\",\"last_result\":\"rcode NOERROR\",\"latency_ms\":1.25,"
    "\"ok\":10,\"fail\":1,\"timeout\":0}]},"
    "{\"name\":\"web\",\"state\":\"drained\",\"since\":90000,\"drained\":true,"
    "\"drain_file\":true,\"reason\":\"drained by an operator\",\"probes\":[]}],"
    "\"peers\":[{\"name\":\"r1\",\"address\":\"192.0.2.1\",\"state\":\"Established\","
    "\"uptime\":59,\"prefixes_announced\":3,\"prefixes_received\":{\"ipv4\":4,\"ipv6\":5},"
    "\"last_error\":\"\"},{\"name\":\"r2\",\"address\":\"2001:db8::1\",\"state\":\"Active\","
    "\"uptime\":0,\"prefixes_announced\":0,\"prefixes_received\":{\"ipv4\":0,\"ipv6\":0},"
    "\"last_error\":\"connection refused\"}],"
    "\"addresses\":[{\"prefix\":\"203.0.113.53/32\",\"owned\":true,\"adopted\":false,"
    "\"present\":true},{\"prefix\":\"203.0.113.99/32\",\"owned\":false,\"adopted\":true,"
    "\"present\":false}]}";

static char *
format(const char *text)
{
	struct json *j;
	struct buf b;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	buf_init(&b, text, strlen(text));
	j = json_parse(&b, NULL);
	assert_non_null(j);
	ctlfmt_status(j, f);
	fclose(f);
	json_free(j);
	return out;
}

static void
test_tables_show_every_part(void **state)
{
	char *out = format(status_json);

	(void)state;
	assert_non_null(strstr(out, "pharosd 0.1.0  AS64501  router-id 192.0.2.2  interface lo  "
	                            "running for 1h2m  reloads 2 (1 failed)\n"));
	assert_non_null(strstr(out, "\ndns                  up        1m15s     no            "
	                            "health down -> up\n"));
	assert_non_null(strstr(out, "  probe dns-53         dns   up         1.2 ms  ok 10 fail 1 "
	                            "timeout 0  rcode NOERROR\n"));
	assert_non_null(strstr(out, "\nweb                  drained   1d1h      operator+file "));
	assert_non_null(strstr(out, "\nr1               192.0.2.1                Established  59s  "
	                            "     3         4/5             -\n"));
	assert_non_null(strstr(out, "\nr2               2001:db8::1              Active       -    "
	                            "     0         0/0             connection refused\n"));
	assert_non_null(
	    strstr(out, "\n203.0.113.53/32                              pharosd  yes\n"));
	assert_non_null(
	    strstr(out, "\n203.0.113.99/32                              adopted  no\n"));
	free(out);
}

static void
test_missing_members_print_placeholders(void **state)
{
	char *out = format("{\"services\":[{\"probes\":[{}]}],\"peers\":[{}]}");

	(void)state;
	assert_non_null(strstr(out, "pharosd -  AS0  router-id -"));
	assert_non_null(
	    strstr(out, "\n-                    -         0s        no            -\n"));
	free(out);
}

static void
test_durations(void **state)
{
	static const struct {
		double s;
		const char *want;
	} rows[] = {
	    {-1, "0s"},
	    {0, "0s"},
	    {59.9, "59s"},
	    {60, "1m0s"},
	    {3599, "59m59s"},
	    {3600, "1h0m"},
	    {86399, "23h59m"},
	    {86400 * 3 + 7200, "3d2h"},
	};
	char buf[32];
	size_t i;

	(void)state;
	for (i = 0; i < nitems(rows); i++)
		assert_string_equal(ctlfmt_duration(rows[i].s, buf, sizeof(buf)), rows[i].want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tables_show_every_part),
	    cmocka_unit_test(test_missing_members_print_placeholders),
	    cmocka_unit_test(test_durations),
	};

	return cmocka_run_group_tests_name("ctlfmt", tests, NULL, NULL);
}
