/* test_bgp_session: bgp/session.c — the RFC 4271 §8 state machine, timers, collision,
 * back-off and the routes diff, driven through the public API (bgp/bgp.h) against a
 * scripted fake peer on the other end of a socketpair (or a loopback TCP connection).
 * The fake peer builds and checks messages with bgp/msg.h and a small UPDATE walker. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <signal.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bgp/bgp.h"
#include "bgp/msg.h"
#include "lib/addr.h"
#include "lib/buf.h"
#include "lib/log.h"
#include "lib/loop.h"
#include "lib/mono.h"
#include "lib/util.h"

#define OUR_AS  64501
#define PEER_AS 64500
#define OUR_ID  0xc0000202u /* 192.0.2.2 */
#define PEER_ID 0xc0000201u /* 192.0.2.1 */

/* ---- fixture: a speaker with one peer ---- */

struct fx {
	struct loop *l;
	struct bgp *b;
	struct bgp_peer *p;
	int lfd; /* the fake peer's TCP listener (active mode), -1 if none */
	uint16_t lport;
};

/* fp: the fake peer's end of one connection, with a reassembly buffer. */
struct fp {
	int fd;
	size_t len;
	uint8_t buf[1 << 17];
};

static uint16_t
free_port(void)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	socklen_t sl = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	uint16_t port;

	assert_true(fd >= 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

/* tcp_listener: a listening socket on 127.0.0.1, its port in *port. */
static int
tcp_listener(uint16_t *port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	socklen_t sl = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	assert_true(fd >= 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

static struct bgp_peer_conf
base_conf(void)
{
	struct bgp_peer_conf c;

	memset(&c, 0, sizeof(c));
	snprintf(c.name, sizeof(c.name), "fake");
	addr_parse("127.0.0.1", &c.remote);
	c.port = free_port();
	c.local_as = OUR_AS;
	c.remote_as = PEER_AS;
	c.router_id = OUR_ID;
	c.passive = true;
	c.hold_time = SEC(90);
	c.connect_retry = SEC(60);
	c.ebgp_multihop = 1;
	c.family[BGP_FAM_IPV4] = c.family[BGP_FAM_IPV6] = true;
	/* A socketpair has no address to take the next hops from. */
	addr_parse("192.0.2.2", &c.next_hop[BGP_FAM_IPV4]);
	addr_parse("2001:db8:1::2", &c.next_hop[BGP_FAM_IPV6]);
	return c;
}

static void
fx_start(struct fx *f, const struct bgp_peer_conf *c)
{
	memset(f, 0, sizeof(*f));
	f->lfd = -1;
	f->l = loop_new();
	assert_non_null(f->l);
	f->b = bgp_new(f->l, NULL, NULL);
	f->p = bgp_peer_add(f->b, c);
	assert_non_null(f->p);
}

static void
fx_stop(struct fx *f)
{
	bgp_free(f->b, NULL);
	loop_free(f->l);
	if (f->lfd != -1)
		close(f->lfd);
}

static enum bgp_state
peer_state(struct fx *f)
{
	struct bgp_peer_stats st;

	bgp_peer_get_stats(f->p, &st);
	return st.state;
}

/* run: turn the loop for about d. */
static void
run(struct fx *f, usec_t d)
{
	usec_t end = mono_now() + d;

	while (mono_now() < end)
		loop_run_once(f->l, MIN(end - mono_now(), MSEC(10)));
}

static struct route_set {
	const char *pfx;
	uint32_t med;
} default_routes[] = {
    {"203.0.113.1/32", 10},
    {"203.0.113.2/32", 10},
    {"2001:db8:53::1/128", 20},
};

static void
set_routes(struct fx *f, const struct route_set *rs, size_t n)
{
	struct bgp_route r[8];
	const char *why;
	size_t i;

	memset(r, 0, sizeof(r));
	for (i = 0; i < n; i++) {
		assert_int_equal(prefix_parse(rs[i].pfx, &r[i].prefix, &why), 0);
		r[i].attrs.has_med = true;
		r[i].attrs.med = rs[i].med;
		r[i].attrs.ncomm = 1;
		r[i].attrs.comm[0] = 0xfbf50064; /* 64501:100 */
	}
	bgp_peer_set_routes(f->p, r, n);
}

/* ---- the fake peer ---- */

static struct fp *
fp_new(int fd)
{
	struct fp *p = xcalloc(1, sizeof(*p));

	p->fd = fd;
	assert_int_equal(fd_nonblock_cloexec(fd), 0);
	return p;
}

static void
fp_free(struct fp *p)
{
	if (p == NULL)
		return;
	if (p->fd != -1)
		close(p->fd);
	free(p);
}

/* fp_accept: hand the speaker one end of a socketpair as an inbound connection. */
static struct fp *
fp_accept(struct fx *f)
{
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(bgp_peer_accept(f->p, sv[0]), 0);
	return fp_new(sv[1]);
}

/* fp_tcp_accept: wait (bounded) for the speaker's outbound connection to f->lfd. */
static struct fp *
fp_tcp_accept(struct fx *f)
{
	usec_t end = mono_now() + SEC(2);
	int fd;

	while ((fd = accept(f->lfd, NULL, NULL)) == -1) {
		assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
		assert_true(mono_now() < end);
		loop_run_once(f->l, MSEC(5));
	}
	return fp_new(fd);
}

static void
fp_send(struct fx *f, struct fp *p, const void *msg, size_t len)
{
	const uint8_t *m = msg;
	usec_t end = mono_now() + SEC(2);

	while (len > 0) {
		ssize_t n = write(p->fd, m, len);

		if (n > 0) {
			m += n;
			len -= (size_t)n;
			continue;
		}
		assert_true(n == -1 && (errno == EAGAIN || errno == EINTR));
		assert_true(mono_now() < end);
		loop_run_once(f->l, MSEC(1));
	}
}

static size_t
mk_open(uint8_t *mem, size_t cap, uint32_t asn, uint16_t hold, uint32_t id, unsigned fams)
{
	struct bgp_open_params op = {.asn = asn, .hold = hold, .id = id, .families = fams};
	struct wbuf w;

	wbuf_init(&w, mem, cap);
	assert_int_equal(bgp_open_encode(&w, &op), 0);
	return w.len;
}

static void
fp_send_open(struct fx *f, struct fp *p, uint16_t hold, uint32_t id, unsigned fams)
{
	uint8_t mem[BGP_MAX_LEN];
	size_t n = mk_open(mem, sizeof(mem), PEER_AS, hold, id, fams);

	fp_send(f, p, mem, n);
}

static void
fp_send_keepalive(struct fx *f, struct fp *p)
{
	uint8_t mem[BGP_HDR_LEN];
	struct wbuf w;

	wbuf_init(&w, mem, sizeof(mem));
	bgp_keepalive_encode(&w);
	fp_send(f, p, mem, w.len);
}

/* fp_next: the next whole message from the speaker into msg (BGP_MAX_LEN); its length,
 * 0 at end of stream, or -1 when nothing came within timeout. */
static int
fp_next(struct fx *f, struct fp *p, usec_t timeout, uint8_t *msg)
{
	usec_t end = mono_now() + timeout;

	for (;;) {
		if (p->len >= BGP_HDR_LEN) {
			size_t mlen = (size_t)p->buf[16] << 8 | p->buf[17];

			assert_true(mlen >= BGP_HDR_LEN && mlen <= BGP_MAX_LEN);
			if (p->len >= mlen) {
				memcpy(msg, p->buf, mlen);
				memmove(p->buf, p->buf + mlen, p->len - mlen);
				p->len -= mlen;
				return (int)mlen;
			}
		}
		ssize_t n = read(p->fd, p->buf + p->len, sizeof(p->buf) - p->len);

		if (n > 0) {
			p->len += (size_t)n;
			continue;
		}
		if (n == 0 || (n == -1 && errno == ECONNRESET))
			return 0;
		if (mono_now() >= end)
			return -1;
		loop_run_once(f->l, MSEC(2));
	}
}

/* fp_expect: the next message must be of type; returns its length. */
static int
fp_expect(struct fx *f, struct fp *p, uint8_t type, uint8_t *msg)
{
	int n = fp_next(f, p, SEC(2), msg);

	assert_true(n >= BGP_HDR_LEN);
	assert_int_equal(msg[18], type);
	return n;
}

/* fp_expect_notify: a NOTIFICATION code/subcode (skipping KEEPALIVEs), then the end of
 * the stream; returns the data length, data copied to msg. */
static size_t
fp_expect_notify(struct fx *f, struct fp *p, uint8_t code, uint8_t sub, uint8_t *data)
{
	uint8_t msg[BGP_MAX_LEN];
	int n;

	while ((n = fp_next(f, p, SEC(2), msg)) >= BGP_HDR_LEN &&
	       (msg[18] == BGP_MSG_KEEPALIVE || msg[18] == BGP_MSG_UPDATE))
		;
	assert_true(n >= BGP_HDR_LEN + 2);
	assert_int_equal(msg[18], BGP_MSG_NOTIFICATION);
	assert_int_equal(msg[19], code);
	assert_int_equal(msg[20], sub);
	if (data != NULL)
		memcpy(data, msg + 21, (size_t)n - 21);
	assert_int_equal(fp_next(f, p, SEC(2), msg), 0); /* then closed */
	return (size_t)n - 21;
}

/* fp_establish: the OPEN exchange up to Established with hold time hold. */
static void
fp_establish(struct fx *f, struct fp *p, uint16_t hold, unsigned fams)
{
	uint8_t msg[BGP_MAX_LEN];
	struct bgp_open o;
	struct bgp_notify err;
	int n = fp_expect(f, p, BGP_MSG_OPEN, msg);

	assert_int_equal(bgp_open_decode(msg + BGP_HDR_LEN, (size_t)n - BGP_HDR_LEN, &o, &err), 0);
	assert_int_equal(o.asn, OUR_AS);
	assert_int_equal(o.id, OUR_ID);
	assert_false(o.gr);               /* never graceful restart, */
	assert_false(o.ext_message);      /* extended messages */
	assert_int_equal(o.n_addpath, 0); /* nor ADD-PATH */
	assert_true(o.route_refresh);
	fp_send_open(f, p, hold, PEER_ID, fams);
	fp_expect(f, p, BGP_MSG_KEEPALIVE, msg);
	assert_int_equal(peer_state(f), BGP_ST_OPENCONFIRM);
	fp_send_keepalive(f, p);
	for (n = 0; n < 100 && peer_state(f) != BGP_ST_ESTABLISHED; n++)
		loop_run_once(f->l, MSEC(5));
	assert_int_equal(peer_state(f), BGP_ST_ESTABLISHED);
}

/* ---- reading our UPDATEs ---- */

struct upd {
	char ann[512], wd[512]; /* prefixes, space separated */
	bool attr[256];         /* attribute types present */
	size_t aspath_len;
	uint32_t med, local_pref;
	size_t nattrs;
	bool eor4, eor6;
};

static void
add_pfx(char *s, size_t cap, int af, struct buf *b)
{
	struct prefix p;
	char t[ADDR_STRLEN + 8];
	uint8_t len;

	memset(&p, 0, sizeof(p));
	p.addr.af = (sa_family_t)af;
	assert_int_equal(buf_get_u8(b, &len), 0);
	p.len = len;
	assert_int_equal(buf_get_bytes(b, p.addr.u.b, (len + 7u) / 8), 0);
	snprintf(s + strlen(s), cap - strlen(s), "%s%s", s[0] ? " " : "", prefix_ntop(&p, t));
}

/* upd_parse: walk one of our UPDATEs (the test's own reader, independent of the codec). */
static void
upd_parse(const uint8_t *msg, size_t len, struct upd *u)
{
	struct buf b, wd, attrs;
	uint16_t wl, al;

	memset(u, 0, sizeof(*u));
	assert_int_equal(msg[18], BGP_MSG_UPDATE);
	buf_init(&b, msg + BGP_HDR_LEN, len - BGP_HDR_LEN);
	assert_int_equal(buf_get_u16(&b, &wl), 0);
	assert_int_equal(buf_sub(&b, wl, &wd), 0);
	while (buf_left(&wd) > 0)
		add_pfx(u->wd, sizeof(u->wd), AF_INET, &wd);
	assert_int_equal(buf_get_u16(&b, &al), 0);
	assert_int_equal(buf_sub(&b, al, &attrs), 0);
	if (wl == 0 && al == 0 && buf_left(&b) == 0)
		u->eor4 = true;
	while (buf_left(&attrs) > 0) {
		uint8_t fl, type, l8;
		uint16_t alen, afi;
		uint8_t safi, nhl;
		struct buf v;

		assert_int_equal(buf_get_u8(&attrs, &fl), 0);
		assert_int_equal(buf_get_u8(&attrs, &type), 0);
		if (fl & 0x10) {
			assert_int_equal(buf_get_u16(&attrs, &alen), 0);
		} else {
			assert_int_equal(buf_get_u8(&attrs, &l8), 0);
			alen = l8;
		}
		assert_int_equal(buf_sub(&attrs, alen, &v), 0);
		/* RFC 7606 §5.1: MP_REACH/MP_UNREACH come first. */
		if (type == 14 || type == 15)
			assert_int_equal(u->nattrs, 0);
		u->attr[type] = true;
		u->nattrs++;
		switch (type) {
		case 2: u->aspath_len = alen; break;
		case 4: buf_get_u32(&v, &u->med); break;
		case 5: buf_get_u32(&v, &u->local_pref); break;
		case 14:
			assert_int_equal(buf_get_u16(&v, &afi), 0);
			assert_int_equal(afi, BGP_AFI_IPV6);
			assert_int_equal(buf_get_u8(&v, &safi), 0);
			assert_int_equal(buf_get_u8(&v, &nhl), 0);
			assert_true(nhl == 16 || nhl == 32);
			assert_int_equal(buf_skip(&v, nhl + 1u), 0);
			while (buf_left(&v) > 0)
				add_pfx(u->ann, sizeof(u->ann), AF_INET6, &v);
			break;
		case 15:
			assert_int_equal(buf_get_u16(&v, &afi), 0);
			assert_int_equal(afi, BGP_AFI_IPV6);
			assert_int_equal(buf_get_u8(&v, &safi), 0);
			if (buf_left(&v) == 0 && al == alen + 3)
				u->eor6 = true;
			while (buf_left(&v) > 0)
				add_pfx(u->wd, sizeof(u->wd), AF_INET6, &v);
			break;
		default: break;
		}
	}
	while (buf_left(&b) > 0)
		add_pfx(u->ann, sizeof(u->ann), AF_INET, &b);
	/* Withdrawals carry no path attributes (other than MP_UNREACH). */
	if (u->wd[0] != '\0')
		assert_true(u->nattrs == 0 || (u->nattrs == 1 && u->attr[15]));
}

/* fp_updates: read UPDATEs until nothing comes for 150 ms (or both EoRs with eor);
 * concatenates the announced and withdrawn prefixes; returns how many UPDATEs. */
static int
fp_updates(struct fx *f, struct fp *p, bool eor, struct upd *all)
{
	uint8_t msg[BGP_MAX_LEN];
	struct upd u;
	int n, count = 0;

	memset(all, 0, sizeof(*all));
	while ((n = fp_next(f, p, MSEC(150), msg)) > 0) {
		if (msg[18] == BGP_MSG_KEEPALIVE)
			continue;
		upd_parse(msg, (size_t)n, &u);
		count++;
		if (u.ann[0])
			snprintf(all->ann + strlen(all->ann), sizeof(all->ann) - strlen(all->ann),
			    "%s%s", all->ann[0] ? " " : "", u.ann);
		if (u.wd[0])
			snprintf(all->wd + strlen(all->wd), sizeof(all->wd) - strlen(all->wd),
			    "%s%s", all->wd[0] ? " " : "", u.wd);
		all->eor4 |= u.eor4;
		all->eor6 |= u.eor6;
		if (u.ann[0]) {
			memcpy(all->attr, u.attr, sizeof(u.attr));
			all->aspath_len = u.aspath_len;
			all->local_pref = u.local_pref;
			all->med = u.med;
		}
		if (eor && all->eor4 && all->eor6)
			break;
	}
	return count;
}

/* ---- tests ---- */

static void
test_established_sends_routes_then_end_of_rib(void **state)
{
	struct bgp_peer_conf c = base_conf();
	struct bgp_peer_stats st;
	struct fx f;
	struct fp *p;
	struct upd u;

	(void)state;
	fx_start(&f, &c);
	set_routes(&f, default_routes, 3);
	p = fp_accept(&f);
	fp_establish(&f, p, 90, BGP_AFM_IPV4 | BGP_AFM_IPV6);
	/* Two UPDATEs (one per family: the two IPv4 routes share attributes) + 2 EoR. */
	assert_int_equal(fp_updates(&f, p, true, &u), 4);
	assert_string_equal(u.ann, "203.0.113.1/32 203.0.113.2/32 2001:db8:53::1/128");
	assert_string_equal(u.wd, "");
	assert_true(u.eor4 && u.eor6);
	assert_false(u.attr[5]); /* never LOCAL_PREF towards eBGP */
	bgp_peer_get_stats(f.p, &st);
	assert_int_equal(st.prefixes_announced, 3);
	assert_int_equal(st.established_count, 1);
	assert_int_equal(st.hold_time, SEC(90));
	assert_true(st.family[BGP_FAM_IPV4] && st.family[BGP_FAM_IPV6]);
	fp_free(p);
	fx_stop(&f);
}

static void
test_ipv4_update_attributes(void **state)
{
	struct bgp_peer_conf c = base_conf();
	uint8_t msg[BGP_MAX_LEN];
	struct fx f;
	struct fp *p;
	struct upd u;

	(void)state;
	fx_start(&f, &c);
	set_routes(&f, default_routes, 2);
	p = fp_accept(&f);
	fp_establish(&f, p, 90, BGP_AFM_IPV4);
	upd_parse(msg, (size_t)fp_expect(&f, p, BGP_MSG_UPDATE, msg), &u);
	assert_string_equal(u.ann, "203.0.113.1/32 203.0.113.2/32");
	assert_true(u.attr[1] && u.attr[2] && u.attr[3] && u.attr[4] && u.attr[8]);
	assert_false(u.attr[5] || u.attr[14]);
	assert_int_equal(u.med, 10);
	assert_int_equal(u.aspath_len, 2 + 4); /* one AS_SEQUENCE of our 4-octet AS */
	upd_parse(msg, (size_t)fp_expect(&f, p, BGP_MSG_UPDATE, msg), &u);
	assert_true(u.eor4);
	/* IPv6 was not negotiated: no IPv6 route and no IPv6 End-of-RIB. */
	assert_int_equal(fp_next(&f, p, MSEC(150), msg), -1);
	fp_free(p);
	fx_stop(&f);
}

static void
test_ibgp_sends_local_pref_and_empty_as_path(void **state)
{
	struct bgp_peer_conf c = base_conf();
	uint8_t msg[BGP_MAX_LEN];
	struct fx f;
	struct fp *p;
	struct upd u;
	size_t n;

	(void)state;
	c.remote_as = OUR_AS;
	fx_start(&f, &c);
	set_routes(&f, default_routes, 1);
	p = fp_accept(&f);
	fp_expect(&f, p, BGP_MSG_OPEN, msg);
	n = mk_open(msg, sizeof(msg), OUR_AS, 90, PEER_ID, BGP_AFM_IPV4);
	fp_send(&f, p, msg, n);
	fp_expect(&f, p, BGP_MSG_KEEPALIVE, msg);
	fp_send_keepalive(&f, p);
	upd_parse(msg, (size_t)fp_expect(&f, p, BGP_MSG_UPDATE, msg), &u);
	assert_string_equal(u.ann, "203.0.113.1/32");
	assert_true(u.attr[5]);
	assert_int_equal(u.local_pref, 100);
	assert_int_equal(u.aspath_len, 0);
	fp_free(p);
	fx_stop(&f);
}

static void
test_set_routes_sends_only_the_difference(void **state)
{
	struct bgp_peer_conf c = base_conf();
	struct route_set changed[] = {
	    {"203.0.113.1/32", 10},
	    {"203.0.113.2/32", 99},
	    {"2001:db8:53::1/128", 20},
	};
	uint8_t msg[BGP_MAX_LEN];
	struct fx f;
	struct fp *p;
	struct upd u;

	(void)state;
	fx_start(&f, &c);
	set_routes(&f, default_routes, 3);
	p = fp_accept(&f);
	fp_establish(&f, p, 90, BGP_AFM_IPV4 | BGP_AFM_IPV6);
	assert_int_equal(fp_updates(&f, p, true, &u), 4);
	/* The same set again: nothing at all on the wire. */
	set_routes(&f, default_routes, 3);
	assert_int_equal(fp_next(&f, p, MSEC(200), msg), -1);
	/* One route's MED changed: only that route is re-announced. */
	set_routes(&f, changed, 3);
	assert_int_equal(fp_updates(&f, p, false, &u), 1);
	assert_string_equal(u.ann, "203.0.113.2/32");
	assert_int_equal(u.med, 99);
	assert_string_equal(u.wd, "");
	/* Routes removed: bare withdrawals, one per family. */
	set_routes(&f, changed, 1);
	assert_int_equal(fp_updates(&f, p, false, &u), 2);
	assert_string_equal(u.ann, "");
	assert_string_equal(u.wd, "203.0.113.2/32 2001:db8:53::1/128");
	/* Everything withdrawn. */
	bgp_peer_set_routes(f.p, NULL, 0);
	assert_int_equal(fp_updates(&f, p, false, &u), 1);
	assert_string_equal(u.wd, "203.0.113.1/32");
	fp_free(p);
	fx_stop(&f);
}

static void
test_route_refresh_resends_that_family(void **state)
{
	struct bgp_peer_conf c = base_conf();
	uint8_t mem[64];
	struct wbuf w;
	struct fx f;
	struct fp *p;
	struct upd u;

	(void)state;
	fx_start(&f, &c);
	set_routes(&f, default_routes, 3);
	p = fp_accept(&f);
	fp_establish(&f, p, 90, BGP_AFM_IPV4 | BGP_AFM_IPV6);
	fp_updates(&f, p, true, &u);
	wbuf_init(&w, mem, sizeof(mem));
	bgp_rr_encode(&w, BGP_AFI_IPV6, BGP_SAFI_UNICAST, BGP_RR_NORMAL);
	fp_send(&f, p, mem, w.len);
	assert_int_equal(fp_updates(&f, p, false, &u), 1);
	assert_string_equal(u.ann, "2001:db8:53::1/128");
	wbuf_init(&w, mem, sizeof(mem));
	bgp_rr_encode(&w, BGP_AFI_IPV4, BGP_SAFI_UNICAST, BGP_RR_NORMAL);
	fp_send(&f, p, mem, w.len);
	assert_int_equal(fp_updates(&f, p, false, &u), 1);
	assert_string_equal(u.ann, "203.0.113.1/32 203.0.113.2/32");
	assert_int_equal(peer_state(&f), BGP_ST_ESTABLISHED);
	fp_free(p);
	fx_stop(&f);
}

static void
test_hold_expiry_sends_4_0_after_keepalives_at_a_third(void **state)
{
	struct bgp_peer_conf c = base_conf();
	uint8_t msg[BGP_MAX_LEN];
	struct bgp_peer_stats st;
	usec_t t0, last, ka[8];
	int n, nka = 0, i;
	struct fx f;
	struct fp *p;

	(void)state;
	c.hold_time = SEC(3);
	fx_start(&f, &c);
	p = fp_accept(&f);
	fp_establish(&f, p, 90, BGP_AFM_IPV4); /* we propose 3: min(3, 90) */
	t0 = last = mono_now();
	fp_expect(&f, p, BGP_MSG_UPDATE, msg); /* End-of-RIB */
	/* The peer stays silent; we keep sending KEEPALIVEs every 0.75-1 s, then 4/0. */
	while ((n = fp_next(&f, p, SEC(4), msg)) > 0 && msg[18] == BGP_MSG_KEEPALIVE) {
		assert_true(nka < 8);
		ka[nka++] = mono_now();
	}
	assert_true(n >= BGP_HDR_LEN + 2);
	assert_int_equal(msg[18], BGP_MSG_NOTIFICATION);
	assert_int_equal(msg[19], BGP_ERR_HOLD);
	assert_int_equal(msg[20], 0);
	assert_true(mono_now() - t0 >= MSEC(2900) && mono_now() - t0 <= MSEC(3600));
	assert_true(nka >= 2 && nka <= 4);
	for (i = 0; i < nka; i++) {
		usec_t gap = ka[i] - last;

		assert_true(gap >= MSEC(700) && gap <= MSEC(1200)); /* slack for a busy host */
		last = ka[i];
	}
	assert_int_equal(fp_next(&f, p, SEC(1), msg), 0);
	bgp_peer_get_stats(f.p, &st);
	assert_int_equal(st.state, BGP_ST_ACTIVE);
	assert_non_null(strstr(st.last_error, "4/0"));
	fp_free(p);
	fx_stop(&f);
}

static void
test_peer_hold_zero_runs_no_timers(void **state)
{
	struct bgp_peer_conf c = base_conf();
	uint8_t msg[BGP_MAX_LEN];
	struct bgp_peer_stats st;
	struct fx f;
	struct fp *p;

	(void)state;
	fx_start(&f, &c);
	p = fp_accept(&f);
	fp_establish(&f, p, 0, BGP_AFM_IPV4);
	fp_expect(&f, p, BGP_MSG_UPDATE, msg); /* IPv4 End-of-RIB */
	bgp_peer_get_stats(f.p, &st);
	assert_int_equal(st.hold_time, 0);
	/* No hold, keepalive, send-hold nor left-over OpenSent timer: nothing can fire. */
	assert_int_equal(loop_timer_count(f.l), 0);
	assert_int_equal(fp_next(&f, p, MSEC(1200), msg), -1);
	assert_int_equal(peer_state(&f), BGP_ST_ESTABLISHED);
	fp_free(p);
	fx_stop(&f);
}

static void
test_unexpected_message_is_fsm_error_per_state(void **state)
{
	struct bgp_peer_conf c = base_conf();
	uint8_t msg[BGP_MAX_LEN],
	    upd[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	        0xff, 0xff, 0xff, 0, 23, 2, 0, 0, 0, 0};
	struct fx f;
	struct fp *p;

	(void)state;
	fx_start(&f, &c);
	/* OpenSent: a KEEPALIVE before any OPEN -> 5/1 (RFC 6608). */
	p = fp_accept(&f);
	fp_expect(&f, p, BGP_MSG_OPEN, msg);
	fp_send_keepalive(&f, p);
	fp_expect_notify(&f, p, BGP_ERR_FSM, 1, NULL);
	fp_free(p);
	/* OpenConfirm: an UPDATE -> 5/2. */
	p = fp_accept(&f);
	fp_expect(&f, p, BGP_MSG_OPEN, msg);
	fp_send_open(&f, p, 90, PEER_ID, BGP_AFM_IPV4);
	fp_expect(&f, p, BGP_MSG_KEEPALIVE, msg);
	fp_send(&f, p, upd, sizeof(upd));
	fp_expect_notify(&f, p, BGP_ERR_FSM, 2, NULL);
	fp_free(p);
	/* Established: a second OPEN -> 5/3. */
	p = fp_accept(&f);
	fp_establish(&f, p, 90, BGP_AFM_IPV4);
	fp_send_open(&f, p, 90, PEER_ID, BGP_AFM_IPV4);
	fp_expect_notify(&f, p, BGP_ERR_FSM, 3, NULL);
	fp_free(p);
	fx_stop(&f);
}

/* expect_open_error: the speaker answers the (patched) OPEN in msg with code/sub. */
static void
expect_open_error(struct fx *f, const uint8_t *open, size_t len, uint8_t code, uint8_t sub)
{
	uint8_t msg[BGP_MAX_LEN];
	struct fp *p = fp_accept(f);

	fp_expect(f, p, BGP_MSG_OPEN, msg);
	fp_send(f, p, open, len);
	fp_expect_notify(f, p, code, sub, msg);
	if (code == BGP_ERR_OPEN && sub == BGP_ERR_OPEN_VERSION)
		assert_int_equal(msg[0] << 8 | msg[1], 4); /* data: the version we speak */
	fp_free(p);
}

static void
test_malformed_open_gets_the_right_notification(void **state)
{
	struct bgp_peer_conf c = base_conf();
	uint8_t open[BGP_MAX_LEN];
	struct fx f;
	size_t n;

	(void)state;
	fx_start(&f, &c);
	n = mk_open(open, sizeof(open), PEER_AS, 90, PEER_ID, BGP_AFM_IPV4);
	open[19] = 3; /* version */
	expect_open_error(&f, open, n, BGP_ERR_OPEN, BGP_ERR_OPEN_VERSION);
	n = mk_open(open, sizeof(open), PEER_AS, 90, PEER_ID, BGP_AFM_IPV4);
	open[22] = 0, open[23] = 2; /* hold time 2 */
	expect_open_error(&f, open, n, BGP_ERR_OPEN, BGP_ERR_OPEN_HOLD_TIME);
	n = mk_open(open, sizeof(open), PEER_AS, 90, PEER_ID, BGP_AFM_IPV4);
	memset(open + 24, 0, 4); /* identifier 0.0.0.0 */
	expect_open_error(&f, open, n, BGP_ERR_OPEN, BGP_ERR_OPEN_BGP_ID);
	n = mk_open(open, sizeof(open), PEER_AS + 1, 90, PEER_ID, BGP_AFM_IPV4);
	expect_open_error(&f, open, n, BGP_ERR_OPEN, BGP_ERR_OPEN_PEER_AS);
	fx_stop(&f);
}

static void
test_malformed_header_gets_the_right_notification(void **state)
{
	struct bgp_peer_conf c = base_conf();
	uint8_t ka[BGP_HDR_LEN + 1], msg[BGP_MAX_LEN];
	struct fx f;
	struct fp *p;
	int i;

	(void)state;
	fx_start(&f, &c);
	for (i = 0; i < 4; i++) {
		uint8_t code = BGP_ERR_HEADER, sub;

		memset(ka, 0xff, 16);
		ka[16] = 0, ka[17] = BGP_HDR_LEN, ka[18] = BGP_MSG_KEEPALIVE;
		switch (i) {
		case 0:
			ka[3] = 0;
			sub = BGP_ERR_HDR_SYNC;
			break; /* marker */
		case 1:
			ka[16] = 0x10, ka[17] = 1;
			sub = BGP_ERR_HDR_LENGTH;
			break; /* 4097 */
		case 2:
			ka[18] = 9;
			sub = BGP_ERR_HDR_TYPE;
			break;
		default:
			ka[17] = BGP_HDR_LEN + 1;
			sub = BGP_ERR_HDR_LENGTH;
			break; /* KA 20 */
		}
		p = fp_accept(&f);
		fp_expect(&f, p, BGP_MSG_OPEN, msg);
		fp_send(&f, p, ka, sizeof(ka));
		fp_expect_notify(&f, p, code, sub, msg);
		if (i == 1)
			assert_int_equal(msg[0] << 8 | msg[1], 4097);
		if (i == 2)
			assert_int_equal(msg[0], 9);
		fp_free(p);
	}
	fx_stop(&f);
}

static void
test_malformed_update_gets_the_right_notification(void **state)
{
	struct bgp_peer_conf c = base_conf();
	static const uint8_t overrun[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 25, 2, 0, 4, 0, 0, 24, 10};
	static const uint8_t badlen[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 28, 2, 0, 5, 33, 10, 0, 0, 1, 0, 0};
	struct fx f;
	struct fp *p;

	(void)state;
	fx_start(&f, &c);
	/* Withdrawn Routes Length past the end: 3/1 (RFC 7606 §3 b keeps the reset). */
	p = fp_accept(&f);
	fp_establish(&f, p, 90, BGP_AFM_IPV4);
	fp_send(&f, p, overrun, sizeof(overrun));
	fp_expect_notify(&f, p, BGP_ERR_UPDATE, BGP_ERR_UPD_ATTR_LIST, NULL);
	fp_free(p);
	/* A withdrawn /33: 3/10 Invalid Network Field. */
	p = fp_accept(&f);
	fp_establish(&f, p, 90, BGP_AFM_IPV4);
	fp_send(&f, p, badlen, sizeof(badlen));
	fp_expect_notify(&f, p, BGP_ERR_UPDATE, BGP_ERR_UPD_NETWORK, NULL);
	fp_free(p);
	fx_stop(&f);
}

static void
test_received_notification_closes_and_is_recorded(void **state)
{
	struct bgp_peer_conf c = base_conf();
	uint8_t mem[64], msg[BGP_MAX_LEN];
	struct bgp_peer_stats st;
	struct bgp_notify n;
	struct wbuf w;
	struct fx f;
	struct fp *p;

	(void)state;
	fx_start(&f, &c);
	p = fp_accept(&f);
	fp_establish(&f, p, 90, BGP_AFM_IPV4);
	bgp_notify_shutdown(&n, BGP_CEASE_ADMIN_SHUTDOWN, "maintenance");
	wbuf_init(&w, mem, sizeof(mem));
	assert_int_equal(bgp_notify_encode(&w, &n), 0);
	fp_send(&f, p, mem, w.len);
	while (fp_next(&f, p, SEC(2), msg) > 0)
		assert_int_not_equal(msg[18], BGP_MSG_NOTIFICATION); /* no answer to one */
	bgp_peer_get_stats(f.p, &st);
	assert_int_equal(st.state, BGP_ST_ACTIVE);
	assert_non_null(strstr(st.last_error, "received 6/2"));
	assert_non_null(strstr(st.last_error, "maintenance"));
	fp_free(p);
	fx_stop(&f);
}

static void
test_admin_shutdown_sends_cease_with_communication(void **state)
{
	struct bgp_peer_conf c = base_conf();
	uint8_t data[BGP_MAX_LEN];
	struct fx f;
	struct fp *p;
	size_t n;

	(void)state;
	fx_start(&f, &c);
	p = fp_accept(&f);
	fp_establish(&f, p, 90, BGP_AFM_IPV4);
	bgp_peer_shutdown(f.p, "drain");
	n = fp_expect_notify(&f, p, BGP_ERR_CEASE, BGP_CEASE_ADMIN_SHUTDOWN, data);
	assert_int_equal(n, 6);
	assert_int_equal(data[0], 5);
	assert_memory_equal(data + 1, "drain", 5);
	assert_int_equal(peer_state(&f), BGP_ST_IDLE);
	/* Administratively down: a new connection is refused. */
	{
		int sv[2];

		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
		assert_int_equal(bgp_peer_accept(f.p, sv[0]), -1);
		close(sv[1]);
	}
	fp_free(p);
	fx_stop(&f);
}

/* collision: the speaker's own connection (TCP to our listener) reaches OpenConfirm, then
 * the peer's connection (socketpair) sends its OPEN with identifier peer_id. */
static void
collision(uint32_t peer_id, bool out_wins)
{
	struct bgp_peer_conf c = base_conf();
	uint8_t msg[BGP_MAX_LEN];
	struct fp *out, *in, *win, *lose;
	struct fx f;

	c.passive = false;
	memset(&f, 0, sizeof(f));
	fx_start(&f, &c);
	f.lfd = tcp_listener(&f.lport);
	/* Re-add the peer pointing at our listener. */
	bgp_peer_remove(f.p);
	c.port = f.lport;
	f.p = bgp_peer_add(f.b, &c);
	assert_non_null(f.p);
	out = fp_tcp_accept(&f);
	fp_expect(&f, out, BGP_MSG_OPEN, msg);
	fp_send_open(&f, out, 90, peer_id, BGP_AFM_IPV4);
	fp_expect(&f, out, BGP_MSG_KEEPALIVE, msg);
	assert_int_equal(peer_state(&f), BGP_ST_OPENCONFIRM);
	in = fp_accept(&f);
	fp_expect(&f, in, BGP_MSG_OPEN, msg);
	fp_send_open(&f, in, 90, peer_id, BGP_AFM_IPV4);
	win = out_wins ? out : in;
	lose = out_wins ? in : out;
	fp_expect_notify(&f, lose, BGP_ERR_CEASE, BGP_CEASE_COLLISION, NULL);
	if (!out_wins)
		fp_expect(&f, in, BGP_MSG_KEEPALIVE, msg);
	fp_send_keepalive(&f, win);
	run(&f, MSEC(50));
	assert_int_equal(peer_state(&f), BGP_ST_ESTABLISHED);
	fp_expect(&f, win, BGP_MSG_UPDATE, msg); /* End-of-RIB on the survivor */
	fp_free(out);
	fp_free(in);
	fx_stop(&f);
}

static void
test_collision_keeps_our_connection_when_our_id_is_higher(void **state)
{
	(void)state;
	collision(PEER_ID, true); /* 192.0.2.2 > 192.0.2.1 */
}

static void
test_collision_keeps_the_peers_connection_when_its_id_is_higher(void **state)
{
	(void)state;
	collision(0xc0000203u, false);
}

static void
test_new_connection_while_established_gets_cease_6_7(void **state)
{
	struct bgp_peer_conf c = base_conf();
	uint8_t msg[BGP_MAX_LEN];
	struct fx f;
	struct fp *p, *q;
	int sv[2];

	(void)state;
	fx_start(&f, &c);
	p = fp_accept(&f);
	fp_establish(&f, p, 90, BGP_AFM_IPV4);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(bgp_peer_accept(f.p, sv[0]), -1);
	q = fp_new(sv[1]);
	fp_expect_notify(&f, q, BGP_ERR_CEASE, BGP_CEASE_COLLISION, NULL);
	assert_int_equal(peer_state(&f), BGP_ST_ESTABLISHED);
	fp_expect(&f, p, BGP_MSG_UPDATE, msg); /* the old session goes on */
	fp_free(q);
	fp_free(p);
	fx_stop(&f);
}

static void
test_connect_back_off_grows_jittered_and_capped(void **state)
{
	struct bgp_peer_conf c = base_conf();
	struct bgp_peer_stats st;
	usec_t at[10], end;
	uint64_t last = 0;
	int n = 0, i, jittered = 0;
	struct fx f;

	(void)state;
	c.passive = false;
	c.port = free_port(); /* nobody listens: every connect is refused */
	c.connect_retry = MSEC(20);
	fx_start(&f, &c);
	end = mono_now() + SEC(4);
	while (n < 9 && mono_now() < end) {
		loop_run_once(f.l, MSEC(1));
		bgp_peer_get_stats(f.p, &st);
		if (st.connect_attempts != last) {
			assert_int_equal(st.connect_attempts, last + 1);
			last = st.connect_attempts;
			at[n++] = mono_now();
		}
	}
	assert_int_equal(n, 9);
	assert_true(peer_state(&f) == BGP_ST_ACTIVE || peer_state(&f) == BGP_ST_CONNECT);
	for (i = 1; i < n; i++) {
		/* 20, 40, ... ms, doubled each time up to 32 x connect_retry = 640 ms. */
		usec_t nominal = MIN(MSEC(20) << (i - 1), MSEC(640)), gap = at[i] - at[i - 1];

		assert_true(gap >= nominal * 3 / 4 - MSEC(2));
		assert_true(gap <= nominal + MSEC(40)); /* slack for a busy host */
		if (gap < nominal * 98 / 100)
			jittered++;
	}
	assert_true(jittered >= 2);
	fx_stop(&f);
}

static void
test_connect_that_hangs_times_out_and_retries(void **state)
{
	struct bgp_peer_conf c = base_conf();
	struct sockaddr_in sin = {.sin_family = AF_INET};
	struct bgp_peer_stats st;
	usec_t at[2] = {0, 0}, end;
	int fill[3], i, n = 0;
	struct fx f;

	(void)state;
	c.passive = false;
	c.connect_retry = MSEC(100); /* the connect timeout is then its 1 s minimum */
	memset(&f, 0, sizeof(f));
	fx_start(&f, &c);
	bgp_peer_remove(f.p);
	/* A listener whose accept queue is full drops further SYNs: connect() hangs. */
	f.lfd = tcp_listener(&f.lport);
	assert_int_equal(listen(f.lfd, 0), 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(f.lport);
	for (i = 0; i < 3; i++) {
		fill[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		connect(fill[i], (struct sockaddr *)&sin, sizeof(sin));
	}
	run(&f, MSEC(50));
	c.port = f.lport;
	f.p = bgp_peer_add(f.b, &c);
	assert_non_null(f.p);
	end = mono_now() + SEC(3);
	while (n < 2 && mono_now() < end) {
		loop_run_once(f.l, MSEC(1));
		bgp_peer_get_stats(f.p, &st);
		if (st.connect_attempts > (uint64_t)n)
			at[n++] = mono_now();
	}
	assert_int_equal(n, 2);
	/* 1 s connect timeout, then the 75-100 ms back-off. */
	assert_true(at[1] - at[0] >= MSEC(1050) && at[1] - at[0] <= MSEC(1500));
	assert_non_null(strstr(st.last_error, "connect timed out"));
	for (i = 0; i < 3; i++)
		close(fill[i]);
	fx_stop(&f);
}

static void
test_passive_listener_accepts_only_the_peer(void **state)
{
	struct bgp_peer_conf c = base_conf();
	struct sockaddr_in sin = {.sin_family = AF_INET};
	uint8_t msg[BGP_MAX_LEN];
	struct fx f;
	struct fp *p;
	int i;

	(void)state;
	fx_start(&f, &c);
	for (i = 0; i < 2; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in src = {.sin_family = AF_INET};

		assert_true(fd >= 0);
		/* First from 127.0.0.2 (not the peer), then from 127.0.0.1. */
		src.sin_addr.s_addr = htonl(i == 0 ? 0x7f000002 : 0x7f000001);
		assert_int_equal(bind(fd, (struct sockaddr *)&src, sizeof(src)), 0);
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sin.sin_port = htons(c.port);
		assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
		p = fp_new(fd);
		if (i == 0) {
			assert_int_equal(fp_next(&f, p, SEC(1), msg), 0); /* refused: closed */
		} else {
			fp_establish(&f, p, 90, BGP_AFM_IPV4);
		}
		fp_free(p);
	}
	fx_stop(&f);
}

static long
rss_kib(void)
{
	FILE *fp = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;

	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(fp);
	return kib;
}

/* mk_flood_update: an UPDATE announcing n IPv4 /32s (from a counter) with ORIGIN, a
 * 4-octet AS_PATH and NEXT_HOP, as a router would send. */
static size_t
mk_flood_update(uint8_t *mem, size_t cap, uint32_t *ctr, unsigned n)
{
	static const uint8_t attrs[] = {
	    0x40, 1, 1, 0, 0x40, 2, 6, 2, 1, 0, 0, 0xfb, 0xf4, 0x40, 3, 4, 192, 0, 2, 1};
	struct wbuf w;
	unsigned i;

	wbuf_init(&w, mem, cap);
	wbuf_fill(&w, 0xff, 16);
	wbuf_u16(&w, 0);
	wbuf_u8(&w, BGP_MSG_UPDATE);
	wbuf_u16(&w, 0);
	wbuf_u16(&w, sizeof(attrs));
	wbuf_bytes(&w, attrs, sizeof(attrs));
	for (i = 0; i < n; i++, (*ctr)++) {
		wbuf_u8(&w, 32);
		wbuf_u32(&w, 0x0a000000u | (*ctr & 0xffffff));
	}
	wbuf_put_u16_at(&w, 16, (uint16_t)w.len);
	assert_false(w.err);
	return w.len;
}

static void
test_update_flood_keeps_keepalives_on_time_and_memory_flat(void **state)
{
	struct bgp_peer_conf c = base_conf();
	uint8_t msg[BGP_MAX_LEN], upd[BGP_MAX_LEN];
	struct bgp_peer_stats st;
	usec_t start, last, gap, maxgap = 0;
	uint32_t ctr = 0;
	size_t ulen, uoff = 0;
	long rss0, rss1;
	int nka = 0, n;
	struct fx f;
	struct fp *p;

	(void)state;
	c.hold_time = SEC(3);
	fx_start(&f, &c);
	p = fp_accept(&f);
	fp_establish(&f, p, 3, BGP_AFM_IPV4);
	fp_expect(&f, p, BGP_MSG_UPDATE, msg); /* End-of-RIB */
	ulen = mk_flood_update(upd, sizeof(upd), &ctr, 800);
	run(&f, MSEC(10));
	rss0 = rss_kib();
	start = last = mono_now();
	/* 3.5 s of UPDATEs as fast as the socket takes them; the peer sends no KEEPALIVE,
	 * its UPDATEs keep our hold timer (3 s) running. */
	while (mono_now() - start < MSEC(3500)) {
		ssize_t w = write(p->fd, upd + uoff, ulen - uoff);

		if (w > 0) {
			uoff += (size_t)w;
			if (uoff == ulen) {
				ulen = mk_flood_update(upd, sizeof(upd), &ctr, 800);
				uoff = 0;
			}
			continue;
		}
		assert_true(errno == EAGAIN);
		loop_run_once(f.l, 0);
		while ((n = fp_next(&f, p, 0, msg)) > 0) {
			assert_int_equal(msg[18], BGP_MSG_KEEPALIVE);
			gap = mono_now() - last;
			maxgap = MAX(maxgap, gap);
			last = mono_now();
			nka++;
		}
		assert_int_equal(n, -1);
	}
	/* Finish the last UPDATE and let the speaker drain the socket. */
	fp_send(&f, p, upd + uoff, ulen - uoff);
	run(&f, MSEC(300));
	rss1 = rss_kib();
	bgp_peer_get_stats(f.p, &st);
	print_message("flood: %u prefixes in 3.5 s, %d keepalives, max gap %lld ms, "
	              "rss %ld -> %ld KiB\n",
	    ctr, nka, (long long)(maxgap / 1000), rss0, rss1);
	assert_int_equal(st.state, BGP_ST_ESTABLISHED);
	assert_int_equal(st.rx_prefixes[BGP_FAM_IPV4], ctr);
	assert_true(ctr >= 100000);
	assert_true(nka >= 3);
	assert_true(maxgap <= MSEC(1250)); /* at most 1 s, plus slack for a busy host */
	assert_true(rss1 - rss0 < 1024);
	fp_free(p);
	fx_stop(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_established_sends_routes_then_end_of_rib),
	    cmocka_unit_test(test_ipv4_update_attributes),
	    cmocka_unit_test(test_ibgp_sends_local_pref_and_empty_as_path),
	    cmocka_unit_test(test_set_routes_sends_only_the_difference),
	    cmocka_unit_test(test_route_refresh_resends_that_family),
	    cmocka_unit_test(test_hold_expiry_sends_4_0_after_keepalives_at_a_third),
	    cmocka_unit_test(test_peer_hold_zero_runs_no_timers),
	    cmocka_unit_test(test_unexpected_message_is_fsm_error_per_state),
	    cmocka_unit_test(test_malformed_open_gets_the_right_notification),
	    cmocka_unit_test(test_malformed_header_gets_the_right_notification),
	    cmocka_unit_test(test_malformed_update_gets_the_right_notification),
	    cmocka_unit_test(test_received_notification_closes_and_is_recorded),
	    cmocka_unit_test(test_admin_shutdown_sends_cease_with_communication),
	    cmocka_unit_test(test_collision_keeps_our_connection_when_our_id_is_higher),
	    cmocka_unit_test(test_collision_keeps_the_peers_connection_when_its_id_is_higher),
	    cmocka_unit_test(test_new_connection_while_established_gets_cease_6_7),
	    cmocka_unit_test(test_connect_back_off_grows_jittered_and_capped),
	    cmocka_unit_test(test_connect_that_hangs_times_out_and_retries),
	    cmocka_unit_test(test_passive_listener_accepts_only_the_peer),
	    cmocka_unit_test(test_update_flood_keeps_keepalives_on_time_and_memory_flat),
	};

	signal(SIGPIPE, SIG_IGN); /* the fake peer writes to sockets the speaker closed */
	log_init("test_bgp_session", LOG_LVL_ERR, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
