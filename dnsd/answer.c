/* answer: build authoritative responses from a zone set; pure and allocation-free. */
#include "dnsd/answer.h"

#include <string.h>

#include "lib/util.h"

#define CNAME_CHAIN_MAX 8
#define OPT_LEN         11 /* root, type, class, ttl, rdlength */

struct resp {
	struct wbuf w;
	struct dns_ctable ct;
	uint16_t flags;
	uint16_t rcode; /* 12 bits: the upper 8 go into the OPT record */
	uint16_t count[3];
	size_t qct; /* compression entries of the question */
	bool tc;
};

enum {
	SEC_AN,
	SEC_NS,
	SEC_AR
};

/* RDATA with the names RFC 3597 4 allows to compress (NS, CNAME, PTR, MX, SOA) compressed. */
static void
put_rdata(struct resp *r, uint16_t type, const uint8_t *rd, uint16_t len)
{
	size_t off = 0;

	switch (type) {
	case DNS_T_NS:
	case DNS_T_CNAME:
	case DNS_T_PTR: dns_name_put(&r->w, rd, &r->ct); return;
	case DNS_T_MX:
		wbuf_bytes(&r->w, rd, 2);
		dns_name_put(&r->w, rd + 2, &r->ct);
		return;
	case DNS_T_SOA:
		dns_name_put(&r->w, rd, &r->ct);
		off = dns_name_len(rd);
		dns_name_put(&r->w, rd + off, &r->ct);
		off += dns_name_len(rd + off);
		wbuf_bytes(&r->w, rd + off, len - off);
		return;
	default: wbuf_bytes(&r->w, rd, len);
	}
}

/* Roll back to a mark when something did not fit (the wbuf error is sticky). */
struct mark {
	size_t len;
	size_t ctn;
};

static struct mark
mark_get(const struct resp *r)
{
	return (struct mark){r->w.len, r->ct.n};
}

static void
mark_restore(struct resp *r, struct mark m)
{
	r->w.len = m.len;
	r->w.err = false;
	r->ct.n = m.ctn;
}

static void
put_rr(struct resp *r, const uint8_t *owner, uint16_t type, uint16_t cls, uint32_t ttl,
    const uint8_t *rd, uint16_t rdlen)
{
	size_t at;

	dns_name_put(&r->w, owner, &r->ct);
	wbuf_u16(&r->w, type);
	wbuf_u16(&r->w, cls);
	wbuf_u32(&r->w, ttl);
	at = wbuf_reserve(&r->w, 2);
	put_rdata(r, type, rd, rdlen);
	if (!r->w.err)
		wbuf_put_u16_at(&r->w, at, (uint16_t)(r->w.len - at - 2));
}

/* A whole RRset into section sec, or nothing: 0, or -1 when it does not fit. */
static int
put_rrset(struct resp *r, int sec, const uint8_t *owner, const struct zone_rrset *s, uint32_t ttl)
{
	struct mark m = mark_get(r);

	for (uint16_t i = 0; i < s->count; i++)
		put_rr(r, owner, s->type, DNS_C_IN, ttl, s->rr[i].data, s->rr[i].len);
	if (r->w.err) {
		mark_restore(r, m);
		return -1;
	}
	r->count[sec] += s->count;
	return 0;
}

/* Answer and authority must be complete: otherwise keep only the question and set TC. */
static int
put_needed(struct resp *r, int sec, const uint8_t *owner, const struct zone_rrset *s, uint32_t ttl,
    size_t qend)
{
	if (put_rrset(r, sec, owner, s, ttl) == 0)
		return 0;
	r->w.len = qend;
	r->ct.n = r->qct;
	memset(r->count, 0, sizeof(r->count));
	r->tc = true;
	return -1;
}

static void
put_negative(struct resp *r, const struct zone *z, size_t qend)
{
	/* RFC 2308 3 and 5: the SOA, with TTL min(SOA TTL, SOA MINIMUM) */
	put_needed(r, SEC_NS, z->origin, z->soa, z->neg_ttl, qend);
}

/* Addresses of a target name inside the zone, when they fit. must: glue that has to be
 * there (RFC 9471), so TC is set when it does not fit. */
static void
put_addresses(struct resp *r, const struct zone *z, const uint8_t *target, bool must)
{
	const struct zone_node *n;
	static const uint16_t types[2] = {DNS_T_A, DNS_T_AAAA};

	if (!dns_name_is_sub(target, z->origin) || (n = zone_lookup(z, target)) == NULL)
		return;
	for (int i = 0; i < 2; i++) {
		const struct zone_rrset *s = zone_node_rrset(n, types[i]);

		if (s != NULL && put_rrset(r, SEC_AR, n->name, s, s->ttl) < 0 && must)
			r->tc = true;
	}
}

/* The name inside RDATA that deserves additional addresses (RFC 1035 3.3, RFC 2782). */
static const uint8_t *
rdata_target(uint16_t type, const struct zone_rdata *rd)
{
	switch (type) {
	case DNS_T_NS: return rd->data;
	case DNS_T_MX: return rd->data + 2;
	case DNS_T_SRV: return rd->data + 6;
	default: return NULL;
	}
}

static void
put_additional_for(struct resp *r, const struct zone *z, const struct zone_rrset *s)
{
	for (uint16_t i = 0; i < s->count; i++) {
		const uint8_t *t = rdata_target(s->type, &s->rr[i]);

		if (t != NULL)
			put_addresses(r, z, t, false);
	}
}

/* A delegation (RFC 1034 4.3.2 step 3b): NS in authority, glue in additional, AA clear. */
static void
put_referral(struct resp *r, const struct zone *z, const uint8_t *cut, const struct zone_node *n,
    size_t qend)
{
	const struct zone_rrset *ns = zone_node_rrset(n, DNS_T_NS);

	r->flags &= (uint16_t)~DNS_F_AA;
	if (put_needed(r, SEC_NS, cut, ns, ns->ttl, qend) < 0)
		return;
	for (uint16_t i = 0; i < ns->count; i++) {
		const uint8_t *t = ns->rr[i].data;

		put_addresses(r, z, t, dns_name_is_sub(t, n->name));
	}
}

enum find {
	FIND_NODE,
	FIND_REFERRAL,
	FIND_NXDOMAIN,
};

/* Walk from the apex down the labels of name (RFC 1034 4.3.2, RFC 4592 3.3.1): a zone cut
 * on the way is a referral; the deepest existing node is the closest encloser, whose
 * wildcard child, if any, answers in place of a missing name. */
static enum find
find(const struct zone *z, const uint8_t *name, uint16_t qtype, const struct zone_node **out,
    const uint8_t **cut)
{
	unsigned labels = dns_name_labels(name);
	const struct zone_node *ce = z->apex, *n;
	uint8_t wild[DNS_NAME_MAX];
	size_t celen;

	for (unsigned k = z->labels + 1; k <= labels; k++) {
		const uint8_t *sub = dns_name_parent(name, labels - k);

		if ((n = zone_lookup(z, sub)) == NULL)
			break;
		/* RFC 4035 3.1.4.1: DS at the cut is the parent's */
		if (n->cut && !(k == labels && qtype == DNS_T_DS)) {
			*out = n;
			*cut = sub;
			return FIND_REFERRAL;
		}
		ce = n;
		if (k == labels) {
			*out = n;
			return FIND_NODE;
		}
	}
	if (labels == z->labels) {
		*out = z->apex;
		return FIND_NODE;
	}
	celen = dns_name_len(ce->name);
	if (celen + 2 > DNS_NAME_MAX)
		return FIND_NXDOMAIN;
	wild[0] = 1;
	wild[1] = '*';
	memcpy(wild + 2, ce->name, celen);
	if ((n = zone_lookup(z, wild)) == NULL)
		return FIND_NXDOMAIN;
	*out = n;
	return FIND_NODE;
}

/* RFC 8482 4.2: answer ANY with one RRset of the name (the first, in file order). */
static const struct zone_rrset *
any_rrset(const struct zone_node *n)
{
	return n->nsets ? &n->sets[0] : NULL;
}

static void
resolve(struct resp *r, const struct zone *z, const uint8_t *qname, uint16_t qtype, size_t qend)
{
	const uint8_t *name = qname, *cut = NULL;
	const struct zone_node *n;
	const struct zone_rrset *s, *c;

	r->flags |= DNS_F_AA;
	for (int chain = 0; chain < CNAME_CHAIN_MAX; chain++) {
		switch (find(z, name, qtype, &n, &cut)) {
		case FIND_REFERRAL:
			if (chain == 0)
				put_referral(r, z, cut, n, qend);
			return;
		case FIND_NXDOMAIN:
			r->rcode = DNS_R_NXDOMAIN; /* RFC 6604: the last name of the chain */
			put_negative(r, z, qend);
			return;
		case FIND_NODE: break;
		}
		s = qtype == DNS_T_ANY ? any_rrset(n) : zone_node_rrset(n, qtype);
		if (s != NULL) {
			if (put_needed(r, SEC_AN, name, s, s->ttl, qend) == 0)
				put_additional_for(r, z, s);
			return;
		}
		c = zone_node_rrset(n, DNS_T_CNAME);
		if (c == NULL) {
			put_negative(r, z, qend); /* NODATA */
			return;
		}
		if (put_needed(r, SEC_AN, name, c, c->ttl, qend) < 0)
			return;
		name = c->rr[0].data;
		if (!dns_name_is_sub(name, z->origin))
			return; /* the rest is someone else's */
	}
}

/* RFC 4892: CHAOS TXT id.server., hostname.bind., version.bind., version.server. */
static void
chaos(struct resp *r, const struct answer_cfg *cfg, const uint8_t *qname, uint16_t qtype)
{
	static const uint8_t id_server[] = "\2id\6server", hostname_bind[] = "\10hostname\4bind",
	                     version_bind[] = "\7version\4bind",
	                     version_server[] = "\7version\6server";
	const char *text = NULL;
	uint8_t rd[1024];
	size_t len, n = 0;

	if (dns_name_eq(qname, id_server) || dns_name_eq(qname, hostname_bind))
		text = cfg->identity;
	else if (dns_name_eq(qname, version_bind) || dns_name_eq(qname, version_server))
		text = cfg->version;
	if (text == NULL || text[0] == '\0' || (qtype != DNS_T_TXT && qtype != DNS_T_ANY)) {
		r->rcode = DNS_R_REFUSED;
		return;
	}
	len = strlen(text);
	for (size_t i = 0; i < len && n + 256 <= sizeof(rd); i += 255) {
		size_t k = MIN(255, len - i);

		rd[n++] = (uint8_t)k;
		memcpy(rd + n, text + i, k);
		n += k;
	}
	r->flags |= DNS_F_AA;
	put_rr(r, qname, DNS_T_TXT, DNS_C_CH, 0, rd, (uint16_t)n);
	if (r->w.err) {
		r->w.err = false;
		r->tc = true;
		return;
	}
	r->count[SEC_AN]++;
}

struct query {
	struct dns_header h;
	struct dns_question q;
	struct dns_edns edns;
	bool formerr;
};

/* Parse what answering needs; -1 means drop, formerr a malformed query. */
static int
query_parse(const uint8_t *q, size_t qlen, struct query *qu)
{
	struct buf b;
	struct dns_rr rr;

	memset(&qu->edns, 0, sizeof(qu->edns));
	qu->formerr = false;
	buf_init(&b, q, qlen);
	if (dns_header_get(&b, &qu->h) || (qu->h.flags & DNS_F_QR))
		return -1;
	if (DNS_OPCODE(qu->h.flags) != DNS_OP_QUERY)
		return 0;
	if (qu->h.qdcount != 1 || dns_question_get(&b, &qu->q) ||
	    dns_msg_skip_sections(
	        &b, &(struct dns_header){.ancount = qu->h.ancount, .nscount = qu->h.nscount}, 3)) {
		qu->formerr = true;
		return 0;
	}
	/* RFC 6891 6.1.1: at most one OPT, in the additional section */
	for (unsigned i = 0; i < qu->h.arcount; i++) {
		if (dns_rr_get(&b, &rr))
			goto bad;
		if (rr.type != DNS_T_OPT)
			continue;
		if (qu->edns.present || dns_edns_parse(&rr, &qu->edns))
			goto bad;
	}
	return 0;
bad:
	qu->formerr = true;
	memset(&qu->edns, 0, sizeof(qu->edns));
	return 0;
}

static void
finish(struct resp *r, const struct query *qu, const struct answer_cfg *cfg, size_t cap)
{
	struct dns_header h = {
	    .id = qu->h.id,
	    .flags = (uint16_t)(r->flags | (r->tc ? DNS_F_TC : 0) | (r->rcode & 0xf)),
	    .qdcount = qu->formerr || DNS_OPCODE(qu->h.flags) != DNS_OP_QUERY ? 0 : 1,
	    .ancount = r->count[SEC_AN],
	    .nscount = r->count[SEC_NS],
	    .arcount = r->count[SEC_AR],
	};
	size_t len;

	r->w.cap = cap; /* the room kept for OPT */
	if (qu->edns.present) {
		bool nsid = qu->edns.nsid && cfg->nsid != NULL;

		dns_opt_put(&r->w, cfg->max_udp ? cfg->max_udp : DNS_UDP_DEFAULT,
		    (uint8_t)(r->rcode >> 4), 0, qu->edns.do_bit, nsid ? cfg->nsid : NULL,
		    nsid ? cfg->nsidlen : 0);
		h.arcount++;
	}
	len = r->w.len;
	r->w.len = 0;
	dns_header_put(&r->w, &h);
	r->w.len = len;
}

size_t
answer_query(const struct zone_set *zs, const struct answer_cfg *cfg, const uint8_t *q, size_t qlen,
    uint8_t *out, size_t cap, bool tcp)
{
	struct query qu;
	struct resp r = {0};
	size_t limit, optlen, qend;
	const struct zone *z;

	if (query_parse(q, qlen, &qu) < 0 || cap < DNS_HDR_LEN)
		return 0;
	/* RFC 6891 6.2.5: below 512 counts as 512; we never send more than we offer */
	if (tcp)
		limit = 65535;
	else if (qu.edns.present)
		limit = MAX(DNS_UDP_MIN,
		    MIN(qu.edns.udp_size, cfg->max_udp ? cfg->max_udp : DNS_UDP_DEFAULT));
	else
		limit = DNS_UDP_MIN;
	limit = MIN(limit, cap);
	optlen =
	    !qu.edns.present ? 0 : OPT_LEN + (qu.edns.nsid && cfg->nsid ? 4 + cfg->nsidlen : 0);
	if (optlen + DNS_HDR_LEN > limit)
		optlen = 0, qu.edns.present = false;
	wbuf_init(&r.w, out, limit - optlen);
	wbuf_reserve(&r.w, DNS_HDR_LEN);
	r.flags = (uint16_t)(DNS_F_QR | (qu.h.flags & (0x7800 | DNS_F_RD | DNS_F_CD)));
	if (DNS_OPCODE(qu.h.flags) != DNS_OP_QUERY) {
		r.rcode = DNS_R_NOTIMP;
		goto done;
	}
	if (qu.formerr) {
		r.rcode = DNS_R_FORMERR;
		goto done;
	}
	dns_question_put(&r.w, &qu.q, &r.ct);
	qend = r.w.len;
	r.qct = r.ct.n;
	if (r.w.err) {
		/* cannot happen with limit >= 512 and a name of at most 255 bytes */
		r.w.err = false;
		r.w.len = DNS_HDR_LEN;
		qu.formerr = true;
		r.rcode = DNS_R_FORMERR;
		goto done;
	}
	if (qu.edns.present && qu.edns.version > 0) {
		r.rcode = DNS_R_BADVERS; /* RFC 6891 6.1.3 */
		goto done;
	}
	if (qu.q.qtype == DNS_T_OPT) {
		r.rcode = DNS_R_FORMERR;
		goto done;
	}
	if (qu.q.qclass == DNS_C_CH) {
		chaos(&r, cfg, qu.q.name, qu.q.qtype);
		goto done;
	}
	if (qu.q.qtype == DNS_T_MAILA || qu.q.qtype == DNS_T_MAILB) {
		r.rcode = DNS_R_NOTIMP;
		goto done;
	}
	z = zone_set_find(zs, qu.q.name);
	if (qu.q.qclass != DNS_C_IN || z == NULL || qu.q.qtype == DNS_T_AXFR ||
	    qu.q.qtype == DNS_T_IXFR) {
		r.rcode = DNS_R_REFUSED;
		goto done;
	}
	resolve(&r, z, qu.q.name, qu.q.qtype, qend);
done:
	finish(&r, &qu, cfg, limit);
	return r.w.err ? 0 : r.w.len;
}

bool
answer_is_xfr(const uint8_t *q, size_t qlen)
{
	struct query qu;

	if (query_parse(q, qlen, &qu) < 0 || qu.formerr || DNS_OPCODE(qu.h.flags) != DNS_OP_QUERY)
		return false;
	return qu.q.qtype == DNS_T_AXFR || qu.q.qtype == DNS_T_IXFR;
}

/* One transfer message: header, the question in the first only (RFC 5936 2.2). */
static void
xfr_begin(struct resp *r, const struct query *qu, uint8_t *out, size_t cap, bool first)
{
	memset(r, 0, sizeof(*r));
	wbuf_init(&r->w, out, cap);
	wbuf_reserve(&r->w, DNS_HDR_LEN);
	r->flags = (uint16_t)(DNS_F_QR | DNS_F_AA | (qu->h.flags & 0x7800));
	if (first)
		dns_question_put(&r->w, &qu->q, &r->ct);
}

static int
xfr_flush(struct resp *r, const struct query *qu, bool first, answer_emit_cb emit, void *arg)
{
	struct dns_header h = {.id = qu->h.id,
	    .flags = (uint16_t)(r->flags | r->rcode),
	    .qdcount = first ? 1 : 0,
	    .ancount = r->count[SEC_AN]};
	size_t len = r->w.len;

	r->w.len = 0;
	dns_header_put(&r->w, &h);
	r->w.len = len;
	return emit(arg, r->w.p, len);
}

/* Append one record, flushing to a new message when it does not fit. */
static int
xfr_put(struct resp *r, const struct query *qu, int *msgs, const uint8_t *owner, uint16_t type,
    uint32_t ttl, const struct zone_rdata *rd, answer_emit_cb emit, void *arg)
{
	struct mark m = mark_get(r);

	put_rr(r, owner, type, DNS_C_IN, ttl, rd->data, rd->len);
	if (!r->w.err) {
		r->count[SEC_AN]++;
		return 0;
	}
	mark_restore(r, m);
	if (r->count[SEC_AN] == 0 || xfr_flush(r, qu, *msgs == 0, emit, arg) < 0)
		return -1;
	(*msgs)++;
	xfr_begin(r, qu, r->w.p, r->w.cap, false);
	put_rr(r, owner, type, DNS_C_IN, ttl, rd->data, rd->len);
	if (r->w.err)
		return -1;
	r->count[SEC_AN]++;
	return 0;
}

int
answer_axfr(const struct zone_set *zs, const uint8_t *q, size_t qlen, uint8_t *out, size_t cap,
    answer_emit_cb emit, void *arg)
{
	struct query qu;
	struct resp r;
	const struct zone *z;
	int msgs = 0;

	if (query_parse(q, qlen, &qu) < 0 || qu.formerr || cap < 512)
		return -1;
	cap = MIN(cap, 65535);
	xfr_begin(&r, &qu, out, cap, true);
	z = zone_set_find(zs, qu.q.name);
	if (z == NULL || !dns_name_eq(z->origin, qu.q.name) || qu.q.qclass != DNS_C_IN) {
		r.flags &= (uint16_t)~DNS_F_AA;
		r.rcode = DNS_R_NOTAUTH;
		return xfr_flush(&r, &qu, true, emit, arg) < 0 ? -1 : 1;
	}
	if (xfr_put(&r, &qu, &msgs, z->origin, DNS_T_SOA, z->soa->ttl, &z->soa->rr[0], emit, arg))
		return -1;
	for (size_t i = 0; i < z->nnodes; i++) {
		const struct zone_node *n = z->nodes[i];

		for (uint16_t s = 0; s < n->nsets; s++) {
			const struct zone_rrset *set = &n->sets[s];

			if (set->type == DNS_T_SOA)
				continue;
			for (uint16_t k = 0; k < set->count; k++)
				if (xfr_put(&r, &qu, &msgs, n->name, set->type, set->ttl,
				        &set->rr[k], emit, arg))
					return -1;
		}
	}
	if (xfr_put(&r, &qu, &msgs, z->origin, DNS_T_SOA, z->soa->ttl, &z->soa->rr[0], emit, arg) ||
	    xfr_flush(&r, &qu, msgs == 0, emit, arg) < 0)
		return -1;
	return msgs + 1;
}
