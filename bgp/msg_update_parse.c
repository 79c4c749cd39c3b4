/* bgp/msg_update_parse: walk and validate UPDATEs peers send, with RFC 7606 revised
 * error handling. Nothing received is stored: the result is counts and a verdict. The
 * hot path (a full table streaming in) allocates nothing and copies nothing. */
#include "bgp/msg.h"

#include <string.h>

#include "bgp/msg_int.h"
#include "lib/util.h"

struct upd {
	const struct bgp_caps *caps;
	struct bgp_update_info *info;
	struct bgp_notify *err;
	uint64_t seen[4]; /* attribute types met, for duplicates and missing ones */
	int mp_reach_af;  /* BGP_AF_* of MP_REACH_NLRI, -1 when absent or foreign */
	int mp_unreach_af;
	unsigned mp_reach_n, mp_unreach_n;
	unsigned n_attrs;
};

/* Expected Optional and Transitive bits of the attributes we recognise; 0xff = unknown. */
static uint8_t
expected_flags(uint8_t type)
{
	switch (type) {
	case A_ORIGIN:
	case A_AS_PATH:
	case A_NEXT_HOP:
	case A_LOCAL_PREF:
	case A_ATOMIC_AGG: return F_TRANSITIVE;
	case A_MED:
	case A_ORIGINATOR_ID:
	case A_CLUSTER_LIST:
	case A_MP_REACH:
	case A_MP_UNREACH: return F_OPTIONAL;
	case A_AGGREGATOR:
	case A_COMMUNITIES:
	case A_EXT_COMM:
	case A_AS4_PATH:
	case A_AS4_AGGR:
	case A_LARGE_COMM: return F_OPTIONAL | F_TRANSITIVE;
	default: return 0xff;
	}
}

static bool
seen(const struct upd *u, uint8_t type)
{
	return u->seen[type >> 6] & (1ull << (type & 63));
}

/* RFC 7606 treat-as-withdraw: the first reason is kept; a reset still overrides it. */
static void
withdraw(struct upd *u, const char *reason, uint8_t type)
{
	if (u->info->action != BGP_UPD_OK)
		return;
	u->info->action = BGP_UPD_WITHDRAW;
	u->info->reason = reason;
	u->info->attr = type;
}

static int
reset(
    struct upd *u, uint8_t subcode, const char *reason, uint8_t type, const void *data, size_t dlen)
{
	u->info->action = BGP_UPD_RESET;
	u->info->reason = reason;
	u->info->attr = type;
	bgp_notify_set(u->err, BGP_ERR_UPDATE, subcode, data, dlen);
	return -1;
}

/* RFC 4271 §4.3 prefixes: | Length (1, bits) | Prefix (ceil(Length/8) octets) |... */
static int
count_prefixes(struct buf *b, unsigned maxbits, unsigned *count)
{
	unsigned n = 0;
	uint8_t bits;

	while (buf_left(b) > 0) {
		if (buf_get_u8(b, &bits) < 0 || bits > maxbits || buf_skip(b, (bits + 7u) / 8) < 0)
			return -1;
		n++;
	}
	*count += n;
	return 0;
}

/* RFC 4271 §4.3 AS_PATH segments | Type (1) | Count (1) | Count ASNs of width octets |;
 * RFC 7606 §7.2: an unknown type, a zero count or an overrun is malformed. */
static bool
as_path_ok(struct buf v, unsigned width)
{
	while (buf_left(&v) > 0) {
		uint8_t type, count;

		if (buf_get_u8(&v, &type) < 0 || buf_get_u8(&v, &count) < 0)
			return false;
		if (type < 1 || type > 4 || count == 0 || buf_skip(&v, (size_t)count * width) < 0)
			return false;
	}
	return true;
}

/*
 * RFC 4760 §3 MP_REACH_NLRI:
 *   | AFI (2) | SAFI (1) | NH Len (1) | Next Hop (NH Len) | Reserved (1) | NLRI ... |
 * An AFI/SAFI we do not speak is skipped whole; for ours a next hop of the wrong length
 * or an unparseable NLRI is a session reset with 3/9 (RFC 7606 §7.11, RFC 4760 §7).
 */
static int
parse_mp_reach(struct upd *u, struct buf v, const uint8_t *tlv, size_t tlvlen)
{
	uint16_t afi;
	uint8_t safi, nhlen, reserved;
	int af;

	if (buf_get_u16(&v, &afi) < 0 || buf_get_u8(&v, &safi) < 0 || buf_get_u8(&v, &nhlen) < 0)
		goto bad;
	af = bgp_af_from_afi(afi, safi);
	if (af < 0) {
		u->info->other++;
		return 0;
	}
	/* IPv4: 4, or 16/32 from a peer using RFC 8950 next hops unasked: tolerated. */
	if (af == BGP_AF_IPV4 ? nhlen != 4 && nhlen != 16 && nhlen != 32
	                      : nhlen != 16 && nhlen != 32)
		goto bad;
	if (buf_skip(&v, nhlen) < 0 || buf_get_u8(&v, &reserved) < 0)
		goto bad;
	if (count_prefixes(&v, af == BGP_AF_IPV4 ? 32 : 128, &u->mp_reach_n) < 0)
		goto bad;
	u->mp_reach_af = af;
	return 0;
bad:
	return reset(u, BGP_ERR_UPD_OPTIONAL, "malformed MP_REACH_NLRI", A_MP_REACH, tlv, tlvlen);
}

/* RFC 4760 §4 MP_UNREACH_NLRI: | AFI (2) | SAFI (1) | Withdrawn Routes ... | */
static int
parse_mp_unreach(struct upd *u, struct buf v, const uint8_t *tlv, size_t tlvlen)
{
	uint16_t afi;
	uint8_t safi;
	int af;

	if (buf_get_u16(&v, &afi) < 0 || buf_get_u8(&v, &safi) < 0)
		goto bad;
	af = bgp_af_from_afi(afi, safi);
	if (af < 0) {
		u->info->other++;
		return 0;
	}
	if (count_prefixes(&v, af == BGP_AF_IPV4 ? 32 : 128, &u->mp_unreach_n) < 0)
		goto bad;
	u->mp_unreach_af = af;
	return 0;
bad:
	return reset(
	    u, BGP_ERR_UPD_OPTIONAL, "malformed MP_UNREACH_NLRI", A_MP_UNREACH, tlv, tlvlen);
}

/* Length and content checks of one recognised attribute (RFC 7606 §7). */
static void
check_attr(struct upd *u, uint8_t type, struct buf v)
{
	size_t len = buf_left(&v);
	uint8_t origin;

	switch (type) {
	case A_ORIGIN:
		if (len != 1 || buf_get_u8(&v, &origin) < 0 || origin > 2)
			withdraw(u, "malformed ORIGIN", type);
		break;
	case A_AS_PATH:
		if (!as_path_ok(v, u->caps->as4 ? 4 : 2))
			withdraw(u, "malformed AS_PATH", type);
		break;
	case A_NEXT_HOP:
		if (len != 4)
			withdraw(u, "malformed NEXT_HOP", type);
		break;
	case A_MED:
	case A_LOCAL_PREF:
	case A_ORIGINATOR_ID:
		if (len != 4)
			withdraw(u, "bad attribute length", type);
		break;
	case A_ATOMIC_AGG:
		if (len != 0)
			u->info->discarded++;
		break;
	case A_AGGREGATOR:
		if (len != (u->caps->as4 ? 8u : 6u))
			u->info->discarded++;
		break;
	case A_AS4_AGGR:
		if (len != 8)
			u->info->discarded++;
		break;
	case A_AS4_PATH: /* RFC 6793 §6: a malformed AS4_PATH is discarded */
		if (len == 0 || !as_path_ok(v, 4))
			u->info->discarded++;
		break;
	case A_COMMUNITIES:
	case A_CLUSTER_LIST:
		if (len == 0 || len % 4 != 0)
			withdraw(u, "bad attribute length", type);
		break;
	case A_EXT_COMM:
		if (len == 0 || len % 8 != 0)
			withdraw(u, "bad attribute length", type);
		break;
	case A_LARGE_COMM: /* RFC 8092 §6 */
		if (len == 0 || len % 12 != 0)
			withdraw(u, "bad attribute length", type);
		break;
	}
}

/*
 * RFC 4271 §4.3 path attribute:
 *   | Flags (1) | Type (1) | Length (1, or 2 with Extended Length) | Value |
 * The walk stops at the first attribute that overruns the field (treat-as-withdraw,
 * RFC 7606 §4); the NLRI are found from the Total Path Attribute Length regardless.
 */
static int
walk_attrs(struct upd *u, struct buf *attrs)
{
	while (buf_left(attrs) > 0) {
		const uint8_t *tlv = buf_cur(attrs);
		uint8_t flags, type, l8;
		uint16_t len;
		struct buf v;
		uint8_t want;

		if (buf_get_u8(attrs, &flags) < 0 || buf_get_u8(attrs, &type) < 0)
			goto overrun;
		if (flags & F_EXTLEN ? buf_get_u16(attrs, &len) < 0 : buf_get_u8(attrs, &l8) < 0)
			goto overrun;
		if (!(flags & F_EXTLEN))
			len = l8;
		if (buf_sub(attrs, len, &v) < 0)
			goto overrun;
		u->n_attrs++;
		if (seen(u, type)) {
			/* RFC 7606 §3 g: a second MP attribute resets, other repeats are dropped. */
			if (type == A_MP_REACH || type == A_MP_UNREACH)
				return reset(u, BGP_ERR_UPD_ATTR_LIST, "repeated MP attribute",
				    type, NULL, 0);
			u->info->discarded++;
			continue;
		}
		u->seen[type >> 6] |= 1ull << (type & 63);
		want = expected_flags(type);
		if (want == 0xff) {
			/* RFC 4271 §6.3: an unrecognised well-known attribute is 3/2, with it. */
			if (!(flags & F_OPTIONAL))
				return reset(u, BGP_ERR_UPD_UNRECOGNIZED,
				    "unrecognized well-known attribute", type, tlv,
				    (size_t)(buf_cur(attrs) - tlv));
			continue;
		}
		if (type == A_MP_REACH || type == A_MP_UNREACH) {
			size_t tlvlen = (size_t)(buf_cur(attrs) - tlv);

			if ((type == A_MP_REACH ? parse_mp_reach(u, v, tlv, tlvlen)
			                        : parse_mp_unreach(u, v, tlv, tlvlen)) < 0)
				return -1;
		}
		/* RFC 7606 §3 c: flag conflicts; only AS_PATH and ATOMIC_AGGREGATE may be empty. */
		if ((flags & (F_OPTIONAL | F_TRANSITIVE)) != want)
			withdraw(u, "attribute flags conflict", type);
		else if (len == 0 && type != A_AS_PATH && type != A_ATOMIC_AGG)
			withdraw(u, "zero-length attribute", type);
		else
			check_attr(u, type, v);
	}
	return 0;
overrun:
	withdraw(u, "attribute overruns the attribute field", 0);
	return 0;
}

/* RFC 7606 §3 d: missing well-known attributes matter only when there are NLRI, and
 * NEXT_HOP only for the classic NLRI field (RFC 4760 makes it discretionary). */
static void
check_missing(struct upd *u, bool classic_nlri)
{
	if (!classic_nlri && u->mp_reach_n == 0)
		return;
	if (!seen(u, A_ORIGIN))
		withdraw(u, "missing well-known attribute", A_ORIGIN);
	else if (!seen(u, A_AS_PATH))
		withdraw(u, "missing well-known attribute", A_AS_PATH);
	else if (classic_nlri && !seen(u, A_NEXT_HOP))
		withdraw(u, "missing well-known attribute", A_NEXT_HOP);
}

static void
tally(struct upd *u, unsigned withdrawn4, unsigned nlri4)
{
	struct bgp_update_info *in = u->info;
	bool taw = in->action == BGP_UPD_WITHDRAW;

	in->withdrawn[BGP_AF_IPV4] += withdrawn4;
	in->announced[BGP_AF_IPV4] += taw ? 0 : nlri4;
	in->withdrawn[BGP_AF_IPV4] += taw ? nlri4 : 0;
	if (u->mp_unreach_af >= 0)
		in->withdrawn[u->mp_unreach_af] += u->mp_unreach_n;
	if (u->mp_reach_af >= 0) {
		if (taw)
			in->withdrawn[u->mp_reach_af] += u->mp_reach_n;
		else
			in->announced[u->mp_reach_af] += u->mp_reach_n;
	}
}

/*
 * RFC 4271 §4.3 UPDATE body:
 *   | Withdrawn Routes Length (2) | Withdrawn Routes | Total Path Attribute Length (2) |
 *   | Path Attributes | NLRI (the rest) |
 */
int
bgp_update_decode(const uint8_t *body, size_t len, const struct bgp_caps *caps,
    struct bgp_update_info *info, struct bgp_notify *err)
{
	static const struct bgp_caps any = {
	    BGP_AFM_IPV4 | BGP_AFM_IPV6, true, false, false, BGP_MAX_LEN};
	struct upd u = {caps ? caps : &any, info, err, {0, 0, 0, 0}, -1, -1, 0, 0, 0};
	struct buf b, withdrawn, attrs;
	uint16_t wlen, alen;
	unsigned nw = 0, nn = 0;

	memset(info, 0, sizeof(*info));
	buf_init(&b, body, len);
	/* RFC 7606 §3 b: lengths that overrun the message reset the session (3/1). */
	if (buf_get_u16(&b, &wlen) < 0 || buf_sub(&b, wlen, &withdrawn) < 0 ||
	    buf_get_u16(&b, &alen) < 0 || buf_sub(&b, alen, &attrs) < 0)
		return reset(
		    &u, BGP_ERR_UPD_ATTR_LIST, "withdrawn or attribute length overrun", 0, NULL, 0);
	/* RFC 7606 §5.3: prefixes that cannot be parsed reset the session (3/10). */
	if (count_prefixes(&withdrawn, 32, &nw) < 0 || count_prefixes(&b, 32, &nn) < 0)
		return reset(&u, BGP_ERR_UPD_NETWORK, "malformed prefix", 0, NULL, 0);
	if (walk_attrs(&u, &attrs) < 0)
		return -1;
	check_missing(&u, nn > 0);
	tally(&u, nw, nn);
	/* RFC 4724 §2 End-of-RIB: the empty UPDATE, or a lone empty MP_UNREACH_NLRI. */
	if (len == 4) {
		info->eor = true;
		info->eor_af = BGP_AF_IPV4;
	} else if (wlen == 0 && nn == 0 && u.n_attrs == 1 && u.mp_unreach_af >= 0 &&
	           u.mp_unreach_n == 0 && info->action == BGP_UPD_OK) {
		info->eor = true;
		info->eor_af = (enum bgp_af)u.mp_unreach_af;
	}
	return 0;
}
