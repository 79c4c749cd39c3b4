/* bgp/msg_open: the OPEN message and its capabilities (RFC 4271 §4.2, RFC 5492,
 * RFC 6793, RFC 9072). */
#include "bgp/msg.h"

#include <string.h>

#include "bgp/msg_int.h"

#define OPT_CAPABILITIES 2   /* RFC 5492 §4 */
#define OPT_EXTENDED     255 /* RFC 9072 §2 */

#define CAP_MP          1
#define CAP_RR          2
#define CAP_EXT_MSG     6
#define CAP_GR          64
#define CAP_AS4         65
#define CAP_ADDPATH     69
#define CAP_ENHANCED_RR 70
#define CAP_RR_OLD      128

static void
put_mp_cap(struct wbuf *w, uint16_t afi)
{
	wbuf_u8(w, CAP_MP);
	wbuf_u8(w, 4);
	wbuf_u16(w, afi);
	wbuf_u8(w, 0);
	wbuf_u8(w, BGP_SAFI_UNICAST);
}

/*
 * RFC 4271 §4.2 OPEN body:
 *   | Version (1) | My AS (2) | Hold Time (2) | BGP Identifier (4) |
 *   | Opt Parm Len (1) | Optional Parameters: Type (1) Length (1) Value ... |
 * We send a single Capabilities parameter holding every capability.
 */
int
bgp_open_encode(struct wbuf *w, const struct bgp_open_params *p)
{
	size_t start, optlen_at, caplen_at, caps_start;

	if (p->id == 0 || p->hold == 1 || p->hold == 2 || p->asn == 0 ||
	    (p->families & ~(BGP_AFM_IPV4 | BGP_AFM_IPV6)) != 0 || p->families == 0)
		return -1;
	start = bgp_msg_begin(w, BGP_MSG_OPEN);
	wbuf_u8(w, BGP_VERSION);
	wbuf_u16(w, p->asn > 0xffff ? BGP_AS_TRANS : (uint16_t)p->asn);
	wbuf_u16(w, p->hold);
	wbuf_u32(w, p->id);
	optlen_at = wbuf_reserve(w, 1);
	wbuf_u8(w, OPT_CAPABILITIES);
	caplen_at = wbuf_reserve(w, 1);
	caps_start = w->len;
	if (p->families & BGP_AFM_IPV4)
		put_mp_cap(w, BGP_AFI_IPV4);
	if (p->families & BGP_AFM_IPV6)
		put_mp_cap(w, BGP_AFI_IPV6);
	wbuf_u8(w, CAP_RR);
	wbuf_u8(w, 0);
	wbuf_u8(w, CAP_AS4);
	wbuf_u8(w, 4);
	wbuf_u32(w, p->asn);
	wbuf_put_u8_at(w, caplen_at, (uint8_t)(w->len - caps_start));
	wbuf_put_u8_at(w, optlen_at, (uint8_t)(w->len - optlen_at - 1));
	return bgp_msg_end(w, start, BGP_MAX_LEN);
}

/* RFC 7911 §4: one or more <AFI (2), SAFI (1), Send/Receive (1)>. */
static int
parse_addpath(struct buf *v, struct bgp_open *o)
{
	if (buf_left(v) % 4 != 0)
		return -1;
	while (buf_left(v) > 0) {
		struct bgp_addpath_tuple t;

		if (buf_get_u16(v, &t.afi) < 0 || buf_get_u8(v, &t.safi) < 0 ||
		    buf_get_u8(v, &t.mode) < 0)
			return -1;
		if (o->n_addpath < BGP_OPEN_MAX_ADDPATH)
			o->addpath[o->n_addpath] = t;
		o->n_addpath++;
	}
	return 0;
}

/* RFC 4724 §3: | R N . . Restart Time (12 bits) | then <AFI (2), SAFI (1), Flags (1)>*. */
static int
parse_gr(struct buf *v, struct bgp_open *o)
{
	uint16_t w;

	if (buf_left(v) < 2 || (buf_left(v) - 2) % 4 != 0 || buf_get_u16(v, &w) < 0)
		return -1;
	o->gr = true;
	o->gr_flags = (uint8_t)(w >> 12);
	o->gr_time = w & 0x0fff;
	o->gr_afs = (unsigned)buf_left(v) / 4;
	return 0;
}

/* RFC 4760 §8: | AFI (2) | Reserved (1) | SAFI (1) |. */
static int
parse_mp(struct buf *v, struct bgp_open *o)
{
	uint16_t afi;
	uint8_t res, safi;
	int af;

	if (buf_left(v) != 4 || buf_get_u16(v, &afi) < 0 || buf_get_u8(v, &res) < 0 ||
	    buf_get_u8(v, &safi) < 0)
		return -1;
	o->mp_seen = true;
	af = bgp_af_from_afi(afi, safi);
	if (af < 0)
		o->other_families++;
	else
		o->families |= BGP_AFM(af);
	return 0;
}

/* One capability: code, value. Unknown ones are ignored (RFC 5492 §3); repeats are
 * accepted, the last value wins. */
static int
parse_cap(uint8_t code, struct buf *v, struct bgp_open *o)
{
	o->n_caps++;
	switch (code) {
	case CAP_MP: return parse_mp(v, o);
	case CAP_RR: o->route_refresh = true; return 0;
	case CAP_RR_OLD: o->route_refresh_old = true; return 0;
	case CAP_ENHANCED_RR: o->enhanced_rr = true; return 0;
	case CAP_EXT_MSG: o->ext_message = true; return 0;
	case CAP_GR: return parse_gr(v, o);
	case CAP_ADDPATH: return parse_addpath(v, o);
	case CAP_AS4:
		if (buf_left(v) != 4 || buf_get_u32(v, &o->as4_asn) < 0)
			return -1;
		o->as4 = true;
		return 0;
	default: o->n_unknown++; return 0;
	}
}

/* RFC 5492 §4: a Capabilities parameter is a list of | Code (1) | Length (1) | Value |. */
static int
parse_caps(struct buf *p, struct bgp_open *o)
{
	while (buf_left(p) > 0) {
		uint8_t code, len;
		struct buf v;

		if (buf_get_u8(p, &code) < 0 || buf_get_u8(p, &len) < 0 || buf_sub(p, len, &v) < 0)
			return -1;
		if (parse_cap(code, &v, o) < 0)
			return -1;
	}
	return 0;
}

/* The optional parameters, with 1-octet lengths or, under RFC 9072, 2-octet ones. */
static int
parse_params(struct buf *b, bool ext, struct bgp_open *o, struct bgp_notify *err)
{
	while (buf_left(b) > 0) {
		uint8_t type, len8;
		uint16_t len;
		struct buf v;

		if (buf_get_u8(b, &type) < 0)
			goto malformed;
		if (ext ? buf_get_u16(b, &len) < 0 : buf_get_u8(b, &len8) < 0)
			goto malformed;
		if (!ext)
			len = len8;
		if (buf_sub(b, len, &v) < 0)
			goto malformed;
		if (type != OPT_CAPABILITIES) {
			bgp_notify_set(err, BGP_ERR_OPEN, BGP_ERR_OPEN_OPT_PARAM, NULL, 0);
			return -1;
		}
		if (parse_caps(&v, o) < 0)
			goto malformed;
	}
	return 0;
malformed:
	bgp_notify_set(err, BGP_ERR_OPEN, BGP_ERR_OPEN_UNSPEC, NULL, 0);
	return -1;
}

/* The optional parameters field: locate it and check its length is consistent with
 * the message, with the RFC 9072 §2 extended form recognised by a first type of 255:
 *   | Non-Ext OP Len (1, != 0) | Non-Ext OP Type = 255 | Ext. Opt. Parm. Length (2) |
 */
static int
parse_opt_field(struct buf *b, size_t msglen, struct bgp_open *o, struct bgp_notify *err)
{
	uint8_t optlen, first;
	uint16_t extlen;
	struct buf params;
	uint8_t l[2] = {(uint8_t)(msglen >> 8), (uint8_t)msglen};

	if (buf_get_u8(b, &optlen) < 0)
		goto bad_len;
	if (optlen != 0 && buf_peek_u8(b, &first) == 0 && first == OPT_EXTENDED) {
		o->ext_params = true;
		if (buf_skip(b, 1) < 0 || buf_get_u16(b, &extlen) < 0)
			goto bad_len;
		if (buf_left(b) != extlen)
			goto bad_len;
	} else if (buf_left(b) != optlen) {
		goto bad_len;
	}
	buf_sub(b, buf_left(b), &params);
	return parse_params(&params, o->ext_params, o, err);
bad_len:
	bgp_notify_set(err, BGP_ERR_HEADER, BGP_ERR_HDR_LENGTH, l, 2);
	return -1;
}

int
bgp_open_decode(const uint8_t *body, size_t len, struct bgp_open *o, struct bgp_notify *err)
{
	static const uint8_t version[2] = {0, BGP_VERSION};
	struct buf b;
	uint8_t d[4];

	memset(o, 0, sizeof(*o));
	buf_init(&b, body, len);
	if (buf_get_u8(&b, &o->version) < 0)
		goto short_msg;
	/* RFC 4271 §6.2: the data is the largest version we support, 2 octets. */
	if (o->version != BGP_VERSION) {
		bgp_notify_set(err, BGP_ERR_OPEN, BGP_ERR_OPEN_VERSION, version, 2);
		return -1;
	}
	if (buf_get_u16(&b, &o->my_as) < 0 || buf_get_u16(&b, &o->hold) < 0 ||
	    buf_get_u32(&b, &o->id) < 0)
		goto short_msg;
	if (parse_opt_field(&b, len + BGP_HDR_LEN, o, err) < 0)
		return -1;
	o->asn = o->as4 ? o->as4_asn : o->my_as;
	if (o->hold == 1 || o->hold == 2) {
		d[0] = (uint8_t)(o->hold >> 8), d[1] = (uint8_t)o->hold;
		bgp_notify_set(err, BGP_ERR_OPEN, BGP_ERR_OPEN_HOLD_TIME, d, 2);
		return -1;
	}
	if (o->id == 0)
		return bgp_open_check_id(o, 0, false, err);
	return 0;
short_msg:
	d[0] = (uint8_t)((len + BGP_HDR_LEN) >> 8), d[1] = (uint8_t)(len + BGP_HDR_LEN);
	bgp_notify_set(err, BGP_ERR_HEADER, BGP_ERR_HDR_LENGTH, d, 2);
	return -1;
}

static void
bad_peer_as(const struct bgp_open *o, struct bgp_notify *err)
{
	uint8_t d[4];

	/* The AS as the peer sent it: 4 octets from capability 65, else the 2-octet field. */
	if (o->as4) {
		d[0] = (uint8_t)(o->as4_asn >> 24), d[1] = (uint8_t)(o->as4_asn >> 16);
		d[2] = (uint8_t)(o->as4_asn >> 8), d[3] = (uint8_t)o->as4_asn;
		bgp_notify_set(err, BGP_ERR_OPEN, BGP_ERR_OPEN_PEER_AS, d, 4);
	} else {
		d[0] = (uint8_t)(o->my_as >> 8), d[1] = (uint8_t)o->my_as;
		bgp_notify_set(err, BGP_ERR_OPEN, BGP_ERR_OPEN_PEER_AS, d, 2);
	}
}

int
bgp_open_negotiate(const struct bgp_open *o, uint32_t peer_as, unsigned our_families,
    struct bgp_caps *caps, struct bgp_notify *err)
{
	unsigned theirs = o->mp_seen ? o->families : BGP_AFM_IPV4;
	struct wbuf w;

	/* RFC 6793 §4.2.1: with capability 65 the 2-octet field is the AS itself when it
	 * fits, else AS_TRANS; an AS of 0 is never valid. */
	if (o->asn == 0 || (peer_as != 0 && o->asn != peer_as))
		goto bad_as;
	if (o->as4 && o->my_as != (o->as4_asn > 0xffff ? BGP_AS_TRANS : o->as4_asn))
		goto bad_as;
	memset(caps, 0, sizeof(*caps));
	caps->families = theirs & our_families;
	caps->as4 = o->as4;
	caps->route_refresh = o->route_refresh || o->route_refresh_old;
	caps->enhanced_rr = false; /* we do not advertise it */
	caps->max_len = BGP_MAX_LEN;
	if (caps->families == 0) {
		/* RFC 5492 §5: the data lists the capabilities we need: our MP ones. */
		bgp_notify_set(err, BGP_ERR_OPEN, BGP_ERR_OPEN_CAPABILITY, NULL, 0);
		wbuf_init(&w, err->data, sizeof(err->data));
		if (our_families & BGP_AFM_IPV4)
			put_mp_cap(&w, BGP_AFI_IPV4);
		if (our_families & BGP_AFM_IPV6)
			put_mp_cap(&w, BGP_AFI_IPV6);
		err->datalen = (uint16_t)w.len;
		return -1;
	}
	return 0;
bad_as:
	bad_peer_as(o, err);
	return -1;
}

int
bgp_open_check_id(const struct bgp_open *o, uint32_t our_id, bool ibgp, struct bgp_notify *err)
{
	uint8_t d[4] = {
	    (uint8_t)(o->id >> 24), (uint8_t)(o->id >> 16), (uint8_t)(o->id >> 8), (uint8_t)o->id};

	if (o->id == 0 || (ibgp && o->id == our_id)) {
		bgp_notify_set(err, BGP_ERR_OPEN, BGP_ERR_OPEN_BGP_ID, d, 4);
		return -1;
	}
	return 0;
}
