/* bgp/msg_update: UPDATE encoding of our own routes (RFC 4271 §4.3, RFC 4760, RFC 6793,
 * RFC 1997, RFC 8092) and the packer that puts them in as few messages as fit. */
#include "bgp/msg.h"

#include <string.h>

#include "bgp/msg_int.h"
#include "lib/util.h"

#define ORIGIN_IGP      0
#define AS_SEQUENCE     2
#define UPDATE_MIN_BODY 4 /* withdrawn length + attribute length */

static void
put_attr_hdr(struct wbuf *w, uint8_t flags, uint8_t type, size_t len)
{
	if (len > 255) {
		wbuf_u8(w, flags | F_EXTLEN);
		wbuf_u8(w, type);
		wbuf_u16(w, (uint16_t)len);
	} else {
		wbuf_u8(w, flags);
		wbuf_u8(w, type);
		wbuf_u8(w, (uint8_t)len);
	}
}

/* The next community above *last (or the smallest when !*have): sorted, unique output
 * without copying or sorting the caller's array. Lists are short. */
static bool
next_community(const uint32_t *c, size_t n, bool *have, uint32_t *last)
{
	bool found = false;
	uint32_t best = 0;

	for (size_t i = 0; i < n; i++) {
		if (*have && c[i] <= *last)
			continue;
		if (!found || c[i] < best)
			best = c[i], found = true;
	}
	if (found)
		*last = best, *have = true;
	return found;
}

static int
lc_cmp(const struct bgp_large_community *a, const struct bgp_large_community *b)
{
	if (a->global != b->global)
		return a->global < b->global ? -1 : 1;
	if (a->local1 != b->local1)
		return a->local1 < b->local1 ? -1 : 1;
	if (a->local2 != b->local2)
		return a->local2 < b->local2 ? -1 : 1;
	return 0;
}

static bool
next_large(
    const struct bgp_large_community *c, size_t n, bool *have, struct bgp_large_community *last)
{
	const struct bgp_large_community *best = NULL;

	for (size_t i = 0; i < n; i++) {
		if (*have && lc_cmp(&c[i], last) <= 0)
			continue;
		if (best == NULL || lc_cmp(&c[i], best) < 0)
			best = &c[i];
	}
	if (best)
		*last = *best, *have = true;
	return best != NULL;
}

/* RFC 1997: COMMUNITIES, optional transitive, 4 octets each, sorted and unique. */
static void
put_communities(struct wbuf *w, const struct bgp_attrs *a)
{
	size_t count = 0;
	bool have = false;
	uint32_t v = 0;

	while (next_community(a->communities, a->n_communities, &have, &v))
		count++;
	if (count == 0)
		return;
	put_attr_hdr(w, F_OPTIONAL | F_TRANSITIVE, A_COMMUNITIES, count * 4);
	have = false;
	while (next_community(a->communities, a->n_communities, &have, &v))
		wbuf_u32(w, v);
}

/* RFC 8092 §3: LARGE_COMMUNITY, optional transitive, 12 octets each, no duplicates. */
static void
put_large(struct wbuf *w, const struct bgp_attrs *a)
{
	size_t count = 0;
	bool have = false;
	struct bgp_large_community v = {0, 0, 0};

	while (next_large(a->large, a->n_large, &have, &v))
		count++;
	if (count == 0)
		return;
	put_attr_hdr(w, F_OPTIONAL | F_TRANSITIVE, A_LARGE_COMM, count * 12);
	have = false;
	while (next_large(a->large, a->n_large, &have, &v)) {
		wbuf_u32(w, v.global);
		wbuf_u32(w, v.local1);
		wbuf_u32(w, v.local2);
	}
}

/* RFC 4271 §4.3 AS_PATH: one AS_SEQUENCE segment | type 2 | count | ASNs |, our AS
 * 1 + prepend times; empty towards iBGP (§5.1.2). Towards a peer without 4-octet AS,
 * 2-octet ASNs with AS_TRANS and the real path in AS4_PATH (RFC 6793 §4.2.2). */
static void
put_as_path(struct wbuf *w, const struct bgp_attrs *a, uint8_t type, bool wide)
{
	unsigned count = a->ibgp ? 0 : 1 + a->prepend;
	size_t len = count ? 2 + count * (wide ? 4 : 2) : 0;

	put_attr_hdr(w, type == A_AS_PATH ? F_TRANSITIVE : F_OPTIONAL | F_TRANSITIVE, type, len);
	if (count == 0)
		return;
	wbuf_u8(w, AS_SEQUENCE);
	wbuf_u8(w, (uint8_t)count);
	for (unsigned i = 0; i < count; i++) {
		if (wide)
			wbuf_u32(w, a->asn);
		else
			wbuf_u16(w, a->asn > 0xffff ? BGP_AS_TRANS : (uint16_t)a->asn);
	}
}

/* The attributes common to every UPDATE of a set (MP_REACH_NLRI aside), in type order. */
static void
put_common_attrs(
    struct wbuf *w, const struct bgp_caps *caps, const struct bgp_attrs *a, enum bgp_af af)
{
	put_attr_hdr(w, F_TRANSITIVE, A_ORIGIN, 1);
	wbuf_u8(w, ORIGIN_IGP);
	put_as_path(w, a, A_AS_PATH, caps->as4);
	if (af == BGP_AF_IPV4) {
		put_attr_hdr(w, F_TRANSITIVE, A_NEXT_HOP, 4);
		wbuf_bytes(w, &a->nh4.u.v4, 4);
	}
	if (a->has_med) {
		put_attr_hdr(w, F_OPTIONAL, A_MED, 4);
		wbuf_u32(w, a->med);
	}
	if (a->ibgp) {
		put_attr_hdr(w, F_TRANSITIVE, A_LOCAL_PREF, 4);
		wbuf_u32(w, a->local_pref);
	}
	put_communities(w, a);
	if (!caps->as4 && !a->ibgp && a->asn > 0xffff)
		put_as_path(w, a, A_AS4_PATH, true);
	put_large(w, a);
}

static bool
v6_global_ok(const struct addr *x)
{
	static const uint8_t zero[16];
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	return x->af == AF_INET6 && memcmp(x->u.b, zero, 16) != 0 &&
	       memcmp(x->u.b, mapped, 12) != 0 && !addr_is_linklocal(x);
}

static int
attrs_valid(const struct bgp_attrs *a, enum bgp_af af)
{
	if (a->asn == 0 || a->prepend > BGP_MAX_PREPEND)
		return -1;
	if (af == BGP_AF_IPV4)
		return a->nh4.af == AF_INET && a->nh4.u.v4.s_addr != 0 ? 0 : -1;
	if (!v6_global_ok(&a->nh6))
		return -1;
	if (a->nh6_ll.af != AF_UNSPEC && !addr_is_linklocal(&a->nh6_ll))
		return -1;
	return 0;
}

static int
af_of(const struct prefix *p)
{
	if (p->addr.af == AF_INET && p->len <= 32)
		return BGP_AF_IPV4;
	if (p->addr.af == AF_INET6 && p->len <= 128)
		return BGP_AF_IPV6;
	return -1;
}

/* RFC 4271 §4.3 prefix: | Length in bits (1) | the significant octets |. */
static size_t
prefix_size(const struct prefix *p)
{
	return 1 + (p->len + 7u) / 8;
}

/* Append prefixes of family af from pfx[*pos..n) while the message (begun at start)
 * stays within limit; other families are skipped when skip is set, else end the run. */
static size_t
put_prefixes(struct wbuf *w, size_t start, size_t limit, enum bgp_af af, const struct prefix *pfx,
    size_t n, size_t *pos, bool skip)
{
	size_t count = 0;

	for (; *pos < n; (*pos)++) {
		const struct prefix *p = &pfx[*pos];

		if (af_of(p) != (int)af) {
			if (skip)
				continue;
			break;
		}
		if (w->len - start + prefix_size(p) > limit || wbuf_room(w) < prefix_size(p))
			break;
		wbuf_u8(w, p->len);
		wbuf_bytes(w, p->addr.u.b, prefix_size(p) - 1);
		if (p->len % 8) /* never leak host bits past the prefix length */
			w->p[w->len - 1] &= (uint8_t)(0xff << (8 - p->len % 8));
		count++;
	}
	return count;
}

/* RFC 4760 §3 MP_REACH_NLRI, always first, extended length:
 *   | AFI (2) | SAFI (1) | NH len (1) | NH (16 or 32) | Reserved (1) | NLRI ... |
 * RFC 4760 §4 MP_UNREACH_NLRI: | AFI (2) | SAFI (1) | withdrawn NLRI ... | */
static size_t
put_mp_start(struct wbuf *w, const struct bgp_attrs *a, bool reach)
{
	size_t len_at;

	wbuf_u8(w, F_OPTIONAL | F_EXTLEN);
	wbuf_u8(w, reach ? A_MP_REACH : A_MP_UNREACH);
	len_at = wbuf_reserve(w, 2);
	wbuf_u16(w, BGP_AFI_IPV6);
	wbuf_u8(w, BGP_SAFI_UNICAST);
	if (reach) {
		bool ll = a->nh6_ll.af == AF_INET6;

		wbuf_u8(w, ll ? 32 : 16);
		wbuf_bytes(w, a->nh6.u.b, 16);
		if (ll)
			wbuf_bytes(w, a->nh6_ll.u.b, 16);
		wbuf_u8(w, 0);
	}
	return len_at;
}

/* One UPDATE for family af starting at pfx[*pos]. Returns the prefixes it holds (0 is an
 * error: nothing fitted) or -1 on invalid input. */
static int
encode_one(struct wbuf *w, const struct bgp_caps *caps, const struct bgp_attrs *a, enum bgp_af af,
    const struct prefix *pfx, size_t n, size_t *pos, bool skip)
{
	size_t limit = caps->max_len ? MIN(caps->max_len, BGP_EXT_MAX_LEN) : BGP_MAX_LEN;
	size_t start, wlen_at, alen_at, attrs_at, mp_len_at = 0, count;

	if (!(caps->families & BGP_AFM(af)) || (a && attrs_valid(a, af) < 0))
		return -1;
	start = bgp_msg_begin(w, BGP_MSG_UPDATE);
	wlen_at = wbuf_reserve(w, 2);
	if (a == NULL && af == BGP_AF_IPV4) {
		/* A bare IPv4 withdrawal: Withdrawn Routes, no path attributes. */
		count = put_prefixes(w, start, limit - 2, af, pfx, n, pos, skip);
		wbuf_put_u16_at(w, wlen_at, (uint16_t)(w->len - wlen_at - 2));
		wbuf_u16(w, 0);
		goto done;
	}
	alen_at = wbuf_reserve(w, 2);
	attrs_at = w->len;
	if (af == BGP_AF_IPV6)
		mp_len_at = put_mp_start(w, a, a != NULL);
	if (a && af == BGP_AF_IPV4)
		put_common_attrs(w, caps, a, af);
	if (af == BGP_AF_IPV6) {
		uint8_t tail[BGP_MAX_LEN];
		struct wbuf t;

		/* The NLRI sit inside the first attribute: size the ones that follow first. */
		wbuf_init(&t, tail, sizeof(tail));
		if (a)
			put_common_attrs(&t, caps, a, af);
		if (t.err)
			return -1;
		count = put_prefixes(w, start, limit - t.len, af, pfx, n, pos, skip);
		wbuf_put_u16_at(w, mp_len_at, (uint16_t)(w->len - mp_len_at - 2));
		wbuf_bytes(w, tail, t.len);
		wbuf_put_u16_at(w, alen_at, (uint16_t)(w->len - attrs_at));
	} else {
		wbuf_put_u16_at(w, alen_at, (uint16_t)(w->len - attrs_at));
		count = put_prefixes(w, start, limit, af, pfx, n, pos, skip);
	}
done:
	if (bgp_msg_end(w, start, limit) < 0)
		return -1;
	return (int)count;
}

int
bgp_update_encode(struct wbuf *w, const struct bgp_caps *caps, const struct bgp_attrs *a,
    const struct prefix *pfx, size_t n, size_t *done)
{
	size_t pos = 0, start = w->len;
	bool err = w->err;
	int af, count;

	*done = 0;
	if (n == 0 || (af = af_of(&pfx[0])) < 0)
		return -1;
	count = encode_one(w, caps, a, (enum bgp_af)af, pfx, n, &pos, false);
	if (count <= 0) {
		w->len = start;
		w->err = err;
		return -1;
	}
	*done = pos;
	return 0;
}

static int
pack_af(const struct bgp_caps *caps, const struct bgp_attrs *a, enum bgp_af af,
    const struct prefix *pfx, size_t n, bgp_emit_fn emit, void *arg)
{
	uint8_t msg[BGP_MAX_LEN];
	struct bgp_caps c = *caps;
	size_t pos = 0;
	int msgs = 0, count;

	c.max_len = BGP_MAX_LEN; /* we never negotiate more */
	while (pos < n) {
		struct wbuf w;

		wbuf_init(&w, msg, sizeof(msg));
		count = encode_one(&w, &c, a, af, pfx, n, &pos, true);
		if (count < 0)
			return -1;
		if (count == 0) {
			if (pos < n)
				return -1; /* a prefix that fits in no message */
			break;
		}
		if (emit(arg, msg, w.len) < 0)
			return -1;
		msgs++;
	}
	return msgs;
}

int
bgp_update_pack(const struct bgp_caps *caps, const struct bgp_attrs *a, const struct prefix *pfx,
    size_t n, bgp_emit_fn emit, void *arg)
{
	unsigned present = 0;
	int total = 0;

	for (size_t i = 0; i < n; i++) {
		int af = af_of(&pfx[i]);

		if (af < 0)
			return -1;
		present |= BGP_AFM(af);
	}
	if ((present & caps->families) != present)
		return -1; /* never send a family the peer did not negotiate */
	for (int af = 0; af < BGP_AF_COUNT; af++) {
		int m;

		if (!(present & BGP_AFM(af)))
			continue;
		m = pack_af(caps, a, (enum bgp_af)af, pfx, n, emit, arg);
		if (m < 0)
			return -1;
		total += m;
	}
	return total;
}

/* RFC 4724 §2: IPv4 EoR is the minimal UPDATE; others an MP_UNREACH_NLRI with only the
 * AFI/SAFI (non-extended length, as FRR and BIRD send it). */
int
bgp_eor_encode(struct wbuf *w, enum bgp_af af)
{
	size_t start = bgp_msg_begin(w, BGP_MSG_UPDATE);

	wbuf_u16(w, 0);
	if (af == BGP_AF_IPV4) {
		wbuf_u16(w, 0);
	} else {
		wbuf_u16(w, 6);
		put_attr_hdr(w, F_OPTIONAL, A_MP_UNREACH, 3);
		wbuf_u16(w, BGP_AFI_IPV6);
		wbuf_u8(w, BGP_SAFI_UNICAST);
	}
	return bgp_msg_end(w, start, BGP_MAX_LEN);
}
