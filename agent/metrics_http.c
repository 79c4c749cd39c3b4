/* metrics_http: libmicrohttpd without threads: MHD_USE_EPOLL gives one epoll fd that the
 * loop watches; MHD_run() does the work and MHD_get_timeout() arms the loop timer that
 * closes idle connections. Only this file includes microhttpd.h. */
#define _GNU_SOURCE /* open_memstream */
#include "agent/metrics_http.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/log.h"
#include "lib/util.h"

struct metrics_http {
	struct loop *l;
	struct agent *a;
	struct MHD_Daemon *d;
	int epfd;
	struct loop_timer timer;
};

static enum MHD_Result
send_text(struct MHD_Connection *conn, unsigned code, char *body, size_t len, bool must_free)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
	    len, body, must_free ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	enum MHD_Result rc;

	if (r == NULL) {
		if (must_free)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    code == MHD_HTTP_OK ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain");
	rc = MHD_queue_response(conn, code, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_len, void **con_cls)
{
	static char not_found[] = "not found: pharosd serves GET /metrics\n";
	struct metrics_http *m = cls;
	char *body = NULL;
	size_t len = 0;
	FILE *f;

	(void)version;
	(void)upload;
	(void)con_cls;
	if (*upload_len != 0) {
		*upload_len = 0; /* a body is ignored */
		return MHD_YES;
	}
	if (strcmp(method, "GET") != 0 || strcmp(url, "/metrics") != 0)
		return send_text(conn, MHD_HTTP_NOT_FOUND, not_found, strlen(not_found), false);
	if ((f = open_memstream(&body, &len)) == NULL)
		return MHD_NO;
	agent_metrics(m->a, f);
	if (fclose(f) != 0) {
		free(body);
		return MHD_NO;
	}
	return send_text(conn, MHD_HTTP_OK, body, len, true);
}

/* run: let MHD do what is ready, then arm the loop timer at its next deadline. */
static void
run(struct metrics_http *m)
{
	MHD_UNSIGNED_LONG_LONG to;

	if (MHD_run(m->d) != MHD_YES)
		log_warnx("metrics: MHD_run failed");
	if (MHD_get_timeout(m->d, &to) == MHD_YES)
		loop_timer_set(m->l, &m->timer, MSEC((usec_t)MIN(to, 3600000ULL)));
	else
		loop_timer_cancel(m->l, &m->timer);
}

static void
on_fd(int fd, uint32_t events, void *arg)
{
	(void)fd;
	(void)events;
	run(arg);
}

static void
on_timer(void *arg)
{
	run(arg);
}

static void
mhd_log(void *arg, const char *fmt, va_list ap)
{
	char msg[256];

	(void)arg;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	log_debug("metrics: %s", msg);
}

struct metrics_http *
metrics_http_open(struct loop *l, struct agent *a, const struct endpoint *listen)
{
	struct metrics_http *m = xcalloc(1, sizeof(*m));
	const union MHD_DaemonInfo *info;
	struct sockaddr_storage ss;
	char where[ADDR_STRLEN + 8];
	unsigned flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG;

	endpoint_ntop(listen, where);
	endpoint_to_sa(listen, &ss);
	if (listen->addr.af == AF_INET6)
		flags |= MHD_USE_IPv6;
	m->l = l;
	m->a = a;
	m->epfd = -1;
	loop_timer_init(&m->timer, on_timer, m);
	m->d = MHD_start_daemon(flags, listen->port, NULL, NULL, on_request, m,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)METRICS_HTTP_CLIENTS_MAX,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)METRICS_HTTP_TIMEOUT_S,
	    MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, MHD_OPTION_END);
	if (m->d == NULL) {
		log_warnx("metrics: cannot listen on %s", where);
		goto fail;
	}
	info = MHD_get_daemon_info(m->d, MHD_DAEMON_INFO_EPOLL_FD);
	if (info == NULL || info->epoll_fd < 0 ||
	    loop_fd_add(l, info->epoll_fd, EPOLLIN, on_fd, m) == -1) {
		log_warnx("metrics: cannot watch the HTTP server on the loop");
		goto fail;
	}
	m->epfd = info->epoll_fd;
	log_info("metrics on http://%s/metrics", where);
	return m;
fail:
	metrics_http_close(m);
	return NULL;
}

void
metrics_http_close(struct metrics_http *m)
{
	if (m == NULL)
		return;
	if (m->epfd >= 0)
		loop_fd_del(m->l, m->epfd);
	loop_timer_cancel(m->l, &m->timer);
	if (m->d != NULL)
		MHD_stop_daemon(m->d);
	free(m);
}
