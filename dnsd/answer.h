/* answer: the pure authoritative answer function: query bytes and a zone set in, response
 * bytes out (RFC 1034/1035, 2308, 4592, 6891, 8482); no I/O, no allocation, no clock. */
#ifndef PHAROS_DNSD_ANSWER_H
#define PHAROS_DNSD_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dnsd/zone.h"

/* What the server says about itself; borrowed for the duration of each call. */
struct answer_cfg {
	const char *identity; /* CHAOS TXT id.server. and hostname.bind. (RFC 4892); NULL hides */
	const char *version;  /* CHAOS TXT version.bind. and version.server.; NULL or "" hides */
	const uint8_t *nsid;  /* EDNS NSID payload (RFC 5001); NULL: no NSID */
	size_t nsidlen;
	uint16_t max_udp; /* our EDNS payload size; 0 means DNS_UDP_DEFAULT */
};

/* answer_query: answer the query q (qlen bytes) from zs into out (cap bytes); tcp lifts
 * the UDP size limit. Returns the response length, or 0 when the query must be dropped
 * (too short for a header, or itself a response). AXFR and IXFR are REFUSED here. */
size_t answer_query(const struct zone_set *zs, const struct answer_cfg *cfg, const uint8_t *q,
    size_t qlen, uint8_t *out, size_t cap, bool tcp);

/* answer_is_xfr: whether q is a well-formed AXFR or IXFR query (a zone transfer). */
bool answer_is_xfr(const uint8_t *q, size_t qlen);

/* answer_emit_cb: takes one message of a transfer; 0 to go on, -1 to stop. */
typedef int (*answer_emit_cb)(void *arg, const uint8_t *msg, size_t len);

/* answer_axfr: answer a zone transfer query (RFC 5936) with as many messages as needed,
 * each built in out (cap bytes, at most 65535 used) and handed to emit: SOA, every other
 * record, SOA. A name that is not a zone apex gets one NOTAUTH message. Returns the
 * number of messages emitted, or -1 when q is malformed or emit stopped. */
int answer_axfr(const struct zone_set *zs, const uint8_t *q, size_t qlen, uint8_t *out, size_t cap,
    answer_emit_cb emit, void *arg);

#endif
