/* test_dnsd_zone: dnsd/zone — the master-file parser, its errors, and lookups. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dnsd/zone.h"
#include "lib/dnswire.h"

#define N(s) ((const uint8_t *)(s))

static char dir[64];

struct errs {
	int n;
	char msg[16][256];
};

static void
collect(void *arg, const char *msg)
{
	struct errs *e = arg;

	if (e->n < 16)
		snprintf(e->msg[e->n], sizeof(e->msg[0]), "%s", msg);
	e->n++;
}

static const char *
write_file(const char *name, const char *text)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_dnsd_zone.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const struct zone_rrset *
rrset(const struct zone *z, const char *wire, uint16_t type)
{
	const struct zone_node *n = zone_lookup(z, N(wire));

	assert_non_null(n);
	return zone_node_rrset(n, type);
}

static void
assert_rdata(const struct zone_rrset *s, unsigned i, const char *bytes, size_t len)
{
	assert_non_null(s);
	assert_true(i < s->count);
	assert_int_equal(s->rr[i].len, len);
	assert_memory_equal(s->rr[i].data, bytes, len);
}

static const char good_zone[] = "; a zone using every construct\n"
                                "$TTL 1h\n"
                                "@\tIN SOA ns1 hostmaster.example.com. (\n"
                                "\t\t2024010101 ; serial\n"
                                "\t\t3600 600 1w\n"
                                "\t\t300 )\n"
                                "\t\tNS ns1\n"
                                "\tIN\tNS ns2.example.com.\n"
                                "ns1 60 IN A 192.0.2.1\n"
                                "ns2 IN 120 AAAA 2001:db8::53\n"
                                "www CNAME web\n"
                                "web A 192.0.2.10\n"
                                "    A 192.0.2.11\n"
                                "\tA 192.0.2.10 ; a duplicate, dropped\n"
                                "@ MX 10 mail\n"
                                "mail A 192.0.2.25\n"
                                "txt TXT \"hello world\" plain \"q\\\"\\\\\\065\"\n"
                                "_dns._udp SRV 0 5 53 ns1\n"
                                "1.2 PTR ptr.example.net.\n"
                                "@ CAA 0 issue \"ca.example.net\"\n"
                                "gen TYPE65534 \\# 2 abcd\n"
                                "gen A \\# 4 C0 00 02 63\n"
                                "*.wild A 192.0.2.99\n"
                                "a.b.c.deep A 192.0.2.7\n"
                                "$ORIGIN sub.example.com.\n"
                                "@ NS ns.sub\n"
                                "ns A 192.0.2.53\n"
                                "WEB.Example.COM. 30 A 192.0.2.12\n";

static void
test_zone_parses_every_construct(void **state)
{
	struct errs e = {0};
	const char *p = write_file("good.zone", good_zone);
	struct zone *z = zone_load("example.com", p, collect, &e);
	const struct zone_rrset *s;
	const struct zone_node *n;

	(void)state;
	assert_int_equal(e.n, 0);
	assert_non_null(z);
	assert_memory_equal(z->origin, "\7example\3com", 13);
	assert_non_null(z->soa);
	assert_int_equal(z->soa->ttl, 3600);
	assert_rdata(z->soa, 0,
	    "\3ns1\7example\3com\0\12hostmaster\7example\3com\0"
	    "\x78\xa3\xf1\x75\0\0\x0e\x10\0\0\x02\x58\0\x09\x3a\x80\0\0\x01\x2c",
	    17 + 24 + 20);
	assert_int_equal(z->neg_ttl, 300); /* min(3600, 300) */
	s = rrset(z, "\7example\3com", DNS_T_NS);
	assert_int_equal(s->count, 2);
	assert_rdata(s, 0, "\3ns1\7example\3com", 17);
	assert_rdata(s, 1, "\3ns2\7example\3com", 17);
	s = rrset(z, "\3ns1\7example\3com", DNS_T_A);
	assert_int_equal(s->ttl, 60);
	assert_rdata(s, 0, "\xc0\0\2\1", 4);
	s = rrset(z, "\3ns2\7example\3com", DNS_T_AAAA);
	assert_int_equal(s->ttl, 120); /* class before TTL */
	assert_rdata(s, 0, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x53", 16);
	s = rrset(z, "\3www\7example\3com", DNS_T_CNAME);
	assert_rdata(s, 0, "\3web\7example\3com", 17);
	s = rrset(z, "\3web\7example\3com", DNS_T_A);
	/* the owner carried over, the duplicate dropped, the upper-case owner merged, and the
	 * RRset's TTL the lowest given */
	assert_int_equal(s->count, 3);
	assert_int_equal(s->ttl, 30);
	assert_memory_equal(zone_lookup(z, N("\3WEB\7example\3com"))->name, "\3web", 4);
	s = rrset(z, "\7example\3com", DNS_T_MX);
	assert_rdata(s, 0, "\0\12\4mail\7example\3com", 20);
	s = rrset(z, "\3txt\7example\3com", DNS_T_TXT);
	assert_rdata(s, 0, "\13hello world\5plain\4q\"\\A", 23);
	s = rrset(z, "\4_dns\4_udp\7example\3com", DNS_T_SRV);
	assert_rdata(s, 0, "\0\0\0\5\0\x35\3ns1\7example\3com", 23);
	s = rrset(z, "\0011\0012\7example\3com", DNS_T_PTR);
	assert_rdata(s, 0, "\3ptr\7example\3net", 17);
	s = rrset(z, "\7example\3com", DNS_T_CAA);
	assert_rdata(s, 0, "\0\5issueca.example.net", 21);
	s = rrset(z, "\3gen\7example\3com", 65534);
	assert_rdata(s, 0, "\xab\xcd", 2);
	s = rrset(z, "\3gen\7example\3com", DNS_T_A);
	assert_rdata(s, 0, "\xc0\0\2\x63", 4);
	s = rrset(z, "\1*\4wild\7example\3com", DNS_T_A);
	assert_non_null(s);
	/* empty non-terminals exist, with nothing in them */
	n = zone_lookup(z, N("\1c\4deep\7example\3com"));
	assert_non_null(n);
	assert_int_equal(n->nsets, 0);
	assert_non_null(zone_lookup(z, N("\4deep\7example\3com")));
	assert_null(zone_lookup(z, N("\1x\4deep\7example\3com")));
	/* $ORIGIN, the delegation flag, case-insensitive lookup */
	n = zone_lookup(z, N("\3SUB\7example\3com"));
	assert_non_null(n);
	assert_true(n->cut);
	assert_false(z->apex->cut);
	s = rrset(z, "\2ns\3sub\7example\3com", DNS_T_A);
	assert_rdata(s, 0, "\xc0\0\2\x35", 4);
	zone_free(z);
}

static void
test_zone_ttl_defaults_and_units(void **state)
{
	struct errs e = {0};
	const char *p = write_file("ttl.zone", "@ 2h IN SOA ns hm 1 1h 1m 1d 1w\n"
	                                       "a A 192.0.2.1\n"
	                                       "b 1h30m A 192.0.2.2\n"
	                                       "c A 192.0.2.3\n"
	                                       "$TTL 7\n"
	                                       "d A 192.0.2.4\n");
	struct zone *z = zone_load("example.org.", p, collect, &e);

	(void)state;
	assert_int_equal(e.n, 0);
	assert_non_null(z);
	assert_int_equal(z->soa->ttl, 7200);
	assert_int_equal(z->neg_ttl, 7200); /* min(7200, 604800) */
	assert_int_equal(rrset(z, "\1a\7example\3org", DNS_T_A)->ttl, 7200);
	assert_int_equal(rrset(z, "\1b\7example\3org", DNS_T_A)->ttl, 5400);
	assert_int_equal(rrset(z, "\1c\7example\3org", DNS_T_A)->ttl, 5400);
	assert_int_equal(rrset(z, "\1d\7example\3org", DNS_T_A)->ttl, 7);
	zone_free(z);
}

static void
test_zone_include_with_origin(void **state)
{
	struct errs e = {0};
	const char *p;
	struct zone *z;

	(void)state;
	write_file("inc.part", "host A 192.0.2.40\n"
	                       "@ TXT included\n");
	p = write_file("inc.zone", "$TTL 60\n"
	                           "@ SOA ns hm 1 2 3 4 5\n"
	                           "$INCLUDE inc.part lab.example.com.\n"
	                           "after A 192.0.2.41\n");
	z = zone_load("example.com.", p, collect, &e);
	assert_int_equal(e.n, 0);
	assert_non_null(z);
	assert_non_null(rrset(z, "\4host\3lab\7example\3com", DNS_T_A));
	assert_non_null(rrset(z, "\3lab\7example\3com", DNS_T_TXT));
	/* the including file's origin is unaffected */
	assert_non_null(rrset(z, "\5after\7example\3com", DNS_T_A));
	zone_free(z);
}

/* Found by fuzz_zone: a relative $ORIGIN (and "$ORIGIN @") was parsed in place over the
 * current origin, so the origin it was relative to was overwritten while being copied. */
static void
test_zone_relative_origin_is_below_the_current_one(void **state)
{
	struct errs e = {0};
	const char *p;
	struct zone *z;

	(void)state;
	p = write_file("rel.zone", "$TTL 60\n"
	                           "@ SOA ns hm 1 2 3 4 5\n"
	                           "$ORIGIN @\n"
	                           "top A 192.0.2.42\n"
	                           "$ORIGIN sub\n"
	                           "host A 192.0.2.43\n"
	                           "$ORIGIN a.b\n"
	                           "deep A 192.0.2.44\n");
	z = zone_load("example.com.", p, collect, &e);
	assert_int_equal(e.n, 0);
	assert_non_null(z);
	assert_non_null(rrset(z, "\3top\7example\3com", DNS_T_A));
	assert_non_null(rrset(z, "\4host\3sub\7example\3com", DNS_T_A));
	assert_non_null(rrset(z, "\4deep\1a\1b\3sub\7example\3com", DNS_T_A));
	zone_free(z);
}

/* Found by fuzz_zone: an owner name that failed to parse (too long) was left half
 * written, unterminated, as the owner of the blank-owner lines after it, which then read
 * past it. The previous owner must stay: only the bad line is an error. */
static void
test_zone_bad_owner_keeps_the_previous_one(void **state)
{
	char text[1024], label[64];
	struct errs e = {0};
	const char *p;

	(void)state;
	memset(label, 'a', 63);
	label[63] = '\0';
	snprintf(text, sizeof(text),
	    "$TTL 60\n@ SOA ns hm 1 2 3 4 5\nok A 192.0.2.1\n%s.%s.%s.%s.%s A 192.0.2.2\n"
	    "  A 192.0.2.3\n",
	    label, label, label, label, label);
	p = write_file("owner.zone", text);
	assert_null(zone_load("example.com.", p, collect, &e));
	assert_int_equal(e.n, 1);
	assert_non_null(strstr(e.msg[0], "owner.zone:4: bad owner name: name too long"));
}

struct bad {
	const char *text;
	const char *err; /* after "DIR/bad.zone:" */
};

static void
test_zone_errors_name_file_and_line(void **state)
{
	static const struct bad cases[] = {
	    {"$TTL 60\n@ SOA ns hm 1 2 3 4 5\nx A 192.0.2.300\n", "3: bad A: bad IPv4 address"},
	    {"$TTL 60\n@ SOA ns hm 1 2 3 4 5\nx AAAA 192.0.2.1\n", "3: bad AAAA: bad IPv6 address"},
	    {"$TTL 60\n@ SOA ns hm 1 2 3 4 5\n\nx FOO 1\n", "4: unknown type FOO"},
	    {"$TTL 60\nx A 192.0.2.1\n", "3: no SOA record at the zone apex"},
	    {"$TTL 60\n@ SOA ns hm 1 2 3 4 5\nwww.example.net. A 192.0.2.1\n",
	        "3: www.example.net. is outside the zone"},
	    {"$TTL 60\n@ SOA ns hm 1 2 3 4 5\nw A 192.0.2.1\nw CNAME x\n",
	        "4: CNAME beside other data at w.example.com."},
	    {"$TTL 60\n@ SOA ns hm 1 2 3 4 5\nw CNAME x\nw TXT hi\n",
	        "4: CNAME beside other data at w.example.com."},
	    {"$TTL 60\n@ SOA ns hm 1 2 3 4 5\nw CNAME x\nw CNAME y\n",
	        "4: CNAME beside other data at w.example.com."},
	    {"$TTL 60\n@ SOA ns hm 1 2 3 4 5\nw 1x A 192.0.2.1\n", "3: bad TTL 1x"},
	    {"$TTL 60\n@ SOA ns hm 1 2 3 4 5\nw A ( 192.0.2.1\n",
	        "4: unbalanced '(' at end of file"},
	    {"$TTL 60\n@ SOA ns hm 1 2 3 4 5\nw A 192.0.2.1 )\n", "3: unbalanced ')'"},
	    {"$TTL 60\n@ SOA ns hm 1 2 3 4 5\nw TXT \"open\n", "4: unterminated quoted string"},
	    {" A 192.0.2.1\n$TTL 60\n@ SOA ns hm 1 2 3 4 5\n", "1: no owner name"},
	    {"@ SOA ns hm 1 2 3 4 5\n", "1: no TTL and no $TTL before it"},
	    {"$TTL 60\n$FOO bar\n@ SOA ns hm 1 2 3 4 5\n", "2: unknown directive $FOO"},
	    {"$TTL 60\n@ SOA ns hm 1 2 3 4 5\n$INCLUDE missing.zone\n",
	        "3: cannot read DIR/missing.zone: No such file or directory"},
	    {"$TTL 60\n@ SOA ns hm 1 2 3 4 5\ng TYPE65000 \\# 3 abcd\n",
	        "3: bad TYPE65000: \\# data does not match its length"},
	    {"$TTL 60\n@ SOA ns hm 1 2 3 4 5\ng TYPE65000 \\# 2 abcx\n",
	        "3: bad TYPE65000: bad hex in \\# data"},
	    {"$TTL 60\n@ SOA ns hm 1 2 3 4 5\nc CH TXT x\n", "3: class CH is not supported"},
	    {"$TTL 60\n@ SOA ns hm 1 2 3 4 5\nsub SOA ns hm 1 2 3 4 5\n",
	        "3: SOA outside the zone apex"},
	    {"$TTL 60\n@ SOA ns hm 1 2 3 4 5\n@ SOA ns hm 2 2 3 4 5\n", "3: second SOA"},
	    {"$TTL 60\n@ SOA ns hm 1 2 3 4 5\nx..y A 192.0.2.1\n",
	        "3: bad owner name: empty label"},
	    {"$TTL 60\n@ SOA ns hm 1 2 3 4 5\nx MX 70000 mx\n", "3: bad MX: bad MX preference"},
	    {"$TTL 60\n@ SOA ns hm 1 2 3 4 5\nx MX 10\n", "3: bad MX: missing RDATA fields"},
	    {"$TTL 60\n@ SOA ns hm 1 2 3 4 5\nx A 192.0.2.1 192.0.2.2\n",
	        "3: bad A: too many RDATA fields"},
	    {"$TTL 60\n@ SOA ns hm x 2 3 4 5\n", "2: bad SOA: bad SOA serial"},
	    {"$TTL 60\n@ SOA ns hm 1 2 3 4 5\nx SRV 1 2 70000 t\n",
	        "3: bad SRV: bad SRV priority, weight or port"},
	    {"$TTL 60\n@ SOA ns hm 1 2 3 4 5\nx CAA 0 is-sue x\n", "3: bad CAA: bad CAA tag"},
	    {"$TTL 60\n@ SOA ns hm 1 2 3 4 5\nx TXT \"\\99\"\n", "3: bad TXT: bad \\DDD escape"},
	    {"$TTL 60\n@ SOA ns hm 1 2 3 4 5\nx DS 1 2 3 ab\n",
	        "3: bad DS: type DS needs the \\# generic form"},
	    {"$TTL 60\n@ SOA ns hm 1 2 3 4 5\nx AXFR \\# 0\n", "3: type AXFR cannot be in a zone"},
	    {"$TTL 60\n@ SOA ns hm 1 2 3 4 5\n$ORIGIN a..b.\n", "3: bad $ORIGIN: empty label"},
	    {"$TTL x\n", "1: bad $TTL"},
	};
	char want[512];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct errs e = {0};
		const char *p = write_file("bad.zone", cases[i].text);
		struct zone *z = zone_load("example.com.", p, collect, &e);
		const char *w = cases[i].err;

		assert_null(z);
		assert_true(e.n >= 1);
		if (strstr(w, "DIR/")) {
			char tmp[256];

			snprintf(tmp, sizeof(tmp), "%.*s%s%s", (int)(strstr(w, "DIR/") - w), w, dir,
			    strstr(w, "DIR/") + 3);
			snprintf(want, sizeof(want), "%s/bad.zone:%s", dir, tmp);
		} else {
			snprintf(want, sizeof(want), "%s/bad.zone:%s", dir, w);
		}
		if (strcmp(e.msg[0], want) != 0)
			print_error("case %zu: got '%s' want '%s'\n", i, e.msg[0], want);
		assert_string_equal(e.msg[0], want);
	}
}

static void
test_zone_reports_every_error(void **state)
{
	struct errs e = {0};
	const char *p = write_file("many.zone", "$TTL 60\n"
	                                        "@ SOA ns hm 1 2 3 4 5\n"
	                                        "a A 1\n"
	                                        "b A 192.0.2.1\n"
	                                        "c BOGUS x\n"
	                                        "d.example.net. A 192.0.2.1\n");

	(void)state;
	assert_null(zone_load("example.com.", p, collect, &e));
	assert_int_equal(e.n, 3);
	assert_non_null(strstr(e.msg[0], "many.zone:3: "));
	assert_non_null(strstr(e.msg[1], "many.zone:5: "));
	assert_non_null(strstr(e.msg[2], "many.zone:6: "));
}

static void
test_zone_set_finds_longest_origin(void **state)
{
	struct errs e = {0};
	const char *p1 = write_file("p.zone", "$TTL 60\n@ SOA ns hm 1 2 3 4 5\n");
	struct zone *a = zone_load("example.com.", p1, collect, &e);
	struct zone *b = zone_load("sub.example.com.", p1, collect, &e);
	struct zone *zs_z[2] = {a, b};
	struct zone_set zs = {2, zs_z};

	(void)state;
	assert_int_equal(e.n, 0);
	assert_ptr_equal(zone_set_find(&zs, N("\1x\3SUB\7example\3com")), b);
	assert_ptr_equal(zone_set_find(&zs, N("\3sub\7example\3com")), b);
	assert_ptr_equal(zone_set_find(&zs, N("\4nsub\7example\3com")), a);
	assert_ptr_equal(zone_set_find(&zs, N("\7example\3com")), a);
	assert_null(zone_set_find(&zs, N("\3com")));
	assert_null(zone_set_find(&zs, N("\7example\3net")));
	zone_free(a);
	zone_free(b);
}

static void
test_zone_many_names_hash(void **state)
{
	char *text = malloc(1 << 20), name[32];
	size_t off = 0;
	struct errs e = {0};
	struct zone *z;
	uint8_t wire[DNS_NAME_MAX];
	size_t len;
	const char *why;

	(void)state;
	off += (size_t)sprintf(text + off, "$TTL 60\n@ SOA ns hm 1 2 3 4 5\n");
	for (int i = 0; i < 5000; i++)
		off += (size_t)sprintf(text + off, "h%d A 192.0.2.%d\n", i, i % 256);
	z = zone_load("example.com.", write_file("big.zone", text), collect, &e);
	free(text);
	assert_non_null(z);
	assert_int_equal(z->nnodes, 5001);
	assert_int_equal(z->nrecords, 5001);
	for (int i = 0; i < 5000; i += 7) {
		snprintf(name, sizeof(name), "H%d.example.com.", i);
		assert_int_equal(dns_name_from_text(name, strlen(name), NULL, wire, &len, &why), 0);
		assert_non_null(zone_lookup(z, wire));
	}
	assert_null(zone_lookup(z, N("\5h5000\7example\3com")));
	zone_free(z);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_zone_parses_every_construct),
	    cmocka_unit_test(test_zone_ttl_defaults_and_units),
	    cmocka_unit_test(test_zone_include_with_origin),
	    cmocka_unit_test(test_zone_relative_origin_is_below_the_current_one),
	    cmocka_unit_test(test_zone_bad_owner_keeps_the_previous_one),
	    cmocka_unit_test(test_zone_errors_name_file_and_line),
	    cmocka_unit_test(test_zone_reports_every_error),
	    cmocka_unit_test(test_zone_set_finds_longest_origin),
	    cmocka_unit_test(test_zone_many_names_hash),
	};

	return cmocka_run_group_tests_name("dnsd_zone", tests, setup, teardown);
}
