/* fuzz_bgp_msg: libFuzzer harness for bgp/msg decoding. The input is a stream of BGP
 * messages as a peer would send them; each framed message goes through the header check
 * and the decoder of its type, under 4-octet and 2-octet AS caps, and every NOTIFICATION
 * (received or to send) is printed for a log.
 *   make fuzz FUZZ_SECONDS=60 (builds every harness into build/fuzz/, runs each on a
 *   copy of tests/fuzz/corpus/<name>/) */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bgp/msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
one(const uint8_t *p, size_t len, const struct bgp_caps *caps)
{
	static struct bgp_msg m;
	static struct bgp_notify err;
	char s[1024];

	if (bgp_msg_decode(p, len, caps, &m, &err) < 0) {
		bgp_notify_str(&err, s, sizeof(s));
		return;
	}
	switch (m.hdr.type) {
	case BGP_MSG_NOTIFICATION: bgp_notify_str(&m.u.notify, s, sizeof(s)); break;
	case BGP_MSG_OPEN: {
		struct bgp_caps c;

		if (bgp_open_negotiate(&m.u.open, 0, BGP_AFM_IPV4 | BGP_AFM_IPV6, &c, &err) < 0)
			bgp_notify_str(&err, s, sizeof(s));
		bgp_open_check_id(&m.u.open, 1, true, &err);
		break;
	}
	default: break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct bgp_caps caps4 = {
	    BGP_AFM_IPV4 | BGP_AFM_IPV6, true, true, false, BGP_MAX_LEN};
	static const struct bgp_caps caps2 = {BGP_AFM_IPV4, false, false, false, BGP_MAX_LEN};
	struct bgp_hdr h;
	static struct bgp_notify err;

	while (size >= BGP_HDR_LEN) {
		size_t len;

		if (bgp_hdr_parse(data, size, BGP_MAX_LEN, &h, &err) < 0) {
			/* still let the whole-message decoder see it, as a peer's stream would */
			one(data, size < BGP_MAX_LEN ? size : BGP_MAX_LEN, &caps4);
			break;
		}
		len = h.len;
		if (len > size)
			break;
		one(data, len, &caps4);
		one(data, len, &caps2);
		data += len;
		size -= len;
	}
	return 0;
}
