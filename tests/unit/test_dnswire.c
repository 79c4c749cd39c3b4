/* test_dnswire: lib/dnswire — header, names, compression, RRs, EDNS, mnemonics, RDATA text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "lib/buf.h"
#include "lib/dnswire.h"

#define N(s) ((const uint8_t *)(s))

static void
test_header_roundtrip(void **state)
{
	static const uint8_t bytes[] = {0x12, 0x34, 0x85, 0x83, 0, 1, 0, 2, 0, 3, 0, 4};
	struct dns_header h;
	struct buf b;
	uint8_t out[12];
	struct wbuf w;

	(void)state;
	buf_init(&b, bytes, sizeof(bytes));
	assert_int_equal(dns_header_get(&b, &h), 0);
	assert_int_equal(h.id, 0x1234);
	assert_true(h.flags & DNS_F_QR);
	assert_true(h.flags & DNS_F_AA);
	assert_true(h.flags & DNS_F_RD);
	assert_false(h.flags & DNS_F_TC);
	assert_int_equal(DNS_OPCODE(h.flags), DNS_OP_QUERY);
	assert_int_equal(DNS_RCODE(h.flags), DNS_R_NXDOMAIN);
	assert_int_equal(h.qdcount, 1);
	assert_int_equal(h.arcount, 4);
	wbuf_init(&w, out, sizeof(out));
	dns_header_put(&w, &h);
	assert_false(w.err);
	assert_memory_equal(out, bytes, 12);
	buf_init(&b, bytes, 11);
	assert_int_equal(dns_header_get(&b, &h), -1);
}

static void
test_name_get_compressed(void **state)
{
	/* 12 bytes of header, then www.example.com at 12, then mail + ptr(16) at 29 */
	static const uint8_t msg[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 'w', 'w', 'w', 7, 'e',
	    'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 4, 'm', 'a', 'i', 'l', 0xc0, 16,
	    0xaa};
	uint8_t name[DNS_NAME_MAX];
	size_t len;
	struct buf b;

	(void)state;
	buf_init(&b, msg, sizeof(msg));
	b.off = 12;
	assert_int_equal(dns_name_get(&b, name, &len), 0);
	assert_int_equal(len, 17);
	assert_int_equal(b.off, 29);
	assert_int_equal(dns_name_get(&b, name, &len), 0);
	assert_int_equal(len, 18);
	assert_memory_equal(name, "\4mail\7example\3com", 18);
	assert_int_equal(b.off, 36); /* right after the pointer */
}

static void
test_name_get_rejects_loops_and_bounds(void **state)
{
	static const uint8_t self[] = {0xc0, 0};          /* points at itself */
	static const uint8_t fwd[] = {0xc0, 2, 0};        /* points forwards */
	static const uint8_t loop2[] = {1, 'a', 0xc0, 0}; /* label then back to itself */
	static const uint8_t trunc[] = {3, 'w', 'w'};     /* label past the end */
	static const uint8_t noroot[] = {1, 'a'};         /* no terminating label */
	static const uint8_t ext[] = {0x41, 'a', 0};      /* 01 label type */
	static const uint8_t halfptr[] = {0xc0};          /* pointer cut short */
	uint8_t big[300], name[DNS_NAME_MAX];
	size_t len, i;
	struct buf b;

	(void)state;
	buf_init(&b, self, sizeof(self));
	assert_int_equal(dns_name_get(&b, name, &len), -1);
	buf_init(&b, fwd, sizeof(fwd));
	assert_int_equal(dns_name_get(&b, name, &len), -1);
	buf_init(&b, loop2, sizeof(loop2));
	assert_int_equal(dns_name_get(&b, name, &len), -1);
	buf_init(&b, trunc, sizeof(trunc));
	assert_int_equal(dns_name_get(&b, name, &len), -1);
	buf_init(&b, noroot, sizeof(noroot));
	assert_int_equal(dns_name_get(&b, name, &len), -1);
	buf_init(&b, ext, sizeof(ext));
	assert_int_equal(dns_name_get(&b, name, &len), -1);
	buf_init(&b, halfptr, sizeof(halfptr));
	assert_int_equal(dns_name_get(&b, name, &len), -1);
	/* 128 one-byte labels: 257 bytes, over the 255 limit */
	for (i = 0; i < 256; i += 2) {
		big[i] = 1;
		big[i + 1] = 'x';
	}
	big[256] = 0;
	buf_init(&b, big, 257);
	assert_int_equal(dns_name_get(&b, name, &len), -1);
	/* 127 labels: 255 bytes exactly is fine */
	big[254] = 0;
	buf_init(&b, big, 255);
	assert_int_equal(dns_name_get(&b, name, &len), 0);
	assert_int_equal(len, 255);
}

static void
test_name_text_roundtrip(void **state)
{
	const uint8_t *origin = N("\7example\3com");
	uint8_t name[DNS_NAME_MAX];
	char text[DNS_NAME_TEXTMAX];
	const char *why;
	size_t len;

	(void)state;
	assert_int_equal(dns_name_from_text("www", 3, origin, name, &len, &why), 0);
	assert_int_equal(len, 17);
	assert_memory_equal(name, "\3www\7example\3com", 17);
	assert_int_equal(dns_name_from_text("www.test.", 9, origin, name, &len, &why), 0);
	assert_memory_equal(name, "\3www\4test", 10);
	assert_int_equal(dns_name_from_text("@", 1, origin, name, &len, &why), 0);
	assert_int_equal(len, 13);
	assert_int_equal(dns_name_from_text(".", 1, origin, name, &len, &why), 0);
	assert_int_equal(len, 1);
	assert_int_equal(dns_name_from_text("a\\.b\\032c\\\\", 11, NULL, name, &len, &why), 0);
	assert_memory_equal(name, "\6a.b c\\", 8);
	assert_int_equal(dns_name_to_text(name, text, sizeof(text)), 12);
	assert_string_equal(text, "a\\.b\\032c\\\\.");
	assert_int_equal(dns_name_to_text(N(""), text, sizeof(text)), 1);
	assert_string_equal(text, ".");
	assert_int_equal(dns_name_to_text(N("\3www\7example\3com"), text, 5), -1);
	assert_int_equal(dns_name_from_text("a..b", 4, NULL, name, &len, &why), -1);
	assert_string_equal(why, "empty label");
	assert_int_equal(dns_name_from_text("\\25", 3, NULL, name, &len, &why), -1);
	assert_int_equal(dns_name_from_text("\\256", 4, NULL, name, &len, &why), -1);
	assert_int_equal(dns_name_from_text("@", 1, NULL, name, &len, &why), -1);
	assert_int_equal(
	    dns_name_from_text("0123456789012345678901234567890123456789012345678901234567890123",
	        64, NULL, name, &len, &why),
	    -1);
	assert_string_equal(why, "label longer than 63");
}

static void
test_name_compare_and_hash(void **state)
{
	(void)state;
	assert_true(dns_name_eq(N("\3WwW\7Example\3COM"), N("\3www\7example\3com")));
	assert_false(dns_name_eq(N("\3www\7example\3com"), N("\3ww\7example\3com")));
	assert_true(dns_name_is_sub(N("\1a\3www\7example\3com"), N("\7EXAMPLE\3com")));
	assert_true(dns_name_is_sub(N("\7example\3com"), N("\7example\3com")));
	assert_false(dns_name_is_sub(N("\3com"), N("\7example\3com")));
	assert_false(dns_name_is_sub(N("\7xample2\3com"), N("\7example\3com")));
	assert_true(dns_name_is_sub(N("\3com"), N("")));
	assert_int_equal(dns_name_labels(N("\1a\3www\7example\3com")), 4);
	assert_int_equal(dns_name_labels(N("")), 0);
	assert_memory_equal(dns_name_parent(N("\1a\3www\3com"), 2), "\3com", 5);
	assert_int_equal(dns_name_hash(N("\3WWW\3Com")), dns_name_hash(N("\3www\3com")));
	assert_int_not_equal(dns_name_hash(N("\3www\3com")), dns_name_hash(N("\3www\3org")));
	assert_true(dns_name_check(N("\3www\3com"), 9));
	assert_false(dns_name_check(N("\3www\3com"), 8));
	assert_false(dns_name_check(N("\3www\3com\0"), 10));
}

static void
test_name_put_compresses(void **state)
{
	uint8_t out[64];
	struct dns_ctable ct = {0};
	struct wbuf w;

	(void)state;
	wbuf_init(&w, out, sizeof(out));
	wbuf_fill(&w, 0, 12);
	dns_name_put(&w, N("\3www\7Example\3com"), &ct);
	dns_name_put(&w, N("\4mail\7example\3COM"), &ct); /* case-insensitive suffix match */
	dns_name_put(&w, N("\3www\7example\3com"), &ct);  /* the whole name */
	dns_name_put(&w, N("\3org"), &ct);                /* nothing to share */
	dns_name_put(&w, N(""), &ct);                     /* the root is never compressed */
	assert_false(w.err);
	assert_int_equal(w.len, 12 + 17 + 7 + 2 + 5 + 1);
	assert_memory_equal(out + 29, "\4mail\xc0\x10", 7);
	assert_memory_equal(out + 36, "\xc0\x0c", 2);
	assert_memory_equal(out + 38, "\3org\0\0", 6);
	/* without a table: no compression */
	wbuf_init(&w, out, sizeof(out));
	dns_name_put(&w, N("\3www\3com"), NULL);
	dns_name_put(&w, N("\3www\3com"), NULL);
	assert_int_equal(w.len, 18);
}

static void
test_question_and_query_build(void **state)
{
	static const uint8_t expect[] = {0xbe, 0xef, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1, 3, 'w',
	    'w', 'w', 3, 'c', 'o', 'm', 0, 0, 28, 0, 1, 0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 4, 0,
	    3, 0, 0};
	uint8_t out[64];
	struct wbuf w;
	struct buf b;
	struct dns_header h;
	struct dns_question q;
	struct dns_rr rr;
	struct dns_edns e;

	(void)state;
	wbuf_init(&w, out, sizeof(out));
	assert_int_equal(
	    dns_query_build(&w, 0xbeef, DNS_F_RD, N("\3www\3com"), DNS_T_AAAA, 1232, true),
	    (int)sizeof(expect));
	assert_memory_equal(out, expect, sizeof(expect));
	buf_init(&b, out, w.len);
	assert_int_equal(dns_header_get(&b, &h), 0);
	assert_int_equal(dns_question_get(&b, &q), 0);
	assert_int_equal(q.qtype, DNS_T_AAAA);
	assert_int_equal(q.qclass, DNS_C_IN);
	assert_int_equal(q.namelen, 9);
	assert_int_equal(dns_rr_get(&b, &rr), 0);
	assert_int_equal(rr.type, DNS_T_OPT);
	assert_int_equal(rr.rdlen, 4);
	assert_int_equal(buf_left(&b), 0);
	assert_int_equal(dns_edns_parse(&rr, &e), 0);
	assert_true(e.present);
	assert_true(e.nsid);
	assert_int_equal(e.udp_size, 1232);
	assert_int_equal(e.version, 0);
	/* too small for it */
	wbuf_init(&w, out, 20);
	assert_int_equal(dns_query_build(&w, 1, 0, N("\3www\3com"), DNS_T_A, 0, false), -1);
}

static void
test_rr_walk_and_skip(void **state)
{
	/* header: 1 question, 1 answer (A 192.0.2.1, TTL 300, owner compressed to the qname) */
	static const uint8_t msg[] = {0, 1, 0x84, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 'a', 0, 0, 1, 0, 1,
	    0xc0, 12, 0, 1, 0, 1, 0, 0, 1, 0x2c, 0, 4, 192, 0, 2, 1};
	struct dns_header h;
	struct dns_rr rr;
	struct buf b;
	char text[64];

	(void)state;
	buf_init(&b, msg, sizeof(msg));
	assert_int_equal(dns_header_get(&b, &h), 0);
	assert_int_equal(dns_msg_skip_sections(&b, &h, 1), 0);
	assert_int_equal(dns_rr_get(&b, &rr), 0);
	assert_memory_equal(rr.name, "\1a", 3);
	assert_int_equal(rr.ttl, 300);
	assert_int_equal(rr.rdlen, 4);
	assert_int_equal(dns_rdata_to_text(rr.type, &rr.rdata, text, sizeof(text)), 9);
	assert_string_equal(text, "192.0.2.1");
	/* RDLENGTH larger than what is left */
	buf_init(&b, msg, sizeof(msg) - 1);
	dns_header_get(&b, &h);
	assert_int_equal(dns_msg_skip_sections(&b, &h, 2), -1);
}

static void
test_edns_parse_options(void **state)
{
	static const uint8_t rd_ok[] = {0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0, 3, 0, 0};
	static const uint8_t rd_bad[] = {0, 3, 0, 4, 0};
	static const uint8_t rd_badcookie[] = {0, 10, 0, 3, 1, 2, 3};
	struct dns_rr rr = {.type = DNS_T_OPT, .rclass = 4096, .ttl = 0x01008000};
	struct dns_edns e;

	(void)state;
	buf_init(&rr.rdata, rd_ok, sizeof(rd_ok));
	assert_int_equal(dns_edns_parse(&rr, &e), 0);
	assert_int_equal(e.udp_size, 4096);
	assert_int_equal(e.version, 0);
	assert_int_equal(e.ext_rcode, 1);
	assert_true(e.do_bit);
	assert_true(e.nsid);
	assert_true(e.cookie);
	assert_int_equal(e.cookie_len, 8);
	buf_init(&rr.rdata, rd_bad, sizeof(rd_bad));
	assert_int_equal(dns_edns_parse(&rr, &e), -1);
	buf_init(&rr.rdata, rd_badcookie, sizeof(rd_badcookie));
	assert_int_equal(dns_edns_parse(&rr, &e), -1);
	rr.name[0] = 1; /* OPT not at the root */
	buf_init(&rr.rdata, rd_ok, 0);
	assert_int_equal(dns_edns_parse(&rr, &e), -1);
}

static void
test_opt_put_with_nsid(void **state)
{
	static const uint8_t expect[] = {
	    0, 0, 41, 0x04, 0xd0, 0x01, 0, 0x80, 0, 0, 7, 0, 3, 0, 3, 'p', 'o', 'p'};
	uint8_t out[32];
	struct wbuf w;

	(void)state;
	wbuf_init(&w, out, sizeof(out));
	dns_opt_put(&w, 1232, 1, 0, true, N("pop"), 3);
	assert_int_equal(w.len, sizeof(expect));
	assert_memory_equal(out, expect, sizeof(expect));
}

static void
test_mnemonics(void **state)
{
	char buf[DNS_TYPE_TEXTMAX];
	uint16_t v;

	(void)state;
	assert_string_equal(dns_type_to_text(DNS_T_AAAA, buf), "AAAA");
	assert_string_equal(dns_type_to_text(65534, buf), "TYPE65534");
	assert_int_equal(dns_type_from_text("caa", 3, &v), 0);
	assert_int_equal(v, DNS_T_CAA);
	assert_int_equal(dns_type_from_text("TYPE65534", 9, &v), 0);
	assert_int_equal(v, 65534);
	assert_int_equal(dns_type_from_text("TYPE65536", 9, &v), -1);
	assert_int_equal(dns_type_from_text("TYPE", 4, &v), -1);
	assert_int_equal(dns_type_from_text("AAAAX", 5, &v), -1);
	assert_string_equal(dns_class_to_text(DNS_C_CH, buf), "CH");
	assert_string_equal(dns_class_to_text(42, buf), "CLASS42");
	assert_int_equal(dns_class_from_text("in", 2, &v), 0);
	assert_int_equal(v, DNS_C_IN);
	assert_int_equal(dns_class_from_text("CLASS3", 6, &v), 0);
	assert_int_equal(v, 3);
	assert_string_equal(dns_rcode_to_text(DNS_R_NXDOMAIN, buf), "NXDOMAIN");
	assert_string_equal(dns_rcode_to_text(DNS_R_BADVERS, buf), "BADVERS");
	assert_string_equal(dns_rcode_to_text(12, buf), "RCODE12");
	assert_int_equal(dns_rcode_from_text("refused", 7, &v), 0);
	assert_int_equal(v, DNS_R_REFUSED);
}

struct rdcase {
	uint16_t type;
	const char *bytes;
	size_t len;
	const char *text;
};

static void
test_rdata_to_text(void **state)
{
	static const struct rdcase cases[] = {
	    {DNS_T_AAAA, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\1", 16, "2001:db8::1"},
	    {DNS_T_NS, "\3ns1\7example\0", 13, "ns1.example."}, {DNS_T_CNAME, "\0", 1, "."},
	    {DNS_T_PTR, "\1a\1b\0", 5, "a.b."}, {DNS_T_MX, "\0\12\4mail\0", 8, "10 mail."},
	    {DNS_T_TXT, "\5hello\7a \"b\\\"c", 14, "\"hello\" \"a \\\"b\\\\\\\"c\""},
	    {DNS_T_TXT, "\2\x01z", 3, "\"\\001z\""},
	    {DNS_T_SOA, "\2ns\0\4host\0\0\0\0\1\0\0\x0e\x10\0\0\2\x58\0\x09\x3a\x80\0\0\1\x2c", 30,
	        "ns. host. 1 3600 600 604800 300"},
	    {DNS_T_SRV, "\0\1\0\2\0\x35\3dns\0", 11, "1 2 53 dns."},
	    {DNS_T_CAA, "\0\5issueca.", 10, "0 issue \"ca.\""},
	    {65534, "\xab\xcd", 2, "\\# 2 ABCD"}, {65534, "", 0, "\\# 0"},
	    {DNS_T_A, "\1\2\3", 3, "\\# 3 010203"},        /* malformed A: generic form */
	    {DNS_T_MX, "\0\1\3mx", 5, "\\# 5 0001036D78"}, /* name cut short */
	};
	char text[128];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf rd;

		buf_init(&rd, cases[i].bytes, cases[i].len);
		int rc = dns_rdata_to_text(cases[i].type, &rd, text, sizeof(text));
		assert_int_equal(rc, (int)strlen(cases[i].text));
		assert_string_equal(text, cases[i].text);
		assert_int_equal(rd.off, 0); /* not moved */
	}
	{
		struct buf rd;

		buf_init(&rd, "\1\2\3\4", 4);
		assert_int_equal(dns_rdata_to_text(DNS_T_A, &rd, text, 7), -1);
		assert_int_equal(dns_rdata_to_text(DNS_T_A, &rd, text, 8), 7);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_header_roundtrip),
	    cmocka_unit_test(test_name_get_compressed),
	    cmocka_unit_test(test_name_get_rejects_loops_and_bounds),
	    cmocka_unit_test(test_name_text_roundtrip),
	    cmocka_unit_test(test_name_compare_and_hash),
	    cmocka_unit_test(test_name_put_compresses),
	    cmocka_unit_test(test_question_and_query_build),
	    cmocka_unit_test(test_rr_walk_and_skip),
	    cmocka_unit_test(test_edns_parse_options),
	    cmocka_unit_test(test_opt_put_with_nsid),
	    cmocka_unit_test(test_mnemonics),
	    cmocka_unit_test(test_rdata_to_text),
	};

	return cmocka_run_group_tests_name("dnswire", tests, NULL, NULL);
}
