/* dns: the dns probe: one query (RFC 1035) over UDP or TCP to the server, with a random
 * ID from a fresh socket (so a fresh, kernel-randomised source port). The UDP socket is
 * connect()ed, so an ICMP port unreachable fails the check at once; answers whose ID or
 * question differ from ours are ignored. Checks expect_rcode, the AA bit and optionally
 * expect_answer (an answer RR whose RDATA in presentation form equals it; for SOA the
 * serial alone also matches). A truncated UDP answer is enough for rcode and AA; with
 * expect_answer the query is repeated over TCP within the same check. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/dnswire.h"
#include "lib/util.h"
#include "probes/dns.h"
#include "probes/probe_ops.h"

#define DNS_QUERY_MAX 512
#define DNS_UDP_RECV  4096
#define DNS_TCP_MAX   (2 + 65535)
#define DNS_READS     8 /* datagrams read per wake-up: stray ones cannot hog the loop */

struct dns_probe {
	struct probe *p;
	struct loop *loop;
	const struct probe_cfg *cfg;
	uint8_t qname[DNS_NAME_MAX];
	int fd;
	bool tcp; /* this attempt is over TCP */
	uint16_t id;
	uint8_t query[2 + DNS_QUERY_MAX]; /* TCP length prefix, then the message */
	size_t qlen;                      /* message length, prefix excluded */
	size_t sent;                      /* TCP: bytes of prefix+message written */
	uint8_t *rbuf;                    /* DNS_TCP_MAX bytes */
	size_t rlen;
};

static void *
dns_create(struct probe *p, struct loop *l, const struct probe_cfg *cfg)
{
	struct dns_probe *d;
	const char *why = NULL;
	size_t len;

	if (cfg->dns.server.addr.af == AF_UNSPEC || cfg->dns.qname == NULL) {
		log_warnx("probe %s: dns server or qname not set", cfg->name);
		return NULL;
	}
	d = xcalloc(1, sizeof(*d));
	if (dns_name_from_text(
	        cfg->dns.qname, strlen(cfg->dns.qname), NULL, d->qname, &len, &why) == -1) {
		log_warnx("probe %s: qname %s: %s", cfg->name, cfg->dns.qname, why);
		free(d);
		return NULL;
	}
	d->p = p;
	d->loop = l;
	d->cfg = cfg;
	d->fd = -1;
	d->rbuf = xmalloc(DNS_TCP_MAX);
	return d;
}

static void
dns_close(struct dns_probe *d)
{
	if (d->fd == -1)
		return;
	loop_fd_del(d->loop, d->fd);
	close(d->fd);
	d->fd = -1;
}

static void
dns_fail(struct dns_probe *d, const char *what, int err)
{
	dns_close(d);
	if (what != NULL)
		probe_check_done(d->p, false, "%s: %s", what, probe_errno_reason(err));
	else
		probe_check_done(d->p, false, "%s", probe_errno_reason(err));
}

/* ---- judging an answer ---- */

/* dns_rr_matches: rr's data in presentation form equals want; for SOA the serial alone
 * ("2024010101") is accepted too. */
static bool
dns_rr_matches(const struct dns_rr *rr, const char *want)
{
	char text[DNS_NAME_TEXTMAX * 2 + 64], *s = text;
	size_t n = strlen(want);
	int i;

	if (dns_rdata_to_text(rr->type, &rr->rdata, text, sizeof(text)) < 0)
		return false;
	if (strcasecmp(text, want) == 0)
		return true;
	if (rr->type != DNS_T_SOA)
		return false;
	for (i = 0; i < 2 && s != NULL; i++) /* skip mname and rname */
		if ((s = strchr(s, ' ')) != NULL)
			s++;
	return s != NULL && strncmp(s, want, n) == 0 && (s[n] == ' ' || s[n] == '\0');
}

int
probe_dns_parse(
    const struct probe_dns_query *pq, const uint8_t *msg, size_t len, struct probe_dns_answer *a)
{
	struct dns_question q;
	struct dns_rr rr;
	struct dns_edns e;
	struct buf b;
	unsigned i, total;

	memset(a, 0, sizeof(*a));
	buf_init(&b, msg, len);
	if (dns_header_get(&b, &a->h) == -1 || a->h.id != pq->id || !(a->h.flags & DNS_F_QR))
		return 0;
	a->rcode = DNS_RCODE(a->h.flags);
	/* Some servers drop the question from error answers; the ID must then do. */
	if (a->h.qdcount == 0 && a->rcode != DNS_R_NOERROR)
		return 1;
	if (a->h.qdcount != 1 || dns_question_get(&b, &q) == -1)
		return 0;
	if (!dns_name_eq(q.name, pq->qname) || q.qtype != pq->qtype || q.qclass != DNS_C_IN)
		return 0;
	total = (unsigned)a->h.ancount + a->h.nscount + a->h.arcount;
	for (i = 0; i < total; i++) {
		if (dns_rr_get(&b, &rr) == -1)
			return (a->h.flags & DNS_F_TC) ? 1 : -1; /* truncated: keep what we have */
		if (i < a->h.ancount && pq->expect_answer != NULL &&
		    dns_rr_matches(&rr, pq->expect_answer))
			a->matched = true;
		if (rr.type == DNS_T_OPT && i >= (unsigned)a->h.ancount + a->h.nscount &&
		    dns_edns_parse(&rr, &e) == 0)
			a->rcode |= (uint16_t)(e.ext_rcode << 4);
	}
	return 1;
}

/* dns_parse: probe_dns_parse against this probe's query. */
static int
dns_parse(const struct dns_probe *d, const uint8_t *msg, size_t len, struct probe_dns_answer *a)
{
	const struct probe_dns_query q = {
	    d->id, d->qname, d->cfg->dns.qtype, d->cfg->dns.expect_answer};

	return probe_dns_parse(&q, msg, len, a);
}

static void dns_start_tcp(struct dns_probe *d);

/* dns_judge: the verdict on an answer to us, as the last thing this check does. */
static void
dns_judge(struct dns_probe *d, const struct probe_dns_answer *a)
{
	const struct probe_cfg *cfg = d->cfg;
	char rcbuf[DNS_TYPE_TEXTMAX];
	const char *rc = dns_rcode_to_text(a->rcode, rcbuf);
	bool tc = (a->h.flags & DNS_F_TC) != 0;

	dns_close(d);
	if (a->rcode != cfg->dns.expect_rcode)
		probe_check_done(d->p, false, "rcode %s", rc);
	else if (cfg->dns.expect_aa && !(a->h.flags & DNS_F_AA))
		probe_check_done(d->p, false, "rcode %s, not authoritative", rc);
	else if (cfg->dns.expect_answer != NULL && !a->matched && tc && !d->tcp)
		dns_start_tcp(d); /* truncated: the answer section needs TCP */
	else if (cfg->dns.expect_answer != NULL && !a->matched)
		probe_check_done(d->p, false, "rcode %s, no answer %s", rc, cfg->dns.expect_answer);
	else
		probe_check_done(d->p, true, "rcode %s%s", rc, d->tcp ? " (tcp)" : "");
}

/* dns_got: handle one message; true when it ended this attempt (d may be freed). */
static bool
dns_got(struct dns_probe *d, const uint8_t *msg, size_t len)
{
	struct probe_dns_answer a;

	switch (dns_parse(d, msg, len, &a)) {
	case 1: dns_judge(d, &a); return true;
	case -1:
		dns_close(d);
		probe_check_done(d->p, false, "malformed answer");
		return true;
	default:
		log_debug("probe %s: ignored an answer not to our query", d->cfg->name);
		return false;
	}
}

/* ---- transport ---- */

static int
dns_socket(struct dns_probe *d, int type)
{
	struct sockaddr_storage ss;
	socklen_t sl = endpoint_to_sa(&d->cfg->dns.server, &ss);

	d->fd = socket(ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (d->fd == -1)
		return -1;
	if (connect(d->fd, (struct sockaddr *)&ss, sl) == -1 && errno != EINPROGRESS)
		return -1;
	return 0;
}

static void
dns_on_udp(int fd, uint32_t events, void *arg)
{
	struct dns_probe *d = arg;
	ssize_t r;
	int i;

	(void)events;
	for (i = 0; i < DNS_READS; i++) {
		r = recv(fd, d->rbuf, DNS_UDP_RECV, 0);
		if (r == -1 && (errno == EAGAIN || errno == EINTR))
			return;
		if (r == -1) {
			dns_fail(d, NULL, errno); /* ECONNREFUSED: ICMP port unreachable */
			return;
		}
		if (dns_got(d, d->rbuf, (size_t)r))
			return;
	}
}

static void
dns_on_tcp(int fd, uint32_t events, void *arg)
{
	struct dns_probe *d = arg;
	size_t want;
	ssize_t r;

	(void)events;
	if (d->sent < 2 + d->qlen) {
		r = send(fd, d->query + d->sent, 2 + d->qlen - d->sent, MSG_NOSIGNAL);
		if (r == -1 && errno != EAGAIN && errno != EINTR) {
			dns_fail(d, NULL, errno);
			return;
		}
		d->sent += r > 0 ? (size_t)r : 0;
		if (d->sent == 2 + d->qlen)
			loop_fd_mod(d->loop, fd, EPOLLIN);
		return;
	}
	want = d->rlen < 2 ? 2 : 2 + ((size_t)d->rbuf[0] << 8 | d->rbuf[1]);
	r = recv(fd, d->rbuf + d->rlen, want - d->rlen, 0);
	if (r == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) {
		dns_fail(d, NULL, r == 0 ? ECONNRESET : errno);
		return;
	}
	d->rlen += (size_t)r;
	if (d->rlen >= 2 && d->rlen == 2 + ((size_t)d->rbuf[0] << 8 | d->rbuf[1]))
		dns_got(d, d->rbuf + 2, d->rlen - 2);
	/* An answer not to us over TCP cannot be followed by ours: wait for the timeout. */
}

static void
dns_start_tcp(struct dns_probe *d)
{
	d->tcp = true;
	d->sent = 0;
	d->rlen = 0;
	if (dns_socket(d, SOCK_STREAM) == -1) {
		dns_fail(d, NULL, errno);
		return;
	}
	if (loop_fd_add(d->loop, d->fd, EPOLLOUT, dns_on_tcp, d) == -1)
		dns_fail(d, "loop_fd_add", errno);
}

static void
dns_start_udp(struct dns_probe *d)
{
	d->tcp = false;
	if (dns_socket(d, SOCK_DGRAM) == -1) {
		dns_fail(d, NULL, errno);
		return;
	}
	if (send(d->fd, d->query + 2, d->qlen, 0) != (ssize_t)d->qlen) {
		dns_fail(d, NULL, errno);
		return;
	}
	if (loop_fd_add(d->loop, d->fd, EPOLLIN, dns_on_udp, d) == -1)
		dns_fail(d, "loop_fd_add", errno);
}

static void
dns_start(void *st)
{
	struct dns_probe *d = st;
	struct wbuf w;
	int n;

	d->id = (uint16_t)rand_u32();
	wbuf_init(&w, d->query + 2, DNS_QUERY_MAX);
	/* No RD: the point is what this server itself holds. EDNS so big answers fit. */
	n = dns_query_build(&w, d->id, 0, d->qname, d->cfg->dns.qtype, DNS_UDP_DEFAULT, false);
	if (n < 0) {
		probe_check_done(d->p, false, "query does not fit");
		return;
	}
	d->qlen = (size_t)n;
	d->query[0] = (uint8_t)(n >> 8);
	d->query[1] = (uint8_t)n;
	if (d->cfg->dns.tcp)
		dns_start_tcp(d);
	else
		dns_start_udp(d);
}

static void
dns_cancel(void *st)
{
	dns_close(st);
}

static void
dns_destroy(void *st)
{
	struct dns_probe *d = st;

	if (d == NULL)
		return;
	dns_close(d);
	free(d->rbuf);
	free(d);
}

const struct probe_ops probe_dns_ops = {
    .name = "dns",
    .create = dns_create,
    .start = dns_start,
    .cancel = dns_cancel,
    .destroy = dns_destroy,
};
