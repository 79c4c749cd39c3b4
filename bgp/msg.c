/* bgp/msg: the common header, KEEPALIVE, ROUTE-REFRESH, NOTIFICATION and a decoder
 * for any message. OPEN is in msg_open.c, UPDATE in msg_update*.c. */
#include "bgp/msg.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bgp/msg_int.h"
#include "lib/util.h"

static const uint8_t marker[BGP_MARKER_LEN] = {
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
};

size_t
bgp_msg_begin(struct wbuf *w, uint8_t type)
{
	size_t start = w->len;

	wbuf_bytes(w, marker, sizeof(marker));
	wbuf_u16(w, 0);
	wbuf_u8(w, type);
	return start;
}

int
bgp_msg_end(struct wbuf *w, size_t start, size_t max_len)
{
	size_t len = w->len - start;

	if (w->err || len > max_len)
		return -1;
	wbuf_put_u16_at(w, start + BGP_MARKER_LEN, (uint16_t)len);
	return 0;
}

int
bgp_af_from_afi(uint16_t afi, uint8_t safi)
{
	if (safi != BGP_SAFI_UNICAST)
		return -1;
	if (afi == BGP_AFI_IPV4)
		return BGP_AF_IPV4;
	if (afi == BGP_AFI_IPV6)
		return BGP_AF_IPV6;
	return -1;
}

const char *
bgp_af_name(enum bgp_af af)
{
	return af == BGP_AF_IPV6 ? "ipv6" : "ipv4";
}

/*
 * RFC 4271 §4.1 header:
 *   +--------------------------------+
 *   |  Marker (16 octets of 0xff)    |
 *   +----------------+---------------+
 *   | Length (2)     | Type (1)      |
 *   +----------------+---------------+
 */
static uint16_t
min_len(uint8_t type)
{
	switch (type) {
	case BGP_MSG_OPEN: return 29;
	case BGP_MSG_UPDATE: return 23;
	case BGP_MSG_NOTIFICATION: return 21;
	case BGP_MSG_KEEPALIVE: return 19;
	case BGP_MSG_ROUTE_REFRESH: return 19; /* RFC 7313 §5: 7/1 below 23, not 1/2 */
	default: return 0;
	}
}

int
bgp_hdr_parse(
    const uint8_t *p, size_t len, uint16_t max_len, struct bgp_hdr *h, struct bgp_notify *err)
{
	struct buf b;
	uint8_t l[2];
	uint16_t mlen;
	uint8_t type;

	buf_init(&b, p, len);
	if (buf_left(&b) < BGP_HDR_LEN)
		return -1; /* caller bug: it must wait for 19 octets */
	if (memcmp(buf_cur(&b), marker, sizeof(marker)) != 0) {
		bgp_notify_set(err, BGP_ERR_HEADER, BGP_ERR_HDR_SYNC, NULL, 0);
		return -1;
	}
	buf_skip(&b, sizeof(marker));
	buf_get_u16(&b, &mlen);
	buf_get_u8(&b, &type);
	/* RFC 4271 §6.1: check the length before the type, as a bad length makes the type
	 * meaningless; an unknown type with a sane length is 1/3. */
	if (mlen < BGP_HDR_LEN || mlen > max_len)
		goto bad_len;
	if (min_len(type) == 0) {
		bgp_notify_set(err, BGP_ERR_HEADER, BGP_ERR_HDR_TYPE, &type, 1);
		return -1;
	}
	if (mlen < min_len(type) || (type == BGP_MSG_KEEPALIVE && mlen != BGP_HDR_LEN))
		goto bad_len;
	/* RFC 8654 §4: OPEN and KEEPALIVE stay within 4096 octets in any case. */
	if (type == BGP_MSG_OPEN && mlen > BGP_MAX_LEN)
		goto bad_len;
	h->len = mlen;
	h->type = type;
	return 0;
bad_len:
	l[0] = (uint8_t)(mlen >> 8), l[1] = (uint8_t)mlen;
	bgp_notify_set(err, BGP_ERR_HEADER, BGP_ERR_HDR_LENGTH, l, 2);
	return -1;
}

int
bgp_keepalive_encode(struct wbuf *w)
{
	size_t start = bgp_msg_begin(w, BGP_MSG_KEEPALIVE);

	return bgp_msg_end(w, start, BGP_MAX_LEN);
}

/*
 * RFC 2918 §3, RFC 7313 §3 ROUTE-REFRESH body:
 *   | AFI (2) | Subtype (1, was Reserved) | SAFI (1) |
 */
int
bgp_rr_encode(struct wbuf *w, uint16_t afi, uint8_t safi, uint8_t subtype)
{
	size_t start = bgp_msg_begin(w, BGP_MSG_ROUTE_REFRESH);

	wbuf_u16(w, afi);
	wbuf_u8(w, subtype);
	wbuf_u8(w, safi);
	return bgp_msg_end(w, start, BGP_MAX_LEN);
}

int
bgp_rr_decode(const uint8_t *body, size_t len, struct bgp_route_refresh *rr, struct bgp_notify *err)
{
	struct buf b;
	uint8_t whole[BGP_HDR_LEN + 16];
	size_t n;

	buf_init(&b, body, len);
	/* We advertise no ORF, so every subtype has exactly 4 octets (RFC 7313 §5). */
	if (len != 4)
		goto bad_len;
	if (buf_get_u16(&b, &rr->afi) < 0 || buf_get_u8(&b, &rr->subtype) < 0 ||
	    buf_get_u8(&b, &rr->safi) < 0)
		goto bad_len;
	return 0;
bad_len:
	/* The data is the complete message: rebuild the (valid) header in front. */
	n = MIN(len, sizeof(whole) - BGP_HDR_LEN);
	memcpy(whole, marker, sizeof(marker));
	whole[16] = (uint8_t)((len + BGP_HDR_LEN) >> 8);
	whole[17] = (uint8_t)(len + BGP_HDR_LEN);
	whole[18] = BGP_MSG_ROUTE_REFRESH;
	if (n)
		memcpy(whole + BGP_HDR_LEN, body, n);
	bgp_notify_set(err, BGP_ERR_ROUTE_REFRESH, 1, whole, BGP_HDR_LEN + n);
	return -1;
}

void
bgp_notify_set(
    struct bgp_notify *n, uint8_t code, uint8_t subcode, const void *data, size_t datalen)
{
	n->code = code;
	n->subcode = subcode;
	n->datalen = (uint16_t)MIN(datalen, sizeof(n->data));
	if (n->datalen)
		memcpy(n->data, data, n->datalen);
}

void
bgp_notify_shutdown(struct bgp_notify *n, uint8_t subcode, const char *msg)
{
	size_t len = msg ? strlen(msg) : 0;

	if (len > 255) {
		len = 255;
		/* Back up over UTF-8 continuation octets so a character is not cut. */
		while (len > 0 && ((uint8_t)msg[len] & 0xc0) == 0x80)
			len--;
	}
	n->code = BGP_ERR_CEASE;
	n->subcode = subcode;
	n->data[0] = (uint8_t)len;
	if (len)
		memcpy(n->data + 1, msg, len);
	n->datalen = (uint16_t)(1 + len);
}

/*
 * RFC 4271 §4.5 NOTIFICATION body:
 *   | Error code (1) | Error subcode (1) | Data (variable) |
 */
int
bgp_notify_encode(struct wbuf *w, const struct bgp_notify *n)
{
	size_t start = bgp_msg_begin(w, BGP_MSG_NOTIFICATION);

	wbuf_u8(w, n->code);
	wbuf_u8(w, n->subcode);
	wbuf_bytes(w, n->data, MIN(n->datalen, sizeof(n->data)));
	return bgp_msg_end(w, start, BGP_MAX_LEN);
}

int
bgp_notify_decode(const uint8_t *body, size_t len, struct bgp_notify *n)
{
	struct buf b;

	buf_init(&b, body, len);
	if (buf_get_u8(&b, &n->code) < 0 || buf_get_u8(&b, &n->subcode) < 0)
		return -1;
	bgp_notify_set(n, n->code, n->subcode, buf_cur(&b), buf_left(&b));
	return 0;
}

bool
bgp_utf8_valid(const uint8_t *p, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint8_t c = p[i];
		size_t need;
		uint32_t cp, lo;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 1, cp = c & 0x1f, lo = 0x80;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2, cp = c & 0x0f, lo = 0x800;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3, cp = c & 0x07, lo = 0x10000;
		else
			return false;
		if (len - i <= need)
			return false;
		for (size_t k = 1; k <= need; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if (cp < lo || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += need + 1;
	}
	return true;
}

const char *
bgp_err_name(uint8_t code)
{
	switch (code) {
	case BGP_ERR_HEADER: return "message header error";
	case BGP_ERR_OPEN: return "open message error";
	case BGP_ERR_UPDATE: return "update message error";
	case BGP_ERR_HOLD: return "hold timer expired";
	case BGP_ERR_FSM: return "finite state machine error";
	case BGP_ERR_CEASE: return "cease";
	case BGP_ERR_ROUTE_REFRESH: return "route-refresh message error";
	case BGP_ERR_SEND_HOLD: return "send hold timer expired";
	default: return "unknown";
	}
}

static const char *const hdr_sub[] = {
    [1] = "connection not synchronized",
    [2] = "bad message length",
    [3] = "bad message type",
};
static const char *const open_sub[] = {
    [0] = "unspecific",
    [1] = "unsupported version number",
    [2] = "bad peer as",
    [3] = "bad bgp identifier",
    [4] = "unsupported optional parameter",
    [6] = "unacceptable hold time",
    [7] = "unsupported capability",
    [11] = "role mismatch",
};
static const char *const update_sub[] = {
    [1] = "malformed attribute list",
    [2] = "unrecognized well-known attribute",
    [3] = "missing well-known attribute",
    [4] = "attribute flags error",
    [5] = "attribute length error",
    [6] = "invalid origin attribute",
    [8] = "invalid next_hop attribute",
    [9] = "optional attribute error",
    [10] = "invalid network field",
    [11] = "malformed as_path",
};
static const char *const fsm_sub[] = {
    [0] = "unspecified",
    [1] = "unexpected message in opensent",
    [2] = "unexpected message in openconfirm",
    [3] = "unexpected message in established",
};
static const char *const cease_sub[] = {
    [1] = "maximum number of prefixes reached",
    [2] = "administrative shutdown",
    [3] = "peer de-configured",
    [4] = "administrative reset",
    [5] = "connection rejected",
    [6] = "other configuration change",
    [7] = "connection collision resolution",
    [8] = "out of resources",
    [9] = "hard reset",
    [10] = "bfd down",
};

#define SUBNAME(tab, s) ((s) < nitems(tab) && (tab)[s] ? (tab)[s] : "unknown")

const char *
bgp_suberr_name(uint8_t code, uint8_t subcode)
{
	switch (code) {
	case BGP_ERR_HEADER: return SUBNAME(hdr_sub, subcode);
	case BGP_ERR_OPEN: return SUBNAME(open_sub, subcode);
	case BGP_ERR_UPDATE: return SUBNAME(update_sub, subcode);
	case BGP_ERR_FSM: return SUBNAME(fsm_sub, subcode);
	case BGP_ERR_CEASE: return SUBNAME(cease_sub, subcode);
	case BGP_ERR_ROUTE_REFRESH: return subcode == 1 ? "invalid message length" : "unknown";
	case BGP_ERR_HOLD:
	case BGP_ERR_SEND_HOLD: return subcode == 0 ? "unspecific" : "unknown";
	default: return "unknown";
	}
}

/* A bounded appender: never overflows, always NUL-terminated. */
struct sbuf {
	char *p;
	size_t size;
	size_t len;
};

static void __attribute__((format(printf, 2, 3))) sb_printf(struct sbuf *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (s->len + 1 >= s->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(s->p + s->len, s->size - s->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		s->len = MIN(s->len + (size_t)n, s->size - 1);
}

/* Print text for a log: printable ASCII and valid UTF-8 sequences as they are; quotes,
 * backslashes, controls and invalid octets as escapes (RFC 9003 §4: never interpret
 * invalid UTF-8). */
static void
sb_text(struct sbuf *s, const uint8_t *p, size_t len)
{
	size_t i = 0;

	sb_printf(s, "\"");
	while (i < len) {
		uint8_t c = p[i];
		size_t n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;

		if (c >= 0x80 && n <= len - i && bgp_utf8_valid(p + i, n)) {
			sb_printf(s, "%.*s", (int)n, (const char *)p + i);
			i += n;
			continue;
		}
		if (c == '"' || c == '\\')
			sb_printf(s, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			sb_printf(s, "%c", c);
		else
			sb_printf(s, "\\x%02x", c);
		i++;
	}
	sb_printf(s, "\"");
}

static void
sb_hex(struct sbuf *s, const uint8_t *p, size_t len)
{
	size_t show = MIN(len, 32);

	sb_printf(s, " data");
	for (size_t i = 0; i < show; i++)
		sb_printf(s, "%s%02x", i % 4 ? "" : " ", p[i]);
	if (show < len)
		sb_printf(s, " ... (%zu octets)", len);
}

static void
sb_code(struct sbuf *s, uint8_t code, uint8_t subcode)
{
	sb_printf(
	    s, "%u/%u (%s/%s)", code, subcode, bgp_err_name(code), bgp_suberr_name(code, subcode));
}

/* One error and its data; depth bounds the Hard Reset unwrapping. */
static void
sb_notify(struct sbuf *s, uint8_t code, uint8_t sub, const uint8_t *d, size_t dlen, int depth)
{
	sb_code(s, code, sub);
	if (code == BGP_ERR_CEASE &&
	    (sub == BGP_CEASE_ADMIN_SHUTDOWN || sub == BGP_CEASE_ADMIN_RESET) && dlen > 0) {
		/* RFC 9003 §2: | Length (1) | Shutdown Communication (0..255, UTF-8) | */
		if (d[0] == dlen - 1 && bgp_utf8_valid(d + 1, d[0])) {
			sb_printf(s, " shutdown communication ");
			sb_text(s, d + 1, d[0]);
		} else if (d[0] == dlen - 1) {
			sb_printf(s, " invalid utf-8 shutdown communication ");
			sb_text(s, d + 1, d[0]);
		} else {
			sb_printf(s, " malformed shutdown communication");
			sb_hex(s, d, dlen);
		}
		return;
	}
	if (code == BGP_ERR_CEASE && sub == BGP_CEASE_HARD_RESET && dlen >= 2 && depth == 0) {
		/* RFC 8538 §3: the data carries the real code, subcode and data. */
		sb_printf(s, ": ");
		sb_notify(s, d[0], d[1], d + 2, dlen - 2, depth + 1);
		return;
	}
	if (dlen > 0)
		sb_hex(s, d, dlen);
}

const char *
bgp_notify_str(const struct bgp_notify *n, char *buf, size_t size)
{
	struct sbuf s = {buf, size, 0};

	if (size == 0)
		return buf;
	buf[0] = '\0';
	sb_notify(&s, n->code, n->subcode, n->data, MIN(n->datalen, sizeof(n->data)), 0);
	return buf;
}

int
bgp_msg_decode(const uint8_t *p, size_t len, const struct bgp_caps *caps, struct bgp_msg *m,
    struct bgp_notify *err)
{
	uint16_t max = caps && caps->max_len ? caps->max_len : BGP_MAX_LEN;
	const uint8_t *body = p + BGP_HDR_LEN;
	size_t blen;

	if (len < BGP_HDR_LEN) {
		uint8_t l[2] = {(uint8_t)(len >> 8), (uint8_t)len};

		bgp_notify_set(err, BGP_ERR_HEADER, BGP_ERR_HDR_LENGTH, l, 2);
		goto fail;
	}
	if (bgp_hdr_parse(p, len, max, &m->hdr, err) < 0)
		goto fail;
	if (m->hdr.len != len) {
		/* The caller framed the message wrongly: report it as a length error. */
		uint8_t l[2] = {(uint8_t)(m->hdr.len >> 8), (uint8_t)m->hdr.len};

		bgp_notify_set(err, BGP_ERR_HEADER, BGP_ERR_HDR_LENGTH, l, 2);
		goto fail;
	}
	blen = len - BGP_HDR_LEN;
	switch (m->hdr.type) {
	case BGP_MSG_OPEN: return bgp_open_decode(body, blen, &m->u.open, err);
	case BGP_MSG_UPDATE: return bgp_update_decode(body, blen, caps, &m->u.update, err);
	case BGP_MSG_NOTIFICATION: return bgp_notify_decode(body, blen, &m->u.notify);
	case BGP_MSG_KEEPALIVE: return 0;
	case BGP_MSG_ROUTE_REFRESH: return bgp_rr_decode(body, blen, &m->u.rr, err);
	}
fail:
	return -1;
}
