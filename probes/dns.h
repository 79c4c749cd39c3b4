/* probes/dns: the dns probe's answer checking, as a pure function over the answer's bytes
 * (the transport and the verdict stay in dns.c). Exposed for the fuzzer and the tests. */
#ifndef PHAROS_PROBES_DNS_H
#define PHAROS_PROBES_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/dnswire.h"

/* The query an answer must match; all borrowed. */
struct probe_dns_query {
	uint16_t id;
	const uint8_t *qname; /* uncompressed wire form */
	uint16_t qtype;
	const char *expect_answer; /* NULL: not checked */
};

/* What an answer said, before it is judged against the configuration. */
struct probe_dns_answer {
	struct dns_header h;
	uint16_t rcode; /* with the EDNS extended bits */
	bool matched;   /* an answer RR equals expect_answer */
};

/* probe_dns_parse: check that msg (len bytes) answers q (ID, QR, question) and fill *a
 * with what it says. 1: an answer to q; 0: not ours (ignore it); -1: ours but malformed. */
int probe_dns_parse(
    const struct probe_dns_query *q, const uint8_t *msg, size_t len, struct probe_dns_answer *a);

#endif
