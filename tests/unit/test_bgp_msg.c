/* test_bgp_msg: bgp/msg — every message both ways as byte vectors, the malformed cases
 * of RFC 4271 §6 / RFC 7606 with the NOTIFICATION bytes we answer, and packing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "bgp/msg.h"
#include "lib/addr.h"
#include "lib/buf.h"

#define MK                                                                                         \
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  \
	    0xff

static const struct bgp_caps caps4 = {BGP_AFM_IPV4 | BGP_AFM_IPV6, true, true, false, BGP_MAX_LEN};
static const struct bgp_caps caps2 = {BGP_AFM_IPV4 | BGP_AFM_IPV6, false, true, false, BGP_MAX_LEN};

/* The NOTIFICATION n encodes to exactly exp. */
static void
assert_notify_bytes(const struct bgp_notify *n, const uint8_t *exp, size_t len)
{
	uint8_t out[BGP_MAX_LEN];
	struct wbuf w;

	wbuf_init(&w, out, sizeof(out));
	assert_int_equal(bgp_notify_encode(&w, n), 0);
	assert_int_equal(w.len, len);
	assert_memory_equal(out, exp, len);
}

static void
assert_notify(const struct bgp_notify *n, uint8_t code, uint8_t sub, const void *data, size_t dlen)
{
	assert_int_equal(n->code, code);
	assert_int_equal(n->subcode, sub);
	assert_int_equal(n->datalen, dlen);
	if (dlen)
		assert_memory_equal(n->data, data, dlen);
}

/* A whole message: the header in front of body. */
static size_t
mkmsg(uint8_t *out, uint8_t type, const uint8_t *body, size_t blen)
{
	memset(out, 0xff, 16);
	out[16] = (uint8_t)((blen + 19) >> 8);
	out[17] = (uint8_t)(blen + 19);
	out[18] = type;
	if (blen)
		memcpy(out + 19, body, blen);
	return blen + 19;
}

static struct prefix
pfx(const char *s)
{
	struct prefix p;
	const char *why;

	assert_int_equal(prefix_parse(s, &p, &why), 0);
	return p;
}

static struct addr
ad(const char *s)
{
	struct addr a;

	assert_int_equal(addr_parse(s, &a), 0);
	return a;
}

/* ---- header ---- */

static void
test_hdr_accepts_keepalive_and_rejects_bad_marker(void **state)
{
	uint8_t m[19] = {MK, 0x00, 0x13, 0x04};
	static const uint8_t exp[] = {MK, 0x00, 0x15, 0x03, 0x01, 0x01};
	struct bgp_hdr h;
	struct bgp_notify n;

	(void)state;
	assert_int_equal(bgp_hdr_parse(m, sizeof(m), BGP_MAX_LEN, &h, &n), 0);
	assert_int_equal(h.len, 19);
	assert_int_equal(h.type, BGP_MSG_KEEPALIVE);
	m[7] = 0xfe;
	assert_int_equal(bgp_hdr_parse(m, sizeof(m), BGP_MAX_LEN, &h, &n), -1);
	assert_notify_bytes(&n, exp, sizeof(exp));
}

static void
test_hdr_bad_length_carries_the_length(void **state)
{
	static const struct {
		uint16_t len;
		uint8_t type;
	} bad[] = {
	    {18, 4},
	    {4097, 2},
	    {20, 4},
	    {28, 1},
	    {22, 2},
	    {20, 3},
	    {5000, 1},
	};
	struct bgp_hdr h;
	struct bgp_notify n;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t m[19] = {MK, (uint8_t)(bad[i].len >> 8), (uint8_t)bad[i].len, bad[i].type};
		uint8_t exp[] = {MK, 0x00, 0x17, 0x03, 0x01, 0x02, m[16], m[17]};

		assert_int_equal(bgp_hdr_parse(m, sizeof(m), BGP_MAX_LEN, &h, &n), -1);
		assert_notify_bytes(&n, exp, sizeof(exp));
	}
}

static void
test_hdr_extended_length_only_when_allowed(void **state)
{
	uint8_t m[19] = {MK, 0x20, 0x00, 0x02}; /* an 8192-octet UPDATE */
	struct bgp_hdr h;
	struct bgp_notify n;

	(void)state;
	assert_int_equal(bgp_hdr_parse(m, sizeof(m), BGP_MAX_LEN, &h, &n), -1);
	assert_int_equal(bgp_hdr_parse(m, sizeof(m), BGP_EXT_MAX_LEN, &h, &n), 0);
	m[18] = BGP_MSG_OPEN; /* OPEN stays <= 4096 (RFC 8654 §4) */
	assert_int_equal(bgp_hdr_parse(m, sizeof(m), BGP_EXT_MAX_LEN, &h, &n), -1);
	assert_notify(&n, 1, 2, "\x20\x00", 2);
}

static void
test_hdr_bad_type_carries_the_type(void **state)
{
	uint8_t m[19] = {MK, 0x00, 0x13, 0x06};
	static const uint8_t exp[] = {MK, 0x00, 0x16, 0x03, 0x01, 0x03, 0x06};
	struct bgp_hdr h;
	struct bgp_notify n;

	(void)state;
	assert_int_equal(bgp_hdr_parse(m, sizeof(m), BGP_MAX_LEN, &h, &n), -1);
	assert_notify_bytes(&n, exp, sizeof(exp));
}

/* ---- KEEPALIVE, ROUTE-REFRESH ---- */

static void
test_keepalive_encode(void **state)
{
	static const uint8_t exp[] = {MK, 0x00, 0x13, 0x04};
	uint8_t out[64];
	struct wbuf w;
	struct bgp_msg m;
	struct bgp_notify n;

	(void)state;
	wbuf_init(&w, out, sizeof(out));
	assert_int_equal(bgp_keepalive_encode(&w), 0);
	assert_int_equal(w.len, sizeof(exp));
	assert_memory_equal(out, exp, sizeof(exp));
	assert_int_equal(bgp_msg_decode(out, w.len, &caps4, &m, &n), 0);
	assert_int_equal(m.hdr.type, BGP_MSG_KEEPALIVE);
}

static void
test_route_refresh_both_ways(void **state)
{
	static const uint8_t exp[] = {MK, 0x00, 0x17, 0x05, 0x00, 0x02, 0x00, 0x01};
	static const uint8_t borr[] = {0x00, 0x01, 0x01, 0x01};
	uint8_t out[64];
	struct wbuf w;
	struct bgp_route_refresh rr;
	struct bgp_notify n;

	(void)state;
	wbuf_init(&w, out, sizeof(out));
	assert_int_equal(bgp_rr_encode(&w, BGP_AFI_IPV6, BGP_SAFI_UNICAST, BGP_RR_NORMAL), 0);
	assert_int_equal(w.len, sizeof(exp));
	assert_memory_equal(out, exp, sizeof(exp));
	assert_int_equal(bgp_rr_decode(out + 19, 4, &rr, &n), 0);
	assert_int_equal(rr.afi, 2);
	assert_int_equal(rr.safi, 1);
	assert_int_equal(rr.subtype, BGP_RR_NORMAL);
	assert_int_equal(bgp_rr_decode(borr, sizeof(borr), &rr, &n), 0);
	assert_int_equal(rr.subtype, BGP_RR_BORR);
	assert_int_equal(rr.afi, 1);
}

static void
test_route_refresh_bad_length_is_7_1_with_the_message(void **state)
{
	static const uint8_t body[] = {0x00, 0x01, 0x02, 0x01, 0x00};
	static const uint8_t exp[] = {
	    MK, 0x00, 0x2d, 0x03, 0x07, 0x01, MK, 0x00, 0x18, 0x05, 0x00, 0x01, 0x02, 0x01, 0x00};
	struct bgp_route_refresh rr;
	struct bgp_notify n;

	(void)state;
	assert_int_equal(bgp_rr_decode(body, sizeof(body), &rr, &n), -1);
	assert_notify_bytes(&n, exp, sizeof(exp));
}

/* ---- OPEN ---- */

static void
test_open_encode_two_families(void **state)
{
	static const uint8_t exp[] = {MK, 0x00, 0x33, 0x01,       /* header, 51 octets */
	    0x04, 0xfd, 0xe9, 0x00, 0x5a, 0xc0, 0x00, 0x02, 0x01, /* v4 AS65001 90s id */
	    0x16, 0x02, 0x14,                                     /* one Capabilities */
	    0x01, 0x04, 0x00, 0x01, 0x00, 0x01,                   /* MP IPv4 unicast */
	    0x01, 0x04, 0x00, 0x02, 0x00, 0x01,                   /* MP IPv6 unicast */
	    0x02, 0x00,                                           /* route refresh */
	    0x41, 0x04, 0x00, 0x00, 0xfd, 0xe9};                  /* 4-octet AS */
	struct bgp_open_params p = {65001, 90, 0xc0000201, BGP_AFM_IPV4 | BGP_AFM_IPV6};
	uint8_t out[128];
	struct wbuf w;

	(void)state;
	wbuf_init(&w, out, sizeof(out));
	assert_int_equal(bgp_open_encode(&w, &p), 0);
	assert_int_equal(w.len, sizeof(exp));
	assert_memory_equal(out, exp, sizeof(exp));
}

static void
test_open_encode_as_trans_for_4_octet_asn(void **state)
{
	static const uint8_t exp[] = {MK, 0x00, 0x2d, 0x01, 0x04, 0x5b, 0xa0, 0x00, 0xb4, 0xc0,
	    0x00, 0x02, 0x01, 0x10, 0x02, 0x0e, 0x01, 0x04, 0x00, 0x01, 0x00, 0x01, 0x02, 0x00,
	    0x41, 0x04, 0xfa, 0x56, 0xea, 0x00};
	struct bgp_open_params p = {4200000000u, 180, 0xc0000201, BGP_AFM_IPV4};
	uint8_t out[128];
	struct wbuf w;
	struct bgp_open o;
	struct bgp_notify n;
	struct bgp_caps c;

	(void)state;
	wbuf_init(&w, out, sizeof(out));
	assert_int_equal(bgp_open_encode(&w, &p), 0);
	assert_int_equal(w.len, sizeof(exp));
	assert_memory_equal(out, exp, sizeof(exp));
	/* and it reads back */
	assert_int_equal(bgp_open_decode(out + 19, w.len - 19, &o, &n), 0);
	assert_int_equal(o.asn, 4200000000u);
	assert_int_equal(o.my_as, BGP_AS_TRANS);
	assert_int_equal(bgp_open_negotiate(&o, 4200000000u, BGP_AFM_IPV4, &c, &n), 0);
	assert_true(c.as4);
}

static void
test_open_encode_refuses_bad_params(void **state)
{
	struct bgp_open_params p = {65001, 2, 1, BGP_AFM_IPV4};
	uint8_t out[128];
	struct wbuf w;

	(void)state;
	wbuf_init(&w, out, sizeof(out));
	assert_int_equal(bgp_open_encode(&w, &p), -1);
	p.hold = 90, p.id = 0;
	assert_int_equal(bgp_open_encode(&w, &p), -1);
	p.id = 1, p.families = 0;
	assert_int_equal(bgp_open_encode(&w, &p), -1);
}

/* An OPEN as FRR 8.4 sends it by default (reconstructed from bgpd/bgp_open.c
 * bgp_open_capability(): one parameter per capability, IPv4 unicast only, route
 * refresh old and new, enhanced RR, AS4, extended message, ADD-PATH RX, FQDN "r1",
 * GR helper with the N bit and 120 s, LLGR for IPv4 unicast): AS 65000, hold 180,
 * router id 10.0.0.1. */
static const uint8_t frr_open[] = {MK, 0x00, 0x5e, 0x01, 0x04, 0xfd, 0xe8, 0x00, 0xb4, 0x0a, 0x00,
    0x00, 0x01, 0x41,                                                  /* opt len 65 */
    0x02, 0x06, 0x01, 0x04, 0x00, 0x01, 0x00, 0x01,                    /* MP IPv4 unicast */
    0x02, 0x02, 0x80, 0x00,                                            /* route refresh (old) */
    0x02, 0x02, 0x02, 0x00,                                            /* route refresh */
    0x02, 0x02, 0x46, 0x00,                                            /* enhanced route refresh */
    0x02, 0x06, 0x41, 0x04, 0x00, 0x00, 0xfd, 0xe8,                    /* 4-octet AS 65000 */
    0x02, 0x02, 0x06, 0x00,                                            /* extended message */
    0x02, 0x06, 0x45, 0x04, 0x00, 0x01, 0x01, 0x01,                    /* ADD-PATH IPv4 RX */
    0x02, 0x06, 0x49, 0x04, 0x02, 0x72, 0x31, 0x00,                    /* FQDN r1 */
    0x02, 0x04, 0x40, 0x02, 0x40, 0x78,                                /* GR N-bit 120 s */
    0x02, 0x09, 0x47, 0x07, 0x00, 0x01, 0x01, 0x80, 0x00, 0x00, 0x00}; /* LLGR */

static void
test_open_decode_as_frr_sends_it(void **state)
{
	struct bgp_msg m;
	struct bgp_notify n;
	struct bgp_caps c;
	const struct bgp_open *o = &m.u.open;

	(void)state;
	assert_int_equal(sizeof(frr_open), 94);
	assert_int_equal(bgp_msg_decode(frr_open, sizeof(frr_open), NULL, &m, &n), 0);
	assert_int_equal(m.hdr.type, BGP_MSG_OPEN);
	assert_int_equal(o->version, 4);
	assert_int_equal(o->asn, 65000);
	assert_int_equal(o->hold, 180);
	assert_int_equal(o->id, 0x0a000001);
	assert_false(o->ext_params);
	assert_true(o->mp_seen);
	assert_int_equal(o->families, BGP_AFM_IPV4);
	assert_true(o->as4);
	assert_true(o->route_refresh);
	assert_true(o->route_refresh_old);
	assert_true(o->enhanced_rr);
	assert_true(o->ext_message);
	assert_true(o->gr);
	assert_int_equal(o->gr_flags, 0x4);
	assert_int_equal(o->gr_time, 120);
	assert_int_equal(o->gr_afs, 0);
	assert_int_equal(o->n_addpath, 1);
	assert_int_equal(o->addpath[0].afi, 1);
	assert_int_equal(o->addpath[0].safi, 1);
	assert_int_equal(o->addpath[0].mode, 1);
	assert_int_equal(o->n_caps, 10);
	assert_int_equal(o->n_unknown, 2); /* FQDN, LLGR */
	/* We offer both families: only IPv4 is common; no extended messages for us. */
	assert_int_equal(bgp_open_negotiate(o, 65000, BGP_AFM_IPV4 | BGP_AFM_IPV6, &c, &n), 0);
	assert_int_equal(c.families, BGP_AFM_IPV4);
	assert_true(c.as4);
	assert_true(c.route_refresh);
	assert_int_equal(c.max_len, BGP_MAX_LEN);
}

static void
test_open_decode_one_parameter_with_repeats_and_gr_tuples(void **state)
{
	/* BIRD style: everything in one Capabilities parameter; MP IPv6 twice, an unknown
	 * capability 200, GR restart 90 s with the R bit and two AFI/SAFI tuples. */
	static const uint8_t body[] = {0x04, 0xfd, 0xeb, 0x00, 0xf0, 0x0a, 0x00, 0x00, 0x03, 0x22,
	    0x02, 0x20, 0x01, 0x04, 0x00, 0x02, 0x00, 0x01, 0x01, 0x04, 0x00, 0x02, 0x00, 0x01,
	    0xc8, 0x00, 0x40, 0x0a, 0x80, 0x5a, 0x00, 0x01, 0x01, 0x00, 0x00, 0x02, 0x01, 0x80,
	    0x41, 0x04, 0x00, 0x00, 0xfd, 0xeb};
	struct bgp_open o;
	struct bgp_notify n;
	struct bgp_caps c;

	(void)state;
	assert_int_equal(bgp_open_decode(body, sizeof(body), &o, &n), 0);
	assert_int_equal(o.families, BGP_AFM_IPV6);
	assert_int_equal(o.n_unknown, 1);
	assert_true(o.gr);
	assert_int_equal(o.gr_flags, 0x8);
	assert_int_equal(o.gr_time, 90);
	assert_int_equal(o.gr_afs, 2);
	assert_false(o.route_refresh);
	assert_int_equal(bgp_open_negotiate(&o, 65003, BGP_AFM_IPV4 | BGP_AFM_IPV6, &c, &n), 0);
	assert_int_equal(c.families, BGP_AFM_IPV6);
	assert_false(c.route_refresh);
}

static void
test_open_decode_rfc9072_extended_parameters(void **state)
{
	static const uint8_t body[] = {0x04, 0xfd, 0xe8, 0x00, 0xb4, 0x0a, 0x00, 0x00, 0x01, 0xff,
	    0xff, 0x00, 0x0f, /* non-ext 255, type 255, 15 */
	    0x02, 0x00, 0x0c, /* Capabilities, 2-octet 12 */
	    0x01, 0x04, 0x00, 0x02, 0x00, 0x01, 0x41, 0x04, 0x00, 0x00, 0xfd, 0xe8};
	struct bgp_open o;
	struct bgp_notify n;

	(void)state;
	assert_int_equal(bgp_open_decode(body, sizeof(body), &o, &n), 0);
	assert_true(o.ext_params);
	assert_int_equal(o.families, BGP_AFM_IPV6);
	assert_true(o.as4);
	assert_int_equal(o.asn, 65000);
}

static void
test_open_without_capabilities_implies_ipv4(void **state)
{
	static const uint8_t body[] = {0x04, 0xfd, 0xe8, 0x00, 0x5a, 0x0a, 0x00, 0x00, 0x01, 0x00};
	struct bgp_open o;
	struct bgp_notify n;
	struct bgp_caps c;

	(void)state;
	assert_int_equal(bgp_open_decode(body, sizeof(body), &o, &n), 0);
	assert_false(o.mp_seen);
	assert_false(o.as4);
	assert_int_equal(bgp_open_negotiate(&o, 65000, BGP_AFM_IPV4 | BGP_AFM_IPV6, &c, &n), 0);
	assert_int_equal(c.families, BGP_AFM_IPV4);
	assert_false(c.as4);
}

static void
test_open_unsupported_version_is_2_1_with_4(void **state)
{
	static const uint8_t body[] = {0x03, 0xfd, 0xe8, 0x00, 0x5a, 0x0a, 0x00, 0x00, 0x01, 0x00};
	static const uint8_t exp[] = {MK, 0x00, 0x17, 0x03, 0x02, 0x01, 0x00, 0x04};
	struct bgp_open o;
	struct bgp_notify n;

	(void)state;
	assert_int_equal(bgp_open_decode(body, sizeof(body), &o, &n), -1);
	assert_notify_bytes(&n, exp, sizeof(exp));
}

static void
test_open_hold_time_1_or_2_is_2_6(void **state)
{
	uint8_t body[] = {0x04, 0xfd, 0xe8, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x01, 0x00};
	static const uint8_t exp[] = {MK, 0x00, 0x17, 0x03, 0x02, 0x06, 0x00, 0x02};
	struct bgp_open o;
	struct bgp_notify n;

	(void)state;
	assert_int_equal(bgp_open_decode(body, sizeof(body), &o, &n), -1);
	assert_notify(&n, 2, 6, "\x00\x01", 2);
	body[4] = 2;
	assert_int_equal(bgp_open_decode(body, sizeof(body), &o, &n), -1);
	assert_notify_bytes(&n, exp, sizeof(exp));
	body[4] = 0; /* 0 is allowed: no keepalives */
	assert_int_equal(bgp_open_decode(body, sizeof(body), &o, &n), 0);
	body[4] = 3;
	assert_int_equal(bgp_open_decode(body, sizeof(body), &o, &n), 0);
}

static void
test_open_bgp_identifier_checks_are_2_3(void **state)
{
	uint8_t body[] = {0x04, 0xfd, 0xe8, 0x00, 0x5a, 0x00, 0x00, 0x00, 0x00, 0x00};
	static const uint8_t exp[] = {MK, 0x00, 0x19, 0x03, 0x02, 0x03, 0x00, 0x00, 0x00, 0x00};
	struct bgp_open o;
	struct bgp_notify n;

	(void)state;
	assert_int_equal(bgp_open_decode(body, sizeof(body), &o, &n), -1);
	assert_notify_bytes(&n, exp, sizeof(exp));
	body[8] = 7;
	assert_int_equal(bgp_open_decode(body, sizeof(body), &o, &n), 0);
	/* RFC 6286 §2.2: equal to ours is an error from an iBGP peer only. */
	assert_int_equal(bgp_open_check_id(&o, 7, false, &n), 0);
	assert_int_equal(bgp_open_check_id(&o, 8, true, &n), 0);
	assert_int_equal(bgp_open_check_id(&o, 7, true, &n), -1);
	assert_notify(&n, 2, 3, "\x00\x00\x00\x07", 4);
}

static void
test_open_non_capability_parameter_is_2_4(void **state)
{
	/* parameter type 1 (deprecated authentication) */
	static const uint8_t body[] = {
	    0x04, 0xfd, 0xe8, 0x00, 0x5a, 0x0a, 0x00, 0x00, 0x01, 0x03, 0x01, 0x01, 0x00};
	static const uint8_t exp[] = {MK, 0x00, 0x15, 0x03, 0x02, 0x04};
	struct bgp_open o;
	struct bgp_notify n;

	(void)state;
	assert_int_equal(bgp_open_decode(body, sizeof(body), &o, &n), -1);
	assert_notify_bytes(&n, exp, sizeof(exp));
}

static void
test_open_malformed_capability_is_2_0(void **state)
{
	/* a capability TLV whose length runs past its parameter */
	static const uint8_t overrun[] = {
	    0x04, 0xfd, 0xe8, 0x00, 0x5a, 0x0a, 0x00, 0x00, 0x01, 0x04, 0x02, 0x02, 0x41, 0x04};
	/* MP capability of length 3 */
	static const uint8_t mp3[] = {0x04, 0xfd, 0xe8, 0x00, 0x5a, 0x0a, 0x00, 0x00, 0x01, 0x07,
	    0x02, 0x05, 0x01, 0x03, 0x00, 0x01, 0x00};
	/* 4-octet AS capability of length 2 */
	static const uint8_t as4[] = {0x04, 0xfd, 0xe8, 0x00, 0x5a, 0x0a, 0x00, 0x00, 0x01, 0x06,
	    0x02, 0x04, 0x41, 0x02, 0xfd, 0xe8};
	static const uint8_t exp[] = {MK, 0x00, 0x15, 0x03, 0x02, 0x00};
	struct bgp_open o;
	struct bgp_notify n;

	(void)state;
	assert_int_equal(bgp_open_decode(overrun, sizeof(overrun), &o, &n), -1);
	assert_notify_bytes(&n, exp, sizeof(exp));
	assert_int_equal(bgp_open_decode(mp3, sizeof(mp3), &o, &n), -1);
	assert_notify_bytes(&n, exp, sizeof(exp));
	assert_int_equal(bgp_open_decode(as4, sizeof(as4), &o, &n), -1);
	assert_notify_bytes(&n, exp, sizeof(exp));
}

static void
test_open_inconsistent_parameter_length_is_1_2(void **state)
{
	/* opt len says 8, 6 follow */
	static const uint8_t body[] = {0x04, 0xfd, 0xe8, 0x00, 0x5a, 0x0a, 0x00, 0x00, 0x01, 0x08,
	    0x02, 0x04, 0x02, 0x00, 0x46, 0x00};
	struct bgp_open o;
	struct bgp_notify n;

	(void)state;
	assert_int_equal(bgp_open_decode(body, sizeof(body), &o, &n), -1);
	assert_notify(&n, 1, 2, "\x00\x23", 2);
}

static void
test_open_bad_peer_as_is_2_2(void **state)
{
	struct bgp_open o;
	struct bgp_notify n;
	struct bgp_caps c;
	/* AS_TRANS in My AS and no capability 65: the peer is AS 23456 */
	static const uint8_t trans[] = {0x04, 0x5b, 0xa0, 0x00, 0x5a, 0x0a, 0x00, 0x00, 0x01, 0x00};
	static const uint8_t exp2[] = {MK, 0x00, 0x17, 0x03, 0x02, 0x02, 0x5b, 0xa0};
	static const uint8_t exp4[] = {MK, 0x00, 0x19, 0x03, 0x02, 0x02, 0x00, 0x00, 0xfd, 0xe8};
	/* My AS 65001 but capability 65 says 65000 */
	static const uint8_t split[] = {0x04, 0xfd, 0xe9, 0x00, 0x5a, 0x0a, 0x00, 0x00, 0x01, 0x08,
	    0x02, 0x06, 0x41, 0x04, 0x00, 0x00, 0xfd, 0xe8};

	(void)state;
	assert_int_equal(
	    bgp_msg_decode(frr_open, sizeof(frr_open), NULL, &(struct bgp_msg){0}, &n), 0);
	assert_int_equal(bgp_open_decode(frr_open + 19, sizeof(frr_open) - 19, &o, &n), 0);
	assert_int_equal(bgp_open_negotiate(&o, 65002, BGP_AFM_IPV4, &c, &n), -1);
	assert_notify_bytes(&n, exp4, sizeof(exp4));
	assert_int_equal(bgp_open_negotiate(&o, 0, BGP_AFM_IPV4, &c, &n), 0); /* any AS */
	assert_int_equal(bgp_open_decode(trans, sizeof(trans), &o, &n), 0);
	assert_int_equal(bgp_open_negotiate(&o, 4200000000u, BGP_AFM_IPV4, &c, &n), -1);
	assert_notify_bytes(&n, exp2, sizeof(exp2));
	assert_int_equal(bgp_open_decode(split, sizeof(split), &o, &n), 0);
	assert_int_equal(bgp_open_negotiate(&o, 65000, BGP_AFM_IPV4, &c, &n), -1);
	assert_int_equal(n.subcode, BGP_ERR_OPEN_PEER_AS);
}

static void
test_open_no_common_family_is_2_7_listing_ours(void **state)
{
	/* the peer offers IPv6 unicast only; we want IPv4 */
	static const uint8_t body[] = {0x04, 0xfd, 0xe8, 0x00, 0x5a, 0x0a, 0x00, 0x00, 0x01, 0x08,
	    0x02, 0x06, 0x01, 0x04, 0x00, 0x02, 0x00, 0x01};
	static const uint8_t exp[] = {
	    MK, 0x00, 0x1b, 0x03, 0x02, 0x07, 0x01, 0x04, 0x00, 0x01, 0x00, 0x01};
	struct bgp_open o;
	struct bgp_notify n;
	struct bgp_caps c;

	(void)state;
	assert_int_equal(bgp_open_decode(body, sizeof(body), &o, &n), 0);
	assert_int_equal(bgp_open_negotiate(&o, 65000, BGP_AFM_IPV4, &c, &n), -1);
	assert_notify_bytes(&n, exp, sizeof(exp));
}

/* ---- NOTIFICATION ---- */

static void
test_notify_shutdown_communication_both_ways(void **state)
{
	static const uint8_t exp[] = {MK, 0x00, 0x21, 0x03, 0x06, 0x02, 0x0b, 'm', 'a', 'i', 'n',
	    't', 'e', 'n', 'a', 'n', 'c', 'e'};
	struct bgp_notify n, d;
	struct bgp_msg m;
	char s[512];

	(void)state;
	bgp_notify_shutdown(&n, BGP_CEASE_ADMIN_SHUTDOWN, "maintenance");
	assert_notify_bytes(&n, exp, sizeof(exp));
	assert_int_equal(bgp_msg_decode(exp, sizeof(exp), NULL, &m, &d), 0);
	assert_string_equal(bgp_notify_str(&m.u.notify, s, sizeof(s)),
	    "6/2 (cease/administrative shutdown) shutdown communication \"maintenance\"");
}

static void
test_notify_str_escapes_invalid_utf8(void **state)
{
	static const uint8_t body[] = {0x06, 0x04, 0x07, 'a', 0xff, 'b', '"', 0xc3, 0xa9, '\n'};
	static const uint8_t bad_len[] = {0x06, 0x02, 0x09, 'a'};
	struct bgp_notify n;
	char s[512];

	(void)state;
	assert_int_equal(bgp_notify_decode(body, sizeof(body), &n), 0);
	assert_string_equal(bgp_notify_str(&n, s, sizeof(s)),
	    "6/4 (cease/administrative reset) invalid utf-8 shutdown communication "
	    "\"a\\xffb\\\"\xc3\xa9\\x0a\"");
	assert_int_equal(bgp_notify_decode(bad_len, sizeof(bad_len), &n), 0);
	assert_string_equal(bgp_notify_str(&n, s, sizeof(s)),
	    "6/2 (cease/administrative shutdown) malformed shutdown communication data 0961");
	/* a small buffer truncates, never overflows */
	assert_int_equal(strlen(bgp_notify_str(&n, s, 8)), 7);
}

static void
test_notify_hard_reset_unwraps_inner_error(void **state)
{
	static const uint8_t hold[] = {0x06, 0x09, 0x04, 0x00};
	static const uint8_t shut[] = {0x06, 0x09, 0x06, 0x02, 0x03, 'b', 'y', 'e'};
	struct bgp_notify n;
	char s[512];

	(void)state;
	assert_int_equal(bgp_notify_decode(hold, sizeof(hold), &n), 0);
	assert_string_equal(bgp_notify_str(&n, s, sizeof(s)),
	    "6/9 (cease/hard reset): 4/0 (hold timer expired/unspecific)");
	assert_int_equal(bgp_notify_decode(shut, sizeof(shut), &n), 0);
	assert_string_equal(bgp_notify_str(&n, s, sizeof(s)),
	    "6/9 (cease/hard reset): 6/2 (cease/administrative shutdown) shutdown "
	    "communication \"bye\"");
}

static void
test_notify_str_names_and_data(void **state)
{
	static const uint8_t upd[] = {0x03, 0x0b, 0x40, 0x02, 0x01, 0x02};
	static const uint8_t odd[] = {0x63, 0x07};
	struct bgp_notify n;
	char s[512];

	(void)state;
	assert_int_equal(bgp_notify_decode(upd, sizeof(upd), &n), 0);
	assert_string_equal(bgp_notify_str(&n, s, sizeof(s)),
	    "3/11 (update message error/malformed as_path) data 40020102");
	assert_int_equal(bgp_notify_decode(odd, sizeof(odd), &n), 0);
	assert_string_equal(bgp_notify_str(&n, s, sizeof(s)), "99/7 (unknown/unknown)");
	assert_int_equal(bgp_notify_decode(odd, 1, &n), -1);
}

static void
test_notify_shutdown_truncates_on_utf8_boundary(void **state)
{
	char msg[301];
	struct bgp_notify n;

	(void)state;
	for (int i = 0; i < 300; i += 2)
		msg[i] = (char)0xc3, msg[i + 1] = (char)0xa9; /* é */
	msg[300] = '\0';
	bgp_notify_shutdown(&n, BGP_CEASE_ADMIN_SHUTDOWN, msg);
	assert_int_equal(n.data[0], 254);
	assert_int_equal(n.datalen, 255);
	assert_true(bgp_utf8_valid(n.data + 1, n.data[0]));
	bgp_notify_shutdown(&n, BGP_CEASE_ADMIN_RESET, NULL);
	assert_notify(&n, 6, 4, "\x00", 1);
}

static void
test_utf8_validation(void **state)
{
	(void)state;
	assert_true(bgp_utf8_valid((const uint8_t *)"h\xc3\xa9llo \xf0\x9f\x98\x80", 11));
	assert_false(bgp_utf8_valid((const uint8_t *)"\xc0\x80", 2));         /* overlong */
	assert_false(bgp_utf8_valid((const uint8_t *)"\xed\xa0\x80", 3));     /* surrogate */
	assert_false(bgp_utf8_valid((const uint8_t *)"\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
	assert_false(bgp_utf8_valid((const uint8_t *)"\xe2\x82", 2));         /* truncated */
	assert_false(bgp_utf8_valid((const uint8_t *)"\x80", 1));
}

/* ---- UPDATE encode ---- */

static const uint32_t comms[] = {0xfde90002, 0xffff0000, 0xfde90002};
static const struct bgp_large_community larges[] = {{65001, 1, 2}};

static struct bgp_attrs
ebgp_attrs(void)
{
	struct bgp_attrs a;

	memset(&a, 0, sizeof(a));
	a.asn = 65001;
	a.nh4 = ad("192.0.2.1");
	a.nh6 = ad("2001:db8::1");
	return a;
}

static size_t
encode(const struct bgp_caps *c, const struct bgp_attrs *a, const struct prefix *p, size_t n,
    uint8_t *out, size_t *done)
{
	struct wbuf w;

	wbuf_init(&w, out, BGP_MAX_LEN);
	assert_int_equal(bgp_update_encode(&w, c, a, p, n, done), 0);
	return w.len;
}

static void
test_update_encode_ipv4_with_med_and_communities(void **state)
{
	static const uint8_t exp[] = {MK, 0x00, 0x51, 0x02, 0x00, 0x00, 0x00, 0x35, 0x40, 0x01,
	    0x01, 0x00,                                                       /* ORIGIN IGP */
	    0x40, 0x02, 0x06, 0x02, 0x01, 0x00, 0x00, 0xfd, 0xe9,             /* AS_PATH 65001 */
	    0x40, 0x03, 0x04, 0xc0, 0x00, 0x02, 0x01,                         /* NEXT_HOP */
	    0x80, 0x04, 0x04, 0x00, 0x00, 0x00, 0x0a,                         /* MED 10 */
	    0xc0, 0x08, 0x08, 0xfd, 0xe9, 0x00, 0x02, 0xff, 0xff, 0x00, 0x00, /* sorted */
	    0xc0, 0x20, 0x0c, 0x00, 0x00, 0xfd, 0xe9, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	    0x02,                          /* LARGE */
	    0x20, 0xc6, 0x33, 0x64, 0x01}; /* 198.51.100.1/32 */
	struct bgp_attrs a = ebgp_attrs();
	struct prefix p = pfx("198.51.100.1/32");
	uint8_t out[BGP_MAX_LEN];
	size_t done, len;

	(void)state;
	a.has_med = true, a.med = 10;
	a.communities = comms, a.n_communities = 3;
	a.large = larges, a.n_large = 1;
	len = encode(&caps4, &a, &p, 1, out, &done);
	assert_int_equal(done, 1);
	assert_int_equal(len, sizeof(exp));
	assert_memory_equal(out, exp, sizeof(exp));
}

static void
test_update_encode_ipv6_in_mp_reach_with_link_local(void **state)
{
	static const uint8_t exp[] = {MK, 0x00, 0x5e, 0x02, 0x00, 0x00, 0x00, 0x47, 0x90, 0x0e,
	    0x00, 0x36, 0x00, 0x02, 0x01, 0x20,                            /* MP_REACH */
	    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, /* global */
	    0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,       /* link-local */
	    0x00, 0x80, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x40,
	    0x01, 0x01, 0x00, 0x40, 0x02, 0x06, 0x02, 0x01, 0x00, 0x00, 0xfd, 0xe9};
	struct bgp_attrs a = ebgp_attrs();
	struct prefix p = pfx("2001:db8:ff::1/128");
	uint8_t out[BGP_MAX_LEN];
	size_t done, len;

	(void)state;
	a.nh6_ll = ad("fe80::1");
	len = encode(&caps4, &a, &p, 1, out, &done);
	assert_int_equal(len, sizeof(exp));
	assert_memory_equal(out, exp, sizeof(exp));
}

static void
test_update_encode_as_trans_and_as4_path_for_2_octet_peer(void **state)
{
	static const uint8_t exp[] = {MK, 0x00, 0x3c, 0x02, 0x00, 0x00, 0x00, 0x21, 0x40, 0x01,
	    0x01, 0x00, 0x40, 0x02, 0x06, 0x02, 0x02, 0x5b, 0xa0, 0x5b, 0xa0, /* AS_TRANS x2 */
	    0x40, 0x03, 0x04, 0xc0, 0x00, 0x02, 0x01, 0xc0, 0x11, 0x0a, 0x02, 0x02, 0xfa, 0x56,
	    0xea, 0x00, 0xfa, 0x56, 0xea, 0x00, 0x18, 0xcb, 0x00, 0x71}; /* /24 */
	struct bgp_attrs a = ebgp_attrs();
	struct prefix p = pfx("203.0.113.0/24");
	uint8_t out[BGP_MAX_LEN];
	size_t done, len;

	(void)state;
	a.asn = 4200000000u, a.prepend = 1;
	len = encode(&caps2, &a, &p, 1, out, &done);
	assert_int_equal(len, sizeof(exp));
	assert_memory_equal(out, exp, sizeof(exp));
}

static void
test_update_encode_ibgp_empty_path_and_local_pref(void **state)
{
	static const uint8_t exp[] = {MK, 0x00, 0x31, 0x02, 0x00, 0x00, 0x00, 0x15, 0x40, 0x01,
	    0x01, 0x00, 0x40, 0x02, 0x00, 0x40, 0x03, 0x04, 0xc0, 0x00, 0x02, 0x01, 0x40, 0x05,
	    0x04, 0x00, 0x00, 0x00, 0x64, 0x20, 0xc6, 0x33, 0x64, 0x01};
	struct bgp_attrs a = ebgp_attrs();
	struct prefix p = pfx("198.51.100.1");
	uint8_t out[BGP_MAX_LEN];
	size_t done, len;

	(void)state;
	a.ibgp = true, a.local_pref = 100, a.prepend = 3;
	len = encode(&caps4, &a, &p, 1, out, &done);
	assert_int_equal(len, sizeof(exp));
	assert_memory_equal(out, exp, sizeof(exp));
}

static void
test_update_encode_bare_withdrawals(void **state)
{
	static const uint8_t exp4[] = {
	    MK, 0x00, 0x1c, 0x02, 0x00, 0x05, 0x20, 0xc6, 0x33, 0x64, 0x01, 0x00, 0x00};
	static const uint8_t exp6[] = {MK, 0x00, 0x2f, 0x02, 0x00, 0x00, 0x00, 0x18, 0x90, 0x0f,
	    0x00, 0x14, 0x00, 0x02, 0x01, 0x80, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0xff, 0, 0, 0, 0, 0,
	    0, 0, 0, 0, 0x01};
	struct prefix p4 = pfx("198.51.100.1/32"), p6 = pfx("2001:db8:ff::1/128");
	uint8_t out[BGP_MAX_LEN];
	size_t done, len;

	(void)state;
	len = encode(&caps4, NULL, &p4, 1, out, &done);
	assert_int_equal(len, sizeof(exp4));
	assert_memory_equal(out, exp4, sizeof(exp4));
	len = encode(&caps4, NULL, &p6, 1, out, &done);
	assert_int_equal(len, sizeof(exp6));
	assert_memory_equal(out, exp6, sizeof(exp6));
}

static void
test_update_encode_end_of_rib(void **state)
{
	static const uint8_t exp4[] = {MK, 0x00, 0x17, 0x02, 0x00, 0x00, 0x00, 0x00};
	static const uint8_t exp6[] = {
	    MK, 0x00, 0x1d, 0x02, 0x00, 0x00, 0x00, 0x06, 0x80, 0x0f, 0x03, 0x00, 0x02, 0x01};
	uint8_t out[64];
	struct wbuf w;
	struct bgp_msg m;
	struct bgp_notify n;

	(void)state;
	wbuf_init(&w, out, sizeof(out));
	assert_int_equal(bgp_eor_encode(&w, BGP_AF_IPV4), 0);
	assert_int_equal(w.len, sizeof(exp4));
	assert_memory_equal(out, exp4, sizeof(exp4));
	assert_int_equal(bgp_msg_decode(out, w.len, &caps4, &m, &n), 0);
	assert_true(m.u.update.eor);
	assert_int_equal(m.u.update.eor_af, BGP_AF_IPV4);
	wbuf_init(&w, out, sizeof(out));
	assert_int_equal(bgp_eor_encode(&w, BGP_AF_IPV6), 0);
	assert_int_equal(w.len, sizeof(exp6));
	assert_memory_equal(out, exp6, sizeof(exp6));
	assert_int_equal(bgp_msg_decode(out, w.len, &caps4, &m, &n), 0);
	assert_true(m.u.update.eor);
	assert_int_equal(m.u.update.eor_af, BGP_AF_IPV6);
}

static void
test_update_encode_refuses_bad_next_hops_and_families(void **state)
{
	struct bgp_attrs a = ebgp_attrs();
	struct prefix p6 = pfx("2001:db8:ff::1/128"), p4 = pfx("198.51.100.1/32");
	struct bgp_caps only4 = caps4;
	uint8_t out[BGP_MAX_LEN];
	struct wbuf w;
	size_t done;

	(void)state;
	wbuf_init(&w, out, sizeof(out));
	a.nh6 = ad("::");
	assert_int_equal(bgp_update_encode(&w, &caps4, &a, &p6, 1, &done), -1);
	a.nh6 = ad("::ffff:192.0.2.1");
	assert_int_equal(bgp_update_encode(&w, &caps4, &a, &p6, 1, &done), -1);
	a.nh6 = ad("fe80::1"); /* the global one must come first */
	assert_int_equal(bgp_update_encode(&w, &caps4, &a, &p6, 1, &done), -1);
	a.nh6 = ad("2001:db8::1"), a.nh6_ll = ad("2001:db8::2");
	assert_int_equal(bgp_update_encode(&w, &caps4, &a, &p6, 1, &done), -1);
	a = ebgp_attrs();
	a.nh4 = ad("0.0.0.0");
	assert_int_equal(bgp_update_encode(&w, &caps4, &a, &p4, 1, &done), -1);
	a = ebgp_attrs();
	a.prepend = BGP_MAX_PREPEND + 1;
	assert_int_equal(bgp_update_encode(&w, &caps4, &a, &p4, 1, &done), -1);
	a = ebgp_attrs();
	only4.families = BGP_AFM_IPV4;
	assert_int_equal(bgp_update_encode(&w, &only4, &a, &p6, 1, &done), -1);
	assert_int_equal(bgp_update_encode(&w, &only4, NULL, &p6, 1, &done), -1);
	assert_int_equal(w.len, 0);
	assert_false(w.err);
}

static void
test_update_encode_masks_host_bits_and_stops_at_other_family(void **state)
{
	struct bgp_attrs a = ebgp_attrs();
	struct prefix p[3] = {
	    pfx("198.51.100.0/24"), pfx("198.51.100.128/25"), pfx("2001:db8::/32")};
	uint8_t out[BGP_MAX_LEN];
	size_t done, len;

	(void)state;
	p[0].addr.u.b[3] = 77; /* host bits a caller should not have left */
	p[1].addr.u.b[3] = 0xff;
	len = encode(&caps4, NULL, p, 3, out, &done);
	assert_int_equal(done, 2);
	assert_int_equal(len, 19 + 2 + 4 + 5 + 2);
	assert_memory_equal(out + 21, "\x18\xc6\x33\x64\x19\xc6\x33\x64\x80\x00\x00", 11);
	len = encode(&caps4, &a, p + 2, 1, out, &done);
	assert_int_equal(done, 1);
}

/* ---- packing ---- */

struct sink {
	unsigned msgs;
	size_t max;
	unsigned announced[BGP_AF_COUNT];
	unsigned withdrawn[BGP_AF_COUNT];
	unsigned first_af_of[8];
	int fail;
};

static int
sink_emit(void *arg, const uint8_t *msg, size_t len)
{
	struct sink *s = arg;
	struct bgp_msg m;
	struct bgp_notify n;

	if (bgp_msg_decode(msg, len, &caps4, &m, &n) < 0 || m.u.update.action != BGP_UPD_OK)
		s->fail++;
	for (int af = 0; af < BGP_AF_COUNT; af++) {
		s->announced[af] += m.u.update.announced[af];
		s->withdrawn[af] += m.u.update.withdrawn[af];
	}
	if (s->msgs < 8)
		s->first_af_of[s->msgs] =
		    m.u.update.announced[BGP_AF_IPV6] || m.u.update.withdrawn[BGP_AF_IPV6];
	s->msgs++;
	s->max = len > s->max ? len : s->max;
	return 0;
}

static void
fill_hosts(struct prefix *p, size_t n, int af)
{
	for (size_t i = 0; i < n; i++) {
		memset(&p[i], 0, sizeof(p[i]));
		p[i].addr.af = (sa_family_t)af;
		if (af == AF_INET) {
			p[i].len = 32;
			p[i].addr.u.b[0] = 198, p[i].addr.u.b[1] = 51;
			p[i].addr.u.b[2] = (uint8_t)(i >> 8), p[i].addr.u.b[3] = (uint8_t)i;
		} else {
			p[i].len = 128;
			p[i].addr.u.b[0] = 0x20, p[i].addr.u.b[1] = 0x01;
			p[i].addr.u.b[2] = 0x0d, p[i].addr.u.b[3] = 0xb8;
			p[i].addr.u.b[14] = (uint8_t)(i >> 8), p[i].addr.u.b[15] = (uint8_t)i;
		}
	}
}

static void
test_pack_1000_ipv4_hosts_into_2_updates(void **state)
{
	static struct prefix p[1000];
	struct bgp_attrs a = ebgp_attrs();
	struct sink s = {0};

	(void)state;
	fill_hosts(p, 1000, AF_INET);
	/* 19 + 4 + 20 octets of attributes leave room for 810 five-octet /32s. */
	assert_int_equal(bgp_update_pack(&caps4, &a, p, 1000, sink_emit, &s), 2);
	assert_int_equal(s.msgs, 2);
	assert_int_equal(s.max, 43 + 810 * 5);
	assert_int_equal(s.announced[BGP_AF_IPV4], 1000);
	assert_int_equal(s.fail, 0);
	memset(&s, 0, sizeof(s));
	/* withdrawals: 19 + 4 leave room for 814 */
	assert_int_equal(bgp_update_pack(&caps4, NULL, p, 1000, sink_emit, &s), 2);
	assert_int_equal(s.max, 23 + 814 * 5);
	assert_int_equal(s.withdrawn[BGP_AF_IPV4], 1000);
}

static void
test_pack_1000_ipv6_hosts_into_5_updates(void **state)
{
	static struct prefix p[1000];
	struct bgp_attrs a = ebgp_attrs();
	struct sink s = {0};

	(void)state;
	fill_hosts(p, 1000, AF_INET6);
	/* 19 + 4 + 25 (MP_REACH head) + 13 leave room for 237 seventeen-octet /128s. */
	assert_int_equal(bgp_update_pack(&caps4, &a, p, 1000, sink_emit, &s), 5);
	assert_int_equal(s.max, 61 + 237 * 17);
	assert_true(s.max <= BGP_MAX_LEN);
	assert_int_equal(s.announced[BGP_AF_IPV6], 1000);
	assert_int_equal(s.fail, 0);
	memset(&s, 0, sizeof(s));
	assert_int_equal(bgp_update_pack(&caps4, NULL, p, 1000, sink_emit, &s), 5);
	assert_int_equal(s.withdrawn[BGP_AF_IPV6], 1000);
	assert_true(s.max <= BGP_MAX_LEN);
}

static void
test_pack_mixed_families_ipv4_first_and_only_negotiated(void **state)
{
	struct prefix p[5] = {pfx("2001:db8::1/128"), pfx("198.51.100.1/32"),
	    pfx("2001:db8::2/128"), pfx("198.51.100.2/32"), pfx("198.51.100.3/32")};
	struct bgp_attrs a = ebgp_attrs();
	struct bgp_caps only4 = caps4;
	struct sink s = {0};

	(void)state;
	assert_int_equal(bgp_update_pack(&caps4, &a, p, 5, sink_emit, &s), 2);
	assert_int_equal(s.announced[BGP_AF_IPV4], 3);
	assert_int_equal(s.announced[BGP_AF_IPV6], 2);
	assert_int_equal(s.first_af_of[0], 0);
	assert_int_equal(s.first_af_of[1], 1);
	only4.families = BGP_AFM_IPV4;
	assert_int_equal(bgp_update_pack(&only4, &a, p, 5, sink_emit, &s), -1);
}

/* ---- UPDATE decode ---- */

static int
decode(const uint8_t *body, size_t len, const struct bgp_caps *c, struct bgp_update_info *in,
    struct bgp_notify *n)
{
	return bgp_update_decode(body, len, c, in, n);
}

/* An UPDATE body: no withdrawn routes, attrs, then nlri. */
static size_t
upd(uint8_t *out, const uint8_t *attrs, size_t alen, const uint8_t *nlri, size_t nlen)
{
	out[0] = 0, out[1] = 0;
	out[2] = (uint8_t)(alen >> 8), out[3] = (uint8_t)alen;
	memcpy(out + 4, attrs, alen);
	if (nlen)
		memcpy(out + 4 + alen, nlri, nlen);
	return 4 + alen + nlen;
}

#define BASE4 0x40, 0x01, 0x01, 0x00, 0x40, 0x02, 0x06, 0x02, 0x01, 0x00, 0x00, 0xfd, 0xe8
#define NH4   0x40, 0x03, 0x04, 0xc0, 0x00, 0x02, 0x02
static const uint8_t nlri1[] = {0x20, 0xc6, 0x33, 0x64, 0x01};

static void
test_update_decode_counts_what_we_encode(void **state)
{
	struct bgp_attrs a = ebgp_attrs();
	struct prefix p[3] = {pfx("198.51.100.1/32"), pfx("198.51.100.0/24"), pfx("0.0.0.0/0")};
	struct prefix q = pfx("2001:db8:ff::/48");
	uint8_t out[BGP_MAX_LEN];
	size_t done, len;
	struct bgp_update_info in;
	struct bgp_notify n;

	(void)state;
	a.communities = comms, a.n_communities = 3, a.large = larges, a.n_large = 1;
	len = encode(&caps4, &a, p, 3, out, &done);
	assert_int_equal(decode(out + 19, len - 19, &caps4, &in, &n), 0);
	assert_int_equal(in.action, BGP_UPD_OK);
	assert_int_equal(in.announced[BGP_AF_IPV4], 3);
	assert_false(in.eor);
	len = encode(&caps4, &a, &q, 1, out, &done);
	assert_int_equal(decode(out + 19, len - 19, &caps4, &in, &n), 0);
	assert_int_equal(in.announced[BGP_AF_IPV6], 1);
	assert_int_equal(in.announced[BGP_AF_IPV4], 0);
	/* a 2-octet AS_PATH decodes under 2-octet caps, not as 4-octet */
	len = encode(&caps2, &a, p, 1, out, &done);
	assert_int_equal(decode(out + 19, len - 19, &caps2, &in, &n), 0);
	assert_int_equal(in.action, BGP_UPD_OK);
	assert_int_equal(decode(out + 19, len - 19, &caps4, &in, &n), 0);
	assert_int_equal(in.action, BGP_UPD_WITHDRAW);
	assert_int_equal(in.attr, 2);
}

static void
test_update_length_overruns_are_3_1(void **state)
{
	static const uint8_t wover[] = {0x00, 0x05, 0x00};
	static const uint8_t aover[] = {0x00, 0x00, 0x00, 0x10, 0x40, 0x01, 0x01, 0x00};
	static const uint8_t exp[] = {MK, 0x00, 0x15, 0x03, 0x03, 0x01};
	struct bgp_update_info in;
	struct bgp_notify n;

	(void)state;
	assert_int_equal(decode(wover, sizeof(wover), &caps4, &in, &n), -1);
	assert_int_equal(in.action, BGP_UPD_RESET);
	assert_notify_bytes(&n, exp, sizeof(exp));
	assert_int_equal(decode(aover, sizeof(aover), &caps4, &in, &n), -1);
	assert_notify_bytes(&n, exp, sizeof(exp));
}

static void
test_update_repeated_mp_attribute_is_3_1(void **state)
{
	static const uint8_t attrs[] = {
	    0x80, 0x0f, 0x03, 0x00, 0x02, 0x01, 0x80, 0x0f, 0x03, 0x00, 0x02, 0x01};
	static const uint8_t exp[] = {MK, 0x00, 0x15, 0x03, 0x03, 0x01};
	uint8_t body[64];
	struct bgp_update_info in;
	struct bgp_notify n;
	size_t len = upd(body, attrs, sizeof(attrs), NULL, 0);

	(void)state;
	assert_int_equal(decode(body, len, &caps4, &in, &n), -1);
	assert_notify_bytes(&n, exp, sizeof(exp));
}

static void
test_update_bad_prefixes_are_3_10(void **state)
{
	static const uint8_t attrs[] = {BASE4, NH4};
	static const uint8_t long33[] = {0x21, 0xc6, 0x33, 0x64, 0x01, 0x00};
	static const uint8_t short_nlri[] = {0x20, 0xc6, 0x33};
	static const uint8_t wbad[] = {0x00, 0x02, 0x18, 0xc6, 0x00, 0x00};
	static const uint8_t exp[] = {MK, 0x00, 0x15, 0x03, 0x03, 0x0a};
	uint8_t body[64];
	struct bgp_update_info in;
	struct bgp_notify n;
	size_t len;

	(void)state;
	len = upd(body, attrs, sizeof(attrs), long33, sizeof(long33));
	assert_int_equal(decode(body, len, &caps4, &in, &n), -1);
	assert_notify_bytes(&n, exp, sizeof(exp));
	len = upd(body, attrs, sizeof(attrs), short_nlri, sizeof(short_nlri));
	assert_int_equal(decode(body, len, &caps4, &in, &n), -1);
	assert_notify_bytes(&n, exp, sizeof(exp));
	assert_int_equal(decode(wbad, sizeof(wbad), &caps4, &in, &n), -1);
	assert_notify_bytes(&n, exp, sizeof(exp));
}

static void
test_update_bad_mp_fields_are_3_9_with_the_attribute(void **state)
{
	/* IPv6 MP_REACH with a 4-octet next hop */
	static const uint8_t nh4[] = {
	    0x80, 0x0e, 0x0a, 0x00, 0x02, 0x01, 0x04, 0xc0, 0x00, 0x02, 0x01, 0x00, 0x00};
	static const uint8_t exp_nh[] = {MK, 0x00, 0x22, 0x03, 0x03, 0x09, 0x80, 0x0e, 0x0a, 0x00,
	    0x02, 0x01, 0x04, 0xc0, 0x00, 0x02, 0x01, 0x00, 0x00};
	/* MP_REACH too short to hold AFI/SAFI/NH length */
	static const uint8_t trunc[] = {0x80, 0x0e, 0x02, 0x00, 0x02};
	/* MP_UNREACH with a /129 */
	static const uint8_t unreach[] = {0x80, 0x0f, 0x05, 0x00, 0x02, 0x01, 0x81, 0x20};
	uint8_t body[64];
	struct bgp_update_info in;
	struct bgp_notify n;
	size_t len;

	(void)state;
	len = upd(body, nh4, sizeof(nh4), NULL, 0);
	assert_int_equal(decode(body, len, &caps4, &in, &n), -1);
	assert_notify_bytes(&n, exp_nh, sizeof(exp_nh));
	len = upd(body, trunc, sizeof(trunc), NULL, 0);
	assert_int_equal(decode(body, len, &caps4, &in, &n), -1);
	assert_notify(&n, 3, 9, trunc, sizeof(trunc));
	len = upd(body, unreach, sizeof(unreach), NULL, 0);
	assert_int_equal(decode(body, len, &caps4, &in, &n), -1);
	assert_notify(&n, 3, 9, unreach, sizeof(unreach));
}

static void
test_update_unrecognized_well_known_is_3_2(void **state)
{
	static const uint8_t attrs[] = {BASE4, NH4, 0x40, 0x63, 0x01, 0x07};
	static const uint8_t exp[] = {MK, 0x00, 0x19, 0x03, 0x03, 0x02, 0x40, 0x63, 0x01, 0x07};
	uint8_t body[64];
	struct bgp_update_info in;
	struct bgp_notify n;
	size_t len = upd(body, attrs, sizeof(attrs), nlri1, sizeof(nlri1));

	(void)state;
	assert_int_equal(decode(body, len, &caps4, &in, &n), -1);
	assert_notify_bytes(&n, exp, sizeof(exp));
}

/* Each case: attributes after ORIGIN/AS_PATH/NEXT_HOP (or replacing them), the NLRI of
 * nlri1, and the expected treat-as-withdraw attribute type. */
static void
test_update_treat_as_withdraw_cases(void **state)
{
	static const struct {
		const char *what;
		uint8_t attrs[48];
		size_t alen;
		uint8_t type;
	} cases[] = {
	    {"missing NEXT_HOP", {BASE4}, 13, 3},
	    {"missing ORIGIN", {0x40, 0x02, 0x00, NH4}, 10, 1},
	    {"missing AS_PATH", {0x40, 0x01, 0x01, 0x00, NH4}, 11, 2},
	    {"ORIGIN flags", {0xc0, 0x01, 0x01, 0x00, 0x40, 0x02, 0x00, NH4}, 14, 1},
	    {"ORIGIN value", {0x40, 0x01, 0x01, 0x03, 0x40, 0x02, 0x00, NH4}, 14, 1},
	    {"ORIGIN length", {0x40, 0x01, 0x02, 0x00, 0x00, 0x40, 0x02, 0x00, NH4}, 15, 1},
	    {"AS_PATH overrun",
	        {0x40, 0x01, 0x01, 0x00, 0x40, 0x02, 0x04, 0x02, 0x02, 0xfd, 0xe8, NH4}, 18, 2},
	    {"AS_PATH zero count", {0x40, 0x01, 0x01, 0x00, 0x40, 0x02, 0x02, 0x02, 0x00, NH4}, 16,
	        2},
	    {"AS_PATH bad segment",
	        {0x40, 0x01, 0x01, 0x00, 0x40, 0x02, 0x06, 0x07, 0x01, 0x00, 0x00, 0xfd, 0xe8, NH4},
	        20, 2},
	    {"NEXT_HOP length", {BASE4, 0x40, 0x03, 0x05, 0xc0, 0x00, 0x02, 0x02, 0x00}, 21, 3},
	    {"MED length", {BASE4, NH4, 0x80, 0x04, 0x03, 0, 0, 1}, 26, 4},
	    {"MED zero length", {BASE4, NH4, 0x80, 0x04, 0x00}, 23, 4},
	    {"MED flags", {BASE4, NH4, 0x40, 0x04, 0x04, 0, 0, 0, 1}, 27, 4},
	    {"COMMUNITIES length", {BASE4, NH4, 0xc0, 0x08, 0x06, 0, 0, 0, 1, 0, 0}, 29, 8},
	    {"COMMUNITIES empty", {BASE4, NH4, 0xc0, 0x08, 0x00}, 23, 8},
	    {"LARGE_COMMUNITY length",
	        {BASE4, NH4, 0xc0, 0x20, 0x0d, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0}, 36, 32},
	    {"attribute overruns the field", {BASE4, NH4, 0xc0, 0x08, 0x08, 0, 0, 0, 1}, 27, 0},
	    {"truncated attribute header", {BASE4, NH4, 0xd0, 0x08, 0x00}, 23, 0},
	};
	uint8_t body[128];
	struct bgp_update_info in;
	struct bgp_notify n;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = upd(body, cases[i].attrs, cases[i].alen, nlri1, sizeof(nlri1));

		print_message("case %s\n", cases[i].what);
		assert_int_equal(decode(body, len, &caps4, &in, &n), 0);
		assert_int_equal(in.action, BGP_UPD_WITHDRAW);
		assert_int_equal(in.attr, cases[i].type);
		assert_non_null(in.reason);
		assert_int_equal(in.announced[BGP_AF_IPV4], 0);
		assert_int_equal(in.withdrawn[BGP_AF_IPV4], 1);
	}
}

static void
test_update_attribute_discard_cases(void **state)
{
	static const struct {
		const char *what;
		uint8_t attrs[48];
		size_t alen;
		unsigned discarded;
	} cases[] = {
	    {"ATOMIC_AGGREGATE length", {BASE4, NH4, 0x40, 0x06, 0x01, 0x00}, 24, 1},
	    {"AGGREGATOR length", {BASE4, NH4, 0xc0, 0x07, 0x06, 0, 0, 0xfd, 0xe8, 10, 0}, 29, 1},
	    {"duplicate MED",
	        {BASE4, NH4, 0x80, 0x04, 0x04, 0, 0, 0, 1, 0x80, 0x04, 0x04, 0, 0, 0, 2}, 34, 1},
	    {"AS4_PATH malformed", {BASE4, NH4, 0xc0, 0x11, 0x03, 0x02, 0x01, 0x00}, 26, 1},
	    {"unknown optional", {BASE4, NH4, 0xc0, 0x63, 0x02, 0x01, 0x02}, 25, 0},
	    {"good AGGREGATOR", {BASE4, NH4, 0xc0, 0x07, 0x08, 0, 0, 0xfd, 0xe8, 10, 0, 0, 1}, 31,
	        0},
	};
	uint8_t body[128];
	struct bgp_update_info in;
	struct bgp_notify n;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = upd(body, cases[i].attrs, cases[i].alen, nlri1, sizeof(nlri1));

		print_message("case %s\n", cases[i].what);
		assert_int_equal(decode(body, len, &caps4, &in, &n), 0);
		assert_int_equal(in.action, BGP_UPD_OK);
		assert_int_equal(in.discarded, cases[i].discarded);
		assert_int_equal(in.announced[BGP_AF_IPV4], 1);
	}
}

static void
test_update_missing_attributes_without_nlri_are_fine(void **state)
{
	/* MP_UNREACH only (a withdrawal) and an UPDATE with just a MED: no NLRI */
	static const uint8_t unreach[] = {0x90, 0x0f, 0x00, 0x14, 0x00, 0x02, 0x01, 0x80, 0x20,
	    0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01};
	static const uint8_t med[] = {0x80, 0x04, 0x04, 0, 0, 0, 1};
	/* MP_REACH (IPv6) without AS_PATH: treat-as-withdraw, counted as withdrawn */
	static const uint8_t reach[] = {0x80, 0x0e, 0x16, 0x00, 0x02, 0x01, 0x10, 0x20, 0x01, 0x0d,
	    0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00, 0x40, 0x01, 0x01, 0x00};
	uint8_t body[128];
	struct bgp_update_info in;
	struct bgp_notify n;
	size_t len;

	(void)state;
	len = upd(body, unreach, sizeof(unreach), NULL, 0);
	assert_int_equal(decode(body, len, &caps4, &in, &n), 0);
	assert_int_equal(in.action, BGP_UPD_OK);
	assert_int_equal(in.withdrawn[BGP_AF_IPV6], 1);
	assert_false(in.eor);
	len = upd(body, med, sizeof(med), NULL, 0);
	assert_int_equal(decode(body, len, &caps4, &in, &n), 0);
	assert_int_equal(in.action, BGP_UPD_OK);
	len = upd(body, reach, sizeof(reach), NULL, 0);
	assert_int_equal(decode(body, len, &caps4, &in, &n), 0);
	assert_int_equal(in.action, BGP_UPD_WITHDRAW);
	assert_int_equal(in.attr, 2);
	assert_int_equal(in.withdrawn[BGP_AF_IPV6], 1); /* the default route ::/0 */
}

static void
test_update_foreign_mp_family_is_skipped(void **state)
{
	/* MP_REACH for AFI 25 SAFI 65 (VPLS): not ours, not parsed */
	static const uint8_t attrs[] = {0x80, 0x0e, 0x06, 0x00, 0x19, 0x41, 0x07, 0x01, 0x02};
	uint8_t body[64];
	struct bgp_update_info in;
	struct bgp_notify n;
	size_t len = upd(body, attrs, sizeof(attrs), NULL, 0);

	(void)state;
	assert_int_equal(decode(body, len, &caps4, &in, &n), 0);
	assert_int_equal(in.action, BGP_UPD_OK);
	assert_int_equal(in.other, 1);
}

static void
test_msg_decode_rejects_misframed_and_short(void **state)
{
	uint8_t m[64];
	struct bgp_msg msg;
	struct bgp_notify n;
	size_t len = mkmsg(m, BGP_MSG_KEEPALIVE, NULL, 0);

	(void)state;
	assert_int_equal(bgp_msg_decode(m, len, NULL, &msg, &n), 0);
	assert_int_equal(bgp_msg_decode(m, len + 1, NULL, &msg, &n), -1);
	assert_notify(&n, 1, 2, "\x00\x13", 2);
	assert_int_equal(bgp_msg_decode(m, 5, NULL, &msg, &n), -1);
	assert_notify(&n, 1, 2, "\x00\x05", 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hdr_accepts_keepalive_and_rejects_bad_marker),
	    cmocka_unit_test(test_hdr_bad_length_carries_the_length),
	    cmocka_unit_test(test_hdr_extended_length_only_when_allowed),
	    cmocka_unit_test(test_hdr_bad_type_carries_the_type),
	    cmocka_unit_test(test_keepalive_encode),
	    cmocka_unit_test(test_route_refresh_both_ways),
	    cmocka_unit_test(test_route_refresh_bad_length_is_7_1_with_the_message),
	    cmocka_unit_test(test_open_encode_two_families),
	    cmocka_unit_test(test_open_encode_as_trans_for_4_octet_asn),
	    cmocka_unit_test(test_open_encode_refuses_bad_params),
	    cmocka_unit_test(test_open_decode_as_frr_sends_it),
	    cmocka_unit_test(test_open_decode_one_parameter_with_repeats_and_gr_tuples),
	    cmocka_unit_test(test_open_decode_rfc9072_extended_parameters),
	    cmocka_unit_test(test_open_without_capabilities_implies_ipv4),
	    cmocka_unit_test(test_open_unsupported_version_is_2_1_with_4),
	    cmocka_unit_test(test_open_hold_time_1_or_2_is_2_6),
	    cmocka_unit_test(test_open_bgp_identifier_checks_are_2_3),
	    cmocka_unit_test(test_open_non_capability_parameter_is_2_4),
	    cmocka_unit_test(test_open_malformed_capability_is_2_0),
	    cmocka_unit_test(test_open_inconsistent_parameter_length_is_1_2),
	    cmocka_unit_test(test_open_bad_peer_as_is_2_2),
	    cmocka_unit_test(test_open_no_common_family_is_2_7_listing_ours),
	    cmocka_unit_test(test_notify_shutdown_communication_both_ways),
	    cmocka_unit_test(test_notify_str_escapes_invalid_utf8),
	    cmocka_unit_test(test_notify_hard_reset_unwraps_inner_error),
	    cmocka_unit_test(test_notify_str_names_and_data),
	    cmocka_unit_test(test_notify_shutdown_truncates_on_utf8_boundary),
	    cmocka_unit_test(test_utf8_validation),
	    cmocka_unit_test(test_update_encode_ipv4_with_med_and_communities),
	    cmocka_unit_test(test_update_encode_ipv6_in_mp_reach_with_link_local),
	    cmocka_unit_test(test_update_encode_as_trans_and_as4_path_for_2_octet_peer),
	    cmocka_unit_test(test_update_encode_ibgp_empty_path_and_local_pref),
	    cmocka_unit_test(test_update_encode_bare_withdrawals),
	    cmocka_unit_test(test_update_encode_end_of_rib),
	    cmocka_unit_test(test_update_encode_refuses_bad_next_hops_and_families),
	    cmocka_unit_test(test_update_encode_masks_host_bits_and_stops_at_other_family),
	    cmocka_unit_test(test_pack_1000_ipv4_hosts_into_2_updates),
	    cmocka_unit_test(test_pack_1000_ipv6_hosts_into_5_updates),
	    cmocka_unit_test(test_pack_mixed_families_ipv4_first_and_only_negotiated),
	    cmocka_unit_test(test_update_decode_counts_what_we_encode),
	    cmocka_unit_test(test_update_length_overruns_are_3_1),
	    cmocka_unit_test(test_update_repeated_mp_attribute_is_3_1),
	    cmocka_unit_test(test_update_bad_prefixes_are_3_10),
	    cmocka_unit_test(test_update_bad_mp_fields_are_3_9_with_the_attribute),
	    cmocka_unit_test(test_update_unrecognized_well_known_is_3_2),
	    cmocka_unit_test(test_update_treat_as_withdraw_cases),
	    cmocka_unit_test(test_update_attribute_discard_cases),
	    cmocka_unit_test(test_update_missing_attributes_without_nlri_are_fine),
	    cmocka_unit_test(test_update_foreign_mp_family_is_skipped),
	    cmocka_unit_test(test_msg_decode_rejects_misframed_and_short),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
