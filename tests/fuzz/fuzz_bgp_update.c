/* fuzz_bgp_update: libFuzzer harness for bgp_update_decode (RFC 4271 §4.3, 4760, 6793,
 * 7606). The input is an UPDATE body (what follows the 19-octet header), decoded under
 * 4-octet AS with both families and under 2-octet AS with IPv4 only; the result must be
 * consistent: RESET exactly when -1, a reason with every WITHDRAW or RESET, and every
 * NOTIFICATION an UPDATE error (code 3) that fits in one message.
 *   make fuzz FUZZ_SECONDS=60 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
one(const uint8_t *p, size_t len, const struct bgp_caps *caps)
{
	static struct bgp_notify err;
	struct bgp_update_info info;
	char s[1024];
	int rc;

	memset(&info, 0xa5, sizeof(info));
	rc = bgp_update_decode(p, len, caps, &info, &err);
	if (rc < 0) {
		if (info.action != BGP_UPD_RESET || info.reason == NULL ||
		    err.code != BGP_ERR_UPDATE)
			abort();
		if (err.datalen > BGP_NOTIFY_DATA_MAX)
			abort();
		bgp_notify_str(&err, s, sizeof(s));
		return;
	}
	if (rc != 0 || (info.action != BGP_UPD_OK && info.action != BGP_UPD_WITHDRAW))
		abort();
	if (info.action == BGP_UPD_WITHDRAW && info.reason == NULL)
		abort();
	for (unsigned af = 0; af < BGP_AF_COUNT; af++) {
		if (info.announced[af] + info.withdrawn[af] > len)
			abort(); /* more prefixes than octets: each takes at least one */
	}
	if (info.eor && info.eor_af >= BGP_AF_COUNT)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct bgp_caps caps4 = {
	    BGP_AFM_IPV4 | BGP_AFM_IPV6, true, true, false, BGP_MAX_LEN};
	static const struct bgp_caps caps2 = {BGP_AFM_IPV4, false, false, false, BGP_MAX_LEN};

	/* a body longer than the largest message cannot reach the decoder */
	if (size > BGP_MAX_LEN - BGP_HDR_LEN)
		return 0;
	one(data, size, &caps4);
	one(data, size, &caps2);
	return 0;
}
