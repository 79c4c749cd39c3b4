/* fuzz_dnsd_answer: libFuzzer harness for pharos-dnsd's answer function. The input is a
 * query (any bytes) asked over UDP and over TCP of a small fixed zone (the unit tests'
 * example.com, with a CNAME loop, wildcards, a delegation and an RRset too big for UDP);
 * a zone transfer query also goes through answer_axfr. Every response is parsed back with
 * lib/dnswire and must be well-formed: QR and the query's ID, at most one question, every
 * record readable and printable, at most one OPT (in the additional section), nothing
 * after the last record, and within the UDP size the query allows.
 *   make fuzz FUZZ_SECONDS=60 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dnsd/answer.h"
#include "dnsd/zone.h"
#include "lib/dnswire.h"
#include "lib/log.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char zone_text[] = "$TTL 3600\n"
                                "@ SOA ns1 hostmaster 1 7200 900 1209600 300\n"
                                "  NS ns1\n"
                                "  NS ns2.example.net.\n"
                                "  MX 10 mail\n"
                                "  TXT \"v=spf1 -all\"\n"
                                "  CAA 0 issue \"ca.example.net\"\n"
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
                                "ns.sub AAAA 2001:db8::53\n"
                                "a.b.ent A 192.0.2.9\n"
                                "ptr PTR www\n"
                                "hinfo HINFO \\# 4 01610162\n"
                                "unk TYPE65280 \\# 3 010203\n"
                                "_http._tcp SRV 0 0 80 www\n";

static struct zone_set zs;
static struct zone *zones[2];
static const struct answer_cfg cfg = {
    .identity = "pop1.lab",
    .version = "pharos-dnsd fuzz",
    .nsid = (const uint8_t *)"pop",
    .nsidlen = 3,
    .max_udp = 1232,
};

static void
zone_err(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "fuzz_dnsd_answer: %s\n", msg);
}

static struct zone *
load(const char *dir, const char *origin, const char *text, int big)
{
	char path[256];
	struct zone *z;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%szone", dir, origin);
	if ((f = fopen(path, "w")) == NULL)
		abort();
	fputs(text, f);
	/* ten 200-byte TXT records: more than 1232 bytes */
	for (int i = 0; i < big; i++)
		fprintf(f, "big TXT \"%d%0199d\"\n", i, 0);
	fclose(f);
	z = zone_load(origin, path, zone_err, NULL);
	unlink(path);
	if (z == NULL)
		abort();
	return z;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[] = "/tmp/fuzz_dnsd_answer.XXXXXX";

	(void)argc;
	(void)argv;
	log_init("fuzz_dnsd_answer", LOG_LVL_ERR, 0);
	if (mkdtemp(dir) == NULL)
		abort();
	zones[0] = load(dir, "example.com.", zone_text, 10);
	zones[1] = load(dir, "sub.example.com.",
	    "$TTL 60\n@ SOA ns hm 2 1 1 1 1\n NS ns\nns A 192.0.2.54\n* AAAA 2001:db8::1\n", 0);
	rmdir(dir);
	zs.n = 2;
	zs.z = zones;
	return 0;
}

/* query_limit: the UDP size the query allows, read independently of answer.c. */
static size_t
query_limit(const uint8_t *q, size_t len)
{
	struct dns_header h;
	struct dns_rr rr;
	struct dns_edns e;
	struct buf b;
	size_t limit = DNS_UDP_MIN;

	buf_init(&b, q, len);
	if (dns_header_get(&b, &h) < 0 || dns_msg_skip_sections(&b, &h, 3) < 0)
		return cfg.max_udp; /* unknown: only the server's maximum applies */
	for (unsigned i = 0; i < h.arcount; i++) {
		if (dns_rr_get(&b, &rr) < 0)
			return cfg.max_udp;
		if (rr.type == DNS_T_OPT && dns_edns_parse(&rr, &e) == 0 && e.udp_size > limit)
			limit = e.udp_size < cfg.max_udp ? e.udp_size : cfg.max_udp;
	}
	return limit;
}

/* check: the response r[0..len) to query q is well-formed (abort otherwise). */
static void
check(const uint8_t *q, size_t qlen, const uint8_t *r, size_t len)
{
	static char text[65536 * 4 + 64];
	struct dns_header h;
	struct dns_question qq;
	struct dns_rr rr;
	struct dns_edns e;
	struct buf b;
	unsigned opts = 0, total;

	buf_init(&b, r, len);
	if (dns_header_get(&b, &h) < 0 || !(h.flags & DNS_F_QR))
		abort();
	if (qlen >= 2 && h.id != (uint16_t)(q[0] << 8 | q[1]))
		abort();
	if (h.qdcount > 1 || (h.qdcount == 1 && dns_question_get(&b, &qq) < 0))
		abort();
	total = (unsigned)h.ancount + h.nscount + h.arcount;
	for (unsigned i = 0; i < total; i++) {
		if (dns_rr_get(&b, &rr) < 0)
			abort();
		if (dns_rdata_to_text(rr.type, &rr.rdata, text, sizeof(text)) < 0)
			abort();
		if (dns_name_to_text(rr.name, text, sizeof(text)) < 0)
			abort();
		if (rr.type != DNS_T_OPT)
			continue;
		if (i < (unsigned)h.ancount + h.nscount || ++opts > 1 || rr.namelen != 1 ||
		    dns_edns_parse(&rr, &e) < 0)
			abort();
	}
	if (buf_left(&b) != 0)
		abort();
}

struct xfr {
	const uint8_t *q;
	size_t qlen;
	unsigned n;
};

static int
xfr_emit(void *arg, const uint8_t *msg, size_t len)
{
	struct xfr *x = arg;

	if (len > 65535)
		abort();
	check(x->q, x->qlen, msg, len);
	return ++x->n < 1000 ? 0 : -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[65535];
	size_t len;

	if (size > 65535)
		return 0;
	len = answer_query(&zs, &cfg, data, size, out, sizeof(out), false);
	if (len > 0) {
		check(data, size, out, len);
		if (len > query_limit(data, size))
			abort();
	} else if (size >= DNS_HDR_LEN && !(data[2] & 0x80)) {
		abort(); /* only short queries and responses are dropped */
	}
	len = answer_query(&zs, &cfg, data, size, out, sizeof(out), true);
	if (len > 0)
		check(data, size, out, len);
	if (answer_is_xfr(data, size)) {
		struct xfr x = {data, size, 0};

		answer_axfr(&zs, data, size, out, sizeof(out), xfr_emit, &x);
	}
	return 0;
}
