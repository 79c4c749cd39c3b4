/* test_probes: probes/ — hysteresis, scheduling, and each probe type against real
 * servers this program starts on 127.0.0.1 (ephemeral ports). */
#define _GNU_SOURCE /* accept4 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/addr.h"
#include "lib/buf.h"
#include "lib/dnswire.h"
#include "lib/log.h"
#include "lib/loop.h"
#include "lib/mono.h"
#include "lib/util.h"
#include "probes/dns.h"
#include "probes/probe.h"

/* ---- hysteresis, table-driven ---- */

/* in: '+' ok, '-' fail; out: the state after each input, 'u' up, 'd' down. */
static const struct {
	unsigned rise, fall;
	const char *in, *out;
} fsm_rows[] = {
    {3, 3, "+++", "ddu"},
    {3, 3, "++-+++", "dddddu"},         /* a failure restarts the rise streak */
    {1, 1, "+-+-", "udud"},             /* no hysteresis: follows every result */
    {2, 3, "++---", "duuud"},           /* up after 2, down after 3 */
    {2, 3, "++--+---", "duuuuuud"},     /* a success inside the fall streak resets it */
    {3, 2, "+-+-+-+-+-", "dddddddddd"}, /* flapping never comes up */
    {2, 2, "++-+-+-+-+", "duuuuuuuuu"}, /* flapping never goes down once up */
    {2, 2, "++--++--", "duudduud"},     /* slower flapping follows with a lag */
    {0, 0, "+-", "ud"},                 /* 0 counts as 1 */
    {5, 1, "-----+++++-", "dddddddddud"},
};

static void
test_fsm_rise_fall_table(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < nitems(fsm_rows); i++) {
		struct probe_fsm f;
		enum probe_state prev;

		probe_fsm_init(&f, NULL);
		assert_int_equal(f.state, PROBE_DOWN);
		assert_int_equal(strlen(fsm_rows[i].in), strlen(fsm_rows[i].out));
		for (j = 0; fsm_rows[i].in[j] != '\0'; j++) {
			bool changed;

			prev = f.state;
			changed = probe_fsm_step(
			    &f, fsm_rows[i].in[j] == '+', "t", fsm_rows[i].rise, fsm_rows[i].fall);
			if ((fsm_rows[i].out[j] == 'u') != (f.state == PROBE_UP))
				fail_msg(
				    "row %zu step %zu: got %s", i, j, probe_state_name(f.state));
			assert_int_equal(changed, prev != f.state);
		}
	}
}

static void
test_type_names(void **state)
{
	enum probe_type t;

	(void)state;
	assert_int_equal(probe_type_parse("http", &t), 0);
	assert_int_equal(t, PROBE_T_HTTP);
	assert_int_equal(probe_type_parse("exec", &t), 0);
	assert_int_equal(t, PROBE_T_EXEC);
	assert_int_equal(probe_type_parse("ping", &t), -1);
	assert_int_equal(probe_type_parse("dns", &t), 0);
	assert_int_equal(t, PROBE_T_DNS);
	assert_string_equal(probe_type_name(PROBE_T_DNS), "dns");
	assert_string_equal(probe_state_name(PROBE_UP), "up");
}

/* ---- harness ---- */

struct rec {
	int n;
	bool ok, timeout, changed;
	char reason[PROBE_REASON_MAX];
	enum probe_state state;
	usec_t latency;
	usec_t at[16]; /* when each of the first results arrived */
	int changes;
	bool free_in_cb;
};

static void
rec_cb(struct probe *p, const struct probe_result *r, void *arg)
{
	struct rec *rc = arg;

	if (rc->n < (int)nitems(rc->at))
		rc->at[rc->n] = mono_now();
	rc->n++;
	rc->ok = r->ok;
	rc->timeout = r->timeout;
	rc->changed = r->changed;
	rc->changes += r->changed;
	rc->state = r->state;
	rc->latency = r->latency;
	snprintf(rc->reason, sizeof(rc->reason), "%s", r->reason);
	if (rc->free_in_cb)
		probe_free(p);
}

static void
run_until(struct loop *l, const int *counter, int want, usec_t max)
{
	usec_t end = mono_now() + max;

	while (*counter < want && mono_now() < end)
		loop_run_once(l, MSEC(10));
}

static struct probe_cfg
base_cfg(enum probe_type t)
{
	struct probe_cfg c = {
	    .name = "t",
	    .type = t,
	    .interval = SEC(1),
	    .timeout = SEC(2),
	    .rise = 1,
	    .fall = 1,
	};

	return c;
}

/* one_check: run a single check of cfg and return its result in *r. */
static void
one_check(struct loop *l, const struct probe_cfg *cfg, struct rec *r)
{
	struct probe *p;

	memset(r, 0, sizeof(*r));
	p = probe_new(l, cfg, rec_cb, r);
	assert_non_null(p);
	probe_check_now(p);
	run_until(l, &r->n, 1, cfg->timeout + SEC(2));
	assert_int_equal(r->n, 1);
	assert_false(probe_busy(p));
	probe_free(p);
}

static int
listen_tcp(int backlog, uint16_t *port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	socklen_t sl = sizeof(sin);
	int fd, one = 1;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(fd, backlog), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

/* closed_port: a port nobody listens on (bound, then released). */
static uint16_t
closed_port(void)
{
	uint16_t port;
	int fd = listen_tcp(1, &port);

	close(fd);
	return port;
}

/* full_listener: a listener whose accept queue is full, so further SYNs are dropped
 * and connects hang until the probe's timeout. */
static int
full_listener(uint16_t *port, int fill[2])
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	int fd = listen_tcp(0, port), i;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(*port);
	for (i = 0; i < 2; i++) {
		fill[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		connect(fill[i], (struct sockaddr *)&sin, sizeof(sin));
	}
	usleep(50000);
	return fd;
}

static void
set_local(struct endpoint *e, uint16_t port)
{
	assert_int_equal(addr_parse("127.0.0.1", &e->addr), 0);
	e->port = port;
}

/* ---- tcp ---- */

static void
test_tcp_open_port_ok(void **state)
{
	struct loop *l = loop_new();
	struct probe_cfg c = base_cfg(PROBE_T_TCP);
	struct rec r;
	uint16_t port;
	int lfd = listen_tcp(8, &port);

	(void)state;
	set_local(&c.tcp.target, port);
	one_check(l, &c, &r);
	assert_true(r.ok);
	assert_string_equal(r.reason, "connected");
	assert_int_equal(r.state, PROBE_UP);
	assert_true(r.changed);
	close(lfd);
	loop_free(l);
}

static void
test_tcp_closed_port_fails_at_once(void **state)
{
	struct loop *l = loop_new();
	struct probe_cfg c = base_cfg(PROBE_T_TCP);
	struct rec r;

	(void)state;
	set_local(&c.tcp.target, closed_port());
	one_check(l, &c, &r);
	assert_false(r.ok);
	assert_false(r.timeout);
	assert_string_equal(r.reason, "connection refused");
	assert_true(r.latency < MSEC(200)); /* timeout is 2s */
	assert_int_equal(r.state, PROBE_DOWN);
	loop_free(l);
}

static void
test_tcp_silent_port_times_out(void **state)
{
	struct loop *l = loop_new();
	struct probe_cfg c = base_cfg(PROBE_T_TCP);
	struct rec r;
	uint16_t port;
	int fill[2], lfd = full_listener(&port, fill);

	(void)state;
	c.timeout = MSEC(100);
	set_local(&c.tcp.target, port);
	one_check(l, &c, &r);
	assert_false(r.ok);
	assert_true(r.timeout);
	assert_string_equal(r.reason, "timeout");
	assert_true(r.latency >= MSEC(100) && r.latency < MSEC(400));
	assert_int_equal(loop_timer_count(l), 0);
	close(fill[0]);
	close(fill[1]);
	close(lfd);
	loop_free(l);
}

/* Scheduled checks: the first soon after start, then every interval +-10 %; rise 2
 * brings it up on the second success. */
static void
test_schedule_interval_jitter_and_rise(void **state)
{
	struct loop *l = loop_new();
	struct probe_cfg c = base_cfg(PROBE_T_TCP);
	struct probe *p;
	struct rec r = {0};
	uint16_t port;
	int lfd = listen_tcp(64, &port), i;
	usec_t t0 = mono_now();

	(void)state;
	c.interval = MSEC(100);
	c.rise = 2;
	set_local(&c.tcp.target, port);
	p = probe_new(l, &c, rec_cb, &r);
	probe_start(p);
	run_until(l, &r.n, 1, SEC(1));
	assert_true(r.at[0] - t0 < MSEC(100)); /* at most interval/10 plus slack */
	assert_int_equal(probe_get_state(p), PROBE_DOWN);
	run_until(l, &r.n, 5, SEC(2));
	assert_int_equal(r.n, 5);
	assert_int_equal(probe_get_state(p), PROBE_UP);
	assert_int_equal(r.changes, 1);
	for (i = 1; i < 5; i++) {
		usec_t gap = r.at[i] - r.at[i - 1];

		if (gap < MSEC(85) || gap > MSEC(250))
			fail_msg("gap %d: %lld us", i, (long long)gap);
	}
	assert_int_equal(probe_counters(p)->ok, 5);
	assert_int_equal(probe_counters(p)->fail, 0);
	probe_stop(p);
	assert_int_equal(loop_timer_count(l), 0);
	probe_free(p);
	close(lfd);
	loop_free(l);
}

static void
test_free_inside_callback(void **state)
{
	struct loop *l = loop_new();
	struct probe_cfg c = base_cfg(PROBE_T_TCP);
	struct probe *p;
	struct rec r = {.free_in_cb = true};
	uint16_t port;
	int lfd = listen_tcp(8, &port);

	(void)state;
	set_local(&c.tcp.target, port);
	p = probe_new(l, &c, rec_cb, &r);
	probe_start(p);
	run_until(l, &r.n, 1, SEC(1));
	assert_int_equal(r.n, 1);
	assert_int_equal(loop_timer_count(l), 0);
	close(lfd);
	loop_free(l);
}

/* ---- a tiny HTTP server on the same loop ---- */

struct http_conn {
	struct loop *loop;
	int fd;
	char req[2048];
	size_t len;
};

static void
http_conn_close(struct http_conn *hc)
{
	loop_fd_del(hc->loop, hc->fd);
	close(hc->fd);
	free(hc);
}

static void
http_reply(struct http_conn *hc)
{
	const char *r;
	char out[512];
	int n;

	if (strncmp(hc->req, "GET /slow ", 10) == 0)
		return; /* never answers; closed when the client goes */
	if (strncmp(hc->req, "GET /ok ", 8) == 0 || strncmp(hc->req, "HEAD /ok ", 9) == 0)
		r = "200 OK\r\nContent-Length: 12\r\n\r\nhello pharos";
	else if (strncmp(hc->req, "GET /fail ", 10) == 0)
		r = "503 Unavailable\r\nContent-Length: 4\r\n\r\nsick";
	else if (strncmp(hc->req, "GET /moved ", 11) == 0)
		r = "302 Found\r\nLocation: /ok\r\nContent-Length: 0\r\n\r\n";
	else
		r = "404 Not Found\r\nContent-Length: 0\r\n\r\n";
	n = snprintf(out, sizeof(out), "HTTP/1.1 %s", r);
	if (strncmp(hc->req, "HEAD ", 5) == 0)
		n = (int)(strstr(out, "\r\n\r\n") + 4 - out);
	assert_int_equal(write(hc->fd, out, (size_t)n), n);
}

static void
http_conn_read(int fd, uint32_t events, void *arg)
{
	struct http_conn *hc = arg;
	ssize_t r;

	(void)events;
	r = read(fd, hc->req + hc->len, sizeof(hc->req) - 1 - hc->len);
	if (r <= 0) {
		http_conn_close(hc);
		return;
	}
	hc->len += (size_t)r;
	hc->req[hc->len] = '\0';
	if (strstr(hc->req, "\r\n\r\n") != NULL)
		http_reply(hc);
}

static void
http_accept(int fd, uint32_t events, void *arg)
{
	struct http_conn *hc;
	int c;

	(void)events;
	if ((c = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) == -1)
		return;
	hc = xcalloc(1, sizeof(*hc));
	hc->loop = arg;
	hc->fd = c;
	assert_int_equal(loop_fd_add(hc->loop, c, EPOLLIN, http_conn_read, hc), 0);
}

static int
http_server(struct loop *l, uint16_t *port)
{
	int fd = listen_tcp(64, port);

	assert_int_equal(fd_nonblock_cloexec(fd), 0);
	assert_int_equal(loop_fd_add(l, fd, EPOLLIN, http_accept, l), 0);
	return fd;
}

static void
http_check(const char *path, const char *method, const char *body, const struct probe_range *st,
    size_t nst, struct rec *r)
{
	struct loop *l = loop_new();
	struct probe_cfg c = base_cfg(PROBE_T_HTTP);
	char url[128];
	uint16_t port;
	int lfd = http_server(l, &port);

	snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", port, path);
	c.timeout = MSEC(300);
	c.http.url = url;
	c.http.method = method;
	c.http.expect_body = body;
	c.http.expect_status = st;
	c.http.n_expect_status = nst;
	one_check(l, &c, r);
	/* Let the server see the client close, then tear down. */
	loop_run_once(l, MSEC(20));
	loop_run_once(l, MSEC(20));
	loop_fd_del(l, lfd);
	close(lfd);
	loop_free(l);
}

static void
test_http_200_ok(void **state)
{
	struct rec r;

	(void)state;
	http_check("/ok", NULL, NULL, NULL, 0, &r);
	assert_true(r.ok);
	assert_string_equal(r.reason, "status 200");
	http_check("/ok", "HEAD", NULL, NULL, 0, &r);
	assert_true(r.ok);
}

static void
test_http_503_fails(void **state)
{
	struct rec r;

	(void)state;
	http_check("/fail", NULL, NULL, NULL, 0, &r);
	assert_false(r.ok);
	assert_false(r.timeout);
	assert_string_equal(r.reason, "status 503");
}

static void
test_http_expect_status_ranges(void **state)
{
	static const struct probe_range ranges[] = {{204, 204}, {500, 503}};
	static const struct probe_range only_204[] = {{204, 204}};
	struct rec r;

	(void)state;
	http_check("/fail", NULL, NULL, ranges, nitems(ranges), &r);
	assert_true(r.ok);
	http_check("/ok", NULL, NULL, only_204, nitems(only_204), &r);
	assert_false(r.ok);
	assert_string_equal(r.reason, "status 200");
}

static void
test_http_expect_body(void **state)
{
	struct rec r;

	(void)state;
	http_check("/ok", NULL, "pharos", NULL, 0, &r);
	assert_true(r.ok);
	http_check("/ok", NULL, "nginx", NULL, 0, &r);
	assert_false(r.ok);
	assert_string_equal(r.reason, "status 200, body mismatch");
}

static void
test_http_redirect_not_followed(void **state)
{
	struct rec r;

	(void)state;
	http_check("/moved", NULL, NULL, NULL, 0, &r);
	assert_false(r.ok);
	assert_string_equal(r.reason, "status 302");
}

static void
test_http_slow_times_out(void **state)
{
	struct rec r;

	(void)state;
	http_check("/slow", NULL, NULL, NULL, 0, &r);
	assert_false(r.ok);
	assert_true(r.timeout);
	assert_true(r.latency >= MSEC(300) && r.latency < MSEC(700));
}

static void
test_http_closed_port_refused(void **state)
{
	struct loop *l = loop_new();
	struct probe_cfg c = base_cfg(PROBE_T_HTTP);
	char url[128];
	struct rec r;

	(void)state;
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/", closed_port());
	c.http.url = url;
	one_check(l, &c, &r);
	assert_false(r.ok);
	assert_string_equal(r.reason, "connection refused");
	assert_true(r.latency < MSEC(500));
	loop_free(l);
}

/* An HTTPS server with a self-signed certificate: python3's http.server behind ssl. */
static pid_t
https_server(const char *dir, uint16_t *port)
{
	static const char script[] =
	    "import http.server, ssl, sys\n"
	    "s = http.server.HTTPServer(('127.0.0.1', 0), http.server.SimpleHTTPRequestHandler)\n"
	    "c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)\n"
	    "c.load_cert_chain('cert.pem', 'key.pem')\n"
	    "s.socket = c.wrap_socket(s.socket, server_side=True)\n"
	    "print(s.server_address[1], flush=True)\n"
	    "s.serve_forever()\n";
	char line[32] = "";
	size_t len = 0;
	int pfd[2], null;
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		loop_child_reset_signals();
		dup2(pfd[1], 1);
		close(pfd[0]);
		null = open("/dev/null", O_WRONLY); /* its access log */
		dup2(null, 2);
		if (chdir(dir) == 0)
			execl("/usr/bin/python3", "python3", "-c", script, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	/* Blocks until the server listens and prints its port, or exits. */
	while (len < sizeof(line) - 1 && strchr(line, '\n') == NULL &&
	       (n = read(pfd[0], line + len, sizeof(line) - 1 - len)) > 0)
		len += (size_t)n;
	close(pfd[0]);
	*port = (uint16_t)atoi(line);
	return pid;
}

static void
test_https_tls_verify(void **state)
{
	char dir[] = "/tmp/pharos-https-XXXXXX", cmd[512], url[128];
	struct loop *l = loop_new();
	struct probe_cfg c = base_cfg(PROBE_T_HTTP);
	struct rec r;
	uint16_t port = 0;
	pid_t pid;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd),
	    "cd %s && openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem "
	    "-days 1 -subj /CN=localhost >/dev/null 2>&1",
	    dir);
	if (system(cmd) != 0)
		skip(); /* no openssl */
	pid = https_server(dir, &port);
	if (port == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		skip(); /* no python3 */
	}
	snprintf(url, sizeof(url), "https://127.0.0.1:%u/", port);
	c.http.url = url;
	c.http.tls_verify = true;
	one_check(l, &c, &r);
	assert_false(r.ok); /* self-signed */
	assert_false(r.timeout);
	c.http.tls_verify = false;
	one_check(l, &c, &r);
	if (!r.ok)
		fail_msg("tls_verify=no, port %u: %s", port, r.reason);
	assert_string_equal(r.reason, "status 200");
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	loop_free(l);
}

/* ---- exec ---- */

static pid_t
read_pid(const char *path)
{
	FILE *f = fopen(path, "r");
	int pid = 0;

	if (f == NULL)
		return 0;
	if (fscanf(f, "%d", &pid) != 1)
		pid = 0;
	fclose(f);
	return (pid_t)pid;
}

/* exec_check: one check of argv; with pidfile (where the command writes its pid), also
 * wait until that process has been killed and reaped through the loop. */
static void
exec_check(char *const *argv, usec_t timeout, struct rec *r, const char *pidfile)
{
	struct loop *l = loop_new();
	struct probe_cfg c = base_cfg(PROBE_T_EXEC);
	usec_t end;
	pid_t pid;

	c.name = "exec-t";
	c.exec.argv = argv;
	c.timeout = timeout;
	one_check(l, &c, r);
	if (pidfile != NULL) {
		pid = read_pid(pidfile);
		assert_true(pid > 0);
		end = mono_now() + SEC(3);
		while (kill(pid, 0) == 0 && mono_now() < end)
			loop_run_once(l, MSEC(20));
		assert_int_equal(kill(pid, 0), -1); /* killed and reaped */
		assert_int_equal(errno, ESRCH);
	}
	assert_int_equal(loop_timer_count(l), 0);
	loop_free(l);
}

static void
test_exec_true_false(void **state)
{
	char *ok[] = {"/bin/true", NULL};
	char *bad[] = {"false", NULL}; /* looked up in the clean PATH */
	struct rec r;

	(void)state;
	exec_check(ok, SEC(2), &r, NULL);
	assert_true(r.ok);
	assert_string_equal(r.reason, "exit 0");
	exec_check(bad, SEC(2), &r, NULL);
	assert_false(r.ok);
	assert_string_equal(r.reason, "exit 1");
}

static void
test_exec_first_line_is_reason(void **state)
{
	char *prints[] = {"/bin/sh", "-c", "echo 'disk full'; echo more >&2; exit 3", NULL};
	char *env[] = {"/bin/sh", "-c", "echo \"$PHAROS_PROBE ${HOME:-nohome}\"", NULL};
	char *missing[] = {"no-such-command-pharos", NULL};
	struct rec r;

	(void)state;
	exec_check(prints, SEC(2), &r, NULL);
	assert_false(r.ok);
	assert_string_equal(r.reason, "exit 3: disk full");
	exec_check(env, SEC(2), &r, NULL);
	assert_true(r.ok);
	assert_string_equal(r.reason, "exec-t nohome"); /* clean environment */
	exec_check(missing, SEC(2), &r, NULL);
	assert_false(r.ok);
	assert_string_equal(
	    r.reason, "exit 127: exec no-such-command-pharos: No such file or directory");
}

static void
test_exec_hang_killed_at_timeout(void **state)
{
	char pidfile[] = "/tmp/pharos-probes-XXXXXX";
	char script[256];
	char *argv[] = {"/bin/sh", "-c", script, NULL};
	struct rec r;
	usec_t t0;
	int fd = mkstemp(pidfile);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	snprintf(script, sizeof(script), "echo $$ > %s; exec sleep 10", pidfile);
	t0 = mono_now();
	exec_check(argv, MSEC(200), &r, pidfile);
	assert_true(r.timeout);
	assert_string_equal(r.reason, "timeout");
	assert_true(mono_now() - t0 < MSEC(650)); /* SIGTERM was enough: no 500ms grace */

	/* One that ignores SIGTERM (and its child with it) needs the SIGKILL. */
	snprintf(script, sizeof(script), "trap '' TERM; echo $$ > %s; sleep 10; true", pidfile);
	t0 = mono_now();
	exec_check(argv, MSEC(200), &r, pidfile);
	assert_true(r.timeout);
	assert_true(mono_now() - t0 >= MSEC(650)); /* timeout + grace, then SIGKILL */
	unlink(pidfile);
}

/* ---- dns: a tiny UDP+TCP server on the same loop ---- */

struct dns_srv {
	struct loop *loop;
	int udp, tcp, conn;
	uint16_t port;
	uint8_t rcode;
	bool aa, tc_udp, silent, wrong_first, wrong_question;
	unsigned udp_queries, tcp_queries;
	uint16_t ids[8];
	uint16_t sports[8];
	uint8_t tbuf[1024];
	size_t tlen;
};

static void
put_name(struct wbuf *w, const char *text)
{
	uint8_t name[DNS_NAME_MAX];
	const char *why;
	size_t len;

	assert_int_equal(dns_name_from_text(text, strlen(text), NULL, name, &len, &why), 0);
	wbuf_bytes(w, name, len);
}

/* dns_srv_answer: the response to query q in out; its length, or 0 to stay silent. */
static size_t
dns_srv_answer(
    struct dns_srv *s, const uint8_t *q, size_t qlen, uint8_t *out, size_t cap, bool over_udp)
{
	struct dns_header h;
	struct dns_question qu;
	struct buf b;
	struct wbuf w;
	size_t rdoff;
	bool tc = over_udp && s->tc_udp;

	buf_init(&b, q, qlen);
	if (dns_header_get(&b, &h) == -1 || dns_question_get(&b, &qu) == -1 || s->silent)
		return 0;
	wbuf_init(&w, out, cap);
	h.flags = DNS_F_QR | (s->aa ? DNS_F_AA : 0) | (tc ? DNS_F_TC : 0) | s->rcode;
	h.ancount = (tc || s->rcode != DNS_R_NOERROR) ? 0 : 1;
	h.nscount = h.arcount = 0;
	h.qdcount = 1;
	dns_header_put(&w, &h);
	if (s->wrong_question)
		put_name(&w, "other.example.");
	else
		wbuf_bytes(&w, qu.name, qu.namelen);
	wbuf_u16(&w, qu.qtype);
	wbuf_u16(&w, qu.qclass);
	if (h.ancount == 1) {
		wbuf_bytes(&w, qu.name, qu.namelen);
		wbuf_u16(&w, qu.qtype);
		wbuf_u16(&w, DNS_C_IN);
		wbuf_u32(&w, 300);
		rdoff = wbuf_reserve(&w, 2);
		if (qu.qtype == DNS_T_SOA) {
			put_name(&w, "ns1.example.");
			put_name(&w, "hostmaster.example.");
			wbuf_u32(&w, 2024010101);
			wbuf_u32(&w, 3600);
			wbuf_u32(&w, 900);
			wbuf_u32(&w, 604800);
			wbuf_u32(&w, 300);
		} else {
			wbuf_u32(&w, 0xc0000235); /* 192.0.2.53 */
		}
		wbuf_put_u16_at(&w, rdoff, (uint16_t)(w.len - rdoff - 2));
	}
	assert_false(w.err);
	return w.len;
}

static void
dns_srv_udp(int fd, uint32_t events, void *arg)
{
	struct dns_srv *s = arg;
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	uint8_t q[1024], out[1024];
	ssize_t r;
	size_t n;

	(void)events;
	r = recvfrom(fd, q, sizeof(q), 0, (struct sockaddr *)&from, &fl);
	if (r < 2)
		return;
	if (s->udp_queries < nitems(s->ids)) {
		s->ids[s->udp_queries] = (uint16_t)(q[0] << 8 | q[1]);
		s->sports[s->udp_queries] = ntohs(from.sin_port);
	}
	s->udp_queries++;
	n = dns_srv_answer(s, q, (size_t)r, out, sizeof(out), true);
	if (n == 0)
		return;
	if (s->wrong_first) {
		out[0] ^= 0x5a; /* a spoofed or late answer: another ID */
		sendto(fd, out, n, 0, (struct sockaddr *)&from, fl);
		out[0] ^= 0x5a;
	}
	sendto(fd, out, n, 0, (struct sockaddr *)&from, fl);
}

static void
dns_srv_conn(int fd, uint32_t events, void *arg)
{
	struct dns_srv *s = arg;
	uint8_t out[1024];
	ssize_t r;
	size_t n;

	(void)events;
	r = read(fd, s->tbuf + s->tlen, sizeof(s->tbuf) - s->tlen);
	if (r <= 0) {
		loop_fd_del(s->loop, fd);
		close(fd);
		s->conn = -1;
		return;
	}
	s->tlen += (size_t)r;
	if (s->tlen < 2 || s->tlen < 2 + (size_t)(s->tbuf[0] << 8 | s->tbuf[1]))
		return;
	s->tcp_queries++;
	n = dns_srv_answer(s, s->tbuf + 2, s->tlen - 2, out + 2, sizeof(out) - 2, false);
	s->tlen = 0;
	if (n == 0)
		return;
	out[0] = (uint8_t)(n >> 8);
	out[1] = (uint8_t)n;
	assert_int_equal(write(fd, out, n + 2), (ssize_t)(n + 2));
}

static void
dns_srv_accept(int fd, uint32_t events, void *arg)
{
	struct dns_srv *s = arg;
	int c;

	(void)events;
	if ((c = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) == -1)
		return;
	if (s->conn != -1) {
		loop_fd_del(s->loop, s->conn);
		close(s->conn);
	}
	s->conn = c;
	s->tlen = 0;
	assert_int_equal(loop_fd_add(s->loop, c, EPOLLIN, dns_srv_conn, s), 0);
}

/* dns_srv_start: UDP and TCP on one ephemeral port of 127.0.0.1. */
static void
dns_srv_start(struct dns_srv *s, struct loop *l)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	socklen_t sl = sizeof(sin);
	int tries;

	s->loop = l;
	s->conn = -1;
	for (tries = 0; tries < 20; tries++) {
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sin.sin_port = 0;
		s->udp = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		assert_int_equal(bind(s->udp, (struct sockaddr *)&sin, sizeof(sin)), 0);
		assert_int_equal(getsockname(s->udp, (struct sockaddr *)&sin, &sl), 0);
		s->tcp = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (bind(s->tcp, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
		    listen(s->tcp, 16) == 0)
			break;
		close(s->udp);
		close(s->tcp);
	}
	assert_true(tries < 20);
	s->port = ntohs(sin.sin_port);
	assert_int_equal(loop_fd_add(l, s->udp, EPOLLIN, dns_srv_udp, s), 0);
	assert_int_equal(loop_fd_add(l, s->tcp, EPOLLIN, dns_srv_accept, s), 0);
}

static void
dns_srv_stop(struct dns_srv *s)
{
	int fds[3] = {s->udp, s->tcp, s->conn}, i;

	for (i = 0; i < 3; i++) {
		if (fds[i] == -1)
			continue;
		loop_fd_del(s->loop, fds[i]);
		close(fds[i]);
	}
}

static struct probe_cfg
dns_cfg(uint16_t port, uint16_t qtype, const char *expect_answer)
{
	struct probe_cfg c = base_cfg(PROBE_T_DNS);

	c.timeout = MSEC(300);
	set_local(&c.dns.server, port);
	c.dns.qname = "example.";
	c.dns.qtype = qtype;
	c.dns.expect_rcode = DNS_R_NOERROR;
	c.dns.expect_aa = true;
	c.dns.expect_answer = expect_answer;
	return c;
}

/* dns_check: one check against a server behaving as *tmpl; the server's view in *out. */
static void
dns_check(
    const struct dns_srv *tmpl, const struct probe_cfg *cfg_in, struct rec *r, struct dns_srv *out)
{
	struct loop *l = loop_new();
	struct dns_srv s = *tmpl;
	struct probe_cfg c = *cfg_in;

	dns_srv_start(&s, l);
	c.dns.server.port = s.port;
	one_check(l, &c, r);
	loop_run_once(l, MSEC(10)); /* the server sees the close */
	dns_srv_stop(&s);
	loop_free(l);
	if (out != NULL)
		*out = s;
}

static void
test_dns_udp_rcode_and_aa(void **state)
{
	struct dns_srv s = {.aa = true};
	struct probe_cfg c = dns_cfg(0, DNS_T_SOA, NULL);
	struct rec r;

	(void)state;
	dns_check(&s, &c, &r, NULL);
	assert_true(r.ok);
	assert_string_equal(r.reason, "rcode NOERROR");
	s.rcode = DNS_R_SERVFAIL;
	dns_check(&s, &c, &r, NULL);
	assert_false(r.ok);
	assert_false(r.timeout);
	assert_string_equal(r.reason, "rcode SERVFAIL");
	s.rcode = DNS_R_NXDOMAIN;
	c.dns.expect_rcode = DNS_R_NXDOMAIN;
	dns_check(&s, &c, &r, NULL);
	assert_true(r.ok);
	s.rcode = DNS_R_NOERROR;
	s.aa = false;
	c.dns.expect_rcode = DNS_R_NOERROR;
	dns_check(&s, &c, &r, NULL);
	assert_false(r.ok);
	assert_string_equal(r.reason, "rcode NOERROR, not authoritative");
	c.dns.expect_aa = false;
	dns_check(&s, &c, &r, NULL);
	assert_true(r.ok);
}

static void
test_dns_expect_answer(void **state)
{
	struct dns_srv s = {.aa = true};
	struct probe_cfg c;
	struct rec r;

	(void)state;
	c = dns_cfg(0, DNS_T_A, "192.0.2.53");
	dns_check(&s, &c, &r, NULL);
	assert_true(r.ok);
	c = dns_cfg(0, DNS_T_A, "192.0.2.54");
	dns_check(&s, &c, &r, NULL);
	assert_false(r.ok);
	assert_string_equal(r.reason, "rcode NOERROR, no answer 192.0.2.54");
	c = dns_cfg(0, DNS_T_SOA, "2024010101"); /* the serial alone */
	dns_check(&s, &c, &r, NULL);
	assert_true(r.ok);
	c = dns_cfg(
	    0, DNS_T_SOA, "ns1.example. hostmaster.example. 2024010101 3600 900 604800 300");
	dns_check(&s, &c, &r, NULL);
	assert_true(r.ok);
	c = dns_cfg(0, DNS_T_SOA, "2024010102");
	dns_check(&s, &c, &r, NULL);
	assert_false(r.ok);
	c = dns_cfg(0, DNS_T_SOA, "202401010"); /* a prefix of the serial is not the serial */
	dns_check(&s, &c, &r, NULL);
	assert_false(r.ok);
}

static void
test_dns_truncated_retries_over_tcp_for_answer(void **state)
{
	struct dns_srv s = {.aa = true, .tc_udp = true}, seen;
	struct probe_cfg c = dns_cfg(0, DNS_T_A, NULL);
	struct rec r;

	(void)state;
	dns_check(&s, &c, &r, &seen); /* rcode/AA only: TC is fine */
	assert_true(r.ok);
	assert_string_equal(r.reason, "rcode NOERROR");
	assert_int_equal(seen.udp_queries, 1);
	assert_int_equal(seen.tcp_queries, 0);
	c = dns_cfg(0, DNS_T_A, "192.0.2.53");
	dns_check(&s, &c, &r, &seen);
	assert_true(r.ok);
	assert_string_equal(r.reason, "rcode NOERROR (tcp)");
	assert_int_equal(seen.udp_queries, 1);
	assert_int_equal(seen.tcp_queries, 1);
}

static void
test_dns_tcp_transport(void **state)
{
	struct dns_srv s = {.aa = true}, seen;
	struct probe_cfg c = dns_cfg(0, DNS_T_SOA, "2024010101");
	struct rec r;

	(void)state;
	c.dns.tcp = true;
	dns_check(&s, &c, &r, &seen);
	assert_true(r.ok);
	assert_int_equal(seen.udp_queries, 0);
	assert_int_equal(seen.tcp_queries, 1);
}

static void
test_dns_checks_id_and_question(void **state)
{
	struct dns_srv s = {.aa = true, .wrong_first = true};
	struct probe_cfg c = dns_cfg(0, DNS_T_SOA, NULL);
	struct rec r;

	(void)state;
	dns_check(&s, &c, &r, NULL); /* the wrong-ID answer is skipped, the right one counts */
	assert_true(r.ok);
	s.wrong_first = false;
	s.wrong_question = true;
	dns_check(&s, &c, &r, NULL); /* only answers to another question: never ok */
	assert_false(r.ok);
	assert_true(r.timeout);
}

static void
test_dns_random_id_and_port(void **state)
{
	struct loop *l = loop_new();
	struct dns_srv s = {.aa = true};
	struct probe_cfg c = dns_cfg(0, DNS_T_SOA, NULL);
	struct probe *p;
	struct rec r = {0};
	int i;

	(void)state;
	dns_srv_start(&s, l);
	c.dns.server.port = s.port;
	p = probe_new(l, &c, rec_cb, &r);
	for (i = 0; i < 3; i++) {
		probe_check_now(p);
		run_until(l, &r.n, i + 1, SEC(1));
		assert_true(r.ok);
	}
	assert_int_equal(s.udp_queries, 3);
	assert_false(s.ids[0] == s.ids[1] && s.ids[1] == s.ids[2]);
	assert_false(s.sports[0] == s.sports[1] && s.sports[1] == s.sports[2]);
	probe_free(p);
	dns_srv_stop(&s);
	loop_free(l);
}

static void
test_dns_silent_server_times_out(void **state)
{
	struct dns_srv s = {.silent = true};
	struct probe_cfg c = dns_cfg(0, DNS_T_SOA, NULL);
	struct rec r;

	(void)state;
	dns_check(&s, &c, &r, NULL);
	assert_true(r.timeout);
	assert_true(r.latency >= MSEC(300) && r.latency < MSEC(700));
	c.dns.tcp = true;
	dns_check(&s, &c, &r, NULL);
	assert_true(r.timeout);
}

static void
test_dns_port_unreachable_fails_at_once(void **state)
{
	struct loop *l = loop_new();
	struct probe_cfg c = dns_cfg(closed_port(), DNS_T_SOA, NULL);
	struct rec r;

	(void)state;
	c.timeout = SEC(2);
	one_check(l, &c, &r); /* UDP: ICMP port unreachable on the connected socket */
	assert_false(r.ok);
	assert_string_equal(r.reason, "connection refused");
	assert_true(r.latency < MSEC(200));
	c.dns.tcp = true;
	one_check(l, &c, &r);
	assert_string_equal(r.reason, "connection refused");
	assert_true(r.latency < MSEC(200));
	loop_free(l);
}

/* ---- no leaks on the timeout path ---- */

static int
lowest_free_fd(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	close(fd);
	return fd;
}

static void
test_many_timeouts_free_everything(void **state)
{
	struct loop *l = loop_new();
	struct probe_cfg c = base_cfg(PROBE_T_TCP);
	struct probe *p;
	struct rec r = {0};
	uint16_t port;
	int fill[2], lfd = full_listener(&port, fill), fd0, i;

	(void)state;
	c.timeout = 1; /* 1 us: every check ends on the hard timeout */
	set_local(&c.tcp.target, port);
	fd0 = lowest_free_fd();
	p = probe_new(l, &c, rec_cb, &r);
	for (i = 0; i < 10000; i++) {
		probe_check_now(p);
		run_until(l, &r.n, i + 1, SEC(1));
	}
	assert_int_equal(r.n, 10000);
	assert_int_equal(probe_counters(p)->timeout, 10000);
	assert_int_equal(probe_counters(p)->ok + probe_counters(p)->fail, 0);
	assert_int_equal(lowest_free_fd(), fd0);
	assert_int_equal(loop_timer_count(l), 0);
	probe_free(p);

	/* The same through curl against a server that accepts and never answers. */
	{
		struct probe_cfg h = base_cfg(PROBE_T_HTTP);
		char url[128];
		uint16_t hport;
		int hfd = http_server(l, &hport);

		snprintf(url, sizeof(url), "http://127.0.0.1:%u/slow", hport);
		h.http.url = url;
		h.timeout = MSEC(1);
		memset(&r, 0, sizeof(r));
		fd0 = lowest_free_fd();
		p = probe_new(l, &h, rec_cb, &r);
		for (i = 0; i < 1000; i++) {
			probe_check_now(p);
			run_until(l, &r.n, i + 1, SEC(1));
		}
		assert_int_equal(probe_counters(p)->timeout, 1000);
		probe_free(p);
		for (i = 0; i < 10; i++)
			loop_run_once(l, MSEC(5)); /* the server closes its side */
		assert_int_equal(lowest_free_fd(), fd0);
		loop_fd_del(l, hfd);
		close(hfd);
	}
	/* And the dns probe against a server that never answers. */
	{
		struct dns_srv ds = {.silent = true};
		struct probe_cfg d;

		dns_srv_start(&ds, l);
		d = dns_cfg(ds.port, DNS_T_SOA, NULL);
		d.timeout = 1;
		memset(&r, 0, sizeof(r));
		fd0 = lowest_free_fd();
		p = probe_new(l, &d, rec_cb, &r);
		for (i = 0; i < 10000; i++) {
			probe_check_now(p);
			run_until(l, &r.n, i + 1, SEC(1));
		}
		assert_int_equal(probe_counters(p)->timeout, 10000);
		probe_free(p);
		assert_int_equal(lowest_free_fd(), fd0);
		dns_srv_stop(&ds);
	}
	close(fill[0]);
	close(fill[1]);
	close(lfd);
	loop_free(l);
}

/* probe_dns_parse alone: ours or not by ID, QR and question; an expected answer found
 * among several; a malformed record after the question is -1 unless TC is set. */
static void
test_dns_parse_pure(void **state)
{
	static const uint8_t qname[] = "\3www\7example\3com";
	static const uint8_t ans[] = {0x12, 0x34, 0x84, 0x00, 0, 1, 0, 2, 0, 0, 0, 0, /* header */
	    3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0,
	    1,                                                          /* question */
	    0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 1, 0x2c, 0, 4, 192, 0, 2, 81, /* A 192.0.2.81 */
	    0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 1, 0x2c, 0, 4, 192, 0, 2, 80};
	struct probe_dns_query q = {0x1234, qname, DNS_T_A, "192.0.2.80"};
	struct probe_dns_answer a;
	uint8_t m[sizeof(ans)];

	UNUSED(state);
	assert_int_equal(probe_dns_parse(&q, ans, sizeof(ans), &a), 1);
	assert_true(a.matched);
	assert_int_equal(a.rcode, DNS_R_NOERROR);
	assert_true(a.h.flags & DNS_F_AA);
	q.expect_answer = "192.0.2.82";
	assert_int_equal(probe_dns_parse(&q, ans, sizeof(ans), &a), 1);
	assert_false(a.matched);
	q.id = 0x4321;
	assert_int_equal(probe_dns_parse(&q, ans, sizeof(ans), &a), 0);
	q.id = 0x1234;
	q.qtype = DNS_T_AAAA;
	assert_int_equal(probe_dns_parse(&q, ans, sizeof(ans), &a), 0);
	q.qtype = DNS_T_A;
	assert_int_equal(probe_dns_parse(&q, ans, sizeof(ans) - 1, &a), -1);
	memcpy(m, ans, sizeof(m));
	m[2] |= 0x02; /* TC */
	assert_int_equal(probe_dns_parse(&q, m, sizeof(m) - 1, &a), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fsm_rise_fall_table),
	    cmocka_unit_test(test_type_names),
	    cmocka_unit_test(test_tcp_open_port_ok),
	    cmocka_unit_test(test_tcp_closed_port_fails_at_once),
	    cmocka_unit_test(test_tcp_silent_port_times_out),
	    cmocka_unit_test(test_schedule_interval_jitter_and_rise),
	    cmocka_unit_test(test_free_inside_callback),
	    cmocka_unit_test(test_http_200_ok),
	    cmocka_unit_test(test_http_503_fails),
	    cmocka_unit_test(test_http_expect_status_ranges),
	    cmocka_unit_test(test_http_expect_body),
	    cmocka_unit_test(test_http_redirect_not_followed),
	    cmocka_unit_test(test_http_slow_times_out),
	    cmocka_unit_test(test_http_closed_port_refused),
	    cmocka_unit_test(test_https_tls_verify),
	    cmocka_unit_test(test_exec_true_false),
	    cmocka_unit_test(test_exec_first_line_is_reason),
	    cmocka_unit_test(test_exec_hang_killed_at_timeout),
	    cmocka_unit_test(test_dns_udp_rcode_and_aa),
	    cmocka_unit_test(test_dns_expect_answer),
	    cmocka_unit_test(test_dns_truncated_retries_over_tcp_for_answer),
	    cmocka_unit_test(test_dns_tcp_transport),
	    cmocka_unit_test(test_dns_checks_id_and_question),
	    cmocka_unit_test(test_dns_parse_pure),
	    cmocka_unit_test(test_dns_random_id_and_port),
	    cmocka_unit_test(test_dns_silent_server_times_out),
	    cmocka_unit_test(test_dns_port_unreachable_fails_at_once),
	    cmocka_unit_test(test_many_timeouts_free_everything),
	};

	signal(SIGPIPE, SIG_IGN);
	log_init("test_probes", LOG_LVL_WARN, 0);
	return cmocka_run_group_tests_name("probes", tests, NULL, NULL);
}
