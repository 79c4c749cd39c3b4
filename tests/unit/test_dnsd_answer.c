/* test_dnsd_answer: dnsd/answer — responses built for queries, section by section and
 * byte by byte: AA, CNAME, negative answers, wildcards, referrals, EDNS, TC, CHAOS, AXFR. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dnsd/answer.h"
#include "dnsd/zone.h"
#include "lib/dnswire.h"

static char dir[64];
static struct zone_set *zs;
static const struct answer_cfg cfg = {
    .identity = "pop1.lab",
    .version = "pharos-dnsd test",
    .nsid = (const uint8_t *)"pop",
    .nsidlen = 3,
    .max_udp = 1232,
};

static const char zone_text[] = "$TTL 3600\n"
                                "@ SOA ns1 hostmaster 1 7200 900 1209600 300\n"
                                "  NS ns1\n"
                                "  NS ns2.example.net.\n"
                                "  MX 10 mail\n"
                                "ns1 A 192.0.2.1\n"
                                "mail A 192.0.2.25\n"
                                "mail AAAA 2001:db8::25\n"
                                "www A 192.0.2.80\n"
                                "alias CNAME www\n"
                                "chain 60 CNAME alias\n"
                                "ext CNAME www.example.net.\n"
                                "loop1 CNAME loop2\n"
                                "loop2 CNAME loop1\n"
                                "*.wild TXT \"wildcard\"\n"
                                "*.wcname CNAME www\n"
                                "sub NS ns.sub\n"
                                "sub NS ns.other.example.net.\n"
                                "ns.sub A 192.0.2.53\n"
                                "a.b.ent A 192.0.2.9\n"
                                "_http._tcp SRV 0 0 80 www\n";

static int
setup(void **state)
{
	char path[128];
	FILE *f;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_dnsd_answer.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/example.com.zone", dir);
	f = fopen(path, "w");
	fputs(zone_text, f);
	/* ten 200-byte TXT records: more than 1232 bytes */
	for (int i = 0; i < 10; i++) {
		fprintf(f, "big TXT \"%d", i);
		for (int k = 0; k < 199; k++)
			fputc('x', f);
		fputs("\"\n", f);
	}
	fclose(f);
	zs = calloc(1, sizeof(*zs));
	zs->z = calloc(1, sizeof(*zs->z));
	zs->z[0] = zone_load("example.com.", path, NULL, NULL);
	zs->n = 1;
	return zs->z[0] ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	zone_set_free(zs);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

struct parsed {
	struct dns_header h;
	int n[3];
	char sec[3][48][2048];
	struct dns_edns edns;
};

/* Each RR as "owner TTL CLASS TYPE rdata", the OPT record into edns. */
static void
parse(const uint8_t *m, size_t len, struct parsed *p)
{
	struct buf b;
	struct dns_rr rr;
	const int counts[3] = {0, 0, 0};

	(void)counts;
	memset(p, 0, sizeof(*p));
	buf_init(&b, m, len);
	assert_int_equal(dns_header_get(&b, &p->h), 0);
	assert_int_equal(
	    dns_msg_skip_sections(&b, &(struct dns_header){.qdcount = p->h.qdcount}, 1), 0);
	for (int s = 0; s < 3; s++) {
		unsigned c = s == 0 ? p->h.ancount : s == 1 ? p->h.nscount : p->h.arcount;

		for (unsigned i = 0; i < c; i++) {
			char owner[DNS_NAME_TEXTMAX], rd[512], tb[DNS_TYPE_TEXTMAX],
			    cb[DNS_TYPE_TEXTMAX];

			assert_int_equal(dns_rr_get(&b, &rr), 0);
			if (rr.type == DNS_T_OPT) {
				assert_int_equal(s, 2);
				assert_int_equal(dns_edns_parse(&rr, &p->edns), 0);
				continue;
			}
			assert_true(p->n[s] < 48);
			dns_name_to_text(rr.name, owner, sizeof(owner));
			assert_true(dns_rdata_to_text(rr.type, &rr.rdata, rd, sizeof(rd)) >= 0);
			snprintf(p->sec[s][p->n[s]++], sizeof(p->sec[0][0]), "%s %u %s %s %s",
			    owner, rr.ttl, dns_class_to_text(rr.rclass, cb),
			    dns_type_to_text(rr.type, tb), rd);
		}
	}
	assert_int_equal(buf_left(&b), 0);
}

static size_t
ask_full(const char *qname, uint16_t qtype, uint16_t qclass, uint16_t edns, bool nsid, bool tcp,
    uint8_t *out, size_t cap)
{
	uint8_t q[512], name[DNS_NAME_MAX];
	size_t len;
	const char *why;
	struct wbuf w;
	int n;

	assert_int_equal(dns_name_from_text(qname, strlen(qname), NULL, name, &len, &why), 0);
	wbuf_init(&w, q, sizeof(q));
	n = dns_query_build(&w, 0x4242, DNS_F_RD, name, qtype, edns, nsid);
	assert_true(n > 0);
	q[DNS_HDR_LEN + len + 2] = (uint8_t)(qclass >> 8);
	q[DNS_HDR_LEN + len + 3] = (uint8_t)qclass;
	return answer_query(zs, &cfg, q, (size_t)n, out, cap, tcp);
}

static void
ask(const char *qname, uint16_t qtype, struct parsed *p)
{
	uint8_t out[65535];
	size_t len = ask_full(qname, qtype, DNS_C_IN, 0, false, false, out, sizeof(out));

	assert_true(len > 0);
	parse(out, len, p);
	assert_int_equal(p->h.id, 0x4242);
	assert_true(p->h.flags & DNS_F_QR);
	assert_true(p->h.flags & DNS_F_RD);
	assert_false(p->h.flags & DNS_F_RA);
}

#define RCODE(p) DNS_RCODE((p)->h.flags)
#define AA(p)    (((p)->h.flags & DNS_F_AA) != 0)
#define TC(p)    (((p)->h.flags & DNS_F_TC) != 0)

static void
test_answer_exact_bytes_with_compression(void **state)
{
	static const uint8_t expect[] = {0x42, 0x42, 0x85, 0x00, 0, 1, 0, 1, 0, 0, 0, 0, 3, 'W',
	    'w', 'W', 7, 'e', 'X', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'M', 0, 0, 1, 0, 1, 0xc0,
	    12, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 192, 0, 2, 80};
	uint8_t out[512];
	size_t len;

	(void)state;
	len = ask_full("WwW.eXample.coM.", DNS_T_A, DNS_C_IN, 0, false, false, out, sizeof(out));
	assert_int_equal(len, sizeof(expect));
	assert_memory_equal(out, expect, sizeof(expect));
}

static void
test_answer_mx_with_additional(void **state)
{
	struct parsed p;

	(void)state;
	ask("example.com.", DNS_T_MX, &p);
	assert_int_equal(RCODE(&p), DNS_R_NOERROR);
	assert_true(AA(&p));
	assert_int_equal(p.n[0], 1);
	assert_string_equal(p.sec[0][0], "example.com. 3600 IN MX 10 mail.example.com.");
	assert_int_equal(p.n[2], 2);
	assert_string_equal(p.sec[2][0], "mail.example.com. 3600 IN A 192.0.2.25");
	assert_string_equal(p.sec[2][1], "mail.example.com. 3600 IN AAAA 2001:db8::25");
	ask("_http._tcp.example.com.", DNS_T_SRV, &p);
	assert_string_equal(
	    p.sec[0][0], "_http._tcp.example.com. 3600 IN SRV 0 0 80 www.example.com.");
	assert_string_equal(p.sec[2][0], "www.example.com. 3600 IN A 192.0.2.80");
}

static void
test_answer_follows_cname_chain(void **state)
{
	struct parsed p;

	(void)state;
	ask("chain.example.com.", DNS_T_A, &p);
	assert_int_equal(RCODE(&p), DNS_R_NOERROR);
	assert_true(AA(&p));
	assert_int_equal(p.n[0], 3);
	assert_string_equal(p.sec[0][0], "chain.example.com. 60 IN CNAME alias.example.com.");
	assert_string_equal(p.sec[0][1], "alias.example.com. 3600 IN CNAME www.example.com.");
	assert_string_equal(p.sec[0][2], "www.example.com. 3600 IN A 192.0.2.80");
	/* asking for the CNAME itself does not chase */
	ask("alias.example.com.", DNS_T_CNAME, &p);
	assert_int_equal(p.n[0], 1);
	/* leaving the zone: the CNAME alone */
	ask("ext.example.com.", DNS_T_A, &p);
	assert_int_equal(RCODE(&p), DNS_R_NOERROR);
	assert_int_equal(p.n[0], 1);
	assert_int_equal(p.n[1], 0);
	assert_string_equal(p.sec[0][0], "ext.example.com. 3600 IN CNAME www.example.net.");
	/* a loop ends */
	ask("loop1.example.com.", DNS_T_A, &p);
	assert_int_equal(RCODE(&p), DNS_R_NOERROR);
	assert_int_equal(p.n[0], 8);
}

static void
test_answer_nxdomain_and_nodata_carry_soa(void **state)
{
	struct parsed p;
	const char *soa = "example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. 1 "
	                  "7200 900 1209600 300";

	(void)state;
	ask("nope.example.com.", DNS_T_A, &p);
	assert_int_equal(RCODE(&p), DNS_R_NXDOMAIN);
	assert_true(AA(&p));
	assert_int_equal(p.n[0], 0);
	assert_int_equal(p.n[1], 1);
	assert_string_equal(p.sec[1][0], soa);
	ask("www.example.com.", DNS_T_AAAA, &p);
	assert_int_equal(RCODE(&p), DNS_R_NOERROR);
	assert_int_equal(p.n[0], 0);
	assert_string_equal(p.sec[1][0], soa);
	/* an empty non-terminal is NODATA, not NXDOMAIN */
	ask("b.ent.example.com.", DNS_T_A, &p);
	assert_int_equal(RCODE(&p), DNS_R_NOERROR);
	assert_string_equal(p.sec[1][0], soa);
	/* a CNAME chain ending in NODATA */
	ask("chain.example.com.", DNS_T_AAAA, &p);
	assert_int_equal(RCODE(&p), DNS_R_NOERROR);
	assert_int_equal(p.n[0], 2);
	assert_string_equal(p.sec[1][0], soa);
}

static void
test_answer_wildcards(void **state)
{
	struct parsed p;

	(void)state;
	ask("Foo.wild.example.com.", DNS_T_TXT, &p);
	assert_int_equal(RCODE(&p), DNS_R_NOERROR);
	assert_true(AA(&p));
	assert_string_equal(p.sec[0][0], "Foo.wild.example.com. 3600 IN TXT \"wildcard\"");
	ask("a.b.wild.example.com.", DNS_T_TXT, &p);
	assert_string_equal(p.sec[0][0], "a.b.wild.example.com. 3600 IN TXT \"wildcard\"");
	ask("x.wild.example.com.", DNS_T_A, &p); /* wildcard NODATA */
	assert_int_equal(RCODE(&p), DNS_R_NOERROR);
	assert_int_equal(p.n[0], 0);
	assert_int_equal(p.n[1], 1);
	ask("wild.example.com.", DNS_T_TXT, &p); /* the parent is an empty non-terminal */
	assert_int_equal(RCODE(&p), DNS_R_NOERROR);
	assert_int_equal(p.n[0], 0);
	ask("x.ent.example.com.", DNS_T_A, &p); /* no wildcard there */
	assert_int_equal(RCODE(&p), DNS_R_NXDOMAIN);
	ask("q.wcname.example.com.", DNS_T_A, &p);
	assert_int_equal(p.n[0], 2);
	assert_string_equal(p.sec[0][0], "q.wcname.example.com. 3600 IN CNAME www.example.com.");
	assert_string_equal(p.sec[0][1], "www.example.com. 3600 IN A 192.0.2.80");
}

static void
test_answer_referral_with_glue(void **state)
{
	struct parsed p;

	(void)state;
	ask("host.SUB.example.com.", DNS_T_A, &p);
	assert_int_equal(RCODE(&p), DNS_R_NOERROR);
	assert_false(AA(&p));
	assert_int_equal(p.n[0], 0);
	assert_int_equal(p.n[1], 2);
	assert_string_equal(p.sec[1][0], "SUB.example.com. 3600 IN NS ns.SUB.example.com.");
	assert_string_equal(p.sec[1][1], "SUB.example.com. 3600 IN NS ns.other.example.net.");
	assert_int_equal(p.n[2], 1);
	/* compression is case-insensitive: the glue's owner points into the NS target */
	assert_string_equal(p.sec[2][0], "ns.SUB.example.com. 3600 IN A 192.0.2.53");
	ask("sub.example.com.", DNS_T_NS, &p);
	assert_false(AA(&p));
	assert_int_equal(p.n[1], 2);
	/* DS belongs to the parent side of the cut */
	ask("sub.example.com.", DNS_T_DS, &p);
	assert_true(AA(&p));
	assert_int_equal(p.n[0], 0);
	assert_int_equal(p.n[1], 1);
}

static void
test_answer_refused_notimp_formerr(void **state)
{
	static const uint8_t two_q[] = {
	    0, 7, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 1, 'a', 0, 0, 1, 0, 1, 1, 'b', 0, 0, 1, 0, 1};
	static const uint8_t cut_name[] = {0, 7, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'w', 'w'};
	static const uint8_t bad_label[] = {
	    0, 7, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x41, 'a', 0, 0, 1, 0, 1};
	static const uint8_t status[] = {0, 7, 0x10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1};
	static const uint8_t response[] = {0, 7, 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1};
	static const uint8_t two_opt[] = {0, 7, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2, 0, 0, 1, 0, 1, 0, 0,
	    41, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 41, 4, 0, 0, 0, 0, 0, 0, 0};
	uint8_t out[512];
	struct parsed p;
	size_t len;

	(void)state;
	ask("example.org.", DNS_T_A, &p);
	assert_int_equal(RCODE(&p), DNS_R_REFUSED);
	assert_false(AA(&p));
	assert_int_equal(p.h.qdcount, 1);
	ask("example.com.", DNS_T_AXFR, &p); /* transfers are not answered here */
	assert_int_equal(RCODE(&p), DNS_R_REFUSED);
	len = ask_full("example.com.", DNS_T_A, 4, 0, false, false, out, sizeof(out)); /* HS */
	parse(out, len, &p);
	assert_int_equal(RCODE(&p), DNS_R_REFUSED);

	len = answer_query(zs, &cfg, status, sizeof(status), out, sizeof(out), false);
	parse(out, len, &p);
	assert_int_equal(RCODE(&p), DNS_R_NOTIMP);
	assert_int_equal(DNS_OPCODE(p.h.flags), DNS_OP_STATUS);
	assert_int_equal(p.h.id, 7);
	for (int i = 0; i < 4; i++) {
		const uint8_t *q[] = {two_q, cut_name, bad_label, two_opt};
		const size_t ql[] = {
		    sizeof(two_q), sizeof(cut_name), sizeof(bad_label), sizeof(two_opt)};

		len = answer_query(zs, &cfg, q[i], ql[i], out, sizeof(out), false);
		assert_int_equal(len, DNS_HDR_LEN);
		parse(out, len, &p);
		assert_int_equal(RCODE(&p), DNS_R_FORMERR);
		assert_int_equal(p.h.qdcount, 0);
	}
	/* responses and runts are dropped */
	assert_int_equal(
	    answer_query(zs, &cfg, response, sizeof(response), out, sizeof(out), false), 0);
	assert_int_equal(answer_query(zs, &cfg, status, 11, out, sizeof(out), false), 0);
}

static void
test_answer_any_gives_one_rrset(void **state)
{
	struct parsed p;

	(void)state;
	ask("example.com.", DNS_T_ANY, &p);
	assert_int_equal(RCODE(&p), DNS_R_NOERROR);
	assert_int_equal(p.n[0], 1);
	assert_non_null(strstr(p.sec[0][0], " IN SOA "));
	ask("mail.example.com.", DNS_T_ANY, &p);
	assert_int_equal(p.n[0], 1);
	assert_string_equal(p.sec[0][0], "mail.example.com. 3600 IN A 192.0.2.25");
}

static void
test_answer_edns_nsid_badvers(void **state)
{
	uint8_t out[2048], q[64];
	struct parsed p;
	size_t len;
	struct wbuf w;
	int n;

	(void)state;
	len = ask_full("www.example.com.", DNS_T_A, DNS_C_IN, 4096, true, false, out, sizeof(out));
	parse(out, len, &p);
	assert_true(p.edns.present);
	assert_int_equal(p.edns.udp_size, 1232);
	assert_true(p.edns.nsid);
	assert_int_equal(p.h.arcount, 1);
	assert_memory_equal(out + len - 7, "\0\3\0\3pop", 7);
	/* no NSID unless asked */
	len = ask_full("www.example.com.", DNS_T_A, DNS_C_IN, 1232, false, false, out, sizeof(out));
	parse(out, len, &p);
	assert_true(p.edns.present);
	assert_false(p.edns.nsid);
	assert_memory_equal(out + len - 11, "\0\0\51\4\320\0\0\0\0\0\0", 11);
	/* no OPT without one in the query */
	len = ask_full("www.example.com.", DNS_T_A, DNS_C_IN, 0, false, false, out, sizeof(out));
	parse(out, len, &p);
	assert_false(p.edns.present);
	/* version 1: BADVERS, extended rcode 1 and header rcode 0 */
	wbuf_init(&w, q, sizeof(q));
	n = dns_query_build(&w, 9, 0, (const uint8_t *)"\3www\7example\3com", DNS_T_A, 1232, false);
	q[n - 11 + 6] = 1; /* the OPT TTL's version byte */
	len = answer_query(zs, &cfg, q, (size_t)n, out, sizeof(out), false);
	parse(out, len, &p);
	assert_int_equal(RCODE(&p), 0);
	assert_true(p.edns.present);
	assert_int_equal(p.edns.ext_rcode, 1);
	assert_int_equal(p.n[0], 0);
}

static void
test_answer_truncates_when_too_big(void **state)
{
	uint8_t out[65535];
	struct parsed p;
	size_t len;

	(void)state;
	len = ask_full("big.example.com.", DNS_T_TXT, DNS_C_IN, 0, false, false, out, sizeof(out));
	assert_true(len <= 512);
	parse(out, len, &p);
	assert_true(TC(&p));
	assert_int_equal(p.h.ancount, 0);
	assert_int_equal(p.h.qdcount, 1);
	len =
	    ask_full("big.example.com.", DNS_T_TXT, DNS_C_IN, 4096, true, false, out, sizeof(out));
	assert_true(len <= 1232);
	parse(out, len, &p);
	assert_true(TC(&p));
	assert_true(p.edns.present); /* OPT kept even when truncated */
	assert_true(p.edns.nsid);
	len = ask_full("big.example.com.", DNS_T_TXT, DNS_C_IN, 0, false, true, out, sizeof(out));
	parse(out, len, &p);
	assert_false(TC(&p));
	assert_int_equal(p.n[0], 10);
	/* the client's smaller size is honoured too (below 512 counts as 512) */
	len = ask_full("example.com.", DNS_T_MX, DNS_C_IN, 100, false, false, out, sizeof(out));
	parse(out, len, &p);
	assert_false(TC(&p));
}

static void
test_answer_chaos_identity(void **state)
{
	uint8_t out[512];
	struct parsed p;
	size_t len;
	struct answer_cfg hidden = {0};

	(void)state;
	len = ask_full("id.server.", DNS_T_TXT, DNS_C_CH, 0, false, false, out, sizeof(out));
	parse(out, len, &p);
	assert_int_equal(RCODE(&p), DNS_R_NOERROR);
	assert_true(AA(&p));
	assert_string_equal(p.sec[0][0], "id.server. 0 CH TXT \"pop1.lab\"");
	len = ask_full("HOSTNAME.bind.", DNS_T_TXT, DNS_C_CH, 0, false, false, out, sizeof(out));
	parse(out, len, &p);
	assert_string_equal(p.sec[0][0], "HOSTNAME.bind. 0 CH TXT \"pop1.lab\"");
	len = ask_full("version.bind.", DNS_T_TXT, DNS_C_CH, 0, false, false, out, sizeof(out));
	parse(out, len, &p);
	assert_string_equal(p.sec[0][0], "version.bind. 0 CH TXT \"pharos-dnsd test\"");
	len = ask_full("other.bind.", DNS_T_TXT, DNS_C_CH, 0, false, false, out, sizeof(out));
	parse(out, len, &p);
	assert_int_equal(RCODE(&p), DNS_R_REFUSED);
	{
		uint8_t q[64], name[DNS_NAME_MAX];
		size_t nl;
		const char *why;
		struct wbuf w;
		int n;

		dns_name_from_text("version.bind.", 13, NULL, name, &nl, &why);
		wbuf_init(&w, q, sizeof(q));
		n = dns_query_build(&w, 1, 0, name, DNS_T_TXT, 0, false);
		q[n - 1] = DNS_C_CH;
		len = answer_query(zs, &hidden, q, (size_t)n, out, sizeof(out), false);
		parse(out, len, &p);
		assert_int_equal(RCODE(&p), DNS_R_REFUSED);
	}
}

struct xfr {
	int msgs;
	int records;
	char first[2048];
	char last[2048];
	uint16_t rcode;
};

static int
collect(void *arg, const uint8_t *msg, size_t len)
{
	struct xfr *x = arg;
	struct parsed p;

	parse(msg, len, &p);
	assert_int_equal(p.h.qdcount, x->msgs == 0 ? 1 : 0);
	assert_true(p.h.flags & DNS_F_QR);
	x->rcode = RCODE(&p);
	if (x->msgs == 0 && p.n[0] > 0)
		snprintf(x->first, sizeof(x->first), "%s", p.sec[0][0]);
	if (p.n[0] > 0)
		snprintf(x->last, sizeof(x->last), "%s", p.sec[0][p.n[0] - 1]);
	x->records += p.h.ancount;
	x->msgs++;
	return 0;
}

static void
test_answer_axfr_soa_all_soa(void **state)
{
	uint8_t q[64], out[65535];
	struct wbuf w;
	struct xfr x = {0};
	const struct zone *z = zs->z[0];
	int n;

	(void)state;
	wbuf_init(&w, q, sizeof(q));
	n = dns_query_build(&w, 5, 0, (const uint8_t *)"\7example\3com", DNS_T_AXFR, 0, false);
	assert_true(answer_is_xfr(q, (size_t)n));
	assert_int_equal(answer_axfr(zs, q, (size_t)n, out, sizeof(out), collect, &x), 1);
	assert_int_equal(x.rcode, DNS_R_NOERROR);
	assert_int_equal(x.records, (int)z->nrecords + 1);
	assert_non_null(strstr(x.first, " IN SOA "));
	assert_string_equal(x.first, x.last);
	/* a small buffer: many messages, the same records */
	memset(&x, 0, sizeof(x));
	n = answer_axfr(zs, q, (size_t)n, out, 512, collect, &x);
	assert_true(n > 3);
	assert_int_equal(x.msgs, n);
	assert_int_equal(x.records, (int)z->nrecords + 1);
	assert_string_equal(x.first, x.last);
	/* not an apex */
	memset(&x, 0, sizeof(x));
	wbuf_init(&w, q, sizeof(q));
	n = dns_query_build(&w, 5, 0, (const uint8_t *)"\3www\7example\3com", DNS_T_AXFR, 0, false);
	assert_int_equal(answer_axfr(zs, q, (size_t)n, out, sizeof(out), collect, &x), 1);
	assert_int_equal(x.rcode, DNS_R_NOTAUTH);
	wbuf_init(&w, q, sizeof(q));
	n = dns_query_build(&w, 5, 0, (const uint8_t *)"\7example\3com", DNS_T_A, 0, false);
	assert_false(answer_is_xfr(q, (size_t)n));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_answer_exact_bytes_with_compression),
	    cmocka_unit_test(test_answer_mx_with_additional),
	    cmocka_unit_test(test_answer_follows_cname_chain),
	    cmocka_unit_test(test_answer_nxdomain_and_nodata_carry_soa),
	    cmocka_unit_test(test_answer_wildcards),
	    cmocka_unit_test(test_answer_referral_with_glue),
	    cmocka_unit_test(test_answer_refused_notimp_formerr),
	    cmocka_unit_test(test_answer_any_gives_one_rrset),
	    cmocka_unit_test(test_answer_edns_nsid_badvers),
	    cmocka_unit_test(test_answer_truncates_when_too_big),
	    cmocka_unit_test(test_answer_chaos_identity),
	    cmocka_unit_test(test_answer_axfr_soa_all_soa),
	};

	return cmocka_run_group_tests_name("dnsd_answer", tests, setup, teardown);
}
