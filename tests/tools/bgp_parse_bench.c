/* bgp_parse_bench: encode N prefixes (default 1,000,000: 80% IPv4 /24, 20% IPv6 /48) into
 * UPDATEs with bgp_update_pack(), then time bgp_msg_decode() over all of them and print
 * prefixes parsed per second. For `make bench`; not a test.
 *   usage: bgp_parse_bench [prefixes] [passes] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/msg.h"
#include "lib/mono.h"
#include "lib/util.h"

struct store {
	uint8_t *p;
	size_t len, cap;
	size_t msgs;
};

static int
store_emit(void *arg, const uint8_t *msg, size_t len)
{
	struct store *s = arg;

	if (s->len + len > s->cap) {
		s->cap = MAX(s->cap * 2, s->len + len);
		s->p = xreallocarray(s->p, s->cap, 1);
	}
	memcpy(s->p + s->len, msg, len);
	s->len += len;
	s->msgs++;
	return 0;
}

static void
make_prefixes(struct prefix *p, size_t n, size_t n4)
{
	memset(p, 0, n * sizeof(*p));
	for (size_t i = 0; i < n; i++) {
		if (i < n4) {
			p[i].addr.af = AF_INET;
			p[i].len = 24;
			p[i].addr.u.b[0] = (uint8_t)(1 + (i >> 16));
			p[i].addr.u.b[1] = (uint8_t)(i >> 8);
			p[i].addr.u.b[2] = (uint8_t)i;
		} else {
			size_t k = i - n4;

			p[i].addr.af = AF_INET6;
			p[i].len = 48;
			p[i].addr.u.b[0] = 0x20, p[i].addr.u.b[1] = 0x01;
			p[i].addr.u.b[2] = 0x0d, p[i].addr.u.b[3] = 0xb8;
			p[i].addr.u.b[4] = (uint8_t)(k >> 8), p[i].addr.u.b[5] = (uint8_t)k;
		}
	}
}

int
main(int argc, char **argv)
{
	static const uint32_t comms[] = {0xfde90001, 0xfde90064, 0xffff029a};
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
	int passes = argc > 2 ? atoi(argv[2]) : 5;
	struct bgp_caps caps = {BGP_AFM_IPV4 | BGP_AFM_IPV6, true, true, false, BGP_MAX_LEN};
	struct bgp_attrs a;
	struct store s = {NULL, 0, 0, 0};
	struct prefix *p;
	usec_t best = 0;
	unsigned long total = 0;

	if (n == 0 || passes <= 0) {
		fprintf(stderr, "usage: bgp_parse_bench [prefixes] [passes]\n");
		return 2;
	}
	memset(&a, 0, sizeof(a));
	a.asn = 64500, a.prepend = 3, a.has_med = true, a.med = 100;
	a.communities = comms, a.n_communities = nitems(comms);
	addr_parse("192.0.2.1", &a.nh4);
	addr_parse("2001:db8::1", &a.nh6);
	p = xreallocarray(NULL, n, sizeof(*p));
	make_prefixes(p, n, n - n / 5);
	if (bgp_update_pack(&caps, &a, p, n, store_emit, &s) < 0) {
		fprintf(stderr, "bgp_parse_bench: packing failed\n");
		return 1;
	}
	for (int pass = 0; pass < passes; pass++) {
		usec_t t0 = mono_now(), dt;
		unsigned long count = 0;

		for (size_t off = 0; off < s.len;) {
			struct bgp_msg m;
			struct bgp_notify err;
			size_t len = (size_t)(s.p[off + 16] << 8 | s.p[off + 17]);

			if (bgp_msg_decode(s.p + off, len, &caps, &m, &err) < 0 ||
			    m.u.update.action != BGP_UPD_OK) {
				fprintf(stderr, "bgp_parse_bench: decode failed at %zu\n", off);
				return 1;
			}
			count +=
			    m.u.update.announced[BGP_AF_IPV4] + m.u.update.announced[BGP_AF_IPV6];
			off += len;
		}
		dt = mono_now() - t0;
		if (pass == 0 || dt < best)
			best = dt;
		total = count;
	}
	if (total != n) {
		fprintf(stderr, "bgp_parse_bench: counted %lu of %zu prefixes\n", total, n);
		return 1;
	}
	best = MAX(best, 1);
	printf("bgp_parse_bench: %zu prefixes in %zu updates (%zu octets), best of %d: "
	       "%.3f ms, %.0f prefixes/s, %.0f MB/s\n",
	    n, s.msgs, s.len, passes, (double)best / 1e3, (double)n * 1e6 / (double)best,
	    (double)s.len / (double)best);
	free(p);
	free(s.p);
	return 0;
}
