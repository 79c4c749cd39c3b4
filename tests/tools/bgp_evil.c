/* bgp_evil: a misbehaving BGP peer for fault-injection tests. It connects to (or accepts
 * one connection from) a speaker, exchanges OPENs as far as the chosen case needs, sends
 * one malformed message of an RFC 4271 §6 class, and prints on stdout what came back:
 *   notification C/S data=HEX (text)   the speaker sent a NOTIFICATION
 *   none                               the session stayed up for --wait seconds
 *   closed                             the connection closed without a NOTIFICATION
 * Exit status 0 when one of these was printed, 1 on a setup failure, 2 on usage.
 * `bgp_evil --list` prints the cases. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bgp/msg.h"
#include "lib/addr.h"
#include "lib/buf.h"
#include "lib/mono.h"
#include "lib/util.h"

/* How far the session goes before the malformed message. */
enum evil_phase {
	EVIL_PH_OPEN,        /* the malformed message replaces our OPEN */
	EVIL_PH_OPENCONFIRM, /* after our OPEN, before our KEEPALIVE */
	EVIL_PH_ESTABLISHED, /* after the whole exchange */
};

struct evil_opts {
	struct endpoint peer, local;
	bool listen;
	uint32_t asn;
	uint32_t id;
	uint16_t hold;
	usec_t wait;
};

struct evil {
	const struct evil_opts *o;
	int fd;
	uint8_t in[BGP_EXT_MAX_LEN];
	size_t inlen;
};

typedef void (*evil_build_fn)(struct wbuf *w, const struct evil_opts *o);

struct evil_case {
	const char *name;
	enum evil_phase phase;
	evil_build_fn build;
	const char *what;
};

/* ---- message builders ---- */

/* hdr: a header of type t; its length is patched by end() unless the case lies. */
static size_t
hdr(struct wbuf *w, uint8_t t)
{
	size_t at = w->len;

	wbuf_fill(w, 0xff, BGP_MARKER_LEN);
	wbuf_u16(w, 0);
	wbuf_u8(w, t);
	return at;
}

static void
end(struct wbuf *w, size_t at)
{
	wbuf_put_u16_at(w, at + BGP_MARKER_LEN, (uint16_t)(w->len - at));
}

/* Capabilities parameter: MP IPv4 unicast and 4-octet AS (RFC 5492, 4760, 6793). */
static void
good_caps(struct wbuf *w, uint32_t asn)
{
	wbuf_u8(w, 2);
	wbuf_u8(w, 12);
	wbuf_bytes(w, "\x01\x04\x00\x01\x00\x01", 6);
	wbuf_u8(w, 65);
	wbuf_u8(w, 4);
	wbuf_u32(w, asn);
}

/* open_with: an OPEN with the given fields and raw optional parameters. */
static void
open_with(struct wbuf *w, uint8_t version, uint16_t my_as, uint16_t hold, uint32_t id,
    const void *params, size_t plen)
{
	size_t at = hdr(w, BGP_MSG_OPEN);

	wbuf_u8(w, version);
	wbuf_u16(w, my_as);
	wbuf_u16(w, hold);
	wbuf_u32(w, id);
	wbuf_u8(w, (uint8_t)plen);
	wbuf_bytes(w, params, plen);
	end(w, at);
}

static void
open_std(struct wbuf *w, const struct evil_opts *o, uint8_t version, uint16_t my_as, uint16_t hold,
    uint32_t id)
{
	uint8_t mem[32];
	struct wbuf p;

	wbuf_init(&p, mem, sizeof(mem));
	good_caps(&p, o->asn);
	open_with(w, version, my_as, hold, id, p.p, p.len);
}

static uint16_t
my_as16(const struct evil_opts *o)
{
	return o->asn > 65535 ? BGP_AS_TRANS : (uint16_t)o->asn;
}

static void
b_good_open(struct wbuf *w, const struct evil_opts *o)
{
	open_std(w, o, BGP_VERSION, my_as16(o), o->hold, o->id);
}

static void
b_keepalive(struct wbuf *w, const struct evil_opts *o)
{
	(void)o;
	end(w, hdr(w, BGP_MSG_KEEPALIVE));
}

/* RFC 4271 §6.1: Connection Not Synchronized. */
static void
b_hdr_marker(struct wbuf *w, const struct evil_opts *o)
{
	b_keepalive(w, o);
	w->p[3] = 0x00;
}

/* Bad Message Length: shorter than a header. */
static void
b_hdr_len_short(struct wbuf *w, const struct evil_opts *o)
{
	size_t at = hdr(w, BGP_MSG_KEEPALIVE);

	(void)o;
	wbuf_put_u16_at(w, at + BGP_MARKER_LEN, 18);
}

/* Bad Message Length: a KEEPALIVE must be exactly 19 octets. */
static void
b_hdr_len_keepalive(struct wbuf *w, const struct evil_opts *o)
{
	size_t at = hdr(w, BGP_MSG_KEEPALIVE);

	(void)o;
	wbuf_u8(w, 0);
	end(w, at);
}

/* Bad Message Length: longer than the 4096 octets nobody negotiated past. */
static void
b_hdr_len_long(struct wbuf *w, const struct evil_opts *o)
{
	size_t at = hdr(w, BGP_MSG_UPDATE);

	(void)o;
	wbuf_fill(w, 0, BGP_MAX_LEN + 1 - BGP_HDR_LEN);
	end(w, at);
}

/* Bad Message Length: an UPDATE shorter than its 23-octet minimum. */
static void
b_hdr_len_update(struct wbuf *w, const struct evil_opts *o)
{
	size_t at = hdr(w, BGP_MSG_UPDATE);

	(void)o;
	wbuf_u16(w, 0);
	end(w, at);
}

/* Bad Message Type. */
static void
b_hdr_type(struct wbuf *w, const struct evil_opts *o)
{
	(void)o;
	end(w, hdr(w, 9));
}

/* RFC 4271 §6.2 OPEN message errors. */
static void
b_open_version(struct wbuf *w, const struct evil_opts *o)
{
	open_std(w, o, 3, my_as16(o), o->hold, o->id);
}

static void
b_open_peer_as(struct wbuf *w, const struct evil_opts *o)
{
	struct evil_opts other = *o;

	other.asn = o->asn + 1;
	open_std(w, &other, BGP_VERSION, my_as16(&other), o->hold, o->id);
}

static void
b_open_hold(struct wbuf *w, const struct evil_opts *o)
{
	open_std(w, o, BGP_VERSION, my_as16(o), 2, o->id);
}

static void
b_open_id(struct wbuf *w, const struct evil_opts *o)
{
	open_std(w, o, BGP_VERSION, my_as16(o), o->hold, 0);
}

/* An optional parameter of type 5: neither Capabilities (2) nor anything else known. */
static void
b_open_opt_param(struct wbuf *w, const struct evil_opts *o)
{
	open_with(w, BGP_VERSION, my_as16(o), o->hold, o->id, "\x05\x02\xab\xcd", 4);
}

/* RFC 5492: only an MP capability for L2VPN EVPN (25/70): nothing in common. */
static void
b_open_capability(struct wbuf *w, const struct evil_opts *o)
{
	open_with(
	    w, BGP_VERSION, my_as16(o), o->hold, o->id, "\x02\x06\x01\x04\x00\x19\x00\x46", 8);
}

/* A capability whose length runs past its parameter: malformed, 2/0 Unspecific. */
static void
b_open_malformed_cap(struct wbuf *w, const struct evil_opts *o)
{
	open_with(w, BGP_VERSION, my_as16(o), o->hold, o->id, "\x02\x04\x41\x08\x00\x00", 6);
}

/* ---- RFC 4271 §6.3 UPDATE errors, as RFC 7606 revised them ---- */

/* update: withdrawn routes, attributes and NLRI given raw. */
static void
update(struct wbuf *w, const void *wd, size_t wdlen, const void *attrs, size_t alen,
    const void *nlri, size_t nlen)
{
	size_t at = hdr(w, BGP_MSG_UPDATE);

	wbuf_u16(w, (uint16_t)wdlen);
	wbuf_bytes(w, wd, wdlen);
	wbuf_u16(w, (uint16_t)alen);
	wbuf_bytes(w, attrs, alen);
	wbuf_bytes(w, nlri, nlen);
	end(w, at);
}

/* ORIGIN IGP, AS_PATH (one AS_SEQUENCE of one 4-octet AS), NEXT_HOP 192.0.2.241. */
#define ATTR_ORIGIN  "\x40\x01\x01\x00"
#define ATTR_ASPATH  "\x40\x02\x06\x02\x01\x00\x00\xfc\x9a"
#define ATTR_NEXTHOP "\x40\x03\x04\xc0\x00\x02\xf1"
#define NLRI_198     "\x18\xc6\x33\x64" /* 198.51.100.0/24 */

/* Malformed Attribute List: the withdrawn length runs past the message. */
static void
b_upd_attr_list(struct wbuf *w, const struct evil_opts *o)
{
	size_t at = hdr(w, BGP_MSG_UPDATE);

	(void)o;
	wbuf_u16(w, 40);
	wbuf_u16(w, 0);
	end(w, at);
}

/* Unrecognized Well-known Attribute: type 200 without the optional bit. */
static void
b_upd_unrecognized(struct wbuf *w, const struct evil_opts *o)
{
	static const char a[] = ATTR_ORIGIN ATTR_ASPATH ATTR_NEXTHOP "\x40\xc8\x01\x00";

	(void)o;
	update(w, NULL, 0, a, sizeof(a) - 1, NLRI_198, 4);
}

/* Invalid Network Field: a /33 IPv4 prefix. */
static void
b_upd_network(struct wbuf *w, const struct evil_opts *o)
{
	static const char a[] = ATTR_ORIGIN ATTR_ASPATH ATTR_NEXTHOP;

	(void)o;
	update(w, NULL, 0, a, sizeof(a) - 1, "\x21\xc6\x33\x64\x00\x00", 6);
}

/* Two MP_UNREACH_NLRI attributes (RFC 7606 §3 g). */
static void
b_upd_mp_twice(struct wbuf *w, const struct evil_opts *o)
{
	static const char a[] = "\x80\x0f\x03\x00\x01\x01"
	                        "\x80\x0f\x03\x00\x01\x01";

	(void)o;
	update(w, NULL, 0, a, sizeof(a) - 1, NULL, 0);
}

/* Optional Attribute Error: MP_REACH_NLRI too short for its own fields (RFC 7606 §7.11). */
static void
b_upd_mp_malformed(struct wbuf *w, const struct evil_opts *o)
{
	static const char a[] = ATTR_ORIGIN ATTR_ASPATH "\x80\x0e\x02\x00\x02";

	(void)o;
	update(w, NULL, 0, a, sizeof(a) - 1, NULL, 0);
}

/* Missing Well-known Attribute: NLRI without NEXT_HOP (RFC 7606 §3 d: treat-as-withdraw). */
static void
b_upd_missing(struct wbuf *w, const struct evil_opts *o)
{
	static const char a[] = ATTR_ORIGIN ATTR_ASPATH;

	(void)o;
	update(w, NULL, 0, a, sizeof(a) - 1, NLRI_198, 4);
}

/* Invalid ORIGIN Attribute: value 7 (RFC 7606 §7.1: treat-as-withdraw). */
static void
b_upd_origin(struct wbuf *w, const struct evil_opts *o)
{
	static const char a[] = "\x40\x01\x01\x07" ATTR_ASPATH ATTR_NEXTHOP;

	(void)o;
	update(w, NULL, 0, a, sizeof(a) - 1, NLRI_198, 4);
}

/* Attribute Flags Error: ORIGIN marked optional (RFC 7606 §3 c: treat-as-withdraw). */
static void
b_upd_flags(struct wbuf *w, const struct evil_opts *o)
{
	static const char a[] = "\xc0\x01\x01\x00" ATTR_ASPATH ATTR_NEXTHOP;

	(void)o;
	update(w, NULL, 0, a, sizeof(a) - 1, NLRI_198, 4);
}

/* Attribute Length Error: a 2-octet NEXT_HOP (RFC 7606 §7.3: treat-as-withdraw). */
static void
b_upd_length(struct wbuf *w, const struct evil_opts *o)
{
	static const char a[] = ATTR_ORIGIN ATTR_ASPATH "\x40\x03\x02\xc0\x00";

	(void)o;
	update(w, NULL, 0, a, sizeof(a) - 1, NLRI_198, 4);
}

/* Malformed AS_PATH: segment type 9 (RFC 7606 §7.2: treat-as-withdraw). */
static void
b_upd_as_path(struct wbuf *w, const struct evil_opts *o)
{
	static const char a[] = ATTR_ORIGIN "\x40\x02\x06\x09\x01\x00\x00\xfc\x9a" ATTR_NEXTHOP;

	(void)o;
	update(w, NULL, 0, a, sizeof(a) - 1, NLRI_198, 4);
}

/* A well-formed UPDATE: the control case of the UPDATE class. */
static void
b_upd_good(struct wbuf *w, const struct evil_opts *o)
{
	static const char a[] = ATTR_ORIGIN ATTR_ASPATH ATTR_NEXTHOP;

	(void)o;
	update(w, NULL, 0, a, sizeof(a) - 1, NLRI_198, 4);
}

/* RFC 4271 §6.6 / RFC 6608: an UPDATE in OpenConfirm, an OPEN in Established. */
static void
b_fsm_update(struct wbuf *w, const struct evil_opts *o)
{
	b_upd_good(w, o);
}

/* RFC 7313 §5: a ROUTE-REFRESH whose body is not 4 octets. */
static void
b_rr_length(struct wbuf *w, const struct evil_opts *o)
{
	size_t at = hdr(w, BGP_MSG_ROUTE_REFRESH);

	(void)o;
	wbuf_bytes(w, "\x00\x01\x00\x01\x00", 5);
	end(w, at);
}

/* RFC 4271 §6.5: say nothing more; the speaker's hold timer expires. */
static void
b_silent(struct wbuf *w, const struct evil_opts *o)
{
	(void)w;
	(void)o;
}

static const struct evil_case cases[] = {
    {"hdr-marker", EVIL_PH_ESTABLISHED, b_hdr_marker, "marker not all ones"},
    {"hdr-len-short", EVIL_PH_ESTABLISHED, b_hdr_len_short, "length 18"},
    {"hdr-len-keepalive", EVIL_PH_ESTABLISHED, b_hdr_len_keepalive, "KEEPALIVE of 20"},
    {"hdr-len-long", EVIL_PH_ESTABLISHED, b_hdr_len_long, "UPDATE of 4097"},
    {"hdr-len-update", EVIL_PH_ESTABLISHED, b_hdr_len_update, "UPDATE of 21"},
    {"hdr-type", EVIL_PH_ESTABLISHED, b_hdr_type, "type 9"},
    {"open-version", EVIL_PH_OPEN, b_open_version, "version 3"},
    {"open-peer-as", EVIL_PH_OPEN, b_open_peer_as, "unexpected AS"},
    {"open-hold", EVIL_PH_OPEN, b_open_hold, "hold time 2"},
    {"open-id", EVIL_PH_OPEN, b_open_id, "identifier 0"},
    {"open-opt-param", EVIL_PH_OPEN, b_open_opt_param, "optional parameter 5"},
    {"open-capability", EVIL_PH_OPEN, b_open_capability, "no common AFI/SAFI"},
    {"open-malformed-cap", EVIL_PH_OPEN, b_open_malformed_cap, "capability overrun"},
    {"upd-attr-list", EVIL_PH_ESTABLISHED, b_upd_attr_list, "withdrawn length overrun"},
    {"upd-unrecognized", EVIL_PH_ESTABLISHED, b_upd_unrecognized, "well-known type 200"},
    {"upd-network", EVIL_PH_ESTABLISHED, b_upd_network, "prefix length 33"},
    {"upd-mp-twice", EVIL_PH_ESTABLISHED, b_upd_mp_twice, "MP_UNREACH_NLRI twice"},
    {"upd-mp-malformed", EVIL_PH_ESTABLISHED, b_upd_mp_malformed, "MP_REACH_NLRI of 2"},
    {"upd-missing", EVIL_PH_ESTABLISHED, b_upd_missing, "NLRI without NEXT_HOP"},
    {"upd-origin", EVIL_PH_ESTABLISHED, b_upd_origin, "ORIGIN 7"},
    {"upd-flags", EVIL_PH_ESTABLISHED, b_upd_flags, "ORIGIN marked optional"},
    {"upd-length", EVIL_PH_ESTABLISHED, b_upd_length, "NEXT_HOP of 2 octets"},
    {"upd-as-path", EVIL_PH_ESTABLISHED, b_upd_as_path, "AS_PATH segment type 9"},
    {"upd-good", EVIL_PH_ESTABLISHED, b_upd_good, "a valid UPDATE"},
    {"fsm-openconfirm", EVIL_PH_OPENCONFIRM, b_fsm_update, "UPDATE in OpenConfirm"},
    {"fsm-established", EVIL_PH_ESTABLISHED, b_good_open, "OPEN in Established"},
    {"rr-length", EVIL_PH_ESTABLISHED, b_rr_length, "ROUTE-REFRESH of 24"},
    {"hold", EVIL_PH_ESTABLISHED, b_silent, "no KEEPALIVE"},
};

/* ---- I/O ---- */

static int
send_all(int fd, const uint8_t *p, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
send_built(struct evil *e, evil_build_fn build)
{
	static uint8_t mem[BGP_MAX_LEN + 64];
	struct wbuf w;

	wbuf_init(&w, mem, sizeof(mem));
	build(&w, e->o);
	return w.err ? -1 : send_all(e->fd, w.p, w.len);
}

/* print_notification: the NOTIFICATION line for body[0..len). */
static void
print_notification(const uint8_t *body, size_t len)
{
	struct bgp_notify n;
	char text[1024];
	size_t i;

	if (bgp_notify_decode(body, len, &n) == -1) {
		printf("notification malformed\n");
		return;
	}
	printf("notification %u/%u data=", n.code, n.subcode);
	for (i = 0; i < n.datalen && i < 64; i++)
		printf("%02x", n.data[i]);
	printf(" (%s)\n", bgp_notify_str(&n, text, sizeof(text)));
}

enum evil_rx {
	EVIL_RX_MSG,    /* a message other than NOTIFICATION: type in *type */
	EVIL_RX_NOTIFY, /* printed */
	EVIL_RX_CLOSED, /* printed */
	EVIL_RX_TIMEOUT,
};

/* rx: read the next message until deadline; a NOTIFICATION or close is printed. */
static enum evil_rx
rx(struct evil *e, usec_t deadline, uint8_t *type)
{
	for (;;) {
		struct pollfd pfd = {.fd = e->fd, .events = POLLIN};
		usec_t now = mono_now();
		ssize_t n;

		if (e->inlen >= BGP_HDR_LEN) {
			size_t len = (size_t)e->in[16] << 8 | e->in[17];

			if (len < BGP_HDR_LEN)
				len = BGP_HDR_LEN;
			if (e->inlen >= len) {
				*type = e->in[18];
				if (*type == BGP_MSG_NOTIFICATION)
					print_notification(e->in + BGP_HDR_LEN, len - BGP_HDR_LEN);
				memmove(e->in, e->in + len, e->inlen - len);
				e->inlen -= len;
				return *type == BGP_MSG_NOTIFICATION ? EVIL_RX_NOTIFY : EVIL_RX_MSG;
			}
		}
		if (now >= deadline)
			return EVIL_RX_TIMEOUT;
		if (poll(&pfd, 1, (int)((deadline - now) / USEC_PER_MSEC) + 1) < 0 &&
		    errno != EINTR)
			return EVIL_RX_TIMEOUT;
		if (!(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = recv(e->fd, e->in + e->inlen, sizeof(e->in) - e->inlen, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			printf("closed\n");
			return EVIL_RX_CLOSED;
		}
		e->inlen += (size_t)n;
	}
}

/* expect: read until a message of type want; false when the session ended (printed). */
static bool
expect(struct evil *e, uint8_t want, usec_t deadline)
{
	uint8_t t = 0;

	for (;;) {
		switch (rx(e, deadline, &t)) {
		case EVIL_RX_MSG:
			if (t == want)
				return true;
			break;
		case EVIL_RX_NOTIFY:
		case EVIL_RX_CLOSED: return false;
		case EVIL_RX_TIMEOUT:
			printf("timeout waiting for message type %u\n", want);
			return false;
		}
	}
}

/* aftermath: after the bad message, report what the speaker did within o->wait; while
 * it says nothing the session is kept alive with KEEPALIVEs (except for "hold"). */
static void
aftermath(struct evil *e, bool keepalives)
{
	usec_t end = mono_now() + e->o->wait;
	uint8_t t;

	for (;;) {
		usec_t next = MIN(end, mono_now() + MSEC(500));

		switch (rx(e, next, &t)) {
		case EVIL_RX_MSG: break;
		case EVIL_RX_NOTIFY:
		case EVIL_RX_CLOSED: return;
		case EVIL_RX_TIMEOUT:
			if (mono_now() >= end) {
				struct bgp_notify n;
				uint8_t mem[BGP_HDR_LEN + 2];
				struct wbuf w;

				printf("none\n");
				/* Leave politely: an administrative reset. */
				bgp_notify_set(&n, BGP_ERR_CEASE, BGP_CEASE_ADMIN_RESET, NULL, 0);
				wbuf_init(&w, mem, sizeof(mem));
				if (bgp_notify_encode(&w, &n) == 0)
					(void)send_all(e->fd, w.p, w.len);
				return;
			}
			if (keepalives && send_built(e, b_keepalive) == -1) {
				printf("closed\n");
				return;
			}
			break;
		}
	}
}

/* run: the case on a connected socket; prints exactly one result line. */
static void
run(struct evil *e, const struct evil_case *c)
{
	usec_t deadline = mono_now() + SEC(10);

	/* Both sides send OPEN at once; read the speaker's before going on. */
	if (!expect(e, BGP_MSG_OPEN, deadline))
		return;
	if (c->phase != EVIL_PH_OPEN && send_built(e, b_good_open) == -1)
		goto closed;
	if (c->phase != EVIL_PH_OPEN && !expect(e, BGP_MSG_KEEPALIVE, deadline))
		return;
	if (c->phase == EVIL_PH_ESTABLISHED) {
		if (send_built(e, b_keepalive) == -1)
			goto closed;
		/* The speaker is Established once it has our KEEPALIVE; its first UPDATE (or
		 * the End-of-RIB) shows it. */
		if (!expect(e, BGP_MSG_UPDATE, deadline))
			return;
	}
	if (send_built(e, c->build) == -1)
		goto closed;
	aftermath(e, c->build != b_silent);
	return;
closed:
	printf("closed\n");
}

/* ---- setup ---- */

static int
open_socket(const struct evil_opts *o)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int one = 1, fd, c;

	fd = socket(o->peer.addr.af, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (o->local.addr.af != AF_UNSPEC) {
		sl = endpoint_to_sa(&o->local, &ss);
		if (bind(fd, (struct sockaddr *)&ss, sl) < 0)
			goto fail;
	}
	if (!o->listen) {
		sl = endpoint_to_sa(&o->peer, &ss);
		if (connect(fd, (struct sockaddr *)&ss, sl) < 0)
			goto fail;
		return fd;
	}
	if (listen(fd, 1) < 0)
		goto fail;
	c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
	close(fd);
	return c;
fail:
	close(fd);
	return -1;
}

static void
usage(void)
{
	fprintf(stderr, "usage: bgp_evil [--listen] --peer ADDR [--port N] [--local ADDR]\n"
	                "       --as AS --id A.B.C.D [--hold S] [--wait S] CASE\n"
	                "       bgp_evil --list\n");
	exit(2);
}

static void
list_cases(void)
{
	size_t i;

	for (i = 0; i < nitems(cases); i++)
		printf("%-20s %s\n", cases[i].name, cases[i].what);
}

static const struct evil_case *
find_case(const char *name)
{
	size_t i;

	for (i = 0; i < nitems(cases); i++)
		if (strcmp(cases[i].name, name) == 0)
			return &cases[i];
	return NULL;
}

static void
parse_args(int argc, char **argv, struct evil_opts *o, const struct evil_case **c)
{
	static const struct option opts[] = {
	    {"listen", no_argument, NULL, 'L'},
	    {"list", no_argument, NULL, 'l'},
	    {"peer", required_argument, NULL, 'p'},
	    {"port", required_argument, NULL, 'P'},
	    {"local", required_argument, NULL, 'b'},
	    {"as", required_argument, NULL, 'a'},
	    {"id", required_argument, NULL, 'i'},
	    {"hold", required_argument, NULL, 'h'},
	    {"wait", required_argument, NULL, 'w'},
	    {NULL, 0, NULL, 0},
	};
	struct addr id;
	int ch;

	memset(o, 0, sizeof(*o));
	o->peer.port = 179;
	o->hold = 3;
	o->wait = SEC(2);
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'L': o->listen = true; break;
		case 'l': list_cases(); exit(0);
		case 'p':
			if (addr_parse(optarg, &o->peer.addr) == -1)
				usage();
			break;
		case 'P': o->peer.port = (uint16_t)strtoul(optarg, NULL, 10); break;
		case 'b':
			if (addr_parse(optarg, &o->local.addr) == -1)
				usage();
			break;
		case 'a': o->asn = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'i':
			if (addr_parse(optarg, &id) == -1 || id.af != AF_INET)
				usage();
			o->id = ntohl(id.u.v4.s_addr);
			break;
		case 'h': o->hold = (uint16_t)strtoul(optarg, NULL, 10); break;
		case 'w': o->wait = (usec_t)(strtod(optarg, NULL) * USEC_PER_SEC); break;
		default: usage();
		}
	}
	if (optind != argc - 1 || o->asn == 0 || o->id == 0 || o->peer.addr.af == AF_UNSPEC)
		usage();
	if ((*c = find_case(argv[optind])) == NULL)
		usage();
	/* --listen: the port is ours; the peer address only picks the family. */
	if (o->listen) {
		o->local.port = o->peer.port;
		if (o->local.addr.af == AF_UNSPEC)
			o->local.addr.af = o->peer.addr.af;
	}
}

int
main(int argc, char **argv)
{
	static struct evil e;
	struct evil_opts o;
	const struct evil_case *c;

	parse_args(argc, argv, &o, &c);
	e.o = &o;
	e.fd = open_socket(&o);
	if (e.fd < 0) {
		fprintf(stderr, "bgp_evil: %s: %s\n", c->name, strerror(errno));
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	run(&e, c);
	close(e.fd);
	return 0;
}
