/* fuzz_dns_probe: libFuzzer harness for the dns probe's answer check (probe_dns_parse).
 * The input is an answer as a server would send it; it is checked against a query for
 * www.example.com with the ID of its first two bytes, for A and for SOA, with and without
 * an expected answer, so that most inputs reach the record walk.
 *   make fuzz FUZZ_SECONDS=60 */
#include <stdint.h>
#include <stdlib.h>

#include "probes/dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
one(const struct probe_dns_query *q, const uint8_t *data, size_t size)
{
	struct probe_dns_answer a;
	int rc = probe_dns_parse(q, data, size, &a);

	if (rc < -1 || rc > 1)
		abort();
	if (rc != 0 && (a.h.id != q->id || !(a.h.flags & DNS_F_QR)))
		abort();
	if (a.matched && (rc == 0 || q->expect_answer == NULL)) /* -1 may follow a match */
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t qname[] = "\3www\7example\3com";
	struct probe_dns_query q = {0, qname, DNS_T_A, NULL};

	if (size >= 2)
		q.id = (uint16_t)(data[0] << 8 | data[1]);
	one(&q, data, size);
	q.expect_answer = "192.0.2.80";
	one(&q, data, size);
	q.qtype = DNS_T_SOA;
	q.expect_answer = "2024010101";
	one(&q, data, size);
	q.qtype = DNS_T_TXT;
	q.expect_answer = "\"hello world\"";
	one(&q, data, size);
	return 0;
}
