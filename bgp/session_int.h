/* bgp/session_int: the speaker's internal state, shared by session.c (peers,
 * connections, the FSM) and adjout.c (what each peer is told). Not a public API. */
#ifndef PHAROS_BGP_SESSION_INT_H
#define PHAROS_BGP_SESSION_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include "bgp/bgp.h"
#include "bgp/msg.h"
#include "lib/log.h"

#define CONN_OUT        0
#define CONN_IN         1
#define OPENSENT_HOLD   SEC(240) /* RFC 4271 §8.2.2 "large value" */
#define BACKOFF_MAX     SEC(120)
#define BACKOFF_STEPS   32      /* the back-off stops growing at 32 x connect_retry */
#define STABLE_SESSION  SEC(30) /* an Established session this old resets the back-off */
#define CONNECT_MIN     SEC(1)  /* a TCP connect gets at least this long, */
#define CONNECT_MAX     SEC(30) /* and at most this long (RFC 4271 ConnectRetryTimer) */
#define RBUF_SIZE       (16 * BGP_MAX_LEN)
#define LOCAL_PREF_IBGP 100

struct obuf {
	uint8_t *p;
	size_t off, len, cap;
};

struct bgp_conn {
	struct bgp_peer *peer;
	int dir; /* CONN_OUT or CONN_IN */
	int fd;
	enum bgp_state state; /* IDLE when closed; CONNECT while our connect() runs */
	struct loop_timer hold, keepalive, send_hold;
	usec_t hold_time; /* negotiated */
	struct bgp_open open;
	bool have_open;
	struct bgp_caps caps;
	struct obuf out;
	size_t rlen;
	uint8_t rbuf[RBUF_SIZE];
};

struct bgp_peer {
	TAILQ_ENTRY(bgp_peer) entry;
	struct bgp *b;
	struct bgp_peer_conf conf;
	struct bgp_conn *conn[2];
	enum bgp_state state;
	bool admin_down;
	struct loop_timer retry;
	usec_t backoff;
	usec_t est_since;
	/* Next hops for the established session, from config or the session's address. */
	struct addr nh4, nh6, nh6_ll;
	struct bgp_route *want; /* sorted by prefix */
	size_t nwant;
	struct bgp_route *sent; /* what the established peer was told, sorted */
	size_t nsent;
	bool warned_nh[BGP_FAM_COUNT];
	struct bgp_peer_stats st;
};

struct bgp {
	struct loop *l;
	struct bgp_callbacks cb;
	void *arg;
	TAILQ_HEAD(, bgp_peer) peers;
	int lfd[2]; /* listeners, IPv4 and IPv6, -1 when none */
	uint16_t lport[2];
};

#define log_peer_info(p, fmt, ...)  log_info("peer %s: " fmt, (p)->conf.name, ##__VA_ARGS__)
#define log_peer_warnx(p, fmt, ...) log_warnx("peer %s: " fmt, (p)->conf.name, ##__VA_ARGS__)
#define log_peer_debug(p, fmt, ...) log_debug("peer %s: " fmt, (p)->conf.name, ##__VA_ARGS__)

/* session.c: queue one encoded message on c (counted), write what the socket takes
 * (0, or -1 when that closed the connection), whether p is an internal peer. */
void bgp_conn_queue(struct bgp_conn *c, const uint8_t *msg, size_t len);
int bgp_conn_flush(struct bgp_conn *c);
bool bgp_peer_ibgp(const struct bgp_peer *p);

/* adjout.c: make the established connection c hold exactly p's wanted routes (families
 * in full, BGP_AFM_*, are sent whole); 0 or -1 as bgp_conn_flush. */
int bgp_adjout_sync(struct bgp_peer *p, struct bgp_conn *c, unsigned full);

/* bgp_adjout_eor: End-of-RIB for every negotiated family. */
void bgp_adjout_eor(struct bgp_conn *c);

/* bgp_adjout_next_hops: the next hops for c's session, from the config or its address. */
void bgp_adjout_next_hops(struct bgp_peer *p, struct bgp_conn *c);

#endif
