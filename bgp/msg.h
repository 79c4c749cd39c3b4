/* bgp/msg: BGP-4 message encode and decode (RFC 4271, 4760, 5492, 6793, 7606, 9072),
 * pure functions over byte buffers: no sockets, no clock, no allocation.
 *
 * Decoders take the message body (the bytes after the 19-octet header, whose length and
 * type bgp_hdr_parse() has checked) and, on an error the peer must hear about, fill a
 * struct bgp_notify with the NOTIFICATION to send. Encoders write whole messages,
 * header included, into a struct wbuf and return 0, or -1 when it did not fit or the
 * input was invalid. */
#ifndef PHAROS_BGP_MSG_H
#define PHAROS_BGP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"
#include "lib/buf.h"

#define BGP_MARKER_LEN  16
#define BGP_HDR_LEN     19
#define BGP_MAX_LEN     4096  /* we never advertise extended messages (RFC 8654) */
#define BGP_EXT_MAX_LEN 65535 /* only if both sides advertised them */
#define BGP_AS_TRANS    23456 /* RFC 6793 */
#define BGP_VERSION     4
#define BGP_MAX_PREPEND 32 /* own AS at most 1 + 32 times in AS_PATH */

enum bgp_msg_type {
	BGP_MSG_OPEN = 1,
	BGP_MSG_UPDATE = 2,
	BGP_MSG_NOTIFICATION = 3,
	BGP_MSG_KEEPALIVE = 4,
	BGP_MSG_ROUTE_REFRESH = 5,
};

/* NOTIFICATION error codes (RFC 4271 §4.5, RFC 7313, RFC 9687). */
enum bgp_err_code {
	BGP_ERR_HEADER = 1,
	BGP_ERR_OPEN = 2,
	BGP_ERR_UPDATE = 3,
	BGP_ERR_HOLD = 4,
	BGP_ERR_FSM = 5,
	BGP_ERR_CEASE = 6,
	BGP_ERR_ROUTE_REFRESH = 7,
	BGP_ERR_SEND_HOLD = 8,
};

enum bgp_err_header_sub {
	BGP_ERR_HDR_SYNC = 1,
	BGP_ERR_HDR_LENGTH = 2,
	BGP_ERR_HDR_TYPE = 3,
};

enum bgp_err_open_sub {
	BGP_ERR_OPEN_UNSPEC = 0,
	BGP_ERR_OPEN_VERSION = 1,
	BGP_ERR_OPEN_PEER_AS = 2,
	BGP_ERR_OPEN_BGP_ID = 3,
	BGP_ERR_OPEN_OPT_PARAM = 4,
	BGP_ERR_OPEN_HOLD_TIME = 6,
	BGP_ERR_OPEN_CAPABILITY = 7,
	BGP_ERR_OPEN_ROLE = 11,
};

enum bgp_err_update_sub {
	BGP_ERR_UPD_ATTR_LIST = 1,
	BGP_ERR_UPD_UNRECOGNIZED = 2,
	BGP_ERR_UPD_MISSING = 3,
	BGP_ERR_UPD_FLAGS = 4,
	BGP_ERR_UPD_LENGTH = 5,
	BGP_ERR_UPD_ORIGIN = 6,
	BGP_ERR_UPD_NEXT_HOP = 8,
	BGP_ERR_UPD_OPTIONAL = 9,
	BGP_ERR_UPD_NETWORK = 10,
	BGP_ERR_UPD_AS_PATH = 11,
};

enum bgp_err_cease_sub {
	BGP_CEASE_MAX_PREFIX = 1,
	BGP_CEASE_ADMIN_SHUTDOWN = 2,
	BGP_CEASE_DECONFIGURED = 3,
	BGP_CEASE_ADMIN_RESET = 4,
	BGP_CEASE_REJECTED = 5,
	BGP_CEASE_CONFIG_CHANGE = 6,
	BGP_CEASE_COLLISION = 7,
	BGP_CEASE_RESOURCES = 8,
	BGP_CEASE_HARD_RESET = 9,
	BGP_CEASE_BFD_DOWN = 10,
};

/* Address families we speak: IPv4 and IPv6 unicast, as bits of a mask. */
enum bgp_af {
	BGP_AF_IPV4 = 0,
	BGP_AF_IPV6 = 1,
	BGP_AF_COUNT = 2,
};
#define BGP_AFM(af)      (1u << (af))
#define BGP_AFM_IPV4     BGP_AFM(BGP_AF_IPV4)
#define BGP_AFM_IPV6     BGP_AFM(BGP_AF_IPV6)
#define BGP_AFI_IPV4     1
#define BGP_AFI_IPV6     2
#define BGP_SAFI_UNICAST 1

/* ---- header ---- */

struct bgp_hdr {
	uint16_t len; /* whole message, header included */
	uint8_t type;
};

/* A NOTIFICATION, to send or as received. data is a copy (at most what fits in one
 * 4096-octet message). */
#define BGP_NOTIFY_DATA_MAX (BGP_MAX_LEN - BGP_HDR_LEN - 2)
struct bgp_notify {
	uint8_t code;
	uint8_t subcode;
	uint16_t datalen;
	uint8_t data[BGP_NOTIFY_DATA_MAX];
};

/* bgp_hdr_parse: check the 19-octet header at p (len >= 19): marker, length within
 * [the type's minimum, max_len] (KEEPALIVE exactly 19), known type. 0 with *h set, or
 * -1 with *err the NOTIFICATION (1/1, 1/2 with the length, 1/3 with the type). */
int bgp_hdr_parse(
    const uint8_t *p, size_t len, uint16_t max_len, struct bgp_hdr *h, struct bgp_notify *err);

/* bgp_af_from_afi: BGP_AF_* for an AFI/SAFI pair we speak, or -1. */
int bgp_af_from_afi(uint16_t afi, uint8_t safi);

/* bgp_af_name: "ipv4" or "ipv6" (static). */
const char *bgp_af_name(enum bgp_af af);

/* ---- OPEN (RFC 4271 §4.2, RFC 5492, RFC 9072) ---- */

/* What we put in our OPEN. */
struct bgp_open_params {
	uint32_t asn;      /* our AS (AS_TRANS goes in My AS when > 65535) */
	uint16_t hold;     /* proposed hold time, 0 or >= 3 */
	uint32_t id;       /* BGP identifier, host order, non-zero */
	unsigned families; /* BGP_AFM_* we will announce: one MP capability each */
};

/* bgp_open_encode: our OPEN: MP per family, route refresh (2), 4-octet AS (65), in one
 * Capabilities parameter, never GR, extended messages, ADD-PATH nor RFC 9072 format. */
int bgp_open_encode(struct wbuf *w, const struct bgp_open_params *p);

#define BGP_OPEN_MAX_ADDPATH 8
struct bgp_addpath_tuple {
	uint16_t afi;
	uint8_t safi;
	uint8_t mode; /* 1 receive, 2 send, 3 both */
};

/* A decoded OPEN. */
struct bgp_open {
	uint8_t version;
	uint16_t my_as; /* the 2-octet field */
	uint32_t asn;   /* the peer's AS: capability 65 if present, else my_as */
	uint16_t hold;
	uint32_t id;             /* host order */
	bool ext_params;         /* RFC 9072 encoding was used */
	bool mp_seen;            /* at least one MP capability (else IPv4 unicast is implied) */
	unsigned families;       /* BGP_AFM_* offered */
	unsigned other_families; /* MP capabilities for AFI/SAFIs we do not speak */
	bool as4;
	uint32_t as4_asn;
	bool route_refresh;     /* capability 2 */
	bool route_refresh_old; /* capability 128 (pre-standard) */
	bool enhanced_rr;       /* capability 70 */
	bool ext_message;       /* capability 6 */
	bool gr;                /* capability 64 */
	uint8_t gr_flags;       /* R (0x8) and N (0x4) bits */
	uint16_t gr_time;       /* restart time, seconds */
	unsigned gr_afs;        /* AFI/SAFI tuples in it */
	unsigned n_addpath;     /* ADD-PATH tuples (first BGP_OPEN_MAX_ADDPATH kept) */
	struct bgp_addpath_tuple addpath[BGP_OPEN_MAX_ADDPATH];
	unsigned n_caps;    /* capability TLVs seen */
	unsigned n_unknown; /* of which ignored as unknown */
};

/* What both OPENs agreed; input to UPDATE encode and decode. */
struct bgp_caps {
	unsigned families; /* BGP_AFM_* both sides advertised */
	bool as4;          /* 4-octet AS on both sides */
	bool route_refresh;
	bool enhanced_rr;
	uint16_t max_len; /* BGP_MAX_LEN: we never advertise extended messages */
};

/* bgp_open_decode: parse an OPEN body syntactically into *o. 0, or -1 with *err set:
 * 2/1 (data 0x0004), 1/2 inconsistent parameter length, 2/4 unsupported optional
 * parameter, 2/0 malformed capability, 2/6 hold time 1 or 2, 2/3 identifier 0. */
int bgp_open_decode(const uint8_t *body, size_t len, struct bgp_open *o, struct bgp_notify *err);

/* bgp_open_negotiate: check a decoded OPEN against what we expect and fill *caps:
 * 2/2 when the peer's AS is not peer_as (0 accepts any), 2/7 with our MP capabilities
 * as data when no AFI/SAFI is common with our_families. 0 or -1 with *err set. */
int bgp_open_negotiate(const struct bgp_open *o, uint32_t peer_as, unsigned our_families,
    struct bgp_caps *caps, struct bgp_notify *err);

/* bgp_open_check_id: RFC 6286 §2.2: an identifier equal to ours is an error from an
 * internal peer (2/3); 0 or -1 with *err set. Collision detection is the caller's. */
int bgp_open_check_id(const struct bgp_open *o, uint32_t our_id, bool ibgp, struct bgp_notify *err);

/* ---- KEEPALIVE, ROUTE-REFRESH, NOTIFICATION ---- */

/* bgp_keepalive_encode: the 19-octet KEEPALIVE. */
int bgp_keepalive_encode(struct wbuf *w);

enum bgp_rr_subtype {
	BGP_RR_NORMAL = 0,
	BGP_RR_BORR = 1, /* RFC 7313 beginning of route refresh */
	BGP_RR_EORR = 2, /* end of route refresh */
};

struct bgp_route_refresh {
	uint16_t afi;
	uint8_t subtype; /* 3..255 are reserved: the caller ignores the message */
	uint8_t safi;
};

/* bgp_rr_encode: a ROUTE-REFRESH (RFC 2918) for afi/safi with an RFC 7313 subtype. */
int bgp_rr_encode(struct wbuf *w, uint16_t afi, uint8_t safi, uint8_t subtype);

/* bgp_rr_decode: parse a ROUTE-REFRESH body; 0, or -1 with 7/1 carrying the whole
 * message when the body is not 4 octets (RFC 7313 §5). */
int bgp_rr_decode(
    const uint8_t *body, size_t len, struct bgp_route_refresh *rr, struct bgp_notify *err);

/* bgp_notify_set: fill n with code/subcode and a copy of data (truncated to fit). */
void bgp_notify_set(
    struct bgp_notify *n, uint8_t code, uint8_t subcode, const void *data, size_t datalen);

/* bgp_notify_shutdown: Cease subcode (2 or 4) with an RFC 9003 shutdown communication:
 * msg (may be NULL) truncated to 255 octets on a UTF-8 character boundary. */
void bgp_notify_shutdown(struct bgp_notify *n, uint8_t subcode, const char *msg);

/* bgp_notify_encode: a NOTIFICATION carrying n. */
int bgp_notify_encode(struct wbuf *w, const struct bgp_notify *n);

/* bgp_notify_decode: parse a NOTIFICATION body (>= 2 octets) into *n; 0 or -1. */
int bgp_notify_decode(const uint8_t *body, size_t len, struct bgp_notify *n);

/* bgp_notify_str: "code/subcode (name/subname)" plus the decoded shutdown communication
 * (escaped, never raw invalid UTF-8), the Hard Reset inner error, or the data in hex;
 * written into buf (always NUL-terminated) and returned. */
const char *bgp_notify_str(const struct bgp_notify *n, char *buf, size_t size);

/* bgp_err_name / bgp_suberr_name: static lower-case names ("cease", "hold timer
 * expired", "unknown"). */
const char *bgp_err_name(uint8_t code);
const char *bgp_suberr_name(uint8_t code, uint8_t subcode);

/* bgp_utf8_valid: RFC 3629 UTF-8 (no overlongs, surrogates or > U+10FFFF). */
bool bgp_utf8_valid(const uint8_t *p, size_t len);

/* ---- UPDATE encode (our routes) ---- */

struct bgp_large_community {
	uint32_t global;
	uint32_t local1;
	uint32_t local2;
};

/* The attributes of a set of our routes. Arrays are borrowed; the encoder writes them
 * sorted and without duplicates whatever their order. */
struct bgp_attrs {
	uint32_t asn;       /* our AS */
	unsigned prepend;   /* extra copies of asn, 0..BGP_MAX_PREPEND */
	bool ibgp;          /* empty AS_PATH and LOCAL_PREF; else no LOCAL_PREF */
	struct addr nh4;    /* IPv4 next hop (NEXT_HOP attribute) */
	struct addr nh6;    /* IPv6 global next hop (MP_REACH_NLRI) */
	struct addr nh6_ll; /* IPv6 link-local next hop, or af AF_UNSPEC */
	bool has_med;
	uint32_t med;
	uint32_t local_pref; /* iBGP only */
	const uint32_t *communities;
	size_t n_communities;
	const struct bgp_large_community *large;
	size_t n_large;
};

/* bgp_update_encode: one UPDATE announcing (a != NULL) or withdrawing (a == NULL) as
 * many prefixes of pfx[0..n) as fit in caps->max_len, all of pfx[0]'s family (the run
 * stops at the first prefix of another family). *done = prefixes consumed. -1 when the
 * family is not negotiated, the attributes are invalid (next hop missing, ::, v4-mapped;
 * too many prepends) or w is too small for even one prefix. */
int bgp_update_encode(struct wbuf *w, const struct bgp_caps *caps, const struct bgp_attrs *a,
    const struct prefix *pfx, size_t n, size_t *done);

/* bgp_emit_fn: receives each packed message; msg is valid during the call only. Return
 * 0 to go on, -1 to stop packing. */
typedef int (*bgp_emit_fn)(void *arg, const uint8_t *msg, size_t len);

/* bgp_update_pack: announce (a != NULL) or withdraw (a == NULL) pfx[0..n) (any mix of
 * families, each sent only if negotiated) in as few UPDATEs as fit; IPv4 first. Returns
 * the number of messages emitted, or -1 (invalid input, family not negotiated, or emit
 * stopped). */
int bgp_update_pack(const struct bgp_caps *caps, const struct bgp_attrs *a,
    const struct prefix *pfx, size_t n, bgp_emit_fn emit, void *arg);

/* bgp_eor_encode: the End-of-RIB marker for af (RFC 4724 §2). */
int bgp_eor_encode(struct wbuf *w, enum bgp_af af);

/* ---- UPDATE decode (what peers send; nothing is stored) ---- */

enum bgp_upd_action {
	BGP_UPD_OK = 0,       /* possibly with attributes discarded */
	BGP_UPD_WITHDRAW = 1, /* RFC 7606 treat-as-withdraw */
	BGP_UPD_RESET = 2,    /* session reset: send err */
};

struct bgp_update_info {
	enum bgp_upd_action action;
	const char *reason; /* static text for WITHDRAW / RESET, else NULL */
	uint8_t attr;       /* attribute type the reason is about, 0 if none */
	unsigned discarded; /* attributes discarded (RFC 7606 attribute discard) */
	/* Counted per family after the action: treat-as-withdraw counts NLRI as withdrawn. */
	unsigned announced[BGP_AF_COUNT];
	unsigned withdrawn[BGP_AF_COUNT];
	unsigned other; /* MP attributes of AFI/SAFIs we do not speak (skipped) */
	bool eor;       /* End-of-RIB for eor_af */
	enum bgp_af eor_af;
};

/* bgp_update_decode: walk and validate an UPDATE body against caps (AS_PATH width).
 * Returns 0 with *info filled (action OK or WITHDRAW), or -1 with action RESET and *err
 * the NOTIFICATION: 3/1 length overrun or MP attribute twice, 3/2 unrecognised
 * well-known attribute, 3/9 unparseable MP_REACH/MP_UNREACH, 3/10 bad prefix. */
int bgp_update_decode(const uint8_t *body, size_t len, const struct bgp_caps *caps,
    struct bgp_update_info *info, struct bgp_notify *err);

/* ---- any message ---- */

struct bgp_msg {
	struct bgp_hdr hdr;
	union {
		struct bgp_open open;
		struct bgp_update_info update;
		struct bgp_notify notify;
		struct bgp_route_refresh rr;
	} u;
};

/* bgp_msg_decode: header and body of the complete message p[0..len) (len must equal
 * the header length). 0 with *m set (an UPDATE's treat-as-withdraw is a 0 return), or
 * -1 with *err the NOTIFICATION to send. */
int bgp_msg_decode(const uint8_t *p, size_t len, const struct bgp_caps *caps, struct bgp_msg *m,
    struct bgp_notify *err);

#endif
