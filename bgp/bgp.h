/* bgp: the BGP-4 speaker. The agent configures peers, sets the routes each peer should
 * hold, and reads state and counters; bgp/ knows nothing of probes or services. */
#ifndef PHAROS_BGP_H
#define PHAROS_BGP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"
#include "lib/loop.h"
#include "lib/mono.h"

#define BGP_NAME_MAX   64
#define BGP_MAX_COMM   32
#define BGP_MAX_LCOMM  16
#define BGP_MD5_MAXKEY 80

enum bgp_state {
	BGP_ST_IDLE = 0,
	BGP_ST_CONNECT,
	BGP_ST_ACTIVE,
	BGP_ST_OPENSENT,
	BGP_ST_OPENCONFIRM,
	BGP_ST_ESTABLISHED,
};

enum bgp_family {
	BGP_FAM_IPV4 = 0,
	BGP_FAM_IPV6,
	BGP_FAM_COUNT,
};

struct bgp_lcomm {
	uint32_t global, local1, local2;
};

/* Path attributes of one announced route. Arrays are sorted and deduplicated by
 * bgp_attrs_normalize(); unused slots are zero, so two sets compare with memcmp. */
struct bgp_pathattrs {
	bool has_med;
	uint8_t prepend; /* extra copies of our AS, 0-10 */
	uint8_t ncomm;
	uint8_t nlcomm;
	uint32_t med;
	uint32_t comm[BGP_MAX_COMM];
	struct bgp_lcomm lcomm[BGP_MAX_LCOMM];
};

struct bgp_route {
	struct prefix prefix;
	struct bgp_pathattrs attrs;
};

struct bgp_peer_conf {
	char name[BGP_NAME_MAX];
	struct addr remote;
	uint16_t port;
	struct addr local; /* AF_UNSPEC: chosen by the kernel */
	uint32_t local_as;
	uint32_t remote_as;
	uint32_t router_id; /* host order */
	bool passive;       /* never connect out; accept only */
	usec_t hold_time;   /* proposed; 0 or >= 3 s */
	usec_t connect_retry;
	uint8_t password[BGP_MD5_MAXKEY];
	size_t password_len; /* 0: no TCP-MD5 */
	bool ttl_security;   /* GTSM: send 255, require 256 - ebgp_multihop */
	uint8_t ebgp_multihop;
	struct addr next_hop[BGP_FAM_COUNT]; /* AF_UNSPEC: the session's own address */
	bool family[BGP_FAM_COUNT];
	bool shutdown; /* administratively down */
};

struct bgp_peer_stats {
	enum bgp_state state;
	usec_t state_since;                   /* monotonic */
	usec_t hold_time;                     /* negotiated, when established */
	bool family[BGP_FAM_COUNT];           /* negotiated */
	uint64_t prefixes_announced;          /* in our Adj-RIB-Out, sent to the peer */
	uint64_t rx_prefixes[BGP_FAM_COUNT];  /* NLRI received (announcements) */
	uint64_t rx_withdrawn[BGP_FAM_COUNT]; /* withdrawals received */
	uint64_t msgs_in[6], msgs_out[6];     /* indexed by message type 1..5 */
	uint64_t updates_treated_as_withdraw;
	unsigned established_count;
	uint64_t connect_attempts; /* outbound TCP connections tried */
	usec_t next_connect;       /* monotonic time of the next attempt, 0 if none */
	char last_error[160];      /* last NOTIFICATION or socket error, "" if none */
};

struct bgp;
struct bgp_peer;

/* Callbacks the agent registers; all optional. */
struct bgp_callbacks {
	/* A peer changed state; why is a short text ("hold timer expired", …). The callback
	 * may set routes or shut the peer down, but must not remove or free anything. */
	void (*state_change)(struct bgp_peer *peer, enum bgp_state old, enum bgp_state new,
	    const char *why, void *arg);
};

/* bgp_new: a speaker on loop l; the caller owns it and frees it with bgp_free(). */
struct bgp *bgp_new(struct loop *l, const struct bgp_callbacks *cb, void *arg);

/* bgp_free: send Cease (Administrative Shutdown, with msg as RFC 9003 shutdown
 * communication if non-NULL) to every established peer, close everything, free. */
void bgp_free(struct bgp *b, const char *msg);

/* bgp_peer_add: configure and start a peer (connects unless passive or shutdown); the
 * speaker owns the returned peer. NULL on error (e.g. TCP-MD5 key cannot be set). */
struct bgp_peer *bgp_peer_add(struct bgp *b, const struct bgp_peer_conf *conf);

/* bgp_peer_remove: send Cease/Peer De-configured if up, then drop and free the peer. */
void bgp_peer_remove(struct bgp_peer *p);

/* bgp_peer_shutdown: send Cease/Administrative Shutdown with msg and close; the peer stays
 * down until the speaker is freed or the peer removed. */
void bgp_peer_shutdown(struct bgp_peer *p, const char *msg);

/* bgp_peer_accept: hand the speaker a connected socket from the peer (an inbound
 * connection accepted elsewhere, or one end of a socketpair in tests); it takes ownership
 * of fd. 0, or -1 when the connection is refused (fd closed). */
int bgp_peer_accept(struct bgp_peer *p, int fd);

/* bgp_pending_output: bytes queued to all peers and not yet written (exit waits for 0). */
size_t bgp_pending_output(const struct bgp *b);

/* bgp_peer_set_routes: replace the routes the peer should hold (copied). When established,
 * only the difference is sent: new or changed routes announced, missing ones withdrawn;
 * an identical set sends nothing. */
void bgp_peer_set_routes(struct bgp_peer *p, const struct bgp_route *routes, size_t n);

/* bgp_peer_conf / bgp_peer_name / bgp_peer_stats: read-only views, owned by the peer. */
const struct bgp_peer_conf *bgp_peer_get_conf(const struct bgp_peer *p);
const char *bgp_peer_name(const struct bgp_peer *p);
void bgp_peer_get_stats(const struct bgp_peer *p, struct bgp_peer_stats *st);

/* bgp_peer_first / bgp_peer_next: iterate peers in configuration order. */
struct bgp_peer *bgp_peer_first(struct bgp *b);
struct bgp_peer *bgp_peer_next(struct bgp_peer *p);

/* bgp_peer_conf_equal: whether two configurations are the same (reload keeps the
 * session of an unchanged peer). */
bool bgp_peer_conf_equal(const struct bgp_peer_conf *a, const struct bgp_peer_conf *b);

/* bgp_pathattrs_normalize: sort and deduplicate communities; zero unused slots. */
void bgp_pathattrs_normalize(struct bgp_pathattrs *a);

/* bgp_state_name: "Idle", "Connect", "Active", "OpenSent", "OpenConfirm", "Established". */
const char *bgp_state_name(enum bgp_state s);

#endif
