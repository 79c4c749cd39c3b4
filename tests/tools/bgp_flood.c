/* bgp_flood: play a router that sends a full table to a pharos speaker, for
 * t_bgp_scale.sh and the bench. It connects to (or accepts from) the speaker, brings the
 * session up, then sends N IPv4 and M IPv6 prefixes as fast as the socket takes them,
 * followed by End-of-RIB, while keeping its own side of the session alive (KEEPALIVEs at
 * a third of the hold time, reading and discarding what the speaker sends). --delay
 * waits that many milliseconds after Established before flooding (time to measure the
 * speaker at rest).
 *
 * Prefixes: IPv4 /32s cycling through 198.18.0.0/15 (RFC 2544 benchmarking space) and
 * IPv6 /48s cycling through 2001:db8::/32; the speaker stores nothing, so repeats only
 * count again. Output on stdout, one line each:
 *   established
 *   done ipv4=N ipv6=M seconds=S rate=R      (prefixes per second)
 * where S runs until the last byte is written or, with --sync, until the speaker answers
 * a ROUTE-REFRESH sent after the table (so it has parsed all of it; the speaker must
 * have an IPv4 route to re-announce).
 * It then stays up until stdin reaches end of file (or --linger seconds pass), and exits
 * 1 on a NOTIFICATION or a lost connection. */
#define _GNU_SOURCE /* accept4 */
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
#include "lib/log.h"
#include "lib/mono.h"
#include "lib/util.h"

#define OBUF_SIZE (64 * 1024)
#define RBUF_SIZE (64 * 1024)
#define CHUNK     1024 /* prefixes generated per encode call */

struct flood {
	int fd;
	uint32_t asn, peer_as, id;
	uint16_t hold;
	struct bgp_caps caps;
	struct bgp_attrs attrs;
	uint64_t n4, n6, sent4, sent6;
	usec_t ka_interval, next_ka;
	uint8_t out[OBUF_SIZE];
	size_t olen, ooff;
	uint8_t in[RBUF_SIZE];
	size_t ilen;
	uint64_t rx_msgs, rx_updates;
	bool sync; /* --sync: end with a ROUTE-REFRESH and wait for the answer */
};

static void
usage(void)
{
	fprintf(stderr, "usage: bgp_flood (--connect ADDR | --listen ADDR) [--port N] [--asn AS]\n"
	                "       [--peer-as AS] [--id A.B.C.D] [--hold S] [--count N] [--count6 N]\n"
	                "       [--nh4 A] [--nh6 A] [--delay MS] [--sync] [--linger S]\n");
	exit(2);
}

/* ---- socket ---- */

static int
open_session(const struct endpoint *e, bool listen_mode)
{
	struct sockaddr_storage ss;
	socklen_t sl = endpoint_to_sa(e, &ss);
	int fd, lfd, one = 1;

	if (!listen_mode) {
		fd = socket(e->addr.af, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd == -1 || connect(fd, (struct sockaddr *)&ss, sl) == -1)
			fatal("connect");
		return fd;
	}
	lfd = socket(e->addr.af, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd == -1)
		fatal("socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&ss, sl) == -1 || listen(lfd, 1) == -1)
		fatal("listen");
	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd == -1)
		fatal("accept");
	close(lfd);
	return fd;
}

static void
write_all(int fd, const uint8_t *p, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			fatal("write");
		}
		p += n;
		len -= (size_t)n;
	}
}

/* next_msg: a whole message from f->in, blocking; returns its length. */
static size_t
next_msg(struct flood *f, uint8_t *msg)
{
	for (;;) {
		if (f->ilen >= BGP_HDR_LEN) {
			size_t len = (size_t)f->in[16] << 8 | f->in[17];

			if (len < BGP_HDR_LEN || len > BGP_MAX_LEN)
				fatalx("bad message length %zu", len);
			if (f->ilen >= len) {
				memcpy(msg, f->in, len);
				memmove(f->in, f->in + len, f->ilen - len);
				f->ilen -= len;
				return len;
			}
		}
		ssize_t n = read(f->fd, f->in + f->ilen, sizeof(f->in) - f->ilen);

		if (n == 0)
			fatalx("connection closed by the speaker");
		if (n < 0 && errno != EINTR)
			fatal("read");
		if (n > 0)
			f->ilen += (size_t)n;
	}
}

static void
check_notification(const uint8_t *msg, size_t len)
{
	struct bgp_notify n;
	char s[512];

	if (msg[18] != BGP_MSG_NOTIFICATION)
		return;
	if (bgp_notify_decode(msg + BGP_HDR_LEN, len - BGP_HDR_LEN, &n) == 0)
		fatalx("received notification %s", bgp_notify_str(&n, s, sizeof(s)));
	fatalx("received a malformed notification");
}

/* ---- session ---- */

static void
establish(struct flood *f)
{
	struct bgp_open_params op = {
	    .asn = f->asn, .hold = f->hold, .id = f->id, .families = BGP_AFM_IPV4 | BGP_AFM_IPV6};
	uint8_t mem[BGP_MAX_LEN];
	struct bgp_notify err;
	struct bgp_open o;
	struct wbuf w;
	size_t len;

	wbuf_init(&w, mem, sizeof(mem));
	if (bgp_open_encode(&w, &op) == -1)
		fatalx("cannot encode OPEN");
	write_all(f->fd, w.p, w.len);
	len = next_msg(f, mem);
	check_notification(mem, len);
	if (mem[18] != BGP_MSG_OPEN ||
	    bgp_open_decode(mem + BGP_HDR_LEN, len - BGP_HDR_LEN, &o, &err) == -1 ||
	    bgp_open_negotiate(&o, f->peer_as, BGP_AFM_IPV4 | BGP_AFM_IPV6, &f->caps, &err) == -1)
		fatalx("bad OPEN from the speaker");
	f->hold = MIN(f->hold, o.hold);
	f->ka_interval = f->hold ? MAX(SEC(f->hold) / 3, SEC(1)) : 0;
	wbuf_init(&w, mem, sizeof(mem));
	bgp_keepalive_encode(&w);
	write_all(f->fd, w.p, w.len);
	len = next_msg(f, mem);
	check_notification(mem, len);
	if (mem[18] != BGP_MSG_KEEPALIVE)
		fatalx("expected KEEPALIVE, got type %u", mem[18]);
	f->next_ka = mono_now() + f->ka_interval;
	printf("established\n");
	fflush(stdout);
}

/* gen: the i-th prefix of family af. */
static void
gen(int af, uint64_t i, struct prefix *p)
{
	memset(p, 0, sizeof(*p));
	if (af == BGP_AF_IPV4) {
		p->addr.af = AF_INET;
		p->addr.u.v4.s_addr = htonl(0xc6120000u | (uint32_t)(i & 0x1ffff));
		p->len = 32;
	} else {
		p->addr.af = AF_INET6;
		p->addr.u.b[0] = 0x20, p->addr.u.b[1] = 0x01, p->addr.u.b[2] = 0x0d;
		p->addr.u.b[3] = 0xb8;
		p->addr.u.b[4] = (uint8_t)(i >> 8), p->addr.u.b[5] = (uint8_t)i;
		p->len = 48;
	}
}

/* fill: append UPDATEs to the output buffer while there is room and prefixes remain;
 * then the End-of-RIB markers. Returns true once everything is queued. */
static bool
fill(struct flood *f, bool *eor_sent)
{
	static struct prefix chunk[CHUNK];
	uint64_t *sent;
	size_t i, n, done;
	int af;
	struct wbuf w;

	if (f->ooff > 0) {
		memmove(f->out, f->out + f->ooff, f->olen - f->ooff);
		f->olen -= f->ooff;
		f->ooff = 0;
	}
	while (sizeof(f->out) - f->olen >= BGP_MAX_LEN) {
		af = f->sent4 < f->n4 ? BGP_AF_IPV4 : f->sent6 < f->n6 ? BGP_AF_IPV6 : -1;
		if (af < 0)
			break;
		sent = af == BGP_AF_IPV4 ? &f->sent4 : &f->sent6;
		n = (size_t)MIN((uint64_t)CHUNK, (af == BGP_AF_IPV4 ? f->n4 : f->n6) - *sent);
		for (i = 0; i < n; i++)
			gen(af, *sent + i, &chunk[i]);
		wbuf_init(&w, f->out + f->olen, BGP_MAX_LEN);
		if (bgp_update_encode(&w, &f->caps, &f->attrs, chunk, n, &done) == -1)
			fatalx("cannot encode UPDATE");
		f->olen += w.len;
		*sent += done;
	}
	if (f->sent4 < f->n4 || f->sent6 < f->n6)
		return false;
	if (!*eor_sent && sizeof(f->out) - f->olen >= 64) {
		for (af = 0; af < BGP_AF_COUNT; af++) {
			wbuf_init(&w, f->out + f->olen, 32);
			bgp_eor_encode(&w, (enum bgp_af)af);
			f->olen += w.len;
		}
		*eor_sent = true;
	}
	return *eor_sent;
}

static void
queue_keepalive(struct flood *f)
{
	struct wbuf w;

	if (f->ooff > 0) {
		memmove(f->out, f->out + f->ooff, f->olen - f->ooff);
		f->olen -= f->ooff;
		f->ooff = 0;
	}
	if (sizeof(f->out) - f->olen < BGP_HDR_LEN)
		return; /* the buffer drains soon; the next turn queues it */
	wbuf_init(&w, f->out + f->olen, BGP_HDR_LEN);
	bgp_keepalive_encode(&w);
	f->olen += w.len;
	f->next_ka = mono_now() + f->ka_interval;
}

/* drain_input: read and discard what the speaker sends, stopping on a NOTIFICATION. */
static void
drain_input(struct flood *f)
{
	uint8_t msg[BGP_MAX_LEN];
	ssize_t n = recv(f->fd, f->in + f->ilen, sizeof(f->in) - f->ilen, MSG_DONTWAIT);

	if (n == 0)
		fatalx("connection closed by the speaker");
	if (n < 0)
		return;
	f->ilen += (size_t)n;
	while (f->ilen >= BGP_HDR_LEN) {
		size_t len = (size_t)f->in[16] << 8 | f->in[17];

		if (len < BGP_HDR_LEN || len > BGP_MAX_LEN)
			fatalx("bad message length %zu", len);
		if (f->ilen < len)
			break;
		memcpy(msg, f->in, len);
		check_notification(msg, len);
		f->rx_msgs++;
		if (msg[18] == BGP_MSG_UPDATE)
			f->rx_updates++;
		memmove(f->in, f->in + len, f->ilen - len);
		f->ilen -= len;
	}
}

static void
run(struct flood *f, int linger, usec_t delay)
{
	usec_t start = mono_now() + delay, end_at = 0;
	bool eor = false, queued = false, reported = false, stdin_open = true, rr = false;
	uint64_t rx_at_rr = 0;

	for (;;) {
		struct pollfd pfd[2] = {
		    {.fd = f->fd, .events = POLLIN}, {.fd = 0, .events = POLLIN}};
		usec_t now = mono_now(), wait = -1;
		int timeout;

		if (!queued && now >= start)
			queued = fill(f, &eor);
		if (f->ka_interval && now >= f->next_ka)
			queue_keepalive(f);
		if (f->olen > f->ooff)
			pfd[0].events |= POLLOUT;
		if (queued && f->sync && !rr && sizeof(f->out) - f->olen >= 32) {
			struct wbuf w;

			/* Messages are handled in order: the answer to this comes only once the
			 * speaker has parsed the whole table. */
			wbuf_init(&w, f->out + f->olen, 32);
			bgp_rr_encode(&w, BGP_AFI_IPV4, BGP_SAFI_UNICAST, BGP_RR_NORMAL);
			f->olen += w.len;
			rx_at_rr = f->rx_updates;
			rr = true;
		}
		if (queued && f->olen == f->ooff && !reported &&
		    (!f->sync || f->rx_updates > rx_at_rr)) {
			usec_t d = mono_now() - start;
			double s = (double)d / 1e6;

			printf("done ipv4=%llu ipv6=%llu seconds=%.3f rate=%.0f\n",
			    (unsigned long long)f->sent4, (unsigned long long)f->sent6, s,
			    s > 0 ? (double)(f->sent4 + f->sent6) / s : 0.0);
			fflush(stdout);
			reported = true;
			if (linger >= 0)
				end_at = mono_now() + SEC(linger);
		}
		if (reported && end_at && mono_now() >= end_at)
			return;
		if (f->ka_interval)
			wait = MAX(0, f->next_ka - now);
		if (now < start)
			wait = wait < 0 ? start - now : MIN(wait, start - now);
		if (end_at)
			wait = wait < 0 ? MAX(0, end_at - now) : MIN(wait, MAX(0, end_at - now));
		timeout = wait < 0 ? -1 : (int)(wait / USEC_PER_MSEC + 1);
		if (poll(pfd, stdin_open ? 2 : 1, timeout) == -1 && errno != EINTR)
			fatal("poll");
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))
			drain_input(f);
		if (pfd[0].revents & POLLOUT) {
			ssize_t n = send(f->fd, f->out + f->ooff, f->olen - f->ooff,
			    MSG_NOSIGNAL | MSG_DONTWAIT);

			if (n < 0 && errno != EAGAIN && errno != EINTR)
				fatal("write");
			if (n > 0)
				f->ooff += (size_t)n;
		}
		if (stdin_open && (pfd[1].revents & (POLLIN | POLLHUP))) {
			char b[256];

			if (read(0, b, sizeof(b)) <= 0) {
				stdin_open = false;
				if (reported)
					return;
				linger = 0; /* leave once everything is sent */
			}
		}
	}
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"connect", required_argument, NULL, 'c'},
	    {"listen", required_argument, NULL, 'l'},
	    {"port", required_argument, NULL, 'P'},
	    {"asn", required_argument, NULL, 'a'},
	    {"peer-as", required_argument, NULL, 'A'},
	    {"id", required_argument, NULL, 'i'},
	    {"hold", required_argument, NULL, 'H'},
	    {"count", required_argument, NULL, 'n'},
	    {"count6", required_argument, NULL, '6'},
	    {"nh4", required_argument, NULL, 'x'},
	    {"nh6", required_argument, NULL, 'y'},
	    {"linger", required_argument, NULL, 'L'},
	    {"delay", required_argument, NULL, 'D'},
	    {"sync", no_argument, NULL, 'S'},
	    {NULL, 0, NULL, 0},
	};
	static struct flood f;
	struct endpoint e = {.port = 179};
	struct addr id;
	bool have_addr = false, listen_mode = false;
	usec_t delay = 0;
	int ch, linger = -1;

	f.asn = 64500;
	f.peer_as = 64501;
	f.id = 0xc0000201u;
	f.hold = 90;
	f.n4 = 1000000;
	f.n6 = 10000;
	addr_parse("192.0.2.1", &f.attrs.nh4);
	addr_parse("2001:db8:1::1", &f.attrs.nh6);
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'l': listen_mode = true; /* fall through */
		case 'c':
			if (addr_parse(optarg, &e.addr) == -1)
				usage();
			have_addr = true;
			break;
		case 'P': e.port = (uint16_t)atoi(optarg); break;
		case 'a': f.asn = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'A': f.peer_as = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'i':
			if (addr_parse(optarg, &id) == -1 || id.af != AF_INET)
				usage();
			f.id = ntohl(id.u.v4.s_addr);
			break;
		case 'H': f.hold = (uint16_t)atoi(optarg); break;
		case 'n': f.n4 = strtoull(optarg, NULL, 10); break;
		case '6': f.n6 = strtoull(optarg, NULL, 10); break;
		case 'x': addr_parse(optarg, &f.attrs.nh4); break;
		case 'y': addr_parse(optarg, &f.attrs.nh6); break;
		case 'L': linger = atoi(optarg); break;
		case 'D': delay = MSEC(atoi(optarg)); break;
		case 'S': f.sync = true; break;
		default: usage();
		}
	}
	if (!have_addr || (f.hold > 0 && f.hold < 3))
		usage();
	log_init("bgp_flood", LOG_LVL_INFO, 0);
	f.attrs.asn = f.asn;
	f.fd = open_session(&e, listen_mode);
	establish(&f);
	run(&f, linger, delay);
	close(f.fd);
	return 0;
}
