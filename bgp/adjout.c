/* bgp/adjout: what each peer is told. The routes a peer should hold are kept sorted by
 * prefix with normalised attributes; the copy of what the established peer was last
 * told is diffed against them, so an unchanged set sends no UPDATE at all, and routes
 * with identical attributes are packed into as few UPDATEs as fit. */
#include <stdlib.h>
#include <string.h>

#include "bgp/net.h"
#include "bgp/session_int.h"
#include "lib/util.h"

static int
route_cmp(const void *a, const void *b)
{
	return prefix_cmp(
	    &((const struct bgp_route *)a)->prefix, &((const struct bgp_route *)b)->prefix);
}

static int
route_attr_cmp(const void *a, const void *b)
{
	const struct bgp_route *ra = *(const struct bgp_route *const *)a;
	const struct bgp_route *rb = *(const struct bgp_route *const *)b;
	int c = memcmp(&ra->attrs, &rb->attrs, sizeof(ra->attrs));

	return c ? c : prefix_cmp(&ra->prefix, &rb->prefix);
}

static enum bgp_family
route_family(const struct bgp_route *r)
{
	return r->prefix.addr.af == AF_INET ? BGP_FAM_IPV4 : BGP_FAM_IPV6;
}

/* route_sendable: the family was negotiated and we have a next hop for it. */
static bool
route_sendable(struct bgp_peer *p, const struct bgp_conn *c, const struct bgp_route *r)
{
	enum bgp_family f = route_family(r);
	const struct addr *nh = f == BGP_FAM_IPV4 ? &p->nh4 : &p->nh6;

	if (!(c->caps.families & BGP_AFM(f)))
		return false;
	if (nh->af == AF_UNSPEC) {
		if (!p->warned_nh[f])
			log_peer_warnx(p,
			    "no %s next hop for this session, not announcing %s routes",
			    f == BGP_FAM_IPV4 ? "IPv4" : "IPv6",
			    f == BGP_FAM_IPV4 ? "IPv4" : "IPv6");
		p->warned_nh[f] = true;
		return false;
	}
	return true;
}

static int
emit_cb(void *arg, const uint8_t *msg, size_t len)
{
	bgp_conn_queue(arg, msg, len);
	return 0;
}

static void
fill_attrs(const struct bgp_peer *p, const struct bgp_pathattrs *pa, struct bgp_attrs *a)
{
	memset(a, 0, sizeof(*a));
	a->asn = p->conf.local_as;
	a->prepend = pa->prepend;
	a->ibgp = bgp_peer_ibgp(p);
	a->nh4 = p->nh4;
	a->nh6 = p->nh6;
	a->nh6_ll = p->nh6_ll;
	a->has_med = pa->has_med;
	a->med = pa->med;
	a->local_pref = LOCAL_PREF_IBGP;
	a->communities = pa->comm;
	a->n_communities = pa->ncomm;
	a->large = (const struct bgp_large_community *)pa->lcomm;
	a->n_large = pa->nlcomm;
}

/* announce: send routes r[0..n) grouped by identical attributes, packed. */
static void
announce(struct bgp_conn *c, struct bgp_route *const *r, size_t n)
{
	struct bgp_peer *p = c->peer;
	struct prefix *pfx = xcalloc(n ? n : 1, sizeof(*pfx));
	struct bgp_attrs a;
	size_t i = 0, j, k;

	while (i < n) {
		for (j = i; j < n && memcmp(&r[j]->attrs, &r[i]->attrs, sizeof(r[i]->attrs)) == 0;
		     j++)
			pfx[j - i] = r[j]->prefix;
		fill_attrs(p, &r[i]->attrs, &a);
		if (bgp_update_pack(&c->caps, &a, pfx, j - i, emit_cb, c) == -1) {
			for (k = 0; k < j - i; k++) {
				char s[ADDR_STRLEN];

				log_peer_warnx(
				    p, "cannot encode UPDATE for %s", prefix_ntop(&pfx[k], s));
			}
		}
		i = j;
	}
	free(pfx);
}

static void
withdraw(struct bgp_conn *c, const struct prefix *pfx, size_t n)
{
	if (n > 0 && bgp_update_pack(&c->caps, NULL, pfx, n, emit_cb, c) == -1)
		log_peer_warnx(c->peer, "cannot encode withdrawal");
}

/* bgp_adjout_sync: make the established peer hold exactly p->want: withdraw what it has and
 * should not, announce what is new or changed; the families in full (BGP_AFM_*) are sent
 * whole (session start, ROUTE-REFRESH). 0, or -1 when writing closed the connection. */
int
bgp_adjout_sync(struct bgp_peer *p, struct bgp_conn *c, unsigned full)
{
	struct bgp_route **ann = xcalloc(p->nwant + 1, sizeof(*ann));
	struct prefix *wd = xcalloc(p->nsent + 1, sizeof(*wd));
	struct bgp_route *sent = xcalloc(p->nwant + 1, sizeof(*sent));
	size_t i = 0, j = 0, nann = 0, nwd = 0, nsent = 0;

	while (i < p->nwant || j < p->nsent) {
		int cmp = i == p->nwant   ? 1
		          : j == p->nsent ? -1
		                          : prefix_cmp(&p->want[i].prefix, &p->sent[j].prefix);

		if (cmp > 0) { /* sent, no longer wanted */
			wd[nwd++] = p->sent[j++].prefix;
			continue;
		}
		if (!route_sendable(p, c, &p->want[i])) {
			if (cmp == 0)
				wd[nwd++] = p->sent[j++].prefix;
			i++;
			continue;
		}
		if (cmp < 0 || (full & BGP_AFM(route_family(&p->want[i]))) ||
		    memcmp(&p->want[i].attrs, &p->sent[j].attrs, sizeof(p->want[i].attrs)) != 0)
			ann[nann++] = &p->want[i];
		if (cmp == 0)
			j++;
		sent[nsent++] = p->want[i++];
	}
	withdraw(c, wd, nwd);
	qsort(ann, nann, sizeof(*ann), route_attr_cmp);
	announce(c, ann, nann);
	free(p->sent);
	p->sent = sent;
	p->nsent = nsent;
	p->st.prefixes_announced = nsent;
	free(ann);
	free(wd);
	if (nann || nwd)
		log_peer_debug(p, "sent %zu announcements, %zu withdrawals", nann, nwd);
	return bgp_conn_flush(c);
}

void
bgp_adjout_eor(struct bgp_conn *c)
{
	uint8_t mem[64];
	struct wbuf w;
	int af;

	for (af = 0; af < BGP_AF_COUNT; af++) {
		if (!(c->caps.families & BGP_AFM(af)))
			continue;
		wbuf_init(&w, mem, sizeof(mem));
		if (bgp_eor_encode(&w, (enum bgp_af)af) == 0)
			bgp_conn_queue(c, w.p, w.len);
	}
	bgp_conn_flush(c);
}

/* bgp_adjout_next_hops: from the config, else the session's own addresses (RFC 2545: the
 * global address, plus the link-local one for a single-hop IPv6 peer). */
void
bgp_adjout_next_hops(struct bgp_peer *p, struct bgp_conn *c)
{
	struct addr local = {0};

	memset(&p->nh4, 0, sizeof(p->nh4));
	memset(&p->nh6, 0, sizeof(p->nh6));
	memset(&p->nh6_ll, 0, sizeof(p->nh6_ll));
	p->warned_nh[0] = p->warned_nh[1] = false;
	bgp_net_local(c->fd, &local);
	p->nh4 = p->conf.next_hop[BGP_FAM_IPV4];
	if (p->nh4.af == AF_UNSPEC && local.af == AF_INET)
		p->nh4 = local;
	else if (p->nh4.af == AF_UNSPEC && local.af == AF_INET6)
		bgp_net_ipv4_for(&local, &p->nh4); /* IPv4 routes over an IPv6 session */
	p->nh6 = p->conf.next_hop[BGP_FAM_IPV6];
	if (p->nh6.af == AF_UNSPEC) {
		/* Never :: nor the link-local alone: a global address on the same link. */
		if (local.af == AF_INET6 && !addr_is_linklocal(&local))
			p->nh6 = local;
		else if (local.af != AF_UNSPEC)
			bgp_net_global6_for(&local, &p->nh6);
	}
	if (local.af == AF_INET6 && p->conf.ebgp_multihop <= 1 && !bgp_peer_ibgp(p))
		bgp_net_linklocal_for(&local, &p->nh6_ll);
}

void
bgp_peer_set_routes(struct bgp_peer *p, const struct bgp_route *routes, size_t n)
{
	size_t i;

	free(p->want);
	p->want = xcalloc(n ? n : 1, sizeof(*p->want));
	if (n > 0)
		memcpy(p->want, routes, n * sizeof(*routes));
	for (i = 0; i < n; i++)
		bgp_pathattrs_normalize(&p->want[i].attrs);
	qsort(p->want, n, sizeof(*p->want), route_cmp);
	/* A prefix listed twice keeps its first attributes. */
	for (i = 1; i < n;) {
		if (prefix_eq(&p->want[i].prefix, &p->want[i - 1].prefix)) {
			memmove(&p->want[i], &p->want[i + 1], (n - i - 1) * sizeof(*p->want));
			n--;
		} else {
			i++;
		}
	}
	p->nwant = n;
	for (i = 0; i < 2; i++)
		if (p->conn[i] != NULL && p->conn[i]->state == BGP_ST_ESTABLISHED)
			bgp_adjout_sync(p, p->conn[i], 0);
}

static int
u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static int
lcomm_cmp(const void *a, const void *b)
{
	const struct bgp_lcomm *x = a, *y = b;

	if (x->global != y->global)
		return x->global < y->global ? -1 : 1;
	if (x->local1 != y->local1)
		return x->local1 < y->local1 ? -1 : 1;
	return (x->local2 > y->local2) - (x->local2 < y->local2);
}

void
bgp_pathattrs_normalize(struct bgp_pathattrs *a)
{
	size_t i, n;

	a->ncomm = MIN(a->ncomm, BGP_MAX_COMM);
	a->nlcomm = MIN(a->nlcomm, BGP_MAX_LCOMM);
	qsort(a->comm, a->ncomm, sizeof(a->comm[0]), u32_cmp);
	for (i = n = 0; i < a->ncomm; i++)
		if (n == 0 || a->comm[i] != a->comm[n - 1])
			a->comm[n++] = a->comm[i];
	a->ncomm = (uint8_t)n;
	memset(&a->comm[n], 0, (BGP_MAX_COMM - n) * sizeof(a->comm[0]));
	qsort(a->lcomm, a->nlcomm, sizeof(a->lcomm[0]), lcomm_cmp);
	for (i = n = 0; i < a->nlcomm; i++)
		if (n == 0 || lcomm_cmp(&a->lcomm[i], &a->lcomm[n - 1]) != 0)
			a->lcomm[n++] = a->lcomm[i];
	a->nlcomm = (uint8_t)n;
	memset(&a->lcomm[n], 0, (BGP_MAX_LCOMM - n) * sizeof(a->lcomm[0]));
	if (!a->has_med)
		a->med = 0;
}
