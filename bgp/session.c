/* bgp/session: peers, their connections and the RFC 4271 §8 state machine.
 *
 * A peer has at most two connections at once, the one we opened and one the peer opened
 * (RFC 4271 §6.8 collision detection picks one). Each connection runs the FSM from the
 * moment TCP is up: OpenSent -> OpenConfirm -> Established. The peer's reported state is
 * the most advanced of its connections, Connect while our TCP connect is in progress,
 * Active while it waits to retry, Idle when administratively down.
 *
 * The routes a peer should hold (its Adj-RIB-Out) are kept as a sorted array; the copy
 * of what the peer was last told is diffed against it so that an unchanged set sends no
 * UPDATE at all. Received routes are validated and counted, never stored. */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bgp/bgp.h"
#include "bgp/msg.h"
#include "bgp/net.h"
#include "lib/log.h"
#include "lib/util.h"

#include "bgp/session_int.h"

enum conn_ev {
	EV_TCP_UP,
	EV_OPEN,
	EV_KEEPALIVE,
	EV_UPDATE,
	EV_ROUTE_REFRESH,
	EV_HOLD_EXPIRED,
	EV_KEEPALIVE_TIMER,
	EV_SEND_HOLD_EXPIRED,
};

static void conn_close(struct bgp_conn *c, const struct bgp_notify *n, const char *why);
static void conn_fsm(struct bgp_conn *c, enum conn_ev ev, const struct bgp_msg *m);
static void conn_io(int fd, uint32_t events, void *arg);
static void peer_update_state(struct bgp_peer *p, const char *why);
static void peer_connect(void *arg);

static const char *const state_names[] = {
    "Idle",
    "Connect",
    "Active",
    "OpenSent",
    "OpenConfirm",
    "Established",
};

const char *
bgp_state_name(enum bgp_state s)
{
	return (unsigned)s < nitems(state_names) ? state_names[s] : "?";
}

static unsigned
families_mask(const bool fam[BGP_FAM_COUNT])
{
	return (fam[BGP_FAM_IPV4] ? BGP_AFM_IPV4 : 0) | (fam[BGP_FAM_IPV6] ? BGP_AFM_IPV6 : 0);
}

/* conn_alive: c is still one of p's connections (a callback or a failed write may have
 * closed and freed it; only the pointer is compared). */
static bool
conn_alive(const struct bgp_peer *p, const struct bgp_conn *c)
{
	return p->conn[CONN_OUT] == c || p->conn[CONN_IN] == c;
}

bool
bgp_peer_ibgp(const struct bgp_peer *p)
{
	return p->conf.local_as == p->conf.remote_as;
}

/* ---- output ---- */

static void
obuf_append(struct obuf *o, const uint8_t *p, size_t len)
{
	if (o->off > 0 && o->off == o->len)
		o->off = o->len = 0;
	if (o->len + len > o->cap) {
		if (o->off > 0) {
			memmove(o->p, o->p + o->off, o->len - o->off);
			o->len -= o->off;
			o->off = 0;
		}
		if (o->len + len > o->cap) {
			o->cap = MAX(o->cap * 2, o->len + len);
			o->cap = MAX(o->cap, (size_t)BGP_MAX_LEN * 4);
			o->p = xreallocarray(o->p, o->cap, 1);
		}
	}
	memcpy(o->p + o->len, p, len);
	o->len += len;
}

static size_t
obuf_pending(const struct obuf *o)
{
	return o->len - o->off;
}

static void
conn_want_write(struct bgp_conn *c, bool on)
{
	loop_fd_mod(c->peer->b->l, c->fd, EPOLLIN | (on ? EPOLLOUT : 0));
}

/* bgp_conn_flush: write what the socket takes now; a stalled queue arms the send hold timer
 * (RFC 9687) so a peer that stops reading cannot hold us forever. 0 or -1 (closed). */
int
bgp_conn_flush(struct bgp_conn *c)
{
	struct bgp *b = c->peer->b;
	bool progress = false;

	while (obuf_pending(&c->out) > 0) {
		ssize_t n = send(c->fd, c->out.p + c->out.off, obuf_pending(&c->out), MSG_NOSIGNAL);

		if (n > 0) {
			c->out.off += (size_t)n;
			progress = true;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		conn_close(c, NULL, n == 0 ? "write returned 0" : strerror(errno));
		return -1;
	}
	if (obuf_pending(&c->out) == 0) {
		c->out.off = c->out.len = 0;
		conn_want_write(c, false);
		loop_timer_cancel(b->l, &c->send_hold);
		return 0;
	}
	conn_want_write(c, true);
	if (progress || !loop_timer_pending(&c->send_hold)) {
		usec_t t = c->hold_time ? 2 * c->hold_time : SEC(240);

		loop_timer_set(b->l, &c->send_hold, MAX(t, SEC(20)));
	}
	return 0;
}

/* bgp_conn_queue: queue one encoded message and count it. */
void
bgp_conn_queue(struct bgp_conn *c, const uint8_t *msg, size_t len)
{
	obuf_append(&c->out, msg, len);
	if (len >= BGP_HDR_LEN && msg[18] >= 1 && msg[18] <= 5)
		c->peer->st.msgs_out[msg[18]]++;
}

static int
conn_send_wbuf(struct bgp_conn *c, const struct wbuf *w)
{
	if (w->err)
		return -1;
	bgp_conn_queue(c, w->p, w->len);
	return bgp_conn_flush(c);
}

static int
send_keepalive(struct bgp_conn *c)
{
	uint8_t mem[BGP_HDR_LEN];
	struct wbuf w;

	wbuf_init(&w, mem, sizeof(mem));
	bgp_keepalive_encode(&w);
	return conn_send_wbuf(c, &w);
}

static int
send_open(struct bgp_conn *c)
{
	const struct bgp_peer_conf *pc = &c->peer->conf;
	struct bgp_open_params op = {
	    .asn = pc->local_as,
	    .hold = (uint16_t)(pc->hold_time / USEC_PER_SEC),
	    .id = pc->router_id,
	    .families = families_mask(pc->family),
	};
	uint8_t mem[BGP_MAX_LEN];
	struct wbuf w;

	wbuf_init(&w, mem, sizeof(mem));
	if (bgp_open_encode(&w, &op) == -1)
		return -1;
	return conn_send_wbuf(c, &w);
}

/* ---- connection lifecycle ---- */

static void
hold_expired(void *arg)
{
	conn_fsm(arg, EV_HOLD_EXPIRED, NULL);
}

static void
keepalive_due(void *arg)
{
	conn_fsm(arg, EV_KEEPALIVE_TIMER, NULL);
}

static void
send_hold_expired(void *arg)
{
	conn_fsm(arg, EV_SEND_HOLD_EXPIRED, NULL);
}

static struct bgp_conn *
conn_new(struct bgp_peer *p, int dir, int fd, enum bgp_state st)
{
	struct bgp_conn *c = xcalloc(1, sizeof(*c));

	c->peer = p;
	c->dir = dir;
	c->fd = fd;
	c->state = st;
	loop_timer_init(&c->hold, hold_expired, c);
	loop_timer_init(&c->keepalive, keepalive_due, c);
	loop_timer_init(&c->send_hold, send_hold_expired, c);
	if (loop_fd_add(p->b->l, fd, st == BGP_ST_CONNECT ? EPOLLOUT : EPOLLIN, conn_io, c) == -1) {
		log_peer_warnx(p, "cannot watch socket: %s", strerror(errno));
		close(fd);
		free(c);
		return NULL;
	}
	p->conn[dir] = c;
	return c;
}

static void
conn_free(struct bgp_conn *c)
{
	struct loop *l = c->peer->b->l;

	loop_timer_cancel(l, &c->hold);
	loop_timer_cancel(l, &c->keepalive);
	loop_timer_cancel(l, &c->send_hold);
	loop_fd_del(l, c->fd);
	close(c->fd);
	c->peer->conn[c->dir] = NULL;
	free(c->out.p);
	free(c);
}

/* backoff_cap: exponential back-off doubles up to 32 x connect_retry, at most
 * BACKOFF_MAX (2 min) unless connect_retry itself is longer. */
static usec_t
backoff_cap(const struct bgp_peer_conf *c)
{
	return MAX(c->connect_retry, MIN(BACKOFF_MAX, c->connect_retry * BACKOFF_STEPS));
}

static void
peer_schedule_retry(struct bgp_peer *p)
{
	struct loop *l = p->b->l;
	usec_t d;

	if (p->admin_down || p->conf.passive || p->conn[CONN_OUT] != NULL)
		return;
	/* RFC 4271 §10: jitter the ConnectRetry timer by 0.75-1.0. */
	d = p->backoff - (usec_t)rand_range(0, (uint64_t)(p->backoff / 4));
	loop_timer_set(l, &p->retry, d);
	p->st.next_connect = loop_now(l) + d;
	p->backoff = MIN(p->backoff * 2, backoff_cap(&p->conf));
	log_peer_debug(p, "next connect in %lld ms", (long long)(d / USEC_PER_MSEC));
}

/* conn_close: send n (if any), close the connection, and let the peer retry. */
static void
conn_close(struct bgp_conn *c, const struct bgp_notify *n, const char *why)
{
	struct bgp_peer *p = c->peer;
	bool was_est = c->state == BGP_ST_ESTABLISHED;
	char s[512];

	if (n != NULL && c->state >= BGP_ST_OPENSENT) {
		uint8_t mem[BGP_MAX_LEN];
		struct wbuf w;

		wbuf_init(&w, mem, sizeof(mem));
		if (bgp_notify_encode(&w, n) == 0) {
			bgp_conn_queue(c, w.p, w.len);
			/* Best effort: the socket is non-blocking and about to close. */
			if (send(c->fd, c->out.p + c->out.off, obuf_pending(&c->out),
			        MSG_NOSIGNAL) < 0)
				log_peer_debug(p, "notification not sent: %s", strerror(errno));
		}
		bgp_notify_str(n, s, sizeof(s));
		snprintf(p->st.last_error, sizeof(p->st.last_error), "sent %.150s", s);
		log_peer_warnx(p, "sent notification %s", s);
	} else if (why != NULL && c->state != BGP_ST_IDLE) {
		snprintf(p->st.last_error, sizeof(p->st.last_error), "%s", why);
	}
	if (was_est) {
		if (p->b->l != NULL && loop_now(p->b->l) - p->est_since >= STABLE_SESSION)
			p->backoff = p->conf.connect_retry;
		free(p->sent);
		p->sent = NULL;
		p->nsent = 0;
		p->st.prefixes_announced = 0;
	}
	conn_free(c);
	peer_update_state(p, why ? why : "connection closed");
	if (p->conn[CONN_OUT] == NULL && p->conn[CONN_IN] == NULL)
		peer_schedule_retry(p);
}

static void
conn_change_state(struct bgp_conn *c, enum bgp_state new, const char *why)
{
	struct bgp_peer *p = c->peer;

	if (c->state == new)
		return;
	c->state = new;
	if (new == BGP_ST_ESTABLISHED) {
		/* RFC 4271 §8.2.2: no ConnectRetry while a session is up. A session the peer
		 * opened inbound would otherwise leave ours armed, and it would fire a
		 * needless connection that collides with the established one, forever. */
		loop_timer_cancel(p->b->l, &p->retry);
		p->st.next_connect = 0;
		p->est_since = loop_now(p->b->l);
		p->st.established_count++;
		p->st.last_error[0] = '\0';
		bgp_adjout_next_hops(p, c);
	}
	peer_update_state(p, why);
	/* The state callback may have shut the peer down. */
	if (new == BGP_ST_ESTABLISHED && conn_alive(p, c)) {
		free(p->sent);
		p->sent = NULL;
		p->nsent = 0;
		if (bgp_adjout_sync(p, c, BGP_AFM_IPV4 | BGP_AFM_IPV6) == 0)
			bgp_adjout_eor(c);
	}
}

static void
arm_hold(struct bgp_conn *c)
{
	if (c->hold_time > 0)
		loop_timer_set(c->peer->b->l, &c->hold, c->hold_time);
}

static void
arm_keepalive(struct bgp_conn *c)
{
	usec_t ka;

	if (c->hold_time == 0)
		return;
	/* Keepalive at a third of the hold time, jittered 0.75-1.0, never below 1 s. */
	ka = c->hold_time / 3;
	ka -= (usec_t)rand_range(0, (uint64_t)(ka / 4));
	loop_timer_set(c->peer->b->l, &c->keepalive, MAX(ka, SEC(1)));
}

/* collision: RFC 4271 §6.8 on an OPEN received on c. Returns true when c lost and was
 * closed (the caller stops); may close the other connection instead. */
static bool
collision(struct bgp_conn *c)
{
	struct bgp_peer *p = c->peer;
	struct bgp_conn *o = p->conn[!c->dir];
	struct bgp_notify n;
	int keep;

	if (o == NULL || o->state < BGP_ST_OPENSENT)
		return false;
	if (o->state == BGP_ST_OPENSENT && !o->have_open)
		return false;
	bgp_notify_set(&n, BGP_ERR_CEASE, BGP_CEASE_COLLISION, NULL, 0);
	if (o->state == BGP_ST_ESTABLISHED) {
		conn_close(c, &n, "connection collision with an established session");
		return true;
	}
	/* Keep the connection opened by the side with the higher identifier; equal
	 * identifiers: the higher AS (RFC 6286 §2.3). */
	if (p->conf.router_id != c->open.id)
		keep = p->conf.router_id > c->open.id ? CONN_OUT : CONN_IN;
	else
		keep = p->conf.local_as > c->open.asn ? CONN_OUT : CONN_IN;
	if (keep == c->dir) {
		conn_close(o, &n, "connection collision resolution");
		return false;
	}
	conn_close(c, &n, "connection collision resolution");
	return true;
}

static void
fsm_error(struct bgp_conn *c)
{
	struct bgp_notify n;
	uint8_t sub = c->state == BGP_ST_OPENSENT      ? 1
	              : c->state == BGP_ST_OPENCONFIRM ? 2
	                                               : 3; /* RFC 6608 */

	bgp_notify_set(&n, BGP_ERR_FSM, sub, NULL, 0);
	conn_close(c, &n, "unexpected message");
}

static void
got_open(struct bgp_conn *c, const struct bgp_open *o)
{
	c->open = *o;
	c->have_open = true;
	if (collision(c))
		return;
	c->hold_time = MIN(c->peer->conf.hold_time, (usec_t)o->hold * USEC_PER_SEC);
	if (send_keepalive(c) == -1)
		return;
	/* RFC 4271 §4.4: a negotiated hold time of 0 runs no hold timer at all, so the
	 * OpenSent one goes too. */
	loop_timer_cancel(c->peer->b->l, &c->hold);
	arm_hold(c);
	arm_keepalive(c);
	conn_change_state(c, BGP_ST_OPENCONFIRM, "open received");
}

static void
got_update(struct bgp_conn *c, const struct bgp_update_info *u)
{
	struct bgp_peer *p = c->peer;
	int af;

	for (af = 0; af < BGP_AF_COUNT; af++) {
		p->st.rx_prefixes[af] += u->announced[af];
		p->st.rx_withdrawn[af] += u->withdrawn[af];
	}
	if (u->action == BGP_UPD_WITHDRAW) {
		p->st.updates_treated_as_withdraw++;
		log_peer_debug(p, "update treated as withdraw: %s", u->reason);
	}
	arm_hold(c);
}

static void
got_route_refresh(struct bgp_conn *c, const struct bgp_route_refresh *rr)
{
	int af = bgp_af_from_afi(rr->afi, rr->safi);

	/* RFC 2918 §4: ignore a refresh for a family we did not negotiate; RFC 7313
	 * BoRR/EoRR markers and reserved subtypes carry no request. */
	if (af < 0 || !(c->caps.families & BGP_AFM(af)) || rr->subtype != BGP_RR_NORMAL)
		return;
	log_peer_info(c->peer, "route refresh for %s", bgp_af_name((enum bgp_af)af));
	bgp_adjout_sync(c->peer, c, BGP_AFM(af));
}

/* conn_fsm: the per-connection state machine (RFC 4271 §8.2.2, from TCP up). */
static void
conn_fsm(struct bgp_conn *c, enum conn_ev ev, const struct bgp_msg *m)
{
	struct bgp_notify n;

	switch (ev) {
	case EV_HOLD_EXPIRED:
		if (c->state == BGP_ST_CONNECT) {
			/* RFC 4271 §8.2.2: ConnectRetryTimer_Expires in Connect drops the
			 * attempt; the kernel alone would keep retrying SYNs for minutes. */
			conn_close(c, NULL, "connect timed out");
			return;
		}
		bgp_notify_set(&n, BGP_ERR_HOLD, 0, NULL, 0);
		conn_close(c, &n, "hold timer expired");
		return;
	case EV_SEND_HOLD_EXPIRED:
		bgp_notify_set(&n, BGP_ERR_SEND_HOLD, 0, NULL, 0);
		conn_close(c, &n, "send hold timer expired");
		return;
	default: break;
	}
	switch (c->state) {
	case BGP_ST_CONNECT:
		if (ev != EV_TCP_UP)
			break;
		if (send_open(c) == -1) {
			if (conn_alive(c->peer, c))
				conn_close(c, NULL, "cannot send OPEN");
			break;
		}
		loop_timer_set(c->peer->b->l, &c->hold, OPENSENT_HOLD);
		conn_change_state(c, BGP_ST_OPENSENT, "connected");
		break;
	case BGP_ST_OPENSENT:
		switch (ev) {
		case EV_OPEN: got_open(c, &m->u.open); break;
		default: fsm_error(c); break;
		}
		break;
	case BGP_ST_OPENCONFIRM:
		switch (ev) {
		case EV_KEEPALIVE:
			arm_hold(c);
			conn_change_state(c, BGP_ST_ESTABLISHED, "keepalive received");
			break;
		case EV_KEEPALIVE_TIMER:
			if (send_keepalive(c) == 0)
				arm_keepalive(c);
			break;
		default: fsm_error(c); break;
		}
		break;
	case BGP_ST_ESTABLISHED:
		switch (ev) {
		case EV_KEEPALIVE: arm_hold(c); break;
		case EV_UPDATE: got_update(c, &m->u.update); break;
		case EV_ROUTE_REFRESH:
			arm_hold(c);
			got_route_refresh(c, &m->u.rr);
			break;
		case EV_KEEPALIVE_TIMER:
			if (send_keepalive(c) == 0)
				arm_keepalive(c);
			break;
		default: fsm_error(c); break;
		}
		break;
	default: break;
	}
}

/* ---- input ---- */

static void
got_notification(struct bgp_conn *c, const struct bgp_notify *n)
{
	struct bgp_peer *p = c->peer;
	char s[512];

	char why[sizeof(p->st.last_error)];

	bgp_notify_str(n, s, sizeof(s));
	log_peer_warnx(p, "received notification %s", s);
	/* The reason becomes last_error and what the state callback is told. */
	snprintf(why, sizeof(why), "received %.140s", s);
	conn_close(c, NULL, why);
}

/* handle_open: check the OPEN against the peer's config, then run the FSM. */
static void
handle_open(struct bgp_conn *c, const struct bgp_msg *m)
{
	const struct bgp_peer_conf *pc = &c->peer->conf;
	struct bgp_notify err;

	if (c->state != BGP_ST_OPENSENT) {
		fsm_error(c);
		return;
	}
	if (bgp_open_negotiate(
	        &m->u.open, pc->remote_as, families_mask(pc->family), &c->caps, &err) == -1 ||
	    bgp_open_check_id(&m->u.open, pc->router_id, pc->local_as == pc->remote_as, &err) ==
	        -1) {
		conn_close(c, &err, "open rejected");
		return;
	}
	conn_fsm(c, EV_OPEN, m);
}

/* msg_allowed: whether a message of this type is expected in state st (RFC 4271
 * §8.2.2); anything else is an FSM error (RFC 6608) before its body is even decoded,
 * since an UPDATE cannot be parsed before the capabilities are known. */
static bool
msg_allowed(enum bgp_state st, uint8_t type)
{
	switch (type) {
	case BGP_MSG_NOTIFICATION: return true;
	case BGP_MSG_OPEN: return st == BGP_ST_OPENSENT;
	case BGP_MSG_KEEPALIVE: return st == BGP_ST_OPENCONFIRM || st == BGP_ST_ESTABLISHED;
	default: return st == BGP_ST_ESTABLISHED;
	}
}

/* dispatch: one complete message (its header checked); returns -1 when the connection
 * was closed. No allocation: a full table arrives as millions of these. */
static int
dispatch(struct bgp_conn *c, const uint8_t *p, size_t len)
{
	struct bgp_peer *peer = c->peer;
	struct bgp_notify err;
	struct bgp_msg m;
	uint8_t type = p[18];

	if (type <= BGP_MSG_ROUTE_REFRESH)
		peer->st.msgs_in[type]++;
	if (!msg_allowed(c->state, type)) {
		fsm_error(c);
		return -1;
	}
	if (bgp_msg_decode(p, len, &c->caps, &m, &err) == -1) {
		conn_close(c, &err, "malformed message");
		return -1;
	}
	switch (m.hdr.type) {
	case BGP_MSG_OPEN: handle_open(c, &m); break;
	case BGP_MSG_UPDATE: conn_fsm(c, EV_UPDATE, &m); break;
	case BGP_MSG_NOTIFICATION: got_notification(c, &m.u.notify); break;
	case BGP_MSG_KEEPALIVE: conn_fsm(c, EV_KEEPALIVE, &m); break;
	case BGP_MSG_ROUTE_REFRESH: conn_fsm(c, EV_ROUTE_REFRESH, &m); break;
	}
	/* The connection may be gone: the caller must not touch c unless it is still ours. */
	return conn_alive(peer, c) ? 0 : -1;
}

/* conn_read: one read per readiness event (bounded work per loop turn), then every
 * complete message in the buffer. */
static void
conn_read(struct bgp_conn *c)
{
	struct bgp_notify err;
	struct bgp_hdr h;
	size_t off = 0;
	ssize_t n;

	n = read(c->fd, c->rbuf + c->rlen, sizeof(c->rbuf) - c->rlen);
	if (n == 0) {
		conn_close(c, NULL, "connection closed by peer");
		return;
	}
	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			conn_close(c, NULL, strerror(errno));
		return;
	}
	c->rlen += (size_t)n;
	while (c->rlen - off >= BGP_HDR_LEN) {
		if (bgp_hdr_parse(c->rbuf + off, c->rlen - off,
		        c->caps.max_len ? c->caps.max_len : BGP_MAX_LEN, &h, &err) == -1) {
			conn_close(c, &err, "bad message header");
			return;
		}
		if (c->rlen - off < h.len)
			break;
		if (dispatch(c, c->rbuf + off, h.len) == -1)
			return;
		off += h.len;
	}
	if (off > 0) {
		memmove(c->rbuf, c->rbuf + off, c->rlen - off);
		c->rlen -= off;
	}
}

static void
conn_io(int fd, uint32_t events, void *arg)
{
	struct bgp_conn *c = arg;
	struct bgp_peer *p = c->peer;

	(void)fd;
	if (c->state == BGP_ST_CONNECT) {
		if (bgp_net_connect_result(c->fd) == -1) {
			log_peer_debug(p, "connect: %s", strerror(errno));
			conn_close(c, NULL, strerror(errno));
			return;
		}
		conn_want_write(c, false);
		conn_fsm(c, EV_TCP_UP, NULL);
		return;
	}
	if (events & EPOLLOUT) {
		if (bgp_conn_flush(c) == -1)
			return;
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		conn_read(c);
}

/* ---- peers ---- */

static enum bgp_state
peer_compute_state(const struct bgp_peer *p)
{
	enum bgp_state s = BGP_ST_IDLE;
	int i;

	for (i = 0; i < 2; i++)
		if (p->conn[i] != NULL && p->conn[i]->state > s)
			s = p->conn[i]->state;
	if (s == BGP_ST_IDLE && !p->admin_down)
		s = BGP_ST_ACTIVE;
	return s;
}

static void
peer_update_state(struct bgp_peer *p, const char *why)
{
	enum bgp_state old = p->state, new = peer_compute_state(p);

	if (old == new)
		return;
	p->state = new;
	p->st.state_since = loop_now(p->b->l);
	if (new == BGP_ST_ESTABLISHED || old == BGP_ST_ESTABLISHED)
		log_peer_info(p, "%s -> %s (%s)", bgp_state_name(old), bgp_state_name(new), why);
	else
		log_peer_debug(p, "%s -> %s (%s)", bgp_state_name(old), bgp_state_name(new), why);
	if (p->b->cb.state_change != NULL)
		p->b->cb.state_change(p, old, new, why, p->b->arg);
}

static void
peer_connect(void *arg)
{
	struct bgp_peer *p = arg;
	struct bgp_conn *c;
	int fd;

	p->st.next_connect = 0;
	if (p->admin_down || p->conn[CONN_OUT] != NULL)
		return;
	p->st.connect_attempts++;
	fd = bgp_net_connect(&p->conf);
	if (fd == -1) {
		snprintf(
		    p->st.last_error, sizeof(p->st.last_error), "connect: %s", strerror(errno));
		peer_schedule_retry(p);
		return;
	}
	if ((c = conn_new(p, CONN_OUT, fd, BGP_ST_CONNECT)) == NULL) {
		peer_schedule_retry(p);
		return;
	}
	/* The hold timer doubles as the connect timeout until TCP is up. */
	loop_timer_set(
	    p->b->l, &c->hold, MIN(MAX(p->conf.connect_retry, CONNECT_MIN), CONNECT_MAX));
	peer_update_state(p, "connecting");
}

static void
listener_accept(int lfd, uint32_t events, void *arg)
{
	struct bgp *b = arg;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct endpoint e;
	struct bgp_peer *p;
	char s[ADDR_STRLEN];
	int fd, i;

	(void)events;
	for (i = 0; i < 16; i++) {
		sl = sizeof(ss);
		fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1)
			return;
		endpoint_from_sa((struct sockaddr *)&ss, &e);
		TAILQ_FOREACH(p, &b->peers, entry)
		{
			if (addr_eq(&p->conf.remote, &e.addr))
				break;
		}
		if (p == NULL) {
			log_info("bgp: connection from unknown %s refused", addr_ntop(&e.addr, s));
			close(fd);
			continue;
		}
		if (bgp_net_accepted(fd, &p->conf) == -1) {
			log_peer_warnx(p, "cannot set socket options: %s", strerror(errno));
			close(fd);
			continue;
		}
		bgp_peer_accept(p, fd);
	}
}

static int
listener_ensure(struct bgp *b, const struct bgp_peer_conf *c)
{
	int i = c->remote.af == AF_INET6;
	struct bgp_peer *p;

	if (b->lfd[i] != -1)
		return 0;
	b->lfd[i] = bgp_net_listen(c->remote.af, &c->local, c->port);
	if (b->lfd[i] == -1)
		return -1;
	b->lport[i] = c->port;
	/* Peers configured before the listener existed need their TCP-MD5 keys on it too:
	 * without a key the kernel would accept an unsigned SYN from their address. */
	TAILQ_FOREACH(p, &b->peers, entry)
	{
		if (p->conf.password_len == 0 || (p->conf.remote.af == AF_INET6) != i)
			continue;
		if (bgp_net_listen_key(
		        b->lfd[i], &p->conf.remote, p->conf.password, p->conf.password_len) == -1) {
			log_peer_warnx(
			    p, "cannot set TCP-MD5 key on the listener: %s", strerror(errno));
			goto fail;
		}
	}
	if (loop_fd_add(b->l, b->lfd[i], EPOLLIN, listener_accept, b) == -1)
		goto fail;
	return 0;
fail:
	close(b->lfd[i]);
	b->lfd[i] = -1;
	return -1;
}

int
bgp_peer_accept(struct bgp_peer *p, int fd)
{
	struct bgp_conn *c = p->conn[CONN_IN];
	struct bgp_notify n;

	if (fd_nonblock_cloexec(fd) == -1 || p->admin_down) {
		close(fd);
		return -1;
	}
	if (p->state == BGP_ST_ESTABLISHED) {
		/* RFC 4271 §6.8: a new connection colliding with an established one is closed. */
		uint8_t mem[BGP_HDR_LEN + 2];
		struct wbuf w;

		bgp_notify_set(&n, BGP_ERR_CEASE, BGP_CEASE_COLLISION, NULL, 0);
		wbuf_init(&w, mem, sizeof(mem));
		if (bgp_notify_encode(&w, &n) == 0 && send(fd, mem, w.len, MSG_NOSIGNAL) < 0)
			log_peer_debug(p, "cease not sent: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (c != NULL)
		conn_close(c, NULL, "replaced by a new inbound connection");
	c = conn_new(p, CONN_IN, fd, BGP_ST_CONNECT);
	if (c == NULL)
		return -1;
	conn_want_write(c, false);
	conn_fsm(c, EV_TCP_UP, NULL);
	return 0;
}

struct bgp *
bgp_new(struct loop *l, const struct bgp_callbacks *cb, void *arg)
{
	struct bgp *b = xcalloc(1, sizeof(*b));

	b->l = l;
	if (cb != NULL)
		b->cb = *cb;
	b->arg = arg;
	b->lfd[0] = b->lfd[1] = -1;
	TAILQ_INIT(&b->peers);
	return b;
}

struct bgp_peer *
bgp_peer_add(struct bgp *b, const struct bgp_peer_conf *conf)
{
	struct bgp_peer *p = xcalloc(1, sizeof(*p));

	p->b = b;
	p->conf = *conf;
	if (p->conf.port == 0)
		p->conf.port = 179;
	if (p->conf.connect_retry <= 0)
		p->conf.connect_retry = SEC(5);
	p->backoff = p->conf.connect_retry;
	p->admin_down = conf->shutdown;
	p->state = BGP_ST_IDLE;
	p->st.state_since = loop_now(b->l);
	loop_timer_init(&p->retry, peer_connect, p);
	if (p->conf.passive || b->lfd[p->conf.remote.af == AF_INET6] != -1) {
		if (listener_ensure(b, &p->conf) == -1 && p->conf.passive) {
			explicit_bzero(p->conf.password, sizeof(p->conf.password));
			free(p);
			return NULL;
		}
	}
	if (p->conf.password_len > 0 && b->lfd[p->conf.remote.af == AF_INET6] != -1 &&
	    bgp_net_listen_key(b->lfd[p->conf.remote.af == AF_INET6], &p->conf.remote,
	        p->conf.password, p->conf.password_len) == -1) {
		log_peer_warnx(p, "cannot set TCP-MD5 key on the listener: %s", strerror(errno));
		explicit_bzero(p->conf.password, sizeof(p->conf.password));
		free(p);
		return NULL;
	}
	TAILQ_INSERT_TAIL(&b->peers, p, entry);
	peer_update_state(p, p->admin_down ? "shutdown" : "start");
	if (!p->admin_down && !p->conf.passive)
		loop_timer_set(b->l, &p->retry, (usec_t)rand_range(0, (uint64_t)MSEC(50)));
	return p;
}

static void
peer_close_all(struct bgp_peer *p, uint8_t subcode, const char *msg)
{
	struct bgp_notify n;
	int i;

	bgp_notify_shutdown(&n, subcode, msg);
	if (subcode != BGP_CEASE_ADMIN_SHUTDOWN && subcode != BGP_CEASE_ADMIN_RESET)
		bgp_notify_set(&n, BGP_ERR_CEASE, subcode, NULL, 0);
	for (i = 0; i < 2; i++)
		if (p->conn[i] != NULL)
			conn_close(p->conn[i], &n, "administrative shutdown");
}

void
bgp_peer_shutdown(struct bgp_peer *p, const char *msg)
{
	p->admin_down = true;
	loop_timer_cancel(p->b->l, &p->retry);
	peer_close_all(p, BGP_CEASE_ADMIN_SHUTDOWN, msg);
	peer_update_state(p, "administrative shutdown");
}

static void
peer_free(struct bgp_peer *p)
{
	struct bgp *b = p->b;
	int li = p->conf.remote.af == AF_INET6;

	if (p->conf.password_len > 0 && b->lfd[li] != -1)
		bgp_net_listen_key(b->lfd[li], &p->conf.remote, NULL, 0);
	loop_timer_cancel(b->l, &p->retry);
	TAILQ_REMOVE(&b->peers, p, entry);
	explicit_bzero(p->conf.password, sizeof(p->conf.password));
	free(p->want);
	free(p->sent);
	free(p);
}

void
bgp_peer_remove(struct bgp_peer *p)
{
	if (p == NULL)
		return;
	p->admin_down = true;
	peer_close_all(p, BGP_CEASE_DECONFIGURED, NULL);
	peer_free(p);
}

void
bgp_free(struct bgp *b, const char *msg)
{
	struct bgp_peer *p;
	int i;

	if (b == NULL)
		return;
	while ((p = TAILQ_FIRST(&b->peers)) != NULL) {
		p->admin_down = true;
		peer_close_all(p, BGP_CEASE_ADMIN_SHUTDOWN, msg);
		peer_free(p);
	}
	for (i = 0; i < 2; i++) {
		if (b->lfd[i] != -1) {
			loop_fd_del(b->l, b->lfd[i]);
			close(b->lfd[i]);
		}
	}
	free(b);
}

size_t
bgp_pending_output(const struct bgp *b)
{
	const struct bgp_peer *p;
	size_t n = 0;
	int i;

	TAILQ_FOREACH(p, &b->peers, entry)
	for (i = 0; i < 2; i++)
		if (p->conn[i] != NULL)
			n += obuf_pending(&p->conn[i]->out);
	return n;
}

const struct bgp_peer_conf *
bgp_peer_get_conf(const struct bgp_peer *p)
{
	return &p->conf;
}

const char *
bgp_peer_name(const struct bgp_peer *p)
{
	return p->conf.name;
}

void
bgp_peer_get_stats(const struct bgp_peer *p, struct bgp_peer_stats *st)
{
	int i;

	*st = p->st;
	st->state = p->state;
	for (i = 0; i < 2; i++) {
		const struct bgp_conn *c = p->conn[i];

		if (c != NULL && c->state == BGP_ST_ESTABLISHED) {
			st->hold_time = c->hold_time;
			st->family[BGP_FAM_IPV4] = c->caps.families & BGP_AFM_IPV4;
			st->family[BGP_FAM_IPV6] = c->caps.families & BGP_AFM_IPV6;
		}
	}
}

struct bgp_peer *
bgp_peer_first(struct bgp *b)
{
	return TAILQ_FIRST(&b->peers);
}

struct bgp_peer *
bgp_peer_next(struct bgp_peer *p)
{
	return TAILQ_NEXT(p, entry);
}

bool
bgp_peer_conf_equal(const struct bgp_peer_conf *a, const struct bgp_peer_conf *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}
