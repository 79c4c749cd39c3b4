/* http: the http(s) probe over libcurl's multi interface, driven by the event loop.
 *
 * curl tells us which sockets to watch (CURLMOPT_SOCKETFUNCTION) and when to call it
 * back (CURLMOPT_TIMERFUNCTION); the loop hands readiness and timer expiry back through
 * curl_multi_socket_action(). No threads of ours, no polling. One multi handle and one
 * easy handle per check per probe; connections are never reused, redirects never
 * followed. The only file of pharos that includes curl. */
#define _GNU_SOURCE /* memmem */
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "probes/probe_ops.h"

/* The body is searched for expect_body within its first HTTP_BODY_MAX bytes. */
#define HTTP_BODY_MAX (64 * 1024)

struct http_probe {
	struct probe *p;
	struct loop *loop;
	const struct probe_cfg *cfg;
	CURLM *multi;
	CURL *easy; /* the check in flight, or NULL */
	struct loop_timer timer;
	char *body; /* HTTP_BODY_MAX bytes when expect_body is set */
	size_t body_len;
};

static bool http_curl_ready;

static void http_check_info(struct http_probe *h);

/* ---- curl -> loop ---- */

static void
http_on_fd(int fd, uint32_t events, void *arg)
{
	struct http_probe *h = arg;
	int mask = 0, running;

	if (events & EPOLLIN)
		mask |= CURL_CSELECT_IN;
	if (events & EPOLLOUT)
		mask |= CURL_CSELECT_OUT;
	if (events & (EPOLLERR | EPOLLHUP))
		mask |= CURL_CSELECT_ERR;
	curl_multi_socket_action(h->multi, fd, mask, &running);
	http_check_info(h);
}

static int
http_socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
	struct http_probe *h = userp;
	uint32_t ev = 0;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		loop_fd_del(h->loop, fd);
		curl_multi_assign(h->multi, fd, NULL);
		return 0;
	}
	if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
		ev |= EPOLLIN;
	if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
		ev |= EPOLLOUT;
	if (socketp != NULL)
		return loop_fd_mod(h->loop, fd, ev) == 0 ? 0 : -1;
	loop_fd_del(h->loop, fd); /* a stale watch of a number curl reused */
	if (loop_fd_add(h->loop, fd, ev, http_on_fd, h) == -1) {
		log_warn("probe %s: loop_fd_add", h->cfg->name);
		return -1;
	}
	curl_multi_assign(h->multi, fd, h);
	return 0;
}

static int
http_timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct http_probe *h = userp;

	(void)multi;
	if (timeout_ms < 0)
		loop_timer_cancel(h->loop, &h->timer);
	else
		loop_timer_set(h->loop, &h->timer, MSEC(timeout_ms));
	return 0;
}

static size_t
http_write_cb(char *data, size_t size, size_t nmemb, void *userp)
{
	struct http_probe *h = userp;
	size_t n = size * nmemb, room;

	if (h->body != NULL) {
		room = HTTP_BODY_MAX - h->body_len;
		memcpy(h->body + h->body_len, data, MIN(n, room));
		h->body_len += MIN(n, room);
	}
	return n;
}

/* ---- results ---- */

static bool
http_status_ok(const struct probe_cfg *cfg, long status)
{
	size_t i;

	if (cfg->http.n_expect_status == 0)
		return status == 200;
	for (i = 0; i < cfg->http.n_expect_status; i++)
		if (status >= cfg->http.expect_status[i].lo &&
		    status <= cfg->http.expect_status[i].hi)
			return true;
	return false;
}

static void
http_end(struct http_probe *h)
{
	if (h->easy == NULL)
		return;
	curl_multi_remove_handle(h->multi, h->easy);
	curl_easy_cleanup(h->easy);
	h->easy = NULL;
	loop_timer_cancel(h->loop, &h->timer);
}

static void
http_report(struct http_probe *h, CURLcode rc)
{
	const char *want = h->cfg->http.expect_body;
	long status = 0, oserr = 0;

	curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(h->easy, CURLINFO_OS_ERRNO, &oserr);
	http_end(h);
	if (rc == CURLE_COULDNT_CONNECT && oserr != 0)
		probe_check_done(h->p, false, "%s", probe_errno_reason((int)oserr));
	else if (rc != CURLE_OK)
		probe_check_done(h->p, false, "%s", curl_easy_strerror(rc));
	else if (!http_status_ok(h->cfg, status))
		probe_check_done(h->p, false, "status %ld", status);
	else if (want != NULL && memmem(h->body, h->body_len, want, strlen(want)) == NULL)
		probe_check_done(h->p, false, "status %ld, body mismatch", status);
	else
		probe_check_done(h->p, true, "status %ld", status);
}

/* http_check_info: report a finished transfer; called after curl returned, as the
 * last use of h (the result callback may free the probe). */
static void
http_check_info(struct http_probe *h)
{
	CURLMsg *msg;
	int left;

	while (h->easy != NULL && (msg = curl_multi_info_read(h->multi, &left)) != NULL) {
		if (msg->msg == CURLMSG_DONE && msg->easy_handle == h->easy) {
			http_report(h, msg->data.result);
			return;
		}
	}
}

static void
http_on_timer(void *arg)
{
	struct http_probe *h = arg;
	int running;

	curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	http_check_info(h);
}

/* ---- ops ---- */

static void *
http_create(struct probe *p, struct loop *l, const struct probe_cfg *cfg)
{
	struct http_probe *h;

	if (cfg->http.url == NULL || cfg->http.url[0] == '\0') {
		log_warnx("probe %s: http url not set", cfg->name);
		return NULL;
	}
	if (!http_curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
			log_warnx("probe %s: curl_global_init failed", cfg->name);
			return NULL;
		}
		http_curl_ready = true;
	}
	h = xcalloc(1, sizeof(*h));
	h->p = p;
	h->loop = l;
	h->cfg = cfg;
	loop_timer_init(&h->timer, http_on_timer, h);
	if ((h->multi = curl_multi_init()) == NULL) {
		log_warnx("probe %s: curl_multi_init failed", cfg->name);
		free(h);
		return NULL;
	}
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, http_socket_cb);
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, http_timer_cb);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
	if (cfg->http.expect_body != NULL)
		h->body = xmalloc(HTTP_BODY_MAX);
	return h;
}

static CURL *
http_easy(struct http_probe *h)
{
	const struct probe_cfg *cfg = h->cfg;
	const char *method = cfg->http.method != NULL ? cfg->http.method : "GET";
	long verify = cfg->http.tls_verify ? 1 : 0;
	CURL *e;

	if ((e = curl_easy_init()) == NULL)
		return NULL;
	curl_easy_setopt(e, CURLOPT_URL, cfg->http.url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_PROXY, ""); /* never through a proxy from the env */
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
	curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, verify);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "pharos/" PHAROS_VERSION);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, http_write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, h);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "GET") != 0)
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
	return e;
}

static void
http_start(void *st)
{
	struct http_probe *h = st;

	h->body_len = 0;
	if ((h->easy = http_easy(h)) == NULL) {
		probe_check_done(h->p, false, "curl_easy_init failed");
		return;
	}
	/* curl calls http_timer_cb (0 ms) from here; the transfer starts on that timer. */
	if (curl_multi_add_handle(h->multi, h->easy) != CURLM_OK) {
		curl_easy_cleanup(h->easy);
		h->easy = NULL;
		probe_check_done(h->p, false, "curl_multi_add_handle failed");
	}
}

static void
http_cancel(void *st)
{
	http_end(st);
}

static void
http_destroy(void *st)
{
	struct http_probe *h = st;

	if (h == NULL)
		return;
	http_end(h);
	curl_multi_cleanup(h->multi);
	loop_timer_cancel(h->loop, &h->timer);
	free(h->body);
	free(h);
}

const struct probe_ops probe_http_ops = {
    .name = "http",
    .create = http_create,
    .start = http_start,
    .cancel = http_cancel,
    .destroy = http_destroy,
};
