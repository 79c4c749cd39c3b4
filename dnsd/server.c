/* server: sockets, worker threads, TCP connections, reloads. */
#define _GNU_SOURCE /* recvmmsg, sendmmsg, accept4 */
#include "dnsd/server.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dnsd/answer.h"
#include "dnsd/zone.h"
#include "lib/log.h"
#include "lib/privdrop.h"
#include "lib/loop.h"
#include "lib/util.h"

#define UDP_BATCH    64
#define UDP_IN       4096
#define WORKER_POLL  200 /* ms: how long a worker may take to notice a reload or stop */
#define TCP_MSG_MAX  65535
#define TCP_OUT_HIGH (1024 * 1024) /* stop reading while this much output waits */
#define TCP_PER_TURN 32            /* queries answered per connection per loop turn */

struct worker {
	struct dnsd_server *srv;
	pthread_t tid;
	bool started;
	int fds[DNSD_LISTEN_MAX];
	size_t nfds;
	_Atomic uint64_t quiescent; /* the reload generation seen holding no zone pointer */
	uint8_t (*in)[UDP_IN];
	uint8_t *out; /* UDP_BATCH slots of max_udp bytes */
	struct mmsghdr rmsg[UDP_BATCH], smsg[UDP_BATCH];
	struct iovec riov[UDP_BATCH], siov[UDP_BATCH];
	struct sockaddr_storage addr[UDP_BATCH];
};

struct tcp_conn {
	LIST_ENTRY(tcp_conn) entry;
	struct dnsd_server *srv;
	int fd;
	struct endpoint peer;
	bool eof;
	uint8_t in[2 + TCP_MSG_MAX];
	size_t inlen;
	uint8_t *out;
	size_t outlen, outoff, outcap;
	struct loop_timer idle;
};

struct dnsd_server {
	const struct dnsd_conf *conf;
	struct answer_cfg acfg;
	char identity[256];
	char version[256];
	_Atomic(struct zone_set *) zones;
	_Atomic uint64_t gen;
	atomic_bool stop;
	struct worker *workers;
	unsigned nworkers;
	int tcp_fds[DNSD_LISTEN_MAX];
	size_t ntcp;
	struct loop *loop;
	LIST_HEAD(, tcp_conn) conns;
	unsigned nconns;
	uint8_t tcpbuf[TCP_MSG_MAX];
};

/* ---- zones ---- */

static struct zone_set *
zones_load(const struct dnsd_conf *c, const struct zone_set *old)
{
	struct zone_set *zs = xcalloc(1, sizeof(*zs));

	zs->z = xcalloc(c->nzones, sizeof(*zs->z));
	for (size_t i = 0; i < c->nzones; i++) {
		struct zone *z = zone_load(c->zones[i].name, c->zones[i].file, NULL, NULL);

		if (z == NULL && old != NULL && i < old->n && old->z[i] != NULL) {
			log_warnx(
			    "zone %s: not loaded, still serving the old data", c->zones[i].name);
			z = old->z[i];
		} else if (z == NULL) {
			log_warnx("zone %s: not loaded", c->zones[i].name);
			zs->n = i;
			zone_set_free(zs);
			return NULL;
		} else {
			log_info("zone %s: %zu records from %s", c->zones[i].name, z->nrecords,
			    c->zones[i].file);
		}
		zs->z[i] = z;
	}
	zs->n = c->nzones;
	return zs;
}

/* Free old except the zones that new still uses (kept when their reload failed). */
static void
zones_free_old(struct zone_set *old, const struct zone_set *new)
{
	for (size_t i = 0; i < old->n; i++) {
		bool kept = false;

		for (size_t k = 0; k < new->n && !kept; k++)
			kept = new->z[k] == old->z[i];
		if (!kept)
			zone_free(old->z[i]);
	}
	free(old->z);
	free(old);
}

/* Swap in a new zone set, then wait until every worker has passed a point where it holds
 * no zone pointer (a grace period, as in RCU) before freeing the old one. */
static void
reload(struct dnsd_server *s)
{
	struct zone_set *old = atomic_load(&s->zones), *new;
	uint64_t g;

	log_info("reloading zones");
	if ((new = zones_load(s->conf, old)) == NULL)
		return;
	atomic_store(&s->zones, new);
	g = atomic_fetch_add(&s->gen, 1) + 1;
	for (unsigned i = 0; i < s->nworkers; i++) {
		struct worker *w = &s->workers[i];

		while (w->started && atomic_load(&w->quiescent) < g)
			usleep(1000);
	}
	zones_free_old(old, new);
}

/* ---- sockets ---- */

static int
open_socket(const struct endpoint *ep, int type, bool reuseport)
{
	struct sockaddr_storage ss;
	socklen_t sl = endpoint_to_sa(ep, &ss);
	int fd, one = 1;
	char b[ADDR_STRLEN];

	fd = socket(ep->addr.af, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		log_warn("socket for %s", endpoint_ntop(ep, b));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (reuseport && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0)
		goto fail;
	if (ep->addr.af == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)))
		goto fail;
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0)
		goto fail;
	if (type == SOCK_STREAM && listen(fd, 128) < 0)
		goto fail;
	return fd;
fail:
	log_warn("%s %s", type == SOCK_STREAM ? "tcp" : "udp", endpoint_ntop(ep, b));
	close(fd);
	return -1;
}

/* ---- UDP workers ---- */

static void
worker_batch(struct worker *w, int fd, const struct zone_set *zs)
{
	const struct answer_cfg *acfg = &w->srv->acfg;
	size_t cap = acfg->max_udp;
	int n, k = 0;

	for (int i = 0; i < UDP_BATCH; i++) {
		w->riov[i] = (struct iovec){w->in[i], UDP_IN};
		w->rmsg[i].msg_hdr = (struct msghdr){.msg_name = &w->addr[i],
		    .msg_namelen = sizeof(w->addr[i]),
		    .msg_iov = &w->riov[i],
		    .msg_iovlen = 1};
	}
	n = recvmmsg(fd, w->rmsg, UDP_BATCH, MSG_DONTWAIT, NULL);
	for (int i = 0; i < n; i++) {
		uint8_t *out = w->out + (size_t)i * cap;
		size_t len = answer_query(zs, acfg, w->in[i], w->rmsg[i].msg_len, out, cap, false);

		if (len == 0)
			continue;
		w->siov[k] = (struct iovec){out, len};
		w->smsg[k].msg_hdr = (struct msghdr){.msg_name = &w->addr[i],
		    .msg_namelen = w->rmsg[i].msg_hdr.msg_namelen,
		    .msg_iov = &w->siov[k],
		    .msg_iovlen = 1};
		k++;
	}
	for (int sent = 0; sent < k;) {
		int r = sendmmsg(fd, w->smsg + sent, (unsigned)(k - sent), 0);

		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			break; /* a full socket buffer drops the rest, as UDP may */
		}
		sent += r;
	}
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct dnsd_server *s = w->srv;
	struct pollfd pfd[DNSD_LISTEN_MAX];

	for (size_t i = 0; i < w->nfds; i++)
		pfd[i] = (struct pollfd){.fd = w->fds[i], .events = POLLIN};
	while (!atomic_load(&s->stop)) {
		const struct zone_set *zs;

		atomic_store(&w->quiescent, atomic_load(&s->gen));
		if (poll(pfd, w->nfds, WORKER_POLL) <= 0)
			continue;
		zs = atomic_load(&s->zones);
		for (size_t i = 0; i < w->nfds; i++)
			if (pfd[i].revents & POLLIN)
				worker_batch(w, pfd[i].fd, zs);
	}
	atomic_store(&w->quiescent, UINT64_MAX);
	return NULL;
}

/* ---- TCP (RFC 7766): length-prefixed messages, pipelined, answered in order ---- */

static void tcp_update(struct tcp_conn *c);

static void
tcp_close(struct tcp_conn *c)
{
	struct dnsd_server *s = c->srv;

	loop_fd_del(s->loop, c->fd);
	loop_timer_cancel(s->loop, &c->idle);
	close(c->fd);
	LIST_REMOVE(c, entry);
	s->nconns--;
	free(c->out);
	free(c);
}

static int
tcp_append(void *arg, const uint8_t *msg, size_t len)
{
	struct tcp_conn *c = arg;

	if (c->outlen + 2 + len > c->outcap) {
		size_t cap = MAX(c->outcap * 2, c->outlen + 2 + len);

		c->out = xreallocarray(c->out, cap, 1);
		c->outcap = cap;
	}
	c->out[c->outlen++] = (uint8_t)(len >> 8);
	c->out[c->outlen++] = (uint8_t)len;
	memcpy(c->out + c->outlen, msg, len);
	c->outlen += len;
	return 0;
}

static void
tcp_answer(struct tcp_conn *c, const uint8_t *q, size_t len)
{
	struct dnsd_server *s = c->srv;
	const struct zone_set *zs = atomic_load(&s->zones);
	char b[ADDR_STRLEN];
	size_t n;

	if (answer_is_xfr(q, len) && dnsd_conf_xfr_allowed(s->conf, &c->peer.addr)) {
		int msgs = answer_axfr(zs, q, len, s->tcpbuf, sizeof(s->tcpbuf), tcp_append, c);

		log_info("axfr to %s: %d messages", endpoint_ntop(&c->peer, b), msgs);
		return;
	}
	n = answer_query(zs, &s->acfg, q, len, s->tcpbuf, sizeof(s->tcpbuf), true);
	if (n > 0)
		tcp_append(c, s->tcpbuf, n);
}

/* Answer the complete messages in the input buffer, at most TCP_PER_TURN. */
static void
tcp_process(struct tcp_conn *c)
{
	size_t off = 0;

	for (int i = 0; i < TCP_PER_TURN && c->outlen - c->outoff < TCP_OUT_HIGH; i++) {
		size_t len;

		if (c->inlen - off < 2)
			break;
		len = (size_t)c->in[off] << 8 | c->in[off + 1];
		if (c->inlen - off < 2 + len)
			break;
		tcp_answer(c, c->in + off + 2, len);
		off += 2 + len;
	}
	if (off > 0) {
		memmove(c->in, c->in + off, c->inlen - off);
		c->inlen -= off;
	}
}

static bool
tcp_has_message(const struct tcp_conn *c)
{
	return c->inlen >= 2 && c->inlen >= 2 + ((size_t)c->in[0] << 8 | c->in[1]);
}

static int
tcp_flush(struct tcp_conn *c)
{
	while (c->outoff < c->outlen) {
		ssize_t n = send(c->fd, c->out + c->outoff, c->outlen - c->outoff, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (errno == EINTR)
				continue;
			return -1;
		}
		c->outoff += (size_t)n;
	}
	c->outoff = c->outlen = 0;
	return 0;
}

static void
tcp_cb(int fd, uint32_t events, void *arg)
{
	struct tcp_conn *c = arg;

	loop_timer_set(c->srv->loop, &c->idle, c->srv->conf->tcp_timeout);
	if ((events & EPOLLIN) && !c->eof) {
		ssize_t n = recv(fd, c->in + c->inlen, sizeof(c->in) - c->inlen, 0);

		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			tcp_close(c);
			return;
		}
		if (n == 0)
			c->eof = true; /* the client may half-close after its queries */
		if (n > 0)
			c->inlen += (size_t)n;
	}
	tcp_process(c);
	if (tcp_flush(c) < 0 || (c->eof && !tcp_has_message(c) && c->outlen == 0)) {
		tcp_close(c);
		return;
	}
	tcp_update(c);
}

/* Read while there is room and output is not piling up; write while output waits. */
static void
tcp_update(struct tcp_conn *c)
{
	bool backlog = c->eof || c->outlen - c->outoff >= TCP_OUT_HIGH || tcp_has_message(c);
	uint32_t ev = (backlog ? 0 : EPOLLIN) | (c->outlen > c->outoff ? EPOLLOUT : 0);

	if (ev == 0)
		ev = EPOLLOUT; /* complete messages wait: come back next turn */
	loop_fd_mod(c->srv->loop, c->fd, ev);
}

static void
tcp_idle(void *arg)
{
	tcp_close(arg);
}

static void
tcp_accept(int fd, uint32_t events, void *arg)
{
	struct dnsd_server *s = arg;
	struct sockaddr_storage ss;
	socklen_t sl;
	int cfd;

	(void)events;
	for (;;) {
		struct tcp_conn *c;

		sl = sizeof(ss);
		cfd = accept4(fd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (cfd < 0)
			return;
		if (s->nconns >= s->conf->tcp_clients) {
			close(cfd); /* RFC 7766 6.2.2: over the limit, refuse at once */
			continue;
		}
		c = xcalloc(1, sizeof(*c));
		c->srv = s;
		c->fd = cfd;
		endpoint_from_sa((struct sockaddr *)&ss, &c->peer);
		loop_timer_init(&c->idle, tcp_idle, c);
		if (loop_fd_add(s->loop, cfd, EPOLLIN, tcp_cb, c) < 0) {
			close(cfd);
			free(c);
			continue;
		}
		loop_timer_set(s->loop, &c->idle, s->conf->tcp_timeout);
		LIST_INSERT_HEAD(&s->conns, c, entry);
		s->nconns++;
	}
}

/* ---- life cycle ---- */

static void
on_signal(int signo, void *arg)
{
	struct dnsd_server *s = arg;

	if (signo == SIGHUP) {
		reload(s);
		return;
	}
	log_info("signal %d: stopping", signo);
	loop_break(s->loop);
}

static void
answer_cfg_init(struct dnsd_server *s, const struct dnsd_conf *c)
{
	if (c->identity != NULL)
		snprintf(s->identity, sizeof(s->identity), "%s", c->identity);
	else if (gethostname(s->identity, sizeof(s->identity) - 1) < 0)
		s->identity[0] = '\0';
	if (c->version != NULL)
		snprintf(s->version, sizeof(s->version), "%s", c->version);
	else
		snprintf(s->version, sizeof(s->version), "pharos-dnsd %s", PHAROS_VERSION);
	s->acfg.identity = s->identity[0] ? s->identity : NULL;
	s->acfg.version = s->version[0] ? s->version : NULL;
	s->acfg.nsid = c->nsid_set ? c->nsid : NULL;
	s->acfg.nsidlen = c->nsidlen;
	s->acfg.max_udp = c->max_udp;
}

struct dnsd_server *
dnsd_server_new(const struct dnsd_conf *c)
{
	struct dnsd_server *s = xcalloc(1, sizeof(*s));
	struct zone_set *zs;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	s->conf = c;
	LIST_INIT(&s->conns);
	answer_cfg_init(s, c);
	if ((zs = zones_load(c, NULL)) == NULL)
		goto fail;
	atomic_store(&s->zones, zs);
	s->nworkers = c->threads ? c->threads : (unsigned)(ncpu > 0 ? ncpu : 1);
	s->workers = xcalloc(s->nworkers, sizeof(*s->workers));
	for (unsigned i = 0; i < s->nworkers; i++) {
		struct worker *w = &s->workers[i];

		w->srv = s;
		w->in = xcalloc(UDP_BATCH, UDP_IN);
		w->out = xcalloc(UDP_BATCH, c->max_udp);
		for (size_t k = 0; k < c->nlisten; k++) {
			if ((w->fds[k] = open_socket(&c->listen[k], SOCK_DGRAM, true)) < 0)
				goto fail;
			w->nfds++;
		}
	}
	for (size_t k = 0; k < c->nlisten; k++) {
		if ((s->tcp_fds[k] = open_socket(&c->listen[k], SOCK_STREAM, false)) < 0)
			goto fail;
		s->ntcp++;
	}
	if ((s->loop = loop_new()) == NULL)
		goto fail;
	return s;
fail:
	dnsd_server_free(s);
	return NULL;
}

/* drop_privileges: the sockets are bound; keep no capability at all, as user if set (or
 * as systemd's User=, clearing the CAP_NET_BIND_SERVICE it granted). Root without a user
 * stays root, as configured. */
static int
drop_privileges(const char *user)
{
	bool switching = user != NULL && user[0] != '\0';

	if (!switching && geteuid() == 0)
		return 0;
	if (privdrop(switching ? user : NULL, 0) < 0)
		return -1;
	if (switching)
		log_info("running as %s", user);
	return 0;
}

int
dnsd_server_run(struct dnsd_server *s)
{
	char b[ADDR_STRLEN];
	int rc = 0;

	if (drop_privileges(s->conf->user) < 0)
		return -1;
	/* the loop blocks these signals; threads started afterwards inherit the mask */
	if (loop_signal(s->loop, SIGHUP, on_signal, s) ||
	    loop_signal(s->loop, SIGTERM, on_signal, s) ||
	    loop_signal(s->loop, SIGINT, on_signal, s))
		return -1;
	signal(SIGPIPE, SIG_IGN);
	for (size_t k = 0; k < s->ntcp; k++)
		if (loop_fd_add(s->loop, s->tcp_fds[k], EPOLLIN, tcp_accept, s) < 0)
			return -1;
	for (unsigned i = 0; i < s->nworkers; i++) {
		if (pthread_create(&s->workers[i].tid, NULL, worker_main, &s->workers[i]) != 0) {
			log_warnx("cannot start worker %u", i);
			rc = -1;
			break;
		}
		s->workers[i].started = true;
	}
	for (size_t k = 0; k < s->conf->nlisten && rc == 0; k++)
		log_info("listening on %s (udp, tcp)", endpoint_ntop(&s->conf->listen[k], b));
	if (rc == 0) {
		log_info("serving %zu zones with %u threads", s->conf->nzones, s->nworkers);
		rc = loop_run(s->loop);
	}
	atomic_store(&s->stop, true);
	for (unsigned i = 0; i < s->nworkers; i++) {
		if (s->workers[i].started)
			pthread_join(s->workers[i].tid, NULL);
		s->workers[i].started = false;
	}
	return rc;
}

void
dnsd_server_free(struct dnsd_server *s)
{
	if (s == NULL)
		return;
	while (!LIST_EMPTY(&s->conns))
		tcp_close(LIST_FIRST(&s->conns));
	for (unsigned i = 0; s->workers && i < s->nworkers; i++) {
		for (size_t k = 0; k < s->workers[i].nfds; k++)
			close(s->workers[i].fds[k]);
		free(s->workers[i].in);
		free(s->workers[i].out);
	}
	free(s->workers);
	for (size_t k = 0; k < s->ntcp; k++) {
		if (s->loop)
			loop_fd_del(s->loop, s->tcp_fds[k]);
		close(s->tcp_fds[k]);
	}
	loop_free(s->loop);
	zone_set_free(atomic_load(&s->zones));
	free(s);
}
